//! The one place wire names become Rust identifiers.

use heck::{ToPascalCase, ToSnakeCase};

/// Words Rust reserves (strict and reserved keywords, 2021 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The case an identifier is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// fields, functions, modules: `odata_next_link`
    Snake,
    /// types, variants: `LicenseOwner`
    Pascal,
}

/// Any wire name → a Rust identifier: cased, non-identifier characters
/// dropped as word breaks, a leading digit prefixed, a keyword suffixed
/// with `_`. Never empty.
pub fn sanitize(wire: &str, case: Case) -> String {
    let words: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut id = match case {
        Case::Snake => words.to_snake_case(),
        Case::Pascal => words.to_pascal_case(),
    };
    if id.is_empty() {
        id = match case {
            Case::Snake => "value".into(),
            Case::Pascal => "Value".into(),
        };
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, if case == Case::Snake { 'n' } else { 'N' });
        id.insert(1, '_');
    }
    if KEYWORDS.contains(&id.as_str()) || id == "Self" {
        id.push('_');
    }
    id
}

/// A carrier name from a page as a Rust type name: kept as written when it
/// already is one (`MDOListItem`, `ODataSlimResponse`), so the type is
/// named as SuperOffice names it; otherwise [`sanitize`]d.
pub fn carrier_name(raw: &str) -> String {
    let is_ident = raw.starts_with(|c: char| c.is_ascii_uppercase())
        && raw.chars().all(|c| c.is_ascii_alphanumeric())
        && raw != "Self";
    if is_ident {
        raw.to_string()
    } else {
        sanitize(raw, Case::Pascal)
    }
}

/// Hands out identifiers unique within one scope (a struct's fields, an
/// enum's variants, a group's methods): a clash gets `_2`, `_3`, …
#[derive(Debug, Default)]
pub struct Scope {
    taken: std::collections::BTreeSet<String>,
}

