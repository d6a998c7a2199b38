//! The one place a documented type (a table cell, a heading suffix) becomes
//! a [`DocType`]. Matching is case-insensitive: `Integer`, `int32` and
//! `INT` are the same type.

use crate::ir::DocType;

/// What a type cell says, or why it could not be read.
pub fn parse_type(cell: &str) -> Result<DocType, String> {
    let t = cell.trim().trim_matches('`').trim();
    if t.is_empty() {
        return Ok(DocType::Unknown);
    }
    if let Some(values) = strip_prefix_ci(t, "enum:") {
        let values = values
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        return Ok(DocType::Enum(values));
    }
    if let Some(scalar) = scalar(t) {
        return Ok(scalar);
    }
    if let Some(item) = t.strip_suffix("[]") {
        return Ok(DocType::Array(Some(Box::new(parse_type(item)?))));
    }
    if let Some(item) = strip_prefix_ci(t, "array of ") {
        return Ok(DocType::Array(Some(Box::new(parse_type(item)?))));
    }
    for generic in ["list<", "ienumerable<", "array<"] {
        if let Some(item) = strip_prefix_ci(t, generic).and_then(|r| r.strip_suffix('>')) {
            return Ok(DocType::Array(Some(Box::new(parse_type(item)?))));
        }
    }
    let is_name = t
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && t.starts_with(|c: char| c.is_alphabetic() || c == '_');
    if is_name {
        // `SuperOffice.CRM.Services.User` names the carrier `User`.
        let name = t.rsplit('.').next().unwrap_or(t);
        return Ok(DocType::Carrier(name.to_string()));
    }
    Err(format!(
        "expected a type (`int32`, `string`, `Enum: A, B`, a carrier name, …), found `{t}`"
    ))
}

fn scalar(t: &str) -> Option<DocType> {
    Some(match t.to_ascii_lowercase().as_str() {
        "int32" | "integer" | "int" | "short" | "int16" => DocType::Int32,
        "int64" | "long" => DocType::Int64,
        "string" | "guid" | "uuid" | "char" => DocType::String,
        "bool" | "boolean" => DocType::Bool,
        "double" | "float" | "decimal" | "number" | "single" => DocType::Double,
        "date-time" | "datetime" | "date" | "datetimeoffset" => DocType::DateTime,
        "byte" | "binary" | "stream" | "byte[]" | "file" => DocType::Binary,
        "array" => DocType::Array(None),
        "object" | "dictionary" | "map" => DocType::Object,
        _ => return None,
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> DocType {
        parse_type(s).expect(s)
    }

    #[test]
    fn scalars_of_every_generation() {
        assert_eq!(ok("int32"), DocType::Int32);
        assert_eq!(ok("Integer"), DocType::Int32);
        assert_eq!(ok("Long"), DocType::Int64);
        assert_eq!(ok("String"), DocType::String);
        assert_eq!(ok("Boolean"), DocType::Bool);
        assert_eq!(ok("decimal"), DocType::Double);
        assert_eq!(ok("DateTime"), DocType::DateTime);
        assert_eq!(ok("date-time"), DocType::DateTime);
        assert_eq!(ok("byte"), DocType::Binary);
        assert_eq!(ok("Stream"), DocType::Binary);
        assert_eq!(ok("Array"), DocType::Array(None));
        assert_eq!(ok("Object"), DocType::Object);
        assert_eq!(ok(""), DocType::Unknown);
        assert_eq!(ok("  "), DocType::Unknown);
    }

    #[test]
    fn enums_carriers_and_arrays() {
        assert_eq!(
            ok("Enum: Slim, Wide, Full"),
            DocType::Enum(vec!["Slim".into(), "Wide".into(), "Full".into()])
        );
        assert_eq!(ok("TableRight"), DocType::Carrier("TableRight".into()));
        assert_eq!(
            ok("SuperOffice.CRM.Services.User"),
            DocType::Carrier("User".into())
        );
        assert_eq!(
            ok("Role[]"),
            DocType::Array(Some(Box::new(DocType::Carrier("Role".into()))))
        );
        assert_eq!(
            ok("List<int>"),
            DocType::Array(Some(Box::new(DocType::Int32)))
        );
    }

    #[test]
    fn prose_is_not_a_type() {
        let e = parse_type("see below").unwrap_err();
        assert!(e.contains("found `see below`"), "{e}");
    }
}
