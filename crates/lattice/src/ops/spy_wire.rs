//! The message spy on a lattice with no Trellis host: the calls into one target read off
//! the wRPC traffic itself, as wasmCloud 1.x puts it on NATS (../shared/protocol.md, Part
//! A §4): an invocation on `<lattice>.<target>.wrpc.0.0.1.<instance>.<function>` with the
//! caller's `source-id` and `link-name` headers and its first arguments, replied to on
//! the caller's inbox; the results on `<inbox>.results`.
//!
//! Arguments and results are shown as WAVE when the target's WIT is at hand (a `file://`
//! component on this machine), else by size. Only the first message of each is read: a
//! value longer than one NATS message, or a stream, shows by size too.
//!
//! A subscriber on the invocation subjects is a responder as far as NATS knows: while this
//! spy listens, a call into a target that runs nowhere waits for its caller's timeout
//! instead of failing at once with "no responders". That is why the traffic is read only
//! on a lattice without Trellis hosts, or for a target that runs on a host that is not a
//! Trellis host (Trellis hosts record the calls they make and serve, and mark the calls
//! they make so that these are not read twice).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use futures::StreamExt as _;
use tokio::sync::mpsc;
use tokio_util::codec::Decoder as _;
use trellis_proto::SpyRecord;
use trellis_wrpc::types::ExportTypes;
use wasmtime::component::Type;

use super::workload::{hosts_running, Kind};
use super::Result;
use crate::{Client, LatticeError};

/// Calls whose results have not been seen yet, at most; the oldest go first.
const MAX_PENDING: usize = 1024;

/// How long a call may wait for its results before it is recorded without them.
const RESULT_WAIT: Duration = Duration::from_secs(15);

/// Records queued for the stream; past this a slow reader loses the newest.
const QUEUE: usize = 256;

/// A call seen on the wire, waiting for its results.
struct Pending {
    began: Instant,
    record: SpyRecord,
    results: Option<Vec<Type>>,
}

/// Starts reading the calls into `target` off the wire; the records arrive on the
/// returned channel until it is dropped. `images`: what `target` runs, when the caller
/// already knows (else the lattice is asked).
pub(super) async fn tap(
    client: &Client,
    target: &str,
    images: Option<Vec<String>>,
) -> Result<mpsc::Receiver<SpyRecord>> {
    let nats = client.nats().clone();
    let nats_err = |e: &dyn std::fmt::Display| LatticeError::Nats {
        operation: "subscribe",
        reason: e.to_string(),
    };
    let calls = nats
        .subscribe(format!("{}.{target}.wrpc.>", client.lattice()))
        .await
        .map_err(|e| nats_err(&e))?;
    // wRPC callers' inboxes are `_INBOX.<client>.<call>` (wrpc-transport-nats).
    let results = nats
        .subscribe("_INBOX.*.*.results")
        .await
        .map_err(|e| nats_err(&e))?;
    crate::round_trip(&nats).await?;
    let images = match images {
        Some(images) => images,
        None => hosts_running(client, target, None, Kind::Component)
            .await
            .map(|running| running.into_iter().map(|(_, image)| image).collect())
            .unwrap_or_default(),
    };
    let types = target_types(&images).await;
    let (tx, rx) = mpsc::channel(QUEUE);
    let prefix = format!("{}.{target}.wrpc.0.0.1.", client.lattice());
    tokio::spawn(follow(calls, results, prefix, target.to_owned(), types, tx));
    Ok(rx)
}

/// The types of a target's exports, when one of its `images` is a `file://` component on
/// this machine (its WIT is read as `trellis call` reads it).
async fn target_types(images: &[String]) -> Option<ExportTypes> {
    let path = images
        .iter()
        .find_map(|image| trellis_wit::file_path(image))?;
    let bytes = tokio::fs::read(path).await.ok()?;
    tokio::task::spawn_blocking(move || {
        ExportTypes::of_component(&wasmtime::Engine::default(), &bytes).ok()
    })
    .await
    .ok()
    .flatten()
}

async fn follow(
    mut calls: async_nats::Subscriber,
    mut results: async_nats::Subscriber,
    prefix: String,
    target: String,
    types: Option<ExportTypes>,
    tx: mpsc::Sender<SpyRecord>,
) {
    let mut pending: HashMap<String, Pending> = HashMap::new();
    let mut sweep = tokio::time::interval(Duration::from_secs(1));
    loop {
        let finished = tokio::select! {
            // Invocations first: a call's results never come before the call.
            biased;
            call = calls.next() => {
                let Some(call) = call else { break };
                if let Some((inbox, entry)) = seen_call(&call, &prefix, &target, types.as_ref()) {
                    if pending.len() >= MAX_PENDING {
                        if let Some(oldest) = oldest(&pending) {
                            pending.remove(&oldest);
                        }
                    }
                    pending.insert(inbox, entry);
                }
                Vec::new()
            }
            result = results.next() => {
                let Some(result) = result else { break };
                let inbox = result.subject.as_str().trim_end_matches(".results");
                match pending.remove(inbox) {
                    Some(entry) => vec![with_results(entry, &result.payload)],
                    None => Vec::new(),
                }
            }
            _ = sweep.tick() => {
                let late: Vec<String> = pending
                    .iter()
                    .filter(|(_, p)| p.began.elapsed() > RESULT_WAIT)
                    .map(|(inbox, _)| inbox.clone())
                    .collect();
                late.iter()
                    .filter_map(|inbox| pending.remove(inbox))
                    .map(|p| without_results(p, "no results seen on the wire"))
                    .collect()
            }
            _ = tx.closed() => break,
        };
        for record in finished {
            if tx.try_send(record).is_err() && tx.is_closed() {
                return;
            }
        }
    }
}

