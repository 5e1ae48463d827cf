//! Workflows shared by the desktop app and the `trellis` CLI.
//!
//! The app's commands and the CLI's subcommands are thin callers of these functions, so
//! both faces of Trellis start, stop, inspect and link things the same way and say the
//! same sentences when something is refused.
//!
//! - Starting and changing workloads, waiting for the host's outcome event rather than
//!   its acknowledgement: [`start_component`], [`start_provider`], [`scale_component`],
//!   [`update_component`], [`stop_provider`], [`stop_host`]. Each answers with
//!   [`Outcome`]s (one per host), whose sentence the caller shows as it is.
//! - Inspecting a running component: [`inspect_component`] gathers its description,
//!   links, named config and WIT (from the file, or from its host over the lattice) and
//!   says which link or host capability serves each import, or why none does.
//! - Putting a link: [`put_link`] checks the WIT of both ends first ([`check_link_ends`])
//!   and refuses an incompatible link with the reason, unless forced. The host's own
//!   `link.put` stays permissive, as wasmCloud's is; an end that is not running yet is
//!   not an error, only a note that the link could not be checked.
//! - Named config: [`list_configs`] (values and the links that use each),
//!   [`put_config`], [`delete_config`].
//! - Host labels: [`put_label`], [`delete_label`] (reserved `hostcore.*` keys refused).
//! - Typed calls: [`call_function`] calls one export with WAVE arguments on the host
//!   that runs the component ([`call_function_placed`] when the caller knows that host).
//! - HTTP: [`send_http`] sends one request to a component through its http-server link
//!   (the address from the link's source config) and answers with status, headers, body
//!   and time.
//! - Hot reload: [`watch_component`] watches a component's file and updates it on each
//!   change, reporting each [`ReloadOutcome`].
//! - Message spy: [`spy`] streams the calls other components on a Trellis host make
//!   into one component (arguments and results as WAVE, duration, errors), keeping the
//!   hosts' lease alive while the [`SpyStream`] lives.
//! - References and ids: [`component_ref`], [`provider_ref`], [`checked_id`],
//!   [`resolve_host`], and [`lattice_snapshot`] for callers without a live model.

mod call;
mod config;
mod error;
mod http;
mod inspect;
mod label;
mod link;
mod refs;
mod spy;
mod spy_wire;
mod watch;
mod workload;

pub use call::{call_function, call_function_over_wrpc, call_function_placed, CallOutcome};
pub use config::{delete_config, list_configs, put_config, ConfigUse, NamedConfig};
pub use error::{OpsError, Result};
pub use http::{
    send_http, send_http_in, BodyEncoding, HttpHeader, HttpReply, HttpRequest, HTTP_TIMEOUT,
    MAX_HTTP_BODY,
};
pub use inspect::{inspect_component, ComponentInspection};
pub use label::{delete_label, put_label};
pub use link::{check_link_ends, put_link, LinkCheck, PutLink};
pub use refs::{checked_id, component_ref, lattice_snapshot, provider_ref, resolve_host, PathRule};
pub use spy::{spy, SpyStream, SPY_LEASE_TTL};
pub use watch::{watch_component, ComponentWatch, ReloadOutcome, DEBOUNCE, RELOAD_TIMEOUT};
pub use workload::{
    component_hosts, provider_hosts, scale_component, start_component, start_provider, stop_host,
    stop_provider, update_component, Outcome, Placement, StartComponent, StartProvider, Wait,
};
