//! The generator's command line.
//!
//! ```text
//! generator facts <DOCS_DIR>     print the parse of every page as JSON Lines
//! generator check <DOCS_DIR>     parse every page and report problems
//! ```

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use generator::diagnostics::print_all;
use generator::parse::{self, DocsRun};

/// The parser allocates many small strings; mimalloc is markedly faster at
/// that than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  generator facts <DOCS_DIR> [-v] [--rust]
                                    print the parse of every endpoint page as JSON Lines;
                                    --rust adds each body property's emitted Rust type
  generator check <DOCS_DIR> [-v]   parse every page and report problems
  generator bench <DOCS_DIR> [N]    time reading, parsing and facts in process (best of N)

-v lists every warning (not only the first 20) and the files skipped as not endpoint pages.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v" || a == "--verbose");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    match (pos.first().map(|s| s.as_str()), pos.get(1)) {
        (Some("facts"), Some(dir)) => facts(
            Path::new(dir.as_str()),
            verbose,
            args.iter().any(|a| a == "--rust"),
        ),
        (Some("check"), Some(dir)) => check(Path::new(dir.as_str()), verbose),
        (Some("bench"), Some(dir)) => bench(
            Path::new(dir.as_str()),
            pos.get(2).and_then(|n| n.parse().ok()).unwrap_or(10),
        ),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Warnings listed without -v.
const MAX_WARNINGS: usize = 20;

/// Prints the diagnostics and a summary to stderr; returns whether any
/// was an error.
fn report(dir: &Path, run: &DocsRun, verbose: bool) -> bool {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let max = (!verbose).then_some(MAX_WARNINGS);
    let (errors, _) = print_all(&mut err, dir, &run.diagnostics, max);
    if verbose {
        for (path, why) in &run.skipped {
            let _ = writeln!(err, "skipped {}: {why}", path.display());
        }
    }
    let _ = writeln!(
        err,
        "{}{}",
        run.summary(),
        if verbose {
            ""
        } else {
            " (-v lists the skipped files and every warning)"
        },
    );
    errors > 0
}

fn facts(dir: &Path, verbose: bool, with_rust: bool) -> ExitCode {
    let run = parse::parse_dir(dir);
    let failed = report(dir, &run, verbose);
    let rust = (with_rust && !failed).then(|| {
        let (api, _) = generator::resolve::resolve(&run.endpoints);
        generator::facts::rust_facts(&api)
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = generator::facts::write_jsonl_with(&run.endpoints, rust.as_ref(), &mut out);
    if let Err(e) = written.and_then(|_| out.flush()) {
        eprintln!("error: writing facts: {e}");
        return ExitCode::FAILURE;
    }
    // The process ends here: leave the parsed tree to the OS instead of
    // freeing it piece by piece.
    std::mem::forget(run);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn check(dir: &Path, verbose: bool) -> ExitCode {
    let run = parse::parse_dir(dir);
    if report(dir, &run, verbose) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `generator bench <DIR> [N]`: times the stages in process, best of N runs.
fn bench(dir: &Path, iterations: usize) -> ExitCode {
    use std::time::{Duration, Instant};
    let mut best = [Duration::MAX; 4];
    let mut pages = 0;
    let mut bytes = 0;
    for _ in 0..iterations.max(1) {
        let t0 = Instant::now();
        let sources = match parse::read_dir(dir) {
            Ok(read) => read.files,
            Err(d) => {
                eprintln!("{d}");
                return ExitCode::FAILURE;
            }
        };
        let t1 = Instant::now();
        let run = parse::parse_pages(dir, &sources);
        let t2 = Instant::now();
        let mut sink = Vec::with_capacity(8 << 20);
        if generator::facts::write_jsonl(&run.endpoints, &mut sink).is_err() {
            return ExitCode::FAILURE;
        }
        let t3 = Instant::now();
        // How much of parsing is pulldown-cmark's own event stream.
        let events: usize = {
            use rayon::prelude::*;
            sources
                .par_iter()
                .filter_map(|p| p.text.as_ref().ok())
                .map(|t| pulldown_cmark::Parser::new_ext(t, parse::blocks::options()).count())
                .sum()
        };
        std::hint::black_box(events);
        let t4 = Instant::now();
        for (b, d) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
            *b = (*b).min(d);
        }
        pages = sources.len();
        bytes = run.bytes;
    }
    let mb = bytes as f64 / 1e6;
    for (name, d) in ["read", "parse", "facts", "(events only)"].iter().zip(best) {
        let s = d.as_secs_f64();
        println!(
            "{name:>13}: {:8.1} ms  {:9.0} pages/s  {:7.1} MB/s",
            s * 1e3,
            pages as f64 / s,
            mb / s
        );
    }
    let total: f64 = best[..3].iter().map(Duration::as_secs_f64).sum();
    println!(
        "        total: {:8.1} ms  {:9.0} pages/s  {:7.1} MB/s  ({pages} pages, {mb:.1} MB, {} threads, best of {iterations})",
        total * 1e3,
        pages as f64 / total,
        mb / total,
        rayon::current_num_threads()
    );
    ExitCode::SUCCESS
}
