//! The type space → `src/types.rs`: carrier structs, string enums and
//! aliases for carriers nobody describes.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use crate::resolve::{EnumDef, OpaqueDef, RustType, StructDef, TypeDef, TypeSpace};

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

fn structure(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let doc = doc_attrs(s.doc.as_deref());
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        let inner = match &f.ty {
            // Boxed: carriers refer to each other, sometimes in cycles.
            RustType::Struct(_) => {
                let t = ty(&f.ty);
                quote!(::std::boxed::Box<#t>)
            }
            other => ty(other),
        };
        let json_note = matches!(f.ty, RustType::Json)
            .then_some("No page or sample says what this holds, so it is raw JSON.");
        let doc_text = match (&f.doc, json_note) {
            (Some(d), Some(n)) => Some(format!("{d}\n\n{n}")),
            (Some(d), None) => Some(d.clone()),
            (None, n) => n.map(str::to_string),
        };
        let doc = doc_attrs(doc_text.as_deref());
        let with = matches!(f.ty, RustType::DateTime)
            .then(|| quote!(, deserialize_with = "crate::runtime::datetime::nullable"));
        quote! {
            #doc
            #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none" #with)]
            pub #field: ::std::option::Option<#inner>,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn enumeration(e: &EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc_attrs(Some(e.doc.as_deref().unwrap_or(
        "Values the pages list; a value they do not list is kept in `Other`.",
    )));
    let variants: Vec<Ident> = e.variants.iter().map(|(v, _)| ident(v)).collect();
    let wires: Vec<&String> = e.variants.iter().map(|(_, w)| w).collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!(" `{w}`")).collect();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value the documentation does not list.
            Other(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #( #wires => Self::#variants, )*
                    other => Self::Other(::std::string::ToString::to_string(other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(s.as_ref()))
            }
        }

        impl crate::runtime::QueryValue for #name {
            fn to_query(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(self.as_str())
            }
        }
    }
}

fn opaque(o: &OpaqueDef) -> TokenStream {
    let name = ident(&o.name);
    let doc = doc_attrs(o.doc.as_deref());
    quote! {
        #doc
        pub type #name = ::serde_json::Value;
    }
}

/// `src/types.rs`
pub fn types_file(space: &TypeSpace) -> TokenStream {
    let items = space.types.values().map(|t| match t {
        TypeDef::Struct(s) => structure(s),
        TypeDef::Enum(e) => enumeration(e),
        TypeDef::Opaque(o) => opaque(o),
    });
    quote! {
        //! The carriers (request and response bodies) and enums of the API.
        //!
        //! Every field is optional: SuperOffice sends `null` for empty
        //! nested carriers and leaves fields out under `$select`. Unknown
        //! fields are ignored when reading, and `None` is not sent.
        #(#items)*
    }
}
