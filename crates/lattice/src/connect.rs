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
    let (addrs, options, _) = prepare(ctx).await?;
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
            let err = map_connect_error(&url, &ctx.urls, err);
            state.send_replace(ConnectionState::Failed {
                reason: err.to_string(),
            });
            Err(err)
        }
    }
}

/// Checks `ctx` and turns it into server addresses (without user info), connection
/// options carrying its auth and TLS settings, and the auth mode used (`Client::connect`
/// and the connection test share it).
pub(crate) async fn prepare(
    ctx: &Context,
) -> Result<(Vec<async_nats::ServerAddr>, ConnectOptions, &'static str)> {
    ctx.validate()?;
    let (addrs, _) = server_addrs(&ctx.urls)?;
    let auth = effective_auth(ctx)?;
    let options = auth_options(&auth).await?;
    let options = tls_options(options, ctx)?;
    Ok((addrs, options, auth.mode()))
}

/// The auth a connection to `ctx` uses: the context's own, which wins, else the
/// credentials the first URL carrying some has (`user:password@` or a lone `token@`,
/// percent-decoded). For clients on other async-nats versions (wadm's) too.
pub fn effective_auth(ctx: &Context) -> Result<Auth> {
    let (_, url_auth) = server_addrs(&ctx.urls)?;
    Ok(match (&ctx.auth, url_auth) {
        (Auth::None, Some(auth)) => auth,
        (auth, _) => auth.clone(),
    })
}

/// The server addresses without user info, and the credentials the first URL that had
/// some carried: `user:password@` or a lone `token@`, percent-decoded. async-nats would
/// neither use them nor keep them out of its logs, so they go into the options instead.
fn server_addrs(urls: &[String]) -> Result<(Vec<async_nats::ServerAddr>, Option<Auth>)> {
    let mut auth = None;
    let mut addrs = Vec::with_capacity(urls.len());
    for url in urls {
        let shown = Context::redact_url(url);
        let parse = |u: &str| {
            u.parse::<async_nats::ServerAddr>()
                .map_err(|e| LatticeError::InvalidContext(format!("URL {shown:?}: {e}")))
        };
        let full = parse(url)?;
        if auth.is_none() {
            auth = match (full.username(), full.password()) {
                (Some(user), Some(password)) => Some(Auth::UserPassword {
                    user: percent_decode(user),
                    password: percent_decode(password),
                }),
                (Some(token), None) => Some(Auth::Token {
                    token: percent_decode(token),
                }),
                _ => None,
            };
        }
        addrs.push(parse(&shown)?);
    }
    Ok((addrs, auth))
}

/// `%XX` escapes of a URL's user info back to bytes (invalid escapes stay as written).
pub(crate) fn percent_decode(text: &str) -> String {
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16)).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
pub(crate) fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        _ => err.to_string(),
    }
}

/// The innermost useful explanation of a connect error.
pub(crate) fn reason_of(err: &async_nats::ConnectError) -> String {
    let mut source = err.source();
    let mut last = None;
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            // An io::Error may wrap a rustls error; prefer the innermost text.
            return match io.get_ref() {
                Some(inner)
                    if matches!(io.kind(), io::ErrorKind::Other | io::ErrorKind::InvalidData) =>
                {
                    inner.to_string()
                }
                _ => io_reason(io),
            };
        }
        last = Some(cause.to_string());
        source = cause.source();
    }
    // async-nats prefixes server errors with "nats: ".
    let last = last.map(|text| text.trim_start_matches("nats: ").to_owned());
    match (last, err.kind()) {
        (Some(text), _) if !text.is_empty() => text,
        (_, ConnectErrorKind::AuthorizationViolation) => "authorization violation".into(),
        (_, ConnectErrorKind::TimedOut) => "timed out".into(),
        (_, kind) => kind.to_string(),
    }
}

/// `url` is already shown without user info; `raw_urls` are scrubbed from the reason in
/// case the client's error text quotes one with its password.
fn map_connect_error(
    url: &str,
    raw_urls: &[String],
    err: async_nats::ConnectError,
) -> LatticeError {
    let url = url.to_owned();
    let reason = raw_urls.iter().fold(reason_of(&err), |reason, raw| {
        reason.replace(raw.as_str(), &Context::redact_url(raw))
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_for_the_options() {
        let urls = [
            "nats://alice:p%40ss%2Fword@127.0.0.1:4222".to_owned(),
            "nats://tok@127.0.0.1:4223".to_owned(),
        ];
        let (addrs, auth) = server_addrs(&urls).unwrap();
        assert_eq!(
            auth,
            Some(Auth::UserPassword {
                user: "alice".into(),
                password: "p@ss/word".into()
            })
        );
        for addr in &addrs {
            assert!(addr.username().is_none(), "{addr:?}");
        }
        let (_, auth) = server_addrs(&urls[1..]).unwrap();
        assert_eq!(
            auth,
            Some(Auth::Token {
                token: "tok".into()
            })
        );
        let (_, auth) = server_addrs(&["nats://h:1".to_owned()]).unwrap();
        assert_eq!(auth, None);
        assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
    }
}
