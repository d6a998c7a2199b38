//! The API change report: what changed between the crates generated from
//! two docs trees, for the people who use them (`cargo xtask api-diff OLD
//! NEW`).
//!
//! Both trees go through the generator's own [`parse`] and [`resolve`]
//! stages (as [`generate`](crate::generate::generate) does); each
//! resolved [`Api`](crate::resolve::Api) becomes a [`Surface`] (the
//! methods, types, fields and values a caller sees, plus what goes on the
//! wire), and [`compare()`] reports the differences, rendered as Markdown
//! ([`markdown::render`]) or JSON ([`Report::to_json`]).
//!
//! # Matching
//!
//! - Endpoints by the page's uid; those left over on both sides by HTTP
//!   method and path (when unique), so a renamed Rust method or a new uid
//!   shows as a change, not as a removal and an addition.
//! - Types by name (`User`; query structs as `user_agent::SelectQuery`); a
//!   renamed type is a removal and an addition. Query structs are reported
//!   when added or removed; changes to their fields are reported on the
//!   endpoints that take them, as optional parameters.
//! - Parameters, fields and enum values by Rust name, then by wire name
//!   ignoring case (`UserId` → `userId` is the same parameter).
//!
//! # Rules
//!
//! The verdict is the largest impact of any change:
//!
//! | impact | changes |
//! | --- | --- |
//! | **major** (something a caller uses disappears or changes type) | endpoint removed; method renamed or moved to another group; a positional argument (path or required query parameter) added, removed, retyped or reordered; request body added, removed or retyped; response retyped (including to or from `()`); an optional query parameter removed, retyped or renamed; the query struct removed or renamed; type removed or changed kind (struct / enum / opaque); struct field removed, retyped or renamed; enum value removed or renamed |
//! | **minor** (only additions) | endpoint added; optional query parameter added (or the first one, with its query struct); type added; struct field added (to a response or a request carrier); enum value added |
//! | **patch** (the crate changes, its API does not) | HTTP method or path changed; a wire name changed under the same Rust name; a positional argument renamed (names are not part of a call) or moved between path and query; doc comments changed |
//! | **none** | nothing above (a page's uid changed; page text the crate does not use changed) |
//!
//! Types inferred from samples follow the samples: when a sample stops
//! showing an object's fields, its struct may go and the field become
//! `serde_json::Value`, and the report says so, as the crate changes.
//!
//! Struct fields are all `Option` and the carriers and query structs
//! derive `Default`, so code that builds them with `..Default::default()`
//! keeps compiling when a field is added; that is why an added field or
//! optional query parameter is minor. An added enum value is minor: the
//! enums are `#[non_exhaustive]`, so every `match` on one outside the crate
//! already has a `_` arm, and they carry unknown values (`Other`), so code
//! handling a response copes with new ones. Strictly, a struct literal
//! without `..Default::default()` stops compiling when a field is added;
//! the report follows the convention above, as the generated crate's docs
//! build carriers with `..Default::default()`.
//!
//! # Pages with errors
//!
//! A page with an error on either side is left out on both sides (matched
//! by its path in the tree) and listed in [`Report::problems`]; the rest is
//! compared. A missing directory, or a tree where no endpoint page parses,
//! is a [`DiffError`].

pub mod compare;
pub mod markdown;
pub mod report;
pub mod surface;
#[cfg(test)]
mod testpages;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::parse::{self, DocsRun};
use crate::resolve;
pub use compare::{compare, Changes};
pub use report::{
    Change, Counts, Detail, EndpointDiff, Impact, Part, Problem, Report, Side, Status, TypeDiff,
    TypeKind,
};
pub use surface::Surface;

/// Why no report could be made.
#[derive(Debug, Clone, PartialEq)]
pub enum DiffError {
    /// The docs tree is not a directory.
    NotADirectory {
        /// Which tree.
        side: Side,
        /// The path given.
        path: PathBuf,
    },
    /// The docs tree has no endpoint page that parses.
    NoEndpoints {
        /// Which tree.
        side: Side,
        /// The path given.
        path: PathBuf,
        /// The errors of its pages (none when it has no endpoint pages).
        problems: Vec<Diagnostic>,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |s: &Side| match s {
            Side::Old => "old",
            Side::New => "new",
        };
        match self {
            DiffError::NotADirectory { side: s, path } => write!(
                f,
                "the {} docs tree {} is not a directory",
                side(s),
                path.display()
            ),
            DiffError::NoEndpoints {
                side: s,
                path,
                problems,
            } => {
                write!(
                    f,
                    "the {} docs tree {} has no endpoint ",
                    side(s),
                    path.display()
                )?;
                match problems.len() {
                    0 => f.write_str("pages"),
                    n => write!(f, "page that parses ({n} error(s))"),
                }
            }
        }
    }
}

impl std::error::Error for DiffError {}

