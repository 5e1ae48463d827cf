//! The fuzz targets, one module each. See the crate docs for what each one reaches.

pub mod ctl;
pub mod ctl_live;
pub mod grants;
pub mod manifest;
pub mod refs;
pub mod wit;

use crate::engine::Target;

/// Every target's name, in the order the script runs them.
pub const NAMES: &[&str] = &["ctl", "ctl-live", "refs", "grants", "wit", "manifest"];

/// Builds the target called `name`; `Ok(None)` when there is none of that name.
pub fn by_name(name: &str) -> anyhow::Result<Option<Box<dyn Target>>> {
    Ok(Some(match name {
        "ctl" => Box::new(ctl::CtlDecode),
        "ctl-live" => Box::new(ctl_live::CtlLive::new()?),
        "refs" => Box::new(refs::Refs),
        "grants" => Box::new(grants::Grants::new()?),
        "wit" => Box::new(wit::WitDecode),
        "manifest" => Box::new(manifest::ManifestParse::new()?),
        _ => return Ok(None),
    }))
}