impl Scope {
    /// A type name unique in this scope: a clash gets `2`, `3`, …
    pub fn unique_type(&mut self, id: String) -> String {
        if self.taken.insert(id.clone()) {
            return id;
        }
        (2..)
            .map(|n| format!("{id}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or(id)
    }

    pub fn unique(&mut self, id: String) -> String {
        if self.taken.insert(id.clone()) {
            return id;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{id}_{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// The field of a carrier that keeps what the pages do not document:
/// `other_fields`, unless a documented field (by its Rust name) already is.
pub fn extra_field<'a>(field_names: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let mut name = String::from("other_fields");
    while field_names.clone().into_iter().any(|f| f == name) {
        name.push('_');
    }
    name
}

/// Type names a reader takes for std's or serde's (`Value` rows would read
/// like `serde_json::Value`): an item type never gets one of these alone.
const CONFUSING: &[&str] = &["Value", "Option", "Result", "String", "Vec", "Box", "Error"];

/// A plural property name → the singular for its items' type:
/// `LicenseOwners` → `LicenseOwner`, `TicketCategories` → `TicketCategory`;
/// a name that is not plural names its items itself (`VisibleFor`), but
/// `value` items are `ValueItem`.
pub fn singular(name: &str) -> String {
    let pascal = sanitize(name, Case::Pascal);
    let one = if let Some(stem) = pascal.strip_suffix("ies") {
        format!("{stem}y")
    } else if pascal.ends_with("sses") || pascal.ends_with("xes") {
        pascal[..pascal.len() - 2].to_string()
    } else if pascal.ends_with('s') && !pascal.ends_with("ss") && !pascal.ends_with("us") {
        pascal[..pascal.len() - 1].to_string()
    } else {
        pascal
    };
    if CONFUSING.contains(&one.as_str()) {
        format!("{one}Item")
    } else {
        one
    }
}

/// The operation part of a uid: `v1UserAgent_MakeRetired` → `MakeRetired`.
pub fn op_name(uid: &str) -> &str {
    uid.split_once('_').map_or(uid, |(_, op)| op)
}

/// The group part of a uid: `v1UserAgent_MakeRetired` → `UserAgent`.
pub fn uid_group(uid: &str) -> &str {
    let group = uid.split_once('_').map_or("", |(g, _)| g);
    let digits = group
        .strip_prefix('v')
        .map_or(0, |r| r.chars().take_while(char::is_ascii_digit).count());
    if digits > 0 {
        &group[1 + digits..]
    } else {
        group
    }
}

/// Names for types only one endpoint defines (`MakeRetiredRequest`).
#[derive(Debug, Default)]
pub struct Invented {
    /// How many endpoints share each operation name (`Search` is in several agents).
    op_counts: std::collections::BTreeMap<String, usize>,
}

impl Invented {
    /// Counts the operation names of these uids.
    pub fn new<'a>(uids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut op_counts = std::collections::BTreeMap::new();
        for uid in uids {
            *op_counts.entry(op_name(uid).to_string()).or_insert(0) += 1;
        }
        Invented { op_counts }
    }

    /// `<Operation><suffix>`, qualified by the group when another endpoint
    /// has the same operation name (`AiAgentSearchRequest`), so unrelated
    /// bodies never merge.
    pub fn name(&self, uid: &str, suffix: &str) -> String {
        let op = op_name(uid);
        let base = if self.op_counts.get(op).copied().unwrap_or(0) > 1 {
            format!("{}{op}", uid_group(uid))
        } else {
            op.to_string()
        };
        format!("{}{suffix}", sanitize(&base, Case::Pascal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_to_fields() {
        assert_eq!(sanitize("AssociateId", Case::Snake), "associate_id");
        assert_eq!(sanitize("odata.nextLink", Case::Snake), "odata_next_link");
        assert_eq!(sanitize("_Links", Case::Snake), "links");
        assert_eq!(sanitize("$select", Case::Snake), "select");
        assert_eq!(sanitize("Type", Case::Snake), "type_");
        assert_eq!(sanitize("self", Case::Snake), "self_");
        assert_eq!(
            sanitize("PreferredTZLocation", Case::Snake),
            "preferred_tz_location"
        );
        assert_eq!(sanitize("1stPlace", Case::Snake), "n_1st_place");
        assert_eq!(sanitize("", Case::Snake), "value");
        assert_eq!(sanitize("SuperOffice:1", Case::Pascal), "SuperOffice1");
        assert_eq!(sanitize("Self", Case::Pascal), "Self_");
    }

    #[test]
    fn carrier_names_stay_as_the_pages_write_them() {
        assert_eq!(carrier_name("MDOListItem"), "MDOListItem");
        assert_eq!(carrier_name("ODataSlimResponse"), "ODataSlimResponse");
        assert_eq!(carrier_name("Self"), "Self_");
        assert_eq!(carrier_name("list-item"), "ListItem");
        assert_eq!(carrier_name("person"), "Person");
    }

    #[test]
    fn scopes_resolve_clashes() {
        let mut s = Scope::default();
        assert_eq!(s.unique("links".into()), "links");
        assert_eq!(s.unique("links".into()), "links_2");
        assert_eq!(s.unique("links".into()), "links_3");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("LicenseOwners"), "LicenseOwner");
        assert_eq!(singular("TicketCategories"), "TicketCategory");
        assert_eq!(singular("Credentials"), "Credential");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Status"), "Status");
        assert_eq!(singular("VisibleFor"), "VisibleFor");
        assert_eq!(singular("value"), "ValueItem");
        assert_eq!(singular("Values"), "ValueItem");
    }

    #[test]
    fn invented_names_are_qualified_only_when_shared() {
        let names = Invented::new([
            "v1AIAgent_Search",
            "v1FindAgent_Search",
            "v1UserAgent_MakeRetired",
        ]);
        assert_eq!(
            names.name("v1AIAgent_Search", "Request"),
            "AiAgentSearchRequest"
        );
        assert_eq!(
            names.name("v1UserAgent_MakeRetired", "Item"),
            "MakeRetiredItem"
        );
        assert_eq!(uid_group("v12FooAgent_X"), "FooAgent");
        assert_eq!(op_name("v1UserAgent_MakeRetired"), "MakeRetired");
    }

    #[test]
    fn the_unlisted_fields_field_never_takes_a_documented_name() {
        assert_eq!(extra_field(["id", "name"]), "other_fields");
        assert_eq!(extra_field(["other_fields"]), "other_fields_");
        assert_eq!(
            extra_field(["other_fields", "other_fields_"]),
            "other_fields__"
        );
    }
}
