//! Named config: every config with its values and who uses it, and edits checked first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use trellis_proto::ConfigMap;

use super::{OpsError, Result};
use crate::{Client, ModelSnapshot};

/// One named config, its values, and the links that give it to a component or provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NamedConfig {
    /// The config's name.
    pub name: String,
    /// Its values; `None` when it does not exist (a link names it), could not be read, or
    /// is a secret reference (`SECRET_…`, never shown).
    pub values: Option<ConfigMap>,
    /// Who it is given to, through which link.
    pub used_by: Vec<ConfigUse>,
}

/// A link giving a named config to one of its ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigUse {
    /// The component or provider that receives it.
    pub id: String,
    /// `source` or `target`: which end of the link `id` is.
    pub end: String,
    /// The link's source, target and name, as `source → target (name)`.
    pub link: String,
}

/// Every named config the lattice knows (stored, or named by a link), with its values and
/// users, sorted by name.
///
/// Stored names come from `CONFIGDATA_<lattice>` itself when it can be read, so a config
/// put or deleted a moment ago shows as such before its event reaches the model.
pub async fn list_configs(client: &Client, snapshot: &ModelSnapshot) -> Result<Vec<NamedConfig>> {
    let stored = crate::model::config_names(client)
        .await
        .unwrap_or_else(|| snapshot.configs.clone());
    let mut users: BTreeMap<String, Vec<ConfigUse>> =
        stored.into_iter().map(|name| (name, Vec::new())).collect();
    for link in &snapshot.links {
        let label = format!("{} → {} ({})", link.source_id, link.target, link.name);
        for (names, id, end) in [
            (&link.source_config, &link.source_id, "source"),
            (&link.target_config, &link.target, "target"),
        ] {
            for name in names {
                users.entry(name.clone()).or_default().push(ConfigUse {
                    id: id.clone(),
                    end: end.to_owned(),
                    link: label.clone(),
                });
            }
        }
    }
    let mut configs = Vec::with_capacity(users.len());
    for (name, used_by) in users {
        let values = if values_shown(&name) {
            client.config_get(&name).await?
        } else {
            None
        };
        configs.push(NamedConfig {
            name,
            values,
            used_by,
        });
    }
    Ok(configs)
}

/// Creates or replaces config `name` with `values`.
pub async fn put_config(client: &Client, name: &str, values: &ConfigMap) -> Result<String> {
    let name = checked_name(name)?;
    if let Some(key) = values.keys().find(|k| k.trim().is_empty()) {
        return Err(OpsError::InvalidInput(format!(
            "config {name:?} has an empty key ({key:?})"
        )));
    }
    Ok(client.config_put(name, values).await?)
}

/// Deletes config `name`.
pub async fn delete_config(client: &Client, name: &str) -> Result<String> {
    Ok(client.config_del(checked_name(name)?).await?)
}

/// A config name as `config.put` takes it: one subject token and one KV key (the
/// protocol's own rule, `trellis_proto::validate_config_name`).
fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OpsError::InvalidInput(
            "a config name is required".to_owned(),
        ));
    }
    trellis_proto::validate_config_name(name)
        .map_err(|e| OpsError::InvalidInput(format!("config name: {e}")))?;
    Ok(name)
}

/// Whether a config's values may be shown: names starting `SECRET_` are references to
/// secrets, whose entries are listed by name only (they never reach the webview).
pub(super) fn values_shown(name: &str) -> bool {
    !name.starts_with(trellis_proto::SECRET_CONFIG_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::{checked_name, values_shown};

    #[test]
    fn config_names_are_one_key() {
        assert_eq!(checked_name(" web ").unwrap(), "web");
        for bad in ["", "a b", "x*", ".x"] {
            let err = checked_name(bad).unwrap_err().to_string();
            assert!(
                err.contains("config name") || err.contains("required"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn secret_references_are_listed_by_name_only() {
        assert!(values_shown("web"));
        assert!(!values_shown("SECRET_db"));
    }
}
