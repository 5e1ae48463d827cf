//! The built-in blobstore provider across hosts: served to other hosts as
//! `wrpc:blobstore/blobstore@0.2.0`, to callers linked to it only (as wasmCloud's
//! providers check `source-id`), on the same directory code and limits as this host's
//! own components get. The calling side is `providers::blobstore::remote`.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt as _, StreamExt as _};
use tokio::io::AsyncReadExt as _;
use trellis_proto::LogLevel;
use trellis_wrpc::blobstore::serve::CallEnd;
use trellis_wrpc::blobstore::serve::Data;
use trellis_wrpc::blobstore::{
    serve_blobstore, BlobstoreService, Caller, ObjectId, ObjectInfo, INSTANCE,
};
use wasmtime::component::Val;

use super::core::Inner;
use super::spy::SpyCall;
use crate::providers::blobstore::fs::{io_error, list_names, open_range, write_streamed};
use crate::providers::blobstore::{check_name, timestamp};

/// How long an upload may pause between chunks before it is dropped.
const UPLOAD_IDLE: Duration = Duration::from_secs(15);

/// Bytes per chunk of a download.
const DOWNLOAD_CHUNK: usize = 64 << 10;

impl Inner {
    /// Serves built-in blobstore provider `id` to components on other hosts as
    /// `wrpc:blobstore` (a no-op without a wRPC connection).
    pub(super) async fn serve_blobstore_over_wrpc(self: &Arc<Self>, id: &str) {
        let Some(invoker) = &self.wrpc else {
            return;
        };
        let service = Arc::new(ServedBlobstore {
            inner: Arc::downgrade(self),
            id: id.into(),
        });
        let nats = invoker.nats().clone();
        match serve_blobstore(nats, invoker.lattice(), id, service).await {
            Ok(serving) => {
                self.provider_serving
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id.to_owned(), serving);
            }
            Err(err) => self.logs.emit(
                LogLevel::Warn,
                Some(id),
                Some("wrpc"),
                format!("other hosts cannot reach this blobstore provider over wRPC: {err:#}"),
            ),
        }
    }
}

/// Serves `wrpc:blobstore` calls into one built-in blobstore provider of this host.
struct ServedBlobstore {
    inner: Weak<Inner>,
    id: Arc<str>,
}

impl ServedBlobstore {
    /// The directory of container `name` (which may not exist), while the provider runs.
    fn container_dir(&self, name: &str) -> Result<PathBuf, String> {
        let inner = self.inner.upgrade().ok_or("the host is shutting down")?;
        let running = inner
            .registry
            .get(&self.id)
            .ok_or_else(|| format!("blobstore provider {} stopped", self.id))?;
        let blob = running
            .blobstore()
            .ok_or_else(|| format!("provider {} is not a blobstore", self.id))?;
        blob.container_dir(name)
    }

    /// The file of object `id`, whose container must exist.
    fn object_path(&self, id: &ObjectId) -> Result<PathBuf, String> {
        let dir = self.container_dir(&id.container)?;
        check_name("object", &id.object)?;
        if !dir.is_dir() {
            return Err(format!("container {:?} does not exist", id.container));
        }
        Ok(dir.join(&id.object))
    }

    /// Runs `op` with the directory of container `name`.
    fn in_container<T, F>(
        &self,
        name: String,
        op: impl FnOnce(String, PathBuf) -> F + Send + 'static,
    ) -> BoxFuture<'static, Result<T, String>>
    where
        F: std::future::Future<Output = Result<T, String>> + Send + 'static,
        T: Send + 'static,
    {
        match self.container_dir(&name) {
            Ok(dir) => op(name, dir).boxed(),
            Err(err) => futures::future::ready(Err(err)).boxed(),
        }
    }
}

