//! Optional query parameters → query structs, one per distinct parameter
//! set in a group: operations whose optional parameters are the same
//! (`$select` alone is common) share one struct.

use std::collections::BTreeMap;

use super::model::{Group, OpParam, QueryStruct};
use super::names::{sanitize, Case, Scope};

/// Names a parameter set shared by several operations after its
/// parameters (`SelectQuery`), up to three of them; longer sets take the
/// first operation's name.
fn shared_name(params: &[OpParam], first_op: &str) -> String {
    if params.len() <= 3 {
        let words: String = params
            .iter()
            .map(|p| sanitize(&p.wire, Case::Pascal))
            .collect();
        format!("{words}Query")
    } else {
        format!("{first_op}Query")
    }
}

/// Fills `group.queries` and each operation's `query`.
pub fn share_query_structs(group: &mut Group) {
    // Parameter set (as written) → the operations (index, Pascal name) using it.
    let mut sets: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, op) in group.operations.iter().enumerate() {
        if op.optional_query.is_empty() {
            continue;
        }
        let key = format!("{:?}", op.optional_query);
        sets.entry(key).or_default().push((i, op.pascal()));
    }
    // In the order of the first operation using each set, so names are stable.
    let mut ordered: Vec<Vec<(usize, String)>> = sets.into_values().collect();
    ordered.sort_by_key(|users| users[0].0);
    let mut scope = Scope::default();
    let mut queries = Vec::new();
    for users in ordered {
        let (first, first_pascal) = &users[0];
        let params = group.operations[*first].optional_query.clone();
        let base = if users.len() == 1 {
            format!("{first_pascal}Query")
        } else {
            shared_name(&params, first_pascal)
        };
        let name = scope.unique_type(base);
        for (i, _) in &users {
            group.operations[*i].query = Some(name.clone());
        }
        queries.push(QueryStruct {
            name,
            users: users
                .iter()
                .map(|(i, _)| group.operations[*i].rust.clone())
                .collect(),
            params,
        });
    }
    group.queries = queries;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::op;
    use crate::resolve::model::{GroupKey, GroupKind, OpBody, OpResponse};

    fn group(ops: Vec<crate::resolve::model::Operation>) -> Group {
        let key = GroupKey {
            base: "Thing".into(),
            kind: GroupKind::Resource,
        };
        Group {
            module: key.module(),
            key,
            notes: vec![],
            operations: ops,
            queries: vec![],
        }
    }

    fn named(rust: &str, query: &[&str]) -> crate::resolve::model::Operation {
        let mut o = op(query, OpBody::None, OpResponse::Empty);
        o.rust = rust.into();
        o
    }

    #[test]
    fn operations_with_the_same_optional_parameters_share_a_struct() {
        let mut g = group(vec![
            named("get_a", &["$select"]),
            named("get_b", &["$select"]),
            named("find", &["$top", "$skip", "$select", "$filter"]),
            named("plain", &[]),
        ]);
        share_query_structs(&mut g);
        let names: Vec<(&str, &[String])> = g
            .queries
            .iter()
            .map(|q| (q.name.as_str(), q.users.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "SelectQuery",
                    &["get_a".to_string(), "get_b".to_string()][..]
                ),
                ("FindQuery", &["find".to_string()][..]),
            ]
        );
        assert_eq!(g.operations[0].query.as_deref(), Some("SelectQuery"));
        assert_eq!(g.operations[3].query, None);
    }

    #[test]
    fn a_shared_name_that_is_taken_gets_a_number() {
        // `select` alone is its own set; `Select` is also an operation.
        let mut g = group(vec![
            named("select", &["$top"]),
            named("a", &["$select"]),
            named("b", &["$select"]),
        ]);
        share_query_structs(&mut g);
        let names: Vec<&str> = g.queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["SelectQuery", "SelectQuery2"]);
    }
}
