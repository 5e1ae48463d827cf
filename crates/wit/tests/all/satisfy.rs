//! Satisfaction analysis of a real component against the default host and links.

use trellis_proto::Link;
use trellis_wit::{
    analyze_satisfaction, decode_component, HostCapabilities, ImportStatus, LinkTarget, SatisfiedBy,
};

use crate::fixtures;

fn link(name: &str, target: &str, package: (&str, &str), interfaces: &[&str]) -> Link {
    serde_json::from_value(serde_json::json!({
        "source_id": "app",
        "target": target,
        "name": name,
        "wit_namespace": package.0,
        "wit_package": package.1,
        "interfaces": interfaces,
    }))
    .unwrap()
}

fn status<'a>(all: &'a [ImportStatus], name: &str) -> &'a SatisfiedBy {
    &all.iter()
        .find(|s| s.import == name)
        .unwrap_or_else(|| panic!("no status for {name}: {all:?}"))
        .satisfied_by
}

#[test]
fn default_host_providers_are_parsed_with_functions() {
    let host = HostCapabilities::trellis_default();
    let kv = host.provider("keyvalue").unwrap();
    let store = &kv.exports[0];
    assert_eq!(store.name, "wasi:keyvalue/store@0.2.0-draft");
    assert!(store.function("open").is_some(), "{store:?}");
    // Parsed from WIT text, so doc comments are there.
    assert!(store
        .docs
        .as_deref()
        .unwrap()
        .contains("eventually consistent"));
    assert!(store.function("open").unwrap().docs.is_some());
    assert!(store.function("bucket.get").is_some());
    let messaging = host.provider("wasmcloud+builtin://messaging").unwrap();
    assert!(messaging.exports[0].function("publish").is_some());
    assert!(host.provider("blobstore").unwrap().exports[1]
        .function("container.get-data")
        .is_some());
}

#[test]
fn every_import_is_accounted_for() {
    let host = HostCapabilities::trellis_default();
    let app = decode_component(&fixtures::build(fixtures::SHAPES_WIT, "app").unwrap()).unwrap();
    let provider =
        decode_component(&fixtures::build(fixtures::SHAPES_WIT, "provider").unwrap()).unwrap();
    let links = [
        LinkTarget::provider(
            link(
                "default",
                "kv-1",
                ("wasi", "keyvalue"),
                &["store", "atomics"],
            ),
            host.provider("keyvalue").unwrap(),
        ),
        LinkTarget::component(
            link("default", "counter-1", ("acme", "shapes"), &["counter"]),
            &provider,
        ),
    ];
    let all = analyze_satisfaction(&app, &host, &links);
    assert_eq!(
        *status(&all, "wasi:cli/environment@0.2.12"),
        SatisfiedBy::Wasi
    );
    assert_eq!(
        *status(&all, "wasi:logging/logging@0.1.0-draft"),
        SatisfiedBy::HostInternal
    );
    assert_eq!(
        *status(&all, "wasi:keyvalue/store@0.2.0-draft"),
        SatisfiedBy::Provider {
            link: "default".into(),
            target: "kv-1".into()
        }
    );
    assert_eq!(
        *status(&all, "acme:shapes/counter@1.2.0"),
        SatisfiedBy::Component {
            link: "default".into(),
            target: "counter-1".into()
        }
    );
    let SatisfiedBy::Unsatisfied { reason } = status(&all, "wasi:blobstore/blobstore@0.2.0-draft")
    else {
        panic!("blobstore satisfied without a link")
    };
    assert_eq!(
        reason,
        "no link for wasi:blobstore/blobstore: link it to a provider or component that exports it"
    );
    let SatisfiedBy::Unsatisfied { reason } = status(&all, "log") else {
        panic!("a bare function was satisfied")
    };
    assert!(reason.contains("bare function"), "{reason}");
    // wasi:io/streams etc. come in through blobstore and are WASI.
    assert!(all
        .iter()
        .filter(|s| s.import.starts_with("wasi:io/"))
        .all(|s| s.satisfied_by == SatisfiedBy::Wasi));
}

#[test]
fn wrong_target_and_wasi_version_are_explained() {
    let host = HostCapabilities::trellis_default();
    let app = decode_component(&fixtures::build(fixtures::SHAPES_WIT, "app").unwrap()).unwrap();
    let links = [LinkTarget::provider(
        link("default", "blobs", ("wasi", "keyvalue"), &["store"]),
        host.provider("blobstore").unwrap(),
    )];
    let all = analyze_satisfaction(&app, &host, &links);
    let SatisfiedBy::Unsatisfied { reason } = status(&all, "wasi:keyvalue/store@0.2.0-draft")
    else {
        panic!("keyvalue satisfied by blobstore")
    };
    assert_eq!(
        reason,
        "link default to blobs: target does not export wasi:keyvalue/store"
    );
    let SatisfiedBy::Unsatisfied { reason } = status(&all, "wasi:keyvalue/atomics@0.2.0-draft")
    else {
        panic!("atomics satisfied")
    };
    assert!(reason.contains("cover only store"), "{reason}");

    let mut old_host = host.clone();
    for r in &mut old_host.wasi {
        r.version = Some(semver::Version::new(0, 3, 0));
    }
    let all = analyze_satisfaction(&app, &old_host, &[]);
    let SatisfiedBy::Unsatisfied { reason } = status(&all, "wasi:cli/environment@0.2.12") else {
        panic!("WASI 0.2 served by a 0.3 host")
    };
    assert_eq!(
        reason,
        "the host implements wasi:cli/environment@0.3.0, the import needs 0.2.12, and no link provides it"
    );
}

#[test]
fn builtin_providers_come_from_the_shared_list_with_what_they_call() {
    let host = HostCapabilities::trellis_default();
    let names: Vec<&str> = host.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "http-server",
            "http-client",
            "keyvalue",
            "blobstore",
            "messaging"
        ]
    );
    let calls = |name: &str| host.provider(name).unwrap().calls.clone();
    assert_eq!(calls("http-server"), ["wasi:http/incoming-handler"]);
    assert_eq!(calls("messaging"), ["wasmcloud:messaging/handler"]);
    assert!(calls("keyvalue").is_empty());
    assert_eq!(
        host.provider("builtin://keyvalue").unwrap().exports.len(),
        3
    );
}
