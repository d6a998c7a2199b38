//! The page's tables: which kind a table is (from its header row and the
//! section it sits in), and its rows as parameters, properties or status
//! codes.

use super::blocks::Table;
use super::{doc, types, PageCtx};
use crate::ir::{DocType, HeaderDoc, Param, Property, ResponseStatus};

/// The section a table sits in, as far as telling tables apart needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    QueryParams,
    Headers,
    Elsewhere,
}

/// The kinds of tables, recognised by their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    PathParams,
    QueryParams,
    Headers,
    Properties,
    Responses,
    Unknown,
}

/// Tells a table's kind from its header row; a `Parameter Name` table is
/// told by its section, or, outside one, by whether it has a type column.
pub fn classify(table: &Table, place: Place) -> TableKind {
    let first = table.header.first().map(|s| s.trim()).unwrap_or_default();
    let has_type = table.header.iter().any(|h| h.eq_ignore_ascii_case("type"));
    if first.eq_ignore_ascii_case("path part") {
        return TableKind::PathParams;
    }
    if first.eq_ignore_ascii_case("property name") {
        return TableKind::Properties;
    }
    if first.eq_ignore_ascii_case("parameter name") || first.eq_ignore_ascii_case("parameter") {
        return match place {
            Place::QueryParams => TableKind::QueryParams,
            Place::Headers => TableKind::Headers,
            Place::Elsewhere if has_type => TableKind::QueryParams,
            Place::Elsewhere => TableKind::Headers,
        };
    }
    if (first.eq_ignore_ascii_case("response") || first.eq_ignore_ascii_case("status")) && !has_type
    {
        return TableKind::Responses;
    }
    TableKind::Unknown
}

/// Reads a table's rows; warnings go to the page's context.
pub struct Rows<'t, 'c, 'a> {
    table: &'t Table,
    ctx: &'c mut PageCtx<'a>,
    src: &'a str,
    type_col: Option<usize>,
    desc_col: Option<usize>,
}

impl<'t, 'c, 'a> Rows<'t, 'c, 'a> {
    pub fn new(table: &'t Table, ctx: &'c mut PageCtx<'a>, src: &'a str) -> Self {
        let col = |name: &str| {
            table
                .header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        };
        Rows {
            table,
            ctx,
            src,
            type_col: col("type"),
            desc_col: col("description"),
        }
    }

    fn line(&self, offset: usize) -> u32 {
        self.ctx.pos(offset).line
    }

    /// The rows that name something (first cell not empty), with that name.
    fn named(&self) -> impl Iterator<Item = (&'t str, &'t super::blocks::Row)> {
        self.table.rows.iter().filter_map(|row| {
            let name = row.cells.first().map(|s| s.trim()).unwrap_or_default();
            (!name.is_empty()).then_some((name, row))
        })
    }

    fn cell(&self, row: &'t super::blocks::Row, col: Option<usize>) -> Option<&'t String> {
        col.and_then(|i| row.cells.get(i))
    }

    fn cell_type(&mut self, cell: Option<&String>, offset: usize) -> DocType {
        let cell = cell.map(String::as_str).unwrap_or_default();
        match types::parse_type(cell) {
            Ok(t) => t,
            Err(msg) => {
                let at = offset + self.src[offset..].find(cell.trim()).unwrap_or(0);
                self.ctx.warn(at, msg);
                DocType::Unknown
            }
        }
    }

    /// A `Path Part` or query parameter table; `**Required**` in the
    /// description marks a required parameter.
    pub fn params(mut self) -> Vec<Param> {
        let mut out = Vec::new();
        for (name, row) in self.named().collect::<Vec<_>>() {
            let ty = self.cell_type(self.cell(row, self.type_col), row.offset);
            let raw = self.cell(row, self.desc_col).cloned().unwrap_or_default();
            let required = raw.contains("**Required**");
            let description = doc(&raw.replace("**Required**", ""));
            out.push(Param {
                name: name.to_string(),
                ty,
                description,
                required,
                line: self.line(row.offset),
            });
        }
        out
    }

    /// A request header table.
    pub fn headers(self) -> Vec<HeaderDoc> {
        self.named()
            .map(|(name, row)| HeaderDoc {
                name: name.to_string(),
                description: self.cell(row, self.desc_col).and_then(|d| doc(d)),
            })
            .collect()
    }

    /// A `Property Name | Type | Description` table.
    pub fn properties(mut self) -> Vec<Property> {
        let mut out = Vec::new();
        for (name, row) in self.named().collect::<Vec<_>>() {
            let ty = self.cell_type(self.cell(row, self.type_col), row.offset);
            out.push(Property {
                name: name.to_string(),
                ty,
                description: self.cell(row, self.desc_col).and_then(|d| doc(d)),
                line: self.line(row.offset),
            });
        }
        out
    }

    /// The status table; a code that is not a number is an error.
    pub fn responses(self) -> Vec<ResponseStatus> {
        let mut out = Vec::new();
        for row in &self.table.rows {
            let code = row.cells.first().map(|s| s.trim()).unwrap_or_default();
            match code.parse::<u16>() {
                Ok(c) if (100..600).contains(&c) => out.push(ResponseStatus {
                    code: c,
                    description: row.cells.get(1).and_then(|d| doc(d)),
                    line: self.line(row.offset),
                }),
                _ => {
                    let at = row.offset + self.src[row.offset..].find(code).unwrap_or(0);
                    self.ctx.error(
                        at,
                        format!("expected a numeric HTTP status code (e.g. 200), found `{code}`"),
                    );
                }
            }
        }
        out
    }
}
