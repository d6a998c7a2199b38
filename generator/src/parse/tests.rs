//! Unit tests of the page walker: one per section kind, one per malformed
//! page. The pages are written here, small and synthetic.

use std::path::Path;

use super::*;
use crate::diagnostics::DiagKind;
use crate::ir::{
    Doc, DocType, HttpMethod, Include, Note, Sample, SampleBody, SampleRequest, SampleResponse,
};

const HEAD: &str = "---\ntitle: POST Agents/Widget/Spin\nuid: v1WidgetAgent_Spin\n---\n\n# POST Agents/Widget/Spin\n\n```http\nPOST /api/v1/Agents/Widget/Spin\n```\n\nSpins a widget.\n\n";

fn parse(src: &str) -> PageReport {
    parse_page("page.md", src)
}

fn endpoint(src: &str) -> Endpoint {
    let r = parse(src);
    match r.parsed {
        Parsed::Endpoint(e) => *e,
        other => panic!("not an endpoint: {other:?}\n{:#?}", r.diagnostics),
    }
}

/// The only error of a page, as `line:col: message`.
fn only_error(src: &str) -> String {
    let r = parse(src);
    assert!(matches!(r.parsed, Parsed::Invalid), "{:?}", r.parsed);
    let errors: Vec<_> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    format!(
        "{}:{}: {}",
        errors[0].line, errors[0].col, errors[0].message
    )
}

fn responses_ok() -> &'static str {
    "## Response:\n\nOK\n\n| Response | Description |\n|---|---|\n| 200 | OK |\n\n"
}

#[test]
fn front_matter_method_path_and_extra_keys() {
    let e = endpoint(&format!(
        "---\ntitle: T\nuid: u1\ngenerated: true\ncontent_type: reference\n---\n\n# DEL Thing/{{id}}\n\n```http\nDELETE /api/v1/Thing/{{thingId}}?x=1\n```\n\n{}",
        responses_ok()
    ));
    assert_eq!(e.uid, "u1");
    assert_eq!(e.front_matter.title.as_deref(), Some("T"));
    assert_eq!(e.front_matter.extra.len(), 2);
    assert_eq!(e.method, HttpMethod::Delete);
    // The http block wins over the heading, and the query string is dropped.
    assert_eq!(e.path, "/api/v1/Thing/{thingId}");
}

#[test]
fn summary_description_and_notes() {
    let e = endpoint(&format!(
        "{HEAD}More about <see cref=\"T:A.B.IWidgetAgent\">the agent</see>. <para /> Q &amp;amp; A.\n\nNsApiSlow threshold: 1500 ms.\n\n## Online Restricted: ## Not in Online by default.\n\n## Experimental: ## May change.\n\n## Filter Operators: ##\n\nints: eq, ne\n\n{}",
        responses_ok()
    ));
    assert_eq!(e.summary.as_ref().map(Doc::as_str), Some("Spins a widget."));
    assert_eq!(
        e.description.as_ref().map(Doc::as_str),
        Some("More about the agent.\n\nQ & A.\n\n### Filter Operators:\n\nints: eq, ne")
    );
    assert_eq!(
        e.notes,
        vec![
            Note::SlowThreshold { millis: 1500 },
            Note::OnlineRestricted {
                text: "Not in Online by default.".into()
            },
            Note::Experimental {
                text: "May change.".into()
            },
        ]
    );
}

#[test]
fn path_table_without_heading_and_required_marker() {
    let e = endpoint(&format!(
        "{HEAD}| Path Part | Type | Description |\n|---|---|---|\n| id | int32 | The id **Required** |\n\n{}",
        responses_ok()
    ));
    assert_eq!(e.path_params.len(), 1);
    let p = &e.path_params[0];
    assert_eq!(
        (p.name.as_str(), &p.ty, p.required),
        ("id", &DocType::Int32, true)
    );
    assert_eq!(p.description.as_ref().map(Doc::as_str), Some("The id"));
    assert_eq!(p.line, 16);
}

