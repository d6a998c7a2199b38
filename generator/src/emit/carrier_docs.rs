//! What each struct is, for its doc comment: the endpoints that return or
//! send it, or the fields that hold it.

use std::collections::BTreeMap;

use crate::resolve::graph::named_in;
use crate::resolve::{Api, OpBody, OpResponse, TypeDef};

/// How many uses a doc lists before "and N more".
const SHOWN: usize = 4;

fn list(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(SHOWN).map(String::as_str).collect();
    let more = items.len().saturating_sub(SHOWN);
    let mut out = shown.join(", ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// Struct name → its doc text.
pub fn carrier_docs(api: &Api) -> BTreeMap<String, String> {
    let mut returned: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in api.groups.values() {
        for op in &g.operations {
            let call = format!("`{}().{}`", g.module, op.rust);
            if let OpResponse::Json(t) = &op.response {
                let mut names = Default::default();
                named_in(t, &mut names);
                for n in names {
                    returned.entry(n).or_default().push(call.clone());
                }
            }
            if let OpBody::Json { ty, .. } = &op.body {
                let mut names = Default::default();
                named_in(ty, &mut names);
                for n in names {
                    sent.entry(n).or_default().push(call.clone());
                }
            }
        }
    }
    for (parent, def) in &api.types.types {
        if let TypeDef::Struct(s) = def {
            for f in &s.fields {
                let mut names = Default::default();
                named_in(&f.ty, &mut names);
                for n in names {
                    held.entry(n)
                        .or_default()
                        .push(format!("`{parent}::{}`", f.rust));
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, def) in &api.types.types {
        if !matches!(
            def,
            TypeDef::Struct(_) | TypeDef::Alias(_) | TypeDef::WithLinks(_)
        ) {
            continue;
        }
        let mut uses = Vec::new();
        if let Some(r) = returned.get(name) {
            uses.push(format!("returned by {}", list(r)));
        }
        if let Some(s) = sent.get(name) {
            uses.push(format!("sent to {}", list(s)));
        }
        if let Some(h) = held.get(name) {
            uses.push(format!("held in {}", list(h)));
        }
        let mut text = if uses.is_empty() {
            format!("The `{name}` carrier.")
        } else {
            format!("The `{name}` carrier: {}.", uses.join("; "))
        };
        if let TypeDef::Alias(a) = def {
            text.push_str(&format!(
                " It has exactly the fields of [`{0}`](crate::types::{0}), so it is that type.",
                a.target
            ));
        }
        if let TypeDef::WithLinks(w) = def {
            text.push_str(&format!(
                " It is a [`{0}`](crate::types::{0}) with the `_Links` of the answer (`links`), and derefs to it: change its fields and pass `&it` where a `&{0}` goes.",
                w.entity
            ));
        }
        out.insert(name.clone(), text);
    }
    out
}
