//! One call of an endpoint: built by a generated method, adjusted with
//! query parameters, per-call headers, a time limit or a retry policy, and
//! sent by `.await` (or [`Call::send`]). The call owns what it needs (a
//! cheap clone of the client among it), so it can be built in one place
//! and awaited in another task.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use super::client::{header_map, header_setters, header_value, Client, Headers};
pub use super::endpoint::{Body, Endpoint, NoQuery, QueryParams, QueryValue};
use super::error::{DecodeError, Error};
use super::orchestrator::{self, Outgoing};
use super::retry::{self, Plan, RetryPolicy};
pub use super::url::path_segment;

/// Turns a successful answer's body into the call's value.
type Decoder<T> = fn(bytes::Bytes) -> Result<T, Error>;

/// One prepared call of an endpoint, answering `T`; `.await` sends it.
///
/// Before anything is sent the path is checked (see [`path_segment`]);
/// then the call is sent within its time limit, retried by its
/// [`RetryPolicy`], and redirects are followed by the
/// [rules](super::redirect) that keep credentials safe. A `401` renews a
/// [credentials](super::credentials) source's value once, and a `421`
/// looks up a moved [tenant](super::tenant) once, and the call is
/// repeated.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T, Q = NoQuery> {
    client: Client,
    endpoint: Endpoint,
    path: String,
    required_query: Vec<(&'static str, String)>,
    query: Q,
    body: Body,
    headers: Headers,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    retry_non_idempotent: Option<bool>,
    decode: Decoder<T>,
}

impl<T: DeserializeOwned, Q: Default> Call<T, Q> {
    /// A call whose answer is JSON of type `T` (used by the generated
    /// methods: `path` is the endpoint's template with the parameters
    /// filled in by [`path_segment`]).
    #[doc(hidden)]
    pub fn json(client: &Client, endpoint: Endpoint, path: String, body: Body) -> Self {
        Self::with(client, endpoint, path, body, decode_json::<T>)
    }
}

impl<Q: Default> Call<(), Q> {
    /// A call whose answer has no content the caller needs (204).
    #[doc(hidden)]
    pub fn empty(client: &Client, endpoint: Endpoint, path: String, body: Body) -> Self {
        Self::with(client, endpoint, path, body, |_| Ok(()))
    }
}

impl<Q: Default> Call<bytes::Bytes, Q> {
    /// A call whose answer is the raw bytes of a binary body (images,
    /// documents).
    #[doc(hidden)]
    pub fn bytes(client: &Client, endpoint: Endpoint, path: String, body: Body) -> Self {
        Self::with(client, endpoint, path, body, Ok)
    }
}

impl<T, Q: Default> Call<T, Q> {
    fn with(
        client: &Client,
        endpoint: Endpoint,
        path: String,
        body: Body,
        decode: Decoder<T>,
    ) -> Self {
        Call {
            client: client.clone(),
            endpoint,
            path,
            required_query: Vec::new(),
            query: Q::default(),
            body,
            headers: Headers::default(),
            timeout: None,
            retry: None,
            retry_non_idempotent: None,
            decode,
        }
    }
}

impl<T, Q> Call<T, Q> {
    /// A required query parameter (used by the generated methods).
    #[doc(hidden)]
    pub fn required(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.required_query.push((name, value.to_query()));
        self
    }

    /// Sets the optional query parameters.
    pub fn query(mut self, query: Q) -> Self {
        self.query = query;
        self
    }

    /// Overrides the client's SuperOffice headers for this call.
    pub fn headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    header_setters!("this call");

