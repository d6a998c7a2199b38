//! Pages → documented carriers: the first stage of resolving.
//!
//! Every response body naming a carrier with a property table documents
//! that carrier; all pages that document the same name are unified into
//! one carrier (union of properties). A property typed differently on two
//! pages is a warning, and the more specific type wins. A request body
//! whose properties are a large part of a documented carrier *is* that
//! carrier (`SaveUser` sends a `User`); other request bodies get
//! `<Operation>Request`.
//!
//! Besides the tables, the type cells say which carrier names exist and
//! which carrier a property name holds (`| Participant | ParticipantInfo |`),
//! so samples can later be matched to the carriers SuperOffice names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{DiagKind, Diagnostic, Pos};
use crate::ir::{DocType, Endpoint, Property};

use super::names::{carrier_name, Invented};

/// A carrier as the pages document it, properties unified.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Documented {
    /// Each property with the page (source path) that first listed it.
    pub props: Vec<(Property, String)>,
    /// The uids of the pages that document it.
    pub pages: Vec<String>,
}

impl Documented {
    /// Whether the carrier has a property of this wire name.
    pub fn has(&self, wire: &str) -> bool {
        self.props.iter().any(|(p, _)| p.name == wire)
    }
}

/// What the pages' tables say about carriers.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Carriers {
    /// Carriers with a property table, by name.
    pub documented: BTreeMap<String, Documented>,
    /// uid → the carrier its JSON request body is (or is an array of).
    pub request_names: BTreeMap<String, String>,
    /// uid → the carrier its response is (or is an array of).
    pub response_names: BTreeMap<String, String>,
    /// Every carrier name a type cell or body heading mentions (Rust-cased),
    /// documented or not: the names SuperOffice itself uses.
    pub named: BTreeSet<String>,
    /// Property name → the one carrier its type cells give it
    /// (`Participant` → `ParticipantInfo`); absent when pages disagree.
    pub prop_carriers: BTreeMap<String, String>,
    /// Property names some table types `object`: maps with arbitrary keys.
    pub maps: BTreeSet<String>,
    /// Documented carriers whose name is the generator's, not a page's
    /// (`MakeRetiredRequest`, `GetListItem`).
    pub invented: BTreeSet<String>,
}

/// How specific a documented type is, for settling conflicts.
pub fn rank(t: &DocType) -> u8 {
    match t {
        DocType::Unknown => 0,
        DocType::Object | DocType::String | DocType::Array(None) => 1,
        DocType::Int32 | DocType::Bool | DocType::Double | DocType::Int64 => 2,
        _ => 3,
    }
}

/// Same type as far as a conflict goes (`Array` with and without item).
pub fn compatible(a: &DocType, b: &DocType) -> bool {
    match (a, b) {
        (DocType::Unknown, _) | (_, DocType::Unknown) => true,
        (DocType::Array(x), DocType::Array(y)) => match (x, y) {
            (Some(x), Some(y)) => compatible(x, y),
            _ => true,
        },
        _ => a == b,
    }
}

/// The carrier a documented type holds: `Person`, `Person[]`.
pub fn carrier_of(t: &DocType) -> Option<&str> {
    match t {
        DocType::Carrier(c) => Some(c),
        DocType::Array(Some(item)) => carrier_of(item),
        _ => None,
    }
}

/// Collects the documented carriers of `endpoints`, with warnings for
/// properties the pages type differently.
pub fn collect(endpoints: &[Endpoint], invented: &Invented) -> (Carriers, Vec<Diagnostic>) {
    let mut c = Collector {
        carriers: Carriers::default(),
        diags: Vec::new(),
        positions: HashMap::new(),
        holders: HashMap::new(),
    };
    c.responses(endpoints, invented);
    c.requests(endpoints, invented);
    c.type_cells(endpoints);
    (c.carriers, c.diags)
}

struct Collector {
    carriers: Carriers,
    diags: Vec<Diagnostic>,
    /// Carrier → each property's index in its `props`, by wire name.
    positions: HashMap<String, HashMap<String, usize>>,
    /// Property wire name → the carriers that have it.
    holders: HashMap<String, BTreeSet<String>>,
}

