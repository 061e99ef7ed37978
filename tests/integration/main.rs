//! Integration tests: the real `folio` binary on fixture sites copied to a
//! temporary folder, one behaviour per fixture.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot set up should fail loudly"
)]

mod bench;
mod build;
mod cards;
mod check;
mod cli;
mod docs;
mod errors;
mod features;
mod highlight;
mod images;
mod import;
mod incremental;
mod migration;
mod modules;
mod multilingual;
mod output;
mod portfolio;
mod search;
mod serve;
mod shortcodes;
mod support;
mod unchanged;
mod writing;
