//! Mutation testing of the whole pipeline: real pages (the seeds, and the
//! corpus's real pages when `../shared` is there), mutated with a fixed
//! seed (cut short, lines shuffled or dropped, tables and fences broken,
//! invalid UTF-8, NUL bytes, huge cells, deeply nested JSON), go through
//! parse, resolve and emit. Never a panic, never a hang, and every
//! diagnostic points at a line of the file it names.
//!
//! `MUTATION_CASES` sets the number of cases (default 300, for CI);
//! `MUTATION_SEED` the seed.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use generator::generate::generate;

/// xorshift64*: a small, fixed-seed generator, so every run mutates alike.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn pages(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// One mutation of a page, and its name.
fn mutate(page: &[u8], rng: &mut Rng) -> (&'static str, Vec<u8>) {
    let mut ls = lines(page);
    let n = ls.len().max(1);
    match rng.below(10) {
        0 => ("truncated", page[..rng.below(page.len() + 1)].to_vec()),
        1 => {
            for _ in 0..1 + rng.below(5) {
                let (a, b) = (rng.below(n), rng.below(n));
                if a < ls.len() && b < ls.len() {
                    ls.swap(a, b);
                }
            }
            ("lines shuffled", join(&ls))
        }
        2 => {
            for _ in 0..1 + rng.below(5) {
                if !ls.is_empty() {
                    let i = rng.below(ls.len());
                    ls.remove(i);
                }
            }
            ("lines dropped", join(&ls))
        }
        3 => {
            // A table row loses or gains cells.
            if let Some(i) = (0..ls.len())
                .map(|k| (k + rng.below(n)) % n)
                .find(|&i| ls[i].starts_with(b"|"))
            {
                if rng.below(2) == 0 {
                    let cut = ls[i].iter().rposition(|b| *b == b'|').unwrap_or(0);
                    ls[i].truncate(cut);
                } else {
                    ls[i].extend_from_slice(b" extra | cells | ");
                }
            }
            ("table broken", join(&ls))
        }
        4 => {
            // A fence opened or closed in the wrong place.
            let i = rng.below(n);
            ls.insert(i.min(ls.len()), b"```".to_vec());
            ("fence broken", join(&ls))
        }
        5 => {
            let mut out = page.to_vec();
            let i = rng.below(out.len() + 1);
            out.splice(i..i, [0xFF, 0xFE, 0xC3]);
            ("invalid UTF-8", out)
        }
        6 => {
            let mut out = page.to_vec();
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(out.len() + 1);
                out.insert(i, 0);
            }
            ("NUL bytes", out)
        }
        7 => {
            let i = rng.below(n).min(ls.len().saturating_sub(1));
            if let Some(line) = ls.get_mut(i) {
                line.extend(std::iter::repeat_n(b'x', 200_000));
                line.extend_from_slice(b" | ");
            }
            ("huge cell", join(&ls))
        }
        8 => {
            // Deeply nested JSON in the samples.
            let depth = 5_000;
            let mut json = "[".repeat(depth).into_bytes();
            json.extend("]".repeat(depth).into_bytes());
            let at = ls
                .iter()
                .position(|l| l.starts_with(b"{"))
                .unwrap_or(ls.len());
            ls.insert(at, json);
            ("deep JSON", join(&ls))
        }
        _ => {
            // A random byte changed.
            let mut out = page.to_vec();
            if !out.is_empty() {
                let i = rng.below(out.len());
                out[i] = (rng.next() & 0xFF) as u8;
            }
            ("byte flipped", out)
        }
    }
}

/// Runs the pipeline on a docs tree holding `bytes` as one page, on its
/// own thread, within a time limit. `Err` says what went wrong.
fn run_case(dir: &Path, bytes: &[u8]) -> Result<(), String> {
    let page = dir.join("agent/Case_Agent/page.md");
    std::fs::create_dir_all(page.parent().ok_or("no parent")?).map_err(|e| e.to_string())?;
    std::fs::write(&page, bytes).map_err(|e| e.to_string())?;
    let line_count = bytes.split(|b| *b == b'\n').count() as u32;
    let (tx, rx) = mpsc::channel();
    let root = dir.to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| generate(&root));
        let _ = tx.send(result.map(|g| g.diagnostics));
    });
    let diagnostics = match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(d)) => d,
        Ok(Err(_)) => return Err("panicked".into()),
        Err(_) => return Err("hung (no answer in 20 s)".into()),
    };
    for d in diagnostics {
        // Files relative to the tree; the empty path is the tree itself.
        let valid = d.file == Path::new("agent/Case_Agent/page.md")
            && d.line >= 1
            && d.line <= line_count + 1
            || d.file.as_os_str().is_empty();
        if !valid {
            return Err(format!("diagnostic not at a line of the page: {d}"));
        }
    }
    Ok(())
}

#[test]
fn mutated_pages_never_panic_hang_or_misplace_errors() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    pages(&manifest.join("../docs-input"), &mut seeds);
    let real = manifest.join("../../shared/corpus/real");
    if real.is_dir() {
        pages(&real, &mut seeds);
    } else {
        println!("mutating the seed pages only: {} is absent", real.display());
    }
    assert!(!seeds.is_empty(), "no pages to mutate");
    let cases: usize = std::env::var("MUTATION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x005E_ED0F_D0C5);
    let mut rng = Rng(seed | 1);
    let dir = std::env::temp_dir().join(format!("mutation-{}", std::process::id()));
    let start = Instant::now();
    let mut failures = Vec::new();
    for case in 0..cases {
        let (path, page) = &seeds[rng.below(seeds.len())];
        let (what, bytes) = mutate(page, &mut rng);
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = run_case(&dir, &bytes) {
            failures.push(format!("case {case}: {what} of {}: {e}", path.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{cases} mutation cases (seed {seed:#x}) in {:.1} s, {} findings",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
