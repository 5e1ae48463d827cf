//! Named config (`CONFIGDATA_<lattice>`) and component specs (`LATTICEDATA_<lattice>`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Link, ProtoError};

/// A named config's values: `config.put` body, `config.get` reply, `CONFIGDATA` entry.
pub type ConfigMap = BTreeMap<String, String>;

/// Config names with this prefix are references to secrets, not plain config.
pub const SECRET_CONFIG_PREFIX: &str = "SECRET_";

/// Turns a JSON value into a [`ConfigMap`], refusing anything but an object of strings.
///
/// The error's message starts as a wasmCloud host's does ("config data should be
/// a map of string -> string") and names the first key whose value is not a string.
pub fn config_map_from_value(value: serde_json::Value) -> Result<ConfigMap, ProtoError> {
    let serde_json::Value::Object(map) = value else {
        return Err(ProtoError::InvalidConfig(format!(
            "got {}, not an object",
            json_kind(&value)
        )));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            other => Err(ProtoError::InvalidConfig(format!(
                "the value of {k:?} is {}, not a string",
                json_kind(&other)
            ))),
        })
        .collect()
}

/// How a JSON value is described in an error: "a number", "null", …
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Parses a `config.put` body (or a `CONFIGDATA` value) into a [`ConfigMap`].
///
/// Malformed JSON and non-string values both give [`ProtoError::InvalidConfig`].
pub fn parse_config_map(bytes: &[u8]) -> Result<ConfigMap, ProtoError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ProtoError::InvalidConfig(format!("not valid JSON ({e})")))?;
    config_map_from_value(value)
}

/// A `LATTICEDATA_<lattice>` `COMPONENT_<id>` entry: where the component (or
/// provider) came from and every link whose source it is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// The image reference (builtins: the bare name, e.g. `http-server`).
    #[serde(default)]
    pub url: String,
    /// Links with this id as `source_id`.
    #[serde(default)]
    pub links: Vec<Link>,
}
