//! Turning a [`Context`] into an async-nats connection, and its errors into one clear line.

use std::error::Error as _;
use std::io;
use std::path::Path;
use std::sync::Arc;

use async_nats::{ConnectErrorKind, ConnectOptions};
use tokio::sync::watch;

use crate::context::{Auth, Context};
use crate::error::{LatticeError, Result};
use crate::state::{next_state, ConnectionState};

/// Connects with every option of `ctx`, feeding connection events into `state`.
pub(crate) async fn connect(
    ctx: &Context,
    state: Arc<watch::Sender<ConnectionState>>,
) -> Result<async_nats::Client> {
    ctx.validate()?;
    let options = auth_options(&ctx.auth).await?;
    let options = tls_options(options, ctx)?;
    let events = state.clone();
    let options = options
        .name("trellis")
        .connection_timeout(ctx.connect_timeout())
        .request_timeout(Some(ctx.timeout()))
        // Keep trying for ever: the UI shows "reconnecting" rather than giving up.
        .max_reconnects(None)
        .event_callback(move |event| {
            let events = events.clone();
            async move {
                tracing::debug!(%event, "NATS connection event");
                if let Some(next) = next_state(&event) {
                    // Only real transitions wake watchers (the first Connected repeats ours).
                    events.send_if_modified(|state| {
                        let changed = *state != next;
                        *state = next;
                        changed
                    });
                }
            }
        });
    let url = ctx.url();
    let addrs: Vec<async_nats::ServerAddr> = ctx
        .urls
        .iter()
        .map(|u| {
            u.parse()
                .map_err(|e| LatticeError::InvalidContext(format!("URL {u:?}: {e}")))
        })
        .collect::<Result<_>>()?;
    match options.connect(addrs).await {
        Ok(client) => {
            state.send_if_modified(|s| {
                let changed = *s != ConnectionState::Connected;
                *s = ConnectionState::Connected;
                changed
            });
            Ok(client)
        }
        Err(err) => {
            let err = map_connect_error(&url, err);
            state.send_replace(ConnectionState::Failed {
                reason: err.to_string(),
            });
            Err(err)
        }
    }
}

async fn auth_options(auth: &Auth) -> Result<ConnectOptions> {
    Ok(match auth {
        Auth::None => ConnectOptions::new(),
        Auth::UserPassword { user, password } => {
            ConnectOptions::with_user_and_password(user.clone(), password.clone())
        }
        Auth::Token { token } => ConnectOptions::with_token(token.clone()),
        Auth::CredsFile { path } => {
            // Read it ourselves first so a missing or bad file names itself.
            let text = tokio::fs::read_to_string(path)
                .await
                .map_err(|e| file_error("creds file", path, &e))?;
            ConnectOptions::with_credentials(&text)
                .map_err(|e| file_error("creds file", path, &e))?
        }
        Auth::JwtSeed { jwt, seed } => {
            let key = nkeys::KeyPair::from_seed(seed.trim()).map_err(|e| {
                LatticeError::InvalidContext(format!(
                    "the JWT's seed is not a valid nkey seed: {e}"
                ))
            })?;
            if jwt.trim().is_empty() {
                return Err(LatticeError::InvalidContext("the JWT is empty".into()));
            }
            let key = Arc::new(key);
            ConnectOptions::with_jwt(jwt.trim().to_owned(), move |nonce| {
                let key = key.clone();
                async move { key.sign(&nonce).map_err(async_nats::AuthError::new) }
            })
        }
        Auth::NkeySeed { seed } => {
            nkeys::KeyPair::from_seed(seed.trim()).map_err(|e| {
                LatticeError::InvalidContext(format!("the nkey seed is not valid: {e}"))
            })?;
            ConnectOptions::with_nkey(seed.trim().to_owned())
        }
    })
}

fn tls_options(mut options: ConnectOptions, ctx: &Context) -> Result<ConnectOptions> {
    let tls = &ctx.tls;
    if let Some(ca) = &tls.ca_file {
        check_readable("TLS CA file", ca)?;
        options = options.add_root_certificates(ca.clone()).require_tls(true);
    }
    if let (Some(cert), Some(key)) = (&tls.cert_file, &tls.key_file) {
        check_readable("TLS client certificate", cert)?;
        check_readable("TLS client key", key)?;
        options = options.add_client_certificate(cert.clone(), key.clone());
    }
    if tls.tls_first {
        options = options.tls_first();
    }
    if tls.required {
        options = options.require_tls(true);
    }
    Ok(options)
}

fn check_readable(what: &'static str, path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .map(drop)
        .map_err(|e| file_error(what, path, &e))
}

fn file_error(what: &'static str, path: &Path, err: &io::Error) -> LatticeError {
    LatticeError::File {
        what,
        path: path.to_path_buf(),
        reason: io_reason(err),
    }
}

/// "connection refused" rather than "Connection refused (os error 111)".
fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        _ => err.to_string(),
    }
}

/// The innermost useful explanation of a connect error.
fn reason_of(err: &async_nats::ConnectError) -> String {
    let mut source = err.source();
    let mut last = None;
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            // An io::Error may wrap a rustls error; prefer the innermost text.
            return match io.get_ref() {
                Some(inner) if io.kind() == io::ErrorKind::Other => inner.to_string(),
                Some(inner) if io.kind() == io::ErrorKind::InvalidData => inner.to_string(),
                _ => io_reason(io),
            };
        }
        last = Some(cause.to_string());
        source = cause.source();
    }
    last.unwrap_or_else(|| err.kind().to_string())
}

fn map_connect_error(url: &str, err: async_nats::ConnectError) -> LatticeError {
    let url = url.to_owned();
    let reason = reason_of(&err);
    match err.kind() {
        ConnectErrorKind::Authentication | ConnectErrorKind::AuthorizationViolation => {
            LatticeError::Auth {
                url,
                reason: if reason.is_empty() {
                    "authorization violation".into()
                } else {
                    reason
                },
            }
        }
        ConnectErrorKind::Tls => LatticeError::Tls { url, reason },
        ConnectErrorKind::ServerParse => {
            LatticeError::InvalidContext(format!("URL {url:?}: {reason}"))
        }
        ConnectErrorKind::Io
        | ConnectErrorKind::Dns
        | ConnectErrorKind::TimedOut
        | ConnectErrorKind::MaxReconnects => {
            let lower = reason.to_lowercase();
            // A TLS failure can surface as an I/O error from the handshake.
            if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
            {
                LatticeError::Tls { url, reason }
            } else if lower.contains("authorization") || lower.contains("authentication") {
                LatticeError::Auth { url, reason }
            } else {
                LatticeError::Unreachable { url, reason }
            }
        }
    }
}
