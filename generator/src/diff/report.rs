//! The report: every change, how much it matters to a caller, and the
//! semver verdict. Serialises to the `--json` form as is (fields in
//! declaration order, lists sorted by [`compare`](fn@super::compare)).

use serde::Serialize;

use crate::diagnostics::Diagnostic;

/// How much a change matters to code that uses the generated crate, in
/// increasing order; the verdict is the largest impact of any change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Not visible in the generated crate (a page's uid, say).
    None,
    /// The crate changes but its API does not: docs, wire names, the HTTP
    /// method or path an operation calls.
    Patch,
    /// Only additions: endpoints, types, fields, enum values, optional
    /// query parameters.
    Minor,
    /// Something a caller uses disappears or changes type.
    Major,
}

impl Impact {
    /// `none`, `patch`, `minor`, `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::None => "none",
            Impact::Patch => "patch",
            Impact::Minor => "minor",
            Impact::Major => "major",
        }
    }

    /// What the verdict means for the crate's version, in a few words.
    pub fn meaning(self) -> &'static str {
        match self {
            Impact::None => "nothing a user of the crate can see changed",
            Impact::Patch => {
                "the crate changes, its API does not (docs, wire names, HTTP methods or paths)"
            }
            Impact::Minor => "only additions; existing callers keep compiling",
            Impact::Major => "breaking: something callers use was removed or changed type",
        }
    }
}

/// Whether an item is new, gone, or there on both sides but different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the new tree.
    Added,
    /// Only in the old tree.
    Removed,
    /// In both, different.
    Changed,
}

/// The part of an endpoint or a type a [`Detail`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// The Rust method name (`get_user`).
    Method,
    /// The group (agent or resource) the method is on (`UserAgent`).
    Group,
    /// A positional argument: a path or required query parameter.
    Parameter,
    /// An optional query parameter (a field of the call's query struct).
    OptionalParameter,
    /// The query struct `.query(…)` takes.
    QueryStruct,
    /// The request body argument.
    Body,
    /// What the call returns.
    Response,
    /// The HTTP method the call sends.
    HttpMethod,
    /// The URL path the call sends to.
    Path,
    /// The page's uid (endpoints matched by method and path).
    Uid,
    /// What a type is (struct, enum, opaque JSON).
    Kind,
    /// A struct field.
    Field,
    /// An enum value.
    Value,
    /// The item's own doc comment.
    Doc,
}

impl Part {
    /// How the part reads in the Markdown report.
    pub fn label(self) -> &'static str {
        match self {
            Part::Method => "method",
            Part::Group => "group",
            Part::Parameter => "parameter",
            Part::OptionalParameter => "optional parameter",
            Part::QueryStruct => "query struct",
            Part::Body => "request body",
            Part::Response => "response",
            Part::HttpMethod => "HTTP method",
            Part::Path => "path",
            Part::Uid => "page uid",
            Part::Kind => "kind",
            Part::Field => "field",
            Part::Value => "value",
            Part::Doc => "doc",
        }
    }
}

/// What happened to a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// Its Rust type changed (`old` → `new`).
    Retyped,
    /// Its Rust name changed (`old` → `new`).
    Renamed,
    /// Same Rust name, different name on the wire (`old` → `new`).
    WireRenamed,
    /// Positional arguments in a different order (`old` → `new`).
    Reordered,
    /// Changed otherwise (`old` → `new`).
    Changed,
    /// Its doc comment changed.
    DocChanged,
}

impl Change {
    /// How the change reads in the Markdown report.
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Retyped => "retyped",
            Change::Renamed => "renamed",
            Change::WireRenamed => "renamed on the wire",
            Change::Reordered => "reordered",
            Change::Changed => "changed",
            Change::DocChanged => "doc changed",
        }
    }
}

/// One change inside an endpoint or a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Detail {
    /// How much this change matters.
    pub impact: Impact,
    /// What changed.
    pub part: Part,
    /// The parameter, field or value (its Rust name); `None` for the item
    /// itself (its method, path, response, …).
    pub name: Option<String>,
    /// How it changed.
    pub change: Change,
    /// The old side, as Rust or as on the wire (`None` when added).
    pub old: Option<String>,
    /// The new side (`None` when removed).
    pub new: Option<String>,
}

impl Detail {
    /// A change of `part` (of the member `name`, or of the item itself).
    pub fn new(
        impact: Impact,
        part: Part,
        name: Option<&str>,
        change: Change,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Self {
        Detail {
            impact,
            part,
            name: name.map(str::to_string),
            change,
            old: old.map(str::to_string),
            new: new.map(str::to_string),
        }
    }
}

/// An endpoint added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointDiff {
    /// The stable key: the page's uid (the new page's when the two were
    /// matched by method and path).
    pub key: String,
    /// Added, removed or changed.
    pub status: Status,
    /// Added: minor; removed: major; changed: its largest detail.
    pub impact: Impact,
    /// `UserAgent`: the group struct (the new side's when changed).
    pub group: String,
    /// `get_user`: the Rust method.
    pub method: String,
    /// `POST /api/v1/Agents/User/GetUser`.
    pub http: String,
    /// Sorted by impact (largest first), then part and name; empty when
    /// added or removed.
    pub details: Vec<Detail>,
}

