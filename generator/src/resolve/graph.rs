//! The type graph of a resolved [`Api`]: which cargo features reach each
//! type (so a feature compiles only what its endpoints use), and which
//! struct fields close a cycle (the only fields that need a `Box`).

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Api, Group, Operation, RustType, TypeDef, TypeSpace};

/// The named types a type mentions directly: `Vec<Map<User>>` → `User`.
pub fn named_in(t: &RustType, out: &mut BTreeSet<String>) {
    match t {
        RustType::Struct(n) | RustType::Enum(n) | RustType::Opaque(n) => {
            out.insert(n.clone());
        }
        RustType::Vec(t) | RustType::Map(t) => named_in(t, out),
        _ => {}
    }
}

/// The named types each type's fields mention.
fn edges(space: &TypeSpace) -> BTreeMap<&str, BTreeSet<String>> {
    space
        .types
        .iter()
        .map(|(name, def)| {
            let mut out = BTreeSet::new();
            match def {
                TypeDef::Struct(s) => {
                    for f in &s.fields {
                        named_in(&f.ty, &mut out);
                    }
                }
                TypeDef::Alias(a) => {
                    out.insert(a.target.clone());
                }
                TypeDef::WithLinks(w) => {
                    out.insert(w.entity.clone());
                    named_in(&w.links, &mut out);
                }
                TypeDef::Enum(_) | TypeDef::Opaque(_) => {}
            }
            (name.as_str(), out)
        })
        .collect()
}

/// For every type, the features (sorted) of the groups whose endpoints
/// reach it through parameters, bodies, responses and fields. Types no
/// endpoint reaches are absent.
pub fn features_by_type(api: &Api) -> BTreeMap<String, BTreeSet<String>> {
    let edges = edges(&api.types);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for g in api.groups.values() {
        let mut roots = BTreeSet::new();
        for t in g.operations.iter().flat_map(Operation::types) {
            named_in(t, &mut roots);
        }
        for n in reach(&edges, roots) {
            out.entry(n).or_default().insert(g.feature());
        }
    }
    out
}

/// The named types the operations of `groups` reach, directly or through
/// fields and aliases.
pub fn reached(space: &TypeSpace, groups: &BTreeMap<String, Group>) -> BTreeSet<String> {
    let types = groups
        .values()
        .flat_map(|g| &g.operations)
        .flat_map(Operation::types);
    reached_from(space, types)
}

/// The named types `roots` reach, directly or through fields and aliases.
pub fn reached_from<'a>(
    space: &TypeSpace,
    roots: impl IntoIterator<Item = &'a RustType>,
) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for t in roots {
        named_in(t, &mut named);
    }
    reach(&edges(space), named)
}

/// `roots` and every type they lead to along `edges`.
fn reach(edges: &BTreeMap<&str, BTreeSet<String>>, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut stack: Vec<String> = roots.into_iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(next) = edges.get(n.as_str()) {
            stack.extend(next.iter().filter(|m| !seen.contains(*m)).cloned());
        }
    }
    seen
}

/// The `(struct, field)` pairs that must be boxed: a field holding a struct
/// directly (not in a `Vec` or map, which already allocate) whose type
/// leads back to the struct holding it.
pub fn boxed_fields(space: &TypeSpace) -> BTreeSet<(String, String)> {
    // Direct edges only: a `Vec<T>` field never makes a type infinitely sized.
    let direct: BTreeMap<&str, Vec<(&str, &str)>> = space
        .types
        .iter()
        .filter_map(|(name, def)| match def {
            TypeDef::Struct(s) => Some((
                name.as_str(),
                s.fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        RustType::Struct(t) => Some((f.rust.as_str(), t.as_str())),
                        _ => None,
                    })
                    .collect(),
            )),
            // An alias is its target: an edge with no field of its own.
            TypeDef::Alias(a) => Some((name.as_str(), vec![("", a.target.as_str())])),
            TypeDef::WithLinks(w) => Some((name.as_str(), vec![("", w.entity.as_str())])),
            _ => None,
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                if let Some(next) = direct.get(n) {
                    stack.extend(next.iter().map(|(_, t)| *t));
                }
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for (name, fields) in &direct {
        for (field, target) in fields.iter().filter(|(f, _)| !f.is_empty()) {
            if reaches(target, name) {
                out.insert((name.to_string(), field.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::strukt;
    use crate::resolve::model::{GroupKey, GroupKind, OpBody, OpResponse, Origin};

    fn structure(name: &str, fields: &[(&str, RustType)]) -> (String, TypeDef) {
        (name.into(), strukt(name, Origin::Documented, fields))
    }

    fn op(response: RustType) -> Operation {
        crate::resolve::fixtures::op(&[], OpBody::None, OpResponse::Json(response))
    }

    /// The `{base}` agent.
    fn group(base: &str, ops: Vec<Operation>) -> (String, Group) {
        let key = GroupKey {
            base: base.into(),
            kind: GroupKind::Agent,
        };
        (
            key.module(),
            Group {
                module: key.module(),
                key,
                notes: vec![],
                operations: ops,
                queries: vec![],
            },
        )
    }

    fn space() -> TypeSpace {
        let s = |n: &str| RustType::Struct(n.into());
        TypeSpace {
            types: [
                structure("A", &[("b", s("B"))]),
                structure("B", &[("a", s("A")), ("c", s("C"))]),
                structure("C", &[("cs", RustType::Vec(Box::new(s("C"))))]),
                structure("D", &[]),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn features_reach_types_transitively() {
        let api = Api {
            named_carriers: Default::default(),
            types: space(),
            groups: [
                group("One", vec![op(RustType::Struct("A".into()))]),
                group(
                    "Two",
                    vec![op(RustType::Vec(Box::new(RustType::Struct("C".into()))))],
                ),
            ]
            .into_iter()
            .collect(),
        };
        let reach = features_by_type(&api);
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(reach["A"], set(&["one-agent"]));
        assert_eq!(reach["B"], set(&["one-agent"]));
        assert_eq!(reach["C"], set(&["one-agent", "two-agent"]));
        assert!(!reach.contains_key("D"), "no endpoint reaches D");
    }

    #[test]
    fn only_direct_cycles_are_boxed() {
        let boxed = boxed_fields(&space());
        let pairs: Vec<(&str, &str)> = boxed
            .iter()
            .map(|(s, f)| (s.as_str(), f.as_str()))
            .collect();
        // A ↔ B is a cycle; B → C is not; C's self-reference is in a Vec.
        assert_eq!(pairs, vec![("A", "b"), ("B", "a")]);
    }
}
