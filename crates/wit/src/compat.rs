//! Can an import be served by an export? And if not, why, in words a person reads.
//!
//! The rules: same namespace, package and interface; semver-compatible versions
//! ([`versions_compatible`](crate::versions_compatible)); every function the import
//! declares exists in the export with the same kind, parameter names and types, and
//! result; every named type the import uses has the same shape in the export.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{FunctionDef, FunctionKind, InterfaceDef, TypeDef, TypeKind};
use crate::InterfaceRef;

/// The answer of [`check_compatibility`] and [`check_link`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reasons", rename_all = "kebab-case")]
pub enum Compatibility {
    /// The export serves the import.
    Compatible,
    /// It does not, for these reasons (never empty).
    Incompatible(Vec<IncompatibilityReason>),
}

impl Compatibility {
    /// `true` for [`Compatibility::Compatible`].
    pub fn is_compatible(&self) -> bool {
        matches!(self, Compatibility::Compatible)
    }

    /// The reasons (empty when compatible).
    pub fn reasons(&self) -> &[IncompatibilityReason] {
        match self {
            Compatibility::Compatible => &[],
            Compatibility::Incompatible(reasons) => reasons,
        }
    }

    fn from_reasons(reasons: Vec<IncompatibilityReason>) -> Compatibility {
        if reasons.is_empty() {
            Compatibility::Compatible
        } else {
            Compatibility::Incompatible(reasons)
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compatibility::Compatible => f.write_str("compatible"),
            Compatibility::Incompatible(reasons) => {
                for (i, reason) in reasons.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{reason}")?;
                }
                Ok(())
            }
        }
    }
}

/// One reason an import cannot use an export. `Display` gives the sentence;
/// the serde `kind` tag (kebab-case variant name) is what tables and the UI match on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IncompatibilityReason {
    /// The import is a bare function or an inline interface: links route packaged
    /// interfaces only.
    NotLinkable {
        /// The import's name.
        import: String,
    },
    /// The target exports nothing of that namespace, package and interface.
    NotExported {
        /// `ns:pkg/iface` of the import.
        interface: String,
    },
    /// The export is another interface altogether.
    OtherInterface {
        /// What the import needs.
        import: String,
        /// What was offered.
        export: String,
    },
    /// Same interface, versions on different semver tracks.
    VersionMismatch {
        /// `ns:pkg/iface`.
        interface: String,
        /// Version the import needs (`None`: unversioned).
        import_version: Option<String>,
        /// Version the target exports (`None`: unversioned).
        export_version: Option<String>,
    },
    /// A function the import calls is not in the export.
    MissingFunction {
        /// Function (`resource.method` for resource functions).
        function: String,
        /// The interface.
        interface: String,
    },
    /// A function exists on both sides with different signatures.
    SignatureMismatch {
        /// Function (`resource.method` for resource functions).
        function: String,
        /// What differs, e.g. `parameter key is string here, u32 in the target`.
        detail: String,
    },
    /// A named type the import uses is not in the export.
    MissingType {
        /// The type's name.
        type_name: String,
        /// The interface.
        interface: String,
    },
    /// A named type has another shape in the export.
    TypeMismatch {
        /// The type's name.
        type_name: String,
        /// What differs.
        detail: String,
    },
}

impl IncompatibilityReason {
    /// The kebab-case kind, as in the JSON `kind` tag and `link_cases.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            IncompatibilityReason::NotLinkable { .. } => "not-linkable",
            IncompatibilityReason::NotExported { .. } => "not-exported",
            IncompatibilityReason::OtherInterface { .. } => "other-interface",
            IncompatibilityReason::VersionMismatch { .. } => "version-mismatch",
            IncompatibilityReason::MissingFunction { .. } => "missing-function",
            IncompatibilityReason::SignatureMismatch { .. } => "signature-mismatch",
            IncompatibilityReason::MissingType { .. } => "missing-type",
            IncompatibilityReason::TypeMismatch { .. } => "type-mismatch",
        }
    }
}

