//! Integration tests of trellis-wit, on components built at test time from WAT + WIT.

mod bad_input;
mod compat;
mod decode;
mod fixtures;
mod link_cases;
mod real_toolchain;
mod satisfy;