#[test]
fn query_parameters_with_enum_and_required() {
    let e = endpoint(&format!(
        "{HEAD}## Query String Parameters\n\n| Parameter Name | Type |  Description |\n|---|---|---|\n| $select | string | Fields. |\n| $mode | Enum: Slim, Wide | Mode |\n| userId | Integer | **Required** The key. |\n\n```http\nPOST /api/v1/Agents/Widget/Spin?$select=a\n```\n\n{}",
        responses_ok()
    ));
    let q: Vec<_> = e
        .query_params
        .iter()
        .map(|p| (p.name.as_str(), p.ty.clone(), p.required))
        .collect();
    assert_eq!(
        q,
        vec![
            ("$select", DocType::String, false),
            (
                "$mode",
                DocType::Enum(vec!["Slim".into(), "Wide".into()]),
                false
            ),
            ("userId", DocType::Int32, true),
        ]
    );
    // The example `http` block in the section is not taken for the endpoint's.
    assert_eq!(e.path, "/api/v1/Agents/Widget/Spin");
}

#[test]
fn request_headers() {
    let e = endpoint(&format!(
        "{HEAD}## Request Headers\n\n| Parameter Name | Description |\n|---|---|\n| Authorization | Basic or Bearer |\n| SO-AppToken | The app token |\n\n{}",
        responses_ok()
    ));
    let names: Vec<_> = e.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["Authorization", "SO-AppToken"]);
}

#[test]
fn request_body_of_each_generation() {
    let e = endpoint(&format!(
        "{HEAD}## Request Body: request  \n\nWidgetId, Speed \n\n| Property Name | Type |  Description |\n|---|---|---|\n| WidgetId | Integer |  |\n| Speed | double | How fast |\n| Owner |  |  |\n| Parts | array |  |\n\n{}",
        responses_ok()
    ));
    let body = e.request_body.expect("body");
    assert_eq!(body.name, "request");
    assert!(!body.binary);
    assert_eq!(
        body.summary.as_ref().map(Doc::as_str),
        Some("WidgetId, Speed")
    );
    let props: Vec<_> = body
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.ty.clone()))
        .collect();
    assert_eq!(
        props,
        vec![
            ("WidgetId", DocType::Int32),
            ("Speed", DocType::Double),
            ("Owner", DocType::Unknown),
            ("Parts", DocType::Array(None)),
        ]
    );
}

#[test]
fn binary_request_body_in_prose() {
    let e = endpoint(&format!(
        "{HEAD}## Request Body: image binary\n\nA PNG bitmap.\n\n{}",
        responses_ok()
    ));
    let body = e.request_body.expect("body");
    assert_eq!((body.name.as_str(), body.binary), ("image", true));
    assert!(body.properties.is_empty());
}

#[test]
fn response_carrier_under_a_heading() {
    let e = endpoint(&format!(
        "{HEAD}{}### Response body: Widget\n\n| Property Name | Type |  Description |\n|---|---|---|\n| odata.nextLink | string | |\n| _Links | object | |\n",
        responses_ok()
    ));
    let b = e.response_body.expect("body");
    assert_eq!(b.ty, Some(DocType::Carrier("Widget".into())));
    assert!(!b.array);
    let names: Vec<_> = b.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["odata.nextLink", "_Links"]);
}

#[test]
fn response_array_with_or_without_space_and_hashes() {
    for heading in ["## Response:array", "## Response: array"] {
        let e = endpoint(&format!(
            "{HEAD}{heading}\n\nOK\n\n| Response | Description |\n|---|---|\n| 200 | OK |\n\nResponse body: array\n\n| Property Name | Type |  Description |\n|---|---|---|\n| Name | string | |\n"
        ));
        let b = e.response_body.expect("body");
        assert_eq!(
            (b.ty.clone(), b.array, b.properties.len()),
            (None, true, 1),
            "{heading}"
        );
    }
}

