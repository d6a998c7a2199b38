//! Sample-based tests, one file per group under `tests/`: for every
//! endpoint with samples, the request sample round-trips through the
//! request type, the response sample decodes, and a call against a mock
//! server sends the documented request and returns the documented answer.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{ident, ty_in};
use crate::ir::{Endpoint, SampleBody};
use crate::resolve::names::{sanitize, Case};
use crate::resolve::{
    Group, OpBody, OpParam, OpResponse, Operation, RustType, StructDef, TypeDef, TypeSpace,
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

/// The JSON text of a sample body, when it is JSON and not `null`.
fn json_text(body: Option<&SampleBody>) -> Option<String> {
    match body {
        Some(SampleBody::Json(raw)) if raw.get() != "null" => Some(raw.get().to_string()),
        _ => None,
    }
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

/// A test that `text` decodes into `t` and encodes back to the same JSON.
fn round_trip_test(
    name: &proc_macro2::Ident,
    t: &RustType,
    text: &str,
    decodes: &str,
) -> TokenStream {
    let t = ty(t);
    quote! {
        #[test]
        fn #name() {
            let sample = common::sample(#text);
            let typed: #t = ::serde_json::from_value(sample.clone()).expect(#decodes);
            let back = ::serde_json::to_value(typed).expect("encodes");
            common::assert_json_eq(&back, &sample);
        }
    }
}

fn tests_for(op: &Operation, e: &Endpoint, accessor: &str) -> TokenStream {
    let mut out = TokenStream::new();
    let req = e.sample_request.message();
    let resp = e.sample_response.message();
    let req_json = req.and_then(|r| json_text(r.body.as_ref()));
    let resp_json = resp.and_then(|r| json_text(r.body.as_ref()));

    // 1. The request sample round-trips through the request type.
    if let (OpBody::Json { ty: t, .. }, Some(text)) = (&op.body, &req_json) {
        let name = test_ident(&op.rust, "request_sample_round_trips");
        out.extend(round_trip_test(
            &name,
            t,
            text,
            "the sample request decodes",
        ));
    }
    // 2. The response sample decodes into the response type.
    let success = resp.is_some_and(|r| (200..300).contains(&r.status));
    if let (OpResponse::Json(t), Some(text), true) = (&op.response, &resp_json, success) {
        let name = test_ident(&op.rust, "response_sample_decodes");
        out.extend(round_trip_test(
            &name,
            t,
            text,
            "the sample response decodes",
        ));
    }
    // 3. Against a mock server.
    let Some(resp) = resp else { return out };
    if req.is_none() {
        return out;
    }
    let json_response = matches!(op.response, OpResponse::Json(_));
    if success && json_response && resp_json.is_none() {
        // A `null` sample for a typed answer shows nothing to compare.
        return out;
    }
    let name = test_ident(&op.rust, "calls_the_documented_endpoint");
    let method = op.method.as_str();
    let mut args = Vec::new();
    let mut path = op.path.clone();
    for p in &op.path_params {
        let (tokens, text) = sample_value(p);
        args.push(tokens);
        path = path.replace(&format!("{{{}}}", p.wire), &text);
    }
    let mut query_matchers = Vec::new();
    for p in &op.required_query {
        let (tokens, text) = sample_value(p);
        args.push(tokens);
        let wire = &p.wire;
        query_matchers.push(quote!(.and(::wiremock::matchers::query_param(#wire, #text))));
    }
    let mut setup = TokenStream::new();
    let mut body_matchers = TokenStream::new();
    match &op.body {
        OpBody::None => {}
        OpBody::Json { ty: t, .. } => {
            let t = ty(t);
            match &req_json {
                Some(text) => {
                    setup = quote! {
                        let request: #t = ::serde_json::from_str(#text).expect("the sample request decodes");
                    };
                    body_matchers = quote! {
                        .and(::wiremock::matchers::header("content-type", "application/json; charset=utf-8"))
                        .and(common::JsonBody(common::sample(#text)))
                    };
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
            body_matchers = quote! {
                .and(::wiremock::matchers::header("content-type", "application/octet-stream"))
                .and(::wiremock::matchers::body_bytes(::std::vec![1u8, 2, 3]))
            };
        }
    }
    let status = resp.status;
    let raw_body = match &resp.body {
        Some(SampleBody::Json(raw)) => raw.get().to_string(),
        Some(SampleBody::Text(t)) => t.clone(),
        None => String::new(),
    };
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
                assert_eq!(bytes.as_ref(), #raw_body.as_bytes());
            },
            OpResponse::Json(_) => {
                let text = resp_json.clone().unwrap_or_default();
                quote! {
                    let out = result.expect("the call succeeds");
                    let back = ::serde_json::to_value(out).expect("encodes");
                    common::assert_json_eq(&back, &common::sample(#text));
                }
            }
        }
    };
    out.extend(quote! {
        #[tokio::test]
        async fn #name() {
            let server = ::wiremock::MockServer::start().await;
            #setup
            ::wiremock::Mock::given(::wiremock::matchers::method(#method))
                .and(::wiremock::matchers::path(#path))
                .and(::wiremock::matchers::header("authorization", common::AUTHORIZATION))
                #(#query_matchers)*
                #body_matchers
                .respond_with(
                    ::wiremock::ResponseTemplate::new(#status)
                        .set_body_raw(#raw_body, "application/json; charset=utf-8"),
                )
                .expect(1)
                .mount(&server)
                .await;
            let client = common::client(&server);
            let result = client.#accessor().#call(#(#args),*).await;
            #check
        }
    });
    out
}

/// `tests/<group>.rs`, or `None` when no endpoint of the group has samples.
pub fn group_tests(group: &Group, endpoints: &[Endpoint]) -> Option<TokenStream> {
    let tests: Vec<TokenStream> = group
        .operations
        .iter()
        .filter_map(|op| {
            endpoints
                .get(op.endpoint)
                .map(|e| tests_for(op, e, &group.module))
        })
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    let feature = &group.feature;
    let doc = format!(
        " Sample-based tests of the {}, from the samples on its pages.",
        group.title
    );
    Some(quote! {
        #![doc = #doc]
        #![cfg(feature = #feature)]

        mod common;

        #[allow(unused_imports)]
        use superoffice_webapi as crate_under_test;

        #(#tests)*
    })
}

/// `tests/types.rs`: the types accept what the real server sends beyond the
/// samples: enum values the pages do not list, fields they do not list,
/// and date-times without an offset, with `-0500`, or `0001-01-01T00:00:00`.
pub fn type_tests(space: &TypeSpace) -> Option<TokenStream> {
    let mut tests = Vec::new();
    for e in space.types.values().filter_map(|t| match t {
        TypeDef::Enum(e) => Some(e),
        _ => None,
    }) {
        let name = ident(&e.name);
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
            #[test]
            fn #test() {
                #(
                    let v: crate_under_test::types::#name = ::serde_json::from_str(#wires).expect("a listed value");
                    assert_eq!(v, crate_under_test::types::#name::#variants);
                    assert_eq!(::serde_json::to_string(&v).expect("encodes"), #wires);
                )*
                let v: crate_under_test::types::#name = ::serde_json::from_str("\"NotInTheDocs\"").expect("an unlisted value");
                assert_eq!(v, crate_under_test::types::#name::Other("NotInTheDocs".into()));
                assert_eq!(v.as_str(), "NotInTheDocs");
            }
        });
    }
    let structs: Vec<&StructDef> = space
        .types
        .values()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some(s),
            _ => None,
        })
        .collect();
    if !structs.is_empty() {
        let names = structs.iter().map(|s| ident(&s.name));
        tests.push(quote! {
            #[test]
            fn carriers_ignore_unlisted_fields_and_accept_nulls() {
                #(
                    let _: crate_under_test::types::#names = ::serde_json::from_str(r#"{"NotInTheDocs": [1, {"a": null}]}"#).expect("unlisted fields are ignored");
                )*
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
        let field = ident(&f.rust);
        let doc = |v: &str| format!("{{\"{}\": {v}}}", f.wire);
        let (plain, no_colon, empty, null) = (
            doc("\"2023-05-02T10:00:00\""),
            doc("\"2023-05-02T10:00:00-0500\""),
            doc("\"0001-01-01T00:00:00\""),
            doc("null"),
        );
        tests.push(quote! {
            #[test]
            fn date_times_the_server_sends() {
                let c: crate_under_test::types::#name = ::serde_json::from_str(#plain).expect("no offset");
                assert_eq!(c.#field.map(|d| d.to_string()).as_deref(), Some("2023-05-02T10:00:00"));
                let c: crate_under_test::types::#name = ::serde_json::from_str(#no_colon).expect("offset without colon");
                assert_eq!(c.#field.map(|d| d.to_string()).as_deref(), Some("2023-05-02T10:00:00-05:00"));
                let c: crate_under_test::types::#name = ::serde_json::from_str(#empty).expect("year one");
                assert_eq!(c.#field, None);
                let c: crate_under_test::types::#name = ::serde_json::from_str(#null).expect("null");
                assert_eq!(c.#field, None);
            }
        });
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        //! The types accept what the server sends beyond the documented samples.

        use superoffice_webapi as crate_under_test;

        #(#tests)*
    })
}

/// `tests/common/mod.rs`: what every sample test file shares.
pub fn common_file() -> TokenStream {
    quote! {
        //! Shared by the sample tests.
        #![allow(dead_code)]

        use superoffice_webapi as crate_under_test;

        /// The `Authorization` header the samples show (`tje0` / `Tje0`).
        pub const AUTHORIZATION: &str = "Basic dGplMDpUamUw";

        /// A client of the mock server, authenticated like the samples.
        pub fn client(server: &::wiremock::MockServer) -> crate_under_test::Client {
            crate_under_test::Client::builder(server.uri())
                .basic("tje0", "Tje0")
                .build()
                .expect("client")
        }

        pub fn sample(text: &str) -> ::serde_json::Value {
            ::serde_json::from_str(text).expect("the sample is JSON")
        }

        pub use crate_under_test::runtime::testing::assert_json_eq;

        /// Matches a request whose JSON body says what `0` says (nulls as absent).
        pub struct JsonBody(pub ::serde_json::Value);

        impl ::wiremock::Match for JsonBody {
            fn matches(&self, request: &::wiremock::Request) -> bool {
                ::serde_json::from_slice::<::serde_json::Value>(&request.body)
                    .is_ok_and(|v| crate_under_test::runtime::testing::json_eq(&v, &self.0))
            }
        }
    }
}
