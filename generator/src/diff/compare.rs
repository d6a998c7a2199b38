//! Two [`Surface`]s → the endpoints and types that differ, each change
//! rated by its [`Impact`] (the rules are in the [module docs](super)).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::report::{Change, Detail, EndpointDiff, Impact, Part, Status, TypeDiff, TypeKind};
use super::surface::{EndpointSurface, Member, Place, Surface, TypeSurface};

/// What [`compare`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Endpoints present on both sides.
    pub endpoints_compared: usize,
    /// Sorted by key.
    pub endpoints: Vec<EndpointDiff>,
    /// Sorted by name.
    pub types: Vec<TypeDiff>,
}

/// Compares the old surface with the new one.
///
/// Endpoints are matched by key (the page uid); those left over on both
/// sides are matched by HTTP method and path when exactly one endpoint on
/// each side has them, so a page whose uid changed shows as changed.
pub fn compare(old: &Surface, new: &Surface) -> Changes {
    let mut pairs: Vec<(&str, &EndpointSurface, &EndpointSurface, bool)> = Vec::new();
    let mut old_only: BTreeMap<&str, &EndpointSurface> = BTreeMap::new();
    let mut new_only: BTreeMap<&str, &EndpointSurface> = new
        .endpoints
        .iter()
        .filter(|(k, _)| !old.endpoints.contains_key(*k))
        .map(|(k, e)| (k.as_str(), e))
        .collect();
    for (k, o) in &old.endpoints {
        match new.endpoints.get(k) {
            Some(n) => pairs.push((k, o, n, false)),
            None => {
                old_only.insert(k, o);
            }
        }
    }
    // The fallback: unique method + path on each side.
    fn by_http<'a>(m: &BTreeMap<&'a str, &EndpointSurface>) -> BTreeMap<String, Vec<&'a str>> {
        let mut h: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
        for (k, e) in m {
            h.entry(e.http()).or_default().push(*k);
        }
        h
    }
    let (old_http, new_http) = (by_http(&old_only), by_http(&new_only));
    for (http, old_keys) in &old_http {
        if let (Some(new_keys), [ok]) = (new_http.get(http), old_keys.as_slice()) {
            if let [nk] = new_keys.as_slice() {
                if let (Some(o), Some(n)) = (old_only.remove(ok), new_only.remove(nk)) {
                    pairs.push((nk, o, n, true));
                }
            }
        }
    }

    let mut endpoints = Vec::new();
    for (key, o, n, by_http) in &pairs {
        let mut details = endpoint_details(o, n);
        if *by_http {
            details.push(Detail::new(
                Impact::None,
                Part::Uid,
                None,
                Change::Renamed,
                Some(&o.uid),
                Some(&n.uid),
            ));
        }
        if !details.is_empty() {
            endpoints.push(changed_endpoint(key, n, details));
        }
    }
    for (key, e, status, impact) in old_only
        .iter()
        .map(|(k, e)| (k, e, Status::Removed, Impact::Major))
        .chain(
            new_only
                .iter()
                .map(|(k, e)| (k, e, Status::Added, Impact::Minor)),
        )
    {
        endpoints.push(EndpointDiff {
            key: key.to_string(),
            status,
            impact,
            group: e.group.clone(),
            method: e.method.clone(),
            http: e.http(),
            details: Vec::new(),
        });
    }
    endpoints.sort_by(|a, b| (&a.key, a.status).cmp(&(&b.key, b.status)));

    let names: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    let mut types = Vec::new();
    for name in names {
        let d = match (old.types.get(name), new.types.get(name)) {
            (Some(o), None) => TypeDiff {
                name: name.clone(),
                kind: kind(o),
                status: Status::Removed,
                impact: Impact::Major,
                details: Vec::new(),
            },
            (None, Some(n)) => TypeDiff {
                name: name.clone(),
                kind: kind(n),
                status: Status::Added,
                impact: Impact::Minor,
                details: Vec::new(),
            },
            (Some(o), Some(n)) => {
                let details = sorted(type_details(o, n));
                if details.is_empty() {
                    continue;
                }
                TypeDiff {
                    name: name.clone(),
                    kind: kind(n),
                    status: Status::Changed,
                    impact: max_impact(&details),
                    details,
                }
            }
            (None, None) => continue,
        };
        types.push(d);
    }
    Changes {
        endpoints_compared: pairs.len(),
        endpoints,
        types,
    }
}

