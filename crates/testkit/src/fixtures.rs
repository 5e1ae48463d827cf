//! Fixture components built at test time from WAT + WIT.
//!
//! Each fixture is a hand-written core module (WAT, legacy wit-component name mangling)
//! plus the WIT world it implements; [`component`] embeds the world's metadata and
//! encodes a real component with `wit-component`. Building one takes milliseconds, and
//! the result runs in any WASI 0.2 host (wasmtime, Trellis).
//!
//! The WASI WIT used here is the 0.2.12 set vendored in `crates/testkit/wit/deps`
//! (copied from wasmtime-wasi-http 48.0.8, the version our host implements).

use std::path::PathBuf;

mod catalog;
pub use catalog::{
    catalog_client, catalog_server, handles_client, handles_server, CATALOG_WIT, HANDLES_WIT,
};

use anyhow::Context as _;
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::Resolve;

/// Where a fixture's WIT comes from.
pub enum WitSource<'a> {
    /// Self-contained WIT text (no dependencies).
    Text(&'a str),
    /// WIT text whose package may use the vendored WASI 0.2.12 packages.
    WithWasi(&'a str),
    /// Like `WithWasi`, plus the wasmCloud packages under the repository's `wit/deps`
    /// named here (e.g. `logging`), dependencies first.
    WithWasiAnd(&'a str, &'a [&'a str]),
}

/// Builds a component from a WIT world and a core module in WAT.
pub fn component(wit: WitSource<'_>, world: &str, wat_source: &str) -> anyhow::Result<Vec<u8>> {
    let mut resolve = Resolve::default();
    let package = match wit {
        WitSource::Text(text) => resolve
            .push_str("fixture.wit", text)
            .context("parsing the fixture's WIT")?,
        WitSource::WithWasi(text) | WitSource::WithWasiAnd(text, _) => {
            // Each file is one WASI package; push them dependencies first.
            for name in WASI_PACKAGES {
                let path = wasi_wit_dir().join(format!("{name}.wit"));
                resolve
                    .push_file(&path)
                    .with_context(|| format!("loading vendored WIT {}", path.display()))?;
            }
            if let WitSource::WithWasiAnd(_, extra) = wit {
                for name in extra {
                    let path = repository_wit_dir().join(name);
                    resolve
                        .push_path(&path)
                        .with_context(|| format!("loading WIT {}", path.display()))?;
                }
            }
            resolve
                .push_str("fixture.wit", text)
                .context("parsing the fixture's WIT")?
        }
    };
    let world = resolve
        .select_world(&[package], Some(world))
        .with_context(|| format!("selecting world {world}"))?;
    let mut module = wat::parse_str(wat_source).context("parsing the fixture's WAT")?;
    // `false`: keep full versions such as wasi:http/types@0.2.12 in import names.
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .context("embedding component metadata")?;
    ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .context("reading the core module")?
        .encode()
        .context("encoding the component")
}

/// The directory holding the vendored WASI 0.2.12 WIT, one file per package.
fn wasi_wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wit/deps")
}

/// The repository's `wit/deps` (wasmCloud's keyvalue, logging, config, … drafts).
fn repository_wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit/deps")
}

/// The vendored WASI packages in dependency order.
const WASI_PACKAGES: [&str; 7] = [
    "io",
    "clocks",
    "random",
    "filesystem",
    "sockets",
    "cli",
    "http",
];

/// The WASI version the fixtures import.
pub const WASI_VERSION: &str = "0.2.12";

/// World of [`demo`]: an imported `log` function and two exports.
pub const DEMO_WIT: &str = r#"
package trellis:demo;

world demo {
  import log: func(msg: string);
  export add: func(a: u32, b: u32) -> u32;
  export greet: func(name: string) -> string;
}
"#;

/// A tiny component: `add(a, b)`, `greet(name)` (which calls the imported `log(name)`
/// and returns "Hello, NAME!").
pub fn demo() -> anyhow::Result<Vec<u8>> {
    let wat = DEMO_WAT.replace("BUMP_ALLOCATOR", BUMP_ALLOCATOR);
    component(WitSource::Text(DEMO_WIT), "demo", &wat)
}

const DEMO_WAT: &str = r#"
(module
  (import "$root" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "Hello, ")
  BUMP_ALLOCATOR
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  ;; greet returns a pointer to (ptr, len) because a string does not fit one flat value.
  (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
    (local $out i32) (local $total i32) (local $ret i32)
    (call $log (local.get $ptr) (local.get $len))
    (local.set $total (i32.add (local.get $len) (i32.const 8)))
    (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $total)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
    (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33))
    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $out))
    (i32.store offset=4 (local.get $ret) (local.get $total))
    (local.get $ret))
  (func (export "cabi_post_greet") (param i32)
    (global.set $heap (i32.const 1024)))
)
"#;

