//! wasmCloud 1.x compatibility: the official control client against Trellis hosts.
//!
//! One integration binary (STYLE.md): `support` starts a real nats-server and real
//! Trellis hosts; `control_interface` drives them with `wasmcloud-control-interface`;
//! `provider_archives` starts a provider archive from a registry with it.

mod control_interface;
mod provider_archives;
mod support;
