//! folio: a static site generator. It walks `content/`, renders Markdown and
//! YAML through Tera templates, and writes plain HTML into `public/`.
//!
//! Modules are listed in pipeline order, in groups; a module imports only
//! modules above it. ARCHITECTURE.md at the root says what each one owns.

// What every stage uses.
pub mod error;
pub mod fingerprint;
pub mod url;

// The files the binary carries.
pub mod embedded;

// Reading the site.
pub mod config;
pub mod content;

// Stylesheets from Sass.
pub mod sass;

// Text to HTML.
pub mod html;
// `highlight` uses `html`; this line keeps rustfmt from sorting them.
pub mod highlight;
pub mod markdown;
pub mod minify;

// Writing files: the output folder and the build cache.
pub mod output;

// Images and social cards, made once and kept in the build cache.
pub mod images;
// `cards` uses `images`; this line keeps rustfmt from sorting them.
pub mod cards;

// Pages through templates.
pub mod render;

// The search index of the rendered pages.
pub mod search;

// Checking links.
pub mod links;

// Building, checking, keeping a site for serve.
pub mod build;

// Watching the sources.
pub mod watch;

// Serving locally.
pub mod serve;

// New sites and pages.
pub mod init;

// Sites of other generators, brought over.
pub mod import;

// What the terminal shows.
pub mod report;

// The command line.
pub mod cli;
