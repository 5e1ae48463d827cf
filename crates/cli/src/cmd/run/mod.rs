//! `trellis run`: one component in an in-process host, no NATS needed (except for
//! messaging: `--nats-url`, or a private nats-server started for the run).
//!
//! Built-in providers are derived from the component's imports and exports and
//! linked automatically: an exported `wasi:http/incoming-handler` is served by an
//! http-server on `--http`; imports of keyvalue, blobstore, outgoing HTTP and
//! messaging go to the matching built-in; an exported `wasmcloud:messaging/handler`
//! receives what `--subscribe SUBJECT` subscribes; `--config` becomes the component's
//! config.
//! Logs (guest stdout/stderr, `wasi:logging`, host events) stream to the terminal with
//! the component id on each line. `--watch` hot-reloads the file. Ctrl-C stops.
//!
//! Nothing outside the component is reachable unless granted: `--dir HOST[:GUEST]`
//! preopens a directory, `--env K=V` (or `--env K` to pass the current value) sets an
//! environment variable, `--allow-network` opens sockets and name lookup. They become
//! the host's grant annotations (`trellis.dev/dirs`, `/env`, `/network`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use trellis_host::{
    BuiltinKind, ComponentSource, GrantPolicy, ReloadEvent, Runtime, RuntimeConfig,
    ARGS_ANNOTATION, DEFAULT_HTTP_ADDRESS, GRANT_DIRS, GRANT_ENV, GRANT_NETWORK,
};
use trellis_proto::{ConfigMap, Link, LogLevel, LogRecord};
use trellis_wit::BuiltinSpec;

/// Arguments of `trellis run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The component to run (a .wasm file).
    pub component: PathBuf,
    /// Address that serves the component's wasi:http/incoming-handler.
    #[arg(long, value_name = "HOST:PORT", default_value = DEFAULT_HTTP_ADDRESS)]
    pub http: String,
    /// Reload the component when the file changes.
    #[arg(long)]
    pub watch: bool,
    /// Config for the component: KEY=VALUE, or a JSON object of strings (repeatable).
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Component id (default: the file name without .wasm).
    #[arg(long)]
    pub id: Option<String>,
    /// Most concurrent instances of the component.
    #[arg(long, default_value_t = 64)]
    pub max_instances: u32,
    /// Per-invocation deadline in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Preopen a host directory for the component, at GUEST (default /) (repeatable).
    #[arg(long = "dir", value_name = "HOST[:GUEST]")]
    pub dirs: Vec<String>,
    /// Environment variable for the component: K=V, or K to pass this shell's value
    /// (repeatable).
    #[arg(long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// Let the component open sockets and look up names.
    #[arg(long)]
    pub allow_network: bool,
    /// NATS subject whose messages go to the component's wasmcloud:messaging/handler
    /// (repeatable; wildcards allowed). Messaging uses the server of `--nats-url`, or a
    /// private nats-server started for this run.
    #[arg(long = "subscribe", value_name = "SUBJECT")]
    pub subscribe: Vec<String>,
    /// Arguments for a command component (after `--`); the component id is its argv[0].
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

mod messaging;

use self::messaging::{link_subscriptions, uses_messaging, MessagingNats, MESSAGING_PREFIX};

