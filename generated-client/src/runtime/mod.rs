//! The hand-written runtime of the generated SuperOffice WebAPI client:
//! the client (base URL, authentication, headers), one call's life (path,
//! query, body, sending, decoding), the error type and SuperOffice's
//! date-times.
//!
//! The generator copies these files into the generated crate as its
//! `runtime` module, so everything here refers to its siblings through
//! `super::`, never `crate::`.

pub mod call;
pub mod client;
pub mod datetime;
pub mod error;
#[doc(hidden)]
pub mod testing;

pub use call::{Call, NoQuery, QueryParams, QueryValue};
pub use client::{Auth, Client, ClientBuilder, Headers};
pub use datetime::DateTime;
pub use error::{ApiError, DecodeError, Error};
