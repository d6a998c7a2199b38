//! `cargo xtask identity --save DIR` and `cargo xtask identity --against
//! DIR`: proves a refactoring changes nothing. `--save` generates the crate
//! of each docs tree (`docs-input/`, and, when `../shared` is there, the
//! corpus's `reference/`, `site/` and `real/`) into `DIR/<tree>/`, with its
//! diagnostics (paths relative to the tree) in `DIR/<tree>.diagnostics`;
//! `--against` generates them again and fails on any file or diagnostic
//! that is not byte-identical to the saved one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::diagnostics::Diagnostic;
use generator::generate;

enum Mode {
    Save,
    Against,
}

/// The docs trees compared, by name; the corpus ones only when present.
fn trees(root: &Path) -> Result<Vec<(&'static str, PathBuf)>, String> {
    let mut trees = vec![("docs-input", root.join("docs-input"))];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        for name in ["reference", "site", "real"] {
            let dir = corpus.join(name);
            if !dir.is_dir() {
                return Err(format!("{} is missing", dir.display()));
            }
            trees.push((name, dir));
        }
    } else {
        eprintln!(
            "note: {} is absent; comparing docs-input/ only",
            corpus.display()
        );
    }
    Ok(trees)
}

/// The diagnostics as text (their files are relative to the tree, so the
/// text does not depend on where the tree is).
fn diagnostics_text(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{d}\n")).collect()
}

pub fn identity(args: &[String]) -> Result<(), String> {
    let (mode, dir) = match args {
        [flag, dir] if flag == "--save" => (Mode::Save, PathBuf::from(dir)),
        [flag, dir] if flag == "--against" => (Mode::Against, PathBuf::from(dir)),
        _ => return Err("usage: cargo xtask identity (--save DIR | --against DIR)".into()),
    };
    let root = crate::workspace_root();
    let mut differing = 0usize;
    for (name, docs) in trees(&root)? {
        let t = Instant::now();
        let generated = generate::generate(&docs);
        let diags = diagnostics_text(&generated.diagnostics);
        let crate_dir = dir.join(name);
        let diag_file = dir.join(format!("{name}.diagnostics"));
        let files = generated.output.as_ref().map_or(0, |o| o.files.len());
        match mode {
            Mode::Save => {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                if let Some(output) = &generated.output {
                    generate::write(output, &crate_dir)
                        .map_err(|e| format!("writing {}: {e}", crate_dir.display()))?;
                } else if crate_dir.exists() {
                    std::fs::remove_dir_all(&crate_dir)
                        .map_err(|e| format!("removing {}: {e}", crate_dir.display()))?;
                }
                std::fs::write(&diag_file, &diags)
                    .map_err(|e| format!("writing {}: {e}", diag_file.display()))?;
                println!(
                    "{name:<11} saved {files} files, {} diagnostics ({:.2} s)",
                    generated.diagnostics.len(),
                    t.elapsed().as_secs_f64()
                );
            }
            Mode::Against => {
                let mut problems: Vec<String> = Vec::new();
                match &generated.output {
                    Some(output) => {
                        for (path, why) in generate::stale_files(output, &crate_dir) {
                            problems.push(format!("{why}: {}", crate_dir.join(path).display()));
                        }
                    }
                    None if crate_dir.exists() => problems.push(format!(
                        "no crate generated, but {} was",
                        crate_dir.display()
                    )),
                    None => {}
                }
                match std::fs::read_to_string(&diag_file) {
                    Ok(saved) if saved == diags => {}
                    Ok(saved) => problems.push(format!(
                        "diagnostics differ from {}: first differing line {:?}",
                        diag_file.display(),
                        saved
                            .lines()
                            .zip(diags.lines())
                            .find(|(a, b)| a != b)
                            .map(|(_, b)| b)
                            .or_else(|| diags.lines().nth(saved.lines().count()))
                            .unwrap_or("(a line is missing)")
                    )),
                    Err(e) => problems.push(format!("reading {}: {e}", diag_file.display())),
                }
                println!(
                    "{name:<11} {files} files, {} diagnostics: {} ({:.2} s)",
                    generated.diagnostics.len(),
                    if problems.is_empty() {
                        "identical".to_string()
                    } else {
                        format!("{} difference(s)", problems.len())
                    },
                    t.elapsed().as_secs_f64()
                );
                for p in problems.iter().take(20) {
                    println!("  {p}");
                }
                differing += problems.len();
            }
        }
    }
    if differing > 0 {
        return Err(format!(
            "{differing} difference(s) from what {} holds",
            dir.display()
        ));
    }
    Ok(())
}
