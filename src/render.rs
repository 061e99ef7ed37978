//! Renders the loaded site through Tera: one `OutputFile` per page,
//! section, taxonomy page, redirect, feed and sitemap.
//!
//! `Renderer::render` is the one way through, for a whole build and for
//! every edit after it: it makes the values templates see, compares them
//! with what the last render left (`memory`), and renders what is new or
//! shows something that changed; with nothing kept, that is everything.
//! Pages render in parallel as their Markdown is turned into HTML, and
//! each page's HTML is dropped once its file is handed on. Nothing here
//! writes to disk: the caller's sink does.

mod bodies;
mod deps;
mod feeds;
mod files;
mod functions;
mod jobs;
mod memory;
mod metrics;
mod pictures;
mod shortcodes;
mod statics;
mod strings;
mod templates;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use tera::Value;

use crate::cards::Cards;
use crate::config::Config;
use crate::content::{Content, site_relative};
use crate::error::{Error, Errors, Result};
use crate::fingerprint::fingerprint;
use crate::html::prefix_root_relative;
use crate::images::{Images, Made};
use crate::sass;
use crate::url::output_path;

pub use bodies::{markdown_options, url_map};
pub use files::{Contents, OutputFile, Sink};
pub use functions::Lookup;
pub use metrics::{Hint, TemplateMetric};
pub use values::{Taxonomy, Term, reading_time, taxonomies};

use bodies::{Facts, Resolver};
use jobs::{Job, JobKind};
use memory::{
    Body, Changes, JobMemory, Key, Memory, PageChanges, PageMemory, Record, SectionMemory, Values,
};
use metrics::Metrics;
use shortcodes::TeraShortcodes;
use statics::StaticFile;
use templates::{Templates, builtin_theme_path, path_context, template_error};
use values::{Model, PageHtml};

/// Options that change what is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A script to put before `</body>` of every HTML page (serve's live reload).
    pub inject: Option<String>,
    /// Time every render, by template.
    pub template_metrics: bool,
    /// Keep what this render read and made, so that the next one renders
    /// only what an edit changed (a site kept for `serve`).
    pub keep: bool,
    /// Print `asset()` URLs without their fingerprint. `serve` never lets a
    /// browser keep a file, so that a stylesheet edit changes no page.
    pub stable_assets: bool,
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
    /// code in a language no grammar knows. After an edit, those of the
    /// bodies rendered again.
    pub warnings: Vec<Error>,
    /// Images processed rather than found in the cache.
    pub images: usize,
    /// Social cards drawn rather than found in the cache.
    pub cards: usize,
    /// Every file the site has now, by output path, when the render is
    /// kept: a file written before and not listed here is stale.
    pub outputs: Arc<HashSet<String>>,
}

/// What changed since the last render of a kept site. A render with
/// nothing kept renders everything, whatever the edit says.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// Files under `content/` read again (pages, sections, data, images),
    /// relative to `content/`.
    pub content: HashSet<String>,
    /// Templates whose text changed, by name (from `reload_templates`).
    pub templates: HashSet<String>,
    /// Static files that changed, where they are.
    pub statics: HashSet<PathBuf>,
    /// Whether a Sass file changed: the stylesheets are compiled again.
    pub sass: bool,
}

/// Renders a site: everything the first time, then what each edit changed.
///
/// A render makes every value templates see from the content and compares
/// it with what the last one left: a file is rendered again when it is
/// new, when its template changed, or when a value it was handed or read
/// changed; a body is rendered again when its file, a shortcode it calls,
/// an image it shows or a page it links to changed. With nothing kept,
/// everything is new. Pages are rendered first, each as soon as its
/// Markdown is; then the files that read the lists. A page a template asks
/// for by name (`get_page`) is made when it is asked for, so no file ever
/// waits for another.
pub struct Renderer {
    templates: Templates,
    /// What the last render left, when the site is kept for edits.
    memory: Option<Memory>,
    /// The images and cards of a kept site, asked for by every render.
    media: Option<Media>,
    /// Templates changed since the last render that succeeded: a render
    /// that fails leaves them to the next.
    changed_templates: HashSet<String>,
    /// What compiling the site's Sass last warned about.
    sass_warnings: Vec<Error>,
}

/// Frees `value` on a thread of its own. What an edit replaces in a kept
/// site (every page's values, the last render's memory) takes
/// milliseconds to free at 10,000 pages, which the edit need not wait for.
pub fn drop_aside<T: Send + 'static>(value: T) {
    let freeing = std::thread::Builder::new().name("folio-free".into());
    // Without a thread, the value is freed here.
    let _ = freeing.spawn(move || drop(value));
}

/// The images and social cards of one build.
#[derive(Clone)]
struct Media {
    images: Arc<Images>,
    cards: Option<Arc<Cards>>,
}

impl Media {
    /// Makes what was asked for since the last call and hands each file
    /// to the sink.
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

/// Everything one render works with.
struct Scene<'a> {
    config: &'a Config,
    content: &'a Content,
    edit: &'a Edit,
    /// What the last render left, if anything.
    old: Option<&'a Memory>,
    taxonomies: Vec<Taxonomy>,
    model: Model,
    resolver: Resolver,
    /// Whether `data` differs from the last render's.
    data_changed: bool,
    /// Static files whose fingerprint differs, by output path.
    assets: HashSet<String>,
    /// Image files that changed, static or under `content/`.
    files: HashSet<PathBuf>,
    /// Source path → URL path of every page and section.
    urls: HashMap<&'a str, &'a str>,
    /// Pages some feed shows.
    feed_pages: HashSet<usize>,
    /// The theme's strings, which count the keys a language lacks.
    strings: Arc<strings::Strings>,
    /// The pages whose files changed, when every other page's listing is
    /// the last render's unless its neighbours or translations changed.
    touched: Option<HashSet<usize>>,
}

