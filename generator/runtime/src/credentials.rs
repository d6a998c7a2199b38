//! Credentials that renew themselves: a [`Credentials`] source the client
//! asks for the `Authorization` value, and asks again after a `401`. A
//! policy layer: it keeps the value and renews it once for the calls
//! refused together; the runtime's classifier decides when, its attempt
//! loop asks.
//!
//! The static [`Auth`](super::Auth) setters (`.basic(…)`, `.bearer(…)`,
//! `.so_ticket(…)`) remain the simple path; a source is for credentials
//! that expire: an OAuth refresh, a system-user ticket exchange, a vault.
//!
//! How the client uses a source:
//!
//! - the first call asks [`Credentials::authorization`] once; the value is
//!   kept and sent with every call;
//! - a call answered `401 Unauthorized` asks [`Credentials::renew`] once
//!   and is repeated with the new value (a `POST` too: the server refused
//!   it before doing anything); a second `401` is the call's error;
//! - calls that are refused together (the same value, sent concurrently)
//!   cause one renewal, not one each: a call refused with a value that has
//!   been renewed since just repeats with the newer value;
//! - asking the source takes at most the call's time limit;
//! - a source that fails gives [`Error::Credentials`], which says which
//!   step failed but never contains a credential.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;

use super::error::Error;
pub use super::error::{BoxError, CredentialsError, CredentialsStep};
use super::flight::{Flight, Turn};

/// A boxed, sendable future (what a [`Credentials`] source returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a client gets its `Authorization` header value.
///
/// Implement it for an OAuth token refresher, a system-user ticket
/// exchange or a vault, and give it to
/// [`ClientBuilder::credentials`](super::ClientBuilder::credentials).
/// The values are whole header values: `Bearer eyJ…`, `SOTicket 7T:…`,
/// `Basic …`.
///
/// Two things a source must see to:
/// - its errors are shown in the client's [`Error::Credentials`]
///   (through `Display` and `source()`), so they must not contain secrets;
/// - a renewal is a future of the call that was refused, and is dropped
///   if that call is: a source whose refresh token is replaced on every
///   use should finish the exchange in a task of its own
///   (`tokio::spawn`) and keep the new token before answering.
///
/// Calls that queue while the source fails for another call get that
/// failure, without asking again, and waiting for another call's ask
/// takes at most the call's time limit.
pub trait Credentials: Send + Sync + 'static {
    /// The value to start with. Asked by the first call (and by the next
    /// call again if it failed).
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>>;

    /// A fresh value, after the server answered `401` to the current one.
    /// Asked once for all the calls refused together. By default it asks
    /// [`authorization`](Self::authorization) again.
    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        self.authorization()
    }

    /// When the value given last stops being accepted, if the source knows
    /// (an OAuth access token's `expires_in`) and can renew it. From
    /// [`RENEW_AHEAD`] before then, the client asks [`renew`](Self::renew)
    /// before sending instead of sending a value the server will refuse; if
    /// that fails, the value is still sent until it runs out (and renewed
    /// after a `401`). A value that had less than `RENEW_AHEAD` to live
    /// when it was given is not renewed ahead. By default `None`: the value
    /// is renewed only after a `401`.
    fn expires_at(&self) -> Option<SystemTime> {
        None
    }
}

/// Why a value is renewed.
enum Why {
    /// The server answered `401` to it.
    Refused,
    /// It runs out soon.
    Expiring,
}

/// How long before a value's [`Credentials::expires_at`] the client renews it.
pub const RENEW_AHEAD: Duration = Duration::from_secs(60);

/// A shared source is a source: keep an `Arc` of yours to look at it
/// while the client uses it.
impl<C: Credentials + ?Sized> Credentials for Arc<C> {
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        (**self).authorization()
    }

    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        (**self).renew()
    }

    fn expires_at(&self) -> Option<SystemTime> {
        (**self).expires_at()
    }
}

/// A credentials source as the client builder keeps it: shared, and never
/// printed.
#[derive(Clone)]
pub(crate) struct Source(pub Arc<dyn Credentials>);

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// The value the client sends, and how many times it was renewed.
#[derive(Default)]
struct Current {
    /// Bumped by every value taken from the source.
    generation: u64,
    value: Option<HeaderValue>,
    /// Whether `value` is renewed before it runs out: it had more than
    /// [`RENEW_AHEAD`] to live when it was kept, and renewing it ahead has
    /// not failed.
    ahead: bool,
}

/// A client's credentials source with the value it gave last.
pub(crate) struct Renewer {
    source: Arc<dyn Credentials>,
    current: Mutex<Current>,
    /// Held while the source is asked, so it is asked by one call at a
    /// time; remembers which step failed last.
    flight: Flight<CredentialsStep>,
}

impl std::fmt::Debug for Renewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// The `Authorization` value a call sends, and its generation.
#[derive(Clone)]
pub(crate) struct Stamp {
    pub generation: u64,
    pub value: HeaderValue,
}

impl Renewer {
    pub fn new(source: Source) -> Self {
        Renewer {
            source: source.0,
            current: Mutex::new(Current::default()),
            flight: Flight::new(),
        }
    }

    /// The value as it is now, if the source gave one.
    fn now(&self) -> (u64, Option<HeaderValue>) {
        let c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        (c.generation, c.value.clone())
    }

