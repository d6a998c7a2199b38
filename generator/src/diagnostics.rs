//! Diagnostics: every problem the generator finds, with the file, line and
//! column it points at and what was expected there.
//!
//! Nothing in the generator panics on bad input; each stage returns its
//! findings as [`Diagnostic`]s and the caller decides (errors fail a run,
//! warnings do not).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The run goes on and succeeds; the finding is printed.
    Warning,
    /// The run reports everything it found, then fails.
    Error,
}

/// What a finding is about, for code (and tests) that act on findings
/// without matching their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagKind {
    /// A page does not follow the reference-page format here.
    Format,
    /// A file or directory could not be read.
    Io,
    /// A sample (inline or included) is broken or contradicts its page;
    /// the page is generated without it.
    Sample,
    /// An `[!include[…](…)]` names a file that is missing or unreadable;
    /// the page is generated without that sample.
    Include,
    /// A path leads out of the docs tree (an include, a symlink); nothing
    /// of it is read.
    OutsideTree,
    /// Two pages have the same uid.
    DuplicateUid,
    /// Two pages type the same property of a carrier differently.
    PropertyConflict,
    /// Two types would get the same Rust name.
    NameCollision,
    /// The type space did not settle within its rounds.
    NoFixpoint,
    /// The emitted Rust does not parse (a generator bug).
    Emit,
}

/// One finding, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Diagnostic {
    /// The file, relative to the docs tree's root (the empty path: the
    /// tree itself). [`in_tree`](Self::in_tree) prints it under the root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub col: u32,
    pub severity: Severity,
    pub kind: DiagKind,
    pub message: String,
}

impl Diagnostic {
    /// An error in a page's format.
    pub fn error(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, DiagKind::Format, file, pos, message)
    }

    /// A warning about a page's format.
    pub fn warning(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, DiagKind::Format, file, pos, message)
    }

    /// An error of another kind than [`DiagKind::Format`].
    pub fn error_of(kind: DiagKind, file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, kind, file, pos, message)
    }

    /// A warning of another kind than [`DiagKind::Format`].
    pub fn warning_of(kind: DiagKind, file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, kind, file, pos, message)
    }

    fn new(
        severity: Severity,
        kind: DiagKind,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: pos.line,
            col: pos.col,
            severity,
            kind,
            message: message.into(),
        }
    }

    /// The diagnostic with its file under `root`, for printing:
    /// `root/agent/x.md:3:1: error: …`.
    pub fn in_tree<'a>(&'a self, root: &'a Path) -> InTree<'a> {
        InTree { diag: self, root }
    }

    /// The file's path under `root`.
    pub fn path_in(&self, root: &Path) -> PathBuf {
        if self.file.as_os_str().is_empty() {
            root.to_path_buf()
        } else {
            root.join(&self.file)
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, file: &Path) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            file.display(),
            self.line,
            self.col,
            sev,
            self.message
        )
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A warning printed even when warnings are capped: a broken sample
    /// left out, a path that leads out of the docs tree.
    pub fn always_shown(&self) -> bool {
        matches!(self.kind, DiagKind::Sample | DiagKind::OutsideTree)
    }
}

/// `path/to/page.md:LINE:COL: error: what was expected`, the path relative
/// to the docs root (`.` for the tree itself).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.as_os_str().is_empty() {
            self.write(f, Path::new("."))
        } else {
            self.write(f, &self.file)
        }
    }
}

/// A [`Diagnostic`] printed with its docs root: see [`Diagnostic::in_tree`].
pub struct InTree<'a> {
    diag: &'a Diagnostic,
    root: &'a Path,
}

