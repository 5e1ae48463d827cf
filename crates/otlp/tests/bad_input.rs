//! What the receiver does with what it should not get: a connection that speaks no
//! gRPC, and an export over the size cap. Each is refused on its own connection or
//! call, and the next well-formed export still arrives.

use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use tokio::io::AsyncWriteExt as _;
use trellis_otlp::{Receiver, Telemetry};

fn export(message: String) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    severity_number: 9,
                    body: Some(AnyValue {
                        value: Some(any_value::Value::StringValue(message)),
                    }),
                    ..LogRecord::default()
                }],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

#[tokio::test]
async fn garbage_and_oversized_exports_are_refused_and_the_receiver_keeps_serving() {
    let receiver = Receiver::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut telemetry = receiver.subscribe();

    // Not HTTP/2 at all.
    let mut raw = tokio::net::TcpStream::connect(receiver.addr())
        .await
        .unwrap();
    raw.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\x13garbage")
        .await
        .unwrap();
    drop(raw);

    let mut client = LogsServiceClient::connect(receiver.endpoint())
        .await
        .unwrap()
        .max_encoding_message_size(64 * 1024 * 1024);
    let too_big = client
        .export(export("x".repeat(9 * 1024 * 1024)))
        .await
        .unwrap_err();
    assert_eq!(too_big.code(), tonic::Code::OutOfRange, "{too_big:?}");

    client
        .export(export("still here".into()))
        .await
        .expect("a well-formed export after the bad ones is taken");
    let got = tokio::time::timeout(Duration::from_secs(5), telemetry.recv())
        .await
        .unwrap()
        .unwrap();
    let Telemetry::Log(record) = got else {
        panic!("expected a log record, got {got:?}");
    };
    assert_eq!(record.message, "still here");
    assert_eq!(record.host, "otlp", "no resource: no host to name");
}
