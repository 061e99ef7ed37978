//! Renders the loaded site through Tera: one `OutputFile` per page, section,
//! taxonomy page, redirect, feed and sitemap.
//!
//! Templates are parsed once, the site-wide context (`config`, `site`,
//! `data`) is built once and shared by reference, and pages render in
//! parallel. Nothing here writes to disk: `output` does.

mod feeds;
mod functions;
mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::content::{Content, site_relative};
use crate::error::{Error, Errors, Location, Result};
use crate::html::prefix_root_relative;
use crate::markdown::{self, Rendered};

pub use functions::{Lookup, hash_static_files};
pub use values::{Job, JobKind, Taxonomy, Term, taxonomies};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output folder, with `/` separators.
    pub path: String,
    /// What it holds.
    pub contents: Contents,
    /// The file it comes from, relative to the site root, for messages.
    pub origin: PathBuf,
}

/// The bytes of an output file, or the file to copy them from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Rendered text.
    Text(String),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// The site's templates, parsed once.
pub struct Templates {
    tera: Tera,
    /// Template name → its file relative to the site root, for messages.
    files: HashMap<String, PathBuf>,
    lookup: Arc<RwLock<Arc<Lookup>>>,
    /// Template name → whether it reads other pages.
    reads_site: HashMap<String, bool>,
}

/// What rendering makes besides the files themselves.
#[derive(Debug, Default)]
pub struct RenderSummary {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
}

/// Loads the templates of the site and its theme; the site's win.
pub fn load_templates(config: &Config) -> std::result::Result<Templates, Errors> {
    let lookup = Arc::new(RwLock::new(Arc::new(Lookup::default())));
    let mut tera = Tera::new();
    functions::register(&mut tera, &lookup);
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    let mut sources: HashMap<String, String> = HashMap::new();
    // The theme first, so that a site template of the same name replaces it.
    for dir in config.template_dirs.iter().rev() {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                Error::at(
                    site_relative(config, dir),
                    None,
                    "cannot read the template folder",
                )
                .cause(e)
            })?;
            crate::content::check_walked(config, &entry)?;
            let name_ok = entry
                .file_name()
                .to_str()
                .is_some_and(|n| !crate::content::is_ignored_name(n));
            if !entry.file_type().is_file() || !name_ok {
                continue;
            }
            let rel_file = site_relative(config, entry.path());
            let name = entry
                .path()
                .strip_prefix(dir)
                .ok()
                .and_then(Path::to_str)
                .map(|s| s.replace('\\', "/"))
                .ok_or_else(|| {
                    Error::at(&rel_file, None, "file name is not valid UTF-8")
                        .help("rename the file")
                })?;
            let text = std::fs::read_to_string(entry.path()).map_err(|e| {
                Error::at(&rel_file, None, "cannot read the template")
                    .cause(e)
                    .help("save the file as UTF-8")
            })?;
            files.insert(name.clone(), rel_file);
            sources.insert(name, text);
        }
    }
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    tera.add_raw_templates(
        names
            .iter()
            .map(|n| (n.as_str(), sources[n.as_str()].as_str())),
    )
    .map_err(|e| template_errors(&e, &files, None))?;
    let reads_site = site_readers(&sources);
    Ok(Templates {
        tera,
        files,
        lookup,
        reads_site,
    })
}

/// A page's or section's Markdown, rendered once per build; its values are
/// shared by every template value that shows it.
#[derive(Debug, Clone)]
pub struct Html {
    /// The HTML, a safe string.
    pub content: Value,
    /// The summary's HTML, or none.
    pub summary: Value,
    /// The table of contents.
    pub toc: Value,
    /// Words of text.
    pub word_count: usize,
    /// The ids of its headings.
    pub ids: Vec<String>,
    /// Its `@/` links and `#anchors`, with where they are in the file.
    pub links: Vec<(markdown::Link, Location)>,
}

impl Html {
    /// The HTML as text.
    pub fn as_str(&self) -> &str {
        self.content.as_str().unwrap_or_default()
    }
}

