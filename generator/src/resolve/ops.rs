//! Endpoints → operations, grouped by agent or REST resource, in two steps:
//! [`roots`] asks the typemap for the types each endpoint's operation names
//! (in every round of the type space's fixpoint, building no operation);
//! [`operations`] builds the operations once, from the last round's types
//! under their final names. Each operation carries what emit needs: its
//! parameters by kind (path, required query, optional query), its body
//! and response types, and its sample payloads, so emit never reaches back
//! into the parse output.

use std::collections::BTreeMap;

use crate::ir::{DocType, Endpoint, Note, SampleBody};

use super::carriers::Carriers;
use super::model::{
    Group, GroupKey, OpBody, OpParam, OpResponse, OpSamples, Operation, RustType, SampleAnswer,
    TypeSpace,
};
use super::names::{op_name, sanitize, Case, Invented, Scope};
use super::observe::SampleJson;
use super::paging;
use super::queries;
use super::shape::Shape;
use super::space::Renames;
use super::typemap::{map_type, param_type, shape_type, Known, Place, Wants};

/// Everything operations are built from.
pub struct Inputs<'a> {
    pub endpoints: &'a [Endpoint],
    pub samples: &'a [SampleJson],
    pub carriers: &'a Carriers,
    pub invented: &'a Invented,
}

/// The Rust types an endpoint's operation names, as the typemap gives them
/// for the shapes known so far: its path variables (in path order), its
/// query parameters (in page order), its body and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointTypes {
    path: Vec<RustType>,
    query: Vec<RustType>,
    /// `None` for no body or a binary one.
    body: Option<RustType>,
    response: OpResponse,
}

impl EndpointTypes {
    /// The types, in the order the typemap was asked for them.
    pub fn types(&self) -> impl Iterator<Item = &RustType> {
        let response = match &self.response {
            OpResponse::Json(t) => Some(t),
            OpResponse::Empty | OpResponse::Bytes => None,
        };
        self.path
            .iter()
            .chain(&self.query)
            .chain(&self.body)
            .chain(response)
    }

    /// Points every type at its final Rust name.
    pub fn rename(&mut self, renames: &Renames) {
        for t in self
            .path
            .iter_mut()
            .chain(&mut self.query)
            .chain(&mut self.body)
        {
            renames.apply(t);
        }
        if let OpResponse::Json(t) = &mut self.response {
            renames.apply(t);
        }
    }
}

/// Asks the typemap for the types of `e`'s operation (registering in `want`
/// the structs and enums they need).
fn endpoint_types(
    input: &Inputs,
    k: &Known,
    want: &mut Wants,
    e: &Endpoint,
    sample: &SampleJson,
) -> EndpointTypes {
    // A variable no `Path Part` row documents is a string.
    let path = e
        .path
        .vars()
        .map(|var| match e.path_params.iter().find(|p| p.name == var) {
            Some(p) => param_type(k, &p.name, &p.ty, want),
            None => param_type(k, var, &DocType::String, want),
        })
        .collect();
    let query = e
        .query_params
        .iter()
        .map(|q| param_type(k, &q.name, &q.ty, want))
        .collect();
    let body = match &e.request_body {
        Some(b) if !b.binary => {
            let shape = sample.request.as_ref().map(Shape::of);
            Some(match input.carriers.request_names.get(&e.uid) {
                // The documented carrier, or a list of it when the sample is one.
                Some(name) => {
                    let carrier = DocType::Carrier(name.clone());
                    let doc = match shape {
                        Some(Shape::Array(_)) => DocType::Array(Some(Box::new(carrier))),
                        _ => carrier,
                    };
                    map_type(k, name, &doc, shape.as_ref(), want)
                }
                None => {
                    let name = input.invented.name(&e.uid, "Request");
                    shape_type(k, Place::Named(&name), shape.as_ref(), want)
                }
            })
        }
        _ => None,
    };
    let response = response(input, k, want, e, sample);
    EndpointTypes {
        path,
        query,
        body,
        response,
    }
}

/// The types every endpoint's operation names (registering in `want` the
/// structs and enums they need), one [`EndpointTypes`] an endpoint, in
/// endpoint order: the roots the type space grows from. Builds no
/// operation.
pub fn roots(input: &Inputs, k: &Known, want: &mut Wants) -> Vec<EndpointTypes> {
    input
        .endpoints
        .iter()
        .zip(input.samples)
        .map(|(e, sample)| endpoint_types(input, k, want, e, sample))
        .collect()
}

/// The operations of every endpoint, by group module, built once from the
/// final type space: `types` are the last round's [`roots`] (one an
/// endpoint, in endpoint order), already under their final names; query
/// structs are shared and paging is decided against `space` as each group
/// is built.
pub fn operations(
    input: &Inputs,
    types: Vec<EndpointTypes>,
    space: &TypeSpace,
) -> BTreeMap<String, Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let shared = group_notes(input.endpoints);
    for (e, types) in input.endpoints.iter().zip(types) {
        let key = GroupKey::of(&e.path);
        let module = key.module();
        let scope = scopes.entry(module.clone()).or_default();
        let rust = scope.unique(sanitize(op_name(&e.uid), Case::Snake));
        let notes = shared.get(&module).map(Vec::as_slice).unwrap_or_default();
        let op = operation(e, types, rust, notes);
        groups
            .entry(module.clone())
            .or_insert_with(|| Group {
                key,
                module,
                notes: notes.iter().map(note_doc).collect(),
                operations: Vec::new(),
                queries: Vec::new(),
            })
            .operations
            .push(op);
    }
    for g in groups.values_mut() {
        queries::share_query_structs(g);
        paging::mark(g, space);
    }
    groups
}

