//! The blobstore's directory work, shared by the guest-facing traits (`host`) and the
//! provider served to other hosts (`runtime::wrpc_blobstore`), so both keep the same
//! names, limits and error texts.

use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

use super::{check_name, MAX_VALUE_BYTES};

/// Files an upload writes before it is renamed into place; listings skip them.
const UPLOAD_PREFIX: &str = ".trellis-upload-";

/// An error of the filesystem as guest-facing text.
pub(crate) fn io_error(what: &str, e: std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => format!("{what}: not found"),
        _ => format!("{what}: {e}"),
    }
}

/// Opens `path` at `start` and limits it to bytes `start..=end` (clamped to the file;
/// empty when the window is). A window over [`MAX_VALUE_BYTES`] is refused (the inner
/// error): the guest picks the range, and a reader may hold all of it.
pub(crate) async fn open_range(
    path: &Path,
    start: u64,
    end: u64,
) -> std::io::Result<Result<tokio::io::Take<tokio::fs::File>, String>> {
    let mut file = tokio::fs::File::open(path).await?;
    let len = file.metadata().await?.len();
    // Offsets are inclusive; an empty or out-of-range window yields no bytes.
    if start >= len || start > end {
        return Ok(Ok(file.take(0)));
    }
    let wanted = end.min(len - 1) - start + 1;
    if wanted > MAX_VALUE_BYTES as u64 {
        return Ok(Err(format!(
            "get-data of {wanted} bytes is over the {MAX_VALUE_BYTES}-byte limit of one \
             value; read the object in ranges"
        )));
    }
    file.seek(std::io::SeekFrom::Start(start)).await?;
    Ok(Ok(file.take(wanted)))
}

/// Reads bytes `start..=end` of `path` whole (see [`open_range`]), never the rest of the
/// file.
pub(crate) async fn read_range(
    path: &Path,
    start: u64,
    end: u64,
) -> std::io::Result<Result<Vec<u8>, String>> {
    let mut range = match open_range(path, start, end).await? {
        Ok(range) => range,
        Err(too_big) => return Ok(Err(too_big)),
    };
    let mut data = Vec::with_capacity(range.limit() as usize);
    range.read_to_end(&mut data).await?;
    Ok(Ok(data))
}

/// The object names in container `name` (directory `dir`), sorted.
pub(crate) async fn list_names(name: &str, dir: &Path) -> Result<Vec<String>, String> {
    let container = || format!("container {name:?}");
    let mut names = Vec::new();
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|e| io_error(&container(), e))?;
    while let Some(entry) = entries
        .next_entry()
        .await
        .map_err(|e| io_error(&container(), e))?
    {
        if entry.file_type().await.is_ok_and(|t| t.is_file()) {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !file.starts_with(UPLOAD_PREFIX) {
                names.push(file);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Stores the chunks of `data` as object `name` in container directory `dir`: into a
/// temporary file first, renamed into place only once the stream ended well, so a cut,
/// stalled (no chunk within `idle`) or oversized upload leaves the old object as it was.
pub(crate) async fn write_streamed(
    dir: &Path,
    name: &str,
    mut data: BoxStream<'static, Result<bytes::Bytes, String>>,
    idle: Duration,
) -> Result<(), String> {
    check_name("object", name)?;
    if !dir.is_dir() {
        return Err(format!(
            "cannot write object {name:?}: its container does not exist"
        ));
    }
    let temp = dir.join(format!("{UPLOAD_PREFIX}{:016x}", rand::random::<u64>()));
    let written = async {
        let mut file = tokio::fs::File::create(&temp)
            .await
            .map_err(|e| io_error(&format!("cannot write object {name:?}"), e))?;
        let mut total = 0usize;
        loop {
            let chunk = match tokio::time::timeout(idle, data.next()).await {
                Err(_) => {
                    return Err(format!(
                        "the data of object {name:?} stalled: no bytes within {} ms",
                        idle.as_millis()
                    ))
                }
                Ok(None) => break,
                Ok(Some(Err(err))) => {
                    return Err(format!(
                        "the data of object {name:?} did not arrive whole: {err}"
                    ))
                }
                Ok(Some(Ok(chunk))) => chunk,
            };
            total = total.saturating_add(chunk.len());
            if total > MAX_VALUE_BYTES {
                return Err(format!(
                    "object {name:?} is over the {MAX_VALUE_BYTES}-byte limit of one value"
                ));
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| io_error(&format!("cannot write object {name:?}"), e))?;
        }
        file.flush()
            .await
            .map_err(|e| io_error(&format!("cannot write object {name:?}"), e))?;
        tokio::fs::rename(&temp, dir.join(name))
            .await
            .map_err(|e| io_error(&format!("cannot write object {name:?}"), e))
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cut_or_oversized_upload_keeps_the_old_object() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"old").unwrap();
        let cut: BoxStream<'static, Result<bytes::Bytes, String>> = futures::stream::iter([
            Ok(bytes::Bytes::from_static(b"new")),
            Err("the sender stopped".to_owned()),
        ])
        .boxed();
        let err = write_streamed(dir.path(), "a", cut, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(err.contains("did not arrive whole"), "{err}");
        let big = futures::stream::repeat_with(|| Ok(bytes::Bytes::from(vec![0u8; 1 << 20])))
            .take(MAX_VALUE_BYTES / (1 << 20) + 1)
            .boxed();
        let err = write_streamed(dir.path(), "a", big, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(err.contains("over the"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"old");
        assert_eq!(list_names("c", dir.path()).await.unwrap(), vec!["a"]);

        let whole = futures::stream::iter([Ok(bytes::Bytes::from_static(b"new"))]).boxed();
        write_streamed(dir.path(), "a", whole, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"new");
    }
}
