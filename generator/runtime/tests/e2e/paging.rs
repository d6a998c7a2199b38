//! Paging as a stream over a mock server.

use serde_json::{json, Value};
use superoffice_runtime::call::Body;
use superoffice_runtime::paging::{rows, PageAnswer, StreamExt};
use superoffice_runtime::{Call, Client, Error, QueryParams, RetryPolicy, Window};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `$top` and `$skip`, as a generated query struct has them.
#[derive(Default)]
struct Page {
    top: Option<u32>,
    skip: Option<u32>,
}

impl QueryParams for Page {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(top) = self.top {
            out.push(("$top", top.to_string()));
        }
        if let Some(skip) = self.skip {
            out.push(("$skip", skip.to_string()));
        }
        out
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

/// The call of one window of `GET /api/v1/Rows`.
fn list<T: serde::de::DeserializeOwned>(client: &Client, w: Window) -> Call<T, Page> {
    Call::json(
        client,
        superoffice_runtime::Endpoint::new(reqwest::Method::GET, "v1Rows_List", "/api/v1/Rows"),
        "/api/v1/Rows".into(),
        Body::None,
    )
    .query(Page {
        top: Some(w.size),
        skip: Some(w.skip()),
    })
}

/// Answers the window at `$skip` with `rows`.
async fn page(server: &MockServer, skip: u32, rows: Value) {
    Mock::given(method("GET"))
        .and(path("/api/v1/Rows"))
        .and(query_param("$skip", skip.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(rows))
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<String> {
    let r = server.received_requests().await.unwrap_or_default();
    r.iter()
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn windows_skip_the_rows_received() {
    let w = Window {
        page: 3,
        size: 50,
        received: 150,
    };
    assert_eq!(w.skip(), 150);
}

#[tokio::test]
async fn rows_come_in_order_across_pages_and_a_short_page_ends() {
    let server = MockServer::start().await;
    page(&server, 0, json!([1, 2])).await;
    page(&server, 2, json!([3, 4])).await;
    page(&server, 4, json!([5])).await;
    let client = client(&server);
    let rows: Vec<Value> = rows(2, |w| list::<Vec<Value>>(&client, w))
        .map(|r| r.expect("row"))
        .collect()
        .await;
    assert_eq!(rows, [json!(1), json!(2), json!(3), json!(4), json!(5)]);
    assert_eq!(
        requests(&server).await,
        [
            "%24top=2&%24skip=0",
            "%24top=2&%24skip=2",
            "%24top=2&%24skip=4"
        ]
    );
}

/// An answer that says whether more follow.
#[derive(serde::Deserialize)]
struct Said {
    rows: Vec<Value>,
    more: bool,
}

impl PageAnswer for Said {
    type Row = Value;
    fn into_rows(self) -> (Vec<Value>, Option<bool>) {
        (self.rows, Some(self.more))
    }
}

#[tokio::test]
async fn an_answer_that_says_it_is_the_last_ends() {
    let server = MockServer::start().await;
    page(&server, 0, json!({"rows": [1, 2], "more": true})).await;
    // A short page that says more follow is not the end, and the next
    // page starts after the rows that came (`$skip=3`, not 4).
    page(&server, 2, json!({"rows": [3], "more": true})).await;
    page(&server, 3, json!({"rows": [4, 5], "more": false})).await;
    let client = client(&server);
    let rows: Vec<Value> = rows(2, |w| list::<Said>(&client, w))
        .map(|r| r.expect("row"))
        .collect()
        .await;
    assert_eq!(rows, [json!(1), json!(2), json!(3), json!(4), json!(5)]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_server_that_ignores_the_window_but_says_more_is_an_error() {
    let server = MockServer::start().await;
    page(&server, 0, json!({"rows": [1, 2, 3], "more": true})).await;
    let client = client(&server);
    let got: Vec<Result<Value, Error>> = rows(2, |w| list::<Said>(&client, w)).collect().await;
    assert_eq!(got.len(), 4, "the three rows, then the error");
    assert!(matches!(got[3], Err(Error::Paging(_))), "{:?}", got[3]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_empty_list_is_one_request_and_no_rows() {
    let server = MockServer::start().await;
    page(&server, 0, json!([])).await;
    let client = client(&server);
    let rows: Vec<_> = rows(10, |w| list::<Vec<Value>>(&client, w)).collect().await;
    assert!(rows.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start().await;
    page(&server, 0, json!([1, 2])).await;
    Mock::given(query_param("$skip", "2"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = rows(2, |w| list::<Vec<Value>>(&client, w));
    assert_eq!(stream.next().await.and_then(Result::ok), Some(json!(1)));
    assert_eq!(stream.next().await.and_then(Result::ok), Some(json!(2)));
    let err = stream
        .next()
        .await
        .expect("an item")
        .expect_err("the error");
    assert_eq!(err.status(), Some(500));
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn pages_are_fetched_only_when_read() {
    let server = MockServer::start().await;
    page(&server, 0, json!((0..10).collect::<Vec<_>>())).await;
    page(&server, 10, json!((10..20).collect::<Vec<_>>())).await;
    let client = client(&server);
    let two: Vec<Value> = rows(10, |w| list::<Vec<Value>>(&client, w))
        .take(2)
        .map(|r| r.expect("row"))
        .collect()
        .await;
    assert_eq!(two, [json!(0), json!(1)]);
    assert_eq!(requests(&server).await, ["%24top=10&%24skip=0"]);
}

#[tokio::test]
async fn a_server_that_does_not_page_is_read_once() {
    let server = MockServer::start().await;
    // Ignores $top and $skip: every request gets all five rows.
    Mock::given(path("/api/v1/Rows"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2, 3, 4, 5])))
        .mount(&server)
        .await;
    let client = client(&server);
    let rows: Vec<_> = rows(2, |w| list::<Vec<Value>>(&client, w)).collect().await;
    assert_eq!(rows.len(), 5);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn page_size_zero_means_the_default() {
    let server = MockServer::start().await;
    page(&server, 0, json!([1])).await;
    let client = client(&server);
    let rows: Vec<_> = rows(0, |w| list::<Vec<Value>>(&client, w)).collect().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(requests(&server).await, ["%24top=100&%24skip=0"]);
}

#[test]
fn the_stream_is_send() {
    fn send<T: Send>(_: &T) {}
    let client = Client::builder("https://h.example")
        .build()
        .expect("client");
    let s = rows(5, |w| list::<Vec<Value>>(&client, w));
    send(&s);
}
