//! Commands about components: what the inspector shows, and starting one from a file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use tauri::State;
use trellis_lattice::ModelSnapshot;
use trellis_proto::{
    ComponentDescription, ConfigMap, LatticeEvent, Link, ScaleComponentCommand,
    StartProviderCommand,
};
use trellis_wit::{analyze_satisfaction, ComponentWit, HostCapabilities, ImportStatus, LinkTarget};

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;
use crate::wit_cache::{file_path, WitCache};

/// How long a started component gets to report `component_scaled`. Large components
/// (componentize-py) take several seconds to compile on a slow machine.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything the inspector shows about one component.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentInspection {
    /// The component as its (first) host reports it.
    pub component: ComponentDescription,
    /// Hosts running it.
    pub host_ids: Vec<String>,
    /// Links from or to it.
    pub links: Vec<Link>,
    /// Named configs its links give it, with their values (`None` when the config
    /// does not exist or could not be read).
    pub config: BTreeMap<String, Option<ConfigMap>>,
    /// Its WIT, when the image is a readable `file://` component.
    pub wit: Option<ComponentWit>,
    /// Why `wit` is missing.
    pub wit_error: Option<String>,
    /// Every import and what serves it (empty without WIT).
    pub imports: Vec<ImportStatus>,
}

/// The component `component_id`: description, links, config, WIT and which imports the
/// lattice's links satisfy.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn inspect_component(
    state: State<'_, AppState>,
    component_id: String,
) -> Result<ComponentInspection, CommandError> {
    let snapshot = state.model()?.snapshot();
    let (component, host_ids) = find_component(&snapshot, &component_id).ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            format!("no host runs a component with id {component_id:?}"),
        )
    })?;
    let links: Vec<Link> = snapshot
        .links
        .iter()
        .filter(|l| l.source_id == component_id || l.target == component_id)
        .cloned()
        .collect();
    let config = link_config(&state, &component_id, &links).await;

    // A component whose file is not on this machine (a remote host's): its host sends
    // the WIT over the lattice. The same goes for the components its links call.
    let image_ref = component.image_ref.clone();
    let from_hosts = if is_local_file(&image_ref) {
        None
    } else {
        Some(wit_from_hosts(&state, &component_id, &host_ids).await)
    };
    let mut remote_targets = HashMap::new();
    for link in links.iter().filter(|l| l.source_id == component_id) {
        let Some((target, target_hosts)) = find_component(&snapshot, &link.target) else {
            continue;
        };
        if is_local_file(&target.image_ref) || remote_targets.contains_key(&link.target) {
            continue;
        }
        if let Ok(wit) = wit_from_hosts(&state, &link.target, &target_hosts).await {
            remote_targets.insert(link.target.clone(), wit);
        }
    }

    // Decoding reads and parses files: keep it off the async threads.
    let cache = state.wit_cache();
    let (wit, wit_error, imports) = tauri::async_runtime::spawn_blocking(move || {
        let wit = from_hosts.unwrap_or_else(|| decode_ref(&cache, &image_ref));
        match wit {
            Ok(wit) => {
                let targets = link_targets(&cache, &snapshot, &component_id, &remote_targets);
                let imports =
                    analyze_satisfaction(&wit, &HostCapabilities::trellis_default(), &targets);
                (Some(wit), None, imports)
            }
            Err(err) => (None, Some(err), Vec::new()),
        }
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the WIT task failed: {e}")))?;

    Ok(ComponentInspection {
        component,
        host_ids,
        links,
        config,
        wit,
        wit_error,
        imports,
    })
}

/// Starts the component in the `.wasm` file at `path` on the app's own host under `id`
/// (one instance), as `trellis start component` does, and waits until the host reports
/// it running. Answers with a sentence saying so.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn start_component(
    state: State<'_, AppState>,
    path: String,
    id: String,
) -> Result<String, CommandError> {
    let id = checked_id("component", &id)?;
    let component_ref = file_ref(path.trim())?;
    let client = state.client()?;
    let host_id = state.status().local_host_id.ok_or_else(|| {
        CommandError::new(ErrorCode::NotReady, "the local host is still starting")
    })?;

    // Subscribe before asking, so the outcome cannot slip past.
    let mut events = client.events().await?;
    let cmd = ScaleComponentCommand {
        component_ref: component_ref.clone(),
        component_id: id.clone(),
        count: 1,
        host_id: host_id.clone(),
        config: Vec::new(),
        allow_update: true,
        annotations: None,
        component_limits: None,
    };
    client.scale_component(&cmd).await?;
    let outcome = events
        .wait_for(
            "component_scaled or component_scale_failed",
            START_TIMEOUT,
            |m| match &m.event {
                LatticeEvent::ComponentScaled(e)
                    if e.component_id == id && e.host_id == host_id =>
                {
                    Some(Ok(()))
                }
                LatticeEvent::ComponentScaleFailed(e)
                    if e.scale.component_id == id && e.scale.host_id == host_id =>
                {
                    Some(Err(e.error.clone()))
                }
                _ => None,
            },
        )
        .await?;
    match outcome {
        Ok(()) => Ok(format!("component {id} running ({component_ref})")),
        Err(error) => Err(CommandError::new(
            ErrorCode::Host,
            format!("component {id} failed to start: {error}"),
        )),
    }
}

