//! The TypeScript side of the IPC, generated: every type a command takes or returns and
//! every event payload is rendered by ts-rs into one file, `frontend/src/api/generated.ts`,
//! which `frontend/src/api/index.ts` (the only `invoke` caller) re-exports.
//!
//! [`generated_ts_is_current`] fails when the committed file differs from what the Rust
//! types render today, so a changed type cannot reach the webview unnoticed. Regenerate
//! with
//!
//! ```text
//! TRELLIS_UPDATE_IPC_TYPES=1 cargo test -p trellis-app --lib ipc_types
//! ```
//!
//! The types derive `ts_rs::TS` behind the `ts` feature of trellis-proto, trellis-wit and
//! trellis-lattice, which only this crate's tests turn on (a dev-dependency), so the CLI,
//! the host and the app binary do not build ts-rs. To add a type, derive `TS` on it and
//! list it in [`ipc_types`]; the test refuses a listed type whose dependencies are not
//! listed too.

use std::any::TypeId;
use std::collections::BTreeSet;
use std::path::PathBuf;

use ts_rs::{Config, TS};

/// Set to `1` to rewrite the generated file instead of comparing it.
const UPDATE_ENV: &str = "TRELLIS_UPDATE_IPC_TYPES";

/// The generated file, relative to the repository root.
const GENERATED: &str = "frontend/src/api/generated.ts";

/// The command that rewrites [`GENERATED`].
const REGENERATE: &str = "TRELLIS_UPDATE_IPC_TYPES=1 cargo test -p trellis-app --lib ipc_types";

/// One rendered declaration and what it refers to.
struct Decl {
    id: TypeId,
    name: String,
    text: String,
    deps: Vec<(TypeId, String)>,
}

fn decl<T: TS + 'static>(cfg: &Config) -> Decl {
    let mut text = T::docs().unwrap_or_default();
    text.push_str("export ");
    text.push_str(&T::decl(cfg));
    Decl {
        id: TypeId::of::<T>(),
        name: T::ident(cfg),
        text,
        deps: T::dependencies(cfg)
            .into_iter()
            .map(|d| (d.type_id, d.ts_name))
            .collect(),
    }
}

