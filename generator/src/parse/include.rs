//! Samples kept in other files: `[!include[sample request](path)]` in a
//! sample section, as the documentation site publishes its newest pages
//! (the sample under `samples/{agent,rest}/{request,response}/<uid>.md`).
//!
//! Each page's include resolves relative to the page's own file. Every file
//! named is read and parsed once, however many pages name it, and its
//! fenced block is read exactly as an inline one ([`super::sample`]); what
//! is wrong inside it is a warning at that file's line. Then each page
//! checks the sample against itself ([`super::checks`]), warning at the
//! sample's line. What is wrong with the include itself (a file that does
//! not exist, a path that leads out of the docs root, directly or through
//! a symlink) is a warning at the page's include line, and such a file is
//! never read. In every case the page is generated without that sample.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::blocks::{self, BlockKind};
use super::read::{self, PageSource};
use super::{checks, sample, PageCtx};
use crate::diagnostics::{DiagKind, Diagnostic, Pos};
use crate::ir::{Endpoint, Include, Sample, SampleFile, SampleRequest, SampleResponse};

/// Which sample section names the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Request,
    Response,
}

/// One include on one page.
struct Use {
    endpoint: usize,
    include: Include,
}

/// A sample read from an included file.
enum Loaded {
    Request(SampleRequest),
    Response(SampleResponse),
}

/// Reads every file the endpoints' sample sections include and puts its
/// sample in place of the include; `files` are the files already read
/// from the tree (an included file found there is not read again).
/// Diagnostics go to `diags`.
pub fn resolve(
    root: &Path,
    files: &[PageSource],
    endpoints: &mut [Endpoint],
    diags: &mut Vec<Diagnostic>,
) {
    // Which files are named, by their path relative to the root.
    let mut wanted: BTreeMap<(String, Kind), Vec<Use>> = BTreeMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        let includes = [
            (Kind::Request, include_of(&e.sample_request)),
            (Kind::Response, include_of(&e.sample_response)),
        ];
        for (kind, include) in includes {
            let Some(include) = include else { continue };
            match read::join_inside(&e.source, &include.target) {
                Some(rel) => wanted.entry((rel, kind)).or_default().push(Use {
                    endpoint: i,
                    include: include.clone(),
                }),
                None => diags.push(include_warning(
                    DiagKind::OutsideTree,
                    e,
                    include,
                    format!(
                        "the included sample `{}` leads out of the docs tree; it is not read, and the page is generated without this sample",
                        include.target
                    ),
                )),
            }
        }
    }
    if wanted.is_empty() {
        return;
    }
    let known: HashMap<String, &PageSource> = files
        .iter()
        .map(|f| (read::relative(root, &f.path), f))
        .collect();
    let canonical_root = std::fs::canonicalize(root).ok();
    // Each file once, however many pages and sections name it.
    let rels: BTreeSet<&String> = wanted.keys().map(|(rel, _)| rel).collect();
    type Text<'t> = Result<Cow<'t, str>, (DiagKind, String)>;
    let texts: HashMap<&String, Text> = rels
        .into_par_iter()
        .map(|rel| {
            let text: Text = match known.get(rel) {
                Some(file) => match &file.text {
                    Ok(t) => Ok(Cow::Borrowed(t)),
                    Err(e) => Err((DiagKind::Include, format!("cannot be read: {e}"))),
                },
                None => read_outside_the_scan(root, canonical_root.as_deref(), rel).map(Cow::Owned),
            };
            (rel, text)
        })
        .collect();
    type Outcome = Result<Option<Loaded>, (DiagKind, String)>;
    let loaded: Vec<(Outcome, Vec<Diagnostic>)> = wanted
        .par_iter()
        .map(|((rel, kind), _)| match &texts[rel] {
            Ok(src) => {
                let (loaded, d) = parse_file(rel, src, *kind);
                (Ok(loaded), d)
            }
            Err(why) => (Err(why.clone()), Vec::new()),
        })
        .collect();
    for (((rel, _), uses), (loaded, file_diags)) in wanted.iter().zip(loaded) {
        diags.extend(file_diags);
        match loaded {
            Err((kind, why)) => {
                for u in uses {
                    let e = &endpoints[u.endpoint];
                    diags.push(include_warning(
                        kind,
                        e,
                        &u.include,
                        format!(
                            "the included sample `{}` ({rel}) {why}; the page is generated without this sample",
                            u.include.target
                        ),
                    ));
                }
            }
            // The file's own warnings say why it gave no sample.
            Ok(None) => {}
            Ok(Some(sample)) => {
                for u in uses {
                    place(rel, &sample, &mut endpoints[u.endpoint], diags);
                }
            }
        }
    }
}

