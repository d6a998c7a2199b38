//! Sample-based tests, one file per group under `tests/`: for every
//! endpoint with samples, the request sample round-trips through the
//! request type, the response sample decodes, and a call against a mock
//! server sends the documented request and returns the documented answer.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::layout::Layout;
use super::types::{ident, ty_in};
use crate::ir::PathPart;
use crate::resolve::names::{sanitize, Case};
use crate::resolve::{
    Group, OpBody, OpParam, OpResponse, Operation, RowSource, RustType, StructDef, TypeDef,
    TypeSpace, Window,
};

/// A test function's name: `base` (a method or type name, perhaps
/// keyword-escaped like `move_`) joined to what the test checks.
fn test_ident(base: &str, what: &str) -> proc_macro2::Ident {
    format_ident!("{}_{what}", base.trim_end_matches('_'))
}

/// A type as the integration tests name it.
fn ty(t: &RustType) -> TokenStream {
    ty_in(t, &quote!(crate_under_test))
}

/// A value for a parameter in a test: tokens for the call and the text
/// the server should see.
fn sample_value(p: &OpParam) -> (TokenStream, String) {
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
fn path_args(op: &Operation) -> (Vec<TokenStream>, String) {
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

/// A test that `text` (a sample's `include_str!`) decodes into `t` and
/// encodes back to the same JSON.
fn round_trip_test(name: &proc_macro2::Ident, t: &RustType, text: &TokenStream) -> TokenStream {
    let t = ty(t);
    quote! {
        #[test]
        fn #name() {
            common::round_trip::<#t>(#text);
        }
    }
}

/// The sample texts an operation's tests use, each written once to its
/// own file under `tests/api/samples/` and read with `include_str!`.
struct Used<'a> {
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
fn used(op: &Operation) -> Used<'_> {
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
fn sample_path(module: &str, op: &Operation, what: &str) -> String {
    format!("samples/{module}/{}.{what}", op.rust)
}

/// `include_str!` of a sample file.
fn include(path: &str) -> TokenStream {
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

fn tests_for(op: &Operation, accessor: &str) -> TokenStream {
    let mut out = TokenStream::new();
    let u = used(op);
    let request_text = u
        .request
        .map(|_| include(&sample_path(accessor, op, "request.json")));
    let response_text = u.response.map(|(_, json)| {
        let what = if json {
            "response.json"
        } else {
            "response.txt"
        };
        include(&sample_path(accessor, op, what))
    });

    // 1. The request sample round-trips through the request type.
    if let (OpBody::Json { ty: t, .. }, true, Some(text)) =
        (&op.body, u.round_trip_request, &request_text)
    {
        let name = test_ident(&op.rust, "request_sample_round_trips");
        out.extend(round_trip_test(&name, t, text));
    }
    // 2. The response sample decodes into the response type.
    if let (OpResponse::Json(t), true, Some(text)) =
        (&op.response, u.decode_response, &response_text)
    {
        let name = test_ident(&op.rust, "response_sample_decodes");
        out.extend(round_trip_test(&name, t, text));
    }
    // 3. Against a mock server.
    let (true, Some(resp), Some(answer)) = (u.mock, op.samples.answer.as_ref(), &response_text)
    else {
        return out;
    };
    let success = (200..300).contains(&resp.status);
    let name = test_ident(&op.rust, "calls_the_documented_endpoint");
    let method = op.method.as_str();
    let (mut args, path) = path_args(op);
    let mut query_matchers = Vec::new();
    for p in &op.required_query {
        let (tokens, text) = sample_value(p);
        args.push(tokens);
        let wire = &p.wire;
        query_matchers.push(quote!(.query(#wire, #text)));
    }
    let mut setup = TokenStream::new();
    let mut body_matchers = TokenStream::new();
    match &op.body {
        OpBody::None => {}
        OpBody::Json { ty: t, .. } => {
            let t = ty(t);
            match &request_text {
                Some(text) => {
                    setup = quote! {
                        let sent = #text;
                        let request: #t = common::decode(sent);
                    };
                    body_matchers = quote!(.json_body(sent));
                }
                None => {
                    setup = quote! { let request = <#t as ::std::default::Default>::default(); };
                }
            }
            args.push(quote!(&request));
        }
        OpBody::Binary { .. } => {
            args.push(quote!(::std::vec![1u8, 2, 3]));
            args.push(quote!("application/octet-stream"));
            body_matchers = quote!(.binary_body(&[1, 2, 3]));
        }
    }
    let status = resp.status;
    let accessor = ident(accessor);
    let call = ident(&op.rust);
    let check = if !success {
        quote! {
            let err = result.expect_err("the documented status is an error");
            assert_eq!(err.status(), ::std::option::Option::Some(#status));
        }
    } else {
        match &op.response {
            OpResponse::Empty => quote! { result.expect("the call succeeds"); },
            OpResponse::Bytes => quote! {
                let bytes = result.expect("the call succeeds");
                assert_eq!(bytes.as_ref(), answer.as_bytes());
            },
            OpResponse::Json(_) => quote! {
                common::assert_answer(&result.expect("the call succeeds"), answer);
            },
        }
    };
    out.extend(quote! {
        #[tokio::test]
        async fn #name() {
            #setup
            let answer = #answer;
            let server = common::Expect::call(#method, #path)
                #(#query_matchers)*
                #body_matchers
                .answer(#status, answer)
                .await;
            let client = common::client(&server);
            let result = client.#accessor().#call(#(#args),*).await;
            #check
        }
    });
    out
}

/// The wire name of a Rust field of struct `owner`.
fn wire_of(space: &TypeSpace, owner: &RustType, rust: &str) -> Option<String> {
    let RustType::Struct(n) = owner else {
        return None;
    };
    let s = space.structure(n)?;
    Some(s.fields.iter().find(|f| f.rust == rust)?.wire.clone())
}

/// For a paging operation: its `…_rows` stream reads two pages of a mock
/// server (two rows, then one) and stops there.
fn paging_test(op: &Operation, accessor: &str, space: &TypeSpace) -> Option<TokenStream> {
    let paging = op.paging.as_ref()?;
    // Rows the test writes as `{}`: carriers (all fields optional) or raw JSON.
    if !matches!(
        paging.row,
        RustType::Struct(_) | RustType::Json | RustType::Opaque(_)
    ) {
        return None;
    }
    let OpResponse::Json(answer_ty) = &op.response else {
        return None;
    };
    let answers: [String; 2] = match &paging.source {
        RowSource::Answer => ["[{}, {}]".into(), "[{}]".into()],
        RowSource::Field {
            rows,
            next_link,
            row_count,
        } => {
            let rows = wire_of(space, answer_ty, rows)?;
            let rows = serde_json::Value::String(rows).to_string();
            match (next_link, row_count) {
                (Some(link), _) => {
                    let link =
                        serde_json::Value::String(wire_of(space, answer_ty, link)?).to_string();
                    [
                        format!("{{{rows}: [{{}}, {{}}], {link}: \"next\"}}"),
                        format!("{{{rows}: [{{}}]}}"),
                    ]
                }
                (None, Some(count)) => {
                    let count =
                        serde_json::Value::String(wire_of(space, answer_ty, count)?).to_string();
                    [
                        format!("{{{rows}: [{{}}, {{}}], {count}: 3}}"),
                        format!("{{{rows}: [{{}}], {count}: 3}}"),
                    ]
                }
                (None, None) => [
                    format!("{{{rows}: [{{}}, {{}}]}}"),
                    format!("{{{rows}: [{{}}]}}"),
                ],
            }
        }
    };
    let (mut args, path) = path_args(op);
    for p in &op.required_query {
        args.push(sample_value(p).0);
    }
    let (a1, a2) = (&answers[0], &answers[1]);
    let method = op.method.as_str();
    let server = match (&paging.window, &op.body) {
        (Window::Query { .. }, _) => {
            args.push(quote!(::std::default::Default::default()));
            quote!(common::serve_pages(#method, #path, common::PageBy::Skip, [#a1, #a2]).await)
        }
        (Window::Body { page, .. }, OpBody::Json { ty: body_ty, .. }) => {
            let page_wire = wire_of(space, body_ty, page)?;
            let t = ty(body_ty);
            args.push(quote!(&<#t as ::std::default::Default>::default()));
            quote!(common::serve_pages(#method, #path, common::PageBy::Body(#page_wire), [#a1, #a2]).await)
        }
        _ => return None,
    };
    let name = test_ident(&op.rust, "rows_read_every_page");
    let accessor = ident(accessor);
    let rows = ident(&paging.method);
    Some(quote! {
        #[tokio::test]
        async fn #name() {
            use crate_under_test::runtime::paging::StreamExt;
            let server = #server;
            let client = common::client(&server);
            let rows: ::std::vec::Vec<_> = client.#accessor().#rows(#(#args,)* 2).collect().await;
            assert_eq!(rows.len(), 3, "two pages of rows");
            assert!(rows.iter().all(|r| r.is_ok()));
        }
    })
}

/// For a `GET` that answers an entity with links, with a sample answer, and
/// a `PUT` of the same path that takes the entity: the answer (with a field
/// no page documents added) goes straight to the `PUT`, which sends every
/// field back but the links.
fn read_modify_write_test(
    get: &Operation,
    group: &Group,
    space: &TypeSpace,
) -> Option<TokenStream> {
    let OpResponse::Json(RustType::Struct(answer)) = &get.response else {
        return None;
    };
    let Some(TypeDef::WithLinks(w)) = space.types.get(answer) else {
        return None;
    };
    if get.method != crate::ir::HttpMethod::Get {
        return None;
    }
    let (_, json) = used(get).response?;
    if !json {
        return None;
    }
    let entity = space.structure(&w.entity)?;
    let put = group.operations.iter().find(|o| {
        o.method == crate::ir::HttpMethod::Put
            && o.path == get.path
            && matches!(&o.body, OpBody::Json { ty: RustType::Struct(t), .. }
                if space.structure(t).is_some_and(|s| std::ptr::eq(s, entity)))
    })?;
    if !put.required_query.is_empty() {
        return None;
    }
    let answer_ty = ty(&RustType::Struct(answer.clone()));
    let text = include(&sample_path(&group.module, get, "response.json"));
    let (mut args, path) = path_args(put);
    args.push(quote!(&got));
    let name = test_ident(&get.rust, "answer_is_saved_back_by");
    let name = format_ident!("{name}_{}", put.rust.trim_end_matches('_'));
    let accessor = ident(&group.module);
    let save = ident(&put.rust);
    // A documented text field if the entity has one, else an unknown one.
    let change = match entity.fields.iter().find(|f| f.ty == RustType::String) {
        Some(f) => {
            let field = ident(&f.rust);
            let wire = &f.wire;
            quote! {
                got.#field = ::std::option::Option::Some("Changed here".into());
                let saved = common::with_field(&saved, #wire, ::serde_json::json!("Changed here"));
            }
        }
        None => {
            let extra = super::types::extra_name(entity);
            quote! {
                got.#extra.insert("ChangedHere".into(), ::serde_json::json!(1));
                let saved = common::with_field(&saved, "ChangedHere", ::serde_json::json!(1));
            }
        }
    };
    Some(quote! {
        #[tokio::test]
        async fn #name() {
            let (answer, saved) = common::with_unlisted_field(#text);
            let mut got: #answer_ty = common::decode(&answer);
            // Read, changed, saved: the answer goes where the entity goes.
            #change
            let server = common::Expect::call("PUT", #path)
                .json_body(&saved)
                .answer(200u16, &answer)
                .await;
            let client = common::client(&server);
            client.#accessor().#save(#(#args),*).await.expect("saved");
        }
    })
}

/// `tests/api/<group>.rs`, or `None` when no endpoint of the group has samples.
pub fn group_tests(group: &Group, space: &TypeSpace) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = group
        .operations
        .iter()
        .map(|op| {
            let mut t = tests_for(op, &group.module);
            t.extend(paging_test(op, &group.module, space));
            t.extend(read_modify_write_test(op, group, space));
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

/// `tests/api/types.rs`: the types accept what the real server sends beyond
/// the samples: enum values the pages do not list, fields they do not list,
/// and date-times without an offset, with `-0500`, or `0001-01-01T00:00:00`.
pub fn type_tests(space: &TypeSpace, layout: &Layout) -> Option<TokenStream> {
    let mut tests = Vec::new();
    let emitted = |name: &str| layout.emitted(name);
    for e in space.types.values().filter_map(|t| match t {
        TypeDef::Enum(e) if emitted(&e.name) => Some(e),
        _ => None,
    }) {
        let name = ident(&e.name);
        let cfg = layout.cfg(&e.name);
        let test = test_ident(
            &sanitize(&e.name, Case::Snake),
            "accepts_listed_and_unlisted_values",
        );
        let variants: Vec<proc_macro2::Ident> = e.variants.iter().map(|(v, _)| ident(v)).collect();
        let wires: Vec<String> = e
            .variants
            .iter()
            .map(|(_, w)| serde_json::Value::String(w.clone()).to_string())
            .collect();
        tests.push(quote! {
            #cfg
            #[test]
            fn #test() {
                #(
                    common::assert_enum_value(crate_under_test::types::#name::#variants, #wires);
                )*
                let v: crate_under_test::types::#name = common::decode("\"NotInTheDocs\"");
                assert_eq!(v, crate_under_test::types::#name::Other("NotInTheDocs".into()));
                assert_eq!(v.as_str(), "NotInTheDocs");
            }
        });
    }
    let structs: Vec<&StructDef> = space
        .types
        .values()
        .filter_map(|t| match t {
            TypeDef::Struct(s) if emitted(&s.name) => Some(s),
            _ => None,
        })
        .collect();
    if !structs.is_empty() {
        let checks = structs.iter().map(|s| {
            let name = ident(&s.name);
            let cfg = layout.cfg(&s.name);
            quote! {
                #cfg
                common::keeps_unlisted_fields::<crate_under_test::types::#name>();
            }
        });
        tests.push(quote! {
            #[test]
            fn carriers_keep_unlisted_fields() {
                #(#checks)*
            }
        });
    }
    let dated = structs.iter().find_map(|s| {
        s.fields
            .iter()
            .find(|f| f.ty == RustType::DateTime)
            .map(|f| (s, f))
    });
    if let Some((s, f)) = dated {
        let name = ident(&s.name);
        let cfg = layout.cfg(&s.name);
        let field = ident(&f.rust);
        let doc = |v: &str| format!("{{\"{}\": {v}}}", f.wire);
        let (plain, no_colon, empty, null) = (
            doc("\"2023-05-02T10:00:00\""),
            doc("\"2023-05-02T10:00:00-0500\""),
            doc("\"0001-01-01T00:00:00\""),
            doc("null"),
        );
        tests.push(quote! {
            #cfg
            #[test]
            fn date_times_the_server_sends() {
                let c: crate_under_test::types::#name = common::decode(#plain);
                assert_eq!(c.#field.map(|d| d.to_string()).as_deref(), Some("2023-05-02T10:00:00"));
                let c: crate_under_test::types::#name = common::decode(#no_colon);
                assert_eq!(c.#field.map(|d| d.to_string()).as_deref(), Some("2023-05-02T10:00:00-0500"));
                // SuperOffice's "no date" is kept, and written back as it came.
                let c: crate_under_test::types::#name = common::decode(#empty);
                assert!(c.#field.is_some_and(|d| d.is_empty_marker()));
                common::round_trip::<crate_under_test::types::#name>(#empty);
                let c: crate_under_test::types::#name = common::decode(#null);
                assert_eq!(c.#field, None);
            }
        });
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        //! The types accept what the server sends beyond the documented samples.

        // Every test here is gated by its type's features; with none, none remain.
        #[allow(unused_imports)]
        use super::common;
        #[allow(unused_imports)]
        use superoffice_webapi as crate_under_test;

        #(#tests)*
    })
}

/// `tests/api/common.rs`: what every test module shares, written once by
/// hand (it depends on no endpoint) and copied verbatim.
pub const COMMON_FILE: &str = include_str!("../../testkit/common.rs");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::tests::odata_list;

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
