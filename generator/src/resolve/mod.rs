//! Endpoints → [`Api`]: the types and operations to emit. The data flows
//! one way, a module a stage:
//!
//! 1. [`carriers`]: the pages' property tables → documented carriers
//!    (unified over pages, conflicts warned about), and what the type
//!    cells name;
//! 2. [`observe`]: the samples → the shapes each documented carrier shows;
//! 3. [`typemap`]: the one pure function from a documented type and a
//!    shape to a Rust type, naming objects after the carriers the pages
//!    name;
//! 4. [`space`]: the type space: structs, enums and raw-JSON carriers,
//!    grown round by round from the operations' root types
//!    ([`ops::roots`]: the types of every parameter, body and answer; no
//!    operation is built) until no new shape turns up; then assembled by
//!    [`space::TypeId`] (kind and name) and only then given Rust names no
//!    two types share ([`space::Renames`] for the few a clash renames),
//!    pruned to what the roots reach, duplicates made aliases, entities
//!    with links marked;
//! 5. [`ops`]: operations, built once from the final type space, grouped
//!    by agent or REST resource, with their parameters, body, response and
//!    samples (`queries` shares their query structs, [`paging`] decides
//!    which page and how as each group is built).
//!
//! No stage goes back to an earlier one: the operations are built only
//! once the type space is final.
//!
//! [`graph`] then answers questions about the result (features, cycles).

pub mod carriers;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod graph;
pub mod model;
pub mod names;
pub mod observe;
pub mod ops;
pub mod paging;
mod queries;
pub mod shape;
pub mod space;
pub mod typemap;

use std::path::Path;

use crate::diagnostics::{DiagKind, Diagnostic, Pos};
use crate::ir::Endpoint;
pub use model::*;
use names::Invented;
use observe::SampleJson;
use typemap::{Known, Wants};

/// More rounds than any docs tree needs; a tree that needs more is reported.
const MAX_ROUNDS: usize = 32;

