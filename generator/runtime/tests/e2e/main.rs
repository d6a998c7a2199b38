//! The runtime end to end: a client calling mock servers (wiremock), as a
//! generated crate's methods do. One test binary, a module per behaviour.
//! These tests stay here; the generator copies only `src/` into the
//! crates it makes.

mod calls;
mod credentials;
#[cfg(any(feature = "oauth", feature = "system-user"))]
mod login_mock;
#[cfg(feature = "oauth")]
mod oauth;
mod paging;
mod rate;
mod responses;
mod retries;
#[cfg(feature = "system-user")]
mod system_user;
mod tenants;
