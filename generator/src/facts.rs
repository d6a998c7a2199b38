//! The `facts` export: one JSON object per endpoint, in the format of
//! `shared/corpus/FACTS.md`, so the parse can be checked against an
//! independent oracle.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::ir::{DocType, Endpoint, Param, Property};
use crate::resolve::{Api, OpBody, OpResponse, RustType};

#[derive(Serialize)]
pub struct Facts<'a> {
    pub uid: &'a str,
    pub method: &'static str,
    pub path: &'a str,
    pub path_params: Vec<NamedType<'a>>,
    pub query_params: Vec<NamedType<'a>>,
    pub request_body: Option<RequestFacts<'a>>,
    pub responses: Vec<u16>,
    pub response_body: Option<ResponseFacts<'a>>,
}

#[derive(Serialize)]
pub struct NamedType<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub ty: &'a str,
    /// The emitted Rust type of a body property (`facts --rust` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
}

#[derive(Serialize)]
pub struct RequestFacts<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub ty: Option<&'static str>,
    pub properties: Vec<NamedType<'a>>,
}

#[derive(Serialize)]
pub struct ResponseFacts<'a> {
    #[serde(rename = "type")]
    pub ty: Option<&'a str>,
    pub array: bool,
    pub properties: Vec<NamedType<'a>>,
}

fn params(ps: &[Param]) -> Vec<NamedType<'_>> {
    ps.iter()
        .map(|p| NamedType {
            name: &p.name,
            ty: p.ty.fact_name(),
            rust: None,
        })
        .collect()
}

fn props<'a>(ps: &'a [Property], rust: Option<&BTreeMap<String, String>>) -> Vec<NamedType<'a>> {
    ps.iter()
        .map(|p| NamedType {
            name: &p.name,
            ty: p.ty.fact_name(),
            rust: rust.and_then(|r| r.get(&p.name).cloned()),
        })
        .collect()
}

/// The emitted Rust types of an endpoint's body properties, by wire name:
/// (request, response).
#[derive(Default)]
pub struct RustFacts {
    pub request: BTreeMap<String, String>,
    pub response: BTreeMap<String, String>,
}

/// [`RustFacts`] of every endpoint, by uid.
pub fn rust_facts(api: &Api) -> BTreeMap<String, RustFacts> {
    let fields = |t: &RustType| -> BTreeMap<String, String> {
        api.types
            .body_fields(t)
            .iter()
            .map(|f| (f.wire.clone(), f.ty.short()))
            .collect()
    };
    let mut out = BTreeMap::new();
    for g in api.groups.values() {
        for op in &g.operations {
            let mut r = RustFacts::default();
            if let OpBody::Json { ty, .. } = &op.body {
                r.request = fields(ty);
            }
            if let OpResponse::Json(ty) = &op.response {
                r.response = fields(ty);
            }
            out.insert(op.uid.clone(), r);
        }
    }
    out
}

/// The facts of one endpoint.
pub fn facts(e: &Endpoint) -> Facts<'_> {
    facts_with(e, None)
}

/// The facts of one endpoint, with the emitted Rust type of each body
/// property when `rust` is given.
pub fn facts_with<'a>(e: &'a Endpoint, rust: Option<&RustFacts>) -> Facts<'a> {
    let mut responses: Vec<u16> = e.responses.iter().map(|r| r.code).collect();
    responses.sort_unstable();
    Facts {
        uid: &e.uid,
        method: e.method.as_str(),
        path: e.path.as_str(),
        path_params: params(&e.path_params),
        query_params: params(&e.query_params),
        request_body: e.request_body.as_ref().map(|b| RequestFacts {
            name: &b.name,
            ty: b.binary.then_some("binary"),
            properties: props(&b.properties, rust.map(|r| &r.request)),
        }),
        responses,
        response_body: e.response_body.as_ref().map(|b| ResponseFacts {
            ty: b.ty.as_ref().map(DocType::fact_name),
            array: b.array,
            properties: props(&b.properties, rust.map(|r| &r.response)),
        }),
    }
}

/// Writes one line per endpoint (already sorted by uid).
pub fn write_jsonl(endpoints: &[Endpoint], out: &mut impl std::io::Write) -> std::io::Result<()> {
    write_jsonl_with(endpoints, None, out)
}

/// [`write_jsonl`], with `rust` fields when `rust` is given.
pub fn write_jsonl_with(
    endpoints: &[Endpoint],
    rust: Option<&BTreeMap<String, RustFacts>>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    for e in endpoints {
        let r = rust.and_then(|r| r.get(&e.uid));
        serde_json::to_writer(&mut *out, &facts_with(e, r))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
