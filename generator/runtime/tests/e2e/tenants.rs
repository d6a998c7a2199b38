//! Online tenants that are looked up and followed when they move.

use std::time::Duration;

use serde_json::json;
use superoffice_runtime::call::Body;
use superoffice_runtime::credentials::{BoxError, BoxFuture};
use superoffice_runtime::{Call, Client, Credentials, Endpoint, Environment, Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A state service at `/api/state/Cust1` on its own mock server.
async fn state_service() -> MockServer {
    MockServer::start().await
}

fn running_at(host: &MockServer, valid_until: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "ContextIdentifier": "Cust1",
        "Endpoint": format!("{}/Cust1", host.uri()),
        "State": "Running",
        "IsRunning": true,
        "ValidUntil": valid_until,
        "Api": format!("{}/Cust1/api", host.uri()),
    }))
}

fn client(states: &MockServer) -> Client {
    Client::tenant(Environment::Custom(states.uri()), "Cust1")
        .bearer("secret-token")
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

fn call(client: &Client) -> Call<()> {
    Call::empty(
        client,
        Endpoint::new(reqwest::Method::POST, "test_X", "/api/v1/x"),
        "/api/v1/x".into(),
        Body::json(&json!({"A": 1})),
    )
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

const LATER: &str = "2999-01-01T00:00:00Z";

#[tokio::test]
async fn a_tenant_that_moves_is_followed() {
    let states = state_service().await;
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER))
        .up_to_n_times(1)
        .mount(&states)
        .await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&b, LATER))
        .mount(&states)
        .await;
    Mock::given(method("POST"))
        .and(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&a)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(421))
        .mount(&a)
        .await;
    Mock::given(method("POST"))
        .and(path("/Cust1/api/v1/x"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer secret-token",
        ))
        .respond_with(ResponseTemplate::new(204))
        .mount(&b)
        .await;
    let c = client(&states);
    assert_eq!(c.url("/api/v1/x"), None);
    call(&c).await.expect("first call, on A");
    assert_eq!(
        c.url("/api/v1/x"),
        Some(format!("{}/Cust1/api/v1/x", a.uri()))
    );
    call(&c).await.expect("second call: 421 on A, then B");
    assert_eq!(
        (count(&states).await, count(&a).await, count(&b).await),
        (2, 2, 1)
    );
    assert_eq!(
        c.url("/api/v1/x"),
        Some(format!("{}/Cust1/api/v1/x", b.uri()))
    );
    // The state service gets no credentials.
    let asked = states.received_requests().await.unwrap_or_default();
    assert!(asked
        .iter()
        .all(|r| r.headers.get("authorization").is_none()));
}

#[tokio::test]
async fn a_second_421_is_the_error() {
    let states = state_service().await;
    let a = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER))
        .mount(&states)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(421))
        .mount(&a)
        .await;
    let c = client(&states);
    let err = call(&c).await.expect_err("misdirected twice");
    assert_eq!(err.status(), Some(421));
    assert_eq!(err.attempts(), Some(2));
    assert_eq!((count(&states).await, count(&a).await), (2, 2));
}

#[tokio::test]
async fn the_location_is_kept_until_valid_until() {
    let states = state_service().await;
    let a = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER))
        .mount(&states)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&a)
        .await;
    let c = client(&states);
    for _ in 0..3 {
        call(&c).await.expect("ok");
    }
    assert_eq!((count(&states).await, count(&a).await), (1, 3));

    // An answer valid until a moment past is kept for a while all the
    // same (`MIN_TENANT_TTL`), not asked for again before every call.
    let states = state_service().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, "2020-01-01T00:00:00Z"))
        .mount(&states)
        .await;
    let c = client(&states);
    for _ in 0..3 {
        call(&c).await.expect("ok");
    }
    assert_eq!(count(&states).await, 1);
}

#[tokio::test]
async fn concurrent_first_calls_ask_the_state_service_once() {
    let states = state_service().await;
    let a = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER).set_delay(Duration::from_millis(100)))
        .mount(&states)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&a)
        .await;
    let c = client(&states);
    let calls = (0..6).map(|_| call(&c).send());
    for outcome in futures_util::future::join_all(calls).await {
        outcome.expect("ok");
    }
    assert_eq!((count(&states).await, count(&a).await), (1, 6));
}

#[tokio::test]
async fn calls_that_all_get_421_look_the_tenant_up_again_once() {
    let states = state_service().await;
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER))
        .up_to_n_times(1)
        .mount(&states)
        .await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&b, LATER).set_delay(Duration::from_millis(50)))
        .mount(&states)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(421))
        .mount(&a)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&b)
        .await;
    let c = client(&states);
    let calls = (0..8).map(|_| call(&c).send());
    for outcome in futures_util::future::join_all(calls).await {
        outcome.expect("each call ends on B");
    }
    // One first lookup, one after the move: not one per call.
    assert_eq!(count(&states).await, 2);
    assert_eq!((count(&a).await, count(&b).await), (8, 8));
}

#[tokio::test]
async fn a_move_and_a_refusal_in_one_call_end_it_after_three_sends() {
    struct Fixed;
    impl Credentials for Fixed {
        fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
            Box::pin(async { Ok("Bearer secret-token".to_string()) })
        }
    }
    let states = state_service().await;
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&a, LATER))
        .up_to_n_times(1)
        .mount(&states)
        .await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(running_at(&b, LATER))
        .mount(&states)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(421))
        .mount(&a)
        .await;
    Mock::given(path("/Cust1/api/v1/x"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&b)
        .await;
    let c = Client::tenant(Environment::Custom(states.uri()), "Cust1")
        .credentials(Fixed)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = call(&c).await.expect_err("refused on B");
    assert_eq!(err.status(), Some(401));
    // A once (421), B twice (401, then 401 after renewing): no more.
    assert_eq!((count(&a).await, count(&b).await), (1, 2));
    assert_eq!(count(&states).await, 2);
}

#[tokio::test]
async fn calls_waiting_on_a_failing_lookup_share_its_failure() {
    let states = state_service().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(ResponseTemplate::new(500).set_delay(Duration::from_millis(100)))
        .mount(&states)
        .await;
    let c = client(&states);
    let calls = (0..10).map(|_| call(&c).send());
    for outcome in futures_util::future::join_all(calls).await {
        let err = outcome.expect_err("no location");
        assert!(matches!(err, Error::TenantLookup { .. }), "{err:?}");
    }
    // One lookup for the ten calls that arrived together.
    assert_eq!(count(&states).await, 1);
}

#[tokio::test]
async fn a_tenant_that_is_not_running_is_not_called() {
    let states = state_service().await;
    let a = MockServer::start().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ContextIdentifier": "Cust1",
            "Endpoint": format!("{}/Cust1", a.uri()),
            "State": "OfflineMaintenance",
            "IsRunning": false,
        })))
        .mount(&states)
        .await;
    let c = client(&states);
    let err = call(&c).await.expect_err("offline");
    assert_eq!(
        err.to_string(),
        "tenant `Cust1` is not available: its state is `OfflineMaintenance`"
    );
    assert_eq!(count(&a).await, 0);

    // A state service that fails says so.
    let states = state_service().await;
    Mock::given(path("/api/state/Cust1"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&states)
        .await;
    let err = call(&client(&states)).await.expect_err("unknown tenant");
    assert_eq!(
        err.to_string(),
        "could not find where tenant `Cust1` is: the state service failed: the server answered 404"
    );
}
