//! The generated `wasi:keyvalue` host traits, implemented on [`ProvidersCtxView`].

use std::sync::Arc;

use wasmtime::component::Resource;

use super::{page, KvBackend, KvBucket};
use crate::providers::bindings::wasi::keyvalue::{atomics, batch, store};
use crate::providers::{BuiltinKind, ProvidersCtxView};

use store::{Error, KeyResponse};

/// The import name used in "no link" errors.
const STORE: &str = "wasi:keyvalue/store";

type KvResult<T> = wasmtime::Result<Result<T, Error>>;

impl ProvidersCtxView<'_> {
    fn kv_backend(&self, bucket: &Resource<KvBucket>) -> wasmtime::Result<Arc<dyn KvBackend>> {
        Ok(self.table.get(bucket)?.backend.clone())
    }

    fn kv_bucket(&self, bucket: &Resource<KvBucket>) -> wasmtime::Result<KvBucket> {
        Ok(self.table.get(bucket)?.clone())
    }
}

impl store::Host for ProvidersCtxView<'_> {
    async fn open(&mut self, identifier: String) -> KvResult<Resource<KvBucket>> {
        match self.ctx.remote_bucket(STORE, &identifier) {
            Some(Ok(bucket)) => return Ok(Ok(self.table.push(bucket)?)),
            Some(Err(message)) => return Ok(Err(Error::Other(message))),
            None => {}
        }
        let (link, provider) = match self.ctx.linked_provider(STORE, BuiltinKind::KeyValue) {
            Ok(found) => found,
            Err(message) => return Ok(Err(Error::Other(message))),
        };
        let Some(kv) = provider.keyvalue() else {
            return Ok(Err(Error::NoSuchStore));
        };
        match kv.open(&identifier, &link.target_config).await {
            Ok(bucket) => Ok(Ok(self.table.push(bucket)?)),
            Err(message) => Ok(Err(Error::Other(message))),
        }
    }
}

impl store::HostBucket for ProvidersCtxView<'_> {
    async fn get(&mut self, bucket: Resource<KvBucket>, key: String) -> KvResult<Option<Vec<u8>>> {
        let backend = self.kv_backend(&bucket)?;
        Ok(backend.get(&key).await.map_err(Error::Other))
    }

    async fn set(
        &mut self,
        bucket: Resource<KvBucket>,
        key: String,
        value: Vec<u8>,
    ) -> KvResult<()> {
        let bucket = self.kv_bucket(&bucket)?;
        Ok(bucket.set(&key, value).await.map_err(Error::Other))
    }

    async fn delete(&mut self, bucket: Resource<KvBucket>, key: String) -> KvResult<()> {
        let backend = self.kv_backend(&bucket)?;
        Ok(backend.delete(&key).await.map_err(Error::Other))
    }

    async fn exists(&mut self, bucket: Resource<KvBucket>, key: String) -> KvResult<bool> {
        let backend = self.kv_backend(&bucket)?;
        Ok(backend
            .get(&key)
            .await
            .map(|v| v.is_some())
            .map_err(Error::Other))
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<KvBucket>,
        cursor: Option<u64>,
    ) -> KvResult<KeyResponse> {
        let backend = self.kv_backend(&bucket)?;
        Ok(backend
            .keys()
            .await
            .map(|keys| {
                let (keys, cursor) = page(keys, cursor);
                KeyResponse { keys, cursor }
            })
            .map_err(Error::Other))
    }

    async fn drop(&mut self, bucket: Resource<KvBucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

impl atomics::Host for ProvidersCtxView<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<KvBucket>,
        key: String,
        delta: u64,
    ) -> KvResult<u64> {
        let backend = self.kv_backend(&bucket)?;
        Ok(backend.increment(&key, delta).await.map_err(Error::Other))
    }
}

