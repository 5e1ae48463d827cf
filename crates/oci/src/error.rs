//! What can go wrong between Trellis and a registry, in terms a user can act on.

/// A pull, a push or a credential lookup that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OciError {
    /// The text is not a valid OCI reference.
    #[error("{reference:?} is not a valid OCI reference: {reason}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// The parser's reason.
        reason: String,
    },
    /// The registry could not be reached (refused, name lookup, TLS, timeout).
    #[error("cannot reach registry {registry}: {reason}")]
    Unreachable {
        /// `host[:port]`.
        registry: String,
        /// The underlying cause.
        reason: String,
    },
    /// The registry refused the credentials (or asked for some and got none).
    #[error(
        "registry {registry} refused {what}: {reason} \
         (give --user/--password, or log in with `docker login {registry}`)"
    )]
    Unauthorized {
        /// `host[:port]`.
        registry: String,
        /// "anonymous access" or "the credentials for USER".
        what: String,
        /// The registry's words.
        reason: String,
    },
    /// Nothing by that name and tag (or digest) in the registry.
    #[error("{reference} was not found in its registry: {reason}")]
    NotFound {
        /// The reference.
        reference: String,
        /// The registry's words.
        reason: String,
    },
    /// The artifact is not a single wasm layer.
    #[error("{reference} is not a wasm component artifact: {reason}")]
    NotWasm {
        /// The reference.
        reference: String,
        /// What it holds instead.
        reason: String,
    },
    /// The artifact is neither a component nor a provider archive.
    #[error("{reference} is neither a wasm component nor a provider archive: {reason}")]
    UnsupportedArtifact {
        /// The reference.
        reference: String,
        /// What it holds instead (its media types).
        reason: String,
    },
    /// A provider archive that cannot be used: not a tar, truncated, unsigned or altered.
    #[error("{what} is not a valid provider archive: {reason}")]
    NotAProviderArchive {
        /// The file or reference.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A provider archive without a binary for this machine.
    #[error("{what} has no binary for this machine ({target}); it has: {}", targets.join(", "))]
    NoProviderTarget {
        /// The file or reference.
        what: String,
        /// This machine's target (`x86_64-linux`).
        target: String,
        /// The targets it has.
        targets: Vec<String>,
    },
    /// The layer is over the size cap.
    #[error("{reference} is {size} bytes, over the {max}-byte cap")]
    TooLarge {
        /// The reference.
        reference: String,
        /// The layer's size.
        size: u64,
        /// The cap.
        max: u64,
    },
    /// Downloaded or cached bytes whose digest is not the one the manifest names.
    #[error("digest mismatch for {reference}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The reference.
        reference: String,
        /// The digest the manifest names.
        expected: String,
        /// The digest of the bytes.
        actual: String,
    },
    /// The file to push is not a WebAssembly component.
    #[error("{what} cannot be pushed as a component: {reason}")]
    NotAComponent {
        /// The file.
        what: String,
        /// Why.
        reason: String,
    },
    /// The registry answered with an error not covered above.
    #[error("registry {registry} failed: {reason}")]
    Registry {
        /// `host[:port]`.
        registry: String,
        /// The registry's words.
        reason: String,
    },
    /// The user's cache directory is unknown (no home directory).
    #[error("no cache directory for pulled components (no home directory); set one explicitly")]
    NoCacheDir,
    /// Reading or writing the cache failed.
    #[error("OCI cache {path}: {error}")]
    Cache {
        /// The file or directory.
        path: std::path::PathBuf,
        /// Why.
        error: std::io::Error,
    },
}
