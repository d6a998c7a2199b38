//! One call of an endpoint: built by a generated method, adjusted with
//! query parameters, per-call headers, a time limit or a retry policy, and
//! sent by `.await` (or [`Call::send`]). The call owns what it needs (a
//! cheap clone of the client among it), so it can be built in one place
//! and awaited in another task.

use std::borrow::Cow;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
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

    /// Sends this header with this call (checked when sent: a name or a
    /// value that cannot be sent is [`Error::Config`]).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.extra.push((name.into(), value.into()));
        self
    }

    /// `If-Unmodified-Since`: the server saves only if the entity has not
    /// changed since `time` (an answer's `Last-Modified`); else it answers
    /// `412` ([`Error::is_precondition_failed`]).
    pub fn if_unmodified_since(self, time: impl Into<SystemTime>) -> Self {
        self.header("If-Unmodified-Since", http_date(time.into()))
    }

    /// `If-Modified-Since`: the server sends the entity only if it changed
    /// since `time`; else it answers `304` ([`Error::NotModified`]).
    pub fn if_modified_since(self, time: impl Into<SystemTime>) -> Self {
        self.header("If-Modified-Since", http_date(time.into()))
    }

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
            max_body: self.client.max_response_bytes(),
        }
    }
}

impl<T, Q: QueryParams> Call<T, Q> {
    /// Sends the call and decodes the answer.
    pub async fn send(self) -> Result<T, Error> {
        let (request, decode) = self.into_request();
        finish(request, decode).await.map(|r| r.value)
    }

    /// Sends the call and decodes the answer, keeping the answer's status
    /// and headers (`ETag`, `Last-Modified`, rate-limit headers).
    pub async fn send_with_response(self) -> Result<Response<T>, Error> {
        let (request, decode) = self.into_request();
        finish(request, decode).await
    }

    /// What the call sends, apart from the type of its answer (so the
    /// code that sends is compiled once, not once per endpoint).
    fn into_request(self) -> (Request, Decoder<T>) {
        let plan = self.plan();
        let mut query = self.required_query;
        query.extend(self.query.pairs());
        let request = Request {
            client: self.client,
            endpoint: self.endpoint,
            path: self.path,
            query,
            body: self.body,
            headers: self.headers,
            plan,
        };
        (request, self.decode)
    }
}

/// A call without the type of its answer.
struct Request {
    client: Client,
    endpoint: Endpoint,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Body,
    headers: Headers,
    plan: Plan,
}

impl Request {
    /// Sends the request within the call's span; its successful answer.
    async fn send(&mut self) -> Result<orchestrator::Success, Error> {
        let span = super::trace::CallSpan::new(&self.endpoint);
        let start = std::time::Instant::now();
        let sent = span.run(self.exchange()).await;
        match &sent {
            Ok(s) => span.finish(Some(s.status), Some(s.attempts), start.elapsed()),
            Err(e) => span.finish(e.status(), e.attempts(), start.elapsed()),
        }
        sent
    }

    /// The headers and body as sent, then the orchestrator's exchange.
    async fn exchange(&mut self) -> Result<orchestrator::Success, Error> {
        super::url::check(&self.path)?;
        let client = &self.client;
        let headers = if self.headers.is_empty() {
            Cow::Borrowed(client.base_headers())
        } else {
            let auth = client.auth().header_value();
            Cow::Owned(header_map(
                &client.headers().merged(&self.headers),
                auth.as_deref(),
            )?)
        };
        let (content_type, body) = match std::mem::replace(&mut self.body, Body::None) {
            Body::None => (None, None),
            Body::Json(Ok(bytes)) => (
                Some(HeaderValue::from_static("application/json; charset=utf-8")),
                Some(bytes::Bytes::from(bytes)),
            ),
            Body::Json(Err(e)) => return Err(Error::Encode(e)),
            Body::Binary {
                bytes,
                content_type,
            } => (
                Some(header_value("Content-Type", &content_type)?),
                Some(bytes),
            ),
        };
        let out = Outgoing {
            method: self.endpoint.method.clone(),
            path: &self.path,
            query: &self.query,
            headers,
            content_type,
            body,
            plan: self.plan,
        };
        orchestrator::exchange(client, out).await
    }
}

/// Sends `request` and decodes its answer with `decode`; a decoding error
/// names the call.
async fn finish<T>(mut request: Request, decode: Decoder<T>) -> Result<Response<T>, Error> {
    let sent = request.send().await?;
    let value = decode(sent.body).map_err(|e| match e {
        Error::Decode(mut d) => {
            d.endpoint = format!("{} {}", request.endpoint.method, request.path);
            Error::Decode(d)
        }
        other => other,
    })?;
    Ok(Response {
        status: sent.status,
        headers: sent.headers,
        value,
    })
}

/// A decoded answer with its status and headers
/// ([`Call::send_with_response`]).
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: reqwest::header::HeaderMap,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status (a `2xx`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The answer's `Last-Modified`, for an `If-Unmodified-Since` on the
    /// next save.
    pub fn last_modified(&self) -> Option<SystemTime> {
        let text = self
            .headers
            .get(reqwest::header::LAST_MODIFIED)?
            .to_str()
            .ok()?;
        let at = chrono::DateTime::parse_from_rfc2822(text).ok()?;
        Some(SystemTime::from(at.with_timezone(&chrono::Utc)))
    }

    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, without the status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// An HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
fn http_date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Decodes JSON; when it does not decode, the error says where, as a
/// path read off the text at the line and column serde_json reports.
pub fn decode_json<T: DeserializeOwned>(body: bytes::Bytes) -> Result<T, Error> {
    serde_json::from_slice(&body).map_err(|source| {
        Error::Decode(DecodeError {
            path: super::jsonpath::path_at(&body, source.line(), source.column()),
            source,
            body,
            endpoint: String::new(),
        })
    })
}

impl<T, Q> IntoFuture for Call<T, Q>
where
    T: Send + 'static,
    Q: QueryParams + Send + 'static,
{
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let (request, decode) = self.into_request();
        Box::pin(async move { finish(request, decode).await.map(|r| r.value) })
    }
}
