//! The examples gallery against the real wadm (embedded by `trellis up`) on a real
//! Trellis host: the counter example's manifest (an HTTP component, the http-server and
//! keyvalue providers, links, named config) deployed with `trellis app deploy`, counting
//! and greeting over HTTP, scaled by a new version of the manifest and undeployed; and
//! `trellis examples list|deploy` on the gallery folder.
//!
//! A separate test binary (sharing `all/support.rs`) so it can be run alone:
//! `cargo test -p trellis-cli --test examples`.

#[allow(dead_code)]
#[path = "all/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{eventually, free_port, http_get, Dirs, Up};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .canonicalize()
        .unwrap()
}

/// The counter example's manifest, as committed, answering on `port`, with its relative
/// images made absolute (the copy lives elsewhere) and version `version` running
/// `instances` instances of the counter.
fn counter_manifest(port: u16, version: &str, instances: u32) -> String {
    let text = std::fs::read_to_string(examples().join("counter/wadm.yaml")).unwrap();
    let counter = examples().join("counter");
    let replaced = text
        .replace("127.0.0.1:8091", &format!("127.0.0.1:{port}"))
        .replace("version: v0.1.0", &format!("version: {version}"))
        .replace(
            "image: file://../",
            &format!("image: file://{}/../", counter.display()),
        );
    // The counter component's scaler is the first one in the file.
    replaced.replacen("instances: 1", &format!("instances: {instances}"), 1)
}

