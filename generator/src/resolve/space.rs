//! Carriers and shapes → the type space: every struct, enum and raw-JSON
//! carrier, built with the pure [`map_type`].
//!
//! Types are built while their names are checked: a struct and an enum
//! never share a name (the enum gets `…Kind`), and a collision that gets
//! through anyway is reported, not merged. Then the space keeps only what
//! the operations' root types reach, and structs with exactly the same fields
//! become one struct and type aliases of it ([`dedup`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::{DiagKind, Diagnostic, Pos};
use crate::ir::Property;

use super::carriers::Carriers;
use super::model::{
    AliasDef, EnumDef, Field, OpaqueDef, Origin, RustType, StructDef, TypeDef, TypeSpace,
    WithLinksDef,
};
use super::names::{sanitize, Case, Scope};
use super::shape::ObjectShape;
use super::typemap::{field_type, map_type, Known, Wants};

/// The struct of documented carrier `name`: its table's properties typed
/// by the table and the samples, then the fields only samples show.
fn documented_struct(k: &Known, name: &str, want: &mut Wants) -> StructDef {
    let props: Vec<&Property> = k
        .carriers
        .documented
        .get(name)
        .map(|d| d.props.iter().map(|(p, _)| p).collect())
        .unwrap_or_default();
    let empty = ObjectShape::default();
    let obs = k.shapes.get(name).unwrap_or(&empty);
    let mut scope = Scope::default();
    let mut fields = Vec::new();
    for p in &props {
        fields.push(Field {
            wire: p.name.clone(),
            rust: scope.unique(sanitize(&p.name, Case::Snake)),
            ty: map_type(k, &p.name, &p.ty, obs.get(&p.name), want),
            doc: p.description.as_ref().map(|d| d.0.clone()),
        });
    }
    for (wire, s) in &obs.fields {
        if props.iter().any(|p| &p.name == wire) {
            continue;
        }
        fields.push(Field {
            wire: wire.clone(),
            rust: scope.unique(sanitize(wire, Case::Snake)),
            ty: field_type(k, wire, s, want),
            doc: Some("Not in the property tables; seen in the samples.".into()),
        });
    }
    StructDef {
        name: name.to_string(),
        doc: None,
        fields,
        origin: Origin::Documented,
    }
}

/// The struct of a carrier only samples show.
fn inferred_struct(k: &Known, name: &str, shape: &ObjectShape, want: &mut Wants) -> StructDef {
    let mut scope = Scope::default();
    let fields = shape
        .fields
        .iter()
        .map(|(wire, s)| Field {
            wire: wire.clone(),
            rust: scope.unique(sanitize(wire, Case::Snake)),
            ty: field_type(k, wire, s, want),
            doc: None,
        })
        .collect();
    let origin = if k.carriers.named.contains(name) {
        Origin::Named
    } else {
        Origin::Inferred
    };
    StructDef {
        name: name.to_string(),
        doc: None,
        fields,
        origin,
    }
}

/// Every struct the carriers and shapes known so far make.
pub fn structs(k: &Known, want: &mut Wants) -> Vec<StructDef> {
    let mut out: Vec<StructDef> = k
        .carriers
        .documented
        .keys()
        .map(|n| documented_struct(k, n, want))
        .collect();
    for (name, shape) in k.shapes {
        if !k.carriers.documented.contains_key(name) {
            out.push(inferred_struct(k, name, shape, want));
        }
    }
    out
}

/// Folds the wanted struct shapes into `shapes`; whether anything grew.
pub fn grow(shapes: &mut BTreeMap<String, ObjectShape>, want: &Wants) -> bool {
    let mut grew = false;
    for (name, o) in &want.structs {
        let entry = shapes.entry(name.clone()).or_default();
        let before = entry.clone();
        entry.merge(o);
        grew |= *entry != before;
    }
    grew
}

