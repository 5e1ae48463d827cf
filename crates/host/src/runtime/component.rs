//! A running component: its compiled, pre-instantiated version (swappable for
//! update and hot reload), its instance limit and its grants.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use tokio::sync::Semaphore;
use trellis_proto::{ComponentDescription, ConfigMap};
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, InstancePre};
use wasmtime::Engine;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use super::limits::{ComponentLimits, Load};
use super::state::HostState;
use super::ComponentSource;
use crate::providers::LinkRoutes;
use crate::{GrantPolicy, HostError};

/// Annotation granting environment variables: `true` (inherit all) or a comma list of
/// `NAME` (inherited) / `NAME=VALUE`.
pub const GRANT_ENV: &str = "trellis.dev/env";
/// Annotation granting directories: comma list of `HOST_DIR[:GUEST_DIR[:ro]]`.
pub const GRANT_DIRS: &str = "trellis.dev/dirs";
/// Annotation granting network sockets and name lookup: `true`.
pub const GRANT_NETWORK: &str = "trellis.dev/network";
/// Annotation giving a command component its argument list (`argv`, program name
/// first) as a JSON array of strings. Without it the guest sees no arguments.
pub const ARGS_ANNOTATION: &str = "trellis.dev/args";

/// What a component may reach beyond the deny-by-default WASI context.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grants {
    inherit_env: bool,
    env: Vec<(String, String)>,
    dirs: Vec<(PathBuf, String, bool)>,
    network: bool,
    args: Vec<String>,
}

impl Grants {
    /// Reads grants from a component's annotations, rejecting malformed ones and those
    /// `policy` does not allow ([`HostError::GrantDenied`], naming the grant).
    pub(crate) fn from_annotations(
        annotations: &BTreeMap<String, String>,
        policy: &GrantPolicy,
    ) -> Result<Self, HostError> {
        let mut grants = Grants::default();
        if let Some(value) = annotations.get(GRANT_ENV) {
            if value.trim() == "true" {
                policy.check_env(GRANT_ENV, None)?;
                grants.inherit_env = true;
            } else {
                for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let name = item.split_once('=').map_or(item, |(k, _)| k);
                    policy.check_env(GRANT_ENV, Some(name))?;
                    match item.split_once('=') {
                        Some((k, v)) => grants.env.push((k.into(), v.into())),
                        None => {
                            if let Ok(v) = std::env::var(item) {
                                grants.env.push((item.into(), v));
                            }
                        }
                    }
                }
            }
        }
        if let Some(value) = annotations.get(GRANT_DIRS) {
            for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let mut parts = item.splitn(3, ':');
                let host = PathBuf::from(parts.next().unwrap_or_default());
                let host = policy.check_dir(GRANT_DIRS, &host)?;
                let guest = parts.next().unwrap_or("/").to_owned();
                let read_only = match parts.next() {
                    None => false,
                    Some("ro") => true,
                    Some(other) => {
                        return Err(HostError::InvalidConfig(format!(
                            "{GRANT_DIRS}: unknown mode {other:?} in {item:?} (only `ro`)"
                        )))
                    }
                };
                if !host.is_dir() {
                    return Err(HostError::InvalidConfig(format!(
                        "{GRANT_DIRS}: {} is not a directory",
                        host.display()
                    )));
                }
                grants.dirs.push((host, guest, read_only));
            }
        }
        grants.network = annotations.get(GRANT_NETWORK).map(|v| v.trim()) == Some("true");
        if grants.network {
            policy.check_network(GRANT_NETWORK)?;
        }
        if let Some(value) = annotations.get(ARGS_ANNOTATION) {
            grants.args = serde_json::from_str(value).map_err(|e| {
                HostError::InvalidConfig(format!(
                    "{ARGS_ANNOTATION}: expected a JSON array of strings, got {value:?} ({e})"
                ))
            })?;
        }
        Ok(grants)
    }

    /// Widens a WASI context by these grants.
    pub(crate) fn apply(&self, builder: &mut WasiCtxBuilder) {
        if self.inherit_env {
            builder.inherit_env();
        }
        if !self.env.is_empty() {
            builder.envs(&self.env);
        }
        for (host, guest, read_only) in &self.dirs {
            let perms = if *read_only {
                FsPerms::ReadOnly
            } else {
                FsPerms::ReadWrite
            };
            if let Err(err) = builder.preopened_dir(host, guest, perms) {
                tracing::warn!("cannot open granted directory {}: {err:#}", host.display());
            }
        }
        if self.network {
            builder.inherit_network().allow_ip_name_lookup(true);
        }
        if !self.args.is_empty() {
            builder.args(&self.args);
        }
    }
}

/// One compiled version of a component, ready to instantiate.
pub(crate) struct Loaded {
    pub(crate) bytes: Arc<[u8]>,
    pub(crate) pre: InstancePre<HostState>,
    /// Present when the component exports `wasi:http/incoming-handler`.
    pub(crate) proxy: Option<ProxyPre<HostState>>,
    /// Imported interface names (`ns:pkg/iface@version`).
    pub(crate) imports: Vec<String>,
    /// Exported interface and function names.
    pub(crate) exports: Vec<String>,
    /// The decoded WIT, decoded on first use (only link checks need it).
    pub(crate) wit: OnceLock<Result<Arc<trellis_wit::ComponentWit>, String>>,
    /// The exported functions other hosts may call over wRPC.
    pub(crate) served: Vec<trellis_wrpc::Export>,
}

