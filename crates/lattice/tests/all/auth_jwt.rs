//! Decentralised auth: an operator, an account and a user made at test time (nkeys plus
//! hand-signed JWTs), a nats-server in operator mode with a memory resolver, and a
//! client using a `.creds` file or a JWT with its seed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use nkeys::KeyPair;
use serde_json::{json, Value};
use trellis_lattice::{Client, Context, LatticeError};
use trellis_testkit::NatsServer;

/// A NATS JWT (`ed25519-nkey`) with `nats` claims for `subject`, signed by `issuer`.
fn jwt(issuer: &KeyPair, subject: &str, name: &str, nats: Value) -> String {
    let header = json!({"typ": "JWT", "alg": "ed25519-nkey"});
    let claims = json!({
        "jti": format!("{:032X}", rand::random::<u128>()),
        "iat": 1_700_000_000u64,
        "iss": issuer.public_key(),
        "name": name,
        "sub": subject,
        "nats": nats,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = issuer.sign(signing_input.as_bytes()).unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// A server trusting a fresh operator with one account; returns it and a user's JWT and seed.
fn operator_server() -> (NatsServer, String, String) {
    let operator = KeyPair::new_operator();
    let account = KeyPair::new_account();
    let user = KeyPair::new_user();
    let operator_jwt = jwt(
        &operator,
        &operator.public_key(),
        "trellis-test",
        json!({"type": "operator", "version": 2}),
    );
    let account_jwt = jwt(
        &operator,
        &account.public_key(),
        "lattice",
        json!({
            "limits": {"subs": -1, "conn": -1, "leaf": -1, "imports": -1, "exports": -1,
                       "data": -1, "payload": -1, "wildcards": true},
            "default_permissions": {"pub": {}, "sub": {}},
            "type": "account", "version": 2
        }),
    );
    let user_jwt = jwt(
        &account,
        &user.public_key(),
        "tester",
        json!({"pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1,
               "type": "user", "version": 2}),
    );
    // JetStream (on in test servers) needs a system account.
    let system = KeyPair::new_account();
    let system_jwt = jwt(
        &operator,
        &system.public_key(),
        "SYS",
        json!({"limits": {"subs": -1, "conn": -1, "leaf": -1, "imports": -1, "exports": -1,
                          "data": -1, "payload": -1, "wildcards": true},
               "type": "account", "version": 2}),
    );
    let config = format!(
        "operator: {operator_jwt}\nsystem_account: {sys}\nresolver: MEMORY\n\
         resolver_preload: {{\n  {acc}: {account_jwt}\n  {sys}: {system_jwt}\n}}\n",
        sys = system.public_key(),
        acc = account.public_key()
    );
    let nats = NatsServer::start_with_config(&config).unwrap();
    (nats, user_jwt, user.seed().unwrap())
}

#[tokio::test]
async fn creds_file_and_jwt_seed_against_an_operator_mode_server() {
    let (nats, user_jwt, seed) = operator_server();

    let creds = format!(
        "-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n\
         -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tester.creds");
    std::fs::write(&path, creds).unwrap();
    let client = Client::connect(&Context::new(nats.url()).with_creds_file(&path))
        .await
        .unwrap();
    client.ping_hosts().await.unwrap();

    let client = Client::connect(&Context::new(nats.url()).with_jwt_seed(&user_jwt, &seed))
        .await
        .unwrap();
    client.ping_hosts().await.unwrap();

    // Operator mode is really on: no credentials, no connection.
    let err = Client::connect(&Context::new(nats.url()))
        .await
        .unwrap_err();
    assert!(matches!(err, LatticeError::Auth { .. }), "{err:?}");

    // The right JWT with another user's seed cannot sign the server's nonce.
    let other = KeyPair::new_user().seed().unwrap();
    let err = Client::connect(&Context::new(nats.url()).with_jwt_seed(&user_jwt, other))
        .await
        .unwrap_err();
    assert!(matches!(err, LatticeError::Auth { .. }), "{err:?}");
}
