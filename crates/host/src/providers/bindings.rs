//! Generated bindings for every interface the built-in providers and the host-internal
//! interfaces implement. `bindgen!` is called here and nowhere else.
//!
//! The WIT is vendored under `/wit/deps` (see `/wit/README.md`). `wasi:io` maps to
//! wasmtime-wasi's own types, so blobstore streams are ordinary WASI streams.

// Generated items carry the WIT docs, not always one per field.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    inline: "
        package trellis:host;

        world providers {
            import wasi:logging/logging@0.1.0-draft;
            import wasi:config/store@0.2.0-draft;
            import wasi:config/runtime@0.2.0-draft;
            import wasi:config/store@0.2.0-rc.1;
            import wasi:keyvalue/store@0.2.0-draft;
            import wasi:keyvalue/atomics@0.2.0-draft;
            import wasi:keyvalue/batch@0.2.0-draft;
            import wasi:blobstore/blobstore@0.2.0-draft;
            import wasmcloud:messaging/consumer@0.2.0;
            export wasmcloud:messaging/handler@0.2.0;
        }
    ",
    path: [
        "../../wit/deps/io",
        "../../wit/deps/logging",
        "../../wit/deps/config-draft",
        "../../wit/deps/config-rc1",
        "../../wit/deps/keyvalue",
        "../../wit/deps/blobstore",
        "../../wit/deps/messaging",
    ],
    imports: { default: async | trappable | tracing },
    exports: { default: async },
    require_store_data_send: true,
    with: {
        "wasi:io": wasmtime_wasi::p2::bindings::io,
        "wasi:keyvalue/store.bucket": crate::providers::keyvalue::KvBucket,
        "wasi:blobstore/container.container": crate::providers::blobstore::Container,
        "wasi:blobstore/container.stream-object-names": crate::providers::blobstore::ObjectNames,
        "wasi:blobstore/types.outgoing-value": crate::providers::blobstore::OutgoingValue,
        "wasi:blobstore/types.incoming-value": crate::providers::blobstore::IncomingValue,
    },
});
