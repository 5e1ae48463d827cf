//! Joining telemetry with the workloads Trellis started: a 2.x host does not name the
//! workload on its data-plane spans, but the subjects each workload subscribes to are
//! in the spec Trellis sent.

use std::collections::BTreeMap;

use trellis_v2::WorkloadRecord;

use crate::spans::{place, Touch};

/// Subject pattern → `namespace/name`, from the `subscriptions` config (a comma-separated
/// list) of each workload's `wasmcloud:messaging` interface.
pub fn subscriptions(records: &[WorkloadRecord]) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    for record in records {
        let messaging = record
            .host_interfaces
            .iter()
            .filter(|i| i.namespace == "wasmcloud" && i.package == "messaging");
        for interface in messaging {
            let Some(list) = interface.config.get("subscriptions") else {
                continue;
            };
            for subject in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                all.insert(subject.to_owned(), record.name.clone());
            }
        }
    }
    all
}

/// The touch with its workload filled in from `records` where its trace did not name one.
pub fn placed(mut touch: Touch, records: &[WorkloadRecord]) -> Touch {
    if touch.workload.is_none() {
        touch.workload = place(&touch, &subscriptions(records));
    }
    touch
}

#[cfg(test)]
mod tests {
    use trellis_v2::RecordedInterface;

    use super::*;
    use crate::TouchKind;

    fn record(name: &str, subscriptions: &str) -> WorkloadRecord {
        WorkloadRecord {
            service: None,
            workload_id: format!("wl-{name}"),
            host_id: "h".into(),
            hostname: "edge".into(),
            name: format!("demo/{name}"),
            images: vec![],
            components: vec![],
            host_interfaces: vec![RecordedInterface {
                namespace: "wasmcloud".into(),
                package: "messaging".into(),
                interfaces: vec!["consumer".into(), "handler".into()],
                version: Some("0.2.0".into()),
                config: [("subscriptions".to_owned(), subscriptions.to_owned())].into(),
            }],
        }
    }

    #[test]
    fn a_touch_goes_to_the_workload_subscribed_to_its_trigger() {
        let records = [record("echo", "demo.in, demo.in2"), record("other", "x.>")];
        let touch = Touch {
            workload: None,
            trigger: Some("demo.in2".into()),
            kind: TouchKind::Subject,
            name: "_INBOX.>".into(),
        };
        assert_eq!(
            placed(touch.clone(), &records).workload.as_deref(),
            Some("demo/echo")
        );
        let stray = Touch {
            trigger: Some("nobody.listens".into()),
            ..touch
        };
        assert_eq!(placed(stray, &records).workload, None);
    }
}
