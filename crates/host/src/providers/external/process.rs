//! One provider process: checking the file, spawning it with a cleared environment and
//! its `HostData` on stdin, and turning its stdout/stderr lines into log records.
//!
//! SDK providers log through `tracing` to stderr, one line per event with its own time
//! and level; such a line becomes a record at that level without them (the record has
//! its own time). Other lines keep their stream's level: stdout info, stderr warn.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWriteExt as _, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use trellis_proto::LogLevel;

use crate::LogBus;

/// Lines of output kept to explain an early exit.
const TAIL_LINES: usize = 8;

/// Longest output line kept in one record (a provider is trusted, but a runaway line
/// must not become one huge record).
const MAX_LINE: usize = 16 * 1024;

/// How long, after the process exited, its last output may take to be read.
const DRAIN_WAIT: Duration = Duration::from_secs(1);

/// Whether the host's variable `name` is passed on to providers: wasmCloud 1.x clears
/// the environment but for logging and OpenTelemetry settings (and Windows' root).
fn inherited(name: &str) -> bool {
    name == "RUST_LOG" || name == "SYSTEMROOT" || name.starts_with("OTEL_")
}

/// On Linux, asks the kernel to kill the provider when the thread that started it ends,
/// which for the host's runtime threads means when the host process ends: a host killed
/// with SIGKILL (and restarted from its workload file) leaves no provider behind still
/// serving the lattice. Elsewhere providers outlive a killed host, as on wasmCloud.
fn die_with_host(command: &mut Command) {
    #[cfg(target_os = "linux")]
    // SAFETY: the closure runs in the child between fork and exec and only makes one
    // async-signal-safe system call.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// Why `path` cannot be run as a provider, or `Ok` when it looks runnable: it must be
/// an existing regular file with an execute bit.
pub(super) fn check_file(path: &Path) -> Result<(), String> {
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".to_owned(),
        _ => format!("cannot read it: {e}"),
    })?;
    if metadata.is_dir() {
        return Err("it is a directory, not a provider binary".into());
    }
    if !metadata.is_file() {
        return Err("it is not a regular file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = metadata.permissions().mode();
        if mode & 0o111 == 0 {
            return Err(format!(
                "it is not executable (mode {:o}; `chmod +x` it)",
                mode & 0o777
            ));
        }
    }
    Ok(())
}

