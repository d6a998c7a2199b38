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
    (1, &["endpoint", "enums", "environment", "links"]),
    (2, &["error", "testing"]),
    (3, &["trace", "webhooks"]),
    (4, &["url"]),
    (5, &["retry", "redirect", "rate"]),
    (6, &["transport"]),
    (7, &["credentials", "tenant", "login"]),
    (8, &["client", "classify"]),
    (9, &["orchestrator", "oauth", "system_user"]),
    (10, &["call", "paging"]),
];

fn layer_of() -> BTreeMap<&'static str, u8> {
    LAYERS
        .iter()
        .flat_map(|(layer, mods)| mods.iter().map(move |m| (*m, *layer)))
        .collect()
}

/// The sibling modules a source uses: every `super::name` outside
/// comments, and the first names of the items in `use super::{a, b::c,
/// d::{e, f}}` groups, however the group is wrapped over lines.
fn uses(src: &str) -> Vec<String> {
    let code: String = src
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("super::") {
        rest = &rest[i + "super::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            out.push(ident(rest));
            continue;
        };
        // The group's top-level items, braces nested inside them skipped.
        let (mut depth, mut start) = (0usize, 0usize);
        for (j, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(ident(&group[start..j]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(ident(&group[start..j]));
                    start = j + 1;
                }
                _ => {}
            }
        }
    }
    out.retain(|n| !n.is_empty());
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
    let src = "use super::error::{Error, X};\nuse super::{retry, url::path};\n// super::call in a comment\nlet x = super::trace::moved();\nuse super::{\n    client::{a, b},\n    credentials,\n};\n";
    assert_eq!(
        uses(src),
        ["error", "retry", "url", "trace", "client", "credentials"]
    );
}
