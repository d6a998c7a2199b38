//! Reference page → [`Endpoint`].
//!
//! A page is read in two passes: [`blocks`] folds the markdown events into
//! top-level blocks, then `PageWalker` walks them in order, tracking which
//! section it is in (`## Query String Parameters`, `## Request Body: …`,
//! `## Response: …`, …). Tables are recognised by their header row (a
//! `Path Part` table needs no heading), so the walker copes with the
//! several generations of the documentation site.
//!
//! Problems become [`Diagnostic`]s with the page's line and column; nothing
//! here panics on bad input.

pub mod blocks;
pub mod sample;
pub mod text;
pub mod types;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{DiagKind, Diagnostic, LineIndex, Pos};
use crate::ir::{
    Doc, DocType, Endpoint, FrontMatter, HeaderDoc, HttpMethod, Note, Param, Property, RequestBody,
    ResponseBody, ResponseStatus, Sample, SampleBody,
};
use blocks::{Block, BlockKind, Table};

/// Per-page parsing context: where we are and what went wrong.
pub struct PageCtx<'a> {
    pub file: &'a Path,
    pub index: LineIndex<'a>,
    pub diags: Vec<Diagnostic>,
}

impl<'a> PageCtx<'a> {
    pub fn new(file: &'a Path, src: &'a str) -> Self {
        PageCtx {
            file,
            index: LineIndex::new(src),
            diags: Vec::new(),
        }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        self.index.pos(offset)
    }

    pub fn error(&mut self, offset: usize, msg: impl Into<String>) {
        let pos = self.pos(offset);
        self.error_at(pos, msg);
    }

    pub fn warn(&mut self, offset: usize, msg: impl Into<String>) {
        let pos = self.pos(offset);
        self.diags.push(Diagnostic::warning(self.file, pos, msg));
    }

    pub fn error_at(&mut self, pos: Pos, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, pos, msg));
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// What became of one page.
#[derive(Debug)]
pub enum Parsed {
    Endpoint(Box<Endpoint>),
    /// Not an endpoint page (an `index.md`, a tag page); the reason why.
    NotEndpoint(String),
    /// The page has errors (in the diagnostics).
    Invalid,
}

/// One page's result and its diagnostics.
#[derive(Debug)]
pub struct PageReport {
    pub parsed: Parsed,
    pub diagnostics: Vec<Diagnostic>,
}

/// All pages of a docs tree.
#[derive(Debug, Default)]
pub struct DocsRun {
    /// Endpoints sorted by uid.
    pub endpoints: Vec<Endpoint>,
    /// Pages that are not endpoint pages, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Every finding of every page, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes of markdown read.
    pub bytes: usize,
}