fn param(scope: &mut Scope, wire: &str, ty: RustType, doc: Option<String>) -> OpParam {
    OpParam {
        wire: wire.to_string(),
        rust: scope.unique(sanitize(wire, Case::Snake)),
        ty,
        doc,
    }
}

/// The operation of `e`, with its types.
fn operation(e: &Endpoint, types: EndpointTypes, rust: String, group_notes: &[Note]) -> Operation {
    let mut scope = Scope::default();
    // One parameter per variable of the path, in its order.
    let mut path_params = Vec::new();
    for (var, ty) in e.path.vars().zip(types.path) {
        let p = match e.path_params.iter().find(|p| p.name == var) {
            Some(p) => {
                let doc = p.description.as_ref().map(|d| d.0.clone());
                param(&mut scope, &p.name, ty, doc)
            }
            None => param(&mut scope, var, ty, None),
        };
        path_params.push(p);
    }
    let mut required_query = Vec::new();
    let mut optional_query = Vec::new();
    let mut qscope = Scope::default();
    for (q, ty) in e.query_params.iter().zip(types.query) {
        let doc = q.description.as_ref().map(|d| d.0.clone());
        if q.required {
            required_query.push(param(&mut scope, &q.name, ty, doc));
        } else {
            optional_query.push(param(&mut qscope, &q.name, ty, doc));
        }
    }
    let body = match (&e.request_body, types.body) {
        (None, _) => OpBody::None,
        (Some(b), _) if b.binary => OpBody::Binary {
            arg: scope.unique(sanitize(&b.name, Case::Snake)),
            content_type: scope.unique("content_type".into()),
        },
        (Some(b), Some(ty)) => OpBody::Json {
            arg: scope.unique(sanitize(&b.name, Case::Snake)),
            ty,
        },
        // `endpoint_types` types every JSON body.
        (Some(_), None) => OpBody::None,
    };
    Operation {
        uid: e.uid.clone(),
        rust,
        method: e.method,
        path: e.path.clone(),
        path_params,
        required_query,
        optional_query,
        query: None,
        body,
        response: types.response,
        doc: op_doc(e, group_notes),
        samples: samples(e),
        paging: None,
    }
}

/// What an item of the sample answer looks like (an array's merged items).
fn item_shape(v: &serde_json::Value) -> Shape {
    match Shape::of(v) {
        Shape::Array(item) => *item,
        other => other,
    }
}

fn response(
    input: &Inputs,
    k: &Known,
    want: &mut Wants,
    e: &Endpoint,
    sample: &SampleJson,
) -> OpResponse {
    let Some(rb) = &e.response_body else {
        return OpResponse::Empty;
    };
    let shape = sample.response.as_ref().map(item_shape);
    let item = if let Some(name) = input.carriers.response_names.get(&e.uid) {
        // Documented, or named but described nowhere (the sample may tell).
        map_type(
            k,
            name,
            &DocType::Carrier(name.clone()),
            shape.as_ref(),
            want,
        )
    } else {
        match &rb.ty {
            Some(DocType::Binary) => return OpResponse::Bytes,
            Some(t) => {
                let hint = input.invented.name(&e.uid, "Result");
                map_type(k, &hint, t, shape.as_ref(), want)
            }
            None => {
                let name = input.invented.name(&e.uid, "Item");
                shape_type(k, Place::Named(&name), shape.as_ref(), want)
            }
        }
    };
    if rb.array {
        OpResponse::Json(RustType::Vec(Box::new(item)))
    } else {
        OpResponse::Json(item)
    }
}

/// The JSON text of a sample body, when it is JSON and not `null`.
fn json_text(body: Option<&SampleBody>) -> Option<String> {
    match body {
        Some(SampleBody::Json(raw)) if raw.get() != "null" => Some(raw.get().to_string()),
        _ => None,
    }
}

/// The page's sample request and answer, as tests need them.
fn samples(e: &Endpoint) -> OpSamples {
    let request = e.sample_request.message();
    let response = e.sample_response.message();
    OpSamples {
        has_request: request.is_some(),
        request_json: request.and_then(|r| json_text(r.body.as_ref())),
        answer: response.map(|r| SampleAnswer {
            status: r.status,
            json: json_text(r.body.as_ref()),
            raw: match &r.body {
                Some(SampleBody::Json(raw)) => raw.get().to_string(),
                Some(SampleBody::Text(t)) => t.clone(),
                None => String::new(),
            },
        }),
    }
}

