//! The workflows the CLI shares with the app (issue 9): one local lattice for every
//! Trellis process, link checks against both ends' WIT, and inspection with import
//! satisfaction.

use trellis_testkit::NatsServer;

use crate::support::{processes_mentioning, Dirs, Up};

/// Two `trellis up` on one machine share one nats-server, and `trellis get hosts` with
/// no flags (the saved `local` context) shows both hosts.
#[tokio::test]
async fn two_ups_share_one_local_lattice_that_get_hosts_reaches_without_flags() {
    let dirs = Dirs::new();
    let first = Up::start(&dirs, &[]).await.unwrap();
    let second = Up::start(&dirs, &["--friendly-name", "second-host"])
        .await
        .unwrap();
    assert_eq!(
        second.url, first.url,
        "the second up joins the first's server"
    );
    let servers = processes_mentioning(&dirs.data().join("nats"));
    assert_eq!(servers.len(), 1, "one nats-server, not {servers:?}");

    let hosts = dirs.run(["get", "hosts", "--json"]).await.json();
    let ids: Vec<&str> = hosts
        .as_array()
        .expect("a JSON array of hosts")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(
        ids.contains(&first.host_id.as_str()) && ids.contains(&second.host_id.as_str()),
        "both hosts answer on the local context: {ids:?}"
    );
    let contexts = dirs.run(["context", "list"]).await.success();
    assert!(contexts.contains("local"), "{contexts}");

    // A port asked of a lattice that already runs elsewhere is refused, naming it.
    let refused = dirs.run(["up", "--nats-port", "1"]).await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stderr());
    assert!(
        refused
            .stderr()
            .contains(&format!("already runs at {}", first.url)),
        "{}",
        refused.stderr()
    );
}

/// `link put` checks both ends: an incompatible pair is refused with the app's
/// sentence, `--force` puts it anyway, and an end that is not running yet is noted.
/// `inspect --component` says which import is unsatisfied and why, and agrees once the
/// link's target starts.
#[tokio::test]
async fn link_put_checks_both_ends_and_inspect_tells_satisfaction() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let wasm = dirs.data().with_file_name("kv-user.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::keyvalue_user().unwrap()).unwrap();
    let g = ["--nats-url", url.as_str()];
    dirs.run(
        g.iter()
            .chain(&["start", "provider", "http-server", "--id", "http"]),
    )
    .await
    .success();
    dirs.run(
        g.iter()
            .chain(&["start", "component", wasm.to_str().unwrap(), "--id", "kv"]),
    )
    .await
    .success();

    let unlinked = dirs
        .run(g.iter().chain(&["inspect", "--component", "kv"]))
        .await
        .success();
    assert!(
        unlinked.contains(
            "wasi:keyvalue/store@0.2.0-draft: UNSATISFIED: no link for wasi:keyvalue/store"
        ),
        "{unlinked}"
    );

    let store = ["wasi:keyvalue", "--interface", "store"];
    let refused = dirs
        .run(g.iter().chain(&["link", "put", "kv", "http"]).chain(&store))
        .await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stderr());
    assert!(
        refused.stderr().contains(
            "cannot link: provider http-server: target does not export wasi:keyvalue/store"
        ),
        "{}",
        refused.stderr()
    );
    let links = dirs
        .run(g.iter().chain(&["get", "links", "--json"]))
        .await
        .json();
    assert_eq!(links, serde_json::json!([]), "a refused link is not put");

    let forced = dirs
        .run(
            g.iter()
                .chain(&["link", "put", "kv", "http", "--name", "forced", "--force"])
                .chain(&store),
        )
        .await;
    assert!(
        forced.stderr().contains("warning: put with --force"),
        "{}",
        forced.stderr()
    );
    forced.success();

    let early = dirs
        .run(
            g.iter()
                .chain(&["link", "put", "kv", "store"])
                .chain(&store),
        )
        .await;
    assert!(
        early
            .stderr()
            .contains("note: store is not running yet, so the link was not checked"),
        "{}",
        early.stderr()
    );
    early.success();
    let waiting = dirs
        .run(g.iter().chain(&["inspect", "--component", "kv"]))
        .await
        .success();
    assert!(
        waiting.contains("UNSATISFIED: link default to store: store is not running on any host"),
        "{waiting}"
    );

    dirs.run(
        g.iter()
            .chain(&["start", "provider", "keyvalue", "--id", "store"]),
    )
    .await
    .success();
    let served = dirs
        .run(g.iter().chain(&["--json", "inspect", "--component", "kv"]))
        .await
        .json();
    let status = served["satisfaction"]
        .as_array()
        .expect("a satisfaction list")
        .iter()
        .find(|s| s["import"] == "wasi:keyvalue/store@0.2.0-draft")
        .cloned()
        .expect("the keyvalue import is listed");
    assert_eq!(
        status["satisfied_by"],
        serde_json::json!({"kind": "provider", "link": "default", "target": "store"}),
        "{served:#}"
    );
}
