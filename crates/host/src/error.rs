//! The one error type of trellis-host.
//!
//! Each variant names what went wrong in terms a user can act on: the file, the
//! import, the link or the address. Guest failures during an invocation (traps,
//! deadlines, memory limits) are reported per invocation and never stop the host.

use std::error::Error as StdError;
use std::path::PathBuf;

/// Everything that can go wrong in the host.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// A component file could not be read.
    // The cause is part of the message (not a `#[source]`), so `{:#}` chains do not
    // print it twice.
    #[error("cannot read component file {path}: {error}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A component reference is neither a path nor a `file://` URL.
    #[error("unsupported component reference {reference:?}: {reason}")]
    UnsupportedReference {
        /// The reference as given.
        reference: String,
        /// Why it is not supported.
        reason: String,
    },
    /// An OCI reference could not be pulled (the message names the registry and why).
    #[error("cannot pull component: {0}")]
    Pull(String),
    /// The bytes are not WebAssembly at all.
    #[error("{what} is not a WebAssembly file (no \\0asm header)")]
    NotWasm {
        /// The file or source that was loaded.
        what: String,
    },
    /// The bytes are a core module, not a component.
    #[error(
        "{what} is a core WebAssembly module, not a component \
         (wrap it with `wasm-tools component new`, adding a WASI adapter if needed)"
    )]
    CoreModule {
        /// The file or source that was loaded.
        what: String,
    },
    /// The component is malformed (e.g. truncated) or fails to compile.
    #[error("{what} is not a valid component: {reason}")]
    InvalidComponent {
        /// The file or source that was loaded.
        what: String,
        /// The validator's or compiler's message.
        reason: String,
    },
    /// An import that nothing on this host can provide.
    #[error("component {component} cannot be instantiated: {reason}")]
    UnsatisfiedImport {
        /// The component id.
        component: String,
        /// The linker's message, which names the import.
        reason: String,
    },
    /// No component with this id runs here.
    #[error("component {0:?} is not running on this host")]
    ComponentNotFound(String),
    /// A component with this id already runs here.
    #[error("component {0:?} is already running on this host")]
    ComponentExists(String),
    /// No provider with this id runs here.
    #[error("provider {0:?} is not running on this host")]
    ProviderNotFound(String),
    /// A provider with this id already runs here.
    #[error("provider {0:?} is already running on this host")]
    ProviderExists(String),
    /// The provider reference names no built-in provider and no binary on this machine.
    #[error(
        "unknown provider {reference:?}: this host runs built-in providers \
         (builtin://NAME, NAME one of {}), provider binaries and archives named by an \
         absolute path or a file:/// URL, and provider archives from OCI registries",
        known_builtins()
    )]
    UnknownProvider {
        /// The reference as given.
        reference: String,
    },
    /// A provider binary could not be started: the file cannot run, or the process
    /// exited before it answered a health check.
    #[error("cannot start provider {id} from {path}: {reason}")]
    ProviderStart {
        /// The provider id.
        id: String,
        /// The binary.
        path: PathBuf,
        /// Why, with the exit status and last output lines when it exited.
        reason: String,
    },
    /// A provider archive (a `.par` file or an OCI artifact) gave no binary to run: it
    /// could not be pulled, is no provider archive, is damaged, or has no binary for
    /// this machine.
    #[error("cannot start provider {id} from {reference}: {reason}")]
    ProviderArchive {
        /// The provider id.
        id: String,
        /// The file or OCI reference.
        reference: String,
        /// Why (the pull error, what the artifact is, the targets the archive has).
        reason: String,
    },
    /// A `builtin://NAME` reference names no built-in provider.
    #[error("unknown builtin name: {name} (known: {})", known_builtins())]
    UnknownBuiltin {
        /// The name after `builtin://`.
        name: String,
    },
    /// An http-server address could not be parsed.
    #[error("invalid http address {address:?}: {reason}")]
    InvalidAddress {
        /// The address as configured.
        address: String,
        /// Why it is invalid.
        reason: String,
    },
    /// An http-server address could not be bound (typically: already in use).
    #[error("cannot listen on {address}: {error}")]
    Listen {
        /// The address.
        address: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// An update or hot reload was refused because it would break a live link.
    #[error("refusing to replace component {component}: {reason}")]
    IncompatibleUpdate {
        /// The component id.
        component: String,
        /// Which link would break and why.
        reason: String,
    },
    /// A link cannot be applied on this host.
    #[error("invalid link: {0}")]
    InvalidLink(String),
    /// A config entry is unusable.
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    /// A typed call's arguments do not fit the function (count or type), refused
    /// before the call.
    #[error("{0}")]
    InvalidArguments(String),
    /// A grant (a directory, environment variable, network access, blobstore root or
    /// public http address) that this host's [`crate::GrantPolicy`] does not allow.
    #[error("grant {grant} is not allowed by this host's policy ({reason})")]
    GrantDenied {
        /// The grant as asked for, e.g. `trellis.dev/dirs=/etc`.
        grant: String,
        /// What the policy allows instead.
        reason: String,
    },
    /// The wasmtime engine could not be set up.
    #[error("cannot set up the WebAssembly engine: {0}")]
    Engine(String),
    /// Watching a file for hot reload failed.
    #[error("cannot watch {path}: {reason}")]
    Watch {
        /// The watched file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// One invocation of a component failed (trap, deadline, memory limit, bad result).
    #[error("invocation of component {component} failed: {reason}")]
    Invocation {
        /// The component id.
        component: String,
        /// What happened.
        reason: String,
    },
    /// A feature this host does not offer (yet).
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A lattice (NATS, JetStream, KV) operation failed.
    #[error("{context}: {error}")]
    Lattice {
        /// What the host was doing.
        context: String,
        /// The underlying error.
        error: Box<dyn StdError + Send + Sync>,
    },
}

impl HostError {
    /// A lattice-side failure while doing `context`.
    pub fn lattice(
        context: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        HostError::Lattice {
            context: context.into(),
            error: source.into(),
        }
    }
}

/// The built-in provider names, for messages: `http-server, http-client, …`.
fn known_builtins() -> String {
    trellis_wit::builtin_names().join(", ")
}
