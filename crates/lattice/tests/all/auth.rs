//! Every auth mode against a nats-server configured for it, and wrong credentials.

use trellis_lattice::{Client, Context, LatticeError};
use trellis_testkit::NatsServer;

async fn ping_ok(ctx: &Context) {
    let client = Client::connect(ctx).await.unwrap();
    // A working connection: a ping round trip (no hosts, ends on no-responders).
    client.ping_hosts().await.unwrap();
}

#[tokio::test]
async fn user_and_password() {
    let nats =
        NatsServer::start_with_config("authorization { user: \"alice\", password: \"s3cret\" }")
            .unwrap();
    ping_ok(&Context::new(nats.url()).with_user_password("alice", "s3cret")).await;

    let err = Client::connect(&Context::new(nats.url()).with_user_password("alice", "wrong"))
        .await
        .unwrap_err();
    assert!(matches!(err, LatticeError::Auth { .. }), "{err:?}");
    let line = err.to_string();
    assert!(
        line.starts_with(&format!("NATS at {} refused the credentials", nats.url())),
        "{line}"
    );
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(
        !line.contains("wrong"),
        "the password must not be echoed: {line}"
    );
}

#[tokio::test]
async fn token() {
    let nats = NatsServer::start_with_config("authorization { token: \"t0ken\" }").unwrap();
    ping_ok(&Context::new(nats.url()).with_token("t0ken")).await;
    let err = Client::connect(&Context::new(nats.url()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LatticeError::Auth { .. }),
        "no credentials: {err:?}"
    );
}

#[tokio::test]
async fn nkey_seed() {
    let user = nkeys::KeyPair::new_user();
    let seed = user.seed().unwrap();
    let nats = NatsServer::start_with_config(&format!(
        "authorization {{ users: [ {{ nkey: \"{}\" }} ] }}",
        user.public_key()
    ))
    .unwrap();
    ping_ok(&Context::new(nats.url()).with_nkey_seed(&seed)).await;

    let other = nkeys::KeyPair::new_user().seed().unwrap();
    let err = Client::connect(&Context::new(nats.url()).with_nkey_seed(other))
        .await
        .unwrap_err();
    assert!(matches!(err, LatticeError::Auth { .. }), "{err:?}");

    let err = Client::connect(&Context::new(nats.url()).with_nkey_seed("SUNOTASEED"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nkey seed is not valid"), "{err}");
}

#[tokio::test]
async fn creds_file_problems_name_the_file() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.creds");
    let err = Client::connect(&Context::new(nats.url()).with_creds_file(&missing))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("cannot use creds file {}: no such file", missing.display())
    );

    let garbage = dir.path().join("garbage.creds");
    std::fs::write(&garbage, "not a creds file").unwrap();
    let err = Client::connect(&Context::new(nats.url()).with_creds_file(&garbage))
        .await
        .unwrap_err();
    let line = err.to_string();
    assert!(
        line.starts_with(&format!("cannot use creds file {}", garbage.display())),
        "{line}"
    );
}
