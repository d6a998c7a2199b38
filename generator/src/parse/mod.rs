//! Reference pages → [`Endpoint`]s, in stages, each in its own module:
//!
//! 1. [`read`]: every `.md` file of the docs tree, read once;
//! 2. per file, in parallel: [`blocks`] folds the markdown events into
//!    top-level blocks, then [`page`]'s walker goes through them in order,
//!    reading tables with [`tables`], type cells with [`types`], text with
//!    [`text`] and inline samples with [`sample`]. A file without front
//!    matter (an included sample, a README) is not an endpoint page;
//! 3. [`include`](mod@include): the samples pages keep in other files, each file read
//!    and parsed once;
//! 4. [`checks`]: each sample against its page (method, path), run as soon
//!    as the sample is at hand; uids unique across the tree.
//!
//! Problems become [`Diagnostic`]s with the file's line and column; nothing
//! here panics on bad input. What defines the endpoint (front matter,
//! method, path, the status table) is an error when broken; a broken or
//! contradicting sample is a warning and the page is generated without it.

pub mod blocks;
pub mod checks;
pub mod include;
pub mod page;
pub mod read;
pub mod sample;
pub mod tables;
pub mod text;
pub mod types;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{DiagKind, Diagnostic, LineIndex, Pos};
use crate::ir::{Doc, Endpoint};
pub use read::{read_text, relative, PageSource, ReadError};

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

    /// A problem confined to a sample, which is left out.
    pub fn sample_warning(&mut self, pos: Pos, msg: impl Into<String>) {
        self.diags.push(Diagnostic::warning_of(
            DiagKind::Sample,
            self.file,
            pos,
            msg,
        ));
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// What became of one page.
#[derive(Debug)]
pub enum Parsed {
    Endpoint(Box<Endpoint>),
    /// Not an endpoint page; why.
    NotEndpoint(Skip),
    /// The page has errors (in the diagnostics).
    Invalid,
}

/// Why a markdown file of the tree is not an endpoint page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// An `index.md` (a folder's overview).
    Index,
    /// A page whose uid is `tag-…` (a group's overview).
    Tag(String),
    /// No front matter: an included sample, a README, a list of sources.
    NoFrontMatter,
    /// Not UTF-8 text, and no front matter.
    NotText,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Index => f.write_str("an index page, not an endpoint page"),
            Skip::Tag(uid) => write!(f, "a tag page (uid `{uid}`), not an endpoint page"),
            Skip::NoFrontMatter => f.write_str(
                "no front matter, so not an endpoint page (an included sample, a README or other markdown)",
            ),
            Skip::NotText => f.write_str("not UTF-8 text and no front matter, so not an endpoint page"),
        }
    }
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
    /// Files that are not endpoint pages, with the reason.
    pub skipped: Vec<(PathBuf, Skip)>,
    /// Every finding of every page, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes of markdown read.
    pub bytes: usize,
}

impl DocsRun {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// What the tree held, counted.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            endpoints: self.endpoints.len(),
            ..Summary::default()
        };
        for (_, why) in &self.skipped {
            match why {
                Skip::Index | Skip::Tag(_) => s.overview_pages += 1,
                Skip::NoFrontMatter | Skip::NotText => s.other_files += 1,
            }
        }
        let (errors, warnings) = self.diagnostics.iter().fold((0, 0), |(e, w), d| {
            if d.is_error() {
                (e + 1, w)
            } else {
                (e, w + 1)
            }
        });
        (s.errors, s.warnings) = (errors, warnings);
        s
    }
}

/// The counts of a docs tree's run: `3355 endpoint pages, 1170 files
/// skipped (150 index or tag pages, 1020 without front matter), 0 errors,
/// 496 warnings`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub endpoints: usize,
    /// `index.md` and `tag-…` pages.
    pub overview_pages: usize,
    /// Markdown without front matter (included samples, READMEs).
    pub other_files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} endpoint pages, {} files skipped as not endpoint pages ({} index or tag pages, {} without front matter), {} errors, {} warnings",
            self.endpoints,
            self.overview_pages + self.other_files,
            self.overview_pages,
            self.other_files,
            self.errors,
            self.warnings
        )
    }
}

/// Finds and reads every `.md` file below `root` (in parallel), sorted by
/// path. Files left unread (a symlink out of the tree) are in the
/// warnings.
pub fn read_dir(root: &Path) -> Result<read::Read, Diagnostic> {
    read::read_tree(root)
}

/// Parses every page below `root` (in parallel), includes resolved.
///
/// Diagnostics name files by their path relative to `root` (the empty
/// path: `root` itself); [`Diagnostic::in_tree`] puts `root` back when
/// printing.
pub fn parse_dir(root: &Path) -> DocsRun {
    match read_dir(root) {
        Ok(read) => {
            let mut run = parse_pages(root, &read.files);
            run.diagnostics.extend(read.warnings);
            run.diagnostics.sort();
            run
        }
        Err(d) => DocsRun {
            diagnostics: vec![d],
            ..DocsRun::default()
        },
    }
}

/// Parses files already read (in parallel), then resolves the samples
/// they include; `root` is what their paths are relative to.
pub fn parse_pages(root: &Path, pages: &[PageSource]) -> DocsRun {
    let mut run = DocsRun::default();
    let results: Vec<PageReport> = pages
        .par_iter()
        .map(|page| match &page.text {
            Ok(src) => parse_page(&relative(root, &page.path), src),
            // Some other file of the tree, in another encoding: not a page.
            Err(ReadError::NotUtf8 {
                front_matter: false,
                ..
            }) => PageReport {
                parsed: Parsed::NotEndpoint(Skip::NotText),
                diagnostics: Vec::new(),
            },
            Err(e) => PageReport {
                parsed: Parsed::Invalid,
                diagnostics: vec![Diagnostic::error_of(
                    DiagKind::Io,
                    Path::new(&relative(root, &page.path)),
                    Pos::new(1, 1),
                    e.to_string(),
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
    include::resolve(root, pages, &mut run.endpoints, &mut run.diagnostics);
    run.endpoints.sort_by(|a, b| a.uid.cmp(&b.uid));
    for pair in run.endpoints.windows(2) {
        if pair[0].uid == pair[1].uid {
            run.diagnostics.push(Diagnostic::error_of(
                DiagKind::DuplicateUid,
                Path::new(&pair[1].source),
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

/// Whether a text opens a front matter block: its first line that is not
/// blank is `---`. One that does is an endpoint page or an error; one that
/// does not is some other markdown file of the tree.
pub(crate) fn opens_front_matter(src: &str) -> bool {
    src.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_end() == "---")
}

/// Parses one page, `rel` its path relative to the docs root (recorded as
/// the endpoint's source, and the file its diagnostics name). Its includes
/// are left as they are (see [`include`](mod@include)).
pub fn parse_page(rel: &str, src: &str) -> PageReport {
    let file = Path::new(rel);
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let not_endpoint = |why: Skip| PageReport {
        parsed: Parsed::NotEndpoint(why),
        diagnostics: Vec::new(),
    };
    let is_index = file
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("index.md"));
    if is_index {
        return not_endpoint(Skip::Index);
    }
    if !opens_front_matter(src) {
        return not_endpoint(Skip::NoFrontMatter);
    }
    let mut ctx = PageCtx::new(file, src);
    let blocks = blocks::blocks(src);
    let walker = page::PageWalker::new(&mut ctx, src);
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

/// `text` starts with `prefix`, ignoring ASCII case; returns the rest.
fn after_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn doc(s: &str) -> Option<Doc> {
    Doc::from_text(text::clean(s))
}

#[cfg(test)]
mod tests;
