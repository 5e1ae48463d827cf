//! The integration tests of trellis-nats-server: a real `nats-server` started by
//! [`LocalNats`](trellis_nats_server::LocalNats), reached by real async-nats clients.

mod guest_user;
mod port;
