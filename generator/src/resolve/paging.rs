//! Which operations page, and how: the one place that decides it, from
//! the parameters and the answer's shape.
//!
//! - **Query window**: the REST OData lists take `$top` and `$skip`; their
//!   answer is a list of rows, or a carrier holding the rows in `value`
//!   and a link to the next page in `odata.nextLink` (absent on the last
//!   page).
//! - **Body window**: the Archive and Find agents take `Page`/`PageNumber`
//!   and `PageSize` in the request; their answer is the rows, or a carrier
//!   holding one list of rows and perhaps `RowCount`, the rows in all.

use super::model::{
    Group, OpBody, OpResponse, Operation, Paging, RowSource, RustType, TypeSpace, Window,
};

/// The names a `…_rows` method uses for itself.
const RESERVED: &[&str] = &[
    "this",
    "window",
    "call",
    "answer",
    "query",
    "page_size",
    "rows",
    "more",
];

/// The field of `s` with this wire name (any case).
fn field<'a>(s: &'a super::model::StructDef, wire: &str) -> Option<&'a super::model::Field> {
    s.fields.iter().find(|f| f.wire.eq_ignore_ascii_case(wire))
}

/// How the rows come in an answer of type `t`, and their type.
fn rows(t: &RustType, space: &TypeSpace, prefer: &str) -> Option<(RowSource, RustType)> {
    match t {
        RustType::Vec(row) => Some((RowSource::Answer, (**row).clone())),
        RustType::Struct(name) => {
            let s = space.structure(name)?;
            let lists: Vec<&super::model::Field> = s
                .fields
                .iter()
                .filter(|f| matches!(f.ty, RustType::Vec(_)))
                .collect();
            let named = |f: &&super::model::Field| {
                f.wire.eq_ignore_ascii_case(prefer) || f.wire.ends_with("Rows")
            };
            let list = lists
                .iter()
                .copied()
                .find(named)
                .or(match lists.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                })?;
            let RustType::Vec(row) = &list.ty else {
                return None;
            };
            Some((
                RowSource::Field {
                    rows: list.rust.clone(),
                    next_link: field(s, "odata.nextLink").map(|f| f.rust.clone()),
                    row_count: field(s, "RowCount")
                        .filter(|f| matches!(f.ty, RustType::I32 | RustType::I64))
                        .map(|f| f.rust.clone()),
                },
                (**row).clone(),
            ))
        }
        _ => None,
    }
}

/// How `op` pages, if it does.
pub fn paging(op: &Operation, space: &TypeSpace) -> Option<Paging> {
    let OpResponse::Json(answer) = &op.response else {
        return None;
    };
    // The generated `…_rows` method's own names must not be a parameter's.
    let args = op.args().map(|p| p.rust.as_str());
    let body_arg = match &op.body {
        OpBody::Json { arg, .. } => Some(arg.as_str()),
        _ => None,
    };
    if args.chain(body_arg).any(|a| RESERVED.contains(&a)) {
        return None;
    }
    let integer = |p: &&super::model::OpParam| matches!(p.ty, RustType::I32 | RustType::I64);
    let query = |wire: &str| {
        op.optional_query
            .iter()
            .find(|p| p.wire == wire)
            .filter(integer)
    };
    if let (Some(top), Some(skip), Some(_)) = (query("$top"), query("$skip"), &op.query) {
        let (source, row) = rows(answer, space, "value")?;
        return Some(Paging {
            method: String::new(),
            window: Window::Query {
                top: top.rust.clone(),
                skip: skip.rust.clone(),
            },
            source,
            row,
        });
    }
    let OpBody::Json {
        ty: RustType::Struct(request),
        ..
    } = &op.body
    else {
        return None;
    };
    let r = space.structure(request)?;
    let int = |f: &&super::model::Field| matches!(f.ty, RustType::I32 | RustType::I64);
    let page = field(r, "Page")
        .or_else(|| field(r, "PageNumber"))
        .filter(int)?;
    let size = field(r, "PageSize").filter(int)?;
    let (source, row) = rows(answer, space, "Rows")?;
    Some(Paging {
        method: String::new(),
        window: Window::Body {
            page: page.rust.clone(),
            size: size.rust.clone(),
        },
        source,
        row,
    })
}

