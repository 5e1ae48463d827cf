//! The generated `wasi:blobstore` host traits, implemented on [`ProvidersCtxView`].

//!
//! Each call goes to the directory of the linked provider on this host, or, when the
//! link leads to a provider on another host, there over wRPC (`super::remote`).

use std::io::ErrorKind;

use trellis_wrpc::blobstore::{BlobstoreClient, ObjectId as WireObjectId};
use wasmtime::component::{Resource, Val};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi_io::streams::{DynInputStream, DynOutputStream};

use super::fs::{io_error, list_names, read_range};
use super::remote::{upload, RemoteNames, RemoteValue};
use super::spy::{blob_call, blob_val, container_meta_val, id_val, object_meta_val};
use super::{
    check_name, timestamp, Container, IncomingValue, ObjectNames, OutgoingValue, MAX_VALUE_BYTES,
};
use crate::providers::bindings::wasi::blobstore::{blobstore, container, types};
use crate::providers::spy::spied;
use crate::providers::{BuiltinKind, ProvidersCtxView};

use types::{ContainerMetadata, Error, ObjectId, ObjectMetadata};

/// The import name used in "no link" errors.
pub(super) const BLOBSTORE: &str = "wasi:blobstore/blobstore";

pub(super) type BlobResult<T> = wasmtime::Result<Result<T, Error>>;

impl ProvidersCtxView<'_> {
    /// The container `name` of the linked blobstore provider (which may not exist yet).
    fn blob_container(&self, name: &str) -> Result<Container, String> {
        let (_, provider) = self
            .ctx
            .linked_provider(BLOBSTORE, BuiltinKind::Blobstore)?;
        let blob = provider
            .blobstore()
            .ok_or_else(|| format!("provider {:?} is not a blobstore", provider.id()))?;
        Ok(Container {
            name: name.to_owned(),
            dir: blob.container_dir(name)?,
            remote: None,
        })
    }

    /// The linked provider when it is on another host.
    fn blob_remote(&self) -> Option<BlobstoreClient> {
        self.ctx.remote_blobstore(BLOBSTORE)
    }

    /// A container held by `remote`.
    fn push_remote_container(
        &mut self,
        name: String,
        remote: BlobstoreClient,
    ) -> wasmtime::Result<Resource<Container>> {
        Ok(self.table.push(Container {
            name,
            dir: std::path::PathBuf::new(),
            remote: Some(remote),
        })?)
    }

    /// The files of objects `src` and `dest` (a copy's or a move's two ends).
    fn blob_object_paths(
        &self,
        src: &ObjectId,
        dest: &ObjectId,
    ) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
        Ok((self.blob_object_path(src)?, self.blob_object_path(dest)?))
    }

    fn blob_object_path(&self, id: &ObjectId) -> Result<std::path::PathBuf, String> {
        let container = self.blob_container(&id.container)?;
        check_name("object", &id.object)?;
        if !container.dir.is_dir() {
            return Err(format!("container {:?} does not exist", id.container));
        }
        Ok(container.dir.join(&id.object))
    }
}

