//! TLS with a CA generated at test time, websocket URLs, and reconnecting after a
//! nats-server restart.

use std::time::Duration;

use trellis_lattice::{Client, ConnectionState, Context, LatticeError};
use trellis_testkit::NatsServer;

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    /// A CA and a server certificate for 127.0.0.1/localhost, written as PEM files.
    fn generate() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "trellis test CA");
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();

        let server_key = rcgen::KeyPair::generate().unwrap();
        let server_params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .unwrap();
        let server = server_params.signed_by(&server_key, &ca).unwrap();

        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.path().join("server.pem"), server.pem()).unwrap();
        std::fs::write(
            dir.path().join("server-key.pem"),
            server_key.serialize_pem(),
        )
        .unwrap();
        Pki { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn server_config(&self) -> String {
        format!(
            "tls {{ cert_file: {:?}, key_file: {:?} }}",
            self.path("server.pem"),
            self.path("server-key.pem")
        )
    }
}

#[tokio::test]
async fn tls_with_a_generated_ca() {
    let pki = Pki::generate();
    let nats = NatsServer::start_with_config(&pki.server_config()).unwrap();
    let url = nats.url().replace("nats://", "tls://");

    let ctx = Context::new(&url).with_tls_ca_file(pki.path("ca.pem"));
    let client = Client::connect(&ctx).await.unwrap();
    client.ping_hosts().await.unwrap();

    // Without our CA the server's certificate is not trusted: one clear TLS line.
    let err = Client::connect(&Context::new(&url)).await.unwrap_err();
    assert!(matches!(err, LatticeError::Tls { .. }), "{err:?}");
    let line = err.to_string();
    assert!(
        line.starts_with(&format!("TLS with NATS at {url} failed")),
        "{line}"
    );

    let missing = pki.path("nope.pem");
    let err = Client::connect(&Context::new(&url).with_tls_ca_file(&missing))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TLS CA file"), "{err}");
}

#[tokio::test]
async fn websocket_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nats = NatsServer::start_with(|o| o.websocket_port = Some(port)).unwrap();
    let ws = nats.websocket_url().unwrap();
    assert!(ws.starts_with("ws://"));
    let client = Client::connect(&Context::new(&ws)).await.unwrap();
    client.ping_hosts().await.unwrap();
}

#[tokio::test]
async fn reconnects_after_a_server_restart() {
    let mut nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let mut state = client.connection_state();
    assert_eq!(*state.borrow_and_update(), ConnectionState::Connected);

    // Restart in a blocking thread: it waits for the old process and the new port.
    let restart = tokio::task::spawn_blocking(move || {
        nats.restart().unwrap();
        nats
    });
    let seen = tokio::time::timeout(Duration::from_secs(20), async {
        let mut seen = Vec::new();
        while state.changed().await.is_ok() {
            let now = state.borrow_and_update().clone();
            seen.push(now.clone());
            if now == ConnectionState::Connected && seen.contains(&ConnectionState::Reconnecting) {
                break;
            }
        }
        seen
    })
    .await
    .expect("the client did not reconnect within 20 s");
    assert_eq!(
        seen.first(),
        Some(&ConnectionState::Reconnecting),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&ConnectionState::Connected), "{seen:?}");
    let _nats = restart.await.unwrap();
    client.ping_hosts().await.unwrap();
}

#[tokio::test]
async fn requests_while_disconnected_fail_fast_with_the_state() {
    let nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let mut state = client.connection_state();
    drop(nats);
    tokio::time::timeout(
        Duration::from_secs(10),
        state.wait_for(|s| *s == ConnectionState::Reconnecting),
    )
    .await
    .unwrap()
    .unwrap();
    let started = std::time::Instant::now();
    let err = client.links().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(err.to_string().contains("reconnecting"), "{err}");
}