impl DocsRun {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A page read from disk: its path and its text (or why it could not be read).
pub struct PageSource {
    pub path: PathBuf,
    pub text: Result<String, String>,
}

/// Finds and reads every `.md` page below `root` (in parallel), sorted by path.
pub fn read_dir(root: &Path) -> Result<Vec<PageSource>, Diagnostic> {
    let mut files = Vec::new();
    collect_pages(root, &mut files).map_err(|e| {
        Diagnostic::error_of(
            DiagKind::Io,
            root,
            Pos::new(1, 1),
            format!("expected a readable docs directory: {e}"),
        )
    })?;
    files.sort();
    Ok(files
        .into_par_iter()
        .map(|path| {
            let text = std::fs::read(&path)
                .map_err(|e| format!("expected a readable file: {e}"))
                .and_then(|b| {
                    String::from_utf8(b).map_err(|e| format!("expected UTF-8 text: {e}"))
                });
            PageSource { path, text }
        })
        .collect())
}

/// Parses every `.md` page below `root` (in parallel).
///
/// Diagnostics name files as `root` joined with the page's relative path.
pub fn parse_dir(root: &Path) -> DocsRun {
    match read_dir(root) {
        Ok(pages) => parse_pages(root, &pages),
        Err(d) => DocsRun {
            diagnostics: vec![d],
            ..DocsRun::default()
        },
    }
}

/// Parses pages already read (in parallel); `root` is what their paths
/// are relative to.
pub fn parse_pages(root: &Path, pages: &[PageSource]) -> DocsRun {
    let mut run = DocsRun::default();
    let results: Vec<PageReport> = pages
        .par_iter()
        .map(|page| match &page.text {
            Ok(src) => parse_page(&page.path, &relative(root, &page.path), src),
            Err(msg) => PageReport {
                parsed: Parsed::Invalid,
                diagnostics: vec![Diagnostic::error_of(
                    DiagKind::Io,
                    &page.path,
                    Pos::new(1, 1),
                    msg.clone(),
                )],
            },
        })
        .collect();
    for (page, report) in pages.iter().zip(results) {
        run.bytes += page.text.as_ref().map_or(0, String::len);
        run.diagnostics.extend(report.diagnostics);
        match report.parsed {
            Parsed::Endpoint(e) => run.endpoints.push(*e),
            Parsed::NotEndpoint(why) => run.skipped.push((page.path.clone(), why)),
            Parsed::Invalid => {}
        }
    }
    run.endpoints.sort_by(|a, b| a.uid.cmp(&b.uid));
    for pair in run.endpoints.windows(2) {
        if pair[0].uid == pair[1].uid {
            run.diagnostics.push(Diagnostic::error_of(
                DiagKind::DuplicateUid,
                &root.join(&pair[1].source),
                Pos::new(1, 1),
                format!(
                    "expected a unique uid, but `{}` is also the uid of {}",
                    pair[1].uid, pair[0].source
                ),
            ));
        }
    }
    run.diagnostics.sort();
    run
}

fn collect_pages(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            collect_pages(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Parses one page. `file` is used in diagnostics, `rel` is recorded as the
/// endpoint's source.
pub fn parse_page(file: &Path, rel: &str, src: &str) -> PageReport {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut ctx = PageCtx::new(file, src);
    let is_index = file
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("index.md"));
    if is_index {
        return PageReport {
            parsed: Parsed::NotEndpoint("an index page, not an endpoint page".into()),
            diagnostics: Vec::new(),
        };
    }
    let blocks = blocks::blocks(src);
    let walker = PageWalker::new(&mut ctx, src);
    let parsed = walker.walk(&blocks, rel);
    let parsed = match parsed {
        Some(Parsed::Endpoint(_)) if ctx.has_errors() => Parsed::Invalid,
        Some(p) => p,
        None => Parsed::Invalid,
    };
    PageReport {
        parsed,
        diagnostics: ctx.diags,
    }
}

/// Which part of the page the walker is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Title, `http` block, summary and description.
    Preamble,
    QueryParams,
    Headers,
    RequestBody,
    Response,
    ResponseBody,
    SampleRequest,
    SampleResponse,
    /// A heading the walker does not know, after the preamble.
    Other,
}

/// The kinds of tables, recognised by their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    PathParams,
    QueryParams,
    Headers,
    Properties,
    Responses,
    Unknown,
}

struct PageWalker<'c, 'a> {
    ctx: &'c mut PageCtx<'a>,
    src: &'a str,
    section: Section,
    /// Where the `# METHOD path` title is.
    title_offset: Option<usize>,
    /// The front matter and its `uid`.
    front_matter: Option<(FrontMatter, Option<String>)>,
    /// The first `http` block's method and path.
    http: Option<(HttpMethod, String)>,
    preamble: Vec<String>,
    notes: Vec<Note>,
    path_params: Vec<Param>,
    query_params: Vec<Param>,
    headers: Vec<HeaderDoc>,
    request_body: Option<RequestBody>,
    responses: Vec<ResponseStatus>,
    /// What `## Response: X` says, and where.
    response_heading: Option<(String, usize)>,
    /// What `Response body: X` says, and where.
    response_decl: Option<(String, usize)>,
    response_props: Vec<Property>,
    sample_request: Sample<crate::ir::SampleRequest>,
    sample_response: Sample<crate::ir::SampleResponse>,
}

