//! The whole reference as the site publishes it now (`corpus/site/`:
//! samples in include files) gives at least what the same pages with
//! inline samples (`corpus/reference/`) give: every sample, every type,
//! every test, and no more raw JSON. The only samples it may lack are
//! those whose include target is missing from the site.
//!
//! Skips, saying why, when `../shared` is not beside the checkout.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::diagnostics::DiagKind;
use generator::generate::{generate, Generated};
use generator::parse;

/// The names after `prefix` at the start of a line, in every file under
/// `dir` of the output.
fn names(g: &Generated, dir: &str, prefixes: &[&str]) -> BTreeSet<String> {
    let out = g.output.as_ref().expect("the tree generates");
    let mut names = BTreeSet::new();
    for (path, text) in &out.files {
        if !path.starts_with(dir) {
            continue;
        }
        for line in text.lines() {
            let line = line.trim_start();
            for p in prefixes {
                if let Some(rest) = line.strip_prefix(p) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
    }
    names
}

fn raw_json_uses(g: &Generated) -> usize {
    let out = g.output.as_ref().expect("the tree generates");
    out.files
        .iter()
        .filter(|(p, _)| p.starts_with("src/types"))
        .map(|(_, t)| t.matches("::serde_json::Value").count())
        .sum()
}

#[test]
fn the_published_layout_gives_at_least_what_inline_samples_give() {
    let Some(corpus) = common::corpus(&["site", "reference"]) else {
        return;
    };
    let (site_dir, ref_dir) = (corpus.join("site"), corpus.join("reference"));

    // Per page: every sample the reference has, the site has, unless the
    // site page's include target is missing.
    let (site, reference) = (parse::parse_dir(&site_dir), parse::parse_dir(&ref_dir));
    assert!(!site.has_errors() && !reference.has_errors());
    assert_eq!(site.endpoints.len(), reference.endpoints.len());
    assert!(site.endpoints.len() >= 3300, "the whole reference is read");
    let missing: BTreeSet<&Path> = site
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::Include)
        .map(|d| d.file.as_path())
        .collect();
    let by_uid: BTreeMap<&str, _> = site.endpoints.iter().map(|e| (e.uid.as_str(), e)).collect();
    let (mut site_samples, mut ref_samples, mut excused) = (0, 0, 0);
    for r in &reference.endpoints {
        let s = by_uid[r.uid.as_str()];
        let site_has = [
            s.sample_request.message().is_some(),
            s.sample_response.message().is_some(),
        ];
        let ref_has = [
            r.sample_request.message().is_some(),
            r.sample_response.message().is_some(),
        ];
        site_samples += site_has.iter().filter(|b| **b).count();
        ref_samples += ref_has.iter().filter(|b| **b).count();
        for (site_has, ref_has) in site_has.into_iter().zip(ref_has) {
            if ref_has && !site_has {
                assert!(
                    missing.contains(Path::new(&s.source)),
                    "{}: the reference has a sample the site lacks, and no include is missing",
                    s.uid
                );
                excused += 1;
            }
        }
    }
    eprintln!(
        "samples: site {site_samples}, reference {ref_samples} ({excused} of the reference's behind missing include targets)"
    );
    assert!(site_samples > ref_samples, "the site has more samples");

    // The crates: every type, more tests, no more raw JSON.
    let (site, reference) = (generate(&site_dir), generate(&ref_dir));
    let decls = ["pub struct ", "pub enum ", "pub type "];
    let (site_types, ref_types) = (
        names(&site, "src/types", &decls),
        names(&reference, "src/types", &decls),
    );
    let lost: Vec<_> = ref_types.difference(&site_types).collect();
    assert!(
        lost.is_empty(),
        "types only the reference crate has: {lost:?}"
    );
    let tests = ["fn ", "async fn "];
    let (site_tests, ref_tests) = (
        names(&site, "tests", &tests),
        names(&reference, "tests", &tests),
    );
    assert!(site_tests.len() > ref_tests.len());
    let (site_json, ref_json) = (raw_json_uses(&site), raw_json_uses(&reference));
    assert!(
        site_json <= ref_json,
        "raw JSON in the site crate's types: {site_json}, in the reference crate's: {ref_json}"
    );
}
