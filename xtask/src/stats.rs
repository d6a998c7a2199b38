//! `cargo xtask stats [DIR]`: the generator's own view of what it makes
//! of a docs tree (default: the whole reference as the site publishes it): structs and where their
//! fields come from, enums, raw JSON, how nested properties are named,
//! duplicates, query structs, boxes and features.

use std::collections::BTreeMap;
use std::path::PathBuf;

use generator::emit::layout::Layout;
use generator::parse;
use generator::resolve::{self, OpBody, OpResponse, Origin, RustType, TypeDef};

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1} %", part as f64 * 100.0 / whole as f64)
    }
}

/// The struct a nested property holds (`X`, `Vec<X>`, map of `X`).
fn nested(t: &RustType) -> Option<&str> {
    match t {
        RustType::Struct(n) => Some(n),
        RustType::Vec(t) | RustType::Map(t) => nested(t),
        _ => None,
    }
}

fn is_json(t: &RustType) -> bool {
    match t {
        RustType::Json | RustType::Opaque(_) => true,
        RustType::Vec(t) | RustType::Map(t) => is_json(t),
        _ => false,
    }
}

pub fn stats(docs: Option<PathBuf>) -> Result<(), String> {
    let docs = docs.unwrap_or_else(crate::default_docs);
    let run = parse::parse_dir(&docs);
    let (api, _) = resolve::resolve(&run.endpoints);
    // The carrier names the pages themselves use.
    let named = &api.named_carriers;
    let layout = Layout::of(&api);
    let (mut documented, mut from_named, mut inferred, mut enums, mut opaque, mut aliases) =
        (0, 0, 0, 0, 0, 0);
    let (mut props, mut json, mut nested_props, mut nested_documented) = (0, 0, 0, 0);
    let mut with_links = 0;
    let mut field_sets: BTreeMap<Vec<&str>, Vec<&str>> = BTreeMap::new();
    let mut typed_sets: BTreeMap<Vec<(&str, &RustType)>, usize> = BTreeMap::new();
    let mut unnamed = Vec::new();
    for (name, def) in &api.types.types {
        if !layout.emitted(name) {
            continue;
        }
        match def {
            TypeDef::Struct(s) => {
                match s.origin {
                    Origin::Documented => documented += 1,
                    Origin::Named => from_named += 1,
                    Origin::Inferred => inferred += 1,
                }
                let mut set: Vec<&str> = s.fields.iter().map(|f| f.wire.as_str()).collect();
                set.sort();
                field_sets.entry(set).or_default().push(name);
                let mut typed: Vec<(&str, &RustType)> =
                    s.fields.iter().map(|f| (f.wire.as_str(), &f.ty)).collect();
                typed.sort();
                *typed_sets.entry(typed).or_insert(0) += 1;
                for f in &s.fields {
                    props += 1;
                    if is_json(&f.ty) {
                        json += 1;
                    }
                    if let Some(target) = nested(&f.ty) {
                        nested_props += 1;
                        if named.contains(target) {
                            nested_documented += 1;
                        } else {
                            unnamed.push(format!("{name}.{} -> {target}", f.wire));
                        }
                    }
                }
            }
            TypeDef::Enum(_) => enums += 1,
            TypeDef::Opaque(_) => opaque += 1,
            TypeDef::Alias(_) => aliases += 1,
            TypeDef::WithLinks(_) => with_links += 1,
        }
    }
    let duplicates: Vec<&Vec<&str>> = field_sets
        .values()
        .filter(|names| names.len() > 1)
        .collect();
    let ops: usize = api.groups.values().map(|g| g.operations.len()).sum();
    let queries: usize = api.groups.values().map(|g| g.queries.len()).sum();
    let shared_queries: usize = api
        .groups
        .values()
        .flat_map(|g| &g.queries)
        .filter(|q| q.users.len() > 1)
        .count();
    let with_query = api
        .groups
        .values()
        .flat_map(|g| &g.operations)
        .filter(|o| o.query.is_some())
        .count();
    println!(
        "docs: {} ({} endpoints)",
        docs.display(),
        run.endpoints.len()
    );
    println!("groups (features): {}, operations: {ops}", api.groups.len());
    println!(
        "structs: {} ({documented} from property tables, {from_named} from samples under a carrier name the pages give, {inferred} from samples under a property's name)",
        documented + from_named + inferred
    );
    println!("merged duplicates (type aliases of a struct with the same fields): {aliases}");
    println!(
        "entities with links (`WithLinks<Entity>`: an entity's fields and `_Links`): {with_links}"
    );
    println!("enums: {enums}; raw-JSON aliases (carriers nothing describes): {opaque}");
    println!(
        "properties: {props}; serde_json::Value: {json} ({})",
        pct(json, props)
    );
    println!(
        "nested properties (carrier, array or map of carrier): {nested_props}; naming a carrier the pages name: {nested_documented} ({})",
        pct(nested_documented, nested_props)
    );
    // The same, counted per page: every body property of every endpoint.
    let (mut on_pages, mut on_pages_named) = (0, 0);
    let mut unnamed_on_pages: BTreeMap<&str, usize> = BTreeMap::new();
    for op in api.groups.values().flat_map(|g| &g.operations) {
        let body = match &op.body {
            OpBody::Json { ty, .. } => api.types.body_fields(ty),
            _ => &[],
        };
        let answer = match &op.response {
            OpResponse::Json(ty) => api.types.body_fields(ty),
            _ => &[],
        };
        for target in body.iter().chain(answer).filter_map(|f| nested(&f.ty)) {
            on_pages += 1;
            if named.contains(target) {
                on_pages_named += 1;
            } else {
                *unnamed_on_pages.entry(target).or_insert(0) += 1;
            }
        }
    }
    println!(
        "  per page (body properties of every endpoint): {on_pages}; naming a carrier the pages name: {on_pages_named} ({})",
        pct(on_pages_named, on_pages)
    );
    // `FieldProperties` (on most carriers) maps field names to an object no
    // page names; the generator calls it `FieldProperty`.
    let field_property = unnamed_on_pages.get("FieldProperty").copied().unwrap_or(0);
    println!(
        "  of the others, {field_property} hold `FieldProperty` (the values of `FieldProperties` maps); without those: {on_pages_named} of {} ({})",
        on_pages - field_property,
        pct(on_pages_named, on_pages - field_property)
    );
    if std::env::var_os("STATS_ALL").is_some() {
        let mut by_count: Vec<(&&str, &usize)> = unnamed_on_pages.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, n) in by_count {
            println!("    {n:>5} under {name}");
        }
    }
    println!(
        "structs with the same fields and types as another: {} sets",
        typed_sets.values().filter(|n| **n > 1).count()
    );
    println!(
        "structs with the same field names as another but a field of another type: {} sets{}",
        duplicates.len(),
        duplicates
            .iter()
            .take(if std::env::var_os("STATS_ALL").is_some() {
                usize::MAX
            } else {
                5
            })
            .map(|d| format!("\n  {}", d.join(", ")))
            .collect::<String>()
    );
    if std::env::var_os("STATS_ALL").is_some() {
        println!("nested properties under a name of the generator's:");
        for u in &unnamed {
            println!("  {u}");
        }
    }
    println!("query structs: {queries} for {with_query} operations ({shared_queries} shared)");
    let paged: Vec<String> = api
        .groups
        .values()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .filter_map(|(g, o)| {
            let p = o.paging.as_ref()?;
            let how = match p.window {
                resolve::Window::Query { .. } => "$top/$skip",
                resolve::Window::Body { .. } => "page/pageSize",
            };
            Some(format!(
                "{}().{}_rows ({how}, rows {})",
                g.module,
                o.rust,
                p.row.short()
            ))
        })
        .collect();
    println!(
        "paging operations (a `…_rows` stream each): {}",
        paged.len()
    );
    for p in &paged {
        println!("  {p}");
    }
    println!("boxed fields (type cycles): {}", layout.boxed.len());
    let single = layout.features.values().filter(|f| f.len() == 1).count();
    println!(
        "types by features reaching them: {single} by one feature, {} by several",
        layout.features.len() - single
    );
    Ok(())
}
