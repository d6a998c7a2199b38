//! Where in a JSON text a decoding error is, as a path
//! (`Credentials[1].Type`): read off the text at the line and column
//! serde_json reports, so answers decode in one pass with no path
//! tracking, and only a failure pays for finding the path. One function
//! for every type, so no code is generated per carrier for it.

/// One open container on the way to the position.
enum Frame {
    Object {
        /// The key of the member being read (or just read).
        key: Option<String>,
        /// The next string is a key.
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path of the value at 1-based `line` and `column` of `text` (as
/// serde_json reports errors): the innermost value that ends at or after
/// that position.
pub fn path_at(text: &[u8], line: usize, column: usize) -> String {
    let offset = offset_of(text, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Whether the last thing read opened a container.
    let mut opened = false;
    while i < text.len() && i < offset {
        opened = matches!(text[i], b'{' | b'[');
        match text[i] {
            b'{' => {
                stack.push(Frame::Object {
                    key: None,
                    expect_key: true,
                });
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                i += 1;
            }
            b'}' | b']' => {
                // The container ends before the position: it is not where
                // the error is.
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Array { index }) => *index += 1,
                    Some(Frame::Object { key, expect_key }) => {
                        *key = None;
                        *expect_key = true;
                    }
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = false;
                }
                i += 1;
            }
            b'"' => {
                let (s, end) = string(text, i);
                if let Some(Frame::Object {
                    key,
                    expect_key: true,
                }) = stack.last_mut()
                {
                    *key = Some(s);
                }
                i = end;
            }
            b if b.is_ascii_whitespace() => i += 1,
            // A number or a literal: up to the next delimiter.
            _ => {
                while i < text.len()
                    && !matches!(text[i], b',' | b']' | b'}' | b':')
                    && !text[i].is_ascii_whitespace()
                {
                    i += 1;
                }
            }
        }
    }
    // A container just opened is what the error is about (its type), not
    // a member of it.
    if opened {
        stack.pop();
    }
    render(&stack)
}

/// The byte offset of 1-based `line` and `column` (serde_json counts the
/// column in bytes, and points just past what it read).
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|b| *b == b'\n') {
            Some(nl) => start += nl + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// A string starting at the quote at `at`: its text (escapes kept as
/// written but for `\"` and `\\`), and the index past its closing quote.
fn string(text: &[u8], at: usize) -> (String, usize) {
    let mut out = Vec::new();
    let mut i = at + 1;
    while i < text.len() {
        match text[i] {
            b'\\' if i + 1 < text.len() => {
                match text[i + 1] {
                    b'"' | b'\\' | b'/' => out.push(text[i + 1]),
                    other => out.extend_from_slice(&[b'\\', other]),
                }
                i += 2;
            }
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), i)
}

/// `a.b[1].c`, as serde_path_to_error writes paths; `.` for the whole
/// document.
fn render(stack: &[Frame]) -> String {
    let mut out = String::new();
    for f in stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Credential {
        #[serde(rename = "Type")]
        ty: i32,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct User {
        #[serde(rename = "Name")]
        name: Option<String>,
        #[serde(rename = "Credentials")]
        credentials: Option<Vec<Credential>>,
        #[serde(rename = "List")]
        list: Option<Vec<i32>>,
    }

    /// The path of the error serde_json reports for `text` as a `User`.
    fn path(text: &str) -> String {
        let e = serde_json::from_str::<User>(text).expect_err("does not decode");
        path_at(text.as_bytes(), e.line(), e.column())
    }

    #[test]
    fn paths_of_type_errors() {
        assert_eq!(path(r#"{"List":[1,"x"]}"#), "List[1]");
        assert_eq!(path(r#"{"Name": 5}"#), "Name");
        assert_eq!(
            path(r#"{"Name": "a", "Credentials": [{"Type": 1}, {"Type": "web"}]}"#),
            "Credentials[1].Type"
        );
        assert_eq!(
            path("{\n  \"Name\": \"a\\\"b\",\n  \"List\": [\n    1,\n    true\n  ]\n}"),
            "List[1]"
        );
        assert_eq!(path(r#"{"Credentials": [{}]}"#), "Credentials[0]");
        assert_eq!(path(r#"{"Name": [1]}"#), "Name");
        // A struct read from a list takes its fields in order.
        assert_eq!(path("[1]"), "[0]");
        assert_eq!(path(r#""x""#), ".");
    }

    #[test]
    fn positions_past_the_end_are_the_end() {
        assert_eq!(offset_of(b"ab\ncd", 2, 1), 4);
        assert_eq!(offset_of(b"ab", 9, 1), 2);
    }
}
