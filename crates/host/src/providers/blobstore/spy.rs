//! A component's blobstore calls as the message spy shows them: each recorded under
//! the interface the guest imports (`wasi:blobstore/blobstore`, or
//! `wasi:blobstore/container` with the container's name first), whether the provider runs
//! here or on another host; bodies stay out, a write shows its size.

use wasmtime::component::{Resource, Val};

use super::host::{BlobResult, BLOBSTORE};
use super::Container;
use crate::providers::bindings::wasi::blobstore::types::{
    ContainerMetadata, Error, ObjectId, ObjectMetadata,
};
use crate::providers::spy::{result_val, ProviderSpy};
use crate::providers::ProvidersCtxView;

/// The interface of a container's methods, as spy records name it.
const CONTAINER: &str = "wasi:blobstore/container";

impl ProvidersCtxView<'_> {
    /// A spy record of `func` of `interface` (`wasi:blobstore/…`), if someone spies on
    /// the linked provider.
    pub(super) fn blob_spy(
        &self,
        interface: &str,
        func: &str,
        args: impl FnOnce() -> Vec<Val>,
    ) -> Option<ProviderSpy> {
        self.ctx.spy_call_via(BLOBSTORE, interface, func, args)
    }

    /// A spy record of container method `func`: the container's name first, then `rest`.
    pub(super) fn blob_spy_on(
        &self,
        this: &Resource<Container>,
        func: &str,
        rest: impl FnOnce() -> Vec<Val>,
    ) -> Option<ProviderSpy> {
        self.blob_spy(CONTAINER, func, || {
            let name = self.table.get(this).map(|c| c.name.clone());
            let mut args = vec![Val::String(name.unwrap_or_default())];
            args.extend(rest());
            args
        })
    }
}

/// Types a host function's body, written as an async block (so that its early returns
/// end the body, and the spy still sees the outcome).
pub(super) async fn blob_call<T>(
    body: impl std::future::Future<Output = BlobResult<T>>,
) -> BlobResult<T> {
    body.await
}

/// A blobstore result as the spy shows it.
pub(super) fn blob_val<T>(result: &Result<T, Error>, ok: impl FnOnce(&T) -> Option<Val>) -> Val {
    result_val(result, ok, |error| Some(Val::String(error.clone())))
}

/// An object id as the spy shows it.
pub(super) fn id_val(id: &ObjectId) -> Val {
    Val::Record(vec![
        ("container".into(), Val::String(id.container.clone())),
        ("object".into(), Val::String(id.object.clone())),
    ])
}

/// Container metadata as the spy shows it.
pub(super) fn container_meta_val(meta: &ContainerMetadata) -> Val {
    Val::Record(vec![
        ("name".into(), Val::String(meta.name.clone())),
        ("created-at".into(), Val::U64(meta.created_at)),
    ])
}

/// Object metadata as the spy shows it.
pub(super) fn object_meta_val(meta: &ObjectMetadata) -> Val {
    Val::Record(vec![
        ("name".into(), Val::String(meta.name.clone())),
        ("container".into(), Val::String(meta.container.clone())),
        ("created-at".into(), Val::U64(meta.created_at)),
        ("size".into(), Val::U64(meta.size)),
    ])
}
