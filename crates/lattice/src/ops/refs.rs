//! Ids, image references and hosts, as the user types them, checked and resolved.

use std::path::Path;
use std::time::Instant;

use trellis_proto::{Host, HostInventory};

use super::{OpsError, Result};
use crate::{Client, LatticeModel, ModelOptions, ModelSnapshot};

/// How a component file path may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRule {
    /// Relative paths are taken from the current directory (the CLI).
    RelativeToCurrentDir,
    /// Only absolute paths: the working directory of a desktop app means nothing to
    /// its user.
    AbsoluteOnly,
}

/// A trimmed component or provider id, refused when empty or when it could not be one
/// NATS subject token. `kind` names what it is in the error ("component", "provider").
pub fn checked_id(kind: &str, id: &str) -> Result<String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(OpsError::InvalidInput(format!("a {kind} id is required")));
    }
    // The id becomes part of NATS subjects.
    if id
        .chars()
        .any(|c| c.is_whitespace() || c == '.' || c == '*' || c == '>')
    {
        return Err(OpsError::InvalidInput(format!(
            "{kind} id {id:?} may not contain spaces, '.', '*' or '>'"
        )));
    }
    Ok(id.to_owned())
}

/// A component reference for the wire: a file path (or `file://` URL) becomes an
/// absolute `file://` URL of an existing file; an OCI reference (`ghcr.io/org/app:1`,
/// with or without `oci://`) is checked and sent bare, as wasmCloud tools send it; any
/// other URL passes through for the host to resolve.
pub fn component_ref(reference: &str, rule: PathRule) -> Result<String> {
    let reference = reference.trim();
    let invalid = |message: String| Err(OpsError::InvalidInput(message));
    if reference.is_empty() {
        return invalid("a path to a .wasm file is required".to_owned());
    }
    if trellis_oci::is_oci_reference(reference) && !Path::new(reference).exists() {
        return trellis_oci::parse_reference(reference)
            .map(|parsed| parsed.whole())
            .map_err(|error| OpsError::InvalidInput(error.to_string()));
    }
    let path = match reference.strip_prefix("file://") {
        Some(path) => Path::new(path),
        None if reference.contains("://") => return Ok(reference.to_owned()),
        None => Path::new(reference),
    };
    if rule == PathRule::AbsoluteOnly && !path.is_absolute() {
        return invalid(format!("{} is not an absolute path", path.display()));
    }
    let absolute = match path.canonicalize() {
        Ok(absolute) => absolute,
        Err(err) => return invalid(format!("cannot open {}: {err}", path.display())),
    };
    if !absolute.is_file() {
        return invalid(format!("{} is not a file", absolute.display()));
    }
    Ok(format!("file://{}", absolute.display()))
}

/// A provider reference for the wire. A built-in provider, named bare (`keyvalue`) or as
/// `builtin://NAME` / `wasmcloud+builtin://NAME`, is sent as `wasmcloud+builtin://NAME`:
/// wasmCloud hosts accept only that form and Trellis hosts take it too. A bare word that
/// is no built-in is refused with the list of built-ins. A provider binary or archive (a
/// `file://` URL, or a path to an existing file, relative ones from the current
/// directory) becomes an absolute `file://` URL, as for components; an OCI reference (a
/// provider archive in a registry) is checked and sent bare; other references pass
/// through.
pub fn provider_ref(reference: &str) -> Result<String> {
    let reference = reference.trim();
    if let Some(wire) = trellis_wit::builtin_wire_reference(reference) {
        return Ok(wire);
    }
    if reference.starts_with("file://") || Path::new(reference).is_file() {
        return component_ref(reference, PathRule::RelativeToCurrentDir);
    }
    // A provider archive in a registry: checked and sent bare, as for components.
    if trellis_oci::is_oci_reference(reference) {
        return trellis_oci::parse_reference(reference)
            .map(|parsed| parsed.whole())
            .map_err(|error| OpsError::InvalidInput(error.to_string()));
    }
    match trellis_wit::builtin_reference_name(reference) {
        Some(name) => Err(OpsError::InvalidInput(format!(
            "{name:?} is not a built-in provider (known: {})",
            trellis_wit::builtin_names().join(", ")
        ))),
        None => Ok(reference.to_owned()),
    }
}

/// The inventory of the host `wanted` names (as [`resolve_host`] finds it): a whole host
/// id is asked for its inventory at once, with no ping first and no second request.
pub(super) async fn inventory_of(client: &Client, wanted: &str) -> Result<HostInventory> {
    if let Some(inventory) = inventory_by_whole_id(client, wanted).await {
        return Ok(inventory);
    }
    let host = ping_for_host(client, wanted).await?;
    Ok(client.host_inventory(&host.id).await?)
}

/// Finds a host by full id or friendly name, else by a unique prefix of either.
pub async fn resolve_host(client: &Client, wanted: &str) -> Result<Host> {
    match inventory_by_whole_id(client, wanted).await {
        Some(inventory) => Ok(Host {
            id: inventory.host_id,
            friendly_name: inventory.friendly_name,
            labels: inventory.labels,
            lattice: client.lattice().to_owned(),
            version: inventory.version,
            uptime_seconds: inventory.uptime_seconds,
            uptime_human: inventory.uptime_human,
            ctl_host: String::new(),
            rpc_host: String::new(),
            js_domain: None,
        }),
        None => ping_for_host(client, wanted).await,
    }
}

/// A whole host id is asked directly: one request, not a ping window (2 s) of waiting.
/// None when `wanted` is not a whole id or no host answers for it.
async fn inventory_by_whole_id(client: &Client, wanted: &str) -> Option<HostInventory> {
    if !is_host_id(wanted) {
        return None;
    }
    client.host_inventory(wanted).await.ok()
}

