//! A local server started again on the same data directory listens on the same port
//! when it is free, so its URL (in saved contexts, and in providers' config such as
//! wasmCloud's keyvalue-nats `cluster_uri`) stays right across restarts; when another
//! process holds that port it takes a free one.

use std::net::TcpListener;

use trellis_nats_server::{find_nats_server, saved_credentials, LocalNats, LocalNatsOptions};

#[tokio::test]
async fn a_restart_keeps_the_port_when_it_is_free_and_moves_when_it_is_not() {
    if find_nats_server().is_err() {
        eprintln!("skipped: nats-server is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let first = LocalNats::start(LocalNatsOptions::new(dir.path())).expect("nats-server starts");
    let port = first.port();
    first.stop();

    let again = LocalNats::start(LocalNatsOptions::new(dir.path())).expect("starts again");
    assert_eq!(again.port(), port, "a free port is kept");
    again.stop();

    // Another process holds it now: the server moves, and serves there.
    let squatter = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let moved = LocalNats::start(LocalNatsOptions::new(dir.path())).expect("starts elsewhere");
    assert_ne!(moved.port(), port);
    let (user, password) = saved_credentials(dir.path()).unwrap();
    let client = async_nats::ConnectOptions::with_user_and_password(user, password)
        .connect(moved.url())
        .await
        .expect("the moved server serves");
    client.flush().await.unwrap();
    drop(squatter);
    moved.stop();
}
