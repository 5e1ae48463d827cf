//! `trellis spy` against `trellis up` on a real nats-server: each call from one component
//! into another through a link is printed with its WAVE arguments and result, and a call
//! that traps with its error (issue 14, part 3).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use trellis_testkit::fixtures;
use trellis_testkit::NatsServer;

use crate::support::{eventually, Dirs, Up, WAIT};

/// Runs `trellis spy args…` in the background until it has its lease (its first line on
/// stderr); the returned child prints the calls on stdout until [`stdout_of`] stops it.
/// The stderr reader is kept so a later warning does not hit a closed pipe.
async fn start_spy(dirs: &Dirs, args: &[&str]) -> (tokio::process::Child, impl Sized) {
    let mut command = dirs.trellis(args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawning trellis spy");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(WAIT, stderr.read_line(&mut line))
        .await
        .expect("trellis spy said nothing")
        .unwrap();
    if !line.starts_with("spying on calls into ") {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest).await;
        panic!("trellis spy did not start: {line}{rest}");
    }
    (child, stderr)
}

/// Stops a `trellis spy --follow` as Ctrl-C does and returns what it printed.
async fn stdout_of((mut child, _stderr): (tokio::process::Child, impl Sized)) -> String {
    let pid = child.id().expect("trellis spy is still running");
    let kill = tokio::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .await
        .expect("running kill");
    assert!(kill.success());
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .await
        .unwrap();
    let status = tokio::time::timeout(WAIT, child.wait()).await.unwrap();
    assert!(status.unwrap().success(), "trellis spy failed: {out}");
    out
}

#[tokio::test]
async fn spy_prints_each_linked_call_and_the_error_of_a_failing_one() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let g = ["--nats-url", url.as_str()];
    for (id, bytes) in [
        ("consumer", fixtures::greeter_consumer().unwrap()),
        ("provider", fixtures::greeter_provider().unwrap()),
        ("broken", fixtures::greeter_broken().unwrap()),
    ] {
        let wasm = dirs.data().with_file_name(format!("{id}.wasm"));
        std::fs::write(&wasm, bytes).unwrap();
        let path = wasm.to_str().unwrap();
        dirs.run(g.iter().chain(&["start", "component", path, "--id", id]))
            .await
            .success();
    }
    let link = |target: &'static str| {
        let args = [
            "link",
            "put",
            "consumer",
            target,
            "trellis:fwd",
            "--interface",
            "greeter",
        ];
        g.iter().copied().chain(args).collect::<Vec<_>>()
    };
    let call = g
        .iter()
        .copied()
        .chain(["call", "consumer", "run", r#""Ada""#])
        .collect::<Vec<_>>();

    let listen = ["--follow"];
    let text = start_spy(&dirs, &[&g[..], &["spy", "provider"], &listen[..]].concat()).await;
    let json = start_spy(
        &dirs,
        &[&g[..], &["--json", "spy", "broken"], &listen[..]].concat(),
    )
    .await;

    dirs.run(link("provider")).await.success();
    eventually("the call through the link", || async {
        let out = dirs.run(&call).await;
        (out.code() == Some(0)).then_some(())
    })
    .await;
    // A link's target cannot change in place (as on wasmCloud): delete, then put.
    dirs.run(g.iter().chain(&["link", "del", "consumer", "trellis:fwd"]))
        .await
        .success();
    dirs.run(link("broken")).await.success();
    let refused = eventually("the call into the broken component", || async {
        let out = dirs.run(&call).await;
        (out.code() == Some(1) && out.stderr().contains("unreachable")).then_some(())
    });
    tokio::time::timeout(Duration::from_secs(20), refused)
        .await
        .expect("the relinked call fails");

    let printed = stdout_of(text).await;
    assert!(
        printed
            .contains(r#"consumer → provider  trellis:fwd/greeter.greet("Ada") -> "Hi, Ada!"  "#),
        "{printed}"
    );
    let records: Vec<serde_json::Value> = stdout_of(json)
        .await
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON record a line"))
        .collect();
    let failed = records.first().expect("the failed call is recorded");
    assert_eq!(failed["target_id"], "broken");
    assert_eq!(failed["args"], serde_json::json!([r#""Ada""#]));
    let error = failed["error"].as_str().unwrap_or_default();
    assert!(error.contains("unreachable"), "{failed:#}");
}
