//! An endpoint's tests from its samples: the request sample round-trips,
//! the answer decodes, and a call against a mock server sends the
//! documented request and returns the documented answer.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

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

pub(super) fn tests_for(op: &Operation, accessor: &str) -> TokenStream {
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
