//! `test_connection` against real nats-servers and a real Trellis host: each way of
//! failing names its step, later steps are skipped, and no credential is ever reported.

use std::time::Duration;

use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::{test_connection, ConnectionReport, Context, StepKind, StepOutcome};
use trellis_testkit::NatsServer;

/// Short windows so a test without hosts does not wait the default 2 s twice.
fn ctx(url: &str) -> Context {
    Context::new(url)
        .with_scatter_window(Duration::from_millis(600))
        .with_timeout(Duration::from_secs(2))
        .with_connect_timeout(Duration::from_secs(3))
}

async fn host(nats: &NatsServer, name: &str) -> LatticeHost {
    let config = HostConfig {
        friendly_name: Some(name.to_owned()),
        ..HostConfig::default()
    };
    LatticeHost::start(nats.client().await.unwrap(), config)
        .await
        .unwrap()
}

fn outcome(report: &ConnectionReport, step: StepKind) -> StepOutcome {
    report.step(step).unwrap().outcome
}

fn detail(report: &ConnectionReport, step: StepKind) -> &str {
    &report.step(step).unwrap().detail
}

/// `failed` failed, every step before it passed (TLS may be "not used"), every one
/// after it was skipped, and the report is complete and in order.
#[track_caller]
fn assert_failed_at(report: &ConnectionReport, failed: StepKind) {
    let order: Vec<StepKind> = report.steps.iter().map(|s| s.step).collect();
    assert_eq!(order, StepKind::ALL, "{report:#?}");
    assert!(!report.ok(), "{report:#?}");
    assert_eq!(report.failed_step().unwrap().step, failed, "{report:#?}");
    let at = StepKind::ALL.iter().position(|s| *s == failed).unwrap();
    for step in &report.steps[..at] {
        let fine = step.outcome == StepOutcome::Passed
            || (step.step == StepKind::Tls && step.outcome == StepOutcome::Skipped);
        assert!(fine, "{:?} before {failed:?}: {report:#?}", step.step);
    }
    for step in &report.steps[at + 1..] {
        assert_eq!(step.outcome, StepOutcome::Skipped, "{report:#?}");
        assert_eq!(step.detail, "skipped");
    }
}

#[tokio::test]
async fn a_closed_port_fails_at_tcp() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let report = test_connection(&ctx(&format!("nats://127.0.0.1:{port}"))).await;
    assert_failed_at(&report, StepKind::Tcp);
    assert!(
        detail(&report, StepKind::Tcp).contains("connection refused"),
        "{report:#?}"
    );
    assert_eq!(
        detail(&report, StepKind::NameLookup),
        "127.0.0.1 (an address)"
    );
}

#[tokio::test]
async fn an_unknown_host_fails_at_name_lookup() {
    let report = test_connection(&ctx("nats://nowhere.trellis.invalid:4222")).await;
    assert_failed_at(&report, StepKind::NameLookup);
    let text = detail(&report, StepKind::NameLookup);
    assert!(text.contains("nowhere.trellis.invalid"), "{text}");
    assert!(
        text.starts_with("no such host") || text.contains("timed out"),
        "{text}"
    );
}

