//! wRPC over NATS for Trellis hosts, wire-compatible with wasmCloud 1.x.
//!
//! wasmCloud 1.x components and providers call each other over wRPC: a call to function
//! `f` of interface instance `i` on target `t` is published to
//! `<lattice>.<t>.wrpc.0.0.1.<i>.<f>`, answered by whichever replica of `t` takes it
//! from the queue group `<lattice>.<t>`. The transport and framing are wRPC's own crates
//! (`wrpc-transport-nats` at the version wasmCloud 1.9 uses); this crate adds what those
//! leave to a runtime: encoding wasmtime's dynamic [`wasmtime::component::Val`]s
//! ([`codec`]), the instance names wasmCloud puts on the wire ([`names`]), and calling
//! and serving functions with them ([`client`], [`server`]).

pub mod blobstore;
pub mod client;
pub mod codec;
pub mod http;
pub mod keyvalue;
pub mod messaging;
pub mod names;
pub mod server;
pub mod types;
pub mod wave;

pub use client::{Call, CallError, Invoker};
pub use codec::{carriable, encode_values, ValuesDecoder};
pub use server::{serve, Export, Handler, Invocation, Serving};
