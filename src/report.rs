//! Every line folio prints to the terminal.
//!
//! Results go to stdout, warnings and errors to stderr. Colour is used only
//! when the stream is a terminal and `NO_COLOR` is not set.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "this module is where folio prints"
)]

use std::io::IsTerminal;
use std::time::Duration;

use crate::build::{BuildReport, Rebuild};
use crate::error::{Error, Errors, Severity};
use crate::import::{ImportReport, Leftover, Side};
use crate::links::Problem;

/// How `folio check` prints problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Lines for people on stderr, grouped by source file.
    #[default]
    Plain,
    /// One JSON object per problem on stdout, one per line.
    Json,
}

/// How much to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors, warnings and one summary line.
    #[default]
    Normal,
    /// Also what each stage did.
    Verbose,
}

/// Prints to the terminal with the user's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reporter {
    /// How much to say.
    pub verbosity: Verbosity,
}

impl Reporter {
    /// Prints every problem, errors first, to stderr.
    pub fn problems(&self, errors: &Errors) {
        let color = use_color_stderr();
        let (errs, warns): (Vec<&Error>, Vec<&Error>) =
            errors.0.iter().partition(|e| !e.is_warning());
        for e in errs {
            eprint!("{}", paint(&e.to_string(), color));
        }
        if self.verbosity != Verbosity::Quiet {
            for w in warns {
                eprint!("{}", paint(&w.to_string(), color));
            }
        }
        let count = errors.0.iter().filter(|e| !e.is_warning()).count();
        if count > 1 {
            eprintln!(
                "{}",
                paint(
                    &format!("error: {count} problems; nothing was written\n"),
                    color
                )
                .trim_end()
            );
        }
    }

    /// Prints what `folio check` found: the build's warnings, then the link
    /// problems, grouped by source file (errors and warnings in file order).
    pub fn check_problems(&self, warnings: &[Error], problems: &[Problem], format: Format) {
        let mut sorted: Vec<&Problem> = problems.iter().collect();
        sorted.sort_by(|a, b| {
            (&a.file, a.location.map(|l| (l.line, l.column)))
                .cmp(&(&b.file, b.location.map(|l| (l.line, l.column))))
        });
        if format == Format::Json {
            for warning in warnings {
                println!("{}", error_json(warning));
            }
            for problem in sorted {
                println!("{}", problem_json(problem));
            }
            return;
        }
        let color = use_color_stderr();
        let quiet = self.verbosity == Verbosity::Quiet;
        for warning in warnings.iter().filter(|_| !quiet) {
            eprint!("{}", paint(&warning.to_string(), color));
        }
        for problem in sorted.iter().filter(|p| p.is_error() || !quiet) {
            eprint!("{}", paint(&problem.to_error().to_string(), color));
        }
        let errors: Vec<&&Problem> = sorted.iter().filter(|p| p.is_error()).collect();
        let mut files: Vec<&std::path::Path> = errors.iter().map(|p| p.file.as_path()).collect();
        files.dedup();
        if errors.len() > 1 {
            let line = format!(
                "error: {} problems in {} {}\n",
                errors.len(),
                files.len(),
                plural(files.len(), "file", "files")
            );
            eprint!("{}", paint(&line, color));
        }
    }

    /// Prints errors that stopped `folio check --format json`, one object each.
    pub fn json_errors(&self, errors: &Errors) {
        for error in &errors.0 {
            println!("{}", error_json(error));
        }
    }

    /// Prints a warning line that is not about a file.
    pub fn warn(&self, message: &str) {
        if self.verbosity != Verbosity::Quiet {
            let text = format!("warning: {message}\n");
            eprint!("{}", paint(&text, use_color_stderr()));
        }
    }

    /// Prints the warnings of a successful build, then its summary line.
    pub fn built(&self, report: &BuildReport, verb: &str) {
        if self.verbosity != Verbosity::Quiet {
            for w in &report.warnings {
                eprint!("{}", paint(&w.to_string(), use_color_stderr()));
            }
        }
        self.summary(report, verb);
    }

    /// Prints the summary line of a build whose warnings were printed
    /// already, and with `--verbose` how long each stage took.
    pub fn summary(&self, report: &BuildReport, verb: &str) {
        if self.verbosity != Verbosity::Quiet {
            println!("{}", summary(report, verb));
        }
        if !report.metrics.is_empty() {
            println!("{}", template_metrics(report));
        }
        if self.verbosity == Verbosity::Verbose {
            let width = (report.timings.iter())
                .map(|(stage, _)| stage.len())
                .max()
                .unwrap_or_default();
            for (stage, time) in &report.timings {
                println!("  {stage:<width$}  {}", format_duration(*time));
            }
            println!(
                "  {} written, {} unchanged, {} stale removed",
                report.written,
                report.files.saturating_sub(report.written),
                report.removed
            );
        }
    }

