//! Where each type goes and when it compiles: its module under
//! `src/types/`, the `#[cfg]` that gates it on the features that use it,
//! and which of its fields are boxed. Decided once, from the type graph.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::resolve::graph::{boxed_fields, features_by_type};
use crate::resolve::names::{sanitize, Case};
use crate::resolve::Api;

/// The layout of the generated crate's types.
#[derive(Debug, Default)]
pub struct Layout {
    /// Type name → the features whose endpoints reach it (never empty).
    pub features: BTreeMap<String, BTreeSet<String>>,
    /// Type name → its module under `src/types/` (`user`, `contact`).
    pub home: BTreeMap<String, String>,
    /// `(struct, field)` pairs that close a cycle and are boxed.
    pub boxed: BTreeSet<(String, String)>,
}

impl Layout {
    pub fn of(api: &Api) -> Layout {
        let features = features_by_type(api);
        let base_by_feature: BTreeMap<String, &str> = api
            .groups
            .values()
            .map(|g| (g.feature(), g.base_name()))
            .collect();
        let mut home = BTreeMap::new();
        for (name, feats) in &features {
            let bases: BTreeSet<&str> = feats
                .iter()
                .filter_map(|f| base_by_feature.get(f).copied())
                .collect();
            // The group whose name the type starts with (`ContactEntity` →
            // `contact`), longest first; else the first group that uses it.
            let chosen = bases
                .iter()
                .filter(|b| name.starts_with(**b))
                .max_by_key(|b| b.len())
                .or_else(|| bases.iter().next())
                .copied()
                .unwrap_or("shared");
            home.insert(name.clone(), sanitize(chosen, Case::Snake));
        }
        Layout {
            features,
            home,
            boxed: boxed_fields(&api.types),
        }
    }

    /// Whether an endpoint reaches the type (only those are emitted).
    pub fn emitted(&self, name: &str) -> bool {
        self.features.contains_key(name)
    }

    /// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", …))]` for a type.
    pub fn cfg(&self, name: &str) -> TokenStream {
        match self.features.get(name) {
            Some(f) => cfg_any(f),
            None => TokenStream::new(),
        }
    }

    /// The modules under `src/types/`: the types filed in each, and the
    /// features of those types.
    pub fn modules(&self) -> BTreeMap<&str, TypeModule<'_>> {
        let mut out: BTreeMap<&str, TypeModule> = BTreeMap::new();
        for (name, module) in &self.home {
            let m = out.entry(module.as_str()).or_default();
            m.types.push(name.as_str());
            if let Some(f) = self.features.get(name) {
                m.features.extend(f.iter().map(String::as_str));
            }
        }
        out
    }
}

/// A module under `src/types/`.
#[derive(Debug, Default)]
pub struct TypeModule<'a> {
    /// Its types, by name.
    pub types: Vec<&'a str>,
    /// The features any of them compiles with.
    pub features: BTreeSet<&'a str>,
}

/// The `#[cfg]` attribute enabling an item under any of `features`.
pub fn cfg_any<S: AsRef<str>>(features: impl IntoIterator<Item = S>) -> TokenStream {
    let list: Vec<String> = features
        .into_iter()
        .map(|f| f.as_ref().to_string())
        .collect();
    match list.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_lists_features() {
        assert_eq!(
            cfg_any(["a"]).to_string(),
            quote!(#[cfg(feature = "a")]).to_string()
        );
        assert_eq!(
            cfg_any(["a", "b"]).to_string(),
            quote!(#[cfg(any(feature = "a", feature = "b"))]).to_string()
        );
        assert!(cfg_any(Vec::<String>::new()).is_empty());
    }
}
