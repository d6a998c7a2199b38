//! A group → its module: the accessor on `Client`, one method per
//! endpoint returning a `Call`, and the endpoints' query structs.
//!
//! The endpoint methods are `#[inline]`: rustc then compiles a method, and
//! the decoder of its answer type that it names, only in a crate that
//! calls it. With thousands of endpoints, a user pays for the ones called,
//! not for every endpoint of the features enabled (see BENCHMARKS.md).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, raw_doc_attrs, rustdoc_safe};
use super::types::{ident, ty};
use crate::ir::{HttpMethod, PathPart};
use crate::resolve::{
    Group, OpBody, OpParam, OpResponse, Operation, Paging, QueryStruct, RowSource, RustType, Window,
};

/// How a parameter is taken as a method argument.
pub fn arg_type(t: &RustType) -> TokenStream {
    match t {
        RustType::String => quote!(&str),
        other => ty(other),
    }
}

fn method_tokens(m: HttpMethod) -> TokenStream {
    match m {
        HttpMethod::Get => quote!(::reqwest::Method::GET),
        HttpMethod::Post => quote!(::reqwest::Method::POST),
        HttpMethod::Put => quote!(::reqwest::Method::PUT),
        HttpMethod::Patch => quote!(::reqwest::Method::PATCH),
        HttpMethod::Delete => quote!(::reqwest::Method::DELETE),
        HttpMethod::Head => quote!(::reqwest::Method::HEAD),
        HttpMethod::Options => quote!(::reqwest::Method::OPTIONS),
    }
}

/// What an operation's call answers, and the `Call` constructor that
/// decodes it.
pub fn answer_type(r: &OpResponse) -> (TokenStream, TokenStream) {
    match r {
        OpResponse::Empty => (quote!(()), quote!(empty)),
        OpResponse::Bytes => (quote!(::bytes::Bytes), quote!(bytes)),
        OpResponse::Json(t) => (ty(t), quote!(json)),
    }
}

