//! trellis-compat-tests: wasmCloud 1.x compatibility checks for Trellis.
//!
//! The library is empty on purpose; the checks live in `tests/all/`, where the
//! official `wasmcloud-control-interface` 3.0.1 client drives a real Trellis host on a
//! real nats-server, and everything asserted is what a wasmCloud user would see.
