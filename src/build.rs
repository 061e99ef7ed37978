//! `build` and `check`: the stages in order, returning a `BuildReport`.
//!
//! Every stage returns data and never prints. Files go to the output
//! folder's stager as they render, into a tree beside the output that is
//! put in place only when nothing failed, so a failed build leaves the
//! previous output exactly as it was.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, LoadOptions};
use crate::error::{Error, Errors};
use crate::fingerprint::fingerprint;
use crate::links;
use crate::output::{self, Guard, Planned, Source};
use crate::render::{
    Contents, Edit, Hint, OutputFile, RenderOptions, Renderer, Sink, TemplateMetric, drop_aside,
};
use crate::search;

mod stamp;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Keep drafts.
    pub include_drafts: bool,
    /// Keep pages dated in the future.
    pub include_future: bool,
    /// Write outside the site root.
    pub force: bool,
    /// A script for every HTML page (serve's live reload).
    pub inject: Option<String>,
    /// Fail, and write nothing, when there is any warning.
    pub deny_warnings: bool,
    /// Time every render, by template.
    pub template_metrics: bool,
    /// Print `asset()` URLs without their fingerprint (serve, which never
    /// lets a browser keep a file).
    pub stable_assets: bool,
}

/// What a build or check did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
    /// Files in the output.
    pub files: usize,
    /// Files written because they changed.
    pub written: usize,
    /// Stale files removed.
    pub removed: usize,
    /// Drafts and future pages left out.
    pub left_out: usize,
    /// How long it took.
    pub elapsed: Duration,
    /// Problems that did not stop it.
    pub warnings: Vec<Error>,
    /// Whether the build found everything as the last one left it, and
    /// rendered nothing.
    pub unchanged: bool,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Renders and time by template, when asked for.
    pub metrics: Vec<TemplateMetric>,
    /// Where a template's cost per render grows with the site, when asked for.
    pub hints: Vec<Hint>,
}

/// The rendered site, before anything is written.
pub struct Rendered {
    /// Every output file.
    pub files: Vec<OutputFile>,
    /// Counts and warnings.
    pub report: BuildReport,
}

