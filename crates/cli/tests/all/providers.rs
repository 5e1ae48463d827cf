//! Issue 14: `trellis start provider` and `trellis stop provider` with a capability
//! provider binary — the counter provider built at test time from wasmCloud's official
//! SDK — on a host that allows provider files (`trellis up --allow-provider-files`), one
//! that does not, and the local lattice, whose password SDK providers cannot present (the
//! host opens them a door).

use std::time::Duration;

use trellis_testkit::NatsServer;

use crate::support::{eventually, processes_mentioning, Dirs, Up};

/// Long enough for a debug-built provider to connect and answer its first health check.
const START: Duration = Duration::from_secs(60);

/// The counter provider, copied to `dir` so its processes are this test's alone.
fn counter_in(dir: &std::path::Path) -> std::path::PathBuf {
    let built = trellis_testkit::counter_provider().expect("the counter provider builds");
    std::fs::create_dir_all(dir).unwrap();
    let copy = dir.join("counter-provider");
    std::fs::copy(built, &copy).unwrap();
    copy
}

#[tokio::test]
async fn a_provider_binary_starts_healthy_where_allowed_and_stops() {
    let nats = NatsServer::start().unwrap();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let dirs = Dirs::new();
    let binary = counter_in(&dirs.data().with_file_name("bin"));
    let start = [
        "start",
        "provider",
        binary.to_str().unwrap(),
        "--id",
        "counter",
    ];

    // Joining a given server, a host runs provider files only when told to.
    let mut refusing = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let refused = dirs.run_within(g.iter().chain(&start), START).await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stdout());
    assert!(
        refused
            .stderr()
            .contains("is not allowed by this host's policy")
            && refused.stderr().contains("--allow-provider-files"),
        "{}",
        refused.stderr()
    );
    assert!(processes_mentioning(&binary).is_empty());
    refusing.interrupt().await;
    refusing.wait().await;

    let _up = Up::start(&dirs, &["--nats-url", &url, "--allow-provider-files"])
        .await
        .unwrap();
    // "running" is reported once the provider answered its first health check.
    let started = dirs
        .run_within(g.iter().chain(&start), START)
        .await
        .success();
    assert!(
        started.contains("provider counter running on host"),
        "{started}"
    );
    assert_eq!(processes_mentioning(&binary).len(), 1);
    let inventory = dirs
        .run(g.iter().chain(&["get", "inventory", "--json"]))
        .await
        .json();
    let file_url = format!("file://{}", binary.canonicalize().unwrap().display());
    let text = inventory.to_string();
    assert!(
        text.contains("\"counter\"") && text.contains(&format!("\"{file_url}\"")),
        "{inventory:#}"
    );

    let stopped = dirs
        .run(g.iter().chain(&["stop", "provider", "counter"]))
        .await
        .success();
    assert!(stopped.contains("counter"), "{stopped}");
    eventually("the provider process to end", || async {
        processes_mentioning(&binary).is_empty().then_some(())
    })
    .await;
    let inventory = dirs
        .run(g.iter().chain(&["get", "inventory", "--json"]))
        .await
        .json();
    assert!(
        !inventory.to_string().contains("\"counter\""),
        "{inventory:#}"
    );
}

/// The local lattice's server wants a user and password, which wasmCloud's Rust SDK
/// cannot present: the host lets its provider in through a door of its own.
#[tokio::test]
async fn on_the_local_lattice_an_sdk_provider_starts_through_the_hosts_door() {
    let dirs = Dirs::new();
    let binary = counter_in(&dirs.data().with_file_name("bin"));
    let _up = Up::start(&dirs, &[]).await.unwrap();
    let started = dirs
        .run_within(
            [
                "start",
                "provider",
                binary.to_str().unwrap(),
                "--id",
                "counter",
            ],
            START,
        )
        .await
        .success();
    assert!(
        started.contains("provider counter running on host"),
        "{started}"
    );
    assert_eq!(processes_mentioning(&binary).len(), 1);
    assert!(
        !started.contains("@127.0.0.1"),
        "no credentials shown: {started}"
    );
    let stopped = dirs.run(["stop", "provider", "counter"]).await.success();
    assert!(stopped.contains("counter"), "{stopped}");
}

