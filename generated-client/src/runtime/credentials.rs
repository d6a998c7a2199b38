//! Credentials that renew themselves: a [`Credentials`] source the client
//! asks for the `Authorization` value, and asks again after a `401`.
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
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::error::Error;
use super::flight::{Flight, Turn};

/// A boxed, sendable future (what a [`Credentials`] source returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any error a [`Credentials`] source reports.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

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

/// Which request to the source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsStep {
    /// Getting the first value ([`Credentials::authorization`]).
    Authorization,
    /// Renewing after a `401` ([`Credentials::renew`]).
    Renew,
}

/// A [`Credentials`] source failed, took too long, or gave a value that
/// cannot be sent as a header. Never contains the value.
#[derive(Debug)]
pub struct CredentialsError {
    /// What the client asked the source for.
    pub step: CredentialsStep,
    /// What went wrong.
    kind: Failure,
}

#[derive(Debug)]
enum Failure {
    /// The source reported an error.
    Source(BoxError),
    /// The source did not answer within the call's time limit.
    TimedOut(Duration),
    /// The value has a character a header cannot carry (a line break).
    Unsendable,
    /// The source failed for another call while this one waited for it
    /// (so it is asked once, not once for every waiting call).
    Shared,
}

impl CredentialsError {
    /// The error the source reported, if it reported one.
    pub fn source_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match &self.kind {
            Failure::Source(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The source did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, Failure::TimedOut(_))
    }
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let step = match self.step {
            CredentialsStep::Authorization => "give the Authorization value",
            CredentialsStep::Renew => "renew the Authorization value after a 401",
        };
        match &self.kind {
            Failure::Source(e) => write!(f, "the credentials source failed to {step}: {e}"),
            Failure::TimedOut(limit) => {
                write!(f, "the credentials source did not {step} within {limit:?}")
            }
            Failure::Unsendable => write!(
                f,
                "the credentials source was asked to {step} and gave a value that cannot be sent as a header"
            ),
            Failure::Shared => write!(
                f,
                "the credentials source failed to {step} for another call while this one waited"
            ),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Failure::Source(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// The value the client sends, and how many times it was renewed.
#[derive(Default)]
struct Current {
    /// Bumped by every value taken from the source.
    generation: u64,
    value: Option<HeaderValue>,
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
        let fail = |kind| Error::Credentials(CredentialsError { step, kind });
        let turn = self
            .flight
            .turn(limit)
            .await
            .ok_or_else(|| fail(Failure::TimedOut(limit)))?;
        if turn.failed_meanwhile() == Some(&step) {
            return Err(fail(Failure::Shared));
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
        Stamp {
            generation: c.generation,
            value,
        }
    }

    /// The value to send, asking the source for the first one.
    pub async fn current(&self, limit: Duration) -> Result<Stamp, Error> {
        if let (generation, Some(value)) = self.now() {
            return Ok(Stamp { generation, value });
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

    /// A value to repeat a call with, after `refused` got a `401`: the
    /// source's fresh one, or the one another call renewed it to meanwhile.
    pub async fn renew(&self, refused: u64, limit: Duration) -> Result<Stamp, Error> {
        let turn = self.turn(CredentialsStep::Renew, limit).await?;
        if let (generation, Some(value)) = self.now() {
            if generation != refused {
                return Ok(Stamp { generation, value });
            }
        }
        super::trace::renewing();
        self.ask_source(turn, self.source.renew(), CredentialsStep::Renew, limit)
            .await
    }
}

/// Asks the source, within `limit`, for a header value (marked sensitive).
async fn ask(
    answer: BoxFuture<'_, Result<String, BoxError>>,
    step: CredentialsStep,
    limit: Duration,
) -> Result<HeaderValue, Error> {
    let fail = |kind| Error::Credentials(CredentialsError { step, kind });
    let value = match tokio::time::timeout(limit, answer).await {
        Err(_elapsed) => return Err(fail(Failure::TimedOut(limit))),
        Ok(Err(e)) => return Err(fail(Failure::Source(e))),
        Ok(Ok(value)) => value,
    };
    let mut header = HeaderValue::from_str(&value).map_err(|_| fail(Failure::Unsendable))?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use wiremock::matchers::{header, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::call::{Body, Call, Empty, Endpoint};
    use super::super::client::Client;
    use super::*;

    /// Gives `Bearer secret-0` first, then `Bearer secret-1`, … on each
    /// renewal, slowly enough that concurrent calls overlap.
    struct Counting {
        renewals: AtomicU32,
        fail_renew: bool,
    }

    impl Counting {
        fn new() -> Arc<Self> {
            Arc::new(Counting {
                renewals: AtomicU32::new(0),
                fail_renew: false,
            })
        }
    }

    impl Credentials for Arc<Counting> {
        fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok("Bearer secret-0".to_string())
            })
        }

        fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if self.fail_renew {
                    return Err("the refresh token secret-r was revoked".into());
                }
                let n = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(format!("Bearer secret-{n}"))
            })
        }
    }