fn changed_endpoint(key: &str, n: &EndpointSurface, details: Vec<Detail>) -> EndpointDiff {
    let details = sorted(details);
    EndpointDiff {
        key: key.to_string(),
        status: Status::Changed,
        impact: max_impact(&details),
        group: n.group.clone(),
        method: n.method.clone(),
        http: n.http(),
        details,
    }
}

fn max_impact(details: &[Detail]) -> Impact {
    details
        .iter()
        .map(|d| d.impact)
        .max()
        .unwrap_or(Impact::None)
}

/// Largest impact first, then by part, name and change.
fn sorted(mut details: Vec<Detail>) -> Vec<Detail> {
    details.sort_by(|a, b| {
        (Reverse(a.impact), a.part, &a.name, a.change, &a.old, &a.new).cmp(&(
            Reverse(b.impact),
            b.part,
            &b.name,
            b.change,
            &b.old,
            &b.new,
        ))
    });
    details
}

fn kind(t: &TypeSurface) -> TypeKind {
    match t {
        TypeSurface::Struct { .. } => TypeKind::Struct,
        TypeSurface::Enum { .. } => TypeKind::Enum,
        TypeSurface::Opaque { .. } => TypeKind::Opaque,
        TypeSurface::Query { .. } => TypeKind::QueryStruct,
    }
}

/// Pairs members by Rust name, then (what is left) by wire name ignoring
/// case: (old index, new index) in old order, and the unpaired on each side.
fn pair<'a>(
    old: &[&'a Member],
    new: &[&'a Member],
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut new_left: Vec<bool> = vec![true; new.len()];
    let mut matched: Vec<Option<usize>> = vec![None; old.len()];
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = (0..new.len()).find(|&j| new_left[j] && new[j].rust == o.rust) {
            new_left[j] = false;
            matched[i] = Some(j);
        }
    }
    for (i, o) in old.iter().enumerate() {
        if matched[i].is_some() {
            continue;
        }
        if let Some(j) =
            (0..new.len()).find(|&j| new_left[j] && new[j].wire.eq_ignore_ascii_case(&o.wire))
        {
            new_left[j] = false;
            matched[i] = Some(j);
        }
    }
    let pairs = matched
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|j| (i, j)))
        .collect();
    let old_only = (0..old.len()).filter(|&i| matched[i].is_none()).collect();
    let new_only = (0..new.len()).filter(|&j| new_left[j]).collect();
    (pairs, old_only, new_only)
}

/// A text both sides of a pair have (a name, a type, a doc): when it
/// differs, a detail of this impact, part and change, showing the two
/// texts or (for docs) neither.
struct Rule<T> {
    impact: Impact,
    part: Part,
    change: Change,
    text: fn(&T) -> &str,
    shown: bool,
}

impl<T> Rule<T> {
    const fn shown(impact: Impact, part: Part, change: Change, text: fn(&T) -> &str) -> Self {
        Rule {
            impact,
            part,
            change,
            text,
            shown: true,
        }
    }

    const fn unshown(impact: Impact, part: Part, change: Change, text: fn(&T) -> &str) -> Self {
        Rule {
            impact,
            part,
            change,
            text,
            shown: false,
        }
    }

    fn apply(&self, o: &T, n: &T, name: Option<&str>, out: &mut Vec<Detail>) {
        let (old, new) = ((self.text)(o), (self.text)(n));
        if old != new {
            let (old, new) = if self.shown {
                (Some(old), Some(new))
            } else {
                (None, None)
            };
            out.push(Detail::new(
                self.impact,
                self.part,
                name,
                self.change,
                old,
                new,
            ));
        }
    }
}

