//! Host labels, checked before they are sent.

use super::refs::resolve_host;
use super::{OpsError, Result};
use crate::Client;

/// Sets label `key=value` on a host (id, prefix or friendly name). Keys must be
/// non-empty and not `hostcore.*`, which hosts set themselves.
pub async fn put_label(client: &Client, host: &str, key: &str, value: &str) -> Result<String> {
    let key = checked_key(key)?;
    let host = resolve_host(client, host).await?;
    Ok(client.label_put(&host.id, key, value).await?)
}

/// Removes label `key` from a host (id, prefix or friendly name).
pub async fn delete_label(client: &Client, host: &str, key: &str) -> Result<String> {
    let key = checked_key(key)?;
    let host = resolve_host(client, host).await?;
    Ok(client.label_del(&host.id, key).await?)
}

fn checked_key(key: &str) -> Result<&str> {
    let key = key.trim();
    if key.is_empty() {
        return Err(OpsError::InvalidInput("a label key is required".to_owned()));
    }
    if key.to_ascii_lowercase().starts_with("hostcore.") {
        return Err(OpsError::InvalidInput(format!(
            "label {key:?} is reserved: hostcore.* labels are set by the host"
        )));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::checked_key;

    #[test]
    fn label_keys_are_checked_and_named() {
        assert_eq!(checked_key(" zone ").unwrap(), "zone");
        assert!(checked_key("")
            .unwrap_err()
            .to_string()
            .contains("required"));
        let reserved = checked_key("hostcore.os").unwrap_err().to_string();
        assert!(
            reserved.contains("\"hostcore.os\" is reserved"),
            "{reserved}"
        );
    }
}
