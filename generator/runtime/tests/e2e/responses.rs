//! What comes back beside the value: status and headers, conditional
//! requests (`412`, `304`), per-call headers; and how big an answer may be.

use std::time::{Duration, SystemTime};

use superoffice_runtime::call::Body;
use superoffice_runtime::{Call, Client, Endpoint, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(client: &Client) -> Call<serde_json::Value> {
    Call::json(
        client,
        Endpoint::new(
            reqwest::Method::GET,
            "v1Contact_Get",
            "/api/v1/Contact/{id}",
        ),
        "/api/v1/Contact/5".into(),
        Body::None,
    )
}

fn put(client: &Client) -> Call<serde_json::Value> {
    Call::json(
        client,
        Endpoint::new(
            reqwest::Method::PUT,
            "v1Contact_Put",
            "/api/v1/Contact/{id}",
        ),
        "/api/v1/Contact/5".into(),
        Body::json(&serde_json::json!({"Name": "x"})),
    )
}

const LAST_MODIFIED: &str = "Tue, 01 Dec 2026 10:00:00 GMT";

/// The request has header `name` with exactly `value` (wiremock's own
/// matcher splits values at commas, which HTTP dates have).
fn sent(name: &'static str, value: &'static str) -> impl Fn(&wiremock::Request) -> bool {
    move |r: &wiremock::Request| r.headers.get(name).and_then(|v| v.to_str().ok()) == Some(value)
}

#[tokio::test]
async fn status_and_headers_come_with_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"v7\"")
                .insert_header("Last-Modified", LAST_MODIFIED)
                .set_body_json(serde_json::json!({"Name": "ACME"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).build().expect("client");
    let r = get(&client).send_with_response().await.expect("ok");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers().get("etag").map(|v| v.as_bytes()),
        Some(&b"\"v7\""[..])
    );
    let at = r.last_modified().expect("Last-Modified");
    assert_eq!(
        chrono::DateTime::<chrono::Utc>::from(at).to_rfc3339(),
        "2026-12-01T10:00:00+00:00"
    );
    assert_eq!(r.into_inner()["Name"], "ACME");
}

#[tokio::test]
async fn a_save_after_someone_else_s_is_refused_with_412() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(sent("if-unmodified-since", LAST_MODIFIED))
        .respond_with(
            ResponseTemplate::new(412)
                .insert_header("Last-Modified", "Tue, 01 Dec 2026 11:00:00 GMT")
                .set_body_json(serde_json::json!({"Error": true, "ErrorMessage": "Changed since"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).build().expect("client");
    let when = chrono::DateTime::parse_from_rfc2822(LAST_MODIFIED).expect("date");
    let err = put(&client)
        .if_unmodified_since(SystemTime::from(when))
        .await
        .expect_err("412");
    assert!(err.is_precondition_failed(), "{err:?}");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(
        api.headers().get("last-modified").is_some(),
        "the error keeps the headers"
    );
    assert_eq!(err.attempts(), Some(1), "not retried");
}

#[tokio::test]
async fn not_modified_is_its_own_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(sent("if-modified-since", LAST_MODIFIED))
        .respond_with(ResponseTemplate::new(304).insert_header("ETag", "\"v7\""))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).build().expect("client");
    let when = chrono::DateTime::parse_from_rfc2822(LAST_MODIFIED).expect("date");
    let err = get(&client)
        .if_modified_since(SystemTime::from(when))
        .await
        .expect_err("304");
    assert!(err.is_not_modified(), "{err:?}");
    assert!(!matches!(err, Error::Decode(_)));
    let Error::NotModified { headers } = &err else {
        panic!("{err:?}")
    };
    assert!(headers.get("etag").is_some());
}

#[tokio::test]
async fn per_call_headers_are_sent_and_checked() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/Contact/5"))
        .and(header("x-request-tag", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).build().expect("client");
    get(&client)
        .header("X-Request-Tag", "abc")
        .await
        .expect("sent");
    let err = get(&client)
        .header("X-Request-Tag", "a\r\nX-Evil: 1")
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

/// A server that answers every request with `head` and then `chunk`
/// again and again, never ending the body.
async fn endless(head: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_answer_that_never_ends_stops_at_the_limit() {
    let base = endless(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .await;
    let client = Client::builder(base)
        .max_response_bytes(1 << 20)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let err = get(&client).await.expect_err("too large");
    assert!(
        matches!(err, Error::TooLarge { limit } if limit == 1 << 20),
        "{err:?}"
    );
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_content_length_beyond_the_limit_is_refused_before_reading() {
    let base = endless("HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n").await;
    let client = Client::builder(base)
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("too large");
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    assert_eq!(
        superoffice_runtime::DEFAULT_MAX_RESPONSE_BYTES,
        Client::builder("https://h.example")
            .build()
            .expect("c")
            .max_response_bytes()
    );
}
