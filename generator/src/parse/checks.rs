//! Checks of a parsed page against itself: its samples against its method
//! and path, its path variables against its `Path Part` table. They run
//! once a sample is at hand, inline or included.

use crate::diagnostics::Pos;
use crate::ir::{Endpoint, HttpMethod, Param, PathTemplate, Sample, SampleBody, SampleRequest};

/// Why a sample request does not fit its page: where (in the sample's own
/// file) and what was expected.
pub fn request_misfit(
    method: HttpMethod,
    path: &PathTemplate,
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
    if !path.matches(sample_path) {
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
pub fn undocumented_path_vars<'p>(path: &'p PathTemplate, params: &[Param]) -> Vec<&'p str> {
    path.vars()
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
        let t = |raw: &str| PathTemplate::parse(raw);
        assert!(t("/api/v1/Thing/{id}/Links").matches("/api/v1/thing/42/Links"));
        assert!(!t("/api/v1/Thing/{id}").matches("/api/v1/Thing"));
        assert!(!t("/api/v1/Thing/{id}").matches("/api/v1/Thing//"));
    }

    #[test]
    fn a_request_misfits_by_method_or_path() {
        let path = &PathTemplate::parse("/api/v1/Thing/{id}");
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
    fn undocumented_path_variables_in_order() {
        let path = PathTemplate::parse("/a/{x}/b/{y}/{z}");
        let documented = Param {
            name: "y".into(),
            ty: crate::ir::DocType::String,
            description: None,
            required: true,
            line: 1,
        };
        assert_eq!(undocumented_path_vars(&path, &[documented]), ["x", "z"]);
    }
}
