//! The log bus: one broadcast channel of [`LogRecord`]s per host.
//!
//! Fed by guests (stdout/stderr lines here, `wasi:logging` by the providers) and by the
//! host's own `tracing` events through [`LogBus::layer`]. Subscribers that fall behind
//! lose the oldest records rather than slowing guests down.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::broadcast;
use trellis_proto::{LogLevel, LogRecord};

/// How many records a slow subscriber may lag before it starts losing the oldest.
const CAPACITY: usize = 4096;

/// Longest guest output line kept in one record; longer lines are split.
const MAX_LINE: usize = 16 * 1024;

/// A cheap-to-clone handle on a host's log stream.
#[derive(Clone, Debug)]
pub struct LogBus {
    host: std::sync::Arc<str>,
    sender: broadcast::Sender<LogRecord>,
}

impl LogBus {
    /// A bus whose records carry `host_id`.
    pub fn new(host_id: &str) -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        LogBus {
            host: host_id.into(),
            sender,
        }
    }

    /// The host id stamped on records built by [`LogBus::emit`].
    pub fn host_id(&self) -> &str {
        &self.host
    }

    /// Receives every record published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LogRecord> {
        self.sender.subscribe()
    }

    /// Publishes a record; a bus nobody listens to drops it.
    pub fn publish(&self, record: LogRecord) {
        // An error only means "no subscribers", which is fine.
        let _ = self.sender.send(record);
    }

    /// Whether anyone listens: callers skip building records nobody would receive.
    pub fn is_heard(&self) -> bool {
        self.sender.receiver_count() > 0
    }

    /// Builds a record stamped with the current time and this host, and publishes it.
    pub fn emit(
        &self,
        level: LogLevel,
        component: Option<&str>,
        context: Option<&str>,
        message: impl Into<String>,
    ) {
        if !self.is_heard() {
            return;
        }
        self.publish(LogRecord {
            time: now_rfc3339(),
            level,
            host: self.host.to_string(),
            component: component.map(str::to_owned),
            context: context.map(str::to_owned),
            message: message.into(),
            workload: None,
        });
    }

    /// A `tracing-subscriber` layer that copies host `tracing` events onto this bus.
    ///
    /// Events carrying a `component` field are tagged with it.
    pub fn layer(&self) -> LogLayer {
        LogLayer { bus: self.clone() }
    }

    /// A writer for a guest's stdout or stderr: every complete line becomes a record.
    pub(crate) fn guest_output(
        &self,
        component: &std::sync::Arc<str>,
        stream: &'static str,
    ) -> GuestOutput {
        GuestOutput {
            bus: self.clone(),
            component: component.clone(),
            stream,
        }
    }
}

/// Current time as RFC 3339 (UTC).
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A `tracing` layer feeding a [`LogBus`]; see [`LogBus::layer`].
#[derive(Debug, Clone)]
pub struct LogLayer {
    bus: LogBus,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for LogLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if self.bus.sender.receiver_count() == 0 {
            return;
        }
        let meta = event.metadata();
        let level = match *meta.level() {
            tracing::Level::TRACE => LogLevel::Trace,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::ERROR => LogLevel::Error,
        };
        let mut visitor = FieldCollector::default();
        event.record(&mut visitor);
        let component = visitor.component.take();
        self.bus.emit(
            level,
            component.as_deref(),
            Some(meta.target()),
            visitor.finish(),
        );
    }
}

/// Collects an event's message, its `component` field and the other fields as `k=v`.
#[derive(Default)]
struct FieldCollector {
    message: String,
    component: Option<String>,
    rest: String,
}

impl FieldCollector {
    fn finish(mut self) -> String {
        if !self.rest.is_empty() {
            if !self.message.is_empty() {
                self.message.push(' ');
            }
            self.message.push_str(self.rest.trim_start());
        }
        self.message
    }
}

impl tracing::field::Visit for FieldCollector {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_owned(),
            "component" => self.component = Some(value.to_owned()),
            name => self.rest.push_str(&format!(" {name}={value}")),
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "component" => self.component = Some(format!("{value:?}").trim_matches('"').into()),
            name => self.rest.push_str(&format!(" {name}={value:?}")),
        }
    }
}

/// A guest stdout/stderr sink; see [`LogBus::guest_output`].
pub(crate) struct GuestOutput {
    bus: LogBus,
    component: std::sync::Arc<str>,
    stream: &'static str,
}

impl wasmtime_wasi::cli::IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl wasmtime_wasi::cli::StdoutStream for GuestOutput {
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(LineWriter {
            bus: self.bus.clone(),
            component: self.component.clone(),
            stream: self.stream,
            pending: Vec::new(),
        })
    }
}

/// Splits written bytes into lines and publishes each one.
struct LineWriter {
    bus: LogBus,
    component: std::sync::Arc<str>,
    stream: &'static str,
    pending: Vec<u8>,
}

impl LineWriter {
    fn publish_line(&self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let level = if self.stream == "stderr" {
            LogLevel::Warn
        } else {
            LogLevel::Info
        };
        self.bus.emit(
            level,
            Some(&self.component),
            Some(self.stream),
            String::from_utf8_lossy(line),
        );
    }
}

impl tokio::io::AsyncWrite for LineWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.publish_line(&line[..line.len() - 1]);
        }
        if self.pending.len() > MAX_LINE {
            let line = std::mem::take(&mut self.pending);
            self.publish_line(&line);
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let line = std::mem::take(&mut self.pending);
        if !line.is_empty() {
            self.publish_line(&line);
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        // A guest that ends without a trailing newline still gets its last line out.
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.publish_line(&line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;
    use wasmtime_wasi::cli::StdoutStream;

    #[tokio::test]
    async fn guest_output_becomes_one_record_per_line() {
        let bus = LogBus::new("host-1");
        let mut rx = bus.subscribe();
        let out = bus.guest_output(&"comp-a".into(), "stdout");
        let mut writer = Box::into_pin(out.async_stream());
        writer.write_all(b"first line\nsecond ").await.unwrap();
        writer.write_all(b"line\r\ntail").await.unwrap();
        drop(writer);
        let messages: Vec<_> = (0..3).map(|_| rx.try_recv().unwrap()).collect();
        assert_eq!(messages[0].message, "first line");
        assert_eq!(messages[1].message, "second line");
        assert_eq!(messages[2].message, "tail");
        assert!(messages
            .iter()
            .all(|r| r.component.as_deref() == Some("comp-a") && r.host == "host-1"));
    }

    #[test]
    fn tracing_events_reach_the_bus_with_their_component() {
        use tracing_subscriber::layer::SubscriberExt;
        let bus = LogBus::new("h");
        let mut rx = bus.subscribe();
        let subscriber = tracing_subscriber::registry().with(bus.layer());
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(component = "c1", status = 500, "request failed");
        });
        let record = rx.try_recv().unwrap();
        assert_eq!(record.component.as_deref(), Some("c1"));
        assert_eq!(record.message, "request failed status=500");
        assert!(matches!(record.level, LogLevel::Warn));
    }
}
