//! `Context`: everything needed to reach one lattice (servers, lattice name, auth, TLS, timeouts).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{LatticeError, Result};

/// Default single-request timeout, as in wasmcloud-control-interface.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default scatter-gather window for `host.ping` and auctions (wash uses 2 s).
pub const DEFAULT_SCATTER_WINDOW: Duration = Duration::from_secs(2);
/// Default time allowed to establish the connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How the client authenticates to NATS.
///
/// Secrets are kept as given; [`Context`]'s `Debug` never prints them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// User name and password.
    UserPassword {
        /// User name.
        user: String,
        /// Password.
        password: String,
    },
    /// A bearer token.
    Token {
        /// The token.
        token: String,
    },
    /// A `.creds` file holding a user JWT and its seed.
    CredsFile {
        /// Path to the file.
        path: PathBuf,
    },
    /// A user JWT plus the user's nkey seed (signs the server nonce).
    JwtSeed {
        /// The user JWT.
        jwt: String,
        /// The user seed (`SU…`).
        seed: String,
    },
    /// A bare nkey seed (`SU…`), for servers configured with `nkey` users.
    NkeySeed {
        /// The seed.
        seed: String,
    },
}

impl Auth {
    /// The mode's name as used in JSON (`none`, `user_password`, …).
    pub fn mode(&self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::UserPassword { .. } => "user_password",
            Auth::Token { .. } => "token",
            Auth::CredsFile { .. } => "creds_file",
            Auth::JwtSeed { .. } => "jwt_seed",
            Auth::NkeySeed { .. } => "nkey_seed",
        }
    }
}

impl fmt::Debug for Auth {
    // By hand: only the mode and non-secret parts (user name, file path) are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::UserPassword { user, .. } => f
                .debug_struct("UserPassword")
                .field("user", user)
                .finish_non_exhaustive(),
            Auth::Token { .. } => f.debug_struct("Token").finish_non_exhaustive(),
            Auth::CredsFile { path } => f.debug_struct("CredsFile").field("path", path).finish(),
            Auth::JwtSeed { .. } => f.debug_struct("JwtSeed").finish_non_exhaustive(),
            Auth::NkeySeed { .. } => f.debug_struct("NkeySeed").finish_non_exhaustive(),
        }
    }
}

/// TLS settings. With none set, TLS is still used when the URL is `tls://`/`wss://` or
/// the server requires it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TlsOptions {
    /// PEM file with the CA certificate(s) to trust, besides the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate, for servers that verify clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// Start TLS before the server's INFO (servers with `handshake_first`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls_first: bool,
    /// Refuse to connect without TLS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

impl TlsOptions {
    /// Whether any TLS option is set.
    pub fn is_set(&self) -> bool {
        self.ca_file.is_some()
            || self.cert_file.is_some()
            || self.key_file.is_some()
            || self.tls_first
            || self.required
    }
}

/// How to reach one lattice: NATS servers, lattice name, ctl prefix, auth, TLS,
/// JetStream domain and timeouts. Serialisable (the contexts file and the desktop app
/// store it as JSON); its `Debug` leaves secrets out.
///
/// ```
/// use std::time::Duration;
/// use trellis_lattice::Context;
///
/// let ctx = Context::new("nats://127.0.0.1:4222")
///     .with_lattice("dev")
///     .with_user_password("me", "secret")
///     .with_timeout(Duration::from_secs(3));
/// assert!(!format!("{ctx:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Context {
    /// Server URLs (`nats://`, `tls://`, `ws://`, `wss://`); several for a cluster.
    pub urls: Vec<String>,
    /// Lattice name (default `default`).
    #[serde(default = "default_lattice")]
    pub lattice: String,
    /// Control subject prefix (default `wasmbus.ctl`).
    #[serde(default = "default_ctl_prefix")]
    pub ctl_prefix: String,
    /// Authentication.
    #[serde(default)]
    pub auth: Auth,
    /// TLS settings.
    #[serde(default)]
    pub tls: TlsOptions,
    /// JetStream domain (leaf nodes, hosted NATS), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js_domain: Option<String>,
    /// Single-request timeout in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Scatter-gather window (`host.ping`, auctions) in milliseconds.
    #[serde(default = "default_scatter_ms")]
    pub scatter_window_ms: u64,
    /// Connection timeout in milliseconds.
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Free text shown in context lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn default_lattice() -> String {
    trellis_proto::subject::DEFAULT_LATTICE.to_owned()
}
fn default_ctl_prefix() -> String {
    trellis_proto::subject::DEFAULT_CTL_PREFIX.to_owned()
}
fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT.as_millis() as u64
}
fn default_scatter_ms() -> u64 {
    DEFAULT_SCATTER_WINDOW.as_millis() as u64
}
fn default_connect_timeout_ms() -> u64 {
    DEFAULT_CONNECT_TIMEOUT.as_millis() as u64
}

