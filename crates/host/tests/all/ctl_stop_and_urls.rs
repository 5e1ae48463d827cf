//! Issue 11, items 5 and 11 at the host: `ctl_host`/`rpc_host` never carry user info,
//! and a host whose server is gone still shuts down within seconds.

use std::time::{Duration, Instant};

use trellis_testkit::NatsServer;

use crate::ctl_support::{request, start_host_with, CTL};

/// Issue 11 item 5: the URL the embedder reports is sent without `user:password@`.
#[tokio::test]
async fn issue_11_ping_replies_carry_no_credentials() {
    let nats = NatsServer::start().unwrap();
    let url = nats.url();
    let with_password = url.replacen("nats://", "nats://alice:pw-secret-4711@", 1);
    let _host = start_host_with(&nats, |config| config.nats_url = Some(with_password)).await;
    let client = nats.client().await.unwrap();
    let reply = request(&client, &format!("{CTL}.host.ping"), "").await;
    let text = reply.to_string();
    assert!(!text.contains("pw-secret-4711"), "{text}");
    assert_eq!(reply["response"]["ctl_host"], url.as_str(), "{reply:#}");
    assert_eq!(reply["response"]["rpc_host"], url.as_str(), "{reply:#}");
}

/// Issue 11 item 11: `shutdown` gives up announcing `host_stopped` to a server that is
/// gone instead of waiting for it for ever.
#[tokio::test]
async fn issue_11_shutdown_ends_when_the_server_is_gone() {
    let nats = NatsServer::start().unwrap();
    let host = start_host_with(&nats, |_| {}).await;
    drop(nats);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = Instant::now();
    tokio::time::timeout(Duration::from_secs(30), host.shutdown())
        .await
        .expect("shutdown still runs 8 s after it was asked, with the server gone");
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "{:?}",
        asked.elapsed()
    );
}