/// One page after its Markdown: its listing, and what stays of it.
struct PagePass {
    listing: Value,
    body: Arc<Body>,
    /// Whether its body was rendered again.
    fresh: bool,
    /// Its whole value, when its body was rendered again.
    value: Option<Value>,
    /// Whether its file must be rendered (it changed), and was not yet.
    due: bool,
    /// Its file, when it was rendered with its body.
    job: Option<Arc<JobMemory>>,
    rendered: usize,
    /// Why its body or file failed.
    error: Option<Errors>,
}

/// One section after its Markdown.
struct SectionPass {
    memory: SectionMemory,
    fresh: bool,
}

impl Renderer {
    /// Loads the templates of the site and its theme.
    pub fn new(config: &Config) -> std::result::Result<Renderer, Errors> {
        Ok(Renderer {
            templates: templates::load(config)?,
            memory: None,
            media: None,
            changed_templates: HashSet::new(),
            sass_warnings: Vec::new(),
        })
    }

    /// Loads the templates again and returns the names of those whose
    /// text changed; the social card's template is read again too. On an
    /// error, the templates stay as they were.
    pub fn reload_templates(
        &mut self,
        config: &Config,
    ) -> std::result::Result<HashSet<String>, Errors> {
        let fresh = templates::load(config)?;
        let changed = fresh.changed_since(&self.templates);
        self.templates = fresh;
        self.media = None;
        self.changed_templates.extend(changed.iter().cloned());
        Ok(changed)
    }

    /// Forgets what the last render left: the next renders everything.
    pub fn forget(&mut self) {
        self.memory = None;
    }

    /// Renders into `sink` what `edit` changed since the last render, or
    /// the whole site when nothing is kept. On an error, what was kept
    /// stays as it was: the next render compares with the site on disk.
    pub fn render(
        &mut self,
        config: &Config,
        content: &Content,
        edit: &Edit,
        options: &RenderOptions,
        sink: Sink<'_>,
    ) -> std::result::Result<RenderReport, Errors> {
        if !options.keep {
            self.memory = None;
        }
        let statics = self.static_files(config, edit)?;
        if self.changed_templates.is_empty()
            && let Some(old) = &mut self.memory
            && let Some(report) = only_statics(config, edit, old, &statics, sink)?
        {
            return Ok(report);
        }
        // Every template may read `config`, which content changes too (a
        // language's first dated page gives it a feed): when it changed,
        // everything is rendered again.
        let configs = values::config_values(config, content);
        let old = self.memory.take();
        let old = match old {
            Some(memory) if memory.values.configs != configs => None,
            kept => kept,
        };
        let mut edit = edit.clone();
        edit.templates
            .extend(self.changed_templates.iter().cloned());
        match self.render_with(config, content, &edit, old.as_ref(), statics, options, sink) {
            Ok((report, memory)) => {
                self.memory = memory;
                self.changed_templates.clear();
                if let Some(old) = old {
                    drop_aside(old);
                }
                Ok(report)
            }
            Err(errors) => {
                self.memory = old;
                Err(templates::merge_repeated(errors))
            }
        }
    }

