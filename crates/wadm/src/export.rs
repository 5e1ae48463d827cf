//! The live lattice written back as a wadm manifest: what runs (components and providers
//! with their ids and images, a spreadscaler holding each one's current instance count),
//! the links between them as link traits, and the named config those links carry, with
//! its values. Deployed on a fresh lattice, the manifest gives an equal graph.
//!
//! What a manifest cannot say is reported as notes rather than dropped silently: Trellis
//! grant annotations (`trellis.dev/*`), secret references (`SECRET_…` config is never
//! read), and links whose other end was left out of a selection.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use trellis_lattice::Client;
use trellis_proto::{ConfigMap, HostInventory, Link};
use wadm_types::{
    CapabilityProperties, Component, ComponentProperties, ConfigDefinition, ConfigProperty,
    LinkProperty, Manifest, Metadata, Properties, Specification, SpreadScalerProperty,
    TargetConfig, Trait, TraitProperty,
};

use crate::{Error, Result};

/// What to export, and under which name.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The application's name (`metadata.name`).
    pub name: String,
    /// Its `version` annotation.
    pub version: String,
    /// Component and provider ids to keep; `None` keeps everything.
    pub select: Option<BTreeSet<String>>,
}

/// A manifest of the live graph and what it could not express.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The manifest.
    pub manifest: Manifest,
    /// What is not in it, and why (one sentence each).
    pub notes: Vec<String>,
}

impl Exported {
    /// The manifest as YAML, as `trellis app deploy` reads it.
    pub fn to_yaml(&self) -> Result<String> {
        serde_yaml::to_string(&self.manifest).map_err(|e| Error::Other(e.to_string()))
    }
}

/// Reads the lattice through `client` (every host's inventory, the links, the named
/// config they use) and writes it as a manifest.
pub async fn export_lattice(client: &Client, options: &ExportOptions) -> Result<Exported> {
    let lattice_error = |e: trellis_lattice::LatticeError| Error::Other(e.to_string());
    let inventories = client.host_inventories().await.map_err(lattice_error)?;
    let links = client.links().await.map_err(lattice_error)?;
    let mut configs = BTreeMap::new();
    let names: BTreeSet<&String> = links
        .iter()
        .flat_map(|l| l.source_config.iter().chain(&l.target_config))
        .collect();
    for name in names {
        if is_secret(name) {
            continue;
        }
        if let Some(values) = client.config_get(name).await.map_err(lattice_error)? {
            configs.insert(name.clone(), values);
        }
    }
    Ok(manifest_of(&inventories, &links, &configs, options))
}