/// What kind of named type a [`TypeDiff`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeKind {
    /// A carrier struct (`types::User`).
    Struct,
    /// A string enum (`types::UserType`).
    Enum,
    /// An alias of `serde_json::Value` (`types::X`).
    Opaque,
    /// A group's struct of optional query parameters (`user_agent::SelectQuery`).
    QueryStruct,
}

impl TypeKind {
    /// How the kind reads in the Markdown report.
    pub fn label(self) -> &'static str {
        match self {
            TypeKind::Struct => "struct",
            TypeKind::Enum => "enum",
            TypeKind::Opaque => "opaque type",
            TypeKind::QueryStruct => "query struct",
        }
    }
}

/// A named type added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeDiff {
    /// `User` (in `types`), or `user_agent::SelectQuery`.
    pub name: String,
    /// The new side's kind (the old one's when removed).
    pub kind: TypeKind,
    /// Added, removed or changed.
    pub status: Status,
    /// Added: minor; removed: major; changed: its largest detail.
    pub impact: Impact,
    /// Sorted like [`EndpointDiff::details`].
    pub details: Vec<Detail>,
}

/// Which docs tree something comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The tree compared from.
    Old,
    /// The tree compared to.
    New,
}

/// A page left out of the comparison: its error, and the side it is on.
/// A page that fails on either side is left out on both (matched by its
/// path in the tree), so it never shows as added or removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// The tree the page is in.
    pub side: Side,
    /// One of the page's errors (a page may have several).
    pub diagnostic: Diagnostic,
}

/// Counts, for the report's head.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Only in the new tree.
    pub added: usize,
    /// Only in the old tree.
    pub removed: usize,
    /// In both, different.
    pub changed: usize,
}

impl Counts {
    fn of(statuses: impl Iterator<Item = Status>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            match s {
                Status::Added => c.added += 1,
                Status::Removed => c.removed += 1,
                Status::Changed => c.changed += 1,
            }
        }
        c
    }
}

/// Everything that changed between two docs trees, for users of the
/// crate generated from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The old docs tree, as given.
    pub old: String,
    /// The new docs tree, as given.
    pub new: String,
    /// The largest impact of any change ([`Impact::None`] when nothing changed).
    pub verdict: Impact,
    /// Endpoints compared (present on both sides).
    pub endpoints_compared: usize,
    /// Endpoints added, removed, changed.
    pub endpoint_counts: Counts,
    /// Types added, removed, changed.
    pub type_counts: Counts,
    /// Sorted by key.
    pub endpoints: Vec<EndpointDiff>,
    /// Sorted by name.
    pub types: Vec<TypeDiff>,
    /// Pages left out because they have errors; the verdict covers the rest.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Builds a report from its (sorted) parts, counting and taking the
    /// verdict.
    pub fn new(
        old: String,
        new: String,
        endpoints_compared: usize,
        endpoints: Vec<EndpointDiff>,
        types: Vec<TypeDiff>,
        problems: Vec<Problem>,
    ) -> Report {
        let verdict = endpoints
            .iter()
            .map(|e| e.impact)
            .chain(types.iter().map(|t| t.impact))
            .max()
            .unwrap_or(Impact::None);
        Report {
            old,
            new,
            verdict,
            endpoints_compared,
            endpoint_counts: Counts::of(endpoints.iter().map(|e| e.status)),
            type_counts: Counts::of(types.iter().map(|t| t.status)),
            endpoints,
            types,
            problems,
        }
    }

    /// True when every page of both trees was compared.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
    }

    /// The `--json` form: pretty-printed, keys in a fixed order, lists sorted.
    pub fn to_json(&self) -> String {
        // Serialising plain structs, strings and enums cannot fail.
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impacts_order_from_none_to_major() {
        assert!(Impact::None < Impact::Patch);
        assert!(Impact::Patch < Impact::Minor);
        assert!(Impact::Minor < Impact::Major);
    }

    #[test]
    fn verdict_is_the_largest_impact_and_none_when_empty() {
        let r = Report::new("a".into(), "b".into(), 0, vec![], vec![], vec![]);
        assert_eq!(r.verdict, Impact::None);
        let t = |impact, status| TypeDiff {
            name: "X".into(),
            kind: TypeKind::Struct,
            status,
            impact,
            details: vec![],
        };
        let r = Report::new(
            "a".into(),
            "b".into(),
            0,
            vec![],
            vec![
                t(Impact::Minor, Status::Added),
                t(Impact::Patch, Status::Changed),
            ],
            vec![],
        );
        assert_eq!(r.verdict, Impact::Minor);
        assert_eq!(r.type_counts.added, 1);
        assert_eq!(r.type_counts.changed, 1);
    }

    #[test]
    fn json_names_are_lowercase_and_kebab() {
        let d = Detail {
            impact: Impact::Patch,
            part: Part::OptionalParameter,
            name: Some("user_id".into()),
            change: Change::WireRenamed,
            old: Some("UserId".into()),
            new: Some("userId".into()),
        };
        let v = serde_json::to_value(&d).unwrap_or_default();
        assert_eq!(v["impact"], "patch");
        assert_eq!(v["part"], "optional-parameter");
        assert_eq!(v["change"], "wire-renamed");
    }
}
