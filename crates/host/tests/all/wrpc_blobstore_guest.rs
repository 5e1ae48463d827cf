//! The blobstore guest of the wRPC blobstore tests, built at test time from WAT and the
//! vendored `wasi:blobstore` and `wasi:io` WIT. Its exports:
//! - `put(container, name, size) -> result<_, string>`: creates the container (or takes
//!   the existing one) and writes `size` bytes, byte `k` being `k mod 251`, through an
//!   `outgoing-value` body in 4 KiB writes;
//! - `check(container, name) -> result<u64, string>`: reads the whole object through
//!   `consume-async` and `blocking-read` and returns its length, or `data mismatch` if a
//!   byte is not `k mod 251` (a stream error comes back as its debug text);
//! - `names(container) -> result<list<string>, string>`: the first 1000 object names;
//! - `remove(container, name) -> result<bool, string>`: deletes the object and returns
//!   `has-object` afterwards.

use std::path::PathBuf;

use anyhow::Context as _;

const WIT: &str = r#"
package trellis:blob-test;

world blobber {
  import wasi:io/error@0.2.6;
  import wasi:io/streams@0.2.6;
  import wasi:blobstore/types@0.2.0-draft;
  import wasi:blobstore/container@0.2.0-draft;
  import wasi:blobstore/blobstore@0.2.0-draft;
  export put: func(container: string, name: string, size: u32) -> result<_, string>;
  export check: func(container: string, name: string) -> result<u64, string>;
  export names: func(container: string) -> result<list<string>, string>;
  export remove: func(container: string, name: string) -> result<bool, string>;
}
"#;