/// `text` starts with `prefix`, ignoring ASCII case; returns the rest.
fn after_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn doc(s: &str) -> Option<Doc> {
    Doc::from_text(text::clean(s))
}

impl<'c, 'a> PageWalker<'c, 'a> {
    fn new(ctx: &'c mut PageCtx<'a>, src: &'a str) -> Self {
        PageWalker {
            ctx,
            src,
            section: Section::Preamble,
            title_offset: None,
            front_matter: None,
            http: None,
            preamble: Vec::new(),
            notes: Vec::new(),
            path_params: Vec::new(),
            query_params: Vec::new(),
            headers: Vec::new(),
            request_body: None,
            responses: Vec::new(),
            response_heading: None,
            response_decl: None,
            response_props: Vec::new(),
            sample_request: Sample::Absent,
            sample_response: Sample::Absent,
        }
    }

    fn line(&self, offset: usize) -> u32 {
        self.ctx.pos(offset).line
    }

    fn walk(mut self, blocks: &[Block], rel: &str) -> Option<Parsed> {
        for block in blocks {
            let start = block.range.start;
            match &block.kind {
                BlockKind::FrontMatter(yaml) => self.front_matter(yaml, block),
                BlockKind::Heading { level, text } => self.heading(*level, text, start),
                BlockKind::Paragraph(text) => self.paragraph(text, block),
                BlockKind::Table(table) => self.table(table, block),
                BlockKind::Code { lang, text } => self.code(lang, text, block),
                BlockKind::Other => {
                    if self.section == Section::Preamble && self.http.is_some() {
                        self.preamble
                            .push(self.src[block.range.clone()].to_string());
                    }
                }
            }
        }
        self.finish(rel)
    }

    fn front_matter(&mut self, yaml: &str, block: &Block) {
        // The YAML starts on the line after the opening `---`.
        let first_line = self.line(block.range.start) + 1;
        let value: serde_yaml::Value = match serde_yaml::from_str(yaml) {
            Ok(v) => v,
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map_or((0, 1), |l| (l.line().saturating_sub(1), l.column()));
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                self.ctx.error_at(
                    Pos::new(first_line + line as u32, col as u32),
                    format!("expected valid YAML front matter: {msg}"),
                );
                return;
            }
        };
        let serde_yaml::Value::Mapping(map) = value else {
            self.ctx.error_at(
                Pos::new(first_line, 1),
                "expected front matter of `key: value` lines",
            );
            return;
        };
        let mut fm = FrontMatter::default();
        let mut uid = None;
        for (k, v) in map {
            let key = match k {
                serde_yaml::Value::String(s) => s,
                other => serde_yaml::to_string(&other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            match (key.as_str(), v) {
                ("uid", serde_yaml::Value::String(s)) => uid = Some(s),
                ("uid", other) => {
                    self.ctx.error_at(
                        Pos::new(first_line, 1),
                        format!("expected `uid` to be a string, found {other:?}"),
                    );
                }
                ("title", serde_yaml::Value::String(s)) => fm.title = Some(s),
                (_, v) => {
                    fm.extra.insert(key, v);
                }
            }
        }
        self.front_matter = Some((fm, uid));
    }

    fn heading(&mut self, level: u8, text: &str, offset: usize) {
        let t = text.trim();
        if level <= 1 {
            // The title heading; the `http` block, not this text, is the truth.
            self.section = Section::Preamble;
            self.title_offset.get_or_insert(offset);
            return;
        }
        if let Some(rest) = after_ci(t, "Online Restricted:") {
            self.notes.push(Note::OnlineRestricted {
                text: text::clean(rest.trim().trim_start_matches('#').trim()),
            });
            return;
        }
        if let Some(rest) = after_ci(t, "Experimental:") {
            self.notes.push(Note::Experimental {
                text: text::clean(rest.trim().trim_start_matches('#').trim()),
            });
            return;
        }
        if after_ci(t, "Query String Parameters").is_some()
            || after_ci(t, "Query Parameters").is_some()
        {
            self.section = Section::QueryParams;
        } else if after_ci(t, "Request Headers").is_some() {
            self.section = Section::Headers;
        } else if let Some(rest) = after_ci(t, "Request Body") {
            self.request_body_heading(rest.trim_start_matches(':'), offset);
        } else if let Some(rest) = after_ci(t, "Response body") {
            self.response_decl(rest, offset);
        } else if let Some(rest) = after_ci(t, "Response") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with(':') {
                self.section = Section::Response;
                self.response_heading = Some((rest.trim_start_matches(':').trim().into(), offset));
            } else {
                self.unknown_heading(level, t);
            }
        } else if after_ci(t, "Sample request").is_some() {
            self.section = Section::SampleRequest;
        } else if after_ci(t, "Sample response").is_some() {
            self.section = Section::SampleResponse;
        } else {
            self.unknown_heading(level, t);
        }
    }

