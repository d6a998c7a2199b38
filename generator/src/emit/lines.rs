//! Layout prettyplease leaves out: a blank line between items.

/// What starts an item (or its docs and attributes) on a line.
const ITEM_STARTS: &[&str] = &[
    "#[",
    "#![",
    "///",
    "//!",
    "pub ",
    "pub(",
    "fn ",
    "async fn ",
    "impl",
    "struct ",
    "enum ",
    "mod ",
    "use ",
    "type ",
    "const ",
    "static ",
    "crate::string_enum!",
];

/// Inserts a blank line after an item that ends (a `}` or `};` alone on
/// its line, or a one-line `pub use`/`pub type`) when the next line, at
/// the same indentation, starts another item.
pub fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let next_indent = next.len() - next.trim_start().len();
        let trimmed = line.trim_start();
        let one_line_item = ["pub use ", "pub type ", "pub mod ", "mod ", "const "]
            .iter()
            .any(|s| trimmed.starts_with(s))
            && trimmed.ends_with(';');
        let inner_doc_ends = trimmed.starts_with("//!") && !next.trim_start().starts_with("//!");
        let ends_item = trimmed == "}" || trimmed == "};" || one_line_item || inner_doc_ends;
        let next_trim = next.trim_start();
        let starts_item = ITEM_STARTS.iter().any(|s| next_trim.starts_with(s));
        if ends_item && next_indent == indent && starts_item {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_line_between_items_only() {
        let text = "//! m\nstruct A {\n    a: i32,\n}\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n    fn g() {}\n}\npub type T = u8;\n/// doc\nmod m;\n";
        assert_eq!(
            space_items(text),
            "//! m\n\nstruct A {\n    a: i32,\n}\n\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n\n    fn g() {}\n}\n\npub type T = u8;\n\n/// doc\nmod m;\n"
        );
    }
}
