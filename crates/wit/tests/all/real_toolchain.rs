//! Components from real toolchains: the committed examples (componentize-py, jco,
//! zig cc + the preview-1 adapter, WAT) and every `*.wasm` in `$TRELLIS_REAL_COMPONENTS`
//! when set. Each is decoded, and when `wasm-tools` is
//! on PATH (scripts/install.sh installs it) our WIT text must equal
//! `wasm-tools component wit`'s.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `*.wasm` files directly inside `dir` or one folder down.
fn wasm_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "wasm")),
            );
        } else if path.extension().is_some_and(|e| e == "wasm") {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn real_components_match_wasm_tools() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files = wasm_files(&examples);
    if let Some(dir) = std::env::var_os("TRELLIS_REAL_COMPONENTS") {
        files.extend(wasm_files(Path::new(&dir)));
    }
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    for expected in [
        "py-counter.wasm",
        "js-counter.wasm",
        "zig-hello.wasm",
        "hello.wasm",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing: {names:?}"
        );
    }
    let wasm_tools = which::which("wasm-tools").ok();
    if wasm_tools.is_none() {
        eprintln!("wasm-tools is not on PATH: decoding only, no comparison");
    }
    let mut seen = 0;
    for path in &files {
        let ours = match trellis_wit::decode_file(path) {
            Ok(wit) => wit,
            Err(err) if path.starts_with(&examples) => panic!("{}: {err}", path.display()),
            // A core module in the extra folder must be refused, not crash.
            Err(err) => {
                eprintln!("{}: {err}", path.display());
                continue;
            }
        };
        seen += 1;
        assert!(!ours.imports.is_empty() || !ours.exports.is_empty());
        if let Some(tool) = &wasm_tools {
            let out = Command::new(tool)
                .args(["component", "wit"])
                .arg(path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "wasm-tools failed on {}",
                path.display()
            );
            assert_eq!(
                ours.to_wit_text(),
                String::from_utf8(out.stdout).unwrap(),
                "WIT of {} differs from wasm-tools'",
                path.display()
            );
        }
    }
    assert!(seen >= 4, "only {seen} components decoded of {names:?}");
}
