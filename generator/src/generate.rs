//! The whole pipeline: docs tree → generated crate, on disk or compared
//! with what is on disk.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::emit::{self, Output};
use crate::parse::{Skip, Summary};
use crate::{parse, resolve};

/// What a generation run produced.
pub struct Generated {
    /// `None` when any page has an error.
    pub output: Option<Output>,
    /// Every problem found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// What the docs tree held, counted.
    pub summary: Summary,
    /// The files that are not endpoint pages, and why.
    pub skipped: Vec<(PathBuf, Skip)>,
    /// How long each stage took, in the order they ran.
    pub timings: Vec<(Stage, std::time::Duration)>,
}

/// A stage of [`generate`], for its timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the tree and parsing every page, includes resolved.
    Parse,
    /// Endpoints → types and operations.
    Resolve,
    /// Types and operations → the crate's files (Rust built and formatted).
    Emit,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Parse => "read and parse",
            Stage::Resolve => "resolve",
            Stage::Emit => "emit",
        })
    }
}

/// Parses, resolves and emits. Errors anywhere leave `output` empty, with
/// all problems of all pages reported.
pub fn generate(docs: &Path) -> Generated {
    let clock = std::time::Instant::now();
    let run = parse::parse_dir(docs);
    let summary = run.summary();
    let mut generated = Generated {
        output: None,
        diagnostics: run.diagnostics,
        summary,
        skipped: run.skipped,
        timings: vec![(Stage::Parse, clock.elapsed())],
    };
    if generated.diagnostics.iter().any(Diagnostic::is_error) {
        return generated;
    }
    let clock = std::time::Instant::now();
    let (api, warnings) = resolve::resolve(&run.endpoints);
    generated.timings.push((Stage::Resolve, clock.elapsed()));
    generated.summary.warnings += warnings.len();
    generated.diagnostics.extend(warnings);
    let clock = std::time::Instant::now();
    let emitted = emit::emit(&api, run.endpoints.len());
    generated.timings.push((Stage::Emit, clock.elapsed()));
    match emitted {
        Ok(output) => generated.output = Some(output),
        Err(msg) => {
            generated.summary.errors += 1;
            generated.diagnostics.push(Diagnostic::error_of(
                crate::diagnostics::DiagKind::Emit,
                Path::new(""),
                crate::diagnostics::Pos::new(1, 1),
                format!("expected emittable Rust (a generator bug): {msg}"),
            ));
        }
    }
    generated
}

/// Files and folders in an output directory the generator does not own.
fn kept(rel: &Path) -> bool {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    matches!(first.as_deref(), Some("target") | Some("Cargo.lock"))
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if kept(&rel) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// The files under `out` that differ from `output`: stale, missing, or
/// not generated (sorted, relative paths with a reason).
pub fn stale_files(output: &Output, out: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut problems = Vec::new();
    for (rel, text) in &output.files {
        match std::fs::read_to_string(out.join(rel)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push((rel.clone(), "stale")),
            Err(_) => problems.push((rel.clone(), "missing")),
        }
    }
    let mut present = Vec::new();
    if out.is_dir() && walk(out, out, &mut present).is_ok() {
        for rel in present {
            if !output.files.contains_key(&rel) {
                problems.push((rel, "not generated"));
            }
        }
    }
    problems.sort();
    problems
}

/// What [`write()`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    /// Files written anew (new or changed).
    pub written: usize,
    /// Files already as generated, kept (linked into the new tree).
    pub kept: usize,
}

/// Whether the file at `path`, below the output whose canonical path is
/// `out_real`, is one the output alone holds: a regular file (not a
/// symlink), inside the output once every symlink is followed, with no
/// other hard link. Only such a file is kept as it is.
fn own_file(out_real: &Path, path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    let single = std::os::unix::fs::MetadataExt::nlink(&meta) == 1;
    #[cfg(not(unix))]
    let single = true;
    meta.file_type().is_file()
        && single
        && std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(out_real))
}

/// The output's canonical path, when it is a directory of its own (not a
/// symlink); `None` when nothing in it may be kept as it is.
fn own_dir(out: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(out).ok()?;
    if !meta.file_type().is_dir() {
        return None;
    }
    std::fs::canonicalize(out).ok()
}

/// Writes `output` as the whole content of `out`, atomically: the new tree
/// is made beside it and swapped in, and a failure on the way puts back
/// what was moved, so `out` is left as it was. `target/` and `Cargo.lock`
/// of an existing `out` are kept. When `out` already holds exactly
/// `output`, in files of its own (regular files, inside it, with no other
/// hard link), nothing is written;
/// otherwise each such file already as generated is hard-linked into the
/// new tree, not written again (the file system allocates nothing for it).
pub fn write(output: &Output, out: &Path) -> std::io::Result<Written> {
    for rel in output.files.keys() {
        // Every output path is relative and goes down (the emitter makes
        // them from identifiers); a generator bug must not write elsewhere.
        let inside = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("refusing to write {} outside the output", rel.display()),
            ));
        }
    }
    let out_real = own_dir(out);
    if let Some(real) = &out_real {
        let all_own = output
            .files
            .keys()
            .all(|rel| own_file(real, &out.join(rel)));
        if all_own && stale_files(output, out).is_empty() {
            return Ok(Written {
                written: 0,
                kept: output.files.len(),
            });
        }
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let mut written = Written::default();
    let staging = parent.join(format!(".{name}.regen-new"));
    let old = parent.join(format!(".{name}.regen-old"));
    for p in [&staging, &old] {
        if p.exists() {
            std::fs::remove_dir_all(p)?;
        }
    }
    for (rel, text) in &output.files {
        let path = staging.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let before = out.join(rel);
        let unchanged = out_real
            .as_deref()
            .is_some_and(|real| own_file(real, &before))
            && std::fs::read(&before).is_ok_and(|b| b == text.as_bytes());
        if unchanged && std::fs::hard_link(&before, &path).is_ok() {
            written.kept += 1;
        } else {
            std::fs::write(&path, text)?;
            written.written += 1;
        }
    }
    swap_in(&staging, out, &old)?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(written)
}

/// Puts `staging` where `out` is, moving `out`'s `target/` and
/// `Cargo.lock` over and `out` itself to `old`; on a failure, moves back
/// what was moved and leaves `staging` for the next run to remove.
fn swap_in(staging: &Path, out: &Path, old: &Path) -> std::io::Result<()> {
    let mut moved: Vec<&str> = Vec::new();
    let undo_kept = |moved: &[&str]| {
        for keep in moved {
            let _ = std::fs::rename(staging.join(keep), out.join(keep));
        }
    };
    if out.exists() {
        for keep in ["target", "Cargo.lock"] {
            let from = out.join(keep);
            if from.exists() {
                if let Err(e) = std::fs::rename(&from, staging.join(keep)) {
                    undo_kept(&moved);
                    return Err(e);
                }
                moved.push(keep);
            }
        }
        if let Err(e) = std::fs::rename(out, old) {
            undo_kept(&moved);
            return Err(e);
        }
    }
    if let Err(e) = std::fs::rename(staging, out) {
        if old.exists() {
            let _ = std::fs::rename(old, out);
            undo_kept(&moved);
        }
        return Err(e);
    }
    Ok(())
}
