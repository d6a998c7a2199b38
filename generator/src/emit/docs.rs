//! Page text → rustdoc attributes that render cleanly and make rustdoc
//! neither warn nor run doctests.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` lines for a doc text (nothing for `None`/empty).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return TokenStream::new();
    };
    let lines: Vec<String> = rustdoc_safe(text)
        .lines()
        .map(|l| format!(" {l}").trim_end().to_string())
        .collect();
    quote! { #( #[doc = #lines] )* }
}

/// `#[doc = "…"]` lines for text the generator wrote itself (it may use
/// intra-doc links); page text inside it must already be [`rustdoc_safe`].
pub fn raw_doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> = text
        .lines()
        .map(|l| format!(" {l}").trim_end().to_string())
        .collect();
    quote! { #( #[doc = #lines] )* }
}

/// Makes markdown from the pages safe for rustdoc:
/// - code fences get a language (`text`) so they are not doctests, and
///   indentation outside fences is removed (indented code is a doctest too);
/// - `<` and `>` outside code are escaped (no stray HTML tags);
/// - `[x]` that is not a link is escaped (no broken intra-doc links);
/// - bare URLs become autolinks.
pub fn rustdoc_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence {
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang.eq_ignore_ascii_case("rust") {
                    "text"
                } else {
                    lang
                };
                out.push_str("```");
                out.push_str(lang);
            } else {
                out.push_str("```");
            }
            in_fence = !in_fence;
            out.push('\n');
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            out.push_str(&escape_inline(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_string()
}

fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                // A markdown link `[text](url)` stays; anything else is escaped.
                let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
                let is_link = close.is_some_and(|j| chars.get(j + 1) == Some(&'('));
                if is_link {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            'h' if starts_url(&chars[i..]) && (i == 0 || !matches!(chars[i - 1], '(' | '<')) => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '<' | '>'))
                    .map_or(chars.len(), |p| p + i);
                let mut url: String = chars[i..end].iter().collect();
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    tail.insert(0, url.pop().unwrap_or('.'));
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("http://") || s.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(rustdoc_safe("List<int> [x]"), "List\\<int\\> \\[x\\]");
        assert_eq!(
            rustdoc_safe("see [RFC](https://x.org)"),
            "see [RFC](https://x.org)"
        );
        assert_eq!(rustdoc_safe("at https://x.org/a."), "at <https://x.org/a>.");
        assert_eq!(rustdoc_safe("`a<b>`"), "`a<b>`");
        assert_eq!(
            rustdoc_safe("    indented\n```\ncode <x>\n```"),
            "indented\n```text\ncode <x>\n```"
        );
    }
}
