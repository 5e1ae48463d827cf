//! `link put | del`, `config put | get | del`, `label put | del`.

use std::process::ExitCode;

use std::sync::Arc;

use trellis_lattice::ops::{self, LinkCheck};
use trellis_lattice::Client;
use trellis_proto::subject::DEFAULT_LINK_NAME;
use trellis_proto::{ConfigMap, DeleteLinkRequest, Link};
use trellis_wit::WitCache;

use super::output;
use crate::cmd::GlobalOpts;

/// `link put | del`.
#[derive(Debug, clap::Subcommand)]
pub enum LinkCommand {
    /// Link SOURCE's imports of NS:PKG/INTERFACE… to TARGET, after checking that the WIT
    /// of both ends fit (an incompatible link is refused with the reason; an end not
    /// running yet is noted and the link put).
    Put {
        /// Source component or provider id (e.g. the http-server provider).
        source: String,
        /// Target component or provider id.
        target: String,
        /// WIT namespace and package, e.g. wasi:http.
        #[arg(value_parser = parse_wit_package)]
        package: (String, String),
        /// Interface of the package (repeatable), e.g. incoming-handler.
        #[arg(long = "interface", required = true)]
        interfaces: Vec<String>,
        /// Link name.
        #[arg(long, default_value = DEFAULT_LINK_NAME)]
        name: String,
        /// Named config given to the source (repeatable).
        #[arg(long = "source-config", value_name = "NAME")]
        source_config: Vec<String>,
        /// Named config given to the target (repeatable).
        #[arg(long = "target-config", value_name = "NAME")]
        target_config: Vec<String>,
        /// Put the link even when the WIT of its two ends do not fit.
        #[arg(long)]
        force: bool,
    },
    /// Delete SOURCE's link for NS:PKG (and name).
    #[command(visible_alias = "delete")]
    Del {
        /// Source id.
        source: String,
        /// WIT namespace and package, e.g. wasi:http.
        #[arg(value_parser = parse_wit_package)]
        package: (String, String),
        /// Link name.
        #[arg(long, default_value = DEFAULT_LINK_NAME)]
        name: String,
    },
}

/// `config put | get | del`.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Create or replace a named config.
    Put {
        /// Config name.
        name: String,
        /// Values as KEY=VALUE.
        #[arg(required = true, value_parser = parse_key_value)]
        values: Vec<(String, String)>,
    },
    /// Print a named config.
    Get {
        /// Config name.
        name: String,
    },
    /// Delete a named config.
    #[command(visible_alias = "delete")]
    Del {
        /// Config name.
        name: String,
    },
}

/// `label put | del`.
#[derive(Debug, clap::Subcommand)]
pub enum LabelCommand {
    /// Set a label on a host.
    Put {
        /// Host id, prefix or friendly name.
        host: String,
        /// KEY=VALUE.
        #[arg(value_parser = parse_key_value)]
        label: (String, String),
    },
    /// Remove a label from a host.
    #[command(visible_alias = "delete")]
    Del {
        /// Host id, prefix or friendly name.
        host: String,
        /// Label key.
        key: String,
    },
}

/// Runs `link`.
pub async fn link(
    cmd: LinkCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let message = match cmd {
        LinkCommand::Put {
            source,
            target,
            package,
            interfaces,
            name,
            source_config,
            target_config,
            force,
        } => {
            let link = Link {
                source_id: source,
                target,
                name,
                wit_namespace: package.0,
                wit_package: package.1,
                interfaces,
                source_config,
                target_config,
            };
            link.validate()?;
            let snapshot = ops::lattice_snapshot(client).await?;
            let cache = Arc::new(WitCache::default());
            let put = ops::put_link(client, &snapshot, &cache, &link, force).await?;
            match put.check {
                LinkCheck::Compatible => {}
                LinkCheck::Unchecked { note } => eprintln!("note: {note}"),
                LinkCheck::Forced { reason } => {
                    eprintln!("warning: put with --force although {reason}")
                }
            }
            put.message
        }
        LinkCommand::Del {
            source,
            package,
            name,
        } => {
            let request = DeleteLinkRequest {
                source_id: source,
                name,
                wit_namespace: package.0,
                wit_package: package.1,
            };
            client.link_del(&request).await?
        }
    };
    ack(global, message, "done")
}

/// Runs `config`.
pub async fn config(
    cmd: ConfigCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    match cmd {
        ConfigCommand::Put { name, values } => {
            let map: ConfigMap = values.into_iter().collect();
            let message = client.config_put(&name, &map).await?;
            ack(global, message, "config saved")
        }
        ConfigCommand::Get { name } => {
            super::get::run(super::get::GetCommand::Config { name }, client, global).await
        }
        ConfigCommand::Del { name } => {
            let message = client.config_del(&name).await?;
            ack(global, message, "config deleted")
        }
    }
}

/// Runs `label`.
pub async fn label(
    cmd: LabelCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let message = match cmd {
        LabelCommand::Put { host, label } => {
            ops::put_label(client, &host, &label.0, &label.1).await?
        }
        LabelCommand::Del { host, key } => ops::delete_label(client, &host, &key).await?,
    };
    ack(global, message, "done")
}

/// Prints the host's acknowledgement (or `fallback` when its message is empty).
fn ack(global: &GlobalOpts, message: String, fallback: &str) -> anyhow::Result<ExitCode> {
    if global.json {
        output::json(&serde_json::json!({ "success": true, "message": message }))?;
    } else if message.is_empty() {
        output::write_line(fallback)?;
    } else {
        output::write_line(&message)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `KEY=VALUE` with a non-empty key.
pub fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

/// `namespace:package`, e.g. `wasi:http` (a version or interface suffix is refused).
fn parse_wit_package(text: &str) -> Result<(String, String), String> {
    let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    match text.split_once(':') {
        Some((ns, pkg)) if ok(ns) && ok(pkg) => Ok((ns.to_owned(), pkg.to_owned())),
        _ => Err(format!(
            "expected NAMESPACE:PACKAGE such as wasi:http, got {text:?} (interfaces go in --interface)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_name_the_bad_input() {
        assert_eq!(
            parse_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_key_value("=x").unwrap_err().contains("\"=x\""));
        assert!(parse_key_value("novalue").is_err());
        assert_eq!(
            parse_wit_package("wasi:http").unwrap(),
            ("wasi".into(), "http".into())
        );
        assert!(parse_wit_package("wasi:http/incoming-handler")
            .unwrap_err()
            .contains("--interface"));
        assert!(parse_wit_package("http").is_err());
    }
}
