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
}

impl store::Host for ProvidersCtxView<'_> {
    async fn open(&mut self, identifier: String) -> KvResult<Resource<KvBucket>> {
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
        let backend = self.kv_backend(&bucket)?;
        Ok(backend.set(&key, value).await.map_err(Error::Other))
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
        let backend = self.kv_backend(&bucket)?;
        for (key, value) in key_values {
            if let Err(message) = backend.set(&key, value).await {
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