/// The package of [`greeter_provider`], [`greeter_broken`] and [`greeter_consumer`]:
/// one custom interface between two components on one host.
pub const GREETER_WIT: &str = r#"
package trellis:fwd;

interface greeter {
  greet: func(name: string) -> string;
}

world greeter-provider {
  export greeter;
}

world greeter-consumer {
  import greeter;
  export run: func(name: string) -> string;
}
"#;

/// Exports `trellis:fwd/greeter.greet(name)`, answering "Hi, NAME!".
pub fn greeter_provider() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "Hi, ")
  (global $heap (mut i32) (i32.const 1024))
  {BUMP_ALLOCATOR}
  (func (export "trellis:fwd/greeter#greet") (param $ptr i32) (param $len i32) (result i32)
    (local $out i32) (local $total i32) (local $ret i32)
    (local.set $total (i32.add (local.get $len) (i32.const 5)))
    (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $total)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 4))
    (memory.copy (i32.add (local.get $out) (i32.const 4)) (local.get $ptr) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 4))) (i32.const 33))
    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $out))
    (i32.store offset=4 (local.get $ret) (local.get $total))
    (local.get $ret))
  (func (export "cabi_post_trellis:fwd/greeter#greet") (param i32))
)"#
    );
    component(WitSource::Text(GREETER_WIT), "greeter-provider", &wat)
}

/// Exports `run(name)`, which returns `greeter.greet(name)` through its import (link it
/// to [`greeter_provider`] or [`greeter_broken`]).
pub fn greeter_consumer() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (import "trellis:fwd/greeter" "greet" (func $greet (param i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  {BUMP_ALLOCATOR}
  (func (export "run") (param $ptr i32) (param $len i32) (result i32)
    (call $greet (local.get $ptr) (local.get $len) (i32.const 8))
    (i32.const 8))
  (func (export "cabi_post_run") (param i32))
)"#
    );
    component(WitSource::Text(GREETER_WIT), "greeter-consumer", &wat)
}

/// Exports `trellis:fwd/greeter.greet`, which traps (`unreachable`).
pub fn greeter_broken() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  {BUMP_ALLOCATOR}
  (func (export "trellis:fwd/greeter#greet") (param i32 i32) (result i32) unreachable)
  (func (export "cabi_post_trellis:fwd/greeter#greet") (param i32))
)"#
    );
    component(WitSource::Text(GREETER_WIT), "greeter-provider", &wat)
}

/// A bump allocator exported as `cabi_realloc`, shared by the fixtures that take strings.
const BUMP_ALLOCATOR: &str = r#"
  (func $realloc (export "cabi_realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
        (result i32)
    (local $ret i32)
    (local.set $ret
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ret) (local.get $new_size)))
    (block $ok
      (br_if $ok (i32.le_u (global.get $heap)
                           (i32.mul (memory.size) (i32.const 65536))))
      (br_if $ok (i32.ne (i32.const -1)
        (memory.grow (i32.add (i32.const 1)
          (i32.shr_u (i32.sub (global.get $heap)
                              (i32.mul (memory.size) (i32.const 65536)))
                     (i32.const 16))))))
      unreachable)
    (if (local.get $old)
      (then (memory.copy (local.get $ret) (local.get $old) (local.get $old_size))))
    (local.get $ret))
"#;

/// World of [`calc`]: an interface whose function takes a record.
pub const CALC_WIT: &str = r#"
package trellis:calc;

interface shapes {
  record point { x: s32, y: s32 }
  /// x + y.
  sum: func(p: point) -> s32;
}

world calc {
  export shapes;
}
"#;

/// A component exporting `trellis:calc/shapes.sum(p: point) -> s32` (x + y), for typed
/// calls with a record argument.
pub fn calc() -> anyhow::Result<Vec<u8>> {
    component(
        WitSource::Text(CALC_WIT),
        "calc",
        r#"(module
  (func (export "trellis:calc/shapes#sum") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))"#,
    )
}

/// World of [`http_hello`].
pub const HTTP_HELLO_WIT: &str = r#"
package trellis:fixtures;

