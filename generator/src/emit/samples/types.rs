//! `tests/api/types.rs`: the types against what a real server sends beyond
//! the samples.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::emit::layout::Layout;

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
