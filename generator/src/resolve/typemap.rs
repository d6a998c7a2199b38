//! The one place a documented type (and what samples show) becomes a Rust
//! type: [`map_type`]. It is pure: it reads what is [`Known`] so far and
//! returns the type, noting in [`Wants`] the structs and enums the type
//! space must hold for it. The type space ([`super::space`]) feeds the
//! wants back until nothing new turns up.
//!
//! An object only samples show is named after the carrier SuperOffice
//! uses for it when the pages tell: a property of the same name typed
//! with a carrier elsewhere (`| Participant | ParticipantInfo |`), or a
//! named carrier whose fields include all of the object's fields
//! ([`Known::carrier_for`]). Only then does it get a name of its own,
//! from its property (`LicenseOwners` items → `LicenseOwner`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::DocType;

use super::carriers::Carriers;
use super::model::RustType;
use super::names::{carrier_name, sanitize, singular, Case};
use super::shape::{ObjectShape, Shape};

/// The property of an OData list answer that holds its rows.
const ODATA_ROWS: &str = "value";

/// Where a value sits, which names an object found there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// The value of a property (`Owner`).
    Prop(&'a str),
    /// An item of an array or map property (`LicenseOwners` → `LicenseOwner`).
    Item(&'a str),
    /// A body with a name of its own (`MakeRetiredRequest`).
    Named(&'a str),
}

impl Place<'_> {
    /// The name an object here gets when no carrier claims it.
    fn own_name(self) -> String {
        match self {
            Place::Prop(p) => sanitize(p, Case::Pascal),
            Place::Item(p) => singular(p),
            Place::Named(n) => n.to_string(),
        }
    }

    /// An item of the value here.
    fn item(self) -> Self {
        match self {
            Place::Prop(p) | Place::Item(p) => Place::Item(p),
            Place::Named(n) => Place::Item(n),
        }
    }
}

/// What mapping knows: the documented carriers, and the shapes of the
/// structs found so far.
pub struct Known<'a> {
    pub carriers: &'a Carriers,
    /// Shapes of structs by name: observed documented carriers and
    /// carriers known only from samples.
    pub shapes: &'a BTreeMap<String, ObjectShape>,
    /// Every wire name each named carrier is known to have.
    fields: BTreeMap<&'a str, BTreeSet<&'a str>>,
}

impl<'a> Known<'a> {
    pub fn new(carriers: &'a Carriers, shapes: &'a BTreeMap<String, ObjectShape>) -> Self {
        let mut fields: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (name, d) in &carriers.documented {
            if carriers.named.contains(name) {
                let set = fields.entry(name.as_str()).or_default();
                set.extend(d.props.iter().map(|(p, _)| p.name.as_str()));
            }
        }
        for (name, s) in shapes {
            if carriers.named.contains(name) {
                let set = fields.entry(name.as_str()).or_default();
                set.extend(s.fields.iter().map(|(k, _)| k.as_str()));
            }
        }
        Known {
            carriers,
            shapes,
            fields,
        }
    }

    fn documented(&self, name: &str) -> bool {
        self.carriers.documented.contains_key(name)
    }

    /// Whether `name` is (so far) a struct.
    pub fn is_struct(&self, name: &str) -> bool {
        self.documented(name) || self.shapes.contains_key(name)
    }

    /// Whether named carrier `name` has all of `keys`; `None` when its
    /// fields are not known.
    fn has_all(&self, name: &str, keys: &BTreeSet<&str>) -> Option<bool> {
        self.fields.get(name).map(|have| keys.is_subset(have))
    }

