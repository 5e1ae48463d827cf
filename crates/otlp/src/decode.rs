//! From OTLP log exports to the log records the Logs tab shows, tagged by workload and
//! component.
//!
//! wasmCloud 2.x hosts tag guest records with `workload.namespace`, `workload.name`
//! and `workload.component_id`; host records carry `host_id` or `workload_id` when they
//! are about one. The resource says `service.name=wash-runtime` and a random
//! `service.instance.id` (not the host id).

use std::collections::BTreeMap;

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::ResourceLogs;
use trellis_proto::{LogLevel, LogRecord};

/// The flattened attributes of a record with those of its resource (the record's win).
pub(crate) struct Attributes(BTreeMap<String, String>);

impl Attributes {
    pub(crate) fn of(resource: &[KeyValue], record: &[KeyValue]) -> Attributes {
        let mut all = BTreeMap::new();
        for kv in resource.iter().chain(record) {
            if let Some(value) = &kv.value {
                all.insert(kv.key.clone(), unquote(text(value)));
            }
        }
        Attributes(all)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// `namespace/name` when the record is about a workload: guest records say
    /// `workload.name`; host records about one say `workload_id`, `name`, `namespace`.
    pub(crate) fn workload(&self) -> Option<String> {
        let (name, namespace) = match self.get("workload.name") {
            Some(name) => (name, self.get("workload.namespace")),
            None if self.get("workload_id").is_some() => (self.get("name")?, self.get("namespace")),
            None => return None,
        };
        Some(match namespace {
            Some(namespace) => format!("{namespace}/{name}"),
            None => name.to_owned(),
        })
    }
}

/// `"x"` → `x`: hosts record some string fields in their debug form, quotes included.
fn unquote(value: String) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner.to_owned(),
        _ => value,
    }
}

/// The attributes of an export's resource (none when it names no resource).
pub(crate) fn resource_attributes(
    resource: Option<&opentelemetry_proto::tonic::resource::v1::Resource>,
) -> &[KeyValue] {
    resource
        .map(|r| r.attributes.as_slice())
        .unwrap_or_default()
}

