//! Reliability suite (issue 11): 1,000 half-sent HTTP requests. Clients open TCP
//! connections to an http-server listener, send part of a request (a cut request line,
//! headers without the blank line, a cut header name; one in 50 dribbles a byte every
//! 100 ms) and then stall. The listener's `header_read_timeout` (1 s here,
//! from the link's source config) must close every one of them, and real requests sent
//! meanwhile must all succeed.
//!
//! The listener keeps its default `max_connections` (1024) while the stalled ones stay
//! below it; with more (`TRELLIS_RELIABILITY_HALF_OPEN`, the full form in
//! `scripts/reliability.sh`) the cap is raised to fit them, so the check stays about the
//! timeout.
//!
//! Clients that connect and send nothing are left out. In one run 2 of 20 such clients
//! were still open after 7 s, probably never accepted: with 1,000 connects at once the
//! kernel's accept queue can overflow, and a client whose final handshake ACK was
//! dropped believes it is connected while the server never saw it (nothing is
//! retransmitted when nothing is sent), so no server-side timeout can apply. Real
//! requests in such runs wait up to ~1 s, one SYN retry.
//!
//! Each stalled connection costs two file descriptors in this process (client
//! and server side); the count is refused if `ulimit -n` cannot hold it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trellis_host::ComponentSource;
use trellis_proto::Link;

use crate::{free_port, get, runtime};

/// The header-read timeout the test sets.
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// What a stalled client sends before it stops.
const PARTIAL: &[&[u8]] = &[
    b"GET /half HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    b"GET /half HTT",
    b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
    b"G",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// This process's soft limit on open files.
fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024)
}

/// Waits until the server closes `stream` (EOF or reset); the time it took, or `None`
/// if it stayed open for `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<()> {
    let mut buf = [0u8; 256];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(()),
            Ok(Ok(_)) => {}
        }
    }
}

/// One stalled client: connects, sends its part (or dribbles it), waits to be cut off.
/// Returns how long after it started connecting the server closed it (so never less
/// than the server's own count, which starts at accept).
async fn stalled_client(port: u16, i: usize) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let limit = HEADER_TIMEOUT * 4 + Duration::from_secs(3);
    match i % 50 {
        // Slowloris: one byte every 100 ms, for longer than the timeout.
        1 => {
            let request =
                b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abcdefghijklmnopqrstuvwxyz";
            let dribble = async {
                for byte in request.iter() {
                    if stream.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            };
            // The server cuts it off while it dribbles; the write then fails.
            let _ = tokio::time::timeout(limit, dribble).await;
        }
        _ => stream.write_all(PARTIAL[i % PARTIAL.len()]).await?,
    }
    closed_within(&mut stream, limit.saturating_sub(started.elapsed()))
        .await
        .ok_or_else(|| anyhow::anyhow!("client {i} still open after {limit:?}"))?;
    Ok(started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn half_sent_requests_are_cut_off_by_the_header_timeout_and_do_not_starve_real_ones(
) -> anyhow::Result<()> {
    let half_open: usize = std::env::var("TRELLIS_RELIABILITY_HALF_OPEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    // Two descriptors per stalled connection, plus room for the rest of the process
    // (other tests of this binary run beside this one).
    let fds = open_files_limit();
    anyhow::ensure!(
        (half_open as u64) * 2 + 512 <= fds,
        "{half_open} half-open connections need about {} file descriptors; ulimit -n is {fds}",
        half_open * 2 + 512
    );
    // The default cap while the stalled ones and the real ones fit under it.
    let max_connections = if half_open + 16 <= 1024 {
        1024
    } else {
        half_open + 64
    };

    let rt = runtime(Duration::from_secs(5));
    rt.start_component(
        "hello",
        ComponentSource::Bytes(trellis_testkit::fixtures::http_hello()?.into()),
        8,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    rt.start_provider(
        "http-server",
        "builtin://http-server",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let port = free_port();
    let config = BTreeMap::from([
        ("address".to_string(), format!("127.0.0.1:{port}")),
        ("header_read_timeout".to_string(), "1s".to_string()),
        ("max_connections".to_string(), max_connections.to_string()),
    ]);
    let link = Link {
        source_id: "http-server".into(),
        target: "hello".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    rt.set_link(&link, config, BTreeMap::new()).await?;
    assert_eq!(get(port, "/").await?.0, 200);

    // Real requests all along, from before the stalled clients until they are gone.
    let stop = Arc::new(AtomicBool::new(false));
    let real_ok = Arc::new(AtomicU64::new(0));
    let real_failed = Arc::new(AtomicU64::new(0));
    let slowest_real = Arc::new(AtomicU64::new(0));
    let mut real = Vec::new();
    for _ in 0..4 {
        let (stop, ok, failed, slowest) = (
            stop.clone(),
            real_ok.clone(),
            real_failed.clone(),
            slowest_real.clone(),
        );
        real.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                match get(port, "/real").await {
                    Ok((200, _)) => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                slowest.fetch_max(sent.elapsed().as_millis() as u64, Ordering::Relaxed);
            }
        }));
    }

    let started = Instant::now();
    let closes: Vec<anyhow::Result<Duration>> = futures::stream::iter(0..half_open)
        .map(|i| stalled_client(port, i))
        .buffer_unordered(half_open)
        .collect()
        .await;
    let all_closed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in real {
        task.await?;
    }

    let mut times = Vec::new();
    let mut errors = Vec::new();
    for close in closes {
        match close {
            Ok(took) => times.push(took),
            Err(err) => errors.push(err.to_string()),
        }
    }
    times.sort();
    let (ok, failed) = (
        real_ok.load(Ordering::Relaxed),
        real_failed.load(Ordering::Relaxed),
    );
    println!(
        "reliability half-open: {} of {half_open} half-sent requests closed by the {:?} header \
         timeout (first after {:.2} s, median {:.2} s, last {:.2} s; all gone {:.1} s after \
         the first connect); real requests meanwhile: {ok} ok, {failed} failed, slowest {} ms; \
         max_connections {max_connections}, ulimit -n {fds}",
        times.len(),
        HEADER_TIMEOUT,
        times.first().map_or(0.0, Duration::as_secs_f64),
        times
            .get(times.len() / 2)
            .map_or(0.0, Duration::as_secs_f64),
        times.last().map_or(0.0, Duration::as_secs_f64),
        all_closed.as_secs_f64(),
        slowest_real.load(Ordering::Relaxed),
    );
    assert!(
        errors.is_empty(),
        "{} not closed: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    // Closed by the header timeout, not at once for some other reason.
    assert!(
        times[0] >= HEADER_TIMEOUT.mul_f64(0.9),
        "a half-sent request was closed after only {:?}",
        times[0]
    );
    assert!(
        ok > 0 && failed == 0,
        "real requests: {ok} ok, {failed} failed"
    );
    assert_eq!(get(port, "/").await?.0, 200);
    Ok(())
}
