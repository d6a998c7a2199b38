//! The parsed model of one reference page: everything the page says about
//! its endpoint, typed, with the line each piece came from.
//!
//! This is what the parser produces and what later stages (resolve, emit,
//! facts) consume. It says what the *page* says: a property typed `array`
//! stays [`DocType::Array`] without an item type here; working out item
//! types from samples is the resolver's job.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// One endpoint page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// The page's `uid` from its front matter, e.g. `v1UserAgent_MakeRetired`.
    pub uid: String,
    /// The page's path relative to the docs root, with `/` separators.
    pub source: String,
    pub front_matter: FrontMatter,
    pub method: HttpMethod,
    /// The path of the first `http` block, without a query string.
    pub path: PathTemplate,
    pub summary: Option<Doc>,
    pub description: Option<Doc>,
    /// Admonitions found in the page text (Online restrictions, slow-call thresholds).
    pub notes: Vec<Note>,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub headers: Vec<HeaderDoc>,
    pub request_body: Option<RequestBody>,
    /// The status table, in page order.
    pub responses: Vec<ResponseStatus>,
    /// `None` when no 2xx response has content.
    pub response_body: Option<ResponseBody>,
    pub sample_request: Sample<SampleRequest>,
    pub sample_response: Sample<SampleResponse>,
}

/// A path as a page writes it (`/api/v1/Person/{id}/Image`), parsed once:
/// its literal text and `{variables}`, in order. A `{` without a closing
/// `}` is literal text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathTemplate {
    raw: String,
    parts: Vec<PathPart>,
}

/// A piece of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// A `{name}`, by its name.
    Var(String),
}

impl PathTemplate {
    /// Parses a path template.
    pub fn parse(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let mut parts = Vec::new();
        let mut rest = raw.as_str();
        while let Some(i) = rest.find('{') {
            let Some(j) = rest[i..].find('}') else { break };
            if i > 0 {
                parts.push(PathPart::Literal(rest[..i].to_string()));
            }
            parts.push(PathPart::Var(rest[i + 1..i + j].to_string()));
            rest = &rest[i + j + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        PathTemplate { raw, parts }
    }

    /// The template as the page writes it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Its literal text and variables, in order.
    pub fn parts(&self) -> &[PathPart] {
        &self.parts
    }

    /// The names of its variables, in order.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            PathPart::Var(v) => Some(v.as_str()),
            PathPart::Literal(_) => None,
        })
    }

    /// Whether `actual` (a sample's path) is this template filled in,
    /// segment by segment: a `{var}` segment matches any non-empty
    /// segment; literal segments compare without regard to ASCII case (the
    /// WebAPI's routes are case-insensitive).
    pub fn matches(&self, actual: &str) -> bool {
        let t: Vec<&str> = self.raw.trim_end_matches('/').split('/').collect();
        let a: Vec<&str> = actual.trim_end_matches('/').split('/').collect();
        t.len() == a.len()
            && t.iter().zip(&a).all(|(t, a)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !a.is_empty()
                } else {
                    t.eq_ignore_ascii_case(a)
                }
            })
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for PathTemplate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl From<&str> for PathTemplate {
    fn from(raw: &str) -> Self {
        PathTemplate::parse(raw)
    }
}

impl PartialEq<&str> for PathTemplate {
    fn eq(&self, other: &&str) -> bool {
        self.raw == *other
    }
}

/// The front matter: the known keys, and every other key kept as YAML.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// An HTTP method a reference page can document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Head,
        HttpMethod::Options,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Parses an upper-case method name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Page text as clean markdown: `<para />` turned into paragraph breaks,
/// `<see cref>` into plain names, HTML entities decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Doc(pub String);

impl Doc {
    /// `None` for text that is empty once cleaned.
    pub fn from_text(s: String) -> Option<Doc> {
        let t = s.trim();
        (!t.is_empty()).then(|| Doc(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Admonitions the pages carry in their text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// `## Online Restricted: ## …`: not available in SuperOffice Online by default.
    OnlineRestricted { text: String },
    /// `## Experimental: ## …`
    Experimental { text: String },
    /// `NsApiSlow threshold: 2000 ms.`: calls slower than this are logged.
    SlowThreshold { millis: u32 },
}

/// A documented type, normalised from a table cell or heading.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum DocType {
    Int32,
    Int64,
    String,
    Bool,
    Double,
    DateTime,
    Binary,
    /// An array; the item type when the page names it (`Foo[]`, `array of Foo`).
    Array(Option<Box<DocType>>),
    /// A JSON object without a documented shape (`ExtraFields`, `CustomFields`).
    Object,
    /// `Enum: A, B, C`: the values the page lists.
    Enum(Vec<String>),
    /// A carrier (named object type), e.g. `User`, `TableRight`.
    Carrier(String),
    /// The page leaves the type cell empty.
    Unknown,
}

impl DocType {
    /// The name `facts` prints for this type (see `shared/corpus/FACTS.md`).
    pub fn fact_name(&self) -> &str {
        match self {
            DocType::Int32 => "int32",
            DocType::Int64 => "int64",
            DocType::String => "string",
            DocType::Bool => "bool",
            DocType::Double => "double",
            DocType::DateTime => "date-time",
            DocType::Binary => "binary",
            DocType::Array(_) => "array",
            DocType::Object => "object",
            DocType::Enum(_) => "enum",
            DocType::Carrier(name) => name,
            DocType::Unknown => "unknown",
        }
    }
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// The name on the wire, exactly as documented (`$select`, `id`).
    pub name: String,
    pub ty: DocType,
    pub description: Option<Doc>,
    /// Marked `**Required**` on the page.
    pub required: bool,
    pub line: u32,
}

/// A request header the page documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderDoc {
    pub name: String,
    pub description: Option<Doc>,
}

/// A row of a property table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Property {
    /// The JSON name, exactly as documented (`odata.nextLink`, `_Links`).
    pub name: String,
    pub ty: DocType,
    pub description: Option<Doc>,
    pub line: u32,
}

