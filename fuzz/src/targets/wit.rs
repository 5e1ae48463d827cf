//! `wit`: decoding a component's WIT from its bytes (`trellis_wit::decode_component`,
//! `top_level_names`), and what runs on a decoded model: its JSON and WIT text, the
//! compatibility check of each import against each export, and the satisfaction
//! analysis against the host's built-ins.
//!
//! Seeds are real components built by trellis-testkit's fixtures (HTTP, CLI,
//! messaging, key-value, the demo) plus a core module; mutations work on wasm
//! sections (dropped, duplicated, moved, renumbered, changed inside with the size
//! fixed), nested modules included.

use crate::engine::{mutate_wasm, signature, Rng, Target};

/// The WIT decoding target.
#[derive(Default)]
pub struct WitDecode;

impl Target for WitDecode {
    fn name(&self) -> &'static str {
        "wit"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        use trellis_testkit::fixtures;
        let built = [
            fixtures::http_hello(),
            fixtures::demo(),
            fixtures::cli_hello(),
            fixtures::messaging_echo(),
            fixtures::keyvalue_user(),
            fixtures::core_module(),
        ];
        let mut seeds: Vec<Vec<u8>> = built.into_iter().filter_map(Result::ok).collect();
        seeds.push(b"\0asm\x0d\0\x01\0".to_vec());
        seeds.push(b"\0asm\x01\0\0\0".to_vec());
        seeds
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        vec![
            b"\0asm".to_vec(),
            b"\x0d\0\x01\0".to_vec(),
            b"\x01\0\0\0".to_vec(),
            b"wasi:http/incoming-handler@0.2.0".to_vec(),
            b"component-type".to_vec(),
            b"\xff\xff\xff\xff\x0f".to_vec(),
        ]
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        mutate_wasm(input, rng)
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let names = trellis_wit::top_level_names(input);
        let wit = match trellis_wit::decode_component(input) {
            Ok(wit) => wit,
            Err(err) => {
                let text = err.to_string();
                let kind: String = text.split(' ').take(4).collect();
                return signature("error", &format!("{kind} {}", names.is_ok()));
            }
        };
        let text = wit.to_wit_text();
        let json = serde_json::to_string(&wit).map(|s| s.len()).unwrap_or(0);
        let mut pairs = 0usize;
        for import in wit.imported_interfaces() {
            for export in wit.exported_interfaces() {
                let _ = trellis_wit::check_compatibility(import, export).to_string();
                pairs += 1;
            }
        }
        let host = trellis_wit::HostCapabilities::trellis_default();
        let _ = trellis_wit::analyze_satisfaction(&wit, &host, &[]);
        // The counts go in the label: `signature` drops digits from the detail.
        let label = format!(
            "decoded {} {} {} {}",
            wit.imported_interfaces().count().min(9),
            wit.exported_interfaces().count().min(9),
            pairs.min(9),
            u8::from(!text.is_empty()) + u8::from(json > 0)
        );
        signature(&label, "")
    }
}