/// Builds the site into its output folder.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport, Errors> {
    let started = Instant::now();
    output::check_output_dir(&config.output_dir, &guard(config, options)).map_err(Errors::from)?;
    let _lock = output::OutputLock::acquire(&config.output_dir, output::Writer::Build)
        .map_err(Errors::from)?;
    if !options.template_metrics
        && let Some(counts) = stamp::unchanged(config, options)
    {
        return Ok(unchanged_report(counts, started));
    }
    let starting = std::time::SystemTime::now();
    // Files are written as they are rendered (rendering and writing overlap,
    // and the site is never held in memory whole); the stager keeps the old
    // output intact until everything succeeded.
    let stager = output::Stager::new(&config.output_dir).map_err(Errors::from)?;
    let sink = |file: OutputFile| stager.stage(&planned(&file), &file.origin);
    let stages = match Stages::run(config, options, Indexing::Pages, false, &sink) {
        Ok(stages) => stages,
        Err(errors) => {
            stager.abandon();
            return Err(errors);
        }
    };
    if options.deny_warnings && !stages.report.warnings.is_empty() {
        stager.abandon();
        return Err(denied(stages.report.warnings));
    }
    let committing = Instant::now();
    let written = stager.commit().map_err(Errors::from)?;
    let mut report = stages.report;
    report.timings.push(("put in place", committing.elapsed()));
    report.record(config, written);
    if report.warnings.is_empty() {
        let counts = stamp::Counts {
            pages: report.pages,
            sections: report.sections,
            files: report.files,
            left_out: report.left_out,
        };
        let recording = Instant::now();
        stamp::record(
            config,
            options,
            starting,
            stages.content.next_publish,
            counts,
        );
        report.timings.push(("stamp", recording.elapsed()));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The report of a build that found nothing changed since the last one.
fn unchanged_report(counts: stamp::Counts, started: Instant) -> BuildReport {
    BuildReport {
        pages: counts.pages,
        sections: counts.sections,
        files: counts.files,
        left_out: counts.left_out,
        unchanged: true,
        timings: vec![("nothing changed since the last build", started.elapsed())],
        elapsed: started.elapsed(),
        ..BuildReport::default()
    }
}

/// The warnings of a build that `--deny-warnings` fails, and why it failed.
fn denied(warnings: Vec<Error>) -> Errors {
    let count = warnings.len();
    let mut errors = Errors(warnings);
    errors.push(
        Error::msg(format!(
            "{count} {} and `--deny-warnings`: nothing was written",
            if count == 1 { "warning" } else { "warnings" }
        ))
        .help("fix what each warning says, or build without `--deny-warnings`"),
    );
    errors
}

/// Runs the whole pipeline without writing, then checks every internal link,
/// anchor and id of the rendered HTML against the files the build would
/// write. A failing build is an `Err`; link problems come back with the report.
pub fn check(
    config: &Config,
    options: &BuildOptions,
) -> Result<(BuildReport, links::Checked), Errors> {
    let started = Instant::now();
    let rendered = render(config, options)?;
    let checking = Instant::now();
    let checked = links::check(config, &rendered.files);
    let mut report = rendered.report;
    report
        .timings
        .push(("check HTML links", checking.elapsed()));
    report.elapsed = started.elapsed();
    Ok((report, checked))
}

/// Loads, renders and checks the site in memory.
pub fn render(config: &Config, options: &BuildOptions) -> Result<Rendered, Errors> {
    let kept = Mutex::new(Vec::new());
    let sink = |file: OutputFile| {
        kept.lock().unwrap_or_else(|p| p.into_inner()).push(file);
        Ok(())
    };
    // Pages link only Pagefind's script and stylesheet, never its index.
    let stages = Stages::run(config, options, Indexing::UiOnly, false, &sink)?;
    let files = kept.into_inner().unwrap_or_else(|p| p.into_inner());
    let duplicates = duplicate_outputs(&files);
    if duplicates.has_errors() {
        return Err(with_warnings(duplicates, &stages.content));
    }
    Ok(Rendered {
        files,
        report: stages.report,
    })
}

/// A site kept in memory between rebuilds, so that an edit renders again
/// what shows what changed, not the whole site.
pub struct Session {
    config: Config,
    options: BuildOptions,
    content: Content,
    renderer: Renderer,
    search: Option<search::Index>,
    /// The index build under way, started by `start_search`.
    building: Option<search::Building>,
    /// Output path → fingerprint of the bytes this session last wrote there.
    written: HashMap<String, u64>,
    /// The sources the last load read, for the next one.
    reads: content::Reads,
    /// The output folder's manifest as the last rebuild left it.
    manifest: output::KeptManifest,
}

/// What a rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Counts, warnings and time.
    pub report: BuildReport,
    /// Files rendered again (all of them for a full rebuild).
    pub rendered: usize,
    /// Whether everything was rebuilt.
    pub full: bool,
}

/// What changed in the sources since the last rebuild; `folio.yaml` is
/// not among them (a new configuration starts a new session).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files under `content/` that changed, were added or removed.
    pub content: Vec<PathBuf>,
    /// Whether a template (or the social card's) changed.
    pub templates: bool,
    /// Static files that changed, were added or removed.
    pub statics: Vec<PathBuf>,
    /// Whether a Sass file changed.
    pub sass: bool,
    /// Render everything again, as if nothing were kept.
    pub everything: bool,
}

impl Session {
    /// Builds the whole site and keeps it in memory. With search on, the
    /// index is built by `start_search` (or `update_search`) after it.
    pub fn start(config: Config, options: BuildOptions) -> Result<(Session, BuildReport), Errors> {
        let started = Instant::now();
        output::check_output_dir(&config.output_dir, &guard(&config, &options))
            .map_err(Errors::from)?;
        let (stages, written, committed) = staged(&config, &options)?;
        let mut report = stages.report;
        report.record(&config, committed);
        report.elapsed = started.elapsed();
        let session = Session {
            written,
            config,
            options,
            content: stages.content,
            renderer: stages.renderer,
            search: stages.search,
            building: None,
            reads: stages.reads,
            manifest: output::KeptManifest::default(),
        };
        Ok((session, report))
    }

