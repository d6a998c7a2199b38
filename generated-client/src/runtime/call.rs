//! One call of an endpoint: built by a generated method, adjusted with
//! query parameters and per-call headers, and sent by `.await` (or
//! [`Call::send`]).

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use serde::de::DeserializeOwned;

use super::client::{header_setters, Client, Headers};
use super::credentials::Stamp;
use super::error::{DecodeError, Error};
use super::retry::{self, RetryPolicy};
use super::send::{self, Plan, Prepared, Sent};

pub use super::path::path_segment;

/// A value that can be sent as a query parameter.
pub trait QueryValue {
    /// The value as it goes in the query string (before percent-encoding).
    fn to_query(&self) -> String;
}

macro_rules! display_query {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query!(
    i32,
    i64,
    u32,
    u64,
    f64,
    bool,
    String,
    str,
    super::datetime::DateTime
);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// Arrays go as comma-separated lists.
impl<T: QueryValue> QueryValue for Vec<T> {
    fn to_query(&self) -> String {
        self.iter().map(T::to_query).collect::<Vec<_>>().join(",")
    }
}

/// Objects go as JSON.
impl QueryValue for serde_json::Value {
    fn to_query(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// The optional query parameters of an endpoint (a generated struct).
pub trait QueryParams {
    /// `(wire name, value)` for every parameter that is set.
    fn pairs(&self) -> Vec<(&'static str, String)>;
}

/// Endpoints without optional query parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoQuery;

impl QueryParams for NoQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// What a successful response decodes into.
pub trait Decode {
    /// The decoded value.
    type Output;
    /// Decodes a successful answer's body.
    fn decode(body: bytes::Bytes) -> Result<Self::Output, Error>;
}

/// A JSON body of type `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Decode for Json<T> {
    type Output = T;
    fn decode(body: bytes::Bytes) -> Result<T, Error> {
        decode_json(body)
    }
}

/// Decodes JSON, reporting the path where it failed.
pub fn decode_json<T: DeserializeOwned>(body: bytes::Bytes) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(&body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode(DecodeError {
            path,
            source: e.into_inner(),
            body: body.clone(),
            endpoint: String::new(),
        })
    })
}

/// No content (204), or content the caller does not need.
pub struct Empty;

impl Decode for Empty {
    type Output = ();
    fn decode(_: bytes::Bytes) -> Result<(), Error> {
        Ok(())
    }
}

/// The raw bytes of a binary body (images, documents).
pub struct Raw;

impl Decode for Raw {
    type Output = bytes::Bytes;
    fn decode(body: bytes::Bytes) -> Result<bytes::Bytes, Error> {
        Ok(body)
    }
}

/// A request body.
#[derive(Debug)]
pub enum Body {
    /// No body.
    None,
    /// Encoded JSON (or the encoding error, reported when sent).
    Json(Result<Vec<u8>, serde_json::Error>),
    /// Bytes with their content type (image uploads).
    Binary {
        /// The content.
        bytes: bytes::Bytes,
        /// Its media type, e.g. `image/png`.
        content_type: String,
    },
}

impl Body {
    /// `value` as a JSON body.
    pub fn json(value: &impl serde::Serialize) -> Body {
        Body::Json(serde_json::to_vec(value))
    }
}

/// What a generated method calls: its operation id, HTTP method and path
/// template, as the reference page gives them. Tracing records these, never
/// the filled-in path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation id (the reference page's uid), e.g. `v1UserAgent_SaveUser`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The documented path, parameters unfilled, e.g. `/api/v1/Contact/{id}`.
    pub template: &'static str,
}

impl Endpoint {
    /// An endpoint (used by the generated methods).
    pub const fn new(method: reqwest::Method, id: &'static str, template: &'static str) -> Self {
        Endpoint {
            id,
            method,
            template,
        }
    }
}

/// One prepared call; `.await` sends it.
///
/// Before anything is sent the path is checked (see
/// [`path_segment`]); then the call is sent within its time limit, retried
/// by its [`RetryPolicy`], and redirects are followed by the
/// [rules](super::redirect) that keep credentials safe. A `401` renews a
/// [credentials](super::credentials) source's value once, and a `421`
/// looks up a moved [tenant](super::tenant) once, and the call is repeated.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, D, Q = NoQuery> {
    client: &'a Client,
    endpoint: Endpoint,
    path: String,
    required_query: Vec<(&'static str, String)>,
    query: Q,
    body: Body,
    headers: Headers,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    retry_non_idempotent: Option<bool>,
    decode: PhantomData<fn() -> D>,
}