fn include_of<T>(s: &Sample<T>) -> Option<&Include> {
    match s {
        Sample::Include(i) => Some(i),
        _ => None,
    }
}

fn include_warning(kind: DiagKind, e: &Endpoint, include: &Include, msg: String) -> Diagnostic {
    Diagnostic::warning_of(
        kind,
        Path::new(&e.source),
        Pos::new(include.line, include.col),
        msg,
    )
}

/// A file the scan of the tree did not read (not `.md`, behind a
/// symlinked folder, or absent): read only when it exists and resolves,
/// symlinks followed, inside the root.
fn read_outside_the_scan(
    root: &Path,
    canonical_root: Option<&Path>,
    rel: &str,
) -> Result<String, (DiagKind, String)> {
    let path = root.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Err((DiagKind::Include, "does not exist".into()));
    };
    // A symlink is checked for where it leads before anything else: one
    // that leads out of the tree is never followed, dangling or not.
    if meta.file_type().is_symlink() && !read::inside(canonical_root, &path) {
        let why = if path.exists() {
            "leads out of the docs tree through a symlink; it is not read"
        } else {
            "is a symlink that leads nowhere inside the docs tree; it is not read"
        };
        return Err((DiagKind::OutsideTree, why.into()));
    }
    if !read::inside(canonical_root, &path) {
        return Err((
            DiagKind::OutsideTree,
            "leads out of the docs tree through a symlink; it is not read".into(),
        ));
    }
    read::read_text(&path).map_err(|e| (DiagKind::Include, format!("cannot be read: {e}")))
}

/// The sample of an included file: its first fenced `http` block (or one
/// without a language), read as the inline block of a `kind` section is.
fn parse_file(rel: &str, src: &str, kind: Kind) -> (Option<Loaded>, Vec<Diagnostic>) {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut ctx = PageCtx::new(Path::new(rel), src);
    let block = blocks::blocks(src).into_iter().find_map(|b| match b.kind {
        BlockKind::Code { lang, text }
            if lang.is_empty() || lang.to_ascii_lowercase().starts_with("http") =>
        {
            Some((b.range.start, text))
        }
        _ => None,
    });
    let Some((start, text)) = block else {
        ctx.sample_warning(
            Pos::new(1, 1),
            "expected a fenced ```http block holding the sample; this file gives the page no sample",
        );
        return (None, ctx.diags);
    };
    // Fenced content starts on the line after the fence.
    let first_line = ctx.pos(start).line + 1;
    let file = SampleFile::Included(rel.to_string());
    let loaded = match kind {
        Kind::Request => sample::request(&mut ctx, &text, first_line).map(|mut r| {
            r.file = file;
            Loaded::Request(r)
        }),
        Kind::Response => sample::response(&mut ctx, &text, first_line).map(|mut r| {
            r.file = file;
            Loaded::Response(r)
        }),
    };
    (loaded, ctx.diags)
}

