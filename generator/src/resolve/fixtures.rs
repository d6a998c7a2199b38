//! Small hand-made inputs the resolver's stage tests share (compiled only
//! for tests).

use crate::ir::Endpoint;
use crate::resolve::model::{
    Field, OpBody, OpParam, OpResponse, Operation, Origin, RustType, StructDef, TypeDef,
};
use crate::resolve::names;

pub(crate) fn endpoint(src: &str) -> Endpoint {
    match crate::parse::parse_page("p.md", src).parsed {
        crate::parse::Parsed::Endpoint(e) => *e,
        other => panic!("{other:?}"),
    }
}

/// A REST list that pages (`$top`/`$skip`, rows in `value`), with samples.
pub(crate) fn odata_list() -> Endpoint {
    endpoint(&format!(
        "---\nuid: v1ThingEntity_GetAll\n---\n\n```http\nGET /api/v1/Thing/{{kind}}\n```\n\n| Path Part | Type | Description |\n|---|---|---|\n| kind | string | **Required** |\n\n## Query String Parameters\n\n| Parameter Name | Type |  Description |\n|---|---|---|\n| $select | string | |\n| $top | int32 | |\n| $skip | int32 | |\n\n## Response:\n\n{RESPONSES}### Response body: ThingList\n\n| Property Name | Type | Description |\n|---|---|---|\n| odata.nextLink | string | |\n| value | array | |\n\n## Sample request\n\n```http!\nGET /api/v1/Thing/a\n```\n\n## Sample response\n\n```http_\nHTTP/1.1 200 OK\n\n{{\"value\": [{{\"Id\": 1, \"Name\": \"x\"}}]}}\n```\n"
    ))
}

/// A documented struct with these (wire name, type) fields.
pub(crate) fn strukt(name: &str, origin: Origin, fields: &[(&str, RustType)]) -> TypeDef {
    TypeDef::Struct(StructDef {
        name: name.into(),
        doc: None,
        fields: fields
            .iter()
            .map(|(w, t)| Field {
                wire: w.to_string(),
                rust: names::sanitize(w, names::Case::Snake),
                ty: t.clone(),
                doc: None,
            })
            .collect(),
        origin,
    })
}

/// `GET /y`, with these optional `i32` query parameters, body and response.
pub(crate) fn op(query: &[&str], body: OpBody, response: OpResponse) -> Operation {
    Operation {
        uid: "v1X_Y".into(),
        rust: "y".into(),
        method: crate::ir::HttpMethod::Get,
        path: "/y".into(),
        path_params: vec![],
        required_query: vec![],
        optional_query: query
            .iter()
            .map(|w| OpParam {
                wire: w.to_string(),
                rust: names::sanitize(w, names::Case::Snake),
                ty: RustType::I32,
                doc: None,
            })
            .collect(),
        query: (!query.is_empty()).then(|| "YQuery".into()),
        body,
        response,
        doc: String::new(),
        samples: Default::default(),
        paging: None,
    }
}

pub(crate) const RESPONSES: &str = "| Response | Description |\n|---|---|\n| 200 | OK |\n\n";
