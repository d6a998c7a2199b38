//! Sample-based tests, one file per group under `tests/api/`: for every
//! endpoint with samples, the request sample round-trips through the
//! request type, the response sample decodes, and a call against a mock
//! server sends the documented request and returns the documented answer
//! (`endpoint`); a paging operation's stream reads two pages
//! (`paging`); a GET's answer goes to the PUT of the same path
//! (`read_modify_write`); the types take what a real server sends beyond
//! the samples (`types`). This module names the tests, writes the sample
//! files they read, and puts each group's tests in its file.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

mod endpoint;
mod paging;
mod read_modify_write;
mod types;

pub use types::type_tests;

use super::types::{ident, ty_in};
use crate::ir::PathPart;
use crate::resolve::names::{sanitize, Case};
use crate::resolve::{
    Group, OpBody, OpParam, OpResponse, Operation, RowSource, RustType, StructDef, TypeDef,
    TypeSpace, Window,
};

/// A test function's name: `base` (a method or type name, perhaps
/// keyword-escaped like `move_`) joined to what the test checks.
pub(super) fn test_ident(base: &str, what: &str) -> proc_macro2::Ident {
    format_ident!("{}_{what}", base.trim_end_matches('_'))
}

/// A type as the integration tests name it.
pub(super) fn ty(t: &RustType) -> TokenStream {
    ty_in(t, &quote!(crate_under_test))
}

