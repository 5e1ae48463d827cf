/* hello-http in C: answers every request with a greeting and the path.
 *
 * Freestanding (no libc, no WASI preview 1 adapter): the functions below are the core
 * (canonical ABI) form of the wasi:http@0.2.12 calls the world needs, written by hand,
 * so the component imports nothing but wasi:http/types and wasi:io/streams. See
 * ../build.sh for how zig cc and wasm-tools turn it into a component. */
#include <stddef.h>
#include <stdint.h>

#define HTTP(name) __attribute__((import_module("wasi:http/types@0.2.12"), import_name(name)))
#define STREAMS(name) __attribute__((import_module("wasi:io/streams@0.2.12"), import_name(name)))

HTTP("[method]incoming-request.path-with-query") void path_with_query(int32_t req, void *ret);
HTTP("[resource-drop]incoming-request") void drop_request(int32_t req);
HTTP("[constructor]fields") int32_t new_fields(void);
HTTP("[constructor]outgoing-response") int32_t new_response(int32_t headers);
HTTP("[method]outgoing-response.body") void response_body(int32_t resp, void *ret);
HTTP("[static]response-outparam.set")
void outparam_set(int32_t out, int32_t is_err, int32_t resp, int32_t e1, int64_t e2, int32_t e3,
                  int32_t e4, int32_t e5, int32_t e6);
HTTP("[method]outgoing-body.write") void body_write(int32_t body, void *ret);
HTTP("[static]outgoing-body.finish")
void body_finish(int32_t body, int32_t has_trailers, int32_t trailers, void *ret);
STREAMS("[method]output-stream.blocking-write-and-flush")
void write_flush(int32_t stream, const void *ptr, size_t len, void *ret);
STREAMS("[resource-drop]output-stream") void drop_stream(int32_t stream);

/* The canonical ABI's return areas: a tag, then the payload. */
struct option_string { uint8_t is_some; const char *ptr; size_t len; };
struct result_handle { uint8_t is_err; int32_t handle; };
struct result_unit { _Alignas(8) uint8_t is_err; uint8_t error[64]; };

/* Memory the host asks for (the path) comes from a bump heap emptied after each request. */
static uint8_t heap[64 * 1024];
static size_t heap_top;

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
    size_t start = (heap_top + align - 1) & ~(align - 1);
    if (start + new_size > sizeof heap) __builtin_trap();
    heap_top = start + new_size;
    if (old) __builtin_memcpy(heap + start, old, old_size);
    return heap + start;
}

static void write_str(int32_t stream, const char *text, size_t len) {
    struct result_unit ignored;
    write_flush(stream, text, len, &ignored);
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle")))
void handle(int32_t req, int32_t out) {
    static const char greeting[] = "Hello from C! path=";
    struct option_string path;
    struct result_handle body, stream;
    struct result_unit finished;

    path_with_query(req, &path);
    int32_t resp = new_response(new_fields());
    response_body(resp, &body);
    outparam_set(out, 0, resp, 0, 0, 0, 0, 0, 0);
    body_write(body.handle, &stream);
    write_str(stream.handle, greeting, sizeof greeting - 1);
    if (path.is_some) write_str(stream.handle, path.ptr, path.len);
    write_str(stream.handle, "\n", 1);
    drop_stream(stream.handle);
    body_finish(body.handle, 0, 0, &finished);
    drop_request(req);
    heap_top = 0;
}
