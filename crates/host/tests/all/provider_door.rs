//! Issue 14: a provider built with wasmCloud's Rust SDK joins a lattice whose NATS
//! server wants a user and password (as the local lattice's does), which the SDK cannot
//! present: the host gives it a door that only its provider processes may use.

use trellis_testkit::NatsServer;

use crate::ctl_support::{events, start_host_on};
use crate::provider_binaries::{
    collect_logs, count_through, fast_providers, link_counter_client, provider_event,
    start_provider,
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
    let provider_url = format!("nats://{user}:{password}@127.0.0.1:{}", nats.port());
    let host = start_host_on(client.clone(), &nats.url(), |config| {
        fast_providers(config);
        config.runtime.wrpc = Some(wrpc);
        config.runtime.providers.nats_url = Some(provider_url);
    })
    .await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    let binary = trellis_testkit::counter_provider().expect("the counter provider builds");
    let reference = format!("file://{}", binary.display());
    start_provider(&client, &id, "counter", &reference).await;
    provider_event(&mut events, "health_check_passed", "counter").await;

    // It serves a component's calls like on any lattice.
    link_counter_client(&host, &client, &logs).await;
    assert_eq!(count_through(&host, "plums", 4).await, ["4"]);

    // The password went nowhere near the provider or the logs.
    let leaked = logs
        .lock()
        .unwrap()
        .iter()
        .any(|r| r.message.contains(&password));
    assert!(!leaked, "a log line holds the server's password");
    host.shutdown().await;
}
