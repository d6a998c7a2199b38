//! `cargo xtask api-diff OLD_DOCS NEW_DOCS [--json]`: what changed for
//! users between the crates generated from two docs trees, as Markdown
//! (or JSON) on stdout, with the semver verdict. The generator's
//! `generator::diff` module does the work.
//!
//! Pages with errors are printed to stderr and left out; the report of
//! the rest is still printed, and the task then fails.

use std::path::PathBuf;

use generator::diagnostics::print_all;
use generator::diff::{self, markdown, DiffError, Side};

/// The parsed command line.
pub struct Args {
    /// The old docs tree.
    pub old: PathBuf,
    /// The new docs tree.
    pub new: PathBuf,
    /// `--json`: JSON instead of Markdown.
    pub json: bool,
}

impl Args {
    /// `OLD NEW [--json]`, the flag anywhere.
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut json = false;
        let mut dirs = Vec::new();
        for a in args {
            match a.as_str() {
                "--json" => json = true,
                flag if flag.starts_with("--") => return Err(format!("unknown flag `{flag}`")),
                dir => dirs.push(PathBuf::from(dir)),
            }
        }
        match <[PathBuf; 2]>::try_from(dirs) {
            Ok([old, new]) => Ok(Args { old, new, json }),
            Err(d) => Err(format!(
                "api-diff needs two docs directories (OLD NEW), got {}",
                d.len()
            )),
        }
    }
}

/// Prints the report; fails on an error, or after the report when pages
/// were left out.
pub fn api_diff(args: &Args) -> Result<(), String> {
    let report = match diff::diff_dirs(&args.old, &args.new) {
        Ok(r) => r,
        Err(e) => {
            if let DiffError::NoEndpoints { problems, path, .. } = &e {
                print_all(&mut std::io::stderr().lock(), path, problems, None);
            }
            return Err(e.to_string());
        }
    };
    for p in &report.problems {
        let root = match p.side {
            Side::Old => &args.old,
            Side::New => &args.new,
        };
        print_all(
            &mut std::io::stderr().lock(),
            root,
            std::slice::from_ref(&p.diagnostic),
            None,
        );
    }
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", markdown::render(&report));
    }
    if report.is_complete() {
        Ok(())
    } else {
        Err(format!(
            "{} page(s) with errors were left out of the comparison",
            report.problems.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn two_dirs_and_a_flag() {
        let a = Args::parse(&strings(&["old", "--json", "new"]));
        assert!(matches!(a, Ok(Args { json: true, .. })));
        assert!(Args::parse(&strings(&["old"])).is_err());
        assert!(Args::parse(&strings(&["a", "b", "c"])).is_err());
        assert!(Args::parse(&strings(&["a", "b", "--md"])).is_err());
    }
}
