//! `trellis up` and the lattice commands against a real nats-server, as the issue's
//! checker runs them.

use futures::StreamExt as _;
use serde_json::Value;
use trellis_testkit::NatsServer;

use crate::support::{
    eventually, free_port, http_get, processes_mentioning, Dirs, Up, LINK_HTTP_TO_HELLO, WAIT,
};

/// The `Host` fields of protocol.md that `get hosts --json` must carry.
const HOST_FIELDS: &[&str] = &[
    "id",
    "friendly_name",
    "labels",
    "lattice",
    "version",
    "uptime_seconds",
    "uptime_human",
    "ctl_host",
    "rpc_host",
];

#[tokio::test]
async fn two_hosts_up_are_listed_by_get_hosts_json() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let first = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let second = Up::start(&dirs, &["--nats-url", &url, "--label", "zone=b"])
        .await
        .unwrap();
    assert_eq!(first.url, url);

    let hosts = dirs
        .run(["--nats-url", &url, "get", "hosts", "--json"])
        .await
        .json();
    let hosts = hosts.as_array().expect("a JSON array of hosts");
    assert_eq!(hosts.len(), 2, "{hosts:#?}");
    for up in [&first, &second] {
        let host = hosts
            .iter()
            .find(|h| h["id"] == up.host_id.as_str())
            .unwrap_or_else(|| panic!("host {} missing from {hosts:#?}", up.host_id));
        for field in HOST_FIELDS {
            assert!(host.get(field).is_some(), "{field} missing in {host:#}");
        }
        assert!(up.host_id.starts_with('N'), "{}", up.host_id);
        assert_eq!(host["lattice"], "default");
        assert_eq!(host["ctl_host"], url.as_str());
        assert!(host["labels"]["hostcore.os"].is_string());
    }
    let second_json = hosts
        .iter()
        .find(|h| h["id"] == second.host_id.as_str())
        .unwrap();
    assert_eq!(
        second_json["labels"]["zone"], "b",
        "--label reaches the host"
    );

    // The human form names both hosts too.
    let table = dirs
        .run(["--nats-url", &url, "get", "hosts"])
        .await
        .success();
    assert!(table.contains(&first.host_id) && table.contains(&second.host_id));
}

#[tokio::test]
async fn config_put_then_get_and_a_missing_config_is_an_error() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();

    dirs.run([
        "--nats-url",
        &url,
        "config",
        "put",
        "web",
        "address=127.0.0.1:8080",
        "mode=a=b",
    ])
    .await
    .success();
    let got = dirs
        .run(["--nats-url", &url, "config", "get", "web", "--json"])
        .await
        .json();
    assert_eq!(
        got,
        serde_json::json!({"address": "127.0.0.1:8080", "mode": "a=b"})
    );

    let missing = dirs
        .run(["--nats-url", &url, "config", "get", "nope"])
        .await;
    assert_eq!(missing.code(), Some(1));
    assert!(missing.stderr().contains("nope"), "{}", missing.stderr());

    dirs.run(["--nats-url", &url, "config", "del", "web"])
        .await
        .success();
    let gone = dirs.run(["--nats-url", &url, "config", "get", "web"]).await;
    assert_eq!(gone.code(), Some(1), "deleted config is gone");

    // `delete` is a name for `del` too (as `app delete` is spelled).
    dirs.run(["--nats-url", &url, "config", "put", "web", "a=b"])
        .await
        .success();
    dirs.run(["--nats-url", &url, "config", "delete", "web"])
        .await
        .success();
    let gone = dirs.run(["--nats-url", &url, "config", "get", "web"]).await;
    assert_eq!(gone.code(), Some(1), "config deleted with `delete` is gone");
}

#[tokio::test]
async fn provider_component_and_link_serve_http_and_get_links_shows_the_link() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let wasm = dirs.data().with_file_name("http-hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let port = free_port();
    let address = format!("address=127.0.0.1:{port}");
    let g = ["--nats-url", url.as_str()];

    dirs.run(g.iter().chain(&["config", "put", "web", &address]))
        .await
        .success();
    dirs.run(
        g.iter()
            .chain(&["start", "provider", "builtin://http-server", "--id", "http"]),
    )
    .await
    .success();
    dirs.run(g.iter().chain(&[
        "start",
        "component",
        wasm.to_str().unwrap(),
        "--id",
        "hello",
    ]))
    .await
    .success();
    dirs.run(g.iter().chain(&LINK_HTTP_TO_HELLO))
        .await
        .success();

    let links = dirs
        .run(g.iter().chain(&["get", "links", "--json"]))
        .await
        .json();
    assert_eq!(
        links,
        serde_json::json!([{
            "source_id": "http", "target": "hello", "name": "default",
            "wit_namespace": "wasi", "wit_package": "http",
            "interfaces": ["incoming-handler"], "source_config": ["web"], "target_config": []
        }])
    );
    let table = dirs.run(g.iter().chain(&["get", "links"])).await.success();
    assert!(table.contains("http") && table.contains("hello"), "{table}");

    let (status, body) = eventually("the http-server to answer", || async {
        http_get(port, "/from-cli?q=1").await.ok()
    })
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body.trim_end(),
        "Hello from a hand-written WAT component! path=/from-cli?q=1"
    );

    // The inventory lists what was started.
    let inventory = dirs
        .run(g.iter().chain(&["get", "inventory", "--json"]))
        .await
        .json();
    let text = inventory.to_string();
    assert!(
        text.contains("\"hello\"") && text.contains("\"http\""),
        "{inventory:#}"
    );
}

