//! The keyvalue builtin driven by a real component: memory and JetStream backends,
//! atomic increments, and the error for an import without a link.

use trellis_host::{BuiltinProviders, BuiltinProvidersConfig, LinkRoutes};
use trellis_proto::ConfigMap;
use trellis_testkit::NatsServer;

use crate::providers_support::{bump, keyvalue_routes};

fn registry(nats: Option<async_nats::Client>) -> BuiltinProviders {
    BuiltinProviders::new(BuiltinProvidersConfig {
        nats,
        jetstream: true,
        data_dir: Some(std::env::temp_dir().join("trellis-providers-tests")),
        lattice: None,
        ..BuiltinProvidersConfig::default()
    })
}

#[tokio::test]
async fn memory_keyvalue_counts_across_instances() -> anyhow::Result<()> {
    let registry = registry(None);
    registry.start("kv", "builtin://keyvalue", ConfigMap::new())?;
    let routes = keyvalue_routes("kv", ConfigMap::new());
    for expected in 1..=3 {
        assert_eq!(bump(&registry, &routes).await?, Ok(expected));
    }
    // A second provider has its own buckets.
    registry.start("kv2", "wasmcloud+builtin://keyvalue", ConfigMap::new())?;
    assert_eq!(
        bump(&registry, &keyvalue_routes("kv2", ConfigMap::new())).await?,
        Ok(1)
    );
    Ok(())
}

#[tokio::test]
async fn an_unlinked_keyvalue_import_names_the_import() -> anyhow::Result<()> {
    let registry = registry(None);
    let err = bump(&registry, &LinkRoutes::new()).await?.unwrap_err();
    assert!(err.contains("wasi:keyvalue/store"), "{err}");
    assert!(err.contains("no link satisfies it"), "{err}");

    // A link to something that is not a keyvalue provider is refused by name too.
    registry.start("blobs", "builtin://blobstore", ConfigMap::new())?;
    let err = bump(&registry, &keyvalue_routes("blobs", ConfigMap::new()))
        .await?
        .unwrap_err();
    assert!(err.contains("blobstore provider, not keyvalue"), "{err}");
    Ok(())
}

#[tokio::test]
async fn jetstream_keyvalue_survives_a_new_backend_and_increments_atomically() -> anyhow::Result<()>
{
    let nats = NatsServer::start()?;
    let bucket = ConfigMap::from([("bucket".to_string(), "probe_counts".to_string())]);
    let routes = keyvalue_routes("kv", bucket);

    let first = registry(Some(nats.client().await?));
    first.start("kv", "builtin://keyvalue", ConfigMap::new())?;
    assert_eq!(bump(&first, &routes).await?, Ok(1));
    assert_eq!(bump(&first, &routes).await?, Ok(2));
    drop(first);

    // A new registry on a new connection: the count lives in JetStream, not in memory.
    let second = registry(Some(nats.client().await?));
    second.start("kv", "builtin://keyvalue", ConfigMap::new())?;
    assert_eq!(bump(&second, &routes).await?, Ok(3));

    // Concurrent increments from separate instances never lose an update.
    let runs = (0..8).map(|_| {
        let (registry, routes) = (second.clone(), routes.clone());
        tokio::spawn(async move { bump(&registry, &routes).await })
    });
    let mut seen = Vec::new();
    for run in runs {
        seen.push(run.await??.map_err(anyhow::Error::msg)?);
    }
    seen.sort_unstable();
    assert_eq!(seen, (4..=11).collect::<Vec<u64>>());

    // And the value is visible to any JetStream client.
    let js = async_nats::jetstream::new(nats.client().await?);
    let kv = js.get_key_value("trellis-kv-kv-probe_counts").await?;
    assert_eq!(kv.get("hits").await?.as_deref(), Some(&b"11"[..]));
    Ok(())
}

#[tokio::test]
async fn an_invalid_bucket_name_is_a_guest_error() -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let registry = registry(Some(nats.client().await?));
    registry.start("kv", "builtin://keyvalue", ConfigMap::new())?;
    let bad = ConfigMap::from([("bucket".to_string(), "no spaces.please".to_string())]);
    let err = bump(&registry, &keyvalue_routes("kv", bad))
        .await?
        .unwrap_err();
    assert!(err.contains("invalid bucket name"), "{err}");
    Ok(())
}
