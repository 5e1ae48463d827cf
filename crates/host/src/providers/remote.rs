//! An import linked to a provider on another host: where its calls go over wRPC.
//!
//! Each provider interface that can cross hosts (keyvalue, messaging, blobstore, http)
//! builds its calls on [`RemoteRoute`], so the headers, the timeout and the error texts
//! are the same for all of them.

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::{Type, Val};

use crate::providers::ProviderCtx;

/// How long one provider call to another host may take: a wasmCloud host's 10 s, less
/// a margin so that it ends before a default invocation deadline does.
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_millis(9_750);

/// The provider on another host that one of a component's imports is linked to.
#[derive(Clone)]
pub(crate) struct RemoteRoute {
    invoker: trellis_wrpc::Invoker,
    /// The calling component (sent as `source-id`).
    source: Arc<str>,
    /// The provider's id.
    pub(crate) target: String,
    /// The link the calls follow (sent as `link-name`).
    link_name: String,
    /// Whether this host records the calls for the message spy (see `spy_call`): they
    /// are marked so that the serving host does not.
    spied: bool,
}

impl ProviderCtx {
    /// Where calls for `interface` (`ns:pkg/iface`) go when this component's link for it
    /// leads to a provider that is not on this host and the host calls other hosts
    /// (`None`: no link, a local provider, or no wRPC connection).
    pub(crate) fn remote_route(&self, interface: &str) -> Option<RemoteRoute> {
        let link_name = self.link_name_for(interface);
        let target = self.routes.get(interface, link_name)?;
        if self.registry.get(&target.target).is_some() {
            return None;
        }
        let spied = self
            .registry
            .spy()
            .is_some_and(|tap| tap.watching(&target.target));
        Some(RemoteRoute {
            invoker: self.registry.wrpc()?,
            source: self.component_id.clone(),
            target: target.target.clone(),
            link_name: link_name.to_owned(),
            spied,
        })
    }
}

impl RemoteRoute {
    /// Typed `wrpc:blobstore` calls (with streams) along this route.
    pub(crate) fn blobstore(self) -> trellis_wrpc::blobstore::BlobstoreClient {
        trellis_wrpc::blobstore::BlobstoreClient::new(
            self.invoker,
            &self.source,
            &self.target,
            &self.link_name,
            CALL_TIMEOUT,
        )
        .spied(self.spied)
    }

    /// `wrpc:http/outgoing-handler` calls (with streamed bodies) along this route.
    pub(crate) fn http(self) -> trellis_wrpc::http::HttpClient {
        trellis_wrpc::http::HttpClient::new(
            self.invoker,
            &self.source,
            &self.target,
            &self.link_name,
            CALL_TIMEOUT,
        )
        .spied(self.spied)
    }

    /// Calls `instance.func` on the provider and returns its one result.
    pub(crate) async fn call(
        &self,
        instance: &str,
        func: &str,
        (param_types, result_types): (&[Type], &[Type]),
        params: &[Val],
    ) -> Result<Val, String> {
        let call = trellis_wrpc::Call {
            source: &self.source,
            target: &self.target,
            link_name: &self.link_name,
            instance,
            func,
            params,
            param_types,
            result_types,
            timeout: CALL_TIMEOUT,
            spied: self.spied,
        };
        let results = self.invoker.call(call).await.map_err(|e| e.to_string())?;
        results
            .into_iter()
            .next()
            .ok_or_else(|| format!("{} answered {func} without a result", self.target))
    }
}
