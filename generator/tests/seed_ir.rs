//! Snapshot tests of the IR of the five seed pages in `docs-input/`.
//!
//! A change to the parser that changes what it reads from a seed page shows
//! up here as a snapshot diff (`cargo insta review`).

use std::path::Path;

use generator::parse;

#[test]
fn seed_pages_ir() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let run = parse::parse_dir(&docs);
    assert!(!run.has_errors(), "{:#?}", run.diagnostics);
    assert_eq!(run.endpoints.len(), 5);
    for e in &run.endpoints {
        insta::assert_yaml_snapshot!(e.uid.clone(), e);
    }
}

#[test]
fn seed_pages_diagnostics() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let run = parse::parse_dir(&docs);
    let shown: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| {
            let file = d.file.strip_prefix(&docs).unwrap_or(&d.file);
            format!(
                "{}:{}:{}: {:?}: {}",
                file.display(),
                d.line,
                d.col,
                d.severity,
                d.message
            )
        })
        .collect();
    insta::assert_yaml_snapshot!(shown);
}
