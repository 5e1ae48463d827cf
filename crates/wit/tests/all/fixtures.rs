//! Fixture components built at test time: WIT worlds whose core module is generated
//! as WAT by `wit_component::dummy_module`, then encoded with `wit-component`.

use std::path::PathBuf;

use anyhow::Context as _;
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{LiftLowerAbi, ManglingAndAbi, Resolve};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds a component for `world` of `wit`, which may use the vendored host
/// packages (wasi:keyvalue, blobstore, config, logging, wasmcloud:messaging) and
/// WASI 0.2.12 (from the testkit).
pub fn build(wit: &str, world: &str) -> anyhow::Result<Vec<u8>> {
    let mut resolve = Resolve::default();
    for name in [
        "io",
        "clocks",
        "random",
        "filesystem",
        "sockets",
        "cli",
        "http",
    ] {
        resolve.push_file(repo().join(format!("crates/testkit/wit/deps/{name}.wit")))?;
    }
    for dir in [
        "io",
        "keyvalue",
        "blobstore",
        "config-draft",
        "logging",
        "messaging",
    ] {
        resolve
            .push_dir(repo().join("wit/deps").join(dir))
            .with_context(|| format!("loading wit/deps/{dir}"))?;
    }
    let pkg = resolve.push_str("fixture.wit", wit)?;
    let world = resolve.select_world(&[pkg], Some(world))?;
    let mut module =
        wit_component::dummy_module(&resolve, world, ManglingAndAbi::Legacy(LiftLowerAbi::Sync));
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        StringEncoding::UTF8,
        false,
    )?;
    ComponentEncoder::default()
        .validate(true)
        .module(&module)?
        .encode()
}

/// A custom package with every kind of type, documented.
pub const SHAPES_WIT: &str = r#"
package acme:shapes@1.2.0;

/// Shapes on a canvas.
interface types {
  /// A point on the canvas.
  record point {
    /// Horizontal.
    x: s32,
    y: s32,
  }
  variant shape { circle(f64), square(point), empty }
  enum color { red, green, blue }
  flags perms { read, write }
  type points = list<point>;

  /// Something to draw on.
  resource canvas {
    constructor(name: string);
    /// Draws a shape.
    draw: func(s: shape, c: color) -> result<u32, string>;
    open: static func(name: string) -> option<canvas>;
  }
}

/// A counter.
interface counter {
  use types.{point, perms, points};
  increment: func(key: string, by: u64) -> u64;
  total: func(ps: points) -> s64;
  get: func(key: string) -> option<tuple<u64, point>>;
  check: func(p: perms) -> bool;
}

/// Uses shapes and a key-value store.
world app {
  import counter;
  import types;
  import wasi:keyvalue/store@0.2.0-draft;
  import wasi:keyvalue/atomics@0.2.0-draft;
  import wasi:blobstore/blobstore@0.2.0-draft;
  import wasi:logging/logging@0.1.0-draft;
  import wasi:cli/environment@0.2.12;
  import log: func(msg: string);
  export run: func(points: list<u32>) -> string;
  export wasi:cli/run@0.2.12;
}

world provider {
  export counter;
}
"#;

/// Same counter interface, `increment` taking `key: u32`.
pub const SKEWED_SIGNATURE_WIT: &str = r#"
package acme:shapes@1.2.3;

interface types {
  record point { x: s32, y: s32 }
  flags perms { read, write }
  type points = list<point>;
}

interface counter {
  use types.{point, perms, points};
  increment: func(key: u32, by: u64) -> u64;
  total: func(ps: points) -> s64;
  get: func(key: string) -> option<tuple<u64, point>>;
  check: func(p: perms) -> bool;
}

world provider {
  export counter;
}
"#;

/// The counter package at another version.
pub fn shapes_at(version: &str) -> String {
    SHAPES_WIT.replace("acme:shapes@1.2.0", &format!("acme:shapes@{version}"))
}