/// Compares the crates generated from the docs trees `old` and `new`.
pub fn diff_dirs(old: &Path, new: &Path) -> Result<Report, DiffError> {
    for (side, path) in [(Side::Old, old), (Side::New, new)] {
        if !path.is_dir() {
            return Err(DiffError::NotADirectory {
                side,
                path: path.to_path_buf(),
            });
        }
    }
    diff_runs(old, parse::parse_dir(old), new, parse::parse_dir(new))
}

/// Compares two parsed docs trees (`parse_dir` or `parse_pages` output)
/// whose pages are relative to `old_root` and `new_root`.
pub fn diff_runs(
    old_root: &Path,
    old: DocsRun,
    new_root: &Path,
    new: DocsRun,
) -> Result<Report, DiffError> {
    let errors = |run: &DocsRun| -> Vec<Diagnostic> {
        run.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect()
    };
    let (old_errors, new_errors) = (errors(&old), errors(&new));
    for (side, root, run, errs) in [
        (Side::Old, old_root, &old, &old_errors),
        (Side::New, new_root, &new, &new_errors),
    ] {
        if run.endpoints.is_empty() {
            return Err(DiffError::NoEndpoints {
                side,
                path: root.to_path_buf(),
                problems: errs.clone(),
            });
        }
    }
    // The pages with errors (diagnostics name them relative to their tree,
    // as endpoints name their source): left out on both sides.
    let failed: BTreeSet<String> = old_errors
        .iter()
        .chain(&new_errors)
        .map(|d| crate::parse::relative(Path::new(""), &d.file))
        .collect();
    let surface = |run: DocsRun| {
        let endpoints: Vec<_> = run
            .endpoints
            .into_iter()
            .filter(|e| !failed.contains(&e.source))
            .collect();
        let (api, _warnings) = resolve::resolve(&endpoints);
        Surface::of(&api)
    };
    let (old_surface, new_surface) = (surface(old), surface(new));
    let changes = compare(&old_surface, &new_surface);
    let mut problems: Vec<Problem> = old_errors
        .into_iter()
        .map(|diagnostic| Problem {
            side: Side::Old,
            diagnostic,
        })
        .chain(new_errors.into_iter().map(|diagnostic| Problem {
            side: Side::New,
            diagnostic,
        }))
        .collect();
    problems.sort();
    Ok(Report::new(
        old_root.display().to_string(),
        new_root.display().to_string(),
        changes.endpoints_compared,
        changes.endpoints,
        changes.types,
        problems,
    ))
}

#[cfg(test)]
mod tests {
    use super::testpages::{page, run};
    use super::*;

    fn diff(old: &[(String, String)], new: &[(String, String)]) -> Result<Report, DiffError> {
        let (a, b) = (Path::new("old"), Path::new("new"));
        diff_runs(a, run(a, old), b, run(b, new))
    }

    #[test]
    fn identical_trees_have_no_changes() {
        let pages = [page("Get", "int32", &[("Name", "string")])];
        let r = diff(&pages, &pages).map_err(|e| e.to_string());
        assert_eq!(r.as_ref().map(|r| r.verdict), Ok(Impact::None), "{r:#?}");
        assert_eq!(r.map(|r| r.endpoints_compared), Ok(1));
    }

    #[test]
    fn a_retyped_parameter_is_major() {
        let r = diff(
            &[page("Get", "int32", &[("Name", "string")])],
            &[page("Get", "int64", &[("Name", "string")])],
        );
        let Ok(r) = r else { panic!("{r:?}") };
        assert_eq!(r.verdict, Impact::Major);
        let d = &r.endpoints[0].details[0];
        assert_eq!((d.part, d.change), (Part::Parameter, Change::Retyped));
        assert_eq!(
            (d.old.as_deref(), d.new.as_deref()),
            (Some("i32"), Some("i64"))
        );
    }

    #[test]
    fn a_broken_page_is_left_out_on_both_sides_and_reported() {
        let good = page("Get", "int32", &[("Name", "string")]);
        let other = page("Put", "int32", &[("Name", "string")]);
        let broken = (
            other.0.clone(),
            "---\nuid: v1TestAgent_Put\n---\n\n# X\n\n```http\nFETCH /api/v1/X\n```\n".to_string(),
        );
        let r = diff(&[good.clone(), other], &[good, broken]);
        let Ok(r) = r else { panic!("{r:?}") };
        assert!(!r.is_complete());
        assert_eq!(r.problems[0].side, Side::New);
        assert!(r.endpoints.is_empty(), "{:#?}", r.endpoints);
        assert_eq!(r.verdict, Impact::None);
    }

    #[test]
    fn a_tree_without_endpoints_is_an_error() {
        let r = diff(&[page("Get", "int32", &[])], &[]);
        assert!(
            matches!(
                r,
                Err(DiffError::NoEndpoints {
                    side: Side::New,
                    ..
                })
            ),
            "{r:?}"
        );
    }
}
