//! The API change report end to end: docs trees on disk → report.
//!
//! Small hand-made trees (tiny reference-format pages written here into a
//! temp dir) check each rule; the corpus test compares the real pages of
//! `../shared/corpus/real` with the current form of the same pages in
//! `../shared/corpus/reference`, and skips, saying why, without the corpus.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::diff::{
    diff_dirs, markdown, Change, DiffError, Impact, Part, Report, Side, Status, TypeKind,
};

/// A temp dir of its own for each test, emptied first.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("api-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `POST /api/v1/Agents/Zoo/{op}` with a required `id` query parameter
/// and a `Beast` response whose property rows are `props` (name, type).
fn page(op: &str, props: &[(&str, &str)]) -> (String, String) {
    let rows: String = props
        .iter()
        .map(|(n, t)| format!("| {n} | {t} | The {n}. |\n"))
        .collect();
    let src = format!(
        "---\ntitle: POST Agents/Zoo/{op}\nuid: v1ZooAgent_{op}\n---\n\n\
         # POST Agents/Zoo/{op}\n\n```http\nPOST /api/v1/Agents/Zoo/{op}\n```\n\n{op} a beast.\n\n\
         ## Query String Parameters\n\n\
         | Parameter Name | Type |  Description |\n|----------------|------|--------------|\n\
         | id | int32 | **Required** The beast. |\n\n\
         ## Response:\n\nOK\n\n| Response | Description |\n|----------------|-------------|\n| 200 | OK |\n\n\
         ### Response body: Beast\n\n\
         | Property Name | Type |  Description |\n|----------------|------|--------------|\n{rows}"
    );
    (format!("agent/Zoo_Agent/v1ZooAgent_{op}.md"), src)
}

const BEAST: [(&str, &str); 3] = [
    ("Name", "string"),
    ("Rank", "int32"),
    ("Kind", "Enum: Lion, Tiger"),
];

fn tree(dir: &Path, pages: &[(String, String)]) -> PathBuf {
    for (rel, src) in pages {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("page dir");
        }
        std::fs::write(&path, src).expect("page written");
    }
    dir.to_path_buf()
}

/// Diffs `old` → `new`, written under a temp dir named after the test.
fn diff(name: &str, old: &[(String, String)], new: &[(String, String)]) -> Report {
    let root = temp(name);
    let (o, n) = (tree(&root.join("old"), old), tree(&root.join("new"), new));
    let report = diff_dirs(&o, &n).expect("both trees parse");
    let _ = std::fs::remove_dir_all(&root);
    report
}

fn type_details(r: &Report, kind: TypeKind) -> Vec<(Impact, Part, Option<String>, Change)> {
    r.types
        .iter()
        .filter(|t| t.kind == kind)
        .flat_map(|t| &t.details)
        .map(|d| (d.impact, d.part, d.name.clone(), d.change))
        .collect()
}

#[test]
fn nothing_changed_is_verdict_none() {
    let pages = [page("Get", &BEAST), page("Feed", &BEAST)];
    let r = diff("same", &pages, &pages);
    assert_eq!(r.verdict, Impact::None);
    assert_eq!(r.endpoints_compared, 2);
    assert!(r.endpoints.is_empty() && r.types.is_empty(), "{r:#?}");
    assert!(markdown::render(&r).contains("No changes."));
}

#[test]
fn an_added_endpoint_is_minor() {
    let r = diff(
        "added",
        &[page("Get", &BEAST)],
        &[page("Get", &BEAST), page("Feed", &BEAST)],
    );
    assert_eq!(r.verdict, Impact::Minor);
    assert_eq!(r.endpoints.len(), 1, "{r:#?}");
    let e = &r.endpoints[0];
    assert_eq!(
        (
            e.key.as_str(),
            e.status,
            e.group.as_str(),
            e.method.as_str()
        ),
        ("v1ZooAgent_Feed", Status::Added, "ZooAgent", "feed")
    );
    assert_eq!(e.http, "POST /api/v1/Agents/Zoo/Feed");
    assert!(markdown::render(&r)
        .contains("- **minor** `ZooAgent::feed` (`POST /api/v1/Agents/Zoo/Feed`)"));
}

#[test]
fn a_removed_endpoint_is_major() {
    let r = diff(
        "removed",
        &[page("Get", &BEAST), page("Feed", &BEAST)],
        &[page("Get", &BEAST)],
    );
    assert_eq!(r.verdict, Impact::Major);
    assert_eq!(r.endpoint_counts.removed, 1);
    assert_eq!(r.endpoints[0].key, "v1ZooAgent_Feed");
    assert_eq!(r.endpoints[0].status, Status::Removed);
}

