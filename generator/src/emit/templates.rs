//! The generated crate's files that are not Rust built from the API:
//! `Cargo.toml`, `README.md` and `examples/quickstart.rs`, from minijinja
//! templates under `generator/templates/`.

use std::path::PathBuf;

use crate::resolve::Api;

use super::example::Example;
use super::features::{default_features, is_default};
use super::CRATE_NAME;

/// The rendered files, and the quickstart's `main` as the docs show it
/// (the example file minus its header lines).
pub fn templates(
    api: &Api,
    example: &Example,
    pages: usize,
) -> Result<(Vec<(PathBuf, String)>, String), String> {
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template(
        "Cargo.toml",
        include_str!("../../templates/Cargo.toml.jinja"),
    )
    .map_err(|e| e.to_string())?;
    env.add_template("README.md", include_str!("../../templates/README.md.jinja"))
        .map_err(|e| e.to_string())?;
    env.add_template(
        "examples/quickstart.rs",
        include_str!("../../templates/quickstart.rs.jinja"),
    )
    .map_err(|e| e.to_string())?;
    let groups: Vec<minijinja::Value> = api
        .groups
        .values()
        .map(|g| {
            minijinja::context! {
                feature => g.feature(),
                module => g.module,
                count => g.operations.len(),
                default => is_default(g),
            }
        })
        .collect();
    let mut ctx = minijinja::context! {
        name => CRATE_NAME,
        crate => CRATE_NAME.replace('-', "_"),
        version => env!("CARGO_PKG_VERSION"),
        rust_version => env!("CARGO_PKG_RUST_VERSION"),
        page_count => pages,
        groups => groups,
        defaults => default_features(api),
        example => example.body,
        example_feature => example.feature,
    };
    // The README shows the example file minus its header lines.
    let quickstart = env
        .get_template("examples/quickstart.rs")
        .and_then(|t| t.render(&ctx))
        .map_err(|e| e.to_string())?;
    let shown: String = quickstart
        .lines()
        .filter(|l| !l.starts_with("//") && !l.starts_with("#!"))
        .skip_while(|l| l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    ctx = minijinja::context! { quickstart => shown.clone(), ..ctx };
    let mut out = Vec::new();
    for name in ["Cargo.toml", "README.md", "examples/quickstart.rs"] {
        let t = env.get_template(name).map_err(|e| e.to_string())?;
        out.push((
            PathBuf::from(name),
            t.render(&ctx).map_err(|e| e.to_string())?,
        ));
    }
    Ok((out, shown))
}
