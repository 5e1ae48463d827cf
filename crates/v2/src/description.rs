//! What runs where: a workload Trellis started, described from what it sent (components,
//! host interfaces with their config) and from each component's WIT (read from its
//! image): the host interfaces each component binds, and the links between components
//! inside the workload (an import of one matched to an export of another).
//!
//! A component whose image cannot be read or decoded is still described, with the
//! reason in place of its WIT: a bad image never hides the workload.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use trellis_wit::{ComponentWit, InterfaceRef};

use crate::{RecordedInterface, V2Error, WorkloadRecord, WorkloadRecords};

/// A workload Trellis started: where it runs, its state, its components and what binds
/// them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadDescription {
    /// The id Trellis gave it.
    pub workload_id: String,
    /// `namespace/name`.
    pub name: String,
    /// The host it runs on.
    pub host_id: String,
    /// That host's hostname.
    pub hostname: String,
    /// `running (…)`, `error (reason)`, `not found (…)`, or why the host could not be asked.
    pub status: String,
    /// Whether it is running.
    pub running: bool,
    /// Its components, in the order they were sent.
    pub components: Vec<WorkloadComponent>,
    /// Component-to-component links inside the workload.
    pub links: Vec<WorkloadLink>,
    /// Host interfaces the workload asked for that no component's known WIT names (a
    /// component's WIT could not be read, or none uses it).
    pub unbound: Vec<BoundInterface>,
    /// The image of its long-running service, if it has one.
    pub service: Option<String>,
}

/// One component of a workload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadComponent {
    /// Its name in the workload.
    pub name: String,
    /// Its image.
    pub image: String,
    /// The image's layer digest (`sha256:…`), when pulled from a registry.
    pub digest: Option<String>,
    /// Its WIT, when the image could be read.
    pub wit: Option<ComponentWit>,
    /// Why the WIT is unavailable.
    pub wit_error: Option<String>,
    /// The host interfaces it binds, each with its config.
    pub interfaces: Vec<BoundInterface>,
}

/// A host interface a component binds: served by one of the host's plugins (an import)
/// or called by it (an export, such as `wasi:http/incoming-handler`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BoundInterface {
    /// `wasi:http/incoming-handler`.
    pub interface: String,
    /// `import` (the host serves it), `export` (the host calls it) or `unknown`.
    pub direction: String,
    /// The config the workload gave the host's plugin.
    pub config: BTreeMap<String, String>,
    /// `wasi:http/incoming-handler host=hello.local`: the interface and its config.
    pub label: String,
}

/// An import of one component served by an export of another in the same workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadLink {
    /// The importing component.
    pub from: String,
    /// The exporting component.
    pub to: String,
    /// The import, `ns:pkg/iface@version`.
    pub interface: String,
}

/// Describes the workload `workload_id` Trellis started: its status read again from its
/// host, its components' WIT from their images (OCI pulls go through `oci`'s cache).
pub async fn describe_workload(
    client: &async_nats::Client,
    records: &WorkloadRecords,
    workload_id: &str,
    oci: &trellis_oci::OciOptions,
) -> Result<WorkloadDescription, V2Error> {
    let record = records.find(workload_id)?;
    let (status, running) =
        match crate::workload_status(client, &record.host_id, &record.workload_id).await {
            Ok(status) => (
                crate::describe(&status),
                status.workload_state() == crate::proto::WorkloadState::Running,
            ),
            Err(error) => (format!("unknown: {error}"), false),
        };
    let mut wits = Vec::new();
    for component in record.components() {
        wits.push(read_wit(&component.image, oci).await);
    }
    Ok(describe_record(&record, status, running, wits))
}