/// Renders every page's Markdown, pages and sections in parallel, and frees
/// each source text once it is rendered: what checks need of it (where each
/// link is) stays with the HTML.
pub fn render_markdown(config: &Config, content: &mut Content) -> (Vec<Html>, Vec<Html>) {
    let options = markdown_options(config);
    let urls = url_map(config, content);
    let resolve = |target: &str| urls.get(target.trim_start_matches('/')).cloned();
    let pages = content
        .pages
        .par_iter_mut()
        .map(|p| {
            let html = page_markdown(config, p, &options, &resolve);
            p.body = String::new();
            html
        })
        .collect();
    let sections = content
        .sections
        .par_iter_mut()
        .map(|s| {
            let html = finish(
                config,
                &s.url,
                markdown::to_html(&s.body, &options, &resolve),
                &s.body,
                s.body_line,
            );
            s.body = String::new();
            html
        })
        .collect();
    (pages, sections)
}

/// Turns rendered Markdown into the values templates read.
fn finish(config: &Config, url: &str, rendered: Rendered, body: &str, body_line: usize) -> Html {
    let links = rendered
        .links
        .into_iter()
        .map(|link| {
            let at = Location::of_offset(body, link.offset);
            (
                link,
                Location {
                    line: at.line + body_line - 1,
                    column: at.column,
                },
            )
        })
        .collect();
    Html {
        content: Value::safe_string(&rendered.html),
        summary: rendered
            .summary
            .as_deref()
            .map_or(Value::none(), Value::safe_string),
        toc: values::toc_value(config, url, &rendered.toc),
        word_count: rendered.word_count,
        ids: rendered.ids,
        links,
    }
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

/// Renders one page's body and its summary: the `summary` key, or the part before `<!-- more -->`.
pub fn page_markdown(
    config: &Config,
    page: &crate::content::Page,
    options: &markdown::Options,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Html {
    let mut rendered = markdown::to_html(&page.body, options, resolve);
    rendered.summary = match &page.meta.summary {
        Some(summary) => Some(functions::markdown_string(config, summary, false)),
        None => markdown::summary_source(&page.body, &rendered)
            .map(|before| functions::markdown_string(config, before, false)),
    };
    finish(config, &page.url, rendered, &page.body, page.body_line)
}

/// Checks every `@/` link and `#anchor` written in Markdown, all at once.
pub fn check_markdown_links(content: &Content, pages: &[Html], sections: &[Html]) -> Errors {
    let mut ids: HashMap<&str, &[String]> = HashMap::new();
    for (p, r) in content.pages.iter().zip(pages) {
        ids.insert(&p.relative_path, &r.ids);
    }
    for (s, r) in content.sections.iter().zip(sections) {
        ids.insert(&s.relative_path, &r.ids);
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
    for ((relative, source), html) in sources.zip(pages.iter().chain(sections)) {
        for (link, location) in &html.links {
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

/// Options that change what is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A script to put before `</body>` of every HTML page (serve's live reload).
    pub inject: Option<String>,
}

/// Renders every output file of the site.
pub fn render_site(
    config: &Config,
    content: &Content,
    markdown: (&[Html], &[Html]),
    templates: &mut Templates,
    options: &RenderOptions,
    target: Target<'_>,
) -> std::result::Result<(Vec<OutputFile>, usize, Prepared), Errors> {
    let prepared = prepare(config, content, markdown, templates)?;
    let jobs = prepared.jobs(config, content, &|_, _| true);
    let (mut files, mut count, mut errors) =
        render_jobs(config, templates, jobs.iter(), options, target);
    drop(jobs);
    match extras(
        config,
        content,
        markdown,
        templates,
        &prepared,
        options,
        Scope::All,
    ) {
        Ok(more) => {
            count += more.len();
            for file in more {
                match target {
                    Target::Keep => files.push(file),
                    Target::Hand(hand) => {
                        if let Err(e) = hand(file) {
                            errors.push(e);
                        }
                    }
                }
            }
        }
        Err(more) => errors.0.extend(more.0),
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok((files, count, prepared))
}

/// Where rendered files go.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// Back to the caller, all at once.
    Keep,
    /// To this function as soon as each is rendered, so the site is never
    /// held in memory whole; the caller gets only the count.
    Hand(&'a (dyn Fn(OutputFile) -> Result<()> + Sync)),
}

/// Counts what a build renders.
pub fn summary(content: &Content) -> RenderSummary {
    RenderSummary {
        pages: content.pages.len(),
        sections: content.sections.iter().filter(|s| s.exists).count(),
    }
}

/// One build's values and jobs, ready to render all or some of.
pub struct Prepared {
    /// The taxonomies and their terms.
    pub taxonomies: Vec<Taxonomy>,
    /// The values templates see.
    pub model: values::Model,
    statics: Vec<OutputFile>,
}

impl Prepared {
    /// The jobs `keep` picks (by kind and template name).
    pub fn jobs(
        &self,
        config: &Config,
        content: &Content,
        keep: &dyn Fn(JobKind, &str) -> bool,
    ) -> Vec<values::Job> {
        values::jobs(config, content, &self.model, &self.taxonomies, keep)
    }
}

/// Builds the values templates see and hands them to the templates.
pub fn prepare(
    config: &Config,
    content: &Content,
    markdown: (&[Html], &[Html]),
    templates: &mut Templates,
) -> std::result::Result<Prepared, Errors> {
    let taxonomies = taxonomies(config, content);
    let statics = hash_static_files(config).map_err(Errors::from)?;
    let model = values::build(config, content, markdown, &taxonomies);
    let global = templates.tera.global_context();
    global.insert_value("config", model.config.clone());
    global.insert_value("site", model.site.clone());
    global.insert_value("data", model.data.clone());
    let static_copies = static_files(config, &statics);
    let lookup = Lookup::new(config, content, &model, statics);
    if let Ok(mut shared) = templates.lookup.write() {
        *shared = Arc::new(lookup);
    }
    Ok(Prepared {
        taxonomies,
        model,
        statics: static_copies,
    })
}

/// Renders the given jobs in parallel, collecting every error.
pub fn render_jobs<'a>(
    config: &Config,
    templates: &Templates,
    jobs: impl Iterator<Item = &'a values::Job>,
    options: &RenderOptions,
    target: Target<'_>,
) -> (Vec<OutputFile>, usize, Errors) {
    let jobs: Vec<&values::Job> = jobs.collect();
    let results: Vec<std::result::Result<Option<OutputFile>, Error>> = jobs
        .par_iter()
        .map(|job| {
            let file = render_job(config, templates, job, options)?;
            match target {
                Target::Keep => Ok(Some(file)),
                Target::Hand(hand) => hand(file).map(|()| None),
            }
        })
        .collect();
    let mut files = Vec::with_capacity(if matches!(target, Target::Keep) {
        results.len() + 16
    } else {
        0
    });
    let mut errors = Errors::default();
    let mut count = 0;
    for result in results {
        match result {
            Ok(Some(file)) => {
                files.push(file);
                count += 1;
            }
            Ok(None) => count += 1,
            Err(e) => errors.push(e),
        }
    }
    (files, count, errors)
}

/// Which of the files besides the jobs to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All of them.
    All,
    /// Only those a page body can change: feeds, and a 404 page that reads the site.
    AfterBodyEdit,
}

/// Puts a patched model in front of the templates: `site`, and the changed
/// pages and sections for `get_page`/`get_section`.
pub fn publish_patch(
    templates: &mut Templates,
    content: &Content,
    prepared: &Prepared,
    changed: &[usize],
    patched: &values::Patched,
) {
    templates
        .tera
        .global_context()
        .insert_value("site", prepared.model.site.clone());
    if let Ok(mut shared) = templates.lookup.write() {
        let lookup = Arc::make_mut(&mut shared);
        for &i in changed {
            lookup.replace_page(
                &content.pages[i].relative_path,
                prepared.model.pages[i].clone(),
            );
        }
        for &s in &patched.sections {
            lookup.replace_section(
                &content.sections[s].relative_path,
                prepared.model.sections[s].clone(),
            );
        }
    }
}

/// The files besides the jobs: 404, feeds, sitemap, redirects, copies.
pub fn extras(
    config: &Config,
    content: &Content,
    markdown: (&[Html], &[Html]),
    templates: &Templates,
    prepared: &Prepared,
    options: &RenderOptions,
    scope: Scope,
) -> std::result::Result<Vec<OutputFile>, Errors> {
    let mut files = Vec::new();
    let mut errors = Errors::default();
    let after_body_edit = scope == Scope::AfterBodyEdit;
    if templates.tera.contains_template("404.html")
        && (!after_body_edit || templates.reads_site("404.html"))
    {
        let context = path_context(config, "/404.html");
        match templates.tera.render("404.html", &context) {
            Ok(html) => {
                let origin = templates.files.get("404.html").cloned().unwrap_or_default();
                files.push(html_file(config, "404.html", html, &origin, options));
            }
            Err(e) => errors.push(template_error(
                &e,
                &templates.files,
                Some(Path::new("404.html")),
            )),
        }
    }
    files.extend(feeds::feeds(
        config,
        content,
        markdown.0,
        &prepared.taxonomies,
    ));
    if !after_body_edit {
        // A body edit changes no address, date or file: these stay as they are.
        files.extend(feeds::site_files(config, content, &prepared.taxonomies));
        match feeds::alias_files(config, content) {
            Ok(more) => files.extend(more),
            Err(more) => errors.0.extend(more.0),
        }
        files.extend(prepared.statics.iter().cloned());
        files.extend(copy_files(config, content));
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(files)
}

impl Templates {
    /// Returns true when the template, or one it extends or includes, reads
    /// other pages (`site`, `get_page`, `get_section`), so that any page edit
    /// may change its output.
    pub fn reads_site(&self, name: &str) -> bool {
        self.reads_site.get(name).copied().unwrap_or(true)
    }
}

/// Works out `Templates::reads_site` for every template from its source.
fn site_readers(sources: &HashMap<String, String>) -> HashMap<String, bool> {
    let reads = |text: &str| {
        ["site.", "site ", "site}", "get_page", "get_section"]
            .iter()
            .any(|w| text.contains(w))
    };
    // Components are global and their uses are hard to trace: a template
    // that defines one counts for every template.
    let components = sources
        .values()
        .any(|t| t.contains("{% component") && reads(t));
    sources
        .keys()
        .map(|name| {
            let mut seen = Vec::new();
            let mut stack = vec![name.clone()];
            let mut any = components;
            while let Some(current) = stack.pop() {
                if seen.contains(&current) {
                    continue;
                }
                let Some(text) = sources.get(&current) else {
                    continue;
                };
                any |= reads(text);
                stack.extend(referenced_templates(text));
                seen.push(current);
            }
            (name.clone(), any)
        })
        .collect()
}

/// Names in `{% extends "x" %}`, `{% include "y" %}` and `{% import %}` tags.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in ["extends", "include"] {
        let mut rest = text;
        while let Some(i) = rest.find(tag) {
            rest = &rest[i + tag.len()..];
            let trimmed = rest.trim_start();
            if let Some(quote) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = trimmed[1..].find(quote)
            {
                names.push(trimmed[1..1 + end].to_string());
            }
        }
    }
    names
}

fn render_job(
    config: &Config,
    templates: &Templates,
    job: &values::Job,
    options: &RenderOptions,
) -> Result<OutputFile> {
    if !templates.tera.contains_template(&job.template) {
        return Err(Error::at(&job.source, None, format!("template `{}` does not exist", job.template))
            .help("add it to `templates/` or the theme, or pick another with the `template` front-matter key"));
    }
    let mut context = path_context(config, &job.url);
    for (key, value) in &job.context {
        context.insert_value(*key, value.clone());
    }
    let html = templates
        .tera
        .render(&job.template, &context)
        .map_err(|e| template_error(&e, &templates.files, Some(&job.source)))?;
    Ok(html_file(
        config,
        &output_path(&job.url),
        html,
        &job.source,
        options,
    ))
}

fn path_context(config: &Config, url: &str) -> Context {
    let mut context = Context::new();
    let path = config.with_base(url);
    context.insert_value("current_permalink", Value::from(config.permalink(&path)));
    context.insert_value("current_path", Value::from(path));
    context
}

fn html_file(
    config: &Config,
    path: &str,
    html: String,
    origin: &Path,
    options: &RenderOptions,
) -> OutputFile {
    let mut html = prefix_root_relative(html, &config.base_path);
    if let Some(script) = &options.inject {
        match html.rfind("</body>") {
            Some(i) => html.insert_str(i, script),
            None => html.push_str(script),
        }
    }
    OutputFile {
        path: path.to_string(),
        contents: Contents::Text(html),
        origin: origin.to_path_buf(),
    }
}

/// Returns where a URL path is written: `/a/b/` → `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

fn static_files(
    config: &Config,
    statics: &std::collections::BTreeMap<String, functions::StaticFile>,
) -> Vec<OutputFile> {
    statics
        .iter()
        .map(|(path, file)| copy_of(config, path.clone(), &file.source))
        .collect()
}

fn copy_of(config: &Config, path: String, source: &Path) -> OutputFile {
    OutputFile {
        path,
        contents: Contents::Copy(source.to_path_buf()),
        origin: site_relative(config, source),
    }
}

fn copy_files(config: &Config, content: &Content) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for file in &content.files {
        files.push(copy_of(config, file.dest.clone(), &file.source));
    }
    for page in &content.pages {
        let Some(dir) = &page.bundle_dir else {
            continue;
        };
        let base = output_path(&page.url);
        let base = base.trim_end_matches("index.html");
        for asset in &page.assets {
            files.push(copy_of(config, format!("{base}{asset}"), &dir.join(asset)));
        }
    }
    files
}

/// Turns a Tera error into a located folio error; `rendering` is the content file.
fn template_error(
    e: &tera::Error,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Error {
    let (file, location, cause) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let location = Location {
                line: span.start_line,
                column: span.start_col + 1,
            };
            // Tera's own report opens with "error: <message>"; keep its
            // snippet below the message.
            let report = e.to_string();
            let snippet = report.split_once('\n').map_or("", |(_, s)| s);
            let cause = format!("{}\n{}", r.message(), snippet.trim_end());
            (Some(r.filename().to_string()), Some(location), cause)
        }
        _ => (None, None, e.to_string()),
    };
    located_template_error(file, location, cause, files, rendering)
}

/// Turns a Tera error into one folio error per problem: Tera reports every
/// unknown filter, function or block of all the templates at once, as one
/// message of several reports, and each is a problem of its own.
fn template_errors(
    e: &tera::Error,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Errors {
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return Errors::from(template_error(e, files, rendering));
    };
    let reports = split_reports(text);
    if reports.is_empty() {
        return Errors::from(template_error(e, files, rendering));
    }
    Errors(
        reports
            .into_iter()
            .map(|(file, location, cause)| {
                located_template_error(Some(file), Some(location), cause, files, rendering)
            })
            .collect(),
    )
}

/// Splits Tera's joined reports (`error: <message>`, then `--> file:line:col`
/// and a snippet) into file, location and message with snippet.
fn split_reports(text: &str) -> Vec<(String, Location, String)> {
    let mut starts: Vec<usize> = text
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.push(text.len());
    starts
        .windows(2)
        .filter_map(|w| {
            let report = text[w[0]..w[1]].trim_end();
            let (first, snippet) = report.split_once('\n')?;
            let place = snippet.lines().next()?.trim().strip_prefix("--> ")?;
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let file = parts.next()?.to_string();
            let message = first.strip_prefix("error: ").unwrap_or(first);
            Some((
                file,
                Location { line, column },
                format!("{message}\n{snippet}"),
            ))
        })
        .collect()
}

fn located_template_error(
    file: Option<String>,
    location: Option<Location>,
    cause: String,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Error {
    let path = file
        .as_ref()
        .and_then(|f| files.get(f).cloned())
        .or(file.map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("templates"));
    let message = match rendering {
        Some(source) => format!("failed to render {}", source.display()),
        None => "template does not parse".to_string(),
    };
    let help = if rendering.is_some() {
        "fix the template, or give the page what the template reads (`x or \"\"` covers a missing value)"
    } else {
        "fix the template syntax at this place"
    };
    Error::at(path, location, message).cause(cause).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_map_to_index_files() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }
}
