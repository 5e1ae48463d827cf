//! `wrpc:http@0.1.0`: how wasmCloud 1.x carries `wasi:http` over wRPC.
//!
//! wasmCloud's http-server provider calls a component's `wasi:http/incoming-handler`
//! export as `wrpc:http/incoming-handler@0.1.0.handle`, and a component's outgoing
//! requests go to its linked http-client provider as
//! `wrpc:http/outgoing-handler@0.1.0.handle`. Requests and responses are records whose
//! bodies are byte streams and whose trailers are futures, so they travel in parts:
//!
//! ```wit
//! package wrpc:http@0.1.0;
//! interface types {
//!   use wasi:http/types@0.2.0.{error-code, method, scheme};
//!   type fields = list<tuple<string, list<list<u8>>>>;
//!   record request-options {
//!     connect-timeout: option<duration>, first-byte-timeout: option<duration>,
//!     between-bytes-timeout: option<duration>,
//!   }
//!   record request {
//!     body: stream<u8>, trailers: future<option<fields>>, method: method,
//!     path-with-query: option<string>, scheme: option<scheme>,
//!     authority: option<string>, headers: fields,
//!   }
//!   record response {
//!     body: stream<u8>, trailers: future<option<fields>>, status: u16, headers: fields,
//!   }
//! }
//! interface incoming-handler {
//!   handle: func(request: request) -> result<response, error-code>;
//! }
//! interface outgoing-handler {
//!   handle: func(request: request, options: option<request-options>)
//!     -> result<response, error-code>;
//! }
//! ```
//!
//! The request's body and trailers follow the call on the subjects of parameter path
//! `0.0` and `0.1`, the response's on result path `0.0` and `0.1`. Values are encoded
//! by hand ([`wire`]): wRPC's own `wrpc-interface-http` is built on an older
//! wrpc-transport than this crate's, and a body that fails part way must reach the
//! peer as cut, not as complete ([`body`]).
//!
//! [`HttpClient`] calls a handler on another host, [`serve_http`] serves one.

pub(crate) mod body;
pub mod client;
mod errors;
pub mod serve;
pub(crate) mod wire;

use bytes::Bytes;

pub use self::client::HttpClient;
pub use self::errors::error_code;
pub use self::serve::{serve_http, HttpService};
pub use wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;

/// The instance wasmCloud's http-server provider calls on a component.
pub const INCOMING_HANDLER: &str = "wrpc:http/incoming-handler@0.1.0";

/// The instance a wasmCloud host calls on a component's linked http-client provider.
pub const OUTGOING_HANDLER: &str = "wrpc:http/outgoing-handler@0.1.0";

/// The one function of both handlers.
pub const HANDLE: &str = "handle";

/// Headers or trailers as they travel: each name with its values.
pub type Fields = Vec<(String, Vec<Bytes>)>;

/// `request-options`: timeouts in nanoseconds, as the guest set them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// How long connecting may take.
    pub connect_timeout: Option<u64>,
    /// How long the first byte of the response may take.
    pub first_byte_timeout: Option<u64>,
    /// How long may pass between two bytes of the response.
    pub between_bytes_timeout: Option<u64>,
}

/// The async paths of a request (parameter 0) or a response (inside result 0): its
/// body and its trailers.
pub(crate) const BODY_AND_TRAILERS: [&[Option<usize>]; 2] =
    [&[Some(0), Some(0)], &[Some(0), Some(1)]];