/// A type's identity while the space is assembled: its kind and the name
/// it was asked for. A struct and an enum asked for under one name are two
/// types; only [`assemble`] gives them Rust names, different ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeId {
    Struct(String),
    Enum(String),
    Opaque(String),
}

impl TypeId {
    /// The type a Rust type names, if it names one.
    fn of(t: &RustType) -> Option<TypeId> {
        match t {
            RustType::Struct(n) => Some(TypeId::Struct(n.clone())),
            RustType::Enum(n) => Some(TypeId::Enum(n.clone())),
            RustType::Opaque(n) => Some(TypeId::Opaque(n.clone())),
            RustType::Vec(t) | RustType::Map(t) => TypeId::of(t),
            _ => None,
        }
    }

    fn name(&self) -> &str {
        match self {
            TypeId::Struct(n) | TypeId::Enum(n) | TypeId::Opaque(n) => n,
        }
    }

    /// What a name already taken gets, by kind.
    fn suffix(&self) -> &'static str {
        match self {
            TypeId::Struct(_) => "Struct",
            TypeId::Enum(_) => "Kind",
            TypeId::Opaque(_) => "Json",
        }
    }
}

/// The types whose Rust name is not their [`TypeId`]'s (a clash renamed
/// them), with that name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Renames(BTreeMap<TypeId, String>);

impl Renames {
    /// Points a type at its type's final Rust name.
    pub fn apply(&self, t: &mut RustType) {
        if let RustType::Vec(inner) | RustType::Map(inner) = t {
            return self.apply(inner);
        }
        let Some(new) = TypeId::of(t).and_then(|id| self.0.get(&id)) else {
            return;
        };
        match t {
            RustType::Struct(n) | RustType::Enum(n) | RustType::Opaque(n) => *n = new.clone(),
            _ => {}
        }
    }
}

/// The type space of the final round: structs, enums (their values merged
/// in first-seen order) and the carriers nothing describes (in a struct or
/// among the operations' `roots`), each keyed by its [`TypeId`]; then each
/// gets a Rust name no other type has (structs first, so they keep theirs;
/// a clash is warned about), once: the structs' references follow, and the
/// [`Renames`] say what the operations' do.
pub fn assemble(
    structs: Vec<StructDef>,
    want: &Wants,
    roots: &[RustType],
) -> (TypeSpace, Renames, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut defs: BTreeMap<TypeId, TypeDef> = BTreeMap::new();
    for s in structs {
        defs.insert(TypeId::Struct(s.name.clone()), TypeDef::Struct(s));
    }
    let mut enums: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, values) in &want.enums {
        let known = enums.entry(name.as_str()).or_default();
        for v in values {
            if !known.contains(v) {
                known.push(v.clone());
            }
        }
    }
    for (name, values) in enums {
        let mut scope = Scope::default();
        let variants = values
            .iter()
            .map(|v| (scope.unique(sanitize(v, Case::Pascal)), v.clone()))
            .collect();
        defs.insert(
            TypeId::Enum(name.to_string()),
            TypeDef::Enum(EnumDef {
                name: name.to_string(),
                doc: None,
                variants,
            }),
        );
    }
    // Carriers referenced but never described.
    let mut mentioned = Vec::new();
    for def in defs.values() {
        if let TypeDef::Struct(s) = def {
            mentioned.extend(s.fields.iter().filter_map(|f| TypeId::of(&f.ty)));
        }
    }
    mentioned.extend(roots.iter().filter_map(TypeId::of));
    for id in mentioned {
        if let TypeId::Opaque(name) = &id {
            defs.entry(id.clone()).or_insert_with(|| {
                TypeDef::Opaque(OpaqueDef {
                    name: name.clone(),
                    doc: Some("No page documents this carrier's properties and no sample shows them, so it is kept as raw JSON.".into()),
                })
            });
        }
    }
    // Rust names: structs, then enums, then raw-JSON carriers.
    let mut taken = BTreeSet::new();
    let mut renames = Renames::default();
    for id in defs.keys() {
        let mut name = id.name().to_string();
        while taken.contains(&name) {
            name.push_str(id.suffix());
        }
        if name != id.name() {
            diags.push(Diagnostic::warning_of(
                DiagKind::NameCollision,
                Path::new(""),
                Pos::new(1, 1),
                format!(
                    "`{}` names two types; the {} is `{name}`",
                    id.name(),
                    match id {
                        TypeId::Struct(_) => "struct",
                        TypeId::Enum(_) => "enum",
                        TypeId::Opaque(_) => "raw-JSON carrier",
                    }
                ),
            ));
            renames.0.insert(id.clone(), name.clone());
        }
        taken.insert(name);
    }
    let mut space = TypeSpace::default();
    for (id, mut def) in defs {
        let name = renames
            .0
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.name().to_string());
        match &mut def {
            TypeDef::Struct(s) => {
                s.name = name.clone();
                for f in &mut s.fields {
                    renames.apply(&mut f.ty);
                }
            }
            TypeDef::Enum(e) => e.name = name.clone(),
            TypeDef::Opaque(o) => o.name = name.clone(),
            TypeDef::Alias(a) => a.name = name.clone(),
            TypeDef::WithLinks(w) => w.name = name.clone(),
        }
        space.types.insert(name, def);
    }
    (space, renames, diags)
}

