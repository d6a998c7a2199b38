//! The read-modify-write test of a GET and the PUT of the same path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

/// For a `GET` that answers an entity with links, with a sample answer, and
/// a `PUT` of the same path that takes the entity: the answer (with a field
/// no page documents added) goes straight to the `PUT`, which sends every
/// field back but the links.
pub(super) fn read_modify_write_test(
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
            let extra = crate::emit::types::extra_name(entity);
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