#[tokio::test]
async fn inspect_component_gets_the_wit_from_its_host_when_the_file_is_gone() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let bytes = trellis_testkit::fixtures::http_hello().unwrap();
    let kept = dirs.data().with_file_name("kept.wasm");
    let started = dirs.data().with_file_name("started.wasm");
    std::fs::write(&kept, &bytes).unwrap();
    std::fs::write(&started, &bytes).unwrap();
    let g = ["--nats-url", url.as_str()];
    dirs.run(g.iter().chain(&[
        "start",
        "component",
        started.to_str().unwrap(),
        "--id",
        "hello",
    ]))
    .await
    .success();
    std::fs::remove_file(&started).unwrap();

    let mut from_host = dirs
        .run(
            g.iter()
                .chain(&["--json", "inspect", "--component", "hello"]),
        )
        .await
        .json();
    // A running component also says what serves each import; the rest is the file's.
    let satisfaction = from_host
        .as_object_mut()
        .and_then(|o| o.remove("satisfaction"))
        .expect("a running component's imports are judged");
    assert!(
        satisfaction
            .as_array()
            .is_some_and(|s| s.iter().all(|i| i["satisfied_by"]["kind"] == "wasi")),
        "{satisfaction:#}"
    );
    let from_file = dirs
        .run(["--json", "inspect", kept.to_str().unwrap()])
        .await
        .json();
    assert_eq!(from_host, from_file);
    assert!(
        from_host
            .to_string()
            .contains("wasi:http/incoming-handler@0.2.12"),
        "{from_host:#}"
    );

    let missing = dirs
        .run(g.iter().chain(&["inspect", "--component", "nope"]))
        .await;
    assert_eq!(missing.code(), Some(1));
    assert!(
        missing.stderr().contains("no component nope"),
        "{}",
        missing.stderr()
    );
}

#[tokio::test]
async fn an_unreachable_nats_url_is_one_clear_line_and_exit_1() {
    let dirs = Dirs::new();
    // Nothing listens on a port that was just free.
    let url = format!("nats://127.0.0.1:{}", free_port());
    for args in [
        vec!["--nats-url", url.as_str(), "get", "hosts"],
        vec!["up", "--nats-url", url.as_str()],
    ] {
        let run = dirs.run(&args).await;
        assert_eq!(run.code(), Some(1), "{args:?}: {}", run.stderr());
        let stderr = run.stderr();
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{args:?} printed {stderr:?}");
        assert!(lines[0].starts_with("error:"), "{}", lines[0]);
        assert!(
            lines[0].contains(&url),
            "the line names the URL: {}",
            lines[0]
        );
    }
}

#[tokio::test]
async fn malformed_arguments_exit_2_naming_the_problem() {
    let dirs = Dirs::new();
    let cases: &[(&[&str], &str)] = &[
        (&["frobnicate"], "frobnicate"),
        (&["config", "put", "web", "novalue"], "novalue"),
        (
            &["link", "put", "a", "b", "wasi", "--interface", "x"],
            "wasi",
        ),
        (&["up", "--heartbeat-interval", "0"], "0"),
        (&["up", "--label", "hostcore.os=plan9"], "reserved"),
        (&["scale", "component", "hello", "--count", "many"], "many"),
    ];
    for (args, named) in cases {
        let run = dirs.run(*args).await;
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.stderr());
        assert!(
            run.stderr().contains(named),
            "{args:?} should name {named:?}: {}",
            run.stderr()
        );
    }
}

#[tokio::test]
async fn ctrl_c_on_up_publishes_host_stopped_and_exits_0() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let mut up = Up::start(&dirs, &["--nats-url", &nats.url()])
        .await
        .unwrap();
    let client = nats.client().await.unwrap();
    let mut stopped = client
        .subscribe("wasmbus.evt.default.host_stopped")
        .await
        .unwrap();
    client.flush().await.unwrap();

    up.interrupt().await;
    let Ok(message) = tokio::time::timeout(WAIT, stopped.next()).await else {
        let status = up.child.try_wait();
        panic!("no host_stopped within {WAIT:?} after SIGINT; trellis up: {status:?}");
    };
    let event: Value = serde_json::from_slice(&message.unwrap().payload).unwrap();
    assert_eq!(event["source"], up.host_id.as_str());
    assert_eq!(event["type"], "com.wasmcloud.lattice.host_stopped");
    assert_eq!(up.wait().await, Some(0), "a Ctrl-C stop is a clean exit");
}

