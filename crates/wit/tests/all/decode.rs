//! Decoding real components into the model and WIT text.

use trellis_testkit::fixtures as testkit;
use trellis_wit::{decode_component, decode_file, FunctionKind, TypeKind, WorldEntry};

use crate::fixtures;

#[test]
fn demo_world_functions_have_named_typed_params() {
    let wit = decode_component(&testkit::demo().unwrap()).unwrap();
    assert_eq!(wit.world, "root");
    let log = match &wit.imports[..] {
        [WorldEntry::Function(f)] => f,
        other => panic!("unexpected imports {other:?}"),
    };
    assert_eq!(log.signature(), "func(msg: string)");
    let names: Vec<_> = wit.exports.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["add", "greet"]);
    let WorldEntry::Function(add) = &wit.exports[0] else {
        panic!("add is not a function")
    };
    assert_eq!(add.signature(), "func(a: u32, b: u32) -> u32");
    assert!(wit
        .to_wit_text()
        .contains("export greet: func(name: string) -> string;"));
}

#[test]
fn http_hello_lists_wasi_http_with_resources() {
    let wit = decode_component(&testkit::http_hello().unwrap()).unwrap();
    let export = wit.exported_interfaces().next().unwrap();
    assert_eq!(export.name, "wasi:http/incoming-handler@0.2.12");
    let reference = export.reference.as_ref().unwrap();
    assert_eq!(
        (reference.namespace.as_str(), reference.package.as_str()),
        ("wasi", "http")
    );
    assert_eq!(
        export.function("handle").unwrap().signature(),
        "func(request: incoming-request, response-out: response-outparam)"
    );
    let types = wit
        .imported_interfaces()
        .find(|i| i.name == "wasi:http/types@0.2.12")
        .unwrap();
    let method = types.function("incoming-request.path-with-query").unwrap();
    assert_eq!(method.kind, FunctionKind::Method);
    assert_eq!(method.result.as_deref(), Some("option<string>"));
    assert!(method.params.is_empty(), "self is implicit: {method:?}");
    let set = types.function("response-outparam.set").unwrap();
    assert_eq!(set.kind, FunctionKind::Static);
    assert_eq!(set.params[1].ty, "result<outgoing-response, error-code>");
}

#[test]
fn custom_types_resources_and_docs() {
    let bytes = fixtures::build(fixtures::SHAPES_WIT, "app").unwrap();
    let wit = decode_component(&bytes).unwrap();
    let types = wit
        .imported_interfaces()
        .find(|i| i.name == "acme:shapes/types@1.2.0")
        .unwrap();
    // Encoded components carry no doc comments (only WIT packages do); the
    // vendored provider WIT checks docs (satisfy.rs).
    let point = types.type_def("point").unwrap();
    let TypeKind::Record { fields } = &point.def else {
        panic!("point: {point:?}")
    };
    assert_eq!(fields[0].name, "x");
    assert_eq!(fields[0].ty, "s32");
    let TypeKind::Variant { cases } = &types.type_def("shape").unwrap().def else {
        panic!("shape")
    };
    assert_eq!(cases[1].ty.as_deref(), Some("point"));
    assert!(cases[2].ty.is_none());
    assert!(matches!(
        types.type_def("color").unwrap().def,
        TypeKind::Enum { .. }
    ));
    assert!(matches!(
        types.type_def("perms").unwrap().def,
        TypeKind::Flags { .. }
    ));
    assert_eq!(
        types.type_def("points").unwrap().def,
        TypeKind::Alias {
            target: "list<point>".into()
        }
    );
    let TypeKind::Resource { methods } = &types.type_def("canvas").unwrap().def else {
        panic!("canvas")
    };
    let sigs: Vec<_> = methods
        .iter()
        .map(|m| format!("{}: {}", m.name, m.signature()))
        .collect();
    assert_eq!(
        sigs,
        [
            "constructor: constructor(name: string)",
            "draw: func(s: shape, c: color) -> result<u32, string>",
            "open: static func(name: string) -> option<canvas>",
        ]
    );

    let counter = wit
        .imported_interfaces()
        .find(|i| i.name == "acme:shapes/counter@1.2.0")
        .unwrap();
    assert_eq!(
        counter.function("get").unwrap().signature(),
        "func(key: string) -> option<tuple<u64, point>>"
    );
    assert_eq!(
        counter.type_def("point").unwrap().def,
        TypeKind::Use {
            from: "acme:shapes/types@1.2.0".into(),
            original: "point".into()
        }
    );
    // Bare functions on both sides, interface exports too.
    assert!(wit
        .imports
        .iter()
        .any(|e| matches!(e, WorldEntry::Function(f) if f.name == "log")));
    assert!(wit.exports.iter().any(|e| e.name() == "run"));
    assert!(wit
        .exports
        .iter()
        .any(|e| e.name() == "wasi:cli/run@0.2.12"));
}

