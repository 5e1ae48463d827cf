//! `trellis app` against the real wadm (embedded by `trellis up`) driving a real
//! Trellis host: deploy a manifest with an HTTP component, the built-in http-server and
//! a link with source config, see it answer, undeploy it and see it go; and manifests
//! refused before anything is sent.
//!
//! A separate test binary (sharing `all/support.rs`) so it can be run alone:
//! `cargo test -p trellis-cli --test apps`.

#[allow(dead_code)]
#[path = "all/support.rs"]
mod support;

use std::time::Instant;

use support::{eventually, free_port, http_get, Dirs, Up, LINK_HTTP_TO_HELLO};

/// The manifest: one HTTP component from `component` (a path), served by the built-in
/// http-server on `port`.
fn manifest(component: &std::path::Path, port: u16) -> String {
    format!(
        r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: hello
  annotations:
    version: v0.0.1
    description: an HTTP component behind the built-in http-server
spec:
  components:
    - name: http-component
      type: component
      properties:
        image: file://{path}
      traits:
        - type: spreadscaler
          properties:
            instances: 1
    - name: httpserver
      type: capability
      properties:
        image: wasmcloud+builtin://http-server
      traits:
        - type: link
          properties:
            target: http-component
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            source:
              config:
                - name: default-http
                  properties:
                    address: 127.0.0.1:{port}
"#,
        path = component.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn wadm_deploys_an_http_application_on_a_trellis_host_and_undeploys_it() {
    let dirs = Dirs::new();
    let files = tempfile::tempdir().unwrap();
    let component = files.path().join("hello.wasm");
    std::fs::write(&component, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let port = free_port();
    let manifest_path = files.path().join("hello.yaml");
    std::fs::write(&manifest_path, manifest(&component, port)).unwrap();

    let mut up = Up::start(&dirs, &[]).await.unwrap();
    // wadm answers on the lattice's API subjects.
    let list = dirs.run(["app", "list"]).await.success();
    assert!(list.contains("no applications"), "{list}");

    let started = Instant::now();
    let deploy = dirs
        .run([
            "app",
            "deploy",
            manifest_path.to_str().unwrap(),
            "--wait",
            "--timeout",
            "25",
        ])
        .await;
    let deployed_in = started.elapsed();
    let out = deploy.success();
    assert!(out.contains("deployed hello v0.0.1"), "{out}");
    eprintln!("deployed in {deployed_in:?}: {out}");

    let status = dirs.run(["app", "status", "hello", "--json"]).await.json();
    assert_eq!(status["status"]["type"], "deployed", "{status:#}");

    let (code, body) = eventually("the component to answer HTTP", || async {
        http_get(port, "/hi").await.ok()
    })
    .await;
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("path=/hi"), "{body}");
    eprintln!(
        "answering HTTP {:?} after the deploy started",
        started.elapsed()
    );

    let listed = dirs.run(["app", "list", "--json"]).await.json();
    assert_eq!(listed[0]["name"], "hello", "{listed:#}");
    assert_eq!(listed[0]["deployed_version"], "v0.0.1", "{listed:#}");
    let history = dirs.run(["app", "history", "hello", "--json"]).await.json();
    assert_eq!(history[0]["version"], "v0.0.1", "{history:#}");
    assert_eq!(history[0]["deployed"], true, "{history:#}");
    let got = dirs.run(["app", "get", "hello"]).await.success();
    assert!(got.contains("wasmcloud+builtin://http-server"), "{got}");

    // wadm's own annotations mark what it runs on the host.
    let inventory = dirs.run(["get", "inventory", "--json"]).await.success();
    assert!(inventory.contains("wasmcloud.dev/appspec"), "{inventory}");

    dirs.run(["app", "undeploy", "hello", "--wait", "--timeout", "25"])
        .await
        .success();
    eventually("wadm to remove the component and provider", || async {
        let inventory = dirs.run(["get", "inventory", "--json"]).await.success();
        (!inventory.contains("wasmcloud.dev/appspec")).then_some(())
    })
    .await;
    eventually("the http-server to stop listening", || async {
        http_get(port, "/").await.is_err().then_some(())
    })
    .await;

    dirs.run(["app", "delete", "hello"]).await.success();
    let list = dirs.run(["app", "list"]).await.success();
    assert!(list.contains("no applications"), "{list}");

    up.interrupt().await;
    assert_eq!(up.wait().await, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_manifests_are_refused_before_anything_is_sent() {
    let dirs = Dirs::new();
    let files = tempfile::tempdir().unwrap();
    let good = manifest(std::path::Path::new("/nonexistent/hello.wasm"), 8080);

    // No lattice is running: the manifest is refused first, naming the line.
    let dangling = files.path().join("dangling.yaml");
    std::fs::write(
        &dangling,
        good.replace("target: http-component", "target: ghost"),
    )
    .unwrap();
    let run = dirs
        .run(["app", "deploy", dangling.to_str().unwrap()])
        .await;
    assert_eq!(run.code(), Some(1));
    let line = good
        .lines()
        .position(|l| l.contains("target: http-component"))
        .unwrap()
        + 1;
    assert!(
        run.stderr().contains(&format!("line {line}:")) && run.stderr().contains("ghost"),
        "{}",
        run.stderr()
    );

    let broken = files.path().join("broken.yaml");
    std::fs::write(&broken, good.replace("  name: hello", "  name: [hello")).unwrap();
    let run = dirs.run(["app", "put", broken.to_str().unwrap()]).await;
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains(&format!("{}:", broken.display())),
        "{}",
        run.stderr()
    );

    let validate = dirs
        .run([
            "app",
            "validate",
            files.path().join("missing.yaml").to_str().unwrap(),
        ])
        .await;
    assert_eq!(validate.code(), Some(1));
    assert!(
        validate.stderr().contains("cannot read"),
        "{}",
        validate.stderr()
    );
}

/// `trellis app export` writes a lattice built by hand (no wadm on it) as a manifest that
/// wadm deploys on a fresh local lattice to an equal graph: the same ids, counts and
/// link, and the same HTTP answer.
#[tokio::test(flavor = "multi_thread")]
async fn an_exported_lattice_deploys_to_an_equal_graph_on_a_fresh_one() {
    let first_nats = trellis_testkit::NatsServer::start().unwrap();
    let url = first_nats.url();
    let first = Dirs::new();
    let files = tempfile::tempdir().unwrap();
    let component = files.path().join("hello.wasm");
    std::fs::write(&component, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let port = free_port();
    let address = format!("address=127.0.0.1:{port}");
    let mut by_hand = Up::start(&first, &["--nats-url", &url]).await.unwrap();
    let g = ["--nats-url", url.as_str()];
    for args in [
        &["config", "put", "web", &address][..],
        &["start", "provider", "http-server", "--id", "http"],
        &[
            "start",
            "component",
            component.to_str().unwrap(),
            "--id",
            "hello",
            "--count",
            "2",
        ],
        &LINK_HTTP_TO_HELLO,
    ] {
        first.run(g.iter().chain(args)).await.success();
    }
    let exported = first
        .run(g.iter().chain(&["app", "export", "--name", "copied"]))
        .await
        .success();
    assert!(exported.contains("name: copied"), "{exported}");
    let manifest = files.path().join("copied.yaml");
    std::fs::write(&manifest, &exported).unwrap();
    // The first lattice's http-server holds the port: it goes first.
    by_hand.child.start_kill().unwrap();
    by_hand.child.wait().await.unwrap();
    drop(first_nats);

    let second = Dirs::new();
    let _fresh = Up::start(&second, &[]).await.unwrap();
    second
        .run([
            "app",
            "deploy",
            manifest.to_str().unwrap(),
            "--wait",
            "--timeout",
            "25",
        ])
        .await
        .success();
    let (code, body) = eventually("the copied lattice to answer HTTP", || async {
        http_get(port, "/copied").await.ok()
    })
    .await;
    assert_eq!(code, 200, "{body}\n{exported}");
    let inventory = second.run(["get", "inventory", "--json"]).await.json();
    let text = inventory.to_string();
    assert!(
        text.contains(r#""id":"hello""#) && text.contains(r#""id":"http""#),
        "{inventory:#}"
    );
    assert!(
        text.contains(r#""max_instances":2"#),
        "the count came along: {inventory:#}"
    );
    let links = second.run(["get", "links", "--json"]).await.json();
    assert_eq!(links[0]["source_id"], "http", "{links:#}");
    assert_eq!(links[0]["target"], "hello", "{links:#}");
    assert_eq!(
        links[0]["interfaces"],
        serde_json::json!(["incoming-handler"])
    );
}
