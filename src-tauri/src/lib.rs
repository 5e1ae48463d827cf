//! trellis-app: the Trellis desktop workbench (Tauri 2).
//!
//! The app holds no domain logic: it starts or joins the user's local lattice through the
//! launcher `trellis up` uses too (`trellis-local`: one `nats-server`, one data dir, the
//! `local` context), adds its embedded host to it, exposes thin commands over the shared
//! workflows of `trellis_lattice::ops`, and forwards status, lattice events and host logs
//! to the webview.
//!
//! Layout:
//! - [`commands`]: the `#[tauri::command]`s, one module per area.
//! - `error`: [`CommandError`], serialised as `{code, message}`.
//! - `state`: [`AppState`], what the app holds while it runs.
//! - `session`: one open lattice (status, client, model); the app holds several.
//! - `local`: starting (or joining) and stopping the local lattice.
//! - `forward`: tasks pushing status, events, logs and model changes to the webview.
//!
//! Security: `capabilities/main.json` grants the window only the app's own commands
//! (`lattice_status`, `list_hosts`, `lattice_snapshot`, `inspect_component`,
//! `start_component`, `start_provider`, `put_link`, `delete_link`, the lifecycle commands
//! `scale_component`, `stop_component`, `update_component`, `stop_provider`, `stop_host`,
//! `put_label`, `delete_label`, `list_configs`, `put_config`, `delete_config`, and the
//! session commands `list_contexts`, `list_sessions`, `test_connection`, `save_context`,
//! `attach_new`, `attach`, `detach`, `delete_context`, `import_contexts`, the file watch
//! commands `watch_component`, `list_watches`, the message spy `spy_component`, and `save_export`, which writes a dock
//! export into the user's Downloads folder) and event listening. Every lattice command takes an optional `session` (default: the local
//! lattice). The one plugin, window-state, works from Rust
//! only (it saves and restores the window's size and position) and exposes no command to
//! the window; the `.wasm` path is typed in. The CSP in `tauri.conf.json` is written per
//! directive (no remote origins, IPC only). `freezePrototype` is off on purpose: with a
//! frozen `Object.prototype` the bundled frontend (React 19 + elkjs) throws at start and
//! the window stays blank.
//!
//! [`run`] starts the real app; [`build_app`] registers state and commands on any
//! builder, so tests drive the same commands through Tauri's mock runtime.

pub mod commands;
mod error;
mod forward;
#[cfg(test)]
mod ipc_types;
mod local;
mod session;
mod state;

use tauri::{AppHandle, Builder, Manager, RunEvent, Runtime};

pub use error::{CommandError, ErrorCode};
pub use forward::{
    SessionLatticeEvent, SessionLog, SessionModelEvent, LATTICE_EVENT, LOG_EVENT, MODEL_EVENT,
    STATUS_EVENT,
};
pub use state::{AppState, ConnState, LatticeStatus};

/// Name of the context for the embedded local lattice.
pub const LOCAL_CONTEXT: &str = "local";

/// Environment variable overriding the data directory of the local lattice, shared with
/// `trellis up` (tests use a temporary one).
pub const DATA_DIR_ENV: &str = trellis_local::DATA_DIR_ENV;

/// Registers the app's state and commands on `builder`.
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(AppState::new(LOCAL_CONTEXT, trellis_proto::DEFAULT_LATTICE))
        .invoke_handler(tauri::generate_handler![
            commands::lattice::lattice_status,
            commands::lattice::list_hosts,
            commands::lattice::lattice_snapshot,
            commands::components::inspect_component,
            commands::components::start_component,
            commands::components::start_provider,
            commands::links::put_link,
            commands::links::delete_link,
            commands::lifecycle::scale_component,
            commands::lifecycle::stop_component,
            commands::lifecycle::update_component,
            commands::lifecycle::stop_provider,
            commands::lifecycle::stop_host,
            commands::lifecycle::put_label,
            commands::lifecycle::delete_label,
            commands::config::list_configs,
            commands::config::put_config,
            commands::config::delete_config,
            commands::sessions::list_contexts,
            commands::sessions::list_sessions,
            commands::sessions::test_connection,
            commands::sessions::save_context,
            commands::sessions::attach_new,
            commands::sessions::attach,
            commands::sessions::detach,
            commands::sessions::delete_context,
            commands::sessions::import_contexts,
            commands::watch::watch_component,
            commands::watch::list_watches,
            commands::export::save_export,
            commands::grants::allow_grants,
            commands::apps::list_apps,
            commands::apps::deploy_app,
            commands::apps::app_history,
            commands::apps::deploy_app_version,
            commands::apps::undeploy_app,
            commands::apps::delete_app,
            commands::apps::export_manifest,
            commands::apps::list_examples,
            commands::apps::deploy_example,
            commands::components::call_function,
            commands::http::http_request,
            commands::v2::start_v2_workload,
            commands::v2::list_v2_workloads,
            commands::v2::stop_v2_workload,
            commands::v2::describe_v2_workload,
            commands::telemetry::start_telemetry,
            commands::telemetry::stop_telemetry,
            commands::telemetry::telemetry_info,
            commands::spy::spy_component,
        ])
}

