//! The one place that decides what follows an attempt: done, try again
//! after a delay, renew the credentials, look the tenant up again, or
//! stop with an error. Pure: it reads the attempt's outcome, what the
//! call has done so far and the time it is given, and sends, waits, reads
//! the clock and asks nothing itself.
//!
//! The rules, in order:
//!
//! 1. a success (`2xx`) is the answer;
//! 2. `401` renews the credentials once per call, when the client has a
//!    credentials source and the request that got the `401` carried them
//!    (a redirect to another origin takes them off);
//! 3. `421` looks a [tenant](super::tenant) up again once per call;
//! 4. the [retry policy](super::retry) decides whether a `429`, `502`,
//!    `503`, `504` or a failed connection is tried again, and after how
//!    long (`Retry-After`, or backoff); its `max_attempts` bounds these
//!    retries, and a renewal or a lookup is a send beyond them;
//! 5. anything else (a time limit run out, a refused redirect, any other
//!    status) ends the call.

use std::time::{Duration, SystemTime};

use super::error::{ApiError, Error, TransportError};
use super::retry::{self, RetryPolicy};
use super::transport::{Failure, Outcome};

/// What follows an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// A successful answer: the call is done.
    Done,
    /// Send again after this wait.
    Retry(Duration),
    /// Renew the credentials, then send again.
    Renew,
    /// Look the tenant up again, then send again.
    Relocate,
    /// The call ends; the outcome is its error.
    Stop,
}

/// What the call has done and may still do, besides the outcome.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Situation<'a> {
    pub policy: &'a RetryPolicy,
    /// The request may safely be sent twice.
    pub repeatable: bool,
    /// Retries made so far (renewals and lookups not counted).
    pub retries: u32,
    /// The client has a credentials source and this call has not renewed.
    pub may_renew: bool,
    /// The call went to a tenant's looked-up place and has not looked again.
    pub may_relocate: bool,
    /// Now, for a `Retry-After` that is a date.
    pub now: SystemTime,
}

impl Situation<'_> {
    /// The wait before the next retry, if the policy allows one.
    fn retry(&self, retry_after: Option<Duration>) -> Next {
        let attempt = self.retries.saturating_add(1);
        if attempt >= self.policy.attempts() {
            return Next::Stop;
        }
        match self.policy.delay(attempt, retry_after) {
            Some(d) => Next::Retry(d),
            None => Next::Stop,
        }
    }
}

/// What follows `outcome`.
pub(crate) fn classify(outcome: &Outcome, s: &Situation) -> Next {
    match outcome {
        Ok(answer) if answer.status.is_success() => Next::Done,
        Ok(answer) => match answer.status.as_u16() {
            401 if s.may_renew && !answer.credentials_dropped => Next::Renew,
            421 if s.may_relocate => Next::Relocate,
            status if retry::retry_status(status, s.repeatable) => {
                s.retry(retry::retry_after(&answer.headers, s.now))
            }
            _ => Next::Stop,
        },
        Err(Failure::Transport(e)) if retry::retry_transport(e, s.repeatable) => s.retry(None),
        Err(_) => Next::Stop,
    }
}

