//! The hand-written runtime of the generated SuperOffice WebAPI client.
//!
//! It is built in layers; each module uses only the layers below it (a
//! test in `tests/layers.rs` fails on any import that goes up or across):
//!
//! | layer | modules | what they own |
//! | --- | --- | --- |
//! | 0 | [`datetime`], [`carrier`], `flight`, `jsonpath` | leaves: SuperOffice's date-times, how carriers travel as JSON, one-at-a-time asks with shared failures, where in a JSON text a decoding error is |
//! | 1 | [`endpoint`], [`enums`], [`environment`], [`links`] | what a generated method says about its endpoint, body and query values; string enums; SuperOffice Online's environments and their hosts; an entity with its `_Links` |
//! | 2 | [`error`], `testing` | every error type, credentials' and tenants' included; the sample tests' JSON comparison |
//! | 3 | `trace`, `webhooks` | spans and events (the `tracing` feature); receiving SuperOffice's webhooks (the `webhooks` feature) |
//! | 4 | [`url`] | API roots, path segments, the URL of a call |
//! | 5 | [`retry`], [`redirect`], `rate` | when to try again and how long to wait; which redirects to follow and what to strip; a rate limit every clone of the client shares, pacing each request |
//! | 6 | `transport` | one attempt: the request, its redirects, the whole answer |
//! | 7 | [`credentials`], [`tenant`], `login` | the policies around a send: renewing credentials after `401` (or before they run out), finding a tenant that moved after `421`; SuperOffice's login service and its token checks (the `oauth` and `system-user` features) |
//! | 8 | [`client`], `classify` | the client's configuration; the one classifier that says what follows an attempt |
//! | 9 | `orchestrator`, `oauth`, `system_user` | the one attempt loop: endpoint, identity, transmit, classify; the sign-in sources (the `oauth` and `system-user` features), credentials sources built on the client's configuration |
//! | 10 | [`call`], [`paging`] | a call as the generated methods return it; paging as a stream |
//!
//! The generator copies these files into the generated crate as its
//! `runtime` module, so everything here refers to its siblings through
//! `super::`, never `crate::`. The end-to-end tests are in `tests/`, which
//! is not copied.

pub mod call;
pub mod carrier;
mod classify;
pub mod client;
pub mod credentials;
pub mod datetime;
pub mod endpoint;
pub mod enums;
pub mod environment;
pub mod error;
mod flight;
mod jsonpath;
pub mod links;
#[cfg(any(feature = "oauth", feature = "system-user"))]
pub mod login;
#[cfg(feature = "oauth")]
pub mod oauth;
mod orchestrator;
pub mod paging;
mod rate;
pub mod redirect;
pub mod retry;
#[cfg(feature = "system-user")]
pub mod system_user;
pub mod tenant;
#[doc(hidden)]
pub mod testing;
mod trace;
mod transport;
pub mod url;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use call::{Call, Response};
pub use client::{
    Auth, Client, ClientBuilder, Headers, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};
pub use credentials::Credentials;
pub use datetime::DateTime;
pub use endpoint::{Endpoint, NoQuery, QueryParams, QueryValue};
pub use error::{
    ApiError, CredentialsError, DecodeError, Error, SignInError, SignInStep, TransportError,
};
pub use links::WithLinks;
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