/// The inbox and the record begun for an invocation message, unless it is not one (a
/// more-arguments message) or a Trellis host records it (the `trellis-spied` header).
fn seen_call(
    call: &async_nats::Message,
    prefix: &str,
    target: &str,
    types: Option<&ExportTypes>,
) -> Option<(String, Pending)> {
    let inbox = call.reply.as_ref()?.to_string();
    let header = |name: &str| {
        call.headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|v| v.as_str().to_owned())
    };
    if header(trellis_wrpc::client::SPIED_HEADER).is_some() {
        return None;
    }
    let (instance, func) = split_instance(call.subject.as_str().strip_prefix(prefix)?);
    let signature = types
        .and_then(|t| t.function(instance, func))
        .map(|(_, f)| f);
    let args = match signature {
        Some(f) => values(&f.param_types(), &call.payload),
        None => vec![unread(call.payload.len(), "no WIT for this function")],
    };
    let record = SpyRecord {
        time: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        host_id: String::new(),
        source_id: header(trellis_wrpc::client::SOURCE_ID_HEADER).unwrap_or_default(),
        target_id: target.to_owned(),
        link_name: header(trellis_wrpc::client::LINK_NAME_HEADER)
            .unwrap_or_else(|| "default".to_owned()),
        interface: instance.to_owned(),
        function: func.to_owned(),
        args,
        results: Vec::new(),
        duration_us: 0,
        error: None,
        truncated: signature.is_none(),
        dropped: 0,
    };
    let pending = Pending {
        began: Instant::now(),
        record,
        results: signature.map(|f| f.results.clone()),
    };
    Some((inbox, pending))
}

/// `instance.function` of an invocation subject's tail: the function is the last token
/// (instances hold dots in their versions).
fn split_instance(tail: &str) -> (&str, &str) {
    match tail.rsplit_once('.') {
        Some((instance, func)) => (instance, func),
        None => ("", tail),
    }
}

fn with_results(mut pending: Pending, payload: &[u8]) -> SpyRecord {
    pending.record.results = match &pending.results {
        Some(types) => values(types, payload),
        None => vec![unread(payload.len(), "no WIT for this function")],
    };
    finish(pending)
}

fn without_results(mut pending: Pending, why: &str) -> SpyRecord {
    pending.record.error = Some(why.to_owned());
    finish(pending)
}

fn finish(pending: Pending) -> SpyRecord {
    let mut record = pending.record;
    record.duration_us = u64::try_from(pending.began.elapsed().as_micros()).unwrap_or(u64::MAX);
    record
}

/// `bytes` decoded as `types` and shown as WAVE, or by size when they do not decode
/// whole (a value over one message, a stream).
fn values(types: &[Type], bytes: &[u8]) -> Vec<String> {
    let mut buf = BytesMut::from(bytes);
    match trellis_wrpc::ValuesDecoder::new(types.to_vec()).decode(&mut buf) {
        Ok(Some(values)) => values
            .iter()
            .map(|v| wasm_wave::to_string(v).unwrap_or_else(|e| format!("(not WAVE: {e})")))
            .collect(),
        _ => vec![unread(bytes.len(), "not whole in one message")],
    }
}

fn unread(len: usize, why: &str) -> String {
    format!("({len} bytes; {why})")
}

fn oldest(pending: &HashMap<String, Pending>) -> Option<String> {
    pending
        .iter()
        .min_by_key(|(_, p)| p.began)
        .map(|(inbox, _)| inbox.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::component::Val;

    #[test]
    fn the_function_is_the_last_token_of_the_subject() {
        assert_eq!(
            split_instance("trellis:xhost/catalog@0.1.0.describe"),
            ("trellis:xhost/catalog@0.1.0", "describe")
        );
        assert_eq!(split_instance("run"), ("", "run"));
    }

    #[test]
    fn values_show_as_wave_or_by_size() {
        let mut bytes = BytesMut::new();
        trellis_wrpc::encode_values(
            &[Type::String, Type::U32],
            &[Val::String("kite".into()), Val::U32(3)],
            &mut bytes,
        )
        .unwrap();
        assert_eq!(
            values(&[Type::String, Type::U32], &bytes),
            [r#""kite""#, "3"]
        );
        assert_eq!(
            values(&[Type::String, Type::U32], &bytes[..3]),
            ["(3 bytes; not whole in one message)"]
        );
    }
}