/// The description of `record` given its status and, per component in order, its
/// image's digest and WIT or why they could not be read. Pure.
pub fn describe_record(
    record: &WorkloadRecord,
    status: String,
    running: bool,
    wits: Vec<Result<(Option<String>, ComponentWit), String>>,
) -> WorkloadDescription {
    let mut components: Vec<WorkloadComponent> = record
        .components()
        .into_iter()
        .zip(wits)
        .map(|(c, wit)| {
            let (digest, wit, wit_error) = match wit {
                Ok((digest, wit)) => (digest, Some(wit), None),
                Err(reason) => (None, None, Some(reason)),
            };
            WorkloadComponent {
                name: c.name,
                image: c.image,
                digest,
                wit,
                wit_error,
                interfaces: Vec::new(),
            }
        })
        .collect();
    let mut unbound = Vec::new();
    for host_interface in &record.host_interfaces {
        for interface in &host_interface.interfaces {
            let name = format!(
                "{}:{}/{interface}",
                host_interface.namespace, host_interface.package
            );
            let mut bound = false;
            for component in &mut components {
                if let Some(direction) = component.wit.as_ref().and_then(|w| uses(w, &name)) {
                    component
                        .interfaces
                        .push(bound_interface(&name, direction, host_interface));
                    bound = true;
                }
            }
            if !bound {
                unbound.push(bound_interface(&name, "unknown", host_interface));
            }
        }
    }
    let known: Vec<(&str, &ComponentWit)> = components
        .iter()
        .filter_map(|c| c.wit.as_ref().map(|w| (c.name.as_str(), w)))
        .collect();
    let links = match_links(&known);
    WorkloadDescription {
        workload_id: record.workload_id.clone(),
        name: record.name.clone(),
        host_id: record.host_id.clone(),
        hostname: record.hostname.clone(),
        status,
        running,
        components,
        links,
        unbound,
        service: record.service.clone(),
    }
}

/// Every import of one component that another component of the same workload exports
/// (same interface, compatible version), by importer, then import, then exporter.
pub fn match_links(components: &[(&str, &ComponentWit)]) -> Vec<WorkloadLink> {
    let mut links = Vec::new();
    for (importer, wit) in components {
        for import in wit.imported_interfaces() {
            let Some(wanted) = &import.reference else {
                continue;
            };
            for (exporter, other) in components {
                if exporter == importer {
                    continue;
                }
                let serves = other
                    .exported_interfaces()
                    .filter_map(|e| e.reference.as_ref())
                    .any(|offered| wanted.accepts(offered));
                if serves {
                    links.push(WorkloadLink {
                        from: (*importer).to_owned(),
                        to: (*exporter).to_owned(),
                        interface: wanted.to_string(),
                    });
                }
            }
        }
    }
    links
}

/// `import` or `export` when `wit` names the interface `name` (`ns:pkg/iface`).
fn uses(wit: &ComponentWit, name: &str) -> Option<&'static str> {
    let named = |i: &trellis_wit::InterfaceDef| {
        i.reference
            .as_ref()
            .is_some_and(|r: &InterfaceRef| r.unversioned() == name)
    };
    if wit.exported_interfaces().any(named) {
        Some("export")
    } else if wit.imported_interfaces().any(named) {
        Some("import")
    } else {
        None
    }
}

fn bound_interface(name: &str, direction: &str, from: &RecordedInterface) -> BoundInterface {
    let mut label = name.to_owned();
    for (key, value) in &from.config {
        label.push_str(&format!(" {key}={value}"));
    }
    BoundInterface {
        interface: name.to_owned(),
        direction: direction.to_owned(),
        config: from.config.clone(),
        label,
    }
}