#[tokio::test]
async fn a_wrong_password_fails_at_authentication_and_is_never_shown() {
    let nats = NatsServer::start_with_config(
        "authorization { user: \"alice\", password: \"right-pass-1234\" }",
    )
    .unwrap();
    let wrong = ctx(&nats.url()).with_user_password("alice", "wrong-pass-5678");
    let report = test_connection(&wrong).await;
    assert_failed_at(&report, StepKind::Authentication);
    assert_eq!(outcome(&report, StepKind::Tls), StepOutcome::Skipped);
    let text = detail(&report, StepKind::Authentication);
    assert_eq!(
        text, "server refused the credentials: authorization violation",
        "{report:#?}"
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("wrong-pass"), "{json}");
    assert!(json.contains(r#""step":"authentication","outcome":"failed""#));

    // The password in the URL instead: neither the URL nor a detail shows it.
    let in_url = nats
        .url()
        .replace("nats://", "nats://alice:wrong-pass-5678@");
    let report = test_connection(&ctx(&in_url)).await;
    assert_failed_at(&report, StepKind::Authentication);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("wrong-pass"), "{json}");
    assert_eq!(report.url, nats.url());

    // No credentials at all: said so.
    let report = test_connection(&ctx(&nats.url())).await;
    assert_failed_at(&report, StepKind::Authentication);
    assert!(
        detail(&report, StepKind::Authentication)
            .starts_with("the server requires credentials and the context has none"),
        "{report:#?}"
    );

    // The right one gets past authentication (no host: hosts fails), still unshown.
    let right = ctx(&nats.url()).with_user_password("alice", "right-pass-1234");
    let report = test_connection(&right).await;
    assert_failed_at(&report, StepKind::Hosts);
    assert!(
        detail(&report, StepKind::Authentication).contains("user password credentials"),
        "{report:#?}"
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("right-pass"), "{json}");
}

#[tokio::test]
async fn no_host_on_the_lattice_fails_at_hosts() {
    let nats = NatsServer::start().unwrap();
    let report = test_connection(&ctx(&nats.url()).with_lattice("empty")).await;
    assert_failed_at(&report, StepKind::Hosts);
    let text = detail(&report, StepKind::Hosts);
    assert!(
        text.starts_with("no host answered the ping on lattice \"empty\""),
        "{text}"
    );
    assert!(
        detail(&report, StepKind::Authorization).contains("wasmbus.ctl.v1.empty.>"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn a_healthy_lattice_passes_every_step() {
    let nats = NatsServer::start().unwrap();
    let _host = host(&nats, "diag-host").await;
    let report = test_connection(&ctx(&nats.url())).await;
    assert!(report.ok(), "{report:#?}");
    for step in &report.steps {
        let expected = if step.step == StepKind::Tls {
            StepOutcome::Skipped // plain nats:// to a server without TLS: not used
        } else {
            StepOutcome::Passed
        };
        assert_eq!(step.outcome, expected, "{report:#?}");
    }
    assert!(
        detail(&report, StepKind::Tls).starts_with("not used"),
        "{report:#?}"
    );
    assert_eq!(
        detail(&report, StepKind::Hosts),
        "1 host(s) answered: diag-host"
    );
    assert!(
        detail(&report, StepKind::Jetstream).starts_with("JetStream answers"),
        "{report:#?}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["url"], nats.url());
    assert_eq!(json["lattice"], "default");
    assert_eq!(json["steps"][1]["step"], "name_lookup");
    assert_eq!(json["steps"][7]["step"], "jetstream");
    assert_eq!(json["steps"][7]["outcome"], "passed");

    // A JetStream domain nobody serves.
    let report = test_connection(&ctx(&nats.url()).with_js_domain("nowhere")).await;
    assert_failed_at(&report, StepKind::Jetstream);
    assert!(
        detail(&report, StepKind::Jetstream).starts_with("JetStream domain \"nowhere\" not found"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn a_server_without_jetstream_fails_at_jetstream() {
    let nats = NatsServer::start_with(|options| options.jetstream = false).unwrap();
    let _host = host(&nats, "diag-host").await;
    let report = test_connection(&ctx(&nats.url())).await;
    assert_failed_at(&report, StepKind::Jetstream);
    assert!(
        detail(&report, StepKind::Jetstream).starts_with("JetStream is not enabled on this server"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn an_account_without_jetstream_fails_at_jetstream() {
    // JetStream runs on the server, but account APP (where users without credentials
    // land, the host too) does not have it.
    let nats = NatsServer::start_with_config(
        r#"accounts { APP: { users: [ { user: "app", password: "app-pass-1234" } ] } }
no_auth_user: "app"
"#,
    )
    .unwrap();
    let _host = host(&nats, "diag-host").await;
    let report = test_connection(&ctx(&nats.url())).await;
    assert_failed_at(&report, StepKind::Jetstream);
    assert!(
        detail(&report, StepKind::Jetstream)
            .starts_with("JetStream is not enabled for this account"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn a_user_denied_the_ctl_subjects_fails_at_authorization() {
    let nats = NatsServer::start_with_config(
        r#"authorization {
  users: [
    { user: "ops", password: "ops-pass-1234" }
    { user: "viewer", password: "viewer-pass-1234", permissions: { publish: { deny: ["wasmbus.ctl.>"] } } }
    { user: "deaf", password: "deaf-pass-1234", permissions: { subscribe: { deny: ["wasmbus.evt.>"] } } }
  ]
}"#,
    )
    .unwrap();
    let viewer = ctx(&nats.url()).with_user_password("viewer", "viewer-pass-1234");
    let report = test_connection(&viewer).await;
    assert_failed_at(&report, StepKind::Authorization);
    let text = detail(&report, StepKind::Authorization);
    assert!(
        text.contains("Permissions Violation for Publish")
            && text.contains("wasmbus.ctl.v1.default.host.ping"),
        "{text}"
    );

    let deaf = ctx(&nats.url()).with_user_password("deaf", "deaf-pass-1234");
    let report = test_connection(&deaf).await;
    assert_failed_at(&report, StepKind::Authorization);
    let text = detail(&report, StepKind::Authorization);
    assert!(
        text.contains("Permissions Violation for Subscription")
            && text.contains("wasmbus.evt.default.>"),
        "{text}"
    );

    // A user with every permission passes authorization (and fails at hosts: none).
    let ops = ctx(&nats.url()).with_user_password("ops", "ops-pass-1234");
    let report = test_connection(&ops).await;
    assert_failed_at(&report, StepKind::Hosts);
}

/// A CA and a server certificate for 127.0.0.1, written as PEM files.
fn pki(dir: &std::path::Path) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("server.pem"), server.pem()).unwrap();
    std::fs::write(dir.join("server-key.pem"), server_key.serialize_pem()).unwrap();
}

#[tokio::test]
async fn tls_passes_with_its_ca_and_fails_with_another() {
    let ours = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    pki(ours.path());
    pki(other.path());
    let nats = NatsServer::start_with_config(&format!(
        "tls {{ cert_file: {:?}, key_file: {:?} }}",
        ours.path().join("server.pem"),
        ours.path().join("server-key.pem")
    ))
    .unwrap();
    let url = nats.url().replace("nats://", "tls://");

    let report = test_connection(&ctx(&url).with_tls_ca_file(ours.path().join("ca.pem"))).await;
    assert_failed_at(&report, StepKind::Hosts);
    assert_eq!(outcome(&report, StepKind::Tls), StepOutcome::Passed);

    let report = test_connection(&ctx(&url).with_tls_ca_file(other.path().join("ca.pem"))).await;
    assert_failed_at(&report, StepKind::Tls);
    assert_eq!(outcome(&report, StepKind::Tcp), StepOutcome::Passed);

    // A CA file that is not there is a settings problem, named with its path.
    let report = test_connection(&ctx(&url).with_tls_ca_file("/nonexistent/ca.pem")).await;
    assert_failed_at(&report, StepKind::Settings);
    assert!(
        detail(&report, StepKind::Settings).contains("/nonexistent/ca.pem"),
        "{report:#?}"
    );
}

#[tokio::test]
async fn a_websocket_url_goes_the_same_way() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nats = NatsServer::start_with(|o| o.websocket_port = Some(port)).unwrap();
    let _host = host(&nats, "diag-host").await;
    let ws = nats.websocket_url().unwrap();
    let report = test_connection(&ctx(&ws)).await;
    assert!(report.ok(), "{report:#?}");
    assert_eq!(
        detail(&report, StepKind::Tcp),
        format!("127.0.0.1:{port} accepted")
    );
    assert_eq!(report.url, ws);
}
