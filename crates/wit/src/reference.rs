//! `ns:pkg/iface@version` names and the semver rule that decides whether two
//! versions of one interface can stand in for each other.

use std::fmt;
use std::str::FromStr;

use semver::Version;
use serde::{Deserialize, Serialize};

use crate::WitError;

/// The name of a packaged interface: `wasi:keyvalue/store@0.2.0-draft`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InterfaceRef {
    /// Namespace, e.g. `wasi`.
    pub namespace: String,
    /// Package, e.g. `keyvalue`.
    pub package: String,
    /// Interface, e.g. `store`.
    pub interface: String,
    /// Package version, if the package has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub version: Option<Version>,
}

impl InterfaceRef {
    /// Builds a reference from its parts.
    pub fn new(
        namespace: impl Into<String>,
        package: impl Into<String>,
        interface: impl Into<String>,
        version: Option<Version>,
    ) -> InterfaceRef {
        InterfaceRef {
            namespace: namespace.into(),
            package: package.into(),
            interface: interface.into(),
            version,
        }
    }

    /// Parses `ns:pkg/iface` or `ns:pkg/iface@version`.
    pub fn parse(text: &str) -> Result<InterfaceRef, WitError> {
        let bad = |reason: &str| WitError::InvalidInterfaceRef {
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (path, version) = match text.split_once('@') {
            Some((path, version)) => {
                let version = Version::parse(version)
                    .map_err(|e| bad(&format!("version `{version}` is not semver: {e}")))?;
                (path, Some(version))
            }
            None => (text, None),
        };
        let (namespace, rest) = path
            .split_once(':')
            .ok_or_else(|| bad("expected `namespace:package/interface`"))?;
        let (package, interface) = rest
            .split_once('/')
            .ok_or_else(|| bad("expected `namespace:package/interface`"))?;
        for (what, part) in [
            ("namespace", namespace),
            ("package", package),
            ("interface", interface),
        ] {
            if !is_kebab_id(part) {
                return Err(bad(&format!(
                    "{what} `{part}` is not a WIT identifier (letters, digits and single dashes)"
                )));
            }
        }
        Ok(InterfaceRef::new(namespace, package, interface, version))
    }

    /// `ns:pkg/iface` without the version.
    pub fn unversioned(&self) -> String {
        format!("{}:{}/{}", self.namespace, self.package, self.interface)
    }

    /// Same namespace, package and interface (versions not compared).
    pub fn same_interface(&self, other: &InterfaceRef) -> bool {
        self.namespace == other.namespace
            && self.package == other.package
            && self.interface == other.interface
    }

    /// Same interface and semver-compatible versions (see [`versions_compatible`]).
    pub fn accepts(&self, other: &InterfaceRef) -> bool {
        self.same_interface(other)
            && versions_compatible(self.version.as_ref(), other.version.as_ref())
    }

    /// The version as text, or `(no version)`.
    pub fn version_text(&self) -> String {
        self.version
            .as_ref()
            .map_or_else(|| "(no version)".to_owned(), Version::to_string)
    }
}

impl fmt::Display for InterfaceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.unversioned())?;
        if let Some(version) = &self.version {
            write!(f, "@{version}")?;
        }
        Ok(())
    }
}

impl FromStr for InterfaceRef {
    type Err = WitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InterfaceRef::parse(s)
    }
}

/// Whether an import of version `import` can be served by an export of `export`.
///
/// The component model's rule: versions on the same compatibility track match.
/// A track is the major version for `>= 1`, `0.minor` for `0.x`, and the whole
/// version for pre-releases (so `0.2.0-draft` matches only `0.2.0-draft`). Build
/// metadata is ignored; an unversioned name matches only an unversioned one.
pub fn versions_compatible(import: Option<&Version>, export: Option<&Version>) -> bool {
    match (import, export) {
        (None, None) => true,
        (Some(a), Some(b)) => compat_track(a) == compat_track(b),
        _ => false,
    }
}

/// The part of a version that must match: see [`versions_compatible`].
fn compat_track(version: &Version) -> (u64, u64, u64, String) {
    if !version.pre.is_empty() {
        (
            version.major,
            version.minor,
            version.patch,
            version.pre.to_string(),
        )
    } else if version.major != 0 {
        (version.major, 0, 0, String::new())
    } else if version.minor != 0 {
        (0, version.minor, 0, String::new())
    } else {
        (0, 0, version.patch, String::new())
    }
}

/// A WIT identifier: dash-separated words of letters and digits.
fn is_kebab_id(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word.chars().all(|c| c.is_ascii_alphanumeric())
                && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints() {
        let r = InterfaceRef::parse("wasi:keyvalue/store@0.2.0-draft").unwrap();
        assert_eq!(r.namespace, "wasi");
        assert_eq!(r.package, "keyvalue");
        assert_eq!(r.interface, "store");
        assert_eq!(r.version, Some(v("0.2.0-draft")));
        assert_eq!(r.to_string(), "wasi:keyvalue/store@0.2.0-draft");
        let r: InterfaceRef = "acme:counter/store".parse().unwrap();
        assert_eq!(r.version, None);
        assert_eq!(r.to_string(), "acme:counter/store");
    }

    #[test]
    fn rejects_bad_names_with_a_reason() {
        for bad in [
            "",
            "wasi",
            "wasi:http",
            "wasi:/types",
            "wasi:http/types@x",
            "wasi:http/ty pes",
            "wasi:http/-types",
            "wasi:http/types@0.2",
        ] {
            let err = InterfaceRef::parse(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn semver_tracks() {
        let ok = |a: &str, b: &str| versions_compatible(Some(&v(a)), Some(&v(b)));
        assert!(ok("0.2.9", "0.2.12"));
        assert!(ok("0.2.12", "0.2.0"));
        assert!(ok("1.2.0", "1.9.3"));
        assert!(!ok("0.2.0", "0.3.0"));
        assert!(!ok("1.0.0", "2.0.0"));
        assert!(!ok("0.0.1", "0.0.2"));
        assert!(ok("0.2.0-draft", "0.2.0-draft"));
        assert!(ok("0.2.0-draft+build1", "0.2.0-draft"));
        assert!(!ok("0.2.0-draft", "0.2.0"));
        assert!(!ok("0.2.0-draft", "0.2.1-draft"));
        assert!(!ok("0.2.0-rc.1", "0.2.0-draft"));
        assert!(versions_compatible(None, None));
        assert!(!versions_compatible(None, Some(&v("0.1.0"))));
    }
}
