//! Issue 13 from the CLI: a real wasmCloud 2.x host (`wash host`) on the context's NATS
//! server is listed, runs a workload `trellis v2 start` sends it (answering HTTP through
//! its ingress), `trellis v2 describe` says what it runs, and Trellis re-reads and stops
//! what it started.

use crate::support::Dirs;
use trellis_testkit::{NatsServer, Registry, WashHost};

#[tokio::test(flavor = "multi_thread")]
async fn issue_13_a_2x_host_is_listed_runs_a_workload_from_trellis_and_stops_it() {
    let dirs = Dirs::new();
    let nats = NatsServer::start().unwrap();
    let registry = Registry::start().unwrap();
    let host = WashHost::start(&nats.url(), "edge-cli").unwrap();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let wasm = dirs.data().with_file_name("hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let image = format!("{}/demo/hello:0.1.0", registry.address());
    dirs.run(["push", wasm.to_str().unwrap(), &image])
        .await
        .success();

    let listed = dirs
        .run(g.iter().copied().chain(["get", "hosts", "--v2"]))
        .await
        .success();
    let row = listed
        .lines()
        .find(|l| l.contains(host.id()))
        .unwrap_or_else(|| panic!("the 2.x host is listed: {listed}"));
    assert!(row.contains("2.x") && row.contains("edge-cli"), "{row}");

    let started = dirs
        .run(g.iter().copied().chain([
            "v2",
            "start",
            "edge-cli",
            &image,
            "--http-host",
            "hello.local",
            "--id",
            "wl-cli",
        ]))
        .await
        .success();
    assert!(
        started.contains("workload wl-cli (default/hello) on edge-cli"),
        "{started}"
    );
    assert!(started.contains("running"), "{started}");

    let (status, body) = trellis_testkit::http_get(host.http_port(), "hello.local", "/via-cli")
        .await
        .unwrap();
    assert!(
        status == 200 && body.contains("path=/via-cli"),
        "{status} {body}"
    );

    let status = dirs
        .run(g.iter().copied().chain(["v2", "status"]))
        .await
        .success();
    assert!(
        status.contains("wl-cli") && status.contains("running"),
        "{status}"
    );

    // What runs where: the component, its image (pulled for its WIT) and the host
    // interface it binds, labelled with its config.
    let described = dirs
        .run(g.iter().copied().chain(["v2", "describe", "wl-cli"]))
        .await
        .success();
    assert!(
        described.contains("workload wl-cli (default/hello) on edge-cli")
            && described.contains("running"),
        "{described}"
    );
    assert!(
        described.contains(&format!("component hello  {image}")),
        "{described}"
    );
    assert!(described.contains("  digest sha256:"), "{described}");
    assert!(
        described.contains("  export wasi:http/incoming-handler host=hello.local"),
        "{described}"
    );
    assert!(!described.contains("WIT unavailable"), "{described}");
    let json = dirs
        .run(
            g.iter()
                .copied()
                .chain(["--json", "v2", "describe", "wl-cli"]),
        )
        .await
        .success();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["components"][0]["name"], "hello");
    assert_eq!(
        json["components"][0]["interfaces"][0]["config"]["host"],
        "hello.local"
    );
    assert!(json["components"][0]["wit"]["exports"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"]
            .as_str()
            .unwrap()
            .starts_with("wasi:http/incoming-handler")));

    let stopped = dirs
        .run(g.iter().copied().chain(["v2", "stop", "wl-cli"]))
        .await
        .success();
    assert!(stopped.contains("workload wl-cli: stopping"), "{stopped}");
    let status = dirs
        .run(g.iter().copied().chain(["v2", "status"]))
        .await
        .success();
    assert!(status.contains("started no 2.x workloads"), "{status}");

    let missing = dirs
        .run(g.iter().copied().chain([
            "v2",
            "start",
            host.id(),
            &format!("{}/demo/none:1", registry.address()),
        ]))
        .await;
    assert_eq!(missing.code(), Some(1));
    assert!(
        missing.stderr().contains("WORKLOAD_STATE_ERROR"),
        "{}",
        missing.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workload_started_with_a_service_carries_it_and_says_so() {
    // The service is a `wasi:cli/run` component (a workload's long-running part).
    let dirs = Dirs::new();
    let nats = NatsServer::start().unwrap();
    let registry = Registry::start().unwrap();
    let _host = WashHost::start(&nats.url(), "edge-svc").unwrap();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let mut images = Vec::new();
    for (name, bytes) in [
        ("hello", trellis_testkit::fixtures::http_hello().unwrap()),
        ("svc", trellis_testkit::fixtures::cli_hello().unwrap()),
    ] {
        let wasm = dirs.data().with_file_name(format!("{name}.wasm"));
        std::fs::write(&wasm, bytes).unwrap();
        let image = format!("{}/demo/{name}:0.1.0", registry.address());
        dirs.run(["push", wasm.to_str().unwrap(), &image])
            .await
            .success();
        images.push(image);
    }
    let started = dirs
        .run(g.iter().copied().chain([
            "v2",
            "start",
            "edge-svc",
            &images[0],
            "--http-host",
            "svc.local",
            "--service",
            &images[1],
            "--id",
            "wl-svc",
        ]))
        .await;
    eprintln!("SVC START: {} {}", started.stdout(), started.stderr());
    let described = dirs
        .run(g.iter().copied().chain(["v2", "describe", "wl-svc"]))
        .await;
    eprintln!(
        "SVC DESCRIBE: {} {}",
        described.stdout(),
        described.stderr()
    );
    assert!(
        described
            .stdout()
            .contains(&format!("service {}", images[1])),
        "{}",
        described.stdout()
    );
}
