//! The `facts` export: one JSON object per endpoint, in the format of
//! `shared/corpus/FACTS.md`, so the parse can be checked against an
//! independent oracle.

use serde::Serialize;

use crate::ir::{DocType, Endpoint, Param, Property};

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
        })
        .collect()
}

fn props(ps: &[Property]) -> Vec<NamedType<'_>> {
    ps.iter()
        .map(|p| NamedType {
            name: &p.name,
            ty: p.ty.fact_name(),
        })
        .collect()
}

/// The facts of one endpoint.
pub fn facts(e: &Endpoint) -> Facts<'_> {
    let mut responses: Vec<u16> = e.responses.iter().map(|r| r.code).collect();
    responses.sort_unstable();
    Facts {
        uid: &e.uid,
        method: e.method.as_str(),
        path: &e.path,
        path_params: params(&e.path_params),
        query_params: params(&e.query_params),
        request_body: e.request_body.as_ref().map(|b| RequestFacts {
            name: &b.name,
            ty: b.binary.then_some("binary"),
            properties: props(&b.properties),
        }),
        responses,
        response_body: e.response_body.as_ref().map(|b| ResponseFacts {
            ty: b.ty.as_ref().map(DocType::fact_name),
            array: b.array,
            properties: props(&b.properties),
        }),
    }
}

/// Writes one line per endpoint (already sorted by uid).
pub fn write_jsonl(endpoints: &[Endpoint], out: &mut impl std::io::Write) -> std::io::Result<()> {
    for e in endpoints {
        serde_json::to_writer(&mut *out, &facts(e))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
