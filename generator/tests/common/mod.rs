//! What the integration tests share.

use std::path::{Path, PathBuf};

/// `../shared/corpus` beside the checkout, when it and each of `parts`
/// are there; otherwise `None`, having printed why the test skips.
pub fn corpus(parts: &[&str]) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if p.is_dir() && parts.iter().all(|part| p.join(part).is_dir()) {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is absent (the corpus lives in ../shared beside the checkout)",
            p.display()
        );
        None
    }
}
