//! Issue 11, item 1 (defence in depth) on the local lattice: the embedded host sends
//! its components' messaging through the server's guest user, on a connection of its
//! own, and a host that joins does the same with the owner's saved guest credentials.
//! Observed from the server's side: its `/connz` monitoring says which user holds the
//! component's subscription and published the component's replies.

use std::io::{Read, Write};
use std::time::Duration;

use trellis_host::ComponentSource;
use trellis_local::{LocalLattice, LocalOptions};
use trellis_nats_server::{saved_credentials, GUEST_USER};
use trellis_proto::{ConfigMap, Link};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server's connections as `/connz` reports them, with users and subscriptions.
fn connz(monitor_port: u16) -> Vec<serde_json::Value> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", monitor_port)).unwrap();
    write!(
        stream,
        "GET /connz?auth=true&subs=true HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split_once("\r\n\r\n").expect("an HTTP response").1;
    let connz: serde_json::Value = serde_json::from_str(body).expect("connz is JSON");
    connz["connections"].as_array().cloned().unwrap_or_default()
}

fn subscriptions(connection: &serde_json::Value) -> Vec<String> {
    connection["subscriptions_list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn messaging_link(source: &str, target: &str, interface: &str) -> Link {
    Link {
        source_id: source.into(),
        target: target.into(),
        name: "default".into(),
        wit_namespace: "wasmcloud".into(),
        wit_package: "messaging".into(),
        interfaces: vec![interface.into()],
        source_config: vec![],
        target_config: vec![],
    }
}

/// Starts the messaging echo on `local`'s host, subscribed to `subject`.
async fn start_echo(local: &LocalLattice, subject: &str) {
    let rt = local.host().runtime();
    let echo = trellis_testkit::fixtures::messaging_echo().unwrap();
    rt.start_component(
        "echo",
        ComponentSource::Bytes(echo.into()),
        4,
        ConfigMap::new(),
        Default::default(),
    )
    .await
    .unwrap();
    rt.start_provider(
        "nats",
        "builtin://messaging",
        ConfigMap::new(),
        Default::default(),
    )
    .await
    .unwrap();
    rt.set_link(
        &messaging_link("echo", "nats", "consumer"),
        ConfigMap::new(),
        ConfigMap::new(),
    )
    .await
    .unwrap();
    let subscriptions = ConfigMap::from([("subscriptions".to_string(), subject.to_string())]);
    rt.set_link(
        &messaging_link("nats", "echo", "handler"),
        subscriptions,
        ConfigMap::new(),
    )
    .await
    .unwrap();
}

/// Requests `subject` `count` times as the main user and checks each echo.
async fn ask(client: &async_nats::Client, subject: &str, count: usize) {
    for i in 0..count {
        let body = format!("ping {i}");
        let reply = tokio::time::timeout(
            Duration::from_secs(10),
            client.request(subject.to_owned(), body.clone().into()),
        )
        .await
        .expect("the component answers in time")
        .expect("the component answers");
        assert_eq!(String::from_utf8_lossy(&reply.payload), body);
    }
}

#[tokio::test]
async fn components_message_through_the_guest_user_on_the_local_lattice() {
    let dir = tempfile::tempdir().unwrap();
    let monitor = free_port();
    let mut options = LocalOptions::new(dir.path());
    options.save_context = false;
    options.monitor_port = Some(monitor);
    options.connection_name = "owner host".into();
    let local = LocalLattice::start(options, |_| ())
        .await
        .expect("the local lattice starts (is nats-server installed?)");
    start_echo(&local, "app.echo.in").await;

    let (user, password) = saved_credentials(&dir.path().join("nats")).unwrap();
    let client = async_nats::ConnectOptions::new()
        .user_and_password(user, password)
        .connect(local.url())
        .await
        .unwrap();
    const REQUESTS: usize = 5;
    ask(&client, "app.echo.in", REQUESTS).await;

    let connections = connz(monitor);
    let find = |name: &str| {
        connections
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no connection {name:?} in {connections:#?}"))
    };
    let guest = find("owner host (guests)");
    let host = find("owner host");
    assert_eq!(guest["authorized_user"], GUEST_USER, "{guest:#}");
    assert_ne!(host["authorized_user"], GUEST_USER, "{host:#}");
    // The component's subscription is the guest's, not the host's...
    assert!(
        subscriptions(guest).contains(&"app.echo.in".to_owned()),
        "{guest:#}"
    );
    assert!(
        !subscriptions(host).contains(&"app.echo.in".to_owned()),
        "{host:#}"
    );
    // ...and so are its replies: the guest connection delivered the requests and
    // published an echo for each.
    assert!(
        guest["out_msgs"].as_u64().unwrap() >= REQUESTS as u64,
        "{guest:#}"
    );
    assert!(
        guest["in_msgs"].as_u64().unwrap() >= REQUESTS as u64,
        "{guest:#}"
    );

    // A host that joins reads the owner's saved guest credentials and does the same.
    let mut options = LocalOptions::new(dir.path());
    options.save_context = false;
    options.connection_name = "joined host".into();
    let joined = LocalLattice::start(options, |_| ()).await.expect("joins");
    let connections = connz(monitor);
    let joined_guest = connections
        .iter()
        .find(|c| c["name"] == "joined host (guests)")
        .unwrap_or_else(|| panic!("no guest connection of the joined host: {connections:#?}"));
    assert_eq!(joined_guest["authorized_user"], GUEST_USER);

    joined.shutdown().await;
    local.shutdown().await;
}
