//! Tiny reference-format pages, parsed in memory, for the unit tests.

use std::path::Path;

use crate::parse::{parse_pages, DocsRun, PageSource};

/// A reference-format page: `POST /api/v1/Agents/Test/{op}`, a
/// required `id` query parameter of type `id_ty`, and a `Thing`
/// response with `props` (name, type) rows.
pub fn page(op: &str, id_ty: &str, props: &[(&str, &str)]) -> (String, String) {
    let rows: String = props
        .iter()
        .map(|(n, t)| format!("| {n} | {t} | A {n}. |\n"))
        .collect();
    let src = format!(
        "---\ntitle: POST Agents/Test/{op}\nuid: v1TestAgent_{op}\n---\n\n# POST Agents/Test/{op}\n\n```http\nPOST /api/v1/Agents/Test/{op}\n```\n\nDoes {op}.\n\n## Query String Parameters\n\n| Parameter Name | Type |  Description |\n|----------------|------|--------------|\n| id | {id_ty} | **Required** The id. |\n\n## Response:\n\nOK\n\n| Response | Description |\n|----------------|-------------|\n| 200 | OK |\n\n### Response body: Thing\n\n| Property Name | Type |  Description |\n|----------------|------|--------------|\n{rows}"
    );
    (format!("agent/Test_Agent/v1TestAgent_{op}.md"), src)
}

pub fn run(root: &Path, pages: &[(String, String)]) -> DocsRun {
    let sources: Vec<PageSource> = pages
        .iter()
        .map(|(rel, src)| PageSource {
            path: root.join(rel),
            text: Ok(src.clone()),
        })
        .collect();
    parse_pages(root, &sources)
}
