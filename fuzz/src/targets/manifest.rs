//! `manifest`: OAM application manifests as `trellis app validate|put|deploy` and the
//! app read them, through `trellis_wadm::parse_manifest` (YAML syntax, the `Manifest`
//! shape, wadm-types' validation rules and Trellis' trait check).
//!
//! Checked besides "no panic": every error names the source it was given, and a line
//! number in an error or a problem points inside the text (or just past its end).

use crate::engine::{signature, Rng, Target};

const SEEDS: &[&str] = &[
    "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: hello
  annotations:
    version: v1
spec:
  components:
    - name: web
      type: component
      properties:
        image: file:///tmp/web.wasm
      traits:
        - type: spreadscaler
          properties:
            instances: 2
    - name: http
      type: capability
      properties:
        image: wasmcloud+builtin://http-server
      traits:
        - type: link
          properties:
            target: web
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            source:
              config:
                - name: web-address
                  properties:
                    address: 127.0.0.1:8080
",
    "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: daemon
spec:
  policies:
    - name: vault
      type: policy.secret.wasmcloud.dev/v1alpha1
      properties:
        backend: vault
  components:
    - name: kv
      type: capability
      properties:
        image: ghcr.io/wasmcloud/keyvalue-redis:0.28.1
        config:
          - name: redis
            properties:
              url: redis://127.0.0.1
      traits:
        - type: daemonscaler
          properties:
            instances: 1
            spread:
              - name: east
                requirements:
                  zone: east
                weight: 80
",
    r#"{"apiVersion":"core.oam.dev/v1beta1","kind":"Application","metadata":{"name":"j","annotations":{"version":"v2"}},"spec":{"components":[{"name":"c","type":"component","properties":{"image":"file:///c.wasm"}}]}}"#,
    "kind: Application\nmetadata: {}\n",
    "",
];

/// The manifest target.
pub struct ManifestParse {
    tokio: tokio::runtime::Runtime,
}

impl ManifestParse {
    /// A current-thread runtime for the (async) validation.
    pub fn new() -> anyhow::Result<ManifestParse> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(ManifestParse { tokio })
    }
}

impl Target for ManifestParse {
    fn name(&self) -> &'static str {
        "manifest"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        [
            "\n",
            "  ",
            "- ",
            ": ",
            "[",
            "]",
            "{",
            "}",
            "'",
            "\"",
            "&a",
            "*a",
            "!!str",
            "~",
            "name",
            "type",
            "image",
            "traits",
            "properties",
            "target",
            "spreadscaler",
            "daemonscaler",
            "link",
            "component",
            "capability",
            "instances",
            "-1",
            "4294967296",
            "wasi",
            "keyvalue",
            "interfaces",
            "config",
            "secrets",
            "version",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        // Line-level edits keep most of the YAML structure: drop, repeat, re-indent or
        // swap in a line of another seed.
        let text = String::from_utf8_lossy(input).into_owned();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.is_empty() {
            return None;
        }
        let at = rng.below(lines.len());
        match rng.below(4) {
            0 => {
                lines.remove(at);
            }
            1 => {
                let line = lines[at].clone();
                lines.insert(at, line);
            }
            2 => {
                let line = lines[at].trim_start().to_owned();
                let indent = " ".repeat(rng.below(12));
                lines[at] = format!("{indent}{line}");
            }
            _ => {
                let donor: Vec<&str> = rng.pick(SEEDS).lines().collect();
                if let Some(line) = donor.get(rng.below(donor.len().max(1))) {
                    lines[at] = (*line).to_owned();
                }
            }
        }
        Some((lines.join("\n") + "\n").into_bytes())
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let text = String::from_utf8_lossy(input);
        // Lines as YAML counts them (CR, LF, CRLF, NEL, LS, PS break a line); libyaml
        // reports the end of the stream on the line after the last break.
        let breaks = text
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
            .count();
        let line_count = breaks + 2;
        let outcome = self
            .tokio
            .block_on(trellis_wadm::parse_manifest(&text, "fuzz.yaml"));
        let kind = match outcome {
            Ok(loaded) => {
                let _ = serde_json::to_string(&loaded.manifest);
                for warning in &loaded.warnings {
                    assert!(warning.line.is_none_or(|l| l <= line_count), "{warning}");
                }
                format!("ok {}", loaded.warnings.len())
            }
            Err(err) => {
                let shown = err.to_string();
                assert!(
                    shown.starts_with("fuzz.yaml"),
                    "the error names no source: {shown}"
                );
                match &err {
                    trellis_wadm::ManifestError::Parse { line, .. } => {
                        assert!(line.is_none_or(|l| l <= line_count), "{shown}");
                        "parse".to_owned()
                    }
                    trellis_wadm::ManifestError::Invalid { problems, .. } => {
                        for problem in problems {
                            assert!(problem.line.is_none_or(|l| l <= line_count), "{shown}");
                        }
                        // The first words of wadm's first message name the rule.
                        let first = problems.first().map(|p| p.message.as_str()).unwrap_or("");
                        format!(
                            "invalid {}",
                            first.split(' ').take(3).collect::<Vec<_>>().join(" ")
                        )
                    }
                    _ => "other".to_owned(),
                }
            }
        };
        signature("manifest", &kind)
    }
}
