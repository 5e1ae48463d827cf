//! Calls into components: an export called by name, a custom-interface import
//! forwarded along its link to another component, and a message delivered to a
//! `wasmcloud:messaging/handler` for the messaging provider.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use trellis_proto::LogLevel;
use wasmtime::component::types::ComponentFunc;
use wasmtime::component::Val;

use trellis_wrpc::messaging::{HANDLER, HANDLE_MESSAGE};
use trellis_wrpc::wave::split_function;

use super::component::strip_version;
use super::core::{Inner, Runtime};
use super::linker::has_resource;
use super::spy::SpyCall;
use super::state::new_store;
use crate::providers::{
    call_handle_message, from_broker, BrokerMessage, ComponentInvoker, InvokeFuture,
};
use crate::HostError;

/// A call's arguments: typed values, or WAVE text to parse against the parameter types.
pub(crate) enum CallArgs {
    Values(Vec<Val>),
    Wave(Vec<String>),
}

/// Arguments refused before the call (a count or a type that does not fit).
#[derive(Debug)]
struct RefusedArgs(String);

impl std::fmt::Display for RefusedArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RefusedArgs {}

impl Runtime {
    /// Calls exported function `function` of component `id` with arguments in WAVE text
    /// (`ns:pkg/iface.name`, `ns:pkg/iface#name` or a root `name`), checked against the
    /// function's parameter types before the call; the results come back as WAVE.
    pub async fn call_wave(
        &self,
        id: &str,
        function: &str,
        args: &[String],
    ) -> Result<trellis_proto::ComponentCallResult, HostError> {
        let (iface, func) = split_function(function);
        let began = std::time::Instant::now();
        let results = self
            .inner
            .call_export(id, iface, func, CallArgs::Wave(args.to_vec()))
            .await
            .map_err(|err| match err.downcast_ref::<RefusedArgs>() {
                Some(refused) => HostError::InvalidArguments(refused.0.clone()),
                None => HostError::Invocation {
                    component: id.into(),
                    reason: super::http::describe_failure(&err),
                },
            })?;
        let duration_ms = began.elapsed().as_secs_f64() * 1e3;
        let results = results
            .iter()
            .map(|val| {
                wasm_wave::to_string(val).map_err(|err| HostError::Invocation {
                    component: id.into(),
                    reason: format!("its result cannot be written as WAVE: {err}"),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(trellis_proto::ComponentCallResult {
            results,
            duration_ms,
        })
    }

    /// Calls exported function `function` (`name` or `ns:pkg/iface#name`) of component
    /// `id` with dynamic values in a fresh instance.
    pub async fn call_function(
        &self,
        id: &str,
        function: &str,
        params: Vec<Val>,
    ) -> Result<Vec<Val>, HostError> {
        let (iface, func) = split_function(function);
        self.inner
            .call_export(id, iface, func, CallArgs::Values(params))
            .await
            .map_err(|err| HostError::Invocation {
                component: id.into(),
                reason: super::http::describe_failure(&err),
            })
    }
}

/// A call a component made through one of its custom-interface imports.
#[derive(Clone, Copy)]
pub(crate) struct ImportCall<'a> {
    /// The calling component.
    pub(crate) source: &'a str,
    /// The name of the link the import follows.
    pub(crate) link_name: &'a str,
    /// The imported interface (`ns:pkg/iface@version`).
    pub(crate) iface: &'a str,
    /// The function called.
    pub(crate) func: &'a str,
    /// Its type, as the caller imports it.
    pub(crate) ty: &'a ComponentFunc,
}

impl Inner {
    /// Forwards `call` to `target`, the component its link names (`None`: no link).
    /// While a spy holds a lease on a `target` running here, the call is recorded (see
    /// `spy`).
    pub(crate) fn forward_call<'a>(
        self: &'a Arc<Self>,
        call: ImportCall<'a>,
        target: Option<String>,
        params: Vec<Val>,
    ) -> BoxFuture<'a, wasmtime::Result<Vec<Val>>> {
        let ImportCall {
            source,
            link_name,
            iface,
            func,
            ..
        } = call;
        Box::pin(async move {
            let Some(target) = target else {
                wasmtime::bail!(
                    "component {source} called `{iface}#{func}`, but no link satisfies this \
                     import (link {source} to a component exporting {})",
                    strip_version(iface)
                );
            };
            // Rendered only while someone spies: the common path stays allocation-free.
            // A call to another host is recorded here too (its target may be a wasmCloud
            // host, which records nothing), and marked so that a serving Trellis host
            // does not record it again.
            let spied = self.spy.watching(&target).then(|| {
                SpyCall::begin(
                    &self.host_id,
                    source,
                    &target,
                    link_name,
                    iface,
                    func,
                    &params,
                )
            });
            let outcome = self
                .forward_to(&call, &target, params, spied.is_some())
                .await;
            if let Some(call) = spied {
                call.finish(&self.spy, &outcome);
            }
            outcome
        })
    }

    async fn forward_to(
        self: &Arc<Self>,
        call: &ImportCall<'_>,
        target: &str,
        params: Vec<Val>,
        spied: bool,
    ) -> wasmtime::Result<Vec<Val>> {
        let (iface, func) = (call.iface, call.func);
        if params.iter().any(has_resource) {
            wasmtime::bail!(
                "`{iface}#{func}`: resource handles cannot be passed between components"
            );
        }
        if self.component(target).is_none() {
            return self.call_remote(call, target, params, spied).await;
        }
        self.call_export(target, Some(iface), func, CallArgs::Values(params))
            .await
    }

    /// Calls an export of component `id` in a fresh instance.
    pub(crate) fn call_export<'a>(
        self: &'a Arc<Self>,
        id: &'a str,
        iface: Option<&'a str>,
        func: &'a str,
        params: CallArgs,
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
            let ty = function.ty(&store);
            let params = match params {
                CallArgs::Values(values) => values,
                CallArgs::Wave(texts) => trellis_wrpc::wave::parse_args(func, ty.params(), &texts)
                    .map_err(|refused| wasmtime::Error::new(RefusedArgs(refused)))?,
            };
            let result_count = ty.results().len();
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
        let Some(inner) = self.0.upgrade() else {
            return 1;
        };
        match inner.component(component_id) {
            Some(entry) => {
                let active = entry.active.read().unwrap_or_else(|p| p.into_inner());
                active.max_instances as usize
            }
            // Elsewhere: its host bounds it; this only keeps a backlog in NATS.
            None if inner.wrpc.is_some() => super::wrpc_messaging::REMOTE_DELIVERIES,
            None => 1,
        }
    }

