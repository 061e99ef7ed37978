//! The `folio` binary: parses the command line, runs the command, and is the
//! only place that exits the process.

use std::process::ExitCode;

use clap::Parser;

use folio::build;
use folio::cli::{Cli, Command};
use folio::config;
use folio::error::Errors;
use folio::links::{self, ExternalOptions};
use folio::report::Reporter;
use folio::serve::{self, Notice};
use std::sync::Arc;
use std::time::Duration;

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
            let report = build::build(&config, &args.options())?;
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
            let (report, files) = build::check(&config, &options)?;
            if args.external {
                let external = ExternalOptions {
                    timeout: Duration::from_secs(10),
                    concurrency: 8,
                };
                let problems = links::check_external(&files, &external);
                if problems.has_errors() {
                    return Err(problems);
                }
                reporter.problems(&problems);
            }
            reporter.built(&report, "checked");
            Ok(())
        }
        Command::Serve(args) => {
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
        Command::Init(_) | Command::New(_) => Err(Errors::from(
            folio::error::Error::msg("this command is not available in this build")
                .help("use `folio build`"),
        )),
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
