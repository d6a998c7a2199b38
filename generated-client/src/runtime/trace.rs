//! Tracing, with the `tracing` cargo feature (off by default; without it
//! everything here does nothing and costs nothing).
//!
//! Each call is an `INFO` span named `superoffice_call` with the fields
//! `operation` (the operation id, e.g. `v1UserAgent_SaveUser`), `method`,
//! `path` (the documented template, e.g. `/api/v1/Contact/{id}`, never
//! the filled-in path), and, when it ends, `status`, `attempts` and
//! `duration_ms`. Inside it, `INFO` events tell of retries (`attempt`,
//! `delay_ms`, `status`), credential renewals after a `401`, tenant
//! lookups (`tenant`, `host`) and moves after a `421`. Credentials, header
//! values, query values, filled-in paths and bodies are never recorded.

use std::future::Future;
use std::time::Duration;

use super::endpoint::Endpoint;

/// The span of one call.
pub(crate) struct CallSpan {
    #[cfg(feature = "tracing")]
    span: ::tracing::Span,
}

impl CallSpan {
    /// Opens the span of a call of `endpoint`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn new(endpoint: &Endpoint) -> Self {
        CallSpan {
            #[cfg(feature = "tracing")]
            span: ::tracing::info_span!(
                "superoffice_call",
                operation = endpoint.id,
                method = endpoint.method.as_str(),
                path = endpoint.template,
                status = ::tracing::field::Empty,
                attempts = ::tracing::field::Empty,
                duration_ms = ::tracing::field::Empty,
            ),
        }
    }

    /// Runs `f` inside the span.
    pub async fn run<F: Future>(&self, f: F) -> F::Output {
        #[cfg(feature = "tracing")]
        let f = ::tracing::Instrument::instrument(f, self.span.clone());
        f.await
    }

    /// Records how the call ended.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn finish(&self, status: Option<u16>, attempts: Option<u32>, took: Duration) {
        #[cfg(feature = "tracing")]
        {
            if let Some(status) = status {
                self.span.record("status", status);
            }
            if let Some(attempts) = attempts {
                self.span.record("attempts", attempts);
            }
            self.span.record("duration_ms", millis(took));
        }
    }
}

/// Whole milliseconds, saturating.
#[cfg(feature = "tracing")]
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Attempt `attempt` failed (with `status`, or without an answer) and the
/// call is sent again after `delay`.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn retrying(attempt: u32, delay: Duration, status: Option<u16>) {
    #[cfg(feature = "tracing")]
    match status {
        Some(status) => ::tracing::info!(
            attempt,
            delay_ms = millis(delay),
            status,
            "retrying after a failed attempt"
        ),
        None => ::tracing::info!(
            attempt,
            delay_ms = millis(delay),
            "retrying after a failed connection"
        ),
    }
}

/// The credentials source is asked to renew them: after a `401`, or
/// (`ahead`) because they run out soon.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn renewing(ahead: bool) {
    #[cfg(feature = "tracing")]
    if ahead {
        ::tracing::info!("renewing credentials before they run out");
    } else {
        ::tracing::info!("renewing credentials after 401");
    }
}

/// Renewing credentials before they run out failed; the current value is
/// sent while it lasts.
pub(crate) fn renew_ahead_failed() {
    #[cfg(feature = "tracing")]
    ::tracing::warn!("renewing credentials before they run out failed");
}

/// The tenant answered `421`: it has moved, and is looked up again.
pub(crate) fn moved() {
    #[cfg(feature = "tracing")]
    ::tracing::info!("tenant moved (421): looking it up again");
}

/// The state service is asked where `tenant` is.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn resolving(tenant: &str) {
    #[cfg(feature = "tracing")]
    ::tracing::info!(tenant, "looking up the tenant");
}

/// `tenant` is at `host`.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn resolved(tenant: &str, host: &str) {
    #[cfg(feature = "tracing")]
    ::tracing::info!(tenant, host, "tenant found");
}