impl Loaded {
    /// The component's WIT, decoded once (CPU-bound: call off the async threads).
    pub(crate) fn wit(&self) -> Result<&trellis_wit::ComponentWit, &str> {
        self.shared_wit().map(|w| &**w).map_err(String::as_str)
    }

    /// The component's WIT as a shared value (decoded once, CPU-bound like [`Self::wit`]).
    pub(crate) fn shared_wit(&self) -> Result<&Arc<trellis_wit::ComponentWit>, &String> {
        self.wit
            .get_or_init(|| {
                trellis_wit::decode_component(&self.bytes)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
    }

    /// The imported interface `ns:pkg/iface` (any version) with its functions and types.
    pub(crate) fn imported_def(&self, iface: &str) -> Option<&trellis_wit::InterfaceDef> {
        let wit = self.wit().ok()?;
        let wanted = strip_version(iface);
        wit.imported_interfaces()
            .find(|i| strip_version(&i.name) == wanted)
    }

    /// The exported interfaces with their functions and types (`None`: undecodable,
    /// in which case typed link checks are skipped; wasmtime already validated it).
    pub(crate) fn exported_defs(&self) -> Option<Vec<trellis_wit::InterfaceDef>> {
        match self.wit() {
            Ok(wit) => Some(wit.exported_interfaces().cloned().collect()),
            Err(reason) => {
                tracing::warn!("cannot decode the WIT of a component: {reason}");
                None
            }
        }
    }

    /// The full exported name matching `iface`, ignoring a version mismatch.
    pub(crate) fn export_named(&self, iface: &str) -> Option<&str> {
        let wanted = strip_version(iface);
        self.exports
            .iter()
            .find(|e| e.as_str() == iface)
            .or_else(|| self.exports.iter().find(|e| strip_version(e) == wanted))
            .map(String::as_str)
    }

    /// Whether the component exports `ns:pkg/iface` (any version).
    pub(crate) fn exports_interface(&self, iface: &str) -> bool {
        self.export_named(iface).is_some()
    }
}

/// `ns:pkg/iface@1.2.3` → `ns:pkg/iface`.
pub(crate) fn strip_version(name: &str) -> &str {
    name.split_once('@').map_or(name, |(n, _)| n)
}

/// Splits `ns:pkg/iface@v` into (`ns`, `pkg`, `iface`).
pub(crate) fn split_interface(name: &str) -> Option<(&str, &str, &str)> {
    let name = strip_version(name);
    let (ns, rest) = name.split_once(':')?;
    let (pkg, iface) = rest.split_once('/')?;
    Some((ns, pkg, iface))
}

/// Lists a component's imported and exported names.
pub(crate) fn interface_names(
    engine: &Engine,
    component: &Component,
) -> (Vec<String>, Vec<String>) {
    let ty = component.component_type();
    let imports = ty
        .imports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    let exports = ty
        .exports(engine)
        .filter(|(_, item)| {
            matches!(
                item.ty,
                ComponentItem::ComponentInstance(_) | ComponentItem::ComponentFunc(_)
            )
        })
        .map(|(name, _)| name.to_owned())
        .collect();
    (imports, exports)
}

/// The mutable part of a running component.
pub(crate) struct Active {
    pub(crate) loaded: Arc<Loaded>,
    /// Bounds concurrent instances; replaced (not resized) on scale.
    pub(crate) permits: Arc<Semaphore>,
    pub(crate) max_instances: u32,
    pub(crate) revision: i32,
    pub(crate) source: ComponentSource,
    /// What `component_limits` asked for (lowered to the host's caps when applied).
    pub(crate) limits: ComponentLimits,
}

/// A component running on this host.
pub(crate) struct ComponentEntry {
    pub(crate) id: Arc<str>,
    pub(crate) config: Arc<ConfigMap>,
    pub(crate) annotations: BTreeMap<String, String>,
    pub(crate) grants: Grants,
    pub(crate) active: RwLock<Active>,
    /// Where its provider imports go; rebuilt when its links change.
    pub(crate) routes: RwLock<LinkRoutes>,
    /// Instances running and callers waiting, for backpressure and diagnostics.
    pub(crate) load: Load,
    /// Its exports served to other hosts over wRPC, while it runs (and the host has a
    /// wRPC connection).
    pub(crate) serving: std::sync::Mutex<Option<trellis_wrpc::Serving>>,
}

impl ComponentEntry {
    /// The current version and its instance permits (cheap clones).
    pub(crate) fn current(&self) -> (Arc<Loaded>, Arc<Semaphore>) {
        let active = self.active.read().unwrap_or_else(|p| p.into_inner());
        (active.loaded.clone(), active.permits.clone())
    }

    /// Its current link routes (an `Arc` clone).
    pub(crate) fn routes(&self) -> LinkRoutes {
        self.routes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The inventory entry.
    pub(crate) fn describe(&self) -> ComponentDescription {
        let active = self.active.read().unwrap_or_else(|p| p.into_inner());
        ComponentDescription {
            id: self.id.to_string(),
            image_ref: active.source.image_ref(),
            // wasmCloud fills `name` from signed claims only; like a 1.9 host with an
            // unsigned artifact, Trellis leaves the key out.
            name: None,
            annotations: self.annotations.clone(),
            revision: active.revision,
            max_instances: active.max_instances,
            // As wasmCloud: the map the scale carried, `null` when none.
            limits: (!active.limits.raw.is_empty()).then(|| active.limits.raw.clone()),
        }
    }
}