/// Marks every operation of `g` that pages, naming its stream method
/// `<method>_rows`, unique among the group's methods.
pub fn mark(g: &mut Group, space: &TypeSpace) {
    let mut scope = super::names::Scope::default();
    for op in &g.operations {
        scope.unique(op.rust.clone());
    }
    for op in &mut g.operations {
        op.paging = paging(op, space).map(|mut p| {
            p.method = scope.unique(format!("{}_rows", op.rust.trim_end_matches('_')));
            p
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::model::Origin;

    fn strukt(space: &mut TypeSpace, name: &str, fields: &[(&str, RustType)]) {
        let def = crate::resolve::fixtures::strukt(name, Origin::Documented, fields);
        space.types.insert(name.into(), def);
    }

    fn op(query: &[&str], body: OpBody, answer: RustType) -> Operation {
        crate::resolve::fixtures::op(query, body, OpResponse::Json(answer))
    }

    #[test]
    fn odata_lists_page_by_top_and_skip() {
        let mut space = TypeSpace::default();
        let row = RustType::Struct("Row".into());
        strukt(
            &mut space,
            "ODataSlimResponse",
            &[
                ("odata.nextLink", RustType::String),
                ("value", RustType::Vec(Box::new(row.clone()))),
            ],
        );
        let list = op(
            &["$select", "$top", "$skip"],
            OpBody::None,
            RustType::Struct("ODataSlimResponse".into()),
        );
        let p = paging(&list, &space).expect("pages");
        assert_eq!(
            p.window,
            Window::Query {
                top: "top".into(),
                skip: "skip".into()
            }
        );
        assert_eq!(
            p.source,
            RowSource::Field {
                rows: "value".into(),
                next_link: Some("odata_next_link".into()),
                row_count: None
            }
        );
        assert_eq!(p.row, row);
        // Without `$skip` there is no window to move.
        let no_skip = op(
            &["$top"],
            OpBody::None,
            RustType::Struct("ODataSlimResponse".into()),
        );
        assert_eq!(paging(&no_skip, &space), None);
    }

    #[test]
    fn archive_and_find_agents_page_by_request_fields() {
        let mut space = TypeSpace::default();
        strukt(
            &mut space,
            "GetListRequest",
            &[("Page", RustType::I32), ("PageSize", RustType::I32)],
        );
        strukt(
            &mut space,
            "FindRequest",
            &[("PageNumber", RustType::I32), ("PageSize", RustType::I32)],
        );
        let row = RustType::Struct("ArchiveListItem".into());
        strukt(
            &mut space,
            "FindResults",
            &[
                ("ArchiveColumns", RustType::Vec(Box::new(RustType::Json))),
                ("ArchiveRows", RustType::Vec(Box::new(row.clone()))),
                ("RowCount", RustType::I32),
            ],
        );
        let body = |n: &str| OpBody::Json {
            arg: "request".into(),
            ty: RustType::Struct(n.into()),
        };
        let list = op(
            &[],
            body("GetListRequest"),
            RustType::Vec(Box::new(row.clone())),
        );
        let p = paging(&list, &space).expect("pages");
        assert_eq!(p.source, RowSource::Answer);
        // Two lists, neither named for rows: which holds them is not known.
        strukt(
            &mut space,
            "Pair",
            &[
                ("A", RustType::Vec(Box::new(RustType::I32))),
                ("B", RustType::Vec(Box::new(RustType::I32))),
            ],
        );
        let pair = op(&[], body("GetListRequest"), RustType::Struct("Pair".into()));
        assert_eq!(paging(&pair, &space), None);
        assert_eq!(
            p.window,
            Window::Body {
                page: "page".into(),
                size: "page_size".into()
            }
        );
        // `ArchiveRows` holds the rows, and `RowCount` counts them all.
        let find = op(
            &[],
            body("FindRequest"),
            RustType::Struct("FindResults".into()),
        );
        let p = paging(&find, &space).expect("pages");
        assert_eq!(
            p.source,
            RowSource::Field {
                rows: "archive_rows".into(),
                next_link: None,
                row_count: Some("row_count".into())
            }
        );
    }
}