/// What of an endpoint is compared as text, and what a difference means.
const ENDPOINT_RULES: &[Rule<EndpointSurface>] = &[
    Rule::shown(Impact::Major, Part::Group, Change::Renamed, |e| &e.group),
    Rule::shown(Impact::Major, Part::Method, Change::Renamed, |e| &e.method),
    Rule::shown(Impact::Patch, Part::HttpMethod, Change::Changed, |e| {
        &e.http_method
    }),
    Rule::shown(Impact::Patch, Part::Path, Change::Changed, |e| &e.path),
    Rule::shown(Impact::Major, Part::Response, Change::Retyped, |e| {
        &e.response
    }),
    Rule::unshown(Impact::Patch, Part::Doc, Change::DocChanged, |e| &e.doc),
];

/// A part of an endpoint it may have or not (a body, a query struct): what
/// its appearing, going and changing mean.
struct OptionalRule {
    part: Part,
    text: fn(&EndpointSurface) -> Option<&str>,
    added: Impact,
    removed: Impact,
    changed: (Impact, Change),
}

impl OptionalRule {
    fn apply(&self, o: &EndpointSurface, n: &EndpointSurface, out: &mut Vec<Detail>) {
        let (old, new) = ((self.text)(o), (self.text)(n));
        let (impact, change) = match (old, new) {
            (a, b) if a == b => return,
            (None, Some(_)) => (self.added, Change::Added),
            (Some(_), None) => (self.removed, Change::Removed),
            _ => self.changed,
        };
        out.push(Detail::new(impact, self.part, None, change, old, new));
    }
}

const OPTIONAL_ENDPOINT_RULES: [OptionalRule; 2] = [
    OptionalRule {
        part: Part::Body,
        text: |e| e.body.as_deref(),
        added: Impact::Major,
        removed: Impact::Major,
        changed: (Impact::Major, Change::Retyped),
    },
    OptionalRule {
        part: Part::QueryStruct,
        text: |e| e.query.as_deref(),
        added: Impact::Minor,
        removed: Impact::Major,
        changed: (Impact::Major, Change::Renamed),
    },
];

/// How much each kind of member change matters.
struct Rules {
    part: Part,
    added: Impact,
    /// A different Rust name for the same wire name.
    renamed: Impact,
}

/// The changes between two lists of members (parameters, fields).
fn member_details(old: &[&Member], new: &[&Member], rules: &Rules, out: &mut Vec<Detail>) {
    let (pairs, old_only, new_only) = pair(old, new);
    let part = rules.part;
    let rules_of_a_pair = [
        Rule::shown(rules.renamed, part, Change::Renamed, |m: &Member| &m.rust),
        Rule::shown(Impact::Major, part, Change::Retyped, |m: &Member| &m.ty),
        Rule::shown(Impact::Patch, part, Change::WireRenamed, |m: &Member| {
            &m.wire
        }),
        // (A page never gives an empty doc: `None` and `""` are one.)
        Rule::unshown(Impact::Patch, part, Change::DocChanged, |m: &Member| {
            m.doc.as_deref().unwrap_or_default()
        }),
    ];
    for &(i, j) in &pairs {
        let (o, n) = (old[i], new[j]);
        for r in &rules_of_a_pair {
            r.apply(o, n, Some(n.rust.as_str()), out);
        }
    }
    for i in old_only {
        let o = old[i];
        out.push(Detail::new(
            Impact::Major,
            part,
            Some(&o.rust),
            Change::Removed,
            Some(&o.ty),
            None,
        ));
    }
    for j in new_only {
        let n = new[j];
        out.push(Detail::new(
            rules.added,
            part,
            Some(&n.rust),
            Change::Added,
            None,
            Some(&n.ty),
        ));
    }
}

