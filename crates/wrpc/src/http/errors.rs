//! wasmtime-wasi-http's embedder errors as the `error-code` a peer is answered with.

use wasmtime_wasi_http::p2::bindings::http::types::{
    DnsErrorPayload, FieldSizePayload, TlsAlertReceivedPayload,
};
use wasmtime_wasi_http::Error;

use super::ErrorCode;

/// The `error-code` that says what `err` says (transport errors without a code of their
/// own become `internal-error` with their text).
pub fn error_code(err: Error) -> ErrorCode {
    use ErrorCode as E;
    let size = |field_name, field_size| FieldSizePayload {
        field_name,
        field_size,
    };
    match err {
        Error::DnsTimeout => E::DnsTimeout,
        Error::DnsError { rcode, info_code } => E::DnsError(DnsErrorPayload { rcode, info_code }),
        Error::DestinationNotFound => E::DestinationNotFound,
        Error::DestinationUnavailable => E::DestinationUnavailable,
        Error::DestinationIpProhibited => E::DestinationIpProhibited,
        Error::DestinationIpUnroutable => E::DestinationIpUnroutable,
        Error::ConnectionRefused => E::ConnectionRefused,
        Error::ConnectionTerminated => E::ConnectionTerminated,
        Error::ConnectionTimeout => E::ConnectionTimeout,
        Error::ConnectionReadTimeout => E::ConnectionReadTimeout,
        Error::ConnectionWriteTimeout => E::ConnectionWriteTimeout,
        Error::ConnectionLimitReached => E::ConnectionLimitReached,
        Error::TlsProtocolError => E::TlsProtocolError,
        Error::TlsCertificateError => E::TlsCertificateError,
        Error::TlsAlertReceived {
            alert_id,
            alert_message,
        } => E::TlsAlertReceived(TlsAlertReceivedPayload {
            alert_id,
            alert_message,
        }),
        Error::HttpRequestDenied => E::HttpRequestDenied,
        Error::HttpRequestLengthRequired => E::HttpRequestLengthRequired,
        Error::HttpRequestBodySize(n) => E::HttpRequestBodySize(n),
        Error::HttpRequestMethodInvalid => E::HttpRequestMethodInvalid,
        Error::HttpRequestUriInvalid => E::HttpRequestUriInvalid,
        Error::HttpRequestUriTooLong => E::HttpRequestUriTooLong,
        Error::HttpRequestHeaderSectionSize(n) => E::HttpRequestHeaderSectionSize(n),
        Error::HttpRequestHeaderSize {
            field_name,
            field_size,
        } => E::HttpRequestHeaderSize(Some(size(field_name, field_size))),
        Error::HttpRequestTrailerSectionSize(n) => E::HttpRequestTrailerSectionSize(n),
        Error::HttpRequestTrailerSize {
            field_name,
            field_size,
        } => E::HttpRequestTrailerSize(size(field_name, field_size)),
        Error::HttpResponseIncomplete => E::HttpResponseIncomplete,
        Error::HttpResponseHeaderSectionSize(n) => E::HttpResponseHeaderSectionSize(n),
        Error::HttpResponseHeaderSize {
            field_name,
            field_size,
        } => E::HttpResponseHeaderSize(size(field_name, field_size)),
        Error::HttpResponseBodySize(n) => E::HttpResponseBodySize(n),
        Error::HttpResponseTrailerSectionSize(n) => E::HttpResponseTrailerSectionSize(n),
        Error::HttpResponseTrailerSize {
            field_name,
            field_size,
        } => E::HttpResponseTrailerSize(size(field_name, field_size)),
        Error::HttpResponseTransferCoding(s) => E::HttpResponseTransferCoding(s),
        Error::HttpResponseContentCoding(s) => E::HttpResponseContentCoding(s),
        Error::HttpResponseTimeout => E::HttpResponseTimeout,
        Error::HttpUpgradeFailed => E::HttpUpgradeFailed,
        Error::HttpProtocolError => E::HttpProtocolError,
        Error::LoopDetected => E::LoopDetected,
        Error::ConfigurationError => E::ConfigurationError,
        Error::InternalError(s) => E::InternalError(s),
        Error::Connect(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => {
            E::ConnectionRefused
        }
        other => E::InternalError(Some(other.to_string())),
    }
}