impl Collector {
    /// Whether documented carrier `carrier` has a property `wire`.
    fn has(&self, carrier: &str, wire: &str) -> bool {
        self.positions
            .get(carrier)
            .is_some_and(|p| p.contains_key(wire))
    }

    /// The carriers that have a property `wire`, in name order.
    fn holding(&self, wire: &str) -> impl Iterator<Item = &String> {
        self.holders.get(wire).into_iter().flatten()
    }

    /// Forgets documented carrier `name`.
    fn remove(&mut self, name: &str) {
        self.carriers.documented.remove(name);
        for wire in self
            .positions
            .remove(name)
            .into_iter()
            .flat_map(|p| p.into_keys())
        {
            if let Some(h) = self.holders.get_mut(&wire) {
                h.remove(name);
            }
        }
    }

    fn add(&mut self, name: &str, props: &[Property], e: &Endpoint) {
        let mut conflicts = Vec::new();
        let entry = self
            .carriers
            .documented
            .entry(name.to_string())
            .or_default();
        if !entry.pages.contains(&e.uid) {
            entry.pages.push(e.uid.clone());
        }
        let positions = self.positions.entry(name.to_string()).or_default();
        for p in props {
            match positions.get(&p.name).and_then(|&i| entry.props.get_mut(i)) {
                Some((q, src)) => {
                    if !compatible(&q.ty, &p.ty) {
                        let keep_new = rank(&p.ty) > rank(&q.ty);
                        let won = if keep_new { &p.ty } else { &q.ty };
                        conflicts.push((
                            p.line,
                            format!(
                                "property `{}` of `{name}` is `{}` here but `{}` in {}:{}; using `{}`",
                                p.name,
                                p.ty.fact_name(),
                                q.ty.fact_name(),
                                src,
                                q.line,
                                won.fact_name()
                            ),
                        ));
                        if keep_new {
                            q.ty = p.ty.clone();
                        }
                    } else if rank(&p.ty) > rank(&q.ty) {
                        q.ty = p.ty.clone();
                    }
                    if q.description.is_none() {
                        q.description = p.description.clone();
                    }
                }
                None => {
                    positions.insert(p.name.clone(), entry.props.len());
                    self.holders
                        .entry(p.name.clone())
                        .or_default()
                        .insert(name.to_string());
                    entry.props.push((p.clone(), e.source.clone()));
                }
            }
        }
        for (line, msg) in conflicts {
            self.diags.push(Diagnostic::warning_of(
                DiagKind::PropertyConflict,
                Path::new(&e.source),
                Pos::new(line.max(1), 1),
                msg,
            ));
        }
    }

    fn responses(&mut self, endpoints: &[Endpoint], invented: &Invented) {
        for e in endpoints {
            let Some(rb) = &e.response_body else { continue };
            if rb.properties.is_empty() {
                if let Some(DocType::Carrier(name)) = &rb.ty {
                    self.carriers
                        .response_names
                        .insert(e.uid.clone(), carrier_name(name));
                }
                continue;
            }
            let name = match &rb.ty {
                Some(DocType::Carrier(name)) => carrier_name(name),
                _ => {
                    let name = invented.name(&e.uid, "Item");
                    self.carriers.invented.insert(name.clone());
                    name
                }
            };
            self.add(&name, &rb.properties, e);
            self.carriers.response_names.insert(e.uid.clone(), name);
        }
        // Array responses documented under an invented name that another
        // page documents under a real one take the real one.
        for e in endpoints {
            let Some(rb) = &e.response_body else { continue };
            if rb.ty.is_some() || rb.properties.is_empty() {
                continue;
            }
            let invented = invented.name(&e.uid, "Item");
            // Only carriers with the first property can have them all.
            let real = self
                .holding(&rb.properties[0].name)
                .filter(|n| **n != invented && !self.carriers.invented.contains(*n))
                .find(|n| {
                    self.carriers
                        .documented
                        .get(*n)
                        .is_some_and(|d| d.props.len() == rb.properties.len())
                        && rb.properties.iter().all(|p| self.has(n, &p.name))
                })
                .cloned();
            if let Some(real) = real {
                self.remove(&invented);
                self.carriers.invented.remove(&invented);
                self.carriers.response_names.insert(e.uid.clone(), real);
            }
        }
    }

