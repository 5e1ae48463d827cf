//! Which interfaces can be linked between components on different hosts.
//!
//! A call between hosts travels over wRPC as values complete in one message: resource
//! handles cannot leave the host that owns them, and Trellis does not carry streams or
//! futures between hosts. A link is refused when it is made, naming the function, rather
//! than failing on the first call.

use std::collections::BTreeSet;

use crate::model::{FunctionKind, InterfaceDef, TypeKind};

/// Type constructors whose values cannot cross hosts.
const HANDLE_WORDS: &[&str] = &["borrow", "own", "stream", "future", "error-context"];

/// Why calls of `iface` cannot cross hosts, naming the first function at fault (`None`:
/// every function can).
pub fn cross_host_blocker(iface: &InterfaceDef) -> Option<String> {
    let tainted = tainted_types(iface);
    for function in iface.all_functions() {
        let name = function.qualified_name();
        if function.kind != FunctionKind::Freestanding {
            return Some(format!(
                "`{name}` belongs to resource {}, whose handles cannot leave their host",
                function.resource.as_deref().unwrap_or("?")
            ));
        }
        let types = function
            .params
            .iter()
            .map(|p| p.ty.as_str())
            .chain(function.result.as_deref());
        for ty in types {
            if let Some(word) = words(ty).find(|w| tainted.contains(*w)) {
                return Some(format!(
                    "`{name}` passes `{word}` ({ty}), a resource handle, stream or future, \
                     which cannot leave its host"
                ));
            }
        }
    }
    None
}

/// The names (and constructor words) whose values hold a handle, stream or future:
/// resources, types built from them, and types `use`d from wasi:io (its streams and
/// pollables are resources).
fn tainted_types(iface: &InterfaceDef) -> BTreeSet<&str> {
    let mut tainted: BTreeSet<&str> = HANDLE_WORDS.iter().copied().collect();
    for ty in &iface.types {
        match &ty.def {
            TypeKind::Resource { .. } => {
                tainted.insert(&ty.name);
            }
            TypeKind::Use { from, .. } if from.starts_with("wasi:io/") => {
                tainted.insert(&ty.name);
            }
            _ => {}
        }
    }
    // A record, variant or alias that holds a tainted type is tainted too.
    loop {
        let before = tainted.len();
        for ty in &iface.types {
            let parts: Vec<&str> = match &ty.def {
                TypeKind::Record { fields } => fields.iter().map(|f| f.ty.as_str()).collect(),
                TypeKind::Variant { cases } => {
                    cases.iter().filter_map(|c| c.ty.as_deref()).collect()
                }
                TypeKind::Alias { target } => vec![target.as_str()],
                _ => Vec::new(),
            };
            if parts
                .iter()
                .any(|part| words(part).any(|w| tainted.contains(w)))
            {
                tainted.insert(&ty.name);
            }
        }
        if tainted.len() == before {
            return tainted;
        }
    }
}

/// The identifiers in a WIT type spelling (`list<option<foo-bar>>` → list, option, foo-bar).
fn words(ty: &str) -> impl Iterator<Item = &str> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, FunctionDef, Param, TypeDef};

    fn func(name: &str, params: &[&str], result: Option<&str>) -> FunctionDef {
        FunctionDef {
            name: name.into(),
            kind: FunctionKind::Freestanding,
            resource: None,
            is_async: false,
            params: params
                .iter()
                .enumerate()
                .map(|(i, ty)| Param {
                    name: format!("p{i}"),
                    ty: (*ty).into(),
                })
                .collect(),
            result: result.map(Into::into),
            docs: None,
        }
    }

    fn iface(functions: Vec<FunctionDef>, types: Vec<TypeDef>) -> InterfaceDef {
        InterfaceDef {
            name: "t:p/i".into(),
            reference: None,
            docs: None,
            functions,
            types,
        }
    }

    fn ty(name: &str, def: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            docs: None,
            def,
        }
    }

    #[test]
    fn plain_values_cross() {
        let record = ty(
            "item",
            TypeKind::Record {
                fields: vec![Field {
                    name: "tags".into(),
                    ty: "list<string>".into(),
                    docs: None,
                }],
            },
        );
        let i = iface(
            vec![func("describe", &["item"], Some("result<item, string>"))],
            vec![record],
        );
        assert_eq!(cross_host_blocker(&i), None);
    }

    #[test]
    fn handles_streams_and_types_holding_them_do_not() {
        let handle = ty("handle", TypeKind::Resource { methods: vec![] });
        let holder = ty(
            "holder",
            TypeKind::Record {
                fields: vec![Field {
                    name: "h".into(),
                    ty: "option<handle>".into(),
                    docs: None,
                }],
            },
        );
        let i = iface(
            vec![
                func("fine", &["string"], None),
                func("take", &["list<holder>"], None),
            ],
            vec![handle, holder],
        );
        let reason = cross_host_blocker(&i).unwrap();
        assert!(reason.contains("`take` passes `holder`"), "{reason}");

        let i = iface(vec![func("read", &[], Some("stream<u8>"))], vec![]);
        assert!(cross_host_blocker(&i).unwrap().contains("`stream`"));

        let streams = ty(
            "input-stream",
            TypeKind::Use {
                from: "wasi:io/streams@0.2.0".into(),
                original: "input-stream".into(),
            },
        );
        let i = iface(vec![func("body", &[], Some("input-stream"))], vec![streams]);
        assert!(cross_host_blocker(&i).is_some());
    }
}