impl<'a, D: Decode, Q: QueryParams + Default> Call<'a, D, Q> {
    /// Used by the generated endpoint methods: `path` is the endpoint's
    /// template with the parameters filled in by [`path_segment`].
    pub fn new(client: &'a Client, endpoint: Endpoint, path: String, body: Body) -> Self {
        Call {
            client,
            endpoint,
            path,
            required_query: Vec::new(),
            query: Q::default(),
            body,
            headers: Headers::default(),
            timeout: None,
            retry: None,
            retry_non_idempotent: None,
            decode: PhantomData,
        }
    }

    /// A required query parameter (used by the generated methods).
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

    /// Sends the call and decodes the answer.
    pub async fn send(self) -> Result<D::Output, Error> {
        let shown = format!("{} {}", self.endpoint.method, self.path);
        let span = super::trace::CallSpan::new(&self.endpoint);
        let start = Instant::now();
        let outcome = span.run(self.exchange()).await;
        match &outcome {
            Ok(sent) => span.finish(Some(sent.status), Some(sent.attempts), start.elapsed()),
            Err(e) => span.finish(e.status(), e.attempts(), start.elapsed()),
        }
        D::decode(outcome?.body).map_err(|e| match e {
            Error::Decode(mut d) => {
                d.endpoint = shown;
                Error::Decode(d)
            }
            other => other,
        })
    }

    /// Sends the call until it has a final answer: retried by its policy,
    /// repeated once with renewed credentials after a `401`, and once at
    /// the tenant's new location after a `421`.
    async fn exchange(self) -> Result<Sent, Error> {
        let client = self.client;
        let plan = self.plan();
        let mut query = self.required_query;
        query.extend(self.query.pairs());
        super::path::check(&self.path)?;
        let mut headers = request_headers(client, &self.headers)?;
        let body = request_body(self.body, &mut headers)?;
        let mut auth = authorization(client, plan.timeout).await?;
        let (mut renewed, mut moved, mut earlier) = (false, false, 0);
        loop {
            let (base, located) = client.locate(plan).await?;
            let url = super::path::url(&base, &self.path, &query)?;
            let mut headers = headers.clone();
            if let Some(a) = &auth {
                headers.insert(AUTHORIZATION, a.value.clone());
            }
            let req = Prepared {
                method: self.endpoint.method.clone(),
                url,
                headers,
                body: body.clone(),
            };
            match send::send(client.http(), &req, plan).await {
                Ok(mut sent) => {
                    sent.attempts += earlier;
                    return Ok(sent);
                }
                // A 401 from where a redirect took the credentials off says
                // nothing about them: no renewal.
                Err(Error::Api(e)) if e.status == 401 && !renewed && !e.credentials_dropped => {
                    let (Some(renewer), Some(refused)) = (client.renewer(), &auth) else {
                        return Err(with_earlier(Error::Api(e), earlier));
                    };
                    renewed = true;
                    earlier += e.attempts;
                    auth = Some(renewer.renew(refused.generation, plan.timeout).await?);
                }
                Err(Error::Api(e)) if e.status == 421 && !moved && located.is_some() => {
                    moved = true;
                    earlier += e.attempts;
                    super::trace::moved();
                    if let Some(generation) = located {
                        client.moved(generation);
                    }
                }
                Err(e) => return Err(with_earlier(e, earlier)),
            }
        }
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

/// `e` with `earlier` attempts (before a renewal or a move) counted in.
fn with_earlier(mut e: Error, earlier: u32) -> Error {
    e.add_attempts(earlier);
    e
}

/// The `Authorization` value of a call: the credentials source's, or the
/// static one.
async fn authorization(client: &Client, limit: Duration) -> Result<Option<Stamp>, Error> {
    if let Some(renewer) = client.renewer() {
        return renewer.current(limit).await.map(Some);
    }
    match client.auth().header_value() {
        Some(auth) => Ok(Some(Stamp {
            generation: 0,
            value: header_value("Authorization", &auth)?,
        })),
        None => Ok(None),
    }
}

/// `Accept` and the SuperOffice headers of a call.
fn request_headers(client: &Client, call: &Headers) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in client.headers().merged(call).pairs() {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("`{name}` is not a header name")))?;
        headers.append(header, header_value(name, value)?);
    }
    Ok(headers)
}

