//! [`Report`] → Markdown, for people: the verdict first, then endpoints
//! and types by status (removed, changed, added), each change with its
//! impact. Doc-comment changes of an item are folded into one line.

use std::fmt::Write;

use super::report::{Change, Detail, Impact, Part, Report, Side, Status};

/// The report as Markdown.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut s, r);
    s
}

fn write_report(s: &mut String, r: &Report) -> std::fmt::Result {
    writeln!(s, "# API changes\n")?;
    writeln!(s, "`{}` → `{}`\n", r.old, r.new)?;
    writeln!(
        s,
        "**Verdict: {}** — {}.\n",
        r.verdict.as_str(),
        r.verdict.meaning()
    )?;
    if !r.is_complete() {
        writeln!(
            s,
            "**Incomplete**: {} page(s) with errors were left out (see the end); the verdict covers the rest.\n",
            r.problems.len()
        )?;
    }
    writeln!(s, "| | removed | changed | added |")?;
    writeln!(s, "| --- | ---: | ---: | ---: |")?;
    for (what, c) in [("endpoints", r.endpoint_counts), ("types", r.type_counts)] {
        writeln!(
            s,
            "| {what} | {} | {} | {} |",
            c.removed, c.changed, c.added
        )?;
    }
    writeln!(
        s,
        "\n{} endpoint(s) present on both sides were compared.",
        r.endpoints_compared
    )?;

    let endpoints: Vec<Item> = r
        .endpoints
        .iter()
        .map(|e| Item {
            status: e.status,
            impact: e.impact,
            title: format!("`{}::{}` (`{}`)", e.group, e.method, e.http),
            short: format!("`{}::{}`", e.group, e.method),
            details: &e.details,
            own_doc: "method",
        })
        .collect();
    write_section(s, "Endpoints", &endpoints)?;
    let types: Vec<Item> = r
        .types
        .iter()
        .map(|t| Item {
            status: t.status,
            impact: t.impact,
            title: format!("{} `{}`", t.kind.label(), t.name),
            short: format!("`{}`", t.name),
            details: &t.details,
            own_doc: t.kind.label(),
        })
        .collect();
    write_section(s, "Types", &types)?;
    if r.endpoints.is_empty() && r.types.is_empty() {
        writeln!(s, "\nNo changes.")?;
    }
    if !r.is_complete() {
        writeln!(s, "\n## Pages not compared\n")?;
        for p in &r.problems {
            let side = match p.side {
                Side::Old => "old",
                Side::New => "new",
            };
            writeln!(s, "- {side}: {}", p.diagnostic)?;
        }
    }
    Ok(())
}

/// An endpoint or a type, as the report lists it.
struct Item<'a> {
    status: Status,
    impact: Impact,
    /// The item's line.
    title: String,
    /// Its name, in the list of items whose docs alone changed.
    short: String,
    details: &'a [Detail],
    /// What the item's own doc comment is called.
    own_doc: &'a str,
}

/// Removed, changed and added items, each with its changes; changed
/// items whose doc comments alone changed share one line at the end.
fn write_section(s: &mut String, title: &str, items: &[Item]) -> std::fmt::Result {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(s, "\n## {title}")?;
    for status in [Status::Removed, Status::Changed, Status::Added] {
        let these: Vec<&Item> = items.iter().filter(|i| i.status == status).collect();
        if these.is_empty() {
            continue;
        }
        writeln!(s, "\n### {}\n", heading(status))?;
        let mut doc_only = Vec::new();
        for i in these {
            let docs_alone = status == Status::Changed
                && !i.details.is_empty()
                && i.details.iter().all(|d| d.change == Change::DocChanged);
            if docs_alone {
                doc_only.push(i.short.as_str());
                continue;
            }
            writeln!(s, "- **{}** {}", i.impact.as_str(), i.title)?;
            write_details(s, i.details, i.own_doc)?;
        }
        if !doc_only.is_empty() {
            doc_line(s, "- ", "doc comments only", &doc_only)?;
        }
    }
    Ok(())
}

fn heading(status: Status) -> &'static str {
    match status {
        Status::Removed => "Removed",
        Status::Changed => "Changed",
        Status::Added => "Added",
    }
}

