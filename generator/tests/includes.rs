//! A docs tree laid out as the site publishes it: pages whose samples are
//! `[!include[…](…)]`s of files under `samples/`, plus markdown that is not
//! pages. Generated end to end from real folders, so what is read from disk
//! (and what is never read) is what a maintainer's checkout gives.

use std::path::{Path, PathBuf};

use generator::diagnostics::DiagKind;
use generator::generate::generate;

/// A fresh folder under the system's temp dir, removed when dropped.
struct TempTree(PathBuf);

impl TempTree {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("includes-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("mkdir");
        TempTree(p)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A page of the Widget agent whose samples are includes of `req`, `resp`.
fn page(op: &str, req: &str, resp: &str) -> String {
    format!(
        "---\nuid: v1WidgetAgent_{op}\n---\n\n# POST Agents/Widget/{op}\n\n```http\nPOST /api/v1/Agents/Widget/{op}\n```\n\nDoes {op}.\n\n## Request Body: request\n\n| Property Name | Type |  Description |\n|---|---|---|\n| Ids | Array | The widgets. |\n\n## Response:\n\n| Response | Description |\n|---|---|\n| 200 | OK |\n\n### Response body: Widget\n\n| Property Name | Type |  Description |\n|---|---|---|\n| Name | string | Its name. |\n\n## Sample request\n\n[!include[sample request]({req})]\n\n## Sample response\n\n[!include[sample response]({resp})]\n"
    )
}

const REQUEST: &str = "```http!\nPOST /api/v1/Agents/Widget/Spin\nContent-Type: application/json; charset=utf-8\n\n{\n  \"Ids\": [1, 2]\n}\n```";

fn response(name: &str) -> String {
    format!("```http_\nHTTP/1.1 200 OK\nContent-Type: application/json; charset=utf-8\n\n{{\n  \"Name\": \"{name}\"\n}}\n```")
}

/// Every generated file's text, joined.
fn all_output(g: &generator::generate::Generated) -> String {
    let out = g.output.as_ref().expect("the tree generates");
    out.files.values().cloned().collect::<Vec<_>>().join("\n")
}

#[test]
fn a_published_tree_generates_with_samples_from_its_include_files() {
    let t = TempTree::new("published");
    let docs = t.0.join("restful");
    let w = |rel: &str, text: &str| t.write(&format!("restful/{rel}"), text);
    w(
        "agent/Widget_Agent/v1WidgetAgent_Spin.md",
        &page(
            "Spin",
            "../../samples/agent/request/v1WidgetAgent_Spin.md",
            "../../samples/agent/response/v1WidgetAgent_Spin.md",
        ),
    );
    w("samples/agent/request/v1WidgetAgent_Spin.md", REQUEST);
    w(
        "samples/agent/response/v1WidgetAgent_Spin.md",
        &response("from-the-include-file"),
    );
    w("README.md", "# The reference\n\nGenerated pages.\n");
    w("SOURCES.md", "- a list of sources\n");

    let g = generate(&docs);
    let errors: Vec<_> = g.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(g.summary.endpoints, 1);
    assert_eq!(
        g.summary.other_files, 4,
        "two sample files, a README and SOURCES"
    );
    assert_eq!(g.skipped.len(), 4);
    let text = all_output(&g);
    // The array the table leaves untyped is typed from the included sample,
    // and the sample's tests are emitted.
    assert!(
        text.contains("::std::vec::Vec<i64>"),
        "Ids typed from the sample"
    );
    assert!(
        text.contains("from-the-include-file"),
        "the response sample's test"
    );
    assert!(text.contains("spin_calls_the_documented_endpoint"));
}

#[test]
fn an_invalid_include_file_is_warned_at_its_line_and_the_page_still_generates() {
    let t = TempTree::new("invalid");
    t.write(
        "agent/Widget_Agent/v1WidgetAgent_Spin.md",
        &page("Spin", "../../samples/req.md", "../../samples/resp.md"),
    );
    t.write("samples/req.md", REQUEST);
    // Closes an array with `}`, as one of the site's own samples does.
    t.write(
        "samples/resp.md",
        "```http_\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n[\n  {\"Name\": \"x\"}\n}\n```",
    );
    let g = generate(&t.0);
    let w: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::Sample)
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].file, Path::new("samples/resp.md"));
    assert!(w[0].in_tree(&t.0).to_string().starts_with(&format!(
        "{}:7:1: warning:",
        t.0.join("samples/resp.md").display()
    )));
    assert_eq!((w[0].line, w[0].col), (7, 1));
    assert!(!w[0].is_error());
    let text = all_output(&g);
    assert!(text.contains("spin_request_sample_round_trips"));
    assert!(!text.contains("spin_response_sample_decodes"));
}

#[test]
fn a_missing_include_is_a_warning_and_the_page_generates_without_it() {
    let t = TempTree::new("missing");
    t.write(
        "agent/Widget_Agent/v1WidgetAgent_Spin.md",
        &page("Spin", "../../samples/req.md", "../../samples/nowhere.md"),
    );
    t.write("samples/req.md", REQUEST);
    let g = generate(&t.0);
    let w: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::Include)
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(
        w[0].file,
        Path::new("agent/Widget_Agent/v1WidgetAgent_Spin.md")
    );
    assert_eq!(w[0].line, 37);
    let text = all_output(&g);
    assert!(text.contains("spin_request_sample_round_trips"));
    assert!(!text.contains("spin_response_sample_decodes"));
}

