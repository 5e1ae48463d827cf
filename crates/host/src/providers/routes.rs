//! [`LinkRoutes`]: where one component's imports go, built from its outgoing links.

use std::collections::BTreeMap;
use std::sync::Arc;

use trellis_proto::{ConfigMap, Link};

/// The far end of one link, as seen by the importing component.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkTarget {
    /// The target id (a provider or a component).
    pub target: String,
    /// The link's source config, resolved and merged.
    pub source_config: ConfigMap,
    /// The link's target config, resolved and merged (e.g. keyvalue `bucket`).
    pub target_config: ConfigMap,
}

/// Routes of one component: interface `ns:pkg/iface` + link name → [`LinkTarget`].
///
/// Cheap to clone: the map is shared and copied only when changed. Keyed by
/// interface, then link name, so a lookup on the request path borrows its keys
/// instead of allocating them.
#[derive(Debug, Clone, Default)]
pub struct LinkRoutes {
    routes: Arc<BTreeMap<String, BTreeMap<String, LinkTarget>>>,
}

impl LinkRoutes {
    /// No routes: every provider import fails with "no link satisfies it".
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `interface` (`ns:pkg/iface`, no version) under link `name` to `target`.
    pub fn insert(&mut self, interface: &str, name: &str, target: LinkTarget) {
        Arc::make_mut(&mut self.routes)
            .entry(interface.to_owned())
            .or_default()
            .insert(name.to_owned(), target);
    }

    /// Routes every interface of `link` (whose source is this component).
    pub fn add_link(&mut self, link: &Link, source_config: ConfigMap, target_config: ConfigMap) {
        let target = LinkTarget {
            target: link.target.clone(),
            source_config,
            target_config,
        };
        for interface in &link.interfaces {
            let key = format!("{}:{}/{}", link.wit_namespace, link.wit_package, interface);
            self.insert(&key, &link.name, target.clone());
        }
    }

    /// The target for `interface` under link `name`.
    pub fn get(&self, interface: &str, name: &str) -> Option<&LinkTarget> {
        self.routes.get(interface)?.get(name)
    }

    /// Every route as (interface, link name, target).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &LinkTarget)> {
        self.routes.iter().flat_map(|(iface, names)| {
            names
                .iter()
                .map(move |(name, target)| (iface.as_str(), name.as_str(), target))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_routes_each_of_its_interfaces_under_its_name() {
        let link = Link {
            source_id: "comp".into(),
            target: "kv".into(),
            name: "cache".into(),
            wit_namespace: "wasi".into(),
            wit_package: "keyvalue".into(),
            interfaces: vec!["store".into(), "atomics".into()],
            source_config: vec![],
            target_config: vec![],
        };
        let mut routes = LinkRoutes::new();
        let config = ConfigMap::from([("bucket".to_string(), "b1".to_string())]);
        routes.add_link(&link, ConfigMap::new(), config.clone());
        let hit = routes.get("wasi:keyvalue/atomics", "cache").unwrap();
        assert_eq!(hit.target, "kv");
        assert_eq!(hit.target_config, config);
        assert!(routes.get("wasi:keyvalue/store", "default").is_none());
        assert!(routes.get("wasi:keyvalue/batch", "cache").is_none());
        assert_eq!(routes.iter().count(), 2);
    }
}
