//! `cargo xtask regen [--check] [--docs DIR] [--out DIR]`: generates the
//! client crate from a docs tree (default `docs-input/` → `generated-client/`).

use std::path::{Path, PathBuf};

use generator::diagnostics::print_all;
use generator::generate;

pub struct Args {
    pub check: bool,
    pub docs: PathBuf,
    pub out: PathBuf,
    /// Print errors and the count of warnings, not every warning.
    pub quiet: bool,
    /// List the files skipped as not endpoint pages, with the reason, and
    /// how long each stage took.
    pub verbose: bool,
}

impl Args {
    pub fn parse(args: &[String], root: &Path) -> Result<Args, String> {
        let mut a = Args {
            check: false,
            docs: root.join("docs-input"),
            out: root.join("generated-client"),
            quiet: false,
            verbose: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--check" => a.check = true,
                "-v" | "--verbose" => a.verbose = true,
                "--docs" => a.docs = it.next().ok_or("--docs needs a directory")?.into(),
                "--out" => a.out = it.next().ok_or("--out needs a directory")?.into(),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(a)
    }
}

pub fn regen(args: &Args) -> Result<(), String> {
    let generated = generate::generate(&args.docs);
    let timings: Vec<String> = generated
        .timings
        .iter()
        .map(|(stage, t)| format!("{stage} {:.2} s", t.as_secs_f64()))
        .collect();
    let shown = if args.quiet { Some(0) } else { None };
    let (errors, warnings) = print_all(
        &mut std::io::stderr().lock(),
        &args.docs,
        &generated.diagnostics,
        shown,
    );
    if args.verbose {
        for (path, why) in &generated.skipped {
            eprintln!("skipped {}: {why}", path.display());
        }
    }
    if args.quiet {
        if warnings > 0 {
            eprintln!(
                "{warnings} warning(s) from {} (`cargo xtask regen --docs` lists them)",
                args.docs.display()
            );
        }
    } else {
        eprintln!(
            "{}: {}{}",
            args.docs.display(),
            generated.summary,
            if args.verbose {
                ""
            } else {
                " (-v lists the skipped files)"
            }
        );
    }
    let Some(output) = generated.output else {
        return Err(format!(
            "{errors} error(s) in {}; {} left untouched",
            args.docs.display(),
            args.out.display()
        ));
    };
    if args.check {
        let stale = generate::stale_files(&output, &args.out);
        if stale.is_empty() {
            eprintln!(
                "{} is up to date ({} files)",
                args.out.display(),
                output.files.len()
            );
            return Ok(());
        }
        for (path, why) in &stale {
            eprintln!("{why}: {}", args.out.join(path).display());
        }
        return Err(format!(
            "{} file(s) of {} differ from what {} generates; run `cargo xtask regen`",
            stale.len(),
            args.out.display(),
            args.docs.display()
        ));
    }
    let clock = std::time::Instant::now();
    let written = generate::write(&output, &args.out)
        .map_err(|e| format!("writing {}: {e}", args.out.display()))?;
    if args.verbose {
        eprintln!(
            "timings: {}, write {:.2} s",
            timings.join(", "),
            clock.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "wrote {} files to {} ({} changed or new, {} as they were)",
        output.files.len(),
        args.out.display(),
        written.written,
        written.kept
    );
    Ok(())
}
