//! The hand-written runtime of the generated SuperOffice WebAPI client:
//! the client (base URL or Online tenant, authentication, headers, time
//! limits), one call's life (path, query, body, sending, decoding),
//! retries, safe redirects, credentials that renew themselves, tenants that
//! move, paging as a stream, tracing (the `tracing` feature), the error
//! type and SuperOffice's date-times.
//!
//! The generator copies these files into the generated crate as its
//! `runtime` module, so everything here refers to its siblings through
//! `super::`, never `crate::`.

pub mod call;
pub mod carrier;
pub mod client;
pub mod credentials;
pub mod datetime;
pub mod enums;
pub mod error;
mod flight;
pub mod paging;
pub mod path;
pub mod redirect;
pub mod retry;
mod send;
pub mod tenant;
#[doc(hidden)]
pub mod testing;
mod trace;

pub use call::{Call, Endpoint, NoQuery, QueryParams, QueryValue};
pub use client::{Auth, Client, ClientBuilder, Headers, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use credentials::{Credentials, CredentialsError};
pub use datetime::DateTime;
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use paging::{PageAnswer, Rows, Window};
pub use retry::RetryPolicy;
pub use tenant::Environment;

/// A generated crate keeps this runtime as `crate::runtime`, and the
/// runtime's macros name it so; this alias lets its own tests expand them.
#[cfg(test)]
#[allow(unused_imports, clippy::module_inception)]
pub(crate) mod runtime {
    pub use super::*;
}