    /// How long each attempt of this call may take, instead of the
    /// client's [`timeout`](super::ClientBuilder::timeout).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Retries this call by `policy` instead of the client's
    /// ([`RetryPolicy::none`] for a single attempt).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Whether this `POST` may be retried on `502`, `503`, `504` and
    /// connection failures, whatever the client's policy says.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = Some(yes);
        self
    }

    /// Declares this call safe to send twice, so it is retried like a `GET`
    /// even if it is a `POST`: use it for the agent endpoints that only
    /// read (`…/Agents/…/Get…`).
    pub fn idempotent(self) -> Self {
        self.retry_non_idempotent(true)
    }

    /// The URL this call goes to (without the query string); for a
    /// [`tenant`](super::Client::tenant) client, where the tenant was last
    /// found (`None` before the first call).
    pub fn url(&self) -> Option<String> {
        self.client.url(&self.path)
    }

    /// The endpoint this call is of.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The time limit and retry policy of this call: its own where it has
    /// them, else the client's.
    fn plan(&self) -> Plan {
        let mut retry = self.retry.unwrap_or(*self.client.retry_policy());
        if let Some(yes) = self.retry_non_idempotent {
            retry.retry_non_idempotent = yes;
        }
        Plan {
            timeout: self.timeout.unwrap_or(self.client.timeout()),
            retry,
            repeatable: retry.retry_non_idempotent || retry::is_idempotent(&self.endpoint.method),
        }
    }
}

impl<T, Q: QueryParams> Call<T, Q> {
    /// Sends the call and decodes the answer.
    pub async fn send(self) -> Result<T, Error> {
        let span = super::trace::CallSpan::new(&self.endpoint);
        let start = std::time::Instant::now();
        let plan = self.plan();
        let Call {
            client,
            endpoint,
            path,
            mut required_query,
            query,
            body,
            headers,
            decode,
            ..
        } = self;
        required_query.extend(query.pairs());
        let sent = span
            .run(async {
                super::url::check(&path)?;
                let mut map = if headers.is_empty() {
                    client.base_headers().clone()
                } else {
                    let auth = client.auth().header_value();
                    header_map(&client.headers().merged(&headers), auth.as_deref())?
                };
                let body = match body {
                    Body::None => None,
                    Body::Json(Ok(bytes)) => {
                        map.insert(
                            CONTENT_TYPE,
                            HeaderValue::from_static("application/json; charset=utf-8"),
                        );
                        Some(bytes::Bytes::from(bytes))
                    }
                    Body::Json(Err(e)) => return Err(Error::Encode(e)),
                    Body::Binary {
                        bytes,
                        content_type,
                    } => {
                        map.insert(CONTENT_TYPE, header_value("Content-Type", &content_type)?);
                        Some(bytes)
                    }
                };
                let out = Outgoing {
                    method: endpoint.method.clone(),
                    path: &path,
                    query: &required_query,
                    headers: map,
                    body,
                    plan,
                };
                orchestrator::exchange(&client, out).await
            })
            .await;
        match &sent {
            Ok(s) => span.finish(Some(s.status), Some(s.attempts), start.elapsed()),
            Err(e) => span.finish(e.status(), e.attempts(), start.elapsed()),
        }
        decode(sent?.body).map_err(|e| match e {
            Error::Decode(mut d) => {
                d.endpoint = format!("{} {path}", endpoint.method);
                Error::Decode(d)
            }
            other => other,
        })
    }
}

/// Decodes JSON; when it does not decode, decodes it again to find the
/// path where it failed (so a call that decodes pays for no path).
pub fn decode_json<T: DeserializeOwned>(body: bytes::Bytes) -> Result<T, Error> {
    match serde_json::from_slice(&body) {
        Ok(v) => Ok(v),
        Err(first) => {
            let de = &mut serde_json::Deserializer::from_slice(&body);
            let (path, source) = match serde_path_to_error::deserialize::<_, T>(de) {
                Err(e) => (e.path().to_string(), e.into_inner()),
                // Cannot happen (the same input); keep the first error.
                Ok(_) => (String::new(), first),
            };
            Err(Error::Decode(DecodeError {
                path,
                source,
                body,
                endpoint: String::new(),
            }))
        }
    }
}

impl<T, Q> IntoFuture for Call<T, Q>
where
    T: Send + 'static,
    Q: QueryParams + Send + 'static,
{
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
