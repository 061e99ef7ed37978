//! Renders the loaded site through Tera: one `OutputFile` per page,
//! section, taxonomy page, redirect, feed and sitemap.
//!
//! `Renderer` owns the templates, the values templates see and what each
//! file read. It has two doors: `render_all` renders the whole site, and
//! `render_edited` renders again what shows the pages whose bodies changed.
//! Pages render in parallel as their Markdown is turned into HTML, and each
//! page's HTML is dropped once its file is handed on. Nothing here writes
//! to disk: the caller's sink does.

mod bodies;
mod deps;
mod feeds;
mod functions;
mod jobs;
mod metrics;
mod pictures;
mod shortcodes;
mod values;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::cards::Cards;
use crate::config::Config;
use crate::content::{Content, site_relative};
use crate::error::{Error, Errors, Location, Result};
use crate::html::prefix_root_relative;
use crate::images::{Images, Made};

pub use bodies::{markdown_options, url_map};
pub use functions::{Lookup, hash_static_files};
pub use metrics::{Hint, TemplateMetric};
pub use values::{Taxonomy, Term, reading_time, taxonomies};

use bodies::{Facts, Resolver};
use deps::{Changes, Dep, Membership, Want};
use jobs::{Job, JobKind};
use metrics::Metrics;
use shortcodes::TeraShortcodes;
use values::{Model, PageHtml};

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
    /// Bytes made in memory that are not text, such as the search index.
    Bytes(Vec<u8>),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// Where rendered files go, as soon as each is made: the site is never
/// held in memory whole unless the sink keeps it.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> Result<()> + Sync);

/// Options that change what is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A script to put before `</body>` of every HTML page (serve's live reload).
    pub inject: Option<String>,
    /// Time every render, by template.
    pub template_metrics: bool,
}

/// What a render made.
#[derive(Debug, Clone, Default)]
pub struct RenderReport {
    /// Pages in the site.
    pub pages: usize,
    /// Sections in the site (the home page counts when it has a file).
    pub sections: usize,
    /// Files handed to the sink.
    pub files: usize,
    /// Templates rendered.
    pub rendered: usize,
    /// Renders and time by template, when asked for.
    pub metrics: Vec<TemplateMetric>,
    /// Where a template's cost per render grows with the site, when asked for.
    pub hints: Vec<Hint>,
    /// Problems that do not stop the build: shortcodes printed as text,
    /// code in a language no grammar knows.
    pub warnings: Vec<Error>,
    /// Images processed rather than found in the cache.
    pub images: usize,
    /// Social cards drawn rather than found in the cache.
    pub cards: usize,
}

/// The site's templates, parsed once.
pub struct Templates {
    tera: Tera,
    /// Template name → its file relative to the site root, for messages.
    files: HashMap<String, PathBuf>,
    lookup: Arc<RwLock<Arc<Lookup>>>,
    /// Template name → whether it (or what it extends or includes) names `site`.
    reads_site: HashMap<String, bool>,
    /// Template name → its text, for `--template-metrics` hints.
    sources: HashMap<String, String>,
}

/// Where a file of the built-in theme would be, for messages.
fn builtin_theme_path(folder: &str, name: &str) -> PathBuf {
    PathBuf::from(format!(
        "(built-in theme) themes/{}/{folder}/{name}",
        crate::embedded::DEFAULT_THEME
    ))
}

