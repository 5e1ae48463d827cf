//! Issue 14, provider archives: the SDK-built counter provider packed as a `.par.gz` by
//! wasmCloud's own `provider-archive` writer, pushed to a real registry (Debian's
//! docker-registry) and started by reference through `provider.start` on a host whose
//! policy allows provider images: healthy, serving a component's calls, its binary kept
//! in the OCI cache and reused. Refused without the grant; bad archives and artifacts
//! fail naming the problem while the host keeps serving.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::json;
use trellis_host::LatticeHost;
use trellis_oci::par::MAX_PROVIDER_ARCHIVE_BYTES;
use trellis_oci::{Credentials, OciOptions};
use trellis_testkit::{NatsServer, Registry};

use crate::ctl_support::*;
use crate::provider_binaries::{
    auction, collect_logs, count_through, fast_providers, link_counter_client, provider_event,
    start_provider, wait_log,
};

/// The counter provider as a gzipped archive for this machine, packed once per process.
fn counter_archive() -> Vec<u8> {
    static ARCHIVE: OnceLock<Vec<u8>> = OnceLock::new();
    ARCHIVE
        .get_or_init(|| {
            let native = trellis_testkit::native_provider_target();
            trellis_testkit::counter_provider_archive(&[&native], true)
                .expect("the counter provider archive is written")
        })
        .clone()
}

/// Options reaching the test registry, with `cache` as the pull cache.
fn registry_options(cache: &Path) -> OciOptions {
    OciOptions {
        cache_dir: Some(cache.to_owned()),
        credentials: Credentials::Anonymous,
        max_bytes: MAX_PROVIDER_ARCHIVE_BYTES,
        ..OciOptions::default()
    }
}

/// A host with fast provider checks, the OCI cache `cache`, provider images allowed when
/// `images`, and a wRPC connection.
async fn archive_host(nats: &NatsServer, cache: &Path, images: bool) -> LatticeHost {
    let wrpc = nats.wrpc_client().await.unwrap();
    let cache = cache.to_owned();
    start_host_with(nats, move |config| {
        fast_providers(config);
        config.runtime.grants.provider_images = images;
        config.runtime.oci.cache_dir = Some(cache);
        config.runtime.oci.credentials = Credentials::Anonymous;
        config.runtime.wrpc = Some(wrpc);
    })
    .await
}

/// The executable provider `id` runs from.
fn executable(host: &LatticeHost, id: &str) -> std::path::PathBuf {
    let pid = host.runtime().provider_pid(id).expect("a running process");
    std::fs::read_link(format!("/proc/{pid}/exe")).unwrap()
}

#[tokio::test]
async fn a_provider_archive_from_a_registry_serves_a_component_and_its_binary_is_reused() {
    let archive = counter_archive();
    let registry = Registry::start().unwrap();
    let reference = format!("{}/counter:0.1", registry.address());
    let cache = tempfile::tempdir().unwrap();
    let push_cache = tempfile::tempdir().unwrap();
    let (_, info) = trellis_oci::push_provider_archive(
        archive,
        "counter.par.gz",
        &reference,
        &registry_options(push_cache.path()),
    )
    .await
    .unwrap();
    assert_eq!(info.name(), "counter");

    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = archive_host(&nats, cache.path(), true).await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    // A host that may run provider images bids for one.
    assert_eq!(auction(&client, &reference).await.len(), 1);
    start_provider(&client, &id, "counter", &reference).await;
    let started = provider_event(&mut events, "provider_started", "counter").await;
    assert_eq!(
        started["data"]["image_ref"],
        reference.as_str(),
        "{started}"
    );
    // Signed, as wasmCloud reports a provider from an archive.
    let claims = &started["data"]["claims"];
    assert_eq!(claims["name"], "counter", "{started}");
    assert_eq!(claims["version"], "0.1.0", "{started}");
    assert_eq!(claims["issuer"], info.claims.issuer.as_str(), "{started}");
    assert_eq!(started["data"]["public_key"], "counter", "{started}");
    provider_event(&mut events, "health_check_passed", "counter").await;
    wait_log(&logs, "counter", "fetching provider archive").await;
    let inventory = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    let providers = inventory["response"]["providers"].as_array().unwrap();
    assert!(
        providers
            .iter()
            .any(|p| p["id"] == "counter" && p["image_ref"] == reference.as_str()),
        "{inventory}"
    );

    // The binary runs from the cache, executable, named after the provider.
    let binary = executable(&host, "counter");
    assert!(
        binary.starts_with(cache.path().join("providers/sha256"))
            && binary.file_name().unwrap() == "counter",
        "{}",
        binary.display()
    );
    let written = std::fs::metadata(&binary).unwrap().modified().unwrap();

    // It serves a linked component.
    link_counter_client(&host, &client, &logs).await;
    assert_eq!(count_through(&host, "apples", 2).await, ["2"]);
    assert_eq!(count_through(&host, "apples", 3).await, ["5"]);

    let body = json!({"provider_id": "counter", "host_id": id});
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
    provider_event(&mut events, "provider_stopped", "counter").await;

    // Started again with the registry gone: the archive pulled before and the binary
    // taken out of it are used as they are.
    drop(registry);
    start_provider(&client, &id, "counter", &reference).await;
    provider_event(&mut events, "health_check_passed", "counter").await;
    assert_eq!(executable(&host, "counter"), binary);
    assert_eq!(
        std::fs::metadata(&binary).unwrap().modified().unwrap(),
        written,
        "the cached binary is reused, not written again"
    );

    // The same archive as a file (the provider-files grant) runs the same cached binary.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("counter.par.gz");
    std::fs::write(&file, counter_archive()).unwrap();
    start_provider(&client, &id, "from-file", &file.display().to_string()).await;
    let started = provider_event(&mut events, "provider_started", "from-file").await;
    assert_eq!(
        started["data"]["image_ref"],
        format!("file://{}", file.display()),
        "{started}"
    );
    provider_event(&mut events, "health_check_passed", "from-file").await;
    assert_eq!(executable(&host, "from-file"), binary);
    host.shutdown().await;
}

