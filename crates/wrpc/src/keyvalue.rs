//! `wrpc:keyvalue@0.2.0-draft`: how wasmCloud 1.x carries `wasi:keyvalue` over wRPC.
//!
//! A component's `wasi:keyvalue` calls reach a keyvalue provider on another host (or a
//! wasmCloud keyvalue provider) as these functions, with the bucket's identifier in
//! place of the `bucket` resource. The types are read from this WIT once per engine, so
//! values go through the same codec as every other call.

use std::collections::HashMap;

use wasmtime::component::Val;
use wasmtime::Engine;

use crate::types::ExportTypes;
pub use crate::types::Signature;

/// The instance of `get`, `set`, `delete`, `exists` and `list-keys`.
pub const STORE: &str = "wrpc:keyvalue/store@0.2.0-draft";
/// The instance of `increment`.
pub const ATOMICS: &str = "wrpc:keyvalue/atomics@0.2.0-draft";

/// The keyvalue interfaces as wasmCloud 1.x serves them over wRPC.
const WIT: &str = r#"
package wrpc:keyvalue@0.2.0-draft;

interface store {
  variant error { no-such-store, access-denied, other(string) }
  record key-response { keys: list<string>, cursor: option<u64> }
  get: func(bucket: string, key: string) -> result<option<list<u8>>, error>;
  set: func(bucket: string, key: string, value: list<u8>) -> result<_, error>;
  delete: func(bucket: string, key: string) -> result<_, error>;
  exists: func(bucket: string, key: string) -> result<bool, error>;
  list-keys: func(bucket: string, cursor: option<u64>) -> result<key-response, error>;
}

interface atomics {
  use store.{error};
  increment: func(bucket: string, key: string, delta: u64) -> result<u64, error>;
}

world provider {
  export store;
  export atomics;
}
"#;

/// Every keyvalue function's types, by function name (`get`, …, `increment`).
pub struct KeyvalueTypes {
    functions: HashMap<&'static str, Signature>,
}

impl KeyvalueTypes {
    /// Reads the types from [`WIT`] compiled for `engine` (a few milliseconds; keep the
    /// result).
    pub fn load(engine: &Engine) -> anyhow::Result<KeyvalueTypes> {
        let mut resolve = wit_parser::Resolve::default();
        let package = resolve.push_str("wrpc-keyvalue.wit", WIT)?;
        let world = resolve.select_world(&[package], Some("provider"))?;
        let exports = ExportTypes::of_world(engine, &resolve, world)?;
        let mut functions = HashMap::new();
        for (instance, func, types) in exports.functions() {
            let wire = if instance == STORE { STORE } else { ATOMICS };
            let func: &'static str = match func {
                "get" => "get",
                "set" => "set",
                "delete" => "delete",
                "exists" => "exists",
                "list-keys" => "list-keys",
                "increment" => "increment",
                _ => continue,
            };
            functions.insert(
                func,
                Signature {
                    instance: wire,
                    func,
                    params: types.param_types(),
                    results: types.results.clone(),
                },
            );
        }
        Ok(KeyvalueTypes { functions })
    }

    /// The types of function `func` (`get`, `set`, `delete`, `exists`, `list-keys`,
    /// `increment`).
    pub fn signature(&self, func: &str) -> &Signature {
        &self.functions[func]
    }

    /// Every function, for serving them.
    pub fn signatures(&self) -> impl Iterator<Item = &Signature> {
        self.functions.values()
    }
}

/// A keyvalue error as the guest-facing text Trellis' own buckets use.
pub fn error_text(error: &Val) -> String {
    match error {
        Val::Variant(case, None) if case == "no-such-store" => "no such store".into(),
        Val::Variant(case, None) if case == "access-denied" => "access denied".into(),
        Val::Variant(case, Some(text)) if case == "other" => match &**text {
            Val::String(text) => text.clone(),
            other => format!("{other:?}"),
        },
        other => format!("{other:?}"),
    }
}

/// `result::err(error::other(text))`.
pub fn err_other(text: impl Into<String>) -> Val {
    Val::Result(Err(Some(Box::new(Val::Variant(
        "other".into(),
        Some(Box::new(Val::String(text.into()))),
    )))))
}

/// `result::err(error::access-denied)`.
pub fn err_access_denied() -> Val {
    Val::Result(Err(Some(Box::new(Val::Variant(
        "access-denied".into(),
        None,
    )))))
}

/// `result::ok(payload)`.
pub fn ok(payload: Option<Val>) -> Val {
    Val::Result(Ok(payload.map(Box::new)))
}

/// The payload of a `result` value, or the error's text.
pub fn into_result(value: Val) -> Result<Option<Val>, String> {
    match value {
        Val::Result(Ok(payload)) => Ok(payload.map(|v| *v)),
        Val::Result(Err(Some(error))) => Err(error_text(&error)),
        Val::Result(Err(None)) => Err("the keyvalue provider failed".into()),
        other => Err(format!("the keyvalue provider answered {other:?}")),
    }
}

/// `list<u8>` as bytes.
pub fn bytes_of(value: &Val) -> Option<Vec<u8>> {
    match value {
        Val::List(items) => items
            .iter()
            .map(|v| match v {
                Val::U8(b) => Some(*b),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Bytes as `list<u8>`.
pub fn list_of(bytes: &[u8]) -> Val {
    Val::List(bytes.iter().copied().map(Val::U8).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_its_types() {
        let types = KeyvalueTypes::load(&Engine::default()).unwrap();
        let increment = types.signature("increment");
        assert_eq!(increment.instance, ATOMICS);
        assert_eq!(increment.params.len(), 3);
        assert_eq!(types.signature("list-keys").instance, STORE);
        assert_eq!(types.signatures().count(), 6);
        for sig in types.signatures() {
            for ty in sig.params.iter().chain(&sig.results) {
                assert_eq!(crate::carriable(ty), Ok(()), "{}", sig.func);
            }
        }
    }

    #[test]
    fn errors_read_as_text() {
        assert_eq!(
            into_result(err_access_denied()),
            Err("access denied".into())
        );
        assert_eq!(into_result(err_other("full")), Err("full".into()));
        assert_eq!(into_result(ok(Some(Val::U64(3)))), Ok(Some(Val::U64(3))));
        assert_eq!(bytes_of(&list_of(b"hi")), Some(b"hi".to_vec()));
    }
}