/// Keeps only the types the operations' `roots` (under their final names)
/// reach.
pub fn prune<'a>(space: &mut TypeSpace, roots: impl IntoIterator<Item = &'a RustType>) {
    let reached = super::graph::reached_from(space, roots);
    space.types.retain(|n, _| reached.contains(n));
}

/// How strongly a struct's name is SuperOffice's own: the struct whose
/// name is strongest stays a struct when others have the same fields.
fn name_rank(s: &StructDef, carriers: &Carriers) -> u8 {
    match (s.origin, carriers.named.contains(&s.name)) {
        (Origin::Documented, true) => 0,
        (Origin::Named, _) => 1,
        (Origin::Documented, false) => 2,
        (Origin::Inferred, _) => 3,
    }
}

/// The one type that says what both say: equal types, or untyped JSON
/// (which says nothing) beside a type that says more. A named carrier kept
/// as raw JSON is a name, and unifies only with itself.
fn unify(a: &RustType, b: &RustType) -> Option<RustType> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (RustType::Json, t) | (t, RustType::Json) => Some(t.clone()),
        (RustType::Vec(x), RustType::Vec(y)) => Some(RustType::Vec(Box::new(unify(x, y)?))),
        (RustType::Map(x), RustType::Map(y)) => Some(RustType::Map(Box::new(unify(x, y)?))),
        _ => None,
    }
}

/// Structs with the same fields (the same wire names, with types that
/// unify: the same, by name, or raw JSON beside a type) become one struct,
/// typed by what all of them say; every other name becomes an alias of
/// it. Field types are compared by name, not through aliases, so every
/// page's property keeps the carrier name the page gives it (and one pass
/// is enough: a merge changes no other struct's field types' names).
/// Returns how many aliases were made.
pub fn dedup(space: &mut TypeSpace, carriers: &Carriers) -> usize {
    let mut merged = 0;
    for names in same_field_names(space, carriers) {
        for cluster in unifying_clusters(space, names) {
            merged += cluster.members.len();
            merge(space, cluster);
        }
    }
    merged
}

/// Groups of struct names (two or more) with the same wire names, best
/// name first.
fn same_field_names(space: &TypeSpace, carriers: &Carriers) -> Vec<Vec<String>> {
    let mut by_names: BTreeMap<Vec<&str>, Vec<(u8, &str)>> = BTreeMap::new();
    for def in space.types.values() {
        if let TypeDef::Struct(s) = def {
            let mut key: Vec<&str> = s.fields.iter().map(|f| f.wire.as_str()).collect();
            key.sort();
            by_names
                .entry(key)
                .or_default()
                .push((name_rank(s, carriers), &s.name));
        }
    }
    by_names
        .into_iter()
        .filter(|(key, names)| !key.is_empty() && names.len() > 1)
        .map(|(_, mut names)| {
            names.sort();
            names.into_iter().map(|(_, n)| n.to_string()).collect()
        })
        .collect()
}

