//! Satisfaction analysis: for every import of a component, who serves it (WASI,
//! the host itself, a built-in provider or a component through a link) or why
//! nothing does. The UI draws unsatisfied imports red from this; the host runs the
//! same function before starting a component.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use trellis_proto::{Link, DEFAULT_LINK_NAME};

use crate::builtin::{builtin_providers, builtin_reference_name};
use crate::compat::check_link;
use crate::model::{ComponentWit, InterfaceDef, TypeKind, WorldEntry};
use crate::InterfaceRef;

/// What a host serves without links, and which built-in providers it can start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostCapabilities {
    /// WASI interfaces linked straight from wasmtime-wasi (any import on the same
    /// semver track is served).
    pub wasi: Vec<InterfaceRef>,
    /// Interfaces the host implements itself (logging, config, lattice bus).
    pub internal: Vec<InterfaceRef>,
    /// Built-in providers and what each exports.
    pub providers: Vec<BuiltinProvider>,
}

/// A provider compiled into the host (`builtin://NAME`): its [`BuiltinSpec`] with the
/// exports resolved to their functions and types.
///
/// [`BuiltinSpec`]: crate::BuiltinSpec
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltinProvider {
    /// Short name, e.g. `keyvalue`.
    pub name: String,
    /// Image reference, e.g. `builtin://keyvalue`.
    pub reference: String,
    /// Interfaces components can import from it, with their functions and types.
    pub exports: Vec<InterfaceDef>,
    /// Component exports it calls through a link whose source it is (`ns:pkg/iface`),
    /// e.g. `wasi:http/incoming-handler` for `http-server`.
    #[serde(default)]
    pub calls: Vec<String>,
}

/// The WASI 0.2 version wasmtime 48 implements.
const WASI_VERSION: &str = "0.2.12";

/// The WASI 0.2 interfaces the Trellis host links for every component.
const WASI_INTERFACES: &[(&str, &[&str])] = &[
    (
        "cli",
        &[
            "environment",
            "exit",
            "stdin",
            "stdout",
            "stderr",
            "terminal-input",
            "terminal-output",
            "terminal-stdin",
            "terminal-stdout",
            "terminal-stderr",
        ],
    ),
    ("clocks", &["monotonic-clock", "wall-clock"]),
    ("io", &["error", "poll", "streams"]),
    ("random", &["random", "insecure", "insecure-seed"]),
    ("filesystem", &["types", "preopens"]),
    (
        "sockets",
        &[
            "network",
            "instance-network",
            "udp",
            "udp-create-socket",
            "tcp",
            "tcp-create-socket",
            "ip-name-lookup",
        ],
    ),
    ("http", &["types", "outgoing-handler"]),
];

/// Host-internal interfaces: (name with version).
const INTERNAL_INTERFACES: &[&str] = &[
    "wasi:logging/logging@0.1.0-draft",
    "wasi:config/store@0.2.0-draft",
    "wasi:config/runtime@0.2.0-draft",
    "wasi:config/store@0.2.0-rc.1",
    "wasmcloud:bus/lattice@1.0.0",
    "wasmcloud:bus/lattice@2.0.0",
];

/// The vendored WIT of the built-in providers' packages (`/wit/deps` in the repo),
/// dependencies first.
const PROVIDER_WIT: &[(&str, &[(&str, &str)])] = &[
    (
        "io",
        &[
            (
                "io/world.wit",
                include_str!("../../../wit/deps/io/world.wit"),
            ),
            (
                "io/error.wit",
                include_str!("../../../wit/deps/io/error.wit"),
            ),
            ("io/poll.wit", include_str!("../../../wit/deps/io/poll.wit")),
            (
                "io/streams.wit",
                include_str!("../../../wit/deps/io/streams.wit"),
            ),
        ],
    ),
    (
        "keyvalue",
        &[
            (
                "keyvalue/world.wit",
                include_str!("../../../wit/deps/keyvalue/world.wit"),
            ),
            (
                "keyvalue/store.wit",
                include_str!("../../../wit/deps/keyvalue/store.wit"),
            ),
            (
                "keyvalue/atomic.wit",
                include_str!("../../../wit/deps/keyvalue/atomic.wit"),
            ),
            (
                "keyvalue/batch.wit",
                include_str!("../../../wit/deps/keyvalue/batch.wit"),
            ),
            (
                "keyvalue/watch.wit",
                include_str!("../../../wit/deps/keyvalue/watch.wit"),
            ),
        ],
    ),
    (
        "blobstore",
        &[
            (
                "blobstore/world.wit",
                include_str!("../../../wit/deps/blobstore/world.wit"),
            ),
            (
                "blobstore/types.wit",
                include_str!("../../../wit/deps/blobstore/types.wit"),
            ),
            (
                "blobstore/container.wit",
                include_str!("../../../wit/deps/blobstore/container.wit"),
            ),
            (
                "blobstore/blobstore.wit",
                include_str!("../../../wit/deps/blobstore/blobstore.wit"),
            ),
        ],
    ),
    (
        "messaging",
        &[(
            "messaging/messaging.wit",
            include_str!("../../../wit/deps/messaging/messaging.wit"),
        )],
    ),
];

