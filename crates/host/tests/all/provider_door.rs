//! Issue 14: a provider built with wasmCloud's Rust SDK joins a lattice whose NATS
//! server wants a user and password (as the local lattice's does), which the SDK cannot
//! present: the host gives it a door that only its provider processes may use.

use trellis_testkit::NatsServer;

use crate::ctl_support::{events, request, request_json, start_host_on, CTL};
use crate::provider_binaries::{
    collect_logs, count_through, fast_providers, link_counter_client, provider_event,
    start_provider,
};

/// A nats-server that wants a user and password, the two, and a client that gives them.
async fn password_server() -> (NatsServer, String, String, async_nats::Client) {
    let nats = NatsServer::start_with(|o| o.credentials = true).unwrap();
    let (user, password) = (
        nats.inner().user().unwrap().to_owned(),
        nats.inner().password().unwrap().to_owned(),
    );
    let client = async_nats::ConnectOptions::with_user_and_password(user.clone(), password.clone())
        .connect(nats.url())
        .await
        .unwrap();
    (nats, user, password, client)
}

#[tokio::test]
async fn an_sdk_provider_joins_a_lattice_whose_server_wants_a_password() {
    let (nats, user, password, client) = password_server().await;
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

/// wasmCloud's keyvalue-nats provider opens its own connection from a link's
/// `cluster_uri`, with an async-nats that ignores a URL's `user:password@`: a URL of the
/// lattice's server in a provider's config is given to it as the door (the counter
/// provider connects from `cluster_uri` the same way), while the lattice keeps the
/// value as written.
#[tokio::test]
async fn a_config_url_of_the_lattice_server_reaches_the_provider_as_the_door() {
    use crate::provider_binaries::wait_log;
    use serde_json::json;

    let (nats, user, password, client) = password_server().await;
    let server = format!("nats://127.0.0.1:{}", nats.port());
    let host = start_host_on(client.clone(), &nats.url(), |config| {
        fast_providers(config);
        config.runtime.providers.nats_url = Some(format!(
            "nats://{user}:{password}@127.0.0.1:{}",
            nats.port()
        ));
    })
    .await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    let put = request_json(
        &client,
        &format!("{CTL}.config.put.own-cfg"),
        json!({"cluster_uri": server, "bucket": "b"}),
    )
    .await;
    assert_eq!(put["success"], true, "{put}");
    let binary = trellis_testkit::counter_provider().expect("the counter provider builds");
    let body = json!({"provider_id": "counter", "provider_ref": format!("file://{}", binary.display()),
        "host_id": id, "config": ["own-cfg"]});
    let reply = request_json(&client, &format!("{CTL}.provider.start.{id}"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
    provider_event(&mut events, "health_check_passed", "counter").await;
    // Its own config names the door, not the server.
    wait_log(
        &logs,
        "counter",
        "counter provider counter started (config: bucket=b, cluster_uri=nats://127.0.0.1:",
    )
    .await;
    let started = logs
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.message.contains("counter provider counter started"))
        .map(|r| r.message.clone())
        .unwrap();
    assert!(!started.contains(&server), "{started}");

    // A link's cluster_uri naming the server: the provider connects, with no password.
    let put = request_json(
        &client,
        &format!("{CTL}.config.put.link-cfg"),
        json!({"cluster_uri": server}),
    )
    .await;
    assert_eq!(put["success"], true, "{put}");
    let link = json!({"source_id": "app", "target": "counter", "name": "default",
        "wit_namespace": "trellis", "wit_package": "counter", "interfaces": ["counter"],
        "target_config": ["link-cfg"]});
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");
    wait_log(&logs, "counter", ": connected").await;
    wait_log(
        &logs,
        "counter",
        "config cluster_uri names this lattice's NATS server",
    )
    .await;

    // What the lattice keeps is the value as written.
    let stored = request(&client, &format!("{CTL}.config.get.link-cfg"), "").await;
    assert_eq!(
        stored["response"]["cluster_uri"],
        server.as_str(),
        "{stored}"
    );
    let refused = logs
        .lock()
        .unwrap()
        .iter()
        .any(|r| r.message.contains("uthorization"));
    assert!(!refused, "a connection was refused");
    host.shutdown().await;
}
