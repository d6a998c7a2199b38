//! The resolved API: every Rust type to emit ([`TypeSpace`]) and every
//! endpoint as an operation of a group ([`Group`], [`Operation`]).
//! Everything is kept in sorted maps so the output is byte-stable.

use std::collections::BTreeMap;

use crate::ir::HttpMethod;

/// A Rust type as the emitter writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RustType {
    I32,
    I64,
    F64,
    Bool,
    String,
    /// `crate::runtime::DateTime`
    DateTime,
    /// A struct of the type space.
    Struct(String),
    /// A string enum of the type space.
    Enum(String),
    /// A carrier no page describes: an alias of `serde_json::Value`.
    Opaque(String),
    Vec(Box<RustType>),
    /// A JSON object with arbitrary keys.
    Map(Box<RustType>),
    /// Any JSON (`serde_json::Value`).
    Json,
}

impl RustType {
    /// The type as a reader would write it (`Vec<LicenseOwner>`), for
    /// `facts --rust` and docs.
    pub fn short(&self) -> String {
        match self {
            RustType::I32 => "i32".into(),
            RustType::I64 => "i64".into(),
            RustType::F64 => "f64".into(),
            RustType::Bool => "bool".into(),
            RustType::String => "String".into(),
            RustType::DateTime => "DateTime".into(),
            RustType::Struct(n) | RustType::Enum(n) | RustType::Opaque(n) => n.clone(),
            RustType::Vec(t) => format!("Vec<{}>", t.short()),
            RustType::Map(t) => format!("BTreeMap<String, {}>", t.short()),
            RustType::Json => "serde_json::Value".into(),
        }
    }
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON name, exactly as on the wire.
    pub wire: String,
    /// The Rust field name.
    pub rust: String,
    pub ty: RustType,
    pub doc: Option<String>,
}

/// Where a struct's fields come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A property table on at least one page.
    Documented,
    /// Only sample JSON, under the name the pages give the carrier.
    Named,
    /// Only sample JSON, under a name of the generator's (its property's).
    Inferred,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub name: String,
    pub doc: Option<String>,
    /// (Rust variant, wire value), in first-seen order.
    pub variants: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpaqueDef {
    pub name: String,
    pub doc: Option<String>,
}

/// A carrier with exactly the fields of another: a type alias of it, so
/// no two structs have the same fields.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasDef {
    pub name: String,
    /// The struct it names.
    pub target: String,
}

/// A REST answer that is an entity and its `_Links`: a struct whose
/// fields are exactly another struct's plus `_Links`. Emitted as the
/// runtime's `WithLinks<Entity, Links>`, which derefs to the entity.
#[derive(Debug, Clone, PartialEq)]
pub struct WithLinksDef {
    pub name: String,
    /// The entity it is (a struct, or an alias of one).
    pub entity: String,
    /// The type of `_Links`.
    pub links: RustType,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Opaque(OpaqueDef),
    Alias(AliasDef),
    WithLinks(WithLinksDef),
}

/// Every named type, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeSpace {
    pub types: BTreeMap<String, TypeDef>,
}

impl TypeSpace {
    /// The fields of a body or answer of type `t`: of `X` or of `Vec<X>`
    /// when `X` is a struct (or an alias of one); none otherwise.
    pub fn body_fields(&self, t: &RustType) -> &[Field] {
        let mut t = t;
        while let RustType::Vec(inner) = t {
            t = inner;
        }
        match t {
            RustType::Struct(n) => self.structure(n).map_or(&[], |s| &s.fields),
            _ => &[],
        }
    }

    /// The struct `name` is, through an alias if need be; for an entity
    /// with links, the entity's.
    pub fn structure(&self, name: &str) -> Option<&StructDef> {
        match self.types.get(name) {
            Some(TypeDef::Struct(s)) => Some(s),
            Some(TypeDef::Alias(a)) => match self.types.get(&a.target) {
                Some(TypeDef::Struct(s)) => Some(s),
                _ => None,
            },
            Some(TypeDef::WithLinks(w)) if w.entity != name => self.structure(&w.entity),
            _ => None,
        }
    }
}

/// Whether a group is an agent or a REST resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKind {
    /// `/api/v1/Agents/User/…`
    Agent,
    /// `/api/v1/Appointment/…`
    Resource,
}

/// Which group an endpoint is in: the agent or resource its path names,
/// by that name as an identifier (`User`, `Appointment`). Every name of the
/// group comes from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    /// `User`, `Appointment`: the path's name, in Pascal case.
    pub base: String,
    pub kind: GroupKind,
}

impl GroupKey {
    /// The group of a path: `/api/v1/Agents/User/MakeRetired` → the User
    /// agent; `/api/v1/Appointment/{id}` → the Appointment resource; a path
    /// that names neither → the Root resource.
    pub fn of(path: &crate::ir::PathTemplate) -> Self {
        let segs: Vec<&str> = path.as_str().split('/').filter(|s| !s.is_empty()).collect();
        let rest: &[&str] = match segs.as_slice() {
            ["api", v, rest @ ..] if v.starts_with('v') => rest,
            ["api", rest @ ..] => rest,
            rest => rest,
        };
        let (name, kind) = match rest {
            [agents, name, ..] if agents.eq_ignore_ascii_case("agents") => {
                (*name, GroupKind::Agent)
            }
            [name, ..] if !name.starts_with('{') => (*name, GroupKind::Resource),
            _ => ("Root", GroupKind::Resource),
        };
        GroupKey {
            base: super::names::sanitize(name, super::names::Case::Pascal),
            kind,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            GroupKind::Agent => "Agent",
            GroupKind::Resource => "Resource",
        }
    }

    /// `UserAgent`, `AppointmentResource`: the struct the accessor returns.
    pub fn type_name(&self) -> String {
        format!("{}{}", self.base, self.kind_name())
    }

