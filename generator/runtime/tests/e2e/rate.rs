//! The client's rate limit, on a real clock with small numbers (the exact
//! spacing is tested on tokio's paused clock in `src/rate.rs`): shared by
//! clones, taken by retries, and waited for within the call's time limit.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use superoffice_runtime::call::Body;
use superoffice_runtime::{Call, Client, Endpoint, RetryPolicy};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn call(client: &Client) -> Call<()> {
    Call::empty(
        client,
        Endpoint::new(reqwest::Method::GET, "v1X_Get", "/api/v1/x"),
        "/api/v1/x".into(),
        Body::None,
    )
}

/// A server that notes when each request came.
async fn noting(times: Arc<Mutex<Vec<Instant>>>, status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(move |_: &Request| {
            times.lock().expect("lock").push(Instant::now());
            ResponseTemplate::new(status)
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn clones_share_the_limit() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let server = noting(Arc::clone(&times), 204).await;
    let window = Duration::from_millis(300);
    let client = Client::builder(server.uri())
        .rate_limit(2, window)
        .build()
        .expect("client");
    let other = client.clone();
    let calls = (0..6).map(|i| {
        let c = if i % 2 == 0 {
            client.clone()
        } else {
            other.clone()
        };
        async move { call(&c).await }
    });
    let started = Instant::now();
    for outcome in futures_util::future::join_all(calls).await {
        outcome.expect("ok");
    }
    assert!(started.elapsed() >= 2 * window, "{:?}", started.elapsed());
    let mut at = times.lock().expect("lock").clone();
    at.sort();
    for (i, t) in at.iter().enumerate() {
        let in_window = at[i..]
            .iter()
            .filter(|u| **u < *t + window - Duration::from_millis(20))
            .count();
        assert!(in_window <= 2, "{in_window} in one window");
    }
}

#[tokio::test]
async fn a_retry_takes_a_slot_and_waiting_counts_against_the_time_limit() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let server = noting(Arc::clone(&times), 503).await;
    let client = Client::builder(server.uri())
        .rate_limit(1, Duration::from_millis(400))
        .retry(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
            retry_non_idempotent: false,
        })
        .build()
        .expect("client");
    let err = call(&client).await.expect_err("503 twice");
    assert_eq!(err.attempts(), Some(2));
    let at = times.lock().expect("lock").clone();
    assert!(
        at[1] - at[0] >= Duration::from_millis(380),
        "the retry waited for its slot"
    );

    // The next slot is far: a call with a short time limit gives up.
    let client = Client::builder(server.uri())
        .rate_limit(1, Duration::from_secs(30))
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let _ = call(&client).await;
    let started = Instant::now();
    let err = call(&client).await.expect_err("no slot in time");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_redirect_takes_a_slot_of_its_own() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/api/v1/y"))
        .mount(&server)
        .await;
    let t = Arc::clone(&times);
    Mock::given(path("/api/v1/y"))
        .respond_with(move |_: &Request| {
            t.lock().expect("lock").push(Instant::now());
            ResponseTemplate::new(204)
        })
        .mount(&server)
        .await;
    let window = Duration::from_millis(300);
    let client = Client::builder(server.uri())
        .rate_limit(1, window)
        .build()
        .expect("client");
    let started = Instant::now();
    call(&client).await.expect("followed");
    // The first request took the one slot; the redirected one waited for
    // the window to pass.
    let at = times.lock().expect("lock").clone();
    assert_eq!(at.len(), 1);
    assert!(
        at[0] - started >= window - Duration::from_millis(20),
        "{:?}",
        at[0] - started
    );
}