    fn call<'a>(client: &'a Client, method: reqwest::Method) -> Call<'a, Empty> {
        Call::new(
            client,
            Endpoint::new(method, "test_X", "/api/v1/x"),
            "/api/v1/x".into(),
            Body::json(&serde_json::json!({"A": 1})),
        )
    }

    /// A server that refuses `Bearer secret-0` and accepts `Bearer secret-1`.
    async fn server() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/x"))
            .and(header("authorization", "Bearer secret-1"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        Mock::given(path("/api/v1/x"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        server
    }

    async fn authorizations(server: &MockServer) -> Vec<String> {
        let requests = server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .map(|r| {
                r.headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[tokio::test]
    async fn a_401_renews_once_and_repeats_even_a_post() {
        let server = server().await;
        let source = Counting::new();
        let client = Client::builder(server.uri())
            .credentials(source.clone())
            .build()
            .expect("client");
        call(&client, reqwest::Method::POST)
            .await
            .expect("repeated with the renewed value");
        assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
        assert_eq!(
            authorizations(&server).await,
            ["Bearer secret-0", "Bearer secret-1"]
        );
        // The renewed value is kept for the next call.
        call(&client, reqwest::Method::POST).await.expect("ok");
        assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
        assert_eq!(authorizations(&server).await.len(), 3);
    }

    #[tokio::test]
    async fn a_second_401_is_the_error() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/x"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        let source = Counting::new();
        let client = Client::builder(server.uri())
            .credentials(source.clone())
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET)
            .await
            .expect_err("refused twice");
        assert_eq!(err.status(), Some(401));
        assert_eq!(err.attempts(), Some(2));
        assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
        assert_eq!(authorizations(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn concurrent_401s_renew_once() {
        let server = server().await;
        let source = Counting::new();
        let client = Client::builder(server.uri())
            .credentials(source.clone())
            .build()
            .expect("client");
        // The eight calls wait together for the first value, are all
        // refused with it, and wait together for the renewal.
        let calls = (0..8).map(|_| call(&client, reqwest::Method::POST).send());
        for outcome in futures_util::future::join_all(calls).await {
            outcome.expect("each call succeeds");
        }
        assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
        let sent = authorizations(&server).await;
        assert_eq!(sent.len(), 16, "{sent:?}");
        assert_eq!(sent.iter().filter(|a| *a == "Bearer secret-0").count(), 8);
        assert_eq!(sent.iter().filter(|a| *a == "Bearer secret-1").count(), 8);
    }

    #[tokio::test]
    async fn a_failing_source_says_which_step_failed_and_no_secret() {
        let server = server().await;
        let source = Arc::new(Counting {
            renewals: AtomicU32::new(0),
            fail_renew: true,
        });
        let client = Client::builder(server.uri())
            .credentials(source)
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET)
            .await
            .expect_err("renewal failed");
        let Error::Credentials(c) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(c.step, CredentialsStep::Renew);
        assert_eq!(
            err.to_string(),
            "the credentials source failed to renew the Authorization value after a 401: the refresh token secret-r was revoked"
        );
        let shown = format!("{err:?} {client:?}");
        assert!(!shown.contains("secret-0"), "{shown}");

        struct Broken;
        impl Credentials for Broken {
            fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
                Box::pin(async { Ok("Bearer secret\r\nX-Evil: 1".to_string()) })
            }
        }
        let client = Client::builder(server.uri())
            .credentials(Broken)
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET)
            .await
            .expect_err("unsendable");
        assert_eq!(
            err.to_string(),
            "the credentials source was asked to give the Authorization value and gave a value that cannot be sent as a header"
        );
    }

    #[tokio::test]
    async fn a_silent_source_times_out() {
        struct Silent;
        impl Credentials for Silent {
            fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
                Box::pin(std::future::pending())
            }
        }
        let server = server().await;
        let client = Client::builder(server.uri())
            .credentials(Silent)
            .timeout(Duration::from_millis(100))
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET)
            .await
            .expect_err("times out");
        let Error::Credentials(c) = &err else {
            panic!("{err:?}")
        };
        assert!(c.is_timeout());
        assert_eq!(authorizations(&server).await.len(), 0);
    }

    #[tokio::test]
    async fn calls_waiting_on_a_silent_source_fail_together_and_ask_it_once() {
        struct Silent(Arc<AtomicU32>);
        impl Credentials for Silent {
            fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
                self.0.fetch_add(1, Ordering::SeqCst);
                Box::pin(std::future::pending())
            }
        }
        let server = server().await;
        let asked = Arc::new(AtomicU32::new(0));
        let client = Client::builder(server.uri())
            .credentials(Silent(Arc::clone(&asked)))
            .timeout(Duration::from_millis(200))
            .build()
            .expect("client");
        let started = std::time::Instant::now();
        let calls = (0..10).map(|_| call(&client, reqwest::Method::GET).send());
        for outcome in futures_util::future::join_all(calls).await {
            let err = outcome.expect_err("no credentials");
            assert!(matches!(err, Error::Credentials(_)), "{err:?}");
        }
        // One ask for all ten, not one after another (which would take 2 s).
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(authorizations(&server).await.len(), 0);
    }

    #[tokio::test]
    async fn a_401_where_a_redirect_took_the_credentials_off_renews_nothing() {
        let elsewhere = MockServer::start().await;
        Mock::given(path("/moved"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&elsewhere)
            .await;
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/x"))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("location", format!("{}/moved", elsewhere.uri())),
            )
            .mount(&server)
            .await;
        let source = Counting::new();
        let client = Client::builder(server.uri())
            .credentials(source.clone())
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET).await.expect_err("401");
        assert_eq!(err.status(), Some(401));
        assert_eq!(source.renewals.load(Ordering::SeqCst), 0);
        assert_eq!(
            authorizations(&elsewhere).await,
            [""],
            "no credentials went there"
        );
    }

    #[tokio::test]
    async fn static_credentials_do_not_renew() {
        let server = server().await;
        let client = Client::builder(server.uri())
            .bearer("secret-0")
            .build()
            .expect("client");
        let err = call(&client, reqwest::Method::GET).await.expect_err("401");
        assert_eq!(err.status(), Some(401));
        assert_eq!(authorizations(&server).await.len(), 1);
    }
}
