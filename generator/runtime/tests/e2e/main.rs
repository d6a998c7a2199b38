//! The runtime end to end: a client calling mock servers (wiremock), as a
//! generated crate's methods do. One test binary, a module per behaviour.
//! These tests stay here; the generator copies only `src/` into the
//! crates it makes.

mod calls;
mod credentials;
mod paging;
mod retries;
mod tenants;
#[cfg(feature = "tracing")]
mod tracing;
