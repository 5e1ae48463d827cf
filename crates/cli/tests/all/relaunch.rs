//! Issue 11's relaunch check: the local lattice killed with `kill -9` and started again
//! runs the components and providers it ran, with their links and config.

use crate::support::{
    eventually, free_port, http_get, processes_mentioning, Dirs, Up, LINK_HTTP_TO_HELLO,
};

#[tokio::test]
async fn issue_11_a_local_lattice_killed_with_9_comes_back_with_what_ran() {
    let dirs = Dirs::new();
    let mut first = Up::start(&dirs, &[]).await.unwrap();
    let wasm = dirs.data().with_file_name("http-hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let port = free_port();
    let address = format!("address=127.0.0.1:{port}");
    let wasm = wasm.to_str().unwrap();
    for args in [
        &["config", "put", "web", &address][..],
        &["start", "provider", "http-server", "--id", "http"],
        &["start", "component", wasm, "--id", "hello", "--count", "3"],
        &LINK_HTTP_TO_HELLO,
    ] {
        dirs.run(args).await.success();
    }
    let answer = || async { http_get(port, "/before").await.ok() };
    let (status, _) = eventually("the first host to serve HTTP", answer).await;
    assert_eq!(status, 200);

    // No goodbye: the process and, with it, its nats-server die at once.
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();
    let nats_dir = dirs.data().join("nats");
    eventually("the killed lattice's nats-server to exit", || async {
        processes_mentioning(&nats_dir).is_empty().then_some(())
    })
    .await;
    assert!(
        http_get(port, "/").await.is_err(),
        "nothing serves any more"
    );

    let second = Up::start(&dirs, &[]).await.unwrap();
    assert_ne!(second.host_id, first.host_id, "a new host");
    let (status, body) = eventually("the relaunched host to serve HTTP again", || async {
        http_get(port, "/after").await.ok()
    })
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("path=/after"), "{body}");

    let host = dirs
        .run(["get", "inventory", &second.host_id, "--json"])
        .await
        .json();
    assert_eq!(host["host_id"], second.host_id.as_str(), "{host:#}");
    let hello = host["components"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "hello"))
        .unwrap_or_else(|| panic!("hello runs again: {host:#}"));
    assert_eq!(hello["max_instances"], 3, "with its count: {hello:#}");
    assert!(
        host["providers"].to_string().contains("\"http\""),
        "the http-server runs again: {host:#}"
    );
    let links = dirs.run(["get", "links", "--json"]).await.json();
    assert_eq!(
        links[0]["source_config"],
        serde_json::json!(["web"]),
        "{links:#}"
    );
}