impl fmt::Display for IncompatibilityReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = |v: &Option<String>| v.clone().unwrap_or_else(|| "no version".to_owned());
        match self {
            IncompatibilityReason::NotLinkable { import } => write!(
                f,
                "import {import} is not a packaged interface (ns:pkg/iface), so no link can serve it"
            ),
            IncompatibilityReason::NotExported { interface } => {
                write!(f, "target does not export {interface}")
            }
            IncompatibilityReason::OtherInterface { import, export } => {
                write!(f, "target exports {export}, the import needs {import}")
            }
            IncompatibilityReason::VersionMismatch {
                interface,
                import_version,
                export_version,
            } => {
                let exported = match export_version {
                    Some(v) => format!("{interface}@{v}"),
                    None => format!("{interface} without a version"),
                };
                write!(
                    f,
                    "target exports {exported}, the import needs {}",
                    version(import_version)
                )
            }
            IncompatibilityReason::MissingFunction {
                function,
                interface,
            } => write!(f, "function {function} is missing from the target's {interface}"),
            IncompatibilityReason::SignatureMismatch { function, detail } => {
                write!(f, "function {function}: {detail}")
            }
            IncompatibilityReason::MissingType {
                type_name,
                interface,
            } => write!(f, "type {type_name} is missing from the target's {interface}"),
            IncompatibilityReason::TypeMismatch { type_name, detail } => {
                write!(f, "type {type_name}: {detail}")
            }
        }
    }
}

/// Checks one imported interface against one exported interface.
pub fn check_compatibility(import: &InterfaceDef, export: &InterfaceDef) -> Compatibility {
    let Some(import_ref) = import.interface_ref() else {
        return Compatibility::Incompatible(vec![IncompatibilityReason::NotLinkable {
            import: import.name.clone(),
        }]);
    };
    let export_ref = export.interface_ref();
    let Some(export_ref) = export_ref.filter(|e| e.same_interface(&import_ref)) else {
        return Compatibility::Incompatible(vec![IncompatibilityReason::OtherInterface {
            import: import_ref.unversioned(),
            export: export.name.clone(),
        }]);
    };
    if !import_ref.accepts(&export_ref) {
        return Compatibility::Incompatible(vec![IncompatibilityReason::VersionMismatch {
            interface: import_ref.unversioned(),
            import_version: import_ref.version.as_ref().map(ToString::to_string),
            export_version: export_ref.version.as_ref().map(ToString::to_string),
        }]);
    }
    let mut reasons = Vec::new();
    for wanted in import.all_functions() {
        let name = wanted.qualified_name();
        match export.function(&name) {
            None => reasons.push(IncompatibilityReason::MissingFunction {
                function: name,
                interface: import_ref.unversioned(),
            }),
            Some(offered) => reasons.extend(
                signature_differences(wanted, offered)
                    .into_iter()
                    .map(|detail| IncompatibilityReason::SignatureMismatch {
                        function: name.clone(),
                        detail,
                    }),
            ),
        }
    }
    for wanted in &import.types {
        match export.type_def(&wanted.name) {
            None => reasons.push(IncompatibilityReason::MissingType {
                type_name: wanted.name.clone(),
                interface: import_ref.unversioned(),
            }),
            Some(offered) => {
                if let Some(detail) = type_difference(wanted, offered) {
                    reasons.push(IncompatibilityReason::TypeMismatch {
                        type_name: wanted.name.clone(),
                        detail,
                    });
                }
            }
        }
    }
    Compatibility::from_reasons(reasons)
}

/// Checks an import against everything a link target exports: finds the export of
/// the same `ns:pkg/iface` and checks it (see [`check_compatibility`]).
pub fn check_link(import: &InterfaceDef, target_exports: &[InterfaceDef]) -> Compatibility {
    let Some(import_ref) = import.interface_ref() else {
        return Compatibility::Incompatible(vec![IncompatibilityReason::NotLinkable {
            import: import.name.clone(),
        }]);
    };
    let candidates: Vec<&InterfaceDef> = target_exports
        .iter()
        .filter(|e| {
            e.interface_ref()
                .is_some_and(|r| r.same_interface(&import_ref))
        })
        .collect();
    let mut first_failure = None;
    for candidate in candidates {
        match check_compatibility(import, candidate) {
            Compatibility::Compatible => return Compatibility::Compatible,
            failure => {
                first_failure.get_or_insert(failure);
            }
        }
    }
    first_failure.unwrap_or_else(|| {
        Compatibility::Incompatible(vec![IncompatibilityReason::NotExported {
            interface: import_ref.unversioned(),
        }])
    })
}

impl InterfaceDef {
    /// The structured name: `reference` if set, else `name` parsed (so hand-written
    /// JSON may give just `name`). `None` for inline interfaces.
    pub fn interface_ref(&self) -> Option<InterfaceRef> {
        self.reference
            .clone()
            .or_else(|| InterfaceRef::parse(&self.name).ok())
    }
}

