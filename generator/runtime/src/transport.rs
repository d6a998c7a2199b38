//! One attempt: the request, the redirects it leads to (by the
//! [rules](super::redirect) that keep credentials safe), and the whole
//! answer, within the attempt's time limit. Whether to try again is not
//! decided here: the [classifier](super::classify) decides, and the
//! [orchestrator](super::orchestrator) runs the attempts.

use std::borrow::Cow;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};

use super::error::Error;
use super::rate::RateLimit;
use super::redirect;

/// A request ready to go, and to go again: the body is shared bytes, and
/// the headers are the client's own unless the call changed them (so a
/// call does not copy them before the one copy each attempt makes).
#[derive(Debug, Clone)]
pub(crate) struct Prepared<'h> {
    pub method: Method,
    pub url: Url,
    pub headers: Cow<'h, HeaderMap>,
    /// The credentials source's `Authorization` value, sent beside `headers`.
    pub authorization: Option<HeaderValue>,
    /// The body's `Content-Type`.
    pub content_type: Option<HeaderValue>,
    pub body: Option<bytes::Bytes>,
}

/// A complete answer, success or not.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    /// A redirect to another origin took the credentials off the request
    /// this answers (so a `401` says nothing about them).
    pub credentials_dropped: bool,
}

/// Why an attempt got no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The network or the server failed; perhaps worth another attempt.
    Transport(reqwest::Error),
    /// No complete answer within the attempt's time limit.
    TimedOut,
    /// The body is larger than the limit (in bytes); it was not read on.
    TooLarge(u64),
    /// The runtime will not go on (a refused redirect); final.
    Refused(Error),
}

/// What one attempt came to.
pub(crate) type Outcome = Result<Answer, Failure>;

/// Makes one attempt of `req`, within `limit`, reading at most `max_body`
/// bytes of the answer's body. With a `rate` limit, every request of the
/// attempt (the first and each redirect) waits for its slot, and the
/// waiting counts against `limit`.
pub(crate) async fn attempt(
    http: &reqwest::Client,
    req: &Prepared<'_>,
    limit: Duration,
    max_body: u64,
    rate: Option<&RateLimit>,
) -> Outcome {
    let out = Out {
        http,
        rate,
        deadline: deadline(limit),
    };
    match tokio::time::timeout(limit, hops(&out, req, max_body)).await {
        Ok(outcome) => outcome,
        Err(_elapsed) => Err(Failure::TimedOut),
    }
}

/// The whole body, unless it is larger than `max` bytes (said by its
/// `Content-Length`, or found while reading: a server that streams without
/// end is cut off there).
async fn body(resp: &mut reqwest::Response, max: u64) -> Result<bytes::Bytes, Failure> {
    if resp.content_length().is_some_and(|len| len > max) {
        return Err(Failure::TooLarge(max));
    }
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    // One chunk (the usual answer) is kept as it came; more are joined.
    let mut first: Option<bytes::Bytes> = None;
    let mut joined: Option<bytes::BytesMut> = None;
    let mut len = 0usize;
    while let Some(chunk) = resp.chunk().await.map_err(Failure::Transport)? {
        len = len.saturating_add(chunk.len());
        if len > limit {
            return Err(Failure::TooLarge(max));
        }
        if let Some(buf) = &mut joined {
            buf.extend_from_slice(&chunk);
        } else if let Some(one) = first.take() {
            let mut buf = bytes::BytesMut::with_capacity(one.len() + chunk.len());
            buf.extend_from_slice(&one);
            buf.extend_from_slice(&chunk);
            joined = Some(buf);
        } else {
            first = Some(chunk);
        }
    }
    Ok(match (first, joined) {
        (_, Some(buf)) => buf.freeze(),
        (Some(one), None) => one,
        (None, None) => bytes::Bytes::new(),
    })
}

