//! Calls into components: an export called by name, a custom-interface import
//! forwarded along its link to another component, and a message delivered to a
//! `wasmcloud:messaging/handler` for the messaging provider.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use trellis_proto::LogLevel;
use wasmtime::component::Val;

use super::component::strip_version;
use super::core::{Inner, Runtime};
use super::linker::has_resource;
use super::state::new_store;
use crate::providers::{call_handle_message, BrokerMessage, ComponentInvoker, InvokeFuture};
use crate::HostError;

impl Runtime {
    /// Calls exported function `function` (`name` or `ns:pkg/iface#name`) of component
    /// `id` with dynamic values in a fresh instance.
    pub async fn call_function(
        &self,
        id: &str,
        function: &str,
        params: Vec<Val>,
    ) -> Result<Vec<Val>, HostError> {
        let (iface, func) = match function.split_once('#') {
            Some((iface, func)) => (Some(iface), func),
            None => (None, function),
        };
        self.inner
            .call_export(id, iface, func, params)
            .await
            .map_err(|err| HostError::Invocation {
                component: id.into(),
                reason: super::http::describe_failure(&err),
            })
    }
}

impl Inner {
    /// Forwards a custom-interface call of `source` to `target`, the component its
    /// link for `iface` names (`None`: no link).
    pub(crate) fn forward_call<'a>(
        self: &'a Arc<Self>,
        source: &'a str,
        target: Option<String>,
        iface: &'a str,
        func: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, wasmtime::Result<Vec<Val>>> {
        Box::pin(async move {
            let Some(target) = target else {
                wasmtime::bail!(
                    "component {source} called `{iface}#{func}`, but no link satisfies this \
                     import (link {source} to a component exporting {})",
                    strip_version(iface)
                );
            };
            if params.iter().any(has_resource) {
                wasmtime::bail!(
                    "`{iface}#{func}`: resource handles cannot be passed between components"
                );
            }
            if self.component(&target).is_none() {
                wasmtime::bail!(
                    "component {source} called `{iface}#{func}`, linked to {target}, \
                     which is not a component running on this host"
                );
            }
            self.call_export(&target, Some(iface), func, params).await
        })
    }

    /// Calls an export of component `id` in a fresh instance.
    pub(crate) fn call_export<'a>(
        self: &'a Arc<Self>,
        id: &'a str,
        iface: Option<&'a str>,
        func: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, wasmtime::Result<Vec<Val>>> {
        Box::pin(async move {
            let Some(entry) = self.component(id) else {
                wasmtime::bail!("component {id} is not running on this host");
            };
            let (loaded, permits) = entry.current();
            let timeout = self.limits_of(&entry).timeout;
            let waiting = entry.load.waiting();
            let _permit = match tokio::time::timeout(timeout, permits.acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => wasmtime::bail!("component {id} is stopped"),
                Err(_) => wasmtime::bail!("component {id} is busy (all instances in use)"),
            };
            drop(waiting);
            let _running = entry.load.running();
            let mut store = new_store(self.store_params(&entry));
            let instance = loaded.pre.instantiate_async(&mut store).await?;
            let parent = match iface {
                Some(iface) => {
                    let Some(name) = loaded.export_named(iface) else {
                        wasmtime::bail!("component {id} does not export {iface}");
                    };
                    let index = instance.get_export_index(&mut store, None, name);
                    Some(index.ok_or_else(|| {
                        wasmtime::format_err!("component {id} does not export {iface}")
                    })?)
                }
                None => None,
            };
            let index = instance
                .get_export_index(&mut store, parent.as_ref(), func)
                .ok_or_else(|| wasmtime::format_err!("component {id} does not export `{func}`"))?;
            let function = instance.get_func(&mut store, index).ok_or_else(|| {
                wasmtime::format_err!("export `{func}` of {id} is not a function")
            })?;
            let result_count = function.ty(&store).results().len();
            let mut results = vec![Val::Bool(false); result_count];
            let call = function.call_async(&mut store, &params, &mut results);
            let slack = Duration::from_millis(200);
            match tokio::time::timeout(timeout + slack, call).await {
                Ok(result) => result?,
                Err(_) => return Err(super::state::DeadlineExceeded(timeout).into()),
            }
            Ok(results)
        })
    }

    /// Runs `wasmcloud:messaging/handler.handle-message` of component `id` in a fresh
    /// instance; a failure is logged with the component id and returned as text.
    async fn deliver_message(self: &Arc<Self>, id: &str, msg: BrokerMessage) -> Result<(), String> {
        let Some(entry) = self.component(id) else {
            return Err(format!("component {id} is not running on this host"));
        };
        let (loaded, permits) = entry.current();
        let timeout = self.limits_of(&entry).timeout;
        let waiting = entry.load.waiting();
        let _permit = match tokio::time::timeout(timeout, permits.acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(format!("component {id} is stopped")),
            Err(_) => return Err(format!("component {id} is busy (all instances in use)")),
        };
        drop(waiting);
        let _running = entry.load.running();
        let mut store = new_store(self.store_params(&entry));
        let run = async {
            let instance = loaded.pre.instantiate_async(&mut store).await?;
            call_handle_message(&mut store, &instance, &msg).await
        };
        let slack = Duration::from_millis(200);
        let outcome = match tokio::time::timeout(timeout + slack, run).await {
            Ok(Ok(guest)) => guest,
            Ok(Err(err)) => Err(super::http::describe_failure(&err)),
            Err(_) => Err(super::state::DeadlineExceeded(timeout).to_string()),
        };
        if let Err(reason) = &outcome {
            self.logs.emit(
                LogLevel::Error,
                Some(id),
                Some("messaging"),
                format!("message on {} failed: {reason}", msg.subject),
            );
        }
        outcome
    }
}

/// Lets providers (messaging) call into components without keeping the runtime alive.
pub(super) struct Invoker(Weak<Inner>);

impl Invoker {
    /// An invoker that reaches `inner` while the runtime lives.
    pub(super) fn new(inner: &Arc<Inner>) -> Invoker {
        Invoker(Arc::downgrade(inner))
    }
}

impl ComponentInvoker for Invoker {
    fn max_concurrency(&self, component_id: &str) -> usize {
        let entry = self
            .0
            .upgrade()
            .and_then(|inner| inner.component(component_id));
        entry.map_or(1, |entry| {
            let active = entry.active.read().unwrap_or_else(|p| p.into_inner());
            active.max_instances as usize
        })
    }

    fn handle_message(&self, component_id: &str, msg: BrokerMessage) -> InvokeFuture {
        let inner = self.0.clone();
        let id = component_id.to_owned();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            inner.deliver_message(&id, msg).await
        })
    }
}
