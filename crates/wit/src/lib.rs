//! trellis-wit: the WIT of a WebAssembly component, as data.
//!
//! What it does:
//! - **Decode** a component ([`decode_component`], [`decode_file`]) into a
//!   [`ComponentWit`]: world name, imports and exports (packaged interfaces
//!   `ns:pkg/iface@version`, inline interfaces, bare functions), every function with
//!   named, typed parameters and result, every named type (records, variants, enums,
//!   flags, aliases, resources with their methods), doc comments, and the world as
//!   WIT text ([`ComponentWit::to_wit_text`]).
//! - **Compatibility** of an import with an export ([`check_compatibility`],
//!   [`check_link`]): [`Compatibility::Compatible`] or a list of
//!   [`IncompatibilityReason`]s whose `Display` is a sentence a person understands.
//! - **Satisfaction analysis** ([`analyze_satisfaction`]): every import of a component
//!   marked as served by WASI, the host, a provider or a component through a link, or
//!   unsatisfied with the reason.
//! - **Built-in providers** ([`builtin_providers`], [`parse_builtin_reference`]): the
//!   one table of the providers a Trellis host runs in-process (what each exports and
//!   calls, its default config) and the one rule for reading `builtin://NAME`,
//!   `wasmcloud+builtin://NAME` and a bare `NAME`.
//!
//! Doc comments appear in the model when the source has them (WIT parsed from text,
//! such as the built-in providers' packages); encoded components carry none, just
//! as `wasm-tools component wit` shows none. The WIT text equals
//! `wasm-tools component wit` output (checked against componentize-py output).
//!
//! What it is not: no I/O beyond reading a file, no wasmtime. Decoding is synchronous
//! and CPU-bound; callers with a UI run it on a blocking thread.
//!
//! # JSON shape
//! The model derives serde; the UI reads it as is. Types are written in WIT spelling
//! (`list<u8>`, `option<string>`, `borrow<descriptor>`); named types are described in
//! the `types` list of the interface that declares them.
//! ```json
//! { "world": "root", "package": "root:component", "wit": "package root:component; ...",
//!   "imports": [
//!     { "item": "interface", "name": "wasi:keyvalue/store@0.2.0-draft",
//!       "ref": {"namespace": "wasi", "package": "keyvalue", "interface": "store", "version": "0.2.0-draft"},
//!       "functions": [{"name": "open", "kind": "freestanding",
//!                      "params": [{"name": "identifier", "type": "string"}],
//!                      "result": "result<bucket, error>"}],
//!       "types": [{"name": "bucket", "kind": "resource", "methods": [{"name": "get", "kind": "method",
//!                  "resource": "bucket", "params": [{"name": "key", "type": "string"}],
//!                  "result": "result<option<list<u8>>, error>"}]},
//!                 {"name": "error", "kind": "variant", "cases": [{"name": "no-such-store"}, {"name": "other", "type": "string"}]}] },
//!     { "item": "function", "name": "log", "kind": "freestanding", "params": [{"name": "msg", "type": "string"}] } ],
//!   "exports": [ ... ] }
//! ```
//! Type kinds: `record` (`fields`), `variant` / `enum` (`cases`), `flags` (`flags`),
//! `resource` (`methods`), `alias` (`target`), `use` (`from`, `original`). Function
//! kinds: `freestanding`, `method`, `static`, `constructor`, `getter`, `setter`.
//!
//! # Link cases table
//! `tests/link_cases.json` is shared with the frontend's `canLink`:
//! `{"cases": [{"name", "import", "exports", "expect", "reason"}]}` where `import` is an
//! interface in the JSON shape above (`name` is enough for the reference; `functions`
//! and `types` optional), `exports` the target's interfaces, `expect` either `"ok"` or
//! the `kind` of the first expected reason (`not-exported`, `version-mismatch`,
//! `signature-mismatch`, `missing-function`, `type-mismatch`, …), and `reason` that
//! reason's sentence (`null` when ok). Both sides run [`check_link`] semantics on every
//! case and must say the same words.
//!
//! # Example
//! ```
//! use trellis_wit::{check_link, InterfaceDef, InterfaceRef};
//!
//! let import = InterfaceDef::from_ref("wasi:keyvalue/store@0.2.0-draft".parse()?);
//! let blobstore = InterfaceDef::from_ref("wasi:blobstore/container@0.2.0-draft".parse()?);
//! let verdict = check_link(&import, &[blobstore]);
//! assert_eq!(verdict.to_string(), "target does not export wasi:keyvalue/store");
//! # Ok::<(), trellis_wit::WitError>(())
//! ```
#![deny(missing_docs)]

mod builtin;
mod cache;
mod compat;
mod crosshost;
mod decode;
mod error;
mod model;
mod reference;
mod satisfy;

pub use builtin::{
    builtin_exporting, builtin_names, builtin_providers, builtin_reference_name,
    builtin_wire_reference, parse_builtin_reference, BuiltinSpec,
};
pub use cache::{file_path, WitCache};
pub use compat::{check_compatibility, check_link, Compatibility, IncompatibilityReason};
pub use crosshost::cross_host_blocker;
pub use decode::{decode_component, decode_file, top_level_names};
pub use error::WitError;
pub use model::{
    Case, ComponentWit, Field, FunctionDef, FunctionKind, InterfaceDef, Param, TypeDef, TypeKind,
    WorldEntry,
};
pub use reference::{versions_compatible, InterfaceRef};
pub use satisfy::{
    analyze_satisfaction, BuiltinProvider, HostCapabilities, ImportStatus, LinkTarget, SatisfiedBy,
    TargetKind,
};
