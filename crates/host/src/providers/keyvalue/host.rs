//! The generated `wasi:keyvalue` host traits, implemented on [`ProvidersCtxView`].

use std::sync::Arc;

use wasmtime::component::Resource;

use wasmtime::component::Val;

use super::{page, KvBackend, KvBucket};
use crate::providers::bindings::wasi::keyvalue::{atomics, batch, store};
use crate::providers::spy::{result_val, spied, ProviderSpy};
use crate::providers::{BuiltinKind, ProvidersCtxView};

use store::{Error, KeyResponse};

/// The import name used in "no link" errors.
const STORE: &str = "wasi:keyvalue/store";
/// The interface of `increment`, as spy records name it.
const ATOMICS: &str = "wasi:keyvalue/atomics";

type KvResult<T> = wasmtime::Result<Result<T, Error>>;

impl ProvidersCtxView<'_> {
    fn kv_backend(&self, bucket: &Resource<KvBucket>) -> wasmtime::Result<Arc<dyn KvBackend>> {
        Ok(self.table.get(bucket)?.backend.clone())
    }

    fn kv_bucket(&self, bucket: &Resource<KvBucket>) -> wasmtime::Result<KvBucket> {
        Ok(self.table.get(bucket)?.clone())
    }

    /// A spy record of `func` on `bucket` (its name first, then `rest`), if someone spies
    /// on the provider.
    fn kv_spy(
        &self,
        interface: &str,
        func: &str,
        bucket: &Resource<KvBucket>,
        rest: impl FnOnce() -> Vec<Val>,
    ) -> Option<ProviderSpy> {
        self.ctx.spy_call(interface, func, || {
            let name = self.table.get(bucket).map(|b| b.identifier.clone());
            let mut args = vec![Val::String(name.unwrap_or_default())];
            args.extend(rest());
            args
        })
    }
}

/// A keyvalue result as the spy shows it.
fn kv_val<T>(result: &Result<T, Error>, ok: impl FnOnce(&T) -> Option<Val>) -> Val {
    result_val(result, ok, |error| {
        Some(match error {
            Error::NoSuchStore => Val::Variant("no-such-store".into(), None),
            Error::AccessDenied => Val::Variant("access-denied".into(), None),
            Error::Other(text) => {
                Val::Variant("other".into(), Some(Box::new(Val::String(text.clone()))))
            }
        })
    })
}

fn bytes_val(bytes: &[u8]) -> Val {
    trellis_wrpc::keyvalue::list_of(bytes)
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
        let spy = self.kv_spy(STORE, "get", &bucket, || vec![Val::String(key.clone())]);
        let backend = self.kv_backend(&bucket)?;
        let result = Ok(backend.get(&key).await.map_err(Error::Other));
        spied(spy, result, |r| {
            kv_val(r, |v| {
                Some(Val::Option(v.as_deref().map(|b| Box::new(bytes_val(b)))))
            })
        })
    }

    async fn set(
        &mut self,
        bucket: Resource<KvBucket>,
        key: String,
        value: Vec<u8>,
    ) -> KvResult<()> {
        let spy = self.kv_spy(STORE, "set", &bucket, || {
            vec![Val::String(key.clone()), bytes_val(&value)]
        });
        let bucket = self.kv_bucket(&bucket)?;
        let result = Ok(bucket.set(&key, value).await.map_err(Error::Other));
        spied(spy, result, |r| kv_val(r, |_| None))
    }

    async fn delete(&mut self, bucket: Resource<KvBucket>, key: String) -> KvResult<()> {
        let spy = self.kv_spy(STORE, "delete", &bucket, || vec![Val::String(key.clone())]);
        let backend = self.kv_backend(&bucket)?;
        let result = Ok(backend.delete(&key).await.map_err(Error::Other));
        spied(spy, result, |r| kv_val(r, |_| None))
    }

    async fn exists(&mut self, bucket: Resource<KvBucket>, key: String) -> KvResult<bool> {
        let spy = self.kv_spy(STORE, "exists", &bucket, || vec![Val::String(key.clone())]);
        let backend = self.kv_backend(&bucket)?;
        let result = Ok(backend
            .get(&key)
            .await
            .map(|v| v.is_some())
            .map_err(Error::Other));
        spied(spy, result, |r| kv_val(r, |found| Some(Val::Bool(*found))))
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<KvBucket>,
        cursor: Option<u64>,
    ) -> KvResult<KeyResponse> {
        let spy = self.kv_spy(STORE, "list-keys", &bucket, || {
            vec![Val::Option(cursor.map(|c| Box::new(Val::U64(c))))]
        });
        let backend = self.kv_backend(&bucket)?;
        let result = Ok(backend
            .keys()
            .await
            .map(|keys| {
                let (keys, cursor) = page(keys, cursor);
                KeyResponse { keys, cursor }
            })
            .map_err(Error::Other));
        spied(spy, result, |r| {
            kv_val(r, |page| {
                Some(Val::Record(vec![
                    (
                        "keys".into(),
                        Val::List(page.keys.iter().cloned().map(Val::String).collect()),
                    ),
                    (
                        "cursor".into(),
                        Val::Option(page.cursor.map(|c| Box::new(Val::U64(c)))),
                    ),
                ]))
            })
        })
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
        let spy = self.kv_spy(ATOMICS, "increment", &bucket, || {
            vec![Val::String(key.clone()), Val::U64(delta)]
        });
        let backend = self.kv_backend(&bucket)?;
        let result = Ok(backend.increment(&key, delta).await.map_err(Error::Other));
        spied(spy, result, |r| kv_val(r, |n| Some(Val::U64(*n))))
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
