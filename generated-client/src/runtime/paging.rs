//! Paging as a stream: the rows of a list endpoint, one page at a time,
//! fetched only as the stream is read.
//!
//! [`rows`] asks for page 0 first, yields its rows, and asks for the next
//! page only when polled past the last row it has. It ends:
//!
//! - after a page the answer says is the last ([`PageAnswer::into_rows`]
//!   gives `Some(false)`), or, when the answer does not say (`None`), after
//!   a page with fewer rows than the page size;
//! - after an empty page;
//! - after a page with more rows than asked for (the server did not page,
//!   so asking for the next page would repeat rows);
//! - after an error, which it yields once;
//! - when the next page would start past `u32::MAX` rows.
//!
//! A page size of 0 means [`DEFAULT_PAGE_SIZE`].
//!
//! Read it with [`StreamExt`] (`next`, `take`, `collect` …); here with a
//! generated paging method:
//!
//! ```ignore
//! use superoffice_webapi::runtime::paging::StreamExt as _;
//! let mut rows = client.contact_resource().list_pages(50);
//! while let Some(row) = rows.next().await {
//!     let row = row?;
//! }
//! ```

use std::future::IntoFuture;
use std::pin::Pin;

pub use futures_util::stream::{Stream, StreamExt};

use super::error::Error;

/// The page size used when 0 is asked for.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Which slice of rows a page request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The page, counted from 0.
    pub page: u32,
    /// Rows per page (never 0).
    pub size: u32,
    /// The rows the earlier pages brought (`page * size` unless a server
    /// sent short pages and said more follow).
    pub received: u32,
}

impl Window {
    /// How many rows come before this page: an OData `$skip`. It counts
    /// the rows received, so a server that sends fewer than asked for (and
    /// says more follow) loses none.
    pub fn skip(&self) -> u32 {
        self.received
    }
}

/// An answer that holds one page of rows.
pub trait PageAnswer {
    /// One row.
    type Row;

    /// The rows, and whether the answer itself says more follow
    /// (`Some(true)`/`Some(false)`); `None` when it does not tell.
    fn into_rows(self) -> (Vec<Self::Row>, Option<bool>);
}

/// A plain list does not say whether more follow.
impl<T> PageAnswer for Vec<T> {
    type Row = T;

    fn into_rows(self) -> (Vec<T>, Option<bool>) {
        (self, None)
    }
}

/// The rows of a page taken out of a carrier that holds them (the OData
/// `value`, the Find agent's `ArchiveRows`), and what the carrier says
/// about the pages after it. The generated `…_rows` methods build it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// Whether more pages follow, when the answer tells (an
    /// `odata.nextLink`, a `RowCount` beyond this page).
    pub more: Option<bool>,
}

impl<T> PageAnswer for Page<T> {
    type Row = T;

    fn into_rows(self) -> (Vec<T>, Option<bool>) {
        (self.rows, self.more)
    }
}

/// A stream of rows, fetching the next page only when polled past the
/// current one.
pub type Rows<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// Where the stream is.
struct State<F, R> {
    make: F,
    size: u32,
    /// The page to ask for when the rows run out; `None` when there is no
    /// other.
    next: Option<u32>,
    rows: std::vec::IntoIter<R>,
    /// An error to yield once the rows at hand are out.
    failed: Option<Error>,
    /// Rows received so far.
    received: u32,
}