/// The bytes of a request body, with its `Content-Type` added to `headers`.
fn request_body(body: Body, headers: &mut HeaderMap) -> Result<Option<bytes::Bytes>, Error> {
    match body {
        Body::None => Ok(None),
        Body::Json(Ok(bytes)) => {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            Ok(Some(bytes::Bytes::from(bytes)))
        }
        Body::Json(Err(e)) => Err(Error::Encode(e)),
        Body::Binary {
            bytes,
            content_type,
        } => {
            headers.insert(CONTENT_TYPE, header_value("Content-Type", &content_type)?);
            Ok(Some(bytes))
        }
    }
}

/// A header value, marked sensitive (never printed, never indexed by
/// HTTP/2 header compression) when it carries credentials. A value that
/// cannot be sent (a line break) is a configuration error that names the
/// header but not the value.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value of header `{name}` cannot be sent")))?;
    if HeaderName::from_bytes(name.as_bytes()).is_ok_and(|n| super::redirect::is_secret(&n)) {
        v.set_sensitive(true);
    }
    Ok(v)
}

impl<'a, D, Q> IntoFuture for Call<'a, D, Q>
where
    D: Decode + 'a,
    D::Output: Send + 'a,
    Q: QueryParams + Default + Send + 'a,
{
    type Output = Result<D::Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{body_bytes, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[derive(Default)]
    struct Q {
        select: Option<String>,
    }

    impl QueryParams for Q {
        fn pairs(&self) -> Vec<(&'static str, String)> {
            self.select.iter().map(|s| ("$select", s.clone())).collect()
        }
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(path_segment(&"a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment(&42), "42");
        assert_eq!(vec![1, 2].to_query(), "1,2");
    }

    #[tokio::test]
    async fn sends_method_path_query_headers_and_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/Agents/X/Do"))
            .and(query_param("$select", "Name"))
            .and(query_param("id", "7"))
            .and(header("authorization", "Bearer t"))
            .and(header("accept-language", "sv"))
            .and(header("so-apptoken", "app"))
            .and(header("content-type", "application/json; charset=utf-8"))
            .and(body_bytes(br#"{"A":1}"#.to_vec()))
            .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"B":2}"#, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(server.uri())
            .bearer("t")
            .app_token("app")
            .accept_language("en")
            .build()
            .expect("client");
        let out: serde_json::Value = Call::<Json<serde_json::Value>, Q>::new(
            &client,
            Endpoint::new(reqwest::Method::POST, "test_Op", "/test"),
            "/api/v1/Agents/X/Do".into(),
            Body::json(&serde_json::json!({"A": 1})),
        )
        .required("id", 7)
        .query(Q {
            select: Some("Name".into()),
        })
        .accept_language("sv")
        .await
        .expect("ok");
        assert_eq!(out, serde_json::json!({"B": 2}));
    }

    #[tokio::test]
    async fn binary_upload_and_download() {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/api/v1/Person/7/Image"))
            .and(header("content-type", "image/png"))
            .and(body_bytes(vec![0x89u8, b'P', b'N', b'G']))
            .respond_with(ResponseTemplate::new(200).set_body_raw(vec![1u8, 2, 3], "image/png"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(server.uri()).build().expect("client");
        let bytes = Call::<Raw>::new(
            &client,
            Endpoint::new(reqwest::Method::PUT, "test_Op", "/test"),
            format!("/api/v1/Person/{}/Image", path_segment(&7)),
            Body::Binary {
                bytes: bytes::Bytes::from_static(&[0x89, b'P', b'N', b'G']),
                content_type: "image/png".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(bytes.as_ref(), &[1, 2, 3]);
    }

    #[tokio::test]
    async fn errors_keep_status_body_and_decode_path() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/missing"))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_raw(r#"{"Message":"No such user"}"#, "application/json"),
            )
            .mount(&server)
            .await;
        Mock::given(path("/api/v1/bad"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(r#"{"List":[1,"x"]}"#, "application/json"),
            )
            .mount(&server)
            .await;
        let client = Client::builder(server.uri()).build().expect("client");
        let err = Call::<Empty>::new(
            &client,
            Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
            "/api/v1/missing".into(),
            Body::None,
        )
        .await
        .expect_err("404");
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.to_string(), "the server answered 404: No such user");

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct L {
            #[serde(rename = "List")]
            list: Vec<i32>,
        }
        let err = Call::<Json<L>>::new(
            &client,
            Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
            "/api/v1/bad".into(),
            Body::None,
        )
        .await
        .expect_err("decode");
        assert!(
            err.to_string()
                .starts_with("the response of GET /api/v1/bad did not decode at `List[1]`: "),
            "{err}"
        );
        let Error::Decode(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.path, "List[1]");
        assert_eq!(d.endpoint, "GET /api/v1/bad");
    }

    async fn received(server: &MockServer) -> Vec<wiremock::Request> {
        server.received_requests().await.unwrap_or_default()
    }

    #[tokio::test]
    async fn path_parameters_arrive_as_one_encoded_segment_under_the_base() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = Client::builder(format!("{}/Cust12345/api", server.uri()))
            .build()
            .expect("client");
        for (value, sent) in [
            ("../../x", "..%2F..%2Fx"),
            ("1?admin=1#f", "1%3Fadmin%3D1%23f"),
            ("50% off/Æ", "50%25%20off%2F%C3%86"),
            ("...", "..."),
        ] {
            Call::<Empty>::new(
                &client,
                Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
                format!("/api/v1/Contact/{}/Image", path_segment(&value)),
                Body::None,
            )
            .await
            .expect("sent");
            let last = received(&server).await.pop().expect("a request");
            assert_eq!(
                last.url.path(),
                format!("/Cust12345/api/v1/Contact/{sent}/Image")
            );
            assert_eq!(last.url.query(), None);
        }
    }

    #[tokio::test]
    async fn empty_and_dot_path_parameters_are_not_sent() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(204))
            .expect(0)
            .mount(&server)
            .await;
        let client = Client::builder(server.uri()).build().expect("client");
        for value in ["", ".", ".."] {
            let err = Call::<Empty>::new(
                &client,
                Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
                format!("/api/v1/Contact/{}", path_segment(&value)),
                Body::None,
            )
            .await
            .expect_err("rejected");
            assert!(matches!(err, Error::InvalidPath { .. }), "{err:?}");
            assert!(
                err.to_string()
                    .starts_with("not sent to `/api/v1/Contact/{…}`: a path parameter is "),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn query_values_cannot_add_parameters() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = Client::builder(server.uri()).build().expect("client");
        Call::<Empty, Q>::new(
            &client,
            Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
            "/api/v1/Contact".into(),
            Body::None,
        )
        .required("name", "a&admin=1#frag")
        .query(Q {
            select: Some("x=y&z".into()),
        })
        .await
        .expect("sent");
        let last = received(&server).await.pop().expect("a request");
        let pairs: Vec<(String, String)> = last.url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("name".to_string(), "a&admin=1#frag".to_string()),
                ("$select".to_string(), "x=y&z".to_string())
            ]
        );
        assert_eq!(last.url.fragment(), None);
    }

    #[tokio::test]
    async fn errors_say_what_superoffice_said_and_keep_secrets_out() {
        let server = MockServer::start().await;
        Mock::given(path("/api/v1/Contact/99999"))
            .respond_with(ResponseTemplate::new(404).set_body_raw(
                r#"{"Error": true, "ErrorType": "SoNotFoundException", "ErrorMessage": "Contact id 99999 not found", "ErrorSource": "ContactAgent"}"#,
                "application/json",
            ))
            .mount(&server)
            .await;
        let client = Client::builder(server.uri())
            .basic("user", "secret-password")
            .app_token("secret-app")
            .header("X-Key", "secret-extra")
            .build()
            .expect("client");
        let err = Call::<Empty>::new(
            &client,
            Endpoint::new(reqwest::Method::GET, "test_Op", "/test"),
            format!("/api/v1/Contact/{}", path_segment(&99999)),
            Body::None,
        )
        .await
        .expect_err("404");
        assert_eq!(
            err.to_string(),
            "the server answered 404: SoNotFoundException: Contact id 99999 not found"
        );
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.error_type(), Some("SoNotFoundException"));
        assert_eq!(api.message(), Some("Contact id 99999 not found"));
        let shown = format!("{err} {err:?} {client:?}");
        for secret in ["secret", "c2VjcmV0"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