/// The notes every endpoint of a group has (Online restrictions,
/// experimental status), by group module: said once on the group, not on
/// each method.
fn group_notes(endpoints: &[Endpoint]) -> BTreeMap<String, Vec<Note>> {
    let mut shared: BTreeMap<String, Vec<Note>> = BTreeMap::new();
    for e in endpoints {
        let module = GroupKey::of(&e.path).module();
        let notes: Vec<Note> = e
            .notes
            .iter()
            .filter(|n| !matches!(n, Note::SlowThreshold { .. }))
            .cloned()
            .collect();
        match shared.get_mut(&module) {
            Some(common) => common.retain(|n| notes.contains(n)),
            None => {
                shared.insert(module, notes);
            }
        }
    }
    shared
}

/// A note as doc text.
fn note_doc(n: &Note) -> String {
    match n {
        Note::OnlineRestricted { text } => format!("**Online restricted:** {text}"),
        Note::Experimental { text } => format!("**Experimental:** {text}"),
        Note::SlowThreshold { millis } => {
            format!("Calls slower than {millis} ms are logged as slow (`NsApiSlow`).")
        }
    }
}

/// The method's doc comment: summary, description, and the notes its
/// group does not say for all its methods.
fn op_doc(e: &Endpoint, group_notes: &[Note]) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &e.summary {
        parts.push(s.0.clone());
    }
    parts.push(format!("`{} {}`", e.method, e.path));
    if let Some(d) = &e.description {
        parts.push(d.0.clone());
    }
    parts.extend(
        e.notes
            .iter()
            .filter(|n| !group_notes.contains(n))
            .map(note_doc),
    );
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::{endpoint, RESPONSES};

    #[test]
    fn groups_from_paths() {
        let user = GroupKey::of(&"/api/v1/Agents/User/MakeRetired".into());
        assert_eq!(
            (
                user.type_name(),
                user.module(),
                user.feature(),
                user.title()
            ),
            (
                "UserAgent".into(),
                "user_agent".into(),
                "user-agent".into(),
                "User agent".into()
            )
        );
        let appointment = GroupKey::of(&"/api/v1/Appointment/{id}/Links".into());
        assert_eq!(appointment.module(), "appointment_resource");
        assert_eq!(appointment.kind, crate::resolve::GroupKind::Resource);
        assert_eq!(GroupKey::of(&"/api/v1/{id}".into()).base, "Root");
    }

    #[test]
    fn operations_carry_parameters_by_kind_and_their_samples() {
        let e = endpoint(&format!(
            "---\nuid: v1ThingAgent_Find\n---\n\n```http\nGET /api/v1/Thing/{{id}}\n```\n\n| Path Part | Type | Description |\n|---|---|---|\n| id | int32 | **Required** |\n\n## Query String Parameters\n\n| Parameter Name | Type |  Description |\n|---|---|---|\n| $select | string | |\n\n## Response:\n\n{RESPONSES}### Response body: int32\n\n## Sample request\n\n```http!\nGET /api/v1/Thing/1\n```\n\n## Sample response\n\n```http_\nHTTP/1.1 200 OK\n\n7\n```\n"
        ));
        let eps = [e];
        let samples = [SampleJson::of(&eps[0])];
        let carriers = Carriers::default();
        let invented = Invented::new(["v1ThingAgent_Find"]);
        let input = Inputs {
            endpoints: &eps,
            samples: &samples,
            carriers: &carriers,
            invented: &invented,
        };
        let shapes = BTreeMap::new();
        let k = Known::new(&carriers, &shapes);
        let mut want = Wants::default();
        let roots = roots(&input, &k, &mut want);
        let named: Vec<&RustType> = roots.iter().flat_map(EndpointTypes::types).collect();
        assert_eq!(
            named,
            [&RustType::I32, &RustType::String, &RustType::I32],
            "the path variable, the query parameter, the answer"
        );
        let groups = operations(&input, roots, &TypeSpace::default());
        let op = &groups["thing_resource"].operations[0];
        assert_eq!(op.path_params[0].ty, RustType::I32);
        assert_eq!(op.optional_query[0].wire, "$select");
        assert_eq!(op.response, OpResponse::Json(RustType::I32));
        assert!(op.samples.has_request);
        let answer = op.samples.answer.as_ref().expect("answer");
        assert_eq!((answer.status, answer.json.as_deref()), (200, Some("7")));
    }

    #[test]
    fn an_uploads_content_type_argument_never_clashes_with_a_parameter() {
        let e = endpoint(&format!(
            "---\nuid: v1Thing_Upload\n---\n\n```http\nPUT /api/v1/Thing/{{content_type}}\n```\n\n| Path Part | Type | Description |\n|---|---|---|\n| content_type | string | **Required** |\n\n## Request Body: data binary\n\nBytes.\n\n## Response:\n\n{RESPONSES}"
        ));
        let (api, _) = crate::resolve::resolve(&[e]);
        let op = &api.groups["thing_resource"].operations[0];
        assert_eq!(op.path_params[0].rust, "content_type");
        assert_eq!(
            op.body,
            OpBody::Binary {
                arg: "data".into(),
                content_type: "content_type_2".into()
            }
        );
    }
}
