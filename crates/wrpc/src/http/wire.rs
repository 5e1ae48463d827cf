//! The synchronous part of `wrpc:http` values: what travels in the call's own message,
//! before the body and trailers follow on their own subjects.
//!
//! wRPC's encoding: records and tuples are their fields in order, variants a LEB128 case
//! index then the payload, options and results a tag byte, integers LEB128 (`u8` a
//! byte), strings and lists a LEB128 length then the items. A `stream<u8>` is a LEB128
//! length and that many bytes (length 0: pending, on its own subject); a `future<T>` is
//! an option of `T` (none: pending).

use bytes::{BufMut as _, Bytes, BytesMut};
use wasmtime_wasi_http::p2::bindings::http::types::{
    DnsErrorPayload, ErrorCode, FieldSizePayload, Method, Scheme, TlsAlertReceivedPayload,
};

use super::{Fields, RequestOptions};

/// Headers or trailers, and the request-head fields travel at most this big in total:
/// a peer cannot make a call hold more.
pub const MAX_HEAD_BYTES: usize = 1 << 20;

/// Why a value could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Short {
    /// More bytes are needed.
    More,
    /// The bytes are not a value of the type: why.
    Invalid(String),
}

/// A stream or future as the call's message carries it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Carried<T> {
    /// Complete already.
    Ready(T),
    /// Follows on its own subject.
    Pending,
}

/// A request's head: everything but its body and trailers.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub method: Method,
    pub path_with_query: Option<String>,
    pub scheme: Option<Scheme>,
    pub authority: Option<String>,
    pub headers: Fields,
}

/// The synchronous part of a request.
#[derive(Debug)]
pub(crate) struct SyncRequest {
    pub body: Carried<Bytes>,
    pub trailers: Carried<Option<Fields>>,
    pub head: RequestHead,
}

/// The synchronous part of a response.
#[derive(Debug)]
pub(crate) struct SyncResponse {
    pub body: Carried<Bytes>,
    pub trailers: Carried<Option<Fields>>,
    pub status: u16,
    pub headers: Fields,
}

// ---- writing ----

fn put_len(n: usize, dst: &mut BytesMut) {
    put_u64(n as u64, dst);
}

fn put_u64(mut n: u64, dst: &mut BytesMut) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            dst.put_u8(byte);
            return;
        }
        dst.put_u8(byte | 0x80);
    }
}

fn put_str(s: &str, dst: &mut BytesMut) {
    put_len(s.len(), dst);
    dst.put_slice(s.as_bytes());
}

fn put_opt<T: ?Sized>(value: Option<&T>, dst: &mut BytesMut, put: impl FnOnce(&T, &mut BytesMut)) {
    match value {
        None => dst.put_u8(0),
        Some(value) => {
            dst.put_u8(1);
            put(value, dst);
        }
    }
}

fn put_opt_str(value: Option<&str>, dst: &mut BytesMut) {
    put_opt(value, dst, put_str);
}

fn put_opt_u64(value: Option<u64>, dst: &mut BytesMut) {
    put_opt(value.as_ref(), dst, |n, dst| put_u64(*n, dst));
}

/// `fields`: a list of names, each with its list of values.
pub(crate) fn put_fields(fields: &Fields, dst: &mut BytesMut) {
    put_len(fields.len(), dst);
    for (name, values) in fields {
        put_str(name, dst);
        put_len(values.len(), dst);
        for value in values {
            put_len(value.len(), dst);
            dst.put_slice(value);
        }
    }
}

/// `option<fields>`, as a trailers future's value.
pub(crate) fn put_trailers(trailers: Option<&Fields>, dst: &mut BytesMut) {
    put_opt(trailers, dst, put_fields);
}

fn put_method(method: &Method, dst: &mut BytesMut) {
    let index = match method {
        Method::Get => 0,
        Method::Head => 1,
        Method::Post => 2,
        Method::Put => 3,
        Method::Delete => 4,
        Method::Connect => 5,
        Method::Options => 6,
        Method::Trace => 7,
        Method::Patch => 8,
        Method::Other(other) => {
            put_u64(9, dst);
            put_str(other, dst);
            return;
        }
    };
    put_u64(index, dst);
}

fn put_scheme(scheme: &Scheme, dst: &mut BytesMut) {
    match scheme {
        Scheme::Http => put_u64(0, dst),
        Scheme::Https => put_u64(1, dst),
        Scheme::Other(other) => {
            put_u64(2, dst);
            put_str(other, dst);
        }
    }
}