/// A host killed with SIGKILL leaves no provider behind: it would go on serving the
/// lattice, beside the one a restarted host starts again from its workload file.
#[tokio::test]
async fn a_provider_binary_dies_with_a_killed_host() {
    let nats = NatsServer::start().unwrap();
    let url = nats.url();
    let dirs = Dirs::new();
    let binary = counter_in(&dirs.data().with_file_name("bin"));
    let mut up = Up::start(&dirs, &["--nats-url", &url, "--allow-provider-files"])
        .await
        .unwrap();
    dirs.run_within(
        [
            "--nats-url",
            url.as_str(),
            "start",
            "provider",
            binary.to_str().unwrap(),
            "--id",
            "counter",
        ],
        START,
    )
    .await
    .success();
    assert_eq!(processes_mentioning(&binary).len(), 1);

    up.child.start_kill().unwrap();
    up.wait().await;
    eventually("the provider process to end with its host", || async {
        processes_mentioning(&binary).is_empty().then_some(())
    })
    .await;
}

/// The counter provider packed as a `.par.gz` by wasmCloud's own writer: `trellis push`
/// puts it in a real registry, `trellis inspect` shows its claims and targets, a host
/// without `--allow-provider-images` refuses to start it, one with the flag runs it.
#[tokio::test]
async fn a_provider_archive_is_pushed_inspected_and_started_from_its_reference() {
    let nats = NatsServer::start().unwrap();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let dirs = Dirs::new();
    let registry = trellis_testkit::Registry::start().unwrap();
    let native = trellis_testkit::native_provider_target();
    let archive = dirs.data().with_file_name("counter.par.gz");
    let bytes = trellis_testkit::counter_provider_archive(&[&native], true).unwrap();
    std::fs::write(&archive, bytes).unwrap();
    let archive = archive.to_str().unwrap();
    let reference = format!("{}/counter:0.1", registry.address());

    let pushed = dirs.run(["push", archive, &reference]).await.success();
    assert!(
        pushed.contains(&format!(
            "pushed provider archive {archive} (counter, targets {native}) to {reference} (sha256:"
        )),
        "{pushed}"
    );
    let inspected = dirs.run(["inspect", &reference]).await.success();
    assert!(
        inspected.contains(&format!("provider archive {reference}"))
            && inspected.contains("name: counter")
            && inspected.contains("version: 0.1.0")
            && inspected.contains(&format!("{native} (this machine)")),
        "{inspected}"
    );
    let described = dirs.run(["inspect", archive, "--json"]).await.json();
    assert_eq!(described["name"], "counter", "{described:#}");
    assert_eq!(described["runs_here"], true, "{described:#}");
    let providers = dirs.cache().join("oci").join("providers");
    let start = ["start", "provider", reference.as_str(), "--id", "counter"];

    // Joining a given server, a host runs providers from registries only when told to.
    let mut refusing = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let refused = dirs.run_within(g.iter().chain(&start), START).await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stdout());
    assert!(
        refused
            .stderr()
            .contains("is not allowed by this host's policy")
            && refused.stderr().contains("--allow-provider-images"),
        "{}",
        refused.stderr()
    );
    assert!(!providers.exists(), "nothing was taken out of the archive");
    refusing.interrupt().await;
    refusing.wait().await;

    let _up = Up::start(&dirs, &["--nats-url", &url, "--allow-provider-images"])
        .await
        .unwrap();
    let started = dirs
        .run_within(g.iter().chain(&start), START)
        .await
        .success();
    assert!(
        started.contains("provider counter running on host"),
        "{started}"
    );
    assert_eq!(processes_mentioning(&providers).len(), 1);
    let inventory = dirs
        .run(g.iter().chain(&["get", "inventory", "--json"]))
        .await
        .json();
    assert!(
        inventory.to_string().contains(&format!("\"{reference}\"")),
        "{inventory:#}"
    );
    dirs.run(g.iter().chain(&["stop", "provider", "counter"]))
        .await
        .success();
    eventually("the provider process to end", || async {
        processes_mentioning(&providers).is_empty().then_some(())
    })
    .await;
}
