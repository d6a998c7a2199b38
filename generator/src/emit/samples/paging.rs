//! A paging operation's test: its `…_rows` stream reads two pages of a mock
//! server and stops there.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

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
pub(super) fn paging_test(
    op: &Operation,
    accessor: &str,
    space: &TypeSpace,
) -> Option<TokenStream> {
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
