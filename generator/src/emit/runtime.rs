//! The hand-written runtime (`generator/runtime/src`), copied verbatim into
//! the generated crate's `src/runtime/`.

/// The runtime, copied verbatim (its `lib.rs` becomes `runtime/mod.rs`).
pub const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/src/lib.rs")),
    ("call.rs", include_str!("../../runtime/src/call.rs")),
    ("carrier.rs", include_str!("../../runtime/src/carrier.rs")),
    ("classify.rs", include_str!("../../runtime/src/classify.rs")),
    ("client.rs", include_str!("../../runtime/src/client.rs")),
    (
        "credentials.rs",
        include_str!("../../runtime/src/credentials.rs"),
    ),
    ("datetime.rs", include_str!("../../runtime/src/datetime.rs")),
    ("endpoint.rs", include_str!("../../runtime/src/endpoint.rs")),
    ("enums.rs", include_str!("../../runtime/src/enums.rs")),
    (
        "environment.rs",
        include_str!("../../runtime/src/environment.rs"),
    ),
    ("error.rs", include_str!("../../runtime/src/error.rs")),
    ("flight.rs", include_str!("../../runtime/src/flight.rs")),
    ("jsonpath.rs", include_str!("../../runtime/src/jsonpath.rs")),
    ("links.rs", include_str!("../../runtime/src/links.rs")),
    ("login.rs", include_str!("../../runtime/src/login.rs")),
    ("oauth.rs", include_str!("../../runtime/src/oauth.rs")),
    (
        "orchestrator.rs",
        include_str!("../../runtime/src/orchestrator.rs"),
    ),
    ("paging.rs", include_str!("../../runtime/src/paging.rs")),
    ("rate.rs", include_str!("../../runtime/src/rate.rs")),
    ("redirect.rs", include_str!("../../runtime/src/redirect.rs")),
    ("retry.rs", include_str!("../../runtime/src/retry.rs")),
    (
        "system_user.rs",
        include_str!("../../runtime/src/system_user.rs"),
    ),
    ("tenant.rs", include_str!("../../runtime/src/tenant.rs")),
    ("testing.rs", include_str!("../../runtime/src/testing.rs")),
    ("trace.rs", include_str!("../../runtime/src/trace.rs")),
    (
        "transport.rs",
        include_str!("../../runtime/src/transport.rs"),
    ),
    ("url.rs", include_str!("../../runtime/src/url.rs")),
    ("webhooks.rs", include_str!("../../runtime/src/webhooks.rs")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_source_is_copied() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime/src")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().replace("lib.rs", "mod.rs"))
            .collect();
        on_disk.sort();
        let mut copied: Vec<String> = RUNTIME.iter().map(|(n, _)| n.to_string()).collect();
        copied.sort();
        assert_eq!(copied, on_disk);
    }
}
