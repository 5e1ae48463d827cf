//! NATS connections on the older async-nats versions that wasmCloud 1.x's crates are
//! built on: 0.39 (the workspace's `async-nats-wasmcloud`) for `wadm-client`, and 0.49
//! (`async-nats-wrpc`) for `wrpc-transport-nats`, wRPC calls between hosts. The
//! context's auth and TLS settings are applied once more for each version, by one macro
//! (the two crates' APIs are the same, their types are not).

use std::sync::Arc;
use std::time::Duration;

use crate::{effective_auth, Auth, Context, LatticeError, Result};

/// Defines `$name`, connecting on the async-nats crate `$nats` the way `ctx` says: its
/// auth (else a URL's `user:password@` or `token@`), TLS and timeouts; `name` is the
/// connection's name on the server. Errors name the URL without user info.
macro_rules! connect_on {
    ($(#[$doc:meta])* $name:ident, $nats:ident) => {
        $(#[$doc])*
        pub async fn $name(ctx: &Context, name: &str) -> Result<$nats::Client> {
            let shown = ctx.url();
            let fail = |reason: String| LatticeError::Unreachable {
                url: shown.clone(),
                reason,
            };
            let mut addrs = Vec::with_capacity(ctx.urls.len());
            for url in &ctx.urls {
                let bare: $nats::ServerAddr = Context::redact_url(url)
                    .parse()
                    .map_err(|e: std::io::Error| fail(format!("bad URL: {e}")))?;
                addrs.push(bare);
            }
            let auth = effective_auth(ctx).map_err(|e| fail(e.to_string()))?;
            let mut options = match auth {
                Auth::None => $nats::ConnectOptions::new(),
                Auth::UserPassword { user, password } => {
                    $nats::ConnectOptions::with_user_and_password(user, password)
                }
                Auth::Token { token } => $nats::ConnectOptions::with_token(token),
                Auth::CredsFile { path } => {
                    let text = tokio::fs::read_to_string(&path)
                        .await
                        .map_err(|e| fail(format!("creds file {}: {e}", path.display())))?;
                    $nats::ConnectOptions::with_credentials(&text)
                        .map_err(|e| fail(format!("creds file {}: {e}", path.display())))?
                }
                Auth::JwtSeed { jwt, seed } => {
                    let key = nkeys::KeyPair::from_seed(seed.trim())
                        .map_err(|e| fail(format!("the JWT's seed is not a valid nkey seed: {e}")))?;
                    let key = Arc::new(key);
                    $nats::ConnectOptions::with_jwt(jwt.trim().to_owned(), move |nonce| {
                        let key = key.clone();
                        async move { key.sign(&nonce).map_err($nats::AuthError::new) }
                    })
                }
                Auth::NkeySeed { seed } => $nats::ConnectOptions::with_nkey(seed.trim().to_owned()),
            };
            let tls = &ctx.tls;
            if let Some(ca) = &tls.ca_file {
                options = options.add_root_certificates(ca.clone()).require_tls(true);
            }
            if let (Some(cert), Some(key)) = (&tls.cert_file, &tls.key_file) {
                options = options.add_client_certificate(cert.clone(), key.clone());
            }
            if tls.tls_first {
                options = options.tls_first();
            }
            if tls.required {
                options = options.require_tls(true);
            }
            let options = options
                .name(name)
                .connection_timeout(ctx.connect_timeout())
                .request_timeout(Some(ctx.timeout().max(Duration::from_secs(5))))
                .max_reconnects(Some(1));
            let bound = ctx.connect_timeout() + Duration::from_secs(1);
            match tokio::time::timeout(bound, options.connect(addrs.as_slice())).await {
                Ok(Ok(client)) => Ok(client),
                Ok(Err(err)) => Err(fail(err.to_string())),
                Err(_) => Err(fail(format!(
                    "no answer within {} s",
                    ctx.connect_timeout().as_secs()
                ))),
            }
        }
    };
}

connect_on!(
    /// Connects on async-nats 0.39 (wadm's API) the way `ctx` says; see the module docs.
    connect_legacy_nats,
    async_nats_wasmcloud
);

connect_on!(
    /// Connects on async-nats 0.49 (wRPC calls between hosts) the way `ctx` says; see the
    /// module docs.
    connect_wrpc_nats,
    async_nats_wrpc
);