/// The request, then any redirects, then the whole body.
async fn hops(out: &Out<'_>, req: &Prepared<'_>, max_body: u64) -> Outcome {
    // The first hop goes as prepared; only a redirect makes a copy to change.
    let mut resp = out.send(req).await?;
    let mut next: Option<Prepared> = None;
    let mut hops = 0;
    let mut credentials_dropped = false;
    loop {
        let (from_url, from_method) = match &next {
            Some(n) => (&n.url, &n.method),
            None => (&req.url, &req.method),
        };
        let hop = redirect::next(from_url, from_method, resp.status(), resp.headers())
            .map_err(|m| Failure::Refused(Error::Redirect(m)))?;
        let Some(hop) = hop else {
            let status = resp.status();
            let mut headers = std::mem::take(resp.headers_mut());
            hide_secrets(&mut headers);
            let body = body(&mut resp, max_body).await?;
            return Ok(Answer {
                status,
                headers,
                body,
                credentials_dropped,
            });
        };
        hops += 1;
        if hops > redirect::MAX_REDIRECTS {
            return Err(Failure::Refused(Error::Redirect(format!(
                "more than {} redirects, the last to {}",
                redirect::MAX_REDIRECTS,
                redirect::redacted(&hop.url)
            ))));
        }
        let mut n = next.take().unwrap_or_else(|| req.clone());
        if hop.cross_origin {
            redirect::strip_secrets(n.headers.to_mut());
            n.authorization = None;
            credentials_dropped = true;
        }
        if hop.drop_body {
            n.body = None;
            n.content_type = None;
        }
        n.method = hop.method;
        n.url = hop.url;
        resp = out.send(&n).await?;
        next = Some(n);
    }
}

/// Headers of an answer that may carry a secret (a session cookie, a
/// challenge, a token echoed back): kept, but marked sensitive, so the
/// `Debug` of an error or a response that keeps them shows no value.
const SECRET_HEADERS: &[&str] = &[
    "set-cookie",
    "authorization",
    "proxy-authorization",
    "www-authenticate",
    "proxy-authenticate",
    "so-apptoken",
    "so-ticket",
];

fn hide_secrets(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if SECRET_HEADERS.contains(&name.as_str()) {
            value.set_sensitive(true);
        }
    }
}

/// `limit` from now, or far ahead for a limit too long to add.
fn deadline(limit: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(limit)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

/// Where an attempt's requests go, and what paces them.
struct Out<'a> {
    http: &'a reqwest::Client,
    rate: Option<&'a RateLimit>,
    /// When the attempt's time runs out: no rate-limit slot is waited for
    /// beyond it.
    deadline: tokio::time::Instant,
}

impl Out<'_> {
    /// One HTTP exchange, up to the answer's head, once the rate limit
    /// lets it go.
    async fn send(&self, req: &Prepared<'_>) -> Result<reqwest::Response, Failure> {
        if let Some(r) = self.rate {
            if !r.acquire(self.deadline).await {
                return Err(Failure::TimedOut);
            }
        }
        execute(self.http, req).await
    }
}

/// One HTTP exchange, up to the answer's head.
async fn execute(http: &reqwest::Client, req: &Prepared<'_>) -> Result<reqwest::Response, Failure> {
    let mut request = reqwest::Request::new(req.method.clone(), req.url.clone());
    let headers = request.headers_mut();
    *headers = req.headers.as_ref().clone();
    if let Some(a) = &req.authorization {
        headers.insert(AUTHORIZATION, a.clone());
    }
    if let Some(t) = &req.content_type {
        headers.insert(CONTENT_TYPE, t.clone());
    }
    if let Some(b) = &req.body {
        *request.body_mut() = Some(b.clone().into());
    }
    http.execute(request).await.map_err(Failure::Transport)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers_of_an_answer_do_not_show_in_debug() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "set-cookie",
            HeaderValue::from_static("ASP.NET_SessionId=s3cr3t"),
        );
        headers.insert(
            "www-authenticate",
            HeaderValue::from_static("Bearer error=\"t0k3n\""),
        );
        headers.insert("etag", HeaderValue::from_static("\"v1\""));
        hide_secrets(&mut headers);
        let shown = format!("{headers:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
            "{shown}"
        );
        assert!(shown.contains("v1"), "{shown}");
        // Kept for whoever reads them on purpose.
        assert_eq!(
            headers.get("set-cookie").and_then(|v| v.to_str().ok()),
            Some("ASP.NET_SessionId=s3cr3t")
        );
    }

    #[test]
    fn a_limit_too_long_to_add_is_far_ahead_not_a_panic() {
        let now = tokio::time::Instant::now();
        assert!(deadline(Duration::MAX) > now);
        assert!(deadline(Duration::from_secs(1)) > now);
    }
}
