//! Any bytes given to `decode_component` give a model or an error, never a panic.
//! When a model comes back, its JSON and WIT text are produced too, and each
//! import is checked against each export (those paths run on decoded data).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(wit) = trellis_wit::decode_component(data) {
        let _ = wit.to_wit_text();
        assert!(!format!("{wit:?}").is_empty());
        for import in wit.imported_interfaces() {
            for export in wit.exported_interfaces() {
                let _ = trellis_wit::check_compatibility(import, export).to_string();
            }
        }
        let host = trellis_wit::HostCapabilities::trellis_default();
        let _ = trellis_wit::analyze_satisfaction(&wit, &host, &[]);
    }
});
