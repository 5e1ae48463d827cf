//! The built-in providers: one table of what each one is, and the one rule for naming
//! them.
//!
//! A Trellis host runs a few capability providers in-process instead of pulling provider
//! images. Whatever needs to know about them reads this module: the host (which starts
//! them and routes their links), the CLI, the app, and [`HostCapabilities`] for the
//! satisfaction analysis. The table itself is `crates/wit/builtin_providers.json`, which
//! the frontend's link check imports too, so every side knows the same providers.
//!
//! # Naming a built-in
//! A reference names a built-in provider when it is one of:
//! - `builtin://NAME`: Trellis' spelling, and the `image_ref` a Trellis host's
//!   inventory lists ([`BuiltinSpec::reference`]);
//! - `wasmcloud+builtin://NAME`: the wire form wasmCloud 1.x hosts accept in
//!   `provider.start` ([`BuiltinSpec::wire_reference`]);
//! - a bare `NAME`, as a wasmCloud 1.9 host reports a built-in in `provider_started`.
//!
//! Surrounding whitespace and a trailing `/` are ignored; names are case-sensitive.
//! Anything else (an OCI reference, a `file://` URL) is not a built-in.
//!
//! # Example
//! ```
//! use trellis_wit::{builtin_wire_reference, parse_builtin_reference};
//!
//! let kv = parse_builtin_reference("builtin://keyvalue").unwrap();
//! assert_eq!(kv.name(), "keyvalue");
//! assert_eq!(kv.wire_reference(), "wasmcloud+builtin://keyvalue");
//! assert!(kv.exports().iter().any(|e| e == "wasi:keyvalue/store@0.2.0-draft"));
//!
//! assert_eq!(
//!     builtin_wire_reference("http-server").as_deref(),
//!     Some("wasmcloud+builtin://http-server")
//! );
//! assert!(parse_builtin_reference("ghcr.io/wasmcloud/http-server:0.27").is_none());
//! ```
//!
//! [`HostCapabilities`]: crate::HostCapabilities

use std::sync::OnceLock;

use serde::Deserialize;
use trellis_proto::ConfigMap;

/// The scheme Trellis writes built-in references with.
const TRELLIS_SCHEME: &str = "builtin://";

/// The scheme wasmCloud 1.x hosts accept for built-in providers.
const WASMCLOUD_SCHEME: &str = "wasmcloud+builtin://";

/// The table: what each built-in provider exports (`ns:pkg/iface@version`), which
/// component exports it calls, and its default config. Shared with the frontend.
const BUILTIN_PROVIDERS_JSON: &str = include_str!("../builtin_providers.json");

/// One built-in provider, as the table describes it.
///
/// For the satisfaction analysis, [`HostCapabilities`](crate::HostCapabilities) turns
/// each into a [`BuiltinProvider`](crate::BuiltinProvider), whose exports carry their
/// functions and types.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BuiltinSpec {
    name: String,
    summary: String,
    exports: Vec<String>,
    calls: Vec<String>,
    #[serde(default)]
    default_config: ConfigMap,
}

impl BuiltinSpec {
    /// Its name, e.g. `keyvalue`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it does, in one sentence.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The interfaces components import from it, `ns:pkg/iface@version`.
    pub fn exports(&self) -> &[String] {
        &self.exports
    }

    /// The component exports it calls through a link whose source it is
    /// (`ns:pkg/iface`), e.g. `wasi:http/incoming-handler` for `http-server`.
    pub fn calls(&self) -> &[String] {
        &self.calls
    }

    /// The config it uses for a key that is not set, e.g. `http-server`'s `address`
    /// (`127.0.0.1:8000`). Empty when every key is optional or the default depends on
    /// the host.
    pub fn default_config(&self) -> &ConfigMap {
        &self.default_config
    }

    /// `builtin://NAME`: how Trellis names it, and its inventory `image_ref`.
    pub fn reference(&self) -> String {
        format!("{TRELLIS_SCHEME}{}", self.name)
    }

    /// `wasmcloud+builtin://NAME`: the form to send in `provider.start`, which
    /// wasmCloud 1.x hosts and Trellis hosts both accept.
    pub fn wire_reference(&self) -> String {
        format!("{WASMCLOUD_SCHEME}{}", self.name)
    }

    /// Whether it exports `interface` (`ns:pkg/iface`, with or without a version).
    pub fn exports_interface(&self, interface: &str) -> bool {
        let unversioned = |name: &str| name.split_once('@').map_or(name, |(n, _)| n).to_owned();
        let wanted = unversioned(interface.trim());
        self.exports.iter().any(|e| unversioned(e) == wanted)
    }
}

/// Every built-in provider, in the table's order (http-server, http-client, keyvalue,
/// blobstore, messaging).
pub fn builtin_providers() -> &'static [BuiltinSpec] {
    static PARSED: OnceLock<Vec<BuiltinSpec>> = OnceLock::new();
    // Compile-time text: a malformed table is caught by this module's tests.
    PARSED.get_or_init(|| serde_json::from_str(BUILTIN_PROVIDERS_JSON).unwrap_or_default())
}

/// The names of every built-in provider, in the table's order; for messages such as
/// "known: http-server, http-client, …".
pub fn builtin_names() -> Vec<&'static str> {
    builtin_providers().iter().map(BuiltinSpec::name).collect()
}

