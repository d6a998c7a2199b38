//! Time limits, retries and redirects.

use std::time::Instant;

use std::time::Duration;
use wiremock::matchers::{body_bytes, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use reqwest::Method;
use superoffice_runtime::call::Body;
use superoffice_runtime::{redirect, Call, Client, Endpoint, Error, RetryPolicy};

/// Retries that wait a millisecond or two, so the tests stay fast.
fn quick(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_secs(2),
        retry_non_idempotent: false,
    }
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(server.uri())
        .bearer("secret-token")
        .app_token("secret-app")
        .retry(retry)
        .build()
        .expect("client")
}

fn call(client: &Client, m: Method, p: &str) -> Call<()> {
    Call::empty(
        client,
        Endpoint::new(m, "test_Op", "/test"),
        p.into(),
        Body::None,
    )
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// A server answering `first` once, then `then`.
async fn flaky(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/x"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let c = Client::builder(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let start = Instant::now();
    let err = call(&c, Method::GET, "/api/v1/x")
        .retry(RetryPolicy::none())
        .await
        .expect_err("times out");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the request timed out: no complete answer within 200ms"
    );

    // The call's own limit wins over the client's.
    let c = client(&server, RetryPolicy::none());
    assert_eq!(c.timeout(), superoffice_runtime::client::DEFAULT_TIMEOUT);
    let err = call(&c, Method::GET, "/api/v1/x")
        .timeout(Duration::from_millis(100))
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after_even_for_post() {
    let server = flaky(
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200),
    )
    .await;
    let c = client(&server, quick(3));
    let start = Instant::now();
    call(&c, Method::POST, "/api/v1/x")
        .await
        .expect("second attempt succeeds");
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_at_once() {
    let server = flaky(
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
        ResponseTemplate::new(200),
    )
    .await;
    let c = client(&server, quick(3));
    let err = call(&c, Method::GET, "/api/v1/x")
        .await
        .expect_err("not waited for");
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(api.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_on_503_unless_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = client(&server, quick(3));
    let err = call(&c, Method::POST, "/api/v1/x").await.expect_err("503");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(received(&server).await.len(), 1);

    let err = call(&c, Method::POST, "/api/v1/x")
        .idempotent()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(
        err.to_string(),
        "the server answered 503 (after 3 attempts)"
    );
    assert_eq!(received(&server).await.len(), 4);

    let opted_in = Client::builder(server.uri())
        .retry(quick(2))
        .retry_non_idempotent(true)
        .build()
        .expect("client");
    let err = call(&opted_in, Method::POST, "/api/v1/x")
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(2));
    assert_eq!(received(&server).await.len(), 6);

    // A call can also opt out of a client's opt-in.
    let err = call(&opted_in, Method::POST, "/api/v1/x")
        .retry_non_idempotent(false)
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), Some(1));
}

#[tokio::test]
async fn get_is_retried_on_503_and_the_body_is_sent_again() {
    let server = flaky(ResponseTemplate::new(503), ResponseTemplate::new(200)).await;
    let c = client(&server, quick(3));
    call(&c, Method::GET, "/api/v1/x")
        .await
        .expect("second attempt succeeds");
    assert_eq!(received(&server).await.len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(body_bytes(br#"{"A":1}"#.to_vec()))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(body_bytes(br#"{"A":1}"#.to_vec()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, quick(3));
    Call::<()>::empty(
        &c,
        Endpoint::new(Method::PUT, "test_Op", "/test"),
        "/api/v1/x".into(),
        Body::json(&serde_json::json!({"A": 1})),
    )
    .await
    .expect("second attempt succeeds");
}

#[tokio::test]
async fn a_disabled_policy_makes_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let err = call(&c, Method::GET, "/api/v1/x").await.expect_err("503");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(err.to_string(), "the server answered 503");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn connection_failures_are_retried_for_idempotent_calls_only() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let c = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(quick(3))
        .build()
        .expect("client");
    let err = call(&c, Method::GET, "/api/v1/x")
        .await
        .expect_err("refused");
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.is_connect(), "{err}");
    assert_eq!(t.attempts(), 3);
    assert!(
        err.to_string()
            .starts_with("the request failed (after 3 attempts): "),
        "{err}"
    );
    let err = call(&c, Method::POST, "/api/v1/x")
        .await
        .expect_err("refused");
    assert_eq!(err.attempts(), Some(1));
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_host() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/api/v1/y", b.uri()).as_str()),
        )
        .mount(&a)
        .await;
    Mock::given(path("/api/v1/y"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&b)
        .await;
    let c = Client::builder(a.uri())
        .bearer("secret-token")
        .app_token("secret-app")
        .header("SO-Secret", "secret-extra")
        .accept_language("sv")
        .build()
        .expect("client");
    call(&c, Method::GET, "/api/v1/x").await.expect("followed");
    let at_b = received(&b).await;
    let headers = &at_b[0].headers;
    assert!(headers.get("authorization").is_none(), "{headers:?}");
    assert!(headers.get("so-apptoken").is_none(), "{headers:?}");
    assert!(headers.get("so-secret").is_none(), "{headers:?}");
    assert_eq!(
        headers.get("accept-language").map(|v| v.as_bytes()),
        Some(&b"sv"[..])
    );
}

#[tokio::test]
async fn credentials_follow_a_redirect_on_the_same_host() {
    let a = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/api/v1/y"))
        .mount(&a)
        .await;
    Mock::given(path("/api/v1/y"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer secret-token",
        ))
        .and(wiremock::matchers::header("so-apptoken", "secret-app"))
        .and(method("POST"))
        .and(body_bytes(b"{}".to_vec()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&a)
        .await;
    let c = client(&a, RetryPolicy::none());
    Call::<()>::empty(
        &c,
        Endpoint::new(Method::POST, "test_Op", "/test"),
        "/api/v1/x".into(),
        Body::json(&serde_json::json!({})),
    )
    .await
    .expect("followed");
}

#[tokio::test]
async fn endless_redirects_end() {
    let a = MockServer::start().await;
    Mock::given(path("/api/v1/x"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/api/v1/x"))
        .mount(&a)
        .await;
    let c = client(&a, quick(3));
    let err = call(&c, Method::GET, "/api/v1/x").await.expect_err("loop");
    assert!(matches!(err, Error::Redirect(_)), "{err:?}");
    assert!(err.to_string().contains("more than 10 redirects"), "{err}");
    assert_eq!(received(&a).await.len(), redirect::MAX_REDIRECTS + 1);
}
