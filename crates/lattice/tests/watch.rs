//! Hot reload over the lattice against a real nats-server and a real Trellis host: a
//! watched file rewritten with another component updates the running one (new
//! revision), a file that is not a component is refused and the old code keeps running,
//! and a dropped watch reloads nothing.

use std::path::Path;
use std::time::Duration;

use tokio::sync::broadcast;
use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::ops::{self, PathRule, Placement, ReloadOutcome, StartComponent};
use trellis_lattice::{Client, Context};
use trellis_testkit::{fixtures, NatsServer};

async fn next_outcome(rx: &mut broadcast::Receiver<ReloadOutcome>) -> ReloadOutcome {
    tokio::time::timeout(Duration::from_secs(60), rx.recv())
        .await
        .expect("a reload outcome within 60 s")
        .expect("the watch is alive")
}

/// The component's revision and image on `host`.
async fn running(client: &Client, host: &str, id: &str) -> Option<(i32, String)> {
    let inventory = client.host_inventory(host).await.unwrap();
    inventory
        .components
        .iter()
        .find(|c| c.id == id)
        .map(|c| (c.revision, c.image_ref.clone()))
}

/// Replaces `file` the way many editors and build tools do: write beside, rename over.
fn replace_by_rename(file: &Path, bytes: &[u8]) {
    let tmp = file.with_extension("wasm.tmp");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, file).unwrap();
}

#[tokio::test]
async fn a_watched_file_reloads_the_component_and_a_bad_one_is_refused() {
    let nats = NatsServer::start().unwrap();
    let host = LatticeHost::start(nats.client().await.unwrap(), HostConfig::default())
        .await
        .unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hello.wasm");
    std::fs::write(&file, fixtures::http_hello_with_greeting("one").unwrap()).unwrap();
    let reference = ops::component_ref(file.to_str().unwrap(), PathRule::AbsoluteOnly).unwrap();
    let started = ops::start_component(
        &client,
        &StartComponent {
            reference: reference.clone(),
            id: "hello".into(),
            count: 1,
            placement: Placement::HostId(host.id().to_owned()),
            config: Vec::new(),
            allow_update: false,
        },
        Some(Duration::from_secs(60)),
    )
    .await
    .unwrap();
    assert!(started.succeeded, "{}", started.message);
    let (first_revision, image) = running(&client, host.id(), "hello").await.unwrap();
    assert_eq!(image, reference);

    let watch = ops::watch_component(client.clone(), "hello".into(), file.clone()).unwrap();
    assert_eq!(watch.component_id(), "hello");
    assert_eq!(
        watch.path(),
        Path::new(reference.trim_start_matches("file://"))
    );
    let mut outcomes = watch.subscribe();
    assert_eq!(watch.last(), None);

    // A new component, put in place by rename: the host reloads it.
    replace_by_rename(&file, &fixtures::http_hello_with_greeting("two").unwrap());
    let reloaded = next_outcome(&mut outcomes).await;
    assert!(reloaded.ok, "{reloaded:?}");
    assert!(
        reloaded.message.contains("component hello running on host"),
        "{reloaded:?}"
    );
    let (revision, image) = running(&client, host.id(), "hello").await.unwrap();
    assert!(
        revision > first_revision,
        "{revision} after {first_revision}"
    );
    assert_eq!(reloaded.revision, Some(revision));
    assert_eq!(image, reference);
    assert_eq!(watch.last(), Some(reloaded));

    // Not a component, written in place: refused with the host's reason, old code kept.
    std::fs::write(&file, b"this is not a wasm component").unwrap();
    let refused = next_outcome(&mut outcomes).await;
    assert!(!refused.ok, "{refused:?}");
    assert!(
        refused.message.contains("component hello failed on host"),
        "{refused:?}"
    );
    assert_eq!(refused.revision, None);
    assert_eq!(
        running(&client, host.id(), "hello").await,
        Some((revision, reference.clone())),
        "the previous code keeps running"
    );

    // Dropping the watch stops it: a further change reloads nothing.
    drop(watch);
    std::fs::write(&file, fixtures::http_hello_with_greeting("three").unwrap()).unwrap();
    tokio::time::sleep(ops::DEBOUNCE * 5).await;
    assert_eq!(
        running(&client, host.id(), "hello").await,
        Some((revision, reference)),
    );
    host.shutdown().await;
}

#[tokio::test]
async fn a_missing_file_cannot_be_watched() {
    let nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let err = ops::watch_component(client, "hello".into(), "/no/such/hello.wasm".into())
        .unwrap_err()
        .to_string();
    assert!(err.contains("/no/such/hello.wasm"), "{err}");
}
