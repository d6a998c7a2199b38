//! `cargo xtask bench-client [DOCS]`: generates a crate from a docs tree
//! (default: the whole reference as the site publishes it, `../shared/corpus/site`) into `$TMPDIR/superoffice-bench-client/`, and prints
//! what a user of it pays: build time and peak memory of the crate alone
//! (dependencies prebuilt) with one feature, with none, with `default`
//! and with all; the test binary's build and run; and the regen time.

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

pub fn bench_client(docs: Option<PathBuf>, feature: Option<String>) -> Result<(), String> {
    let root = workspace_root();
    let docs = docs.unwrap_or_else(crate::default_docs);
    if !docs.is_dir() {
        return Err(format!("{} is not a directory", docs.display()));
    }
    // Outside the workspace, so the generated crate is its own workspace.
    let bench = std::env::temp_dir().join("superoffice-bench-client");
    let out = bench.join("crate");
    let target = bench.join("target");

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
            .arg(&docs)
            .arg("--out")
            .arg(&out)
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
    let groups = crate::features::group_features(&out)?;
    let feature = feature.unwrap_or_else(|| {
        let user = groups.iter().find(|f| *f == "user-agent");
        user.or(groups.first()).cloned().unwrap_or_default()
    });
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

    // Dependencies once, untimed.
    println!("building dependencies (untimed) …");
    run(cargo()
        .args(["build", "--quiet", "--features", "full"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target))?;
    run(cargo()
        .args(["test", "--quiet", "--no-run", "--features", "full"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target))?;

    let one = format!("--features={feature}");
    let builds: [(&str, Vec<&str>); 4] = [
        ("one feature", vec!["build", "--no-default-features", &one]),
        ("no features", vec!["build", "--no-default-features"]),
        ("default features", vec!["build"]),
        ("all features (full)", vec!["build", "--features", "full"]),
    ];
    println!("crate alone, debug, dependencies prebuilt:");
    for (label, args) in &builds {
        clean_crate(&out, &target)?;
        let m = timed(&out, &target, args)?;
        let shown = if *label == "one feature" {
            format!("{label} ({feature})")
        } else {
            label.to_string()
        };
        println!("  {shown:<34} {m}   cargo {}", args.join(" "));
    }
    if let Some(size) = rlib_size(&target) {
        println!("  rlib with all features: {:.1} MB", size as f64 / 1e6);
    }
    // The test binary, after the library is built; then running it.
    let build = timed(&out, &target, &["test", "--no-run", "--features", "full"])?;
    println!("  cargo test --no-run --features full (library built): {build}");
    let test = timed(&out, &target, &["test", "--features", "full"])?;
    println!("  cargo test --features full (binary built, runs the tests): {test}");
    println!(
        "  whole cargo test after the library: {:.1} s",
        (build.wall + test.wall).as_secs_f64()
    );
    Ok(())
}