/// Structs that become one: the first, typed by what all say.
struct Cluster {
    target: String,
    /// Wire name → the type all members' fields unify to.
    types: BTreeMap<String, RustType>,
    members: Vec<String>,
}

/// Greedy clusters of `names`: each struct joins the first cluster whose
/// field types it unifies with, or starts its own. Only clusters of two or
/// more are returned.
fn unifying_clusters(space: &TypeSpace, names: Vec<String>) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for name in names {
        let Some(s) = space.structure(&name) else {
            continue;
        };
        let types: BTreeMap<String, RustType> = s
            .fields
            .iter()
            .map(|f| (f.wire.clone(), f.ty.clone()))
            .collect();
        let joined = clusters.iter_mut().find_map(|c| {
            let unified: Option<BTreeMap<String, RustType>> = c
                .types
                .iter()
                .map(|(w, t)| Some((w.clone(), unify(t, types.get(w)?)?)))
                .collect();
            c.types = unified?;
            Some(c)
        });
        match joined {
            Some(c) => c.members.push(name),
            None => clusters.push(Cluster {
                target: name,
                types,
                members: Vec::new(),
            }),
        }
    }
    clusters.retain(|c| !c.members.is_empty());
    clusters
}

/// The cluster's first struct takes the unified field types; the others
/// become aliases of it.
fn merge(space: &mut TypeSpace, c: Cluster) {
    if let Some(TypeDef::Struct(s)) = space.types.get_mut(&c.target) {
        for f in &mut s.fields {
            if let Some(t) = c.types.get(&f.wire) {
                f.ty = t.clone();
            }
        }
    }
    for name in c.members {
        let alias = AliasDef {
            name: name.clone(),
            target: c.target.clone(),
        };
        space.types.insert(name, TypeDef::Alias(alias));
    }
}

/// The wire name of a REST answer's links.
pub const LINKS: &str = "_Links";

