//! Shared by the `providers_*` tests: a probe component built from WAT + the vendored
//! WIT, and a minimal store that carries a `ProviderCtx`.
//!
//! The probe imports keyvalue store/atomics, logging and both `wasi:config/store`
//! versions, and exports one function per capability:
//! - `bump() -> result<u64, string>`: `open("counts")`, `increment("hits", 1)`;
//! - `log-it()`: logs (info, "probe-ctx", "hello from wat");
//! - `config-draft() -> string` / `config-rc() -> string`: the `greeting` key or "".

use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::Context as _;
use trellis_host::{
    add_to_linker, BuiltinProviders, LinkRoutes, LinkTarget, LogBus, ProviderCtx, ProviderCtxInit,
    ProvidersCtxView, ProvidersView,
};
use trellis_proto::ConfigMap;
use wasmtime::component::{Component, Instance, Linker, ResourceTable};
use wasmtime::{Engine, Store};

const PROBE_WIT: &str = r#"
package trellis:providers-test;

world probe {
  import wasi:keyvalue/store@0.2.0-draft;
  import wasi:keyvalue/atomics@0.2.0-draft;
  import wasi:logging/logging@0.1.0-draft;
  import wasi:config/store@0.2.0-draft;
  import wasi:config/store@0.2.0-rc.1;
  export bump: func() -> result<u64, string>;
  export log-it: func();
  export config-draft: func() -> string;
  export config-rc: func() -> string;
}
"#;

// Memory map: 16 "counts", 32 "hits", 48 "greeting", 64 "probe-ctx", 80 the log line,
// 256 the import return area, 512 the export return area, 1024.. the bump heap.
const PROBE_WAT: &str = r#"
(module
  (import "wasi:keyvalue/store@0.2.0-draft" "open" (func $open (param i32 i32 i32)))
  (import "wasi:keyvalue/store@0.2.0-draft" "[resource-drop]bucket" (func $drop_bucket (param i32)))
  (import "wasi:keyvalue/atomics@0.2.0-draft" "increment"
    (func $increment (param i32 i32 i32 i64 i32)))
  (import "wasi:logging/logging@0.1.0-draft" "log" (func $log (param i32 i32 i32 i32 i32)))
  (import "wasi:config/store@0.2.0-draft" "get" (func $config_draft (param i32 i32 i32)))
  (import "wasi:config/store@0.2.0-rc.1" "get" (func $config_rc (param i32 i32 i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "counts")
  (data (i32.const 32) "hits")
  (data (i32.const 48) "greeting")
  (data (i32.const 64) "probe-ctx")
  (data (i32.const 80) "hello from wat")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ret i32)
    (local.set $ret
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $ret) (local.get 3)))
    (local.get $ret))
  ;; Copies the error string at $at (ptr, len) into the export's result<_, string>.
  (func $fail (param $at i32) (result i32)
    (i32.store8 (i32.const 512) (i32.const 1))
    (i32.store (i32.const 520) (i32.load (local.get $at)))
    (i32.store (i32.const 524) (i32.load offset=4 (local.get $at)))
    (i32.const 512))
  (func (export "bump") (result i32)
    (local $bucket i32)
    (i64.store (i32.const 264) (i64.const 0))
    (i64.store (i32.const 272) (i64.const 0))
    (call $open (i32.const 16) (i32.const 6) (i32.const 256))
    (if (i32.load8_u (i32.const 256))
      (then (return (call $fail (i32.const 264)))))
    (local.set $bucket (i32.load (i32.const 260)))
    (i64.store (i32.const 264) (i64.const 0))
    (i64.store (i32.const 272) (i64.const 0))
    (call $increment (local.get $bucket) (i32.const 32) (i32.const 4) (i64.const 1) (i32.const 256))
    (call $drop_bucket (local.get $bucket))
    (if (i32.load8_u (i32.const 256))
      (then (return (call $fail (i32.const 268)))))
    (i32.store8 (i32.const 512) (i32.const 0))
    (i64.store (i32.const 520) (i64.load (i32.const 264)))
    (i32.const 512))
  (func (export "log-it")
    (call $log (i32.const 2) (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 14)))
  (func $config (param $rc i32) (result i32)
    (i64.store (i32.const 264) (i64.const 0))
    (if (local.get $rc)
      (then (call $config_rc (i32.const 48) (i32.const 8) (i32.const 256)))
      (else (call $config_draft (i32.const 48) (i32.const 8) (i32.const 256))))
    (i32.store (i32.const 512) (i32.load (i32.const 264)))
    (i32.store (i32.const 516) (i32.load (i32.const 268)))
    (i32.const 512))
  (func (export "config-draft") (result i32) (call $config (i32.const 0)))
  (func (export "config-rc") (result i32) (call $config (i32.const 1)))
)
"#;

