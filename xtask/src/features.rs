//! `cargo xtask features [DIR] [--only F,G,…]`: generates a crate from a
//! docs tree (default: the whole reference as the site publishes it) into `$TMPDIR/superoffice-features-check/`
//! and checks it, warnings denied, with no features and with each feature
//! alone (or only the listed ones) and with `tracing` alone, library and
//! tests. Every failure is
//! reported, then the command fails. `--target-dir` shares a target
//! directory with other generated crates.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use crate::cargo;

/// The group features of the crate generated into `dir`, in its
/// Cargo.toml's order (the lines after `full = […]`).
pub(crate) fn group_features(dir: &Path) -> Result<Vec<String>, String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("reading {}: {e}", dir.join("Cargo.toml").display()))?;
    Ok(manifest
        .lines()
        .skip_while(|l| !l.starts_with("full = "))
        .skip(1)
        .take_while(|l| l.contains(" = []"))
        .filter_map(|l| l.split(' ').next().map(str::to_string))
        .collect())
}

/// The generated crate's features that are the runtime's, not a group's.
pub const RUNTIME_FEATURES: [&str; 4] = ["tracing", "oauth", "system-user", "webhooks"];

pub fn features(args: &[String]) -> Result<(), String> {
    let mut docs = crate::default_docs();
    let mut only: Option<Vec<String>> = None;
    let mut target_dir: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => {
                let list = it.next().ok_or("--only needs a comma-separated list")?;
                only = Some(list.split(',').map(str::to_string).collect());
            }
            "--target-dir" => {
                target_dir = Some(it.next().ok_or("--target-dir needs a directory")?.into());
            }
            other => docs = PathBuf::from(other),
        }
    }
    if !docs.is_dir() {
        return Err(format!("{} is not a directory", docs.display()));
    }
    // Outside the workspace, so the generated crate is its own workspace.
    let base = std::env::temp_dir().join("superoffice-features-check");
    let out = base.join("crate");
    crate::regen::regen(&crate::regen::Args {
        check: false,
        docs: docs.clone(),
        out: out.clone(),
        quiet: true,
        verbose: false,
    })?;
    let all = group_features(&out)?;
    let chosen: Vec<String> = match only {
        Some(list) => {
            if let Some(unknown) = list.iter().find(|f| !all.contains(f)) {
                return Err(format!(
                    "`{unknown}` is not a feature of the generated crate"
                ));
            }
            list
        }
        None => all,
    };
    let mut runs: Vec<(String, Vec<String>)> =
        vec![("(no features)".into(), vec!["--no-default-features".into()])];
    // The runtime's own optional features, each with no group.
    for f in RUNTIME_FEATURES {
        runs.push((
            f.to_string(),
            vec!["--no-default-features".into(), format!("--features={f}")],
        ));
    }
    for f in &chosen {
        runs.push((
            f.clone(),
            vec!["--no-default-features".into(), format!("--features={f}")],
        ));
    }
    let target = target_dir.unwrap_or_else(|| base.join("target"));
    let mut failed = Vec::new();
    for (label, flags) in &runs {
        let t = Instant::now();
        let output = cargo()
            .args(["check", "--quiet", "--all-targets"])
            .args(flags)
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("running cargo check: {e}"))?;
        let ok = output.status.success();
        println!(
            "{} {label:<40} {:>6.1} s",
            if ok { "ok  " } else { "FAIL" },
            t.elapsed().as_secs_f64()
        );
        if !ok {
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
            failed.push(label.clone());
        }
    }
    println!(
        "{} passed, {} failed",
        runs.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "features that do not build alone: {}",
            failed.join(", ")
        ))
    }
}
