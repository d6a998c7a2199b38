//! The type space → `src/types/`: carrier structs, string enums and
//! aliases for carriers nobody describes, one module per group name
//! (`types/user.rs`), each type gated on the features that reach it and
//! re-exported as `types::Name`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, raw_doc_attrs};
use super::layout::{cfg_any, Layout};
use crate::resolve::{Api, EnumDef, Field, OpaqueDef, RustType, StructDef, TypeDef};

pub fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// A resolved type as tokens, inside the generated crate; std and
/// dependencies by full path, so no carrier name can shadow them.
pub fn ty(t: &RustType) -> TokenStream {
    ty_in(t, &quote!(crate))
}

/// A resolved type as tokens, with `root` naming the generated crate
/// (`crate` inside it, the crate's name in its integration tests).
pub fn ty_in(t: &RustType, root: &TokenStream) -> TokenStream {
    match t {
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F64 => quote!(f64),
        RustType::Bool => quote!(bool),
        RustType::String => quote!(::std::string::String),
        RustType::DateTime => quote!(#root::runtime::DateTime),
        RustType::Struct(n) | RustType::Enum(n) | RustType::Opaque(n) => {
            let n = ident(n);
            quote!(#root::types::#n)
        }
        RustType::Vec(t) => {
            let t = ty_in(t, root);
            quote!(::std::vec::Vec<#t>)
        }
        RustType::Map(t) => {
            let t = ty_in(t, root);
            quote!(::std::collections::BTreeMap<::std::string::String, #t>)
        }
        RustType::Json => quote!(::serde_json::Value),
    }
}

/// The wire name serde's `rename_all = "PascalCase"` gives a field:
/// `associate_id` → `AssociateId`, `type_` → `Type`.
pub fn serde_pascal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = true;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn field_tokens(s: &StructDef, f: &Field, layout: &Layout, pascal: bool) -> TokenStream {
    let field = ident(&f.rust);
    let boxed = layout.boxed.contains(&(s.name.clone(), f.rust.clone()));
    let inner = if boxed {
        let t = ty(&f.ty);
        quote!(::std::boxed::Box<#t>)
    } else {
        ty(&f.ty)
    };
    let json_note = matches!(f.ty, RustType::Json)
        .then_some("Raw JSON: neither the pages nor their samples say what this holds.");
    let doc_text = match (&f.doc, json_note) {
        (Some(d), Some(n)) => Some(format!("{d}\n\n{n}")),
        (Some(d), None) => Some(d.clone()),
        (None, n) => n.map(str::to_string),
    };
    let doc = doc_attrs(doc_text.as_deref());
    let wire = &f.wire;
    let rename = (!pascal || serde_pascal(&f.rust) != f.wire).then(|| quote!(#[serde(rename = #wire)]));
    quote! {
        #doc
        #rename
        pub #field: ::std::option::Option<#inner>,
    }
}

/// A carrier: every field optional, `None` left out when sending, missing
/// and `null` fields read as `None`. Per-field attributes only where the
/// wire name is not the field's PascalCase.
fn structure(s: &StructDef, layout: &Layout, doc: &str) -> TokenStream {
    let name = ident(&s.name);
    let doc = raw_doc_attrs(doc);
    let cfg = layout.cfg(&s.name);
    let matching = s
        .fields
        .iter()
        .filter(|f| serde_pascal(&f.rust) == f.wire)
        .count();
    let pascal = matching > 0;
    let fields = s.fields.iter().map(|f| field_tokens(s, f, layout, pascal));
    let container = if pascal {
        quote!(#[serde(rename_all = "PascalCase", default)])
    } else {
        quote!(#[serde(default)])
    };
    quote! {
        #doc
        #cfg
        #[::serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        #container
        pub struct #name {
            #(#fields)*
        }
    }
}

fn enumeration(e: &EnumDef, layout: &Layout) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc_attrs(Some(e.doc.as_deref().unwrap_or(
        "Values the pages list; a value they do not list is kept in `Other`.",
    )));
    let cfg = layout.cfg(&e.name);
    let variants: Vec<Ident> = e.variants.iter().map(|(v, _)| ident(v)).collect();
    let wires: Vec<&String> = e.variants.iter().map(|(_, w)| w).collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!(" `{w}`")).collect();
    quote! {
        #cfg
        crate::string_enum! {
            #doc
            pub enum #name {
                #( #[doc = #variant_docs] #variants = #wires, )*
            }
        }
    }
}

fn opaque(o: &OpaqueDef, layout: &Layout) -> TokenStream {
    let name = ident(&o.name);
    let doc = doc_attrs(o.doc.as_deref());
    let cfg = layout.cfg(&o.name);
    quote! {
        #doc
        #cfg
        pub type #name = ::serde_json::Value;
    }
}

/// `src/types/mod.rs` and one file per module: `(path, tokens)`.
pub fn types_files(api: &Api, layout: &Layout, docs: &BTreeMap<String, String>) -> Vec<(PathBuf, TokenStream)> {
    let mut by_module: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    for (name, def) in &api.types.types {
        if !layout.emitted(name) {
            continue;
        }
        let Some(module) = layout.home.get(name) else {
            continue;
        };
        let item = match def {
            TypeDef::Struct(s) => {
                let doc = docs.get(name).cloned().unwrap_or_else(|| format!("The `{name}` carrier."));
                structure(s, layout, &doc)
            }
            TypeDef::Enum(e) => enumeration(e, layout),
            TypeDef::Opaque(o) => opaque(o, layout),
        };
        by_module.entry(module.as_str()).or_default().push(item);
    }
    let modules = layout.modules();
    let mut files = Vec::new();
    let decls = by_module.keys().map(|m| {
        let cfg = cfg_any(modules.get(m).into_iter().flatten());
        let id = ident(m);
        quote! {
            #cfg
            mod #id;
            #cfg
            pub use self::#id::*;
        }
    });
    files.push((
        PathBuf::from("src/types/mod.rs"),
        quote! {
            //! The carriers (request and response bodies) and enums of the API.
            //!
            //! Every field is optional: SuperOffice sends `null` for empty
            //! nested carriers and leaves fields out under `$select`. Unknown
            //! fields are ignored when reading, and `None` is not sent. Each
            //! type compiles only with a feature whose endpoints use it.

            #(#decls)*
        },
    ));
    for (module, items) in by_module {
        let doc = format!(" Carriers and enums filed under `{module}` (all re-exported from [`types`](crate::types)).");
        files.push((
            PathBuf::from(format!("src/types/{module}.rs")),
            quote! {
                #![doc = #doc]

                #(#items)*
            },
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_pascal_matches_serde() {
        assert_eq!(serde_pascal("associate_id"), "AssociateId");
        assert_eq!(serde_pascal("type_"), "Type");
        assert_eq!(serde_pascal("odata_next_link"), "OdataNextLink");
        assert_eq!(serde_pascal("n_1st_place"), "N1stPlace");
    }
}
