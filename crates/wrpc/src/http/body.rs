//! Bodies and trailers between hyper and their wRPC subjects.
//!
//! Sending: each data frame goes as a chunk (a LEB128 length, then the bytes), then the
//! end mark (an empty chunk), then the trailers future's value on its own subject. A
//! body that fails part way is left without its end mark, so the peer sees it cut, not
//! complete. Receiving: the chunks become data frames and the trailers a last frame; a
//! stream that stops before its end mark is an error frame.

use std::time::Duration;

use bytes::{BufMut as _, Bytes, BytesMut};
use futures::StreamExt as _;
use http_body_util::{BodyExt as _, StreamBody};
use hyper::body::Frame;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::oneshot;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::wire::{self, Carried, Cursor, MAX_HEAD_BYTES};
use super::Fields;
use crate::blobstore::IncomingBytes;

/// How long trailers may take to come once the body has ended.
const TRAILERS_WAIT: Duration = Duration::from_secs(10);

/// A `HeaderMap` as `fields`: each name once, with its values in order.
pub(crate) fn fields_of(headers: &http::HeaderMap) -> Fields {
    let mut fields: Fields = Vec::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let values = headers
            .get_all(name)
            .iter()
            .map(|v| Bytes::copy_from_slice(v.as_bytes()))
            .collect();
        fields.push((name.as_str().to_owned(), values));
    }
    fields
}

/// `fields` as a `HeaderMap`, naming the first field that is not a valid header.
pub(crate) fn header_map(fields: Fields) -> Result<http::HeaderMap, String> {
    let mut headers = http::HeaderMap::with_capacity(fields.len());
    for (name, values) in fields {
        let header = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a valid header name"))?;
        for value in values {
            let value = http::HeaderValue::from_maybe_shared(value)
                .map_err(|_| format!("a value of header `{name}` is not a valid header value"))?;
            headers.append(header.clone(), value);
        }
    }
    Ok(headers)
}

/// Writes `body` to its subjects: chunks then the end mark on `bytes`, the trailers on
/// `trailers`. An error from `body` returns without the end mark (the writers, dropped,
/// close their subjects: the peer sees the body cut).
pub(crate) async fn send_body<W>(
    mut body: HyperOutgoingBody,
    mut bytes: W,
    mut trailers: W,
) -> Result<(), String>
where
    W: AsyncWrite + Unpin,
{
    let mut sent_trailers: Option<Fields> = None;
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("the body failed part way: {e}"))?;
        match frame.into_data() {
            Ok(data) => {
                // An empty chunk would be taken for the end mark.
                if data.is_empty() {
                    continue;
                }
                buf.clear();
                put_chunk_len(data.len(), &mut buf);
                bytes
                    .write_all(&buf)
                    .await
                    .map_err(|e| format!("the body could not be sent: {e}"))?;
                bytes
                    .write_all(&data)
                    .await
                    .map_err(|e| format!("the body could not be sent: {e}"))?;
            }
            Err(frame) => {
                if let Ok(map) = frame.into_trailers() {
                    sent_trailers = Some(fields_of(&map));
                }
            }
        }
    }
    let ended = async {
        bytes.write_all(&[0]).await?;
        bytes.shutdown().await?;
        buf.clear();
        wire::put_trailers(sent_trailers.as_ref(), &mut buf);
        trailers.write_all(&buf).await?;
        trailers.shutdown().await
    };
    ended
        .await
        .map_err(|e| format!("the body's end could not be sent: {e}"))
}

fn put_chunk_len(mut n: usize, dst: &mut BytesMut) {
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

/// Where a received body's trailers come from.
pub(crate) enum TrailersIn {
    /// With the call.
    Ready(Option<Fields>),
    /// Read from their subject by the I/O; `None` once it failed.
    Pending(oneshot::Receiver<Option<Fields>>),
}

/// Reads a trailers future's value from its own subject (it is small: capped).
pub(crate) async fn read_trailers<R>(
    mut reader: R,
    tx: oneshot::Sender<Option<Fields>>,
) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
{
    let mut buf = Vec::new();
    (&mut reader)
        .take(MAX_HEAD_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .await?;
    let mut cursor = Cursor::new(&buf);
    match cursor.trailers() {
        Ok(trailers) => {
            let _ = tx.send(trailers);
            Ok(())
        }
        Err(short) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the trailers are not valid: {short:?}"),
        )),
    }
}

/// A body as hyper serves it, from its stream and its trailers.
pub(crate) fn receive_body(bytes: IncomingBytes, trailers: TrailersIn) -> HyperOutgoingBody {
    type Step = Option<(
        Result<Frame<Bytes>, wasmtime_wasi_http::Error>,
        (Option<IncomingBytes>, Option<TrailersIn>),
    )>;
    let frames = futures::stream::unfold(
        (Some(bytes), Some(trailers)),
        |(mut bytes, mut trailers)| async move {
            if let Some(stream) = bytes.as_mut() {
                match stream.next().await {
                    Some(Ok(chunk)) => return Some((Ok(Frame::data(chunk)), (bytes, trailers))),
                    Some(Err(err)) => {
                        let error = wasmtime_wasi_http::Error::InternalError(Some(format!(
                            "the body arrived cut: {err}"
                        )));
                        return Some((Err(error), (None, None)));
                    }
                    None => {}
                }
            }
            let fields = match trailers.take()? {
                TrailersIn::Ready(fields) => fields,
                TrailersIn::Pending(rx) => {
                    tokio::time::timeout(TRAILERS_WAIT, rx).await.ok()?.ok()?
                }
            }?;
            let step: Step = match header_map(fields) {
                Ok(map) => Some((Ok(Frame::trailers(map)), (None, None))),
                Err(reason) => Some((
                    Err(wasmtime_wasi_http::Error::InternalError(Some(format!(
                        "the trailers are not valid: {reason}"
                    )))),
                    (None, None),
                )),
            };
            step
        },
    );
    StreamBody::new(frames).boxed_unsync()
}

/// A body already complete.
pub(crate) fn ready_bytes(carried: Carried<Bytes>) -> Option<IncomingBytes> {
    match carried {
        Carried::Ready(bytes) => Some(IncomingBytes::ready(bytes)),
        Carried::Pending => None,
    }
}
