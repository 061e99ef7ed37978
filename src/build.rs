//! `build` and `check`: the stages in order, returning a `BuildReport`.
//!
//! Every stage returns data and never prints. A build writes into a tree
//! beside the output and puts it in place only when nothing failed, so a
//! failed build leaves the previous output exactly as it was.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Content, LoadOptions};
use crate::error::{Error, Errors};
use crate::fingerprint::fingerprint;
use crate::links;
use crate::output::{self, Guard, Planned, Source};
use crate::render::{self, Contents, JobKind, OutputFile, RenderOptions};

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
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
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
    // Files are written as they are rendered (rendering and writing overlap,
    // and the site is never held in memory whole); the stager keeps the old
    // output intact until everything succeeded.
    let stager = output::Stager::new(&config.output_dir).map_err(Errors::from)?;
    let hand = |file: OutputFile| stager.stage(&planned(&file), &file.origin);
    let stages = match Stages::run(config, options, render::Target::Hand(&hand)) {
        Ok(stages) => stages,
        Err(errors) => {
            stager.abandon();
            return Err(errors);
        }
    };
    if options.deny_warnings {
        let warnings = stages.report(0).warnings;
        if !warnings.is_empty() {
            stager.abandon();
            return Err(denied(warnings));
        }
    }
    let committing = Instant::now();
    let written = stager.commit().map_err(Errors::from)?;
    let mut report = stages.report(stages.file_count);
    report.timings.push(("put in place", committing.elapsed()));
    report.record(config, written);
    report.elapsed = started.elapsed();
    // Freeing a large site's values piece by piece takes a tenth of the
    // build, and a one-shot build ends right after: let the process end
    // free them at once. (Session, for serve, keeps and frees its own.)
    std::mem::forget(stages);
    Ok(report)
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

/// A site kept in memory between rebuilds, so that an edit to one page's
/// body re-renders that page and what lists it, not the whole site.
pub struct Session {
    config: Config,
    options: BuildOptions,
    content: Content,
    pages: Vec<render::Html>,
    sections: Vec<render::Html>,
    templates: render::Templates,
    prepared: render::Prepared,
    /// Output path → hash of the bytes this session last wrote there.
    written: HashMap<String, u64>,
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

impl Session {
    /// Builds the whole site and keeps it in memory.
    pub fn start(config: Config, options: BuildOptions) -> Result<(Session, BuildReport), Errors> {
        let started = Instant::now();
        output::check_output_dir(&config.output_dir, &guard(&config, &options))
            .map_err(Errors::from)?;
        let stages = Stages::run(&config, &options, render::Target::Keep)?;
        let written = write_through_stager(&config, &stages.files)?;
        let mut report = stages.report(stages.file_count);
        report.record(&config, written);
        report.elapsed = started.elapsed();
        let session = Session {
            written: hashes(&stages.files),
            config,
            options,
            content: stages.content,
            pages: stages.pages,
            sections: stages.sections,
            templates: stages.templates,
            prepared: stages.prepared,
        };
        Ok((session, report))
    }

    /// The configuration the session was started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Loads and renders everything again, writing only what changed.
    pub fn rebuild_all(&mut self) -> Result<Rebuild, Errors> {
        let started = Instant::now();
        let stages = Stages::run(&self.config, &self.options, render::Target::Keep)?;
        let report = stages.report(stages.file_count);
        let rendered = stages.files.len();
        // Through the stager, like a build: the new site appears whole.
        let written = write_through_stager(&self.config, &stages.files)?;
        self.written = hashes(&stages.files);
        let mut report = report;
        report.record(&self.config, written);
        self.content = stages.content;
        self.pages = stages.pages;
        self.sections = stages.sections;
        self.templates = stages.templates;
        self.prepared = stages.prepared;
        report.elapsed = started.elapsed();
        Ok(Rebuild {
            report,
            rendered,
            full: true,
        })
    }