/// The error a call ends with, after `attempts` sends, when `outcome` is
/// not a success; `limit` is the time limit of an attempt, `now` the time.
pub(crate) fn error_of(outcome: Outcome, attempts: u32, limit: Duration, now: SystemTime) -> Error {
    match outcome {
        Ok(answer) if answer.status.as_u16() == 304 => Error::NotModified {
            headers: answer.headers,
        },
        Ok(answer) => {
            let mut e = ApiError::new(answer.status.as_u16(), answer.body);
            e.attempts = attempts;
            e.retry_after = retry::retry_after(&answer.headers, now);
            e.headers = Box::new(answer.headers);
            Error::Api(e)
        }
        Err(Failure::TimedOut) => Error::Transport(TransportError::timed_out(limit, attempts)),
        Err(Failure::TooLarge(limit)) => Error::TooLarge { limit },
        Err(Failure::Transport(e)) => Error::Transport(TransportError::new(e, attempts)),
        Err(Failure::Refused(e)) => e,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
    use reqwest::StatusCode;

    use super::super::transport::Answer;
    use super::*;

    fn answer(status: u16) -> Outcome {
        Ok(Answer {
            status: StatusCode::from_u16(status).expect("status"),
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
            credentials_dropped: false,
        })
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(1),
            retry_non_idempotent: false,
        }
    }

    fn situation(policy: &RetryPolicy) -> Situation<'_> {
        Situation {
            policy,
            repeatable: true,
            retries: 0,
            may_renew: true,
            may_relocate: true,
            now: SystemTime::now(),
        }
    }

    #[test]
    fn success_renewal_relocation_and_the_end() {
        let p = quick();
        let s = situation(&p);
        assert_eq!(classify(&answer(200), &s), Next::Done);
        assert_eq!(classify(&answer(204), &s), Next::Done);
        assert_eq!(classify(&answer(401), &s), Next::Renew);
        assert_eq!(classify(&answer(421), &s), Next::Relocate);
        assert_eq!(classify(&answer(404), &s), Next::Stop);
        assert_eq!(classify(&Err(Failure::TimedOut), &s), Next::Stop);
        let once = Situation {
            may_renew: false,
            may_relocate: false,
            ..s
        };
        assert_eq!(classify(&answer(401), &once), Next::Stop);
        assert_eq!(classify(&answer(421), &once), Next::Stop);
    }

    #[test]
    fn a_401_after_a_redirect_took_the_credentials_off_renews_nothing() {
        let p = quick();
        let Ok(mut a) = answer(401) else {
            unreachable!()
        };
        a.credentials_dropped = true;
        assert_eq!(classify(&Ok(a), &situation(&p)), Next::Stop);
    }

    #[test]
    fn retries_follow_the_policy_and_its_budget() {
        let p = quick();
        let s = situation(&p);
        assert!(matches!(classify(&answer(503), &s), Next::Retry(_)));
        assert!(matches!(classify(&answer(429), &s), Next::Retry(_)));
        let post = Situation {
            repeatable: false,
            ..s
        };
        assert_eq!(
            classify(&answer(503), &post),
            Next::Stop,
            "a POST is not resent on 503"
        );
        assert!(
            matches!(classify(&answer(429), &post), Next::Retry(_)),
            "but is on 429"
        );
        let spent = Situation { retries: 2, ..s };
        assert_eq!(
            classify(&answer(503), &spent),
            Next::Stop,
            "three attempts in all"
        );
    }

    #[test]
    fn retry_after_is_the_wait_unless_it_is_beyond_the_cap() {
        let p = quick();
        let s = situation(&p);
        let with = |v: &str| {
            let Ok(mut a) = answer(429) else {
                unreachable!()
            };
            a.headers
                .insert(RETRY_AFTER, HeaderValue::from_str(v).expect("value"));
            Ok(a)
        };
        assert_eq!(
            classify(&with("1"), &s),
            Next::Retry(Duration::from_secs(1))
        );
        assert_eq!(classify(&with("3600"), &s), Next::Stop);
    }

    #[test]
    fn errors_say_how_many_sends_were_made() {
        let e = error_of(answer(503), 3, Duration::from_secs(1), SystemTime::now());
        assert_eq!(e.attempts(), Some(3));
        assert_eq!(e.to_string(), "the server answered 503 (after 3 attempts)");
        let e = error_of(
            Err(Failure::TimedOut),
            1,
            Duration::from_millis(200),
            SystemTime::now(),
        );
        assert!(e.is_timeout());
        let e = error_of(
            Err(Failure::Refused(Error::Redirect("no".into()))),
            1,
            Duration::ZERO,
            SystemTime::now(),
        );
        assert!(matches!(e, Error::Redirect(_)));
    }
}
