//! The runtime is built in layers (see `src/lib.rs`): each module may use
//! only modules of lower layers. This test reads the sources and fails on
//! any `super::…` use that goes up or across, which also rules out every
//! import cycle among the runtime's modules, and on any module the table
//! below does not place.

use std::collections::BTreeMap;
use std::path::Path;

/// Every module of `src/`, by layer.
const LAYERS: &[(u8, &[&str])] = &[
    (0, &["datetime", "carrier", "flight", "jsonpath"]),
    (1, &["endpoint", "enums"]),
    (2, &["error", "testing"]),
    (3, &["trace"]),
    (4, &["url"]),
    (5, &["retry", "redirect"]),
    (6, &["transport"]),
    (7, &["credentials", "tenant"]),
    (8, &["client", "classify"]),
    (9, &["orchestrator"]),
    (10, &["call", "paging"]),
];

fn layer_of() -> BTreeMap<&'static str, u8> {
    LAYERS
        .iter()
        .flat_map(|(layer, mods)| mods.iter().map(move |m| (*m, *layer)))
        .collect()
}

/// The sibling modules a source uses: every `super::name` outside
/// comments, and the names in `use super::{a, b::c}` groups.
fn uses(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in src.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(i) = rest.find("super::") {
            rest = &rest[i + "super::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        }
    }
    out
}

/// The non-test part of a source: up to its `#[cfg(test)]` module (tests
/// may use what they test from any layer).
fn without_tests(src: &str) -> &str {
    src.find("#[cfg(test)]\nmod tests")
        .map_or(src, |i| &src[..i])
}

#[test]
fn every_module_uses_only_lower_layers() {
    let layers = layer_of();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("src/ readable") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if name == "lib" {
            continue;
        }
        let Some(&own) = layers.get(name) else {
            problems.push(format!(
                "`{name}` is in no layer: place it in LAYERS and in lib.rs's table"
            ));
            continue;
        };
        seen += 1;
        let src = std::fs::read_to_string(&path).expect("source readable");
        for used in uses(without_tests(&src)) {
            // `super::*` in a macro, `super::super` in a nested module.
            if used.is_empty() || used == "super" {
                continue;
            }
            match layers.get(used.as_str()) {
                Some(&theirs) if theirs < own => {}
                Some(&theirs) => problems.push(format!(
                    "`{name}` (layer {own}) uses `{used}` (layer {theirs})"
                )),
                // A re-export of the root (`super::DateTime`): the root is
                // above every layer, so name the module instead.
                None => problems.push(format!(
                    "`{name}` uses `super::{used}`, which is not a module: use the module that defines it"
                )),
            }
        }
        let names_crate = without_tests(&src).lines().any(|l| {
            let code = l.split("//").next().unwrap_or_default();
            code.replace("$crate::", "").contains("crate::")
        });
        if names_crate {
            problems.push(format!(
                "`{name}` names `crate::` (the runtime is copied into the generated crate as a module)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(seen, layers.len(), "every module in LAYERS has a file");
}

#[test]
fn the_reader_finds_uses_in_groups_and_paths() {
    let src = "use super::error::{Error, X};\nuse super::{retry, url::path};\n// super::call in a comment\nlet x = super::trace::moved();\n";
    assert_eq!(uses(src), ["error", "retry", "url", "trace"]);
}
