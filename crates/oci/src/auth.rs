//! Registry credentials, and turning the client's errors into ones that name the cause.

use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;

use crate::OciError;

/// Which credentials to present to a registry.
#[derive(Clone, Default)]
pub enum Credentials {
    /// Docker's `config.json` (`$DOCKER_CONFIG` or `~/.docker`), including its credential
    /// helpers, for the registry at hand; anonymous when it has none.
    #[default]
    Auto,
    /// A user name and password (or token) given explicitly.
    Basic {
        /// The user name.
        username: String,
        /// The password or token.
        password: String,
    },
    /// No credentials.
    Anonymous,
}

// Never print a password, not even in a debug log.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Auto => f.write_str("Auto"),
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
            Credentials::Anonymous => f.write_str("Anonymous"),
        }
    }
}

impl Credentials {
    /// The credentials for `registry`, and how errors should describe them.
    pub(crate) fn resolve(&self, registry: &str) -> (RegistryAuth, String) {
        let basic = |user: String, password: String| {
            let what = format!("the credentials for {user}");
            (RegistryAuth::Basic(user, password), what)
        };
        match self {
            Credentials::Basic { username, password } => basic(username.clone(), password.clone()),
            Credentials::Anonymous => (RegistryAuth::Anonymous, "anonymous access".into()),
            Credentials::Auto => match docker_credential::get_credential(registry) {
                Ok(docker_credential::DockerCredential::UsernamePassword(user, password)) => {
                    basic(user, password)
                }
                Ok(docker_credential::DockerCredential::IdentityToken(_)) => {
                    tracing::warn!(
                        registry,
                        "docker config holds an identity token for this registry; \
                         only user/password credentials are supported, trying anonymously"
                    );
                    (RegistryAuth::Anonymous, "anonymous access".into())
                }
                Err(_) => (RegistryAuth::Anonymous, "anonymous access".into()),
            },
        }
    }
}

/// Names the cause of a registry client error: unreachable, refused credentials, not
/// found, or the registry's own words.
pub(crate) fn classify(
    error: OciDistributionError,
    registry: &str,
    reference: &str,
    credentials: &str,
) -> OciError {
    let unauthorized = |reason: String| OciError::Unauthorized {
        registry: registry.to_owned(),
        what: credentials.to_owned(),
        reason,
    };
    let not_found = |reason: String| OciError::NotFound {
        reference: reference.to_owned(),
        reason,
    };
    match error {
        OciDistributionError::RequestError(error) => {
            if error
                .status()
                .is_some_and(|s| s.as_u16() == 401 || s.as_u16() == 403)
            {
                return unauthorized(error.to_string());
            }
            if error.status().is_some_and(|s| s.as_u16() == 404) {
                return not_found(error.to_string());
            }
            OciError::Unreachable {
                registry: registry.to_owned(),
                reason: innermost(&error),
            }
        }
        OciDistributionError::AuthenticationFailure(reason) => unauthorized(reason),
        OciDistributionError::UnauthorizedError { url } => {
            unauthorized(format!("not authorized for {url}"))
        }
        OciDistributionError::ImageManifestNotFoundError(reason) => not_found(reason),
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes: Vec<_> = envelope.errors.iter().map(|e| &e.code).collect();
            let reason = envelope
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            if codes.iter().any(|c| {
                matches!(
                    c,
                    OciErrorCode::ManifestUnknown
                        | OciErrorCode::NameUnknown
                        | OciErrorCode::BlobUnknown
                )
            }) {
                not_found(reason)
            } else if codes
                .iter()
                .any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied))
            {
                unauthorized(reason)
            } else {
                OciError::Registry {
                    registry: registry.to_owned(),
                    reason,
                }
            }
        }
        OciDistributionError::ServerError { code, message, .. } => match code {
            401 | 403 => unauthorized(message),
            404 => not_found(message),
            _ => OciError::Registry {
                registry: registry.to_owned(),
                reason: format!("HTTP {code}: {message}"),
            },
        },
        other => OciError::Registry {
            registry: registry.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// The deepest cause of a transport error ("Connection refused (os error 111)"), which
/// is what a user can act on; reqwest's own message is only "error sending request".
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let deepest = cause.to_string();
    let top = error.to_string();
    if deepest == top {
        top
    } else {
        format!("{deepest} ({top})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_password() {
        let credentials = Credentials::Basic {
            username: "ci".into(),
            password: "hunter2".into(),
        };
        let shown = format!("{credentials:?}");
        assert!(
            shown.contains("ci") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