#[test]
fn a_retyped_property_is_major() {
    let mut retyped = BEAST;
    retyped[1] = ("Rank", "string");
    let r = diff("retyped", &[page("Get", &BEAST)], &[page("Get", &retyped)]);
    assert_eq!(r.verdict, Impact::Major);
    let beast = r.types.iter().find(|t| t.name == "Beast").expect("Beast");
    let d = &beast.details[0];
    assert_eq!(
        (d.part, d.name.as_deref(), d.change),
        (Part::Field, Some("rank"), Change::Retyped)
    );
    assert_eq!(
        (d.old.as_deref(), d.new.as_deref()),
        (Some("i32"), Some("String"))
    );
    assert!(markdown::render(&r).contains("- **major** field `rank` retyped: `i32` → `String`"));
}

#[test]
fn an_added_property_is_minor_and_a_removed_one_major() {
    let more = [BEAST[0], BEAST[1], BEAST[2], ("Legs", "int32")];
    let r = diff("prop-added", &[page("Get", &BEAST)], &[page("Get", &more)]);
    assert_eq!(r.verdict, Impact::Minor);
    assert_eq!(
        type_details(&r, TypeKind::Struct),
        [(
            Impact::Minor,
            Part::Field,
            Some("legs".into()),
            Change::Added
        )]
    );
    let r = diff(
        "prop-removed",
        &[page("Get", &more)],
        &[page("Get", &BEAST)],
    );
    assert_eq!(r.verdict, Impact::Major);
}

#[test]
fn enum_values_added_are_minor_and_removed_major() {
    let mut more = BEAST;
    more[2] = ("Kind", "Enum: Lion, Tiger, Bear");
    let r = diff("enum-added", &[page("Get", &BEAST)], &[page("Get", &more)]);
    assert_eq!(r.verdict, Impact::Minor, "{r:#?}");
    assert_eq!(
        type_details(&r, TypeKind::Enum),
        [(
            Impact::Minor,
            Part::Value,
            Some("Bear".into()),
            Change::Added
        )]
    );
    assert!(markdown::render(&r).contains("  - **minor** value `Bear` added\n"));

    let r = diff(
        "enum-removed",
        &[page("Get", &more)],
        &[page("Get", &BEAST)],
    );
    assert_eq!(r.verdict, Impact::Major);
    assert_eq!(
        type_details(&r, TypeKind::Enum),
        [(
            Impact::Major,
            Part::Value,
            Some("Bear".into()),
            Change::Removed
        )]
    );
}