    /// `user_agent`: the accessor on `Client` and the module name.
    pub fn module(&self) -> String {
        super::names::sanitize(&self.type_name(), super::names::Case::Snake)
    }

    /// `user-agent`: the cargo feature.
    pub fn feature(&self) -> String {
        self.module().replace('_', "-")
    }

    /// `User agent`, `Appointment resource`: for docs.
    pub fn title(&self) -> String {
        format!("{} {}", self.base, self.kind_name().to_ascii_lowercase())
    }
}

/// An agent (`/api/v1/Agents/User/…`) or a REST resource (`/api/v1/Appointment/…`).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: GroupKey,
    /// `user_agent` ([`GroupKey::module`]): the accessor on `Client`, the
    /// module name, and the group's key in [`Api::groups`].
    pub module: String,
    /// Notes every endpoint of the group has (`**Online restricted:** …`),
    /// as doc text: said once on the group, not on each method.
    pub notes: Vec<String>,
    pub operations: Vec<Operation>,
    /// The group's query structs, shared by operations with the same
    /// optional query parameters.
    pub queries: Vec<QueryStruct>,
}

impl Group {
    /// `User`, `Appointment`.
    pub fn base_name(&self) -> &str {
        &self.key.base
    }

    /// `UserAgent`, `AppointmentResource`.
    pub fn type_name(&self) -> String {
        self.key.type_name()
    }

    /// `user-agent`.
    pub fn feature(&self) -> String {
        self.key.feature()
    }

    /// `User agent`, `Appointment resource`.
    pub fn title(&self) -> String {
        self.key.title()
    }
}

/// A struct of optional query parameters, set on a call with `.query(…)`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryStruct {
    /// `MakeRetiredQuery`, or `SelectQuery` when shared.
    pub name: String,
    pub params: Vec<OpParam>,
    /// The methods that take it.
    pub users: Vec<String>,
}

/// A path or query parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OpParam {
    pub wire: String,
    pub rust: String,
    pub ty: RustType,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpBody {
    None,
    /// A JSON body of this type, passed by reference.
    Json {
        arg: String,
        ty: RustType,
    },
    /// Bytes with a content type (uploads): the bytes' argument, then the
    /// content type's.
    Binary {
        arg: String,
        content_type: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpResponse {
    /// 204, or nothing documented.
    Empty,
    Json(RustType),
    /// Binary content (`byte`, `Stream`).
    Bytes,
}

/// The samples on an endpoint's page, as the generated tests use them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpSamples {
    /// Whether the page has a sample request.
    pub has_request: bool,
    /// The sample request's JSON body, unless absent or `null`.
    pub request_json: Option<String>,
    /// The sample answer.
    pub answer: Option<SampleAnswer>,
}

/// A sample answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleAnswer {
    pub status: u16,
    /// The JSON body, unless absent, not JSON, or `null`.
    pub json: Option<String>,
    /// The body as written.
    pub raw: String,
}

/// How an operation pages (see [`paging`](super::paging)).
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// The stream method: `<method>_rows`.
    pub method: String,
    pub window: Window,
    pub source: RowSource,
    /// The type of one row.
    pub row: RustType,
}

/// Which parameters choose the page (Rust field names).
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// `$top` and `$skip` of the query struct.
    Query { top: String, skip: String },
    /// A 0-based page number and a page size in the request body.
    Body { page: String, size: String },
}

/// Where the rows are in the answer (Rust field names).
#[derive(Debug, Clone, PartialEq)]
pub enum RowSource {
    /// The answer is the list of rows.
    Answer,
    /// A list field of the answer, perhaps with a next-page link (absent on
    /// the last page) or the count of all rows.
    Field {
        rows: String,
        next_link: Option<String>,
        row_count: Option<String>,
    },
}

/// One endpoint, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The page's uid.
    pub uid: String,
    /// The method name, e.g. `make_retired`.
    pub rust: String,
    pub method: HttpMethod,
    pub path: crate::ir::PathTemplate,
    pub path_params: Vec<OpParam>,
    pub required_query: Vec<OpParam>,
    pub optional_query: Vec<OpParam>,
    /// The query struct for `optional_query` (see [`Group::queries`]).
    pub query: Option<String>,
    pub body: OpBody,
    pub response: OpResponse,
    pub doc: String,
    pub samples: OpSamples,
    /// How the operation pages, if it does.
    pub paging: Option<Paging>,
}

impl Operation {
    /// `MakeRetired`: the method name in Pascal case, the base of its query
    /// struct's name (unique in the group, as the method name is).
    pub fn pascal(&self) -> String {
        super::names::sanitize(&self.rust, super::names::Case::Pascal)
    }

    /// The method's positional arguments: path parameters, then required
    /// query parameters.
    pub fn args(&self) -> impl Iterator<Item = &OpParam> {
        self.path_params.iter().chain(&self.required_query)
    }

    /// The Rust types its parameters, body and response are.
    pub fn types(&self) -> impl Iterator<Item = &RustType> {
        let body = match &self.body {
            OpBody::Json { ty, .. } => Some(ty),
            _ => None,
        };
        let response = match &self.response {
            OpResponse::Json(ty) => Some(ty),
            _ => None,
        };
        self.path_params
            .iter()
            .chain(&self.required_query)
            .chain(&self.optional_query)
            .map(|p| &p.ty)
            .chain(body)
            .chain(response)
    }
}

/// The whole resolved API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Api {
    pub types: TypeSpace,
    /// Groups by module name.
    pub groups: BTreeMap<String, Group>,
    /// Every carrier name the pages mention (Rust-cased), documented or
    /// not: the names SuperOffice itself uses.
    pub named_carriers: std::collections::BTreeSet<String>,
}