impl batch::Host for ProvidersCtxView<'_> {
    async fn get_many(
        &mut self,
        bucket: Resource<KvBucket>,
        keys: Vec<String>,
    ) -> KvResult<Vec<Option<(String, Vec<u8>)>>> {
        let backend = self.kv_backend(&bucket)?;
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            match backend.get(&key).await {
                Ok(value) => found.push(value.map(|v| (key, v))),
                Err(message) => return Ok(Err(Error::Other(message))),
            }
        }
        Ok(Ok(found))
    }

    async fn set_many(
        &mut self,
        bucket: Resource<KvBucket>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> KvResult<()> {
        let bucket = self.kv_bucket(&bucket)?;
        for (key, value) in key_values {
            if let Err(message) = bucket.set(&key, value).await {
                return Ok(Err(Error::Other(message)));
            }
        }
        Ok(Ok(()))
    }

    async fn delete_many(&mut self, bucket: Resource<KvBucket>, keys: Vec<String>) -> KvResult<()> {
        let backend = self.kv_backend(&bucket)?;
        for key in keys {
            if let Err(message) = backend.delete(&key).await {
                return Ok(Err(Error::Other(message)));
            }
        }
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    //! What a guest sees through the store traits, against a real nats-server.

    use super::*;
    use crate::providers::{
        BuiltinProviders, BuiltinProvidersConfig, LinkRoutes, LinkTarget, ProviderCtx,
        ProviderCtxInit,
    };
    use store::{Host as _, HostBucket as _};
    use trellis_proto::ConfigMap;
    use wasmtime::component::ResourceTable;

    /// Issue 11, item 2: `open("CONFIGDATA_default")` must not read the lattice's config.
    #[tokio::test]
    async fn a_guest_cannot_open_the_lattice_buckets_and_values_are_capped() -> anyhow::Result<()> {
        let nats = trellis_testkit::NatsServer::start()?;
        let js = async_nats::jetstream::new(nats.client().await?);
        let config = js
            .create_key_value(async_nats::jetstream::kv::Config {
                bucket: "CONFIGDATA_default".into(),
                ..Default::default()
            })
            .await?;
        config
            .put("secrets", r#"{"token":"hunter2"}"#.into())
            .await?;

        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: Some(nats.client().await?),
            jetstream: true,
            data_dir: None,
            lattice: None,
            ..BuiltinProvidersConfig::default()
        });
        registry.start("kv", "builtin://keyvalue", ConfigMap::new())?;
        let mut routes = LinkRoutes::new();
        let target = LinkTarget {
            target: "kv".into(),
            ..Default::default()
        };
        routes.insert(STORE, "default", target);
        let mut ctx = ProviderCtx::new(ProviderCtxInit {
            component_id: "comp".into(),
            host_id: "host".into(),
            config: ConfigMap::new().into(),
            routes,
            logs: crate::LogBus::new("host"),
            registry,
        });
        let mut table = ResourceTable::new();
        let mut view = ProvidersCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };

        let bucket = view
            .open("CONFIGDATA_default".into())
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        assert_eq!(
            view.get(Resource::new_borrow(bucket.rep()), "secrets".into())
                .await?
                .ok(),
            Some(None),
            "the guest read the lattice's config"
        );
        view.set(
            Resource::new_borrow(bucket.rep()),
            "secrets".into(),
            b"overwritten".to_vec(),
        )
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        assert_eq!(
            config.get("secrets").await?.as_deref(),
            Some(&br#"{"token":"hunter2"}"#[..])
        );
        // The guest's bucket is a namespaced one, with the default quotas.
        let own = js.get_key_value("trellis-kv-kv-CONFIGDATA_default").await?;
        let info = own.status().await?;
        assert_eq!(info.info.config.max_bytes, 64 << 20);
        assert_eq!(info.info.config.max_message_size, 1 << 20);

        let err = view
            .set(
                Resource::new_borrow(bucket.rep()),
                "big".into(),
                vec![0; (1 << 20) + 1],
            )
            .await?
            .unwrap_err();
        let Error::Other(err) = err else {
            panic!("{err:?}")
        };
        assert!(
            err.contains("\"big\"") && err.contains("max_value_bytes"),
            "{err}"
        );

        // Identifiers that are not bucket names are refused by name.
        let err = view
            .open("$KV.LATTICEDATA_default".into())
            .await?
            .unwrap_err();
        let Error::Other(err) = err else {
            panic!("{err:?}")
        };
        assert!(err.contains("\"$KV.LATTICEDATA_default\""), "{err}");
        Ok(())
    }
}
