// A WASI command in C, built with zig cc and wrapped into a component with the
// wasi_snapshot_preview1 command adapter (see build.sh). It greets whoever WHO names,
// lists its arguments, and exits 0.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const char *who = getenv("WHO");
    printf("Hello from C (zig cc -> wasm32-wasi -> component), %s!\n", who ? who : "stranger");
    for (int i = 1; i < argc; i++) {
        printf("  arg %d: %s\n", i, argv[i]);
    }
    return 0;
}
