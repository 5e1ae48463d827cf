//! trellis-wadm against a real nats-server (JetStream, user and password, as the local
//! lattice runs it): the embedded wadm starts, answers its API, keeps manifests and
//! versions, and stops answering when its handle is shut down. Deploying onto a host is
//! tested end to end in `crates/cli/tests/apps.rs`.

use trellis_lattice::Context;
use trellis_nats_server::{LocalNats, LocalNatsOptions};
use trellis_wadm::{Apps, Error, WadmOptions};

const MANIFEST: &str = r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: kept
  annotations:
    version: v1
spec:
  components:
    - name: web
      type: component
      properties:
        image: file:///nonexistent/web.wasm
      traits:
        - type: spreadscaler
          properties:
            instances: 1
"#;

/// A nats-server with JetStream and generated credentials in `dir`.
async fn local_nats(dir: &tempfile::TempDir) -> LocalNats {
    let options = LocalNatsOptions::new(dir.path().join("nats"));
    tokio::task::spawn_blocking(move || LocalNats::start(options))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_wadm_keeps_versions_and_stops_with_its_handle() {
    let dir = tempfile::tempdir().unwrap();
    let nats = local_nats(&dir).await;
    let (user, password) = (nats.user().unwrap(), nats.password().unwrap());

    let wadm = trellis_wadm::start(WadmOptions::new(nats.url()).with_user_password(user, password))
        .await
        .unwrap();
    assert!(wadm.is_running());
    assert!(!format!("{wadm:?}").contains(password));

    let ctx = Context::new(nats.url())
        .with_lattice("tests")
        .with_user_password(user, password);
    let apps = Apps::connect(&ctx).await.unwrap();
    assert!(apps.list().await.unwrap().is_empty());

    let v1 = trellis_wadm::parse_manifest(MANIFEST, "kept.yaml")
        .await
        .unwrap();
    assert_eq!(
        apps.put(&v1.manifest).await.unwrap(),
        ("kept".into(), "v1".into())
    );
    let v2 = MANIFEST.replace("version: v1", "version: v2");
    let v2 = trellis_wadm::parse_manifest(&v2, "kept.yaml")
        .await
        .unwrap();
    apps.put(&v2.manifest).await.unwrap();

    let versions: Vec<String> = apps
        .history("kept")
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, ["v1", "v2"]);
    assert_eq!(apps.get("kept", Some("v1")).await.unwrap().version(), "v1");
    let listed = apps.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, "v2");
    assert!(matches!(
        apps.status("nothing").await,
        Err(Error::NotFound(_))
    ));

    // Another lattice on the same server has its own applications.
    let other = Apps::connect(&ctx.clone().with_lattice("other"))
        .await
        .unwrap();
    assert!(other.list().await.unwrap().is_empty());

    assert!(apps.delete("kept", None).await.unwrap());
    assert!(apps.list().await.unwrap().is_empty());

    wadm.shutdown().await;
    // Its tasks end as they are aborted: within a few seconds nothing answers.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match apps.list().await {
            Err(Error::NoWadm { .. }) => break,
            other => assert!(
                std::time::Instant::now() < deadline,
                "wadm still answers after shutdown: {other:?}"
            ),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_fails_to_start_without_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    let nats = local_nats(&dir).await;
    let user = nats.user().unwrap();
    let err = trellis_wadm::start(
        WadmOptions::new(nats.url()).with_user_password(user, "WrongPassword123"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Start(_)), "{err}");
    assert!(!err.to_string().contains("WrongPassword123"), "{err}");
}
