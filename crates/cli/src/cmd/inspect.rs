//! `trellis inspect`: the WIT of a component file or of a running component; for a
//! provider archive (file or reference), its claims and targets (`cmd::par`).
//!
//! Output: a readable tree of imports and exports with function signatures
//! (default), the model as JSON (`--json`, the shape documented in `trellis-wit`),
//! or the world as WIT text (`--wit`). `--imports` / `--exports` narrow the output.
//! For a running component (`--component ID`) a `satisfaction` section (a `satisfaction`
//! list in JSON) says what serves each import, or why nothing does.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use anyhow::{bail, Context as _};
use trellis_lattice::{ops, Client};
use trellis_wit::{
    ComponentWit, FunctionDef, ImportStatus, InterfaceDef, SatisfiedBy, TypeDef, TypeKind,
    WitCache, WorldEntry,
};

/// Arguments of `trellis inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Component file (`.wasm`, or a `file://` URL) or OCI reference
    /// (`REGISTRY/REPOSITORY:TAG`, pulled through the cache); a provider archive
    /// (`.par`, `.par.gz`) shows its claims and targets.
    #[arg(required_unless_present = "component", conflicts_with = "component")]
    pub file: Option<String>,
    /// Inspect a running component instead: its WIT (read here from its `file://` image,
    /// else sent by its host over the lattice) and, for every import, what serves it or
    /// why nothing does.
    #[arg(long, value_name = "ID")]
    pub component: Option<String>,
    /// Print the world as WIT text.
    #[arg(long, conflicts_with = "json")]
    pub wit: bool,
    /// Show only the imports.
    #[arg(long)]
    pub imports: bool,
    /// Show only the exports.
    #[arg(long)]
    pub exports: bool,
    #[command(flatten)]
    pub registry: super::oci::RegistryArgs,
}

