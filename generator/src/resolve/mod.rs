//! Endpoints → [`Api`]: the types and operations to emit.
//!
//! 1. **Documented carriers.** Every response body naming a carrier with a
//!    property table documents that carrier; all pages that document the
//!    same name are unified into one struct (union of properties). A
//!    property typed differently on two pages is a warning, and the more
//!    specific type wins. A request body whose properties are a large part
//!    of a documented carrier *is* that carrier (`SaveUser` sends a `User`);
//!    other request bodies get `<Operation>Request`.
//! 2. **Observations.** Every sample body is walked alongside the type it
//!    belongs to, collecting the JSON kinds seen for each field.
//! 3. **Types.** [`map_type`](Resolver::map_type) is the one place a
//!    documented type becomes a Rust type; arrays, maps and undocumented
//!    carriers take their item types from the observations, named after
//!    their property (`LicenseOwners` items → `LicenseOwner`). What no
//!    sample shows is `serde_json::Value`, said so in its doc comment.
//! 4. **Operations**, grouped by agent or REST resource.

pub mod graph;
pub mod model;
pub mod names;
mod queries;
pub mod shape;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Pos};
use crate::ir::{DocType, Endpoint, Note, Property, SampleBody};
pub use model::*;
use names::{sanitize, singular, Case, Scope};
use shape::{ObjectShape, Observations, Shape};

/// A carrier as the pages document it, properties unified.
#[derive(Debug, Default)]
struct Documented {
    props: Vec<(Property, String)>,
    /// The uids of the pages that document it.
    pages: Vec<String>,
}

/// How specific a documented type is, for settling conflicts.
fn rank(t: &DocType) -> u8 {
    match t {
        DocType::Unknown => 0,
        DocType::Object | DocType::String | DocType::Array(None) => 1,
        DocType::Int32 | DocType::Bool | DocType::Double | DocType::Int64 => 2,
        _ => 3,
    }
}

/// Same type as far as a conflict goes (`Array` with and without item).
fn compatible(a: &DocType, b: &DocType) -> bool {
    match (a, b) {
        (DocType::Unknown, _) | (_, DocType::Unknown) => true,
        (DocType::Array(x), DocType::Array(y)) => match (x, y) {
            (Some(x), Some(y)) => compatible(x, y),
            _ => true,
        },
        _ => a == b,
    }
}

/// Resolves parsed endpoints (sorted by uid) into an [`Api`], with warnings.
pub fn resolve(endpoints: &[Endpoint], docs_root: &Path) -> (Api, Vec<Diagnostic>) {
    let mut op_counts = BTreeMap::new();
    for e in endpoints {
        *op_counts.entry(op_name(&e.uid)).or_insert(0) += 1;
    }
    // Each sample's JSON, parsed once: (request, response) by endpoint index.
    let samples = endpoints
        .iter()
        .map(|e| {
            let json = |m: Option<Option<&SampleBody>>| m.flatten().and_then(json_of);
            (
                json(e.sample_request.message().map(|s| s.body.as_ref())),
                json(e.sample_response.message().map(|s| s.body.as_ref())),
            )
        })
        .collect();
    let mut r = Resolver {
        endpoints,
        samples,
        op_counts,
        root: docs_root,
        documented: BTreeMap::new(),
        request_names: BTreeMap::new(),
        response_names: BTreeMap::new(),
        obs: Observations::new(),
        inferred: BTreeMap::new(),
        enums: BTreeMap::new(),
        diags: Vec::new(),
    };
    r.collect_documented();
    r.observe_samples();
    let api = r.build();
    let mut diags = r.diags;
    diags.sort();
    (api, diags)
}

struct Resolver<'a> {
    endpoints: &'a [Endpoint],
    /// The JSON of each endpoint's samples (request, response), `null` as `None`.
    samples: Vec<(Option<Value>, Option<Value>)>,
    /// How many endpoints share each operation name (`Search` is in several agents).
    op_counts: BTreeMap<&'a str, usize>,
    root: &'a Path,
    documented: BTreeMap<String, Documented>,
    /// uid → the carrier its JSON request body is (or is an array of).
    request_names: BTreeMap<String, String>,
    /// uid → the carrier its response is (or is an array of).
    response_names: BTreeMap<String, String>,
    obs: Observations,
    /// Shapes of carriers known only from samples, by name.
    inferred: BTreeMap<String, ObjectShape>,
    /// Enums by name: their values in first-seen order.
    enums: BTreeMap<String, Vec<String>>,
    diags: Vec<Diagnostic>,
}

