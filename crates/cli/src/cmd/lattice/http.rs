//! `trellis http COMPONENT [PATH]`: one HTTP request to a component through its
//! http-server link, as the app's HTTP tab sends it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use trellis_lattice::ops::{self, BodyEncoding, HttpHeader, HttpRequest};
use trellis_lattice::Client;

/// `trellis http` arguments.
#[derive(Debug, clap::Args)]
pub struct HttpArgs {
    /// The running component's id (the target of an http-server link).
    component: String,
    /// The path and query to request.
    #[arg(default_value = "/")]
    path: String,
    /// The method.
    #[arg(short = 'X', long, default_value = "GET")]
    method: String,
    /// A header as `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The request body.
    #[arg(short = 'd', long, conflicts_with = "data_file")]
    data: Option<String>,
    /// The request body, read from this file.
    #[arg(long, value_name = "FILE")]
    data_file: Option<PathBuf>,
    /// How long to wait for the whole exchange, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    timeout_ms: u64,
}

/// Prints the status line, the headers, a blank line and the body, then the time on
/// stderr (`--json`: the whole reply). Exits 0 whatever the status, as curl does.
pub async fn run(
    args: HttpArgs,
    client: &Client,
    global: &crate::cmd::GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let body = match (&args.data, &args.data_file) {
        (Some(data), _) => data.clone().into_bytes(),
        (None, Some(file)) => std::fs::read(file)
            .with_context(|| format!("cannot read the body file {}", file.display()))?,
        (None, None) => Vec::new(),
    };
    let headers = args
        .headers
        .iter()
        .map(|line| parse_header(line))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let request = HttpRequest {
        method: args.method,
        path: args.path,
        headers,
        body,
    };
    let reply = ops::send_http(
        client,
        &args.component,
        &request,
        Duration::from_millis(args.timeout_ms),
    )
    .await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&reply)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("HTTP/1.1 {} {}", reply.status, reply.reason);
    for header in &reply.headers {
        println!("{}: {}", header.name, header.value);
    }
    println!();
    match reply.encoding {
        BodyEncoding::Text => print!("{}", reply.body),
        BodyEncoding::Base64 => println!(
            "({} bytes that are not UTF-8; --json gives them as base64)",
            reply.body_bytes
        ),
    }
    if reply.encoding == BodyEncoding::Text && !reply.body.is_empty() && !reply.body.ends_with('\n')
    {
        println!();
    }
    if reply.truncated {
        eprintln!(
            "(body cut at {} bytes; the rest was not read)",
            reply.body_bytes
        );
    }
    eprintln!(
        "({:.1} ms, {} via http-server {})",
        reply.elapsed_ms, reply.url, reply.provider_id
    );
    Ok(ExitCode::SUCCESS)
}

/// `Name: value` → a header; the name must be there and the colon too.
fn parse_header(line: &str) -> anyhow::Result<HttpHeader> {
    let (name, value) = line
        .split_once(':')
        .filter(|(name, _)| !name.trim().is_empty())
        .with_context(|| format!("header {line:?} is not `Name: value`"))?;
    Ok(HttpHeader {
        name: name.trim().to_owned(),
        value: value.trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_name_colon_value() {
        let header = parse_header("Content-Type: text/plain; a=b:c").unwrap();
        assert_eq!(header.name, "Content-Type");
        assert_eq!(header.value, "text/plain; a=b:c");
        for bad in ["no colon", ": empty name"] {
            let err = parse_header(bad).unwrap_err().to_string();
            assert!(err.contains(bad) && err.contains("Name: value"), "{err}");
        }
    }
}
