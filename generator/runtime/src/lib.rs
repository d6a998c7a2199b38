//! The hand-written runtime of the generated SuperOffice WebAPI client:
//! the client (base URL, authentication, headers, time limits), one call's
//! life (path, query, body, sending, decoding), retries, safe redirects,
//! the error type and SuperOffice's date-times.
//!
//! The generator copies these files into the generated crate as its
//! `runtime` module, so everything here refers to its siblings through
//! `super::`, never `crate::`.

pub mod call;
pub mod carrier;
pub mod client;
pub mod datetime;
pub mod enums;
pub mod error;
pub mod path;
pub mod redirect;
pub mod retry;
mod send;
#[doc(hidden)]
pub mod testing;

pub use call::{Call, NoQuery, QueryParams, QueryValue};
pub use client::{Auth, Client, ClientBuilder, Headers, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use datetime::DateTime;
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use retry::RetryPolicy;

/// A generated crate keeps this runtime as `crate::runtime`, and the
/// runtime's macros name it so; this alias lets its own tests expand them.
#[cfg(test)]
#[allow(unused_imports, clippy::module_inception)]
pub(crate) mod runtime {
    pub use super::*;
}
