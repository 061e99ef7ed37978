//! The `folio` binary: parses the command line, runs the command, and is the
//! only place that exits the process.

use std::process::ExitCode;

use clap::Parser;

use folio::build;
use folio::cli::{Cli, Command};
use folio::config;
use folio::error::Errors;
use folio::import;
use folio::init;
use folio::links::external;
use folio::report::{Format, Reporter};
use folio::serve::{self, Notice};
use std::sync::Arc;
use std::time::Duration;

/// mimalloc instead of the system allocator: a build allocates and frees
/// many small strings on every thread (issue #25 has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, by its place in `mi_option_t`
/// (`mimalloc.h`); the Rust bindings do not name it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory a render frees for the next one instead of giving it
/// back to the system after a second, for `serve`: an edit then renders into
/// memory the last edit freed, not into fresh pages the system must zero
/// (a title edit on 10,000 posts spent 10% of its time there).
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads options at each use.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let reporter = Reporter {
        verbosity: cli.verbosity(),
    };
    match run(&cli, &reporter) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            reporter.problems(&errors);
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli, reporter: &Reporter) -> Result<(), Errors> {
    let cwd = std::env::current_dir().map_err(|e| {
        Errors::from(folio::error::Error::msg("cannot read the current folder").cause(e))
    })?;
    match &cli.command {
        Command::Build(args) => {
            let config = config::load(&cwd, &args.site.overrides(args.output_dir.clone()))?;
            let report = with_progress(reporter, || build::build(&config, &args.options()))
                .map_err(|e| e.relative_to(&config.root))?;
            reporter.built(&report, "built");
            Ok(())
        }
        Command::Check(args) => {
            let config = config::load(&cwd, &args.site.overrides(None))?;
            let options = build::BuildOptions {
                include_drafts: args.drafts,
                include_future: args.future,
                ..Default::default()
            };
            let format = args.format();
            let (mut report, checked) = match build::check(&config, &options) {
                Ok(done) => done,
                Err(errors) if format == Format::Json => {
                    reporter.json_errors(&errors.relative_to(&config.root));
                    return Err(Errors::default());
                }
                Err(errors) => return Err(errors.relative_to(&config.root)),
            };
            let mut problems = checked.problems;
            if args.external {
                let mut cache = external::Cache::load(&config);
                let now = jiff::Timestamp::now().as_second();
                problems.extend(external::check(&config, &checked.external, &mut cache, now));
                if let Err(e) = cache.save(&config) {
                    reporter.problems(&Errors::from(e.relative_to(&config.root).warning()));
                }
            }
            reporter.check_problems(&report.warnings, &problems, format);
            if problems.iter().any(|p| p.is_error()) {
                return Err(Errors::default());
            }
            if format == Format::Plain {
                let link_warnings = problems.iter().map(|p| p.to_error());
                report.warnings.extend(link_warnings);
                reporter.summary(&report, "checked");
            }
            Ok(())
        }
        Command::Serve(args) => {
            keep_freed_memory();
            let reporter = *reporter;
            let open = args.open;
            let notify = move |notice: Notice| match notice {
                Notice::Listening {
                    url,
                    instead_of,
                    public,
                } => {
                    if let Some(port) = instead_of {
                        reporter.warn(&format!("port {port} is taken; using the next free one"));
                    }
                    if public {
                        reporter.warn(
                            "the site is reachable from the network, not only from this machine",
                        );
                    }
                    reporter.info(&format!("serving at {url}  (Ctrl-C to stop)"));
                    if open {
                        open_browser(&url);
                    }
                }
                Notice::Built(report) => reporter.built(&report, "built"),
                Notice::Rebuilt { changed, rebuild } => reporter.rebuilt(&changed, &rebuild),
                Notice::Failed(errors) => reporter.problems(&errors),
            };
            serve::serve(
                &cwd,
                args.site.overrides(args.output_dir.clone()),
                &args.options(),
                Arc::new(notify),
            )
        }
        Command::Init(args) => {
            let dir = cwd.join(&args.dir);
            let report = init::init(&dir, args.force)?;
            reporter.info(&format!(
                "created a site in {} ({} files{})",
                args.dir.display(),
                report.created,
                if report.kept > 0 {
                    format!(", {} existing files kept", report.kept)
                } else {
                    String::new()
                }
            ));
            reporter.info(&format!("next: cd {} && folio serve", args.dir.display()));
            Ok(())
        }
        Command::Import(args) => {
            let report = import::import(&args.options(&cwd))?;
            reporter.imported(&report, &args.source, &args.dest, args.format());
            Ok(())
        }
        Command::New(args) => {
            let overrides = config::Overrides {
                root: args.root.clone(),
                ..Default::default()
            };
            let config = config::load(&cwd, &overrides)?;
            let path = if args.path.is_absolute() {
                args.path.clone()
            } else {
                cwd.join(&args.path)
            };
            let today = jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .date()
                .to_string();
            let created = init::new_page(&config.root, &config.content_dir, &path, &today)?;
            reporter.info(&format!("created {} (a draft: `folio serve` shows it, `folio build` leaves it out until you remove `draft: true`)", created.display()));
            Ok(())
        }
    }
}

/// Opens `url` in the user's browser; a failure only costs the convenience.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Runs a long command, printing a progress line once it has taken over a
/// second (and none on short runs).
fn with_progress<T>(reporter: &Reporter, work: impl FnOnce() -> T) -> T {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let reporter = *reporter;
    let started = std::time::Instant::now();
    let ticker = std::thread::spawn(move || {
        let mut shown = false;
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            finished.recv_timeout(Duration::from_secs(1))
        {
            reporter.progress(started.elapsed());
            shown = true;
        }
        if shown {
            reporter.progress_done();
        }
    });
    let result = work();
    drop(done);
    let _ = ticker.join();
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc's default purge delay is 1000 ms (10 in version 2):
        // another option at that place would not read so.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert!(delay == 1000 || delay == 10, "option 15 reads {delay}");
    }
}