/// One line per change; the doc-comment changes together on the last.
fn write_details(s: &mut String, details: &[Detail], item: &str) -> std::fmt::Result {
    let mut docs = Vec::new();
    for d in details {
        if d.change == Change::DocChanged {
            docs.push(match (&d.part, &d.name) {
                (Part::Doc, _) | (_, None) => item.to_string(),
                (part, Some(n)) => format!("{} `{n}`", part.label()),
            });
            continue;
        }
        writeln!(s, "  - **{}** {}", d.impact.as_str(), line(d))?;
    }
    if !docs.is_empty() {
        doc_line(s, "  - ", "doc comments changed", &docs)?;
    }
    Ok(())
}

/// The one line that lists what changed only in its doc comments.
fn doc_line<S: AsRef<str>>(
    s: &mut String,
    bullet: &str,
    what: &str,
    items: &[S],
) -> std::fmt::Result {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    writeln!(
        s,
        "{bullet}**{}** {what}: {}",
        Impact::Patch.as_str(),
        items.join(", ")
    )
}

/// `parameter `id` retyped: `i32` → `i64``
pub fn line(d: &Detail) -> String {
    let subject = match &d.name {
        Some(n) => format!("{} `{n}`", d.part.label()),
        None => d.part.label().to_string(),
    };
    let code = |v: &Option<String>| v.as_ref().map(|v| format!("`{v}`"));
    match (d.change, code(&d.old), code(&d.new)) {
        (Change::Added, _, Some(new)) if !same_as_name(d, &d.new) => {
            format!("{subject} added ({new})")
        }
        (Change::Removed, Some(old), _) if !same_as_name(d, &d.old) => {
            format!("{subject} removed (was {old})")
        }
        (Change::Added | Change::Removed, _, _) => format!("{subject} {}", d.change.label()),
        (change, Some(old), Some(new)) => format!("{subject} {}: {old} → {new}", change.label()),
        (change, _, _) => format!("{subject} {}", change.label()),
    }
}

/// An enum value's wire value is worth saying only when it differs.
fn same_as_name(d: &Detail, v: &Option<String>) -> bool {
    d.part == Part::Value && v.is_some() && *v == d.name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(
        part: Part,
        name: Option<&str>,
        change: Change,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Detail {
        Detail::new(Impact::Major, part, name, change, old, new)
    }

    #[test]
    fn lines_read_as_sentences() {
        assert_eq!(
            line(&d(
                Part::Parameter,
                Some("id"),
                Change::Retyped,
                Some("i32"),
                Some("i64")
            )),
            "parameter `id` retyped: `i32` → `i64`"
        );
        assert_eq!(
            line(&d(
                Part::Field,
                Some("license"),
                Change::Removed,
                Some("String"),
                None
            )),
            "field `license` removed (was `String`)"
        );
        assert_eq!(
            line(&d(
                Part::Value,
                Some("Robot"),
                Change::Added,
                None,
                Some("Robot")
            )),
            "value `Robot` added"
        );
        assert_eq!(
            line(&d(
                Part::Value,
                Some("Robot"),
                Change::Added,
                None,
                Some("robot")
            )),
            "value `Robot` added (`robot`)"
        );
        assert_eq!(
            line(&d(
                Part::Response,
                None,
                Change::Retyped,
                Some("String"),
                Some("()")
            )),
            "response retyped: `String` → `()`"
        );
    }

    #[test]
    fn doc_changes_fold_into_one_line() {
        let mut s = String::new();
        let docs = [
            d(Part::Doc, None, Change::DocChanged, None, None),
            d(Part::Parameter, Some("id"), Change::DocChanged, None, None),
        ];
        let r = write_details(&mut s, &docs, "method");
        assert!(r.is_ok());
        assert_eq!(
            s,
            "  - **patch** doc comments changed: method, parameter `id`\n"
        );
    }

    #[test]
    fn an_empty_report_says_no_changes() {
        let r = Report::new("a".into(), "b".into(), 3, vec![], vec![], vec![]);
        let md = render(&r);
        assert!(md.contains("**Verdict: none**"), "{md}");
        assert!(md.contains("No changes."), "{md}");
        assert!(md.contains("3 endpoint(s)"), "{md}");
    }
}