#[tokio::test]
async fn ctrl_c_on_the_local_lattice_says_goodbye_and_leaves_no_nats_server() {
    let dirs = Dirs::new();
    let mut up = Up::start(&dirs, &[]).await.unwrap();
    assert!(up.url.starts_with("nats://127.0.0.1:"), "{}", up.url);
    let servers = processes_mentioning(&dirs.data());
    assert!(
        !servers.is_empty(),
        "the local nats-server should run from {}",
        dirs.data().display()
    );

    // `up` saved the local lattice (with its generated credentials) as context "local".
    let store = trellis_lattice::ContextStore::open(dirs.config()).unwrap();
    let context = store.get("local").expect("context 'local' saved").clone();
    let client = trellis_lattice::Client::connect(&context).await.unwrap();
    let mut stopped = client
        .nats()
        .subscribe("wasmbus.evt.default.host_stopped")
        .await
        .unwrap();
    client.nats().flush().await.unwrap();
    let listed = dirs
        .run(["--context", "local", "get", "hosts", "--json"])
        .await
        .json();
    assert_eq!(listed[0]["id"], up.host_id.as_str(), "{listed:#}");

    up.interrupt().await;
    let message = tokio::time::timeout(WAIT, stopped.next())
        .await
        .expect("no host_stopped before the local nats-server went away")
        .expect("subscription ended before host_stopped");
    let event: Value = serde_json::from_slice(&message.payload).unwrap();
    assert_eq!(event["source"], up.host_id.as_str());
    assert_eq!(up.wait().await, Some(0));
    let left = processes_mentioning(&dirs.data());
    assert!(left.is_empty(), "nats-server still running: {left:?}");
}

#[tokio::test]
async fn a_link_survives_a_restart_of_the_host() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let mut first = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    dirs.run(
        g.iter()
            .chain(&["config", "put", "web", "address=127.0.0.1:1"]),
    )
    .await
    .success();
    dirs.run(g.iter().chain(&LINK_HTTP_TO_HELLO))
        .await
        .success();

    first.interrupt().await;
    assert_eq!(first.wait().await, Some(0));
    let second = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    assert_ne!(second.host_id, first.host_id, "a new host id per start");

    let links = dirs
        .run(g.iter().chain(&["get", "links", "--json"]))
        .await
        .json();
    assert_eq!(links[0]["source_id"], "http", "{links:#}");
    assert_eq!(links[0]["target"], "hello", "{links:#}");
    assert_eq!(links[0]["source_config"], serde_json::json!(["web"]));
    let config = dirs
        .run(g.iter().chain(&["config", "get", "web", "--json"]))
        .await
        .json();
    assert_eq!(config["address"], "127.0.0.1:1");
}

/// Issue 12: `trellis call` of a function taking a record prints the WAVE result; a
/// wrong argument type is refused before the call, naming the type expected.
#[tokio::test]
async fn call_takes_a_record_in_wave_and_names_the_expected_type() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let wasm = dirs.data().with_file_name("calc.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::calc().unwrap()).unwrap();
    let g = ["--nats-url", url.as_str()];
    dirs.run(
        g.iter()
            .chain(&["start", "component", wasm.to_str().unwrap(), "--id", "calc"]),
    )
    .await
    .success();

    let sum = ["call", "calc", "trellis:calc/shapes.sum"];
    let out = dirs
        .run(g.iter().chain(&sum).chain(&["{x: 40, y: -2}"]))
        .await
        .success();
    assert_eq!(out.trim(), "38");
    let json = dirs
        .run(
            g.iter()
                .chain(&["--json"])
                .chain(&sum)
                .chain(&["{x: 1, y: 2}"]),
        )
        .await
        .json();
    assert_eq!(json["results"], serde_json::json!(["3"]), "{json:#}");

    let wrong = dirs
        .run(g.iter().chain(&sum).chain(&["{x: \"far\", y: 2}"]))
        .await;
    assert_eq!(wrong.code(), Some(1), "{}", wrong.stderr());
    assert!(
        wrong
            .stderr()
            .contains("expected record { x: s32, y: s32 }"),
        "{}",
        wrong.stderr()
    );
    let missing = dirs.run(g.iter().chain(&["call", "ghost", "sum"])).await;
    assert!(
        missing.stderr().contains("\"ghost\" is not running"),
        "{}",
        missing.stderr()
    );
}