/// The manifest of `inventories` and `links`, with the values of named config in
/// `configs` (a name missing there is exported by name only).
pub fn manifest_of(
    inventories: &[HostInventory],
    links: &[Link],
    configs: &BTreeMap<String, ConfigMap>,
    options: &ExportOptions,
) -> Exported {
    let kept = |id: &str| options.select.as_ref().is_none_or(|s| s.contains(id));
    let mut notes = Vec::new();
    // Instances of one id on several hosts add up in one spreadscaler.
    let mut components: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut providers: BTreeMap<String, String> = BTreeMap::new();
    for inventory in inventories {
        for c in inventory.components.iter().filter(|c| kept(&c.id)) {
            let entry = components
                .entry(c.id.clone())
                .or_insert_with(|| (c.image_ref.clone(), 0));
            entry.1 += c.max_instances as usize;
            let grants: Vec<&String> = c
                .annotations
                .keys()
                .filter(|k| k.starts_with("trellis.dev/"))
                .collect();
            if !grants.is_empty() {
                notes.push(format!(
                    "component {}: its grants ({}) are host policy, not part of a wadm manifest",
                    c.id,
                    grants
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        for p in inventory.providers.iter().filter(|p| kept(&p.id)) {
            let image = p.image_ref.clone().unwrap_or_else(|| p.id.clone());
            providers.entry(p.id.clone()).or_insert(image);
        }
    }

    let config_of = |names: &[String], notes: &mut Vec<String>, what: &str| {
        names
            .iter()
            .filter_map(|name| {
                if is_secret(name) {
                    notes.push(format!("{what}: secret {name} is not exported"));
                    return None;
                }
                Some(ConfigProperty {
                    name: name.clone(),
                    properties: configs
                        .get(name)
                        .map(|values| values.clone().into_iter().collect::<HashMap<_, _>>()),
                })
            })
            .collect::<Vec<_>>()
    };
    let mut traits: BTreeMap<String, Vec<Trait>> = BTreeMap::new();
    for link in links {
        let running = |id: &str| components.contains_key(id) || providers.contains_key(id);
        let what = format!("link {} → {} ({})", link.source_id, link.target, link.name);
        if !running(&link.source_id) || !running(&link.target) {
            if kept(&link.source_id) || kept(&link.target) {
                notes.push(format!("{what}: left out with its end outside the export"));
            }
            continue;
        }
        let source = config_of(&link.source_config, &mut notes, &what);
        let target = config_of(&link.target_config, &mut notes, &what);
        let property = LinkProperty {
            namespace: link.wit_namespace.clone(),
            package: link.wit_package.clone(),
            interfaces: link.interfaces.clone(),
            source: (!source.is_empty()).then(|| ConfigDefinition {
                config: source,
                secrets: Vec::new(),
            }),
            target: TargetConfig {
                name: link.target.clone(),
                config: target,
                secrets: Vec::new(),
            },
            name: Some(link.name.clone()),
            ..Default::default()
        };
        traits
            .entry(link.source_id.clone())
            .or_default()
            .push(Trait {
                trait_type: wadm_types::LINK_TRAIT.to_owned(),
                properties: TraitProperty::Link(property),
            });
    }

    let mut spec = Vec::new();
    for (id, (image, instances)) in components {
        let properties = Properties::Component {
            properties: ComponentProperties {
                image: Some(image),
                application: None,
                id: Some(id.clone()),
                config: Vec::new(),
                secrets: Vec::new(),
            },
        };
        let links = traits.remove(&id).unwrap_or_default();
        spec.push(entry(id, properties, instances, links));
    }
    for (id, image) in providers {
        let properties = Properties::Capability {
            properties: CapabilityProperties {
                image: Some(image),
                application: None,
                id: Some(id.clone()),
                config: Vec::new(),
                secrets: Vec::new(),
            },
        };
        let links = traits.remove(&id).unwrap_or_default();
        spec.push(entry(id, properties, 1, links));
    }
    let manifest = Manifest {
        api_version: wadm_types::OAM_VERSION.to_owned(),
        kind: wadm_types::APPLICATION_KIND.to_owned(),
        metadata: Metadata {
            name: options.name.clone(),
            annotations: BTreeMap::from([(
                wadm_types::VERSION_ANNOTATION_KEY.to_owned(),
                options.version.clone(),
            )]),
            labels: BTreeMap::new(),
        },
        spec: Specification {
            components: spec,
            policies: Vec::new(),
        },
    };
    Exported { manifest, notes }
}

/// One manifest entry: a spreadscaler holding `instances`, then its `links`.
fn entry(name: String, properties: Properties, instances: usize, links: Vec<Trait>) -> Component {
    let mut traits = vec![Trait {
        trait_type: wadm_types::SPREADSCALER_TRAIT.to_owned(),
        properties: TraitProperty::SpreadScaler(SpreadScalerProperty {
            instances,
            spread: Vec::new(),
        }),
    }];
    traits.extend(links);
    Component {
        name,
        properties,
        traits: Some(traits),
    }
}

/// wasmCloud's secret references are named config with this prefix.
fn is_secret(name: &str) -> bool {
    name.starts_with("SECRET_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_proto::{ComponentDescription, ProviderDescription};

    fn inventory(
        components: Vec<ComponentDescription>,
        providers: Vec<ProviderDescription>,
    ) -> HostInventory {
        serde_json::from_value(serde_json::json!({
            "host_id": "NHOST", "friendly_name": "h", "labels": {}, "version": "0.1.0",
            "uptime_seconds": 1, "uptime_human": "1s",
            "components": components, "providers": providers,
        }))
        .unwrap()
    }

    fn component(id: &str, count: u32) -> ComponentDescription {
        serde_json::from_value(serde_json::json!({
            "id": id, "image_ref": format!("file:///{id}.wasm"), "annotations": {},
            "revision": 0, "max_instances": count,
        }))
        .unwrap()
    }

    fn provider(id: &str) -> ProviderDescription {
        serde_json::from_value(serde_json::json!({
            "id": id, "image_ref": "builtin://http-server", "annotations": {}, "revision": 0,
        }))
        .unwrap()
    }

    fn link(source: &str, target: &str, source_config: &[&str]) -> Link {
        Link {
            source_id: source.into(),
            target: target.into(),
            name: "default".into(),
            wit_namespace: "wasi".into(),
            wit_package: "http".into(),
            interfaces: vec!["incoming-handler".into()],
            source_config: source_config.iter().map(|s| s.to_string()).collect(),
            target_config: vec![],
        }
    }

    fn options(select: Option<&[&str]>) -> ExportOptions {
        ExportOptions {
            name: "exported".into(),
            version: "v1".into(),
            select: select.map(|s| s.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[tokio::test]
    async fn the_live_graph_becomes_a_manifest_wadm_accepts() {
        let hosts = [
            inventory(vec![component("web", 2)], vec![provider("http")]),
            inventory(vec![component("web", 1)], vec![]),
        ];
        let links = [link("http", "web", &["address"])];
        let configs = BTreeMap::from([(
            "address".to_owned(),
            ConfigMap::from([("address".to_owned(), "127.0.0.1:8080".to_owned())]),
        )]);
        let exported = manifest_of(&hosts, &links, &configs, &options(None));
        assert!(exported.notes.is_empty(), "{:?}", exported.notes);
        let yaml = exported.to_yaml().unwrap();
        let loaded = crate::parse_manifest(&yaml, "exported.yaml")
            .await
            .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let m = loaded.manifest;
        assert_eq!(m.version(), "v1");
        let web = m.spec.components.iter().find(|c| c.name == "web").unwrap();
        let instances = web
            .traits
            .as_ref()
            .unwrap()
            .iter()
            .find_map(|t| match &t.properties {
                TraitProperty::SpreadScaler(s) => Some(s.instances),
                _ => None,
            });
        assert_eq!(instances, Some(3), "instances on both hosts add up");
        assert!(yaml.contains("address: 127.0.0.1:8080"), "{yaml}");
        assert!(
            yaml.contains("target:") && yaml.contains("name: web"),
            "{yaml}"
        );
    }

    #[test]
    fn a_selection_keeps_its_ids_and_says_which_links_it_cut() {
        let hosts = [inventory(
            vec![component("web", 1), component("api", 1)],
            vec![provider("http")],
        )];
        let links = [
            link("http", "web", &[]),
            link("http", "api", &["SECRET_key"]),
        ];
        let exported = manifest_of(
            &hosts,
            &links,
            &BTreeMap::new(),
            &options(Some(&["http", "api"])),
        );
        let names: Vec<&str> = exported
            .manifest
            .spec
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["api", "http"]);
        assert!(
            exported
                .notes
                .iter()
                .any(|n| n.contains("http → web") && n.contains("left out")),
            "{:?}",
            exported.notes
        );
        assert!(
            exported
                .notes
                .iter()
                .any(|n| n.contains("secret SECRET_key is not exported")),
            "{:?}",
            exported.notes
        );
    }
}