/// The operation part of a uid: `v1UserAgent_MakeRetired` → `MakeRetired`.
fn op_name(uid: &str) -> &str {
    uid.split_once('_').map_or(uid, |(_, op)| op)
}

/// The group part of a uid: `v1UserAgent_MakeRetired` → `UserAgent`.
fn uid_group(uid: &str) -> &str {
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

fn json_of(body: &SampleBody) -> Option<Value> {
    body.json().filter(|v| !v.is_null())
}

/// What a sample says about one item: the merged shape of an array's
/// items, or the shape of the value itself.
fn item_shape(v: &Value) -> Shape {
    match Shape::of(v) {
        Shape::Array(item) => *item,
        other => other,
    }
}

impl<'a> Resolver<'a> {
    /// A name for a type only this endpoint defines (`MakeRetiredRequest`),
    /// qualified by the group when another endpoint has the same operation
    /// name (`AiAgentSearchItem`), so unrelated bodies never merge.
    fn invented(&self, uid: &str, suffix: &str) -> String {
        let op = op_name(uid);
        let base = if self.op_counts.get(op).copied().unwrap_or(0) > 1 {
            format!("{}{op}", uid_group(uid))
        } else {
            op.to_string()
        };
        format!("{}{suffix}", sanitize(&base, Case::Pascal))
    }

    fn warn(&mut self, e: &Endpoint, line: u32, msg: String) {
        self.diags.push(Diagnostic::warning(
            &self.root.join(&e.source),
            Pos::new(line.max(1), 1),
            msg,
        ));
    }

    fn add_documented(&mut self, name: &str, props: &[Property], e: &Endpoint) {
        let mut conflicts = Vec::new();
        let entry = self.documented.entry(name.to_string()).or_default();
        if !entry.pages.contains(&e.uid) {
            entry.pages.push(e.uid.clone());
        }
        for p in props {
            match entry.props.iter_mut().find(|(q, _)| q.name == p.name) {
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
                None => entry.props.push((p.clone(), e.source.clone())),
            }
        }
        for (line, msg) in conflicts {
            self.warn(e, line, msg);
        }
    }

    /// The carrier (one of `carriers`) a property set belongs to, if it is
    /// most of one.
    fn matching_carrier(&self, props: &[Property], carriers: &[String]) -> Option<String> {
        if props.len() < 3 {
            return None;
        }
        let mut best: Option<(usize, &String)> = None;
        for name in carriers {
            let Some(d) = self.documented.get(name) else {
                continue;
            };
            let all_in = props
                .iter()
                .all(|p| d.props.iter().any(|(q, _)| q.name == p.name));
            if all_in && props.len() * 2 >= d.props.len() {
                let score = d.props.len();
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, name));
                }
            }
        }
        best.map(|(_, n)| n.clone())
    }

    fn collect_documented(&mut self) {
        let eps = self.endpoints;
        for e in eps {
            let Some(rb) = &e.response_body else { continue };
            if rb.properties.is_empty() {
                if let Some(DocType::Carrier(name)) = &rb.ty {
                    self.response_names.insert(e.uid.clone(), name.clone());
                }
                continue;
            }
            let name = match &rb.ty {
                Some(DocType::Carrier(name)) => name.clone(),
                _ => self.invented(&e.uid, "Item"),
            };
            self.add_documented(&name, &rb.properties, e);
            self.response_names.insert(e.uid.clone(), name);
        }
        // Array responses documented under an invented name that another
        // page documents under a real one take the real one.
        for e in eps {
            let Some(rb) = &e.response_body else { continue };
            if rb.ty.is_none() && !rb.properties.is_empty() {
                let invented = self.invented(&e.uid, "Item");
                let real = self
                    .documented
                    .iter()
                    .filter(|(n, _)| **n != invented && !n.ends_with("Item"))
                    .find(|(_, d)| {
                        d.props.len() == rb.properties.len()
                            && rb
                                .properties
                                .iter()
                                .all(|p| d.props.iter().any(|(q, _)| q.name == p.name))
                    })
                    .map(|(n, _)| n.clone());
                if let Some(real) = real {
                    self.documented.remove(&invented);
                    self.response_names.insert(e.uid.clone(), real);
                }
            }
        }
        // Request bodies may be response carriers, never another request's wrapper.
        let carriers: Vec<String> = self.documented.keys().cloned().collect();
        for e in eps {
            let Some(body) = &e.request_body else {
                continue;
            };
            if body.binary || body.properties.is_empty() {
                continue;
            }
            let name = self
                .matching_carrier(&body.properties, &carriers)
                .unwrap_or_else(|| self.invented(&e.uid, "Request"));
            self.add_documented(&name, &body.properties, e);
            self.request_names.insert(e.uid.clone(), name);
        }
    }

    /// Records the shape of `v` as an instance of carrier `name`, and of its
    /// fields that are documented carriers, recursively.
    fn observe(&mut self, name: &str, v: &Value) {
        match v {
            Value::Array(items) => {
                for i in items {
                    self.observe(name, i);
                }
            }
            Value::Object(map) => {
                if let Shape::Object(o) = Shape::of(v) {
                    self.obs.entry(name.to_string()).or_default().merge(&o);
                }
                let nested: Vec<(String, &Value)> = match self.documented.get(name) {
                    Some(d) => map
                        .iter()
                        .filter_map(|(k, val)| {
                            let (p, _) = d.props.iter().find(|(p, _)| &p.name == k)?;
                            match &p.ty {
                                DocType::Carrier(c) => Some((c.clone(), val)),
                                DocType::Array(Some(item)) => match item.as_ref() {
                                    DocType::Carrier(c) => Some((c.clone(), val)),
                                    _ => None,
                                },
                                _ => None,
                            }
                        })
                        .collect(),
                    None => Vec::new(),
                };
                for (c, val) in nested {
                    if self.documented.contains_key(&c) {
                        self.observe(&c, val);
                    }
                }
            }
            _ => {}
        }
    }

    fn observe_samples(&mut self) {
        let eps = self.endpoints;
        let samples = std::mem::take(&mut self.samples);
        for (e, (request, response)) in eps.iter().zip(&samples) {
            if let (Some(name), Some(v)) = (self.response_names.get(&e.uid).cloned(), response) {
                self.observe(&name, v);
            }
            if let (Some(name), Some(v)) = (self.request_names.get(&e.uid).cloned(), request) {
                self.observe(&name, v);
            }
        }
        self.samples = samples;
    }

    /// An enum for documented values, named after the parameter or property.
    fn enum_type(&mut self, hint: &str, values: &[String]) -> RustType {
        let mut name = sanitize(hint, Case::Pascal);
        if self.documented.contains_key(&name) {
            name.push_str("Kind");
        }
        let known = self.enums.entry(name.clone()).or_default();
        for v in values {
            if !known.contains(v) {
                known.push(v.clone());
            }
        }
        RustType::Enum(name)
    }

    /// A field known only from samples: a name that some page documents as
    /// an `object` (a map such as `FieldProperties`) stays a map here too.
    fn field_from_shape(&mut self, name: &str, shape: &Shape) -> RustType {
        let documented_as_map = self.documented.values().any(|d| {
            d.props
                .iter()
                .any(|(p, _)| p.name == name && p.ty == DocType::Object)
        });
        if documented_as_map && shape.object().is_some() {
            return self.map_type(name, &DocType::Object, Some(shape));
        }
        self.shape_type(name, Some(shape))
    }

    /// A type from what samples show, named after `hint` when it is an object.
    fn shape_type(&mut self, hint: &str, shape: Option<&Shape>) -> RustType {
        match shape {
            None | Some(Shape::Unknown) | Some(Shape::Mixed) => RustType::Json,
            Some(Shape::Bool) => RustType::Bool,
            Some(Shape::Int) => RustType::I64,
            Some(Shape::Float) => RustType::F64,
            Some(Shape::String) => RustType::String,
            Some(Shape::DateTime) => RustType::DateTime,
            Some(Shape::Array(item)) => {
                RustType::Vec(Box::new(self.shape_type(&singular(hint), Some(item))))
            }
            Some(Shape::Object(o)) if o.is_empty() => RustType::Json,
            Some(Shape::Object(o)) => {
                let name = sanitize(hint, Case::Pascal);
                if self.documented.contains_key(&name) {
                    self.obs.entry(name.clone()).or_default().merge(o);
                } else {
                    self.inferred.entry(name.clone()).or_default().merge(o);
                }
                RustType::Struct(name)
            }
        }
    }

    /// The one place a documented type becomes a Rust type. `shape` is what
    /// the samples showed at this place.
    fn map_type(&mut self, prop: &str, ty: &DocType, shape: Option<&Shape>) -> RustType {
        match ty {
            DocType::Int32 => RustType::I32,
            DocType::Int64 => RustType::I64,
            DocType::Double => RustType::F64,
            DocType::Bool => RustType::Bool,
            DocType::DateTime => RustType::DateTime,
            // Binary inside JSON travels as a base64 string.
            DocType::String | DocType::Binary => RustType::String,
            DocType::Enum(values) => self.enum_type(prop, values),
            DocType::Array(item) => {
                let item_shape = match shape {
                    Some(Shape::Array(s)) => Some(s.as_ref().clone()),
                    _ => None,
                };
                let item = match item {
                    Some(t) => self.map_type(prop, t, item_shape.as_ref()),
                    None => self.shape_type(&singular(prop), item_shape.as_ref()),
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
                        self.shape_type(&singular(prop), Some(&merged))
                    }
                    _ => RustType::Json,
                };
                RustType::Map(Box::new(value))
            }
            DocType::Carrier(name) => {
                let name = sanitize(name, Case::Pascal);
                if self.documented.contains_key(&name) {
                    if let Some(Shape::Object(o)) = shape {
                        self.obs.entry(name.clone()).or_default().merge(o);
                    }
                    RustType::Struct(name)
                } else if let Some(Shape::Object(o)) =
                    shape.filter(|s| s.object().is_some_and(|o| !o.is_empty()))
                {
                    self.inferred.entry(name.clone()).or_default().merge(o);
                    RustType::Struct(name)
                } else if self.inferred.contains_key(&name) {
                    RustType::Struct(name)
                } else {
                    RustType::Opaque(name)
                }
            }
            DocType::Unknown => self.shape_type(prop, shape),
        }
    }

    fn documented_struct(&mut self, name: &str) -> StructDef {
        let props: Vec<Property> = self
            .documented
            .get(name)
            .map(|d| d.props.iter().map(|(p, _)| p.clone()).collect())
            .unwrap_or_default();
        let obs = self.obs.get(name).cloned().unwrap_or_default();
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for p in &props {
            let ty = self.map_type(&p.name, &p.ty, obs.get(&p.name));
            fields.push(Field {
                wire: p.name.clone(),
                rust: scope.unique(sanitize(&p.name, Case::Snake)),
                ty,
                doc: p.description.as_ref().map(|d| d.0.clone()),
            });
        }
        // Fields the samples carry that no table lists.
        for (k, s) in &obs.fields {
            if props.iter().any(|p| &p.name == k) {
                continue;
            }
            let ty = self.field_from_shape(k, s);
            fields.push(Field {
                wire: k.clone(),
                rust: scope.unique(sanitize(k, Case::Snake)),
                ty,
                doc: Some("Not in the property tables; seen in the samples.".into()),
            });
        }
        let pages = self
            .documented
            .get(name)
            .map(|d| d.pages.clone())
            .unwrap_or_default();
        let shown: Vec<String> = pages.iter().take(6).map(|u| format!("`{u}`")).collect();
        let more = pages.len().saturating_sub(shown.len());
        let doc = format!(
            "The `{name}` carrier, as documented on {}{}.",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more pages")
            } else {
                String::new()
            }
        );
        StructDef {
            name: name.to_string(),
            doc: Some(doc),
            fields,
            origin: Origin::Documented,
        }
    }

    fn inferred_struct(&mut self, name: &str, shape: &ObjectShape) -> StructDef {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (k, s) in &shape.fields {
            let ty = self.field_from_shape(k, s);
            fields.push(Field {
                wire: k.clone(),
                rust: scope.unique(sanitize(k, Case::Snake)),
                ty,
                doc: None,
            });
        }
        StructDef {
            name: name.to_string(),
            doc: Some(
                "No page documents this carrier with a property table; its fields are inferred from the sample JSON of the pages that show it.".into(),
            ),
            fields,
            origin: Origin::Inferred,
        }
    }

    fn build(&mut self) -> Api {
        let mut api = Api::default();
        let groups = self.operations();
        // Documented structs (building them may infer more types).
        let names: Vec<String> = self.documented.keys().cloned().collect();
        for n in &names {
            let s = self.documented_struct(n);
            api.types.types.insert(n.clone(), TypeDef::Struct(s));
        }
        // Inferred structs, until no new shape turns up.
        let mut built: BTreeMap<String, ObjectShape> = BTreeMap::new();
        loop {
            let pending: Vec<(String, ObjectShape)> = self
                .inferred
                .iter()
                .filter(|(n, s)| built.get(*n) != Some(*s))
                .map(|(n, s)| (n.clone(), s.clone()))
                .collect();
            if pending.is_empty() {
                break;
            }
            for (n, s) in pending {
                let def = self.inferred_struct(&n, &s);
                api.types.types.insert(n.clone(), TypeDef::Struct(def));
                built.insert(n, s);
            }
        }
        // Documented structs again: observations made while inferring
        // (nested documented carriers) may add sample-only fields.
        for n in &names {
            let s = self.documented_struct(n);
            api.types.types.insert(n.clone(), TypeDef::Struct(s));
        }
        for (name, values) in &self.enums {
            let mut scope = Scope::default();
            let variants = values
                .iter()
                .map(|v| (scope.unique(sanitize(v, Case::Pascal)), v.clone()))
                .collect();
            api.types.types.insert(
                name.clone(),
                TypeDef::Enum(EnumDef {
                    name: name.clone(),
                    doc: None,
                    variants,
                }),
            );
        }
        // Carriers referenced but never described.
        let mut opaque = Vec::new();
        for def in api.types.types.values() {
            if let TypeDef::Struct(s) = def {
                for f in &s.fields {
                    collect_opaque(&f.ty, &mut opaque);
                }
            }
        }
        for g in groups.values() {
            for op in &g.operations {
                if let OpBody::Json { ty, .. } = &op.body {
                    collect_opaque(ty, &mut opaque);
                }
                if let OpResponse::Json(ty) = &op.response {
                    collect_opaque(ty, &mut opaque);
                }
            }
        }
        for name in opaque {
            api.types.types.entry(name.clone()).or_insert_with(|| {
                TypeDef::Opaque(OpaqueDef {
                    name,
                    doc: Some("No page documents this carrier's properties and no sample shows them, so it is kept as raw JSON.".into()),
                })
            });
        }
        api.groups = groups;
        api
    }

    fn operations(&mut self) -> BTreeMap<String, Group> {
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
        let eps = self.endpoints;
        for (i, e) in eps.iter().enumerate() {
            let (module, type_name, feature, title) = group_of(&e.path);
            let scope = scopes.entry(module.clone()).or_default();
            let rust = scope.unique(sanitize(op_name(&e.uid), Case::Snake));
            // From the unique method name, so query structs are unique too.
            let pascal = sanitize(&rust, Case::Pascal);
            let op = self.operation(i, e, rust, pascal);
            groups
                .entry(module.clone())
                .or_insert_with(|| Group {
                    type_name,
                    module,
                    feature,
                    title,
                    operations: Vec::new(),
                    queries: Vec::new(),
                })
                .operations
                .push(op);
        }
        for g in groups.values_mut() {
            queries::share_query_structs(g);
        }
        groups
    }

    fn param(
        &mut self,
        scope: &mut Scope,
        wire: &str,
        ty: &DocType,
        doc: Option<String>,
    ) -> OpParam {
        let ty = match ty {
            DocType::Unknown | DocType::Carrier(_) | DocType::Object => RustType::String,
            DocType::Array(_) => RustType::Vec(Box::new(RustType::String)),
            other => self.map_type(wire, other, None),
        };
        OpParam {
            wire: wire.to_string(),
            rust: scope.unique(sanitize(wire, Case::Snake)),
            ty,
            doc,
        }
    }

    fn operation(&mut self, index: usize, e: &Endpoint, rust: String, pascal: String) -> Operation {
        let mut scope = Scope::default();
        // One parameter per variable of the path, in its order; a variable
        // no `Path Part` row documents is a string.
        let mut path_params = Vec::new();
        for var in crate::parse::path_vars(&e.path) {
            let param = match e.path_params.iter().find(|p| p.name == var) {
                Some(p) => {
                    let doc = p.description.as_ref().map(|d| d.0.clone());
                    self.param(&mut scope, &p.name, &p.ty, doc)
                }
                None => self.param(&mut scope, var, &DocType::String, None),
            };
            path_params.push(param);
        }
        let mut required_query = Vec::new();
        let mut optional_query = Vec::new();
        let mut qscope = Scope::default();
        for q in &e.query_params {
            let doc = q.description.as_ref().map(|d| d.0.clone());
            if q.required {
                required_query.push(self.param(&mut scope, &q.name, &q.ty, doc));
            } else {
                optional_query.push(self.param(&mut qscope, &q.name, &q.ty, doc));
            }
        }
        let body = match &e.request_body {
            None => OpBody::None,
            Some(b) if b.binary => OpBody::Binary {
                arg: scope.unique(sanitize(&b.name, Case::Snake)),
            },
            Some(b) => {
                let sample = self.samples[index].0.clone();
                let ty = match self.request_names.get(&e.uid).cloned() {
                    Some(name) if sample.as_ref().is_some_and(Value::is_array) => {
                        RustType::Vec(Box::new(RustType::Struct(name)))
                    }
                    Some(name) => RustType::Struct(name),
                    None => {
                        let shape = sample.as_ref().map(Shape::of);
                        let hint = self.invented(&e.uid, "Request");
                        self.shape_type(&hint, shape.as_ref())
                    }
                };
                OpBody::Json {
                    arg: scope.unique(sanitize(&b.name, Case::Snake)),
                    ty,
                }
            }
        };
        let response = self.response(index, e);
        Operation {
            uid: e.uid.clone(),
            endpoint: index,
            rust,
            pascal,
            method: e.method,
            path: e.path.clone(),
            path_params,
            required_query,
            optional_query,
            query: None,
            body,
            response,
            doc: op_doc(e),
        }
    }

    fn response(&mut self, index: usize, e: &Endpoint) -> OpResponse {
        let Some(rb) = &e.response_body else {
            return OpResponse::Empty;
        };
        let shape = self.samples[index].1.as_ref().map(item_shape);
        let item = if let Some(name) = self.response_names.get(&e.uid).cloned() {
            if self.documented.contains_key(&name) {
                RustType::Struct(name)
            } else {
                // A carrier named but described nowhere: the sample may tell.
                self.map_type(&name, &DocType::Carrier(name.clone()), shape.as_ref())
            }
        } else {
            match &rb.ty {
                Some(DocType::Binary) => return OpResponse::Bytes,
                Some(t) => {
                    let hint = self.invented(&e.uid, "Result");
                    self.map_type(&hint, t, shape.as_ref())
                }
                None => {
                    let hint = self.invented(&e.uid, "Item");
                    self.shape_type(&hint, shape.as_ref())
                }
            }
        };
        if rb.array {
            OpResponse::Json(RustType::Vec(Box::new(item)))
        } else {
            OpResponse::Json(item)
        }
    }
}

