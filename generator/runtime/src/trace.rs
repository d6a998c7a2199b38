//! Tracing, with the `tracing` cargo feature (off by default; without it
//! everything here does nothing and costs nothing).
//!
//! Each call is an `INFO` span named `superoffice_call` with the fields
//! `operation` (the operation id, e.g. `v1UserAgent_SaveUser`), `method`,
//! `path` (the documented template, e.g. `/api/v1/Contact/{id}`, never
//! the filled-in path), and, when it ends, `status`, `attempts` and
//! `duration_ms`. Inside it, `INFO` events tell of retries (`attempt`,
//! `delay_ms`, `status`), credential renewals after a `401`, tenant
//! lookups (`tenant`, `host`) and moves after a `421`. Credentials, header
//! values, query values, filled-in paths and bodies are never recorded.

use std::future::Future;
use std::time::Duration;

use super::call::Endpoint;

/// The span of one call.
pub(crate) struct CallSpan {
    #[cfg(feature = "tracing")]
    span: ::tracing::Span,
}

impl CallSpan {
    /// Opens the span of a call of `endpoint`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn new(endpoint: &Endpoint) -> Self {
        CallSpan {
            #[cfg(feature = "tracing")]
            span: ::tracing::info_span!(
                "superoffice_call",
                operation = endpoint.id,
                method = endpoint.method.as_str(),
                path = endpoint.template,
                status = ::tracing::field::Empty,
                attempts = ::tracing::field::Empty,
                duration_ms = ::tracing::field::Empty,
            ),
        }
    }

    /// Runs `f` inside the span.
    pub async fn run<F: Future>(&self, f: F) -> F::Output {
        #[cfg(feature = "tracing")]
        let f = ::tracing::Instrument::instrument(f, self.span.clone());
        f.await
    }

    /// Records how the call ended.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn finish(&self, status: Option<u16>, attempts: Option<u32>, took: Duration) {
        #[cfg(feature = "tracing")]
        {
            if let Some(status) = status {
                self.span.record("status", status);
            }
            if let Some(attempts) = attempts {
                self.span.record("attempts", attempts);
            }
            self.span.record("duration_ms", millis(took));
        }
    }
}

/// Whole milliseconds, saturating.
#[cfg(feature = "tracing")]
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Attempt `attempt` failed (with `status`, or without an answer) and the
/// call is sent again after `delay`.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn retrying(attempt: u32, delay: Duration, status: Option<u16>) {
    #[cfg(feature = "tracing")]
    match status {
        Some(status) => ::tracing::info!(
            attempt,
            delay_ms = millis(delay),
            status,
            "retrying after a failed attempt"
        ),
        None => ::tracing::info!(
            attempt,
            delay_ms = millis(delay),
            "retrying after a failed connection"
        ),
    }
}

/// The server refused the credentials with `401`: the source is asked to
/// renew them.
pub(crate) fn renewing() {
    #[cfg(feature = "tracing")]
    ::tracing::info!("renewing credentials after 401");
}

/// The tenant answered `421`: it has moved, and is looked up again.
pub(crate) fn moved() {
    #[cfg(feature = "tracing")]
    ::tracing::info!("tenant moved (421): looking it up again");
}

/// The state service is asked where `tenant` is.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn resolving(tenant: &str) {
    #[cfg(feature = "tracing")]
    ::tracing::info!(tenant, "looking up the tenant");
}

/// `tenant` is at `host`.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn resolved(tenant: &str, host: &str) {
    #[cfg(feature = "tracing")]
    ::tracing::info!(tenant, host, "tenant found");
}

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::format::FmtSpan;
    use wiremock::matchers::{header, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::call::{path_segment, Body, Call, Empty, Endpoint};
    use super::super::client::Client;
    use super::super::credentials::{BoxError, BoxFuture, Credentials};
    use super::super::retry::RetryPolicy;

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
        Call::<Empty>::new(
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
}