    /// The configuration the session was started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Renders again what `changes` changed, the same way as a build, and
    /// writes the files that differ in place; files the site no longer has
    /// are removed. On an error nothing is written, and the next call
    /// compares with the site as it was.
    pub fn apply(&mut self, changes: &Changes) -> Result<Rebuild, Errors> {
        let started = Instant::now();
        let mut edit = Edit::default();
        if changes.templates || changes.everything {
            edit.templates = self.renderer.reload_templates(&self.config)?;
        }
        if changes.everything {
            self.renderer.forget();
            self.reads = content::Reads::default();
        }
        let searched_before = self
            .config
            .site
            .search
            .then(|| search::searched_pages(&self.content));
        let load = load_options(&self.options);
        let mut patched = None;
        let content = if changes.content.is_empty() && !changes.everything {
            None
        } else if let Some(done) = (!changes.everything)
            .then(|| {
                content::patch(
                    &self.config,
                    &load,
                    &mut self.content,
                    &self.reads,
                    &changes.content,
                )
            })
            .flatten()
        {
            // Pages' own files changed, and nothing else: the site is
            // the last one with those pages read again.
            patched = Some(done);
            None
        } else {
            let reuse = (&self.reads, changes.content.as_slice());
            Some(content::load_reusing(&self.config, &load, Some(reuse))?)
        };
        for path in &changes.content {
            if let Ok(relative) = path.strip_prefix(&self.config.content_dir)
                && let Some(relative) = relative.to_str()
            {
                edit.content.insert(relative.replace('\\', "/"));
            }
        }
        edit.statics = changes.statics.iter().cloned().collect();
        edit.sass = changes.sass || changes.everything;
        let fresh = Changed::new(&self.written);
        let sink = |file: OutputFile| fresh.offer(file);
        let rendered = {
            let content = content.as_ref().unwrap_or(&self.content);
            self.renderer
                .render(
                    &self.config,
                    content,
                    &edit,
                    &render_options(&self.options, true),
                    &sink,
                )
                .map_err(|e| with_warnings(e, content))
        };
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(errors) => {
                // The next edit compares with the site as it was.
                if let Some(patched) = patched {
                    content::unpatch(&mut self.content, patched);
                }
                return Err(errors);
            }
        };
        let changed = fresh.into_changed();
        let stale: Vec<String> = self
            .written
            .par_iter()
            .map(|(path, _)| path)
            .filter(|path| !rendered.outputs.contains(*path) && !search::is_index_file(path))
            .cloned()
            .collect();
        if let Some(content) = content {
            drop_aside(std::mem::replace(&mut self.content, content));
        }
        let reindex =
            searched_before.is_some_and(|before| before != search::searched_pages(&self.content));
        // Pages that changed are indexed again, in their places; the index
        // itself is built by `start_search`, once the pages are out.
        if let Some(index) = self.search.as_ref().filter(|_| !reindex) {
            for (file, _) in &changed {
                index.offer(file).map_err(Errors::from)?;
            }
        }
        let (written, removed) = self.write(changed, &stale)?;
        if reindex {
            self.reindex()?;
        }
        let report = BuildReport {
            pages: rendered.pages,
            sections: rendered.sections,
            files: self.written.len(),
            written,
            removed,
            left_out: self.content.left_out,
            warnings: [self.content.warnings.clone(), rendered.warnings].concat(),
            elapsed: started.elapsed(),
            ..BuildReport::default()
        };
        Ok(Rebuild {
            report,
            rendered: rendered.rendered,
            full: changes.everything,
        })
    }

    /// Renders the whole site again, writing only the files that differ.
    pub fn rebuild_all(&mut self) -> Result<Rebuild, Errors> {
        self.apply(&Changes {
            everything: true,
            ..Changes::default()
        })
    }

    /// Makes a new search index from the searched pages in the output,
    /// when pages came or went: the old one holds a list of them.
    fn reindex(&mut self) -> Result<(), Errors> {
        let fresh = search::Index::new(&self.config, &self.content)?;
        for path in search::searched_pages(&self.content) {
            let source = self.config.output_dir.join(&path);
            let Ok(html) = std::fs::read_to_string(&source) else {
                continue;
            };
            fresh
                .offer(&OutputFile {
                    path,
                    contents: Contents::Text(html),
                    origin: source,
                })
                .map_err(Errors::from)?;
        }
        // A build of the old index under way would write stale files.
        self.building = None;
        self.search = Some(fresh);
        Ok(())
    }

    /// Builds the search index again when pages were indexed since it was
    /// last built, and writes its files that changed; returns how many.
    /// `start_search` and `finish_search` do the same without waiting.
    pub fn update_search(&mut self) -> Result<usize, Errors> {
        if !self.start_search() {
            return Ok(0);
        }
        let files = self.building.take().map_or(Ok(Vec::new()), |b| b.wait())?;
        self.write_index(files)
    }

    /// Starts building the search index again, on its own thread, when
    /// pages were indexed since it was last built and no build is under
    /// way; returns whether a build is under way.
    ///
    /// `rebuild_content` leaves this to be done after it: an edit's pages
    /// are out at once, and the index, which Pagefind builds from every
    /// page each time (seconds, at thousands of pages), follows while the
    /// next edits are rendered.
    pub fn start_search(&mut self) -> bool {
        if self.building.is_none()
            && let Some(index) = self.search.as_ref().filter(|index| index.is_stale())
        {
            self.building = Some(index.start_build());
        }
        self.building.is_some()
    }

    /// Writes the files of the index build under way when it is done and
    /// returns how many changed; `None` while it runs, or when none runs.
    pub fn finish_search(&mut self) -> Option<Result<usize, Errors>> {
        let files = self.building.as_ref()?.try_wait()?;
        self.building = None;
        Some(files.and_then(|files| self.write_index(files)))
    }

    /// Writes the index's files that changed; returns how many.
    fn write_index(&mut self, files: Vec<OutputFile>) -> Result<usize, Errors> {
        let fresh = Changed::new(&self.written);
        for file in files {
            fresh.offer(file)?;
        }
        self.write(fresh.into_changed(), &[])
            .map(|(written, _)| written)
    }

    /// Writes files whose bytes differ from what this session last wrote,
    /// and removes those of `stale`; returns how many of each.
    fn write(
        &mut self,
        changed: Vec<(OutputFile, u64)>,
        stale: &[String],
    ) -> Result<(usize, usize), Errors> {
        let planned: Vec<Planned<'_>> = changed.iter().map(|(f, _)| planned(f)).collect();
        let counts =
            output::update_files(&self.config.output_dir, &planned, stale, &mut self.manifest)
                .map_err(Errors::from)?;
        for (file, print) in changed {
            self.written.insert(file.path, print);
        }
        for path in stale {
            self.written.remove(path);
        }
        Ok(counts)
    }
}