/// An OTLP value as one line of text (strings bare, the rest in a JSON-like form).
fn text(value: &AnyValue) -> String {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BytesValue(bytes)) => {
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
        Some(any_value::Value::ArrayValue(list)) => format!(
            "[{}]",
            list.values.iter().map(text).collect::<Vec<_>>().join(", ")
        ),
        Some(any_value::Value::KvlistValue(map)) => format!(
            "{{{}}}",
            map.values
                .iter()
                .map(|kv| format!(
                    "{}: {}",
                    kv.key,
                    kv.value.as_ref().map(text).unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // An index into a dictionary this receiver is never sent (profiles only).
        Some(any_value::Value::StringValueStrindex(i)) => format!("#{i}"),
        None => String::new(),
    }
}

/// OTLP severity numbers: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error,
/// 21–24 fatal. Unset (0) falls back to the text, then to info.
fn level(number: i32, text: &str) -> LogLevel {
    match number {
        1..=4 => LogLevel::Trace,
        5..=8 => LogLevel::Debug,
        9..=12 => LogLevel::Info,
        13..=16 => LogLevel::Warn,
        17..=20 => LogLevel::Error,
        21..=24 => LogLevel::Critical,
        _ => text
            .parse()
            .or_else(|_| match text.to_ascii_lowercase().as_str() {
                "fatal" => Ok(LogLevel::Critical),
                _ => Err(()),
            })
            .unwrap_or(LogLevel::Info),
    }
}

/// RFC 3339 from nanoseconds since the epoch (0, as in records with no time, gives "").
fn rfc3339(nanos: u64) -> String {
    if nanos == 0 {
        return String::new();
    }
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Attribute keys that name the host a record comes from, most specific first.
const HOST_KEYS: [&str; 2] = ["host_id", "host.id"];
/// The key of the exporting process's random id (a 2.x host's is not its host id).
const INSTANCE_KEY: &str = "service.instance.id";
/// Attribute keys that name the component inside a workload.
const COMPONENT_KEYS: [&str; 3] = [
    "workload.component_name",
    "workload.component_id",
    "component_id",
];

/// Every log record in an export, tagged by workload and component where the host said.
///
/// Only a host's first record ("Host started") names its host id; `hosts` remembers
/// which exporter (`service.instance.id`) that was, so its later records name the host
/// too. Records from an exporter not yet placed name it `otlp:<instance id>`.
pub fn log_records(
    batches: &[ResourceLogs],
    hosts: &mut BTreeMap<String, String>,
) -> Vec<LogRecord> {
    // An export groups records by scope, so "Host started" may come after a guest's line
    // of the same export: learn every exporter's host id first.
    for batch in batches {
        let resource = resource_attributes(batch.resource.as_ref());
        for record in batch.scope_logs.iter().flat_map(|s| &s.log_records) {
            let attributes = Attributes::of(resource, &record.attributes);
            if let (Some(host), Some(instance)) =
                (attributes.first(&HOST_KEYS), attributes.get(INSTANCE_KEY))
            {
                hosts.insert(instance.to_owned(), host.to_owned());
            }
        }
    }
    let mut out = Vec::new();
    for batch in batches {
        let resource = resource_attributes(batch.resource.as_ref());
        for scope in &batch.scope_logs {
            let scope_name = scope.scope.as_ref().map(|s| s.name.as_str()).unwrap_or("");
            for record in &scope.log_records {
                let attributes = Attributes::of(resource, &record.attributes);
                let time = match rfc3339(record.time_unix_nano) {
                    t if t.is_empty() => rfc3339(record.observed_time_unix_nano),
                    t => t,
                };
                let workload = attributes.workload();
                // Guest records carry the guest's `wasi:logging` context; host records
                // are placed by where in the host they came from.
                let context = attributes
                    .get("context")
                    .map(str::to_owned)
                    .or_else(|| (!scope_name.is_empty()).then(|| scope_name.to_owned()));
                out.push(LogRecord {
                    time,
                    level: level(record.severity_number, &record.severity_text),
                    host: host_of(&attributes, hosts),
                    component: attributes.first(&COMPONENT_KEYS).map(str::to_owned),
                    context,
                    message: record.body.as_ref().map(text).unwrap_or_default(),
                    workload,
                });
            }
        }
    }
    out
}

/// The host id a record names, or the one its exporter was seen naming before.
fn host_of(attributes: &Attributes, hosts: &mut BTreeMap<String, String>) -> String {
    let instance = attributes.get(INSTANCE_KEY);
    match (attributes.first(&HOST_KEYS), instance) {
        (Some(host), Some(instance)) => {
            hosts.insert(instance.to_owned(), host.to_owned());
            host.to_owned()
        }
        (Some(host), None) => host.to_owned(),
        (None, Some(instance)) => hosts
            .get(instance)
            .cloned()
            .unwrap_or_else(|| format!("otlp:{instance}")),
        (None, None) => "otlp".to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
    use opentelemetry_proto::tonic::logs::v1::{LogRecord as OtlpLog, ScopeLogs};
    use opentelemetry_proto::tonic::resource::v1::Resource;

    use super::*;

    /// A string attribute (the spans tests use it too).
    pub(crate) fn kv(key: &str, value: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(value.into())),
            }),
            ..KeyValue::default()
        }
    }

    fn resource() -> Option<Resource> {
        Some(Resource {
            attributes: vec![
                kv("service.name", "wash-runtime"),
                kv("service.instance.id", "inst-1"),
            ],
            ..Resource::default()
        })
    }

    #[test]
    fn a_guest_record_is_tagged_by_workload_and_component() {
        let batch = ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope {
                    name: "wash_runtime::plugin::wasi_logging".into(),
                    ..InstrumentationScope::default()
                }),
                log_records: vec![OtlpLog {
                    time_unix_nano: 1_700_000_000_123_000_000,
                    severity_number: 13,
                    body: Some(AnyValue {
                        value: Some(any_value::Value::StringValue("low on hits".into())),
                    }),
                    attributes: vec![
                        kv("workload.namespace", "demo"),
                        kv("workload.name", "counter"),
                        kv("workload.component_id", "0192-c"),
                        kv("context", "kv"),
                    ],
                    ..OtlpLog::default()
                }],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        };
        let [record] = log_records(&[batch], &mut BTreeMap::new())
            .try_into()
            .unwrap();
        assert_eq!(record.workload.as_deref(), Some("demo/counter"));
        assert_eq!(record.component.as_deref(), Some("0192-c"));
        assert_eq!(record.context.as_deref(), Some("kv"));
        assert_eq!(record.level, LogLevel::Warn);
        assert_eq!(record.message, "low on hits");
        assert_eq!(record.host, "otlp:inst-1");
        assert_eq!(record.time, "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn host_records_name_their_host_and_workload() {
        let batch = ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope {
                    name: "wash_runtime::host".into(),
                    ..InstrumentationScope::default()
                }),
                log_records: vec![
                    OtlpLog {
                        severity_text: "ERROR".into(),
                        body: Some(AnyValue {
                            value: Some(any_value::Value::IntValue(7)),
                        }),
                        attributes: vec![kv("host_id", "\"0192-h\"")],
                        ..OtlpLog::default()
                    },
                    OtlpLog {
                        body: Some(AnyValue {
                            value: Some(any_value::Value::StringValue("Starting workload".into())),
                        }),
                        attributes: vec![
                            kv("workload_id", "\"wl-1\""),
                            kv("name", "\"chatty\""),
                            kv("namespace", "\"demo\""),
                        ],
                        ..OtlpLog::default()
                    },
                ],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        };
        let mut hosts = BTreeMap::new();
        let [record, starting] = log_records(&[batch], &mut hosts).try_into().unwrap();
        assert_eq!(record.host, "0192-h");
        assert_eq!(record.workload, None);
        assert_eq!(record.component, None);
        assert_eq!(record.context.as_deref(), Some("wash_runtime::host"));
        assert_eq!(record.level, LogLevel::Error);
        assert_eq!(record.message, "7");
        // The host's later records, which do not say its id, are placed by exporter.
        assert_eq!(starting.host, "0192-h");
        assert_eq!(starting.workload.as_deref(), Some("demo/chatty"));
        assert_eq!(starting.level, LogLevel::Info);
    }

    #[test]
    fn a_guest_line_grouped_before_host_started_still_names_the_host() {
        let scope = |name: &str, attributes: Vec<KeyValue>| ScopeLogs {
            scope: Some(InstrumentationScope {
                name: name.into(),
                ..InstrumentationScope::default()
            }),
            log_records: vec![OtlpLog {
                attributes,
                ..OtlpLog::default()
            }],
            ..ScopeLogs::default()
        };
        let batch = ResourceLogs {
            resource: resource(),
            scope_logs: vec![
                scope(
                    "wash_runtime::plugin::wasi_logging",
                    vec![kv("workload.name", "w")],
                ),
                scope("wash_runtime::washlet", vec![kv("host_id", "\"0192-h\"")]),
            ],
            ..ResourceLogs::default()
        };
        let [guest, _] = log_records(&[batch], &mut BTreeMap::new())
            .try_into()
            .unwrap();
        assert_eq!(guest.host, "0192-h");
    }

    #[test]
    fn levels_follow_the_severity_ranges() {
        assert_eq!(level(1, ""), LogLevel::Trace);
        assert_eq!(level(9, ""), LogLevel::Info);
        assert_eq!(level(24, ""), LogLevel::Critical);
        assert_eq!(level(0, "FATAL"), LogLevel::Critical);
        assert_eq!(level(0, "nonsense"), LogLevel::Info);
    }
}
