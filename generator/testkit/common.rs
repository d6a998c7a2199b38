//! Shared by the sample tests (copied verbatim from the generator's
//! `testkit/common.rs` into every generated crate's `tests/api/`).

#![allow(dead_code)]

use superoffice_webapi as crate_under_test;

/// The `Authorization` header the samples show (`tje0` / `Tje0`).
pub const AUTHORIZATION: &str = "Basic dGplMDpUamUw";

/// A client of the mock server, authenticated like the samples.
/// The tests share one HTTP client: building one loads the system's
/// certificate roots, which thousands of tests would pay for again
/// and again.
pub fn client(server: &::wiremock::MockServer) -> crate_under_test::Client {
    static HTTP: ::std::sync::OnceLock<::reqwest::Client> = ::std::sync::OnceLock::new();
    let http = HTTP.get_or_init(|| {
        ::reqwest::Client::builder()
            .redirect(::reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client")
    });
    crate_under_test::Client::builder(server.uri())
        .basic("tje0", "Tje0")
        .http_client(::std::clone::Clone::clone(http))
        .build()
        .expect("client")
}

/// A sample answer with a field no page documents, and what saving
/// it must send: all of it but the `_Links`.
pub fn with_unlisted_field(text: &str) -> (::std::string::String, ::std::string::String) {
    let mut v = sample(text);
    if let ::serde_json::Value::Object(o) = &mut v {
        o.insert(
            "NotInTheDocs".into(),
            ::serde_json::json!({ "Kept" : [1, "two"] }),
        );
    }
    let answer = v.to_string();
    if let ::serde_json::Value::Object(o) = &mut v {
        o.remove("_Links");
    }
    (answer, v.to_string())
}

/// `text` (a JSON object) with `name` set to `value`.
pub fn with_field(text: &str, name: &str, value: ::serde_json::Value) -> ::std::string::String {
    let mut v = sample(text);
    if let ::serde_json::Value::Object(o) = &mut v {
        o.insert(name.into(), value);
    }
    v.to_string()
}

pub fn sample(text: &str) -> ::serde_json::Value {
    ::serde_json::from_str(text).expect("the sample is JSON")
}

/// A sample decoded into `T`.
pub fn decode<T: ::serde::de::DeserializeOwned>(text: &str) -> T {
    ::serde_json::from_str(text).expect("the sample decodes")
}

/// `text` decodes into `T` and encodes back to the same JSON.
pub fn round_trip<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(text: &str) {
    let typed: T = decode(text);
    let back = ::serde_json::to_value(typed).expect("encodes");
    assert_json_eq(&back, &sample(text));
}

/// A call's answer encodes to the documented sample.
pub fn assert_answer<T: ::serde::Serialize>(answer: &T, text: &str) {
    let back = ::serde_json::to_value(answer).expect("encodes");
    assert_json_eq(&back, &sample(text));
}

/// A listed enum value reads from and writes to its wire form.
pub fn assert_enum_value<T>(variant: T, wire: &str)
where
    T: ::serde::de::DeserializeOwned + ::serde::Serialize + PartialEq + ::std::fmt::Debug,
{
    let v: T = ::serde_json::from_str(wire).expect("a listed value");
    assert_eq!(v, variant);
    assert_eq!(::serde_json::to_string(&v).expect("encodes"), wire);
}

/// A carrier reads a body with a field no page lists, and writes it back.
pub fn keeps_unlisted_fields<T: ::serde::de::DeserializeOwned + ::serde::Serialize>() {
    let text = r#"{"NotInTheDocs": [1, {"a": null}], "AlsoNew": "x"}"#;
    let typed: T = decode(text);
    let back = ::serde_json::to_value(&typed).expect("encodes");
    assert_eq!(
        back,
        sample(text),
        "unlisted fields are sent back unchanged"
    );
}

pub use crate_under_test::runtime::testing::assert_json_eq;

/// Matches a request whose JSON body says what `0` says (nulls as absent).
pub struct JsonBody(pub ::serde_json::Value);

impl ::wiremock::Match for JsonBody {
    fn matches(&self, request: &::wiremock::Request) -> bool {
        ::serde_json::from_slice::<::serde_json::Value>(&request.body)
            .is_ok_and(|v| crate_under_test::runtime::testing::json_eq(&v, &self.0))
    }
}

/// How a paged list's requests say which page they want.
pub enum PageBy {
    /// `$skip` = rows before the page (pages of 2).
    Skip,
    /// This request body field = the 0-based page number.
    Body(&'static str),
}

/// A mock server answering a paged list: page `i` of `answers` to
/// the request for page `i`, each once.
pub async fn serve_pages(
    method: &str,
    path: &str,
    by: PageBy,
    answers: [&str; 2],
) -> ::wiremock::MockServer {
    let server = ::wiremock::MockServer::start().await;
    for (i, answer) in answers.into_iter().enumerate() {
        let mock = ::wiremock::Mock::given(::wiremock::matchers::method(method))
            .and(::wiremock::matchers::path(path));
        let mock = match by {
            PageBy::Skip => mock.and(::wiremock::matchers::query_param(
                "$skip",
                (i * 2).to_string(),
            )),
            PageBy::Body(field) => mock.and(::wiremock::matchers::body_partial_json(
                ::serde_json::json!({ field : i }),
            )),
        };
        mock.respond_with(
            ::wiremock::ResponseTemplate::new(200)
                .set_body_raw(answer, "application/json; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    }
    server
}

/// The one request a test expects, and the answer the mock server gives.
pub struct Expect {
    mock: ::wiremock::MockBuilder,
}

impl Expect {
    /// A request with this method and path, authenticated like the samples.
    pub fn call(method: &str, path: &str) -> Self {
        Expect {
            mock: ::wiremock::Mock::given(::wiremock::matchers::method(method))
                .and(::wiremock::matchers::path(path))
                .and(::wiremock::matchers::header("authorization", AUTHORIZATION)),
        }
    }

    /// With this query parameter.
    pub fn query(self, name: &str, value: &str) -> Self {
        Expect {
            mock: self
                .mock
                .and(::wiremock::matchers::query_param(name, value)),
        }
    }

    /// With a JSON body saying what the sample says.
    pub fn json_body(self, text: &str) -> Self {
        Expect {
            mock: self
                .mock
                .and(::wiremock::matchers::header(
                    "content-type",
                    "application/json; charset=utf-8",
                ))
                .and(JsonBody(sample(text))),
        }
    }

    /// With these bytes as an `application/octet-stream` body.
    pub fn binary_body(self, bytes: &[u8]) -> Self {
        Expect {
            mock: self
                .mock
                .and(::wiremock::matchers::header(
                    "content-type",
                    "application/octet-stream",
                ))
                .and(::wiremock::matchers::body_bytes(bytes.to_vec())),
        }
    }

    /// Starts a mock server that answers the request once, like this.
    pub async fn answer(self, status: u16, body: &str) -> ::wiremock::MockServer {
        let server = ::wiremock::MockServer::start().await;
        self.mock
            .respond_with(
                ::wiremock::ResponseTemplate::new(status)
                    .set_body_raw(body, "application/json; charset=utf-8"),
            )
            .expect(1)
            .mount(&server)
            .await;
        server
    }
}