/// Runs `trellis inspect`.
pub async fn run(args: Args, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let (wit, satisfaction) = match (&args.file, &args.component) {
        (Some(reference), _)
            if trellis_oci::is_oci_reference(reference)
                && !std::path::Path::new(reference).exists() =>
        {
            let options = trellis_oci::OciOptions {
                max_bytes: trellis_oci::par::MAX_PROVIDER_ARCHIVE_BYTES,
                ..args.registry.options()
            };
            let pulled = super::oci::pull_with_progress(reference, &options).await?;
            if pulled.kind == trellis_oci::ArtifactKind::ProviderArchive {
                return show_archive(pulled.bytes, reference, global).await;
            }
            (decode_bytes(pulled.bytes, reference.clone()).await?, None)
        }
        (Some(file), _) => {
            let path = local_path(file)?;
            if is_archive_file(&path) {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                return show_archive(bytes, &path.display().to_string(), global).await;
            }
            (decode_file(path).await?, None)
        }
        (None, Some(id)) => {
            let (wit, imports) = running_component(id, global).await?;
            (wit, Some(imports))
        }
        (None, None) => bail!("give a component file or --component ID"),
    };

    let (show_imports, show_exports) = match (args.imports, args.exports) {
        (false, false) => (true, true),
        selected => selected,
    };
    let satisfaction = satisfaction.as_deref().filter(|_| show_imports);
    let out = if args.wit {
        wit.to_wit_text().to_owned()
    } else if global.json {
        json(&wit, show_imports, show_exports, satisfaction)?
    } else {
        let mut out = tree(&wit, show_imports, show_exports);
        if let Some(imports) = satisfaction {
            satisfaction_section(&mut out, imports);
        }
        out
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    if !out.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `path` is a provider archive: named `.par`/`.par.gz`, or starting like a tar
/// or gzip file.
fn is_archive_file(path: &std::path::Path) -> bool {
    use std::io::Read as _;
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".par") || name.ends_with(".par.gz") {
        return true;
    }
    let mut head = Vec::with_capacity(262);
    std::fs::File::open(path)
        .and_then(|file| file.take(262).read_to_end(&mut head))
        .is_ok_and(|_| trellis_oci::par::looks_like_archive(&head))
}

/// Prints what provider archive `bytes` holds (read from `what`).
async fn show_archive(
    bytes: Vec<u8>,
    what: &str,
    global: &super::GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let info = super::par::inspect(bytes, what.to_owned()).await?;
    if global.json {
        println!("{:#}", super::par::archive_json(&info));
    } else {
        print!("{}", super::par::describe(what, &info));
    }
    Ok(ExitCode::SUCCESS)
}

/// A path from a file argument or a `file://` reference.
fn local_path(reference: &str) -> anyhow::Result<PathBuf> {
    if let Some(path) = reference.strip_prefix("file://") {
        return Ok(PathBuf::from(path));
    }
    if reference.contains("://") {
        bail!(
            "{reference} is not a local file; only paths and file:// references can be inspected"
        );
    }
    Ok(PathBuf::from(reference))
}

/// Decodes a component file off the async workers (a large one takes a while).
async fn decode_file(path: PathBuf) -> anyhow::Result<ComponentWit> {
    let decode_path = path.clone();
    tokio::task::spawn_blocking(move || trellis_wit::decode_file(&decode_path))
        .await
        .context("the decoder task failed")?
        .with_context(|| format!("inspecting {}", path.display()))
}

/// Decodes pulled component bytes off the async workers.
async fn decode_bytes(bytes: Vec<u8>, what: String) -> anyhow::Result<ComponentWit> {
    tokio::task::spawn_blocking(move || trellis_wit::decode_component(&bytes))
        .await
        .context("the decoder task failed")?
        .with_context(|| format!("inspecting {what}"))
}

/// The WIT of a running component and who serves each of its imports, as the app's
/// inspector shows them (the shared `trellis_lattice::ops::inspect_component`).
async fn running_component(
    id: &str,
    global: &super::GlobalOpts,
) -> anyhow::Result<(ComponentWit, Vec<ImportStatus>)> {
    let client = Client::connect(&super::lattice::resolve_context(global)?).await?;
    let snapshot = ops::lattice_snapshot(&client).await?;
    if snapshot.hosts.is_empty() {
        bail!("no hosts answered on lattice {}", client.lattice());
    }
    let cache = Arc::new(WitCache::default());
    let inspection = ops::inspect_component(&client, &snapshot, &cache, id).await?;
    match inspection.wit {
        Some(wit) => Ok((wit, inspection.imports)),
        None => bail!(
            "cannot inspect component {id}: {}",
            inspection.wit_error.unwrap_or_default()
        ),
    }
}

/// One line per import: served by what, or unsatisfied and why.
fn satisfaction_section(out: &mut String, imports: &[ImportStatus]) {
    let unsatisfied = imports.iter().filter(|i| !i.is_satisfied()).count();
    let _ = writeln!(
        out,
        "satisfaction ({} imports, {unsatisfied} unsatisfied)",
        imports.len()
    );
    for (i, status) in imports.iter().enumerate() {
        let branch = if i + 1 == imports.len() {
            "└─ "
        } else {
            "├─ "
        };
        let verdict = match &status.satisfied_by {
            SatisfiedBy::Wasi => "ok: WASI, linked by the host".to_owned(),
            SatisfiedBy::HostInternal => "ok: implemented by the host".to_owned(),
            SatisfiedBy::Provider { link, target } => {
                format!("ok: provider {target} (link {link})")
            }
            SatisfiedBy::Component { link, target } => {
                format!("ok: component {target} (link {link})")
            }
            SatisfiedBy::Unsatisfied { reason } => format!("UNSATISFIED: {reason}"),
        };
        let _ = writeln!(out, "{branch}{}: {verdict}", status.import);
    }
}

/// The model as pretty JSON (field order as documented), without the side not asked for.
fn json(
    wit: &ComponentWit,
    imports: bool,
    exports: bool,
    satisfaction: Option<&[ImportStatus]>,
) -> anyhow::Result<String> {
    #[derive(serde::Serialize)]
    struct View<'a> {
        world: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        package: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        docs: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        imports: Option<&'a [WorldEntry]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        exports: Option<&'a [WorldEntry]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        satisfaction: Option<&'a [ImportStatus]>,
        wit: &'a str,
    }
    let view = View {
        world: &wit.world,
        package: wit.package.as_deref(),
        docs: wit.docs.as_deref(),
        imports: imports.then_some(wit.imports.as_slice()),
        exports: exports.then_some(wit.exports.as_slice()),
        satisfaction,
        wit: wit.to_wit_text(),
    };
    Ok(serde_json::to_string_pretty(&view)?)
}

