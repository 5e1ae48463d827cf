//! Integration tests of trellis-lattice against a real nats-server.

mod client;
