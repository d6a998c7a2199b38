//! Tracing: one span per call, no secrets. A test binary of its own:
//! `tracing` caches per callsite whether anyone listens, and tests on
//! other threads of one process, calling without a subscriber, race with
//! the thread-local subscriber this test sets.
#![cfg(feature = "tracing")]

use std::sync::{Arc, Mutex};

use superoffice_runtime::call::{path_segment, Body};
use superoffice_runtime::credentials::{BoxError, BoxFuture};
use superoffice_runtime::{Call, Client, Credentials, Endpoint, RetryPolicy};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Everything written, shared with the subscriber.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut b = self.0.lock().unwrap_or_else(|p| p.into_inner());
        b.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        let b = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&b).into_owned()
    }
}

struct Tokens;
impl Credentials for Tokens {
    fn authorization(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async { Ok("Bearer secret-old".to_string()) })
    }
    fn renew(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async { Ok("Bearer secret-new".to_string()) })
    }
}

#[tokio::test]
async fn a_call_is_a_span_without_secrets_paths_or_bodies() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    let filled = "/api/v1/Contact/secret-id-42";
    Mock::given(path(filled))
        .and(header("authorization", "Bearer secret-old"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path(filled))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(filled))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .credentials(Tokens)
        .app_token("secret-app")
        .retry(RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    Call::<()>::empty(
        &client,
        Endpoint::new(
            reqwest::Method::PUT,
            "v1Contact_PutContact",
            "/api/v1/Contact/{id}",
        ),
        format!("/api/v1/Contact/{}", path_segment(&"secret-id-42")),
        Body::json(&serde_json::json!({"Name": "secret-body"})),
    )
    .required("q", "secret-query")
    .await
    .expect("renewed, retried, done");

    let out = buffer.text();
    for field in [
        "superoffice_call",
        "operation=\"v1Contact_PutContact\"",
        "method=\"PUT\"",
        "path=\"/api/v1/Contact/{id}\"",
        "status=204",
        "attempts=3",
        "duration_ms=",
        "renewing credentials after 401",
        "retrying after a failed attempt",
        "status=503",
    ] {
        assert!(out.contains(field), "no `{field}` in:\n{out}");
    }
    assert!(
        !out.contains("secret"),
        "a secret, the filled path or the body in:\n{out}"
    );
}

#[cfg(feature = "system-user")]
#[path = "e2e/login_mock.rs"]
mod login_mock;

/// A system user signs in, renews its ticket after a `401` and calls: the
/// trace names the steps, never the key, the system token, the ticket or
/// the app's secret.
#[cfg(feature = "system-user")]
#[tokio::test]
async fn signing_in_leaves_no_secret_in_the_trace() {
    use login_mock as mock;
    use superoffice_runtime::system_user::SystemUser;
    use superoffice_runtime::Environment;

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    let asked = Arc::new(mock::Asked::default());
    mock::mount_keys(&server, &asked).await;
    mock::mount_system_user(&server, &asked, |_, _| None).await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .and(header("authorization", "SOTicket 7T:secret-ticket-2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path(format!("/{}/api/v1/x", mock::TENANT)))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let user = SystemUser::new(
        Environment::Custom(server.uri()),
        mock::TENANT,
        mock::CLIENT_SECRET,
        mock::PARTNER_KEY_PEM,
        mock::SYSTEM_TOKEN,
    )
    .expect("system user");
    let client = user
        .client()
        .await
        .expect("signed in")
        .build()
        .expect("client");
    Call::<()>::empty(
        &client,
        Endpoint::new(reqwest::Method::GET, "v1X_Get", "/api/v1/x"),
        "/api/v1/x".into(),
        Body::None,
    )
    .await
    .expect("renewed, then called");
    let out = buffer.text();
    assert!(out.contains("renewing credentials after 401"), "{out}");
    for secret in ["secret", "PRIVATE KEY", "MII"] {
        assert!(!out.contains(secret), "`{secret}` in:\n{out}");
    }
}
