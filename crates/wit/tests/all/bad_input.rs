//! Bad input: a clear error or a correct answer, never a panic.

use std::time::Instant;

use trellis_testkit::fixtures as testkit;
use trellis_wit::{decode_component, WitError};

#[test]
fn not_wasm() {
    let err = decode_component(b"#!/bin/sh\necho hi\n").unwrap_err();
    assert!(matches!(err, WitError::NotWasm), "{err}");
    assert!(err.to_string().contains("not a WebAssembly file"));
}

#[test]
fn core_module_says_how_to_wrap_it() {
    let err = decode_component(&testkit::core_module().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this is a core module, not a component; wrap it with `wasm-tools component new`"
    );
}

#[test]
fn truncated_prefixes_are_errors() {
    let bytes = testkit::http_hello().unwrap();
    let full = decode_component(&bytes).unwrap();
    // Every prefix up to 512 bytes, then a stride through the rest.
    let lengths: Vec<usize> = (0..bytes.len().min(512))
        .chain((512..bytes.len()).step_by(97))
        .collect();
    let mut decoded = 0;
    for &len in &lengths {
        // A cut on a section boundary is a smaller valid component (the bare
        // 8-byte header is an empty one); it must never pass for the whole.
        if let Ok(partial) = decode_component(&bytes[..len]) {
            assert_ne!(partial.exports, full.exports, "prefix of {len} bytes");
            decoded += 1;
        }
    }
    assert!(
        decoded * 20 < lengths.len(),
        "{decoded} of {} prefixes decoded",
        lengths.len()
    );
}

#[test]
fn mutated_components_never_panic() {
    let bytes = testkit::http_hello().unwrap();
    // A small xorshift so the run is the same every time.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..400 {
        let mut mutated = bytes.clone();
        for _ in 0..1 + next() % 4 {
            let at = 8 + (next() as usize) % (mutated.len() - 8);
            mutated[at] = next() as u8;
        }
        match decode_component(&mutated) {
            Ok(_) => ok += 1,
            Err(_) => errors += 1,
        }
    }
    assert_eq!(ok + errors, 400);
    assert!(errors > 0, "no mutation was caught");
}

/// Appends a custom section (id 0) named `name` with `payload`.
fn with_custom_section(mut bytes: Vec<u8>, name: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    leb(&mut body, name.len() as u64);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    bytes.push(0);
    leb(&mut bytes, body.len() as u64);
    bytes.extend_from_slice(&body);
    bytes
}

fn leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn unknown_custom_sections_are_ignored() {
    let bytes = testkit::http_hello().unwrap();
    let plain = decode_component(&bytes).unwrap();
    let extra = with_custom_section(bytes, "acme-unknown-section", b"\x01\x02garbage\xff");
    assert_eq!(decode_component(&extra).unwrap(), plain);
}

#[test]
fn fifty_megabyte_component_decodes() {
    let bytes = testkit::demo().unwrap();
    let plain = decode_component(&bytes).unwrap();
    let big = with_custom_section(bytes, "padding", &vec![0x5a; 50 * 1024 * 1024]);
    let started = Instant::now();
    assert_eq!(decode_component(&big).unwrap(), plain);
    eprintln!("50 MB component decoded in {:?}", started.elapsed());
}

#[test]
fn a_wit_package_is_not_a_component() {
    let mut resolve = wit_parser::Resolve::default();
    let pkg = resolve
        .push_str("p.wit", "package a:b; interface i { f: func(); }")
        .unwrap();
    let bytes = wit_component::encode(&resolve, pkg, false).unwrap();
    let err = decode_component(&bytes).unwrap_err();
    assert!(matches!(err, WitError::WitPackage), "{err}");
}