#[tokio::test]
async fn provider_images_are_refused_without_the_grant() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let cache = tempfile::tempdir().unwrap();
    let host = archive_host(&nats, cache.path(), false).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let reference = "127.0.0.1:5000/counter:0.1";

    // Its auctions go unanswered: it would refuse the start.
    assert!(auction(&client, reference).await.is_empty());
    start_provider(&client, &id, "counter", reference).await;
    let failed = provider_event(&mut events, "provider_start_failed", "counter").await;
    let error = failed["data"]["error"].as_str().unwrap();
    assert!(trellis_host::is_grant_refusal(error), "{error}");
    assert!(
        error.contains(&format!("provider image {reference}"))
            && error.contains("--allow-provider-images"),
        "{error}"
    );
    // Refused before anything was pulled.
    assert!(std::fs::read_dir(cache.path()).unwrap().next().is_none());
    assert!(host.runtime().providers().is_empty());
    host.shutdown().await;
}

/// Pushes an artifact of one `tar+gzip` layer with an image config: an ordinary
/// container image layer, neither a component nor a provider archive.
async fn push_image_layer(reference: &str) {
    use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
    let parsed: oci_client::Reference = reference.parse().unwrap();
    let client = oci_client::Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..Default::default()
    });
    let layers = [ImageLayer::new(
        b"not a provider".to_vec(),
        "application/vnd.oci.image.layer.v1.tar+gzip".into(),
        None,
    )];
    let config = Config::new(
        b"{}".to_vec(),
        "application/vnd.oci.image.config.v1+json".into(),
        None,
    );
    client
        .push(
            &parsed,
            &layers,
            config,
            &oci_client::secrets::RegistryAuth::Anonymous,
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_archives_and_artifacts_fail_naming_the_problem_and_the_host_keeps_serving() {
    let registry = Registry::start().unwrap();
    let at = |name: &str| format!("{}/{name}", registry.address());
    let push_cache = tempfile::tempdir().unwrap();
    let push_options = registry_options(push_cache.path());
    let native = trellis_testkit::native_provider_target();
    let elsewhere: Vec<&str> = ["aarch64-macos", "x86_64-windows"]
        .into_iter()
        .filter(|t| *t != native)
        .collect();
    let foreign = trellis_testkit::provider_archive(b"#!/bin/sh\n", &elsewhere, true).unwrap();
    trellis_oci::push_provider_archive(
        foreign,
        "foreign.par.gz",
        &at("foreign:0.1"),
        &push_options,
    )
    .await
    .unwrap();
    let component = trellis_testkit::fixtures::http_hello().unwrap();
    trellis_oci::push(component, "hello.wasm", &at("hello:0.1"), &push_options)
        .await
        .unwrap();
    push_image_layer(&at("image:0.1")).await;
    let dir = tempfile::tempdir().unwrap();
    let whole = trellis_testkit::provider_archive(b"#!/bin/sh\n", &[&native], true).unwrap();
    let truncated = dir.path().join("truncated.par.gz");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let unreachable = format!("127.0.0.1:{}/counter:0.1", crate::free_port());

    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let cache = tempfile::tempdir().unwrap();
    let host = archive_host(&nats, cache.path(), true).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;

    let cases = [
        (
            at("foreign:0.1"),
            format!(
                "has no binary for this machine ({native}); it has: {}",
                elsewhere.join(", ")
            ),
        ),
        (
            truncated.display().to_string(),
            "truncated.par.gz is not a valid provider archive".to_owned(),
        ),
        (
            truncated.display().to_string(),
            "is it truncated?".to_owned(),
        ),
        (
            at("hello:0.1"),
            "is a WebAssembly component, not a provider archive".to_owned(),
        ),
        (
            at("image:0.1"),
            "is neither a wasm component nor a provider archive: no layer of type".to_owned(),
        ),
        (
            at("image:0.1"),
            "its layers: application/vnd.oci.image.layer.v1.tar+gzip; \
             its config: application/vnd.oci.image.config.v1+json"
                .to_owned(),
        ),
        (
            at("counter:missing"),
            "was not found in its registry".to_owned(),
        ),
        (unreachable, "cannot reach registry 127.0.0.1:".to_owned()),
    ];
    for (reference, reason) in cases {
        start_provider(&client, &id, "p", &reference).await;
        let failed = provider_event(&mut events, "provider_start_failed", "p").await;
        let error = failed["data"]["error"].as_str().unwrap();
        assert!(
            error.starts_with("cannot start provider p from ") && error.contains(&reason),
            "{reference}: {error}"
        );
        assert!(host.runtime().providers().is_empty());
    }

    // The host keeps serving.
    start_provider(&client, &id, "kv", "builtin://keyvalue").await;
    provider_event(&mut events, "provider_started", "kv").await;
    let ping = gather(
        &client,
        &format!("{CTL}.host.ping"),
        b"",
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(ping.len(), 1);
    host.shutdown().await;
}
