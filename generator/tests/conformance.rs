//! The conformance check, as a test: the facts of every page of
//! `../shared/corpus` must equal the independently derived expectations,
//! field by field, for every uid (like `conformance.py --require-all`).
//!
//! Skips, saying why, when `../shared` is not beside the checkout.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use generator::{facts, parse};

const FIELDS: [&str; 7] = [
    "method",
    "path",
    "path_params",
    "query_params",
    "request_body",
    "responses",
    "response_body",
];

/// Compares the facts of `docs` with `expect` (a JSONL file); returns the
/// mismatches, one line each.
fn check(docs: &Path, expect: &Path, require_all: bool) -> (usize, Vec<String>) {
    let run = parse::parse_dir(docs);
    let mut problems: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    let text = std::fs::read_to_string(expect).expect("expect file readable");
    let mut expected: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("expect line is JSON");
        let uid = v["uid"].as_str().expect("uid").to_string();
        expected.insert(uid, v);
    }
    let mut passed = 0;
    for e in &run.endpoints {
        let got = serde_json::to_value(facts::facts(e)).expect("facts serialise");
        let Some(exp) = expected.remove(&e.uid) else {
            problems.push(format!("UNEXPECTED {}", e.uid));
            continue;
        };
        let bad: Vec<&str> = FIELDS.into_iter().filter(|f| got[f] != exp[f]).collect();
        if bad.is_empty() {
            passed += 1;
        } else {
            problems.push(format!(
                "MISMATCH {}: {}",
                e.uid,
                bad.iter()
                    .map(|f| format!("{f}: expected {}, got {}", exp[f], got[f]))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    if require_all {
        problems.extend(expected.keys().map(|uid| format!("MISSING {uid}")));
    }
    (passed, problems)
}

/// Every page of `corpus/<set>` conforms, and at least `min` were checked.
fn assert_set_conforms(set: &str, expect: &str, min: usize) {
    let Some(corpus) = common::corpus(&[]) else {
        return;
    };
    let (passed, problems) = check(&corpus.join(set), &corpus.join(expect), true);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(passed >= min, "only {passed} pages checked");
    eprintln!("{set}: {passed} passed, 0 failed");
}

#[test]
fn reference_corpus_conforms() {
    assert_set_conforms("reference", "expect.jsonl", 3300);
}

#[test]
fn site_layout_conforms() {
    // The same pages with their samples in include files: the same facts.
    assert_set_conforms("site", "expect.jsonl", 3300);
}

#[test]
fn real_pages_conform() {
    assert_set_conforms("real", "expect-real.jsonl", 40);
}

#[test]
fn docs_input_conforms() {
    let Some(corpus) = common::corpus(&[]) else {
        return;
    };
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let (passed, problems) = check(&docs, &corpus.join("expect.jsonl"), false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(passed, 5);
}