    /// The named carrier an object seen at `place` is, if the pages tell.
    pub fn carrier_for(&self, place: Place, o: &ObjectShape) -> Option<String> {
        let own = place.own_name();
        let keys = keys(o);
        let fits = |name: &str| {
            self.has_all(name, &keys)
                .unwrap_or_else(|| self.carriers.named.contains(name))
        };
        if self.documented(&own) && (matches!(place, Place::Named(_)) || fits(&own)) {
            return Some(own);
        }
        // A carrier's own id names it: `Settings` items with a
        // `CopilotDataSourceSettingId` are `CopilotDataSourceSetting`s.
        let own_id = keys.iter().find_map(|k| {
            let stem = k.strip_suffix("Id")?;
            (stem.len() > own.len() && stem.ends_with(own.as_str()))
                .then(|| sanitize(stem, Case::Pascal))
        });
        if let Some(by_id) = own_id.filter(|n| !self.documented(n) || fits(n)) {
            return Some(by_id);
        }
        // A carrier the type cells give this property (or its singular).
        let prop = match place {
            Place::Prop(p) | Place::Item(p) => Some(p),
            Place::Named(_) => None,
        };
        if let Some(p) = prop {
            let mut by_cells = vec![self.carriers.prop_carriers.get(p)];
            if matches!(place, Place::Item(_)) {
                by_cells.push(self.carriers.prop_carriers.get(&own));
                // `VisibleFor: array` holds `VisibleFor` carriers.
                let whole = sanitize(p, Case::Pascal);
                if self.carriers.named.contains(&whole) && fits(&whole) {
                    return Some(whole);
                }
            }
            if let Some(c) = by_cells.into_iter().flatten().find(|c| fits(c)) {
                return Some(c.clone());
            }
        }
        // A named carrier with all of these fields: the smallest, preferring
        // one whose name shares the place's name.
        if keys.len() < 2 {
            return None;
        }
        // Too short a stem (`Items` → ``) would relate every name.
        let stem = Some(own.trim_end_matches("Item")).filter(|s| s.len() >= 3);
        let mut best: Option<(bool, usize, &str)> = None;
        for (name, have) in &self.fields {
            if !keys.is_subset(have) {
                continue;
            }
            let related = stem.is_some_and(|stem| name.contains(stem) || stem.contains(*name));
            let key = (!related, have.len(), *name);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        let (unrelated, size, name) = best?;
        // An unrelated carrier must fit closely to claim the object.
        if unrelated && (keys.len() < 3 || size > keys.len() * 2) {
            return None;
        }
        Some(name.to_string())
    }

    /// A name for an object no carrier claims: its own, unless a documented
    /// carrier has that name and other fields (`Persons` items with
    /// `Colour` are not `Person`s); then `…Item`, `…Item2`, ….
    fn free_name(&self, own: String, o: &ObjectShape, want: &mut Wants) -> String {
        let keys = keys(o);
        let free = |name: &str| !self.documented(name) || self.has_all(name, &keys) == Some(true);
        if free(&own) {
            return own;
        }
        let chosen = std::iter::once(format!("{own}Item"))
            .chain((2..).map(|i| format!("{own}Item{i}")))
            .find(|n| free(n))
            .unwrap_or_default();
        want.renamed.push((own, chosen.clone()));
        chosen
    }
}

/// The wire names of an object's fields.
fn keys(o: &ObjectShape) -> BTreeSet<&str> {
    o.fields.iter().map(|(k, _)| k.as_str()).collect()
}

/// The structs and enums a mapping needs the type space to hold.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Wants {
    /// A struct of this name, showing this shape here.
    pub structs: Vec<(String, ObjectShape)>,
    /// An enum of this name with these values.
    pub enums: Vec<(String, Vec<String>)>,
    /// Objects named `.1` because a documented carrier with other fields
    /// has their own name `.0`.
    pub renamed: Vec<(String, String)>,
}

/// A documented type (and the sample shape seen at the place) → a Rust type.
pub fn map_type(
    k: &Known,
    prop: &str,
    ty: &DocType,
    shape: Option<&Shape>,
    want: &mut Wants,
) -> RustType {
    match ty {
        DocType::Int32 => RustType::I32,
        DocType::Int64 => RustType::I64,
        DocType::Double => RustType::F64,
        DocType::Bool => RustType::Bool,
        DocType::DateTime => RustType::DateTime,
        // Binary inside JSON travels as a base64 string.
        DocType::String | DocType::Binary => RustType::String,
        DocType::Enum(values) => enum_type(k, prop, values, want),
        DocType::Array(item) => {
            let item_shape = match shape {
                Some(Shape::Array(s)) => Some(s.as_ref()),
                _ => None,
            };
            let item = match item {
                Some(t) => map_type(k, prop, t, item_shape, want),
                // OData rows: their columns are whatever `$select` asks for.
                None if prop == ODATA_ROWS => RustType::Json,
                None => shape_type(k, Place::Item(prop), item_shape, want),
            };
            RustType::Vec(Box::new(item))
        }
        DocType::Object => {
            let value = match shape {
                Some(Shape::Object(o)) if !o.is_empty() => {
                    let mut merged = Shape::Unknown;
                    for (_, s) in &o.fields {
                        merged.merge(s);
                    }
                    shape_type(k, Place::Item(prop), Some(&merged), want)
                }
                _ => RustType::Json,
            };
            RustType::Map(Box::new(value))
        }
        DocType::Carrier(name) => {
            let name = carrier_name(name);
            let object = shape
                .and_then(Shape::object)
                .filter(|o| !o.is_empty() || k.documented(&name));
            if let Some(o) = object {
                want.structs.push((name.clone(), o.clone()));
                RustType::Struct(name)
            } else if k.is_struct(&name) {
                RustType::Struct(name)
            } else {
                RustType::Opaque(name)
            }
        }
        DocType::Unknown => shape_type(k, Place::Prop(prop), shape, want),
    }
}