    /// The render of everything but a statics-only edit.
    #[allow(clippy::too_many_arguments, reason = "the one call is right above")]
    fn render_with(
        &mut self,
        config: &Config,
        content: &Content,
        edit: &Edit,
        old: Option<&Memory>,
        statics: BTreeMap<String, StaticFile>,
        options: &RenderOptions,
        sink: Sink<'_>,
    ) -> std::result::Result<(RenderReport, Option<Memory>), Errors> {
        let metrics = Metrics::new(options.template_metrics);
        let run = Run::new(config, content, options, sink, &metrics);
        let mut scene = self.scene(config, content, edit, old, &statics, options)?;
        let mut errors = Errors::default();
        let mut report = RenderReport::default();

        // Pages first: each is rendered as soon as its Markdown is, unless
        // it reads the lists, which need every page's listing.
        let provider = self.provider(&scene);
        let passes: Vec<PagePass> = (0..content.pages.len())
            .into_par_iter()
            .map(|i| deps::providing(&provider, || self.page_pass(&scene, &run, i)))
            .collect();
        let sections: Vec<SectionPass> = (0..content.sections.len())
            .into_par_iter()
            .map(|s| deps::providing(&provider, || self.section_pass(&scene, s)))
            .collect();
        drop(provider);
        for (i, pass) in passes.iter().enumerate() {
            scene.model.listings[i] = pass.listing.clone();
            if let Some(e) = &pass.error {
                errors.0.extend(e.0.iter().cloned());
            }
            report.rendered += pass.rendered;
        }
        let page_facts: Vec<&Facts> = passes.iter().map(|p| &p.body.facts).collect();
        let section_facts: Vec<&Facts> = sections.iter().map(|s| &s.memory.body.facts).collect();
        errors.0.extend(
            bodies::check_links(
                content,
                &page_facts,
                &section_facts,
                config.site.check.anchors,
            )
            .0,
        );
        for pass in sections.iter().filter(|s| s.fresh) {
            errors
                .0
                .extend(pass.memory.body.facts.errors.iter().cloned());
        }
        report.warnings = warnings(content, &passes, &sections, old.is_some());
        report.warnings.append(&mut self.sass_warnings);
        let highlighted = page_facts
            .iter()
            .chain(&section_facts)
            .any(|f| f.highlighted);

        // Then the lists, and what changed in them.
        let section_html = sections.iter().map(|s| s.memory.html.clone()).collect();
        scene
            .model
            .set_lists(content, &scene.taxonomies, section_html);
        self.templates.set_global("site", scene.model.site.clone());
        let lists = scene.model.sections.clone();
        self.templates.update_lookup(|l| l.set_sections(&lists));
        let values = Values::of(&scene.model, content);
        let pages_changed = page_changes(content, &passes, old);
        let empty = Values::default();
        let changes = Changes::new(
            old.map_or(&empty, |m| &m.values),
            &values,
            &pages_changed,
            &scene.assets,
            &scene.files,
        );

        // Every file new or showing what changed.
        let mut kept: HashMap<String, Arc<JobMemory>> =
            HashMap::with_capacity(old.map_or(0, |m| m.jobs.len()));
        let mut jobs = Vec::new();
        for (i, pass) in passes.iter().enumerate() {
            let page = &content.pages[i];
            if page.meta.redirect_to.is_some() || pass.error.is_some() {
                continue;
            }
            let path = output_path(&page.url);
            if let Some(job) = &pass.job {
                kept.insert(path, Arc::clone(job));
                continue;
            }
            let template = jobs::page_template(content, i);
            let changed = pages_changed
                .seen(self.templates.reads_neighbours(template))
                .contains(&page.relative_path);
            let old_job = old.and_then(|m| m.jobs.get(&path));
            let last = old_job.map(Arc::as_ref);
            if !pass.due && !self.job_affected(&scene, &changes, last, template, changed) {
                if let Some(job) = old_job {
                    kept.insert(path, Arc::clone(job));
                }
                continue;
            }
            let value = match &pass.value {
                Some(value) => Ok(value.clone()),
                None => self.page_value(&scene, i),
            };
            match value {
                Ok(value) => jobs.push(jobs::page_job(content, i, value)),
                Err(e) => errors.push(e),
            }
        }
        let has_404 = self.templates.tera.contains_template("404.html");
        let has_search = self.templates.tera.contains_template(jobs::SEARCH_TEMPLATE);
        let keep = |kind: JobKind| match kind {
            JobKind::NotFound(_) => has_404,
            JobKind::Search(_) => has_search,
            _ => true,
        };
        for job in jobs::list_jobs(config, content, &scene.model, &scene.taxonomies, &keep) {
            let path = output_path(&job.url);
            let old_job = old.and_then(|m| m.jobs.get(&path));
            let neighbours = self.templates.reads_neighbours(&job.template);
            let handed_changed = old_job.is_none_or(|j| {
                j.handed
                    .as_deref()
                    .is_none_or(|before| memory::differ(before, &handed(&job), neighbours))
            });
            let last = old_job.map(Arc::as_ref);
            if self.job_affected(&scene, &changes, last, &job.template, handed_changed) {
                jobs.push(job);
            } else if let Some(job) = old_job {
                kept.insert(path, Arc::clone(job));
            }
        }
        let provider = self.provider(&scene);
        let rendered: Vec<(Job, Result<Outcome>)> = jobs
            .into_par_iter()
            .map(|job| {
                let outcome = deps::providing(&provider, || self.render_job(&scene, &run, &job));
                (job, outcome)
            })
            .collect();
        drop(provider);
        for (job, outcome) in rendered {
            match outcome {
                Ok(Outcome::Done(record)) => {
                    report.rendered += 1;
                    kept.insert(output_path(&job.url), Arc::new(job_memory(&job, record)));
                }
                Ok(Outcome::Later) => errors.push(
                    Error::at(&job.source, None, "the lists were not ready for this file")
                        .help("report this, with the template, as a folio bug"),
                ),
                Err(e) => errors.push(e),
            }
        }

        report.warnings.extend(scene.strings.take_warnings());

        // The files besides the templates'.
        let media = self.media.clone().ok_or_else(|| {
            Errors::from(Error::msg("the images of this build were never loaded"))
        })?;
        media.finish(&run, &mut errors);
        let palette = statics
            .contains_key(bodies::PALETTE_FILE)
            .then_some(highlighted)
            .filter(|_| statics[bodies::PALETTE_FILE].is_generated());
        if palette.is_some() && old.is_none_or(|m| m.palette != palette) {
            match bodies::palette_css(scene.resolver.options(), config, highlighted) {
                Ok(Some(css)) => {
                    if let Err(e) = palette_file(config, css).and_then(|file| run.send(file)) {
                        errors.push(e);
                    }
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        let feed_html = self.feed_html(&scene, &passes, &mut errors);
        let mut others = feeds::feeds(config, content, &feed_html, &scene.taxonomies);
        if old.is_none() {
            report
                .warnings
                .extend(feeds::feed_warnings(config, content, &scene.taxonomies));
        }
        others.extend(feeds::site_files(config, content, &scene.taxonomies));
        match feeds::alias_files(config, content) {
            Ok(files) => others.extend(files),
            Err(more) => errors.0.extend(more.0),
        }
        others.extend(copy_files(config, content));
        let statics_to_send = static_files(config, &statics, old.map(|m| &m.statics));
        let mut outputs: HashSet<String> =
            HashSet::with_capacity(old.map_or(0, |m| m.outputs.len()));
        for file in others.into_iter().chain(statics_to_send) {
            outputs.insert(file.path.clone());
            if let Err(e) = run.send(file) {
                errors.push(e);
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        // Only a whole build or check prunes: what `serve` leaves out
        // (or adds, such as drafts) says nothing of what the next build needs.
        if old.is_none() && !options.keep {
            media.prune().map_err(Errors::from)?;
            bodies::save_highlights(config, scene.resolver.options()).map_err(Errors::from)?;
        }
        report.images = media.images.made();
        report.cards = media.cards.as_ref().map_or(0, |c| c.made());
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
        if !options.keep {
            return Ok((report, None));
        }
        // What the next render compares with: every output, and the
        // pages by source path, made side by side.
        let made = passes
            .iter()
            .map(|p| &p.body.record.made)
            .chain(sections.iter().map(|s| &s.memory.body.record.made))
            .chain(kept.values().map(|job| &job.record.made));
        let (outputs, pages) = rayon::join(
            || {
                outputs.extend(statics.keys().cloned());
                outputs.extend(kept.keys().cloned());
                for paths in made {
                    outputs.extend(paths.iter().cloned());
                }
                outputs
            },
            || {
                content
                    .pages
                    .iter()
                    .zip(&passes)
                    .enumerate()
                    .map(|(i, (page, pass))| {
                        let memory = PageMemory {
                            url: page.url.clone(),
                            listing: pass.listing.clone(),
                            body: Arc::clone(&pass.body),
                            front_matter_hash: page.front_matter_hash,
                            light: scene.model.light(i),
                            index: i,
                            around: scene.model.around(i),
                        };
                        (page.relative_path.clone(), memory)
                    })
                    .collect::<HashMap<String, PageMemory>>()
            },
        );
        let sections: HashMap<String, SectionMemory> = content
            .sections
            .iter()
            .zip(sections)
            .map(|(section, pass)| (section.relative_path.clone(), pass.memory))
            .collect();
        drop_aside(passes);
        report.outputs = Arc::new(outputs);
        let memory = Memory {
            pages,
            sections,
            jobs: kept,
            values,
            statics,
            palette,
            outputs: Arc::clone(&report.outputs),
            term_refs: scene.model.term_refs().clone(),
        };
        drop_aside((scene.model, scene.taxonomies, scene.resolver));
        Ok((report, Some(memory)))
    }

    /// Makes the values of this render, and says what changed since the last.
    #[allow(clippy::too_many_arguments, reason = "the one call is in render_with")]
    fn scene<'a>(
        &mut self,
        config: &'a Config,
        content: &'a Content,
        edit: &'a Edit,
        old: Option<&'a Memory>,
        statics: &BTreeMap<String, StaticFile>,
        options: &RenderOptions,
    ) -> std::result::Result<Scene<'a>, Errors> {
        let taxonomies = values::taxonomies(config, content);
        // A page read from the same front matter at the same URL shows
        // its neighbours what it showed them last time.
        let kept = |i: usize| {
            let page = &content.pages[i];
            let before = old?.pages.get(&page.relative_path)?;
            (before.front_matter_hash == page.front_matter_hash && before.url == page.url)
                .then(|| before.light.clone())
        };
        let model = Model::new(config, content, &taxonomies, &kept);
        self.templates.set_global("config", model.config.clone());
        self.templates.set_global("data", model.data.clone());
        self.templates.set_global("site", Value::none());
        let media = match &self.media {
            Some(media) => media.clone(),
            None => {
                let media = load_media(config, &model)?;
                self.media = Some(media.clone());
                media
            }
        };
        let mut lookup = Lookup::new(config, content, &model, statics.clone());
        lookup.set_media(Arc::clone(&media.images), media.cards.clone());
        lookup.set_stable_assets(options.stable_assets);
        let strings = Arc::new(strings::Strings::load(config).map_err(Errors::from)?);
        lookup.set_strings(Arc::clone(&strings));
        let resolver = Resolver::new(config, lookup.urls()).with_images(
            config,
            Arc::clone(&media.images),
            lookup.sources(),
        );
        self.templates.update_lookup(|shared| *shared = lookup);
        bodies::check_palette(config, resolver.options()).map_err(Errors::from)?;
        let assets = match old {
            Some(m) => changed_assets(&m.statics, statics),
            None => statics.keys().cloned().collect(),
        };
        let mut files: HashSet<PathBuf> = edit.statics.clone();
        files.extend(edit.content.iter().map(|rel| config.content_dir.join(rel)));
        let urls = content
            .pages
            .iter()
            .map(|p| (p.relative_path.as_str(), p.url.as_str()))
            .chain(
                content
                    .sections
                    .iter()
                    .map(|s| (s.relative_path.as_str(), s.url.as_str())),
            )
            .collect();
        let feed_pages = feeds::feed_pages(config, content, &taxonomies);
        let data_changed = old.is_none_or(|m| m.values.data != model.data);
        let touched = old.and_then(|m| touched_pages(content, edit, m, &model));
        Ok(Scene {
            config,
            content,
            edit,
            old,
            taxonomies,
            model,
            resolver,
            data_changed,
            assets,
            files,
            urls,
            feed_pages,
            strings,
            touched,
        })
    }

    /// Page `i`'s Markdown, rendered again when something it shows changed,
    /// and its file when it changed and reads no list.
    fn page_pass(&self, scene: &Scene<'_>, run: &Run<'_>, i: usize) -> PagePass {
        let content = scene.content;
        let page = &content.pages[i];
        let old = scene.old.and_then(|m| m.pages.get(&page.relative_path));
        let seen = || {
            scene
                .model
                .page(scene.config, content, i, &PageHtml::default())
                .1
        };
        if let Some(old) = old
            && !self.body_dirty(scene, (&page.relative_path, page.lang), &old.body, &seen)
        {
            let listing = if listing_kept(scene, i, old) {
                old.listing.clone()
            } else {
                let parts = PageHtml {
                    summary: old.body.summary.clone(),
                    word_count: old.body.word_count,
                    ..PageHtml::default()
                };
                let listing = scene.model.page(scene.config, content, i, &parts).1;
                shared(&old.listing, listing).0
            };
            return PagePass {
                listing,
                body: Arc::clone(&old.body),
                fresh: false,
                value: None,
                due: false,
                job: None,
                rendered: 0,
                error: None,
            };
        }
        let (result, reads) = deps::recording(|| self.page_body(scene, i));
        let (html, facts, shortcodes, saw) = match result {
            Ok(done) => done,
            // A page that fails still gets a listing, so the lists that hold
            // it render and report their own problems, not this one again.
            Err(e) => {
                return PagePass {
                    listing: seen(),
                    body: Arc::new(Body::default()),
                    fresh: true,
                    value: None,
                    due: false,
                    job: None,
                    rendered: 0,
                    error: Some(e),
                };
            }
        };
        let (full, listing) = scene.model.page(scene.config, content, i, &html);
        let body = Body {
            summary: html.summary.clone(),
            word_count: html.word_count,
            print: html_print(&html),
            facts,
            shortcodes,
            record: Record::of(reads, content),
            seen: saw,
            feed_html: scene.feed_pages.contains(&i).then(|| html.content.clone()),
        };
        let (listing, listed_as_before) = match old {
            Some(o) => shared(&o.listing, listing),
            None => (listing, false),
        };
        let changed = !listed_as_before || old.is_none_or(|o| o.body.print != body.print);
        let mut pass = PagePass {
            listing,
            body: Arc::new(body),
            fresh: true,
            value: None,
            due: false,
            job: None,
            rendered: 0,
            error: None,
        };
        // A redirect is written with the aliases, not rendered.
        if page.meta.redirect_to.is_some() {
            return pass;
        }
        let job = jobs::page_job(content, i, full);
        let path = output_path(&page.url);
        let old_job = scene.old.and_then(|m| m.jobs.get(&path)).map(Arc::as_ref);
        let due = changed || self.job_affected_by_itself(scene, old_job, &job.template);
        if !due || self.templates.reads_site(&job.template) {
            pass.due = due;
            pass.value = job.context.first().map(|(_, v)| v.clone());
            return pass;
        }
        match self.render_job(scene, run, &job) {
            Ok(Outcome::Done(record)) => {
                pass.job = Some(Arc::new(job_memory(&job, record)));
                pass.rendered = 1;
            }
            Ok(Outcome::Later) => {
                pass.due = true;
                pass.value = job.context.first().map(|(_, v)| v.clone());
            }
            Err(e) => pass.error = Some(Errors::from(e)),
        }
        pass
    }

    /// Section `s`'s Markdown, rendered again when something it shows changed.
    fn section_pass(&self, scene: &Scene<'_>, s: usize) -> SectionPass {
        let content = scene.content;
        let section = &content.sections[s];
        let text = fingerprint(format!("{} {}", section.body_line, section.body).as_bytes());
        let old = scene
            .old
            .and_then(|m| m.sections.get(&section.relative_path));
        let seen = || scene.model.section_meta[s].clone();
        if let Some(old) = old
            && old.text == text
            && !self.body_dirty(
                scene,
                (&section.relative_path, section.lang),
                &old.body,
                &seen,
            )
        {
            return SectionPass {
                memory: SectionMemory {
                    url: section.url.clone(),
                    ..old.clone()
                },
                fresh: false,
            };
        }
        let shortcodes = TeraShortcodes::new(
            &self.templates,
            scene.config,
            (&section.source, &section.url),
            ("section", &seen),
        );
        let ((rendered, facts), reads) =
            deps::recording(|| bodies::section(&scene.resolver, content, s, &shortcodes));
        let html = (
            Value::safe_string(&rendered.html),
            values::toc_value(scene.config, &section.url, &rendered.toc),
        );
        let body = Body {
            print: fingerprint(rendered.html.as_bytes()),
            facts,
            shortcodes: shortcodes.called(),
            record: Record::of(reads, content),
            seen: shortcodes.seen(),
            ..Body::default()
        };
        SectionPass {
            memory: SectionMemory {
                url: section.url.clone(),
                text,
                html,
                body: Arc::new(body),
            },
            fresh: true,
        }
    }

    /// Whether a body must be rendered again: its file changed, or a
    /// shortcode it calls, an image it shows, a value its shortcodes read,
    /// the URL of a page it links to, or the value its shortcodes saw.
    fn body_dirty(
        &self,
        scene: &Scene<'_>,
        (relative, lang): (&str, usize),
        body: &Body,
        seen: &dyn Fn() -> Value,
    ) -> bool {
        let edit = scene.edit;
        if edit.content.contains(relative) {
            return true;
        }
        let shortcode_changed = body.shortcodes.iter().any(|name| {
            let template = format!("shortcodes/{name}.html");
            self.templates.uses_any(&template, &edit.templates)
                || (scene.data_changed && self.templates.reads_data(&template))
        });
        if shortcode_changed {
            return true;
        }
        let read_changed = body.record.keys.iter().any(|key| match key {
            Key::Asset(path) => scene.assets.contains(path),
            Key::File(path) => scene.files.contains(path),
            // A page or list a shortcode read: any content edit may change it.
            _ => !edit.content.is_empty(),
        });
        if read_changed {
            return true;
        }
        // A link under the base path reads differently when a page or a
        // file comes, goes or moves.
        if body.facts.reads_site_paths && !(edit.content.is_empty() && edit.statics.is_empty()) {
            return true;
        }
        // A link's target is written in the body: it moved, came or went;
        // in another language, so may the translation it would lead to.
        let moved = |target: &str| {
            let before = scene.old.and_then(|m| {
                m.pages
                    .get(target)
                    .map(|p| p.url.as_str())
                    .or_else(|| m.sections.get(target).map(|s| s.url.as_str()))
            });
            scene.urls.get(target).copied() != before
        };
        let code = scene.config.languages.get(lang).filter(|_| lang > 0);
        let link_moved = body.facts.links.iter().any(|(link, _)| {
            let target = link.page.trim_start_matches('/');
            !target.is_empty()
                && (moved(target)
                    || code
                        .and_then(|code| crate::content::translated_name(target, code))
                        .is_some_and(|name| moved(&name)))
        });
        link_moved || body.seen.as_ref().is_some_and(|before| *before != seen())
    }

    /// Whether a file's template, or what the template reads besides what it
    /// is handed, changed: its template is another, or one it is made of
    /// changed, or `data` changed and it reads it; or the file is new.
    fn job_affected_by_itself(
        &self,
        scene: &Scene<'_>,
        old: Option<&JobMemory>,
        template: &str,
    ) -> bool {
        let Some(old) = old else {
            return true;
        };
        old.template != template
            || self.templates.uses_any(template, &scene.edit.templates)
            || (scene.data_changed && self.templates.reads_data(template))
    }

    /// Whether a file must be rendered again: it is new (`old`, what the
    /// last render left of it, is `None`), its template changed, what it
    /// was handed changed, or a value it read did.
    fn job_affected(
        &self,
        scene: &Scene<'_>,
        changes: &Changes<'_>,
        old: Option<&JobMemory>,
        template: &str,
        handed_changed: bool,
    ) -> bool {
        if handed_changed || self.job_affected_by_itself(scene, old, template) {
            return true;
        }
        old.is_none_or(|old| {
            changes.shows_any(&old.record, self.templates.reads_neighbours(template))
        })
    }

    /// Makes any page's whole value when a template asks for it by name:
    /// each once per render, its body rendered on the spot.
    fn provider<'s>(
        &'s self,
        scene: &'s Scene<'s>,
    ) -> impl Fn(usize) -> std::result::Result<Value, String> + Sync + 's {
        let made: Mutex<HashMap<usize, Value>> = Mutex::default();
        move |i: usize| {
            if let Some(value) = made.lock().unwrap_or_else(|p| p.into_inner()).get(&i) {
                return Ok(value.clone());
            }
            let value = self.page_value(scene, i).map_err(|e| e.message.clone())?;
            made.lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(i, value.clone());
            Ok(value)
        }
    }

    /// Page `i`'s whole value, its body read and rendered again.
    fn page_value(&self, scene: &Scene<'_>, i: usize) -> Result<Value> {
        let (html, ..) = self.page_body(scene, i).map_err(Errors::into_first)?;
        Ok(scene.model.page(scene.config, scene.content, i, &html).0)
    }

    /// Reads and renders page `i`'s body, its shortcodes through the
    /// templates; they see the page's values without its content. Returns
    /// the HTML, the link facts, the shortcodes called and the value they saw.
    fn page_body(
        &self,
        scene: &Scene<'_>,
        i: usize,
    ) -> std::result::Result<(PageHtml, Facts, Vec<String>, Option<Value>), Errors> {
        let page = &scene.content.pages[i];
        let value = || {
            scene
                .model
                .page(scene.config, scene.content, i, &PageHtml::default())
                .1
        };
        let shortcodes = TeraShortcodes::new(
            &self.templates,
            scene.config,
            (&page.source, &page.url),
            ("page", &value),
        );
        let (html, facts) = bodies::page(scene.config, &scene.resolver, page, &shortcodes)?;
        Ok((html, facts, shortcodes.called(), shortcodes.seen()))
    }

    /// The HTML of every page a feed shows: from this render's bodies, from
    /// what the last left, or rendered again.
    fn feed_html(
        &self,
        scene: &Scene<'_>,
        passes: &[PagePass],
        errors: &mut Errors,
    ) -> HashMap<usize, String> {
        let provider = self.provider(scene);
        let made: Vec<(usize, Result<String>)> = scene
            .feed_pages
            .par_iter()
            .map(|&i| {
                let html = match &passes[i].body.feed_html {
                    Some(html) => Ok(html.clone()),
                    None => deps::providing(&provider, || {
                        self.page_body(scene, i)
                            .map(|(html, ..)| html.content)
                            .map_err(Errors::into_first)
                    }),
                };
                (i, html)
            })
            .collect();
        let mut html = HashMap::new();
        for (i, made) in made {
            match made {
                Ok(text) => {
                    html.insert(i, text);
                }
                Err(e) => errors.push(e),
            }
        }
        html
    }

    /// Renders one job into the sink, recording what it read; `Later` when
    /// it asked for the lists before they were ready.
    fn render_job(&self, scene: &Scene<'_>, run: &Run<'_>, job: &Job) -> Result<Outcome> {
        let templates = &self.templates;
        if !templates.tera.contains_template(&job.template) {
            return Err(Error::at(&job.source, None, format!("template `{}` does not exist", job.template))
                .help("add it to `templates/` or the theme, or pick another with the `template` front-matter key"));
        }
        let mut context = path_context(run.config, &job.url);
        context.insert_value("lang", Value::from(run.config.languages[job.lang].as_str()));
        // A language but the default sees its own `config`.
        if let Some(config) = job
            .lang
            .checked_sub(1)
            .and_then(|l| scene.model.language_configs.get(l))
        {
            context.insert_value("config", config.clone());
        }
        for (key, value) in &job.context {
            context.insert_value(*key, value.clone());
        }
        let started = Instant::now();
        let (result, reads) = deps::recording(|| templates.tera.render(&job.template, &context));
        let growing = match job.kind {
            JobKind::Page(_) | JobKind::Term(..) => true,
            JobKind::Section(s, _) => run.content.sections[s].meta.paginate_by.is_some(),
            JobKind::TaxonomyList(_) | JobKind::NotFound(_) | JobKind::Search(_) => false,
        };
        run.metrics.add(&job.template, started.elapsed(), growing);
        let html = match result {
            Ok(html) => html,
            Err(_) if reads.lists_missing => return Ok(Outcome::Later),
            Err(e) => return Err(template_error(&e, &templates.files, Some(&job.source))),
        };
        let mut record = Record::of(reads, scene.content);
        if templates.reads_site(&job.template) {
            record.keys.push(Key::Site);
        }
        let path = output_path(&job.url);
        let origin = if matches!(job.kind, JobKind::NotFound(_) | JobKind::Search(_)) {
            templates
                .files
                .get(&job.template)
                .cloned()
                .unwrap_or_default()
        } else {
            job.source.clone()
        };
        run.send(html_file(run.config, &path, html, &origin, run.options))?;
        Ok(Outcome::Done(record))
    }

    /// The site's and the theme's static files, and `highlight.css` when
    /// folio writes it; a file the last render hashed is hashed again only
    /// when it changed.
    fn static_files(
        &mut self,
        config: &Config,
        edit: &Edit,
    ) -> std::result::Result<BTreeMap<String, StaticFile>, Errors> {
        let before = self.memory.as_ref().map(|m| (&m.statics, &edit.statics));
        let mut statics = statics::hash_static_files(config, before).map_err(Errors::from)?;
        // Sass is compiled again when a Sass file changed; otherwise the
        // stylesheets compiled before are kept.
        let kept_sheets = self.memory.as_ref().filter(|_| !edit.sass).map(|m| {
            m.statics
                .iter()
                .filter(|(_, file)| sass::is_sass(&file.source))
                .map(|(path, file)| (path.clone(), file.clone()))
                .collect::<Vec<_>>()
        });
        match kept_sheets {
            Some(sheets) => statics.extend(sheets),
            None => {
                let (sheets, warnings) = sass::compile(config)?;
                self.sass_warnings = warnings;
                statics::add_compiled(config, &mut statics, sheets).map_err(Errors::from)?;
            }
        }
        if config.site.minify {
            statics::minify_styles(config, &mut statics).map_err(Errors::from)?;
        }
        // A `highlight.css` of the site's or the theme's own wins over folio's.
        if !statics.contains_key(bodies::PALETTE_FILE)
            && let Some(made_from) = bodies::palette_source(config)
        {
            statics.insert(
                bodies::PALETTE_FILE.to_string(),
                StaticFile::generated(&made_from),
            );
        }
        Ok(statics)
    }
}

/// Renders a statics-only edit, when no file printed the fingerprint of a
/// changed static file and no body shows it as an image: the files are
/// handed on and nothing is rendered. `None` when something must be.
fn only_statics(
    config: &Config,
    edit: &Edit,
    old: &mut Memory,
    statics: &BTreeMap<String, StaticFile>,
    sink: Sink<'_>,
) -> std::result::Result<Option<RenderReport>, Errors> {
    if !edit.content.is_empty() || !edit.templates.is_empty() {
        return Ok(None);
    }
    let assets = changed_assets(&old.statics, statics);
    let shows = |record: &Record| {
        record.keys.iter().any(|key| match key {
            Key::Asset(path) => assets.contains(path),
            Key::File(path) => edit.statics.contains(path),
            _ => false,
        })
    };
    let read = old.jobs.values().any(|j| shows(&j.record))
        || old.pages.values().any(|p| shows(&p.body.record))
        || old.sections.values().any(|s| shows(&s.body.record));
    if read {
        return Ok(None);
    }
    let files = static_files(config, statics, Some(&old.statics));
    let count = files.len();
    for file in files {
        sink(file)?;
    }
    let outputs = Arc::make_mut(&mut old.outputs);
    outputs.retain(|path| statics.contains_key(path) || !old.statics.contains_key(path));
    outputs.extend(statics.keys().cloned());
    old.statics = statics.clone();
    Ok(Some(RenderReport {
        pages: 0,
        files: count,
        outputs: Arc::clone(&old.outputs),
        ..RenderReport::default()
    }))
}

/// The static files whose fingerprint differs from `before`'s, or that only
/// one of the two has, by output path.
fn changed_assets(
    before: &BTreeMap<String, StaticFile>,
    now: &BTreeMap<String, StaticFile>,
) -> HashSet<String> {
    let mut changed: HashSet<String> = now
        .iter()
        .filter(|(path, file)| before.get(*path).is_none_or(|b| b.hash != file.hash))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
    changed
}

/// The pages an edit touched, when it touched pages' own files alone: the
/// pages are those of the last render, in the same order, and the terms
/// they list read the same. `None` when any of that is not so.
fn touched_pages(
    content: &Content,
    edit: &Edit,
    old: &Memory,
    model: &Model,
) -> Option<HashSet<usize>> {
    if content.pages.len() != old.pages.len() || *model.term_refs() != old.term_refs {
        return None;
    }
    let mut touched = HashSet::new();
    for (i, page) in content.pages.iter().enumerate() {
        if old.pages.get(&page.relative_path)?.index != i {
            return None;
        }
        if edit.content.contains(&page.relative_path) {
            touched.insert(i);
        }
    }
    (touched.len() == edit.content.len()).then_some(touched)
}

/// Whether page `i`, whose body was not rendered again, lists as the last
/// render left it: nothing it is made of was touched, its neighbours and
/// its translations included, and it is where it was.
fn listing_kept(scene: &Scene<'_>, i: usize, old: &PageMemory) -> bool {
    let Some(touched) = &scene.touched else {
        return false;
    };
    let page = &scene.content.pages[i];
    let around = scene.model.around(i);
    !touched.contains(&i)
        && old.url == page.url
        && old.around == around
        && ![around.0, around.1]
            .iter()
            .flatten()
            .any(|n| touched.contains(n))
        && !page.translations.iter().any(|t| touched.contains(t))
}

/// The pages whose whole value changed, by source path: new and removed
/// pages, and those whose body or listing changed; and of those, the ones
/// that changed beyond their neighbours.
fn page_changes(content: &Content, passes: &[PagePass], old: Option<&Memory>) -> PageChanges {
    let mut changes = PageChanges::default();
    for (page, pass) in content.pages.iter().zip(passes) {
        let before = old.and_then(|m| m.pages.get(&page.relative_path));
        match before.filter(|b| b.body.print == pass.body.print) {
            None => changes.add(&page.relative_path, true),
            Some(b) if b.listing != pass.listing => changes.add(
                &page.relative_path,
                !memory::same_but_neighbours(&b.listing, &pass.listing),
            ),
            Some(_) => {}
        }
    }
    if let Some(old) = old {
        let now: HashSet<&str> = content
            .pages
            .iter()
            .map(|p| p.relative_path.as_str())
            .collect();
        for gone in old.pages.keys().filter(|p| !now.contains(p.as_str())) {
            changes.add(gone, true);
        }
    }
    changes
}

/// The last render's listing of a page when it equals the new one, so that
/// the lists holding it compare equal by pointer, not field by field; and
/// whether it did.
fn shared(old: &Value, new: Value) -> (Value, bool) {
    if *old == new {
        (old.clone(), true)
    } else {
        (new, false)
    }
}

/// The warnings of the bodies: all of them in a whole build, those
/// rendered again after an edit.
fn warnings(
    content: &Content,
    pages: &[PagePass],
    sections: &[SectionPass],
    edit: bool,
) -> Vec<Error> {
    let page_warnings = content
        .pages
        .iter()
        .zip(pages)
        .filter(|(_, pass)| !edit || pass.fresh)
        .flat_map(|(page, pass)| pass.body.facts.warnings_of(&page.source));
    let section_warnings = content
        .sections
        .iter()
        .zip(sections)
        .filter(|(_, pass)| !edit || pass.fresh)
        .flat_map(|(section, pass)| pass.memory.body.facts.warnings_of(&section.source));
    page_warnings.chain(section_warnings).collect()
}

/// A fingerprint of a page's HTML and headings: what its whole value has
/// besides its listing.
fn html_print(html: &PageHtml) -> u64 {
    let mut text = html.content.clone();
    for heading in &html.toc {
        heading_text(heading, &mut text);
    }
    fingerprint(text.as_bytes())
}

fn heading_text(heading: &crate::markdown::Heading, text: &mut String) {
    text.push('\0');
    text.push_str(&heading.id);
    text.push('\0');
    text.push_str(&heading.title);
    text.push_str(&heading.level.to_string());
    for child in &heading.children {
        heading_text(child, text);
    }
}

/// The values a list job is handed, to tell whether they changed.
fn handed(job: &Job) -> Vec<Value> {
    job.context.iter().map(|(_, v)| v.clone()).collect()
}

/// What a rendered file leaves: its template, what it read, and for a
/// list, what it was handed.
fn job_memory(job: &Job, record: Record) -> JobMemory {
    JobMemory {
        template: job.template.clone(),
        record,
        handed: (!matches!(job.kind, JobKind::Page(_))).then(|| handed(job)),
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
    /// The file went to the sink; this is what it read.
    Done(Record),
    /// It asked for the lists before they were ready.
    Later,
}

/// The images of a build, and its social cards when the site or its theme
/// has a card template (the card template sees `config` too).
fn load_media(config: &Config, model: &Model) -> std::result::Result<Media, Errors> {
    let mut cards = Cards::load(config).map_err(Errors::from)?;
    if let Some(cards) = &mut cards {
        cards.set_global("config", card_config(config, &model.config));
    }
    Ok(Media {
        images: Arc::new(Images::new(&config.root)),
        cards: cards.map(Arc::new),
    })
}

/// `config` as a social card sees it: with the address the site is
/// published at, so that a card drawn under `serve` (whose `base_url` is
/// local) is the card a build draws, and is found in the cache by it.
fn card_config(config: &Config, value: &Value) -> Value {
    let Some(mut map) = value.as_map().cloned() else {
        return value.clone();
    };
    map.insert(
        "base_url".into(),
        Value::from(config.published_url.as_str()),
    );
    Value::from(map)
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

/// The static files to hand on: every one, or those new or changed since
/// `before`; `highlight.css` when folio writes it is made apart.
fn static_files(
    config: &Config,
    statics: &BTreeMap<String, StaticFile>,
    before: Option<&BTreeMap<String, StaticFile>>,
) -> Vec<OutputFile> {
    statics
        .iter()
        .filter(|(_, file)| !file.is_generated())
        .filter(|(path, file)| {
            before.is_none_or(|b| b.get(*path).is_none_or(|old| old.hash != file.hash))
        })
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