/// A request whose body and trailers follow on their own subjects.
pub(crate) fn put_request(head: &RequestHead, dst: &mut BytesMut) {
    dst.put_u8(0); // body: pending
    dst.put_u8(0); // trailers: pending
    put_method(&head.method, dst);
    put_opt_str(head.path_with_query.as_deref(), dst);
    put_opt(head.scheme.as_ref(), dst, put_scheme);
    put_opt_str(head.authority.as_deref(), dst);
    put_fields(&head.headers, dst);
}

/// `option<request-options>`.
pub(crate) fn put_options(options: Option<&RequestOptions>, dst: &mut BytesMut) {
    put_opt(options, dst, |o, dst| {
        put_opt_u64(o.connect_timeout, dst);
        put_opt_u64(o.first_byte_timeout, dst);
        put_opt_u64(o.between_bytes_timeout, dst);
    });
}

/// `result<response, error-code>`, a response's body and trailers following on their
/// own subjects.
pub(crate) fn put_result(result: &Result<(u16, Fields), ErrorCode>, dst: &mut BytesMut) {
    match result {
        Ok((status, headers)) => {
            dst.put_u8(0);
            dst.put_u8(0); // body: pending
            dst.put_u8(0); // trailers: pending
            put_u64(u64::from(*status), dst);
            put_fields(headers, dst);
        }
        Err(code) => {
            dst.put_u8(1);
            put_error(code, dst);
        }
    }
}

fn put_field_size(p: &FieldSizePayload, dst: &mut BytesMut) {
    put_opt_str(p.field_name.as_deref(), dst);
    put_opt(p.field_size.as_ref(), dst, |n, dst| {
        put_u64(u64::from(*n), dst)
    });
}

fn put_opt_u32(value: Option<u32>, dst: &mut BytesMut) {
    put_opt_u64(value.map(u64::from), dst);
}

/// `error-code`, wasi:http 0.2's variant, case by case.
pub(crate) fn put_error(code: &ErrorCode, dst: &mut BytesMut) {
    use ErrorCode as E;
    let mut case = |index: u64| put_u64(index, dst);
    match code {
        E::DnsTimeout => case(0),
        E::DnsError(p) => {
            case(1);
            put_opt_str(p.rcode.as_deref(), dst);
            put_opt(p.info_code.as_ref(), dst, |n, dst| {
                put_u64(u64::from(*n), dst)
            });
        }
        E::DestinationNotFound => case(2),
        E::DestinationUnavailable => case(3),
        E::DestinationIpProhibited => case(4),
        E::DestinationIpUnroutable => case(5),
        E::ConnectionRefused => case(6),
        E::ConnectionTerminated => case(7),
        E::ConnectionTimeout => case(8),
        E::ConnectionReadTimeout => case(9),
        E::ConnectionWriteTimeout => case(10),
        E::ConnectionLimitReached => case(11),
        E::TlsProtocolError => case(12),
        E::TlsCertificateError => case(13),
        E::TlsAlertReceived(p) => {
            case(14);
            put_opt(p.alert_id.as_ref(), dst, |n, dst| dst.put_u8(*n));
            put_opt_str(p.alert_message.as_deref(), dst);
        }
        E::HttpRequestDenied => case(15),
        E::HttpRequestLengthRequired => case(16),
        E::HttpRequestBodySize(n) => {
            case(17);
            put_opt_u64(*n, dst);
        }
        E::HttpRequestMethodInvalid => case(18),
        E::HttpRequestUriInvalid => case(19),
        E::HttpRequestUriTooLong => case(20),
        E::HttpRequestHeaderSectionSize(n) => {
            case(21);
            put_opt_u32(*n, dst);
        }
        E::HttpRequestHeaderSize(p) => {
            case(22);
            put_opt(p.as_ref(), dst, put_field_size);
        }
        E::HttpRequestTrailerSectionSize(n) => {
            case(23);
            put_opt_u32(*n, dst);
        }
        E::HttpRequestTrailerSize(p) => {
            case(24);
            put_field_size(p, dst);
        }
        E::HttpResponseIncomplete => case(25),
        E::HttpResponseHeaderSectionSize(n) => {
            case(26);
            put_opt_u32(*n, dst);
        }
        E::HttpResponseHeaderSize(p) => {
            case(27);
            put_field_size(p, dst);
        }
        E::HttpResponseBodySize(n) => {
            case(28);
            put_opt_u64(*n, dst);
        }
        E::HttpResponseTrailerSectionSize(n) => {
            case(29);
            put_opt_u32(*n, dst);
        }
        E::HttpResponseTrailerSize(p) => {
            case(30);
            put_field_size(p, dst);
        }
        E::HttpResponseTransferCoding(s) => {
            case(31);
            put_opt_str(s.as_deref(), dst);
        }
        E::HttpResponseContentCoding(s) => {
            case(32);
            put_opt_str(s.as_deref(), dst);
        }
        E::HttpResponseTimeout => case(33),
        E::HttpUpgradeFailed => case(34),
        E::HttpProtocolError => case(35),
        E::LoopDetected => case(36),
        E::ConfigurationError => case(37),
        E::InternalError(s) => {
            case(38);
            put_opt_str(s.as_deref(), dst);
        }
    }
}

