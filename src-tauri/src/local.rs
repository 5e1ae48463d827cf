//! The window's view of the local lattice: the shared launcher (`trellis-local`, also
//! used by `trellis up`) plus the lattice client the window uses. The window sees the
//! local host only through the lattice protocol, as it would a remote one.

use std::path::PathBuf;
use std::time::Duration;

use trellis_lattice::Client;
use trellis_local::{LocalOptions, Role};

pub use trellis_local::LocalLattice;

use crate::error::CommandError;

/// How long hosts get to answer a ping. Local hosts answer within milliseconds, and a
/// short window keeps refreshes snappy.
const PING_WINDOW: Duration = Duration::from_millis(1500);

/// What the window needs once the local lattice runs.
pub struct Started {
    /// The host and, if this process started it, the server, for
    /// [`LocalLattice::shutdown`].
    pub local: LocalLattice,
    /// The lattice client connected to the local server.
    pub client: Client,
    /// The embedded host's id.
    pub host_id: String,
    /// The server URL, without credentials.
    pub nats_url: String,
    /// Whether another Trellis process runs the server and this app joined it.
    pub joined: bool,
}

/// Starts or joins the local lattice in `data_dir` with the app's host on it, then
/// connects the client, reporting each step through `progress`. `save_context` saves
/// the `local` context for the CLI (tests leave the user's contexts alone).
pub async fn start(
    data_dir: PathBuf,
    lattice: &str,
    save_context: bool,
    progress: impl Fn(&str),
) -> Result<Started, CommandError> {
    let mut options = LocalOptions::new(data_dir);
    options.host.lattice = lattice.to_owned();
    options.connection_name = "trellis-app host".to_owned();
    options.save_context = save_context;
    let local = LocalLattice::start(options, &progress).await?;

    progress("connecting to the lattice");
    let context = local.context().with_scatter_window(PING_WINDOW);
    let client = match Client::connect(&context).await {
        Ok(client) => client,
        Err(err) => {
            local.shutdown().await;
            return Err(err.into());
        }
    };
    Ok(Started {
        host_id: local.host().id().to_owned(),
        nats_url: local.url().to_owned(),
        joined: matches!(local.role(), Role::Joined { .. }),
        client,
        local,
    })
}
