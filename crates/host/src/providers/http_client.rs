//! The http-client built-in: `wasi:http/outgoing-handler` goes out only along a link.
//!
//! wasmtime-wasi-http implements the interface; this module is its
//! [`WasiHttpHooks`] for Trellis stores. A request is sent (with wasmtime's default
//! client) only when the component's link for `wasi:http/outgoing-handler` targets a
//! running http-client provider; otherwise the guest gets an error naming the import
//! and saying no link satisfies it, and the host logs the same line under the
//! component's id.

use std::future::Future;

use trellis_proto::LogLevel;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::{BuiltinKind, ProviderCtx};

/// The interface this hook guards.
const OUTGOING_HANDLER: &str = "wasi:http/outgoing-handler";

/// What `send_request` resolves to (the response and its I/O driver).
type SendResult = wasmtime_wasi_http::Result<(
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
)>;

impl WasiHttpHooks for ProviderCtx {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        drop(fut);
        if let Err(reason) = self.require_link(OUTGOING_HANDLER, BuiltinKind::HttpClient) {
            self.logs.emit(
                LogLevel::Warn,
                Some(&self.component_id),
                Some("http-client"),
                format!("outgoing request to {} refused: {reason}", request.uri()),
            );
            return Box::new(std::future::ready(Err(Error::InternalError(Some(reason)))));
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}
