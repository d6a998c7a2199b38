//! Checks of a parsed page against itself: its samples against its method
//! and path, its path variables against its `Path Part` table. They run
//! once a sample is at hand, inline or included.

use crate::diagnostics::Pos;
use crate::ir::{Endpoint, HttpMethod, Param, Sample, SampleBody, SampleRequest};

/// Why a sample request does not fit its page: where (in the sample's own
/// file) and what was expected.
pub fn request_misfit(
    method: HttpMethod,
    path: &str,
    req: &SampleRequest,
) -> Option<(Pos, String)> {
    if req.method != method {
        return Some((
            Pos::new(req.line, 1),
            format!(
                "expected the sample request to use the page's method {method}, found {}",
                req.method
            ),
        ));
    }
    let sample_path = req.target.split('?').next().unwrap_or_default();
    if !path_matches(path, sample_path) {
        return Some((
            Pos::new(req.line, req.method.as_str().len() as u32 + 2),
            format!(
                "expected the sample request path to match the page's path `{path}`, found `{sample_path}`"
            ),
        ));
    }
    None
}

/// The path's `{var}`s that no `Path Part` row documents.
pub fn undocumented_path_vars<'p>(path: &'p str, params: &[Param]) -> Vec<&'p str> {
    path_vars(path)
        .into_iter()
        .filter(|var| !params.iter().any(|p| p.name == *var))
        .collect()
}

/// A JSON-array sample response makes the response an array, whatever the
/// headings say.
pub fn array_from_sample(e: &mut Endpoint) {
    if let (Some(body), Sample::Message(r)) = (&mut e.response_body, &e.sample_response) {
        if r.body.as_ref().is_some_and(SampleBody::is_json_array) {
            body.array = true;
        }
    }
}

/// The `{name}` variables of a path template, in order.
pub fn path_vars(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(&rest[i + 1..i + j]);
        rest = &rest[i + j + 1..];
    }
    out
}

/// A sample path matches the page path segment by segment: a `{var}`
/// segment matches any non-empty segment; literal segments compare without
/// regard to ASCII case (the WebAPI's routes are case-insensitive).
pub fn path_matches(template: &str, actual: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_end_matches('/').split('/').collect();
    t.len() == a.len()
        && t.iter().zip(&a).all(|(t, a)| {
            if t.starts_with('{') && t.ends_with('}') {
                !a.is_empty()
            } else {
                t.eq_ignore_ascii_case(a)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::SampleFile;

    fn req(method: HttpMethod, target: &str) -> SampleRequest {
        SampleRequest {
            method,
            target: target.into(),
            headers: Vec::new(),
            body: None,
            line: 3,
            file: SampleFile::Inline,
        }
    }

    #[test]
    fn paths_match_by_segment_any_case_with_filled_variables() {
        assert!(path_matches(
            "/api/v1/Thing/{id}/Links",
            "/api/v1/thing/42/Links"
        ));
        assert!(!path_matches("/api/v1/Thing/{id}", "/api/v1/Thing"));
        assert!(!path_matches("/api/v1/Thing/{id}", "/api/v1/Thing//"));
    }

    #[test]
    fn a_request_misfits_by_method_or_path() {
        let path = "/api/v1/Thing/{id}";
        assert_eq!(
            request_misfit(
                HttpMethod::Get,
                path,
                &req(HttpMethod::Get, "/api/v1/Thing/1?x=2")
            ),
            None
        );
        let (pos, msg) = request_misfit(
            HttpMethod::Post,
            path,
            &req(HttpMethod::Get, "/api/v1/Thing/1"),
        )
        .expect("method misfit");
        assert_eq!((pos.line, pos.col), (3, 1));
        assert!(msg.contains("method POST, found GET"), "{msg}");
        let (pos, _) = request_misfit(
            HttpMethod::Get,
            path,
            &req(HttpMethod::Get, "/api/v1/Other/1"),
        )
        .expect("path misfit");
        assert_eq!((pos.line, pos.col), (3, 5));
    }

    #[test]
    fn path_variables_in_order() {
        assert_eq!(path_vars("/a/{x}/b/{y}"), vec!["x", "y"]);
        assert_eq!(path_vars("/a/{x"), Vec::<&str>::new());
    }
}
