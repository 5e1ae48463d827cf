//! trellis-oci against a real registry (Debian's docker-registry on 127.0.0.1).

use trellis_oci::{Credentials, OciError, OciOptions, Progress};
use trellis_testkit::{Registry, REGISTRY_PASSWORD, REGISTRY_USER};

fn options(cache: &tempfile::TempDir) -> OciOptions {
    OciOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        credentials: Credentials::Anonymous,
        ..OciOptions::default()
    }
}

async fn pull_recording(
    reference: &str,
    options: &OciOptions,
) -> (Result<trellis_oci::Pulled, OciError>, Vec<Progress>) {
    let mut seen = Vec::new();
    let result = trellis_oci::pull(reference, options, &mut |p| seen.push(p)).await;
    (result, seen)
}

#[tokio::test]
async fn a_pushed_component_pulls_back_then_comes_from_the_cache_even_with_the_registry_stopped() {
    let mut registry = Registry::start().unwrap();
    let component = trellis_testkit::fixtures::http_hello().unwrap();
    let reference = format!("{}/hello:dev", registry.address());
    let push_cache = tempfile::tempdir().unwrap();
    let pushed = trellis_oci::push(
        component.clone(),
        "hello.wasm",
        &reference,
        &options(&push_cache),
    )
    .await
    .unwrap();
    assert!(
        pushed.manifest_url.contains("/v2/hello/manifests/"),
        "{pushed:?}"
    );

    // A machine that never saw it downloads it, with progress.
    let cache = tempfile::tempdir().unwrap();
    let (pulled, seen) = pull_recording(&reference, &options(&cache)).await;
    let pulled = pulled.unwrap();
    assert_eq!(pulled.bytes, component);
    assert_eq!(pulled.digest, pushed.digest);
    assert!(!pulled.from_cache);
    assert!(
        seen.iter().any(
            |p| matches!(p, Progress::Downloading { done, .. } if *done == component.len() as u64)
        ),
        "{seen:?}"
    );

    // The second pull asks the registry for the tag but takes the layer from the cache.
    let (again, seen) = pull_recording(&reference, &options(&cache)).await;
    assert!(again.unwrap().from_cache);
    assert!(
        seen.iter().any(|p| matches!(p, Progress::Cached { .. })),
        "{seen:?}"
    );

    // With the registry gone, the tag and the pinned digest still start.
    registry.stop();
    let (offline, seen) = pull_recording(&reference, &options(&cache)).await;
    assert_eq!(offline.unwrap().bytes, component);
    let said = seen
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        said.contains("registry unreachable") && said.contains("Connection refused"),
        "{said}"
    );
    let pinned = format!("{}/hello@{}", registry.address(), pulled.manifest_digest);
    // The pin was never pulled itself: with no network, it is not known.
    let (unknown, _) = pull_recording(&pinned, &options(&cache)).await;
    assert!(
        matches!(unknown, Err(OciError::Unreachable { .. })),
        "{unknown:?}"
    );

    // A machine with no copy is told the registry cannot be reached, and where.
    let empty = tempfile::tempdir().unwrap();
    let (none, _) = pull_recording(&reference, &options(&empty)).await;
    let err = none.unwrap_err().to_string();
    assert!(
        err.contains(&format!("cannot reach registry {}", registry.address())),
        "{err}"
    );
    assert!(err.contains("Connection refused"), "{err}");

    // Pinned by digest and pulled once, it needs no registry at all.
    registry.restart().unwrap();
    pull_recording(&pinned, &options(&cache)).await.0.unwrap();
    registry.stop();
    let (pinned_offline, seen) = pull_recording(&pinned, &options(&cache)).await;
    assert_eq!(pinned_offline.unwrap().bytes, component);
    assert!(
        matches!(seen.as_slice(), [Progress::Cached { .. }]),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_registry_with_users_refuses_wrong_credentials_by_name() {
    let registry = Registry::start_with_user().unwrap();
    let component = trellis_testkit::fixtures::http_hello().unwrap();
    let reference = format!("{}/private/hello:1", registry.address());
    let cache = tempfile::tempdir().unwrap();

    let anonymous = trellis_oci::push(
        component.clone(),
        "hello.wasm",
        &reference,
        &options(&cache),
    )
    .await;
    let err = anonymous.unwrap_err().to_string();
    assert!(err.contains("refused anonymous access"), "{err}");

    let wrong = OciOptions {
        credentials: Credentials::Basic {
            username: REGISTRY_USER.into(),
            password: "not-the-password".into(),
        },
        ..options(&cache)
    };
    let err = trellis_oci::push(component.clone(), "hello.wasm", &reference, &wrong)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("refused the credentials for {REGISTRY_USER}")),
        "{err}"
    );
    assert!(!err.contains("not-the-password"), "{err}");

    let right = OciOptions {
        credentials: Credentials::Basic {
            username: REGISTRY_USER.into(),
            password: REGISTRY_PASSWORD.into(),
        },
        ..options(&cache)
    };
    trellis_oci::push(component.clone(), "hello.wasm", &reference, &right)
        .await
        .unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let pulled = trellis_oci::pull(
        &reference,
        &OciOptions {
            cache_dir: Some(fresh.path().into()),
            ..right
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(pulled.bytes, component);
}

#[tokio::test]
async fn bad_references_and_artifacts_are_named() {
    let registry = Registry::start().unwrap();
    let cache = tempfile::tempdir().unwrap();

    let missing = format!("{}/nothing/here:1", registry.address());
    let err = trellis_oci::pull(&missing, &options(&cache), &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, OciError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("nothing/here:1 was not found"),
        "{err}"
    );

    let core = wat::parse_str("(module)").unwrap();
    let reference = format!("{}/core:1", registry.address());
    let err = trellis_oci::push(core, "core.wasm", &reference, &options(&cache))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("core.wasm cannot be pushed") && err.contains("core WebAssembly module"),
        "{err}"
    );

    let err = trellis_oci::pull("127.0.0.1:1/x:1", &options(&cache), &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot reach registry 127.0.0.1:1") && err.contains("refused"),
        "{err}"
    );

    let err = trellis_oci::pull("127.0.0.1:1/Bad:1", &options(&cache), &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a valid OCI reference"), "{err}");
}

#[tokio::test]
async fn a_layer_altered_in_the_registry_is_refused_and_not_cached() {
    let registry = Registry::start().unwrap();
    let component = trellis_testkit::fixtures::http_hello().unwrap();
    let reference = format!("{}/hello:tampered", registry.address());
    let push_cache = tempfile::tempdir().unwrap();
    let pushed = trellis_oci::push(
        component.clone(),
        "hello.wasm",
        &reference,
        &options(&push_cache),
    )
    .await
    .unwrap();
    // Flip one byte of the stored layer, keeping its length.
    let hex = pushed.digest.trim_start_matches("sha256:");
    let data = registry
        .store()
        .join("docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    let mut bytes = std::fs::read(&data).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&data, bytes).unwrap();

    let cache = tempfile::tempdir().unwrap();
    let err = trellis_oci::pull(&reference, &options(&cache), &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, OciError::DigestMismatch { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("expected {}", pushed.digest)),
        "{err}"
    );
    let blobs = cache.path().join("blobs/sha256");
    assert!(
        !blobs.exists() || std::fs::read_dir(&blobs).unwrap().next().is_none(),
        "nothing cached"
    );
}