    /// Prints the one line a serve rebuild ends with, and its warnings.
    pub fn rebuilt(&self, changed: &[String], rebuild: &Rebuild) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        for w in &rebuild.report.warnings {
            eprint!("{}", paint(&w.to_string(), use_color_stderr()));
        }
        let what = match changed {
            [] => "changes".to_string(),
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        };
        let how = if rebuild.full {
            "rebuilt everything"
        } else {
            "rebuilt"
        };
        println!(
            "{what} changed: {how}, {} rendered, {} written in {}",
            rebuild.rendered,
            rebuild.report.written,
            format_duration(rebuild.report.elapsed)
        );
    }

    /// Says a long build is still running, on a terminal only: one line
    /// rewritten in place. A build ends with one line, so a log or a pipe
    /// sees the same text however long the build took.
    pub fn progress(&self, elapsed: Duration) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        if let Some(line) = progress_line(elapsed, std::io::stderr().is_terminal()) {
            eprint!("{line}");
        }
    }

    /// Clears the progress line on a terminal.
    pub fn progress_done(&self) {
        if self.verbosity != Verbosity::Quiet && std::io::stderr().is_terminal() {
            eprint!("\r\x1b[K");
        }
    }

    /// Prints what `folio import` did and left, on stdout: for people, or
    /// one JSON object. `source` and `dest` are the folders as typed.
    pub fn imported(
        &self,
        report: &ImportReport,
        source: &std::path::Path,
        dest: &std::path::Path,
        format: Format,
    ) {
        match format {
            Format::Json => println!("{}", import_json(report, source, dest)),
            Format::Plain if self.verbosity == Verbosity::Quiet => {}
            Format::Plain => print!("{}", import_text(report, source, dest)),
        }
    }

    /// Prints a line of information (suppressed by `--quiet`).
    pub fn info(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            println!("{line}");
        }
    }
}

/// The progress text for a build running for `elapsed`: a line rewritten
/// in place on a terminal, and nothing elsewhere.
fn progress_line(elapsed: Duration, terminal: bool) -> Option<String> {
    terminal.then(|| format!("\r\x1b[Kbuilding… {} s", elapsed.as_secs()))
}

/// The one line a build ends with.
pub fn summary(report: &BuildReport, verb: &str) -> String {
    let mut line = format!(
        "{verb} {} {}, {} {}, {} {} in {}",
        report.pages,
        plural(report.pages, "page", "pages"),
        report.sections,
        plural(report.sections, "section", "sections"),
        report.files,
        plural(report.files, "file", "files"),
        format_duration(report.elapsed)
    );
    if report.left_out > 0 {
        line.push_str(&format!(
            " ({} drafts or future pages left out)",
            report.left_out
        ));
    }
    if report.unchanged {
        line.push_str("; nothing changed since the last build");
    }
    let warnings = report.warnings.len();
    if warnings > 0 {
        line.push_str(&format!(
            "; {warnings} {}",
            plural(warnings, "warning", "warnings")
        ));
    }
    line
}

/// The report of `folio import`, for people.
pub fn import_text(
    report: &ImportReport,
    source: &std::path::Path,
    dest: &std::path::Path,
) -> String {
    let mut out = format!(
        "imported a {} site from {} into {}\n",
        report.generator.name(),
        shown(source),
        shown(dest)
    );
    out.push_str(&format!(
        "  {} {}, {} {}, {} data {}, {} other {}\n",
        report.pages,
        plural(report.pages, "page", "pages"),
        report.sections,
        plural(report.sections, "section", "sections"),
        report.data,
        plural(report.data, "file", "files"),
        report.files,
        plural(report.files, "file", "files"),
    ));
    if !report.rewrites.is_empty() {
        out.push_str("rewritten:\n");
        for (kind, n) in &report.rewrites {
            out.push_str(&format!("  {n:>5}  {kind}\n"));
        }
    }
    if !report.left.is_empty() {
        out.push_str(&format!("left for you ({}):\n", report.left.len()));
        for item in &report.left {
            out.push_str(&format!(
                "  {}: {}\n    help: {}\n",
                leftover_place(item, source, dest),
                item.message,
                item.help
            ));
        }
    }
    if !report.templates.is_empty() {
        out.push_str("templates to port (folio's own theme renders the site until then):\n");
        for port in &report.templates {
            out.push_str(&format!(
                "  {} → {}\n",
                shown(&source.join(&port.file)),
                port.folio
            ));
            if let (Some(key), Some(first)) = (&port.key, port.named_by.first()) {
                let n = port.named_by.len();
                out.push_str(&format!(
                    "    `{key}` naming it was removed from {n} {}, such as {}: set it again once ported\n",
                    plural(n, "file", "files"),
                    shown(&dest.join(first))
                ));
            }
        }
    }
    out.push_str(&format!(
        "next: folio build --root {} --deny-warnings\n",
        shown(dest)
    ));
    out
}

fn leftover_place(item: &Leftover, source: &std::path::Path, dest: &std::path::Path) -> String {
    let root = match item.side {
        Side::Source => source,
        Side::Site => dest,
    };
    let file = shown(&root.join(&item.file));
    match item.location {
        Some(l) => format!("{file}:{}:{}", l.line, l.column),
        None => file,
    }
}