#[test]
fn wit_text_is_valid_wit() {
    for bytes in [
        testkit::demo().unwrap(),
        testkit::http_hello().unwrap(),
        fixtures::build(fixtures::SHAPES_WIT, "app").unwrap(),
    ] {
        let wit = decode_component(&bytes).unwrap();
        let mut resolve = wit_parser::Resolve::default();
        resolve
            .push_str("printed.wit", wit.to_wit_text())
            .unwrap_or_else(|e| panic!("invalid WIT: {e:#}\n{}", wit.to_wit_text()));
    }
}

#[test]
fn json_shape_round_trips_and_is_stable() {
    let wit = decode_component(&testkit::demo().unwrap()).unwrap();
    let json = serde_json::to_value(&wit).unwrap();
    assert_eq!(json["world"], "root");
    assert_eq!(json["imports"][0]["item"], "function");
    assert_eq!(json["imports"][0]["kind"], "freestanding");
    assert_eq!(json["imports"][0]["params"][0]["name"], "msg");
    assert_eq!(json["imports"][0]["params"][0]["type"], "string");
    assert_eq!(json["exports"][0]["result"], "u32");
    let back: trellis_wit::ComponentWit = serde_json::from_value(json).unwrap();
    assert_eq!(back, wit);

    let http = decode_component(&testkit::http_hello().unwrap()).unwrap();
    let json = serde_json::to_value(&http).unwrap();
    assert_eq!(json["exports"][0]["item"], "interface");
    assert_eq!(json["exports"][0]["ref"]["version"], "0.2.12");
    let back: trellis_wit::ComponentWit = serde_json::from_value(json).unwrap();
    assert_eq!(back, http);
}

#[test]
fn decode_file_reads_and_names_missing_files() {
    let dir = tempfile_dir();
    let path = dir.join("demo.wasm");
    std::fs::write(&path, testkit::demo().unwrap()).unwrap();
    assert_eq!(decode_file(&path).unwrap().exports.len(), 2);
    let missing = dir.join("nope.wasm");
    let err = decode_file(&missing).unwrap_err().to_string();
    assert!(err.contains("nope.wasm"), "{err}");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("trellis-wit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn top_level_names_match_the_full_decode_without_reading_nested_code() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut components = vec![
        (
            "messaging_echo".to_owned(),
            testkit::messaging_echo().unwrap(),
        ),
        ("http_hello".to_owned(), testkit::http_hello().unwrap()),
        ("demo".to_owned(), testkit::demo().unwrap()),
    ];
    for file in ["py-counter/py-counter.wasm", "zig-hello/zig-hello.wasm"] {
        components.push((file.to_owned(), std::fs::read(examples.join(file)).unwrap()));
    }
    for (name, bytes) in components {
        let (imports, exports) = trellis_wit::top_level_names(&bytes).unwrap();
        let wit = decode_component(&bytes).unwrap();
        let full = |entries: &[WorldEntry]| -> Vec<String> {
            entries.iter().map(|e| e.name().to_owned()).collect()
        };
        assert_eq!(imports, full(&wit.imports), "imports of {name}");
        assert_eq!(exports, full(&wit.exports), "exports of {name}");
    }
    let (imports, exports) =
        trellis_wit::top_level_names(&testkit::messaging_echo().unwrap()).unwrap();
    assert_eq!(
        imports,
        [
            "wasmcloud:messaging/types@0.2.0",
            "wasmcloud:messaging/consumer@0.2.0"
        ]
    );
    assert_eq!(exports, ["wasmcloud:messaging/handler@0.2.0"]);

    let core = testkit::core_module().unwrap();
    let err = trellis_wit::top_level_names(&core).unwrap_err().to_string();
    assert!(err.contains("core module"), "{err}");
    let truncated = &testkit::http_hello().unwrap()[..200];
    assert!(trellis_wit::top_level_names(truncated).is_err());
}