/// The vendored provider packages parsed once into the model.
fn provider_interfaces() -> &'static [InterfaceDef] {
    static PARSED: OnceLock<Vec<InterfaceDef>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut resolve = wit_parser::Resolve::default();
        for (_, files) in PROVIDER_WIT {
            let mut map = wit_parser::SourceMap::new();
            for (path, text) in *files {
                map.push_str(path, *text);
            }
            // Vendored, compile-time text: a failure is caught by this crate's tests.
            let parsed = map
                .parse()
                .map_err(|(_, e)| e.to_string())
                .and_then(|group| resolve.push_group(group).map_err(|e| e.to_string()));
            if parsed.is_err() {
                return Vec::new();
            }
        }
        crate::decode::named_interfaces(&resolve)
    })
}

impl HostCapabilities {
    /// What the Trellis host offers: WASI 0.2 (as wasmtime 48 implements it, 0.2.12),
    /// `wasi:logging`, `wasi:config` (0.2.0-draft and 0.2.0-rc.1), `wasmcloud:bus`, and
    /// the built-in providers http-server, http-client, keyvalue, blobstore, messaging.
    pub fn trellis_default() -> HostCapabilities {
        let wasi_version = semver::Version::parse(WASI_VERSION).ok();
        let wasi = WASI_INTERFACES
            .iter()
            .flat_map(|(package, interfaces)| {
                interfaces
                    .iter()
                    .map(|iface| InterfaceRef::new("wasi", *package, *iface, wasi_version.clone()))
            })
            .collect();
        let internal = INTERNAL_INTERFACES
            .iter()
            .filter_map(|name| InterfaceRef::parse(name).ok())
            .collect();
        let parsed = provider_interfaces();
        let providers = builtin_providers()
            .iter()
            .map(|spec| BuiltinProvider {
                name: spec.name().to_owned(),
                reference: spec.reference(),
                calls: spec.calls().to_vec(),
                exports: spec
                    .exports()
                    .iter()
                    .filter_map(|e| InterfaceRef::parse(e).ok())
                    .map(|r| {
                        parsed
                            .iter()
                            .find(|i| i.interface_ref().as_ref() == Some(&r))
                            .cloned()
                            // Not vendored (wasi:http): known by name only.
                            .unwrap_or_else(|| InterfaceDef::from_ref(r))
                    })
                    .collect(),
            })
            .collect();
        HostCapabilities {
            wasi,
            internal,
            providers,
        }
    }

    /// A built-in provider by name (`keyvalue`) or image reference
    /// (`builtin://keyvalue`, `wasmcloud+builtin://keyvalue`), read as
    /// [`builtin_reference_name`] reads it.
    pub fn provider(&self, name_or_reference: &str) -> Option<&BuiltinProvider> {
        let name = builtin_reference_name(name_or_reference)?;
        self.providers.iter().find(|p| p.name == name)
    }
}

/// A link of the component, with what its target exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTarget {
    /// The link (its `source_id` is the component being analysed).
    pub link: Link,
    /// Whether the target is a provider or a component.
    pub kind: TargetKind,
    /// The target's exported interfaces.
    pub exports: Vec<InterfaceDef>,
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A (built-in) provider.
    Provider,
    /// Another component.
    Component,
}

impl LinkTarget {
    /// A link to a built-in provider.
    pub fn provider(link: Link, provider: &BuiltinProvider) -> LinkTarget {
        LinkTarget {
            link,
            kind: TargetKind::Provider,
            exports: provider.exports.clone(),
        }
    }

    /// A link to a component whose WIT is known.
    pub fn component(link: Link, target: &ComponentWit) -> LinkTarget {
        LinkTarget {
            link,
            kind: TargetKind::Component,
            exports: target.exported_interfaces().cloned().collect(),
        }
    }
}

/// One import and what serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportStatus {
    /// The import's name (`wasi:keyvalue/store@0.2.0-draft`, or a bare name).
    pub import: String,
    /// The parsed name, for packaged interfaces.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<InterfaceRef>,
    /// Who serves it, or why nothing does.
    pub satisfied_by: SatisfiedBy,
}

impl ImportStatus {
    /// `false` when the import is [`SatisfiedBy::Unsatisfied`].
    pub fn is_satisfied(&self) -> bool {
        !matches!(self.satisfied_by, SatisfiedBy::Unsatisfied { .. })
    }
}

