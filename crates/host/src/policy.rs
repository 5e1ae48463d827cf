//! [`GrantPolicy`]: what this host lets a caller grant a component or point a provider
//! at.
//!
//! Grants arrive as annotations of `component.scale` (`trellis.dev/{dirs,env,network}`),
//! provider or link config (a blobstore `root`, an http-server `address`) and
//! `provider.start` references (a provider binary on this machine). Anyone
//! who can publish on the lattice's NATS server can send those, so the host honours
//! them only where its own policy — set by whoever started the host (`trellis run`'s
//! flags, `trellis up --allow-*`, the embedding app) — allows them. Everything else is
//! refused with [`HostError::GrantDenied`], which names the grant.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};

use crate::HostError;

/// What a host lets control requests grant. Deny by default.
///
/// [`GrantPolicy::default`] allows:
/// - no `trellis.dev/dirs` preopens (`dir_roots` empty);
/// - no `trellis.dev/env` variables, neither `true` (inherit all) nor by name
///   (`env_names` empty, `any_env` false);
/// - no `trellis.dev/network` (`network` false);
/// - blobstore roots only inside the host's data dir (`blobstore_roots` empty; the
///   data dir is always allowed);
/// - http-server addresses only on loopback (`public_http` false);
/// - no provider binaries from files (`provider_files` false): a provider is native code
///   run as this user, so a lattice anyone can publish on must not be able to name one;
/// - no providers pulled from registries (`provider_images` false), for the same reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GrantPolicy {
    /// Directories under which (inclusive) `trellis.dev/dirs` may preopen a host
    /// directory. Default: none.
    pub dir_roots: Vec<PathBuf>,
    /// Environment variable names `trellis.dev/env` may grant (inherited `NAME` or
    /// `NAME=VALUE`). Default: none.
    pub env_names: Vec<String>,
    /// Whether `trellis.dev/env` may grant any variable, `true` (inherit the host's
    /// whole environment) included. Default: false.
    pub any_env: bool,
    /// Whether `trellis.dev/network=true` (sockets and name lookup) may be granted.
    /// Default: false.
    pub network: bool,
    /// Directories under which (inclusive) a blobstore provider's `root` may lie, besides
    /// the host's data dir. Default: none.
    pub blobstore_roots: Vec<PathBuf>,
    /// Whether an http-server may bind an address other than loopback. Default: false.
    pub public_http: bool,
    /// Whether `provider.start` may run a capability provider binary from a file on this
    /// machine (a path or `file://` URL; wasmCloud's `WASMCLOUD_ALLOW_FILE_LOAD`). The
    /// local lattice, which only its user can reach, allows it. Default: false.
    pub provider_files: bool,
    /// Whether `provider.start` may pull a provider archive from an OCI registry and run
    /// its binary for this machine (`127.0.0.1:5000/counter:0.1`): foreign native code,
    /// run as this user. The local lattice allows it. Default: false.
    pub provider_images: bool,
}

/// What a host's error says when its policy refused a grant (see [`HostError::GrantDenied`]).
const REFUSAL: &str = "is not allowed by this host's policy";

/// Whether `error` (a `component_scale_failed` event's text) is a refusal by the host's
/// grant policy, which its owner may lift, rather than another failure.
pub fn is_grant_refusal(error: &str) -> bool {
    error.contains(REFUSAL)
}

impl GrantPolicy {
    /// A policy that allows every grant: for hosts whose control interface only their
    /// owner can reach (tests, a single-user embedding that asks its user).
    pub fn allow_all() -> Self {
        GrantPolicy {
            dir_roots: vec![PathBuf::from("/")],
            env_names: Vec::new(),
            any_env: true,
            network: true,
            blobstore_roots: vec![PathBuf::from("/")],
            public_http: true,
            provider_files: true,
            provider_images: true,
        }
    }

