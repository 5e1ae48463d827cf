//! Issue 13's telemetry from the CLI: `trellis telemetry` receives a real wasmCloud 2.x
//! host's OTLP export, and a guest's `wasi:logging` line, written while its workload
//! (started by `trellis v2 start --interface …`) serves an HTTP request, is printed
//! tagged with the workload.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};

use crate::support::{free_port, Dirs};
use trellis_testkit::{NatsServer, Registry, WashHost};

#[tokio::test(flavor = "multi_thread")]
async fn issue_13_a_guest_log_line_reaches_trellis_telemetry_tagged_by_workload() {
    let dirs = Dirs::new();
    let nats = NatsServer::start().unwrap();
    let registry = Registry::start().unwrap();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];

    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut receiver = dirs
        .trellis(["telemetry", "--listen", &listen, "--for", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(receiver.stderr.take().unwrap())
        .read_line(&mut banner)
        .await
        .unwrap();
    let endpoint = format!("http://{listen}");
    assert!(
        banner.contains(&format!("OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}")),
        "the endpoint to give hosts is printed: {banner}"
    );
    let mut printed = BufReader::new(receiver.stdout.take().unwrap()).lines();

    let host = WashHost::start_exporting(&url, "edge-otlp", Some(&endpoint)).unwrap();
    let wasm = dirs.data().with_file_name("chatty.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_logging().unwrap()).unwrap();
    let image = format!("{}/demo/chatty:0.1.0", registry.address());
    dirs.run(["push", wasm.to_str().unwrap(), &image])
        .await
        .success();

    // `trellis v2 start edge-otlp IMAGE --namespace demo --http-host HOST --id ID [more…]`.
    let start = |http_host: &'static str, id: &'static str, more: &'static [&'static str]| {
        let mut args: Vec<&str> = g.to_vec();
        args.extend(["v2", "start", "edge-otlp", &image, "--namespace", "demo"]);
        args.extend(["--http-host", http_host, "--id", id]);
        args.extend(more);
        dirs.run(args)
    };
    // Without the logging interface the host refuses it, and says how to ask for it.
    let refused = start("bare.local", "wl-bare", &[]).await;
    assert_ne!(refused.code(), Some(0), "{}", refused.stdout());
    assert!(
        refused
            .stderr()
            .contains("--interface wasi:logging/logging@0.1.0-draft"),
        "{}",
        refused.stderr()
    );
    let logging = &["--interface", "wasi:logging/logging@0.1.0-draft"];
    start("chatty.local", "wl-chatty", logging).await.success();
    let (status, body) = trellis_testkit::http_get(host.http_port(), "chatty.local", "/otlp-cli")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");

    let line = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = printed.next_line().await.unwrap() {
            if line.contains("/otlp-cli") {
                return line;
            }
        }
        panic!("trellis telemetry ended without the guest's line");
    })
    .await
    .expect("the guest's log line within 30 s");
    // `03:29:13.488     INFO demo/chatty 01a24e8c: /otlp-cli`
    assert!(
        line.contains("INFO") && line.contains("demo/chatty") && line.ends_with(": /otlp-cli"),
        "{line}"
    );
    receiver.kill().await.unwrap();
}

#[tokio::test]
async fn telemetry_refuses_an_address_off_loopback() {
    let dirs = Dirs::new();
    let run = dirs
        .run(["telemetry", "--listen", "0.0.0.0:4317", "--for", "1"])
        .await;
    assert_ne!(run.code(), Some(0));
    assert!(
        run.stderr().contains("only listens on loopback"),
        "{}",
        run.stderr()
    );
}
