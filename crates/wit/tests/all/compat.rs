//! Compatibility of real components' imports and exports.

use trellis_wit::{check_compatibility, check_link, decode_component, ComponentWit, InterfaceDef};

use crate::fixtures;

fn decode(wit: &str, world: &str) -> ComponentWit {
    decode_component(&fixtures::build(wit, world).unwrap()).unwrap()
}

fn import<'a>(c: &'a ComponentWit, name: &str) -> &'a InterfaceDef {
    c.imported_interfaces()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no import {name}"))
}

fn exports(c: &ComponentWit) -> Vec<InterfaceDef> {
    c.exported_interfaces().cloned().collect()
}

#[test]
fn same_package_is_compatible() {
    let app = decode(fixtures::SHAPES_WIT, "app");
    let provider = decode(fixtures::SHAPES_WIT, "provider");
    let counter = import(&app, "acme:shapes/counter@1.2.0");
    assert!(check_link(counter, &exports(&provider)).is_compatible());
}

#[test]
fn patch_and_minor_versions_on_one_track_are_compatible() {
    let app = decode(&fixtures::shapes_at("0.2.9"), "app");
    let provider = decode(&fixtures::shapes_at("0.2.12"), "provider");
    let counter = import(&app, "acme:shapes/counter@0.2.9");
    assert!(check_link(counter, &exports(&provider)).is_compatible());

    let provider = decode(&fixtures::shapes_at("1.9.0"), "provider");
    let app = decode(fixtures::SHAPES_WIT, "app");
    let counter = import(&app, "acme:shapes/counter@1.2.0");
    assert!(check_link(counter, &exports(&provider)).is_compatible());
}

#[test]
fn version_skew_is_refused_with_both_versions() {
    let app = decode(fixtures::SHAPES_WIT, "app");
    let provider = decode(&fixtures::shapes_at("2.0.0"), "provider");
    let verdict = check_link(
        import(&app, "acme:shapes/counter@1.2.0"),
        &exports(&provider),
    );
    assert_eq!(verdict.reasons()[0].kind(), "version-mismatch");
    assert_eq!(
        verdict.to_string(),
        "target exports acme:shapes/counter@2.0.0, the import needs 1.2.0"
    );
}

#[test]
fn signature_mismatch_names_the_parameter() {
    let app = decode(fixtures::SHAPES_WIT, "app");
    let provider = decode(fixtures::SKEWED_SIGNATURE_WIT, "provider");
    let verdict = check_link(
        import(&app, "acme:shapes/counter@1.2.0"),
        &exports(&provider),
    );
    assert_eq!(
        verdict.to_string(),
        "function increment: parameter key is string here, u32 in the target"
    );
    assert_eq!(verdict.reasons()[0].kind(), "signature-mismatch");
}

#[test]
fn missing_interface_is_not_exported() {
    let app = decode(fixtures::SHAPES_WIT, "app");
    let provider = decode(fixtures::SHAPES_WIT, "provider");
    let verdict = check_link(
        import(&app, "wasi:keyvalue/store@0.2.0-draft"),
        &exports(&provider),
    );
    assert_eq!(
        verdict.to_string(),
        "target does not export wasi:keyvalue/store"
    );
}

#[test]
fn pair_check_names_other_interface() {
    let app = decode(fixtures::SHAPES_WIT, "app");
    let provider = decode(fixtures::SHAPES_WIT, "provider");
    let verdict = check_compatibility(
        import(&app, "wasi:keyvalue/store@0.2.0-draft"),
        &exports(&provider)[0],
    );
    assert_eq!(
        verdict.to_string(),
        "target exports acme:shapes/counter@1.2.0, the import needs wasi:keyvalue/store"
    );
}

#[test]
fn keyvalue_import_against_blobstore_provider_is_refused() {
    let host = trellis_wit::HostCapabilities::trellis_default();
    let app = decode(fixtures::SHAPES_WIT, "app");
    let kv = import(&app, "wasi:keyvalue/store@0.2.0-draft");
    let blobstore = host.provider("builtin://blobstore").unwrap();
    let verdict = check_link(kv, &blobstore.exports);
    assert_eq!(verdict.reasons()[0].kind(), "not-exported");
    let keyvalue = host.provider("keyvalue").unwrap();
    assert!(check_link(kv, &keyvalue.exports).is_compatible());
    let atomics = import(&app, "wasi:keyvalue/atomics@0.2.0-draft");
    assert!(check_link(atomics, &keyvalue.exports).is_compatible());
}
