//! Components from real toolchains (jco, componentize-py, zig + adapter), when
//! present: every `*.wasm` in `$TRELLIS_REAL_COMPONENTS` is decoded, and if
//! `wasm-tools` is on PATH our WIT text must equal `wasm-tools component wit`'s.
//! Build them with the recipes in the project's components notes; CI without
//! them skips this test (and says so).

use std::process::Command;

#[test]
fn real_components_match_wasm_tools() {
    let Some(dir) = std::env::var_os("TRELLIS_REAL_COMPONENTS") else {
        eprintln!("skipped: TRELLIS_REAL_COMPONENTS is not set");
        return;
    };
    let wasm_tools = which::which("wasm-tools").ok();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("wasm") {
            continue;
        }
        let ours = match trellis_wit::decode_file(&path) {
            Ok(wit) => wit,
            // Core modules and other non-components must be refused, not crash.
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
                .arg(&path)
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
    assert!(seen > 0, "no components in {}", dir.to_string_lossy());
}
