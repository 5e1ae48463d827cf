/* pair's back end in C: exports trellis-examples:pair/greeter.greet.
 *
 * Freestanding (no libc, no WASI): the export below is the core (canonical ABI) form of
 * `greet: func(name: string) -> string`, written by hand. See ../build.sh. */
#include <stddef.h>
#include <stdint.h>

/* Arguments (the name) and the result are bump-allocated here; the heap is emptied in
 * cabi_post_*, which the host calls once it has copied the result out. */
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

static char *append(char *to, const char *text, size_t len) {
    __builtin_memcpy(to, text, len);
    return to + len;
}

/* A string result travels as a pointer to (pointer, length). */
static struct { const char *ptr; size_t len; } result;

__attribute__((export_name("trellis-examples:pair/greeter#greet")))
void *greet(const char *name, size_t len) {
    static const char hello[] = "Hello, ";
    static const char from[] = "! (from C, through trellis-examples:pair/greeter)";
    if (len == 0) {
        name = "world";
        len = 5;
    }
    char *out = cabi_realloc(NULL, 0, 1, sizeof hello - 1 + len + sizeof from - 1);
    char *end = append(out, hello, sizeof hello - 1);
    end = append(end, name, len);
    end = append(end, from, sizeof from - 1);
    result.ptr = out;
    result.len = (size_t)(end - out);
    return &result;
}

__attribute__((export_name("cabi_post_trellis-examples:pair/greeter#greet")))
void greet_post_return(void *ret) {
    (void)ret;
    heap_top = 0;
}