fn endpoint_details(o: &EndpointSurface, n: &EndpointSurface) -> Vec<Detail> {
    let mut out = Vec::new();
    for r in ENDPOINT_RULES {
        r.apply(o, n, None, &mut out);
    }
    for r in &OPTIONAL_ENDPOINT_RULES {
        r.apply(o, n, &mut out);
    }

    // Positional arguments: every addition or removal breaks callers.
    let oa: Vec<&Member> = o.args.iter().map(|(_, m)| m).collect();
    let na: Vec<&Member> = n.args.iter().map(|(_, m)| m).collect();
    member_details(
        &oa,
        &na,
        &Rules {
            part: Part::Parameter,
            added: Impact::Major,
            // Argument names are not part of a call.
            renamed: Impact::Patch,
        },
        &mut out,
    );
    let (pairs, _, _) = pair(&oa, &na);
    for &(i, j) in &pairs {
        let (op, np) = (o.args[i].0, n.args[j].0);
        if op != np {
            let place = |p: Place| match p {
                Place::Path => "path",
                Place::Query => "query",
            };
            out.push(Detail::new(
                Impact::Patch,
                Part::Parameter,
                Some(&n.args[j].1.rust),
                Change::Changed,
                Some(place(op)),
                Some(place(np)),
            ));
        }
    }
    if pairs.windows(2).any(|w| w[0].1 > w[1].1) {
        let mut new_order = pairs.clone();
        new_order.sort_by_key(|&(_, j)| j);
        let names = |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(", ");
        out.push(Detail::new(
            Impact::Major,
            Part::Parameter,
            None,
            Change::Reordered,
            Some(&names(&mut pairs.iter().map(|&(i, _)| oa[i].rust.as_str()))),
            Some(&names(
                &mut new_order.iter().map(|&(_, j)| na[j].rust.as_str()),
            )),
        ));
    }

    // Optional query parameters: fields of the query struct.
    let oo: Vec<&Member> = o.optional.iter().collect();
    let no: Vec<&Member> = n.optional.iter().collect();
    member_details(
        &oo,
        &no,
        &Rules {
            part: Part::OptionalParameter,
            added: Impact::Minor,
            renamed: Impact::Major,
        },
        &mut out,
    );
    out
}