world http-hello {
  export wasi:http/incoming-handler@0.2.12;
}
"#;

/// A `wasi:http/incoming-handler` component. It answers 200 with
/// `GREETING path=<path-with-query>\n` (GREETING = "Hello from a hand-written WAT
/// component!"), except that a path starting with `/trap` traps and one starting with
/// `/loop` never returns (for deadline tests).
pub fn http_hello() -> anyhow::Result<Vec<u8>> {
    http_hello_with_greeting("Hello from a hand-written WAT component!")
}

/// [`http_hello`] with another greeting (at most 200 bytes), e.g. to tell two versions
/// apart in hot-reload tests.
pub fn http_hello_with_greeting(greeting: &str) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(greeting.len() <= 200, "greeting too long for the fixture");
    let escaped: String = greeting
        .bytes()
        .map(|b| format!("\\{b:02x}"))
        .collect::<String>();
    let prefix = format!("{escaped}\\20path=");
    let prefix_len = greeting.len() + " path=".len();
    let wat = HTTP_HELLO_WAT
        .replace("GREETING_DATA", &prefix)
        .replace("GREETING_LEN", &prefix_len.to_string())
        .replace("WASI", WASI_VERSION)
        .replace("BUMP_ALLOCATOR", BUMP_ALLOCATOR);
    component(WitSource::WithWasi(HTTP_HELLO_WIT), "http-hello", &wat)
}

/// World of [`http_logging`].
pub const HTTP_LOGGING_WIT: &str = r#"
package trellis:fixtures;

world http-logging {
  import wasi:logging/logging@0.1.0-draft;
  export wasi:http/incoming-handler@0.2.12;
}
"#;

/// [`http_hello`] that also logs each request's path with `wasi:logging` (level info,
/// context `trellis-fixture`), for tests that follow guest logs through a host.
pub fn http_logging() -> anyhow::Result<Vec<u8>> {
    let greeting = "Hello from a logging WAT component!";
    let escaped: String = greeting.bytes().map(|b| format!("\\{b:02x}")).collect();
    let wat = HTTP_HELLO_WAT
        .replace(
            "  (memory (export \"memory\") 1)",
            "  (import \"wasi:logging/logging@0.1.0-draft\" \"log\"\n    (func $log (param i32 i32 i32 i32 i32)))\n  (memory (export \"memory\") 1)\n  (data (i32.const 768) \"trellis-fixture\")",
        )
        .replace(
            "    (local.set $resp (call $new_response (call $new_fields)))",
            "    (if (i32.load8_u (i32.const 32))\n      (then (call $log (i32.const 2) (i32.const 768) (i32.const 15)\n              (i32.load (i32.const 36)) (i32.load (i32.const 40)))))\n    (local.set $resp (call $new_response (call $new_fields)))",
        )
        .replace("GREETING_DATA", &format!("{escaped}\\20path="))
        .replace("GREETING_LEN", &(greeting.len() + " path=".len()).to_string())
        .replace("WASI", WASI_VERSION)
        .replace("BUMP_ALLOCATOR", BUMP_ALLOCATOR);
    anyhow::ensure!(
        wat.contains("$log (i32.const 2)"),
        "the fixture's WAT changed shape"
    );
    component(
        WitSource::WithWasiAnd(HTTP_LOGGING_WIT, &["logging"]),
        "http-logging",
        &wat,
    )
}

