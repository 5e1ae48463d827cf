//! JetStream KV bucket names and keys that hold lattice state.

/// Prefix of the per-lattice bucket holding component specs and claims.
pub const LATTICE_DATA_PREFIX: &str = "LATTICEDATA_";
/// Prefix of the per-lattice bucket holding named config.
pub const CONFIG_DATA_PREFIX: &str = "CONFIGDATA_";
/// Key prefix of a [`crate::ComponentSpec`] entry.
pub const COMPONENT_KEY_PREFIX: &str = "COMPONENT_";
/// Key prefix of a stored claims entry.
pub const CLAIMS_KEY_PREFIX: &str = "CLAIMS_";

/// `LATTICEDATA_<lattice>`.
pub fn lattice_data_bucket(lattice: &str) -> String {
    format!("{LATTICE_DATA_PREFIX}{lattice}")
}
/// `CONFIGDATA_<lattice>`.
pub fn config_data_bucket(lattice: &str) -> String {
    format!("{CONFIG_DATA_PREFIX}{lattice}")
}
/// `COMPONENT_<id>`, the key of a component's (or link-source provider's) spec.
pub fn component_key(id: &str) -> String {
    format!("{COMPONENT_KEY_PREFIX}{id}")
}
/// `CLAIMS_<public_key>`.
pub fn claims_key(public_key: &str) -> String {
    format!("{CLAIMS_KEY_PREFIX}{public_key}")
}
/// The id in a `COMPONENT_<id>` key; `None` for other keys (`CLAIMS_*`, legacy `LINKDEF_*`).
pub fn component_id_from_key(key: &str) -> Option<&str> {
    key.strip_prefix(COMPONENT_KEY_PREFIX)
        .filter(|id| !id.is_empty())
}