/// Puts an included sample on a page, after checking it against the page.
fn place(rel: &str, sample: &Loaded, e: &mut Endpoint, diags: &mut Vec<Diagnostic>) {
    match sample {
        Loaded::Request(req) => {
            if let Some((pos, msg)) = checks::request_misfit(e.method, &e.path, req) {
                diags.push(Diagnostic::warning_of(
                    DiagKind::Sample,
                    Path::new(rel),
                    pos,
                    format!(
                        "{msg} (included by {}); that page is generated without this sample",
                        e.source
                    ),
                ));
                return;
            }
            e.sample_request = Sample::Message(req.clone());
        }
        Loaded::Response(resp) => {
            e.sample_response = Sample::Message(resp.clone());
            checks::array_from_sample(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::diagnostics::{DiagKind, Severity};
    use crate::ir::{Sample, SampleBody, SampleFile};
    use crate::parse::{parse_pages, DocsRun, PageSource};

    /// A root no test creates: nothing is found on disk below it.
    const ROOT: &str = "/nonexistent/docs-root-for-include-tests";

    /// An agent page whose samples are includes of `req` and `resp`.
    fn page(op: &str, req: &str, resp: &str) -> (String, String) {
        (
            format!("agent/Widget_Agent/v1WidgetAgent_{op}.md"),
            format!(
                "---\nuid: v1WidgetAgent_{op}\n---\n\n# POST Agents/Widget/{op}\n\n```http\nPOST /api/v1/Agents/Widget/{op}\n```\n\n## Response:\n\n| Response | Description |\n|---|---|\n| 200 | OK |\n\n### Response body: Widget\n\n## Sample request\n\n[!include[sample request]({req})]\n\n## Sample response\n\n[!include[sample response]({resp})]\n"
            ),
        )
    }

    fn run(files: &[(String, String)]) -> DocsRun {
        let sources: Vec<PageSource> = files
            .iter()
            .map(|(rel, text)| PageSource {
                path: Path::new(ROOT).join(rel),
                text: Ok(text.clone()),
            })
            .collect();
        parse_pages(Path::new(ROOT), &sources)
    }

    fn file(rel: &str, text: &str) -> (String, String) {
        (rel.to_string(), text.to_string())
    }

    fn at(d: &crate::diagnostics::Diagnostic) -> (PathBuf, u32, u32) {
        (
            d.file.strip_prefix(ROOT).unwrap_or(&d.file).to_path_buf(),
            d.line,
            d.col,
        )
    }

    const REQ: &str = "../../samples/agent/request/x.md";
    const RESP: &str = "../../samples/agent/response/x.md";

    #[test]
    fn an_included_sample_is_read_as_an_inline_one() {
        let r = run(&[
            page("Spin", REQ, RESP),
            file(
                "samples/agent/request/x.md",
                "```http!\nPOST /api/v1/Agents/Widget/Spin\nContent-Type: application/json\n\n{\"A\": 1}\n```",
            ),
            file(
                "samples/agent/response/x.md",
                "```http_\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n[{\"B\": 2}]\n```",
            ),
        ]);
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        let e = &r.endpoints[0];
        let req = e
            .sample_request
            .message()
            .expect("request read from its file");
        assert_eq!(
            req.body.as_ref().and_then(SampleBody::json),
            Some(serde_json::json!({"A": 1}))
        );
        assert_eq!(
            (req.line, &req.file),
            (
                2,
                &SampleFile::Included("samples/agent/request/x.md".into())
            )
        );
        assert_eq!(e.sample_response.message().map(|r| r.status), Some(200));
        assert!(
            e.response_body.as_ref().is_some_and(|b| b.array),
            "a JSON-array sample in an included file makes the response an array"
        );
        // The sample files are counted, not parsed as pages.
        assert_eq!(r.summary().other_files, 2);
    }

    #[test]
    fn a_file_shared_by_two_pages_is_parsed_once() {
        let shared = "../../samples/shared.md";
        let bad = file(
            "samples/shared.md",
            "Some words first.\n\n```http_\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n[\n  1,\n  2\n}\n```\n",
        );
        let r = run(&[page("Spin", REQ, shared), page("Turn", REQ, shared), bad]);
        // One warning for the file however many pages name it, at its line.
        let sample: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::Sample)
            .collect();
        assert_eq!(sample.len(), 1, "{sample:#?}");
        assert_eq!(at(sample[0]), (PathBuf::from("samples/shared.md"), 10, 1));
        assert_eq!(sample[0].severity, Severity::Warning);
        assert!(!r.has_errors());
        assert_eq!(r.endpoints.len(), 2, "both pages still generate");
        assert!(r
            .endpoints
            .iter()
            .all(|e| e.sample_response.message().is_none()));

        let good = file(
            "samples/shared.md",
            "```http_\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"Id\": 7}\n```\n",
        );
        let r = run(&[page("Spin", REQ, shared), page("Turn", REQ, shared), good]);
        assert!(r
            .endpoints
            .iter()
            .all(|e| e.sample_response.message().is_some_and(|m| m.status == 200)));
    }

    #[test]
    fn a_missing_file_is_a_warning_at_the_include_line() {
        let r = run(&[page("Spin", REQ, RESP)]);
        assert!(!r.has_errors());
        assert_eq!(r.endpoints.len(), 1);
        let includes: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::Include)
            .collect();
        assert_eq!(includes.len(), 2, "{includes:#?}");
        let page_file = PathBuf::from("agent/Widget_Agent/v1WidgetAgent_Spin.md");
        assert_eq!(at(includes[0]), (page_file.clone(), 21, 1));
        assert_eq!(at(includes[1]), (page_file, 25, 1));
        assert!(
            includes[0].message.contains("does not exist"),
            "{}",
            includes[0].message
        );
        assert!(matches!(r.endpoints[0].sample_request, Sample::Include(_)));
    }

    #[test]
    fn a_target_out_of_the_tree_is_never_read() {
        for target in ["../../../../etc/passwd", "/etc/passwd", "../../../x.md"] {
            let r = run(&[page("Spin", target, RESP)]);
            let outside: Vec<_> = r
                .diagnostics
                .iter()
                .filter(|d| d.kind == DiagKind::OutsideTree)
                .collect();
            assert_eq!(outside.len(), 1, "{target}: {:#?}", r.diagnostics);
            assert_eq!(outside[0].line, 21);
            assert!(outside[0].always_shown());
            assert!(!r.has_errors());
            assert!(r.endpoints[0].sample_request.message().is_none());
        }
    }

    #[test]
    fn an_included_sample_that_contradicts_its_page_is_left_out_of_that_page() {
        let r = run(&[
            page("Spin", REQ, RESP),
            page("Turn", REQ, RESP),
            file(
                "samples/agent/request/x.md",
                "```http!\nPOST /api/v1/Agents/Widget/Spin\n```\n",
            ),
            file(
                "samples/agent/response/x.md",
                "```http_\nHTTP/1.1 200 OK\n```\n",
            ),
        ]);
        let misfits: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::Sample)
            .collect();
        assert_eq!(misfits.len(), 1, "{misfits:#?}");
        assert_eq!(
            at(misfits[0]),
            (PathBuf::from("samples/agent/request/x.md"), 2, 6)
        );
        assert!(
            misfits[0].message.contains("v1WidgetAgent_Turn.md"),
            "{}",
            misfits[0].message
        );
        let by_uid = |uid: &str| r.endpoints.iter().find(|e| e.uid == uid).expect("endpoint");
        assert!(by_uid("v1WidgetAgent_Spin")
            .sample_request
            .message()
            .is_some());
        assert!(by_uid("v1WidgetAgent_Turn")
            .sample_request
            .message()
            .is_none());
    }

    #[test]
    fn a_file_without_a_fenced_block_gives_no_sample() {
        let r = run(&[
            page("Spin", REQ, RESP),
            file("samples/agent/request/x.md", "Nothing to see.\n"),
        ]);
        let w: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::Sample)
            .collect();
        assert_eq!(
            at(w[0]),
            (PathBuf::from("samples/agent/request/x.md"), 1, 1)
        );
        assert!(r.endpoints[0].sample_request.message().is_none());
    }
}