impl fmt::Display for InTree<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diag.write(f, &self.diag.path_in(self.root))
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// Maps byte offsets of one source text to line and column.
///
/// Lines are counted on demand from the last position asked for, so a
/// parser that asks in page order pays one pass over the text in all.
pub struct LineIndex<'a> {
    src: &'a str,
    /// The last (offset, 1-based line, offset of that line's start) found.
    cursor: std::cell::Cell<(usize, u32, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        LineIndex {
            src,
            cursor: std::cell::Cell::new((0, 1, 0)),
        }
    }

    /// The position of byte `offset` (clamped to the text).
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.src.len());
        let bytes = self.src.as_bytes();
        let (mut at, mut line, mut start) = self.cursor.get();
        if offset < at {
            (at, line, start) = (0, 1, 0);
        }
        for nl in memchr::memchr_iter(b'\n', &bytes[at..offset]) {
            line += 1;
            start = at + nl + 1;
        }
        self.cursor.set((offset, line, start));
        let col = self.src.get(start..offset).map_or(0, |s| s.chars().count());
        Pos::new(line, col as u32 + 1)
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        self.src
            .split('\n')
            .nth((line as usize).saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// Renders diagnostics for a terminal: the one-line form (its file under
/// `root`), then the source line with a caret under the column when the
/// source is at hand.
pub fn render(diag: &Diagnostic, root: &Path, source: Option<&str>) -> String {
    let mut out = diag.in_tree(root).to_string();
    if let Some(src) = source {
        let text = LineIndex::new(src).line_text(diag.line);
        if !text.is_empty() {
            let gutter = diag.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret = " ".repeat(diag.col.saturating_sub(1) as usize);
            out.push_str(&format!("\n{pad} |\n{gutter} | {text}\n{pad} | {caret}^"));
        }
    }
    out
}

/// Prints the diagnostics of the docs tree at `root` for a terminal, each
/// file under `root`: each error rendered with its source line (read from
/// its file), then warnings one line each: those that are always shown
/// ([`Diagnostic::always_shown`]) all, the others at most `max_warnings` of
/// them (`None`: all). Returns (errors, warnings).
pub fn print_all(
    out: &mut impl std::io::Write,
    root: &Path,
    diags: &[Diagnostic],
    max_warnings: Option<usize>,
) -> (usize, usize) {
    let mut shown = 0;
    for d in diags {
        if d.is_error() {
            let source = std::fs::read_to_string(d.path_in(root)).ok();
            let _ = writeln!(out, "{}\n", render(d, root, source.as_deref()));
        } else if d.always_shown() {
            let _ = writeln!(out, "{}", d.in_tree(root));
        } else if max_warnings.is_none_or(|max| shown < max) {
            let _ = writeln!(out, "{}", d.in_tree(root));
            shown += 1;
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.pos(0), Pos::new(1, 1));
        assert_eq!(idx.pos(1), Pos::new(1, 2));
        assert_eq!(idx.pos(3), Pos::new(2, 1));
        assert_eq!(idx.pos(7), Pos::new(4, 1));
        assert_eq!(idx.pos(999), Pos::new(4, 3));
        assert_eq!(idx.pos(4), Pos::new(2, 2));
        assert_eq!(idx.line_text(2), "cd");
        assert_eq!(idx.line_text(9), "");
    }

    #[test]
    fn print_all_caps_warnings_but_never_errors() {
        let diags = vec![
            Diagnostic::warning(Path::new("w.md"), Pos::new(1, 1), "w1"),
            Diagnostic::warning(Path::new("w.md"), Pos::new(2, 1), "w2"),
            Diagnostic::error(Path::new("missing.md"), Pos::new(3, 1), "e"),
        ];
        let mut out = Vec::new();
        assert_eq!(
            print_all(&mut out, Path::new("docs"), &diags, Some(1)),
            (1, 2)
        );
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            "docs/w.md:1:1: warning: w1\ndocs/missing.md:3:1: error: e\n\n"
        );
    }

    #[test]
    fn display_has_file_line_col() {
        let d = Diagnostic::error(Path::new("a/b.md"), Pos::new(3, 7), "expected x");
        assert_eq!(d.to_string(), "a/b.md:3:7: error: expected x");
        assert_eq!(
            d.in_tree(Path::new("/docs")).to_string(),
            "/docs/a/b.md:3:7: error: expected x"
        );
        let tree = Diagnostic::warning(Path::new(""), Pos::new(1, 1), "w");
        assert_eq!(
            tree.in_tree(Path::new("/docs")).to_string(),
            "/docs:1:1: warning: w"
        );
        assert_eq!(tree.to_string(), ".:1:1: warning: w");
        let r = render(&d, Path::new(""), Some("1\n2\n123456 x\n"));
        assert!(r.ends_with("3 | 123456 x\n  |       ^"), "{r}");
    }
}
