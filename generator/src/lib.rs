//! Reads SuperOffice WebAPI markdown reference pages and generates a Rust
//! client crate from them.
//!
//! The stages, each in its own module:
//!
//! 1. [`parse`]: a page's markdown → [`ir::Endpoint`] (typed, with lines),
//!    reporting [`diagnostics::Diagnostic`]s instead of panicking;
//! 2. [`facts`]: the parse as JSON Lines, for the conformance check;
//! 3. [`diff`]: what changed for users between the crates generated from
//!    two docs trees (`cargo xtask api-diff`).

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod facts;
pub mod generate;
pub mod ir;
pub mod parse;
pub mod resolve;