    /// Rebuilds after the given content files changed: incrementally when
    /// only page bodies changed, fully otherwise.
    pub fn rebuild_content(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Errors> {
        let started = Instant::now();
        let mut edited = Vec::new();
        for path in changed {
            let rel = path
                .strip_prefix(&self.config.content_dir)
                .ok()
                .and_then(|p| p.to_str())
                .map(|p| p.replace('\\', "/"));
            let index = rel.and_then(|rel| {
                self.content
                    .pages
                    .iter()
                    .position(|p| p.relative_path == rel)
            });
            let body =
                index.and_then(|i| content::reread_body(&self.config, &self.content.pages[i]));
            match (index, body) {
                (Some(i), Some(body)) => edited.push((i, body)),
                _ => return self.rebuild_all(),
            }
        }
        let options = render::markdown_options(&self.config);
        for (i, body) in edited.iter().cloned() {
            let page = &mut self.content.pages[i];
            page.body = body.text;
            page.body_line = body.line;
        }
        let urls = render::url_map(&self.config, &self.content);
        let resolve = |target: &str| urls.get(target.trim_start_matches('/')).cloned();
        for (i, _) in &edited {
            self.pages[*i] =
                render::page_markdown(&self.config, &self.content.pages[*i], &options, &resolve);
            self.content.pages[*i].body = String::new();
        }
        let errors = render::check_markdown_links(&self.content, &self.pages, &self.sections);
        if errors.has_errors() {
            return Err(errors);
        }
        let indices: Vec<usize> = edited.iter().map(|(i, _)| *i).collect();
        let (files, rendered) = self.render_affected(&indices)?;
        let written = self.write_changed(&files)?;
        let report = BuildReport {
            written,
            elapsed: started.elapsed(),
            ..Stages::summary_report(&self.content, self.written.len())
        };
        Ok(Rebuild {
            report,
            rendered,
            full: false,
        })
    }

    fn render_affected(&mut self, changed: &[usize]) -> Result<(Vec<OutputFile>, usize), Errors> {
        let markdown = (self.pages.as_slice(), self.sections.as_slice());
        let (config, content) = (&self.config, &self.content);
        let patched = self.prepared.model.patch(
            config,
            content,
            markdown,
            &self.prepared.taxonomies,
            changed,
        );
        render::publish_patch(
            &mut self.templates,
            content,
            &self.prepared,
            changed,
            &patched,
        );
        let templates = &self.templates;
        let keep = |kind: JobKind, template: &str| {
            templates.reads_site(template)
                || match kind {
                    JobKind::Page(i) => changed.contains(&i),
                    JobKind::Section(s) => patched.sections.contains(&s),
                    JobKind::TaxonomyList(t) => patched.terms.iter().any(|(pt, _)| *pt == t),
                    JobKind::Term(t, k) => patched.terms.contains(&(t, k)),
                }
        };
        let jobs = self.prepared.jobs(config, content, &keep);
        let render_options = RenderOptions {
            inject: self.options.inject.clone(),
        };
        let (mut files, rendered, mut errors) = render::render_jobs(
            config,
            templates,
            jobs.iter(),
            &render_options,
            render::Target::Keep,
        );
        match render::extras(
            config,
            content,
            markdown,
            templates,
            &self.prepared,
            &render_options,
            render::Scope::AfterBodyEdit,
        ) {
            Ok(more) => files.extend(more),
            Err(more) => errors.0.extend(more.0),
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok((files, rendered))
    }

    /// Writes the files whose bytes differ from what this session last wrote.
    fn write_changed(&mut self, files: &[OutputFile]) -> Result<usize, Errors> {
        let changed: Vec<(&OutputFile, u64)> = files
            .iter()
            .filter(|f| !matches!(f.contents, Contents::Copy(_)))
            .map(|f| (f, content_hash(f)))
            .filter(|(f, hash)| self.written.get(&f.path) != Some(hash))
            .collect();
        let planned: Vec<Planned<'_>> = changed.iter().map(|(f, _)| planned(f)).collect();
        let count = output::write_files(&self.config.output_dir, &planned).map_err(Errors::from)?;
        for (file, hash) in changed {
            self.written.insert(file.path.clone(), hash);
        }
        Ok(count)
    }
}

/// The bytes of a text file, or the size and time of a copied file's source.
fn content_hash(file: &OutputFile) -> u64 {
    match &file.contents {
        Contents::Text(text) => fingerprint(text.as_bytes()),
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

fn hashes(files: &[OutputFile]) -> HashMap<String, u64> {
    files
        .iter()
        .map(|f| (f.path.clone(), content_hash(f)))
        .collect()
}

/// Everything a build computes before writing.
struct Stages {
    content: Content,
    pages: Vec<render::Html>,
    sections: Vec<render::Html>,
    templates: render::Templates,
    prepared: render::Prepared,
    files: Vec<OutputFile>,
    file_count: usize,
    timings: Vec<(&'static str, Duration)>,
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

impl Stages {
    fn run(
        config: &Config,
        options: &BuildOptions,
        target: render::Target<'_>,
    ) -> Result<Stages, Errors> {
        let now = jiff::Timestamp::now().as_second();
        let load = LoadOptions {
            include_drafts: options.include_drafts,
            include_future: options.include_future,
            now,
        };
        let mut clock = Clock::default();
        let mut content = content::load(config, &load)?;
        clock.lap("load content");
        let (pages, sections) = render::render_markdown(config, &mut content);
        clock.lap("render markdown");
        let mut errors = render::check_markdown_links(&content, &pages, &sections);
        clock.lap("check links");
        let mut templates = match render::load_templates(config) {
            Ok(t) => t,
            Err(e) => {
                errors.0.extend(e.0);
                return Err(with_warnings(errors, &content));
            }
        };
        if errors.has_errors() {
            return Err(with_warnings(errors, &content));
        }
        let render_options = RenderOptions {
            inject: options.inject.clone(),
        };
        let (files, file_count, prepared) = render::render_site(
            config,
            &content,
            (&pages, &sections),
            &mut templates,
            &render_options,
            target,
        )
        .map_err(|e| with_warnings(e, &content))?;
        clock.lap("render and write");
        let duplicates = duplicate_outputs(&files);
        if duplicates.has_errors() {
            return Err(with_warnings(duplicates, &content));
        }
        Ok(Stages {
            content,
            pages,
            sections,
            templates,
            prepared,
            files,
            file_count,
            timings: clock.laps,
        })
    }

    fn report(&self, files: usize) -> BuildReport {
        BuildReport {
            timings: self.timings.clone(),
            ..Stages::summary_report(&self.content, files)
        }
    }

    fn summary_report(content: &Content, files: usize) -> BuildReport {
        let summary = render::summary(content);
        BuildReport {
            pages: summary.pages,
            sections: summary.sections,
            files,
            left_out: content.left_out,
            warnings: content.warnings.clone(),
            ..BuildReport::default()
        }
    }
}

impl BuildReport {
    /// Takes in what writing did, and warns about the files it kept or replaced.
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
                .warning(),
            );
        }
        if !written.replaced.is_empty() {
            self.warnings.push(
                Error::msg(format!(
                    "replaced {} folio did not write, where the site now has its own: {}",
                    files(written.replaced.len()),
                    names(&output, &written.replaced)
                ))
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

/// Loads, renders and checks the site in memory.
pub fn render(config: &Config, options: &BuildOptions) -> Result<Rendered, Errors> {
    let stages = Stages::run(config, options, render::Target::Keep)?;
    let report = stages.report(stages.file_count);
    Ok(Rendered {
        files: stages.files,
        report,
    })
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
    Guard {
        root: &config.root,
        sources,
        force: options.force,
    }
}

fn planned(file: &OutputFile) -> Planned<'_> {
    let source = match &file.contents {
        Contents::Text(text) => Source::Bytes(text.as_bytes()),
        Contents::Copy(path) => Source::File(path),
    };
    Planned {
        path: &file.path,
        source,
    }
}

/// Writes files kept in memory the way a build writes them as they render.
fn write_through_stager(
    config: &Config,
    files: &[OutputFile],
) -> Result<output::WriteReport, Errors> {
    let stager = output::Stager::new(&config.output_dir).map_err(Errors::from)?;
    for file in files {
        if let Err(e) = stager.stage(&planned(file), &file.origin) {
            stager.abandon();
            return Err(Errors::from(e));
        }
    }
    stager.commit().map_err(Errors::from)
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
