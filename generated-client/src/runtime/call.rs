//! One call of an endpoint: built by a generated method, adjusted with
//! query parameters and per-call headers, and sent by `.await` (or
//! [`Call::send`]).

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::DeserializeOwned;

use super::client::{header_setters, Client, Headers};
use super::error::{ApiError, DecodeError, Error};

/// Characters escaped in a path segment (RFC 3986 `pchar` complement).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// A path parameter value, percent-encoded for one path segment.
pub fn path_segment(value: &impl std::fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

/// A value that can be sent as a query parameter.
pub trait QueryValue {
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
display_query!(i32, i64, f64, bool, String, str, super::datetime::DateTime);

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
    type Output;
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
    None,
    /// Encoded JSON (or the encoding error, reported when sent).
    Json(Result<Vec<u8>, serde_json::Error>),
    /// Bytes with their content type (image uploads).
    Binary {
        bytes: bytes::Bytes,
        content_type: String,
    },
}

impl Body {
    pub fn json(value: &impl serde::Serialize) -> Body {
        Body::Json(serde_json::to_vec(value))
    }
}

/// One prepared call; `.await` sends it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, D, Q = NoQuery> {
    client: &'a Client,
    method: reqwest::Method,
    path: String,
    required_query: Vec<(&'static str, String)>,
    query: Q,
    body: Body,
    headers: Headers,
    decode: PhantomData<fn() -> D>,
}

impl<'a, D: Decode, Q: QueryParams + Default> Call<'a, D, Q> {
    /// Used by the generated endpoint methods.
    pub fn new(client: &'a Client, method: reqwest::Method, path: String, body: Body) -> Self {
        Call {
            client,
            method,
            path,
            required_query: Vec::new(),
            query: Q::default(),
            body,
            headers: Headers::default(),
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

    /// The URL this call goes to (without the query string).
    pub fn url(&self) -> String {
        self.client.url(&self.path)
    }

    /// Sends the call and decodes the answer.
    pub async fn send(self) -> Result<D::Output, Error> {
        let mut req = self
            .client
            .http()
            .request(self.method, self.client.url(&self.path))
            .header(reqwest::header::ACCEPT, "application/json");
        let mut query = self.required_query;
        query.extend(self.query.pairs());
        if !query.is_empty() {
            req = req.query(&query);
        }
        if let Some(auth) = self.client.auth().header_value() {
            req = req.header(reqwest::header::AUTHORIZATION, auth);
        }
        for (name, value) in self.client.headers().merged(&self.headers).pairs() {
            req = req.header(name, value);
        }
        req = match self.body {
            Body::None => req,
            Body::Json(Ok(bytes)) => req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(bytes),
            Body::Json(Err(e)) => return Err(Error::Encode(e)),
            Body::Binary {
                bytes,
                content_type,
            } => req
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes),
        };
        let resp = req.send().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        if !status.is_success() {
            return Err(Error::Api(ApiError::new(status.as_u16(), body)));
        }
        D::decode(body)
    }
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
            reqwest::Method::POST,
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
            reqwest::Method::PUT,
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
            reqwest::Method::GET,
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
            reqwest::Method::GET,
            "/api/v1/bad".into(),
            Body::None,
        )
        .await
        .expect_err("decode");
        let Error::Decode(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.path, "List[1]");
    }
}
