//! The generator's command line.
//!
//! ```text
//! generator facts <DOCS_DIR>     print the parse of every page as JSON Lines
//! generator check <DOCS_DIR>     parse every page and report problems
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diagnostics::{render, Diagnostic};
use generator::parse::{self, DocsRun};

const USAGE: &str = "usage:
  generator facts <DOCS_DIR> [-v]   print the parse of every endpoint page as JSON Lines
  generator check <DOCS_DIR> [-v]   parse every page and report problems

-v lists the pages skipped as not endpoint pages.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v" || a == "--verbose");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    match (pos.first().map(|s| s.as_str()), pos.get(1)) {
        (Some("facts"), Some(dir)) => facts(Path::new(dir.as_str()), verbose),
        (Some("check"), Some(dir)) => check(Path::new(dir.as_str()), verbose),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Prints every diagnostic (with its source line) and a summary to stderr;
/// returns whether any was an error.
fn report(run: &DocsRun, verbose: bool) -> bool {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in &run.diagnostics {
        let _ = writeln!(err, "{}\n", render(d, source_of(d).as_deref()));
    }
    if verbose {
        for (path, why) in &run.skipped {
            let _ = writeln!(err, "skipped {}: {why}", path.display());
        }
    }
    let errors = run.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = run.diagnostics.len() - errors;
    let _ = writeln!(
        err,
        "{} endpoint pages, {} other pages skipped (not endpoint pages{}), {errors} errors, {warnings} warnings",
        run.endpoints.len(),
        run.skipped.len(),
        if verbose { "" } else { "; -v lists them" },
    );
    errors > 0
}

fn source_of(d: &Diagnostic) -> Option<String> {
    std::fs::read_to_string(PathBuf::from(&d.file)).ok()
}

fn facts(dir: &Path, verbose: bool) -> ExitCode {
    let run = parse::parse_dir(dir);
    let failed = report(&run, verbose);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Err(e) =
        generator::facts::write_jsonl(&run.endpoints, &mut out).and_then(|_| out.flush())
    {
        eprintln!("error: writing facts: {e}");
        return ExitCode::FAILURE;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn check(dir: &Path, verbose: bool) -> ExitCode {
    let run = parse::parse_dir(dir);
    if report(&run, verbose) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
