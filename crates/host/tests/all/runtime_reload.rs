//! Hot reload from a watched file.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use trellis_host::{ComponentSource, ReloadEvent};
use trellis_testkit::fixtures;

use crate::{get, link_http, runtime};

/// Replaces `path` the way build tools do: write aside, then rename over it.
fn replace(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[tokio::test]
async fn a_watched_file_is_swapped_and_bad_files_are_refused() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("app.wasm");
    std::fs::write(&file, fixtures::http_hello_with_greeting("first")?)?;
    rt.start_component(
        "app",
        ComponentSource::File(file.clone()),
        4,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let port = crate::free_port();
    link_http(&rt, "app", port).await?;
    let mut watcher = rt.watch_component("app")?;
    assert!(get(port, "/").await?.1.contains("first"));

    let started = Instant::now();
    replace(&file, &fixtures::http_hello_with_greeting("second")?)?;
    let event = tokio::time::timeout(Duration::from_secs(2), watcher.next())
        .await?
        .expect("watcher alive");
    assert!(matches!(event, ReloadEvent::Reloaded { .. }), "{event:?}");
    assert!(get(port, "/").await?.1.contains("second"));
    assert!(started.elapsed() < Duration::from_secs(2));

    // Not a component: refused, the old version keeps serving.
    replace(&file, b"definitely not wasm")?;
    let event = tokio::time::timeout(Duration::from_secs(2), watcher.next())
        .await?
        .expect("watcher alive");
    match event {
        ReloadEvent::Rejected { reason, .. } => assert!(reason.contains("app.wasm"), "{reason}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    // A component that drops the linked interface: refused, naming the link.
    replace(&file, &fixtures::demo()?)?;
    let event = tokio::time::timeout(Duration::from_secs(2), watcher.next())
        .await?
        .expect("watcher alive");
    match event {
        ReloadEvent::Rejected { reason, .. } => {
            assert!(reason.contains("wasi:http/incoming-handler"), "{reason}")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    let (status, body) = get(port, "/").await?;
    assert_eq!(status, 200);
    assert!(body.contains("second"), "{body}");
    Ok(())
}

/// Writes the benchmark's components (`bench/http/run.sh` calls this).
#[test]
#[ignore]
fn write_bench_fixture() -> anyhow::Result<()> {
    let Some(out) = std::env::var_os("TRELLIS_FIXTURE_OUT") else {
        return Ok(());
    };
    let out = std::path::PathBuf::from(out);
    std::fs::write(&out, fixtures::http_hello()?)?;
    std::fs::write(
        out.with_file_name("hello2.wasm"),
        fixtures::http_hello_with_greeting("Second version")?,
    )?;
    Ok(())
}
