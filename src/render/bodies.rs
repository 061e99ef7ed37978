//! Page and section bodies: read from their files when they are rendered,
//! turned into HTML, and checked for `@/` links and `#anchors` that point
//! at nothing.
//!
//! A page's body is read here, not kept from loading: holding every body
//! and every page's HTML at once is what made memory grow with the site.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{self, Content, Page};
use crate::error::{Error, Errors, Location, Result};
use crate::markdown::{self, Rendered};

use super::functions;
use super::values::PageHtml;

/// What link checks need of a rendered body, kept after its HTML is gone.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The ids of its headings.
    pub ids: Vec<String>,
    /// Its `@/` links and `#anchors`, with where they are in the file.
    pub links: Vec<(markdown::Link, Location)>,
}

/// How page bodies are rendered for this site.
pub fn markdown_options(config: &Config) -> markdown::Options {
    markdown::Options {
        smart_punctuation: config.site.markdown.smart_punctuation,
        heading_links: config.site.markdown.heading_links,
        base_path: config.base_path.clone(),
    }
}

/// Every page's and section's source path → its URL path with the base path.
pub fn url_map(config: &Config, content: &Content) -> HashMap<String, String> {
    content
        .pages
        .iter()
        .map(|p| (p.relative_path.clone(), config.with_base(&p.url)))
        .chain(
            content
                .sections
                .iter()
                .map(|s| (s.relative_path.clone(), config.with_base(&s.url))),
        )
        .collect()
}

/// Resolves `@/` links of one build.
pub struct Resolver {
    urls: HashMap<String, String>,
    options: markdown::Options,
}

impl Resolver {
    /// Indexes the URLs of `content`.
    pub fn new(config: &Config, content: &Content) -> Resolver {
        Resolver {
            urls: url_map(config, content),
            options: markdown_options(config),
        }
    }

    /// Renders Markdown written at line `first_line` of its file.
    fn render(&self, source: &str, first_line: usize) -> (Rendered, Facts) {
        let resolve = |target: &str| self.urls.get(target.trim_start_matches('/')).cloned();
        let mut rendered = markdown::to_html(source, &self.options, &resolve);
        let links = std::mem::take(&mut rendered.links)
            .into_iter()
            .map(|link| {
                let at = Location::of_offset(source, link.offset);
                let location = Location {
                    line: at.line + first_line - 1,
                    column: at.column,
                };
                (link, location)
            })
            .collect();
        let facts = Facts {
            ids: std::mem::take(&mut rendered.ids),
            links,
        };
        (rendered, facts)
    }
}

/// Reads page `page`'s body and renders it with its summary: the `summary`
/// key, or the part before `<!-- more -->`.
pub fn page(config: &Config, resolver: &Resolver, page: &Page) -> Result<(PageHtml, Facts)> {
    let body = content::read_body(config, page)?;
    let (rendered, facts) = resolver.render(&body.text, body.line);
    let summary = match &page.meta.summary {
        Some(summary) => Some(functions::markdown_string(config, summary, false)),
        None => markdown::summary_source(&body.text, &rendered)
            .map(|before| functions::markdown_string(config, before, false)),
    };
    let html = PageHtml {
        content: rendered.html,
        summary,
        toc: rendered.toc,
        word_count: rendered.word_count,
    };
    Ok((html, facts))
}

/// Renders section `s`'s body, kept from loading (sections are few).
pub fn section(resolver: &Resolver, content: &Content, s: usize) -> (Rendered, Facts) {
    let section = &content.sections[s];
    resolver.render(&section.body, section.body_line)
}

/// Checks every `@/` link and `#anchor` written in Markdown, all at once.
pub fn check_links(content: &Content, pages: &[Facts], sections: &[Facts]) -> Errors {
    let mut ids: HashMap<&str, &[String]> = HashMap::new();
    for (p, facts) in content.pages.iter().zip(pages) {
        ids.insert(&p.relative_path, &facts.ids);
    }
    for (s, facts) in content.sections.iter().zip(sections) {
        ids.insert(&s.relative_path, &facts.ids);
    }
    let mut errors = Errors::default();
    let sources = content
        .pages
        .iter()
        .map(|p| (&p.relative_path, &p.source))
        .chain(
            content
                .sections
                .iter()
                .map(|s| (&s.relative_path, &s.source)),
        );
    for ((relative, source), facts) in sources.zip(pages.iter().chain(sections)) {
        for (link, location) in &facts.links {
            let location = Some(*location);
            let target = if link.page.is_empty() {
                relative.as_str()
            } else {
                link.page.trim_start_matches('/')
            };
            if !link.resolved {
                errors.push(
                    Error::at(
                        source,
                        location,
                        format!("link to `@/{}`, which does not exist", link.page),
                    )
                    .help("link to a file under `content/`, like `@/projects/x.md`"),
                );
                continue;
            }
            if let Some(fragment) = &link.fragment
                && !ids
                    .get(target)
                    .is_some_and(|ids| ids.iter().any(|id| id == fragment))
            {
                let what = if link.page.is_empty() {
                    "this page".to_string()
                } else {
                    format!("`@/{}`", link.page)
                };
                errors.push(
                    Error::at(
                        source,
                        location,
                        format!("anchor `#{fragment}` does not exist on {what}"),
                    )
                    .help("link to one of the page's heading ids, or add `{#id}` to a heading"),
                );
            }
        }
    }
    errors
}