/// Who serves an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SatisfiedBy {
    /// WASI, linked by the host.
    Wasi,
    /// An interface the host implements itself (logging, config, bus).
    HostInternal,
    /// A provider, through a link.
    Provider {
        /// The link name.
        link: String,
        /// The provider's id.
        target: String,
    },
    /// Another component, through a link.
    Component {
        /// The link name.
        link: String,
        /// The target component's id.
        target: String,
    },
    /// Nothing serves it.
    Unsatisfied {
        /// Why, as a sentence.
        reason: String,
    },
}

/// Marks every import of `component` as served by WASI, the host, a link target,
/// or unsatisfied with a reason.
///
/// Order (as the host resolves imports): WASI, host-internal, then links whose
/// namespace, package and interface list cover the import; the `default` link
/// name is tried first. Type-only imports (no functions, no resources, e.g.
/// `wasmcloud:messaging/types`) ride along with any link of their package.
/// Bare type imports of the world are not listed.
pub fn analyze_satisfaction(
    component: &ComponentWit,
    host: &HostCapabilities,
    links: &[LinkTarget],
) -> Vec<ImportStatus> {
    component
        .imports
        .iter()
        .filter_map(|entry| match entry {
            WorldEntry::Interface(iface) => Some(import_status(iface, host, links)),
            WorldEntry::Function(f) => Some(ImportStatus {
                import: f.name.clone(),
                reference: None,
                satisfied_by: SatisfiedBy::Unsatisfied {
                    reason: format!(
                        "{} is a bare function of the world; only packaged interfaces (ns:pkg/iface) can be linked",
                        f.name
                    ),
                },
            }),
            WorldEntry::Type(_) => None,
        })
        .collect()
}

fn import_status(
    import: &InterfaceDef,
    host: &HostCapabilities,
    links: &[LinkTarget],
) -> ImportStatus {
    let status = |satisfied_by| ImportStatus {
        import: import.name.clone(),
        reference: import.interface_ref(),
        satisfied_by,
    };
    let Some(wanted) = import.interface_ref() else {
        return status(SatisfiedBy::Unsatisfied {
            reason: format!(
                "{} is an inline interface of the world; only packaged interfaces (ns:pkg/iface) can be linked",
                import.name
            ),
        });
    };
    if host.wasi.iter().any(|r| wanted.accepts(r)) {
        return status(SatisfiedBy::Wasi);
    }
    if host.internal.iter().any(|r| wanted.accepts(r)) {
        return status(SatisfiedBy::HostInternal);
    }

    let mut candidates: Vec<&LinkTarget> = links
        .iter()
        .filter(|t| {
            t.link.wit_namespace == wanted.namespace && t.link.wit_package == wanted.package
        })
        .collect();
    // Prefer the default link name, keep the caller's order otherwise.
    candidates.sort_by_key(|t| t.link.name != DEFAULT_LINK_NAME);
    let served = |t: &LinkTarget| {
        let (link, target) = (t.link.name.clone(), t.link.target.clone());
        match t.kind {
            TargetKind::Provider => SatisfiedBy::Provider { link, target },
            TargetKind::Component => SatisfiedBy::Component { link, target },
        }
    };

    if is_types_only(import) {
        if let Some(t) = candidates.first() {
            return status(served(t));
        }
    }
    let covering: Vec<&&LinkTarget> = candidates
        .iter()
        .filter(|t| t.link.interfaces.contains(&wanted.interface))
        .collect();
    let mut first_refusal = None;
    for t in &covering {
        let verdict = check_link(import, &t.exports);
        if verdict.is_compatible() {
            return status(served(t));
        }
        first_refusal
            .get_or_insert_with(|| format!("link {} to {}: {verdict}", t.link.name, t.link.target));
    }
    if let Some(reason) = first_refusal {
        return status(SatisfiedBy::Unsatisfied { reason });
    }

    // Nothing links it: say what the host would have offered, if anything close.
    let host_version = host
        .wasi
        .iter()
        .chain(&host.internal)
        .find(|r| r.same_interface(&wanted));
    let reason = match host_version {
        Some(offered) => format!(
            "the host implements {offered}, the import needs {}, and no link provides it",
            wanted.version_text()
        ),
        None if !candidates.is_empty() => format!(
            "no link for {}: the {}:{} links cover only {}",
            wanted.unversioned(),
            wanted.namespace,
            wanted.package,
            candidates
                .iter()
                .flat_map(|t| t.link.interfaces.iter().cloned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!(
            "no link for {}: link it to a provider or component that exports it",
            wanted.unversioned()
        ),
    };
    status(SatisfiedBy::Unsatisfied { reason })
}

/// An interface with nothing to call: only records, variants and the like.
fn is_types_only(iface: &InterfaceDef) -> bool {
    iface.functions.is_empty()
        && !iface
            .types
            .iter()
            .any(|t| matches!(t.def, TypeKind::Resource { .. }))
}
