//! What the user allowed the local lattice's components beyond the default grant policy
//! (a directory, a variable, the network), kept in `<data_dir>/grants.json` (0600) so
//! every host started on this data directory, now or later, allows it too.

use std::path::Path;

use trellis_host::GrantPolicy;

use crate::LocalError;

/// The file, in the data directory.
pub const GRANTS_FILE: &str = "grants.json";

/// What was allowed so far; nothing when the file is missing. A file that does not parse
/// is named in a warning and left as it is (nothing saved is lost), and nothing extra is
/// allowed.
pub(crate) fn load(data_dir: &Path) -> GrantPolicy {
    let path = data_dir.join(GRANTS_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
            tracing::warn!(file = %path.display(), %err, "the saved grants do not parse; allowing nothing extra");
            GrantPolicy::default()
        }),
        Err(_) => GrantPolicy::default(),
    }
}

/// Adds `extra` to what is saved.
pub(crate) fn save_extended(data_dir: &Path, extra: &GrantPolicy) -> Result<(), LocalError> {
    let mut saved = load(data_dir);
    saved.extend(extra);
    let path = data_dir.join(GRANTS_FILE);
    let partial = data_dir.join(format!("{GRANTS_FILE}.partial"));
    let text = serde_json::to_string_pretty(&saved).expect("a grant policy serialises");
    let io = |action, source| LocalError::Io {
        action,
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(|e| io("cannot create the directory of", e))?;
    trellis_lattice::write_private(&partial, &text).map_err(|e| io("cannot write", e))?;
    std::fs::rename(&partial, &path).map_err(|e| io("cannot write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_grants_add_up_and_stay_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_default());
        let network = GrantPolicy {
            network: true,
            ..GrantPolicy::default()
        };
        let home = GrantPolicy {
            env_names: vec!["HOME".into()],
            ..GrantPolicy::default()
        };
        save_extended(dir.path(), &network).unwrap();
        save_extended(dir.path(), &home).unwrap();
        let saved = load(dir.path());
        assert!(saved.network);
        assert_eq!(saved.env_names, ["HOME"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join(GRANTS_FILE)).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(GRANTS_FILE), "{ nope").unwrap();
        assert!(
            load(dir.path()).is_default(),
            "a broken file allows nothing"
        );
    }
}
