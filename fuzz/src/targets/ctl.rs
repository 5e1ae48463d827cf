//! `ctl`: ctl v1 request decoding, offline.
//!
//! An input is a subject tail (first line, e.g. `component.scale.NHOST`) and a body
//! (the rest). The host's `Command::parse` is private to trellis-host, so this target
//! mirrors its table to pick the operation and then runs, on the body, the same public
//! decoding each handler runs first: `trellis_proto::decode_request::<T>` with the
//! handler's type, `validate_config_name` and `parse_config_map` for `config.*`, and on
//! a decoded `component.scale` the reference and `component_limits` parsing
//! (`ComponentSource::from_reference`, `ComponentLimits::from_map`). Every decoded
//! request must also survive a re-encode and decode unchanged. The `ctl-live` target
//! sends the same inputs to a real host, through the real `Command::parse`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use trellis_proto as proto;

use crate::engine::{mutate_json, signature, Rng, Target};

/// The host id the seeds address.
pub const HOST_ID: &str = "NFUZZHOST";

/// Keys of the ctl request bodies, for JSON mutations.
pub const KEYS: &[&str] = &[
    "component_ref",
    "component_id",
    "new_component_ref",
    "count",
    "host_id",
    "config",
    "allow_update",
    "annotations",
    "component_limits",
    "provider_ref",
    "provider_id",
    "constraints",
    "timeout",
    "source_id",
    "target",
    "name",
    "wit_namespace",
    "wit_package",
    "interfaces",
    "source_config",
    "target_config",
    "key",
    "value",
    "trellis.dev/dirs",
    "trellis.dev/env",
    "trellis.dev/network",
    "trellis.dev/args",
    "max_memory_bytes",
    "max_execution_time_ms",
    "address",
];

/// String values worth trying.
pub const STRINGS: &[&str] = &[
    "",
    " ",
    "/dev/zero",
    "/tmp",
    "/",
    "file:///dev/null",
    "file://localhost/%2e%2e/%00",
    "file://%",
    "file://%zz%",
    "oci://ghcr.io/x/y:1",
    "builtin://http-server",
    "wasmcloud+builtin://keyvalue",
    "ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0",
    "wasi:http/incoming-handler@0.2.0",
    "wasi",
    "http",
    "incoming-handler",
    "default",
    "NFUZZHOST",
    "true",
    "/tmp:/guest:ro",
    "PATH,HOME=x",
    "[\"a\",\"b\"]",
    "0",
    "-1",
    "18446744073709551616",
    "a.b",
    "a*b",
    ">",
    "é\u{0}",
];