/// A value for a parameter in a test: tokens for the call and the text
/// the server should see.
pub(super) fn sample_value(p: &OpParam) -> (TokenStream, String) {
    match &p.ty {
        RustType::I32 | RustType::I64 => (quote!(42), "42".into()),
        RustType::F64 => (quote!(1.5), "1.5".into()),
        RustType::Bool => (quote!(true), "true".into()),
        RustType::Enum(_) => {
            let t = ty(&p.ty);
            (quote!(#t::from("Sample")), "Sample".into())
        }
        RustType::DateTime => (
            quote!(crate_under_test::DateTime::parse("2024-01-02T03:04:05").expect("date")),
            "2024-01-02T03:04:05".into(),
        ),
        RustType::Vec(_) => (
            quote!(::std::vec![::std::string::String::from("sample")]),
            "sample".into(),
        ),
        _ => (quote!("sample-value"), "sample-value".into()),
    }
}

/// Sample values for the path parameters, and the path the server sees.
pub(super) fn path_args(op: &Operation) -> (Vec<TokenStream>, String) {
    let mut args = Vec::new();
    let mut texts = std::collections::BTreeMap::new();
    for p in &op.path_params {
        let (tokens, text) = sample_value(p);
        args.push(tokens);
        texts.insert(p.wire.as_str(), text);
    }
    let mut path = String::new();
    for part in op.path.parts() {
        match part {
            PathPart::Literal(text) => path.push_str(text),
            PathPart::Var(var) => match texts.get(var.as_str()) {
                Some(text) => path.push_str(text),
                None => path.push_str(&format!("{{{var}}}")),
            },
        }
    }
    (args, path)
}

/// The sample texts an operation's tests use, each written once to its
/// own file under `tests/api/samples/` and read with `include_str!`.
pub(super) struct Used<'a> {
    /// The request sample's JSON.
    request: Option<&'a str>,
    /// The answer as written, and whether it is JSON.
    response: Option<(&'a str, bool)>,
    /// The tests to make.
    round_trip_request: bool,
    decode_response: bool,
    mock: bool,
}

/// Which tests an operation gets from its samples, and the samples they use.
pub(super) fn used(op: &Operation) -> Used<'_> {
    let resp = op.samples.answer.as_ref();
    let req_json = op.samples.request_json.as_deref();
    let resp_json = resp.and_then(|r| r.json.as_deref());
    let success = resp.is_some_and(|r| (200..300).contains(&r.status));
    let round_trip_request = matches!(op.body, OpBody::Json { .. }) && req_json.is_some();
    let decode_response =
        matches!(op.response, OpResponse::Json(_)) && resp_json.is_some() && success;
    let json_response = matches!(op.response, OpResponse::Json(_));
    // A `null` sample for a typed answer shows nothing to compare.
    let mock = resp.is_some()
        && op.samples.has_request
        && !(success && json_response && resp_json.is_none());
    let request = (round_trip_request || (mock && matches!(op.body, OpBody::Json { .. })))
        .then_some(req_json)
        .flatten();
    let response = (decode_response || mock)
        .then(|| resp.map(|r| (r.raw.as_str(), r.json.is_some())))
        .flatten();
    Used {
        request,
        response,
        round_trip_request,
        decode_response,
        mock,
    }
}

/// Where a sample of `op` is kept, relative to `tests/api/`: named after
/// the method (an identifier, unique in its group), never after the
/// page's uid, which is page text and could name another folder.
pub(super) fn sample_path(module: &str, op: &Operation, what: &str) -> String {
    format!("samples/{module}/{}.{what}", op.rust)
}

/// `include_str!` of a sample file.
pub(super) fn include(path: &str) -> TokenStream {
    quote!(::std::include_str!(#path))
}

/// The sample files of a group's tests: (path under `tests/api/`, text).
pub fn sample_files(group: &Group) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for op in &group.operations {
        let u = used(op);
        if let Some(text) = u.request {
            out.push((
                sample_path(&group.module, op, "request.json"),
                text.to_string(),
            ));
        }
        if let Some((text, json)) = u.response {
            let what = if json {
                "response.json"
            } else {
                "response.txt"
            };
            out.push((sample_path(&group.module, op, what), text.to_string()));
        }
    }
    out
}

/// `tests/api/<group>.rs`, or `None` when no endpoint of the group has samples.
pub fn group_tests(group: &Group, space: &TypeSpace) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = group
        .operations
        .iter()
        .map(|op| {
            let mut t = endpoint::tests_for(op, &group.module);
            t.extend(paging::paging_test(op, &group.module, space));
            t.extend(read_modify_write::read_modify_write_test(op, group, space));
            t
        })
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    let doc = format!(
        " Sample-based tests of the {}, from the samples on its pages.",
        group.title()
    );
    Some(quote! {
        #![doc = #doc]

        use super::common;
        #[allow(unused_imports)]
        use superoffice_webapi as crate_under_test;

        #(#tests)*
    })
}

/// `tests/api/main.rs`: the one test binary, a module per group (gated by
/// its feature) and one for the types.
pub fn main_file(groups: &[&Group], has_types: bool) -> TokenStream {
    let mods = groups.iter().map(|g| {
        let m = ident(&g.module);
        let f = &g.feature();
        quote! {
            #[cfg(feature = #f)]
            mod #m;
        }
    });
    let types = has_types.then(|| {
        quote!(
            mod types;
        )
    });
    quote! {
        //! The generated crate's tests, in one binary so the library is
        //! linked once: for every endpoint with samples, the request sample
        //! round-trips, the response sample decodes, and a call against a
        //! mock server sends the documented request and returns the
        //! documented answer. Each module compiles with its feature.

        mod common;
        #types
        #(#mods)*
    }
}

/// `tests/api/common.rs`: what every test module shares, written once by
/// hand (it depends on no endpoint) and copied verbatim.
pub const COMMON_FILE: &str = include_str!("../../../testkit/common.rs");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::odata_list;

    #[test]
    fn a_sampled_paging_operation_gets_its_tests() {
        let (api, _) = crate::resolve::resolve(&[odata_list()]);
        let g = &api.groups["thing_resource"];
        let tokens = group_tests(g, &api.types).expect("tests");
        let file: syn::File = syn::parse2(tokens).expect("parses");
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("fn get_all_response_sample_decodes()"),
            "{text}"
        );
        assert!(text.contains("fn get_all_calls_the_documented_endpoint()"));
        assert!(text.contains(r#"common::Expect::call("GET", "/api/v1/Thing/sample-value")"#));
        assert!(text.contains("fn get_all_rows_read_every_page()"));
        assert!(text.contains("common::PageBy::Skip"));
        assert!(text.contains(r#"odata.nextLink\": \"next\""#), "{text}");
    }

    #[test]
    fn a_group_without_samples_has_no_test_file() {
        let mut e = odata_list();
        e.sample_request = crate::ir::Sample::Absent;
        e.sample_response = crate::ir::Sample::Absent;
        e.query_params.retain(|q| q.name == "$select");
        let (api, _) = crate::resolve::resolve(&[e]);
        assert!(group_tests(&api.groups["thing_resource"], &api.types).is_none());
    }
}
