//! `refs`: component and provider references and interface names, as users and ctl
//! requests give them.
//!
//! Each input (as UTF-8, lossily) goes through `trellis_lattice::ops::component_ref`
//! (both path rules), `provider_ref` and `checked_id`, trellis-wit's built-in reference
//! parsing (`parse_builtin_reference`, `builtin_reference_name`,
//! `builtin_wire_reference`, `builtin_exporting`) and `InterfaceRef::parse` with its
//! methods, and the host's `ComponentSource::from_reference`. A few invariants are
//! checked: a wire reference of a built-in parses back to the same built-in, and an
//! `InterfaceRef` that parses accepts itself.

use trellis_lattice::ops::{self, PathRule};
use trellis_wit::InterfaceRef;

use crate::engine::{signature, Rng, Target};

const SEEDS: &[&str] = &[
    "builtin://http-server",
    "wasmcloud+builtin://keyvalue",
    "builtin://messaging",
    "keyvalue",
    "blobstore",
    "http-client",
    "nosuch",
    "ghcr.io/wasmcloud/http-server:0.27.0",
    "oci://ghcr.io/x/y:1",
    "file:///tmp/x.wasm",
    "file://localhost/tmp/a%20b.wasm",
    "file://%zz",
    "./hello.wasm",
    "/dev/zero",
    "/tmp",
    "",
    "wasi:http/incoming-handler@0.2.0",
    "wasi:keyvalue/store@0.2.0-draft",
    "wasi:io/streams",
    "wasmcloud:messaging/consumer@0.2.0",
    "a:b/c@1.2.3-rc.1+build",
    "component-id",
];

/// The reference target.
#[derive(Default)]
pub struct Refs;

impl Target for Refs {
    fn name(&self) -> &'static str {
        "refs"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        [
            "://",
            "builtin",
            "wasmcloud+",
            "file",
            "localhost",
            "%",
            "%2f",
            "%00",
            ":",
            "/",
            "@",
            "0.2.0",
            "-",
            "+",
            ".",
            "..",
            "*",
            ">",
            " ",
            "wasi",
            "http",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        // Splice two references, or swap one part of `ns:pkg/iface@ver`.
        let text = String::from_utf8_lossy(input).into_owned();
        let other = *rng.pick(SEEDS);
        Some(
            match rng.below(3) {
                0 => {
                    let cut = rng.below(text.len() + 1);
                    let cut = (0..=cut)
                        .rev()
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap_or(0);
                    format!(
                        "{}{}",
                        &text[..cut],
                        &other[rng.below(other.len() + 1).min(other.len())..]
                    )
                }
                1 => text.replacen(
                    ['/', ':', '@'],
                    rng.pick::<&str>(&["", "//", "::", "@@", "/@:"]),
                    1,
                ),
                _ => format!("{}{}", rng.pick(&["file://", "builtin://", " ", ""]), text),
            }
            .into_bytes(),
        )
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let text = String::from_utf8_lossy(input);
        let mut outcome = String::new();

        let component = ops::component_ref(&text, PathRule::RelativeToCurrentDir);
        let absolute = ops::component_ref(&text, PathRule::AbsoluteOnly);
        if let (Ok(a), Ok(b)) = (&component, &absolute) {
            assert_eq!(a, b, "the two path rules resolved {text:?} differently");
        }
        outcome.push_str(&format!("{}{}", component.is_ok(), absolute.is_ok()));
        let provider = ops::provider_ref(&text);
        outcome.push_str(&format!("{}", provider.is_ok()));
        if let Ok(wire) = &provider {
            if let Some(spec) = trellis_wit::parse_builtin_reference(&text) {
                let back = trellis_wit::parse_builtin_reference(wire)
                    .unwrap_or_else(|| panic!("wire reference {wire:?} is no built-in"));
                assert_eq!(back.name(), spec.name());
            }
        }
        outcome.push_str(&format!("{}", ops::checked_id("component", &text).is_ok()));

        let builtin = trellis_wit::parse_builtin_reference(&text);
        if let Some(spec) = builtin {
            let _ = (
                spec.summary(),
                spec.exports(),
                spec.calls(),
                spec.default_config(),
            );
            assert!(trellis_wit::parse_builtin_reference(&spec.reference()).is_some());
            assert!(trellis_wit::parse_builtin_reference(&spec.wire_reference()).is_some());
        }
        let name = trellis_wit::builtin_reference_name(&text);
        let _ = trellis_wit::builtin_wire_reference(&text);
        let _ = trellis_wit::builtin_exporting(&text);
        outcome.push_str(&format!("{}{}", builtin.is_some(), name.is_some()));

        match InterfaceRef::parse(&text) {
            Ok(interface) => {
                let _ = (interface.unversioned(), interface.version_text());
                assert!(interface.same_interface(&interface));
                assert!(
                    interface.accepts(&interface),
                    "{text:?} does not accept itself"
                );
                outcome.push_str(" iface");
            }
            // Error texts quote the input; only the first words name the kind.
            Err(err) => outcome.extend(err.to_string().split(' ').take(3)),
        }

        match trellis_host::ComponentSource::from_reference(&text) {
            Ok(source) => {
                let _ = source.image_ref();
                outcome.push_str(" source");
            }
            Err(err) => outcome.extend(err.to_string().split(' ').take(3)),
        }
        signature("refs", &outcome)
    }
}