fn kind_word(kind: FunctionKind) -> &'static str {
    match kind {
        FunctionKind::Freestanding => "a function",
        FunctionKind::Method => "a method",
        FunctionKind::Static => "a static function",
        FunctionKind::Constructor => "a constructor",
        FunctionKind::Getter => "a getter",
        FunctionKind::Setter => "a setter",
    }
}

/// Every way two signatures differ, each as a phrase.
fn signature_differences(here: &FunctionDef, there: &FunctionDef) -> Vec<String> {
    let mut out = Vec::new();
    if here.kind != there.kind {
        out.push(format!(
            "is {} here, {} in the target",
            kind_word(here.kind),
            kind_word(there.kind)
        ));
    }
    if here.is_async != there.is_async {
        let word = |a: bool| if a { "async" } else { "not async" };
        out.push(format!(
            "is {} here, {} in the target",
            word(here.is_async),
            word(there.is_async)
        ));
    }
    if here.params.len() != there.params.len() {
        out.push(format!(
            "takes {} here, {} in the target",
            plural(here.params.len(), "parameter"),
            plural(there.params.len(), "parameter")
        ));
    } else {
        for (i, (a, b)) in here.params.iter().zip(&there.params).enumerate() {
            // The component model compares parameter names too.
            if a.name != b.name {
                out.push(format!(
                    "parameter {} is named {} here, {} in the target",
                    i + 1,
                    a.name,
                    b.name
                ));
            } else if a.ty != b.ty {
                out.push(format!(
                    "parameter {} is {} here, {} in the target",
                    a.name, a.ty, b.ty
                ));
            }
        }
    }
    if here.result != there.result {
        let r = |r: &Option<String>| r.clone().unwrap_or_else(|| "nothing".to_owned());
        out.push(format!(
            "returns {} here, {} in the target",
            r(&here.result),
            r(&there.result)
        ));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn shape_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Record { .. } => "a record",
        TypeKind::Variant { .. } => "a variant",
        TypeKind::Enum { .. } => "an enum",
        TypeKind::Flags { .. } => "flags",
        TypeKind::Resource { .. } => "a resource",
        TypeKind::Alias { .. } => "an alias",
        TypeKind::Use { .. } => "a type from another interface",
    }
}

/// How two same-named types differ, if they do. Docs are ignored; resource
/// methods are compared as functions.
fn type_difference(here: &TypeDef, there: &TypeDef) -> Option<String> {
    let cases_text = |cases: &[crate::model::Case]| {
        cases
            .iter()
            .map(|c| match &c.ty {
                Some(t) => format!("{}({t})", c.name),
                None => c.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let differ = |what: &str, a: String, b: String| {
        (a != b).then(|| format!("{what} {{{a}}} here, {{{b}}} in the target"))
    };
    match (&here.def, &there.def) {
        (TypeKind::Record { fields: a }, TypeKind::Record { fields: b }) => {
            let text = |fields: &[crate::model::Field]| {
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, f.ty))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            differ("fields are", text(a), text(b))
        }
        (TypeKind::Variant { cases: a }, TypeKind::Variant { cases: b })
        | (TypeKind::Enum { cases: a }, TypeKind::Enum { cases: b }) => {
            differ("cases are", cases_text(a), cases_text(b))
        }
        (TypeKind::Flags { flags: a }, TypeKind::Flags { flags: b }) => {
            differ("flags are", cases_text(a), cases_text(b))
        }
        (TypeKind::Resource { .. }, TypeKind::Resource { .. }) => None,
        (TypeKind::Alias { target: a }, TypeKind::Alias { target: b }) => {
            (a != b).then(|| format!("is {a} here, {b} in the target"))
        }
        (
            TypeKind::Use {
                from: from_a,
                original: orig_a,
            },
            TypeKind::Use {
                from: from_b,
                original: orig_b,
            },
        ) => {
            // A `use`d type may come from a newer patch of the same package.
            let same_source = match (InterfaceRef::parse(from_a), InterfaceRef::parse(from_b)) {
                (Ok(a), Ok(b)) => a.accepts(&b),
                _ => from_a == from_b,
            };
            (!same_source || orig_a != orig_b).then(|| {
                format!("is {from_a}.{{{orig_a}}} here, {from_b}.{{{orig_b}}} in the target")
            })
        }
        (a, b) => Some(format!(
            "is {} here, {} in the target",
            shape_word(a),
            shape_word(b)
        )),
    }
}