/// Runs `trellis run`.
pub async fn run(args: Args, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let config = parse_config(&args.config)?;
    let mut grants = grant_annotations(&args.dirs, &args.env, args.allow_network)?;
    let id = match &args.id {
        Some(id) => id.clone(),
        None => default_id(&args.component)?,
    };
    if !args.args.is_empty() {
        let argv: Vec<&str> = std::iter::once(id.as_str())
            .chain(args.args.iter().map(String::as_str))
            .collect();
        grants.insert(ARGS_ANNOTATION.to_owned(), serde_json::to_string(&argv)?);
    }
    // Only messaging needs NATS: look at the component's top-level imports and exports
    // (cheap, no compiling) before deciding to connect or start a server.
    let messaging = uses_messaging(&args.component);
    if !args.subscribe.is_empty() && !messaging {
        anyhow::bail!(
            "--subscribe needs a component that exports {MESSAGING_PREFIX}handler; {} does not",
            args.component.display()
        );
    }
    let nats = if messaging {
        Some(MessagingNats::open(global).await?)
    } else {
        None
    };
    let runtime = Runtime::new(RuntimeConfig {
        host_id: "trellis-run".into(),
        invocation_timeout: std::time::Duration::from_millis(args.timeout_ms),
        nats: nats.as_ref().map(|n| n.client.clone()),
        grants: grant_policy(&grants),
        ..RuntimeConfig::default()
    })?;
    let printer = tokio::spawn(print_logs(runtime.logs().subscribe()));

    let source = ComponentSource::File(args.component.clone());
    runtime
        .start_component(&id, source, args.max_instances, config, grants)
        .await
        .with_context(|| format!("cannot start {}", args.component.display()))?;
    let (imports, exports) = runtime
        .component_interfaces(&id)
        .context("the component vanished right after starting")?;

    link_imports(&runtime, &id, &imports).await?;
    let handles_messages = exports
        .iter()
        .any(|e| e.starts_with("wasmcloud:messaging/handler"));
    if handles_messages {
        link_subscriptions(&runtime, &id, &args.subscribe).await?;
    } else if !args.subscribe.is_empty() {
        anyhow::bail!(
            "--subscribe needs a component that exports {MESSAGING_PREFIX}handler; {id} does not"
        );
    }
    let serves_http = exports
        .iter()
        .any(|e| e.starts_with("wasi:http/incoming-handler"));
    if serves_http {
        link_http(&runtime, &id, &args.http).await?;
        let url = format!("http://{}/", args.http.trim_start_matches("http://"));
        println!("{id}: serving on {url}");
    } else if let Some(run_export) = exports.iter().find(|e| e.starts_with("wasi:cli/run@")) {
        // A command: run it once and exit with its result.
        let outcome = runtime
            .call_function(&id, &format!("{run_export}#run"), vec![])
            .await;
        // Let the printer drain the guest's last lines.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        printer.abort();
        return match outcome {
            Ok(values) if format!("{values:?}").contains("Err") => Ok(ExitCode::from(1)),
            Ok(_) => Ok(ExitCode::SUCCESS),
            Err(err) => Err(err.into()),
        };
    } else if handles_messages {
        // Messages arrive through the subscriptions linked above.
    } else {
        println!(
            "{id}: running (exports {}); nothing to serve over HTTP",
            if exports.is_empty() {
                "nothing".into()
            } else {
                exports.join(", ")
            }
        );
    }

    let mut watcher = if args.watch {
        let watcher = runtime.watch_component(&id)?;
        println!("{id}: watching {} for changes", args.component.display());
        Some(watcher)
    } else {
        None
    };
    loop {
        tokio::select! {
            signal = tokio::signal::ctrl_c() => {
                signal.context("cannot listen for Ctrl-C")?;
                break;
            }
            // The host logs each reload and each refusal (with its reason), and the
            // printer shows those records: nothing more to say here.
            event = next_reload(&mut watcher) => if event.is_none() {
                watcher = None;
            }
        }
    }
    drop(watcher);
    runtime.shutdown().await;
    if let Some(nats) = nats {
        nats.close().await;
    }
    printer.abort();
    println!("{id}: stopped");
    Ok(ExitCode::SUCCESS)
}

async fn next_reload(watcher: &mut Option<trellis_host::ReloadWatcher>) -> Option<ReloadEvent> {
    match watcher {
        Some(w) => w.next().await,
        None => std::future::pending().await,
    }
}

