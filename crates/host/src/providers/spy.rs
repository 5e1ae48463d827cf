//! A component's calls into a built-in provider, recorded for the message spy while
//! someone spies on that provider (`trellis spy <provider>`, the app's Spy section).
//!
//! Nothing is built when nobody spies on anything on the host: [`ProviderCtx::spy_call`]
//! is one atomic load then. The values are shaped as wasmCloud puts these calls on the
//! wire (the bucket by name first for keyvalue), so a record reads the same whether the
//! provider runs here or on another host.

use std::sync::Arc;

use wasmtime::component::Val;

use crate::providers::ProviderCtx;
use crate::runtime::{SpyCall, SpyTap};

/// A spied call into a provider, waiting for its outcome.
pub(crate) struct ProviderSpy {
    tap: Arc<SpyTap>,
    call: SpyCall,
}

impl ProviderCtx {
    /// Starts a record of this component calling `func` of `interface` (`ns:pkg/iface`)
    /// on the provider its link for that interface leads to, if someone spies on that
    /// provider; `args` is only built then.
    pub(crate) fn spy_call(
        &self,
        interface: &str,
        func: &str,
        args: impl FnOnce() -> Vec<Val>,
    ) -> Option<ProviderSpy> {
        self.spy_call_via(interface, interface, func, args)
    }

    /// [`Self::spy_call`] for a function of `interface` that is reached through the link
    /// of another import, `linked` (a blobstore container's methods follow the
    /// `wasi:blobstore/blobstore` link).
    pub(crate) fn spy_call_via(
        &self,
        linked: &str,
        interface: &str,
        func: &str,
        args: impl FnOnce() -> Vec<Val>,
    ) -> Option<ProviderSpy> {
        let tap = self.registry.spy()?;
        if !tap.anyone() {
            return None;
        }
        let link_name = self.link_name_for(linked);
        let target = self.routes.get(linked, link_name)?;
        // A provider on another host is recorded here too (it may run on a wasmCloud
        // host, which records nothing); the call is then marked (`RemoteRoute`) so that
        // a serving Trellis host does not record it again.
        if !tap.watching(&target.target) {
            return None;
        }
        let call = SpyCall::begin(
            &self.host_id,
            &self.component_id,
            &target.target,
            link_name,
            interface,
            func,
            &args(),
        );
        Some(ProviderSpy {
            tap: Arc::clone(tap),
            call,
        })
    }
}

impl ProviderSpy {
    /// Completes the record with the function's result.
    pub(crate) fn finish(self, result: Val) {
        self.call.finish(&self.tap, &Ok(vec![result]));
    }
}

/// Finishes `spy`, if there is one, with `result` as a value; returns `result`.
pub(crate) fn spied<T>(
    spy: Option<ProviderSpy>,
    result: wasmtime::Result<T>,
    as_val: impl FnOnce(&T) -> Val,
) -> wasmtime::Result<T> {
    if let (Some(spy), Ok(value)) = (spy, &result) {
        spy.finish(as_val(value));
    }
    result
}

/// `result<T, E>` as a value, the payload and the error each through their own mapping.
pub(crate) fn result_val<T, E>(
    result: &Result<T, E>,
    ok: impl FnOnce(&T) -> Option<Val>,
    err: impl FnOnce(&E) -> Option<Val>,
) -> Val {
    Val::Result(match result {
        Ok(value) => Ok(ok(value).map(Box::new)),
        Err(error) => Err(err(error).map(Box::new)),
    })
}
