//! Validation of names that end up inside NATS subjects or KV keys.

use crate::ProtoError;

/// Why `s` cannot be a single NATS subject token, if it cannot.
fn token_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("must not be empty")
    } else if s.contains('.') {
        Some("must not contain '.'")
    } else if s.contains(['*', '>']) {
        Some("must not contain the wildcards '*' or '>'")
    } else if s.contains('/') {
        Some("must not contain '/'")
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("must not contain whitespace or control characters")
    } else {
        None
    }
}

/// Checks that `name` can be a lattice name: one NATS subject token
/// (no `.`, `*`, `>`, `/`, whitespace) that is also valid in a KV bucket name.
pub fn validate_lattice_name(name: &str) -> Result<(), ProtoError> {
    let reason = token_problem(name).or_else(|| {
        // The lattice is part of bucket names (`LATTICEDATA_<lattice>`), which
        // JetStream restricts to letters, digits, '-' and '_'.
        (!name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .then_some("may only contain ASCII letters, digits, '-' and '_'")
    });
    match reason {
        Some(reason) => Err(ProtoError::InvalidLatticeName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Checks that `name` can be a config name: the last token of `config.put.<name>`
/// and a KV key, so letters, digits, `-`, `_`, `=` and `/` (no `.`).
pub fn validate_config_name(name: &str) -> Result<(), ProtoError> {
    let reason = if name.is_empty() {
        Some("must not be empty")
    } else if name.contains('.') {
        Some("must not contain '.'")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '/'))
    {
        Some("may only contain ASCII letters, digits, '-', '_', '=' and '/'")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ProtoError::InvalidConfigName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Checks that `id` looks like a host id: a public server nkey, 56 characters
/// of base32 (`A`–`Z`, `2`–`7`) starting with `N`.
///
/// This checks the shape only, not the checksum.
pub fn validate_host_id(id: &str) -> Result<(), ProtoError> {
    let reason = if !id.starts_with('N') {
        Some("a host id is a server nkey and starts with 'N'")
    } else if id.len() != 56 {
        Some("a host id is 56 characters long")
    } else if !id
        .chars()
        .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    {
        Some("a host id contains only 'A'-'Z' and '2'-'7'")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ProtoError::InvalidHostId {
            id: id.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}
