//! The committed `generated-client/` is exactly what the generator makes
//! of `docs-input/` (like rust-analyzer's codegen tests), generation is
//! deterministic, a failed run writes nothing, and the emitted code of the
//! seed endpoints is snapshotted.

use std::path::{Path, PathBuf};

use generator::generate::{self, generate};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The errors of a run, one line each.
fn error_lines(g: &generate::Generated) -> Vec<String> {
    g.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn generated_client_is_up_to_date() {
    let g = generate(&root().join("docs-input"));
    let errors = error_lines(&g);
    let output = g
        .output
        .unwrap_or_else(|| panic!("docs-input has errors:\n{}", errors.join("\n")));
    let stale = generate::stale_files(&output, &root().join("generated-client"));
    assert!(
        stale.is_empty(),
        "generated-client/ is stale; run `cargo xtask regen` and commit the result:\n{}",
        stale
            .iter()
            .map(|(p, why)| format!("  {why}: {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_generated_crate_declares_the_workspace_rust_version() {
    let output = generate(&root().join("docs-input")).output.expect("output");
    let manifest = &output.files[Path::new("Cargo.toml")];
    let declared = format!("rust-version = \"{}\"", env!("CARGO_PKG_RUST_VERSION"));
    assert!(
        !env!("CARGO_PKG_RUST_VERSION").is_empty(),
        "the workspace declares one"
    );
    assert!(manifest.contains(&declared), "{manifest}");
}

#[test]
fn each_sample_is_written_once_and_read_with_include_str() {
    let output = generate(&root().join("docs-input")).output.expect("output");
    let samples: Vec<_> = output
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("tests/api/samples"))
        .collect();
    assert!(!samples.is_empty());
    let tests: String = output
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("tests/api") && p.extension().is_some_and(|e| e == "rs"))
        .map(|(_, t)| t.as_str())
        .collect();
    for (path, text) in samples {
        let rel = path.strip_prefix("tests/api").expect("under tests/api");
        let rel = rel.to_string_lossy();
        assert!(tests.contains(&format!("\"{rel}\"")), "{rel} is read");
        // The sample's text is in its file, not in the test code (where
        // it would be a string literal, escaped).
        let escaped = format!("{text:?}");
        let literal = &escaped[1..escaped.len() - 1];
        if literal.len() > 40 {
            assert!(!tests.contains(literal), "{rel} inlined");
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let a = generate(&root().join("docs-input")).output.expect("output");
    let b = generate(&root().join("docs-input")).output.expect("output");
    assert_eq!(a, b);
}

#[test]
fn a_failed_run_writes_nothing_and_reports_every_problem() {
    let tmp = std::env::temp_dir().join(format!("regen-fail-{}", std::process::id()));
    let docs = tmp.join("docs");
    let out = tmp.join("out");
    std::fs::create_dir_all(&docs).expect("mkdir");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "untouched").expect("write");
    std::fs::write(
        docs.join("a.md"),
        "---\nuid: a\n---\n\n# X\n\n```http\nFETCH /x\n```\n",
    )
    .expect("write");
    std::fs::write(docs.join("b.md"), "---\nuid: b\n---\n\n# X\n\n```http\nGET /x\n```\n\n| Response | Description |\n|---|---|\n| abc | x |\n").expect("write");
    let g = generate(&docs);
    assert!(g.output.is_none());
    let errors = error_lines(&g);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains("a.md:8:1: error: expected an HTTP method"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("b.md:13:3: error: expected a numeric HTTP status code"),
        "{}",
        errors[1]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).expect("read"),
        "untouched"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn write_replaces_the_tree_and_keeps_target() {
    let tmp = std::env::temp_dir().join(format!("regen-write-{}", std::process::id()));
    let out = tmp.join("crate");
    std::fs::create_dir_all(out.join("target")).expect("mkdir");
    std::fs::write(out.join("target/keep"), "x").expect("write");
    std::fs::write(out.join("old.rs"), "stale").expect("write");
    let output = generate(&root().join("docs-input")).output.expect("output");
    generate::write(&output, &out).expect("write");
    assert!(out.join("target/keep").exists());
    assert!(!out.join("old.rs").exists());
    assert!(generate::stale_files(&output, &out).is_empty());
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
#[cfg(unix)]
fn write_writes_only_what_changed_and_never_through_a_symlink() {
    let tmp = std::env::temp_dir().join(format!("regen-rewrite-{}", std::process::id()));
    let out = tmp.join("crate");
    let mut output = generate(&root().join("docs-input")).output.expect("output");
    let n = output.files.len();
    let first = generate::write(&output, &out).expect("write");
    assert_eq!((first.written, first.kept), (n, 0));
    // The same output again: nothing is written.
    let again = generate::write(&output, &out).expect("write");
    assert_eq!((again.written, again.kept), (0, n));
    // One file changed by the generator, one edited by hand, one replaced
    // by a symlink to a file outside with the same text.
    let changed = PathBuf::from("README.md");
    output
        .files
        .get_mut(&changed)
        .expect("README")
        .push_str("\nmore\n");
    std::fs::write(out.join("Cargo.toml"), "edited by hand").expect("edit");
    let outside = tmp.join("outside.rs");
    let lib = PathBuf::from("src/lib.rs");
    std::fs::write(&outside, &output.files[&lib]).expect("outside");
    std::fs::remove_file(out.join(&lib)).expect("rm");
    std::os::unix::fs::symlink(&outside, out.join(&lib)).expect("symlink");
    let third = generate::write(&output, &out).expect("write");
    assert_eq!((third.written, third.kept), (3, n - 3));
    assert!(generate::stale_files(&output, &out).is_empty());
    let lib_meta = std::fs::symlink_metadata(out.join(&lib)).expect("lib");
    assert!(
        lib_meta.file_type().is_file(),
        "a file of its own, not the symlink"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The emitted code of the seed endpoints (the runtime is copied verbatim
/// and tested in `generator/runtime`, and the sample files are the pages'
/// samples as written, so they are left out).
#[test]
fn emitted_code_snapshots() {
    let output = generate(&root().join("docs-input")).output.expect("output");
    for (path, text) in &output.files {
        if path.starts_with("src/runtime") || path.starts_with("tests/api/samples") {
            continue;
        }
        let name = path.to_string_lossy().replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text);
    }
}
