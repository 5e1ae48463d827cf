//! Issue 11, item 7: component references are bounded. A FIFO, a device or a directory
//! fails at once with a reason naming the path, a file over the size cap is refused
//! naming both sizes, and a slow reference does not hold up other ctl work.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use trellis_host::{ComponentSource, Runtime, RuntimeConfig};
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// "Fast" for a refusal: no read, no compile.
const FAST: Duration = Duration::from_millis(500);

/// Starts `path` on a fresh runtime with `max_bytes`; returns the error and the time taken.
async fn refusal(path: &Path, max_bytes: u64) -> (String, Duration) {
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
        max_component_bytes: max_bytes,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(5),
        runtime.start_component(
            "c",
            ComponentSource::File(path.to_path_buf()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("starting {} hangs", path.display()));
    let err = outcome.expect_err("the start is refused").to_string();
    (err, started.elapsed())
}

/// A FIFO nobody writes to, in a temporary directory.
fn fifo(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("pipe.wasm");
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
    path
}

#[tokio::test]
async fn device_fifo_and_directory_references_fail_fast_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (Path::new("/dev/zero").to_path_buf(), "character device"),
        (fifo(dir.path()), "FIFO"),
        (dir.path().to_path_buf(), "directory"),
    ];
    for (path, kind) in cases {
        let (err, took) = refusal(&path, 50 << 20).await;
        assert!(took < FAST, "{} took {took:?}", path.display());
        assert!(
            err.contains(&path.display().to_string()) && err.contains(kind),
            "{err}"
        );
        assert!(err.contains("not a regular file"), "{err}");
    }
}

#[tokio::test]
async fn a_file_over_the_cap_is_refused_naming_its_size_and_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.wasm");
    std::fs::write(&path, vec![0u8; 4096]).unwrap();
    let (err, took) = refusal(&path, 1024).await;
    assert!(took < FAST, "took {took:?}");
    assert!(
        err.contains(&path.display().to_string())
            && err.contains("4096 bytes")
            && err.contains("1024-byte cap"),
        "{err}"
    );
}

#[test]
fn the_default_cap_is_50_mib() {
    assert_eq!(RuntimeConfig::default().max_component_bytes, 50 << 20);
}

#[tokio::test]
async fn a_fifo_scale_fails_fast_and_does_not_stall_other_ctl_requests() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path());
    let hello = dir.path().join("hello.wasm");
    std::fs::write(&hello, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let scale = |component: &str, reference: &Path| {
        json!({"component_ref": reference.to_str().unwrap(), "component_id": component,
               "count": 1, "host_id": id, "config": [], "allow_update": false})
    };
    let subject = format!("{CTL}.component.scale.{id}");

    request_json(&client, &subject, scale("piped", &pipe)).await;
    let ping = tokio::time::timeout(
        Duration::from_secs(1),
        client.request(format!("{CTL}.host.ping"), "".into()),
    )
    .await;
    assert!(ping.is_ok_and(|r| r.is_ok()), "host.ping stalled");
    let failed = next_event(&mut events, "component_scale_failed").await;
    assert_eq!(failed["data"]["component_id"], "piped");
    let error = failed["data"]["error"].as_str().unwrap();
    assert!(
        error.contains(pipe.to_str().unwrap()) && error.contains("FIFO"),
        "{error}"
    );

    // The next scale is not held up behind the pipe.
    request_json(&client, &subject, scale("hello", &hello)).await;
    let scaled = next_event(&mut events, "component_scaled").await;
    assert_eq!(scaled["data"]["component_id"], "hello");
}
