//! Issue 14: a provider built with wasmCloud's Rust SDK joins a lattice whose NATS
//! server wants a user and password (as the local lattice's does), which the SDK cannot
//! present: the host gives it a door that only its provider processes may use.

use std::time::Duration;

use serde_json::json;
use trellis_host::{HostConfig, LatticeHost, RuntimeConfig};
use trellis_testkit::NatsServer;

use crate::ctl_support::{events, request_json, CTL};
use crate::provider_binaries::{
    collect_logs, counter_client, fast_providers, provider_event, start_provider, wait_log,
};

#[tokio::test]
async fn an_sdk_provider_joins_a_lattice_whose_server_wants_a_password() {
    let nats = NatsServer::start_with(|o| o.credentials = true).unwrap();
    let (user, password) = (
        nats.inner().user().unwrap().to_owned(),
        nats.inner().password().unwrap().to_owned(),
    );
    let client = async_nats::ConnectOptions::with_user_and_password(user.clone(), password.clone())
        .connect(nats.url())
        .await
        .unwrap();
    let wrpc =
        async_nats_wrpc::ConnectOptions::with_user_and_password(user.clone(), password.clone())
            .connect(nats.url())
            .await
            .unwrap();
    let mut config = HostConfig {
        nats_url: Some(nats.url()),
        runtime: RuntimeConfig {
            cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    fast_providers(&mut config);
    config.runtime.wrpc = Some(wrpc);
    config.runtime.providers.nats_url = Some(format!(
        "nats://{user}:{password}@127.0.0.1:{}",
        nats.port()
    ));
    let host = LatticeHost::start(client.clone(), config).await.unwrap();
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    let binary = trellis_testkit::counter_provider().expect("the counter provider builds");
    let reference = format!("file://{}", binary.display());
    start_provider(&client, &id, "counter", &reference).await;
    provider_event(&mut events, "health_check_passed", "counter").await;

    // It serves a component's calls like on any lattice.
    host.runtime()
        .start_component(
            "client",
            trellis_host::ComponentSource::Bytes(counter_client().into()),
            1,
            Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
    let link = json!({"source_id": "client", "target": "counter", "name": "default",
        "wit_namespace": "trellis", "wit_package": "counter", "interfaces": ["counter"]});
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");
    wait_log(&logs, "counter", "link received from client").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let counted = loop {
        let args = ["\"plums\"".to_owned(), "4".to_owned()];
        match host.runtime().call_wave("client", "count", &args).await {
            Err(err) if err.to_string().contains("no link") => {
                assert!(tokio::time::Instant::now() < deadline, "{err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other.expect("counting through the provider"),
        }
    };
    assert_eq!(counted.results, ["4"]);

    // The password went nowhere near the provider or the logs.
    let leaked = logs
        .lock()
        .unwrap()
        .iter()
        .any(|r| r.message.contains(&password));
    assert!(!leaked, "a log line holds the server's password");
    host.shutdown().await;
}