/// Valid requests, one per operation: (subject tail, body).
pub fn seed_requests() -> Vec<(String, String)> {
    let h = HOST_ID;
    vec![
        ("host.ping".into(), String::new()),
        (format!("host.get.{h}"), String::new()),
        ("claims.get".into(), String::new()),
        (
            "component.auction".into(),
            r#"{"component_ref":"file:///tmp/a.wasm","component_id":"a","constraints":{"zone":"x"}}"#.into(),
        ),
        (
            format!("component.scale.{h}"),
            format!(
                r#"{{"component_ref":"/nonexistent/hello.wasm","component_id":"hello","count":1,"host_id":"{h}","config":["web"],"allow_update":false,"annotations":{{"trellis.dev/dirs":"/tmp:/data:ro","trellis.dev/env":"PATH","trellis.dev/network":"true"}},"component_limits":{{"max_memory_bytes":"1048576","max_execution_time_ms":"100"}}}}"#
            ),
        ),
        (
            format!("component.update.{h}"),
            format!(
                r#"{{"component_id":"hello","new_component_ref":"/nonexistent/v2.wasm","host_id":"{h}","annotations":{{}}}}"#
            ),
        ),
        (
            "provider.auction".into(),
            r#"{"provider_ref":"builtin://keyvalue","provider_id":"kv","constraints":{}}"#.into(),
        ),
        (
            format!("provider.start.{h}"),
            format!(
                r#"{{"provider_id":"fuzz-kv","provider_ref":"nonexistent://keyvalue","host_id":"{h}","config":[],"annotations":{{}}}}"#
            ),
        ),
        (
            format!("provider.stop.{h}"),
            format!(r#"{{"provider_id":"fuzz-none","host_id":"{h}"}}"#),
        ),
        (
            "link.put".into(),
            r#"{"source_id":"fuzz-a","target":"fuzz-b","name":"default","wit_namespace":"wasi","wit_package":"keyvalue","interfaces":["store"],"source_config":[],"target_config":[]}"#.into(),
        ),
        (
            "link.del".into(),
            r#"{"source_id":"fuzz-a","name":"default","wit_namespace":"wasi","wit_package":"keyvalue"}"#.into(),
        ),
        ("link.get".into(), String::new()),
        ("config.put.fuzz".into(), r#"{"address":"127.0.0.1:1","a":"b"}"#.into()),
        ("config.get.fuzz".into(), String::new()),
        ("config.del.fuzz".into(), String::new()),
        (format!("label.put.{h}"), r#"{"key":"zone","value":"fuzz"}"#.into()),
        (format!("label.del.{h}"), r#"{"key":"zone"}"#.into()),
        (
            "registry.put".into(),
            r#"{"ghcr.io":{"username":"u","password":"p","registryType":"oci"}}"#.into(),
        ),
        (format!("host.stop.{h}"), r#"{"timeout":1000}"#.into()),
    ]
}

/// Splits an input into (subject tail, body) at the first newline.
pub fn split_input(input: &[u8]) -> (String, &[u8]) {
    let at = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let tail = String::from_utf8_lossy(&input[..at]).into_owned();
    let body = input.get(at + 1..).unwrap_or(&[]);
    (tail, body)
}

/// Joins a subject tail and a body into one input.
pub fn join_input(tail: &str, body: &[u8]) -> Vec<u8> {
    let mut input = tail.as_bytes().to_vec();
    input.push(b'\n');
    input.extend_from_slice(body);
    input
}

/// The structure-aware mutation both ctl targets share: the subject's tokens or the
/// JSON body.
pub fn mutate_request(input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let (tail, body) = split_input(input);
    if rng.one_in(4) {
        let mut tokens: Vec<String> = tail.split('.').map(str::to_owned).collect();
        let choices = [
            "host",
            "component",
            "provider",
            "link",
            "config",
            "label",
            "registry",
            "claims",
            "scale",
            "put",
            "get",
            "del",
            "ping",
            "",
            "*",
            ">",
            HOST_ID,
            "NOTHER",
        ];
        match rng.below(3) {
            0 if !tokens.is_empty() => {
                let i = rng.below(tokens.len());
                tokens[i] = rng.pick(&choices).to_string();
            }
            1 => tokens.push(rng.pick(&choices).to_string()),
            _ if !tokens.is_empty() => {
                tokens.remove(rng.below(tokens.len()));
            }
            _ => {}
        }
        return Some(join_input(&tokens.join("."), body));
    }
    let body = mutate_json(body, rng, KEYS, STRINGS)?;
    Some(join_input(&tail, &body))
}

/// The offline decoding target.
#[derive(Default)]
pub struct CtlDecode;

impl Target for CtlDecode {
    fn name(&self) -> &'static str {
        "ctl"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        seed_requests()
            .into_iter()
            .map(|(tail, body)| join_input(&tail, body.as_bytes()))
            .collect()
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        KEYS.iter()
            .chain(STRINGS)
            .map(|s| format!("\"{s}\"").into_bytes())
            .chain([b"{".to_vec(), b"}".to_vec(), b"[".to_vec(), b"]".to_vec()])
            .collect()
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        mutate_request(input, rng)
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let (tail, body) = split_input(input);
        decode(&tail, body)
    }
}

/// Decodes `body` as the operation `tail` names would; returns the outcome signature.
fn decode(tail: &str, body: &[u8]) -> u64 {
    let tokens: Vec<&str> = tail.split('.').collect();
    let ours = |id: &str| id == HOST_ID;
    match tokens.as_slice() {
        ["host", "ping"] | ["claims", "get"] | ["link", "get"] => signature(tail, ""),
        ["host", "get", id] if ours(id) => signature("host.get", ""),
        ["host", "stop", id] if ours(id) => {
            check::<proto::StopHostCommand>("host.stop", body, |_| String::new())
        }
        ["component", "auction"] => {
            check::<proto::ComponentAuctionRequest>("component.auction", body, |r| {
                let ok = proto::labels_satisfy(&Default::default(), &r.constraints);
                format!("{ok}")
            })
        }
        ["component", "scale", id] if ours(id) => {
            check::<proto::ScaleComponentCommand>("component.scale", body, |r| {
                let source = trellis_host::ComponentSource::from_reference(&r.component_ref)
                    .map(|s| s.image_ref());
                let limits = r
                    .component_limits
                    .as_ref()
                    .map(trellis_host::ComponentLimits::from_map);
                format!("{} {}", source.is_ok(), matches!(limits, Some(Ok(_))))
            })
        }
        ["component", "update", id] if ours(id) => {
            check::<proto::UpdateComponentCommand>("component.update", body, |r| {
                let source = trellis_host::ComponentSource::from_reference(&r.new_component_ref);
                format!("{}", source.is_ok())
            })
        }
        ["provider", "auction"] => {
            check::<proto::ProviderAuctionRequest>("provider.auction", body, |_| String::new())
        }
        ["provider", "start", id] if ours(id) => {
            check::<proto::StartProviderCommand>("provider.start", body, |r| {
                let builtin = trellis_wit::parse_builtin_reference(&r.provider_ref).is_some();
                format!("{builtin}")
            })
        }
        ["provider", "stop", id] if ours(id) => {
            check::<proto::StopProviderCommand>("provider.stop", body, |_| String::new())
        }
        ["link", "put"] => check::<proto::Link>("link.put", body, |_| String::new()),
        ["link", "del"] => check::<proto::DeleteLinkRequest>("link.del", body, |_| String::new()),
        ["config", verb, name @ ..] if !name.is_empty() => {
            let name = name.join(".");
            let valid = proto::validate_config_name(&name);
            let detail = match (*verb, &valid) {
                ("put", Ok(_)) => match proto::parse_config_map(body) {
                    Ok(map) => format!("{} keys", map.len().min(3)),
                    Err(err) => err.to_string(),
                },
                (_, Ok(_)) => "ok".into(),
                (_, Err(err)) => err.to_string(),
            };
            let verb = if ["put", "get", "del"].contains(verb) {
                verb
            } else {
                "other"
            };
            signature(&format!("config.{verb}"), &first_words(&detail))
        }
        ["label", "put", id] if ours(id) => {
            check::<proto::HostLabel>("label.put", body, |_| String::new())
        }
        ["label", "del", id] if ours(id) => {
            check::<proto::HostLabelKey>("label.del", body, |_| String::new())
        }
        ["registry", "put"] => {
            check::<proto::RegistryCredentials>("registry.put", body, |_| String::new())
        }
        _ => signature("unsupported", ""),
    }
}

/// Decodes `body` as `T` as the handler does; a decoded request is re-encoded and must
/// decode to the same JSON. `then` runs the handler's next parsing steps.
fn check<T: Serialize + DeserializeOwned>(
    what: &'static str,
    body: &[u8],
    then: impl FnOnce(&T) -> String,
) -> u64 {
    match proto::decode_request::<T>(what, body) {
        Ok(request) => {
            let once = serde_json::to_vec(&request).expect("a decoded request encodes");
            let again: T = proto::decode_request(what, &once)
                .unwrap_or_else(|err| panic!("{what}: our own encoding does not decode: {err}"));
            let twice = serde_json::to_vec(&again).expect("encodes");
            assert_eq!(
                String::from_utf8_lossy(&once),
                String::from_utf8_lossy(&twice),
                "{what}: a re-encoded request changed"
            );
            signature(what, &then(&request))
        }
        Err(err) => signature(what, &first_words(&err.to_string())),
    }
}

/// The first words of an error: its kind, without the input it quotes.
fn first_words(text: &str) -> String {
    text.split(' ').take(5).collect::<Vec<_>>().join(" ")
}
