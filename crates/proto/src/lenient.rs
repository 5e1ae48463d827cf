//! Serde helpers for fields where hosts of different versions disagree on types.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An optional string map whose values may also arrive as numbers or booleans
/// (e.g. a memory limit written as `1048576`); they are kept as their JSON text.
pub(crate) fn opt_string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let Some(map) = Option::<BTreeMap<String, Value>>::deserialize(d)? else {
        return Ok(None);
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            Value::Bool(b) => Ok((k, b.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "value of {k:?} should be a string, number or boolean, not {other}"
            ))),
        })
        .collect::<Result<_, _>>()
        .map(Some)
}
