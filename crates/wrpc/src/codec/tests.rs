use bytes::BytesMut;
use tokio_util::codec::{Decoder as _, Encoder as _};
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Type, Val};
use wasmtime::Engine;

use super::{carriable, encode_values, ValuesDecoder};

const WIT: &str = r#"
package test:codec;

interface all {
  record point { x: s32, label: string }
  variant shape { circle(f64), named(string), empty }
  enum color { red, green, blue }
  flags perms { a, b, c, d, e, f, g, h, i }
  resource handle;

  everything: func(p: point, s: list<shape>, c: color, f: perms, o: option<u8>,
                   r: result<u64, string>, ch: char, neg: s64, t: tuple<bool, f32>,
                   bytes: list<u8>);
  typed: func(a: string, b: list<u32>, c: option<u8>, d: result<u64, string>, e: bool,
              f: char, g: f64, h: s16);
  uses-handle: func(h: borrow<handle>);
  nested-handle: func(h: option<list<handle>>);
}

world w {
  import all;
}
"#;

/// The parameter types of `all.<func>`, read from a real component built from [`WIT`].
fn params_of(func: &str) -> Vec<Type> {
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_str("codec.wit", WIT).unwrap();
    let world = resolve.select_world(&[package], Some("w")).unwrap();
    let mut module = wit_component::dummy_module(
        &resolve,
        world,
        wit_parser::ManglingAndAbi::Legacy(wit_parser::LiftLowerAbi::Sync),
    );
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .unwrap();
    let bytes = wit_component::ComponentEncoder::default()
        .module(&module)
        .unwrap()
        .encode()
        .unwrap();
    let engine = Engine::default();
    let component = Component::new(&engine, bytes).unwrap();
    for (name, item) in component.component_type().imports(&engine) {
        let ComponentItem::ComponentInstance(instance) = item.ty else {
            continue;
        };
        assert_eq!(name, "test:codec/all");
        for (export, item) in instance.exports(&engine) {
            if let (true, ComponentItem::ComponentFunc(f)) = (export == func, item.ty) {
                return f.params().map(|(_, ty)| ty).collect();
            }
        }
    }
    panic!("no function {func}");
}

fn rich_values() -> Vec<Val> {
    vec![
        Val::Record(vec![
            ("x".into(), Val::S32(-7)),
            ("label".into(), Val::String("héllo".into())),
        ]),
        Val::List(vec![
            Val::Variant("circle".into(), Some(Box::new(Val::Float64(1.5)))),
            Val::Variant("named".into(), Some(Box::new(Val::String("sq".into())))),
            Val::Variant("empty".into(), None),
        ]),
        Val::Enum("blue".into()),
        Val::Flags(vec!["a".into(), "i".into()]),
        Val::Option(Some(Box::new(Val::U8(255)))),
        Val::Result(Err(Some(Box::new(Val::String("nope".into()))))),
        Val::Char('λ'),
        Val::S64(i64::MIN),
        Val::Tuple(vec![Val::Bool(true), Val::Float32(-0.25)]),
        Val::List((0..=255u8).map(Val::U8).collect()),
    ]
}

fn decode_all(types: Vec<Type>, bytes: &[u8]) -> Vec<Val> {
    let mut src = BytesMut::from(bytes);
    let values = ValuesDecoder::new(types).decode(&mut src).unwrap().unwrap();
    assert!(src.is_empty(), "{} bytes left over", src.len());
    values
}

#[test]
fn every_kind_of_value_survives_a_round_trip() {
    let types = params_of("everything");
    let values = rich_values();
    let mut bytes = BytesMut::new();
    encode_values(&types, &values, &mut bytes).unwrap();
    assert_eq!(decode_all(types, &bytes), values);
}

#[test]
fn bytes_match_wrpc_transports_own_typed_encoding() {
    type Typed = (
        String,
        Vec<u32>,
        Option<u8>,
        Result<u64, String>,
        bool,
        char,
        f64,
        i16,
    );
    let typed: Typed = (
        "wire".into(),
        vec![0, 127, 128, 300_000],
        None,
        Ok(1 << 40),
        true,
        '€',
        -2.5,
        -300,
    );
    let mut theirs = BytesMut::new();
    let mut encoder =
        <Typed as wrpc_transport::Encode<wrpc_transport_nats::ParamWriter>>::Encoder::default();
    encoder.encode(typed.clone(), &mut theirs).unwrap();

    let types = params_of("typed");
    let values = vec![
        Val::String(typed.0.clone()),
        Val::List(typed.1.iter().copied().map(Val::U32).collect()),
        Val::Option(None),
        Val::Result(Ok(Some(Box::new(Val::U64(1 << 40))))),
        Val::Bool(true),
        Val::Char('€'),
        Val::Float64(-2.5),
        Val::S16(-300),
    ];
    let mut ours = BytesMut::new();
    encode_values(&types, &values, &mut ours).unwrap();
    assert_eq!(ours, theirs, "our encoding differs from wrpc-transport's");
    assert_eq!(decode_all(types, &theirs), values);
}

#[test]
fn a_partial_message_waits_and_leaves_its_bytes_alone() {
    let types = params_of("everything");
    let mut bytes = BytesMut::new();
    encode_values(&types, &rich_values(), &mut bytes).unwrap();
    let mut decoder = ValuesDecoder::new(types);
    for cut in 0..bytes.len() {
        let mut prefix = BytesMut::from(&bytes[..cut]);
        assert!(
            decoder.decode(&mut prefix).unwrap().is_none(),
            "cut at {cut}"
        );
        assert_eq!(prefix.len(), cut, "bytes consumed at cut {cut}");
    }
    // A following message's bytes stay for the next decode.
    let mut more = bytes.clone();
    more.extend_from_slice(b"next");
    assert!(decoder.decode(&mut more).unwrap().is_some());
    assert_eq!(&more[..], b"next");
}

#[test]
fn a_bad_case_index_is_an_error_naming_it() {
    let types = params_of("everything");
    let mut bytes = BytesMut::new();
    encode_values(&types, &rich_values(), &mut bytes).unwrap();
    // Record (x: s32 LEB128 of -7 = 1 byte, label: 1 + 6 bytes), list length 1 byte,
    // then the first variant's case index.
    let at = 1 + 1 + "héllo".len() + 1;
    bytes[at] = 7;
    let err = ValuesDecoder::new(types)
        .decode(&mut bytes.clone())
        .unwrap_err();
    assert!(
        err.to_string().contains("variant case 7 does not exist"),
        "{err}"
    );
}

#[test]
fn a_value_that_does_not_match_its_type_is_refused_with_the_place() {
    let types = params_of("everything");
    let mut values = rich_values();
    values[0] = Val::Record(vec![("x".into(), Val::S32(1))]);
    let err = encode_values(&types, &values, &mut BytesMut::new()).unwrap_err();
    assert!(
        format!("{err:#}").contains("record field `label` is missing"),
        "{err:#}"
    );
    values = rich_values();
    values[2] = Val::Enum("mauve".into());
    let err = encode_values(&types, &values, &mut BytesMut::new()).unwrap_err();
    assert!(format!("{err:#}").contains("no case `mauve`"), "{err:#}");
}

#[test]
fn resources_are_refused_before_any_call() {
    for func in ["uses-handle", "nested-handle"] {
        let types = params_of(func);
        let reason = carriable(&types[0]).unwrap_err();
        assert!(reason.contains("resource handles"), "{func}: {reason}");
    }
    for ty in params_of("everything") {
        assert_eq!(carriable(&ty), Ok(()));
    }
}
