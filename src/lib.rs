//! folio: a static site generator. It walks `content/`, renders Markdown and
//! YAML through Tera templates, and writes plain HTML into `public/`.
//!
//! Modules are listed in pipeline order; imports only point upstream.

pub mod url;

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod embedded;
pub mod error;
pub mod fingerprint;
pub mod highlight;
pub mod html;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod render;
pub mod report;
pub mod serve;
pub mod watch;
