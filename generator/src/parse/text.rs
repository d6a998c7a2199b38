//! Cleans the page text the reference site carries over from the .NET XML
//! doc comments into plain markdown:
//!
//! - `<para />`, `<para>…</para>`, `<br/>` become paragraph or line breaks;
//! - `<see cref="T:A.B.Name">text</see>` becomes `text`, and the self-closing
//!   `<see cref="T:A.B.Name"/>` becomes `` `Name` ``;
//! - `<a href="u">text</a>` becomes `[text](u)`, `<c>x</c>` becomes `` `x` ``;
//! - HTML entities are decoded, twice-encoded ones (`&amp;apos;`) included;
//! - other known tags are dropped, their text kept; a `<` that starts no
//!   known tag (`List<int>`) stays.

/// Cleans one piece of page text.
pub fn clean(s: &str) -> String {
    if !s.contains(['&', '<']) {
        return tidy(s);
    }
    let decoded = decode_entities(s);
    let cleaned = clean_tags(&decoded);
    tidy(&cleaned)
}

/// Decodes HTML entities, repeating while a pass still changes something
/// (pages sometimes encode twice), at most three passes.
pub fn decode_entities(s: &str) -> String {
    let mut cur = s.to_string();
    for _ in 0..3 {
        if !cur.contains('&') {
            break;
        }
        let next = decode_once(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

fn decode_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|j| j + 1);
        if let Some(end) = end.filter(|&e| rest[e..].starts_with(';') && e > 1) {
            if let Some(c) = entity(&rest[1..end]) {
                out.push(c);
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
}

/// One tag found in the text.
struct TagToken<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: &'a str,
    len: usize,
}

/// Reads a tag at the start of `s` (which begins with `<`).
fn read_tag(s: &str) -> Option<TagToken<'_>> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') {
        return None;
    }
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let (self_closing, inner) = match inner.trim_end().strip_suffix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(TagToken {
        name: name.to_ascii_lowercase(),
        closing,
        self_closing,
        attrs: &inner[name_len..],
        len: end + 1,
    })
}

fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(i) = rest.find(key) {
        let after = rest[i + key.len()..].trim_start();
        if let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let q = v.chars().next()?;
            if q == '"' || q == '\'' {
                let body = &v[1..];
                return body.find(q).map(|e| &body[..e]);
            }
            return Some(v.split_whitespace().next().unwrap_or(""));
        }
        rest = &rest[i + key.len()..];
    }
    None
}

/// `T:SuperOffice.CRM.Services.IUserAgent` → `IUserAgent`; `!:UserDefinedFields` → `UserDefinedFields`.
fn cref_name(cref: &str) -> &str {
    let c = cref.split_once(':').map_or(cref, |(_, r)| r);
    let c = c.split('(').next().unwrap_or(c);
    c.rsplit('.').next().unwrap_or(c)
}

/// The tags the pages use; anything else that looks like a tag
/// (`List<int>`) is text.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "b",
    "br",
    "c",
    "code",
    "description",
    "em",
    "example",
    "i",
    "item",
    "li",
    "list",
    "ol",
    "p",
    "para",
    "paramref",
    "remarks",
    "returns",
    "see",
    "seealso",
    "strong",
    "summary",
    "term",
    "typeparamref",
    "u",
    "ul",
    "value",
];

fn clean_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Hrefs of open `<a>` tags, innermost last.
    let mut links: Vec<String> = Vec::new();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(tag) = read_tag(rest) else {
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        if !KNOWN_TAGS.contains(&tag.name.as_str()) {
            out.push('<');
            rest = &rest[1..];
            continue;
        }
        rest = &rest[tag.len..];
        match tag.name.as_str() {
            "para" | "p" => {
                out.truncate(out.trim_end_matches(' ').len());
                out.push_str("\n\n");
                rest = rest.trim_start_matches(' ');
            }
            "br" => {
                out.push('\n');
                rest = rest.trim_start_matches(' ');
            }
            "see" | "seealso" if tag.self_closing => {
                let name = attr(tag.attrs, "cref")
                    .map(cref_name)
                    .or_else(|| attr(tag.attrs, "langword"))
                    .or_else(|| attr(tag.attrs, "href"));
                if let Some(n) = name {
                    out.push('`');
                    out.push_str(n);
                    out.push('`');
                }
            }
            "a" if !tag.closing => {
                links.push(attr(tag.attrs, "href").unwrap_or_default().to_string());
                out.push('[');
            }
            "a" => {
                let href = links.pop().unwrap_or_default();
                out.push_str("](");
                out.push_str(&href);
                out.push(')');
            }
            "c" | "code" => out.push('`'),
            "paramref" | "typeparamref" => {
                if let Some(n) = attr(tag.attrs, "name") {
                    out.push('`');
                    out.push_str(n);
                    out.push('`');
                }
            }
            "li" if !tag.closing => out.push_str("\n- "),
            "ul" | "ol" | "list" => out.push('\n'),
            _ => {}
        }
    }
    out.push_str(rest);
    // An `<a>` left open: close it so the text stays balanced.
    while let Some(href) = links.pop() {
        out.push_str("](");
        out.push_str(&href);
        out.push(')');
    }
    out
}

/// Trims every line's end, folds runs of blank lines into one and
/// collapses runs of spaces inside lines (not leading indentation).
fn tidy(s: &str) -> String {
    let t = s.trim();
    if !t.contains(['\n', '\r']) && !t.contains("  ") {
        return t.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        let indent = line.len() - line.trim_start().len();
        out.push_str(&line[..indent]);
        let mut prev_space = false;
        for c in line[indent..].chars() {
            if c == ' ' {
                if !prev_space {
                    out.push(c);
                }
                prev_space = true;
            } else {
                out.push(c);
                prev_space = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn para_becomes_paragraph_break() {
        assert_eq!(clean("One. <para /> Two."), "One.\n\nTwo.");
        assert_eq!(
            clean("Groups.  <para>Use MDO List name \"usergroup\".</para>"),
            "Groups.\n\nUse MDO List name \"usergroup\"."
        );
    }

    #[test]
    fn see_cref_becomes_text() {
        assert_eq!(
            clean("From the <see cref=\"T:SuperOffice.CRM.Services.IUserAgent\">User Agent</see>."),
            "From the User Agent."
        );
        assert_eq!(clean("See <see cref=\"T:A.B.Person\"/>."), "See `Person`.");
        assert_eq!(
            clean("<see cref=\"!:UserDefinedFields\" />"),
            "`UserDefinedFields`"
        );
    }

    #[test]
    fn entities_are_decoded_even_twice_encoded() {
        assert_eq!(clean("a &amp; b"), "a & b");
        assert_eq!(
            clean("E.g. &amp;apos;support&amp;apos;."),
            "E.g. 'support'."
        );
        assert_eq!(clean("&#65;&#x42; &unknown; & x"), "AB &unknown; & x");
    }

    #[test]
    fn links_and_stray_angles() {
        assert_eq!(
            clean("See <a href=\"https://x.org/rfc\">RFC</a>."),
            "See [RFC](https://x.org/rfc)."
        );
        assert_eq!(clean("a < b > c"), "a < b > c");
        assert_eq!(clean("List<int> and <b>x</b>"), "List<int> and x");
    }
}