    fn unknown_heading(&mut self, level: u8, t: &str) {
        if self.section == Section::Preamble {
            let t = t.trim_end_matches('#').trim();
            self.preamble
                .push(format!("{} {}", "#".repeat(level.max(3) as usize), t));
        } else {
            self.section = Section::Other;
        }
    }

    fn request_body_heading(&mut self, rest: &str, offset: usize) {
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap_or_default().to_string();
        let binary = words.any(|w| w.eq_ignore_ascii_case("binary"));
        if name.is_empty() {
            self.ctx
                .warn(offset, "expected a parameter name after `Request Body:`");
        }
        self.section = Section::RequestBody;
        let line = self.line(offset);
        self.request_body = Some(RequestBody {
            name,
            binary,
            summary: None,
            properties: Vec::new(),
            line,
        });
    }

    fn response_decl(&mut self, rest: &str, offset: usize) {
        let word = rest.trim_start().trim_start_matches(':').trim();
        self.section = Section::ResponseBody;
        self.response_decl = Some((word.to_string(), offset));
    }

    fn paragraph(&mut self, text: &str, block: &Block) {
        let t = text.trim();
        let start = block.range.start;
        if let Some(rest) = after_ci(t, "Response body:") {
            self.response_decl(rest, start);
            return;
        }
        match self.section {
            Section::Preamble => {
                if let Some(ms) = slow_threshold(t) {
                    self.notes.push(Note::SlowThreshold { millis: ms });
                } else if self.http.is_some() {
                    self.preamble
                        .push(self.src[block.range.clone()].to_string());
                }
            }
            Section::RequestBody => {
                if let Some(body) = &mut self.request_body {
                    if body.summary.is_none() && body.properties.is_empty() {
                        body.summary = doc(t);
                    }
                }
            }
            Section::SampleRequest | Section::SampleResponse => {
                if let Some(target) = include_target(t) {
                    if self.section == Section::SampleRequest {
                        self.sample_request = Sample::Include { target };
                    } else {
                        self.sample_response = Sample::Include { target };
                    }
                }
            }
            _ => {}
        }
    }

    fn classify(&self, table: &Table) -> TableKind {
        let first = table.header.first().map(|s| s.trim()).unwrap_or_default();
        let has_type = table.header.iter().any(|h| h.eq_ignore_ascii_case("type"));
        if first.eq_ignore_ascii_case("path part") {
            return TableKind::PathParams;
        }
        if first.eq_ignore_ascii_case("property name") {
            return TableKind::Properties;
        }
        if first.eq_ignore_ascii_case("parameter name") || first.eq_ignore_ascii_case("parameter") {
            return match self.section {
                Section::QueryParams => TableKind::QueryParams,
                Section::Headers => TableKind::Headers,
                _ if has_type => TableKind::QueryParams,
                _ => TableKind::Headers,
            };
        }
        if (first.eq_ignore_ascii_case("response") || first.eq_ignore_ascii_case("status"))
            && !has_type
        {
            return TableKind::Responses;
        }
        TableKind::Unknown
    }

