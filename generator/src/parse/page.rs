//! The page walker: the blocks of one page in order, tracking which
//! section it is in (`## Query String Parameters`, `## Request Body: …`,
//! `## Response: …`, …), gathering what each section says into an
//! [`Endpoint`]. Tables are told apart by their header row ([`tables`]),
//! so the walker copes with the several generations of the documentation
//! site.

use super::blocks::{Block, BlockKind, Table};
use super::tables::{self, Place, Rows, TableKind};
use super::{after_ci, checks, doc, sample, text, types, PageCtx, Parsed, Skip};
use crate::diagnostics::Pos;
use crate::ir::{
    DocType, Endpoint, FrontMatter, HeaderDoc, HttpMethod, Include, Note, Param, PathTemplate,
    Property, RequestBody, ResponseBody, ResponseStatus, Sample,
};

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

pub(super) struct PageWalker<'c, 'a> {
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

impl<'c, 'a> PageWalker<'c, 'a> {
    pub(super) fn new(ctx: &'c mut PageCtx<'a>, src: &'a str) -> Self {
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

    pub(super) fn walk(mut self, blocks: &[Block], rel: &str) -> Option<Parsed> {
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
                    let pos = self.ctx.pos(start);
                    let include = Include {
                        target,
                        line: pos.line,
                        col: pos.col,
                    };
                    // The first sample of a section is the one kept.
                    if self.section == Section::SampleRequest {
                        if matches!(self.sample_request, Sample::Absent) {
                            self.sample_request = Sample::Include(include);
                        }
                    } else if matches!(self.sample_response, Sample::Absent) {
                        self.sample_response = Sample::Include(include);
                    }
                }
            }
            _ => {}
        }
    }

    fn table(&mut self, table: &Table, block: &Block) {
        let place = match self.section {
            Section::QueryParams => Place::QueryParams,
            Section::Headers => Place::Headers,
            _ => Place::Elsewhere,
        };
        let kind = tables::classify(table, place);
        let rows = Rows::new(table, self.ctx, self.src);
        match kind {
            TableKind::PathParams => self.path_params.extend(rows.params()),
            TableKind::QueryParams => self.query_params.extend(rows.params()),
            TableKind::Headers => self.headers.extend(rows.headers()),
            TableKind::Properties => {
                let props = rows.properties();
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
            TableKind::Responses => self.responses.extend(rows.responses()),
            TableKind::Unknown => {
                if self.section == Section::Preamble {
                    self.preamble
                        .push(self.src[block.range.clone()].to_string());
                }
            }
        }
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
            return Some(Parsed::NotEndpoint(Skip::Tag(u.to_string())));
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
        let path = PathTemplate::parse(path);
        self.check_samples(method, &path);
        self.check_path_params(&path);
        let response_body = self.response_body();
        if self.responses.is_empty() {
            self.ctx.warn(
                0,
                "expected a `| Response | Description |` status table; none found",
            );
        }
        let mut endpoint = Endpoint {
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
        };
        checks::array_from_sample(&mut endpoint);
        Some(Parsed::Endpoint(Box::new(endpoint)))
    }

    /// An inline sample request that contradicts the page is left out,
    /// with a warning at its line.
    fn check_samples(&mut self, method: HttpMethod, path: &PathTemplate) {
        if let Sample::Message(req) = &self.sample_request {
            if let Some((pos, msg)) = checks::request_misfit(method, path, req) {
                self.ctx.sample_warning(pos, msg);
                self.sample_request = Sample::Absent;
            }
        }
    }

    fn check_path_params(&mut self, path: &PathTemplate) {
        for var in checks::undocumented_path_vars(path, &self.path_params) {
            self.ctx.warn(
                0,
                format!("the path has `{{{var}}}` but no `Path Part` row documents it"),
            );
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