impl Default for Context {
    /// `nats://127.0.0.1:4222`, lattice `default`, no auth.
    fn default() -> Self {
        Context::new("nats://127.0.0.1:4222")
    }
}

impl Context {
    /// A context for `url` (several URLs may be comma separated), lattice `default`,
    /// prefix `wasmbus.ctl`, no auth, default timeouts.
    pub fn new(url: impl AsRef<str>) -> Self {
        Context {
            urls: split_urls(url.as_ref()),
            lattice: default_lattice(),
            ctl_prefix: default_ctl_prefix(),
            auth: Auth::None,
            tls: TlsOptions::default(),
            js_domain: None,
            timeout_ms: default_timeout_ms(),
            scatter_window_ms: default_scatter_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            description: None,
        }
    }

    /// Sets the lattice name.
    pub fn with_lattice(mut self, lattice: impl Into<String>) -> Self {
        self.lattice = lattice.into();
        self
    }

    /// Sets the control subject prefix (default `wasmbus.ctl`).
    pub fn with_ctl_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.ctl_prefix = prefix.into();
        self
    }

    /// Authenticates with a user name and password.
    pub fn with_user_password(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.auth = Auth::UserPassword {
            user: user.into(),
            password: password.into(),
        };
        self
    }

    /// Authenticates with a token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Auth::Token {
            token: token.into(),
        };
        self
    }

    /// Authenticates with a `.creds` file (read at connect time).
    pub fn with_creds_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.auth = Auth::CredsFile { path: path.into() };
        self
    }

    /// Authenticates with a user JWT and the seed that signs the server's nonce.
    pub fn with_jwt_seed(mut self, jwt: impl Into<String>, seed: impl Into<String>) -> Self {
        self.auth = Auth::JwtSeed {
            jwt: jwt.into(),
            seed: seed.into(),
        };
        self
    }

    /// Authenticates with a bare nkey seed.
    pub fn with_nkey_seed(mut self, seed: impl Into<String>) -> Self {
        self.auth = Auth::NkeySeed { seed: seed.into() };
        self
    }

    /// Trusts the CA certificate(s) in this PEM file.
    pub fn with_tls_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.ca_file = Some(path.into());
        self
    }

    /// Presents this client certificate and key (PEM files).
    pub fn with_tls_client_cert(
        mut self,
        cert: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Self {
        self.tls.cert_file = Some(cert.into());
        self.tls.key_file = Some(key.into());
        self
    }

    /// Starts TLS before the server's INFO (for servers with `handshake_first`).
    pub fn with_tls_first(mut self, tls_first: bool) -> Self {
        self.tls.tls_first = tls_first;
        self
    }

    /// Refuses to connect without TLS.
    pub fn with_tls_required(mut self, required: bool) -> Self {
        self.tls.required = required;
        self
    }

    /// Sets the JetStream domain.
    pub fn with_js_domain(mut self, domain: impl Into<String>) -> Self {
        self.js_domain = Some(domain.into());
        self
    }

    /// Sets the single-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout_ms = timeout.as_millis() as u64;
        self
    }

    /// Sets the scatter-gather window of `host.ping` and auctions.
    pub fn with_scatter_window(mut self, window: Duration) -> Self {
        self.scatter_window_ms = window.as_millis() as u64;
        self
    }

    /// Sets the connection timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout_ms = timeout.as_millis() as u64;
        self
    }

    /// The single-request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The scatter-gather window.
    pub fn scatter_window(&self) -> Duration {
        Duration::from_millis(self.scatter_window_ms)
    }

    /// The connection timeout.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    /// The server URLs joined with commas, for messages and listings: without any user
    /// info (`user:password@`), which only [`Context::urls`] keeps (see
    /// [`Context::redact_url`]).
    pub fn url(&self) -> String {
        Context::redact_url(&self.urls.join(","))
    }

    /// `url` (or several, comma separated) without user info: `nats://u:pw@h:4222`
    /// becomes `nats://h:4222`. Use it wherever a URL is shown, logged or sent (the
    /// password or token a URL may carry must never leave the connection options).
    ///
    /// ```
    /// use trellis_lattice::Context;
    ///
    /// assert_eq!(
    ///     Context::redact_url("nats://me:secret@10.0.0.5:4222, tls://tok@b:1"),
    ///     "nats://10.0.0.5:4222,tls://b:1"
    /// );
    /// ```
    pub fn redact_url(url: &str) -> String {
        trellis_proto::redact_url(url)
    }

    /// Checks URLs, lattice name, prefix and timeouts, naming the first problem.
    pub fn validate(&self) -> Result<()> {
        if self.urls.is_empty() {
            return Err(LatticeError::InvalidContext("no NATS URL given".into()));
        }
        for url in &self.urls {
            validate_url(url)?;
        }
        trellis_proto::validate_lattice_name(&self.lattice)?;
        if self.ctl_prefix.is_empty()
            || self
                .ctl_prefix
                .split('.')
                .any(|t| t.is_empty() || t.contains(['*', '>', ' ', '\t']))
        {
            return Err(LatticeError::InvalidContext(format!(
                "ctl prefix {:?} is not a sequence of NATS subject tokens",
                self.ctl_prefix
            )));
        }
        if self.timeout_ms == 0 || self.scatter_window_ms == 0 || self.connect_timeout_ms == 0 {
            return Err(LatticeError::InvalidContext(
                "timeouts must be above zero".into(),
            ));
        }
        if self.tls.cert_file.is_some() != self.tls.key_file.is_some() {
            return Err(LatticeError::InvalidContext(
                "a TLS client certificate needs both a cert file and a key file".into(),
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Context {
    // By hand so passwords, tokens, JWTs and seeds never reach a log or the webview.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field(
                "urls",
                &self
                    .urls
                    .iter()
                    .map(|u| trellis_proto::url_without_user_info(u))
                    .collect::<Vec<_>>(),
            )
            .field("lattice", &self.lattice)
            .field("ctl_prefix", &self.ctl_prefix)
            .field("auth", &self.auth)
            .field("tls", &self.tls)
            .field("js_domain", &self.js_domain)
            .field("timeout_ms", &self.timeout_ms)
            .field("scatter_window_ms", &self.scatter_window_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .finish()
    }
}

fn split_urls(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Accepts `host:port`, `host` and URLs with the schemes async-nats understands.
fn validate_url(full: &str) -> Result<()> {
    // Messages show the URL without its user info.
    let url = trellis_proto::url_without_user_info(full);
    let url = url.as_str();
    let rest = match url.split_once("://") {
        Some((scheme, rest)) => {
            if !matches!(scheme, "nats" | "tls" | "ws" | "wss") {
                return Err(LatticeError::InvalidContext(format!(
                    "URL {url:?} has scheme {scheme:?}; expected nats, tls, ws or wss"
                )));
            }
            rest
        }
        None => url,
    };
    let host_port = rest.split('/').next().unwrap_or(rest);
    if host_port.is_empty() || host_port.contains(char::is_whitespace) {
        return Err(LatticeError::InvalidContext(format!(
            "URL {url:?} names no host"
        )));
    }
    if let Some((_, port)) = host_port.rsplit_once(':') {
        if !host_port.ends_with(']') && port.parse::<u16>().is_err() {
            return Err(LatticeError::InvalidContext(format!(
                "URL {url:?} has an invalid port {port:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_secret() {
        let cases = [
            Context::new("nats://h:1").with_user_password("u", "pw-secret"),
            Context::new("nats://h:1").with_token("tok-secret"),
            Context::new("nats://h:1").with_jwt_seed("jwt-secret", "seed-secret"),
            Context::new("nats://h:1").with_nkey_seed("seed-secret"),
        ];
        for ctx in cases {
            let text = format!("{ctx:?}");
            assert!(!text.contains("secret"), "{text}");
        }
        let text = format!(
            "{:?}",
            Context::new("nats://h:1").with_user_password("alice", "x")
        );
        assert!(
            text.contains("alice"),
            "the user name is not secret: {text}"
        );
    }

    #[test]
    fn redact_url_strips_user_info_everywhere() {
        let cases = [
            ("nats://u:secret@h:4222", "nats://h:4222"),
            ("tls://secret@h:4222", "tls://h:4222"),
            ("ws://u:se@cr/et@h:80/path", "ws://h:80/path"),
            ("u:secret@127.0.0.1:4222", "127.0.0.1:4222"),
            ("nats://h:4222", "nats://h:4222"),
            ("h", "h"),
            (
                "nats://a:secret@x:1, wss://b:secret@[::1]:2",
                "nats://x:1,wss://[::1]:2",
            ),
        ];
        for (url, shown) in cases {
            assert_eq!(Context::redact_url(url), shown, "{url}");
        }
        let ctx = Context::new("nats://u:secret@h:1,nats://v:secret@g:2");
        assert_eq!(ctx.url(), "nats://h:1,nats://g:2");
        assert_eq!(
            ctx.urls[0], "nats://u:secret@h:1",
            "the connection keeps them"
        );
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("secret"), "{debug}");
        let err = Context::new("http://u:secret@h:1")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains("secret") && err.contains("http://h:1"),
            "{err}"
        );
    }

    #[test]
    fn json_round_trip_and_defaults() {
        let ctx = Context::new("nats://a:1, ws://b:2")
            .with_lattice("dev")
            .with_creds_file("/x.creds")
            .with_tls_ca_file("/ca.pem")
            .with_js_domain("core");
        let json = serde_json::to_string(&ctx).unwrap();
        assert!(json.contains(r#""mode":"creds_file""#), "{json}");
        let back: Context = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ctx);
        assert_eq!(back.urls, ["nats://a:1", "ws://b:2"]);

        let minimal: Context = serde_json::from_str(r#"{"urls":["nats://x:4222"]}"#).unwrap();
        assert_eq!(minimal.lattice, "default");
        assert_eq!(minimal.ctl_prefix, "wasmbus.ctl");
        assert_eq!(minimal.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(minimal.auth, Auth::None);
    }

    #[test]
    fn validate_names_the_problem() {
        let err = Context::new("http://x:1")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("scheme \"http\""), "{err}");
        let err = Context::new("nats://x:notaport")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid port"), "{err}");
        let err = Context::new("").validate().unwrap_err().to_string();
        assert!(err.contains("no NATS URL"), "{err}");
        let err = Context::new("nats://x:1")
            .with_lattice("a.b")
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("a.b"), "{err}");
        let err = Context::new("nats://x:1")
            .with_ctl_prefix("a.>")
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("ctl prefix"), "{err}");
        Context::new("nats://u:p@127.0.0.1:4222")
            .validate()
            .unwrap();
        Context::new("127.0.0.1:4222").validate().unwrap();
        Context::new("ws://[::1]:4223").validate().unwrap();
    }
}
