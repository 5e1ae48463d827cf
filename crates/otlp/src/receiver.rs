//! The OTLP/gRPC server: logs, traces and metrics services on one loopback port.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;
use tonic::{Request, Response, Status};
use trellis_proto::LogRecord;

use crate::decode::log_records;
use crate::spans::{SpanReader, Touch};

/// What one export brings: a log line, or a resource a workload touched for the first time.
#[derive(Debug, Clone, PartialEq)]
pub enum Telemetry {
    /// A host or guest log record.
    Log(LogRecord),
    /// A workload touched a subject, bucket or container this receiver had not seen it
    /// touch before (later touches only raise [`Receiver::touches`]' counts).
    Touch(Touch),
}

/// Why the receiver could not start.
#[derive(Debug, thiserror::Error)]
pub enum OtlpError {
    /// Only loopback addresses are served: the receiver has no authentication.
    #[error("the OTLP receiver only listens on loopback (127.0.0.1 or ::1), not {0}")]
    NotLoopback(SocketAddr),
    /// The port could not be bound.
    #[error("cannot listen for OTLP on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

/// The largest export accepted (a host batches at most a few hundred records).
const MAX_EXPORT_BYTES: usize = 8 * 1024 * 1024;
/// Records kept for a slow subscriber before the oldest are dropped.
const BUFFER: usize = 4096;

/// State the three services share.
struct Shared {
    sender: broadcast::Sender<Telemetry>,
    /// Every touch seen, with how many spans showed it.
    touches: Mutex<BTreeMap<Touch, u64>>,
    /// Exporter (`service.instance.id`) → host id, learnt from each host's first record.
    hosts: Mutex<BTreeMap<String, String>>,
    spans: Mutex<SpanReader>,
}

impl Shared {
    fn send_touches(&self, seen: Vec<Touch>) {
        let mut all = self.touches.lock().unwrap_or_else(|p| p.into_inner());
        for touch in seen {
            let count = all.entry(touch.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                let _ = self.sender.send(Telemetry::Touch(touch));
            }
        }
    }
}

/// A running OTLP/gRPC receiver. Dropping it stops the server.
pub struct Receiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Receiver {
    /// Listens on `addr` (loopback only; port 0 picks a free one) and serves the OTLP
    /// logs, traces and metrics services. Metrics are accepted and dropped, so hosts
    /// exporting them do not log errors.
    pub async fn start(addr: SocketAddr) -> Result<Receiver, OtlpError> {
        if !addr.ip().is_loopback() {
            return Err(OtlpError::NotLoopback(addr));
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| OtlpError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| OtlpError::Bind { addr, source })?;
        let (sender, _) = broadcast::channel(BUFFER);
        let shared = Arc::new(Shared {
            sender,
            touches: Mutex::new(BTreeMap::new()),
            hosts: Mutex::new(BTreeMap::new()),
            spans: Mutex::new(SpanReader::default()),
        });
        let (shutdown, stopped) = oneshot::channel::<()>();
        let router = tonic::service::Routes::default()
            .add_service(
                LogsServiceServer::from_arc(Arc::new(Logs(shared.clone())))
                    .max_decoding_message_size(MAX_EXPORT_BYTES),
            )
            .add_service(
                TraceServiceServer::from_arc(Arc::new(Traces(shared.clone())))
                    .max_decoding_message_size(MAX_EXPORT_BYTES),
            )
            .add_service(
                MetricsServiceServer::new(Metrics).max_decoding_message_size(MAX_EXPORT_BYTES),
            );
        let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
        let task = tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .add_routes(router)
                .serve_with_incoming_shutdown(incoming, async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "the OTLP receiver stopped");
            }
        });
        tracing::info!(%addr, "OTLP receiver listening");
        Ok(Receiver {
            addr,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What to give a host as `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Records from now on. A subscriber that falls [`BUFFER`] records behind loses the
    /// oldest (`RecvError::Lagged`).
    pub fn subscribe(&self) -> broadcast::Receiver<Telemetry> {
        self.shared.sender.subscribe()
    }

    /// Every touch seen so far, with the number of spans that showed it.
    pub fn touches(&self) -> Vec<(Touch, u64)> {
        let all = self
            .shared
            .touches
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        all.iter().map(|(t, n)| (t.clone(), *n)).collect()
    }

    /// Stops serving and waits until the server has closed its port.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

struct Logs(Arc<Shared>);

#[tonic::async_trait]
impl LogsService for Logs {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        let records = {
            let mut hosts = self.0.hosts.lock().unwrap_or_else(|p| p.into_inner());
            log_records(&request.into_inner().resource_logs, &mut hosts)
        };
        for record in records {
            // No subscriber is fine: the records are for whoever watches.
            let _ = self.0.sender.send(Telemetry::Log(record));
        }
        Ok(Response::new(ExportLogsServiceResponse::default()))
    }
}

struct Traces(Arc<Shared>);

#[tonic::async_trait]
impl TraceService for Traces {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let touches = {
            let mut reader = self.0.spans.lock().unwrap_or_else(|p| p.into_inner());
            reader.read(&request.into_inner().resource_spans)
        };
        self.0.send_touches(touches);
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

struct Metrics;

#[tonic::async_trait]
impl MetricsService for Metrics {
    async fn export(
        &self,
        _request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}