/// The statements that percent-encode each path parameter into a local
/// of the same name, and the path as `format!("/api/v1/Person/{person_id}/Image")`.
fn path_expr(op: &Operation) -> (TokenStream, TokenStream) {
    if op.path_params.is_empty() {
        let p = op.path.as_str();
        return (TokenStream::new(), quote!(::std::string::String::from(#p)));
    }
    let mut fmt = String::new();
    for part in op.path.parts() {
        match part {
            // Braces in the text are `format!`'s own: doubled.
            PathPart::Literal(text) => fmt.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Var(var) => match op.path_params.iter().find(|p| p.wire == *var) {
                Some(p) => fmt.push_str(&format!("{{{}}}", p.rust)),
                None => fmt.push_str(&format!("{{{{{var}}}}}")),
            },
        }
    }
    let encode = op.path_params.iter().map(|p| {
        let a = ident(&p.rust);
        quote!(let #a = crate::runtime::call::path_segment(&#a);)
    });
    (quote!(#(#encode)*), quote!(::std::format!(#fmt)))
}

fn param_doc(p: &OpParam) -> String {
    match &p.doc {
        Some(d) => format!(
            "- `{}` (`{}`): {}",
            p.rust,
            p.wire,
            rustdoc_safe(&d.replace('\n', " "))
        ),
        None => format!("- `{}` (`{}`)", p.rust, p.wire),
    }
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.rust);
    // The page's text, escaped; then what the generator adds, with links.
    let page_doc = doc_attrs(Some(&op.doc));
    let mut extra = String::new();
    let params: Vec<String> = op.args().map(param_doc).collect();
    if !params.is_empty() {
        extra.push_str("\n# Parameters\n\n");
        extra.push_str(&params.join("\n"));
        extra.push('\n');
    }
    if let Some(q) = &op.query {
        extra.push_str(&format!(
            "\nOptional query parameters: [`{q}`], set with `.query(…)`."
        ));
    }
    let doc = if extra.is_empty() {
        page_doc
    } else {
        let more = raw_doc_attrs(&extra);
        quote!(#page_doc #more)
    };
    let mut args = Vec::new();
    for p in op.args() {
        let a = ident(&p.rust);
        let t = arg_type(&p.ty);
        args.push(quote!(#a: #t));
    }
    let body = match &op.body {
        OpBody::None => quote!(crate::runtime::call::Body::None),
        OpBody::Json { arg, ty: t } => {
            let a = ident(arg);
            let t = ty(t);
            args.push(quote!(#a: &#t));
            quote!(crate::runtime::call::Body::json(#a))
        }
        OpBody::Binary { arg, content_type } => {
            let a = ident(arg);
            let c = ident(content_type);
            args.push(quote!(#a: impl ::std::convert::Into<::bytes::Bytes>));
            args.push(quote!(#c: &str));
            quote!(crate::runtime::call::Body::Binary {
                bytes: #a.into(),
                content_type: ::std::string::ToString::to_string(#c),
            })
        }
    };
    let (answer, make) = answer_type(&op.response);
    let call_type = match &op.query {
        Some(q) => {
            let q = ident(q);
            quote!(crate::runtime::Call<#answer, #q>)
        }
        None => quote!(crate::runtime::Call<#answer>),
    };
    let required = op.required_query.iter().map(|p| {
        let wire = &p.wire;
        let a = ident(&p.rust);
        quote!(.required(#wire, #a))
    });
    let http = method_tokens(op.method);
    let (uid, template) = (&op.uid, op.path.as_str());
    let (encode, path) = path_expr(op);
    quote! {
        #doc
        #[inline]
        pub fn #name(&self, #(#args),*) -> #call_type {
            #encode
            crate::runtime::Call::#make(
                self.client,
                crate::runtime::Endpoint::new(#http, #uid, #template),
                #path,
                #body,
            )
                #(#required)*
        }
    }
}

/// A window bound (`u32`) as the integer type of the field it goes in.
fn window_value(value: TokenStream, field_type: Option<&RustType>) -> TokenStream {
    match field_type {
        Some(RustType::I64) => quote!(i64::from(#value)),
        _ => quote!(i32::try_from(#value).unwrap_or(i32::MAX)),
    }
}

/// Statements that clone `var` (a query struct or a request body) and set
/// two of its fields (Rust name, with its type among `fields`) to window
/// bounds.
fn set_window(
    var: &proc_macro2::Ident,
    bounds: [(&String, TokenStream); 2],
    fields: &[(&str, &RustType)],
) -> TokenStream {
    let sets = bounds.into_iter().map(|(field, value)| {
        let field_ty = fields.iter().find(|(f, _)| f == field).map(|(_, t)| *t);
        let value = window_value(value, field_ty);
        let field = ident(field);
        quote!(#var.#field = ::std::option::Option::Some(#value);)
    });
    quote! {
        let mut #var = ::std::clone::Clone::clone(&#var);
        #(#sets)*
    }
}

/// `<op>_rows`: the rows of a paging operation as a stream, a page
/// fetched only when the caller reads past the rows at hand.
fn rows_method(
    op: &Operation,
    paging: &Paging,
    request_fields: Option<&[crate::resolve::Field]>,
) -> TokenStream {
    let base = ident(&op.rust);
    let name = ident(&paging.method);
    let row = ty(&paging.row);
    let end = match &paging.source {
        RowSource::Field {
            row_count: Some(_),
            next_link: None,
            ..
        } => "`RowCount` rows have come, or a page has fewer rows than `page_size`",
        _ => "a page has fewer rows than `page_size`",
    };
    let doc = doc_attrs(Some(&format!(
        "The rows of [`{0}`](Self::{0}) as a stream, `page_size` at a time (0-based pages). The next page is fetched only when the stream is read past the rows at hand; the stream ends after the last page (when {end}, or on an empty page), and after yielding the first error.",
        op.rust
    )));
    let mut params = Vec::new();
    let mut pass = Vec::new();
    for p in op.args() {
        let a = ident(&p.rust);
        let t = match &p.ty {
            RustType::String => quote!(&'a str),
            other => ty(other),
        };
        params.push(quote!(#a: #t));
        pass.push(quote!(::std::clone::Clone::clone(&#a)));
    }
    let mut setup = TokenStream::new();
    let per_page;
    let mut query = TokenStream::new();
    match (&paging.window, &op.body) {
        (Window::Query { top, skip }, _) => {
            let q = ident(op.query.as_deref().unwrap_or("NoQuery"));
            params.push(quote!(query: #q));
            let fields: Vec<(&str, &RustType)> = op
                .optional_query
                .iter()
                .map(|p| (p.rust.as_str(), &p.ty))
                .collect();
            per_page = set_window(
                &ident("query"),
                [(top, quote!(window.size)), (skip, quote!(window.skip()))],
                &fields,
            );
            query = quote!(.query(query));
        }
        (Window::Body { page, size }, OpBody::Json { arg, ty: t }) => {
            let a = ident(arg);
            let t = ty(t);
            params.push(quote!(#a: &#t));
            let fields: Vec<(&str, &RustType)> = request_fields
                .unwrap_or_default()
                .iter()
                .map(|f| (f.rust.as_str(), &f.ty))
                .collect();
            setup = quote!(let #a = ::std::clone::Clone::clone(#a););
            per_page = set_window(
                &a,
                [(page, quote!(window.page)), (size, quote!(window.size))],
                &fields,
            );
            pass.push(quote!(&#a));
        }
        (Window::Body { .. }, _) => return TokenStream::new(),
    }
    let call = quote!(this.#base(#(#pass),*) #query);
    let fetch = match &paging.source {
        RowSource::Answer => call,
        RowSource::Field {
            rows,
            next_link,
            row_count,
        } => {
            let rows = ident(rows);
            let more = match (next_link, row_count) {
                // A link says more follow; its absence is not trusted to
                // say the opposite (a short page ends the stream then).
                (Some(link), _) => {
                    let link = ident(link);
                    quote!(answer.#link.as_ref().map(|_| true))
                }
                (None, Some(count)) => {
                    let count = ident(count);
                    quote!(answer.#count.map(|all| {
                        i64::from(all) > i64::from(window.received) + i64::try_from(rows.len()).unwrap_or(i64::MAX)
                    }))
                }
                (None, None) => quote!(::std::option::Option::None),
            };
            quote! {
                let call = #call;
                async move {
                    let answer = call.await?;
                    let rows = answer.#rows.unwrap_or_default();
                    let more = #more;
                    ::std::result::Result::Ok(crate::runtime::paging::Page { rows, more })
                }
            }
        }
    };
    quote! {
        #doc
        #[inline]
        pub fn #name(&self, #(#params,)* page_size: u32) -> crate::runtime::paging::Rows<'a, #row> {
            let this = *self;
            // Page bounds go into `i32` fields.
            let page_size = page_size.min(i32::MAX as u32);
            #setup
            crate::runtime::paging::rows(page_size, move |window: crate::runtime::paging::Window| {
                #per_page
                #fetch
            })
        }
    }
}

fn query_struct(q: &QueryStruct) -> TokenStream {
    let name = ident(&q.name);
    let users: Vec<String> = q.users.iter().map(|u| format!("`{u}`")).collect();
    let doc = doc_attrs(Some(&format!(
        "Optional query parameters of {}.",
        users.join(", ")
    )));
    let fields = q.params.iter().map(|p| {
        let f = ident(&p.rust);
        let t = ty(&p.ty);
        let d = doc_attrs(Some(&match &p.doc {
            Some(d) => format!("`{}`: {d}", p.wire),
            None => format!("`{}`", p.wire),
        }));
        quote!(#d pub #f: ::std::option::Option<#t>,)
    });
    let pushes = q.params.iter().map(|p| {
        let f = ident(&p.rust);
        let wire = &p.wire;
        quote! {
            if let ::std::option::Option::Some(v) = &self.#f {
                out.push((#wire, crate::runtime::QueryValue::to_query(v)));
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl crate::runtime::QueryParams for #name {
            fn pairs(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                let mut out = ::std::vec::Vec::new();
                #(#pushes)*
                out
            }
        }
    }
}

/// `src/<group>.rs`
pub fn group_file(group: &Group, space: &crate::resolve::TypeSpace) -> TokenStream {
    let ty_name = ident(&group.type_name());
    let accessor = ident(&group.module);
    let title = &group.title();
    let notes: String = group
        .notes
        .iter()
        .map(|n| format!("\n\n{}", rustdoc_safe(n)))
        .collect();
    let module_doc: Vec<String> = format!(
        "The {title}: {} endpoint{}. Reach it with [`Client::{}`](crate::Client::{}).{notes}",
        group.operations.len(),
        if group.operations.len() == 1 { "" } else { "s" },
        group.module,
        group.module
    )
    .lines()
    .map(|l| format!(" {l}").trim_end().to_string())
    .collect();
    let struct_doc = raw_doc_attrs(&format!(
        "The {title}'s endpoints; see [`Client::{}`](crate::Client::{}).{notes}",
        group.module, group.module
    ));
    let accessor_doc = format!(" The {title}.");
    let methods = group.operations.iter().map(|op| {
        let rows = op.paging.as_ref().map(|p| {
            let request = match &op.body {
                OpBody::Json {
                    ty: RustType::Struct(n),
                    ..
                } => space.structure(n),
                _ => None,
            };
            rows_method(op, p, request.map(|s| s.fields.as_slice()))
        });
        let m = method(op);
        quote!(#m #rows)
    });
    let queries = group.queries.iter().map(query_struct);
    quote! {
        #( #![doc = #module_doc] )*

        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #ty_name<'a> {
            client: &'a crate::runtime::Client,
        }

        impl crate::runtime::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #ty_name<'_> {
                #ty_name { client: self }
            }
        }

        impl<'a> #ty_name<'a> {
            #(#methods)*
        }

        #(#queries)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::odata_list;

    fn rendered() -> String {
        let (api, _) = crate::resolve::resolve(&[odata_list()]);
        let g = &api.groups["thing_resource"];
        let file: syn::File = syn::parse2(group_file(g, &api.types)).expect("parses");
        prettyplease::unparse(&file)
    }

    #[test]
    fn a_method_names_its_operation_and_path_template() {
        let text = rendered();
        assert!(
            text.contains("pub fn get_all(\n        &self,\n        kind: &str,"),
            "{text}"
        );
        assert!(text.contains("let kind = crate::runtime::call::path_segment(&kind);"));
        assert!(
            text.contains(r#""v1ThingEntity_GetAll""#),
            "the operation id"
        );
        assert!(
            text.contains(r#""/api/v1/Thing/{kind}""#),
            "the path template"
        );
        assert!(text.contains(r#"::std::format!("/api/v1/Thing/{kind}")"#));
    }

    #[test]
    fn a_paging_operation_gets_a_rows_stream() {
        let text = rendered();
        assert!(
            text.contains("pub fn get_all_rows(") && text.contains("page_size: u32"),
            "{text}"
        );
        assert!(text.contains("Rows<'a, ::serde_json::Value>"), "{text}");
        assert!(text.contains("query.top = ::std::option::Option::Some("));
        assert!(text.contains("window.skip()"));
        assert!(text.contains("answer.odata_next_link.as_ref().map(|_| true)"));
        assert!(text.contains("let rows = answer.value.unwrap_or_default();"));
    }
}
