//! Which of the generated crate's features `default` enables.

use crate::resolve::{Api, Group};

/// The groups used in the README's and crate doc's example, and enabled by
/// default: the core CRM entities a typical integration reads and writes
/// (companies, people, sales, follow-ups, projects, documents, requests),
/// the lists that fill their drop-downs, and the current user. `full`
/// enables every group.
pub const DEFAULT_GROUPS: &[&str] = &[
    "Appointment",
    "Archive",
    "Contact",
    "Document",
    "List",
    "Person",
    "Project",
    "Sale",
    "Ticket",
    "User",
];

/// Whether `g` is one of the [`DEFAULT_GROUPS`].
pub fn is_default(g: &Group) -> bool {
    DEFAULT_GROUPS.contains(&g.base_name())
}

/// The features `default` enables: [`DEFAULT_GROUPS`], or every group
/// when the docs have none of them.
pub fn default_features(api: &Api) -> Vec<String> {
    let chosen: Vec<String> = api
        .groups
        .values()
        .filter(|g| is_default(g))
        .map(Group::feature)
        .collect();
    if chosen.is_empty() {
        api.groups.values().map(Group::feature).collect()
    } else {
        chosen
    }
}