    fn table(&mut self, table: &Table, block: &Block) {
        let col = |name: &str| {
            table
                .header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        };
        let type_col = col("type");
        let desc_col = col("description");
        match self.classify(table) {
            TableKind::PathParams => {
                let params = self.params(table, type_col, desc_col);
                self.path_params.extend(params);
            }
            TableKind::QueryParams => {
                let params = self.params(table, type_col, desc_col);
                self.query_params.extend(params);
            }
            TableKind::Headers => {
                for row in &table.rows {
                    let name = row.cells.first().map(|s| s.trim()).unwrap_or_default();
                    if name.is_empty() {
                        continue;
                    }
                    self.headers.push(HeaderDoc {
                        name: name.to_string(),
                        description: desc_col.and_then(|i| row.cells.get(i)).and_then(|d| doc(d)),
                    });
                }
            }
            TableKind::Properties => {
                let props = self.properties(table, type_col, desc_col);
                match self.section {
                    Section::RequestBody => {
                        if let Some(body) = &mut self.request_body {
                            body.properties.extend(props);
                        }
                    }
                    Section::Response | Section::ResponseBody => self.response_props.extend(props),
                    _ => self.ctx.warn(
                        block.range.start,
                        "expected a property table under `## Request Body:` or `Response body:`; this one is ignored",
                    ),
                }
            }
            TableKind::Responses => {
                for row in &table.rows {
                    let code = row.cells.first().map(|s| s.trim()).unwrap_or_default();
                    match code.parse::<u16>() {
                        Ok(c) if (100..600).contains(&c) => {
                            let line = self.line(row.offset);
                            self.responses.push(ResponseStatus {
                                code: c,
                                description: row.cells.get(1).and_then(|d| doc(d)),
                                line,
                            });
                        }
                        _ => {
                            let at = row.offset + self.src[row.offset..].find(code).unwrap_or(0);
                            self.ctx.error(
                                at,
                                format!("expected a numeric HTTP status code (e.g. 200), found `{code}`"),
                            );
                        }
                    }
                }
            }
            TableKind::Unknown => {
                if self.section == Section::Preamble {
                    self.preamble
                        .push(self.src[block.range.clone()].to_string());
                }
            }
        }
    }

    fn cell_type(&mut self, cell: Option<&String>, offset: usize) -> DocType {
        let cell = cell.map(String::as_str).unwrap_or_default();
        match types::parse_type(cell) {
            Ok(t) => t,
            Err(msg) => {
                let at = offset + self.src[offset..].find(cell.trim()).unwrap_or(0);
                self.ctx.warn(at, msg);
                DocType::Unknown
            }
        }
    }

    fn params(
        &mut self,
        table: &Table,
        type_col: Option<usize>,
        desc_col: Option<usize>,
    ) -> Vec<Param> {
        let mut out = Vec::new();
        for row in &table.rows {
            let name = row.cells.first().map(|s| s.trim()).unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            let ty = self.cell_type(type_col.and_then(|i| row.cells.get(i)), row.offset);
            let raw = desc_col
                .and_then(|i| row.cells.get(i))
                .cloned()
                .unwrap_or_default();
            let required = raw.contains("**Required**");
            let description = doc(&raw.replace("**Required**", ""));
            out.push(Param {
                name: name.to_string(),
                ty,
                description,
                required,
                line: self.line(row.offset),
            });
        }
        out
    }

    fn properties(
        &mut self,
        table: &Table,
        type_col: Option<usize>,
        desc_col: Option<usize>,
    ) -> Vec<Property> {
        let mut out = Vec::new();
        for row in &table.rows {
            let name = row.cells.first().map(|s| s.trim()).unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            let ty = self.cell_type(type_col.and_then(|i| row.cells.get(i)), row.offset);
            out.push(Property {
                name: name.to_string(),
                ty,
                description: desc_col.and_then(|i| row.cells.get(i)).and_then(|d| doc(d)),
                line: self.line(row.offset),
            });
        }
        out
    }

