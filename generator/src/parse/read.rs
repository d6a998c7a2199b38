//! Reading a docs tree: every `.md` file below the root, read once, in
//! parallel, sorted by path.
//!
//! A docs tree as the site publishes it holds more than endpoint pages
//! (folder indexes, the sample files pages include, a README); which file
//! is a page is decided later, from its text. What is decided here is what
//! may be read at all: a symlink that leaves the tree is never read.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{DiagKind, Diagnostic, Pos};

/// A file read from disk: its path and its text (or why it could not be
/// read).
pub struct PageSource {
    pub path: PathBuf,
    pub text: Result<String, ReadError>,
}

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// It could not be read at all (so whether it is a page is unknown).
    Unreadable(String),
    /// It is not UTF-8 text; `front_matter`: it still opens a front
    /// matter block (a page in another encoding), else it is some other
    /// file of the tree.
    NotUtf8 { front_matter: bool, why: String },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Unreadable(why) => write!(f, "expected a readable file: {why}"),
            ReadError::NotUtf8 { why, .. } => write!(f, "expected UTF-8 text: {why}"),
        }
    }
}

/// What reading a tree gives: the files, and the warnings about files left
/// unread.
pub struct Read {
    pub files: Vec<PageSource>,
    pub warnings: Vec<Diagnostic>,
}

/// Finds and reads every `.md` file below `root` (in parallel), sorted by
/// path. A symlink is followed only while it stays inside the tree.
pub fn read_tree(root: &Path) -> Result<Read, Diagnostic> {
    let mut found = Vec::new();
    collect(root, &mut found).map_err(|e| {
        Diagnostic::error_of(
            DiagKind::Io,
            Path::new(""),
            Pos::new(1, 1),
            format!("expected a readable docs directory: {e}"),
        )
    })?;
    found.sort();
    let canonical_root = std::fs::canonicalize(root).ok();
    let mut warnings = Vec::new();
    let mut paths = Vec::with_capacity(found.len());
    for (path, symlink) in found {
        if symlink && !inside(canonical_root.as_deref(), &path) {
            warnings.push(outside_warning(Path::new(&relative(root, &path))));
        } else {
            paths.push(path);
        }
    }
    let files = paths
        .into_par_iter()
        .map(|path| {
            let text = read_text(&path);
            PageSource { path, text }
        })
        .collect();
    Ok(Read { files, warnings })
}

/// The most bytes a file of the tree may have (a page is some kilobytes;
/// this only stops a runaway file from filling memory).
pub const MAX_FILE: u64 = 64 << 20;

/// Reads a regular file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::Unreadable("not a regular file".into()));
    }
    if meta.len() > MAX_FILE {
        return Err(ReadError::Unreadable(format!(
            "{} bytes, more than the {MAX_FILE} a docs file may have",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        let lossy = String::from_utf8_lossy(e.as_bytes());
        ReadError::NotUtf8 {
            front_matter: super::opens_front_matter(&lossy),
            why: e.to_string(),
        }
    })
}

/// Whether `path` (which exists) resolves, symlinks followed, to a place
/// inside the tree whose canonical root is `root`.
pub fn inside(root: Option<&Path>, path: &Path) -> bool {
    match (root, std::fs::canonicalize(path)) {
        (Some(root), Ok(real)) => real.starts_with(root),
        _ => false,
    }
}

fn outside_warning(path: &Path) -> Diagnostic {
    Diagnostic::warning_of(
        DiagKind::OutsideTree,
        path,
        Pos::new(1, 1),
        "a symlink that leads out of the docs tree; not read",
    )
}

/// Every `.md` file below `dir`, with whether it is a symlink. Symlinked
/// folders are not walked (a page reached through one would be read under
/// two names); an include may still name a file through one.
fn collect(dir: &Path, out: &mut Vec<(PathBuf, bool)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            collect(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            && (ty.is_file() || (ty.is_symlink() && path.is_file()))
        {
            out.push((path, ty.is_symlink()));
        }
    }
    Ok(())
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Joins a link `target` to the folder of the page at `page_rel` (both
/// relative to the root), lexically: `..` goes up a folder. `None` when
/// the result would leave the root or the target is absolute (a path from
/// `/`, a drive, a URL).
pub fn join_inside(page_rel: &str, target: &str) -> Option<String> {
    if target.contains("://") || target.starts_with('\\') {
        return None;
    }
    let target_path = Path::new(target);
    let mut parts: Vec<&str> = page_rel.split('/').collect();
    parts.pop();
    for c in target_path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    // `a\..\..\x` on a system where `\` is not a separator.
    if parts.iter().any(|p| p.contains('\\') || p.contains(':')) {
        return None;
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_join_the_page_folder_and_never_leave_the_root() {
        let page = "agent/User_Agent/v1UserAgent_X.md";
        assert_eq!(
            join_inside(page, "../../samples/agent/request/x.md").as_deref(),
            Some("samples/agent/request/x.md")
        );
        assert_eq!(
            join_inside(page, "./y.md").as_deref(),
            Some("agent/User_Agent/y.md")
        );
        assert_eq!(join_inside(page, "../../../x.md"), None);
        assert_eq!(join_inside(page, "../../../../etc/passwd"), None);
        assert_eq!(join_inside(page, "/etc/passwd"), None);
        assert_eq!(join_inside(page, "https://example.com/x.md"), None);
        assert_eq!(join_inside(page, "C:\\x.md"), None);
        assert_eq!(join_inside(page, "..\\..\\..\\x.md"), None);
        assert_eq!(join_inside(page, "../.."), None);
    }

    #[test]
    fn relative_paths_use_slashes() {
        assert_eq!(relative(Path::new("/d"), Path::new("/d/a/b.md")), "a/b.md");
    }
}
