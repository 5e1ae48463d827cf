//! Reliability suite (issue 11), short form: requests mixing a trapping, a looping and
//! a healthy component over real HTTP; the healthy one answers every request.
//!
//! CI runs 1,000 requests. `scripts/reliability.sh` runs the full form (10,000, or
//! `TRELLIS_RELIABILITY_REQUESTS`) alone in the process, where the RSS figures mean
//! something, and sets `TRELLIS_RELIABILITY_RSS_CHECK=1` to hold RSS within 10 % of
//! where it stood after warm-up.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use trellis_host::ComponentLimits;
use trellis_testkit::fixtures;

use crate::{get, runtime, serve};

/// What one request went to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Healthy,
    Trapping,
    Looping,
}

/// The plan: 6 in 10 requests to the healthy component, 3 to the trapping one, 1 to
/// the looping one (each loop costs its 100 ms budget).
fn kind_of(i: usize) -> Kind {
    match i % 10 {
        0 => Kind::Looping,
        1..=3 => Kind::Trapping,
        _ => Kind::Healthy,
    }
}

/// Resident set size of this process in KiB (Linux), or 0.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reliability_mixed_faults_leave_the_healthy_component_answering() -> anyhow::Result<()> {
    let total: usize = std::env::var("TRELLIS_RELIABILITY_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let rt = runtime(Duration::from_secs(5));
    let hello = fixtures::http_hello()?;
    let healthy = serve(&rt, "healthy", hello.clone()).await?;
    let trapping = serve(&rt, "trapping", hello.clone()).await?;
    let looping = serve(&rt, "looping", hello).await?;
    // The looping one gets a 100 ms budget through its component limits.
    let limits = BTreeMap::from([("max_execution_time_ms".to_string(), "100".to_string())]);
    rt.set_component_limits("looping", ComponentLimits::from_map(&limits)?)?;

    let send = |i: usize| async move {
        let kind = kind_of(i);
        let (port, path) = match kind {
            Kind::Healthy => (healthy, "/ok"),
            Kind::Trapping => (trapping, "/trap"),
            Kind::Looping => (looping, "/loop"),
        };
        (kind, get(port, path).await)
    };
    // Warm up (first instantiations, allocator pools), then measure.
    let warm = futures::stream::iter(0..100).map(send).buffer_unordered(16);
    warm.collect::<Vec<_>>().await;
    let rss_start = rss_kib();
    let started = Instant::now();
    let outcomes: Vec<_> = futures::stream::iter(0..total)
        .map(send)
        .buffer_unordered(16)
        .collect()
        .await;
    let took = started.elapsed();
    let rss_end = rss_kib();

    let count = |kind: Kind| outcomes.iter().filter(|(k, _)| *k == kind).count();
    let ok = |kind: Kind| {
        outcomes
            .iter()
            .filter(|(k, r)| *k == kind && matches!(r, Ok((200, _))))
            .count()
    };
    let (healthy_n, trapping_n, looping_n) = (
        count(Kind::Healthy),
        count(Kind::Trapping),
        count(Kind::Looping),
    );
    let growth = if rss_start > 0 {
        (rss_end as f64 - rss_start as f64) * 100.0 / rss_start as f64
    } else {
        0.0
    };
    eprintln!(
        "reliability: {total} requests in {:.1} s ({:.0}/s): healthy answered {}/{healthy_n}, \
         trapping failed {}/{trapping_n}, looping stopped {}/{looping_n}; \
         RSS {} MiB -> {} MiB ({growth:+.1} %)",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64(),
        ok(Kind::Healthy),
        trapping_n - ok(Kind::Trapping),
        looping_n - ok(Kind::Looping),
        rss_start / 1024,
        rss_end / 1024,
    );
    for (kind, result) in &outcomes {
        if *kind == Kind::Healthy {
            let (status, body) = result.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
            assert_eq!(*status, 200, "{body}");
            assert!(body.contains("path=/ok"), "{body}");
        }
    }
    assert_eq!(ok(Kind::Trapping), 0, "a trap answered 200");
    assert_eq!(ok(Kind::Looping), 0, "a loop answered 200");
    // Still up: each component answers a plain request afterwards.
    for port in [healthy, trapping, looping] {
        assert_eq!(get(port, "/after").await?.0, 200);
    }
    if std::env::var("TRELLIS_RELIABILITY_RSS_CHECK").as_deref() == Ok("1") {
        assert!(growth <= 10.0, "RSS grew {growth:.1} %");
    }
    Ok(())
}
