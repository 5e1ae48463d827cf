//! Typed calls: one exported function of a running component, with arguments and results
//! in WAVE text, on the host that runs it (`trellis call`, the app's Invoke).

use trellis_proto::ComponentCallResult;

use super::workload::{hosts_running, Kind};
use super::Result;
use crate::Client;

/// A call's result and the host that ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutcome {
    /// The host that ran the call.
    pub host_id: String,
    /// The results (WAVE) and the duration.
    pub result: ComponentCallResult,
}

/// Calls `function` (`ns:pkg/iface.name`, `…#name` or a root `name`) of component `id`
/// with one WAVE value per parameter, on `host` or the first host running it. The host
/// checks the arguments against the function's WIT before the call and names the type it
/// expects when one does not fit.
pub async fn call_function(
    client: &Client,
    id: &str,
    function: &str,
    args: &[String],
    host: Option<&str>,
) -> Result<CallOutcome> {
    let running = hosts_running(client, id, host, Kind::Component).await?;
    let (host_id, _) = running
        .into_iter()
        .next()
        .expect("hosts_running finds one or fails");
    let result = client.call_component(&host_id, id, function, args).await?;
    Ok(CallOutcome { host_id, result })
}