#[test]
fn scalar_response_from_heading() {
    let e = endpoint(&format!(
        "{HEAD}## Response:byte\n\nAn image\n\n| Response | Description |\n|---|---|\n| 200 | An image |\n| 404 | None |\n\n### Response body: byte\n\n"
    ));
    let b = e.response_body.expect("body");
    assert_eq!((b.ty, b.array), (Some(DocType::Binary), false));
}

#[test]
fn response_body_under_204_is_a_warning_not_an_error() {
    let r = parse(&format!(
        "{HEAD}## Response:\n\nNo Content\n\n| Response | Description |\n|---|---|\n| 204 | No Content |\n| 412 | Changed |\n\n### Response body: TableRight\n"
    ));
    let Parsed::Endpoint(e) = r.parsed else {
        panic!("{:?}", r.diagnostics)
    };
    assert!(e.response_body.is_none());
    let codes: Vec<_> = e.responses.iter().map(|r| r.code).collect();
    assert_eq!(codes, vec![204, 412]);
    assert_eq!(r.diagnostics.len(), 1);
    assert!(!r.diagnostics[0].is_error());
    assert_eq!(r.diagnostics[0].line, 23);
    assert_eq!(
        r.diagnostics[0].message,
        "`Response body: TableRight` under responses without content is ignored"
    );
}

#[test]
fn samples_request_and_response() {
    let e = endpoint(&format!(
        "{HEAD}{}## Sample request\n\n```http!\nPOST /api/v1/Agents/Widget/Spin\nAuthorization: Basic abc\nContent-Type: application/json; charset=utf-8\n\n{{\n  \"WidgetId\": 1\n}}\n```\n\n## Sample response\n\n```http_\nHTTP/1.1 200 OK\nContent-Type: application/json; charset=utf-8\n\n[1, 2]\n```",
        responses_ok()
    ));
    let Sample::Message(SampleRequest {
        method,
        target,
        headers,
        body,
        ..
    }) = &e.sample_request
    else {
        panic!("{:?}", e.sample_request)
    };
    assert_eq!(
        (method, target.as_str(), headers.len()),
        (&HttpMethod::Post, "/api/v1/Agents/Widget/Spin", 2)
    );
    assert_eq!(
        body.as_ref().and_then(SampleBody::json),
        Some(serde_json::json!({"WidgetId": 1}))
    );
    let Sample::Message(SampleResponse { status, .. }) = &e.sample_response else {
        panic!("{:?}", e.sample_response)
    };
    assert_eq!(*status, 200);
    // A JSON array sample makes the response an array.
    assert!(e.response_body.expect("body").array);
}

#[test]
fn include_only_samples() {
    let e = endpoint(&format!(
        "{HEAD}{}## Sample request\n\n[!include[sample request](../../samples/req.md)]\n\n## Sample response\n\n[!include[sample response](../../samples/resp.md)]",
        responses_ok()
    ));
    // A page on its own keeps its includes, with where they are; reading
    // them is the tree's job (`include`).
    assert_eq!(
        e.sample_request,
        Sample::Include(Include {
            target: "../../samples/req.md".into(),
            line: 24,
            col: 1,
        })
    );
    assert_eq!(
        e.sample_response,
        Sample::Include(Include {
            target: "../../samples/resp.md".into(),
            line: 28,
            col: 1,
        })
    );
}

#[test]
fn crlf_pages_parse_like_lf_pages() {
    let lf = format!("{HEAD}{}", responses_ok());
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(endpoint(&lf).responses, endpoint(&crlf).responses);
    assert_eq!(endpoint(&crlf).path, "/api/v1/Agents/Widget/Spin");
}

#[test]
fn index_pages_are_skipped_with_a_reason() {
    let r = parse_page(
        "index.md",
        "---\ntitle: X\n---\n\n```http\n/api/v1/X\n```\n",
    );
    assert!(matches!(r.parsed, Parsed::NotEndpoint(Skip::Index)));
    assert!(r.diagnostics.is_empty());
    let r = parse("---\nuid: tag-Widget\n---\n\n# Widgets\n");
    assert!(matches!(r.parsed, Parsed::NotEndpoint(Skip::Tag(ref u)) if u == "tag-Widget"));
}