    /// Waits, at most `limit`, for this call's turn to ask the source; a
    /// call that queued while an ask for the same step failed for another
    /// call gets that failure instead of asking again.
    async fn turn(
        &self,
        step: CredentialsStep,
        limit: Duration,
    ) -> Result<Turn<'_, CredentialsStep>, Error> {
        let turn = self
            .flight
            .turn(limit)
            .await
            .ok_or_else(|| Error::Credentials(CredentialsError::timed_out(step, limit)))?;
        if turn.failed_meanwhile() == Some(&step) {
            return Err(Error::Credentials(CredentialsError::shared(step)));
        }
        Ok(turn)
    }

    /// Asks the source in this call's turn, noting a failure.
    async fn ask_source(
        &self,
        turn: Turn<'_, CredentialsStep>,
        answer: BoxFuture<'_, Result<String, BoxError>>,
        step: CredentialsStep,
        limit: Duration,
    ) -> Result<Stamp, Error> {
        let outcome = ask(answer, step, limit).await;
        turn.ended(outcome.is_err().then_some(step));
        outcome.map(|value| self.keep(value))
    }

    /// Keeps a value from the source.
    fn keep(&self, value: HeaderValue) -> Stamp {
        let mut c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        c.generation += 1;
        c.value = Some(value.clone());
        c.ahead = self
            .source
            .expires_at()
            .is_some_and(|t| SystemTime::now().checked_add(RENEW_AHEAD) < Some(t));
        Stamp {
            generation: c.generation,
            value,
        }
    }

    /// The value to send, asking the source for the first one, and for a
    /// new one when the value it gave runs out soon.
    pub async fn current(&self, limit: Duration) -> Result<Stamp, Error> {
        if let (generation, Some(value)) = self.now() {
            let stamp = Stamp { generation, value };
            return match self.ahead_due(generation) {
                Some(expires) => self.renewed_ahead(stamp, expires, limit).await,
                None => Ok(stamp),
            };
        }
        let turn = self.turn(CredentialsStep::Authorization, limit).await?;
        if let (generation, Some(value)) = self.now() {
            return Ok(Stamp { generation, value });
        }
        self.ask_source(
            turn,
            self.source.authorization(),
            CredentialsStep::Authorization,
            limit,
        )
        .await
    }

    /// When the value of `generation` runs out, if it is to be renewed
    /// before it does: it runs out within [`RENEW_AHEAD`], it had longer
    /// than that to live when it was kept (values that live shorter are
    /// renewed after a `401`, not before every call), and renewing it ahead
    /// has not failed already.
    fn ahead_due(&self, generation: u64) -> Option<SystemTime> {
        let expires = self.source.expires_at()?;
        let soon = SystemTime::now().checked_add(RENEW_AHEAD)?;
        if soon < expires {
            return None;
        }
        let c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        (c.generation == generation && c.ahead).then_some(expires)
    }

    /// A new value for `stamp`, which runs out at `expires`. If the source
    /// fails, `stamp` is still sent while it has not run out (and is not
    /// renewed ahead again: a `401` renews it).
    async fn renewed_ahead(
        &self,
        stamp: Stamp,
        expires: SystemTime,
        limit: Duration,
    ) -> Result<Stamp, Error> {
        match self.renewed(stamp.generation, limit, Why::Expiring).await {
            Ok(renewed) => Ok(renewed),
            Err(e) => {
                let mut c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
                if c.generation == stamp.generation {
                    c.ahead = false;
                }
                drop(c);
                super::trace::renew_ahead_failed();
                if SystemTime::now() < expires {
                    Ok(stamp)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// A value to repeat a call with, after `refused` got a `401`: the
    /// source's fresh one, or the one another call renewed it to meanwhile.
    pub async fn renew(&self, refused: u64, limit: Duration) -> Result<Stamp, Error> {
        self.renewed(refused, limit, Why::Refused).await
    }

    /// A new value instead of the one of generation `old`, for `why`.
    async fn renewed(&self, old: u64, limit: Duration, why: Why) -> Result<Stamp, Error> {
        let step = match why {
            Why::Refused => CredentialsStep::Renew,
            Why::Expiring => CredentialsStep::RenewAhead,
        };
        let turn = self.turn(step, limit).await?;
        if let (generation, Some(value)) = self.now() {
            if generation != old {
                return Ok(Stamp { generation, value });
            }
        }
        super::trace::renewing(matches!(why, Why::Expiring));
        self.ask_source(turn, self.source.renew(), step, limit)
            .await
    }
}

/// Asks the source, within `limit`, for a header value (marked sensitive).
async fn ask(
    answer: BoxFuture<'_, Result<String, BoxError>>,
    step: CredentialsStep,
    limit: Duration,
) -> Result<HeaderValue, Error> {
    let fail = Error::Credentials;
    let value = match tokio::time::timeout(limit, answer).await {
        Err(_elapsed) => return Err(fail(CredentialsError::timed_out(step, limit))),
        Ok(Err(e)) => return Err(fail(CredentialsError::failed(step, e))),
        Ok(Ok(value)) => value,
    };
    let mut header =
        HeaderValue::from_str(&value).map_err(|_| fail(CredentialsError::unsendable(step)))?;
    header.set_sensitive(true);
    Ok(header)
}
