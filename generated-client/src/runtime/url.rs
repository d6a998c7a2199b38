//! URL building: the API root of a base URL, path parameters that cannot
//! change which endpoint is called, and the URL of a call, which cannot
//! leave the client's base URL.
//!
//! A path parameter becomes exactly one path segment: everything but the
//! RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
//! percent-encoded, so `/`, `?`, `#`, `%` and non-ASCII text stay inside the
//! segment. Three values cannot be one segment at all: the empty string
//! (`/Contact/` is another endpoint than `/Contact/{id}`), `.` and `..`
//! (URL parsing removes them, even as `%2E`). A call with such a parameter
//! fails with [`Error::InvalidPath`] before anything is sent.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::Error;

/// Characters escaped in a path segment: all but RFC 3986 `unreserved`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Wraps a parameter value that cannot be a path segment. The encoded
/// segments never contain it (a NUL in a value is encoded as `%00`), so
/// [`check`] finds exactly these.
const REJECTED: char = '\0';

/// A path parameter value, percent-encoded as one path segment.
///
/// The generated endpoint methods build their path with it:
/// `format!("/api/v1/Contact/{}", path_segment(&id))`. An empty, `.` or `..`
/// value is marked so that the call fails with [`Error::InvalidPath`]
/// instead of calling another endpoint.
pub fn path_segment(value: &impl std::fmt::Display) -> String {
    let raw = value.to_string();
    match raw.as_str() {
        "" | "." | ".." => format!("{REJECTED}{raw}{REJECTED}"),
        // Ids and most names need no escaping: keep the text as it is.
        s if s.bytes().all(is_unreserved) => raw,
        _ => utf8_percent_encode(&raw, SEGMENT).to_string(),
    }
}

/// RFC 3986 `unreserved`: the bytes a segment keeps as they are.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Fails for a path with a parameter that [`path_segment`] rejected, or a
/// path that is not absolute.
pub(crate) fn check(path: &str) -> Result<(), Error> {
    if let Some(start) = path.find(REJECTED) {
        let rest = &path[start + 1..];
        let value = rest.split(REJECTED).next().unwrap_or_default();
        let reason = if value.is_empty() {
            "a path parameter is empty".to_string()
        } else {
            format!("a path parameter is `{value}`")
        };
        return Err(Error::InvalidPath {
            path: shown(path),
            reason,
        });
    }
    if !path.starts_with('/') {
        return Err(Error::InvalidPath {
            path: shown(path),
            reason: "the path does not start with `/`".into(),
        });
    }
    Ok(())
}

/// A path for an error message, rejected parameters shown as `{…}`.
fn shown(path: &str) -> String {
    let mut out = String::new();
    for (i, part) in path.split(REJECTED).enumerate() {
        out.push_str(if i % 2 == 0 { part } else { "{…}" });
    }
    out
}

/// The URL of `path` under `base` (whose path has no trailing slash), with
/// `query` encoded as `application/x-www-form-urlencoded` pairs (so `&`,
/// `=` and `#` in a value stay in the value). Fails when parsing would move
/// the request elsewhere: another origin, out of the base path, fewer
/// segments (dot segments removed), or a query or fragment from the path.
pub(crate) fn url(
    base: &reqwest::Url,
    path: &str,
    query: &[(&str, String)],
) -> Result<reqwest::Url, Error> {
    check(path)?;
    let invalid = |reason: &str| Error::InvalidPath {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let joined = format!("{}{path}", base.as_str().trim_end_matches('/'));
    let mut url = reqwest::Url::parse(&joined).map_err(|e| invalid(&e.to_string()))?;
    let prefix = base.path().trim_end_matches('/');
    // The same origin, compared without building `Origin`s.
    let same_origin = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    let stays = same_origin
        && url.path().starts_with(prefix)
        && url.path()[prefix.len()..].matches('/').count() == path.matches('/').count()
        && url.query().is_none()
        && url.fragment().is_none();
    if !stays {
        return Err(invalid("it would leave the client's base URL"));
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// The root documented paths (`/api/v1/…`) are appended to, from a base
/// URL: an `http`/`https` URL without credentials, query or fragment, less
/// a trailing `/` and a final `/api` (an on-site `…/api` root); or why it
/// is unusable.
pub(crate) fn api_root(raw: &str) -> Result<reqwest::Url, String> {
    let base = reqwest::Url::parse(raw.trim()).map_err(|e| e.to_string())?;
    if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
        return Err("expected an http:// or https:// URL".into());
    }
    if !base.username().is_empty() || base.password().is_some() {
        return Err("credentials belong in `.basic(…)`, not in the URL".into());
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err("expected no query or fragment".into());
    }
    let mut root = base.as_str().trim_end_matches('/').to_string();
    if root.to_ascii_lowercase().ends_with("/api") {
        root.truncate(root.len() - 4);
    }
    reqwest::Url::parse(&root).map_err(|e| e.to_string())
}

/// `pairs` as an `application/x-www-form-urlencoded` body: every byte but
/// the unreserved ones percent-encoded, so `&`, `=` and `+` in a value
/// stay in the value.
#[cfg(feature = "oauth")]
pub(crate) fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, SEGMENT),
                utf8_percent_encode(v, SEGMENT)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `url` is `https` on `domain` or a host below it (`online2.superoffice.com`
/// within `superoffice.com`; not `superoffice.com.evil.example`).
pub(crate) fn https_within(url: &reqwest::Url, domain: &str) -> bool {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let inside = host == domain || host.ends_with(&format!(".{domain}"));
    url.scheme() == "https" && inside
}

/// A URL as typed, for error messages: any `user:password@` shown as `***@`.
pub(crate) fn without_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_only_unreserved_characters() {
        assert_eq!(path_segment(&"a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment(&42), "42");
        assert_eq!(path_segment(&"a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(path_segment(&"../x"), "..%2Fx");
        assert_eq!(path_segment(&"1?x=2#f"), "1%3Fx%3D2%23f");
        assert_eq!(path_segment(&"100%"), "100%25");
        assert_eq!(path_segment(&"Ærø"), "%C3%86r%C3%B8");
        assert_eq!(path_segment(&"a\0b"), "a%00b");
        assert_eq!(path_segment(&"..."), "...");
    }

    #[test]
    fn empty_and_dot_parameters_are_rejected() {
        for (value, reason) in [
            ("", "a path parameter is empty"),
            (".", "a path parameter is `.`"),
            ("..", "a path parameter is `..`"),
        ] {
            let path = format!("/api/v1/Contact/{}/Image", path_segment(&value));
            let Err(Error::InvalidPath { path, reason: r }) = check(&path) else {
                panic!("accepted {value:?}")
            };
            assert_eq!(path, "/api/v1/Contact/{…}/Image");
            assert_eq!(r, reason);
        }
        assert!(check("/api/v1/Contact/5").is_ok());
        assert!(check("api/v1/Contact/5").is_err());
    }

    #[test]
    fn urls_stay_under_the_base() {
        let base = reqwest::Url::parse("https://h.example/Cust1").expect("url");
        let ok = url(&base, "/api/v1/Contact/a%2F..", &[("q", "a&b=c#d".into())]).expect("ok");
        assert_eq!(
            ok.as_str(),
            "https://h.example/Cust1/api/v1/Contact/a%2F..?q=a%26b%3Dc%23d"
        );
        for escape in ["/api/../../x", "/api/%2e%2e/x", "/api/x?y=1", "/api/x#f"] {
            assert!(
                matches!(url(&base, escape, &[]), Err(Error::InvalidPath { .. })),
                "{escape}"
            );
        }
    }
}