#[test]
fn json_has_a_fixed_shape_and_is_deterministic() {
    let old = [page("Get", &BEAST)];
    let new = [page("Get", &BEAST), page("Feed", &BEAST)];
    let a = diff("json-a", &old, &new);
    let b = diff("json-b", &old, &new);
    let v: serde_json::Value = serde_json::from_str(&a.to_json()).expect("JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "old",
            "new",
            "verdict",
            "endpoints_compared",
            "endpoint_counts",
            "type_counts",
            "endpoints",
            "types",
            "problems"
        ]
    );
    assert_eq!(v["verdict"], "minor");
    assert_eq!(v["endpoint_counts"]["added"], 1);
    let e = &v["endpoints"][0];
    assert_eq!(e["key"], "v1ZooAgent_Feed");
    assert_eq!(e["status"], "added");
    assert_eq!(e["impact"], "minor");
    assert_eq!(e["method"], "feed");
    assert!(e["details"].as_array().is_some_and(Vec::is_empty));
    // Only the temp dir names differ between the two runs.
    let strip = |r: &Report| {
        let mut r = r.clone();
        r.old.clear();
        r.new.clear();
        r.to_json()
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn a_missing_directory_is_an_error() {
    let root = temp("missing");
    let old = tree(&root.join("old"), &[page("Get", &BEAST)]);
    let err = diff_dirs(&old, &root.join("nope"));
    assert!(
        matches!(
            &err,
            Err(DiffError::NotADirectory {
                side: Side::New,
                ..
            })
        ),
        "{err:?}"
    );
    let msg = err.map(|_| String::new()).unwrap_or_else(|e| e.to_string());
    assert!(
        msg.contains("nope") && msg.contains("not a directory"),
        "{msg}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_page_with_errors_is_reported_and_the_rest_compared() {
    let root = temp("broken");
    let (feed_path, _) = page("Feed", &BEAST);
    let mut changed = BEAST;
    changed[0] = ("Name", "int32");
    let old = tree(
        &root.join("old"),
        &[page("Get", &BEAST), page("Feed", &BEAST)],
    );
    let new = tree(
        &root.join("new"),
        &[
            page("Get", &changed),
            (feed_path, "---\nuid: v1ZooAgent_Feed\n---\n\n# POST Agents/Zoo/Feed\n\n```http\nFETCH /api/v1/Agents/Zoo/Feed\n```\n".into()),
        ],
    );
    let r = diff_dirs(&old, &new).expect("the rest is compared");
    let _ = std::fs::remove_dir_all(&root);
    assert!(!r.is_complete());
    assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
    assert_eq!(r.problems[0].side, Side::New);
    assert!(r.problems[0]
        .diagnostic
        .file
        .ends_with("agent/Zoo_Agent/v1ZooAgent_Feed.md"));
    // The broken page is not reported as a removed endpoint.
    assert!(r.endpoints.iter().all(|e| e.key != "v1ZooAgent_Feed"));
    assert_eq!(r.verdict, Impact::Major);
    let md = markdown::render(&r);
    assert!(md.contains("**Incomplete**"), "{md}");
    assert!(md.contains("## Pages not compared"), "{md}");
}

// --- The corpus: real (older) pages against their current form. ---

/// The `uid:` of a page's front matter.
fn uid(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let front = text.strip_prefix("---")?.split("\n---").next()?;
    front
        .lines()
        .find_map(|l| l.strip_prefix("uid:"))
        .map(|u| u.trim().to_string())
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable corpus").flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The reference pages whose uids the real pages have, copied to a temp
/// dir at their paths in the reference.
fn reference_subset(corpus: &Path) -> PathBuf {
    let mut real = Vec::new();
    pages(&corpus.join("real"), &mut real);
    let uids: BTreeSet<String> = real.iter().filter_map(|p| uid(p)).collect();
    let out = temp("corpus");
    let reference = corpus.join("reference");
    let mut all = Vec::new();
    pages(&reference, &mut all);
    for p in all {
        if uid(&p).is_some_and(|u| uids.contains(&u)) {
            let to = out.join(p.strip_prefix(&reference).expect("under the reference"));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).expect("subset dir");
            }
            std::fs::copy(&p, &to).expect("page copied");
        }
    }
    out
}

#[test]
fn real_pages_against_their_current_form() {
    let Some(corpus) = common::corpus(&["real", "reference"]) else {
        return;
    };
    let subset = reference_subset(&corpus);
    let r = diff_dirs(&corpus.join("real"), &subset).expect("both trees parse");
    let md = markdown::render(&r);
    let json = r.to_json();
    let _ = std::fs::remove_dir_all(&subset);

    assert!(r.is_complete(), "{:#?}", r.problems);
    // The same 40 endpoints on both sides: nothing added or removed.
    assert_eq!(r.endpoints_compared, 40, "{md}");
    assert_eq!((r.endpoint_counts.added, r.endpoint_counts.removed), (0, 0));
    assert_eq!(r.verdict, Impact::Major, "{md}");

    // DeleteUser's query parameter was `UserId`, is `userId`: the Rust
    // argument stays `user_id`, only the wire name changes.
    let delete = r
        .endpoints
        .iter()
        .find(|e| e.key == "v1UserAgent_DeleteUser")
        .expect("DeleteUser changed");
    assert_eq!(delete.impact, Impact::Patch, "{md}");
    assert!(
        md.contains("- **patch** `UserAgent::delete_user` (`POST /api/v1/Agents/User/DeleteUser`)\n  - **patch** parameter `user_id` renamed on the wire: `UserId` → `userId`\n"),
        "{md}"
    );

    // GetUserCommands gained the optional `$select` parameter.
    let commands = r
        .endpoints
        .iter()
        .find(|e| e.key == "v1UserAgent_GetUserCommands")
        .expect("GetUserCommands changed");
    assert_eq!(commands.impact, Impact::Minor);
    assert!(
        md.contains("  - **minor** optional parameter `select` added (`String`)\n"),
        "{md}"
    );

    // ValidateLicenseInfo's request property `LicenseInfo` was typed
    // `TimeZoneData`, is `ExtendedLicenseInfo`.
    assert!(
        md.contains("- **major** struct `ValidateLicenseInfoRequest`\n  - **major** field `license_info` retyped: `TimeZoneData` → `ExtendedLicenseInfo`\n"),
        "{md}"
    );

    // The Simple appointment carrier gained MotherAssociateId and TaskId.
    let appointment = r
        .types
        .iter()
        .find(|t| t.name == "Appointment")
        .expect("Appointment changed");
    let added: Vec<&str> = appointment
        .details
        .iter()
        .filter(|d| d.change == Change::Added)
        .filter_map(|d| d.name.as_deref())
        .collect();
    assert_eq!(added, ["mother_associate_id", "task_id"], "{md}");
    assert_eq!(appointment.impact, Impact::Minor);

    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["verdict"], "major");
}