    fn code(&mut self, lang: &str, text: &str, block: &Block) {
        let start = block.range.start;
        // Fenced content starts on the line after the fence.
        let first_line = self.line(start) + 1;
        let is_http = lang.to_ascii_lowercase().starts_with("http");
        match self.section {
            Section::SampleRequest if is_http || lang.is_empty() => {
                if matches!(self.sample_request, Sample::Absent) {
                    if let Some(r) = sample::request(self.ctx, text, first_line) {
                        self.sample_request = Sample::Message(r);
                    }
                }
            }
            Section::SampleResponse if is_http || lang.is_empty() => {
                if matches!(self.sample_response, Sample::Absent) {
                    if let Some(r) = sample::response(self.ctx, text, first_line) {
                        self.sample_response = Sample::Message(r);
                    }
                }
            }
            Section::Preamble if lang.eq_ignore_ascii_case("http") && self.http.is_none() => {
                self.http_block(text, first_line);
            }
            Section::Preamble if self.http.is_some() => {
                self.preamble
                    .push(self.src[block.range.clone()].to_string());
            }
            _ => {}
        }
    }

    /// The first `http` block: `METHOD /path`.
    fn http_block(&mut self, text: &str, first_line: u32) {
        let (line_no, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .map_or((0, ""), |(i, l)| (i as u32, l.trim()));
        let pos = Pos::new(first_line + line_no, 1);
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            self.ctx.error_at(
                pos,
                format!("expected `METHOD /path` in the `http` block, found `{line}`"),
            );
            // Mark the block as seen so later `http` blocks are not taken for it.
            self.http = Some((HttpMethod::Get, String::new()));
            return;
        };
        let Some(m) = HttpMethod::parse(&method.to_ascii_uppercase()) else {
            self.ctx.error_at(
                pos,
                format!(
                    "expected an HTTP method (GET, POST, PUT, PATCH, DELETE), found `{method}`"
                ),
            );
            self.http = Some((HttpMethod::Get, String::new()));
            return;
        };
        let path = target.split('?').next().unwrap_or(target).to_string();
        if !path.starts_with('/') {
            self.ctx.error_at(
                Pos::new(pos.line, method.chars().count() as u32 + 2),
                format!("expected an absolute path starting with `/`, found `{path}`"),
            );
        }
        self.http = Some((m, path));
    }

    fn finish(mut self, rel: &str) -> Option<Parsed> {
        let (front_matter, uid) = match self.front_matter.take() {
            Some(pair) => pair,
            None => {
                if self.ctx.has_errors() {
                    return None;
                }
                self.ctx.error_at(
                    Pos::new(1, 1),
                    "expected YAML front matter (`---` … `---`) with a `uid`",
                );
                return None;
            }
        };
        if let Some(u) = uid.as_deref().filter(|u| u.starts_with("tag-")) {
            return Some(Parsed::NotEndpoint(format!(
                "a tag page (uid `{u}`), not an endpoint page"
            )));
        }
        let Some((method, path)) = self.http.take() else {
            let at = self.title_offset.unwrap_or(0);
            self.ctx.error(
                at,
                "expected an ```http block with `METHOD /path` after the title",
            );
            return None;
        };
        let Some(uid) = uid else {
            self.ctx
                .error_at(Pos::new(2, 1), "expected a `uid` in the front matter");
            return None;
        };
        let mut preamble = std::mem::take(&mut self.preamble).into_iter();
        let summary = preamble.next().and_then(|s| doc(&s));
        let rest: Vec<String> = preamble.collect();
        let description = doc(&rest.join("\n\n"));
        self.check_samples(method, &path);
        self.check_path_params(&path);
        let response_body = self.response_body();
        if self.responses.is_empty() {
            self.ctx.warn(
                0,
                "expected a `| Response | Description |` status table; none found",
            );
        }
        Some(Parsed::Endpoint(Box::new(Endpoint {
            uid,
            source: rel.to_string(),
            front_matter,
            method,
            path,
            summary,
            description,
            notes: self.notes,
            path_params: self.path_params,
            query_params: self.query_params,
            headers: self.headers,
            request_body: self.request_body,
            responses: self.responses,
            response_body,
            sample_request: self.sample_request,
            sample_response: self.sample_response,
        })))
    }

