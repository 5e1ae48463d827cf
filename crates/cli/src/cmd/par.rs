//! Provider archives (`.par`, `.par.gz`) as `trellis inspect` and `trellis push` show
//! them: the provider's claims (name, vendor, version, issuer, subject) and its targets,
//! this machine's marked.

use trellis_oci::par::{self, ArchiveInfo};

/// What `trellis inspect` prints for an archive, as lines.
pub fn describe(what: &str, info: &ArchiveInfo) -> String {
    let claims = &info.claims;
    let native = par::native_target();
    let mut out = format!("provider archive {what}\n");
    out.push_str(&format!("├─ name: {}\n", info.name()));
    if !claims.vendor.is_empty() {
        out.push_str(&format!("├─ vendor: {}\n", claims.vendor));
    }
    if let Some(version) = &claims.version {
        out.push_str(&format!("├─ version: {version}\n"));
    }
    if let Some(revision) = claims.revision {
        out.push_str(&format!("├─ revision: {revision}\n"));
    }
    out.push_str(&format!(
        "├─ issuer: {} (signature checked)\n",
        claims.issuer
    ));
    out.push_str(&format!("├─ subject: {}\n", claims.subject));
    out.push_str(&format!(
        "├─ wit: {}\n",
        if info.has_wit { "world.wasm" } else { "none" }
    ));
    out.push_str(&format!("└─ targets ({}):\n", info.targets.len()));
    for (i, target) in info.targets.iter().enumerate() {
        let branch = if i + 1 == info.targets.len() {
            "└─"
        } else {
            "├─"
        };
        let mark = if *target == native {
            " (this machine)"
        } else {
            ""
        };
        out.push_str(&format!("   {branch} {target}{mark}\n"));
    }
    if !info.targets.contains(&native) {
        out.push_str(&format!(
            "no binary for this machine ({native}): it cannot run here\n"
        ));
    }
    out
}

/// The archive as JSON: `name`, `vendor`, `version`, `revision`, `issuer`, `subject`,
/// `targets`, `native_target`, `runs_here`, `wit`, `compressed`.
pub fn archive_json(info: &ArchiveInfo) -> serde_json::Value {
    let native = par::native_target();
    serde_json::json!({
        "name": info.claims.name,
        "vendor": info.claims.vendor,
        "version": info.claims.version,
        "revision": info.claims.revision,
        "issuer": info.claims.issuer,
        "subject": info.claims.subject,
        "targets": info.targets,
        "native_target": native,
        "runs_here": info.targets.contains(&native),
        "wit": info.has_wit,
        "compressed": info.compressed,
    })
}

/// Reads archive `bytes` off the async threads.
pub async fn inspect(bytes: Vec<u8>, what: String) -> anyhow::Result<ArchiveInfo> {
    Ok(tokio::task::spawn_blocking(move || {
        par::inspect(&bytes, &what, par::MAX_PROVIDER_ARCHIVE_BYTES)
    })
    .await??)
}
