//! First pass over a page: pulldown-cmark events folded into a flat list of
//! top-level blocks (front matter, headings, paragraphs, tables, code
//! blocks, anything else), each with its byte range in the page.
//!
//! Inline content (heading text, table cells) is rendered back to a small
//! markdown string: text, `code`, **strong**, *emphasis*, links and inline
//! HTML such as `<see cref=…>`, which the text cleaner handles later.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// The YAML between the leading `---` lines.
    FrontMatter(String),
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Table(Table),
    Code {
        lang: String,
        text: String,
    },
    /// Lists, block quotes, HTML blocks, rules: kept only as source text.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range in the page source.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    /// Byte offset where the row starts.
    pub offset: usize,
}

/// Renders inline events to markdown text.
#[derive(Default)]
struct Inline {
    out: String,
    link_targets: Vec<String>,
}

impl Inline {
    /// Takes one inline event; returns false for events that are not inline.
    fn push(&mut self, ev: &Event<'_>) -> bool {
        match ev {
            Event::Text(t) => self.out.push_str(t),
            Event::Code(c) => {
                self.out.push('`');
                self.out.push_str(c);
                self.out.push('`');
            }
            Event::InlineHtml(h) | Event::Html(h) => self.out.push_str(h),
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push('\n'),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => self.out.push_str("**"),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => self.out.push('*'),
            Event::Start(Tag::Strikethrough) | Event::End(TagEnd::Strikethrough) => {
                self.out.push_str("~~")
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.link_targets.push(dest_url.to_string());
                self.out.push('[');
            }
            Event::End(TagEnd::Link) => {
                let url = self.link_targets.pop().unwrap_or_default();
                self.out.push_str("](");
                self.out.push_str(&url);
                self.out.push(')');
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            _ => return false,
        }
        true
    }

    fn take(&mut self) -> String {
        self.link_targets.clear();
        std::mem::take(&mut self.out)
    }
}

fn heading_level(level: pulldown_cmark::HeadingLevel) -> u8 {
    level as u8
}

/// The markdown extensions the pages use.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH
}

/// Splits a page into top-level blocks.
pub fn blocks(src: &str) -> Vec<Block> {
    let opts = options();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(BlockKind, Range<usize>)> = None;
    let mut inline = Inline::default();
    let mut table = Table::default();
    let mut row: Vec<String> = Vec::new();
    let mut row_offset = 0usize;

    for (ev, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match &ev {
            Event::Start(tag) => {
                depth += 1;
                if depth == 1 {
                    let kind = match tag {
                        Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => {
                            BlockKind::FrontMatter(String::new())
                        }
                        Tag::Heading { level, .. } => BlockKind::Heading {
                            level: heading_level(*level),
                            text: String::new(),
                        },
                        Tag::Paragraph => BlockKind::Paragraph(String::new()),
                        Tag::Table(_) => {
                            table = Table::default();
                            BlockKind::Table(Table::default())
                        }
                        Tag::CodeBlock(kind) => BlockKind::Code {
                            lang: match kind {
                                CodeBlockKind::Fenced(info) => info
                                    .split_whitespace()
                                    .next()
                                    .unwrap_or_default()
                                    .to_string(),
                                CodeBlockKind::Indented => String::new(),
                            },
                            text: String::new(),
                        },
                        _ => BlockKind::Other,
                    };
                    inline.take();
                    current = Some((kind, range.clone()));
                    continue;
                }
                match tag {
                    Tag::TableHead => row.clear(),
                    Tag::TableRow => {
                        row.clear();
                        row_offset = range.start;
                    }
                    Tag::TableCell => {
                        inline.take();
                    }
                    _ => {
                        inline.push(&ev);
                    }
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((mut kind, range)) = current.take() {
                        match &mut kind {
                            BlockKind::Heading { text, .. } | BlockKind::Paragraph(text) => {
                                *text = inline.take()
                            }
                            BlockKind::Table(t) => *t = std::mem::take(&mut table),
                            _ => {}
                        }
                        out.push(Block { kind, range });
                    }
                    continue;
                }
                match end {
                    TagEnd::TableHead => table.header = std::mem::take(&mut row),
                    TagEnd::TableRow => table.rows.push(Row {
                        cells: std::mem::take(&mut row),
                        offset: row_offset,
                    }),
                    TagEnd::TableCell => {
                        let mut cell = inline.take();
                        let end = cell.trim_end().len();
                        cell.truncate(end);
                        let lead = cell.len() - cell.trim_start().len();
                        cell.drain(..lead);
                        row.push(cell);
                    }
                    _ => {
                        inline.push(&ev);
                    }
                }
            }
            Event::Text(t) => match &mut current {
                Some((BlockKind::FrontMatter(s), _))
                | Some((BlockKind::Code { text: s, .. }, _)) => s.push_str(t),
                _ => {
                    inline.push(&ev);
                }
            },
            Event::Html(_) if depth == 0 => {
                // A stray HTML block at top level.
                out.push(Block {
                    kind: BlockKind::Other,
                    range,
                });
            }
            Event::Rule if depth == 0 => out.push(Block {
                kind: BlockKind::Other,
                range,
            }),
            _ => {
                inline.push(&ev);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_blocks() {
        let src = "---\nuid: a\n---\n\n# T\n\n```http\nGET /x\n```\n\nSome *text* `c`.\n\n| A | B |\n|---|---|\n| 1 | <see cref=\"T:X\">y</see> |\n\n* item\n";
        let b = blocks(src);
        let kinds: Vec<_> = b.iter().map(|b| &b.kind).collect();
        assert_eq!(kinds[0], &BlockKind::FrontMatter("uid: a\n".into()));
        assert_eq!(
            kinds[1],
            &BlockKind::Heading {
                level: 1,
                text: "T".into()
            }
        );
        assert_eq!(
            kinds[2],
            &BlockKind::Code {
                lang: "http".into(),
                text: "GET /x\n".into()
            }
        );
        assert_eq!(kinds[3], &BlockKind::Paragraph("Some *text* `c`.".into()));
        let BlockKind::Table(t) = kinds[4] else {
            panic!("not a table: {:?}", kinds[4])
        };
        assert_eq!(t.header, vec!["A", "B"]);
        assert_eq!(t.rows[0].cells, vec!["1", "<see cref=\"T:X\">y</see>"]);
        assert_eq!(&src[t.rows[0].offset..t.rows[0].offset + 3], "| 1");
        assert_eq!(kinds[5], &BlockKind::Other);
    }

    #[test]
    fn heading_with_inner_hashes_keeps_its_text() {
        let b = blocks("## Online Restricted: ## Not in Online.\n\n## Filter Operators: ##\n");
        assert_eq!(
            b[0].kind,
            BlockKind::Heading {
                level: 2,
                text: "Online Restricted: ## Not in Online.".into()
            }
        );
        assert_eq!(
            b[1].kind,
            BlockKind::Heading {
                level: 2,
                text: "Filter Operators:".into()
            }
        );
    }
}