/// The `NAME` of a reference written as a built-in (`builtin://NAME`,
/// `wasmcloud+builtin://NAME` or a bare `NAME` without `/` or `:`), whether or not a
/// built-in has that name; `None` for any other reference.
///
/// Use it to tell "an unknown built-in" from "not a built-in at all";
/// [`parse_builtin_reference`] answers the known ones.
pub fn builtin_reference_name(reference: &str) -> Option<&str> {
    let reference = reference.trim();
    let name = match reference
        .strip_prefix(WASMCLOUD_SCHEME)
        .or_else(|| reference.strip_prefix(TRELLIS_SCHEME))
    {
        Some(name) => name.trim_end_matches('/'),
        None if reference.contains(['/', ':']) => return None,
        None => reference,
    };
    (!name.is_empty()).then_some(name)
}

/// The built-in provider `reference` names (`builtin://NAME`,
/// `wasmcloud+builtin://NAME` or a bare `NAME`), if it is a known one.
pub fn parse_builtin_reference(reference: &str) -> Option<&'static BuiltinSpec> {
    let name = builtin_reference_name(reference)?;
    builtin_providers().iter().find(|b| b.name == name)
}

/// The wire form `wasmcloud+builtin://NAME` of a reference to a known built-in, in any
/// of the accepted spellings; `None` when it names none.
pub fn builtin_wire_reference(reference: &str) -> Option<String> {
    parse_builtin_reference(reference).map(BuiltinSpec::wire_reference)
}

/// The built-in provider that exports `interface` (`ns:pkg/iface`, with or without a
/// version), if one does.
pub fn builtin_exporting(interface: &str) -> Option<&'static BuiltinSpec> {
    builtin_providers()
        .iter()
        .find(|b| b.exports_interface(interface))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_lists_every_builtin_once() {
        let parsed: Vec<BuiltinSpec> = serde_json::from_str(BUILTIN_PROVIDERS_JSON).unwrap();
        assert_eq!(builtin_providers(), parsed.as_slice());
        assert_eq!(
            builtin_names(),
            [
                "http-server",
                "http-client",
                "keyvalue",
                "blobstore",
                "messaging"
            ]
        );
        for spec in builtin_providers() {
            assert!(!spec.summary().is_empty(), "{} has no summary", spec.name());
            for export in spec.exports() {
                assert!(
                    crate::InterfaceRef::parse(export).is_ok(),
                    "{}: {export} is no ns:pkg/iface@version",
                    spec.name()
                );
            }
        }
    }

    #[test]
    fn a_builtin_parses_from_every_spelling() {
        for reference in [
            "builtin://keyvalue",
            "wasmcloud+builtin://keyvalue",
            "keyvalue",
            "  builtin://keyvalue/ ",
            "wasmcloud+builtin://keyvalue/",
        ] {
            let spec = parse_builtin_reference(reference)
                .unwrap_or_else(|| panic!("{reference:?} is keyvalue"));
            assert_eq!(spec.name(), "keyvalue", "{reference:?}");
        }
    }

    #[test]
    fn other_references_are_no_builtin() {
        for reference in [
            "ghcr.io/wasmcloud/keyvalue-redis:0.28",
            "file:///tmp/keyvalue",
            "builtin://",
            "",
            "Keyvalue",
            "builtin://nope",
            "oci://keyvalue",
        ] {
            assert!(
                parse_builtin_reference(reference).is_none(),
                "{reference:?} is no builtin"
            );
        }
    }

    #[test]
    fn an_unknown_name_in_builtin_form_is_told_apart_from_other_references() {
        assert_eq!(builtin_reference_name("builtin://nope"), Some("nope"));
        assert_eq!(
            builtin_reference_name("wasmcloud+builtin://nope"),
            Some("nope")
        );
        assert_eq!(builtin_reference_name("nope"), Some("nope"));
        assert_eq!(builtin_reference_name("ghcr.io/x/nope:1"), None);
        assert_eq!(builtin_reference_name("localhost:5000"), None);
        assert_eq!(builtin_reference_name("builtin://"), None);
    }

    #[test]
    fn references_and_the_wire_form() {
        let http = parse_builtin_reference("http-server").unwrap();
        assert_eq!(http.reference(), "builtin://http-server");
        assert_eq!(http.wire_reference(), "wasmcloud+builtin://http-server");
        assert_eq!(
            builtin_wire_reference("builtin://messaging").as_deref(),
            Some("wasmcloud+builtin://messaging")
        );
        assert_eq!(builtin_wire_reference("ghcr.io/x/y:1"), None);
        for spec in builtin_providers() {
            assert_eq!(parse_builtin_reference(&spec.reference()), Some(spec));
            assert_eq!(parse_builtin_reference(&spec.wire_reference()), Some(spec));
        }
    }

    #[test]
    fn what_each_exports_calls_and_defaults_to() {
        let http = parse_builtin_reference("http-server").unwrap();
        assert!(http.exports().is_empty());
        assert_eq!(http.calls(), ["wasi:http/incoming-handler"]);
        assert_eq!(
            http.default_config().get("address").map(String::as_str),
            Some("127.0.0.1:8000")
        );
        assert!(parse_builtin_reference("keyvalue")
            .unwrap()
            .default_config()
            .is_empty());
        assert_eq!(
            builtin_exporting("wasi:keyvalue/atomics").map(BuiltinSpec::name),
            Some("keyvalue")
        );
        assert_eq!(
            builtin_exporting("wasi:http/outgoing-handler@0.2.0").map(BuiltinSpec::name),
            Some("http-client")
        );
        assert_eq!(
            builtin_exporting("wasmcloud:messaging/types@0.2.0").map(BuiltinSpec::name),
            Some("messaging")
        );
        assert!(builtin_exporting("wasi:http/types").is_none());
        assert!(builtin_exporting("wasi:keyvalue/watcher").is_none());
    }
}
