//! Saving what a dock tab shows (logs, events) as a file: the webview's own downloads are
//! not dependable in WebKitGTK, so the text comes here and goes to the user's Downloads
//! folder under the name the webview suggests.

use std::path::{Path, PathBuf};

use crate::error::{CommandError, ErrorCode};

/// Writes `text` to `filename` in the user's Downloads folder (their home when there is
/// none), never replacing a file: a taken name gets ` (2)`, ` (3)`, … Answers with the
/// path written.
#[tauri::command]
#[tracing::instrument(skip(text), err(Debug))]
pub fn save_export(filename: String, text: String) -> Result<String, CommandError> {
    let dir = downloads_dir()?;
    let path = write_new(&dir, &filename, &text)?;
    Ok(path.display().to_string())
}

fn downloads_dir() -> Result<PathBuf, CommandError> {
    let dirs = directories::UserDirs::new().ok_or_else(|| {
        CommandError::new(
            ErrorCode::Internal,
            "no home directory to save the export in",
        )
    })?;
    Ok(dirs
        .download_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dirs.home_dir().to_path_buf()))
}

/// Writes `text` as a new file named `filename` in `dir`; the name must be a plain file
/// name (no directory part), as the webview builds it.
fn write_new(dir: &Path, filename: &str, text: &str) -> Result<PathBuf, CommandError> {
    let plain = Path::new(filename)
        .file_name()
        .is_some_and(|name| name == filename);
    if !plain || filename.starts_with('.') {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("{filename:?} is not a plain file name"),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let (stem, extension) = match filename.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (filename, String::new()),
    };
    for n in 1..1000 {
        let name = if n == 1 {
            filename.to_owned()
        } else {
            format!("{stem} ({n}){extension}")
        };
        let path = dir.join(name);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match created {
            Ok(mut file) => {
                use std::io::Write as _;
                file.write_all(text.as_bytes())
                    .map_err(|e| io_error(&path, &e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&path, &e)),
        }
    }
    Err(CommandError::new(
        ErrorCode::Internal,
        format!("too many exports named {filename:?} in {}", dir.display()),
    ))
}

fn io_error(path: &Path, err: &std::io::Error) -> CommandError {
    CommandError::new(
        ErrorCode::Internal,
        format!("cannot write {}: {err}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_never_replace_a_file_and_refuse_paths() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_new(dir.path(), "trellis-logs-local.jsonl", "a\n").unwrap();
        let second = write_new(dir.path(), "trellis-logs-local.jsonl", "b\n").unwrap();
        assert_eq!(first.file_name().unwrap(), "trellis-logs-local.jsonl");
        assert_eq!(second.file_name().unwrap(), "trellis-logs-local (2).jsonl");
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "a\n");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "b\n");
        for bad in ["../x.jsonl", "/etc/passwd", ".bashrc", "a/b.txt"] {
            let err = write_new(dir.path(), bad, "x").unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
        }
    }
}
