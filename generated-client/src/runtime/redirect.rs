//! Following redirects safely. The runtime follows them itself (its reqwest
//! client is built with redirects off) so that it can apply these rules:
//!
//! - never from `https` to `http` (nor to any other scheme): the call fails
//!   with [`Error::Redirect`](super::Error::Redirect);
//! - to another origin (scheme, host or port), the credentials stay behind:
//!   `Authorization`, `Cookie`, `Proxy-Authorization` and every `SO-*`
//!   header (`SO-AppToken`, …) are not sent there;
//! - `303`, and `301`/`302` after a `POST`, continue as a `GET` without the
//!   body; `307` and `308` repeat the method and body;
//! - at most [`MAX_REDIRECTS`] in a row.

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::{Method, StatusCode, Url};

/// The most redirects one attempt follows.
pub const MAX_REDIRECTS: usize = 10;

/// Where a redirect leads, and what the request looks like there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub url: Url,
    pub method: Method,
    /// The body (and its `Content-Type`) is dropped.
    pub drop_body: bool,
    /// The target is another origin: credentials must be removed.
    pub cross_origin: bool,
}

/// The next request after a `3xx` answer from `from`, `Ok(None)` when the
/// answer is not a redirect to follow (no `Location`, or `304`/`300`), or
/// why it is refused.
pub(crate) fn next(
    from: &Url,
    method: &Method,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Option<Hop>, String> {
    let (method, drop_body) = match status.as_u16() {
        301 | 302 if *method == Method::POST => (Method::GET, true),
        303 if *method != Method::HEAD => (Method::GET, true),
        301..=303 | 307 | 308 => (method.clone(), false),
        _ => return Ok(None),
    };
    let Some(location) = headers.get(reqwest::header::LOCATION) else {
        return Ok(None);
    };
    let location = location
        .to_str()
        .map_err(|_| format!("{} to a `Location` that is not text", status.as_u16()))?;
    let url = from
        .join(location)
        .map_err(|e| format!("{} to an unusable `Location`: {e}", status.as_u16()))?;
    match (from.scheme(), url.scheme()) {
        ("https", "https") | ("http", "http" | "https") => {}
        (a, b) => {
            return Err(format!(
                "refused a redirect from {a} to {b} ({})",
                redacted(&url)
            ))
        }
    }
    let cross_origin = url.origin() != from.origin();
    Ok(Some(Hop {
        url,
        method,
        drop_body,
        cross_origin,
    }))
}

/// Headers that carry credentials and must not reach another origin.
pub(crate) fn is_secret(name: &HeaderName) -> bool {
    let name = name.as_str();
    name == "authorization"
        || name == "cookie"
        || name == "proxy-authorization"
        || name.starts_with("so-")
}

/// Removes the credentials before a request goes to another origin.
pub(crate) fn strip_secrets(headers: &mut HeaderMap) {
    let secret: Vec<HeaderName> = headers.keys().filter(|n| is_secret(n)).cloned().collect();
    for name in secret {
        headers.remove(name);
    }
}

/// A URL fit for an error message: no user info, query or fragment.
pub(crate) fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    // These only fail for URLs that cannot have them, which then have none.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, LOCATION};

    fn hop(from: &str, method: Method, status: u16, to: &str) -> Result<Option<Hop>, String> {
        let mut h = HeaderMap::new();
        h.insert(LOCATION, HeaderValue::from_str(to).expect("header"));
        next(
            &Url::parse(from).expect("url"),
            &method,
            StatusCode::from_u16(status).expect("status"),
            &h,
        )
    }

    #[test]
    fn https_never_goes_to_http() {
        let err = hop(
            "https://a.example/x",
            Method::GET,
            302,
            "http://a.example/y",
        )
        .expect_err("downgrade");
        assert!(err.contains("from https to http"), "{err}");
        assert!(hop("https://a.example/x", Method::GET, 302, "ftp://a.example/y").is_err());
        let up = hop(
            "http://a.example/x",
            Method::GET,
            301,
            "https://a.example/y",
        )
        .expect("upgrade")
        .expect("followed");
        assert_eq!(up.url.as_str(), "https://a.example/y");
    }

    #[test]
    fn methods_bodies_and_origins() {
        let same = hop("https://a.example/x", Method::POST, 307, "/y")
            .expect("ok")
            .expect("followed");
        assert_eq!(same.url.as_str(), "https://a.example/y");
        assert_eq!(same.method, Method::POST);
        assert!(!same.drop_body && !same.cross_origin);
        let other = hop(
            "https://a.example/x",
            Method::POST,
            302,
            "https://b.example/y",
        )
        .expect("ok")
        .expect("followed");
        assert_eq!(other.method, Method::GET);
        assert!(other.drop_body && other.cross_origin);
        let port = hop(
            "https://a.example/x",
            Method::PUT,
            303,
            "https://a.example:8443/",
        )
        .expect("ok")
        .expect("followed");
        assert_eq!(port.method, Method::GET);
        assert!(port.cross_origin);
        assert_eq!(hop("https://a.example/x", Method::GET, 304, "/y"), Ok(None));
    }

    #[test]
    fn secrets_are_stripped_and_urls_redacted() {
        let mut h = HeaderMap::new();
        for name in [
            "authorization",
            "so-apptoken",
            "SO-Custom",
            "cookie",
            "accept",
        ] {
            h.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_static("v"),
            );
        }
        strip_secrets(&mut h);
        assert_eq!(h.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["accept"]);
        let url = Url::parse("https://u:p@a.example/x?token=1#f").expect("url");
        assert_eq!(redacted(&url), "https://a.example/x");
    }
}
