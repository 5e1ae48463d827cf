//! The `HostData` a provider reads from its stdin: base64 of one JSON object, then
//! `\r\n`, as a wasmCloud 1.x host writes it (the SDK reads one line and trims it).
//!
//! The fields are those of `wasmcloud_core::HostData` that `wasmcloud-provider-sdk`
//! 0.17 parses; `otel_config` and `log_level` are left out, which the SDK reads as
//! defaults.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;
use trellis_proto::{ConfigMap, LinkDefinition};

/// What a starting provider is told. Private key material lives here only long enough
/// to be written to the child's stdin.
#[derive(Serialize)]
pub(super) struct HostData<'a> {
    pub(super) host_id: &'a str,
    /// The lattice name: the SDK builds `wasmbus.rpc.<prefix>.…` and wRPC prefixes from it.
    pub(super) lattice_rpc_prefix: &'a str,
    pub(super) link_name: &'static str,
    /// Empty, with the seed, for a server without decentralised (JWT) auth: the SDK then
    /// connects with plain options, and a URL's `user:password@` still applies.
    pub(super) lattice_rpc_user_jwt: &'static str,
    pub(super) lattice_rpc_user_seed: &'static str,
    pub(super) lattice_rpc_url: &'a str,
    /// The provider id (wasmCloud 1.x calls it the provider key).
    pub(super) provider_key: &'a str,
    /// Required by the SDK's parser, empty as on a 1.x host.
    pub(super) env_values: BTreeMap<String, String>,
    pub(super) instance_id: &'a str,
    /// The links that already name the provider, with their config resolved.
    pub(super) link_definitions: &'a [LinkDefinition],
    pub(super) cluster_issuers: Vec<String>,
    /// The provider's merged named config.
    pub(super) config: &'a ConfigMap,
    /// No secrets backend here: always empty.
    pub(super) secrets: BTreeMap<String, String>,
    /// With `provider_xkey_private_key` set, SDK providers (1.1+) listen for links on
    /// `wasmbus.rpc.<lattice>.<provider xkey public key>.linkdefs.put`.
    pub(super) host_xkey_public_key: &'a str,
    pub(super) provider_xkey_private_key: &'a str,
    pub(super) default_rpc_timeout_ms: u64,
    pub(super) structured_logging: bool,
}

impl HostData<'_> {
    /// The bytes written to the child's stdin: base64 (standard, padded) and `\r\n`.
    pub(super) fn to_stdin(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("HostData serialises");
        let mut line = base64::engine::general_purpose::STANDARD
            .encode(json)
            .into_bytes();
        line.extend_from_slice(b"\r\n");
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_one_base64_line_of_the_sdk_field_names() {
        let config = ConfigMap::from([("k".to_owned(), "v".to_owned())]);
        let data = HostData {
            host_id: "NHOST",
            lattice_rpc_prefix: "default",
            link_name: "default",
            lattice_rpc_user_jwt: "",
            lattice_rpc_user_seed: "",
            lattice_rpc_url: "nats://127.0.0.1:4222",
            provider_key: "counter",
            env_values: BTreeMap::new(),
            instance_id: "i",
            link_definitions: &[],
            cluster_issuers: Vec::new(),
            config: &config,
            secrets: BTreeMap::new(),
            host_xkey_public_key: "XHOST",
            provider_xkey_private_key: "SXPROV",
            default_rpc_timeout_ms: 2000,
            structured_logging: false,
        };
        let line = data.to_stdin();
        assert!(line.ends_with(b"\r\n"));
        let json = base64::engine::general_purpose::STANDARD
            .decode(&line[..line.len() - 2])
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["provider_key"], "counter");
        assert_eq!(value["lattice_rpc_prefix"], "default");
        assert_eq!(value["config"]["k"], "v");
        assert_eq!(value["env_values"], serde_json::json!({}));
        assert_eq!(value["link_definitions"], serde_json::json!([]));
        assert_eq!(value["provider_xkey_private_key"], "SXPROV");
    }
}
