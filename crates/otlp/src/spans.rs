//! From OTLP spans to the resources a workload touches.
//!
//! wasmCloud 2.x hosts (wash 2.10) name the workload on their lifecycle spans
//! (`link_components`: `workload.namespace`, `workload.name`), but not on the data-plane
//! ones: `wasmcloud.messaging.publish` carries only its `subject`, as a child of the
//! `incoming_wasmcloud_message` root span whose `subject` is the one the workload is
//! subscribed to. So a touch is placed by its trace: by a workload named anywhere in
//! it, or else by the subject that started it (the caller matches that against the
//! workloads' `subscriptions`, which only it knows).

use std::collections::{BTreeMap, HashMap, VecDeque};

use opentelemetry_proto::tonic::trace::v1::ResourceSpans;
use serde::{Deserialize, Serialize};

use crate::decode::{resource_attributes, Attributes};

/// A kind of resource a workload touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    /// A NATS subject it published or requested on.
    Subject,
    /// A key-value bucket it opened.
    Bucket,
    /// A blobstore container.
    Container,
}

/// "A workload touched resource R", as one span showed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Touch {
    /// `namespace/name` of the workload, when its trace names one.
    pub workload: Option<String>,
    /// The subject of the message that started the trace, when one did: the workload
    /// subscribed to it is the one that touched the resource.
    pub trigger: Option<String>,
    /// What kind of resource.
    pub kind: TouchKind,
    /// Its name: the subject, bucket or container. Reply inboxes are one resource,
    /// `_INBOX.>`.
    pub name: String,
}

/// Span attributes that name a touched resource.
const RESOURCE_KEYS: [(&str, TouchKind); 6] = [
    ("subject", TouchKind::Subject),
    ("messaging.destination.name", TouchKind::Subject),
    ("bucket", TouchKind::Bucket),
    ("bucket_name", TouchKind::Bucket),
    ("keyvalue.bucket", TouchKind::Bucket),
    ("container", TouchKind::Container),
];

/// Traces remembered, and touches held back waiting for their trace's root.
const TRACES_KEPT: usize = 4096;

/// What a trace has said so far about who it belongs to.
#[derive(Debug, Clone, Default)]
struct TraceOwner {
    workload: Option<String>,
    trigger: Option<String>,
    /// Whether the root span has arrived (children usually end, and are exported, first).
    rooted: bool,
}

/// Reads span exports one after another, placing touches by their trace.
#[derive(Debug, Default)]
pub struct SpanReader {
    owners: HashMap<Vec<u8>, TraceOwner>,
    /// Trace ids in the order first seen, to forget the oldest.
    order: VecDeque<Vec<u8>>,
    /// Touches whose trace had no owner yet, by trace id.
    waiting: HashMap<Vec<u8>, Vec<Touch>>,
}

