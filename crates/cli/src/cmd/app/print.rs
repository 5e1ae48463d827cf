//! Tables and lines for `trellis app`.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use trellis_wadm::apps::status_word;
use trellis_wadm::manifest::Problem;
use trellis_wadm::types::api::{ModelSummary, Status, VersionInfo};

/// Pretty JSON on stdout.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// wadm's validation warnings, on stderr.
pub fn warnings(warnings: &[Problem]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    table
}

/// `app list`.
pub fn list(list: &[ModelSummary]) {
    if list.is_empty() {
        println!("no applications");
        return;
    }
    let mut table = table(&["NAME", "LATEST", "DEPLOYED", "STATUS", "MESSAGE"]);
    for app in list.iter().map(trellis_wadm::AppSummary::from) {
        table.add_row(vec![
            app.name,
            app.latest_version,
            app.deployed_version.unwrap_or_else(|| "-".into()),
            app.status,
            app.message,
        ]);
    }
    println!("{table}");
}

/// `app status`.
pub fn status(name: &str, status: &Status) {
    let word = status_word(&status.info.status_type);
    match status.info.message.as_str() {
        "" => println!("{name}: {word}"),
        message => println!("{name}: {word}: {message}"),
    }
    if status.scalers.is_empty() {
        return;
    }
    let mut table = table(&["KIND", "NAME", "STATUS", "MESSAGE"]);
    for scaler in &status.scalers {
        table.add_row(vec![
            scaler.kind.clone(),
            scaler.name.clone(),
            status_word(&scaler.info.status_type).to_owned(),
            scaler.info.message.clone(),
        ]);
    }
    println!("{table}");
}

/// `app history`.
pub fn history(versions: &[VersionInfo]) {
    let mut table = table(&["VERSION", "DEPLOYED"]);
    for version in versions {
        table.add_row(vec![
            version.version.clone(),
            if version.deployed { "yes" } else { "" }.to_owned(),
        ]);
    }
    println!("{table}");
}