/// Finds a host among those that answer a ping: by full id or friendly name, else by a
/// unique prefix of either.
async fn ping_for_host(client: &Client, wanted: &str) -> Result<Host> {
    let hosts = client.ping_hosts().await?;
    if let Some(host) = hosts
        .iter()
        .find(|h| h.id == wanted || h.friendly_name == wanted)
    {
        return Ok(host.clone());
    }
    let matches: Vec<&Host> = hosts
        .iter()
        .filter(|h| h.id.starts_with(wanted) || h.friendly_name.starts_with(wanted))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(OpsError::NotFound(format!(
            "no host {wanted:?} on lattice {:?} ({} host(s) answered the ping)",
            client.lattice(),
            hosts.len()
        ))),
        _ => Err(OpsError::InvalidInput(format!(
            "host prefix {wanted:?} matches {} hosts; give more of the id",
            matches.len()
        ))),
    }
}

/// Whether `text` is a whole host id: a server nkey, `N` and 55 more base32 characters.
fn is_host_id(text: &str) -> bool {
    text.len() == 56
        && text.starts_with('N')
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// The lattice as it is now (hosts with what they run, links), read once: for callers
/// that keep no live [`ModelWatcher`](crate::ModelWatcher), such as a CLI command.
pub async fn lattice_snapshot(client: &Client) -> Result<ModelSnapshot> {
    let inventories = client.host_inventories().await?;
    let links = client.links().await?;
    let mut model = LatticeModel::new(ModelOptions::default());
    let now = Instant::now();
    for inventory in &inventories {
        model.apply_inventory(inventory, now);
    }
    model.apply_links(&links);
    Ok(model.snapshot())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_server_nkey_is_taken_for_a_host_id() {
        let id = "NBQ3XSMUE6GVKOXTI7FHZ6YYZNBKZ5GGUPDOXBTLE4HTFQG6BV6KHS5T";
        assert!(is_host_id(id));
        assert!(!is_host_id(&id[..20]), "a prefix");
        assert!(!is_host_id(&id.replace('N', "A")), "not a server key");
        assert!(!is_host_id(&id.to_lowercase()), "lower case");
        assert!(!is_host_id("my-laptop"), "a friendly name");
    }

    #[test]
    fn ids_must_fit_in_one_subject_token() {
        assert_eq!(checked_id("component", " hello ").unwrap(), "hello");
        for (id, needle) in [("", "required"), ("a.b", "may not contain"), ("a b", "")] {
            let err = checked_id("component", id).unwrap_err().to_string();
            assert!(err.contains(needle), "{id:?}: {err}");
        }
    }

    #[test]
    fn component_references_name_the_bad_input() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = file.path().to_str().unwrap();
        let url = component_ref(path, PathRule::AbsoluteOnly).unwrap();
        assert!(url.starts_with("file:///"), "{url}");
        assert_eq!(component_ref(&url, PathRule::AbsoluteOnly).unwrap(), url);
        assert_eq!(
            component_ref("oci://ghcr.io/x/y:1", PathRule::AbsoluteOnly).unwrap(),
            "ghcr.io/x/y:1"
        );
        assert_eq!(
            component_ref("127.0.0.1:5000/app:dev", PathRule::AbsoluteOnly).unwrap(),
            "127.0.0.1:5000/app:dev"
        );
        for (input, rule, needle) in [
            ("", PathRule::AbsoluteOnly, "required"),
            ("hello.wasm", PathRule::AbsoluteOnly, "not an absolute path"),
            (
                "no-such.wasm",
                PathRule::RelativeToCurrentDir,
                "no-such.wasm",
            ),
            (
                "/no/such/file.wasm",
                PathRule::AbsoluteOnly,
                "/no/such/file.wasm",
            ),
            ("/", PathRule::AbsoluteOnly, "is not a file"),
            (
                "ghcr.io/Bad/Case:1",
                PathRule::AbsoluteOnly,
                "not a valid OCI reference",
            ),
        ] {
            let err = component_ref(input, rule).unwrap_err();
            assert!(matches!(err, OpsError::InvalidInput(_)), "{input}");
            assert!(err.to_string().contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn builtins_go_out_in_wasmclouds_form() {
        for input in [
            "http-server",
            "builtin://http-server",
            "wasmcloud+builtin://http-server",
        ] {
            assert_eq!(
                provider_ref(input).unwrap(),
                "wasmcloud+builtin://http-server"
            );
        }
        assert_eq!(
            provider_ref("ghcr.io/wasmcloud/http-server:0.27").unwrap(),
            "ghcr.io/wasmcloud/http-server:0.27"
        );
        assert_eq!(
            provider_ref("oci://127.0.0.1:5000/counter:0.1").unwrap(),
            "127.0.0.1:5000/counter:0.1"
        );
        assert!(provider_ref("127.0.0.1:5000/Counter:0.1")
            .unwrap_err()
            .to_string()
            .contains("not a valid OCI reference"));
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("provider");
        std::fs::write(&binary, "").unwrap();
        let url = format!("file://{}", binary.canonicalize().unwrap().display());
        assert_eq!(provider_ref(binary.to_str().unwrap()).unwrap(), url);
        assert_eq!(provider_ref(&url).unwrap(), url);
        for input in ["nope", "builtin://nope"] {
            let err = provider_ref(input).unwrap_err().to_string();
            assert!(
                err.contains("\"nope\" is not a built-in provider (known: http-server"),
                "{err}"
            );
        }
    }
}
