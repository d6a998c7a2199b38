//! A call's request as sent (method, path, query, headers, body) and its answer decoded or its error.

use superoffice_runtime::call::{path_segment, Body};
use superoffice_runtime::{Call, Client, Endpoint, Error, QueryParams};
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
    let out: serde_json::Value = Call::<serde_json::Value, Q>::json(
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
    let bytes = Call::<bytes::Bytes>::bytes(
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
    let err = Call::<()>::empty(
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
    let err = Call::<L>::json(
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
        Call::<()>::empty(
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
        let err = Call::<()>::empty(
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
    Call::<(), Q>::empty(
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
    let err = Call::<()>::empty(
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