    fn check_samples(&mut self, method: HttpMethod, path: &str) {
        if let Sample::Message(req) = &self.sample_request {
            let pos = Pos::new(req.line, 1);
            if req.method != method {
                self.ctx.error_at(
                    pos,
                    format!(
                        "expected the sample request to use the page's method {method}, found {}",
                        req.method
                    ),
                );
            }
            let sample_path = req.target.split('?').next().unwrap_or_default();
            if !path_matches(path, sample_path) {
                self.ctx.error_at(
                    Pos::new(req.line, req.method.as_str().len() as u32 + 2),
                    format!(
                        "expected the sample request path to match the page's path `{path}`, found `{sample_path}`"
                    ),
                );
            }
        }
    }

    fn check_path_params(&mut self, path: &str) {
        for var in path_vars(path) {
            if !self.path_params.iter().any(|p| p.name == var) {
                self.ctx.warn(
                    0,
                    format!("the path has `{{{var}}}` but no `Path Part` row documents it"),
                );
            }
        }
    }

    fn response_body(&mut self) -> Option<ResponseBody> {
        let has_content = self.responses.iter().any(ResponseStatus::has_content);
        let decl = self.response_decl.clone();
        if !has_content {
            if let Some((word, at)) = decl.filter(|(w, _)| !w.is_empty()) {
                self.ctx.warn(
                    at,
                    format!("`Response body: {word}` under responses without content is ignored"),
                );
            }
            return None;
        }
        let heading = self.response_heading.clone().unwrap_or_default();
        let (word, at) = match decl {
            Some((w, at)) if !w.is_empty() => (w, at),
            _ => heading.clone(),
        };
        let mut array = heading.0.eq_ignore_ascii_case("array");
        let ty = if word.is_empty() {
            None
        } else {
            match types::parse_type(&word) {
                Ok(DocType::Array(item)) => {
                    array = true;
                    item.map(|b| *b)
                }
                Ok(DocType::Unknown) => None,
                Ok(t) => Some(t),
                Err(msg) => {
                    self.ctx.warn(at, msg);
                    None
                }
            }
        };
        if let Sample::Message(r) = &self.sample_response {
            if r.body.as_ref().is_some_and(SampleBody::is_json_array) {
                array = true;
            }
        }
        let line = self.line(at);
        Some(ResponseBody {
            ty,
            array,
            properties: std::mem::take(&mut self.response_props),
            line,
        })
    }
}

/// `NsApiSlow threshold: 2000 ms.` → 2000.
fn slow_threshold(t: &str) -> Option<u32> {
    let rest = after_ci(t, "NsApiSlow threshold:")?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `[!include[sample request](../x.md)]` → `../x.md`.
fn include_target(t: &str) -> Option<String> {
    let rest = after_ci(t, "[!include[")?;
    let open = rest.find("](")?;
    let tail = &rest[open + 2..];
    let close = tail.find(')')?;
    Some(tail[..close].to_string())
}

/// The `{name}` variables of a path template, in order.
pub fn path_vars(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(&rest[i + 1..i + j]);
        rest = &rest[i + j + 1..];
    }
    out
}

/// A sample path matches the page path segment by segment: a `{var}`
/// segment matches any non-empty segment; literal segments compare without
/// regard to ASCII case (the WebAPI's routes are case-insensitive).
fn path_matches(template: &str, actual: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_end_matches('/').split('/').collect();
    t.len() == a.len()
        && t.iter().zip(&a).all(|(t, a)| {
            if t.starts_with('{') && t.ends_with('}') {
                !a.is_empty()
            } else {
                t.eq_ignore_ascii_case(a)
            }
        })
}

#[cfg(test)]
mod tests;