impl BlobstoreService for ServedBlobstore {
    fn admit(&self, caller: &Caller, _func: &str) -> Result<(), String> {
        let inner = self.inner.upgrade().ok_or("the host is shutting down")?;
        let source = caller.source.as_deref().unwrap_or_default();
        let link_name = caller.link_name.as_deref().unwrap_or("default");
        let linked = inner
            .provider_link(source, link_name, &self.id, ("wasi", "blobstore"))
            .is_some();
        if linked {
            Ok(())
        } else {
            Err(format!(
                "access denied: no link {link_name:?} for wasi:blobstore from {source:?} to \
                 blobstore provider {}",
                self.id
            ))
        }
    }

    fn clear_container(&self, name: String) -> BoxFuture<'static, Result<(), String>> {
        self.in_container(name, |name, dir| async move {
            let what = || format!("cannot clear container {name:?}");
            tokio::fs::remove_dir_all(&dir)
                .await
                .map_err(|e| io_error(&what(), e))?;
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| io_error(&what(), e))
        })
    }

    fn container_exists(&self, name: String) -> BoxFuture<'static, Result<bool, String>> {
        self.in_container(name, |_, dir| async move { Ok(dir.is_dir()) })
    }

    fn create_container(&self, name: String) -> BoxFuture<'static, Result<(), String>> {
        self.in_container(name, |name, dir| async move {
            if dir.exists() {
                return Err(format!("container {name:?} already exists"));
            }
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| io_error(&format!("cannot create container {name:?}"), e))
        })
    }

    fn delete_container(&self, name: String) -> BoxFuture<'static, Result<(), String>> {
        self.in_container(name, |name, dir| async move {
            tokio::fs::remove_dir_all(&dir)
                .await
                .map_err(|e| io_error(&format!("cannot delete container {name:?}"), e))
        })
    }

    fn container_created_at(&self, name: String) -> BoxFuture<'static, Result<u64, String>> {
        self.in_container(name, |name, dir| async move {
            tokio::fs::metadata(&dir)
                .await
                .map(|m| timestamp(m.created().or_else(|_| m.modified())))
                .map_err(|e| io_error(&format!("container {name:?}"), e))
        })
    }

    fn list_objects(
        &self,
        name: String,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> BoxFuture<'static, Result<Vec<String>, String>> {
        self.in_container(name, move |name, dir| async move {
            let names = list_names(&name, &dir).await?;
            let skip = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
            let take = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
            Ok(names.into_iter().skip(skip).take(take).collect())
        })
    }

    fn copy_object(&self, src: ObjectId, dest: ObjectId) -> BoxFuture<'static, Result<(), String>> {
        let paths = self
            .object_path(&src)
            .and_then(|from| Ok((from, self.object_path(&dest)?)));
        async move {
            let (from, to) = paths?;
            tokio::fs::copy(&from, &to)
                .await
                .map(drop)
                .map_err(|e| io_error(&format!("cannot copy object {:?}", src.object), e))
        }
        .boxed()
    }

    fn move_object(&self, src: ObjectId, dest: ObjectId) -> BoxFuture<'static, Result<(), String>> {
        let paths = self
            .object_path(&src)
            .and_then(|from| Ok((from, self.object_path(&dest)?)));
        async move {
            let (from, to) = paths?;
            tokio::fs::rename(&from, &to)
                .await
                .map_err(|e| io_error(&format!("cannot move object {:?}", src.object), e))
        }
        .boxed()
    }

    fn delete_object(&self, id: ObjectId) -> BoxFuture<'static, Result<(), String>> {
        let path = self.object_path(&id);
        async move {
            tokio::fs::remove_file(path?)
                .await
                .map_err(|e| io_error(&format!("cannot delete object {:?}", id.object), e))
        }
        .boxed()
    }

    fn delete_objects(
        &self,
        container: String,
        objects: Vec<String>,
    ) -> BoxFuture<'static, Result<(), String>> {
        self.in_container(container, |_, dir| async move {
            for name in objects {
                check_name("object", &name)?;
                match tokio::fs::remove_file(dir.join(&name)).await {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io_error(&format!("cannot delete object {name:?}"), e))
                    }
                    _ => {}
                }
            }
            Ok(())
        })
    }

    fn object_info(&self, id: ObjectId) -> BoxFuture<'static, Result<ObjectInfo, String>> {
        let path = self.object_path(&id);
        async move {
            tokio::fs::metadata(path?)
                .await
                .map(|m| ObjectInfo {
                    created_at: timestamp(m.created().or_else(|_| m.modified())),
                    size: m.len(),
                })
                .map_err(|e| io_error(&format!("object {:?}", id.object), e))
        }
        .boxed()
    }

    fn has_object(&self, id: ObjectId) -> BoxFuture<'static, Result<bool, String>> {
        let found = self.container_dir(&id.container).and_then(|dir| {
            check_name("object", &id.object)?;
            Ok(dir.join(&id.object).is_file())
        });
        futures::future::ready(found).boxed()
    }

    fn read_object(
        &self,
        id: ObjectId,
        start: u64,
        end: u64,
    ) -> BoxFuture<'static, Result<Data, String>> {
        let path = self.object_path(&id);
        async move {
            let what = format!("object {:?}", id.object);
            let range = match open_range(&path?, start, end).await {
                Ok(Ok(range)) => range,
                Ok(Err(too_big)) => return Err(too_big),
                Err(e) => return Err(io_error(&what, e)),
            };
            // Read as the transport takes the chunks: one chunk in memory at a time.
            let chunks = futures::stream::unfold(Some(range), move |range| {
                let what = what.clone();
                async move {
                    let mut range = range?;
                    let mut chunk = vec![0u8; DOWNLOAD_CHUNK];
                    match range.read(&mut chunk).await {
                        Ok(0) => None,
                        Ok(n) => {
                            chunk.truncate(n);
                            Some((Ok(Bytes::from(chunk)), Some(range)))
                        }
                        Err(e) => Some((Err(io_error(&what, e)), None)),
                    }
                }
            });
            Ok(chunks.boxed())
        }
        .boxed()
    }

    fn write_object(&self, id: ObjectId, data: Data) -> BoxFuture<'static, Result<(), String>> {
        let dir = self.container_dir(&id.container);
        let (inner, provider) = (self.inner.clone(), self.id.clone());
        async move {
            let written = write_streamed(&dir?, &id.object, data, UPLOAD_IDLE).await;
            // A cut or stalled upload says something about the peer: worth a line.
            if let (Err(reason), Some(inner)) = (&written, inner.upgrade()) {
                inner.logs.emit(
                    LogLevel::Warn,
                    Some(&provider),
                    Some("wrpc"),
                    format!(
                        "writing object {} for another host failed: {reason}",
                        id.display()
                    ),
                );
            }
            written
        }
        .boxed()
    }

    fn watch(&self, caller: &Caller, func: &str, args: &dyn Fn() -> Vec<Val>) -> Option<CallEnd> {
        // A Trellis caller records the call itself: a spy sees it once.
        let inner = self.inner.upgrade()?;
        if caller.spied || !inner.spy.watching(&self.id) {
            return None;
        }
        let call = SpyCall::begin(
            &inner.host_id,
            caller.source.as_deref().unwrap_or("(unnamed caller)"),
            &self.id,
            caller.link_name.as_deref().unwrap_or("default"),
            &trellis_wrpc::names::guest_interface(INSTANCE),
            func,
            &args(),
        );
        let spy = Arc::downgrade(&inner);
        Some(Box::new(move |result| {
            if let Some(inner) = spy.upgrade() {
                call.finish(&inner.spy, &Ok(vec![result]));
            }
        }))
    }

    fn refused(&self, func: &str, source: Option<&str>, reason: &str) {
        if let Some(inner) = self.inner.upgrade() {
            inner.logs.emit(
                LogLevel::Warn,
                Some(&self.id),
                Some("wrpc"),
                format!(
                    "a call `{INSTANCE}.{func}` from {} was refused: {reason}",
                    source.unwrap_or("an unnamed caller")
                ),
            );
        }
    }
}
