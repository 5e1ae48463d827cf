//! `stream<u8>` as it arrives from a peer, with its end checked.
//!
//! wRPC sends a pending byte stream as chunks (a LEB128 length, then the bytes) on its
//! own subject, closed by an empty chunk. wrpc-transport's decoder ends the stream the
//! same way whether that end mark came or the sender just went away, so a cut upload
//! would pass for a shorter object. [`IncomingBytes`] decodes the same wire but reports
//! a stream that stops before its end mark as an error, and refuses chunks over
//! [`MAX_CHUNK_BYTES`] instead of buffering whatever length a peer announces.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt as _};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;
use tokio_util::codec::{Decoder, FramedRead};
use wasm_tokio::Leb128DecoderU32;
use wrpc_transport::{Deferred, DeferredFn, Incoming, Index};

/// The largest chunk a peer may announce (wasmCloud sends 4 KiB to 64 KiB chunks; NATS
/// carries at most a few MiB per message anyway).
pub const MAX_CHUNK_BYTES: usize = 16 << 20;

/// Chunks buffered between the transport and the reader: the transport stops reading
/// the subject while they wait.
const BUFFERED_CHUNKS: usize = 16;

/// A byte stream received over wRPC: chunks in order, then `None` once its end mark
/// came, or an error if it was cut short or malformed.
pub struct IncomingBytes {
    state: State,
}

enum State {
    /// The whole stream came with the call.
    Ready(Option<Bytes>),
    /// Chunks arrive from the transport.
    Pending(mpsc::Receiver<std::io::Result<Bytes>>),
}

impl std::fmt::Debug for IncomingBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomingBytes").finish_non_exhaustive()
    }
}

impl Stream for IncomingBytes {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.state {
            State::Ready(chunk) => Poll::Ready(chunk.take().map(Ok)),
            State::Pending(rx) => rx.poll_recv(cx),
        }
    }
}

impl IncomingBytes {
    /// A stream that came whole with the call.
    pub(crate) fn ready(chunk: Bytes) -> IncomingBytes {
        IncomingBytes {
            state: State::Ready((!chunk.is_empty()).then_some(chunk)),
        }
    }

    /// A pending stream read from `reader` (its own subject), and the I/O that reads it:
    /// it must run while the stream is read, and fails if the stream is cut short.
    pub(crate) fn read_from<A>(
        reader: A,
    ) -> (
        IncomingBytes,
        impl std::future::Future<Output = std::io::Result<()>> + Send + 'static,
    )
    where
        A: AsyncRead + Send + Unpin + 'static,
    {
        let (tx, rx) = mpsc::channel(BUFFERED_CHUNKS);
        let io = async move {
            let outcome = forward_chunks(reader, &tx).await;
            if let Err(err) = &outcome {
                let _ = tx
                    .send(Err(std::io::Error::new(err.kind(), err.to_string())))
                    .await;
            }
            outcome
        };
        (
            IncomingBytes {
                state: State::Pending(rx),
            },
            io,
        )
    }
}

/// Decodes one chunk: its length, then its bytes (an empty chunk is the end mark).
#[derive(Default)]
struct ChunkDecoder {
    len: Option<usize>,
}

impl Decoder for ChunkDecoder {
    type Item = Bytes;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> std::io::Result<Option<Bytes>> {
        let len = match self.len {
            Some(len) => len,
            None => {
                let Some(len) = Leb128DecoderU32.decode(src)? else {
                    return Ok(None);
                };
                let len = len as usize;
                if len > MAX_CHUNK_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "a byte stream chunk of {len} bytes is over the \
                             {MAX_CHUNK_BYTES}-byte limit"
                        ),
                    ));
                }
                self.len = Some(len);
                len
            }
        };
        if src.len() < len {
            src.reserve(len - src.len());
            return Ok(None);
        }
        self.len = None;
        Ok(Some(src.split_to(len).freeze()))
    }
}

/// The decoder wrpc-transport uses for [`IncomingBytes`].
pub struct IncomingBytesDecoder<R> {
    chunk: ChunkDecoder,
    deferred: Option<DeferredFn<Incoming<R>>>,
}

impl<R> Default for IncomingBytesDecoder<R> {
    fn default() -> Self {
        IncomingBytesDecoder {
            chunk: ChunkDecoder::default(),
            deferred: None,
        }
    }
}

impl<R> Deferred<Incoming<R>> for IncomingBytesDecoder<R> {
    fn take_deferred(&mut self) -> Option<DeferredFn<Incoming<R>>> {
        self.deferred.take()
    }
}

impl<R> Decoder for IncomingBytesDecoder<R>
where
    R: AsyncRead + Index<R> + Send + Sync + Unpin + 'static,
{
    type Item = IncomingBytes;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> std::io::Result<Option<IncomingBytes>> {
        // In the call itself: the whole stream as one list, or an empty one for "pending".
        let Some(first) = self.chunk.decode(src)? else {
            return Ok(None);
        };
        if !first.is_empty() {
            return Ok(Some(IncomingBytes {
                state: State::Ready(Some(first)),
            }));
        }
        let (tx, rx) = mpsc::channel(BUFFERED_CHUNKS);
        self.deferred = Some(Box::new(|incoming: Incoming<R>, path: Vec<usize>| {
            Box::pin(async move {
                let incoming = if path.is_empty() {
                    incoming
                } else {
                    incoming.index(&path).map_err(std::io::Error::other)?
                };
                let outcome = forward_chunks(incoming, &tx).await;
                if let Err(err) = &outcome {
                    // The reader hears why, not just an early end.
                    let _ = tx
                        .send(Err(std::io::Error::new(err.kind(), err.to_string())))
                        .await;
                }
                outcome
            })
        }));
        Ok(Some(IncomingBytes {
            state: State::Pending(rx),
        }))
    }
}

/// Passes chunks on until the end mark; a subject that closes before it is an error.
async fn forward_chunks<A>(
    incoming: A,
    tx: &mpsc::Sender<std::io::Result<Bytes>>,
) -> std::io::Result<()>
where
    A: AsyncRead + Unpin,
{
    let mut chunks = FramedRead::new(incoming, ChunkDecoder::default());
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if chunk.is_empty() {
            return Ok(());
        }
        if tx.send(Ok(chunk)).await.is_err() {
            // Nobody reads any more: drop the rest.
            return Ok(());
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the byte stream ended before its end mark (the sender stopped part way)",
    ))
}

impl<R> wrpc_transport::Decode<R> for IncomingBytes
where
    R: AsyncRead + Index<R> + Send + Sync + Unpin + 'static,
{
    type Decoder = IncomingBytesDecoder<R>;
    type ListDecoder = wrpc_transport::ListDecoder<Self::Decoder, R>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_decode_and_oversized_ones_are_refused() {
        let mut dec = ChunkDecoder::default();
        let mut src = BytesMut::from(&[3u8, b'a', b'b'][..]);
        assert!(dec.decode(&mut src).unwrap().is_none());
        src.extend_from_slice(b"c\x00");
        assert_eq!(dec.decode(&mut src).unwrap().unwrap(), &b"abc"[..]);
        assert_eq!(dec.decode(&mut src).unwrap().unwrap(), &b""[..]);

        // 32 MiB announced: refused before anything is buffered.
        let mut src = BytesMut::from(&[0x80, 0x80, 0x80, 0x10][..]);
        let err = ChunkDecoder::default().decode(&mut src).unwrap_err();
        assert!(err.to_string().contains("over the"), "{err}");
    }
}
