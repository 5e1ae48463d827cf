//! `trellis run`, the single-component dev loop, as a user drives it: a real-toolchain
//! command component, and an HTTP component served and hot-reloaded under `--watch`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::sync::mpsc;

use crate::support::{eventually, free_port, http_get, Dirs};

fn example(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
}

#[tokio::test]
async fn a_zig_c_command_runs_once_with_the_granted_environment() {
    let dirs = Dirs::new();
    let wasm = example("zig-hello/zig-hello.wasm");
    let run = dirs
        .run(["run", wasm.to_str().unwrap(), "--env", "WHO=Ada"])
        .await;
    let out = format!("{}{}", run.stdout(), run.stderr());
    assert_eq!(run.code(), Some(0), "{out}");
    assert!(
        out.contains(
            "[zig-hello] (stdout) Hello from C (zig cc -> wasm32-wasi -> component), Ada!"
        ),
        "{out}"
    );
    // Without the grant the guest sees no environment.
    let run = dirs.run(["run", wasm.to_str().unwrap()]).await;
    assert!(run.stdout().contains("stranger"), "{}", run.stdout());
}

#[tokio::test]
async fn watch_swaps_a_new_version_and_keeps_serving_through_a_broken_one() {
    let dirs = Dirs::new();
    let wasm = dirs.data().with_file_name("app.wasm");
    let v1 = trellis_testkit::fixtures::http_hello_with_greeting("version one").unwrap();
    let v2 = trellis_testkit::fixtures::http_hello_with_greeting("version two").unwrap();
    std::fs::write(&wasm, &v1).unwrap();
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let mut child = dirs
        .trellis(["run", wasm.to_str().unwrap(), "--http", &address, "--watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = output_lines(&mut child);

    let body = |path: &'static str| async move {
        match http_get(port, path).await {
            Ok((200, body)) => Some(body.trim_end().to_owned()),
            _ => None,
        }
    };
    assert_eq!(
        eventually("the first version to answer", || body("/a")).await,
        "version one path=/a"
    );
    wait_for_line(&mut lines, "watching").await;

    // A new version: written next to the file and renamed over it, as editors and
    // build tools do.
    replace(&wasm, &v2);
    let swapped = Instant::now();
    eventually("the new version to answer", || async {
        body("/b").await.filter(|b| b == "version two path=/b")
    })
    .await;
    assert!(
        swapped.elapsed() < Duration::from_secs(2),
        "took {:?}",
        swapped.elapsed()
    );
    wait_for_line(&mut lines, "(reload) reloaded").await;

    // Not a component: the running version keeps serving, and the terminal says why.
    replace(&wasm, b"definitely not wasm");
    let why = wait_for_line(&mut lines, "kept the running version").await;
    assert!(why.contains("not a WebAssembly file"), "{why}");
    assert_eq!(body("/c").await.as_deref(), Some("version two path=/c"));

    // A component without the HTTP export would break the http-server's live link.
    replace(&wasm, &trellis_testkit::fixtures::cli_hello().unwrap());
    let why = wait_for_line(&mut lines, "kept the running version").await;
    assert!(
        why.contains("would break") && why.contains("wasi:http/incoming-handler"),
        "{why}"
    );
    assert_eq!(body("/d").await.as_deref(), Some("version two path=/d"));
    child.kill().await.unwrap();
}

fn replace(path: &std::path::Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Every line the child prints on stdout or stderr.
fn output_lines(child: &mut tokio::process::Child) -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let stderr = BufReader::new(child.stderr.take().unwrap());
    for mut reader in [
        Box::new(stdout) as Box<dyn tokio::io::AsyncBufRead + Unpin + Send>,
        Box::new(stderr),
    ] {
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut line = String::new();
            while reader.read_line(&mut line).await.unwrap_or(0) > 0 {
                let _ = tx.send(std::mem::take(&mut line));
            }
        });
    }
    rx
}

/// The next line containing `needle` (within 10 s).
async fn wait_for_line(lines: &mut mpsc::UnboundedReceiver<String>, needle: &str) -> String {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(line) = lines.recv().await {
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        _ => panic!("no line containing {needle:?} was printed"),
    }
}