/// Every type that crosses the IPC boundary, in the order the file lists them.
fn ipc_types(cfg: &Config) -> Vec<Decl> {
    use trellis_lattice as lattice;
    use trellis_proto as proto;
    use trellis_wit as wit;
    vec![
        // src-tauri: the error every command may reject with, and `lattice_status` /
        // `trellis://status`.
        decl::<crate::CommandError>(cfg),
        decl::<crate::ErrorCode>(cfg),
        decl::<crate::LatticeStatus>(cfg),
        decl::<crate::ConnState>(cfg),
        // Event payloads of `trellis://log`, `trellis://lattice-event`, `trellis://model`.
        decl::<crate::SessionLog>(cfg),
        decl::<crate::SessionLatticeEvent>(cfg),
        decl::<crate::SessionModelEvent>(cfg),
        // The session commands: contexts as the webview may see them, the context the
        // Attach dialog sends, and the connection test's report.
        decl::<crate::commands::sessions::ContextList>(cfg),
        decl::<crate::commands::sessions::ContextProblem>(cfg),
        decl::<crate::commands::sessions::ImportSummary>(cfg),
        decl::<lattice::ContextSummary>(cfg),
        decl::<lattice::Context>(cfg),
        decl::<lattice::Auth>(cfg),
        decl::<lattice::TlsOptions>(cfg),
        decl::<lattice::ConnectionReport>(cfg),
        decl::<lattice::CheckStep>(cfg),
        decl::<lattice::StepKind>(cfg),
        decl::<lattice::StepOutcome>(cfg),
        // trellis-proto: `list_hosts`, `put_link`, `delete_link`, `trellis://log`,
        // `trellis://lattice-event`.
        decl::<proto::Host>(cfg),
        decl::<proto::ComponentDescription>(cfg),
        decl::<proto::ProviderDescription>(cfg),
        decl::<proto::Link>(cfg),
        decl::<proto::LinkKey>(cfg),
        decl::<proto::DeleteLinkRequest>(cfg),
        decl::<proto::LogLevel>(cfg),
        decl::<proto::LogRecord>(cfg),
        decl::<proto::CloudEvent>(cfg),
        // trellis-lattice: `lattice_snapshot` and `trellis://model`.
        decl::<lattice::ModelSnapshot>(cfg),
        decl::<lattice::HostSnapshot>(cfg),
        decl::<lattice::HostInfo>(cfg),
        decl::<lattice::ModelChange>(cfg),
        decl::<lattice::RemovalReason>(cfg),
        decl::<lattice::V2HostInfo>(cfg),
        // `start_v2_workload`, `list_v2_workloads`, `stop_v2_workload`.
        decl::<trellis_v2::WorkloadSpec>(cfg),
        decl::<trellis_v2::WorkloadView>(cfg),
        decl::<trellis_v2::WorkloadRecord>(cfg),
        decl::<trellis_v2::RecordedComponent>(cfg),
        decl::<trellis_v2::RecordedInterface>(cfg),
        // `describe_v2_workload`.
        decl::<trellis_v2::WorkloadDescription>(cfg),
        decl::<trellis_v2::WorkloadComponent>(cfg),
        decl::<trellis_v2::BoundInterface>(cfg),
        decl::<trellis_v2::WorkloadLink>(cfg),
        // `start_telemetry`, `telemetry_info` and `trellis://touch`.
        decl::<crate::commands::telemetry::TelemetryInfo>(cfg),
        decl::<crate::commands::telemetry::SessionTouch>(cfg),
        decl::<trellis_otlp::Touch>(cfg),
        decl::<trellis_otlp::TouchKind>(cfg),
        // `inspect_component`.
        decl::<trellis_lattice::ops::ComponentInspection>(cfg),
        // `watch_component`'s `trellis://reload` and `list_watches`.
        decl::<crate::commands::watch::ReloadEvent>(cfg),
        decl::<crate::commands::watch::WatchState>(cfg),
        // `spy_component`'s `trellis://spy`.
        decl::<crate::commands::spy::SessionSpyRecord>(cfg),
        decl::<proto::SpyRecord>(cfg),
        // `call_function`.
        decl::<proto::ComponentCallResult>(cfg),
        // `http_request`.
        decl::<trellis_lattice::ops::HttpHeader>(cfg),
        decl::<trellis_lattice::ops::HttpReply>(cfg),
        decl::<trellis_lattice::ops::BodyEncoding>(cfg),
        // `list_apps`, `app_history`, `list_examples`, `deploy_example`.
        decl::<trellis_wadm::AppSummary>(cfg),
        decl::<trellis_wadm::AppVersion>(cfg),
        decl::<trellis_wadm::Example>(cfg),
        decl::<trellis_wadm::ExampleDeployment>(cfg),
        // `list_configs`.
        decl::<trellis_lattice::ops::NamedConfig>(cfg),
        decl::<trellis_lattice::ops::ConfigUse>(cfg),
        // trellis-wit: the WIT and import status inside `ComponentInspection`.
        decl::<wit::ComponentWit>(cfg),
        decl::<wit::WorldEntry>(cfg),
        decl::<wit::InterfaceDef>(cfg),
        decl::<wit::InterfaceRef>(cfg),
        decl::<wit::FunctionDef>(cfg),
        decl::<wit::FunctionKind>(cfg),
        decl::<wit::Param>(cfg),
        decl::<wit::TypeDef>(cfg),
        decl::<wit::TypeKind>(cfg),
        decl::<wit::Field>(cfg),
        decl::<wit::Case>(cfg),
        decl::<wit::ImportStatus>(cfg),
        decl::<wit::SatisfiedBy>(cfg),
    ]
}

/// The whole file: a header, then each declaration.
fn render() -> String {
    // u64 (uptimes) as `number`: JSON.parse gives numbers, never bigints.
    let cfg = Config::new().with_large_int("number");
    let decls = ipc_types(&cfg);
    let listed: BTreeSet<TypeId> = decls.iter().map(|d| d.id).collect();
    let mut names = BTreeSet::new();
    let mut out = format!(
        "// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit.\n\
         // Regenerate with `{REGENERATE}`.\n"
    );
    for d in &decls {
        assert!(names.insert(&d.name), "{} is listed twice", d.name);
        for (id, name) in &d.deps {
            assert!(
                listed.contains(id),
                "{} uses {name}, which is not listed in ipc_types(): derive TS on it and list it",
                d.name
            );
        }
        out.push('\n');
        out.push_str(&tidy(&d.text));
    }
    out
}

/// ts-rs writes a declaration's fields and their doc comments flush left with trailing
/// spaces; this indents them two spaces per open brace and trims line ends. Braces in
/// doc comments are not counted.
fn tidy(decl: &str) -> String {
    let mut out = String::with_capacity(decl.len() + decl.len() / 4);
    let mut depth = 0usize;
    for line in decl.lines().map(str::trim_end) {
        let is_doc = matches!(line.trim_start().chars().next(), Some('*' | '/'));
        let indent = if line.starts_with('}') {
            depth.saturating_sub(1)
        } else {
            depth
        };
        if !line.is_empty() {
            out.push_str(&"  ".repeat(indent));
        }
        out.push_str(line);
        out.push('\n');
        if !is_doc {
            for c in line.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    out
}

fn generated_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(GENERATED)
}

#[test]
fn generated_ts_is_current() {
    let fresh = render();
    let path = generated_path();
    if std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("cannot write {GENERATED}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()))
            + 1;
        panic!(
            "{GENERATED} is stale: the Rust types the app sends or receives changed \
             (first difference at line {line}).\nRegenerate it with `{REGENERATE}` and commit it."
        );
    }
}