#[test]
fn an_include_file_shared_by_two_pages_serves_both() {
    let t = TempTree::new("shared");
    for op in ["Spin", "Turn"] {
        t.write(
            &format!("agent/Widget_Agent/v1WidgetAgent_{op}.md"),
            &page(op, "../../samples/none.md", "../../samples/shared.md"),
        );
    }
    t.write("samples/shared.md", &response("shared-answer"));
    let g = generate(&t.0);
    let text = all_output(&g);
    assert!(text.contains("spin_response_sample_decodes"));
    assert!(text.contains("turn_response_sample_decodes"));
    assert!(text.matches("shared-answer").count() >= 2);
}

/// A sample outside the tree, holding a marker that must never reach the
/// output.
fn outside_sample(t: &TempTree) -> PathBuf {
    t.write("outside/secret.md", &response("SECRET-FROM-OUTSIDE"))
}

#[test]
fn an_absolute_or_escaping_include_is_never_read() {
    let t = TempTree::new("escape");
    let secret = outside_sample(&t);
    let docs = t.0.join("docs");
    for (op, target) in [
        ("Spin", secret.display().to_string()),
        ("Turn", "../../../outside/secret.md".to_string()),
    ] {
        t.write(
            &format!("docs/agent/Widget_Agent/v1WidgetAgent_{op}.md"),
            &page(op, "../../samples/none.md", &target),
        );
    }
    let g = generate(&docs);
    let outside: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::OutsideTree)
        .collect();
    assert_eq!(outside.len(), 2, "{:#?}", g.diagnostics);
    assert!(outside.iter().all(|d| !d.is_error() && d.line == 37));
    assert!(!all_output(&g).contains("SECRET-FROM-OUTSIDE"));
}

#[cfg(unix)]
#[test]
fn a_symlink_that_leaves_the_tree_is_never_read() {
    let t = TempTree::new("symlink");
    let secret = outside_sample(&t);
    let docs = t.0.join("docs");
    t.write(
        "docs/agent/Widget_Agent/v1WidgetAgent_Spin.md",
        &page("Spin", "../../samples/none.md", "../../samples/resp.md"),
    );
    std::fs::create_dir_all(docs.join("samples")).expect("mkdir");
    std::os::unix::fs::symlink(&secret, docs.join("samples/resp.md")).expect("symlink");
    // A symlinked folder leading out, with the file behind it.
    std::os::unix::fs::symlink(t.0.join("outside"), docs.join("samples/out")).expect("symlink");
    t.write(
        "docs/agent/Widget_Agent/v1WidgetAgent_Turn.md",
        &page(
            "Turn",
            "../../samples/none.md",
            "../../samples/out/secret.md",
        ),
    );
    let g = generate(&docs);
    let outside: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::OutsideTree)
        .collect();
    // The symlinked file (met by the scan and by the include) and the file
    // behind the symlinked folder.
    assert!(outside.len() >= 2, "{:#?}", g.diagnostics);
    assert!(outside.iter().all(|d| !d.is_error()));
    assert!(!all_output(&g).contains("SECRET-FROM-OUTSIDE"));
    assert!(g.output.is_some());
}

#[test]
fn a_broken_front_matter_block_is_still_an_error() {
    let t = TempTree::new("broken-front-matter");
    t.write(
        "agent/Widget_Agent/v1WidgetAgent_Spin.md",
        &page("Spin", "../../samples/req.md", "../../samples/resp.md")
            .replacen("---\n\n#", "\n#", 1),
    );
    let g = generate(&t.0);
    assert!(g.output.is_none());
    assert!(g
        .diagnostics
        .iter()
        .any(|d| d.is_error() && d.file == Path::new("agent/Widget_Agent/v1WidgetAgent_Spin.md")));
}

#[test]
fn a_page_s_uid_never_names_an_output_path() {
    let t = TempTree::new("hostile-uid");
    let hostile = page("Spin", "../../samples/req.md", "../../samples/resp.md")
        .replace("uid: v1WidgetAgent_Spin", "uid: ../../../../escape/x");
    t.write("agent/Widget_Agent/v1WidgetAgent_Spin.md", &hostile);
    t.write("samples/req.md", REQUEST);
    t.write("samples/resp.md", &response("ok"));
    // A sample file in another encoding is not a page, and no error.
    std::fs::write(t.0.join("samples/latin1.md"), b"caf\xe9\n").expect("write");
    let g = generate(&t.0);
    let errors: Vec<_> = g.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let out = g.output.as_ref().expect("generates");
    for path in out.files.keys() {
        assert!(
            path.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{}",
            path.display()
        );
    }
    // The samples are named after the method (`escape_x`, an identifier).
    assert!(out.files.keys().any(|p| p
        .to_string_lossy()
        .starts_with("tests/api/samples/widget_agent/escape_x.")));
}
