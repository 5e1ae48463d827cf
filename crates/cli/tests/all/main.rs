//! Integration tests of the real `trellis` binary (one test binary, STYLE.md).
//!
//! `support` runs the binary in private config/data directories; `lattice` drives
//! `trellis up` and the lattice commands against a real nats-server; `run` drives the
//! single-component dev loop; `secrets` checks file modes, credentials in output and
//! stopping with the server gone; `http` sends requests through an http-server link; `relaunch` kills the local lattice and starts it again; `oci` pushes, pulls and
//! starts components through a real registry.

mod grants;
mod http;
mod lattice;
mod oci;
mod providers;
mod relaunch;
mod run;
mod secrets;
mod spy;
mod support;
mod telemetry;
mod v2;
mod workflows;
mod wrpc;