/// The digest (for a registry image) and WIT of the component `image` names: a
/// `file://` reference or a path to a file that exists, otherwise an OCI reference.
/// The error is a sentence naming the image.
pub async fn read_wit(
    image: &str,
    oci: &trellis_oci::OciOptions,
) -> Result<(Option<String>, ComponentWit), String> {
    let file = trellis_wit::file_path(image)
        .or_else(|| Some(PathBuf::from(image)).filter(|p| p.is_file()));
    let (digest, bytes) = match file {
        Some(path) => {
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (None, bytes)
        }
        None => {
            let pulled = trellis_oci::pull(image, oci, &mut |_| {})
                .await
                .map_err(|e| format!("cannot pull {image}: {e}"))?;
            (Some(pulled.digest), pulled.bytes)
        }
    };
    // Decoding a large component takes a while: off the async threads.
    let wit = tokio::task::spawn_blocking(move || trellis_wit::decode_component(&bytes))
        .await
        .map_err(|e| format!("decoding {image} stopped: {e}"))?
        .map_err(|e| format!("cannot decode {image}: {e}"))?;
    Ok((digest, wit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordedComponent;
    use trellis_wit::{InterfaceDef, WorldEntry};

    fn wit(imports: &[&str], exports: &[&str]) -> ComponentWit {
        let entries = |names: &[&str]| {
            names
                .iter()
                .map(|n| WorldEntry::Interface(InterfaceDef::from_ref(n.parse().unwrap())))
                .collect()
        };
        ComponentWit {
            world: "root".into(),
            package: None,
            docs: None,
            imports: entries(imports),
            exports: entries(exports),
            wit: String::new(),
        }
    }

    #[test]
    fn an_import_links_to_the_component_that_exports_it_in_a_compatible_version() {
        let front = wit(
            &[
                "wasi:http/types@0.2.0",
                "demo:calc/math@0.1.0",
                "demo:kv/store@1.0.0",
            ],
            &["wasi:http/incoming-handler@0.2.0"],
        );
        let calc = wit(&[], &["demo:calc/math@0.1.2"]);
        // 2.x is not compatible with an import of 1.x.
        let kv = wit(&[], &["demo:kv/store@2.0.0"]);
        let links = match_links(&[("front", &front), ("calc", &calc), ("kv", &kv)]);
        assert_eq!(
            links,
            [WorkloadLink {
                from: "front".into(),
                to: "calc".into(),
                interface: "demo:calc/math@0.1.0".into()
            }]
        );
        // A component never links to itself.
        let both = wit(&["demo:calc/math@0.1.0"], &["demo:calc/math@0.1.0"]);
        assert!(match_links(&[("both", &both)]).is_empty());
    }

    #[test]
    fn host_interfaces_bind_to_the_components_that_name_them_with_their_config() {
        let record = WorkloadRecord {
            service: None,
            workload_id: "wl-1".into(),
            host_id: "h".into(),
            hostname: "edge".into(),
            name: "demo/shop".into(),
            images: vec!["r/front:1".into(), "r/broken:1".into()],
            components: vec![
                RecordedComponent {
                    name: "front".into(),
                    image: "r/front:1".into(),
                },
                RecordedComponent {
                    name: "broken".into(),
                    image: "r/broken:1".into(),
                },
            ],
            host_interfaces: vec![
                RecordedInterface {
                    namespace: "wasi".into(),
                    package: "http".into(),
                    interfaces: vec!["incoming-handler".into()],
                    version: None,
                    config: [("host".to_owned(), "hello.local".to_owned())].into(),
                },
                RecordedInterface {
                    namespace: "wasmcloud".into(),
                    package: "messaging".into(),
                    interfaces: vec!["consumer".into(), "handler".into()],
                    version: Some("0.2.0".into()),
                    config: [("subscriptions".to_owned(), "demo.in,demo.in2".to_owned())].into(),
                },
            ],
        };
        let front = wit(
            &["wasmcloud:messaging/consumer@0.2.0"],
            &["wasi:http/incoming-handler@0.2.0"],
        );
        let described = describe_record(
            &record,
            "running".into(),
            true,
            vec![
                Ok((Some("sha256:00".into()), front)),
                Err("cannot pull r/broken:1: manifest unknown".into()),
            ],
        );
        let labels: Vec<_> = described.components[0]
            .interfaces
            .iter()
            .map(|i| (i.direction.as_str(), i.label.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("export", "wasi:http/incoming-handler host=hello.local"),
                (
                    "import",
                    "wasmcloud:messaging/consumer subscriptions=demo.in,demo.in2"
                )
            ]
        );
        // The broken image still shows, with its reason; what nobody names is unbound.
        assert_eq!(described.components[1].name, "broken");
        assert_eq!(
            described.components[1].wit_error.as_deref(),
            Some("cannot pull r/broken:1: manifest unknown")
        );
        assert_eq!(described.unbound.len(), 1);
        assert_eq!(
            described.unbound[0].label,
            "wasmcloud:messaging/handler subscriptions=demo.in,demo.in2"
        );
    }
}