/// A readable file path as an absolute `file://` URL, or a clear error.
fn file_ref(path: &str) -> Result<String, CommandError> {
    let invalid = |message: String| CommandError::new(ErrorCode::InvalidInput, message);
    if path.is_empty() {
        return Err(invalid("a path to a .wasm file is required".to_owned()));
    }
    let path = Path::new(path.strip_prefix("file://").unwrap_or(path));
    if !path.is_absolute() {
        // The app's working directory means nothing to the user.
        return Err(invalid(format!(
            "{} is not an absolute path",
            path.display()
        )));
    }
    let absolute = path
        .canonicalize()
        .map_err(|e| invalid(format!("cannot open {}: {e}", path.display())))?;
    if !absolute.is_file() {
        return Err(invalid(format!("{} is not a file", absolute.display())));
    }
    Ok(format!("file://{}", absolute.display()))
}

/// The component with this id and every host running it.
fn find_component(
    snapshot: &ModelSnapshot,
    id: &str,
) -> Option<(ComponentDescription, Vec<String>)> {
    let mut found = None;
    let mut hosts = Vec::new();
    for host in &snapshot.hosts {
        if let Some(c) = host.components.iter().find(|c| c.id == id) {
            found.get_or_insert_with(|| c.clone());
            hosts.push(host.host.id.clone());
        }
    }
    found.map(|c| (c, hosts))
}

/// A trimmed component or provider id, refused when empty or when it could not be one
/// NATS subject token.
fn checked_id(kind: &str, id: &str) -> Result<String, CommandError> {
    let id = id.trim().to_owned();
    if id.is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("a {kind} id is required"),
        ));
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c == '.' || c == '*' || c == '>')
    {
        // The id becomes part of NATS subjects.
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("{kind} id {id:?} may not contain spaces, '.', '*' or '>'"),
        ));
    }
    Ok(id)
}

/// Starts built-in provider `name` (`http-server`, `keyvalue`, …) on the app's own host
/// under `id`, as `trellis start provider builtin://NAME` does, and waits until the host
/// reports it started. Answers with a sentence saying so.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn start_provider(
    state: State<'_, AppState>,
    name: String,
    id: String,
) -> Result<String, CommandError> {
    let id = checked_id("provider", &id)?;
    let caps = HostCapabilities::trellis_default();
    let builtin = caps.provider(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = caps.providers.iter().map(|p| p.name.as_str()).collect();
        CommandError::new(
            ErrorCode::InvalidInput,
            format!(
                "{name:?} is not a built-in provider (known: {})",
                known.join(", ")
            ),
        )
    })?;
    let provider_ref = builtin.reference.clone();
    let client = state.client()?;
    let host_id = state.status().local_host_id.ok_or_else(|| {
        CommandError::new(ErrorCode::NotReady, "the local host is still starting")
    })?;

    // Subscribe before asking, so the outcome cannot slip past.
    let mut events = client.events().await?;
    client
        .start_provider(&StartProviderCommand {
            provider_id: id.clone(),
            provider_ref: provider_ref.clone(),
            host_id: host_id.clone(),
            config: Vec::new(),
            annotations: None,
        })
        .await?;
    let outcome = events
        .wait_for(
            "provider_started or provider_start_failed",
            START_TIMEOUT,
            |m| match &m.event {
                LatticeEvent::ProviderStarted(e) if e.provider_id == id && e.host_id == host_id => {
                    Some(Ok(()))
                }
                LatticeEvent::ProviderStartFailed(e)
                    if e.provider_id == id && e.host_id == host_id =>
                {
                    Some(Err(e.error.clone()))
                }
                _ => None,
            },
        )
        .await?;
    match outcome {
        Ok(()) => Ok(format!("provider {id} running ({provider_ref})")),
        Err(error) => Err(CommandError::new(
            ErrorCode::Host,
            format!("provider {id} failed to start: {error}"),
        )),
    }
}