/// Resolves parsed endpoints (sorted by uid) into an [`Api`], with warnings
/// (their files relative to the docs root, as the endpoints' sources are).
pub fn resolve(endpoints: &[Endpoint]) -> (Api, Vec<Diagnostic>) {
    let invented = Invented::new(endpoints.iter().map(|e| e.uid.as_str()));
    let (carriers, mut diags) = carriers::collect(endpoints, &invented);
    let samples: Vec<SampleJson> = endpoints.iter().map(SampleJson::of).collect();
    let mut shapes = observe::observe(endpoints, &samples, &carriers);
    let input = ops::Inputs {
        endpoints,
        samples: &samples,
        carriers: &carriers,
        invented: &invented,
    };
    // The shapes grow from the operations' root types until no round
    // finds a new one; no operation is built meanwhile. The last round's
    // types are the ones used.
    let mut rounds = 0;
    let (mut roots, structs, want) = loop {
        rounds += 1;
        let k = Known::new(&carriers, &shapes);
        let mut want = Wants::default();
        let roots = ops::roots(&input, &k, &mut want);
        let structs = space::structs(&k, &mut want);
        drop(k);
        if !space::grow(&mut shapes, &want) {
            break (roots, structs, want);
        }
        if rounds == MAX_ROUNDS {
            diags.push(Diagnostic::warning_of(
                DiagKind::NoFixpoint,
                Path::new(""),
                Pos::new(1, 1),
                format!("the sample shapes still grow after {MAX_ROUNDS} rounds; the types of the last round are used"),
            ));
            break (roots, structs, want);
        }
    };
    let renamed: std::collections::BTreeSet<&(String, String)> = want.renamed.iter().collect();
    for (own, chosen) in renamed {
        diags.push(Diagnostic::warning_of(
            DiagKind::NameCollision,
            Path::new(""),
            Pos::new(1, 1),
            format!("objects samples show under `{own}` do not fit the documented `{own}`; they are `{chosen}`"),
        ));
    }
    // Rust names, once; then only what the operations reach, duplicates
    // as aliases, entities with links as such.
    let named: Vec<RustType> = roots
        .iter()
        .flat_map(ops::EndpointTypes::types)
        .cloned()
        .collect();
    let (mut types, renames, more) = space::assemble(structs, &want, &named);
    diags.extend(more);
    for r in &mut roots {
        r.rename(&renames);
    }
    let named: Vec<&RustType> = roots.iter().flat_map(ops::EndpointTypes::types).collect();
    space::prune(&mut types, named);
    space::dedup(&mut types, &carriers);
    space::with_links(&mut types);
    // The operations, once, from the final type space.
    let groups = ops::operations(&input, roots, &types);
    diags.sort();
    let named_carriers = carriers.named;
    (
        Api {
            types,
            groups,
            named_carriers,
        },
        diags,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::{endpoint, RESPONSES};
    use crate::resolve::names::op_name;

    #[test]
    fn binary_bodies_become_bytes() {
        let up = endpoint(&format!(
            "---\nuid: v1Thing_SaveImage\n---\n\n```http\nPUT /api/v1/Thing/{{id}}/Image\n```\n\n| Path Part | Type | Description |\n|---|---|---|\n| id | int32 | **Required** |\n\n## Request Body: image binary\n\nA PNG.\n\n## Response:int32\n\n{RESPONSES}### Response body: int32\n"
        ));
        let down = endpoint(&format!(
            "---\nuid: v1Thing_GetImage\n---\n\n```http\nGET /api/v1/Thing/{{id}}/Image\n```\n\n## Response:byte\n\n{RESPONSES}### Response body: byte\n"
        ));
        let (api, _) = resolve(&[down, up]);
        let ops = &api.groups["thing_resource"].operations;
        assert_eq!(ops[0].response, OpResponse::Bytes);
        assert_eq!(
            ops[1].body,
            OpBody::Binary {
                arg: "image".into(),
                content_type: "content_type".into()
            }
        );
        assert_eq!(ops[1].response, OpResponse::Json(RustType::I32));
        assert_eq!(ops[1].path_params[0].ty, RustType::I32);
    }

    #[test]
    fn carriers_unify_and_infer_from_samples() {
        let get = endpoint(&format!(
            "---\nuid: v1WidgetAgent_GetWidget\n---\n\n```http\nPOST /api/v1/Agents/Widget/GetWidget\n```\n\n## Response:\n\n{RESPONSES}### Response body: Widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n| Made | date-time | |\n| Parts | array | |\n| Extra | object | |\n| Owner | Person | |\n\n## Sample request\n\n```http!\nPOST /api/v1/Agents/Widget/GetWidget\n```\n\n## Sample response\n\n```http_\nHTTP/1.1 200 OK\n\n{{\"Id\": 1, \"Parts\": [{{\"Name\": \"a\", \"Count\": 2}}], \"Extra\": {{\"k\": \"v\"}}, \"Owner\": null}}\n```\n"
        ));
        let save = endpoint(&format!(
            "---\nuid: v1WidgetAgent_SaveWidget\n---\n\n```http\nPOST /api/v1/Agents/Widget/SaveWidget\n```\n\n## Request Body: widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | Integer | |\n| Made | String | |\n| Parts | Array | |\n\n## Response:\n\n{RESPONSES}### Response body: Widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n| Colour | string | |\n"
        ));
        let (api, diags) = resolve(&[get, save]);
        let w = api.types.structure("Widget").expect("Widget");
        let fields: Vec<(&str, String)> = w
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), f.ty.short()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("Id", "i32".into()),
                ("Made", "DateTime".into()),
                ("Parts", "Vec<Part>".into()),
                ("Extra", "BTreeMap<String, String>".into()),
                ("Owner", "Person".into()),
                ("Colour", "String".into()),
            ]
        );
        let part = api.types.structure("Part").expect("inferred Part");
        assert_eq!(part.origin, Origin::Inferred);
        assert!(matches!(
            api.types.types.get("Person"),
            Some(TypeDef::Opaque(_))
        ));
        // SaveWidget sends a Widget: `Made` is `string` there, `date-time` here.
        let ops = &api.groups["widget_agent"].operations;
        assert_eq!(
            ops[1].body,
            OpBody::Json {
                arg: "widget".into(),
                ty: RustType::Struct("Widget".into())
            }
        );
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].kind, DiagKind::PropertyConflict);
        assert_eq!(diags[0].line, 14, "points at `Made` on the second page");
    }

    #[test]
    fn invented_names_are_qualified_only_when_shared() {
        let page = |uid: &str, path: &str| {
            endpoint(&format!(
                "---\nuid: {uid}\n---\n\n```http\nPOST {path}\n```\n\n## Request Body: request\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n\n## Response:\n\n{RESPONSES}"
            ))
        };
        let eps = [
            page("v1AIAgent_Search", "/api/v1/Agents/AI/Search"),
            page("v1FindAgent_Search", "/api/v1/Agents/Find/Search"),
            page("v1UserAgent_MakeRetired", "/api/v1/Agents/User/MakeRetired"),
        ];
        let (api, _) = resolve(&eps);
        let names: Vec<&String> = api.types.types.keys().collect();
        assert_eq!(
            names,
            vec![
                "AiAgentSearchRequest",
                "FindAgentSearchRequest",
                "MakeRetiredRequest"
            ]
        );
    }

    #[test]
    fn request_wrappers_never_merge_with_each_other() {
        let page = |uid: &str, ty: &str| {
            endpoint(&format!(
                "---\nuid: {uid}\n---\n\n```http\nPOST /api/v1/Agents/Archive/{}\n```\n\n## Request Body: request\n\n| Property Name | Type | Description |\n|---|---|---|\n| Gui | String | |\n| Sort | {ty} | |\n| Page | Integer | |\n\n## Response:\n\n{RESPONSES}",
                op_name(uid)
            ))
        };
        let eps = [
            page("v1ArchiveAgent_List", "Array"),
            page("v1ArchiveAgent_List2", "String"),
        ];
        let (api, diags) = resolve(&eps);
        assert!(diags.is_empty(), "{diags:#?}");
        let sort = |n: &str| api.types.structure(n).expect(n).fields[1].ty.clone();
        assert_eq!(sort("ListRequest"), RustType::Vec(Box::new(RustType::Json)));
        assert_eq!(sort("List2Request"), RustType::String);
    }
}
