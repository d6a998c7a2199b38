//! Credentials that renew themselves after a `401`.

use std::sync::atomic::{AtomicU32, Ordering};

use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use superoffice_runtime::call::Body;
use superoffice_runtime::credentials::{BoxError, BoxFuture, CredentialsStep};
use superoffice_runtime::{Call, Client, Credentials, Endpoint, Error};

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

impl Credentials for Counting {
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

fn call(client: &Client, method: reqwest::Method) -> Call<()> {
    Call::empty(
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

#[tokio::test]
async fn retries_are_counted_for_the_whole_call_across_a_renewal() {
    // 503, then 401 (the value is refused), then 503 with the new value:
    // two attempts' worth of retries is spent by then, so the call ends,
    // after three sends (the renewal is a send beyond the retries).
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/x"))
        .and(header("authorization", "Bearer secret-0"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let source = Counting::new();
    let client = Client::builder(server.uri())
        .credentials(source.clone())
        .retry(superoffice_runtime::RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
            retry_non_idempotent: false,
        })
        .build()
        .expect("client");
    let err = call(&client, reqwest::Method::GET).await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
    assert_eq!(
        authorizations(&server).await,
        ["Bearer secret-0", "Bearer secret-0", "Bearer secret-1"]
    );
}

/// A source whose values run out when the test says: `Bearer ahead-0`
/// first, `Bearer ahead-1`, … on each renewal; renewing fails while
/// `fail` is set.
struct Expiring {
    expires: std::sync::Mutex<std::time::SystemTime>,
    renewals: AtomicU32,
    fail: std::sync::atomic::AtomicBool,
}

impl Expiring {
    fn new(lives: Duration) -> Arc<Self> {
        Arc::new(Expiring {
            expires: std::sync::Mutex::new(std::time::SystemTime::now() + lives),
            renewals: AtomicU32::new(0),
            fail: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// From now on, the value given last runs out `after` from now.
    fn runs_out_in(&self, after: Duration) {
        *self.expires.lock().unwrap_or_else(|p| p.into_inner()) =
            std::time::SystemTime::now() + after;
    }

    fn ran_out(&self) {
        *self.expires.lock().unwrap_or_else(|p| p.into_inner()) =
            std::time::SystemTime::now() - Duration::from_secs(1);
    }
}

impl Credentials for Expiring {
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async { Ok("Bearer ahead-0".to_string()) })
    }

    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move {
            if self.fail.load(Ordering::SeqCst) {
                return Err("the refresh token was revoked".into());
            }
            let n = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
            self.runs_out_in(Duration::from_secs(3600));
            Ok(format!("Bearer ahead-{n}"))
        })
    }

    fn expires_at(&self) -> Option<std::time::SystemTime> {
        Some(*self.expires.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

async fn accepting_anything() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_value_about_to_run_out_is_renewed_before_it_is_sent() {
    let server = accepting_anything().await;
    let source = Expiring::new(Duration::from_secs(3600));
    let client = Client::builder(server.uri())
        .credentials(source.clone())
        .build()
        .expect("client");
    call(&client, reqwest::Method::GET).await.expect("first");
    source.runs_out_in(Duration::from_secs(30));
    call(&client, reqwest::Method::GET).await.expect("second");
    call(&client, reqwest::Method::GET).await.expect("third");
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
    assert_eq!(
        authorizations(&server).await,
        ["Bearer ahead-0", "Bearer ahead-1", "Bearer ahead-1"]
    );
}

#[tokio::test]
async fn a_failed_renewal_ahead_keeps_sending_the_value_until_it_runs_out() {
    let server = accepting_anything().await;
    let source = Expiring::new(Duration::from_secs(3600));
    let client = Client::builder(server.uri())
        .credentials(source.clone())
        .build()
        .expect("client");
    call(&client, reqwest::Method::GET).await.expect("first");
    source.fail.store(true, Ordering::SeqCst);
    source.runs_out_in(Duration::from_secs(30));
    call(&client, reqwest::Method::GET)
        .await
        .expect("the value has not run out yet");
    call(&client, reqwest::Method::GET)
        .await
        .expect("not asked ahead again");
    assert_eq!(
        authorizations(&server).await,
        ["Bearer ahead-0", "Bearer ahead-0", "Bearer ahead-0"]
    );
    assert_eq!(source.renewals.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_value_that_ran_out_and_cannot_be_renewed_is_an_error_at_the_step() {
    let server = accepting_anything().await;
    let source = Expiring::new(Duration::from_secs(3600));
    let client = Client::builder(server.uri())
        .credentials(source.clone())
        .build()
        .expect("client");
    call(&client, reqwest::Method::GET).await.expect("first");
    source.fail.store(true, Ordering::SeqCst);
    source.ran_out();
    let err = call(&client, reqwest::Method::GET)
        .await
        .expect_err("ran out");
    match &err {
        Error::Credentials(c) => assert_eq!(c.step, CredentialsStep::RenewAhead, "{err}"),
        other => panic!("expected a credentials error, got {other:?}"),
    }
    assert_eq!(authorizations(&server).await.len(), 1, "nothing sent after");
}

#[tokio::test]
async fn values_that_live_shorter_than_the_margin_are_not_renewed_before_every_call() {
    let server = accepting_anything().await;
    let source = Expiring::new(Duration::from_secs(30));
    let client = Client::builder(server.uri())
        .credentials(source.clone())
        .build()
        .expect("client");
    for _ in 0..3 {
        call(&client, reqwest::Method::GET).await.expect("call");
    }
    assert_eq!(source.renewals.load(Ordering::SeqCst), 0);
    assert_eq!(authorizations(&server).await, ["Bearer ahead-0"; 3]);
}