/// Structs that are an entity and its `_Links` (every field of another
/// struct, with types that unify, and `_Links` besides) become that entity
/// with links ([`WithLinksDef`]), which derefs to it: the answer of a `GET`
/// goes where the entity goes. Decided from the fields alone; when several
/// structs fit, the one whose name the struct's starts with wins (then the
/// first by name). Returns how many were made.
pub fn with_links(space: &mut TypeSpace) -> usize {
    let mut found = Vec::new();
    for (name, def) in &space.types {
        let TypeDef::Struct(s) = def else { continue };
        let Some(links) = s.fields.iter().find(|f| f.wire == LINKS) else {
            continue;
        };
        let rest: BTreeMap<&str, &RustType> = s
            .fields
            .iter()
            .filter(|f| f.wire != LINKS)
            .map(|f| (f.wire.as_str(), &f.ty))
            .collect();
        if rest.is_empty() {
            continue;
        }
        let fits = |entity: &str| {
            entity != name.as_str()
                && space.structure(entity).is_some_and(|e| {
                    e.fields.len() == rest.len()
                        && e.fields.iter().all(|f| {
                            rest.get(f.wire.as_str())
                                .is_some_and(|t| unify(t, &f.ty).is_some())
                        })
                })
        };
        let candidates: Vec<&String> = space
            .types
            .iter()
            .filter(|(n, d)| matches!(d, TypeDef::Struct(_) | TypeDef::Alias(_)) && fits(n))
            .map(|(n, _)| n)
            .collect();
        let entity = candidates
            .iter()
            .find(|c| name.starts_with(c.as_str()))
            .or_else(|| candidates.first());
        if let Some(entity) = entity {
            found.push((name.clone(), (*entity).clone(), links.ty.clone()));
        }
    }
    let made = found.len();
    for (name, entity, links) in found {
        let def = WithLinksDef {
            name: name.clone(),
            entity,
            links,
        };
        space.types.insert(name, TypeDef::WithLinks(def));
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::strukt;

    #[test]
    fn a_struct_and_an_enum_of_one_name_are_two_types() {
        use crate::resolve::fixtures::odata_list;
        let (api, _) = crate::resolve::resolve(&[odata_list()]);
        // An enum asked for under the name of the list's struct, and used
        // beside the struct.
        let roots = [
            RustType::Enum("ThingList".into()),
            RustType::Struct("ThingList".into()),
        ];
        let want = Wants {
            enums: vec![("ThingList".into(), vec!["A".into()])],
            ..Wants::default()
        };
        let structs: Vec<StructDef> = api
            .types
            .types
            .values()
            .filter_map(|t| match t {
                TypeDef::Struct(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let (space, renames, diags) = assemble(structs, &want, &roots);
        assert!(matches!(space.types["ThingList"], TypeDef::Struct(_)));
        assert!(matches!(space.types["ThingListKind"], TypeDef::Enum(_)));
        let [mut e, mut s] = roots;
        renames.apply(&mut e);
        renames.apply(&mut s);
        assert_eq!(e, RustType::Enum("ThingListKind".into()));
        assert_eq!(s, RustType::Struct("ThingList".into()));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].kind, DiagKind::NameCollision);
    }

    #[test]
    fn shapes_grow_until_nothing_new_turns_up() {
        let mut shapes = BTreeMap::new();
        let shape = |v: serde_json::Value| match super::super::shape::Shape::of(&v) {
            super::super::shape::Shape::Object(o) => o,
            other => panic!("{other:?}"),
        };
        let want = |o: ObjectShape| Wants {
            structs: vec![("Part".into(), o)],
            ..Wants::default()
        };
        assert!(grow(&mut shapes, &want(shape(serde_json::json!({"A": 1})))));
        assert!(
            !grow(&mut shapes, &want(shape(serde_json::json!({"A": 2})))),
            "nothing new"
        );
        assert!(grow(
            &mut shapes,
            &want(shape(serde_json::json!({"B": true})))
        ));
        assert_eq!(shapes["Part"].fields.len(), 2);
    }

    #[test]
    fn only_what_operations_reach_is_kept() {
        use crate::resolve::fixtures::odata_list;
        let (api, _) = crate::resolve::resolve(&[odata_list()]);
        let mut space = api.types.clone();
        space.types.insert(
            "Unused".into(),
            strukt("Unused", Origin::Inferred, &[("X", RustType::I32)]),
        );
        prune(&mut space, &[RustType::Struct("ThingList".into())]);
        let names: Vec<&String> = space.types.keys().collect();
        assert_eq!(names, ["ThingList"]);
    }

    #[test]
    fn same_fields_make_one_struct_and_aliases() {
        let mut space = TypeSpace::default();
        let f = [("Id", RustType::I32), ("Value", RustType::String)];
        for (n, o) in [
            ("Competitor", Origin::Documented),
            ("Business", Origin::Documented),
            ("BusinessItem", Origin::Inferred),
        ] {
            space.types.insert(n.into(), strukt(n, o, &f));
        }
        space.types.insert(
            "Other".into(),
            strukt("Other", Origin::Documented, &[("Id", RustType::String)]),
        );
        let mut carriers = Carriers::default();
        carriers
            .named
            .extend(["Business".into(), "Competitor".into()]);
        assert_eq!(dedup(&mut space, &carriers), 2);
        assert!(matches!(space.types["Business"], TypeDef::Struct(_)));
        for alias in ["Competitor", "BusinessItem"] {
            assert_eq!(
                space.types[alias],
                TypeDef::Alias(AliasDef {
                    name: alias.into(),
                    target: "Business".into()
                })
            );
        }
        assert!(matches!(space.types["Other"], TypeDef::Struct(_)));
        assert_eq!(
            space.structure("Competitor").map(|s| s.fields.len()),
            Some(2)
        );
    }

    #[test]
    fn raw_json_unifies_with_what_says_more() {
        let mut space = TypeSpace::default();
        let json = RustType::Vec(Box::new(RustType::Json));
        let typed = RustType::Vec(Box::new(RustType::Struct("Other".into())));
        space
            .types
            .insert("A".into(), strukt("A", Origin::Documented, &[("X", json)]));
        space.types.insert(
            "B".into(),
            strukt("B", Origin::Documented, &[("X", typed.clone())]),
        );
        space.types.insert(
            "C".into(),
            strukt("C", Origin::Documented, &[("X", RustType::I32)]),
        );
        assert_eq!(dedup(&mut space, &Carriers::default()), 1);
        assert_eq!(
            space.structure("A").map(|s| s.fields[0].ty.clone()),
            Some(typed)
        );
        assert!(matches!(space.types["B"], TypeDef::Alias(_)));
        assert!(matches!(space.types["C"], TypeDef::Struct(_)));
    }

    #[test]
    fn an_entity_and_its_links_is_the_entity_with_links() {
        let mut space = TypeSpace::default();
        let entity = [
            ("Id", RustType::I32),
            ("Links", RustType::Vec(Box::new(RustType::String))),
        ];
        let links = RustType::Map(Box::new(RustType::String));
        space.types.insert(
            "ContactEntity".into(),
            strukt("ContactEntity", Origin::Documented, &entity),
        );
        let mut fields = entity.to_vec();
        fields.push(("_Links", links.clone()));
        space.types.insert(
            "ContactEntityWithLinks".into(),
            strukt("ContactEntityWithLinks", Origin::Documented, &fields),
        );
        // Not an entity plus links: a field more.
        let mut more = fields.clone();
        more.push(("Other", RustType::Bool));
        space.types.insert(
            "Elsewise".into(),
            strukt("Elsewise", Origin::Documented, &more),
        );
        assert_eq!(with_links(&mut space), 1);
        assert_eq!(
            space.types["ContactEntityWithLinks"],
            TypeDef::WithLinks(WithLinksDef {
                name: "ContactEntityWithLinks".into(),
                entity: "ContactEntity".into(),
                links,
            })
        );
        assert!(matches!(space.types["Elsewise"], TypeDef::Struct(_)));
        // The entity's fields, through the links.
        assert_eq!(
            space
                .structure("ContactEntityWithLinks")
                .map(|s| s.name.as_str()),
            Some("ContactEntity")
        );
    }

    #[test]
    fn merged_structs_keep_the_field_type_names_of_their_pages() {
        let mut space = TypeSpace::default();
        let f = [("Id", RustType::I32)];
        space.types.insert(
            "Business".into(),
            strukt("Business", Origin::Documented, &f),
        );
        space.types.insert(
            "Competitor".into(),
            strukt("Competitor", Origin::Documented, &f),
        );
        let holder =
            |n: &str, t: &str| strukt(n, Origin::Documented, &[("X", RustType::Struct(t.into()))]);
        space.types.insert("A".into(), holder("A", "Competitor"));
        space.types.insert("B".into(), holder("B", "Business"));
        assert_eq!(dedup(&mut space, &Carriers::default()), 1);
        // `A` holds a `Competitor` (now an alias of `Business`), `B` a
        // `Business`: they stay apart, so each names what its pages say.
        assert_eq!(
            space.structure("A").map(|s| s.fields[0].ty.clone()),
            Some(RustType::Struct("Competitor".into()))
        );
        assert!(matches!(space.types["B"], TypeDef::Struct(_)));
    }
}
