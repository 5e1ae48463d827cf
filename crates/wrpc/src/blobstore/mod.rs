//! `wrpc:blobstore/blobstore@0.2.0`: how wasmCloud 1.x carries `wasi:blobstore` over wRPC.
//!
//! A wasmCloud host turns a component's `wasi:blobstore` calls into calls of this one
//! interface on the linked provider, with the container's name in place of the
//! `container` resource. Its functions are fixed, so values are typed Rust tuples
//! (wrpc-transport's own codec) rather than dynamic values; byte streams and the futures
//! that report how they ended travel on their own subjects:
//!
//! ```wit
//! package wrpc:blobstore@0.2.0;
//! interface blobstore {
//!   use types.{container-metadata, object-metadata, object-id};   // object-id: record { container, object }
//!   clear-container: func(name: string) -> result<_, string>;
//!   container-exists: func(name: string) -> result<bool, string>;
//!   create-container: func(name: string) -> result<_, string>;
//!   delete-container: func(name: string) -> result<_, string>;
//!   get-container-info: func(name: string) -> result<container-metadata, string>;   // { created-at: u64 }
//!   list-container-objects: func(name: string, limit: option<u64>, offset: option<u64>)
//!     -> result<tuple<stream<string>, future<result<_, string>>>, string>;
//!   copy-object: func(src: object-id, dest: object-id) -> result<_, string>;
//!   delete-object: func(id: object-id) -> result<_, string>;
//!   delete-objects: func(container: string, objects: list<string>) -> result<_, string>;
//!   get-container-data: func(id: object-id, start: u64, end: u64)
//!     -> result<tuple<stream<u8>, future<result<_, string>>>, string>;
//!   get-object-info: func(id: object-id) -> result<object-metadata, string>;   // { created-at: u64, size: u64 }
//!   has-object: func(id: object-id) -> result<bool, string>;
//!   move-object: func(src: object-id, dest: object-id) -> result<_, string>;
//!   write-container-data: func(id: object-id, data: stream<u8>) -> result<future<result<_, string>>, string>;
//! }
//! ```
//!
//! [`client`] calls a provider that serves it, [`serve`] serves one; [`bytes`] decodes
//! incoming byte streams.

pub mod bytes;
pub mod client;
pub mod serve;

use std::future::Future;
use std::pin::Pin;

use futures::Stream;

pub use self::bytes::IncomingBytes;
pub use self::client::{BlobstoreClient, ObjectData, ObjectNames};
pub use self::serve::{serve_blobstore, BlobstoreService, Caller};

/// The wire instance wasmCloud 1.9 hosts call first.
pub const INSTANCE: &str = "wrpc:blobstore/blobstore@0.2.0";

/// The instance they call when nobody serves [`INSTANCE`] (providers built before it):
/// the same functions, but `get-container-data` and `list-container-objects` answer a
/// bare stream and `write-container-data` answers once the data is stored, with no
/// status futures.
pub const INSTANCE_0_1: &str = "wrpc:blobstore/blobstore@0.1.0";

/// Every function of [`INSTANCE`].
pub const FUNCTIONS: [&str; 14] = [
    "clear-container",
    "container-exists",
    "create-container",
    "delete-container",
    "get-container-info",
    "list-container-objects",
    "copy-object",
    "delete-object",
    "delete-objects",
    "get-container-data",
    "get-object-info",
    "has-object",
    "move-object",
    "write-container-data",
];

/// An object's address: its container and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectId {
    /// The container's name.
    pub container: String,
    /// The object's name in it.
    pub object: String,
}

impl ObjectId {
    /// `container/object`, for messages.
    pub fn display(&self) -> String {
        format!("{}/{}", self.container, self.object)
    }

    /// The record as it goes on the wire (a record encodes as the tuple of its fields).
    pub(crate) fn wire(&self) -> WireId {
        (self.container.clone(), self.object.clone())
    }

    pub(crate) fn from_wire((container, object): WireId) -> ObjectId {
        ObjectId { container, object }
    }
}

/// What `get-object-info` tells about an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    /// Its size in bytes.
    pub size: u64,
}

/// `object-id` on the wire.
pub(crate) type WireId = (String, String);

/// A `future<result<_, string>>`: how a stream ended, or why it failed.
pub(crate) type Status = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// An outgoing `stream<u8>`.
pub(crate) type OutgoingBytes = Pin<Box<dyn Stream<Item = ::bytes::Bytes> + Send>>;

/// A `stream<string>`, in chunks.
pub(crate) type NameChunks = Pin<Box<dyn Stream<Item = Vec<String>> + Send>>;

/// The async paths of a result `result<tuple<stream<…>, future<…>>, string>`: the stream
/// and the future inside result 0's tuple.
pub(crate) const STREAM_AND_STATUS: [&[Option<usize>]; 2] =
    [&[Some(0), Some(0)], &[Some(0), Some(1)]];

/// The async path of a result `result<future<…>, string>` or `result<stream<…>, string>`
/// (`write-container-data`'s status; 0.1.0's streams).
pub(crate) const RESULT_PAYLOAD: [&[Option<usize>]; 1] = [&[Some(0)]];

/// The async path of `write-container-data`'s second parameter, `data: stream<u8>`.
pub(crate) const DATA_PARAM: [&[Option<usize>]; 1] = [&[Some(1)]];
