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
    // Without the grant the guest sees no environment; arguments follow `--`.
    let run = dirs
        .run(["run", wasm.to_str().unwrap(), "--", "one", "two words"])
        .await;
    let out = run.stdout();
    assert!(out.contains("component), stranger!"), "{out}");
    assert!(
        out.contains("arg 1: one") && out.contains("arg 2: two words"),
        "{out}"
    );
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

#[tokio::test]
async fn a_messaging_handler_answers_requests_on_its_subscribed_subject() {
    let nats = trellis_testkit::NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let wasm = dirs.data().with_file_name("echo.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::messaging_echo().unwrap()).unwrap();
    let url = nats.url();
    let mut child = dirs
        .trellis([
            "--nats-url",
            url.as_str(),
            "run",
            wasm.to_str().unwrap(),
            "--subscribe",
            "echo.in",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = output_lines(&mut child);
    wait_for_line(&mut lines, "handling messages on echo.in").await;

    let client = nats.client().await.unwrap();
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        client.request("echo.in", "marco".into()),
    )
    .await
    .expect("no reply within 10 s")
    .unwrap();
    assert_eq!(&reply.payload[..], b"marco");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn messaging_without_a_server_gets_a_private_one_that_stops_with_the_run() {
    let dirs = Dirs::new();
    let scratch = dirs.data();
    std::fs::create_dir_all(&scratch).unwrap();
    let wasm = scratch.join("echo.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::messaging_echo().unwrap()).unwrap();
    let mut command = dirs.trellis(["run", wasm.to_str().unwrap(), "--subscribe", "echo.>"]);
    // The private server's store is a temporary directory: put it where we can look.
    let mut child = command
        .env("TMPDIR", &scratch)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = output_lines(&mut child);
    let line = wait_for_line(&mut lines, "private nats-server at nats://127.0.0.1:").await;
    wait_for_line(&mut lines, "handling messages on echo.>").await;
    assert!(
        !crate::support::processes_mentioning(&scratch).is_empty(),
        "no nats-server runs from {}: {line}",
        scratch.display()
    );

    let pid = child.id().unwrap().to_string();
    let status = tokio::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("trellis run did not stop on Ctrl-C")
        .unwrap();
    assert_eq!(exit.code(), Some(0));
    let left = crate::support::processes_mentioning(&scratch);
    assert!(left.is_empty(), "nats-server still running: {left:?}");
}

#[tokio::test]
async fn subscribe_without_a_message_handler_is_refused() {
    let dirs = Dirs::new();
    let wasm = dirs.data().with_file_name("web.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let run = dirs
        .run(["run", wasm.to_str().unwrap(), "--subscribe", "x"])
        .await;
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr()
            .contains("--subscribe needs a component that exports wasmcloud:messaging/handler"),
        "{}",
        run.stderr()
    );
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