/// A running provider process and the tasks reading its output.
pub(super) struct Spawned {
    pub(super) child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Spawned {
    /// Starts `path` with `stdin` (the `HostData` line) written to it. Output lines go to
    /// `logs` tagged with the provider `id` and the stream (`stdout`, `stderr`), with
    /// `secret` (the credentials in its NATS URL, should it print that) masked.
    pub(super) async fn start(
        path: &Path,
        stdin: &[u8],
        id: &Arc<str>,
        logs: &LogBus,
        secret: Option<String>,
    ) -> Result<Spawned, String> {
        let mut command = Command::new(path);
        command
            .env_clear()
            .envs(std::env::vars().filter(|(name, _)| inherited(name)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        die_with_host(&mut command);
        let mut child = command.spawn().map_err(|e| format!("cannot run it: {e}"))?;
        if let Some(mut input) = child.stdin.take() {
            // A process that exits at once closes its stdin: its exit is what gets
            // reported, not the broken pipe.
            let _ = input.write_all(stdin).await;
            let _ = input.flush().await;
        }
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        let mut readers = Vec::new();
        let output = Output {
            id: Arc::clone(id),
            logs: logs.clone(),
            tail: Arc::clone(&tail),
            secret: secret.map(Arc::from),
        };
        if let Some(out) = child.stdout.take() {
            readers.push(read_lines(out, "stdout", output.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(read_lines(err, "stderr", output));
        }
        Ok(Spawned {
            child,
            tail,
            readers,
        })
    }

    /// The process id, while it runs.
    pub(super) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits (briefly) until the output of an exited process has been read, then
    /// returns its last lines joined with ` | `, or `None` when it printed nothing.
    pub(super) async fn last_output(&mut self) -> Option<String> {
        for reader in &mut self.readers {
            let _ = tokio::time::timeout(DRAIN_WAIT, reader).await;
        }
        let tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        (!tail.is_empty()).then(|| tail.iter().cloned().collect::<Vec<_>>().join(" | "))
    }
}

/// Where a provider's output lines go.
#[derive(Clone)]
struct Output {
    id: Arc<str>,
    logs: LogBus,
    tail: Arc<Mutex<VecDeque<String>>>,
    secret: Option<Arc<str>>,
}

/// Reads `stream` line by line until it closes.
fn read_lines(
    stream: impl AsyncRead + Unpin + Send + 'static,
    name: &'static str,
    Output {
        id,
        logs,
        tail,
        secret,
    }: Output,
) -> JoinHandle<()> {
    let stream_level = if name == "stderr" {
        LogLevel::Warn
    } else {
        LogLevel::Info
    };
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match lines.read_until(b'\n', &mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let end = buffer.len().min(MAX_LINE);
            let line = String::from_utf8_lossy(&buffer[..end]);
            let mut line = line.trim_end_matches(['\n', '\r']).to_owned();
            if let Some(secret) = secret.as_deref() {
                line = line.replace(secret, "***");
            }
            {
                let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(line.clone());
            }
            let (level, message) = match tracing_line(&line) {
                Some((level, message)) => (level, message.to_owned()),
                None => (stream_level, line),
            };
            logs.emit(level, Some(&id), Some(name), message);
        }
    })
}

/// The level and the rest of a line in `tracing-subscriber`'s default format without
/// colours (`2026-01-02T03:04:05.678901Z  INFO target: message`), which wasmCloud's
/// provider SDK writes; `None` for any other line.
fn tracing_line(line: &str) -> Option<(LogLevel, &str)> {
    let (time, rest) = line.split_once(' ')?;
    let bytes = time.as_bytes();
    let is_time = bytes.len() >= 20
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && (time.ends_with('Z') || time.contains('+') || time[10..].contains('-'));
    if !is_time {
        return None;
    }
    let (level, message) = rest.trim_start().split_once(' ')?;
    let level = match level {
        "TRACE" => LogLevel::Trace,
        "DEBUG" => LogLevel::Debug,
        "INFO" => LogLevel::Info,
        "WARN" => LogLevel::Warn,
        "ERROR" => LogLevel::Error,
        _ => return None,
    };
    Some((level, message.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_cannot_run_are_named_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            check_file(&dir.path().join("missing")).unwrap_err(),
            "there is no such file"
        );
        assert!(check_file(dir.path()).unwrap_err().contains("directory"));
        let file = dir.path().join("plain");
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = check_file(&file).unwrap_err();
            assert!(err.contains("not executable (mode 644"), "{err}");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
            check_file(&file).unwrap();
        }
    }

    #[test]
    fn tracing_lines_keep_their_level_and_lose_their_time() {
        assert_eq!(
            tracing_line(
                "2026-12-07T09:19:52.567351Z  INFO init_provider{name=\"kv\"}: sdk: Starting"
            ),
            Some((LogLevel::Info, "init_provider{name=\"kv\"}: sdk: Starting"))
        );
        assert_eq!(
            tracing_line("2026-12-07T09:21:02.993189Z ERROR kv: Failed to connect to NATS"),
            Some((LogLevel::Error, "kv: Failed to connect to NATS"))
        );
        assert_eq!(
            tracing_line("2026-12-07T10:19:52.556+01:00  WARN kv: fallback").map(|l| l.0),
            Some(LogLevel::Warn)
        );
        for other in [
            "NATS Kv provider exiting",
            "Caused by:",
            "    Connection refused (os error 111)",
            "2026-12-07 something INFO else",
            "2026-12-07T09:19:52.556Z  NOTICE x",
            "",
        ] {
            assert_eq!(tracing_line(other), None, "{other}");
        }
    }

    #[test]
    fn only_logging_and_telemetry_variables_are_inherited() {
        assert!(inherited("RUST_LOG") && inherited("OTEL_EXPORTER_OTLP_ENDPOINT"));
        assert!(!inherited("HOME") && !inherited("PATH") && !inherited("AWS_SECRET_ACCESS_KEY"));
    }
}