impl SpanReader {
    /// The touches an export reveals: those of traces it completes, and the ones held
    /// back from earlier exports that its root spans now place.
    pub fn read(&mut self, batches: &[ResourceSpans]) -> Vec<Touch> {
        let mut found: Vec<(Vec<u8>, Touch)> = Vec::new();
        for batch in batches {
            let resource = resource_attributes(batch.resource.as_ref());
            for span in batch.scope_spans.iter().flat_map(|s| &s.spans) {
                let attributes = Attributes::of(resource, &span.attributes);
                let root = span.parent_span_id.is_empty();
                let owner = self.owner(&span.trace_id);
                if let Some(workload) = attributes.workload() {
                    owner.workload = Some(workload);
                }
                if root {
                    owner.rooted = true;
                    // The subject a root span received on is the trigger, not a touch:
                    // the subscription is already known from the workload's config.
                    if let Some(subject) = attributes.get("subject") {
                        owner.trigger = Some(subject.to_owned());
                        continue;
                    }
                }
                for (key, kind) in RESOURCE_KEYS {
                    if let Some(name) = attributes.get(key) {
                        let name = match kind {
                            TouchKind::Subject if name.starts_with("_INBOX.") => "_INBOX.>",
                            _ => name,
                        };
                        found.push((
                            span.trace_id.clone(),
                            Touch {
                                workload: None,
                                trigger: None,
                                kind,
                                name: name.to_owned(),
                            },
                        ));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (trace, touch) in found {
            self.waiting.entry(trace).or_default().push(touch);
        }
        let ready: Vec<Vec<u8>> = self
            .waiting
            .keys()
            .filter(|t| {
                self.owners
                    .get(*t)
                    .is_some_and(|o| o.rooted || o.workload.is_some())
            })
            .cloned()
            .collect();
        for trace in ready {
            let owner = self.owners.get(&trace).cloned().unwrap_or_default();
            for mut touch in self.waiting.remove(&trace).unwrap_or_default() {
                touch.workload = owner.workload.clone();
                touch.trigger = owner.trigger.clone();
                out.push(touch);
            }
        }
        out
    }

    fn owner(&mut self, trace: &[u8]) -> &mut TraceOwner {
        if !self.owners.contains_key(trace) {
            if self.order.len() >= TRACES_KEPT {
                if let Some(oldest) = self.order.pop_front() {
                    self.owners.remove(&oldest);
                    self.waiting.remove(&oldest);
                }
            }
            self.order.push_back(trace.to_vec());
        }
        self.owners.entry(trace.to_vec()).or_default()
    }
}

/// The workload a touch belongs to: the one its trace names, else the one subscribed to
/// its trigger subject (`subscriptions`: subject pattern → `namespace/name`, NATS
/// wildcards `*` and `>` allowed).
pub fn place(touch: &Touch, subscriptions: &BTreeMap<String, String>) -> Option<String> {
    if let Some(workload) = &touch.workload {
        return Some(workload.clone());
    }
    let trigger = touch.trigger.as_deref()?;
    subscriptions
        .iter()
        .find(|(pattern, _)| subject_matches(pattern, trigger))
        .map(|(_, workload)| workload.clone())
}

/// NATS subject matching: `*` is one token, a final `>` one or more.
fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut tokens = subject.split('.');
    for part in pattern.split('.') {
        match (part, tokens.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (p, Some(t)) if p == t => {}
            _ => return false,
        }
    }
    tokens.next().is_none()
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::trace::v1::{ScopeSpans, Span};

    use super::*;
    use crate::decode::tests::kv;

    fn span(trace: u8, id: u8, parent: Option<u8>, attrs: &[(&str, &str)]) -> Span {
        Span {
            trace_id: vec![trace; 16],
            span_id: vec![id; 8],
            parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
            attributes: attrs.iter().map(|(k, v)| kv(k, v)).collect(),
            ..Span::default()
        }
    }

    fn export(spans: Vec<Span>) -> Vec<ResourceSpans> {
        vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }]
    }

    #[test]
    fn a_publish_is_placed_by_the_message_that_started_its_trace() {
        let mut reader = SpanReader::default();
        // As wash 2.10 exports them: the child (publish to the reply inbox) first.
        let touches = reader.read(&export(vec![
            span(1, 2, Some(1), &[("subject", "_INBOX.abc.def")]),
            span(
                1,
                1,
                None,
                &[("subject", "demo.in"), ("reply_to", "_INBOX.abc.def")],
            ),
        ]));
        assert_eq!(
            touches,
            vec![Touch {
                workload: None,
                trigger: Some("demo.in".into()),
                kind: TouchKind::Subject,
                name: "_INBOX.>".into(),
            }]
        );
        let subscriptions = BTreeMap::from([("demo.*".to_owned(), "demo/echo".to_owned())]);
        assert_eq!(
            place(&touches[0], &subscriptions).as_deref(),
            Some("demo/echo")
        );
    }

    #[test]
    fn a_touch_waits_for_its_root_in_a_later_export() {
        let mut reader = SpanReader::default();
        assert!(reader
            .read(&export(vec![span(3, 2, Some(1), &[("bucket", "counts")])]))
            .is_empty());
        let touches = reader.read(&export(vec![span(
            3,
            1,
            None,
            &[("workload.namespace", "demo"), ("workload.name", "counter")],
        )]));
        assert_eq!(touches.len(), 1);
        assert_eq!(touches[0].workload.as_deref(), Some("demo/counter"));
        assert_eq!(touches[0].kind, TouchKind::Bucket);
        assert_eq!(touches[0].name, "counts");
    }

    #[test]
    fn memory_is_bounded() {
        let mut reader = SpanReader::default();
        for i in 0..(TRACES_KEPT + 10) {
            let mut trace = vec![0u8; 16];
            trace[..8].copy_from_slice(&(i as u64).to_le_bytes());
            reader.read(&export(vec![Span {
                trace_id: trace,
                span_id: vec![2; 8],
                parent_span_id: vec![1; 8],
                attributes: vec![kv("subject", "x")],
                ..Span::default()
            }]));
        }
        assert!(reader.owners.len() <= TRACES_KEPT);
        assert!(reader.waiting.len() <= TRACES_KEPT);
    }

    #[test]
    fn subjects_match_like_nats() {
        assert!(subject_matches("a.b", "a.b"));
        assert!(subject_matches("a.*", "a.b"));
        assert!(!subject_matches("a.*", "a.b.c"));
        assert!(subject_matches("a.>", "a.b.c"));
        assert!(!subject_matches("a.>", "a"));
        assert!(!subject_matches("a.b", "a.c"));
    }
}