/// The WIT of a running component as one of its hosts decodes it (Trellis hosts answer
/// this; wasmCloud hosts do not, and the error says so).
async fn wit_from_hosts(
    state: &AppState,
    component_id: &str,
    host_ids: &[String],
) -> Result<ComponentWit, String> {
    let client = state.client().map_err(|e| e.to_string())?;
    let mut reasons = Vec::new();
    for host_id in host_ids {
        match client.component_wit(host_id, component_id).await {
            Ok(wit) => return Ok(wit),
            Err(err) => reasons.push(err.to_string()),
        }
    }
    Err(format!(
        "the WIT of {component_id} is not available: its file is not on this machine ({})",
        reasons.join("; ")
    ))
}

/// The WIT behind an image reference (only `file://` images can be read locally).
fn decode_ref(cache: &WitCache, image_ref: &str) -> Result<ComponentWit, String> {
    let path = file_path(image_ref).ok_or_else(|| {
        format!("the WIT of {image_ref:?} is not available: only file:// components are read")
    })?;
    cache.decode(&path).map(|wit| (*wit).clone())
}

/// Whether an image reference is a `file://` component present on this machine.
fn is_local_file(image_ref: &str) -> bool {
    file_path(image_ref).is_some_and(|path| path.exists())
}

/// What each link of `source` points at, as far as the lattice tells: built-in providers
/// by their image reference, components by their decoded WIT (from the file, or from
/// `remote`, the WIT their hosts sent). Links to anything else are left out, so the
/// imports they would serve show as unsatisfied.
fn link_targets(
    cache: &WitCache,
    snapshot: &ModelSnapshot,
    source: &str,
    remote: &HashMap<String, ComponentWit>,
) -> Vec<LinkTarget> {
    let caps = HostCapabilities::trellis_default();
    snapshot
        .links
        .iter()
        .filter(|l| l.source_id == source)
        .filter_map(|link| {
            let provider = snapshot
                .hosts
                .iter()
                .flat_map(|h| &h.providers)
                .find(|p| p.id == link.target);
            if let Some(p) = provider {
                let builtin = p
                    .image_ref
                    .as_deref()
                    .and_then(|r| caps.provider(r))
                    .or_else(|| caps.provider(&p.id))?;
                return Some(LinkTarget::provider(link.clone(), builtin));
            }
            if let Some(wit) = remote.get(&link.target) {
                return Some(LinkTarget::component(link.clone(), wit));
            }
            let (target, _) = find_component(snapshot, &link.target)?;
            let wit = decode_ref(cache, &target.image_ref).ok()?;
            Some(LinkTarget::component(link.clone(), &wit))
        })
        .collect()
}

/// The named configs the links give `component_id`, with their values.
async fn link_config(
    state: &AppState,
    component_id: &str,
    links: &[Link],
) -> BTreeMap<String, Option<ConfigMap>> {
    let names: Vec<&String> = links
        .iter()
        .flat_map(|l| {
            let own = if l.source_id == component_id {
                &l.source_config
            } else {
                &l.target_config
            };
            own.iter()
        })
        .collect();
    let mut config = BTreeMap::new();
    let Ok(client) = state.client() else {
        return config;
    };
    for name in names {
        if config.contains_key(name) {
            continue;
        }
        let values = client.config_get(name).await.ok().flatten();
        config.insert(name.clone(), values);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_need_an_absolute_existing_file() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = file.path().to_str().unwrap();
        let url = file_ref(path).unwrap();
        assert!(url.starts_with("file:///"), "{url}");
        assert_eq!(
            file_ref(&url).unwrap(),
            url,
            "a file:// URL is accepted too"
        );

        for (input, needle) in [
            ("", "required"),
            ("hello.wasm", "not an absolute path"),
            ("/no/such/file.wasm", "/no/such/file.wasm"),
            ("/", "is not a file"),
        ] {
            let err = file_ref(input).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{input}");
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }
}
