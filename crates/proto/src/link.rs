//! Link definitions: the ctl `Link`, its delete request and the provider link message.

use serde::{Deserialize, Serialize};

use crate::{ConfigMap, ProtoError, DEFAULT_LINK_NAME};

pub(crate) fn default_link_name() -> String {
    DEFAULT_LINK_NAME.to_owned()
}

/// A link from a source to a target over one WIT package: `link.put` body,
/// `link.get` entry, `linkdef_set` data and KV `COMPONENT_<id>` entry.
///
/// Config lists hold config *names* (entries in `CONFIGDATA_<lattice>`), not values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Link {
    /// The calling side (for `wasi:http` incoming, the http-server provider).
    pub source_id: String,
    /// The called side.
    pub target: String,
    /// Link name; `"default"` when left out of the JSON.
    #[serde(default = "default_link_name")]
    pub name: String,
    /// WIT namespace, e.g. `wasi`.
    pub wit_namespace: String,
    /// WIT package, e.g. `http`.
    pub wit_package: String,
    /// Interfaces of the package, e.g. `["incoming-handler"]`.
    #[serde(default)]
    pub interfaces: Vec<String>,
    /// Config names applied on the source side.
    #[serde(default)]
    pub source_config: Vec<String>,
    /// Config names applied on the target side.
    #[serde(default)]
    pub target_config: Vec<String>,
}

/// What identifies a link in a lattice: (source, namespace, package, name).
///
/// Two links with the same key and overlapping interfaces but different
/// targets conflict; `link.del` removes by this key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkKey {
    /// The link source.
    pub source_id: String,
    /// WIT namespace.
    pub wit_namespace: String,
    /// WIT package.
    pub wit_package: String,
    /// Link name.
    pub name: String,
}

impl Link {
    /// The (source, namespace, package, name) key of this link.
    pub fn key(&self) -> LinkKey {
        LinkKey {
            source_id: self.source_id.clone(),
            wit_namespace: self.wit_namespace.clone(),
            wit_package: self.wit_package.clone(),
            name: self.name.clone(),
        }
    }

    /// `ns:pkg`, e.g. `wasi:http`.
    pub fn wit_package_id(&self) -> String {
        format!("{}:{}", self.wit_namespace, self.wit_package)
    }

    /// Whether putting `other` must be rejected because of `self`: same key,
    /// at least one shared interface, another target.
    pub fn conflicts_with(&self, other: &Link) -> bool {
        self.source_id == other.source_id
            && self.wit_namespace == other.wit_namespace
            && self.wit_package == other.wit_package
            && self.name == other.name
            && self.target != other.target
            && self.interfaces.iter().any(|i| other.interfaces.contains(i))
    }

    /// Whether putting `other` replaces `self`: same key and same target.
    pub fn is_replaced_by(&self, other: &Link) -> bool {
        self.key() == other.key() && self.target == other.target
    }

    /// Checks that the identifying fields are present, naming the first empty one.
    pub fn validate(&self) -> Result<(), ProtoError> {
        for (field, value) in [
            ("source_id", &self.source_id),
            ("target", &self.target),
            ("name", &self.name),
            ("wit_namespace", &self.wit_namespace),
            ("wit_package", &self.wit_package),
        ] {
            if value.trim().is_empty() {
                return Err(ProtoError::InvalidLink(format!(
                    "`{field}` must not be empty"
                )));
            }
        }
        if let Some(bad) = self.interfaces.iter().find(|i| i.trim().is_empty()) {
            return Err(ProtoError::InvalidLink(format!(
                "interface name {bad:?} is empty"
            )));
        }
        Ok(())
    }
}

/// `link.del` request body; keyed on (source, namespace, package, name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeleteLinkRequest {
    /// The link source.
    pub source_id: String,
    /// Link name; `"default"` when left out of the JSON.
    #[serde(default = "default_link_name")]
    pub name: String,
    /// WIT namespace.
    pub wit_namespace: String,
    /// WIT package.
    pub wit_package: String,
}

impl DeleteLinkRequest {
    /// The key of the link(s) to delete.
    pub fn key(&self) -> LinkKey {
        LinkKey {
            source_id: self.source_id.clone(),
            wit_namespace: self.wit_namespace.clone(),
            wit_package: self.wit_package.clone(),
            name: self.name.clone(),
        }
    }
}

/// The link message sent to providers on `wasmbus.rpc.<lattice>.<id>.linkdefs.put`
/// (upstream `InterfaceLinkDefinition`): the `Link` fields with config names
/// resolved into merged maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDefinition {
    /// The link source.
    pub source_id: String,
    /// The link target.
    pub target: String,
    /// Link name.
    #[serde(default = "default_link_name")]
    pub name: String,
    /// WIT namespace.
    pub wit_namespace: String,
    /// WIT package.
    pub wit_package: String,
    /// Interfaces of the package.
    #[serde(default)]
    pub interfaces: Vec<String>,
    /// Resolved source-side config values.
    #[serde(default)]
    pub source_config: ConfigMap,
    /// Resolved target-side config values.
    #[serde(default)]
    pub target_config: ConfigMap,
    /// Sealed source secrets; `null` when there are none.
    #[serde(default)]
    pub source_secrets: Option<Vec<u8>>,
    /// Sealed target secrets; `null` when there are none.
    #[serde(default)]
    pub target_secrets: Option<Vec<u8>>,
}

impl LinkDefinition {
    /// Builds the provider message for `link` from already-resolved config maps.
    pub fn from_link(link: &Link, source_config: ConfigMap, target_config: ConfigMap) -> Self {
        Self {
            source_id: link.source_id.clone(),
            target: link.target.clone(),
            name: link.name.clone(),
            wit_namespace: link.wit_namespace.clone(),
            wit_package: link.wit_package.clone(),
            interfaces: link.interfaces.clone(),
            source_config,
            target_config,
            source_secrets: None,
            target_secrets: None,
        }
    }
}
