//! placeholder (engineer L2 writes the crate docs and the client modules)

pub mod local;
