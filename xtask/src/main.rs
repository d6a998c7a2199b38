//! Maintainer tasks, run as `cargo xtask <task>` (an alias in
//! `.cargo/config.toml`).
//!
//! - `regen [--check] [--docs DIR] [--out DIR] [-v]`: generate the client crate
//!   (default `docs-input/` → `generated-client/`); `--check` lists stale
//!   files and fails instead of writing.
//! - `bench [DIR]`: parse speed of the release generator over a docs tree
//!   (default `../shared/corpus/site`), in process and end to end.
//! - `bench-client [DIR] [--feature F] [--runtime-only] [--crate CRATE]`:
//!   what the crate generated from a docs tree costs its users to build
//!   and test, and what a call costs beside raw reqwest.
//! - `features [DIR]`: builds the crate generated from a docs tree with
//!   each feature alone (and none), warnings denied.
//! - `stats [DIR]`: the types and operations the generator resolves.
//! - `api-diff OLD NEW [--json]`: what changed for users between the crates
//!   generated from two docs trees, with a semver verdict.
//! - `identity (--save DIR | --against DIR)`: the crates and diagnostics of
//!   `docs-input/` and the corpus trees, saved, or compared byte for byte
//!   with the saved ones (a refactoring's proof of no change).

mod api_diff;
mod bench_client;
mod features;
mod identity;
mod regen;
mod stats;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Regen allocates many small strings and token trees; mimalloc is
/// markedly faster at that than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  regen [--check] [--docs DIR] [--out DIR] [-v]
                generate the client crate (default docs-input -> generated-client);
                --check fails, listing stale files, instead of writing
  bench [DIR]   parse speed over DIR (default ../shared/corpus/site), release build
  bench-client [DIR] [--feature F] [--runtime-only] [--crate CRATE]
                build and test cost of the crate generated from DIR (default
                ../shared/corpus/site), and a call's cost beside raw reqwest
  features [DIR] [--only F,G,…] [--target-dir DIR]
                build the crate generated from DIR with each feature alone, warnings denied
  stats [DIR]   structs, enums, their origins, merged duplicates, raw-JSON share, paging
  api-diff OLD NEW [--json]
                what changed for users between the crates generated from two docs
                trees (endpoints, types, fields, enum values) and the semver verdict
  identity (--save DIR | --against DIR)
                save the crates and diagnostics generated from docs-input and the
                corpus trees, or fail unless they are byte-identical to the saved ones";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench(args.get(1).map(PathBuf::from)),
        Some("bench-client") => {
            bench_client::Args::parse(&args[1..]).and_then(bench_client::bench_client)
        }
        Some("api-diff") => api_diff::Args::parse(&args[1..]).and_then(|a| api_diff::api_diff(&a)),
        Some("features") => features::features(&args[1..]),
        Some("identity") => identity::identity(&args[1..]),
        Some("stats") => stats::stats(args.get(1).map(PathBuf::from)),
        Some("regen") => {
            regen::Args::parse(&args[1..], &workspace_root()).and_then(|a| regen::regen(&a))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The docs tree the maintainer tasks default to: the whole reference, laid
/// out as the site publishes it (samples in include files).
pub(crate) fn default_docs() -> PathBuf {
    workspace_root().join("../shared/corpus/site")
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub(crate) fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("running {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

fn bench(dir: Option<PathBuf>) -> Result<(), String> {
    let root = workspace_root();
    let dir = dir.unwrap_or_else(default_docs);
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    run(cargo()
        .current_dir(&root)
        .args(["build", "--quiet", "--release", "-p", "generator"]))?;
    let bin = root.join("target/release/generator");
    println!("in process (generator bench {}):", dir.display());
    run(Command::new(&bin).arg("bench").arg(&dir).arg("10"))?;

    // End to end, as a user runs it: `generator facts DIR > /dev/null`.
    let mut times = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let status = Command::new(&bin)
            .arg("facts")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running {}: {e}", bin.display()))?;
        times.push(t.elapsed());
        if !status.success() {
            return Err(format!("generator facts {} failed", dir.display()));
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "end to end (generator facts {} > /dev/null, 11 runs): min {:.1} ms, median {:.1} ms, max {:.1} ms",
        dir.display(),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    Ok(())
}
