//! One module per command family. Each exposes `Args` (or a `Command` enum) and an
//! async `run(args, &GlobalOpts) -> anyhow::Result<ExitCode>`.

pub mod app;
pub mod examples;
pub mod inspect;
pub mod lattice;
pub mod oci;
pub mod par;
pub mod run;
pub mod up;

/// Flags every command accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalOpts {
    /// Saved context to use (see `trellis context list`); default: the current context.
    #[arg(long, global = true, env = "TRELLIS_CONTEXT")]
    pub context: Option<String>,
    /// NATS server URL, overriding the context's (the credentials of --context still
    /// apply). A `user:password@` in it authenticates but is never shown; prefer a saved
    /// context, since arguments are visible to other users in the process list.
    #[arg(long, global = true, env = "TRELLIS_NATS_URL")]
    pub nats_url: Option<String>,
    /// Lattice name, overriding the context's (default "default").
    #[arg(long, global = true, env = "TRELLIS_LATTICE")]
    pub lattice: Option<String>,
    /// Print the protocol's JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
}
