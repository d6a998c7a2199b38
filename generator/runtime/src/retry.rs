//! When a failed call is tried again, and how long to wait first: the
//! [`RetryPolicy`], which answers are worth another attempt, exponential
//! backoff with jitter, and the server's `Retry-After`.
//!
//! # What is retried
//!
//! - `429 Too Many Requests`, for every method: the server did not process
//!   the request.
//! - `502`, `503`, `504` and connection failures, only for idempotent
//!   methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`): a `POST` may have
//!   been processed before the failure, and sending it again could, say,
//!   create a second appointment.
//!
//! SuperOffice's agent endpoints (`/api/v1/Agents/…`) are all `POST`, even
//! the ones that only read. Opt in for those that are safe to repeat, per
//! call with [`Call::idempotent`](super::Call::idempotent) or for every call
//! with [`ClientBuilder::retry_non_idempotent`](super::ClientBuilder::retry_non_idempotent).
//!
//! A call that ran out of time ([`ClientBuilder::timeout`](super::ClientBuilder::timeout))
//! is not retried: its time is spent.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How often, and how patiently, a failed call is tried again (see the
/// [module docs](self) for which failures count).
///
/// ```ignore
/// // Five attempts, starting at 200 ms between them.
/// let policy = RetryPolicy { max_attempts: 5, base_delay: Duration::from_millis(200), ..RetryPolicy::default() };
/// // Never retry.
/// let policy = RetryPolicy::none();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (`1` never retries; `0`
    /// counts as `1`). Default 3.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles for every further retry,
    /// and a random part of up to half of it is taken off so that clients do
    /// not retry in step. Default 500 ms.
    pub base_delay: Duration,
    /// The longest wait between attempts. A `Retry-After` longer than this
    /// ends the retries at once: the error is returned, with
    /// [`ApiError::retry_after`](super::ApiError::retry_after) saying when the
    /// server wants to hear again. Default 30 s.
    pub max_delay: Duration,
    /// Also retry non-idempotent methods (`POST`, `PATCH`) on `502`, `503`,
    /// `504` and connection failures. Default `false`.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The number of attempts, at least one.
    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// How long to wait after failed attempt number `attempt` (1-based), or
    /// `None` when the server asked for a longer pause than
    /// [`max_delay`](Self::max_delay) allows.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(d) if d > self.max_delay => None,
            Some(d) => Some(d),
            None => Some(self.backoff(attempt)),
        }
    }

    /// Exponential backoff with "equal jitter": half of the doubled delay is
    /// fixed, the other half random, all of it capped at `max_delay`.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(20);
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = full / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(random_below(nanos.saturating_add(1)))
    }
}

/// How one call is sent: its time limit per attempt, its retry policy, and
/// whether it is safe to send twice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub repeatable: bool,
    /// The most bytes an answer's body may have.
    pub max_body: u64,
}

impl Plan {
    /// The longest a whole exchange by this plan may take (every attempt
    /// and the longest wait): how long a call waits for another call's
    /// tenant lookup.
    pub fn patience(&self) -> Duration {
        self.timeout
            .saturating_mul(self.retry.attempts())
            .saturating_add(self.retry.max_delay)
    }
}

/// `GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS` and `TRACE`: methods that mean
/// the same when sent twice.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Whether an answer with this status is worth another attempt; `repeatable`
/// says the request may safely be sent twice.
pub(crate) fn retry_status(status: u16, repeatable: bool) -> bool {
    match status {
        429 => true,
        502..=504 => repeatable,
        _ => false,
    }
}

/// Whether a request that got no answer is worth another attempt: failures
/// to connect or to send or read over the connection, for repeatable
/// requests only. Errors of the request itself (a bad header, a refused
/// redirect) would fail the same way again.
pub(crate) fn retry_transport(e: &reqwest::Error, repeatable: bool) -> bool {
    repeatable && (e.is_connect() || ((e.is_request() || e.is_body()) && !e.is_timeout()))
}

/// The `Retry-After` header: seconds, or an HTTP date (how long from `now`).
/// A date in the past means "now"; anything unreadable counts as absent.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) is RFC 2822 syntax.
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in `0..bound` (`0` when `bound` is `0`), different from call to
/// call: the standard library's randomly keyed hasher over a counter and the
/// clock. Good enough to spread retries; not for anything secret.
fn random_below(bound: u64) -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if bound == 0 {
        return 0;
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    RandomState::new().hash_one((n, now)) % bound
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn policy(base_ms: u64, max_ms: u64) -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_ms),
            retry_non_idempotent: false,
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = policy(100, 1000);
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let third = p.backoff(3);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third));
            let late = p.backoff(30);
            assert!((Duration::from_millis(500)..=Duration::from_millis(1000)).contains(&late));
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(4)).collect();
        assert!(spread.len() > 1, "no jitter: {spread:?}");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = policy(100, 5000);
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(6))), None);
        assert!(p.delay(1, None).is_some());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let at = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_static(v));
            h
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_000); // 2015-10-21 07:20:00 UTC
        assert_eq!(retry_after(&at("120"), now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after(&at("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Some(Duration::from_secs(480))
        );
        assert_eq!(
            retry_after(&at("Wed, 21 Oct 2015 07:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&at("soon"), now), None);
        assert_eq!(retry_after(&at("-5"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn which_statuses_and_methods_are_retried() {
        assert!(retry_status(429, false));
        for s in [502, 503, 504] {
            assert!(retry_status(s, true));
            assert!(!retry_status(s, false));
        }
        for s in [400, 401, 404, 500, 501] {
            assert!(!retry_status(s, true));
        }
        assert!(is_idempotent(&reqwest::Method::GET));
        assert!(is_idempotent(&reqwest::Method::PUT));
        assert!(is_idempotent(&reqwest::Method::DELETE));
        assert!(!is_idempotent(&reqwest::Method::POST));
        assert!(!is_idempotent(&reqwest::Method::PATCH));
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(
            RetryPolicy {
                max_attempts: 0,
                ..RetryPolicy::default()
            }
            .attempts(),
            1
        );
    }
}
