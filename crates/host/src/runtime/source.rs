//! Where a component's bytes come from: a file (path or `file://` URL), an OCI
//! registry, or memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::HostError;

/// The origin of a component.
#[derive(Debug, Clone)]
pub enum ComponentSource {
    /// A `.wasm` file on this machine.
    File(PathBuf),
    /// An OCI reference (`ghcr.io/org/app:1.2`, `127.0.0.1:5000/app:dev`), pulled
    /// through the digest-addressed cache of [`trellis_oci`].
    Oci(String),
    /// Component bytes already in memory.
    Bytes(Arc<[u8]>),
}

impl ComponentSource {
    /// Parses an image reference: a plain path, a `file://` URL (what wasmCloud tools
    /// send for files) or an OCI reference (with or without `oci://`).
    pub fn from_reference(reference: &str) -> Result<Self, HostError> {
        let trimmed = reference.trim();
        if trimmed.is_empty() {
            return Err(HostError::UnsupportedReference {
                reference: reference.into(),
                reason: "the reference is empty".into(),
            });
        }
        if let Some(rest) = trimmed.strip_prefix("file://") {
            // file:///abs/path and file://localhost/abs/path; relative file://x is
            // accepted as a relative path, as wash does.
            let path = rest.strip_prefix("localhost").unwrap_or(rest);
            return Ok(ComponentSource::File(PathBuf::from(percent_decode(path))));
        }
        if let Some((scheme, _)) = trimmed.split_once("://") {
            if format!("{scheme}://") != trellis_oci::OCI_SCHEME {
                return Err(HostError::UnsupportedReference {
                    reference: reference.into(),
                    reason: format!(
                        "`{scheme}://` images are not supported by this host; \
                         use a path, a file:// URL or an OCI reference"
                    ),
                });
            }
        }
        // An existing file wins over a reading as a reference (`dir/app:v1` can be both).
        if trellis_oci::is_oci_reference(trimmed) && !Path::new(trimmed).exists() {
            return trellis_oci::parse_reference(trimmed)
                .map(|_| ComponentSource::Oci(trimmed.to_owned()))
                .map_err(|error| HostError::UnsupportedReference {
                    reference: reference.into(),
                    reason: error.to_string(),
                });
        }
        Ok(ComponentSource::File(PathBuf::from(trimmed)))
    }

    /// The image reference shown in inventories.
    pub fn image_ref(&self) -> String {
        match self {
            ComponentSource::File(path) => {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                format!("file://{}", absolute.display())
            }
            ComponentSource::Oci(reference) => reference.clone(),
            ComponentSource::Bytes(bytes) => format!("bytes:{}", bytes.len()),
        }
    }

    /// How errors name this source.
    pub(crate) fn describe(&self) -> String {
        match self {
            ComponentSource::File(path) => path.display().to_string(),
            ComponentSource::Oci(reference) => reference.clone(),
            ComponentSource::Bytes(bytes) => format!("the component bytes ({} bytes)", bytes.len()),
        }
    }

    /// Reads the bytes, refusing what is not a regular file or is over `max_bytes`.
    ///
    /// The file's type and size are checked before it is opened, so a FIFO nobody
    /// writes, a device such as `/dev/zero` or a directory fails at once with a reason
    /// instead of blocking or filling memory. The read itself stops one byte past the
    /// cap, so a file that grows after the check is refused too. An OCI reference is
    /// pulled (or found in the cache), each step told to `progress`.
    pub(crate) async fn load(
        &self,
        max_bytes: u64,
        oci: &trellis_oci::OciOptions,
        progress: &mut (dyn FnMut(trellis_oci::Progress) + Send),
    ) -> Result<Arc<[u8]>, HostError> {
        match self {
            ComponentSource::Bytes(bytes) => Ok(bytes.clone()),
            ComponentSource::File(path) => read_capped(path, max_bytes).await,
            ComponentSource::Oci(reference) => {
                let options = trellis_oci::OciOptions {
                    max_bytes,
                    ..oci.clone()
                };
                let pulled = trellis_oci::pull(reference, &options, progress)
                    .await
                    .map_err(|error| HostError::Pull(error.to_string()))?;
                Ok(Arc::from(pulled.bytes))
            }
        }
    }

    /// The file behind this source, if any (for hot reload).
    pub fn path(&self) -> Option<&Path> {
        match self {
            ComponentSource::File(path) => Some(path),
            ComponentSource::Oci(_) | ComponentSource::Bytes(_) => None,
        }
    }
}

/// Reads a regular file of at most `max_bytes` bytes (see [`ComponentSource::load`]).
pub(crate) async fn read_capped(path: &Path, max_bytes: u64) -> Result<Arc<[u8]>, HostError> {
    use tokio::io::AsyncReadExt as _;
    let refuse = |reason: String| HostError::ReadFile {
        path: path.to_path_buf(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidInput, reason),
    };
    let io_error = |error| HostError::ReadFile {
        path: path.to_path_buf(),
        error,
    };
    // `metadata` follows symlinks and never blocks on a FIFO, unlike `open`.
    let metadata = tokio::fs::metadata(path).await.map_err(io_error)?;
    let kind = metadata.file_type();
    if !kind.is_file() {
        return Err(refuse(format!(
            "it is {}, not a regular file",
            describe_file_type(&kind)
        )));
    }
    let too_big = |size: u64| {
        refuse(format!(
            "it is {size} bytes, over the {max_bytes}-byte cap on component files \
             (RuntimeConfig::max_component_bytes)"
        ))
    };
    if metadata.len() > max_bytes {
        return Err(too_big(metadata.len()));
    }
    let file = tokio::fs::File::open(path).await.map_err(io_error)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .await
        .map_err(io_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(Arc::from(bytes))
}

/// Names a file type that is not a regular file, for error messages.
fn describe_file_type(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "an unknown kind of file"
    }
}

/// Decodes `%XX` escapes in a `file://` URL path; malformed escapes stay as written.
fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        let file = ComponentSource::from_reference("file:///tmp/a%20b.wasm").unwrap();
        assert_eq!(file.path(), Some(Path::new("/tmp/a b.wasm")));
        let plain = ComponentSource::from_reference("./x.wasm").unwrap();
        assert_eq!(plain.path(), Some(Path::new("./x.wasm")));
        let oci = ComponentSource::from_reference("ghcr.io/wasmcloud/http:0.1").unwrap();
        assert!(matches!(&oci, ComponentSource::Oci(r) if r == "ghcr.io/wasmcloud/http:0.1"));
        assert_eq!(oci.image_ref(), "ghcr.io/wasmcloud/http:0.1");
        let err = ComponentSource::from_reference("ghcr.io/Bad/Case:1").unwrap_err();
        assert!(
            err.to_string().contains("not a valid OCI reference"),
            "{err}"
        );
        let err = ComponentSource::from_reference("https://x/y.wasm").unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
    }
}
