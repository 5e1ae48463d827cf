//! The crate's error type.

use std::path::PathBuf;

/// What can go wrong reading WIT out of a component.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WitError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes do not start with the WebAssembly magic number.
    #[error("not a WebAssembly file: it does not start with the `\\0asm` magic bytes")]
    NotWasm,
    /// The bytes are a core module.
    #[error("this is a core module, not a component; wrap it with `wasm-tools component new`")]
    CoreModule,
    /// The bytes are a WIT package encoded as wasm (`wasm-tools component wit --wasm`).
    #[error("this is a WIT package encoded as wasm, not a component")]
    WitPackage,
    /// The header names a WebAssembly version or layer this crate does not know.
    #[error("unsupported WebAssembly version/layer {version:#06x}/{layer:#06x}")]
    UnsupportedVersion {
        /// Version field of the header.
        version: u16,
        /// Layer field of the header.
        layer: u16,
    },
    /// The component is truncated, malformed or fails validation.
    #[error("invalid component: {message}")]
    Invalid {
        /// What the decoder reported (the whole error chain).
        message: String,
    },
    /// The decoded WIT could not be printed as text.
    #[error("cannot print the component's WIT: {message}")]
    Print {
        /// What the printer reported.
        message: String,
    },
    /// An `ns:pkg/iface@version` name that does not parse.
    #[error("invalid interface name `{input}`: {reason}")]
    InvalidInterfaceRef {
        /// The text given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
}
