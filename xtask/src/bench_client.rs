//! `cargo xtask bench-client [DOCS] [--feature F] [--runtime-only] [--crate DIR]`:
//! generates a crate from a docs tree (default: the whole reference as the
//! site publishes it, `../shared/corpus/site`) into
//! `$TMPDIR/superoffice-bench-client/`, and prints what a user of it pays:
//!
//! - build: time and peak memory of the crate alone (dependencies
//!   prebuilt) with one feature, with none, with `default` and with all;
//!   the test binary's build and run; and the regen time;
//! - runtime: a `GET /api/v1/Contact/{id}` through the generated client
//!   against raw reqwest sending the same request and decoding the same
//!   carrier, against a local keep-alive server, sequentially and 64 in
//!   flight; and decoding the carrier against `serde_json::Value` (the
//!   program is `xtask/bench/runtime.rs`, built in release beside the
//!   crate).
//!
//! `--runtime-only` skips the build figures; `--crate DIR` measures an
//! already generated crate instead of generating one (to compare runtimes).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, run, workspace_root};

/// What one timed command measured.
struct Measured {
    wall: Duration,
    /// Peak resident memory of the largest process, when `/usr/bin/time` is there.
    peak_kb: Option<u64>,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>7.1} s", self.wall.as_secs_f64())?;
        match self.peak_kb {
            Some(kb) => write!(f, "  peak {:>6.2} GB", kb as f64 / 1024.0 / 1024.0),
            None => write!(f, "  peak n/a"),
        }
    }
}

/// Runs `cmd` (under `/usr/bin/time -v` when present) and measures it.
fn timed(dir: &Path, target: &Path, args: &[&str]) -> Result<Measured, String> {
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v")
            .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c
    } else {
        cargo()
    };
    cmd.args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("running cargo {}: {e}", args.join(" ")))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    Ok(Measured { wall, peak_kb })
}

/// Removes the generated crate's own artifacts, so the next build
/// compiles it (and only it) from scratch.
fn clean_crate(dir: &Path, target: &Path) -> Result<(), String> {
    run(cargo()
        .args(["clean", "--quiet", "-p", "superoffice-webapi"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target))
}

fn rlib_size(target: &Path) -> Option<u64> {
    let deps = target.join("debug/deps");
    std::fs::read_dir(deps)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("libsuperoffice_webapi-") && n.ends_with(".rlib")
        })
        .filter_map(|e| e.metadata().ok().map(|m| m.len()))
        .max()
}

/// What `bench-client` is asked to measure.
#[derive(Default)]
pub struct Args {
    pub docs: Option<PathBuf>,
    pub feature: Option<String>,
    pub runtime_only: bool,
    /// An already generated crate to measure.
    pub krate: Option<PathBuf>,
}

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--feature" => a.feature = Some(it.next().ok_or("--feature needs a name")?.clone()),
                "--crate" => a.krate = Some(it.next().ok_or("--crate needs a directory")?.into()),
                "--runtime-only" => a.runtime_only = true,
                other if other.starts_with('-') => {
                    return Err(format!("unknown argument `{other}`"))
                }
                other => a.docs = Some(PathBuf::from(other)),
            }
        }
        Ok(a)
    }
}

pub fn bench_client(args: Args) -> Result<(), String> {
    // Outside the workspace, so the generated crate is its own workspace.
    let bench = std::env::temp_dir().join("superoffice-bench-client");
    let out = match &args.krate {
        Some(dir) => dir.clone(),
        None => {
            let docs = args.docs.clone().unwrap_or_else(crate::default_docs);
            generate(&docs, &bench.join("crate"))?;
            bench.join("crate")
        }
    };
    if !args.runtime_only {
        build_figures(&out, &bench.join("target"), args.feature.clone())?;
    }
    runtime_figures(&out, &bench)
}

/// Generates `docs` into `out` five times (timing regen, as a maintainer
/// runs it).
fn generate(docs: &Path, out: &Path) -> Result<(), String> {
    let root = workspace_root();
    if !docs.is_dir() {
        return Err(format!("{} is not a directory", docs.display()));
    }

    // Regen, as a maintainer runs it (the xtask binary is built by now).
    run(cargo()
        .current_dir(&root)
        .args(["build", "--quiet", "-p", "xtask"]))?;
    let xtask = root.join("target/debug/xtask");
    let mut regen = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let status = Command::new(&xtask)
            .args(["regen", "--docs"])
            .arg(docs)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running xtask regen: {e}"))?;
        if !status.success() {
            return Err(format!("xtask regen --docs {} failed", docs.display()));
        }
        regen.push(t.elapsed());
    }
    regen.sort();
    println!(
        "generated crate: {} (from {})",
        out.display(),
        docs.display()
    );
    println!(
        "regen (cargo xtask regen --docs {} --out …, 5 runs): min {:.2} s, median {:.2} s",
        docs.display(),
        regen[0].as_secs_f64(),
        regen[2].as_secs_f64()
    );
    Ok(())
}

