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