fn type_details(o: &TypeSurface, n: &TypeSurface) -> Vec<Detail> {
    let mut out = Vec::new();
    let doc_change = |a: &Option<String>, b: &Option<String>, out: &mut Vec<Detail>| {
        if a != b {
            out.push(Detail::new(
                Impact::Patch,
                Part::Doc,
                None,
                Change::DocChanged,
                None,
                None,
            ));
        }
    };
    match (o, n) {
        (
            TypeSurface::Struct {
                doc: od,
                fields: of,
            },
            TypeSurface::Struct {
                doc: nd,
                fields: nf,
            },
        ) => {
            doc_change(od, nd, &mut out);
            let of: Vec<&Member> = of.iter().collect();
            let nf: Vec<&Member> = nf.iter().collect();
            member_details(
                &of,
                &nf,
                &Rules {
                    part: Part::Field,
                    added: Impact::Minor,
                    renamed: Impact::Major,
                },
                &mut out,
            );
        }
        (
            TypeSurface::Enum {
                doc: od,
                values: ov,
            },
            TypeSurface::Enum {
                doc: nd,
                values: nv,
            },
        ) => {
            doc_change(od, nd, &mut out);
            let as_member = |(rust, wire): &(String, String)| Member {
                rust: rust.clone(),
                wire: wire.clone(),
                ty: String::new(),
                doc: None,
            };
            let om: Vec<Member> = ov.iter().map(as_member).collect();
            let nm: Vec<Member> = nv.iter().map(as_member).collect();
            let mut values = Vec::new();
            member_details(
                &om.iter().collect::<Vec<_>>(),
                &nm.iter().collect::<Vec<_>>(),
                &Rules {
                    part: Part::Value,
                    added: Impact::Minor,
                    renamed: Impact::Major,
                },
                &mut values,
            );
            // Values have no type: say the wire value instead.
            for mut d in values {
                if matches!(d.change, Change::Added | Change::Removed) {
                    let wire = |name: &Option<String>, list: &[Member]| {
                        list.iter()
                            .find(|m| Some(&m.rust) == name.as_ref())
                            .map(|m| m.wire.clone())
                    };
                    d.old = (d.change == Change::Removed)
                        .then(|| wire(&d.name, &om))
                        .flatten();
                    d.new = (d.change == Change::Added)
                        .then(|| wire(&d.name, &nm))
                        .flatten();
                }
                out.push(d);
            }
        }
        (TypeSurface::Opaque { doc: od }, TypeSurface::Opaque { doc: nd }) => {
            doc_change(od, nd, &mut out);
        }
        // Query struct fields are reported on the endpoints that take them.
        (TypeSurface::Query { .. }, TypeSurface::Query { .. }) => {}
        _ => out.push(Detail::new(
            Impact::Major,
            Part::Kind,
            None,
            Change::Changed,
            Some(kind(o).label()),
            Some(kind(n).label()),
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(rust: &str, wire: &str, ty: &str) -> Member {
        Member {
            rust: rust.into(),
            wire: wire.into(),
            ty: ty.into(),
            doc: None,
        }
    }

    fn endpoint(uid: &str, method: &str, args: Vec<Member>) -> EndpointSurface {
        EndpointSurface {
            uid: uid.into(),
            group: "UserAgent".into(),
            method: method.into(),
            http_method: "POST".into(),
            path: format!("/api/v1/Agents/User/{uid}"),
            args: args.into_iter().map(|m| (Place::Query, m)).collect(),
            optional: Vec::new(),
            query: None,
            body: None,
            response: "()".into(),
            doc: String::new(),
        }
    }

    fn surface(endpoints: Vec<EndpointSurface>, types: Vec<(&str, TypeSurface)>) -> Surface {
        Surface {
            endpoints: endpoints.into_iter().map(|e| (e.uid.clone(), e)).collect(),
            types: types.into_iter().map(|(n, t)| (n.into(), t)).collect(),
        }
    }

    fn only(c: &Changes) -> (&EndpointDiff, &Detail) {
        assert_eq!(c.endpoints.len(), 1, "{c:#?}");
        assert_eq!(c.endpoints[0].details.len(), 1, "{c:#?}");
        (&c.endpoints[0], &c.endpoints[0].details[0])
    }

    #[test]
    fn same_surface_no_changes() {
        let s = surface(
            vec![endpoint(
                "GetUser",
                "get_user",
                vec![member("id", "id", "i32")],
            )],
            vec![],
        );
        let c = compare(&s, &s);
        assert_eq!(c.endpoints_compared, 1);
        assert!(c.endpoints.is_empty() && c.types.is_empty());
    }

    #[test]
    fn retyped_parameter_is_major() {
        let o = surface(
            vec![endpoint(
                "GetUser",
                "get_user",
                vec![member("id", "id", "i32")],
            )],
            vec![],
        );
        let n = surface(
            vec![endpoint(
                "GetUser",
                "get_user",
                vec![member("id", "id", "i64")],
            )],
            vec![],
        );
        let c = compare(&o, &n);
        let (e, d) = only(&c);
        assert_eq!((e.status, e.impact), (Status::Changed, Impact::Major));
        assert_eq!((d.part, d.change), (Part::Parameter, Change::Retyped));
        assert_eq!(
            (d.old.as_deref(), d.new.as_deref()),
            (Some("i32"), Some("i64"))
        );
    }

    #[test]
    fn wire_rename_alone_is_a_patch() {
        let o = surface(
            vec![endpoint(
                "Del",
                "delete_user",
                vec![member("user_id", "UserId", "i32")],
            )],
            vec![],
        );
        let n = surface(
            vec![endpoint(
                "Del",
                "delete_user",
                vec![member("user_id", "userId", "i32")],
            )],
            vec![],
        );
        let c = compare(&o, &n);
        let (e, d) = only(&c);
        assert_eq!(e.impact, Impact::Patch);
        assert_eq!(d.change, Change::WireRenamed);
    }

    #[test]
    fn new_required_parameter_is_major_new_optional_is_minor() {
        let o = surface(vec![endpoint("G", "g", vec![])], vec![]);
        let mut req = endpoint("G", "g", vec![member("id", "id", "i32")]);
        let n = surface(vec![req.clone()], vec![]);
        assert_eq!(compare(&o, &n).endpoints[0].impact, Impact::Major);
        req.args.clear();
        req.optional.push(member("select", "$select", "String"));
        let n = surface(vec![req], vec![]);
        let c = compare(&o, &n);
        let (e, d) = only(&c);
        assert_eq!(e.impact, Impact::Minor);
        assert_eq!((d.part, d.change), (Part::OptionalParameter, Change::Added));
    }

    #[test]
    fn swapped_arguments_are_reordered() {
        let a = member("a", "a", "i32");
        let b = member("b", "b", "i32");
        let o = surface(vec![endpoint("G", "g", vec![a.clone(), b.clone()])], vec![]);
        let n = surface(vec![endpoint("G", "g", vec![b, a])], vec![]);
        let c = compare(&o, &n);
        let (e, d) = only(&c);
        assert_eq!(e.impact, Impact::Major);
        assert_eq!(d.change, Change::Reordered);
        assert_eq!(
            (d.old.as_deref(), d.new.as_deref()),
            (Some("a, b"), Some("b, a"))
        );
    }

    #[test]
    fn renamed_method_is_a_change_not_remove_and_add() {
        let o = surface(vec![endpoint("G", "get", vec![])], vec![]);
        let n = surface(vec![endpoint("G", "fetch", vec![])], vec![]);
        let c = compare(&o, &n);
        let (e, d) = only(&c);
        assert_eq!((e.status, e.impact), (Status::Changed, Impact::Major));
        assert_eq!((d.part, d.change), (Part::Method, Change::Renamed));
    }

    #[test]
    fn a_new_uid_for_the_same_method_and_path_matches() {
        let o = surface(vec![endpoint("Old", "get", vec![])], vec![]);
        let mut e = endpoint("New", "get", vec![]);
        e.path = "/api/v1/Agents/User/Old".into();
        let n = surface(vec![e], vec![]);
        let c = compare(&o, &n);
        assert_eq!(c.endpoints_compared, 1);
        let (e, d) = only(&c);
        assert_eq!((e.key.as_str(), e.impact), ("New", Impact::None));
        assert_eq!(d.part, Part::Uid);
    }

    #[test]
    fn endpoints_added_and_removed() {
        let o = surface(vec![endpoint("A", "a", vec![])], vec![]);
        let n = surface(vec![endpoint("B", "b", vec![])], vec![]);
        let c = compare(&o, &n);
        let got: Vec<_> = c
            .endpoints
            .iter()
            .map(|e| (e.key.as_str(), e.status, e.impact))
            .collect();
        assert_eq!(
            got,
            [
                ("A", Status::Removed, Impact::Major),
                ("B", Status::Added, Impact::Minor)
            ]
        );
    }

    #[test]
    fn struct_fields_and_enum_values() {
        let st = |fields| TypeSurface::Struct { doc: None, fields };
        let en = |v: &[&str]| TypeSurface::Enum {
            doc: None,
            values: v.iter().map(|s| (s.to_string(), s.to_string())).collect(),
        };
        let o = surface(
            vec![],
            vec![
                ("User", st(vec![member("license", "License", "String")])),
                ("UserType", en(&["Human", "Robot"])),
                ("Gone", TypeSurface::Opaque { doc: None }),
            ],
        );
        let n = surface(
            vec![],
            vec![
                ("User", st(vec![member("rank", "Rank", "i32")])),
                ("UserType", en(&["Human", "Alien"])),
                ("Gone", en(&[])),
            ],
        );
        let c = compare(&o, &n);
        let row = |name: &str| {
            c.types
                .iter()
                .find(|t| t.name == name)
                .map(|t| {
                    t.details
                        .iter()
                        .map(|d| {
                            format!(
                                "{} {} {} {:?}",
                                d.impact.as_str(),
                                d.part.label(),
                                d.change.label(),
                                d.name
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            row("User"),
            [
                "major field removed Some(\"license\")",
                "minor field added Some(\"rank\")"
            ]
        );
        assert_eq!(
            row("UserType"),
            [
                "major value removed Some(\"Robot\")",
                "minor value added Some(\"Alien\")"
            ]
        );
        assert_eq!(row("Gone"), ["major kind changed None"]);
    }
}
