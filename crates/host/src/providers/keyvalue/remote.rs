//! A bucket of a keyvalue provider on another host, reached over wRPC as
//! `wrpc:keyvalue` (what a wasmCloud 1.x host sends a keyvalue provider).

use std::sync::Arc;

use futures::future::BoxFuture;
use trellis_wrpc::keyvalue::{bytes_of, into_result, list_of, KeyvalueTypes};
use wasmtime::component::Val;

use super::{KvBackend, KvBucket, Quota};
use crate::providers::remote::RemoteRoute;
use crate::providers::ProviderCtx;

/// Most `list-keys` pages read for one listing.
const MAX_PAGES: usize = 1024;

/// One bucket of a provider on another host.
pub(crate) struct RemoteKv {
    route: RemoteRoute,
    types: Arc<KeyvalueTypes>,
    bucket: String,
}

impl std::fmt::Debug for RemoteKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteKv")
            .field("target", &self.route.target)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

impl ProviderCtx {
    /// When this component's link for `interface` leads to a provider that is not on
    /// this host and the host calls other hosts, the bucket `identifier` there (`None`:
    /// not such a link). The remote provider applies its own namespace and quota.
    pub(crate) fn remote_bucket(
        &self,
        interface: &str,
        identifier: &str,
    ) -> Option<Result<KvBucket, String>> {
        let route = self.remote_route(interface)?;
        let types = match crate::runtime::keyvalue_types() {
            Ok(types) => types,
            Err(err) => return Some(Err(err)),
        };
        let name = format!("{identifier} on {}", route.target);
        let backend = RemoteKv {
            route,
            types,
            bucket: identifier.to_owned(),
        };
        Some(Ok(KvBucket {
            name,
            identifier: identifier.to_owned(),
            backend: Arc::new(backend),
            quota: Quota::default(),
        }))
    }
}

impl RemoteKv {
    /// Calls `func` with the bucket first, then `rest`; the `result`'s payload or its
    /// error as text.
    async fn call(&self, func: &str, rest: Vec<Val>) -> Result<Option<Val>, String> {
        let signature = self.types.signature(func);
        let mut params = Vec::with_capacity(rest.len() + 1);
        params.push(Val::String(self.bucket.clone()));
        params.extend(rest);
        let result = self
            .route
            .call(
                signature.instance,
                signature.func,
                (&signature.params, &signature.results),
                &params,
            )
            .await?;
        into_result(result)
    }

    fn unexpected(&self, func: &str, value: &Option<Val>) -> String {
        format!("{} answered {func} with {value:?}", self.route.target)
    }
}

impl KvBackend for RemoteKv {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        Box::pin(async move {
            let value = self.call("get", vec![Val::String(key.into())]).await?;
            match &value {
                Some(Val::Option(None)) => Ok(None),
                Some(Val::Option(Some(bytes))) => bytes_of(bytes)
                    .map(Some)
                    .ok_or_else(|| self.unexpected("get", &value)),
                _ => Err(self.unexpected("get", &value)),
            }
        })
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.call("set", vec![Val::String(key.into()), list_of(&value)])
                .await
                .map(drop)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.call("delete", vec![Val::String(key.into())])
                .await
                .map(drop)
        })
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<String>, String>> {
        Box::pin(async move {
            let mut keys = Vec::new();
            let mut cursor = None;
            for _ in 0..MAX_PAGES {
                let at = Val::Option(cursor.map(|c| Box::new(Val::U64(c))));
                let page = self.call("list-keys", vec![at]).await?;
                let Some(Val::Record(fields)) = &page else {
                    return Err(self.unexpected("list-keys", &page));
                };
                cursor = None;
                for (name, value) in fields {
                    match (name.as_str(), value) {
                        ("keys", Val::List(items)) => {
                            keys.extend(items.iter().filter_map(|k| match k {
                                Val::String(k) => Some(k.clone()),
                                _ => None,
                            }))
                        }
                        ("cursor", Val::Option(Some(next))) => {
                            if let Val::U64(next) = **next {
                                cursor = Some(next);
                            }
                        }
                        _ => {}
                    }
                }
                if cursor.is_none() {
                    keys.sort();
                    return Ok(keys);
                }
            }
            Err(format!(
                "{} kept paging its keys past {MAX_PAGES} pages",
                self.route.target
            ))
        })
    }

    fn increment<'a>(&'a self, key: &'a str, delta: u64) -> BoxFuture<'a, Result<u64, String>> {
        Box::pin(async move {
            let value = self
                .call("increment", vec![Val::String(key.into()), Val::U64(delta)])
                .await?;
            match value {
                Some(Val::U64(n)) => Ok(n),
                other => Err(self.unexpected("increment", &other)),
            }
        })
    }
}