/// The component `id`'s entry in `trellis get inventory --json`.
fn component(inventory: &serde_json::Value, id: &str) -> Option<serde_json::Value> {
    match inventory {
        serde_json::Value::Object(map) => {
            if map.get("id").and_then(|v| v.as_str()) == Some(id)
                && map.contains_key("max_instances")
            {
                return Some(inventory.clone());
            }
            map.values().find_map(|v| component(v, id))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| component(v, id)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_counter_manifest_counts_greets_scales_by_version_and_undeploys() {
    let dirs = Dirs::new();
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let v1 = files.path().join("counter-v1.yaml");
    std::fs::write(&v1, counter_manifest(port, "v0.1.0", 1)).unwrap();
    let v2 = files.path().join("counter-v2.yaml");
    std::fs::write(&v2, counter_manifest(port, "v0.2.0", 3)).unwrap();

    let mut up = Up::start(&dirs, &[]).await.unwrap();
    let started = Instant::now();
    // The 14 MB jco component compiles on its first start (a cold cache here): 10 s on a
    // quiet machine, several times that on 2 cores shared with other tests.
    let out = dirs
        .run_within(
            [
                "app",
                "deploy",
                v1.to_str().unwrap(),
                "--wait",
                "--timeout",
                "110",
            ],
            Duration::from_secs(120),
        )
        .await
        .success();
    assert!(out.contains("deployed counter v0.1.0"), "{out}");
    eprintln!("deployed in {:?}", started.elapsed());
    let status = dirs
        .run(["app", "status", "counter", "--json"])
        .await
        .json();
    assert_eq!(status["status"]["type"], "deployed", "{status:#}");

    // http-server → counter, counter → keyvalue (a link wadm put), greeting from the
    // named config wadm created (named `<app>-<config>`, as wadm names what it makes).
    let (code, first) = eventually("the counter to answer HTTP", || async {
        http_get(port, "/a").await.ok()
    })
    .await;
    assert_eq!(code, 200, "{first}");
    assert_eq!(
        first.trim(),
        "Hello from the counter example path=/a hits=1 (js)"
    );
    let (_, second) = http_get(port, "/b").await.unwrap();
    assert_eq!(
        second.trim(),
        "Hello from the counter example path=/b hits=2 (js)"
    );
    let greeting = dirs
        .run(["get", "config", "counter-counter_greeting", "--json"])
        .await
        .json();
    assert_eq!(
        greeting["greeting"], "Hello from the counter example",
        "{greeting:#}"
    );
    let links = dirs.run(["get", "links", "--json"]).await.json();
    let interfaces: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{}:{}", l["source_id"].as_str().unwrap(), l["wit_package"]))
        .collect();
    assert_eq!(interfaces.len(), 2, "{links:#}");
    let inventory = dirs.run(["get", "inventory", "--json"]).await.json();
    let counter = component(&inventory, "counter").expect("the counter runs");
    assert_eq!(counter["max_instances"], 1, "{counter:#}");
    eprintln!(
        "answering HTTP {:?} after the deploy started",
        started.elapsed()
    );

    // A new version with more instances: wadm scales the running component.
    let out = dirs
        .run([
            "app",
            "deploy",
            v2.to_str().unwrap(),
            "--wait",
            "--timeout",
            "20",
        ])
        .await
        .success();
    assert!(out.contains("deployed counter v0.2.0"), "{out}");
    let scaled = eventually("wadm to scale the counter to 3", || async {
        let inventory = dirs.run(["get", "inventory", "--json"]).await.json();
        component(&inventory, "counter").filter(|c| c["max_instances"] == 3)
    })
    .await;
    assert_eq!(scaled["max_instances"], 3);
    // Scaling kept the count (the keyvalue store is the provider's, not the instance's).
    let (_, third) = http_get(port, "/c").await.unwrap();
    assert!(third.contains("hits=3"), "{third}");
    let history = dirs
        .run(["app", "history", "counter", "--json"])
        .await
        .json();
    assert_eq!(history[1]["version"], "v0.2.0", "{history:#}");
    assert_eq!(history[1]["deployed"], true, "{history:#}");

    // Undeploy: the component, both providers, the links and what wadm made go.
    dirs.run(["app", "undeploy", "counter", "--wait", "--timeout", "20"])
        .await
        .success();
    eventually("wadm to remove the component and providers", || async {
        let inventory = dirs.run(["get", "inventory", "--json"]).await.success();
        (!inventory.contains("wasmcloud.dev/appspec")).then_some(())
    })
    .await;
    eventually("wadm to delete the links", || async {
        let links = dirs.run(["get", "links", "--json"]).await.json();
        (links.as_array().map(Vec::len) == Some(0)).then_some(())
    })
    .await;
    eventually("wadm to delete the named config it made", || async {
        let run = dirs
            .run(["get", "config", "counter-counter_greeting"])
            .await;
        (run.code() == Some(1) && run.stderr().contains("not found")).then_some(())
    })
    .await;
    eventually("the http-server to stop listening", || async {
        http_get(port, "/").await.is_err().then_some(())
    })
    .await;
    eprintln!(
        "undeployed {:?} after the deploy started",
        started.elapsed()
    );

    up.interrupt().await;
    assert_eq!(up.wait().await, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn trellis_examples_lists_the_gallery_and_deploys_hello_http() {
    let dirs = Dirs::new();
    // A gallery of one: hello-http copied with a free port (TRELLIS_EXAMPLES_DIR).
    let gallery = tempfile::tempdir().unwrap();
    let hello = gallery.path().join("hello-http");
    std::fs::create_dir(&hello).unwrap();
    let port = free_port();
    for file in ["hello-c.wasm", "hello-wat.wasm", "wadm.yaml"] {
        let from = examples().join("hello-http").join(file);
        let mut bytes = std::fs::read(from).unwrap();
        if file == "wadm.yaml" {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace("127.0.0.1:8090", &format!("127.0.0.1:{port}"))
                .into_bytes();
        }
        std::fs::write(hello.join(file), bytes).unwrap();
    }
    let examples_cmd = |args: &[&str]| {
        let mut command = dirs.trellis(["examples"].iter().chain(args));
        command.env("TRELLIS_EXAMPLES_DIR", gallery.path());
        command
    };

    // The committed gallery, as `trellis examples` finds it in a checkout.
    let list = dirs.run(["examples", "list", "--json"]).await.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hello-http", "counter", "pair"], "{list:#}");
    assert_eq!(list[2]["languages"], serde_json::json!(["WAT", "C"]));

    // A misspelt name is refused before anything is sent, naming the ones there are.
    let wrong = examples_cmd(&["deploy", "helo"]).output().await.unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("there are: hello-http"), "{stderr}");

    let _up = Up::start(&dirs, &[]).await.unwrap();
    let deployed = examples_cmd(&["deploy", "hello-http", "--timeout", "25"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&deployed.stdout);
    assert!(
        deployed.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&deployed.stderr)
    );
    assert!(
        stdout.contains("deployed hello-http v0.1.0 in")
            && stdout.contains(&format!("http://127.0.0.1:{port}/")),
        "{stdout}"
    );
    let (code, body) = eventually("hello-http to answer", || async {
        http_get(port, "/gallery").await.ok()
    })
    .await;
    assert_eq!((code, body.trim()), (200, "Hello from C! path=/gallery"));
}
