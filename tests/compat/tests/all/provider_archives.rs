//! The official client starts a provider from a provider archive in a registry, as
//! `wash start provider REF` does: the SDK-built counter provider packed by wasmCloud's
//! own writer, pushed to a real registry, on a Trellis host that allows provider images.

use std::time::Duration;

use trellis_oci::{Credentials, OciOptions};
use trellis_testkit::Registry;

use crate::support::{eventually, Lattice};

#[tokio::test]
async fn the_official_client_starts_a_provider_archive_by_reference() {
    let registry = Registry::start().unwrap();
    let reference = format!("{}/counter:0.1", registry.address());
    let native = trellis_testkit::native_provider_target();
    let archive = trellis_testkit::counter_provider_archive(&[&native], true).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let options = OciOptions {
        cache_dir: Some(cache.path().to_owned()),
        credentials: Credentials::Anonymous,
        max_bytes: trellis_oci::par::MAX_PROVIDER_ARCHIVE_BYTES,
        ..OciOptions::default()
    };
    trellis_oci::push_provider_archive(archive, "counter.par.gz", &reference, &options)
        .await
        .unwrap();
    let lattice = Lattice::start_with(1, |config| {
        config.runtime.grants.provider_images = true;
        config.runtime.oci = options.clone();
        config.runtime.providers.health_first = Duration::from_millis(300);
    })
    .await
    .unwrap();
    let ctl = &lattice.ctl;
    let host_id = lattice.host_id();
    let mut events = lattice
        .events(&[
            "provider_started",
            "health_check_passed",
            "provider_stopped",
        ])
        .await
        .unwrap();

    let bids = ctl
        .perform_provider_auction(&reference, "counter", std::collections::BTreeMap::new())
        .await
        .unwrap();
    assert_eq!(bids.len(), 1, "the host that may run it bids: {bids:?}");
    let started = ctl
        .start_provider(&host_id, &reference, "counter", None, vec![])
        .await
        .unwrap();
    assert!(started.succeeded(), "{}", started.message());
    let event = events
        .next("provider_started", |d| d["provider_id"] == "counter")
        .await;
    assert_eq!(event["data"]["image_ref"], reference.as_str(), "{event}");
    assert_eq!(event["data"]["claims"]["name"], "counter", "{event}");
    events
        .next("health_check_passed", |d| d["provider_id"] == "counter")
        .await;

    let provider = eventually("the provider in the inventory", || async {
        let inventory = ctl.get_host_inventory(&host_id).await.ok()?;
        let inventory = inventory.data()?.clone();
        inventory
            .providers()
            .iter()
            .find(|p| p.id() == "counter")
            .cloned()
    })
    .await;
    assert_eq!(provider.image_ref(), Some(reference.as_str()));
    assert_eq!(provider.name(), Some("counter"));

    let stopped = ctl.stop_provider(&host_id, "counter").await.unwrap();
    assert!(stopped.succeeded(), "{}", stopped.message());
    events
        .next("provider_stopped", |d| d["provider_id"] == "counter")
        .await;
}