/// A type from what samples show at `place`.
pub fn shape_type(k: &Known, place: Place, shape: Option<&Shape>, want: &mut Wants) -> RustType {
    match shape {
        // Nothing seen here: the carrier the type cells give this property
        // elsewhere (`TableRight`), else raw JSON.
        None | Some(Shape::Unknown) => match place {
            Place::Prop(p) | Place::Item(p) => match k.carriers.prop_carriers.get(p) {
                Some(c) if k.is_struct(c) => RustType::Struct(c.clone()),
                Some(c) => RustType::Opaque(c.clone()),
                None => RustType::Json,
            },
            Place::Named(_) => RustType::Json,
        },
        Some(Shape::Mixed) => RustType::Json,
        Some(Shape::Bool) => RustType::Bool,
        Some(Shape::Int) => RustType::I64,
        Some(Shape::Float) => RustType::F64,
        Some(Shape::String) => RustType::String,
        Some(Shape::DateTime) => RustType::DateTime,
        Some(Shape::Array(item)) => {
            RustType::Vec(Box::new(shape_type(k, place.item(), Some(item), want)))
        }
        Some(Shape::Object(o)) if o.is_empty() => RustType::Json,
        Some(Shape::Object(o)) => {
            let name = match k.carrier_for(place, o) {
                Some(c) => c,
                None => k.free_name(place.own_name(), o, want),
            };
            want.structs.push((name.clone(), o.clone()));
            RustType::Struct(name)
        }
    }
}

/// A field only samples show: a name some page documents as an `object`
/// (a map such as `FieldProperties`) stays a map here too.
pub fn field_type(k: &Known, wire: &str, shape: &Shape, want: &mut Wants) -> RustType {
    if k.carriers.maps.contains(wire) && shape.object().is_some() {
        return map_type(k, wire, &DocType::Object, Some(shape), want);
    }
    shape_type(k, Place::Prop(wire), Some(shape), want)
}

/// A path or query parameter: scalars, enums and lists of strings.
pub fn param_type(k: &Known, wire: &str, ty: &DocType, want: &mut Wants) -> RustType {
    match ty {
        DocType::Unknown | DocType::Carrier(_) | DocType::Object => RustType::String,
        DocType::Array(_) => RustType::Vec(Box::new(RustType::String)),
        other => map_type(k, wire, other, None, want),
    }
}