/// Renders the whole site through a stager, and returns what it wrote, by
/// fingerprint. The search index, if any, is left to `start_search`.
fn staged(
    config: &Config,
    options: &BuildOptions,
) -> Result<(Stages, HashMap<String, u64>, output::WriteReport), Errors> {
    let stager = output::Stager::new(&config.output_dir).map_err(Errors::from)?;
    let written = Mutex::new(HashMap::new());
    let sink = |file: OutputFile| {
        stager.stage(&planned(&file), &file.origin)?;
        let print = fingerprint_of(&file);
        written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(file.path, print);
        Ok(())
    };
    let stages = match Stages::run(config, options, Indexing::Later, true, &sink) {
        Ok(stages) => stages,
        Err(errors) => {
            stager.abandon();
            return Err(errors);
        }
    };
    let committed = stager.commit().map_err(Errors::from)?;
    let written = written.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok((stages, written, committed))
}

/// The files of an edit's render that differ from what the session last
/// wrote; copies it wrote and unchanged files are dropped as they come.
struct Changed<'a> {
    written: &'a HashMap<String, u64>,
    changed: Mutex<Vec<(OutputFile, u64)>>,
}

impl<'a> Changed<'a> {
    fn new(written: &'a HashMap<String, u64>) -> Changed<'a> {
        Changed {
            written,
            changed: Mutex::default(),
        }
    }

    fn offer(&self, file: OutputFile) -> crate::error::Result<()> {
        let print = fingerprint_of(&file);
        if self.written.get(&file.path) != Some(&print) {
            self.changed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((file, print));
        }
        Ok(())
    }

    fn into_changed(self) -> Vec<(OutputFile, u64)> {
        self.changed.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

/// The bytes of a text file, or the size and time of a copied file's source.
fn fingerprint_of(file: &OutputFile) -> u64 {
    match &file.contents {
        Contents::Text(text) => fingerprint(text.as_bytes()),
        Contents::Bytes(bytes) => fingerprint(bytes),
        Contents::Copy(source) => {
            let stamp = std::fs::metadata(source).ok().map(|m| {
                let time = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{} {time}", m.len())
            });
            fingerprint(stamp.unwrap_or_default().as_bytes())
        }
    }
}

/// Everything a build computes before writing.
struct Stages {
    content: Content,
    renderer: Renderer,
    /// The search index, when the site has search on.
    search: Option<search::Index>,
    report: BuildReport,
    /// What the load read, kept for a session's next load.
    reads: content::Reads,
}

/// Times the stages of a build.
struct Clock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Clock {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

fn render_options(options: &BuildOptions, keep: bool) -> RenderOptions {
    RenderOptions {
        inject: options.inject.clone(),
        template_metrics: options.template_metrics,
        keep,
        stable_assets: options.stable_assets,
    }
}

/// What content loading leaves out, as of now.
fn load_options(options: &BuildOptions) -> LoadOptions {
    LoadOptions {
        include_drafts: options.include_drafts,
        include_future: options.include_future,
        now: jiff::Timestamp::now().as_second(),
    }
}

/// What a site with search on hands to its search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indexing {
    /// Every page: the index is built.
    Pages,
    /// Every page, but the index is left to `Session::start_search`, so
    /// that `serve` shows the site while the index is built.
    Later,
    /// None: the index is empty, but its script and stylesheet are there
    /// for the pages that link them.
    UiOnly,
}

impl Stages {
    /// Loads the content and the templates, and renders every file into
    /// `sink`; `keep` keeps the render for the edits of a session.
    fn run(
        config: &Config,
        options: &BuildOptions,
        indexing: Indexing,
        keep: bool,
        sink: Sink<'_>,
    ) -> Result<Stages, Errors> {
        let load = load_options(options);
        let mut clock = Clock::default();
        let reads = content::Reads::default();
        let content = content::load_reusing(config, &load, keep.then_some((&reads, &[][..])))?;
        clock.lap("load content");
        let mut renderer = Renderer::new(config).map_err(|e| with_warnings(e, &content))?;
        clock.lap("load templates");
        let search = (config.site.search)
            .then(|| search::Index::new(config, &content))
            .transpose()
            .map_err(|e| with_warnings(e, &content))?;
        // Each page is handed to the index as it passes on, from the HTML in hand.
        let offering = |file: OutputFile| {
            if let Some(index) = search.as_ref().filter(|_| indexing != Indexing::UiOnly) {
                index.offer(&file)?;
            }
            sink(file)
        };
        let rendered = renderer
            .render(
                config,
                &content,
                &Edit::default(),
                &render_options(options, keep),
                &offering,
            )
            .map_err(|e| with_warnings(e, &content))?;
        clock.lap("render and write");
        let mut files = rendered.files;
        if let Some(index) = search.as_ref().filter(|_| indexing != Indexing::Later) {
            files += send_index(index, sink).map_err(|e| with_warnings(e, &content))?;
            clock.lap("build the search index");
        }
        let report = BuildReport {
            pages: rendered.pages,
            sections: rendered.sections,
            files,
            left_out: content.left_out,
            warnings: content
                .warnings
                .iter()
                .cloned()
                .chain(rendered.warnings)
                .collect(),
            timings: clock.laps,
            metrics: rendered.metrics,
            hints: rendered.hints,
            ..BuildReport::default()
        };
        Ok(Stages {
            content,
            renderer,
            search,
            report,
            reads,
        })
    }
}

/// Builds the search index from the pages indexed so far and hands its
/// files to `sink`; returns how many there are.
fn send_index(index: &search::Index, sink: Sink<'_>) -> Result<usize, Errors> {
    let files = index.files()?;
    let count = files.len();
    for file in files {
        sink(file)?;
    }
    Ok(count)
}

impl BuildReport {
    /// Takes in what writing did, and warns about the files it kept.
    fn record(&mut self, config: &Config, written: output::WriteReport) {
        self.written = written.written;
        self.removed = written.removed;
        let output = content::site_relative(config, &config.output_dir);
        if !written.kept.is_empty() {
            self.warnings.push(
                Error::msg(format!(
                    "kept {} folio did not write: {}",
                    files(written.kept.len()),
                    names(&output, &written.kept)
                ))
                .help("to have folio publish a file, put it in `static/`; to drop it, delete it from the output folder")
                .warning(),
            );
        }
        self.warnings.extend(written.warnings);
    }
}

fn files(count: usize) -> String {
    if count == 1 {
        "1 file".to_string()
    } else {
        format!("{count} files")
    }
}

/// The first three paths under the output, then `…` for the rest.
fn names(output: &std::path::Path, paths: &[PathBuf]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .take(3)
        .map(|p| output.join(p).display().to_string())
        .collect();
    if paths.len() > 3 {
        shown.push("…".to_string());
    }
    shown.join(", ")
}

fn with_warnings(mut errors: Errors, content: &Content) -> Errors {
    errors.0.extend(content.warnings.iter().cloned());
    errors
}

/// Refuses an output folder that would overwrite the site, lies outside it
/// without `--force`, or holds files no folio build wrote.
pub fn check_output_dir(config: &Config, options: &BuildOptions) -> Result<(), Errors> {
    output::check_output_dir(&config.output_dir, &guard(config, options)).map_err(Errors::from)
}

fn guard<'a>(config: &'a Config, options: &BuildOptions) -> Guard<'a> {
    let mut sources = vec![config.content_dir.clone(), config.root.join("themes")];
    sources.extend(config.template_dirs.iter().cloned());
    sources.extend(config.static_dirs.iter().cloned());
    sources.extend(crate::sass::dirs(config));
    Guard {
        root: &config.root,
        sources,
        force: options.force,
    }
}

fn planned(file: &OutputFile) -> Planned<'_> {
    let source = match &file.contents {
        Contents::Text(text) => Source::Bytes(text.as_bytes()),
        Contents::Bytes(bytes) => Source::Bytes(bytes),
        Contents::Copy(path) => Source::File(path),
    };
    Planned {
        path: &file.path,
        source,
    }
}

fn duplicate_outputs(files: &[OutputFile]) -> Errors {
    let mut seen: std::collections::HashMap<&str, &OutputFile> = std::collections::HashMap::new();
    let mut errors = Errors::default();
    let mut lookalikes = output::Lookalikes::default();
    for file in files {
        if let Some(first) = seen.insert(file.path.as_str(), file) {
            errors.push(output::duplicate(&file.path, &file.origin, &first.origin));
        } else if let Err(e) = output::check_name_lengths(&file.path, &file.origin)
            .and_then(|()| lookalikes.claim(&file.path, &file.origin))
        {
            errors.push(e);
        }
    }
    errors
}
