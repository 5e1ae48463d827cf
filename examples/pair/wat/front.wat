;; pair's front end in hand-written WAT: answers GET /NAME with what the linked greeter
;; says for NAME. Core module for world trellis-examples:pair/front (legacy name mangling).
(module
  (import "trellis-examples:pair/greeter" "greet" (func $greet (param i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[method]incoming-request.path-with-query"
    (func $path_with_query (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[resource-drop]incoming-request"
    (func $drop_request (param i32)))
  (import "wasi:http/types@0.2.12" "[constructor]fields" (func $new_fields (result i32)))
  (import "wasi:http/types@0.2.12" "[constructor]outgoing-response"
    (func $new_response (param i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-response.body"
    (func $response_body (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[static]response-outparam.set"
    (func $outparam_set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-body.write"
    (func $body_write (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[static]outgoing-body.finish"
    (func $body_finish (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write_flush (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream"
    (func $drop_stream (param i32)))

  (memory (export "memory") 1)
  ;; Strings the host and the greeter hand over are bump-allocated from 1024 up and
  ;; released at the end of each request.
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 300) "\n")

  (func $realloc (export "cabi_realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
        (result i32)
    (local $ret i32)
    (local.set $ret
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ret) (local.get $new_size)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq (i32.const -1)
              (memory.grow (i32.add (i32.const 1)
                (i32.shr_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
                           (i32.const 16)))))
          (then unreachable))))
    (if (local.get $old)
      (then (memory.copy (local.get $ret) (local.get $old) (local.get $old_size))))
    (local.get $ret))

  (func (export "wasi:http/incoming-handler@0.2.12#handle") (param $req i32) (param $out i32)
    (local $resp i32) (local $body i32) (local $stream i32) (local $name i32) (local $len i32)
    ;; option<string> at 32: tag @32, ptr @36, len @40
    (call $path_with_query (local.get $req) (i32.const 32))
    (if (i32.load8_u (i32.const 32))
      (then
        (local.set $name (i32.load (i32.const 36)))
        (local.set $len (i32.load (i32.const 40)))))
    ;; the name is the path without its leading "/"
    (if (i32.and (i32.gt_u (local.get $len) (i32.const 0))
                 (i32.eq (i32.load8_u (local.get $name)) (i32.const 47)))
      (then
        (local.set $name (i32.add (local.get $name) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))))
    ;; greet(name) -> string at 80: ptr @80, len @84
    (call $greet (local.get $name) (local.get $len) (i32.const 80))
    (local.set $resp (call $new_response (call $new_fields)))
    ;; result<outgoing-body> at 48: tag @48, handle @52
    (call $response_body (local.get $resp) (i32.const 48))
    (local.set $body (i32.load (i32.const 52)))
    (call $outparam_set (local.get $out) (i32.const 0) (local.get $resp)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    ;; result<output-stream> at 56: tag @56, handle @60
    (call $body_write (local.get $body) (i32.const 56))
    (local.set $stream (i32.load (i32.const 60)))
    (call $write_flush (local.get $stream) (i32.load (i32.const 80)) (i32.load (i32.const 84))
      (i32.const 64))
    (call $write_flush (local.get $stream) (i32.const 300) (i32.const 1) (i32.const 64))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 72))
    (call $drop_request (local.get $req))
    (global.set $heap (i32.const 1024)))
)
