//! `trellis context test`: the real binary against a real nats-server and a real
//! `trellis up` host, printing one line per step and exiting 1 at the first failed one.

// The shared helpers of the `all` binary; this binary uses only some of them.
#[allow(dead_code)]
#[path = "all/support.rs"]
mod support;

use serde_json::Value;
use trellis_testkit::NatsServer;

use support::{free_port, Dirs, Up};

/// The line of `step` in the text output (`✓ tcp  …`).
fn line<'a>(stdout: &'a str, step: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| {
            let rest: String = l.chars().skip(2).collect();
            rest.starts_with(&format!("{step} "))
        })
        .unwrap_or_else(|| panic!("no {step} line in:\n{stdout}"))
}

#[tokio::test]
async fn a_healthy_context_passes_every_step() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _up = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    dirs.run(["context", "add", "lab", "--url", &url, "--use"])
        .await
        .success();

    // NAME defaults to the current context.
    let stdout = dirs.run(["context", "test"]).await.success();
    assert!(
        stdout.starts_with(&format!("testing {url} (lattice \"default\")\n")),
        "{stdout}"
    );
    assert!(line(&stdout, "name lookup").starts_with("✓ name lookup     127.0.0.1"));
    assert!(line(&stdout, "tcp").starts_with("✓ tcp"));
    assert!(line(&stdout, "tls").starts_with("- tls             not used"));
    assert!(line(&stdout, "authentication").starts_with("✓ authentication"));
    assert!(line(&stdout, "authorization").starts_with("✓ authorization"));
    assert_eq!(
        line(&stdout, "hosts"),
        "✓ hosts           1 host(s) answered: ".to_owned() + &host_name(&dirs, &url).await
    );
    assert!(line(&stdout, "jetstream").starts_with("✓ jetstream       JetStream answers"));
    assert!(stdout.ends_with("connection works\n"), "{stdout}");

    let run = dirs.run(["context", "test", "lab", "--json"]).await;
    let report: Value = run.json();
    assert_eq!(report["url"], url.as_str());
    let steps = report["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "settings",
            "name_lookup",
            "tcp",
            "tls",
            "authentication",
            "authorization",
            "hosts",
            "jetstream"
        ]
    );
    assert!(steps.iter().all(|s| s["outcome"] != "failed"), "{report:#}");

    // --lattice overrides the saved lattice: nobody there.
    let run = dirs
        .run(["context", "test", "--lattice", "elsewhere"])
        .await;
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let stdout = run.stdout();
    assert!(
        line(&stdout, "hosts")
            .starts_with("✗ hosts           no host answered the ping on lattice \"elsewhere\""),
        "{stdout}"
    );
    assert_eq!(line(&stdout, "jetstream"), "- jetstream       skipped");
    assert!(stdout.ends_with("failed at hosts\n"), "{stdout}");
}

/// The friendly name of the one host on the lattice, as `get hosts` shows it.
async fn host_name(dirs: &Dirs, url: &str) -> String {
    let hosts = dirs
        .run(["--nats-url", url, "get", "hosts", "--json"])
        .await
        .json();
    hosts[0]["friendly_name"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_closed_port_fails_at_tcp() {
    let dirs = Dirs::new();
    let url = format!("nats://127.0.0.1:{}", free_port());
    let run = dirs.run(["context", "test", "--nats-url", &url]).await;
    assert_eq!(run.code(), Some(1));
    let stdout = run.stdout();
    assert!(
        line(&stdout, "tcp").starts_with("✗ tcp") && stdout.contains("connection refused"),
        "{stdout}"
    );
    for later in [
        "tls",
        "authentication",
        "authorization",
        "hosts",
        "jetstream",
    ] {
        assert!(
            line(&stdout, later).starts_with("- ") && line(&stdout, later).ends_with(" skipped"),
            "{stdout}"
        );
    }
    assert!(stdout.ends_with("failed at tcp\n"), "{stdout}");
}

#[tokio::test]
async fn a_wrong_password_fails_at_authentication_without_showing_it() {
    let nats = NatsServer::start_with_config(
        "authorization { user: \"alice\", password: \"right-pass-1234\" }",
    )
    .unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    dirs.run([
        "context",
        "add",
        "bad",
        "--url",
        &url,
        "--user",
        "alice",
        "--password",
        "wrong-pass-5678",
    ])
    .await
    .success();

    let run = dirs.run(["context", "test", "bad"]).await;
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let stdout = run.stdout();
    assert!(
        line(&stdout, "authentication")
            .starts_with("✗ authentication  server refused the credentials"),
        "{stdout}"
    );
    assert!(stdout.ends_with("failed at authentication\n"), "{stdout}");

    let run = dirs.run(["context", "test", "bad", "--json"]).await;
    assert_eq!(run.code(), Some(1));
    let report: Value = serde_json::from_str(&run.stdout()).unwrap();
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["step"], "authentication");
    for text in [run.stdout(), run.stderr(), stdout] {
        assert!(!text.contains("wrong-pass"), "{text}");
    }

    // An unknown NAME is an error that names it.
    let run = dirs.run(["context", "test", "nope"]).await;
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("no context named \"nope\""),
        "{}",
        run.stderr()
    );
}