/// The rows of the pages `make` asks for, page 0 first (see the
/// [module](self) for when it ends).
///
/// `make` builds the request of one [`Window`], typically a generated
/// method's call with `$top = window.size` and `$skip = window.skip()`.
pub fn rows<'a, F, C, A>(page_size: u32, make: F) -> Rows<'a, A::Row>
where
    F: FnMut(Window) -> C + Send + 'a,
    C: IntoFuture<Output = Result<A, Error>>,
    C::IntoFuture: Send + 'a,
    A: PageAnswer + 'a,
    A::Row: Send + 'a,
{
    let size = if page_size == 0 {
        DEFAULT_PAGE_SIZE
    } else {
        page_size
    };
    let start = State {
        make,
        size,
        next: Some(0),
        rows: Vec::new().into_iter(),
        failed: None,
        received: 0,
    };
    // Fused: polled again after its end, it stays ended.
    let rows = futures_util::stream::unfold(start, |mut st| async move {
        loop {
            if let Some(row) = st.rows.next() {
                return Some((Ok(row), st));
            }
            if let Some(e) = st.failed.take() {
                return Some((Err(e), st));
            }
            let page = st.next?;
            let window = Window {
                page,
                size: st.size,
                received: st.received,
            };
            let answer = (st.make)(window).into_future().await;
            let (rows, more) = match answer {
                Ok(answer) => answer.into_rows(),
                Err(e) => {
                    st.next = None;
                    return Some((Err(e), st));
                }
            };
            let asked = usize::try_from(st.size).unwrap_or(usize::MAX);
            if rows.len() > asked && more == Some(true) {
                // The server ignored the window yet says more follow: going
                // on would repeat or skip rows, stopping would drop them.
                st.next = None;
                let got = rows.len();
                st.rows = rows.into_iter();
                st.failed = Some(Error::Paging(format!(
                    "page {page} has {got} rows where {asked} were asked for, and the answer says more follow"
                )));
                continue;
            }
            let more =
                more.unwrap_or(rows.len() >= asked) && !rows.is_empty() && rows.len() <= asked;
            let got = u32::try_from(rows.len()).unwrap_or(u32::MAX);
            st.received = st.received.saturating_add(got);
            st.next = page
                .checked_add(1)
                .filter(|_| more && st.received.checked_add(st.size).is_some());
            st.rows = rows.into_iter();
        }
    });
    Box::pin(rows.fuse())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::super::call::{Body, Call, Json, QueryParams};
    use super::super::client::Client;
    use super::super::retry::RetryPolicy;
    use super::*;

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
    fn list<'a, D>(client: &'a Client, w: Window) -> Call<'a, D, Page>
    where
        D: super::super::call::Decode,
    {
        Call::new(
            client,
            super::super::Endpoint::new(reqwest::Method::GET, "v1Rows_List", "/api/v1/Rows"),
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
        let rows: Vec<Value> = rows(2, |w| list::<Json<Vec<Value>>>(&client, w))
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
        let rows: Vec<Value> = rows(2, |w| list::<Json<Said>>(&client, w))
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
        let got: Vec<Result<Value, Error>> =
            rows(2, |w| list::<Json<Said>>(&client, w)).collect().await;
        assert_eq!(got.len(), 4, "the three rows, then the error");
        assert!(matches!(got[3], Err(Error::Paging(_))), "{:?}", got[3]);
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn an_empty_list_is_one_request_and_no_rows() {
        let server = MockServer::start().await;
        page(&server, 0, json!([])).await;
        let client = client(&server);
        let rows: Vec<_> = rows(10, |w| list::<Json<Vec<Value>>>(&client, w))
            .collect()
            .await;
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
        let mut stream = rows(2, |w| list::<Json<Vec<Value>>>(&client, w));
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
        let two: Vec<Value> = rows(10, |w| list::<Json<Vec<Value>>>(&client, w))
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
        let rows: Vec<_> = rows(2, |w| list::<Json<Vec<Value>>>(&client, w))
            .collect()
            .await;
        assert_eq!(rows.len(), 5);
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn page_size_zero_means_the_default() {
        let server = MockServer::start().await;
        page(&server, 0, json!([1])).await;
        let client = client(&server);
        let rows: Vec<_> = rows(0, |w| list::<Json<Vec<Value>>>(&client, w))
            .collect()
            .await;
        assert_eq!(rows.len(), 1);
        assert_eq!(requests(&server).await, ["%24top=100&%24skip=0"]);
    }

    #[test]
    fn the_stream_is_send() {
        fn send<T: Send>(_: &T) {}
        let client = Client::builder("https://h.example")
            .build()
            .expect("client");
        let s = rows(5, |w| list::<Json<Vec<Value>>>(&client, w));
        send(&s);
    }
}
