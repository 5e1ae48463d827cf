//! `trellis http`: a request to a component through its http-server link, and the
//! refusal for a component nothing serves.

use trellis_testkit::NatsServer;

use crate::support::{eventually, free_port, serve_hello_over_http, Dirs, Up};

#[tokio::test]
async fn trellis_http_shows_what_the_linked_component_answers() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let wasm = dirs.data().with_file_name("http-hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let g = ["--nats-url", url.as_str()];
    let wasm = wasm.to_str().unwrap();
    serve_hello_over_http(&dirs, &g, wasm, free_port()).await;
    dirs.run(
        g.iter()
            .chain(&["start", "component", wasm, "--id", "lonely"]),
    )
    .await
    .success();

    // The link is applied by the host after `link put` answers: wait for a 200.
    let shown = eventually("trellis http to answer 200", || async {
        let run = dirs
            .run(g.iter().chain(&["http", "hello", "/from-cli?q=1"]))
            .await;
        (run.code() == Some(0) && run.stdout().starts_with("HTTP/1.1 200 OK"))
            .then(|| (run.stdout(), run.stderr()))
    })
    .await;
    let (stdout, stderr) = shown;
    let (head, body) = stdout
        .split_once("\n\n")
        .expect("headers, blank line, body");
    assert!(
        head.lines().skip(1).all(|l| l.contains(": ")),
        "header lines: {head}"
    );
    assert_eq!(
        body.trim_end(),
        "Hello from a hand-written WAT component! path=/from-cli?q=1"
    );
    assert!(
        stderr.contains(" ms, http://127.0.0.1:") && stderr.contains("http-server http"),
        "{stderr}"
    );

    // --json: a POST with a header and a body, the reply as the app receives it.
    let reply = dirs
        .run(g.iter().chain(&[
            "http",
            "hello",
            "submit",
            "-X",
            "post",
            "-H",
            "Content-Type: text/plain",
            "-d",
            "payload",
            "--json",
        ]))
        .await
        .json();
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["reason"], "OK");
    assert_eq!(reply["encoding"], "text");
    assert_eq!(reply["truncated"], false);
    assert_eq!(
        reply["body"].as_str().unwrap().trim_end(),
        "Hello from a hand-written WAT component! path=/submit"
    );
    assert_eq!(reply["provider_id"], "http");
    assert!(reply["elapsed_ms"].as_f64().unwrap() > 0.0, "{reply}");

    // A component no http-server serves: the error says how to link one.
    let unlinked = dirs.run(g.iter().chain(&["http", "lonely", "/"])).await;
    assert_eq!(unlinked.code(), Some(1));
    let err = unlinked.stderr();
    assert!(
        err.contains("\"lonely\" has no http-server link")
            && err.contains("trellis link put http lonely wasi:http"),
        "{err}"
    );

    // Names that cannot be sent, and a component that does not run, are named.
    let bad = dirs
        .run(g.iter().chain(&["http", "hello", "-H", "Bad Name: 1"]))
        .await;
    assert_eq!(bad.code(), Some(1));
    assert!(bad.stderr().contains("\"Bad Name\""), "{}", bad.stderr());
    let missing = dirs.run(g.iter().chain(&["http", "nobody"])).await;
    assert_eq!(missing.code(), Some(1));
    assert!(
        missing.stderr().contains("no component \"nobody\""),
        "{}",
        missing.stderr()
    );
}
