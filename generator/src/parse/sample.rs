//! The sample sections: an HTTP message in a fenced block (`http!` for the
//! request, `http_` for the response): a start line, headers, a blank line
//! and a JSON body.
//!
//! A sample is an illustration, not the definition of the endpoint: every
//! problem found here is a warning ([`DiagKind::Sample`]) and the sample is
//! left out, so a broken sample never stops a docs tree from generating.

use super::PageCtx;
use crate::diagnostics::{DiagKind, Diagnostic, Pos};
use crate::ir::{HttpMethod, SampleBody, SampleFile, SampleRequest, SampleResponse};

/// The lines of a message with the 1-based page line of the first one.
struct Message<'a> {
    start: &'a str,
    start_line: u32,
    headers: Vec<(String, String)>,
    body: &'a str,
    body_line: u32,
}

fn split_message(text: &str, first_line: u32) -> Option<Message<'_>> {
    let mut lines = text.split_inclusive('\n').peekable();
    let mut line_no = first_line;
    let mut consumed = 0usize;
    // Skip leading blank lines.
    while let Some(l) = lines.peek() {
        if !l.trim().is_empty() {
            break;
        }
        consumed += l.len();
        line_no += 1;
        lines.next();
    }
    let start = lines.next()?;
    consumed += start.len();
    let start_line = line_no;
    line_no += 1;
    let mut headers = Vec::new();
    for l in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() {
            consumed += l.len();
            line_no += 1;
            break;
        }
        let Some((name, value)) = t.split_once(':').filter(|(n, _)| is_token(n)) else {
            // No blank line before the body: the body starts here.
            break;
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
        consumed += l.len();
        line_no += 1;
    }
    Some(Message {
        start: start.trim(),
        start_line,
        headers,
        body: &text[consumed..],
        body_line: line_no,
    })
}

/// A sample problem at `pos` of the file being read.
fn warn(ctx: &mut PageCtx<'_>, pos: Pos, message: impl Into<String>) {
    let d = Diagnostic::warning_of(DiagKind::Sample, ctx.file, pos, message);
    ctx.diags.push(d);
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
}

fn content_type(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str())
}

/// Reads a body: JSON unless the content type says otherwise. `Err` (after
/// a warning) when JSON does not parse: the sample is left out.
fn body(ctx: &mut PageCtx<'_>, msg: &Message<'_>) -> Result<Option<SampleBody>, ()> {
    let raw = msg.body.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let json = content_type(&msg.headers).is_none_or(|ct| ct.to_ascii_lowercase().contains("json"));
    if !json {
        return Ok(Some(SampleBody::Text(raw.to_string())));
    }
    match serde_json::from_str::<Box<serde_json::value::RawValue>>(raw) {
        Ok(v) => Ok(Some(SampleBody::Json(v))),
        Err(e) => {
            // serde_json counts from the trimmed body: add back what was trimmed.
            let lead = msg.body.len() - msg.body.trim_start().len();
            let lead_lines = msg.body[..lead].matches('\n').count() as u32;
            let line = msg.body_line + lead_lines + e.line().saturating_sub(1) as u32;
            warn(
                ctx,
                Pos::new(line, e.column().max(1) as u32),
                format!("expected a valid JSON sample body: {}", strip_position(&e)),
            );
            Err(())
        }
    }
}

/// serde_json's message without its own " at line X column Y" suffix.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// `POST /api/v1/Agents/User/MakeRetired` and what follows.
pub fn request(ctx: &mut PageCtx<'_>, text: &str, first_line: u32) -> Option<SampleRequest> {
    let Some(msg) = split_message(text, first_line) else {
        warn(
            ctx,
            Pos::new(first_line, 1),
            "expected a sample request line `METHOD /path`, found an empty block",
        );
        return None;
    };
    let mut parts = msg.start.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        warn(
            ctx,
            Pos::new(msg.start_line, 1),
            format!(
                "expected a sample request line `METHOD /path`, found `{}`",
                msg.start
            ),
        );
        return None;
    };
    let Some(method) = HttpMethod::parse(method) else {
        warn(ctx,
            Pos::new(msg.start_line, 1),
            format!("expected an HTTP method (GET, POST, PUT, PATCH, DELETE) in the sample request, found `{method}`"),
        );
        return None;
    };
    let body = body(ctx, &msg).ok()?;
    Some(SampleRequest {
        method,
        target: target.to_string(),
        headers: msg.headers,
        body,
        line: msg.start_line,
        file: SampleFile::Inline,
    })
}