/// An enum for documented values, named after the parameter or property
/// (`…Kind` when a struct has that name).
fn enum_type(k: &Known, hint: &str, values: &[String], want: &mut Wants) -> RustType {
    let mut name = sanitize(hint, Case::Pascal);
    while k.is_struct(&name) || k.carriers.named.contains(&name) {
        name.push_str("Kind");
    }
    want.enums.push((name.clone(), values.to_vec()));
    RustType::Enum(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Property;
    use crate::resolve::carriers::Documented;
    use serde_json::json;

    fn carriers() -> Carriers {
        let prop = |n: &str| {
            (
                Property {
                    name: n.into(),
                    ty: DocType::String,
                    description: None,
                    line: 1,
                },
                String::new(),
            )
        };
        let mut c = Carriers::default();
        for (name, props) in [
            ("ParticipantInfo", vec!["PersonId", "ContactId", "EmailId"]),
            ("EMailAddress", vec!["Address", "DisplayName", "Id"]),
            (
                "VisibleFor",
                vec!["VisibleId", "Visibility", "DisplayValue"],
            ),
        ] {
            c.documented.insert(
                name.into(),
                Documented {
                    props: props.into_iter().map(prop).collect(),
                    pages: vec![],
                },
            );
            c.named.insert(name.into());
        }
        c.prop_carriers
            .insert("Participant".into(), "ParticipantInfo".into());
        c
    }

    fn object(v: serde_json::Value) -> ObjectShape {
        match Shape::of(&v) {
            Shape::Object(o) => o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn objects_take_the_carrier_the_pages_name() {
        let c = carriers();
        let shapes = BTreeMap::new();
        let k = Known::new(&c, &shapes);
        let p = object(json!({"PersonId": 1, "ContactId": 2}));
        // `Participants` items: the type cells give `Participant` a carrier.
        assert_eq!(
            k.carrier_for(Place::Item("Participants"), &p).as_deref(),
            Some("ParticipantInfo")
        );
        // `VisibleFor: array` holds the `VisibleFor` carrier.
        let v = object(json!({"VisibleId": 1, "Visibility": "All"}));
        assert_eq!(
            k.carrier_for(Place::Item("VisibleFor"), &v).as_deref(),
            Some("VisibleFor")
        );
        // `To` items have the fields of `EMailAddress`.
        let to = object(json!({"Address": "a@b", "DisplayName": "A", "Id": 0}));
        assert_eq!(
            k.carrier_for(Place::Item("To"), &to).as_deref(),
            Some("EMailAddress")
        );
        // A field no carrier has: a name of its own.
        let odd = object(json!({"Address": "a@b", "Colour": "red"}));
        assert_eq!(k.carrier_for(Place::Item("To"), &odd), None);
        let mut want = Wants::default();
        let t = shape_type(&k, Place::Item("To"), Some(&Shape::Object(odd)), &mut want);
        assert_eq!(t, RustType::Struct("To".into()));
        assert_eq!(want.structs[0].0, "To");
    }

    #[test]
    fn an_object_never_joins_a_documented_carrier_it_does_not_fit() {
        let c = carriers();
        let shapes = BTreeMap::new();
        let k = Known::new(&c, &shapes);
        let mut want = Wants::default();
        // `EMailAddresses` items with a field `EMailAddress` lacks.
        let odd = Shape::Object(object(json!({"Colour": "red", "Size": 2})));
        let t = shape_type(&k, Place::Item("EMailAddresses"), Some(&odd), &mut want);
        assert_eq!(t, RustType::Struct("EMailAddressItem".into()));
        assert_eq!(
            want.renamed,
            [("EMailAddress".into(), "EMailAddressItem".into())]
        );
        // `Items`: too short a stem to relate to any carrier by name.
        let items = object(json!({"Address": "a", "Id": 1}));
        assert_eq!(k.carrier_for(Place::Item("Items"), &items), None);
    }

    #[test]
    fn an_objects_own_id_names_it() {
        let c = carriers();
        let shapes = BTreeMap::new();
        let k = Known::new(&c, &shapes);
        let s = object(json!({"CopilotDataSourceSettingId": 1, "Key": "k", "Value": "v"}));
        assert_eq!(
            k.carrier_for(Place::Item("Settings"), &s).as_deref(),
            Some("CopilotDataSourceSetting")
        );
    }

    #[test]
    fn mapping_is_pure_and_reports_what_it_needs() {
        let c = carriers();
        let shapes = BTreeMap::new();
        let k = Known::new(&c, &shapes);
        let mut want = Wants::default();
        let t = map_type(
            &k,
            "Status",
            &DocType::Enum(vec!["Open".into(), "Closed".into()]),
            None,
            &mut want,
        );
        assert_eq!(t, RustType::Enum("Status".into()));
        assert_eq!(
            want.enums,
            [("Status".into(), vec!["Open".into(), "Closed".into()])]
        );
        // An enum never takes a struct's name.
        let t = map_type(&k, "VisibleFor", &DocType::Enum(vec![]), None, &mut want);
        assert_eq!(t, RustType::Enum("VisibleForKind".into()));
        // A named carrier nothing describes stays raw JSON.
        let t = map_type(
            &k,
            "X",
            &DocType::Carrier("Nowhere".into()),
            None,
            &mut want,
        );
        assert_eq!(t, RustType::Opaque("Nowhere".into()));
        // OData rows have no fixed columns.
        let rows = Shape::Array(Box::new(Shape::Object(object(json!({"Id": 1})))));
        let t = map_type(&k, "value", &DocType::Array(None), Some(&rows), &mut want);
        assert_eq!(t, RustType::Vec(Box::new(RustType::Json)));
        // A property no sample shows takes the carrier the type cells give it elsewhere.
        let t = map_type(&k, "Participant", &DocType::Unknown, None, &mut want);
        assert_eq!(t, RustType::Struct("ParticipantInfo".into()));
        assert_eq!(
            param_type(&k, "ids", &DocType::Array(None), &mut want),
            RustType::Vec(Box::new(RustType::String))
        );
    }
}
