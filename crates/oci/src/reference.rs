//! Telling an OCI reference from a path, and parsing it.

use std::net::IpAddr;

use oci_client::Reference;

use crate::OciError;

/// An optional scheme some tools put before a reference (`oci://ghcr.io/x:1`).
pub const OCI_SCHEME: &str = "oci://";

/// Whether `text` reads as an OCI reference rather than a file path.
///
/// A reference names a registry host in its first segment (`ghcr.io/…`,
/// `localhost:5000/…`, `127.0.0.1:5000/…`) or carries the `oci://` scheme. Anything
/// that starts like a path (`/`, `.`, `~`) or ends in `.wasm` is a path.
pub fn is_oci_reference(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with(OCI_SCHEME) {
        return true;
    }
    if text.is_empty()
        || text.contains("://")
        || text.starts_with(['/', '.', '~'])
        || text.ends_with(".wasm")
        || text.contains(char::is_whitespace)
    {
        return false;
    }
    let Some((first, rest)) = text.split_once('/') else {
        return false;
    };
    !rest.is_empty() && (first.contains('.') || first.contains(':') || first == "localhost")
}

/// Parses a reference (with or without `oci://`), naming what is wrong when it fails.
pub fn parse_reference(text: &str) -> Result<Reference, OciError> {
    let trimmed = text.trim();
    let bare = trimmed.strip_prefix(OCI_SCHEME).unwrap_or(trimmed);
    bare.parse::<Reference>()
        .map_err(|error| OciError::InvalidReference {
            reference: text.to_owned(),
            reason: error.to_string(),
        })
}

/// Whether a registry (`host[:port]`) is on this machine: the only registries spoken to
/// over plain HTTP.
pub(crate) fn is_loopback_registry(registry: &str) -> bool {
    let host = match registry.rsplit_once(':') {
        // `[::1]:5000`, `127.0.0.1:5000`, `localhost:5000`; a bare IPv6 has no brackets.
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => registry,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_paths_are_told_apart() {
        for reference in [
            "ghcr.io/wasmcloud/http:0.1",
            "127.0.0.1:5000/app:dev",
            "localhost/app",
            "oci://ghcr.io/x/y:1",
            "registry.example.com/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert!(is_oci_reference(reference), "{reference}");
        }
        for path in [
            "./x.wasm",
            "/tmp/a",
            "hello.wasm",
            "dir/hello",
            "build/out.wasm",
            "file:///x.wasm",
            "https://x/y.wasm",
            "",
        ] {
            assert!(!is_oci_reference(path), "{path}");
        }
    }

    #[test]
    fn only_loopback_registries_are_plain_http() {
        for registry in [
            "127.0.0.1:5000",
            "localhost:5000",
            "[::1]:5000",
            "localhost",
        ] {
            assert!(is_loopback_registry(registry), "{registry}");
        }
        for registry in ["ghcr.io", "10.0.0.1:5000", "localhost.example.com:5000"] {
            assert!(!is_loopback_registry(registry), "{registry}");
        }
    }

    #[test]
    fn a_bad_reference_names_itself() {
        let err = parse_reference("ghcr.io/UPPER/Case:1").unwrap_err();
        assert!(err.to_string().contains("ghcr.io/UPPER/Case:1"), "{err}");
        let ok = parse_reference("oci://127.0.0.1:5000/app:dev").unwrap();
        assert_eq!(ok.registry(), "127.0.0.1:5000");
        assert_eq!(ok.repository(), "app");
        assert_eq!(ok.tag(), Some("dev"));
    }
}