/// A readable tree: one branch per import/export, functions with signatures,
/// types on one line each, resource methods under their resource.
fn tree(wit: &ComponentWit, imports: bool, exports: bool) -> String {
    let mut out = String::new();
    match &wit.package {
        Some(package) => {
            let _ = writeln!(out, "world {} ({package})", wit.world);
        }
        None => {
            let _ = writeln!(out, "world {}", wit.world);
        }
    }
    if imports {
        section(&mut out, "imports", &wit.imports);
    }
    if exports {
        section(&mut out, "exports", &wit.exports);
    }
    out
}

fn section(out: &mut String, title: &str, entries: &[WorldEntry]) {
    let _ = writeln!(out, "{title} ({})", entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let last = i + 1 == entries.len();
        let (branch, indent) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        match entry {
            WorldEntry::Interface(iface) => {
                let _ = writeln!(out, "{branch}interface {}", iface.name);
                interface(out, indent, iface);
            }
            WorldEntry::Function(f) => {
                let _ = writeln!(out, "{branch}{}", function_line(f));
            }
            WorldEntry::Type(t) => {
                let _ = writeln!(out, "{branch}{}", type_line(t));
                methods(out, indent, t);
            }
        }
    }
}

fn interface(out: &mut String, indent: &str, iface: &InterfaceDef) {
    let count = iface.types.len() + iface.functions.len();
    let mut n = 0;
    let mut next = |out: &mut String, line: String| -> String {
        n += 1;
        let last = n == count;
        let _ = writeln!(out, "{indent}{}{line}", if last { "└─ " } else { "├─ " });
        format!("{indent}{}", if last { "   " } else { "│  " })
    };
    for t in &iface.types {
        let child = next(out, type_line(t));
        methods(out, &child, t);
    }
    for f in &iface.functions {
        next(out, function_line(f));
    }
}

fn methods(out: &mut String, indent: &str, t: &TypeDef) {
    if let TypeKind::Resource { methods } = &t.def {
        for (i, m) in methods.iter().enumerate() {
            let branch = if i + 1 == methods.len() {
                "└─ "
            } else {
                "├─ "
            };
            let _ = writeln!(out, "{indent}{branch}{}", function_line(m));
        }
    }
}

fn function_line(f: &FunctionDef) -> String {
    format!("{}: {}", f.name, f.signature())
}

fn type_line(t: &TypeDef) -> String {
    let list = |items: Vec<String>| items.join(", ");
    match &t.def {
        TypeKind::Record { fields } => format!(
            "record {} {{ {} }}",
            t.name,
            list(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, f.ty))
                    .collect()
            )
        ),
        TypeKind::Variant { cases } => format!(
            "variant {} {{ {} }}",
            t.name,
            list(
                cases
                    .iter()
                    .map(|c| match &c.ty {
                        Some(ty) => format!("{}({ty})", c.name),
                        None => c.name.clone(),
                    })
                    .collect()
            )
        ),
        TypeKind::Enum { cases } => format!(
            "enum {} {{ {} }}",
            t.name,
            list(cases.iter().map(|c| c.name.clone()).collect())
        ),
        TypeKind::Flags { flags } => format!(
            "flags {} {{ {} }}",
            t.name,
            list(flags.iter().map(|c| c.name.clone()).collect())
        ),
        TypeKind::Resource { .. } => format!("resource {}", t.name),
        TypeKind::Alias { target } => format!("type {} = {target}", t.name),
        TypeKind::Use { from, original } if *original == t.name => {
            format!("use {from}.{{{original}}}")
        }
        TypeKind::Use { from, original } => format!("use {from}.{{{original} as {}}}", t.name),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn file_references() {
        assert_eq!(local_path("a/b.wasm").unwrap(), Path::new("a/b.wasm"));
        assert_eq!(
            local_path("file:///x/y.wasm").unwrap(),
            Path::new("/x/y.wasm")
        );
        let err = local_path("ghcr.io://x").unwrap_err().to_string();
        assert!(err.contains("not a local file"), "{err}");
    }
}