// Memory: 32 "data mismatch", 256 the import return area, 512 the export return area,
// 1024..5120 the write buffer, 8192.. the heap (grown on demand; `check` reuses it for
// every chunk it reads).
const WAT: &str = r#"
(module
  (import "wasi:blobstore/blobstore@0.2.0-draft" "create-container"
    (func $create_container (param i32 i32 i32)))
  (import "wasi:blobstore/blobstore@0.2.0-draft" "get-container"
    (func $get_container (param i32 i32 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[method]container.get-data"
    (func $get_data (param i32 i32 i32 i64 i64 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[method]container.write-data"
    (func $write_data (param i32 i32 i32 i32 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[method]container.list-objects"
    (func $list_objects (param i32 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[method]container.delete-object"
    (func $delete_object (param i32 i32 i32 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[method]container.has-object"
    (func $has_object (param i32 i32 i32 i32)))
  (import "wasi:blobstore/container@0.2.0-draft"
    "[method]stream-object-names.read-stream-object-names"
    (func $read_names (param i32 i64 i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[resource-drop]container"
    (func $drop_container (param i32)))
  (import "wasi:blobstore/container@0.2.0-draft" "[resource-drop]stream-object-names"
    (func $drop_names (param i32)))
  (import "wasi:blobstore/types@0.2.0-draft" "[static]outgoing-value.new-outgoing-value"
    (func $new_outgoing (result i32)))
  (import "wasi:blobstore/types@0.2.0-draft"
    "[method]outgoing-value.outgoing-value-write-body"
    (func $write_body (param i32 i32)))
  (import "wasi:blobstore/types@0.2.0-draft" "[static]outgoing-value.finish"
    (func $finish (param i32 i32)))
  (import "wasi:blobstore/types@0.2.0-draft"
    "[static]incoming-value.incoming-value-consume-async"
    (func $consume_async (param i32 i32)))
  (import "wasi:io/streams@0.2.6" "[method]output-stream.blocking-write-and-flush"
    (func $blocking_write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.6" "[method]input-stream.blocking-read"
    (func $blocking_read (param i32 i64 i32)))
  (import "wasi:io/streams@0.2.6" "[resource-drop]output-stream"
    (func $drop_output (param i32)))
  (import "wasi:io/streams@0.2.6" "[resource-drop]input-stream"
    (func $drop_input (param i32)))
  (import "wasi:io/error@0.2.6" "[method]error.to-debug-string"
    (func $error_text (param i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 32) "data mismatch")

  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ret i32) (local $end i32) (local $have i32)
    (local.set $ret
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get 2))))
    (local.set $end (i32.add (local.get $ret) (local.get 3)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have))
                                               (i32.const 16))
                                    (i32.const 1)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ret))

  ;; The import's error string at $at (ptr, len) as the export's err, payload at 4.
  (func $fail4 (param $at i32) (result i32)
    (i32.store8 (i32.const 512) (i32.const 1))
    (i32.store (i32.const 516) (i32.load (local.get $at)))
    (i32.store (i32.const 520) (i32.load offset=4 (local.get $at)))
    (i32.const 512))
  ;; The same for a result<u64, string> (payload at 8).
  (func $fail8 (param $at i32) (result i32)
    (i32.store8 (i32.const 512) (i32.const 1))
    (i32.store (i32.const 520) (i32.load (local.get $at)))
    (i32.store (i32.const 524) (i32.load offset=4 (local.get $at)))
    (i32.const 512))

  (func (export "put") (param $cp i32) (param $cl i32) (param $np i32) (param $nl i32)
                       (param $size i32) (result i32)
    (local $c i32) (local $val i32) (local $out i32) (local $k i32) (local $i i32)
    (local $m i32) (local $n i32)
    (call $create_container (local.get $cp) (local.get $cl) (i32.const 256))
    (if (i32.load8_u (i32.const 256))
      (then
        (call $get_container (local.get $cp) (local.get $cl) (i32.const 256))
        (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))))
    (local.set $c (i32.load (i32.const 260)))
    (local.set $val (call $new_outgoing))
    (call $write_body (local.get $val) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then unreachable))
    (local.set $out (i32.load (i32.const 260)))
    (block $written
      (loop $chunks
        (br_if $written (i32.ge_u (local.get $k) (local.get $size)))
        (local.set $n (i32.sub (local.get $size) (local.get $k)))
        (if (i32.gt_u (local.get $n) (i32.const 4096)) (then (local.set $n (i32.const 4096))))
        (local.set $i (i32.const 0))
        (block $filled
          (loop $fill
            (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (local.get $m))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (if (i32.eq (local.get $m) (i32.const 251)) (then (local.set $m (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $fill)))
        (call $blocking_write (local.get $out) (i32.const 1024) (local.get $n) (i32.const 256))
        (if (i32.load8_u (i32.const 256)) (then unreachable))
        (local.set $k (i32.add (local.get $k) (local.get $n)))
        (br $chunks)))
    (call $drop_output (local.get $out))
    (call $write_data (local.get $c) (local.get $np) (local.get $nl) (local.get $val)
      (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (call $finish (local.get $val) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (call $drop_container (local.get $c))
    (i32.store8 (i32.const 512) (i32.const 0))
    (i32.const 512))

  (func (export "check") (param $cp i32) (param $cl i32) (param $np i32) (param $nl i32)
                         (result i32)
    (local $c i32) (local $in i32) (local $base i32) (local $total i64) (local $m i32)
    (local $p i32) (local $len i32) (local $i i32) (local $bad i32)
    (call $get_container (local.get $cp) (local.get $cl) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail8 (i32.const 260)))))
    (local.set $c (i32.load (i32.const 260)))
    (call $get_data (local.get $c) (local.get $np) (local.get $nl) (i64.const 0) (i64.const -1)
      (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail8 (i32.const 260)))))
    (call $consume_async (i32.load (i32.const 260)) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail8 (i32.const 260)))))
    (local.set $in (i32.load (i32.const 260)))
    (local.set $base (global.get $heap))
    (block $read
      (loop $chunks
        (global.set $heap (local.get $base))
        (call $blocking_read (local.get $in) (i64.const 65536) (i32.const 256))
        (if (i32.load8_u (i32.const 256))
          (then
            ;; closed: the end; last-operation-failed: its debug text is the error.
            (br_if $read (i32.eq (i32.load8_u (i32.const 260)) (i32.const 1)))
            (call $error_text (i32.load (i32.const 264)) (i32.const 280))
            (return (call $fail8 (i32.const 280)))))
        (local.set $p (i32.load (i32.const 260)))
        (local.set $len (i32.load (i32.const 264)))
        (local.set $i (i32.const 0))
        (block $checked
          (loop $bytes
            (br_if $checked (i32.ge_u (local.get $i) (local.get $len)))
            (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i))) (local.get $m))
              (then (local.set $bad (i32.const 1))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (if (i32.eq (local.get $m) (i32.const 251)) (then (local.set $m (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $bytes)))
        (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (local.get $len))))
        (br $chunks)))
    (call $drop_input (local.get $in))
    (call $drop_container (local.get $c))
    (if (local.get $bad)
      (then
        (i32.store (i32.const 288) (i32.const 32))
        (i32.store (i32.const 292) (i32.const 13))
        (return (call $fail8 (i32.const 288)))))
    (i32.store8 (i32.const 512) (i32.const 0))
    (i64.store (i32.const 520) (local.get $total))
    (i32.const 512))

  (func (export "names") (param $cp i32) (param $cl i32) (result i32)
    (local $c i32) (local $names i32)
    (call $get_container (local.get $cp) (local.get $cl) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (local.set $c (i32.load (i32.const 260)))
    (call $list_objects (local.get $c) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (local.set $names (i32.load (i32.const 260)))
    (call $read_names (local.get $names) (i64.const 1000) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (call $drop_names (local.get $names))
    (call $drop_container (local.get $c))
    (i32.store8 (i32.const 512) (i32.const 0))
    (i32.store (i32.const 516) (i32.load (i32.const 260)))
    (i32.store (i32.const 520) (i32.load (i32.const 264)))
    (i32.const 512))

  (func (export "remove") (param $cp i32) (param $cl i32) (param $np i32) (param $nl i32)
                          (result i32)
    (local $c i32)
    (call $get_container (local.get $cp) (local.get $cl) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (local.set $c (i32.load (i32.const 260)))
    (call $delete_object (local.get $c) (local.get $np) (local.get $nl) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (call $has_object (local.get $c) (local.get $np) (local.get $nl) (i32.const 256))
    (if (i32.load8_u (i32.const 256)) (then (return (call $fail4 (i32.const 260)))))
    (call $drop_container (local.get $c))
    (i32.store8 (i32.const 512) (i32.const 0))
    (i32.store8 (i32.const 516) (i32.load8_u (i32.const 260)))
    (i32.const 512))
)
"#;

fn wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit/deps")
}

/// The guest component's bytes.
pub fn blobber_bytes() -> anyhow::Result<Vec<u8>> {
    let mut resolve = wit_parser::Resolve::default();
    for dep in ["io", "blobstore"] {
        resolve
            .push_path(wit_dir().join(dep))
            .with_context(|| format!("loading vendored WIT {dep}"))?;
    }
    let package = resolve.push_str("blobber.wit", WIT)?;
    let world = resolve.select_world(&[package], Some("blobber"))?;
    let mut module = wat::parse_str(WAT)?;
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )?;
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)?
        .encode()
}