// ---- reading ----

/// Reads values from the front of a buffer.
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

type Read<T> = Result<T, Short>;

fn invalid<T>(what: impl Into<String>) -> Read<T> {
    Err(Short::Invalid(what.into()))
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Cursor<'a> {
        Cursor { buf, pos: 0 }
    }

    /// Bytes read so far.
    #[cfg(test)]
    pub(crate) fn consumed(&self) -> usize {
        self.pos
    }

    fn byte(&mut self) -> Read<u8> {
        let byte = *self.buf.get(self.pos).ok_or(Short::More)?;
        self.pos += 1;
        Ok(byte)
    }

    fn leb(&mut self, bits: u32, what: &str) -> Read<u64> {
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = self.byte()?;
            if shift >= bits || (shift > 0 && u64::from(byte & 0x7f) >> (bits - shift) != 0) {
                return invalid(format!("{what} is over {bits} bits"));
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn u16(&mut self, what: &str) -> Read<u16> {
        Ok(self.leb(16, what)? as u16)
    }

    fn u32(&mut self, what: &str) -> Read<u32> {
        Ok(self.leb(32, what)? as u32)
    }

    fn u64(&mut self, what: &str) -> Read<u64> {
        self.leb(64, what)
    }

    fn len(&mut self, what: &str) -> Read<usize> {
        let len = self.u32(what)? as usize;
        if len > MAX_HEAD_BYTES {
            return invalid(format!(
                "{what} announces {len} items or bytes, over the {MAX_HEAD_BYTES} limit"
            ));
        }
        Ok(len)
    }

    fn bytes(&mut self, what: &str) -> Read<&'a [u8]> {
        let len = self.len(what)?;
        let end = self.pos.checked_add(len).ok_or(Short::More)?;
        let slice = self.buf.get(self.pos..end).ok_or(Short::More)?;
        self.pos = end;
        Ok(slice)
    }

    fn string(&mut self, what: &str) -> Read<String> {
        let bytes = self.bytes(what)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => invalid(format!("{what} is not UTF-8")),
        }
    }

    fn tag(&mut self, what: &str) -> Read<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            other => invalid(format!("{what} has option tag {other} (0 or 1 expected)")),
        }
    }

    fn opt<T>(&mut self, what: &str, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        if self.tag(what)? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn opt_string(&mut self, what: &str) -> Read<Option<String>> {
        self.opt(what, |c| c.string(what))
    }

    fn opt_u32(&mut self, what: &str) -> Read<Option<u32>> {
        self.opt(what, |c| c.u32(what))
    }

    fn opt_u64(&mut self, what: &str) -> Read<Option<u64>> {
        self.opt(what, |c| c.u64(what))
    }

    /// `fields`.
    pub(crate) fn fields(&mut self, what: &str) -> Read<Fields> {
        let count = self.len(what)?;
        let mut fields = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let name = self.string(&format!("a field name of the {what}"))?;
            let values = self.len(&format!("field `{name}`'s values"))?;
            let mut list = Vec::with_capacity(values.min(16));
            for _ in 0..values {
                list.push(Bytes::copy_from_slice(
                    self.bytes(&format!("a value of field `{name}`"))?,
                ));
            }
            fields.push((name, list));
        }
        Ok(fields)
    }

    /// `option<fields>`, a trailers future's value.
    pub(crate) fn trailers(&mut self) -> Read<Option<Fields>> {
        self.opt("the trailers", |c| c.fields("trailers"))
    }

    fn body(&mut self) -> Read<Carried<Bytes>> {
        let bytes = self.bytes("the body")?;
        Ok(if bytes.is_empty() {
            Carried::Pending
        } else {
            Carried::Ready(Bytes::copy_from_slice(bytes))
        })
    }

    fn trailers_future(&mut self) -> Read<Carried<Option<Fields>>> {
        if self.tag("the trailers future")? {
            self.trailers().map(Carried::Ready)
        } else {
            Ok(Carried::Pending)
        }
    }

    fn method(&mut self) -> Read<Method> {
        Ok(match self.u32("the method")? {
            0 => Method::Get,
            1 => Method::Head,
            2 => Method::Post,
            3 => Method::Put,
            4 => Method::Delete,
            5 => Method::Connect,
            6 => Method::Options,
            7 => Method::Trace,
            8 => Method::Patch,
            9 => Method::Other(self.string("the method")?),
            other => return invalid(format!("method case {other} does not exist")),
        })
    }

    fn scheme(&mut self) -> Read<Scheme> {
        Ok(match self.u32("the scheme")? {
            0 => Scheme::Http,
            1 => Scheme::Https,
            2 => Scheme::Other(self.string("the scheme")?),
            other => return invalid(format!("scheme case {other} does not exist")),
        })
    }

    /// `request`.
    pub(crate) fn request(&mut self) -> Read<SyncRequest> {
        Ok(SyncRequest {
            body: self.body()?,
            trailers: self.trailers_future()?,
            head: RequestHead {
                method: self.method()?,
                path_with_query: self.opt_string("the path")?,
                scheme: self.opt("the scheme", Self::scheme)?,
                authority: self.opt_string("the authority")?,
                headers: self.fields("headers")?,
            },
        })
    }

    /// `option<request-options>`.
    pub(crate) fn options(&mut self) -> Read<Option<RequestOptions>> {
        self.opt("the request options", |c| {
            Ok(RequestOptions {
                connect_timeout: c.opt_u64("connect-timeout")?,
                first_byte_timeout: c.opt_u64("first-byte-timeout")?,
                between_bytes_timeout: c.opt_u64("between-bytes-timeout")?,
            })
        })
    }

    /// `result<response, error-code>`.
    pub(crate) fn result(&mut self) -> Read<Result<SyncResponse, ErrorCode>> {
        match self.byte()? {
            0 => Ok(Ok(SyncResponse {
                body: self.body()?,
                trailers: self.trailers_future()?,
                status: self.u16("the status")?,
                headers: self.fields("headers")?,
            })),
            1 => self.error().map(Err),
            other => invalid(format!("result tag {other} (0 or 1 expected)")),
        }
    }

    fn field_size(&mut self) -> Read<FieldSizePayload> {
        Ok(FieldSizePayload {
            field_name: self.opt_string("the field name")?,
            field_size: self.opt_u32("the field size")?,
        })
    }

    /// `error-code`.
    pub(crate) fn error(&mut self) -> Read<ErrorCode> {
        use ErrorCode as E;
        Ok(match self.u32("the error code")? {
            0 => E::DnsTimeout,
            1 => E::DnsError(DnsErrorPayload {
                rcode: self.opt_string("the rcode")?,
                info_code: self.opt("the info code", |c| c.u16("the info code"))?,
            }),
            2 => E::DestinationNotFound,
            3 => E::DestinationUnavailable,
            4 => E::DestinationIpProhibited,
            5 => E::DestinationIpUnroutable,
            6 => E::ConnectionRefused,
            7 => E::ConnectionTerminated,
            8 => E::ConnectionTimeout,
            9 => E::ConnectionReadTimeout,
            10 => E::ConnectionWriteTimeout,
            11 => E::ConnectionLimitReached,
            12 => E::TlsProtocolError,
            13 => E::TlsCertificateError,
            14 => E::TlsAlertReceived(TlsAlertReceivedPayload {
                alert_id: self.opt("the alert id", Self::byte)?,
                alert_message: self.opt_string("the alert message")?,
            }),
            15 => E::HttpRequestDenied,
            16 => E::HttpRequestLengthRequired,
            17 => E::HttpRequestBodySize(self.opt_u64("the body size")?),
            18 => E::HttpRequestMethodInvalid,
            19 => E::HttpRequestUriInvalid,
            20 => E::HttpRequestUriTooLong,
            21 => E::HttpRequestHeaderSectionSize(self.opt_u32("the section size")?),
            22 => E::HttpRequestHeaderSize(self.opt("the field size", Self::field_size)?),
            23 => E::HttpRequestTrailerSectionSize(self.opt_u32("the section size")?),
            24 => E::HttpRequestTrailerSize(self.field_size()?),
            25 => E::HttpResponseIncomplete,
            26 => E::HttpResponseHeaderSectionSize(self.opt_u32("the section size")?),
            27 => E::HttpResponseHeaderSize(self.field_size()?),
            28 => E::HttpResponseBodySize(self.opt_u64("the body size")?),
            29 => E::HttpResponseTrailerSectionSize(self.opt_u32("the section size")?),
            30 => E::HttpResponseTrailerSize(self.field_size()?),
            31 => E::HttpResponseTransferCoding(self.opt_string("the coding")?),
            32 => E::HttpResponseContentCoding(self.opt_string("the coding")?),
            33 => E::HttpResponseTimeout,
            34 => E::HttpUpgradeFailed,
            35 => E::HttpProtocolError,
            36 => E::LoopDetected,
            37 => E::ConfigurationError,
            38 => E::InternalError(self.opt_string("the message")?),
            other => return invalid(format!("error-code case {other} does not exist")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> RequestHead {
        RequestHead {
            method: Method::Other("PURGE".into()),
            path_with_query: Some("/a?b=c".into()),
            scheme: Some(Scheme::Https),
            authority: Some("example.com:8443".into()),
            headers: vec![(
                "x-many".into(),
                vec![Bytes::from_static(b"1"), Bytes::from(vec![0xff; 300])],
            )],
        }
    }

    #[test]
    fn requests_round_trip_and_any_prefix_asks_for_more() {
        let mut buf = BytesMut::new();
        put_request(&head(), &mut buf);
        put_options(
            Some(&RequestOptions {
                connect_timeout: Some(1_000_000_000),
                first_byte_timeout: None,
                between_bytes_timeout: Some(5),
            }),
            &mut buf,
        );
        let mut cursor = Cursor::new(&buf);
        let request = cursor.request().unwrap();
        assert_eq!(format!("{:?}", request.head), format!("{:?}", head()));
        assert_eq!(request.body, Carried::Pending);
        assert_eq!(request.trailers, Carried::Pending);
        let options = cursor.options().unwrap().unwrap();
        assert_eq!(options.connect_timeout, Some(1_000_000_000));
        assert_eq!(cursor.consumed(), buf.len());
        for cut in 0..buf.len() - 1 {
            let mut cursor = Cursor::new(&buf[..cut]);
            let outcome = cursor.request().and_then(|_| cursor.options().map(|_| ()));
            assert_eq!(outcome.unwrap_err(), Short::More, "cut at {cut}");
        }
    }

    #[test]
    fn error_codes_round_trip() {
        let codes = [
            ErrorCode::DnsError(DnsErrorPayload {
                rcode: Some("NXDOMAIN".into()),
                info_code: Some(3),
            }),
            ErrorCode::TlsAlertReceived(TlsAlertReceivedPayload {
                alert_id: Some(42),
                alert_message: None,
            }),
            ErrorCode::HttpRequestHeaderSize(Some(FieldSizePayload {
                field_name: Some("x".into()),
                field_size: Some(9),
            })),
            ErrorCode::HttpResponseTrailerSize(FieldSizePayload {
                field_name: None,
                field_size: None,
            }),
            ErrorCode::HttpRequestDenied,
            ErrorCode::InternalError(Some("why".into())),
        ];
        for code in codes {
            let mut buf = BytesMut::new();
            put_result(&Err(code.clone()), &mut buf);
            let read = Cursor::new(&buf).result().unwrap().unwrap_err();
            assert_eq!(format!("{read:?}"), format!("{code:?}"));
        }
    }

    #[test]
    fn malformed_values_are_named() {
        // Method case 12 does not exist.
        let buf = [0u8, 0, 12];
        let err = Cursor::new(&buf).request().unwrap_err();
        assert_eq!(err, Short::Invalid("method case 12 does not exist".into()));
        // A header name that is not UTF-8.
        let buf = [0u8, 0, 0, 0, 0, 0, 1, 2, 0xff, 0xfe, 0];
        let err = Cursor::new(&buf).request().unwrap_err();
        assert!(
            matches!(err, Short::Invalid(ref m) if m.contains("not UTF-8")),
            "{err:?}"
        );
        // A status over 16 bits.
        let buf = [0u8, 0, 0, 0xff, 0xff, 0x7f, 0];
        let err = Cursor::new(&buf).result().unwrap_err();
        assert!(
            matches!(err, Short::Invalid(ref m) if m.contains("16 bits")),
            "{err:?}"
        );
    }
}