/// Build time and memory of the crate at `out`, in `target`.
fn build_figures(out: &Path, target: &Path, feature: Option<String>) -> Result<(), String> {
    let groups = crate::features::group_features(out)?;
    let feature = feature.unwrap_or_else(|| {
        let user = groups.iter().find(|f| *f == "user-agent");
        user.or(groups.first()).cloned().unwrap_or_default()
    });
    // Dependencies once, untimed.
    println!("building dependencies (untimed) …");
    run(cargo()
        .args(["build", "--quiet", "--features", "full"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target))?;
    run(cargo()
        .args(["test", "--quiet", "--no-run", "--features", "full"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target))?;

    let one = format!("--features={feature}");
    let builds: [(&str, Vec<&str>); 4] = [
        ("one feature", vec!["build", "--no-default-features", &one]),
        ("no features", vec!["build", "--no-default-features"]),
        ("default features", vec!["build"]),
        ("all features (full)", vec!["build", "--features", "full"]),
    ];
    println!("crate alone, debug, dependencies prebuilt:");
    for (label, args) in &builds {
        clean_crate(out, target)?;
        let m = timed(out, target, args)?;
        let shown = if *label == "one feature" {
            format!("{label} ({feature})")
        } else {
            label.to_string()
        };
        println!("  {shown:<34} {m}   cargo {}", args.join(" "));
    }
    if let Some(size) = rlib_size(target) {
        println!("  rlib with all features: {:.1} MB", size as f64 / 1e6);
    }
    // The test binary, after the library is built; then running it.
    let build = timed(out, target, &["test", "--no-run", "--features", "full"])?;
    println!("  cargo test --no-run --features full (library built): {build}");
    let test = timed(out, target, &["test", "--features", "full"])?;
    println!("  cargo test --features full (binary built, runs the tests): {test}");
    println!(
        "  whole cargo test after the library: {:.1} s",
        (build.wall + test.wall).as_secs_f64()
    );
    Ok(())
}

/// The runtime program, built beside the generated crate.
const RUNTIME_BENCH: &str = include_str!("../bench/runtime.rs");

/// Builds `xtask/bench/runtime.rs` in release against the crate at `out`
/// (its `contact-resource` feature, with the reqwest it uses) and runs it.
fn runtime_figures(out: &Path, bench: &Path) -> Result<(), String> {
    let sample = out.join("tests/api/samples/contact_resource/get_contact_entity.response.json");
    let sample = if sample.exists() {
        sample
    } else {
        // A crate given with --crate that has no samples of its own: the
        // one generated here has the same answer.
        let fallback =
            bench.join("crate/tests/api/samples/contact_resource/get_contact_entity.response.json");
        if !fallback.exists() {
            return Err(format!(
                "no sample answer of GET /api/v1/Contact/{{id}} at {}",
                sample.display()
            ));
        }
        fallback
    };
    let manifest = std::fs::read_to_string(out.join("Cargo.toml"))
        .map_err(|e| format!("reading {}/Cargo.toml: {e}", out.display()))?;
    let reqwest = manifest
        .lines()
        .find(|l| l.starts_with("reqwest ="))
        .ok_or("the generated crate names no reqwest")?;
    let dir = bench.join("runtime-bench");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let krate = std::fs::canonicalize(out).map_err(|e| e.to_string())?;
    let cargo_toml = format!(
        "[package]\nname = \"runtime-bench\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nsuperoffice-webapi = {{ path = {:?}, default-features = false, features = [\"contact-resource\"] }}\n{reqwest}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\", \"time\"] }}\nserde_json = \"1\"\nfutures-util = \"0.3\"\n\n[workspace]\n",
        krate.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), RUNTIME_BENCH).map_err(|e| e.to_string())?;
    let target = bench.join("runtime-target");
    println!(
        "runtime (xtask/bench/runtime.rs, release, against {}):",
        out.display()
    );
    run(cargo()
        .args(["build", "--quiet", "--release"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target))?;
    run(Command::new(target.join("release/runtime-bench")).arg(&sample))
}