/// The vendored WIT packages the probe uses, dependencies first.
const WIT_DEPS: [&str; 4] = ["keyvalue", "logging", "config-draft", "config-rc1"];

fn wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit/deps")
}

/// The probe component's bytes (built once per test binary).
pub fn probe_bytes() -> anyhow::Result<Vec<u8>> {
    let mut resolve = wit_parser::Resolve::default();
    for dep in WIT_DEPS {
        resolve
            .push_path(wit_dir().join(dep))
            .with_context(|| format!("loading vendored WIT {dep}"))?;
    }
    let package = resolve.push_str("probe.wit", PROBE_WIT)?;
    let world = resolve.select_world(&[package], Some("probe"))?;
    let mut module = wat::parse_str(PROBE_WAT)?;
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )?;
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)?
        .encode()
}

/// One engine and compiled probe for the whole test binary.
pub fn probe() -> &'static (Engine, Component) {
    static PROBE: OnceLock<(Engine, Component)> = OnceLock::new();
    PROBE.get_or_init(|| {
        let engine = Engine::default();
        let bytes = probe_bytes().expect("build the probe component");
        let component = Component::new(&engine, bytes).expect("compile the probe");
        (engine, component)
    })
}

/// Store data of the tests: just the provider state and a table.
pub struct TestState {
    providers: ProviderCtx,
    table: ResourceTable,
}

impl ProvidersView for TestState {
    fn providers(&mut self) -> ProvidersCtxView<'_> {
        ProvidersCtxView {
            ctx: &mut self.providers,
            table: &mut self.table,
        }
    }
}

/// A fresh probe instance for component `component_id`.
pub async fn instantiate(
    component_id: &str,
    registry: &BuiltinProviders,
    routes: LinkRoutes,
    config: ConfigMap,
    logs: &LogBus,
) -> anyhow::Result<(Store<TestState>, Instance)> {
    let (engine, component) = probe();
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker)?;
    let state = TestState {
        providers: ProviderCtx::new(ProviderCtxInit {
            component_id: component_id.into(),
            host_id: "test-host".into(),
            config: config.into(),
            routes,
            logs: logs.clone(),
            registry: registry.clone(),
        }),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(engine, state);
    let instance = linker.instantiate_async(&mut store, component).await?;
    Ok((store, instance))
}

/// Routes wasi:keyvalue store + atomics (link name `default`) to provider `target`.
pub fn keyvalue_routes(target: &str, target_config: ConfigMap) -> LinkRoutes {
    let mut routes = LinkRoutes::new();
    for iface in ["wasi:keyvalue/store", "wasi:keyvalue/atomics"] {
        routes.insert(
            iface,
            "default",
            LinkTarget {
                target: target.into(),
                source_config: ConfigMap::new(),
                target_config: target_config.clone(),
            },
        );
    }
    routes
}

/// Calls `bump` on a fresh instance.
pub async fn bump(
    registry: &BuiltinProviders,
    routes: &LinkRoutes,
) -> anyhow::Result<Result<u64, String>> {
    let logs = LogBus::new("test-host");
    let (mut store, instance) =
        instantiate("probe", registry, routes.clone(), ConfigMap::new(), &logs).await?;
    let func = instance.get_typed_func::<(), (Result<u64, String>,)>(&mut store, "bump")?;
    let (result,) = func.call_async(&mut store, ()).await?;
    Ok(result)
}