const HTTP_HELLO_WAT: &str = r#"
(module
  (import "wasi:http/types@WASI" "[method]incoming-request.path-with-query"
    (func $path_with_query (param i32 i32)))
  (import "wasi:http/types@WASI" "[resource-drop]incoming-request"
    (func $drop_request (param i32)))
  (import "wasi:http/types@WASI" "[constructor]fields" (func $new_fields (result i32)))
  (import "wasi:http/types@WASI" "[constructor]outgoing-response"
    (func $new_response (param i32) (result i32)))
  (import "wasi:http/types@WASI" "[method]outgoing-response.body"
    (func $response_body (param i32 i32)))
  (import "wasi:http/types@WASI" "[static]response-outparam.set"
    (func $outparam_set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:http/types@WASI" "[method]outgoing-body.write"
    (func $body_write (param i32 i32)))
  (import "wasi:http/types@WASI" "[static]outgoing-body.finish"
    (func $body_finish (param i32 i32 i32 i32)))
  (import "wasi:io/streams@WASI" "[method]output-stream.blocking-write-and-flush"
    (func $write_flush (param i32 i32 i32 i32)))
  (import "wasi:io/streams@WASI" "[resource-drop]output-stream"
    (func $drop_stream (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 256) "GREETING_DATA")
  (data (i32.const 512) "\n")
  BUMP_ALLOCATOR

  (func (export "wasi:http/incoming-handler@WASI#handle") (param $req i32) (param $outparam i32)
    (local $resp i32) (local $body i32) (local $stream i32) (local $path i32)
    ;; option<string> at 32: discriminant @32, ptr @36, len @40
    (call $path_with_query (local.get $req) (i32.const 32))
    (if (i32.and (i32.load8_u (i32.const 32)) (i32.ge_u (i32.load (i32.const 40)) (i32.const 5)))
      (then
        (local.set $path (i32.load (i32.load (i32.const 36))))
        ;; "/tra" little-endian: trap on purpose
        (if (i32.eq (local.get $path) (i32.const 0x6172742f)) (then unreachable))
        ;; "/loo" little-endian: spin until the host's deadline interrupts us
        (if (i32.eq (local.get $path) (i32.const 0x6f6f6c2f))
          (then (loop $forever (br $forever))))))
    (local.set $resp (call $new_response (call $new_fields)))
    ;; result<own<outgoing-body>> at 48: discriminant @48, handle @52
    (call $response_body (local.get $resp) (i32.const 48))
    (local.set $body (i32.load (i32.const 52)))
    (call $outparam_set (local.get $outparam) (i32.const 0) (local.get $resp)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    ;; result<own<output-stream>> at 56: discriminant @56, handle @60
    (call $body_write (local.get $body) (i32.const 56))
    (local.set $stream (i32.load (i32.const 60)))
    (call $write_flush (local.get $stream) (i32.const 256) (i32.const GREETING_LEN) (i32.const 64))
    (if (i32.load8_u (i32.const 32))
      (then (call $write_flush (local.get $stream)
              (i32.load (i32.const 36)) (i32.load (i32.const 40)) (i32.const 64))))
    (call $write_flush (local.get $stream) (i32.const 512) (i32.const 1) (i32.const 64))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 72))
    (call $drop_request (local.get $req))
    (global.set $heap (i32.const 1024)))
)
"#;

/// World of [`cli_hello`].
pub const CLI_HELLO_WIT: &str = r#"
package trellis:cli-fixture;

world hello-cli {
  import wasi:cli/stdout@0.2.12;
  import wasi:io/streams@0.2.12;
  export wasi:cli/run@0.2.12;
}
"#;

/// A `wasi:cli/run` command that prints "Hello from a hand-written WAT component!\n".
pub fn cli_hello() -> anyhow::Result<Vec<u8>> {
    let wat = CLI_HELLO_WAT.replace("WASI", WASI_VERSION);
    component(WitSource::WithWasi(CLI_HELLO_WIT), "hello-cli", &wat)
}

const CLI_HELLO_WAT: &str = r#"
(module
  (import "wasi:cli/stdout@WASI" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@WASI" "[method]output-stream.blocking-write-and-flush"
    (func $write_flush (param i32 i32 i32 i32)))
  (import "wasi:io/streams@WASI" "[resource-drop]output-stream"
    (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "Hello from a hand-written WAT component!\n")
  ;; Nothing is allocated by the host for this world, but memory users must export it.
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (i32.const 4096))
  (func (export "wasi:cli/run@WASI#run") (result i32)
    (local $out i32)
    (local.set $out (call $get_stdout))
    (call $write_flush (local.get $out) (i32.const 64) (i32.const 41) (i32.const 16))
    (call $drop_stream (local.get $out))
    ;; result discriminant written at 16: 0 = ok
    (i32.load8_u (i32.const 16)))
)
"#;

/// World of [`messaging_echo`], with wasmCloud's messaging package (0.2.0) inline.
pub const MESSAGING_ECHO_WIT: &str = r#"
package trellis:messaging-fixture;

package wasmcloud:messaging@0.2.0 {
  interface types {
    record broker-message {
      subject: string,
      body: list<u8>,
      reply-to: option<string>,
    }
  }
  interface handler {
    use types.{broker-message};
    handle-message: func(msg: broker-message) -> result<_, string>;
  }
  interface consumer {
    use types.{broker-message};
    request: func(subject: string, body: list<u8>, timeout-ms: u32) -> result<broker-message, string>;
    publish: func(msg: broker-message) -> result<_, string>;
  }
}

world messaging-echo {
  import wasmcloud:messaging/consumer@0.2.0;
  export wasmcloud:messaging/handler@0.2.0;
}
"#;

/// A `wasmcloud:messaging/handler` component that answers each message carrying a
/// reply-to subject by publishing the same body there (through its `consumer` import),
/// so a NATS request to a subscribed subject gets its own payload back.
pub fn messaging_echo() -> anyhow::Result<Vec<u8>> {
    let wat = MESSAGING_ECHO_WAT.replace("BUMP_ALLOCATOR", BUMP_ALLOCATOR);
    component(WitSource::Text(MESSAGING_ECHO_WIT), "messaging-echo", &wat)
}

const MESSAGING_ECHO_WAT: &str = r#"
(module
  ;; publish(msg) flattened: subject (ptr, len), body (ptr, len), reply-to (some?, ptr,
  ;; len), then where to write result<_, string>.
  (import "wasmcloud:messaging/consumer@0.2.0" "publish"
    (func $publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  BUMP_ALLOCATOR
  ;; Returns a pointer to result<_, string>: discriminant @32, message ptr @36, len @40.
  (func (export "wasmcloud:messaging/handler@0.2.0#handle-message")
    (param $subject i32) (param $subject_len i32) (param $body i32) (param $body_len i32)
    (param $has_reply i32) (param $reply i32) (param $reply_len i32) (result i32)
    (if (local.get $has_reply)
      (then
        ;; publish's own result (ok, or the host's error) becomes ours.
        (call $publish (local.get $reply) (local.get $reply_len)
          (local.get $body) (local.get $body_len)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 32))
        (return (i32.const 32))))
    (i32.store8 (i32.const 32) (i32.const 0))
    (i32.const 32))
)
"#;

/// A valid core module that is not a component (for "wrap it first" errors).
pub fn core_module() -> anyhow::Result<Vec<u8>> {
    wat::parse_str(r#"(module (func (export "f") (result i32) (i32.const 1)))"#)
        .context("parsing the core module")
}

/// World of [`keyvalue_user`]: one keyvalue import (a trimmed `wasi:keyvalue/store`
/// 0.2.0-draft, declared inline) and a plain export.
pub const KEYVALUE_USER_WIT: &str = r#"
package trellis:fixtures;

package wasi:keyvalue@0.2.0-draft {
  interface store {
    variant error { no-such-store, access-denied, other(string) }
    resource bucket {
      get: func(key: string) -> result<option<list<u8>>, error>;
    }
    open: func(identifier: string) -> result<bucket, error>;
  }
}

world keyvalue-user {
  import wasi:keyvalue/store@0.2.0-draft;
  export run: func() -> u32;
}
"#;

/// A component that imports `wasi:keyvalue/store@0.2.0-draft` and exports `run() -> u32`
/// (answering 7 without touching the store): what a link check or an inspection of a
/// keyvalue user needs, without a toolchain.
pub fn keyvalue_user() -> anyhow::Result<Vec<u8>> {
    component(
        WitSource::Text(KEYVALUE_USER_WIT),
        "keyvalue-user",
        KEYVALUE_USER_WAT,
    )
}

const KEYVALUE_USER_WAT: &str = r#"
(module
  (import "wasi:keyvalue/store@0.2.0-draft" "open" (func $open (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (i32.const 1024))
  (func (export "run") (result i32)
    (i32.const 7))
)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn is_component(bytes: &[u8]) -> bool {
        // Component preamble: magic, then version 0x0d with layer 1.
        bytes.len() > 8 && &bytes[..4] == b"\0asm" && bytes[4..8] == [0x0d, 0x00, 0x01, 0x00]
    }

    #[test]
    fn fixtures_encode_as_components() {
        for (name, bytes) in [
            ("demo", demo().unwrap()),
            ("http_hello", http_hello().unwrap()),
            ("cli_hello", cli_hello().unwrap()),
            ("greeting", http_hello_with_greeting("v2").unwrap()),
            ("messaging_echo", messaging_echo().unwrap()),
            ("http_logging", http_logging().unwrap()),
        ] {
            assert!(is_component(&bytes), "{name} is not a component");
        }
        assert!(!is_component(&core_module().unwrap()));
    }

    #[test]
    fn greeting_changes_the_bytes() {
        assert_ne!(
            http_hello_with_greeting("one").unwrap(),
            http_hello_with_greeting("two").unwrap()
        );
    }
}
