//! `build` and `check`: the stages in order, returning a `BuildReport`.
//!
//! Every stage returns data and never prints. A build renders the whole site
//! in memory first and writes only when nothing failed, so a failed build
//! leaves the previous output exactly as it was.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Content, LoadOptions};
use crate::error::{Error, Errors};
use crate::links;
use crate::output::{self, Guard, Planned, Source};
use crate::render::{self, Contents, OutputFile, RenderOptions};

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
    let rendered = render(config, options)?;
    let planned: Vec<Planned<'_>> = rendered.files.iter().map(planned).collect();
    let written = output::write_all(&config.output_dir, &planned).map_err(Errors::from)?;
    let mut report = rendered.report;
    report.written = written.written;
    report.removed = written.removed;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Runs the whole pipeline without writing, then checks every internal link
/// and anchor of the rendered HTML against the files the build would write.
pub fn check(
    config: &Config,
    options: &BuildOptions,
) -> Result<(BuildReport, Vec<OutputFile>), Errors> {
    let started = Instant::now();
    let rendered = render(config, options)?;
    let problems = links::check(config, &rendered.files);
    if !problems.0.is_empty() {
        let mut all = problems;
        all.0.extend(rendered.report.warnings);
        return Err(all);
    }
    let mut report = rendered.report;
    report.elapsed = started.elapsed();
    Ok((report, rendered.files))
}

/// Loads, renders and checks the site in memory.
pub fn render(config: &Config, options: &BuildOptions) -> Result<Rendered, Errors> {
    let now = jiff::Timestamp::now().as_second();
    let load = LoadOptions {
        include_drafts: options.include_drafts,
        include_future: options.include_future,
        now,
    };
    let content = content::load(config, &load)?;
    let (pages, sections) = render::render_markdown(config, &content);
    let mut errors = render::check_markdown_links(&content, &pages, &sections);
    let mut templates = match render::load_templates(config) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            return Err(with_warnings(errors, &content));
        }
    };
    if errors.has_errors() {
        return Err(with_warnings(errors, &content));
    }
    let render_options = RenderOptions {
        inject: options.inject.clone(),
    };
    let (files, summary) = render::render_site(
        config,
        &content,
        (&pages, &sections),
        &mut templates,
        &render_options,
    )
    .map_err(|e| with_warnings(e, &content))?;
    let duplicates = duplicate_outputs(&files);
    if duplicates.has_errors() {
        return Err(with_warnings(duplicates, &content));
    }
    let report = BuildReport {
        pages: summary.pages,
        sections: summary.sections,
        files: files.len(),
        left_out: content.left_out,
        warnings: content.warnings.clone(),
        ..BuildReport::default()
    };
    Ok(Rendered { files, report })
}

fn with_warnings(mut errors: Errors, content: &Content) -> Errors {
    errors.0.extend(content.warnings.iter().cloned());
    errors
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

fn duplicate_outputs(files: &[OutputFile]) -> Errors {
    let mut seen: std::collections::HashMap<&str, &OutputFile> = std::collections::HashMap::new();
    let mut errors = Errors::default();
    for file in files {
        if let Some(first) = seen.insert(file.path.as_str(), file) {
            errors.push(
                Error::at(
                    &file.origin,
                    None,
                    format!(
                        "writes `{}`, which `{}` writes too",
                        file.path,
                        first.origin.display()
                    ),
                )
                .help("rename one of the two, or give the page another `slug` or `path`"),
            );
        }
    }
    errors
}