/// A path as the user typed it, `./` left out.
fn shown(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// The report of `folio import` as one JSON object.
fn import_json(
    report: &ImportReport,
    source: &std::path::Path,
    dest: &std::path::Path,
) -> serde_json::Value {
    let left: Vec<serde_json::Value> = report
        .left
        .iter()
        .map(|item| {
            let root = match item.side {
                Side::Source => source,
                Side::Site => dest,
            };
            serde_json::json!({
                "in": match item.side { Side::Source => "source", Side::Site => "site" },
                "file": shown(&root.join(&item.file)),
                "line": item.location.map(|l| l.line),
                "column": item.location.map(|l| l.column),
                "message": item.message,
                "help": item.help,
            })
        })
        .collect();
    let templates: Vec<serde_json::Value> = report
        .templates
        .iter()
        .map(|p| {
            serde_json::json!({
                "file": shown(&source.join(&p.file)),
                "folio": p.folio,
                "key": p.key,
                "named_by": p.named_by.iter().map(|f| shown(&dest.join(f))).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "generator": report.generator.name().to_lowercase(),
        "source": shown(source),
        "site": shown(dest),
        "pages": report.pages,
        "sections": report.sections,
        "data": report.data,
        "files": report.files,
        "rewrites": report.rewrites,
        "left": left,
        "templates": templates,
    })
}

/// One link problem as a JSON object.
fn problem_json(problem: &Problem) -> serde_json::Value {
    serde_json::json!({
        "file": problem.file.to_string_lossy().replace('\\', "/"),
        "line": problem.location.map(|l| l.line),
        "column": problem.location.map(|l| l.column),
        "page": problem.page,
        "url": problem.url,
        "kind": problem.kind.name(),
        "level": level_name(problem.severity),
        "message": problem.message,
        "help": problem.help,
    })
}

/// A build error or warning, in the shape of a link problem.
fn error_json(error: &Error) -> serde_json::Value {
    serde_json::json!({
        "file": error.path.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")),
        "line": error.location.map(|l| l.line),
        "column": error.location.map(|l| l.column),
        "page": null,
        "url": null,
        "kind": "build",
        "level": level_name(error.severity),
        "message": error.message,
        "help": error.help.as_deref(),
    })
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The `--template-metrics` table, slowest template first, and its hints.
pub fn template_metrics(report: &BuildReport) -> String {
    let mut out = format!(
        "{:>8}  {:>9}  {:>9}  template\n",
        "renders", "total", "mean"
    );
    for m in &report.metrics {
        let mean = m.total / u32::try_from(m.renders.max(1)).unwrap_or(u32::MAX);
        out.push_str(&format!(
            "{:>8}  {:>9}  {:>9}  {}\n",
            m.renders,
            format_fine(m.total),
            format_fine(mean),
            m.template
        ));
    }
    if report.hints.is_empty() {
        out.push_str("no template walks the whole site on every render");
    }
    for hint in &report.hints {
        let file = hint.file.to_string_lossy().replace('\\', "/");
        out.push_str(&format!(
            "\nhint: {file}:{}:{}: {}",
            hint.location.line, hint.location.column, hint.message
        ));
    }
    out
}

/// `850 µs`, `12 ms` or `1.25 s`.
fn format_fine(d: Duration) -> String {
    if d.as_micros() < 1000 {
        format!("{} µs", d.as_micros())
    } else {
        format_duration(d)
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `12 ms` or `1.25 s`.
pub fn format_duration(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn use_color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

fn paint(text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    text.lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("error:") {
                format!("\x1b[1;31merror:\x1b[0m{rest}\n")
            } else if let Some(rest) = line.strip_prefix("warning:") {
                format!("\x1b[1;33mwarning:\x1b[0m{rest}\n")
            } else if let Some(rest) = line.strip_prefix("  help:") {
                format!("  \x1b[1;36mhelp:\x1b[0m{rest}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shown_on_a_terminal_only() {
        // Issue #27: a build over one second printed `building…` into logs
        // and pipes, so its stderr depended on the clock.
        assert_eq!(progress_line(Duration::from_secs(1), false), None);
        assert_eq!(progress_line(Duration::from_secs(30), false), None);
        assert_eq!(
            progress_line(Duration::from_secs(2), true).as_deref(),
            Some("\r\x1b[Kbuilding… 2 s")
        );
    }

    #[test]
    fn the_summary_names_pages_sections_files_and_time() {
        let report = BuildReport {
            pages: 1,
            sections: 2,
            files: 9,
            elapsed: Duration::from_millis(12),
            ..BuildReport::default()
        };
        assert_eq!(
            summary(&report, "built"),
            "built 1 page, 2 sections, 9 files in 12 ms"
        );
    }

    #[test]
    fn the_summary_counts_warnings() {
        let report = BuildReport {
            pages: 1,
            sections: 1,
            files: 3,
            elapsed: Duration::from_millis(5),
            warnings: vec![Error::msg("a").warning(), Error::msg("b").warning()],
            ..BuildReport::default()
        };
        assert_eq!(
            summary(&report, "built"),
            "built 1 page, 1 section, 3 files in 5 ms; 2 warnings"
        );
    }
}