/// Loads the templates of the site and its theme (the built-in one when the
/// site names none and has none of its own, and the built-in shortcodes
/// always); the site's win.
pub fn load_templates(config: &Config) -> std::result::Result<Templates, Errors> {
    let lookup = Arc::new(RwLock::new(Arc::new(Lookup::default())));
    let mut tera = Tera::new();
    functions::register(&mut tera, &lookup);
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    let mut sources: HashMap<String, String> = HashMap::new();
    // Every site can call the default theme's shortcodes; its own theme's
    // and its own shortcodes of the same name replace them.
    // The social card template is drawn by `cards`, with filters of its own.
    let builtin = crate::embedded::theme_templates()
        .filter(|(name, _)| config.builtin_theme || name.starts_with("shortcodes/"))
        .filter(|(name, _)| *name != crate::cards::TEMPLATE);
    for (name, text) in builtin {
        files.insert(name.to_string(), builtin_theme_path("templates", name));
        sources.insert(name.to_string(), text.to_string());
    }
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
            let is_card = entry
                .path()
                .strip_prefix(dir)
                .is_ok_and(|n| n == Path::new(crate::cards::TEMPLATE));
            if !entry.file_type().is_file() || !name_ok || is_card {
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
    .map_err(|e| {
        missing_parent(&sources, &files).unwrap_or_else(|| template_errors(&e, &files, None))
    })?;
    // Tera's parser lists the variables a template and everything it
    // extends or includes loads: one that never names `site` cannot read it.
    let reads_site = names
        .iter()
        .map(|n| {
            let reads = tera
                .get_template_variables(n)
                .map_or(true, |vars| vars.contains("site"));
            (n.to_string(), reads)
        })
        .collect();
    Ok(Templates {
        tera,
        files,
        lookup,
        reads_site,
        sources,
    })
}

impl Templates {
    /// Whether the template, or one it extends or includes, names `site`.
    fn reads_site(&self, name: &str) -> bool {
        self.reads_site.get(name).copied().unwrap_or(true)
    }

    fn set_global(&mut self, name: &'static str, value: Value) {
        self.tera.global_context().insert_value(name, value);
    }

    fn update_lookup(&self, change: impl FnOnce(&mut Lookup)) {
        if let Ok(mut shared) = self.lookup.write() {
            change(Arc::make_mut(&mut shared));
        }
    }
}

/// Renders a site, and renders again what an edit changed.
pub struct Renderer {
    templates: Templates,
    built: Option<Built>,
}

/// What a full render leaves for the edits after it.
struct Built {
    taxonomies: Vec<Taxonomy>,
    model: Model,
    resolver: Resolver,
    /// Per page, then per section: what link checks need.
    page_facts: Vec<Facts>,
    section_facts: Vec<Facts>,
    /// What each file read.
    reads: HashMap<JobKind, Vec<Dep>>,
    /// Pages some feed shows, and their HTML.
    feed_html: HashMap<usize, String>,
    statics: Vec<OutputFile>,
    /// Whether folio writes `highlight.css` and, if so, whether it holds
    /// the palette yet (it is a stub until some code is highlighted).
    palette: Option<bool>,
    /// The images and cards pages asked for.
    media: Media,
}

/// The images and social cards of one build.
#[derive(Clone)]
struct Media {
    images: Arc<Images>,
    cards: Option<Arc<Cards>>,
}

impl Media {
    /// Makes what the pages asked for since the last call and hands each
    /// file to the sink.
    fn finish(&self, run: &Run<'_>, errors: &mut Errors) {
        let mut made: Vec<Made> = Vec::new();
        match self.images.finish() {
            Ok(files) => made.extend(files),
            Err(more) => errors.0.extend(more.0),
        }
        if let Some(cards) = &self.cards {
            match cards.finish() {
                Ok(files) => made.extend(files),
                Err(more) => errors.0.extend(more.0),
            }
        }
        for file in made {
            let output = OutputFile {
                path: file.path,
                contents: Contents::Copy(file.file),
                origin: file.origin,
            };
            if let Err(e) = run.send(output) {
                errors.push(e);
            }
        }
    }

    /// After a whole build: drops from the cache what it did not use.
    fn prune(&self) -> Result<()> {
        self.images.prune()?;
        if let Some(cards) = &self.cards {
            cards.prune()?;
        }
        Ok(())
    }
}

/// One page after its first render: its listing and what stays of it.
struct FirstPass {
    listing: Value,
    facts: Facts,
    /// The job, when it could not finish before the lists were ready.
    deferred: Option<Job>,
    reads: Option<Vec<Dep>>,
    feed_html: Option<String>,
    rendered: usize,
    /// Why its body or file failed.
    error: Option<Errors>,
}

impl Renderer {
    /// Loads the templates of the site and its theme.
    pub fn new(config: &Config) -> std::result::Result<Renderer, Errors> {
        Ok(Renderer {
            templates: load_templates(config)?,
            built: None,
        })
    }

    /// Renders every file of the site into `sink`.
    pub fn render_all(
        &mut self,
        config: &Config,
        content: &Content,
        options: &RenderOptions,
        sink: Sink<'_>,
    ) -> std::result::Result<RenderReport, Errors> {
        let taxonomies = values::taxonomies(config, content);
        let mut statics = hash_static_files(config).map_err(Errors::from)?;
        let (sheets, sass_warnings) = crate::sass::compile(config)?;
        functions::add_compiled(config, &mut statics, sheets).map_err(Errors::from)?;
        if config.site.minify {
            functions::minify_styles(config, &mut statics).map_err(Errors::from)?;
        }
        // A `highlight.css` of the site's or the theme's own wins over folio's.
        let writes_palette = !statics.contains_key(bodies::PALETTE_FILE);
        if let Some(made_from) = bodies::palette_source(config).filter(|_| writes_palette) {
            statics.insert(
                bodies::PALETTE_FILE.to_string(),
                functions::StaticFile::generated(&made_from),
            );
        }
        let mut model = Model::new(config, content, &taxonomies);
        self.templates.set_global("config", model.config.clone());
        self.templates.set_global("data", model.data.clone());
        self.templates.set_global("site", Value::none());
        let media = load_media(config, &model)?;
        let mut lookup = Lookup::new(config, content, &model, statics.clone());
        lookup.set_media(Arc::clone(&media.images), media.cards.clone());
        let resolver = Resolver::new(config, content).with_images(
            config,
            Arc::clone(&media.images),
            lookup.sources(),
        );
        self.templates.update_lookup(|shared| *shared = lookup);
        bodies::check_palette(config, resolver.options()).map_err(Errors::from)?;
        let feed_pages = feeds::feed_pages(config, content, &taxonomies);
        let metrics = Metrics::new(options.template_metrics);
        let run = Run::new(config, content, options, sink, &metrics);

        // Pages first: each is rendered as soon as its Markdown is, unless it
        // reads the lists, which need every page's listing.
        let first: Vec<FirstPass> = (0..content.pages.len())
            .into_par_iter()
            .map(|i| self.first_pass(&run, &model, &resolver, i, feed_pages.contains(&i)))
            .collect();
        let mut errors = Errors::default();
        let mut report = RenderReport::default();
        let mut reads = HashMap::new();
        let mut deferred = Vec::new();
        let mut feed_html = HashMap::new();
        let mut page_facts = Vec::with_capacity(content.pages.len());
        for (i, pass) in first.into_iter().enumerate() {
            model.listings[i] = pass.listing;
            page_facts.push(pass.facts);
            deferred.extend(pass.deferred);
            if let Some(read) = pass.reads {
                reads.insert(JobKind::Page(i), read);
            }
            if let Some(html) = pass.feed_html {
                feed_html.insert(i, html);
            }
            if let Some(e) = pass.error {
                errors.0.extend(e.0);
            }
            report.rendered += pass.rendered;
        }
        let (section_html, section_facts): (Vec<(Value, Value)>, Vec<Facts>) =
            (0..content.sections.len())
                .into_par_iter()
                .map(|s| {
                    let section = &content.sections[s];
                    let value = || model.section_meta[s].clone();
                    let shortcodes = TeraShortcodes::new(
                        &self.templates,
                        config,
                        (&section.source, &section.url),
                        ("section", &value),
                    );
                    let (rendered, facts) = bodies::section(&resolver, content, s, &shortcodes);
                    let url = &content.sections[s].url;
                    let html = (
                        Value::safe_string(&rendered.html),
                        values::toc_value(config, url, &rendered.toc),
                    );
                    (html, facts)
                })
                .unzip();
        errors
            .0
            .extend(bodies::check_links(content, &page_facts, &section_facts).0);
        for facts in &section_facts {
            errors.0.extend(facts.errors.iter().cloned());
        }
        let mut warnings = bodies::warnings(content, &page_facts, &section_facts);
        warnings.extend(sass_warnings);
        let highlighted = page_facts
            .iter()
            .chain(&section_facts)
            .any(|f| f.highlighted);

        // Then the lists, and every job that reads them.
        model.set_lists(content, &taxonomies, section_html);
        self.templates.set_global("site", model.site.clone());
        let sections = model.sections.clone();
        self.templates.update_lookup(|l| l.set_sections(&sections));
        let has_404 = self.templates.tera.contains_template("404.html");
        let has_search = self.templates.tera.contains_template(jobs::SEARCH_TEMPLATE);
        let mut jobs = jobs::list_jobs(config, content, &model, &taxonomies, &|kind| match kind {
            JobKind::NotFound => has_404,
            JobKind::Search => has_search,
            _ => true,
        });
        jobs.extend(deferred);
        let mut built = Built {
            taxonomies,
            model,
            resolver,
            page_facts,
            section_facts,
            reads,
            feed_html,
            statics: static_files(config, &statics),
            palette: (writes_palette && config.site.markdown.highlight_code).then_some(highlighted),

            media,
        };
        report.rendered += self.render_jobs(&run, &mut built, jobs, &mut errors);
        built.media.finish(&run, &mut errors);
        if built.palette.is_some() {
            match bodies::palette_css(built.resolver.options(), config, highlighted) {
                Ok(Some(css)) => {
                    if let Err(e) = palette_file(config, css).and_then(|file| run.send(file)) {
                        errors.push(e);
                    }
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        match extras(config, content, &built) {
            Ok(files) => {
                for file in files {
                    if let Err(e) = run.send(file) {
                        errors.push(e);
                    }
                }
            }
            Err(more) => errors.0.extend(more.0),
        }
        if errors.has_errors() {
            return Err(errors);
        }
        built.media.prune().map_err(Errors::from)?;
        report.images = built.media.images.made();
        report.cards = built.media.cards.as_ref().map_or(0, |c| c.made());
        self.built = Some(built);
        report.warnings = warnings;
        report.pages = content.pages.len();
        report.sections = content.sections.iter().filter(|s| s.exists).count();
        report.files = run.sent();
        report.metrics = metrics.take();
        if options.template_metrics {
            report.hints = metrics::hints(
                &self.templates.sources,
                &self.templates.files,
                &report.metrics,
            );
        }
        Ok(report)
    }

    /// Renders again what shows the pages whose bodies changed (indices into
    /// `content.pages`, whose front matter is as it was): those pages, the
    /// lists that show them when their listing changed, whatever asked for
    /// them by name, and the feeds that hold them.
    pub fn render_edited(
        &mut self,
        config: &Config,
        content: &Content,
        edited: &[usize],
        options: &RenderOptions,
        sink: Sink<'_>,
    ) -> std::result::Result<RenderReport, Errors> {
        let Some(mut built) = self.built.take() else {
            return self.render_all(config, content, options, sink);
        };
        let metrics = Metrics::new(options.template_metrics);
        let run = Run::new(config, content, options, sink, &metrics);
        let mut errors = Errors::default();
        let mut changes = Changes::default();
        let mut page_jobs = Vec::new();
        let mut report_warnings = Vec::new();
        let mut newly_highlighted = false;
        for &i in edited {
            let (html, facts) =
                match self.page_body(config, content, &built.model, &built.resolver, i) {
                    Ok(done) => done,
                    Err(e) => {
                        errors.0.extend(e.0);
                        continue;
                    }
                };
            let (full, listing) = built.model.page(config, content, i, &html);
            report_warnings.extend(facts.warnings_of(&content.pages[i].source));
            newly_highlighted |= facts.highlighted && built.palette == Some(false);
            built.page_facts[i] = facts;
            if let Some(kept) = built.feed_html.get_mut(&i) {
                *kept = html.content;
            }
            if listing != built.model.listings[i] {
                built
                    .model
                    .set_listing(content, &built.taxonomies, i, listing);
                changes.listings.push(i);
            }
            self.templates.update_lookup(|l| {
                if l.has_page(i) {
                    l.set_page(i, full.clone());
                }
            });
            changes.pages.push(i);
            if content.pages[i].meta.redirect_to.is_none() {
                page_jobs.push(jobs::page_job(content, i, full));
            }
        }
        errors
            .0
            .extend(bodies::check_links(content, &built.page_facts, &built.section_facts).0);
        if errors.has_errors() {
            self.built = Some(built);
            return Err(errors);
        }
        if !changes.listings.is_empty() {
            self.templates.set_global("site", built.model.site.clone());
            let sections = built.model.sections.clone();
            self.templates.update_lookup(|l| l.set_sections(&sections));
        }
        let places = Places {
            content,
            taxonomies: &built.taxonomies,
        };
        let affected: HashSet<JobKind> = built
            .reads
            .iter()
            .filter(|(kind, read)| {
                !matches!(kind, JobKind::Page(i) if changes.pages.contains(i))
                    && read.iter().any(|d| d.shows(&changes, &places))
            })
            .map(|(kind, _)| *kind)
            .collect();
        let mut jobs = page_jobs;
        for kind in &affected {
            if let JobKind::Page(j) = *kind {
                match self.page_value(config, content, &built, j) {
                    Ok(full) => jobs.push(jobs::page_job(content, j, full)),
                    Err(e) => errors.push(e),
                }
            }
        }
        jobs.extend(jobs::list_jobs(
            config,
            content,
            &built.model,
            &built.taxonomies,
            &|kind| affected.contains(&kind),
        ));
        let mut report = RenderReport {
            rendered: self.render_jobs(&run, &mut built, jobs, &mut errors),
            pages: content.pages.len(),
            sections: content.sections.iter().filter(|s| s.exists).count(),
            ..RenderReport::default()
        };
        // An edit may bring the site its first highlighted code.
        if newly_highlighted {
            match bodies::palette_css(built.resolver.options(), config, true) {
                Ok(css) => {
                    if let Some(Err(e)) =
                        css.map(|css| palette_file(config, css).and_then(|file| run.send(file)))
                    {
                        errors.push(e);
                    }
                    built.palette = Some(true);
                }
                Err(e) => errors.push(e),
            }
        }
        built.media.finish(&run, &mut errors);
        if edited.iter().any(|i| built.feed_html.contains_key(i)) || !changes.listings.is_empty() {
            for file in feeds::feeds(config, content, &built.feed_html, &built.taxonomies) {
                if let Err(e) = run.send(file) {
                    errors.push(e);
                }
            }
        }
        self.built = Some(built);
        if errors.has_errors() {
            return Err(errors);
        }
        report.files = run.sent();
        report.metrics = metrics.take();
        report.warnings = report_warnings;
        Ok(report)
    }

    /// Renders page `i`'s Markdown, and its file unless that must wait for
    /// the lists.
    fn first_pass(
        &self,
        run: &Run<'_>,
        model: &Model,
        resolver: &Resolver,
        i: usize,
        in_feed: bool,
    ) -> FirstPass {
        // A page that fails still gets a listing, so the lists that hold it
        // render and report their own problems, not this one again.
        let (html, facts, error) = match self.page_body(run.config, run.content, model, resolver, i)
        {
            Ok((html, facts)) => (html, facts, None),
            Err(e) => (PageHtml::default(), Facts::default(), Some(e)),
        };
        let (full, listing) = model.page(run.config, run.content, i, &html);
        let feed_html = in_feed.then_some(html.content);
        let job = jobs::page_job(run.content, i, full);
        let mut pass = FirstPass {
            listing,
            facts,
            deferred: None,
            reads: None,
            feed_html,
            rendered: 0,
            error,
        };
        // A redirect is written with the aliases, not rendered.
        if pass.error.is_some() || run.content.pages[i].meta.redirect_to.is_some() {
            return pass;
        }
        if self.templates.reads_site(&job.template) {
            pass.deferred = Some(job);
            return pass;
        }
        match self.render_job(run, &job) {
            Ok(Outcome::Done(read)) => {
                pass.reads = Some(read);
                pass.rendered = 1;
            }
            Ok(Outcome::Later(_)) => pass.deferred = Some(job),
            Err(e) => pass.error = Some(Errors::from(e)),
        }
        pass
    }

    /// Renders `jobs`, again and again while some wait for whole page values
    /// that are made in between. Returns how many rendered.
    fn render_jobs(
        &self,
        run: &Run<'_>,
        built: &mut Built,
        mut jobs: Vec<Job>,
        errors: &mut Errors,
    ) -> usize {
        let mut rendered = 0;
        while !jobs.is_empty() {
            let results: Vec<(Job, Result<Outcome>)> = jobs
                .into_par_iter()
                .map(|job| {
                    let outcome = self.render_job(run, &job);
                    (job, outcome)
                })
                .collect();
            let mut waiting = Vec::new();
            let mut wanted = Vec::new();
            for (job, outcome) in results {
                match outcome {
                    Ok(Outcome::Done(read)) => {
                        let mut all = job.handed(run.content);
                        all.extend(read);
                        built.reads.insert(job.kind, all);
                        rendered += 1;
                    }
                    Ok(Outcome::Later(wants)) => {
                        wanted.extend(wants);
                        waiting.push(job);
                    }
                    Err(e) => errors.push(e),
                }
            }
            let pages: Vec<usize> = wanted
                .iter()
                .filter_map(|w| match w {
                    Want::Page(i) => Some(*i),
                    Want::Lists => None,
                })
                .collect();
            let mut progress = false;
            for i in pages {
                let lookup_has = self.templates.lookup.read().is_ok_and(|l| l.has_page(i));
                if lookup_has {
                    continue;
                }
                match self.page_value(run.config, run.content, built, i) {
                    Ok(full) => {
                        self.templates.update_lookup(|l| l.set_page(i, full));
                        progress = true;
                    }
                    Err(e) => errors.push(e),
                }
            }
            if !progress {
                for job in &waiting {
                    errors.push(
                        Error::at(
                            &job.source,
                            None,
                            "a value this page asks for never became ready",
                        )
                        .help("report this, with the template, as a folio bug"),
                    );
                }
                break;
            }
            jobs = waiting;
        }
        rendered
    }

    /// Page `i`'s whole value, its body read and rendered again.
    fn page_value(
        &self,
        config: &Config,
        content: &Content,
        built: &Built,
        i: usize,
    ) -> Result<Value> {
        let (html, _) = self
            .page_body(config, content, &built.model, &built.resolver, i)
            .map_err(Errors::into_first)?;
        Ok(built.model.page(config, content, i, &html).0)
    }

    /// Reads and renders page `i`'s body, its shortcodes through the
    /// templates; they see the page's values without its content.
    fn page_body(
        &self,
        config: &Config,
        content: &Content,
        model: &Model,
        resolver: &Resolver,
        i: usize,
    ) -> std::result::Result<(PageHtml, Facts), Errors> {
        let page = &content.pages[i];
        let value = || model.page(config, content, i, &PageHtml::default()).1;
        let shortcodes = TeraShortcodes::new(
            &self.templates,
            config,
            (&page.source, &page.url),
            ("page", &value),
        );
        bodies::page(config, resolver, page, &shortcodes)
    }

    /// Renders one job into the sink, recording what it read; `Later` when
    /// a value it asked for is not ready yet.
    fn render_job(&self, run: &Run<'_>, job: &Job) -> Result<Outcome> {
        let templates = &self.templates;
        if !templates.tera.contains_template(&job.template) {
            return Err(Error::at(&job.source, None, format!("template `{}` does not exist", job.template))
                .help("add it to `templates/` or the theme, or pick another with the `template` front-matter key"));
        }
        let mut context = path_context(run.config, &job.url);
        for (key, value) in &job.context {
            context.insert_value(*key, value.clone());
        }
        let started = Instant::now();
        let (result, mut read, wants) =
            deps::recording(|| templates.tera.render(&job.template, &context));
        if templates.reads_site(&job.template) {
            read.push(Dep::Site);
        }
        let growing = match job.kind {
            JobKind::Page(_) | JobKind::Term(..) => true,
            JobKind::Section(s, _) => run.content.sections[s].meta.paginate_by.is_some(),
            JobKind::TaxonomyList(_) | JobKind::NotFound | JobKind::Search => false,
        };
        run.metrics.add(&job.template, started.elapsed(), growing);
        let html = match result {
            Ok(html) => html,
            Err(_) if !wants.is_empty() => return Ok(Outcome::Later(wants)),
            Err(e) => return Err(template_error(&e, &templates.files, Some(&job.source))),
        };
        let path = output_path(&job.url);
        let origin = if matches!(job.kind, JobKind::NotFound | JobKind::Search) {
            templates
                .files
                .get(&job.template)
                .cloned()
                .unwrap_or_default()
        } else {
            job.source.clone()
        };
        run.send(html_file(run.config, &path, html, &origin, run.options))?;
        Ok(Outcome::Done(read))
    }
}

/// What one render had to hand.
struct Run<'a> {
    config: &'a Config,
    content: &'a Content,
    options: &'a RenderOptions,
    sink: Sink<'a>,
    metrics: &'a Metrics,
    sent: std::sync::atomic::AtomicUsize,
}

impl<'a> Run<'a> {
    fn new(
        config: &'a Config,
        content: &'a Content,
        options: &'a RenderOptions,
        sink: Sink<'a>,
        metrics: &'a Metrics,
    ) -> Self {
        Run {
            config,
            content,
            options,
            sink,
            metrics,
            sent: Default::default(),
        }
    }

    /// Hands one file to the sink.
    fn send(&self, file: OutputFile) -> Result<()> {
        (self.sink)(file)?;
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn sent(&self) -> usize {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// How a job's render ended.
enum Outcome {
    /// The file went to the sink; these are what it read.
    Done(Vec<Dep>),
    /// It needs these first.
    Later(Vec<Want>),
}

/// Where pages belong in one build.
struct Places<'a> {
    content: &'a Content,
    taxonomies: &'a [Taxonomy],
}

impl Membership for Places<'_> {
    fn section_of(&self, page: usize) -> usize {
        self.content.pages[page].section
    }

    fn has_term(&self, page: usize, taxonomy: usize, term: usize) -> bool {
        self.taxonomies[taxonomy].terms[term].pages.contains(&page)
    }

    fn in_taxonomy(&self, page: usize, taxonomy: usize) -> bool {
        self.content.pages[page]
            .meta
            .taxonomies
            .get(&self.taxonomies[taxonomy].name)
            .is_some_and(|terms| !terms.is_empty())
    }
}

/// The images of a build, and its social cards when the site or its theme
/// has a card template (the card template sees `config` too).
fn load_media(config: &Config, model: &Model) -> std::result::Result<Media, Errors> {
    let mut cards = Cards::load(config).map_err(Errors::from)?;
    if let Some(cards) = &mut cards {
        cards.set_global("config", model.config.clone());
    }
    Ok(Media {
        images: Arc::new(Images::new(&config.root)),
        cards: cards.map(Arc::new),
    })
}

/// The files besides the jobs: feeds, sitemap, redirects, copies.
fn extras(
    config: &Config,
    content: &Content,
    built: &Built,
) -> std::result::Result<Vec<OutputFile>, Errors> {
    let mut files = feeds::feeds(config, content, &built.feed_html, &built.taxonomies);
    files.extend(feeds::site_files(config, content, &built.taxonomies));
    files.extend(feeds::alias_files(config, content)?);
    files.extend(built.statics.iter().cloned());
    files.extend(copy_files(config, content));
    Ok(files)
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
    // Before serve's script goes in, which stays as written.
    if config.site.minify {
        html = crate::minify::html(&html);
    }
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
        .filter(|(_, file)| !file.is_generated())
        .map(|(path, file)| match &file.text {
            Some(text) => OutputFile {
                path: path.clone(),
                contents: Contents::Text(text.to_string()),
                origin: if file.source.as_os_str().is_empty() {
                    builtin_theme_path("static", path)
                } else {
                    site_relative(config, &file.source)
                },
            },
            None => copy_of(config, path.clone(), &file.source),
        })
        .collect()
}

/// The highlight palette's stylesheet, as an output file.
fn palette_file(config: &Config, css: String) -> Result<OutputFile> {
    let origin = PathBuf::from(crate::config::CONFIG_FILE);
    let css = if config.site.minify {
        crate::minify::css(&css, Path::new(bodies::PALETTE_FILE))?
    } else {
        css
    };
    Ok(OutputFile {
        path: bodies::PALETTE_FILE.to_string(),
        contents: Contents::Text(css),
        origin,
    })
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
            // Tera's own report opens with "error: <message>" (a folio
            // function's message spans lines: it ends with its help); keep
            // the snippet below it.
            let report = e.to_string();
            let snippet = report
                .strip_prefix("error: ")
                .and_then(|rest| rest.strip_prefix(r.message()))
                .map_or_else(
                    || report.split_once('\n').map_or("", |(_, s)| s),
                    |rest| rest.trim_start_matches('\n'),
                );
            // A folio function says what to do after its message.
            let (message, help) = match r.message().split_once(functions::HELP_MARK) {
                Some((message, help)) => (message, Some(help)),
                None => (r.message(), None),
            };
            let cause = format!("{message}\n{}", snippet.trim_end());
            let error = located_template_error(
                Some(r.filename().to_string()),
                Some(location),
                cause,
                files,
                rendering,
            );
            return match help {
                Some(help) => error.help(help),
                None => error,
            };
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

/// The first template whose `{% extends "…" %}` names a template that does
/// not exist, as an error at the tag: Tera's own message has no place.
fn missing_parent(
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
) -> Option<Errors> {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    names.into_iter().find_map(|name| {
        let text = &sources[name];
        let (at, parent) = extends_tag(text)?;
        if sources.contains_key(parent) {
            return None;
        }
        let near = crate::config::nearest(parent, sources.keys().map(String::as_str));
        let help = match near.first() {
            Some(n) => format!("did you mean `{n}`? Otherwise create `templates/{parent}`"),
            None => format!("create `templates/{parent}`, or remove the `extends` tag"),
        };
        let path = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        Some(Errors::from(
            Error::at(
                path,
                Some(Location::of_offset(text, at)),
                format!("`{name}` extends `{parent}`, which does not exist"),
            )
            .help(help),
        ))
    })
}

/// The offset and the parent's name of a template's `{% extends "…" %}`.
fn extends_tag(text: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{%") {
        let at = from + i;
        let rest = text[at + 2..].trim_start_matches('-').trim_start();
        from = at + 2;
        let Some(rest) = rest.strip_prefix("extends") else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let name = &rest[1..];
        return Some((at, &name[..name.find(quote)?]));
    }
    None
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
    let listing_field = ["content", "toc"].into_iter().find(|f| {
        cause.contains(&format!("Field `{f}` is not defined")) && cause.contains("word_count")
    });
    let help = match (rendering, listing_field) {
        (Some(_), Some(field)) => format!(
            "a page in a list has no `{field}`: show `p.summary`, or get the whole page with \
             `get_page(path=p.relative_path)`"
        ),
        (Some(_), None) => "fix the template, or give the page what the template reads (`x or \"\"` covers a missing value)".to_string(),
        (None, _) => "fix the template syntax at this place".to_string(),
    };
    Error::at(path, location, message).cause(cause).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extends_tag_is_found_with_its_place() {
        let text = "{# a #}\n{%- extends \"base.html\" -%}\n";
        assert_eq!(extends_tag(text), Some((8, "base.html")));
        assert_eq!(extends_tag("{% block a %}{% endblock %}"), None);
    }

    #[test]
    fn url_paths_map_to_index_files() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }
}