/// `HTTP/1.1 200 OK` and what follows.
pub fn response(ctx: &mut PageCtx<'_>, text: &str, first_line: u32) -> Option<SampleResponse> {
    let Some(msg) = split_message(text, first_line) else {
        warn(
            ctx,
            Pos::new(first_line, 1),
            "expected a sample status line `HTTP/1.1 200 OK`, found an empty block",
        );
        return None;
    };
    let mut parts = msg.start.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    let reason = parts.next().unwrap_or_default().trim();
    if !version.starts_with("HTTP/") {
        warn(
            ctx,
            Pos::new(msg.start_line, 1),
            format!(
                "expected a sample status line `HTTP/1.1 200 OK`, found `{}`",
                msg.start
            ),
        );
        return None;
    }
    let Some(status) = code.parse::<u16>().ok().filter(|c| (100..600).contains(c)) else {
        warn(
            ctx,
            Pos::new(msg.start_line, version.chars().count() as u32 + 2),
            format!("expected a numeric HTTP status code in the sample response, found `{code}`"),
        );
        return None;
    };
    let body = body(ctx, &msg).ok()?;
    Some(SampleResponse {
        status,
        reason: reason.to_string(),
        headers: msg.headers,
        body,
        line: msg.start_line,
        file: SampleFile::Inline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use std::path::Path;

    fn ctx(src: &str) -> PageCtx<'_> {
        PageCtx::new(Path::new("p.md"), src)
    }

    #[test]
    fn request_with_json_body() {
        let text = "POST /api/v1/X\nAuthorization: Basic abc\nContent-Type: application/json; charset=utf-8\n\n{\n  \"A\": 1\n}\n";
        let mut c = ctx("");
        let r = request(&mut c, text, 10).expect("request");
        assert_eq!(r.method, HttpMethod::Post);
        assert_eq!(r.target, "/api/v1/X");
        assert_eq!(r.headers.len(), 2);
        let body = r.body.as_ref().and_then(SampleBody::json);
        assert_eq!(body, Some(serde_json::json!({"A": 1})));
        assert_eq!(r.line, 10);
        assert!(c.diags.is_empty());
    }

    #[test]
    fn response_null_and_reason() {
        let mut c = ctx("");
        let r = response(
            &mut c,
            "HTTP/1.1 200 AppointmentEntity  updated.\nContent-Type: application/json\n\nnull\n",
            1,
        )
        .expect("response");
        assert_eq!(r.status, 200);
        assert_eq!(r.reason, "AppointmentEntity  updated.");
        assert!(r.body.as_ref().is_some_and(SampleBody::is_null));
    }

    #[test]
    fn invalid_json_points_at_the_line() {
        let mut c = ctx("");
        let r = request(
            &mut c,
            "POST /x\nContent-Type: application/json\n\n{\n  \"A\": 1,\n  oops\n}\n",
            20,
        );
        assert!(
            r.is_none(),
            "a sample whose JSON does not parse is left out"
        );
        assert_eq!(c.diags.len(), 1);
        let d = &c.diags[0];
        assert_eq!((d.line, d.col), (25, 3));
        assert_eq!((d.severity, d.kind), (Severity::Warning, DiagKind::Sample));
        assert!(
            d.message
                .starts_with("expected a valid JSON sample body: key must be a string"),
            "{}",
            d.message
        );
    }

    #[test]
    fn bad_status_code() {
        let mut c = ctx("");
        assert!(response(&mut c, "HTTP/1.1 2OO OK\n", 7).is_none());
        assert_eq!(c.diags[0].to_string(), "p.md:7:10: warning: expected a numeric HTTP status code in the sample response, found `2OO`");
    }

    #[test]
    fn unknown_sample_method() {
        let mut c = ctx("");
        assert!(request(&mut c, "FETCH /x\n", 3).is_none());
        assert!(c.diags[0].message.contains("found `FETCH`"));
    }
}
