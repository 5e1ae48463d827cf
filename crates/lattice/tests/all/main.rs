//! Integration tests of trellis-lattice against a real nats-server.

mod auth;
mod auth_jwt;
mod client;
mod hosts;
mod reconnect_model;
mod transport;
mod v2;