impl blobstore::Host for ProvidersCtxView<'_> {
    async fn create_container(&mut self, name: String) -> BlobResult<Resource<Container>> {
        let spy = self.blob_spy(BLOBSTORE, "create-container", || {
            vec![Val::String(name.clone())]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return match remote.create_container(&name).await {
                    Ok(()) => Ok(Ok(self.push_remote_container(name, remote)?)),
                    Err(e) => Ok(Err(e)),
                };
            }
            let container = match self.blob_container(&name) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            if container.dir.exists() {
                return Ok(Err(format!("container {name:?} already exists")));
            }
            if let Err(e) = tokio::fs::create_dir_all(&container.dir).await {
                return Ok(Err(io_error(
                    &format!("cannot create container {name:?}"),
                    e,
                )));
            }
            Ok(Ok(self.table.push(container)?))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn get_container(&mut self, name: String) -> BlobResult<Resource<Container>> {
        let spy = self.blob_spy(BLOBSTORE, "get-container", || {
            vec![Val::String(name.clone())]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return match remote.container_exists(&name).await {
                    Ok(true) => Ok(Ok(self.push_remote_container(name, remote)?)),
                    Ok(false) => Ok(Err(format!("container {name:?} does not exist"))),
                    Err(e) => Ok(Err(e)),
                };
            }
            let container = match self.blob_container(&name) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            if !container.dir.is_dir() {
                return Ok(Err(format!("container {name:?} does not exist")));
            }
            Ok(Ok(self.table.push(container)?))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn delete_container(&mut self, name: String) -> BlobResult<()> {
        let spy = self.blob_spy(BLOBSTORE, "delete-container", || {
            vec![Val::String(name.clone())]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return Ok(remote.delete_container(&name).await);
            }
            let container = match self.blob_container(&name) {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            Ok(tokio::fs::remove_dir_all(&container.dir)
                .await
                .map_err(|e| io_error(&format!("cannot delete container {name:?}"), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn container_exists(&mut self, name: String) -> BlobResult<bool> {
        let spy = self.blob_spy(BLOBSTORE, "container-exists", || {
            vec![Val::String(name.clone())]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return Ok(remote.container_exists(&name).await);
            }
            Ok(self.blob_container(&name).map(|c| c.dir.is_dir()))
        })
        .await;
        spied(spy, result, |r| {
            blob_val(r, |found| Some(Val::Bool(*found)))
        })
    }

    async fn copy_object(&mut self, src: ObjectId, dest: ObjectId) -> BlobResult<()> {
        let spy = self.blob_spy(BLOBSTORE, "copy-object", || {
            vec![id_val(&src), id_val(&dest)]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return Ok(remote.copy_object(&wire(src), &wire(dest)).await);
            }
            let (from, to) = match self.blob_object_paths(&src, &dest) {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            Ok(tokio::fs::copy(&from, &to)
                .await
                .map(|_| ())
                .map_err(|e| io_error(&format!("cannot copy object {:?}", src.object), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn move_object(&mut self, src: ObjectId, dest: ObjectId) -> BlobResult<()> {
        let spy = self.blob_spy(BLOBSTORE, "move-object", || {
            vec![id_val(&src), id_val(&dest)]
        });
        let result = blob_call(async move {
            if let Some(remote) = self.blob_remote() {
                return Ok(remote.move_object(&wire(src), &wire(dest)).await);
            }
            let (from, to) = match self.blob_object_paths(&src, &dest) {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            Ok(tokio::fs::rename(&from, &to)
                .await
                .map_err(|e| io_error(&format!("cannot move object {:?}", src.object), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }
}

impl container::Host for ProvidersCtxView<'_> {}

impl container::HostContainer for ProvidersCtxView<'_> {
    async fn name(&mut self, this: Resource<Container>) -> BlobResult<String> {
        Ok(Ok(self.table.get(&this)?.name.clone()))
    }

    async fn info(&mut self, this: Resource<Container>) -> BlobResult<ContainerMetadata> {
        let spy = self.blob_spy_on(&this, "info", Vec::new);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                return Ok(remote
                    .container_created_at(&c.name)
                    .await
                    .map(|created_at| ContainerMetadata {
                        name: c.name.clone(),
                        created_at,
                    }));
            }
            Ok(tokio::fs::metadata(&c.dir)
                .await
                .map(|m| ContainerMetadata {
                    name: c.name.clone(),
                    created_at: timestamp(m.created().or_else(|_| m.modified())),
                })
                .map_err(|e| io_error(&format!("container {:?}", c.name), e)))
        })
        .await;
        spied(spy, result, |r| {
            blob_val(r, |m| Some(container_meta_val(m)))
        })
    }

    async fn get_data(
        &mut self,
        this: Resource<Container>,
        name: String,
        start: u64,
        end: u64,
    ) -> BlobResult<Resource<IncomingValue>> {
        let spy = self.blob_spy_on(&this, "get-data", || {
            vec![Val::String(name.clone()), Val::U64(start), Val::U64(end)]
        });
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = c.remote {
                let id = object_id(c.name, name);
                return match remote.get_container_data(&id, start, end).await {
                    Ok(data) => Ok(Ok(self.table.push(IncomingValue::Remote(Box::new(
                        RemoteValue {
                            client: remote,
                            id,
                            window: (start, end),
                            data,
                        },
                    )))?)),
                    Err(e) => Ok(Err(e)),
                };
            }
            if let Err(e) = check_name("object", &name) {
                return Ok(Err(e));
            }
            let slice = match read_range(&c.dir.join(&name), start, end).await {
                Ok(Ok(data)) => bytes::Bytes::from(data),
                Ok(Err(too_big)) => return Ok(Err(too_big)),
                Err(e) => return Ok(Err(io_error(&format!("object {name:?}"), e))),
            };
            Ok(Ok(self.table.push(IncomingValue::Local(slice))?))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn write_data(
        &mut self,
        this: Resource<Container>,
        name: String,
        data: Resource<OutgoingValue>,
    ) -> BlobResult<()> {
        // Read once: the spy shows its size, the write takes it.
        let c = self.table.get(&this)?.clone();
        let contents = self.table.get(&data)?.pipe.contents();
        let spy = self.blob_spy_on(&this, "write-data", || {
            vec![Val::String(name.clone()), Val::U64(contents.len() as u64)]
        });
        let result = blob_call(async move {
            if let Some(remote) = &c.remote {
                return Ok(upload(remote, &object_id(c.name.clone(), name), contents).await);
            }
            if let Err(e) = check_name("object", &name) {
                return Ok(Err(e));
            }
            Ok(tokio::fs::write(c.dir.join(&name), &contents)
                .await
                .map_err(|e| io_error(&format!("cannot write object {name:?}"), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn list_objects(
        &mut self,
        this: Resource<Container>,
    ) -> BlobResult<Resource<ObjectNames>> {
        let spy = self.blob_spy_on(&this, "list-objects", Vec::new);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            let names = match &c.remote {
                Some(remote) => match remote.list_container_objects(&c.name).await {
                    Ok(names) => ObjectNames::Remote(RemoteNames {
                        names,
                        buffered: Default::default(),
                        done: false,
                    }),
                    Err(e) => return Ok(Err(e)),
                },
                None => match list_names(&c.name, &c.dir).await {
                    Ok(names) => ObjectNames::Local(names.into_iter()),
                    Err(e) => return Ok(Err(e)),
                },
            };
            Ok(Ok(self.table.push(names)?))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn delete_object(&mut self, this: Resource<Container>, name: String) -> BlobResult<()> {
        let spy = self.blob_spy_on(&this, "delete-object", || vec![Val::String(name.clone())]);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                return Ok(remote.delete_object(&object_id(c.name.clone(), name)).await);
            }
            if let Err(e) = check_name("object", &name) {
                return Ok(Err(e));
            }
            Ok(tokio::fs::remove_file(c.dir.join(&name))
                .await
                .map_err(|e| io_error(&format!("cannot delete object {name:?}"), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn delete_objects(
        &mut self,
        this: Resource<Container>,
        names: Vec<String>,
    ) -> BlobResult<()> {
        let spy = self.blob_spy_on(&this, "delete-objects", || {
            vec![Val::List(names.iter().cloned().map(Val::String).collect())]
        });
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                return Ok(remote.delete_objects(&c.name, names).await);
            }
            for name in names {
                if let Err(e) = check_name("object", &name) {
                    return Ok(Err(e));
                }
                match tokio::fs::remove_file(c.dir.join(&name)).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => {
                        return Ok(Err(io_error(&format!("cannot delete object {name:?}"), e)))
                    }
                }
            }
            Ok(Ok(()))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn has_object(&mut self, this: Resource<Container>, name: String) -> BlobResult<bool> {
        let spy = self.blob_spy_on(&this, "has-object", || vec![Val::String(name.clone())]);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                return Ok(remote.has_object(&object_id(c.name.clone(), name)).await);
            }
            Ok(check_name("object", &name).map(|()| c.dir.join(&name).is_file()))
        })
        .await;
        spied(spy, result, |r| {
            blob_val(r, |found| Some(Val::Bool(*found)))
        })
    }

    async fn object_info(
        &mut self,
        this: Resource<Container>,
        name: String,
    ) -> BlobResult<ObjectMetadata> {
        let spy = self.blob_spy_on(&this, "object-info", || vec![Val::String(name.clone())]);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                let id = object_id(c.name.clone(), name.clone());
                return Ok(remote.object_info(&id).await.map(|info| ObjectMetadata {
                    name,
                    container: c.name.clone(),
                    created_at: info.created_at,
                    size: info.size,
                }));
            }
            if let Err(e) = check_name("object", &name) {
                return Ok(Err(e));
            }
            Ok(tokio::fs::metadata(c.dir.join(&name))
                .await
                .map(|m| ObjectMetadata {
                    name: name.clone(),
                    container: c.name.clone(),
                    created_at: timestamp(m.created().or_else(|_| m.modified())),
                    size: m.len(),
                })
                .map_err(|e| io_error(&format!("object {name:?}"), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |m| Some(object_meta_val(m))))
    }

    async fn clear(&mut self, this: Resource<Container>) -> BlobResult<()> {
        let spy = self.blob_spy_on(&this, "clear", Vec::new);
        let result = blob_call(async move {
            let c = self.table.get(&this)?.clone();
            if let Some(remote) = &c.remote {
                return Ok(remote.clear_container(&c.name).await);
            }
            if let Err(e) = tokio::fs::remove_dir_all(&c.dir).await {
                return Ok(Err(io_error(
                    &format!("cannot clear container {:?}", c.name),
                    e,
                )));
            }
            Ok(tokio::fs::create_dir_all(&c.dir)
                .await
                .map_err(|e| io_error(&format!("cannot clear container {:?}", c.name), e)))
        })
        .await;
        spied(spy, result, |r| blob_val(r, |_| None))
    }

    async fn drop(&mut self, this: Resource<Container>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl container::HostStreamObjectNames for ProvidersCtxView<'_> {
    async fn read_stream_object_names(
        &mut self,
        this: Resource<ObjectNames>,
        len: u64,
    ) -> BlobResult<(Vec<String>, bool)> {
        match self.table.get_mut(&this)? {
            ObjectNames::Local(names) => {
                let batch: Vec<String> = names.by_ref().take(len as usize).collect();
                Ok(Ok((batch, names.len() == 0)))
            }
            ObjectNames::Remote(names) => Ok(names.read(len).await),
        }
    }

    async fn skip_stream_object_names(
        &mut self,
        this: Resource<ObjectNames>,
        num: u64,
    ) -> BlobResult<(u64, bool)> {
        match self.table.get_mut(&this)? {
            ObjectNames::Local(names) => {
                let skipped = names.by_ref().take(num as usize).count() as u64;
                Ok(Ok((skipped, names.len() == 0)))
            }
            ObjectNames::Remote(names) => Ok(names.skip(num).await),
        }
    }

    async fn drop(&mut self, this: Resource<ObjectNames>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl types::Host for ProvidersCtxView<'_> {}

impl types::HostOutgoingValue for ProvidersCtxView<'_> {
    async fn new_outgoing_value(&mut self) -> wasmtime::Result<Resource<OutgoingValue>> {
        Ok(self.table.push(OutgoingValue {
            pipe: MemoryOutputPipe::new(MAX_VALUE_BYTES),
            body_taken: false,
        })?)
    }

    async fn outgoing_value_write_body(
        &mut self,
        this: Resource<OutgoingValue>,
    ) -> wasmtime::Result<Result<Resource<DynOutputStream>, ()>> {
        let value = self.table.get_mut(&this)?;
        if value.body_taken {
            return Ok(Err(()));
        }
        value.body_taken = true;
        let stream: DynOutputStream = Box::new(value.pipe.clone());
        Ok(Ok(self.table.push_child(stream, &this)?))
    }

    async fn finish(&mut self, this: Resource<OutgoingValue>) -> BlobResult<()> {
        // The bytes were already handed over by `write-data`; finishing only ends the value.
        self.table.delete(this)?;
        Ok(Ok(()))
    }

    async fn drop(&mut self, this: Resource<OutgoingValue>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl types::HostIncomingValue for ProvidersCtxView<'_> {
    async fn incoming_value_consume_sync(
        &mut self,
        this: Resource<IncomingValue>,
    ) -> BlobResult<Vec<u8>> {
        match self.table.delete(this)? {
            IncomingValue::Local(data) => Ok(Ok(data.to_vec())),
            IncomingValue::Remote(value) => Ok(value.collect().await),
        }
    }

    async fn incoming_value_consume_async(
        &mut self,
        this: Resource<IncomingValue>,
    ) -> BlobResult<Resource<DynInputStream>> {
        let stream: DynInputStream = match self.table.delete(this)? {
            IncomingValue::Local(data) => Box::new(MemoryInputPipe::new(data)),
            IncomingValue::Remote(value) => Box::new(value.into_stream()),
        };
        Ok(Ok(self.table.push(stream)?))
    }

    async fn size(&mut self, this: Resource<IncomingValue>) -> wasmtime::Result<u64> {
        match self.table.get(&this)? {
            IncomingValue::Local(data) => Ok(data.len() as u64),
            // `size` has no error to return: a provider that cannot say traps the guest.
            IncomingValue::Remote(value) => {
                let object = value.id.display();
                let size = value.size();
                size.await
                    .map_err(|e| wasmtime::format_err!("size of object {object}: {e}"))
            }
        }
    }

    async fn drop(&mut self, this: Resource<IncomingValue>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

/// An object id as the wRPC client takes it.
fn object_id(container: String, object: String) -> WireObjectId {
    WireObjectId { container, object }
}

/// A guest's object id as the wRPC client takes it.
fn wire(id: ObjectId) -> WireObjectId {
    object_id(id.container, id.object)
}
