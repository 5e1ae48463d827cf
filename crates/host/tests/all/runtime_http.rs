//! The http-server built-in: requests reach the component; traps, deadlines and
//! memory overruns fail only their own request.

use std::time::{Duration, Instant};

use trellis_testkit::fixtures;

use crate::{get, runtime, serve};

#[tokio::test]
async fn http_hello_answers_over_http() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(10));
    let port = serve(&rt, "hello", fixtures::http_hello()?).await?;
    let (status, body) = get(port, "/hi?x=1").await?;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Hello from a hand-written WAT component! path=/hi?x=1"),
        "{body}"
    );
    Ok(())
}

#[tokio::test]
async fn a_trap_fails_one_request_and_the_next_one_works() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(10));
    let mut logs = rt.logs().subscribe();
    let port = serve(&rt, "trappy", fixtures::http_hello()?).await?;
    let (status, body) = get(port, "/trap").await?;
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("trappy") && body.contains("unreachable"),
        "{body}"
    );
    let (status, body) = get(port, "/fine").await?;
    assert_eq!(status, 200, "{body}");
    // The failure was logged with the component id.
    let record = loop {
        let record = tokio::time::timeout(Duration::from_secs(5), logs.recv()).await??;
        if record.message.contains("request failed") {
            break record;
        }
    };
    assert_eq!(record.component.as_deref(), Some("trappy"));
    // Each request has its line in the component's log, with method, path and status.
    let mut lines = Vec::new();
    while let Ok(Ok(record)) = tokio::time::timeout(Duration::from_secs(2), logs.recv()).await {
        if record.context.as_deref() == Some("http") && record.message.contains(" → ") {
            assert_eq!(record.component.as_deref(), Some("trappy"));
            lines.push(record.message);
            if lines.len() == 2 {
                break;
            }
        }
    }
    assert!(lines[0].starts_with("GET /trap → 500 in "), "{lines:?}");
    assert!(lines[1].starts_with("GET /fine → 200 in "), "{lines:?}");
    Ok(())
}

#[tokio::test]
async fn an_infinite_loop_hits_the_deadline() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_millis(500));
    let port = serve(&rt, "loopy", fixtures::http_hello()?).await?;
    let started = Instant::now();
    let (status, body) = get(port, "/loop").await?;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("deadline"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let (status, _) = get(port, "/ok").await?;
    assert_eq!(status, 200);
    Ok(())
}

#[tokio::test]
async fn concurrent_requests_are_served() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(10));
    let port = serve(&rt, "busy", fixtures::http_hello()?).await?;
    let requests = (0..32).map(|i| async move { get(port, &format!("/r{i}")).await });
    for (i, result) in futures::future::join_all(requests)
        .await
        .into_iter()
        .enumerate()
    {
        let (status, body) = result?;
        assert_eq!(status, 200);
        assert!(body.contains(&format!("path=/r{i}")), "{body}");
    }
    Ok(())
}

#[tokio::test]
async fn an_address_in_use_is_a_clear_error() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(10));
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = taken.local_addr()?.port();
    rt.start_component(
        "late",
        trellis_host::ComponentSource::Bytes(fixtures::http_hello()?.into()),
        1,
        Default::default(),
        Default::default(),
    )
    .await?;
    let err = crate::link_http(&rt, "late", port).await.unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.to_lowercase().contains("in use"), "{text}");
    Ok(())
}
