//! The example the README, the crate docs and `examples/quickstart.rs`
//! show: the call it makes, chosen from the API.

use crate::resolve::{Api, Group, OpBody, OpResponse};

use super::features::is_default;

/// The example's call (the lines of `main` between building the client
/// and `Ok(())`, which the quickstart template puts around it) and the
/// feature it needs.
pub struct Example {
    pub body: String,
    pub feature: Option<String>,
}

/// The first endpoint of a default group that takes no body; else the
/// first endpoint of a default group, with a default request body.
pub fn example(api: &Api) -> Example {
    let (body, feature) = example_call(api);
    Example { body, feature }
}

fn example_call(api: &Api) -> (String, Option<String>) {
    let mut groups: Vec<&Group> = api.groups.values().filter(|g| is_default(g)).collect();
    if groups.is_empty() {
        groups = api.groups.values().collect();
    }
    for g in groups.iter().copied() {
        for op in &g.operations {
            if op.path_params.is_empty() && op.required_query.is_empty() && op.body == OpBody::None
            {
                let out = match &op.response {
                    OpResponse::Empty => String::new(),
                    _ => "let answer = ".into(),
                };
                let show = if out.is_empty() {
                    ""
                } else {
                    "\n    println!(\"{answer:?}\");"
                };
                return (
                    format!("    {out}client.{}().{}().await?;{show}", g.module, op.rust),
                    Some(g.feature()),
                );
            }
        }
    }
    if let Some((g, op)) = groups
        .iter()
        .find_map(|g| g.operations.first().map(|o| (*g, o)))
    {
        if let OpBody::Json { ty, .. } = &op.body {
            let request = format!(
                "    let request = types::{}::default();\n",
                ty.short().trim_start_matches("Vec<").trim_end_matches('>')
            );
            let call = match op.response {
                OpResponse::Empty => format!(
                    "{request}    client.{}().{}(&request).await?;",
                    g.module, op.rust
                ),
                _ => format!(
                    "{request}    let answer = client.{}().{}(&request).await?;\n    println!(\"{{answer:?}}\");",
                    g.module, op.rust
                ),
            };
            return (call, Some(g.feature()));
        }
    }
    ("    // no endpoints".into(), None)
}