/// Runs the desktop app until its window closes.
pub fn run() {
    software_friendly_webview();
    init_tracing();
    if let Err(message) = check_display() {
        eprintln!("trellis: {message}");
        std::process::exit(2);
    }
    // The window reopens where and as large as the user left it (saved on exit in the
    // app's config dir).
    let window_state = tauri_plugin_window_state::Builder::new()
        .with_state_flags(
            tauri_plugin_window_state::StateFlags::SIZE
                | tauri_plugin_window_state::StateFlags::POSITION
                | tauri_plugin_window_state::StateFlags::MAXIMIZED,
        )
        .build();
    let app = build_app(Builder::default())
        .plugin(window_state)
        .setup(|app| {
            let handle = app.handle().clone();
            forward::status(&handle, &handle.state::<AppState>().local_session());
            // Off the UI thread: the window shows "starting" while this runs.
            tauri::async_runtime::spawn(start_local_lattice(handle.clone()));
            stop_on_sigterm(handle);
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(err) => {
            eprintln!("trellis: cannot open the window: {err}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            shut_down(handle);
        }
    });
}

/// Starts the local lattice and installs its client, or records why it failed.
async fn start_local_lattice<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let session = state.local_session();
    let data_dir = match trellis_local::data_dir() {
        Ok(dir) => dir,
        Err(err) => return session.fail(err.into()),
    };
    let lattice = session.status().lattice;
    let progress = |step: &str| session.update_status(|s| s.detail = Some(step.to_owned()));
    match local::start(data_dir, &lattice, true, progress).await {
        Ok(started) => {
            let host_id = started.host_id.clone();
            session.set_client(Some(started.client.clone()));
            session.update_status(|s| {
                s.nats_url = Some(started.nats_url.clone());
                s.local_host_id = Some(host_id.clone());
                s.state = ConnState::Connected;
                s.detail = None;
            });
            forward::client(&app, &session, &started.client);
            forward::model(&app, &session, &started.client);
            // wadm, the lattice's application reconciler, runs beside the lattice this app
            // started (a joined lattice has its owner's); without it only applications fail.
            // Started once the window already works: it waits for wadm to subscribe.
            // TRELLIS_NO_WADM=1 skips it, as `trellis up --no-wadm` does.
            if std::env::var_os("TRELLIS_NO_WADM").is_none_or(|v| v != "1") {
                match trellis_wadm::start_local(&started.local).await {
                    Ok(wadm) => state.set_wadm(wadm),
                    Err(err) => {
                        tracing::warn!(%err, "wadm did not start: applications are unavailable")
                    }
                }
            }
            if let Err(local) = state.set_local(started.local) {
                // The window closed while we were starting.
                return (*local).shutdown().await;
            }
            if started.joined {
                tracing::info!(host = %host_id, url = %started.nats_url, "joined the running local lattice");
            } else {
                tracing::info!(host = %host_id, "local lattice ready");
            }
        }
        Err(err) => session.fail(err),
    }
}

/// Stops the embedded host (publishing `host_stopped`) and the local `nats-server`.
fn shut_down<R: Runtime>(app: &AppHandle<R>) {
    if let Some(wadm) = app.state::<AppState>().take_wadm() {
        tauri::async_runtime::block_on(wadm.shutdown());
    }
    if let Some(local) = app.state::<AppState>().begin_close() {
        tauri::async_runtime::block_on(local.shutdown());
    }
}

/// A terminated app (e.g. by WebDriver at the end of a session) still stops its host and
/// server cleanly: SIGTERM becomes a normal exit.
fn stop_on_sigterm<R: Runtime>(app: AppHandle<R>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return;
        };
        if term.recv().await.is_some() {
            tracing::info!("SIGTERM: exiting");
            app.exit(0);
        }
    });
    #[cfg(not(unix))]
    let _ = app;
}

/// Turns off WebKitGTK's accelerated compositing unless the user chose otherwise
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps it on). Measured with bench/app on a machine
/// without a GPU (Mesa llvmpipe): with compositing, the first frame showing the first host
/// came 0.7–0.85 s late (cold start 1.6–2.4 s against 1.0–1.4 s without), a pan of the
/// 2,000-node graph at the fitted zoom had 46–89 ms frames against 20–30 ms, and the web
/// process held ~120 MiB more. Must run before GTK or WebKit start, while this is the only
/// thread.
fn software_friendly_webview() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// On Linux a window needs X11 or Wayland; say so instead of letting GTK panic.
fn check_display() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if !set("DISPLAY") && !set("WAYLAND_DISPLAY") {
            return Err("no display (neither DISPLAY nor WAYLAND_DISPLAY is set): \
                 run `trellis up` for a headless host, or start the app under a desktop or xvfb-run"
                .to_owned());
        }
    }
    Ok(())
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn,async_nats=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests;
