//! Bad input never panics: every seed page, cut short at many points and
//! with each line removed in turn, parses to an endpoint or to diagnostics.

use std::path::Path;

use generator::parse::{parse_page, Parsed};

fn seed_pages() -> Vec<(String, String)> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let mut out = Vec::new();
    for group in ["agent/User_Agent", "agent/License_Agent"] {
        for entry in std::fs::read_dir(docs.join(group)).expect("docs-input readable") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("page readable");
            out.push((path.display().to_string(), text));
        }
    }
    out.sort();
    out
}

fn check(name: &str, src: &str) {
    let report = parse_page(name, src);
    if matches!(report.parsed, Parsed::Invalid) {
        assert!(
            report.diagnostics.iter().any(|d| d.is_error()),
            "{name}: invalid without an error"
        );
    }
    for d in &report.diagnostics {
        assert!(d.line >= 1 && d.col >= 1, "{name}: {d}");
    }
}

#[test]
fn truncated_pages_never_panic() {
    for (name, text) in seed_pages() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                check(&name, &text[..cut]);
            }
            cut += 37;
        }
    }
}

#[test]
fn pages_missing_a_line_never_panic() {
    for (name, text) in seed_pages() {
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let page: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            check(&name, &page.join("\n"));
        }
    }
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "---",
        "---\n---",
        "---\nuid: [\n",
        "```http\n```",
        "---\nuid: x\n---\n```http\nPOST\n```",
        "---\nuid: x\n---\n```http\nPOST /a\n```\n| Response |\n|--|\n| |\n",
        "---\nuid: x\n---\n```http\nPOST /a/{\n```\n## Sample request\n```http!\n\n```\n## Sample response\n```http_\nHTTP/1.1\n```",
        "\u{feff}---\nuid: é\n---\n# ü\n```http\nGET /ö/{ä}\n```\n| Path Part | Type | Description |\n|--|--|--|\n| ä | ~~x~~ | **Required** |\n",
    ] {
        check("garbage.md", src);
    }
}
