//! Issue 11, items 4, 5 and 11: secrets stay private on disk and out of every output,
//! and `trellis up` stops on Ctrl-C whatever the state of its server.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use trellis_testkit::NatsServer;

use crate::support::{Dirs, Up, WAIT};

/// The password of the test user: searched for in everything Trellis prints.
const PASSWORD: &str = "pw-secret-4711";

/// A nats-server that requires user `alice` with [`PASSWORD`].
fn server_with_a_password() -> NatsServer {
    NatsServer::start_with(|options| {
        options.extra_config = Some(format!(
            "authorization {{\n  user: alice\n  password: \"{PASSWORD}\"\n}}"
        ));
    })
    .unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Issue 11 item 4: every file the local lattice and `trellis context add` write that
/// holds a secret is 0600, in a 0700 directory.
#[cfg(unix)]
#[tokio::test]
async fn issue_11_secret_files_are_for_their_owner_only() {
    let dirs = Dirs::new();
    let mut up = Up::start(&dirs, &[]).await.unwrap();
    let nats_dir = dirs.data().join("nats");
    for file in ["nats.conf", "credentials.json"] {
        assert_eq!(mode(&nats_dir.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&nats_dir), 0o700, "the local server's directory");
    assert_eq!(mode(&dirs.data()), 0o700, "the data directory");
    // `trellis up` saved the local context with the server's password.
    let contexts = dirs.config().join("contexts.json");
    let saved = std::fs::read_to_string(&contexts).unwrap();
    assert!(saved.contains("password"), "{saved}");
    assert_eq!(mode(&contexts), 0o600, "contexts.json");
    assert_eq!(mode(&dirs.config()), 0o700, "the config directory");
    up.interrupt().await;
    assert_eq!(up.wait().await, Some(0));

    // `context add` on its own, with a config directory it creates.
    let fresh = Dirs::new();
    fresh
        .run([
            "context",
            "add",
            "prod",
            "--url",
            "nats://127.0.0.1:4222",
            "--token",
            "tok",
        ])
        .await
        .success();
    assert_eq!(mode(&fresh.config().join("contexts.json")), 0o600);
    assert_eq!(mode(&fresh.config()), 0o700);
    let leftovers: Vec<_> = std::fs::read_dir(fresh.config())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["contexts.json"], "no temporary file is left");
}

/// Issue 11 item 5: a password in a URL reaches none of `trellis up`'s output, the
/// `ctl_host`/`rpc_host` of `get hosts --json`, `context list` or an error message.
#[tokio::test]
async fn issue_11_a_password_in_the_url_is_never_shown() {
    let nats = server_with_a_password();
    let dirs = Dirs::new();
    let bare = nats.url();
    let with_password = bare.replacen("nats://", &format!("nats://alice:{PASSWORD}@"), 1);

    // `trellis up` with the password in the URL, logging at info level.
    let mut command = dirs.trellis(["up", "--nats-url", &with_password]);
    command
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut up = command.spawn().unwrap();
    let mut stdout = BufReader::new(up.stdout.take().unwrap());
    let mut first = String::new();
    tokio::time::timeout(WAIT, stdout.read_line(&mut first))
        .await
        .expect("trellis up printed nothing")
        .unwrap();
    if !first.contains(" is up on lattice ") {
        let out = up.wait_with_output().await.unwrap();
        panic!("trellis up did not start: {first:?} {out:?}");
    }
    assert!(first.trim_end().ends_with(&bare), "{first:?}");

    let hosts = dirs
        .run(["--nats-url", &with_password, "get", "hosts", "--json"])
        .await;
    let text = hosts.stdout() + &hosts.stderr();
    assert!(!text.contains(PASSWORD), "get hosts: {text}");
    let hosts: Value = serde_json::from_str(&hosts.success()).unwrap();
    let host = &hosts.as_array().unwrap()[0];
    assert_eq!(host["ctl_host"], bare.as_str(), "{host:#}");
    assert_eq!(host["rpc_host"], bare.as_str(), "{host:#}");

    // A saved context with the password in its URL.
    dirs.run(["context", "add", "inline", "--url", &with_password])
        .await
        .success();
    for args in [&["context", "list"][..], &["context", "list", "--json"]] {
        let list = dirs.run(args).await;
        let text = list.success() + &list.stderr();
        assert!(!text.contains(PASSWORD), "{args:?}: {text}");
        assert!(
            text.contains(&bare),
            "{args:?} still shows the server: {text}"
        );
    }

    // A wrong password: the error names the server, not the password tried.
    let wrong = bare.replacen("nats://", "nats://alice:wrong-secret-0815@", 1);
    for args in [
        vec!["--nats-url", wrong.as_str(), "get", "hosts"],
        vec!["up", "--nats-url", wrong.as_str()],
    ] {
        let run = dirs.run(&args).await;
        assert_eq!(run.code(), Some(1), "{args:?}: {}", run.stderr());
        let text = run.stdout() + &run.stderr();
        assert!(!text.contains("wrong-secret-0815"), "{args:?}: {text}");
        assert!(text.contains(&bare), "{args:?} names the server: {text}");
    }

    up.start_kill().unwrap();
    let _ = up.wait().await;
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    let mut stderr = String::new();
    up.stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    for text in [&first, &rest, &stderr] {
        assert!(!text.contains(PASSWORD), "trellis up printed: {text}");
    }
}

/// Issue 11 item 5: `trellis up --nats-url` takes the credentials of `--context`, and
/// `context add` takes a password from a file or the environment instead of argv.
#[tokio::test]
async fn issue_11_up_uses_the_context_credentials_given_off_the_command_line() {
    let nats = server_with_a_password();
    let dirs = Dirs::new();
    let url = nats.url();
    let file = dirs.config().with_file_name("password.txt");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();

    let mut from_env = dirs.trellis([
        "context",
        "add",
        "by-env",
        "--url",
        "nats://127.0.0.1:1",
        "--user",
        "alice",
        "--password-env",
        "TRELLIS_TEST_PASSWORD",
    ]);
    let out = from_env
        .env("TRELLIS_TEST_PASSWORD", PASSWORD)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let by_file = dirs
        .run([
            "context",
            "add",
            "by-file",
            "--url",
            "nats://127.0.0.1:1",
            "--user",
            "alice",
            "--password-file",
            file.to_str().unwrap(),
        ])
        .await;
    by_file.success();
    let unset = dirs
        .run([
            "context",
            "add",
            "unset",
            "--user",
            "alice",
            "--password-env",
            "TRELLIS_TEST_NOT_SET",
        ])
        .await;
    assert_eq!(unset.code(), Some(1), "{}", unset.stderr());
    assert!(
        unset.stderr().contains("TRELLIS_TEST_NOT_SET"),
        "{}",
        unset.stderr()
    );

    for context in ["by-env", "by-file"] {
        // The saved URL points nowhere: --nats-url replaces it, the credentials stay.
        let mut up = Up::start(&dirs, &["--context", context, "--nats-url", &url])
            .await
            .unwrap_or_else(|e| panic!("--context {context}: {e:#}"));
        assert_eq!(up.url, url);
        let hosts = dirs
            .run([
                "--context",
                context,
                "--nats-url",
                &url,
                "get",
                "hosts",
                "--json",
            ])
            .await
            .json();
        assert!(
            hosts
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == up.host_id.as_str()),
            "{hosts:#}"
        );
        up.interrupt().await;
        assert_eq!(up.wait().await, Some(0));
    }
    // Without the context the server refuses.
    let refused = dirs.run(["up", "--nats-url", &url]).await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stderr());
}

/// Issue 11 item 11: with its nats-server gone, `trellis up` still ends within seconds
/// of Ctrl-C, with exit code 0.
#[tokio::test]
async fn issue_11_ctrl_c_stops_up_whose_server_is_gone() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let mut up = Up::start(&dirs, &["--nats-url", &nats.url()])
        .await
        .unwrap();
    drop(nats);
    // Let the client notice the lost connection and start reconnecting.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let asked = Instant::now();
    up.interrupt().await;
    let status = tokio::time::timeout(Duration::from_secs(10), up.child.wait()).await;
    let Ok(status) = status else {
        panic!("trellis up still runs 10 s after Ctrl-C with its server gone");
    };
    assert_eq!(
        status.unwrap().code(),
        Some(0),
        "a Ctrl-C stop is a clean exit"
    );
    assert!(asked.elapsed() < Duration::from_secs(10));
}