    /// The narrowest policy that allows the component grants `annotations` ask for
    /// (`trellis.dev/dirs` directories, `trellis.dev/env` variables, `trellis.dev/network`),
    /// e.g. to ask a user whether to allow exactly those. Malformed values are left to
    /// the start itself to refuse.
    pub fn needed_by(annotations: &std::collections::BTreeMap<String, String>) -> GrantPolicy {
        use crate::runtime::{GRANT_DIRS, GRANT_ENV, GRANT_NETWORK};
        let items = |key: &str| -> Vec<String> {
            annotations
                .get(key)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut needed = GrantPolicy::default();
        for item in items(GRANT_DIRS) {
            let host = item.split(':').next().unwrap_or_default();
            needed.dir_roots.push(PathBuf::from(host));
        }
        let env = items(GRANT_ENV);
        if env.iter().any(|e| e == "true") {
            needed.any_env = true;
        } else {
            needed.env_names = env
                .iter()
                .map(|item| {
                    item.split_once('=')
                        .map_or(item.as_str(), |(k, _)| k)
                        .to_owned()
                })
                .collect();
        }
        needed.network = annotations.get(GRANT_NETWORK).map(|v| v.trim()) == Some("true");
        needed
    }

    /// Adds everything `other` allows to this policy.
    pub fn extend(&mut self, other: &GrantPolicy) {
        fn union<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T]) {
            for item in from {
                if !into.contains(item) {
                    into.push(item.clone());
                }
            }
        }
        union(&mut self.dir_roots, &other.dir_roots);
        union(&mut self.env_names, &other.env_names);
        union(&mut self.blobstore_roots, &other.blobstore_roots);
        self.any_env |= other.any_env;
        self.network |= other.network;
        self.public_http |= other.public_http;
        self.provider_files |= other.provider_files;
        self.provider_images |= other.provider_images;
    }

    /// Whether this policy allows nothing beyond the default.
    pub fn is_default(&self) -> bool {
        *self == GrantPolicy::default()
    }

    /// What this policy allows, as short phrases (`directory /data`, `variable HOME`,
    /// `the network`), for a prompt or a summary.
    pub fn describe(&self) -> Vec<String> {
        let mut said: Vec<String> = self
            .dir_roots
            .iter()
            .map(|d| format!("directory {}", d.display()))
            .collect();
        if self.any_env {
            said.push("every environment variable".into());
        }
        said.extend(self.env_names.iter().map(|n| format!("variable {n}")));
        if self.network {
            said.push("the network".into());
        }
        said.extend(
            self.blobstore_roots
                .iter()
                .map(|d| format!("blobstore root {}", d.display())),
        );
        if self.public_http {
            said.push("public http-server addresses".into());
        }
        if self.provider_files {
            said.push("provider binaries from files".into());
        }
        if self.provider_images {
            said.push("providers from registries".into());
        }
        said
    }

    /// Checks a `trellis.dev/dirs` preopen of host directory `dir`; returns the path to
    /// open (resolved, so a symlink cannot lead outside the allowed root).
    pub(crate) fn check_dir(&self, annotation: &str, dir: &Path) -> Result<PathBuf, HostError> {
        let resolved = resolve(dir);
        if self
            .dir_roots
            .iter()
            .any(|root| resolved.starts_with(resolve(root)))
        {
            return Ok(resolved);
        }
        Err(HostError::GrantDenied {
            grant: format!("{annotation}={}", dir.display()),
            reason: format!("allowed roots: {}", list_paths(&self.dir_roots)),
        })
    }

    /// Checks a `trellis.dev/env` grant of variable `name` (`None`: `true`, the whole
    /// environment).
    pub(crate) fn check_env(&self, annotation: &str, name: Option<&str>) -> Result<(), HostError> {
        let allowed = self.any_env || name.is_some_and(|n| self.env_names.iter().any(|a| a == n));
        if allowed {
            return Ok(());
        }
        let allowed = if self.env_names.is_empty() {
            "none".to_owned()
        } else {
            self.env_names.join(", ")
        };
        Err(HostError::GrantDenied {
            grant: format!("{annotation}={}", name.unwrap_or("true")),
            reason: format!("allowed variables: {allowed}"),
        })
    }

    /// Checks a `trellis.dev/network=true` grant.
    pub(crate) fn check_network(&self, annotation: &str) -> Result<(), HostError> {
        if self.network {
            return Ok(());
        }
        Err(HostError::GrantDenied {
            grant: format!("{annotation}=true"),
            reason: "network grants are not allowed".into(),
        })
    }

    /// Checks blobstore provider `id`'s configured `root` against `data_dir` and the
    /// allowed roots.
    pub(crate) fn check_blobstore_root(
        &self,
        id: &str,
        root: &Path,
        data_dir: &Path,
    ) -> Result<(), HostError> {
        let resolved = resolve(root);
        let inside = std::iter::once(data_dir)
            .chain(self.blobstore_roots.iter().map(PathBuf::as_path))
            .any(|allowed| resolved.starts_with(resolve(allowed)));
        if inside {
            return Ok(());
        }
        Err(HostError::GrantDenied {
            grant: format!("blobstore provider {id:?} root={}", root.display()),
            reason: format!(
                "it is outside the host's data dir {} and the allowed blobstore roots: {}",
                data_dir.display(),
                list_paths(&self.blobstore_roots)
            ),
        })
    }

    /// Checks that a provider binary may be started from file `path`.
    pub(crate) fn check_provider_file(&self, path: &Path) -> Result<(), HostError> {
        if self.provider_files {
            return Ok(());
        }
        Err(HostError::GrantDenied {
            grant: format!("provider binary {}", path.display()),
            reason: "this host does not start provider binaries from files; its owner can \
                     allow them (trellis up --allow-provider-files; the local lattice does)"
                .into(),
        })
    }

    /// Checks that a provider archive may be pulled from registry reference `reference`
    /// and its binary run.
    pub(crate) fn check_provider_image(&self, reference: &str) -> Result<(), HostError> {
        if self.provider_images {
            return Ok(());
        }
        Err(HostError::GrantDenied {
            grant: format!("provider image {reference}"),
            reason: "this host does not run providers pulled from registries, which are \
                     native code; its owner can allow them with trellis up \
                     --allow-provider-images, as the local lattice does"
                .into(),
        })
    }

    /// Checks an http-server listening address.
    pub(crate) fn check_http_address(&self, address: SocketAddr) -> Result<(), HostError> {
        if self.public_http || address.ip().is_loopback() {
            return Ok(());
        }
        Err(HostError::GrantDenied {
            grant: format!("http-server address={address}"),
            reason: "only loopback addresses such as 127.0.0.1 may be bound".into(),
        })
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "none".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `path` made absolute with its symlinks resolved as far as it exists; the part that
/// does not exist yet is appended lexically, `..` popping a component.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_owned())
    };
    // Lexical normalisation first, so `..` cannot climb out after the prefix check.
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deny_by_default_naming_the_grant() {
        let policy = GrantPolicy::default();
        let err = policy
            .check_dir("trellis.dev/dirs", Path::new("/etc"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "grant trellis.dev/dirs=/etc is not allowed by this host's policy \
             (allowed roots: none)"
        );
        assert!(is_grant_refusal(&err));
        assert!(!is_grant_refusal("cannot read component file /x.wasm"));
        let err = policy.check_env("trellis.dev/env", None).unwrap_err();
        assert!(err.to_string().contains("trellis.dev/env=true"), "{err}");
        let err = policy.check_network("trellis.dev/network").unwrap_err();
        assert!(
            err.to_string().contains("trellis.dev/network=true"),
            "{err}"
        );
        let err = policy
            .check_http_address("0.0.0.0:8080".parse().unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("address=0.0.0.0:8080"), "{err}");
        assert!(policy
            .check_http_address("127.0.0.1:8080".parse().unwrap())
            .is_ok());
        let err = policy
            .check_provider_image("ghcr.io/org/provider:1.0")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("provider image ghcr.io/org/provider:1.0")
                && err.contains("--allow-provider-images"),
            "{err}"
        );
        assert!(GrantPolicy::allow_all()
            .check_provider_image("ghcr.io/org/provider:1.0")
            .is_ok());
    }

    #[test]
    fn roots_cover_their_subdirectories_only() {
        let dir = tempfile::tempdir().unwrap();
        let policy = GrantPolicy {
            dir_roots: vec![dir.path().to_owned()],
            ..GrantPolicy::default()
        };
        let inner = dir.path().join("a");
        std::fs::create_dir(&inner).unwrap();
        assert!(policy.check_dir("d", &inner).is_ok());
        assert!(policy.check_dir("d", &inner.join("../..")).is_err());
        assert!(policy
            .check_blobstore_root("b", &inner.join("new/x"), &inner)
            .is_ok());
        assert!(policy
            .check_blobstore_root("b", Path::new("/"), &inner)
            .is_err());
    }

    #[test]
    fn what_annotations_need_is_exactly_what_a_start_then_passes() {
        let dir = tempfile::tempdir().unwrap();
        let annotations = std::collections::BTreeMap::from([
            (
                "trellis.dev/dirs".to_owned(),
                format!("{}:/data:ro", dir.path().display()),
            ),
            ("trellis.dev/env".to_owned(), "HOME, MODE=dev".to_owned()),
            ("trellis.dev/network".to_owned(), "true".to_owned()),
        ]);
        let needed = GrantPolicy::needed_by(&annotations);
        assert_eq!(needed.env_names, ["HOME", "MODE"]);
        assert!(needed.network && !needed.any_env);
        assert_eq!(
            needed.describe(),
            [
                format!("directory {}", dir.path().display()),
                "variable HOME".into(),
                "variable MODE".into(),
                "the network".into()
            ]
        );

        let mut policy = GrantPolicy::default();
        assert!(
            crate::runtime::component::Grants::from_annotations(&annotations, &policy).is_err()
        );
        policy.extend(&needed);
        policy.extend(&needed);
        assert_eq!(
            policy.env_names.len(),
            2,
            "extending twice adds nothing new"
        );
        crate::runtime::component::Grants::from_annotations(&annotations, &policy)
            .expect("the extended policy allows what was asked");
        assert!(GrantPolicy::needed_by(&Default::default()).is_default());
    }
}
