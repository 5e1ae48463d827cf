//! The integration tests of trellis-host: one binary, one module per area.
//!
//! Runtime tests (`runtime_*`) use real wasmtime, real components built from WAT + WIT
//! at test time and real HTTP over 127.0.0.1. Other areas add their `mod` line here.

mod ctl_config;
mod ctl_host;
mod ctl_links;
mod ctl_rpc;
mod ctl_stop_and_urls;
mod ctl_support;
mod ctl_workloads;
mod grant_policy;
mod issue11_http;
mod issue11_limits;
mod issue11_references;
mod provider_archives;
mod provider_binaries;
mod provider_door;
mod provider_start_links;
mod providers_host_internal;
mod providers_keyvalue;
mod providers_messaging;
mod providers_support;
mod reliability;
mod reliability_half_open;
mod reliability_nats;
mod runtime_examples;
mod runtime_gaps_errors;
mod runtime_gaps_grants;
mod runtime_gaps_http;
mod runtime_gaps_links;
mod runtime_http;
mod runtime_lifecycle;
mod runtime_links;
mod runtime_reload;
mod spy;
mod wrpc_blobstore;
mod wrpc_blobstore_guest;
mod wrpc_blobstore_interop;
mod wrpc_http;
mod wrpc_interop;
mod wrpc_links;
mod wrpc_messaging;

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::{ComponentSource, Runtime, RuntimeConfig};
use trellis_proto::Link;

/// A runtime with a short deadline and a private compile cache.
pub fn runtime(timeout: Duration) -> Runtime {
    let cache = std::env::temp_dir().join("trellis-host-tests-cache");
    Runtime::new(RuntimeConfig {
        host_id: "test-host".into(),
        invocation_timeout: timeout,
        cache_dir: Some(cache),
        ..RuntimeConfig::default()
    })
    .expect("runtime")
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `bytes` as `id` and serves it on a fresh loopback port; returns the port.
pub async fn serve(runtime: &Runtime, id: &str, bytes: Vec<u8>) -> anyhow::Result<u16> {
    runtime
        .start_component(
            id,
            ComponentSource::Bytes(bytes.into()),
            8,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await?;
    let port = free_port();
    link_http(runtime, id, port).await?;
    Ok(port)
}

/// Links a (new) http-server provider on `port` to component `id`.
pub async fn link_http(runtime: &Runtime, id: &str, port: u16) -> anyhow::Result<()> {
    let provider = format!("http-server-{id}");
    runtime
        .start_provider(
            &provider,
            "builtin://http-server",
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await?;
    let link = Link {
        source_id: provider,
        target: id.into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let config = BTreeMap::from([("address".to_string(), format!("127.0.0.1:{port}"))]);
    runtime.set_link(&link, config, BTreeMap::new()).await?;
    Ok(())
}

/// A plain HTTP/1.1 GET over loopback: (status, body). Fails on connect errors.
pub async fn get(port: u16, path: &str) -> anyhow::Result<(u16, String)> {
    trellis_testkit::http_get(port, "127.0.0.1", path).await
}