/// `## Request Body: NAME [binary]` and what follows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestBody {
    /// The parameter name after `Request Body:` (`request`, `user`).
    pub name: String,
    /// A multipart/binary upload (`## Request Body: image binary`).
    pub binary: bool,
    /// The line under the heading (a list of the properties, or prose).
    pub summary: Option<Doc>,
    pub properties: Vec<Property>,
    pub line: u32,
}

/// A row of the response status table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseStatus {
    pub code: u16,
    pub description: Option<Doc>,
    pub line: u32,
}

impl ResponseStatus {
    /// A 2xx status that carries a body (everything 2xx but 204).
    pub fn has_content(&self) -> bool {
        (200..300).contains(&self.code) && self.code != 204
    }
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseBody {
    /// The element type (for arrays) or the type; `None` when the page says
    /// only `array` or nothing.
    pub ty: Option<DocType>,
    /// The endpoint returns a JSON array of `ty`.
    pub array: bool,
    pub properties: Vec<Property>,
    pub line: u32,
}

/// A sample section: a parsed HTTP message, an include of a sample kept
/// elsewhere that was not read, or nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sample<T> {
    Absent,
    /// `[!include[sample request](path)]` whose file was not read (it is
    /// missing, leads out of the docs tree, or its sample is broken).
    Include(Include),
    /// The message, inline or read from the included file.
    Message(T),
}

impl<T> Sample<T> {
    pub fn message(&self) -> Option<&T> {
        match self {
            Sample::Message(m) => Some(m),
            _ => None,
        }
    }
}

/// `[!include[title](target)]` in a sample section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Include {
    /// The path as written, relative to the page's own file.
    pub target: String,
    /// Where the include is on the page.
    pub line: u32,
    pub col: u32,
}

/// Where a sample message was written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(tag = "kind", content = "file", rename_all = "snake_case")]
pub enum SampleFile {
    /// In the page itself.
    #[default]
    Inline,
    /// In an included file (relative to the docs root, `/` separators).
    Included(String),
}

/// A body of a sample message.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum SampleBody {
    /// JSON (the literal `null` included), validated and kept as written;
    /// [`SampleBody::json`] parses it.
    Json(#[serde(serialize_with = "raw_as_value")] Box<serde_json::value::RawValue>),
    /// A body that is not JSON (the content type says so).
    Text(String),
}

impl SampleBody {
    /// The JSON value (`None` for a text body).
    pub fn json(&self) -> Option<serde_json::Value> {
        match self {
            SampleBody::Json(raw) => serde_json::from_str(raw.get()).ok(),
            SampleBody::Text(_) => None,
        }
    }

    /// A JSON array body.
    pub fn is_json_array(&self) -> bool {
        matches!(self, SampleBody::Json(raw) if raw.get().starts_with('['))
    }

    /// The literal `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, SampleBody::Json(raw) if raw.get() == "null")
    }
}

/// Serialises raw JSON as the value it holds, for any serializer (snapshots).
fn raw_as_value<S: serde::Serializer>(
    raw: &serde_json::value::RawValue,
    s: S,
) -> Result<S::Ok, S::Error> {
    let v: serde_json::Value =
        serde_json::from_str(raw.get()).map_err(serde::ser::Error::custom)?;
    v.serialize(s)
}

impl PartialEq for SampleBody {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SampleBody::Json(a), SampleBody::Json(b)) => a.get() == b.get(),
            (SampleBody::Text(a), SampleBody::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// `## Sample request`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRequest {
    pub method: HttpMethod,
    /// The request target as written, query string included.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<SampleBody>,
    /// The line of the request line, in `file`.
    pub line: u32,
    pub file: SampleFile,
}

/// `## Sample response`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<SampleBody>,
    /// The line of the status line, in `file`.
    pub line: u32,
    pub file: SampleFile,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_template_is_parsed_once_into_text_and_variables() {
        let t = PathTemplate::parse("/a/{x}/b/{y}");
        assert_eq!(t.vars().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(
            t.parts(),
            [
                PathPart::Literal("/a/".into()),
                PathPart::Var("x".into()),
                PathPart::Literal("/b/".into()),
                PathPart::Var("y".into()),
            ]
        );
        assert_eq!(t.to_string(), "/a/{x}/b/{y}");
        let unclosed = PathTemplate::parse("/a/{x");
        assert_eq!(unclosed.vars().count(), 0);
        assert_eq!(unclosed.parts(), [PathPart::Literal("/a/{x".into())]);
    }

    #[test]
    fn a_sample_path_matches_its_template_segment_by_segment() {
        let t = PathTemplate::parse("/api/v1/Person/{id}/Image");
        assert!(t.matches("/api/v1/person/12/image/"));
        assert!(!t.matches("/api/v1/Person//Image"));
        assert!(!t.matches("/api/v1/Person/12"));
    }
}