    /// The documented carrier a request's property set belongs to, if it
    /// is most of one: the smallest such carrier of `carriers` (the first
    /// by name of those as small).
    fn matching_carrier(&self, props: &[Property], carriers: &BTreeSet<String>) -> Option<String> {
        if props.len() < 3 {
            return None;
        }
        let mut best: Option<(usize, &String)> = None;
        // Only carriers with the first property can have them all.
        for name in self.holding(&props[0].name) {
            if !carriers.contains(name) {
                continue;
            }
            let Some(d) = self.carriers.documented.get(name) else {
                continue;
            };
            let all_in = props.iter().all(|p| self.has(name, &p.name));
            if all_in && props.len() * 2 >= d.props.len() {
                let score = d.props.len();
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, name));
                }
            }
        }
        best.map(|(_, n)| n.clone())
    }

    /// Request bodies may be response carriers, never another request's wrapper.
    fn requests(&mut self, endpoints: &[Endpoint], invented: &Invented) {
        let carriers: BTreeSet<String> = self.carriers.documented.keys().cloned().collect();
        for e in endpoints {
            let Some(body) = &e.request_body else {
                continue;
            };
            if body.binary || body.properties.is_empty() {
                continue;
            }
            let name = match self.matching_carrier(&body.properties, &carriers) {
                Some(carrier) => carrier,
                None => {
                    let name = invented.name(&e.uid, "Request");
                    self.carriers.invented.insert(name.clone());
                    name
                }
            };
            self.add(&name, &body.properties, e);
            self.carriers.request_names.insert(e.uid.clone(), name);
        }
    }

    /// The carrier names the type cells mention, and which property holds which.
    fn type_cells(&mut self, endpoints: &[Endpoint]) {
        let mut by_prop: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for e in endpoints {
            if let Some(DocType::Carrier(c)) = e.response_body.as_ref().and_then(|b| b.ty.as_ref())
            {
                self.carriers.named.insert(carrier_name(c));
            }
            let tables = e
                .response_body
                .iter()
                .map(|b| &b.properties)
                .chain(e.request_body.iter().map(|b| &b.properties));
            for p in tables.flatten() {
                if p.ty == DocType::Object {
                    self.carriers.maps.insert(p.name.clone());
                }
                if let Some(c) = carrier_of(&p.ty) {
                    let c = carrier_name(c);
                    self.carriers.named.insert(c.clone());
                    by_prop.entry(p.name.clone()).or_default().insert(c);
                }
            }
        }
        self.carriers.prop_carriers = by_prop
            .into_iter()
            .filter(|(_, cs)| cs.len() == 1)
            .filter_map(|(p, cs)| Some((p, cs.into_iter().next()?)))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::fixtures::{endpoint, RESPONSES};

    #[test]
    fn conflicts_rank_specific_types_higher() {
        assert!(rank(&DocType::DateTime) > rank(&DocType::String));
        assert!(compatible(&DocType::Unknown, &DocType::Int32));
        assert!(compatible(
            &DocType::Array(None),
            &DocType::Array(Some(Box::new(DocType::Int32)))
        ));
        assert!(!compatible(&DocType::String, &DocType::DateTime));
    }

    #[test]
    fn type_cells_name_carriers_and_the_properties_holding_them() {
        let page = endpoint(&format!(
            "---\nuid: v1ThingAgent_GetThing\n---\n\n```http\nPOST /api/v1/Agents/Thing/GetThing\n```\n\n## Response:\n\n{RESPONSES}### Response body: Thing\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n| Participant | ParticipantInfo | |\n| Owners | Person[] | |\n| Extra | object | |\n"
        ));
        let eps = [page];
        let (c, diags) = collect(&eps, &Invented::new(["v1ThingAgent_GetThing"]));
        assert!(diags.is_empty());
        assert_eq!(c.response_names["v1ThingAgent_GetThing"], "Thing");
        assert!(c.documented["Thing"].has("Owners"));
        assert_eq!(
            c.named.iter().map(String::as_str).collect::<Vec<_>>(),
            ["ParticipantInfo", "Person", "Thing"]
        );
        assert_eq!(c.prop_carriers["Participant"], "ParticipantInfo");
        assert_eq!(c.prop_carriers["Owners"], "Person");
        assert!(c.maps.contains("Extra"));
    }
}
