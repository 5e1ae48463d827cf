//! The built-in keyvalue provider across hosts: served to other hosts as
//! `wrpc:keyvalue/{store,atomics}@0.2.0-draft`, to callers linked to it only (as
//! wasmCloud's providers check `source-id`). The calling side is
//! `providers::keyvalue::remote`.

use std::sync::{Arc, OnceLock};

use futures::future::BoxFuture;
use trellis_proto::LogLevel;
use trellis_wrpc::keyvalue::{self as kv, KeyvalueTypes};
use trellis_wrpc::Invocation;
use wasmtime::component::Val;

use super::core::Inner;
use super::wrpc_providers::{provider_exports, types_once, ProviderAnswer, ProviderExports};

/// The `wrpc:keyvalue` types, read once with the host's engine.
pub(crate) fn keyvalue_types() -> Result<Arc<KeyvalueTypes>, String> {
    static TYPES: OnceLock<Result<Arc<KeyvalueTypes>, String>> = OnceLock::new();
    types_once(&TYPES, KeyvalueTypes::load)
}

impl Inner {
    /// What serves built-in keyvalue provider `id` to other hosts.
    pub(super) fn keyvalue_exports(self: &Arc<Self>, id: &str) -> ProviderExports {
        let types = keyvalue_types()?;
        provider_exports::<KeyvalueAnswer>(self, id, types.signatures())
    }
}

/// Answers `wrpc:keyvalue` calls into a built-in keyvalue provider of this host.
struct KeyvalueAnswer;

impl ProviderAnswer for KeyvalueAnswer {
    fn answer<'a>(
        inner: &'a Inner,
        provider: &'a str,
        func: &'a str,
        invocation: Invocation,
    ) -> BoxFuture<'a, Result<Val, String>> {
        Box::pin(answer(inner, provider, func, invocation))
    }
}

async fn answer(
    inner: &Inner,
    provider: &str,
    func: &str,
    invocation: Invocation,
) -> Result<Val, String> {
    // Like wasmCloud's providers: only callers linked to this provider get in.
    let source = invocation.source.as_deref().unwrap_or_default();
    let link_name = invocation.link_name.as_deref().unwrap_or("default");
    let Some(target_config) =
        inner.provider_link(source, link_name, provider, ("wasi", "keyvalue"))
    else {
        inner.logs.emit(
            LogLevel::Warn,
            Some(provider),
            Some("wrpc"),
            format!(
                "refused {func} from {source:?}: no link {link_name:?} from it to this \
                     provider"
            ),
        );
        return Ok(kv::err_access_denied());
    };
    let Some(running) = inner.registry.get(provider) else {
        return Ok(kv::err_other("the keyvalue provider stopped"));
    };
    let Some(store) = running.keyvalue() else {
        return Ok(kv::err_other("not a keyvalue provider"));
    };
    let mut params = invocation.params.into_iter();
    let Some(Val::String(bucket)) = params.next() else {
        return Err(format!("{func}: the first argument is not a bucket name"));
    };
    let bucket = match store.open(&bucket, &target_config).await {
        Ok(bucket) => bucket,
        Err(message) => return Ok(kv::err_other(message)),
    };
    let mut next = || params.next();
    let text = |v: Option<Val>| match v {
        Some(Val::String(s)) => Ok(s),
        other => Err(format!("{func}: expected a string, got {other:?}")),
    };
    let outcome = match func {
        "get" => {
            let key = text(next())?;
            bucket
                .backend
                .get(&key)
                .await
                .map(|value| Some(Val::Option(value.map(|v| Box::new(kv::list_of(&v))))))
        }
        "set" => {
            let key = text(next())?;
            let value = next()
                .as_ref()
                .and_then(kv::bytes_of)
                .ok_or_else(|| format!("{func}: the value is not bytes"))?;
            bucket.set(&key, value).await.map(|()| None)
        }
        "delete" => {
            let key = text(next())?;
            bucket.backend.delete(&key).await.map(|()| None)
        }
        "exists" => {
            let key = text(next())?;
            bucket
                .backend
                .get(&key)
                .await
                .map(|v| Some(Val::Bool(v.is_some())))
        }
        "list-keys" => {
            let cursor = match next() {
                Some(Val::Option(Some(at))) => match *at {
                    Val::U64(at) => Some(at),
                    _ => None,
                },
                _ => None,
            };
            bucket.backend.keys().await.map(|keys| {
                let (keys, cursor) = crate::providers::keyvalue::page(keys, cursor);
                Some(Val::Record(vec![
                    (
                        "keys".into(),
                        Val::List(keys.into_iter().map(Val::String).collect()),
                    ),
                    (
                        "cursor".into(),
                        Val::Option(cursor.map(|c| Box::new(Val::U64(c)))),
                    ),
                ]))
            })
        }
        "increment" => {
            let key = text(next())?;
            let Some(Val::U64(delta)) = next() else {
                return Err(format!("{func}: the delta is not a u64"));
            };
            bucket
                .backend
                .increment(&key, delta)
                .await
                .map(|n| Some(Val::U64(n)))
        }
        other => return Err(format!("unknown keyvalue function {other}")),
    };
    Ok(match outcome {
        Ok(payload) => kv::ok(payload),
        Err(message) => kv::err_other(message),
    })
}