/// `--config` values: `KEY=VALUE` or a JSON object whose values are strings.
fn parse_config(items: &[String]) -> anyhow::Result<ConfigMap> {
    let mut config = ConfigMap::new();
    for item in items {
        let trimmed = item.trim();
        if trimmed.starts_with('{') {
            let value: serde_json::Value = serde_json::from_str(trimmed)
                .with_context(|| format!("--config {item:?} is not valid JSON"))?;
            let object = value
                .as_object()
                .with_context(|| format!("--config {item:?} is not a JSON object"))?;
            for (key, value) in object {
                let Some(text) = value.as_str() else {
                    bail!("config value for {key:?} is not a string: {value} (quote it)");
                };
                config.insert(key.clone(), text.to_owned());
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            bail!("--config {item:?} is not KEY=VALUE");
        };
        if key.trim().is_empty() {
            bail!("--config {item:?} has an empty key");
        }
        config.insert(key.trim().to_owned(), value.to_owned());
    }
    Ok(config)
}

/// `--dir`, `--env` and `--allow-network` as the host's grant annotations.
///
/// The annotations are comma lists, so a comma in a value cannot be passed.
fn grant_annotations(
    dirs: &[String],
    env: &[String],
    allow_network: bool,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut annotations = BTreeMap::new();
    let mut dir_items = Vec::new();
    for item in dirs {
        if item.contains(',') {
            bail!("--dir {item:?}: commas are not supported in directory paths");
        }
        let (host, guest) = match item.split_once(':') {
            Some((host, guest)) if !guest.is_empty() => (host, guest),
            Some((host, _)) => (host, "/"),
            None => (item.as_str(), "/"),
        };
        let host = std::path::Path::new(host);
        if !host.is_dir() {
            bail!("--dir {item:?}: {} is not a directory", host.display());
        }
        let host = host
            .canonicalize()
            .with_context(|| format!("--dir {item:?}: cannot resolve {}", host.display()))?;
        dir_items.push(format!("{}:{guest}", host.display()));
    }
    if !dir_items.is_empty() {
        annotations.insert(GRANT_DIRS.to_owned(), dir_items.join(","));
    }
    let mut env_items = Vec::new();
    for item in env {
        let key = item.split_once('=').map_or(item.as_str(), |(k, _)| k);
        if key.trim().is_empty() {
            bail!("--env {item:?} has an empty name (use K=V)");
        }
        if item.contains(',') {
            bail!("--env {item:?}: commas are not supported in values");
        }
        env_items.push(item.clone());
    }
    if !env_items.is_empty() {
        annotations.insert(GRANT_ENV.to_owned(), env_items.join(","));
    }
    if allow_network {
        annotations.insert(GRANT_NETWORK.to_owned(), "true".to_owned());
    }
    Ok(annotations)
}

/// The host policy of this run: exactly the grants of its own command line (`--dir`,
/// `--env`, `--allow-network`), plus a public `--http` address, which only this
/// command line can choose (a `trellis run` serves no control interface).
fn grant_policy(grants: &BTreeMap<String, String>) -> GrantPolicy {
    let items = |key: &str| -> Vec<String> {
        grants
            .get(key)
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    GrantPolicy {
        dir_roots: items(GRANT_DIRS)
            .iter()
            .map(|item| item.split_once(':').map_or(item.as_str(), |(host, _)| host))
            .map(std::path::PathBuf::from)
            .collect(),
        env_names: items(GRANT_ENV)
            .iter()
            .map(|item| {
                item.split_once('=')
                    .map_or(item.as_str(), |(k, _)| k)
                    .to_owned()
            })
            .collect(),
        network: grants.contains_key(GRANT_NETWORK),
        public_http: true,
        ..GrantPolicy::default()
    }
}

fn default_id(path: &std::path::Path) -> anyhow::Result<String> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .with_context(|| format!("{} has no file name; pass --id", path.display()))?;
    Ok(stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect())
}

/// Starts and links the built-in provider for each import a built-in exports
/// ([`trellis_wit::builtin_exporting`]).
async fn link_imports(runtime: &Runtime, id: &str, imports: &[String]) -> anyhow::Result<()> {
    // (namespace, package) → (provider, interfaces)
    let mut wanted: BTreeMap<(String, String), (&BuiltinSpec, Vec<String>)> = BTreeMap::new();
    for import in imports {
        let Some(builtin) = trellis_wit::builtin_exporting(import) else {
            continue;
        };
        let bare = import.split_once('@').map_or(import.as_str(), |(n, _)| n);
        let Some((ns, rest)) = bare.split_once(':') else {
            continue;
        };
        let Some((pkg, iface)) = rest.split_once('/') else {
            continue;
        };
        let entry = wanted
            .entry((ns.to_owned(), pkg.to_owned()))
            .or_insert((builtin, Vec::new()));
        entry.1.push(iface.to_owned());
    }
    let mut started = Vec::new();
    for ((ns, pkg), (builtin, interfaces)) in wanted {
        let provider = builtin.name();
        if !started.contains(&provider) {
            // Counts live as long as the run, even when messaging brought a NATS server.
            let config = if provider == "keyvalue" {
                ConfigMap::from([("backend".to_string(), "memory".to_string())])
            } else {
                ConfigMap::new()
            };
            runtime
                .start_provider(provider, &builtin.reference(), config, BTreeMap::new())
                .await
                .with_context(|| format!("cannot start the {provider} provider"))?;
            started.push(provider);
        }
        let link = Link {
            source_id: id.into(),
            target: provider.into(),
            name: trellis_proto::DEFAULT_LINK_NAME.into(),
            wit_namespace: ns.clone(),
            wit_package: pkg.clone(),
            interfaces,
            source_config: vec![],
            target_config: vec![],
        };
        runtime
            .set_link(&link, ConfigMap::new(), ConfigMap::new())
            .await
            .with_context(|| format!("cannot link {ns}:{pkg} to {provider}"))?;
        println!("{id}: {ns}:{pkg} → built-in {provider}");
    }
    Ok(())
}

async fn link_http(runtime: &Runtime, id: &str, address: &str) -> anyhow::Result<()> {
    runtime
        .start_provider(
            "http-server",
            &BuiltinKind::HttpServer.image_ref(),
            ConfigMap::new(),
            BTreeMap::new(),
        )
        .await?;
    let link = Link {
        source_id: "http-server".into(),
        target: id.into(),
        name: trellis_proto::DEFAULT_LINK_NAME.into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let source_config = ConfigMap::from([("address".to_string(), address.to_string())]);
    runtime
        .set_link(&link, source_config, ConfigMap::new())
        .await?;
    Ok(())
}

/// Prints log records as `time LEVEL [component] message`, errors to stderr.
async fn print_logs(mut logs: tokio::sync::broadcast::Receiver<LogRecord>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match logs.recv().await {
            Ok(record) => {
                let who = record.component.as_deref().unwrap_or("host");
                let context = match record.context.as_deref() {
                    Some(c) if !c.is_empty() => format!(" ({c})"),
                    _ => String::new(),
                };
                let line = format!(
                    "{} {:5} [{who}]{context} {}",
                    record.time,
                    format!("{:?}", record.level).to_uppercase(),
                    record.message
                );
                if matches!(record.level, LogLevel::Error | LogLevel::Critical) {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
            }
            Err(RecvError::Lagged(n)) => eprintln!("… {n} log lines dropped"),
            Err(RecvError::Closed) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parses_pairs_and_rejects_non_strings() {
        let config = parse_config(&["a=1".into(), r#"{"b":"x"}"#.into()]).unwrap();
        assert_eq!(config.get("a").map(String::as_str), Some("1"));
        assert_eq!(config.get("b").map(String::as_str), Some("x"));
        let err = parse_config(&[r#"{"n":5}"#.into()])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"n\"") && err.contains("not a string"),
            "{err}"
        );
        assert!(parse_config(&["novalue".into()]).is_err());
    }

    #[test]
    fn the_policy_allows_exactly_the_flags_grants() {
        let dir = tempfile::tempdir().unwrap();
        let grants = grant_annotations(
            &[format!("{}:/data", dir.path().display())],
            &["A=1".into(), "HOME".into()],
            false,
        )
        .unwrap();
        let policy = grant_policy(&grants);
        assert_eq!(policy.dir_roots, vec![dir.path().canonicalize().unwrap()]);
        assert_eq!(policy.env_names, vec!["A".to_string(), "HOME".to_string()]);
        assert!(!policy.any_env && !policy.network);
        assert!(policy.blobstore_roots.is_empty());
        assert_eq!(
            grant_policy(&BTreeMap::new()).dir_roots,
            Vec::<std::path::PathBuf>::new()
        );
    }

    #[test]
    fn grant_flags_become_annotations() {
        let dir = tempfile::tempdir().unwrap();
        let host = dir.path().canonicalize().unwrap();
        let item = format!("{}:/data", dir.path().display());
        let grants = grant_annotations(&[item], &["A=1".into(), "HOME".into()], true).unwrap();
        assert_eq!(grants[GRANT_DIRS], format!("{}:/data", host.display()));
        assert_eq!(grants[GRANT_ENV], "A=1,HOME");
        assert_eq!(grants[GRANT_NETWORK], "true");
        assert!(grant_annotations(&[], &[], false).unwrap().is_empty());
        let err = grant_annotations(&["/definitely/not/here".into()], &[], false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/definitely/not/here"), "{err}");
        assert!(grant_annotations(&[], &["=x".into()], false).is_err());
    }

    #[test]
    fn ids_come_from_file_names() {
        assert_eq!(
            default_id(std::path::Path::new("/x/my app.wasm")).unwrap(),
            "my-app"
        );
    }
}