// ---- malformed pages: each yields exactly one error at the right place ----

#[test]
fn missing_http_block() {
    let src = format!(
        "---\nuid: u\n---\n\n# POST X\n\nText.\n\n{}",
        responses_ok()
    );
    assert_eq!(
        only_error(&src),
        "5:1: expected an ```http block with `METHOD /path` after the title"
    );
}

#[test]
fn unknown_http_method() {
    let src = format!(
        "---\nuid: u\n---\n\n# X\n\n```http\nFETCH /api/v1/X\n```\n\n{}",
        responses_ok()
    );
    assert_eq!(
        only_error(&src),
        "8:1: expected an HTTP method (GET, POST, PUT, PATCH, DELETE), found `FETCH`"
    );
}

#[test]
fn status_code_that_is_not_a_number() {
    let src = format!(
        "{HEAD}## Response:\n\nOK\n\n| Response | Description |\n|---|---|\n| 2OO | OK |\n"
    );
    assert_eq!(
        only_error(&src),
        "20:3: expected a numeric HTTP status code (e.g. 200), found `2OO`"
    );
}

/// The only warning of a page that is still generated, as `line:col: message`.
fn only_sample_warning(src: &str) -> (Endpoint, String) {
    let r = parse(src);
    let warnings: Vec<_> = r.diagnostics.iter().collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = warnings[0];
    assert_eq!(
        (w.severity, w.kind),
        (crate::diagnostics::Severity::Warning, DiagKind::Sample)
    );
    let msg = format!("{}:{}: {}", w.line, w.col, w.message);
    match r.parsed {
        Parsed::Endpoint(e) => (*e, msg),
        other => panic!("a broken sample must not stop the page: {other:?}"),
    }
}

#[test]
fn invalid_sample_json_is_a_warning_and_the_sample_is_left_out() {
    let src = format!(
        "{HEAD}{}## Sample request\n\n```http!\nPOST /api/v1/Agents/Widget/Spin\nContent-Type: application/json\n\n{{\n  \"A\": 1,\n}}\n```\n",
        responses_ok()
    );
    let (e, msg) = only_sample_warning(&src);
    assert_eq!(
        msg,
        "30:1: expected a valid JSON sample body: key must be a string"
    );
    assert_eq!(e.sample_request, Sample::Absent);
    assert_eq!(
        e.responses.len(),
        1,
        "the page is generated from its tables"
    );
}

#[test]
fn sample_method_disagreeing_with_the_page_is_a_warning() {
    let src = format!(
        "{HEAD}{}## Sample request\n\n```http!\nGET /api/v1/Agents/Widget/Spin\n```\n",
        responses_ok()
    );
    let (e, msg) = only_sample_warning(&src);
    assert_eq!(
        msg,
        "25:1: expected the sample request to use the page's method POST, found GET"
    );
    assert_eq!(e.sample_request, Sample::Absent);
}

#[test]
fn sample_path_disagreeing_with_the_page_is_a_warning() {
    let src = format!(
        "{HEAD}{}## Sample request\n\n```http!\nPOST /api/v1/Agents/Gadget/Spin?x=1\n```\n",
        responses_ok()
    );
    let (e, msg) = only_sample_warning(&src);
    assert_eq!(
        msg,
        "25:6: expected the sample request path to match the page's path `/api/v1/Agents/Widget/Spin`, found `/api/v1/Agents/Gadget/Spin`"
    );
    assert_eq!(e.sample_request, Sample::Absent);
}

#[test]
fn sample_status_line_without_a_number_is_a_warning() {
    let src = format!(
        "{HEAD}{}## Sample response\n\n```http_\nHTTP/1.1 OK\n\n{{}}\n```\n",
        responses_ok()
    );
    let (e, msg) = only_sample_warning(&src);
    assert!(
        msg.starts_with("25:10: expected a numeric HTTP status code"),
        "{msg}"
    );
    assert_eq!(e.sample_response, Sample::Absent);
}

