//! The type space → `src/types/`: carrier structs, string enums and
//! aliases for carriers nobody describes, one module per group name
//! (`types/user.rs`), each type gated on the features that reach it and
//! re-exported as `types::Name`.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, raw_doc_attrs};
use super::layout::{cfg_any, Layout};
use crate::resolve::names::extra_field;
use crate::resolve::{
    AliasDef, Api, EnumDef, Field, OpaqueDef, RustType, StructDef, TypeDef, WithLinksDef,
};

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

/// The field holding what the pages do not document ([`extra_field`]).
pub(crate) fn extra_name(s: &StructDef) -> Ident {
    ident(&extra_field(s.fields.iter().map(|f| f.rust.as_str())))
}

fn field_doc(f: &Field) -> TokenStream {
    let json_note = matches!(f.ty, RustType::Json)
        .then_some("Raw JSON: neither the pages nor their samples say what this holds.");
    let wire = format!("`{}`", f.wire);
    let text = match (&f.doc, json_note) {
        (Some(d), Some(n)) => format!("{wire}: {d}\n\n{n}"),
        (Some(d), None) => format!("{wire}: {d}"),
        (None, Some(n)) => format!("{wire}. {n}"),
        (None, None) => wire,
    };
    doc_attrs(Some(&text))
}

/// A carrier: every field optional; missing and `null` fields read as
/// `None`, `None` is not sent, and fields no page documents are kept in
/// `other_fields` and sent back. Reading and writing go through the
/// runtime's `carrier` module, one line per field.
fn structure(s: &StructDef, layout: &Layout, doc: &str) -> TokenStream {
    let name = ident(&s.name);
    let wire_name = &s.name;
    let doc = raw_doc_attrs(doc);
    let cfg = layout.cfg(&s.name);
    let extra = extra_name(s);
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let boxed = layout.boxed.contains(&(s.name.clone(), f.rust.clone()));
        let t = ty(&f.ty);
        let t = if boxed {
            quote!(::std::boxed::Box<#t>)
        } else {
            t
        };
        let doc = field_doc(f);
        quote! {
            #doc
            pub #field: ::std::option::Option<#t>,
        }
    });
    let reads = s.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        quote!(#wire => self.#field = map.next_value()?,)
    });
    let writes: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let field = ident(&f.rust);
            let wire = &f.wire;
            quote!(w.field(#wire, &self.#field)?;)
        })
        .collect();
    // A carrier without documented fields reads everything as extra.
    let read_body = if s.fields.is_empty() {
        quote! {
            let _ = (key, map);
            ::std::result::Result::Ok(false)
        }
    } else {
        quote! {
            match key {
                #(#reads)*
                _ => return ::std::result::Result::Ok(false),
            }
            ::std::result::Result::Ok(true)
        }
    };
    let write_body = if s.fields.is_empty() {
        quote! {
            let _ = w;
            ::std::result::Result::Ok(())
        }
    } else {
        quote! {
            #(#writes)*
            ::std::result::Result::Ok(())
        }
    };
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
            /// Fields the server sent that no page documents, sent back unchanged.
            pub #extra: crate::runtime::carrier::ExtraFields,
        }

        #cfg
        impl crate::runtime::carrier::Carrier for #name {
            const NAME: &'static str = #wire_name;

            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<bool, A::Error> {
                #read_body
            }

            fn extra_fields(&mut self) -> &mut crate::runtime::carrier::ExtraFields {
                &mut self.#extra
            }

            fn extra(&self) -> &crate::runtime::carrier::ExtraFields {
                &self.#extra
            }

            fn write_fields<M: ::serde::ser::SerializeMap>(
                &self,
                w: &mut crate::runtime::carrier::Writer<'_, M>,
            ) -> ::std::result::Result<(), M::Error> {
                #write_body
            }
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::carrier::deserialize(d)
            }
        }

        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                crate::runtime::carrier::serialize(self, s)
            }
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

fn alias(a: &AliasDef, layout: &Layout, doc: Option<&str>) -> TokenStream {
    let name = ident(&a.name);
    let target = ident(&a.target);
    let doc = doc_attrs(doc);
    let cfg = layout.cfg(&a.name);
    quote! {
        #doc
        #cfg
        pub type #name = crate::types::#target;
    }
}

/// An entity with links: the runtime's `WithLinks`, which derefs to the
/// entity.
fn with_links(w: &WithLinksDef, layout: &Layout, doc: Option<&str>) -> TokenStream {
    let name = ident(&w.name);
    let entity = ident(&w.entity);
    let links = ty(&w.links);
    let doc = doc_attrs(doc);
    let cfg = layout.cfg(&w.name);
    quote! {
        #doc
        #cfg
        pub type #name = crate::runtime::WithLinks<crate::types::#entity, #links>;
    }
}

/// `src/types/mod.rs`: the modules, each gated and re-exported.
pub fn types_mod_file(layout: &Layout) -> TokenStream {
    let decls = layout.modules().into_iter().map(|(m, module)| {
        let cfg = cfg_any(module.features);
        let id = ident(m);
        quote! {
            #cfg
            mod #id;
            #cfg
            pub use self::#id::*;
        }
    });
    quote! {
        //! The carriers (request and response bodies) and enums of the API.
        //!
        //! Every field is optional: SuperOffice sends `null` for empty
        //! nested carriers and leaves fields out under `$select`; `None`
        //! is not sent. Fields no page documents are kept in each
        //! carrier's `other_fields` and sent back, so reading an entity
        //! and saving it back loses nothing. Each type compiles only
        //! with a feature whose endpoints use it.

        #(#decls)*
    }
}

/// `src/types/<module>.rs`: the types filed under `module`.
pub fn types_module_file(
    api: &Api,
    layout: &Layout,
    docs: &BTreeMap<String, String>,
    module: &str,
    names: &[&str],
) -> TokenStream {
    let items = names.iter().filter_map(|name| {
        Some(match api.types.types.get(*name)? {
            TypeDef::Struct(s) => {
                let doc = docs
                    .get(*name)
                    .cloned()
                    .unwrap_or_else(|| format!("The `{name}` carrier."));
                structure(s, layout, &doc)
            }
            TypeDef::Enum(e) => enumeration(e, layout),
            TypeDef::Opaque(o) => opaque(o, layout),
            TypeDef::Alias(a) => alias(a, layout, docs.get(*name).map(String::as_str)),
            TypeDef::WithLinks(w) => with_links(w, layout, docs.get(*name).map(String::as_str)),
        })
    });
    let doc = format!(
        " Carriers and enums filed under `{module}` (all re-exported from [`types`](crate::types))."
    );
    quote! {
        #![doc = #doc]

        #(#items)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_names_the_struct_with_its_fields() {
        let a = AliasDef {
            name: "Competitor".into(),
            target: "Business".into(),
        };
        let text = alias(&a, &Layout::default(), Some("The `Competitor` carrier.")).to_string();
        assert!(
            text.contains("pub type Competitor = crate :: types :: Business ;"),
            "{text}"
        );
        assert!(text.contains("The `Competitor` carrier."));
    }
}