    fn deliver(
        &self,
        provider: &str,
        link_name: &str,
        component_id: &str,
        msg: BrokerMessage,
    ) -> InvokeFuture {
        let inner = self.0.clone();
        let (provider, link_name, id) = (
            provider.to_owned(),
            link_name.to_owned(),
            component_id.to_owned(),
        );
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            // Recorded where the provider delivers, whether the component runs here or
            // on another host (then marked, so that its host does not record it again).
            let spied = inner.spy.watching(&id).then(|| {
                SpyCall::begin(
                    &inner.host_id,
                    &provider,
                    &id,
                    &link_name,
                    HANDLER,
                    HANDLE_MESSAGE,
                    &[from_broker(msg.clone()).to_val()],
                )
            });
            let outcome = if inner.component(&id).is_none() && inner.wrpc.is_some() {
                let spied = spied.is_some();
                inner
                    .deliver_remote(&provider, &link_name, &id, msg, spied)
                    .await
            } else {
                inner.deliver_message(&id, msg).await
            };
            if let Some(call) = spied {
                let recorded = match &outcome {
                    Ok(()) => Ok(vec![Val::Result(Ok(None))]),
                    Err(reason) => Err(wasmtime::Error::msg(reason.clone())),
                };
                call.finish(&inner.spy, &recorded);
            }
            outcome
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