#[test]
fn bad_front_matter_yaml() {
    let src = format!(
        "---\nuid: u\ntitle: [unclosed\n---\n\n# X\n\n```http\nGET /x\n```\n\n{}",
        responses_ok()
    );
    let msg = only_error(&src);
    assert!(
        msg.starts_with("4:1: expected valid YAML front matter: "),
        "{msg}"
    );
}

#[test]
fn front_matter_without_uid() {
    let src = format!(
        "---\ntitle: X\n---\n\n# X\n\n```http\nGET /x\n```\n\n{}",
        responses_ok()
    );
    assert_eq!(
        only_error(&src),
        "2:1: expected a `uid` in the front matter"
    );
}

#[test]
fn a_file_without_front_matter_is_not_an_endpoint_page() {
    for src in [
        format!("# X\n\n```http\nGET /x\n```\n\n{}", responses_ok()),
        "```http!\nPOST /api/v1/Agents/Widget/Spin\n```".to_string(),
        "# Sources\n\n- a page\n".to_string(),
        String::new(),
    ] {
        let r = parse(&src);
        assert!(
            matches!(r.parsed, Parsed::NotEndpoint(Skip::NoFrontMatter)),
            "{:?}",
            r.parsed
        );
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }
}

#[test]
fn front_matter_opened_and_never_closed_is_an_error() {
    let src = format!(
        "---\nuid: u\ntitle: X\n\n# X\n\n```http\nGET /x\n```\n\n{}",
        responses_ok()
    );
    assert_eq!(
        only_error(&src),
        "1:1: expected YAML front matter (`---` … `---`) with a `uid`"
    );
}

#[test]
fn all_problems_of_a_page_are_reported() {
    let src = format!(
        "{HEAD}## Response:\n\n| Response | Description |\n|---|---|\n| abc | x |\n| 20x | y |\n\n## Sample request\n\n```http!\nGET /other\n```\n"
    );
    let r = parse(&src);
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    assert_eq!(errors, 2, "{:#?}", r.diagnostics);
    let sample = r
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::Sample)
        .count();
    assert_eq!(
        sample, 1,
        "the sample's misfit is a warning: {:#?}",
        r.diagnostics
    );
}

#[test]
fn duplicate_uids_across_pages_are_an_error() {
    let page = format!("{HEAD}{}", responses_ok());
    let pages = vec![
        PageSource {
            path: "d/a.md".into(),
            text: Ok(page.clone()),
        },
        PageSource {
            path: "d/b.md".into(),
            text: Ok(page),
        },
    ];
    let run = parse_pages(Path::new("d"), &pages);
    assert_eq!(run.endpoints.len(), 2);
    assert!(run.has_errors());
    assert!(
        run.diagnostics[0].kind == crate::diagnostics::DiagKind::DuplicateUid,
        "{:?}",
        run.diagnostics
    );
}

#[test]
fn unreadable_and_non_utf8_pages_are_diagnostics() {
    let pages = vec![
        PageSource {
            path: "d/a.md".into(),
            text: Err(ReadError::NotUtf8 {
                front_matter: true,
                why: "bad byte".into(),
            }),
        },
        PageSource {
            path: "d/b.md".into(),
            text: Err(ReadError::Unreadable("permission denied".into())),
        },
        // Some other file in another encoding is not a page, and no error.
        PageSource {
            path: "d/latin1.md".into(),
            text: Err(ReadError::NotUtf8 {
                front_matter: false,
                why: "bad byte".into(),
            }),
        },
    ];
    let run = parse_pages(Path::new("d"), &pages);
    assert!(run.has_errors());
    let shown: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| d.in_tree(Path::new("d")).to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "d/a.md:1:1: error: expected UTF-8 text: bad byte",
            "d/b.md:1:1: error: expected a readable file: permission denied"
        ]
    );
    assert_eq!(run.skipped, [("d/latin1.md".into(), Skip::NotText)]);
}