fn collect_opaque(t: &RustType, out: &mut Vec<String>) {
    match t {
        RustType::Opaque(n) if !out.contains(n) => out.push(n.clone()),
        RustType::Vec(t) | RustType::Map(t) => collect_opaque(t, out),
        _ => {}
    }
}

/// `/api/v1/Agents/User/MakeRetired` → the User agent;
/// `/api/v1/Appointment/{id}` → the Appointment resource.
fn group_of(path: &str) -> (String, String, String, String) {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest: &[&str] = match segs.as_slice() {
        ["api", v, rest @ ..] if v.starts_with('v') => rest,
        ["api", rest @ ..] => rest,
        rest => rest,
    };
    let (name, kind) = match rest {
        [agents, name, ..] if agents.eq_ignore_ascii_case("agents") => (*name, "Agent"),
        [name, ..] if !name.starts_with('{') => (*name, "Resource"),
        _ => ("Root", "Resource"),
    };
    let base = sanitize(name, Case::Pascal);
    let type_name = format!("{base}{kind}");
    let module = sanitize(&type_name, Case::Snake);
    let feature = module.replace('_', "-");
    let title = format!("{base} {}", kind.to_ascii_lowercase());
    (module, type_name, feature, title)
}

/// The method's doc comment: summary, description, notes.
fn op_doc(e: &Endpoint) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &e.summary {
        parts.push(s.0.clone());
    }
    parts.push(format!("`{} {}`", e.method, e.path));
    if let Some(d) = &e.description {
        parts.push(d.0.clone());
    }
    for n in &e.notes {
        parts.push(match n {
            Note::OnlineRestricted { text } => format!("**Online restricted:** {text}"),
            Note::Experimental { text } => format!("**Experimental:** {text}"),
            Note::SlowThreshold { millis } => {
                format!("Calls slower than {millis} ms are logged as slow (`NsApiSlow`).")
            }
        });
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_from_paths() {
        assert_eq!(
            group_of("/api/v1/Agents/User/MakeRetired"),
            (
                "user_agent".into(),
                "UserAgent".into(),
                "user-agent".into(),
                "User agent".into()
            )
        );
        assert_eq!(
            group_of("/api/v1/Appointment/{id}/Links").0,
            "appointment_resource"
        );
    }

    fn endpoint(src: &str) -> Endpoint {
        match crate::parse::parse_page(Path::new("p.md"), "p.md", src).parsed {
            crate::parse::Parsed::Endpoint(e) => *e,
            other => panic!("{other:?}"),
        }
    }

    const RESPONSES: &str = "| Response | Description |\n|---|---|\n| 200 | OK |\n\n";

    #[test]
    fn binary_bodies_become_bytes() {
        let up = endpoint(&format!(
            "---\nuid: v1Thing_SaveImage\n---\n\n```http\nPUT /api/v1/Thing/{{id}}/Image\n```\n\n| Path Part | Type | Description |\n|---|---|---|\n| id | int32 | **Required** |\n\n## Request Body: image binary\n\nA PNG.\n\n## Response:int32\n\n{RESPONSES}### Response body: int32\n"
        ));
        let down = endpoint(&format!(
            "---\nuid: v1Thing_GetImage\n---\n\n```http\nGET /api/v1/Thing/{{id}}/Image\n```\n\n## Response:byte\n\n{RESPONSES}### Response body: byte\n"
        ));
        let (api, _) = resolve(&[down, up], Path::new("."));
        let ops = &api.groups["thing_resource"].operations;
        assert_eq!(ops[0].response, OpResponse::Bytes);
        assert_eq!(
            ops[1].body,
            OpBody::Binary {
                arg: "image".into()
            }
        );
        assert_eq!(ops[1].response, OpResponse::Json(RustType::I32));
        assert_eq!(ops[1].path_params[0].ty, RustType::I32);
    }

    #[test]
    fn carriers_unify_and_infer_from_samples() {
        let get = endpoint(&format!(
            "---\nuid: v1WidgetAgent_GetWidget\n---\n\n```http\nPOST /api/v1/Agents/Widget/GetWidget\n```\n\n## Response:\n\n{RESPONSES}### Response body: Widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n| Made | date-time | |\n| Parts | array | |\n| Extra | object | |\n| Owner | Person | |\n\n## Sample request\n\n```http!\nPOST /api/v1/Agents/Widget/GetWidget\n```\n\n## Sample response\n\n```http_\nHTTP/1.1 200 OK\n\n{{\"Id\": 1, \"Parts\": [{{\"Name\": \"a\", \"Count\": 2}}], \"Extra\": {{\"k\": \"v\"}}, \"Owner\": null}}\n```\n"
        ));
        let save = endpoint(&format!(
            "---\nuid: v1WidgetAgent_SaveWidget\n---\n\n```http\nPOST /api/v1/Agents/Widget/SaveWidget\n```\n\n## Request Body: widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | Integer | |\n| Made | String | |\n| Parts | Array | |\n\n## Response:\n\n{RESPONSES}### Response body: Widget\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n| Colour | string | |\n"
        ));
        let (api, diags) = resolve(&[get, save], Path::new("."));
        let w = api.types.structure("Widget").expect("Widget");
        let fields: Vec<(&str, String)> = w
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), f.ty.short()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("Id", "i32".into()),
                ("Made", "DateTime".into()),
                ("Parts", "Vec<Part>".into()),
                ("Extra", "BTreeMap<String, String>".into()),
                ("Owner", "Person".into()),
                ("Colour", "String".into()),
            ]
        );
        let part = api.types.structure("Part").expect("inferred Part");
        assert_eq!(part.origin, Origin::Inferred);
        assert!(matches!(
            api.types.types.get("Person"),
            Some(TypeDef::Opaque(_))
        ));
        // SaveWidget sends a Widget: `Made` is `string` there, `date-time` here.
        let ops = &api.groups["widget_agent"].operations;
        assert_eq!(
            ops[1].body,
            OpBody::Json {
                arg: "widget".into(),
                ty: RustType::Struct("Widget".into())
            }
        );
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert!(
            diags[0]
                .message
                .starts_with("property `Made` of `Widget` is `string` here but `date-time`"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn invented_names_are_qualified_only_when_shared() {
        let page = |uid: &str, path: &str| {
            endpoint(&format!(
                "---\nuid: {uid}\n---\n\n```http\nPOST {path}\n```\n\n## Request Body: request\n\n| Property Name | Type | Description |\n|---|---|---|\n| Id | int32 | |\n\n## Response:\n\n{RESPONSES}"
            ))
        };
        let eps = [
            page("v1AIAgent_Search", "/api/v1/Agents/AI/Search"),
            page("v1FindAgent_Search", "/api/v1/Agents/Find/Search"),
            page("v1UserAgent_MakeRetired", "/api/v1/Agents/User/MakeRetired"),
        ];
        let (api, _) = resolve(&eps, Path::new("."));
        let names: Vec<&String> = api.types.types.keys().collect();
        assert_eq!(
            names,
            vec![
                "AiAgentSearchRequest",
                "FindAgentSearchRequest",
                "MakeRetiredRequest"
            ]
        );
        assert_eq!(uid_group("v12FooAgent_X"), "FooAgent");
    }

    #[test]
    fn request_wrappers_never_merge_with_each_other() {
        let page = |uid: &str, ty: &str| {
            endpoint(&format!(
                "---\nuid: {uid}\n---\n\n```http\nPOST /api/v1/Agents/Archive/{}\n```\n\n## Request Body: request\n\n| Property Name | Type | Description |\n|---|---|---|\n| Gui | String | |\n| Sort | {ty} | |\n| Page | Integer | |\n\n## Response:\n\n{RESPONSES}",
                op_name(uid)
            ))
        };
        let eps = [
            page("v1ArchiveAgent_List", "Array"),
            page("v1ArchiveAgent_List2", "String"),
        ];
        let (api, diags) = resolve(&eps, Path::new("."));
        assert!(diags.is_empty(), "{diags:#?}");
        let sort = |n: &str| api.types.structure(n).expect(n).fields[1].ty.clone();
        assert_eq!(sort("ListRequest"), RustType::Vec(Box::new(RustType::Json)));
        assert_eq!(sort("List2Request"), RustType::String);
    }

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
}
