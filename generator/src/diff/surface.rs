//! The user-facing surface of a generated crate, taken from the resolved
//! [`Api`]: what a caller writes (method names, argument and field types,
//! type names, enum values) and what the crate sends (HTTP method, path,
//! wire names), with docs. Comparing two surfaces is
//! [`compare`](fn@super::compare)'s job.

use std::collections::BTreeMap;

use crate::resolve::{Api, OpBody, OpParam, OpResponse, TypeDef};

/// Where a positional argument goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// A `{name}` segment of the path.
    Path,
    /// A required query parameter.
    Query,
}

/// A parameter of an operation, or a field of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The Rust name (`user_id`).
    pub rust: String,
    /// The name on the wire (`userId`).
    pub wire: String,
    /// The Rust type as a reader writes it (`i32`, `Vec<User>`).
    pub ty: String,
    /// Its doc comment, as the page gives it.
    pub doc: Option<String>,
}

impl Member {
    fn of_param(p: &OpParam) -> Member {
        Member {
            rust: p.rust.clone(),
            wire: p.wire.clone(),
            ty: p.ty.short(),
            doc: p.doc.clone(),
        }
    }
}

/// One endpoint as a method of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSurface {
    /// The page's uid.
    pub uid: String,
    /// `UserAgent`.
    pub group: String,
    /// `get_user`.
    pub method: String,
    /// `POST`.
    pub http_method: String,
    /// `/api/v1/Agents/User/GetUser`.
    pub path: String,
    /// Path parameters, then required query parameters: the method's
    /// positional arguments, in order.
    pub args: Vec<(Place, Member)>,
    /// Optional query parameters.
    pub optional: Vec<Member>,
    /// The query struct, module-qualified (`user_agent::SelectQuery`).
    pub query: Option<String>,
    /// The body argument's type (`&User`, `bytes`), `None` without a body.
    pub body: Option<String>,
    /// What the call returns (`User`, `()`, `Bytes`).
    pub response: String,
    /// The method's doc comment (the page's text).
    pub doc: String,
}

impl EndpointSurface {
    /// `POST /api/v1/Agents/User/GetUser`.
    pub fn http(&self) -> String {
        format!("{} {}", self.http_method, self.path)
    }
}

/// A named type of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeSurface {
    /// A carrier (`types::User`), fields in order.
    Struct {
        /// The doc comment.
        doc: Option<String>,
        /// The fields in order.
        fields: Vec<Member>,
    },
    /// A string enum: (Rust variant, wire value) in order.
    Enum {
        /// The doc comment.
        doc: Option<String>,
        /// (Rust variant, wire value) in order.
        values: Vec<(String, String)>,
    },
    /// An alias of `serde_json::Value`.
    Opaque {
        /// The doc comment.
        doc: Option<String>,
    },
    /// A group's query struct (`user_agent::SelectQuery`).
    Query {
        /// The optional query parameters, in order.
        fields: Vec<Member>,
    },
}

/// Everything a user of the crate sees, keyed for comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    /// By page uid (or `METHOD path` when a uid is empty or repeated).
    pub endpoints: BTreeMap<String, EndpointSurface>,
    /// By name: `User` for the types module, `module::Name` for query structs.
    pub types: BTreeMap<String, TypeSurface>,
}

impl Surface {
    /// The surface of the crate generated from `api`.
    pub fn of(api: &Api) -> Surface {
        let mut s = Surface::default();
        for group in api.groups.values() {
            for op in &group.operations {
                let args = op
                    .path_params
                    .iter()
                    .map(|p| (Place::Path, Member::of_param(p)))
                    .chain(
                        op.required_query
                            .iter()
                            .map(|p| (Place::Query, Member::of_param(p))),
                    )
                    .collect();
                let body = match &op.body {
                    OpBody::None => None,
                    OpBody::Json { ty, .. } => Some(format!("&{}", ty.short())),
                    OpBody::Binary { .. } => Some("bytes".to_string()),
                };
                let response = match &op.response {
                    OpResponse::Empty => "()".to_string(),
                    OpResponse::Json(t) => t.short(),
                    OpResponse::Bytes => "Bytes".to_string(),
                };
                let e = EndpointSurface {
                    uid: op.uid.clone(),
                    group: group.type_name(),
                    method: op.rust.clone(),
                    http_method: op.method.as_str().to_string(),
                    path: op.path.to_string(),
                    args,
                    optional: op.optional_query.iter().map(Member::of_param).collect(),
                    query: op.query.as_ref().map(|q| format!("{}::{q}", group.module)),
                    body,
                    response,
                    doc: op.doc.clone(),
                };
                let key = if e.uid.is_empty() || s.endpoints.contains_key(&e.uid) {
                    e.http()
                } else {
                    e.uid.clone()
                };
                s.endpoints.insert(key, e);
            }
            for q in &group.queries {
                s.types.insert(
                    format!("{}::{}", group.module, q.name),
                    TypeSurface::Query {
                        fields: q.params.iter().map(Member::of_param).collect(),
                    },
                );
            }
        }
        for (name, def) in &api.types.types {
            let t = match def {
                TypeDef::Enum(d) => TypeSurface::Enum {
                    doc: d.doc.clone(),
                    values: d.variants.clone(),
                },
                TypeDef::Opaque(d) => TypeSurface::Opaque { doc: d.doc.clone() },
                // An alias is used exactly like the struct it names; an
                // entity with links like the entity, with `links` besides.
                TypeDef::Struct(_) | TypeDef::Alias(_) | TypeDef::WithLinks(_) => {
                    let Some(d) = api.types.structure(name) else {
                        continue;
                    };
                    let mut fields: Vec<Member> = d
                        .fields
                        .iter()
                        .map(|f| Member {
                            rust: f.rust.clone(),
                            wire: f.wire.clone(),
                            ty: f.ty.short(),
                            doc: f.doc.clone(),
                        })
                        .collect();
                    if let TypeDef::WithLinks(w) = def {
                        fields.push(Member {
                            rust: "links".into(),
                            wire: crate::resolve::space::LINKS.into(),
                            ty: w.links.short(),
                            doc: None,
                        });
                    }
                    TypeSurface::Struct {
                        doc: d.doc.clone(),
                        fields,
                    }
                }
            };
            s.types.insert(name.clone(), t);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::testpages::{page, run};
    use super::*;

    #[test]
    fn an_operation_becomes_its_method_signature() {
        let root = Path::new("docs");
        let docs = run(root, &[page("GetThing", "int64", &[("Name", "string")])]);
        let (api, _) = crate::resolve::resolve(&docs.endpoints);
        let s = Surface::of(&api);
        let Some(e) = s.endpoints.get("v1TestAgent_GetThing") else {
            panic!("{s:#?}")
        };
        assert_eq!(e.group, "TestAgent");
        assert_eq!(e.method, "get_thing");
        assert_eq!(e.http(), "POST /api/v1/Agents/Test/GetThing");
        assert_eq!(e.args.len(), 1);
        assert_eq!(e.args[0].0, Place::Query);
        assert_eq!(
            (e.args[0].1.rust.as_str(), e.args[0].1.ty.as_str()),
            ("id", "i64")
        );
        assert_eq!(e.body, None);
        assert_eq!(e.response, "Thing");
        let Some(TypeSurface::Struct { fields, .. }) = s.types.get("Thing") else {
            panic!("{s:#?}")
        };
        assert_eq!(fields[0].wire, "Name");
        assert_eq!(fields[0].ty, "String");
    }
}
