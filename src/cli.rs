//! The command line: clap types, turned into the options structs of each
//! command. The only module that names `clap`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::build::BuildOptions;
use crate::config::Overrides;
use crate::import::{Generator, ImportOptions, Style};
use crate::report::{Format, Verbosity};

/// folio: a fast static site generator. Markdown and YAML in, plain HTML out.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Say only what went wrong.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say what each step did.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// folio's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into `public/`.
    #[command(after_help = "Example:\n  folio build --base-url https://me.github.io/portfolio/")]
    Build(BuildArgs),
    /// Build in memory and check every internal link and anchor; writes nothing.
    #[command(after_help = "Example:\n  folio check --external")]
    Check(CheckArgs),
    /// Serve the site locally, rebuilding and reloading on every change.
    #[command(after_help = "Example:\n  folio serve --port 8080 --open")]
    Serve(ServeArgs),
    /// Create a new site with the default theme and sample content.
    #[command(after_help = "Example:\n  folio init my-site && cd my-site && folio serve")]
    Init(InitArgs),
    /// Create a page with its front matter filled in.
    #[command(after_help = "Example:\n  folio new content/projects/search-engine.md")]
    New(NewArgs),
    /// Bring a Zola, Hugo or Jekyll site over, and report what is left to do.
    #[command(
        after_help = "Example:\n  folio import ../my-jekyll-blog my-site && cd my-site && folio build"
    )]
    Import(ImportArgs),
}

/// Options every site command shares.
#[derive(Debug, Args, Clone)]
pub struct SiteArgs {
    /// The site folder (default: the nearest folder upwards holding folio.yaml).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The public URL, instead of `base_url` (it may carry a sub-path).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// `folio build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    /// The site.
    pub site: SiteArgs,
    /// Where to write (default: public/).
    #[arg(long, short, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Include pages with `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Allow an output folder outside the site, or one holding files but no
    /// `.folio-manifest` (files folio did not write are kept).
    #[arg(long)]
    pub force: bool,
    /// Fail (exit 1, nothing written) when the build has any warning.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print, per template, how many files it rendered and how long they
    /// took, with a hint where its cost grows with the site.
    #[arg(long)]
    pub template_metrics: bool,
}

/// `folio check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// The site.
    pub site: SiteArgs,
    /// Include pages with `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Also check external links over HTTP.
    #[arg(long)]
    pub external: bool,
    /// How to print problems: `plain` groups them by source file, `json`
    /// prints one JSON object per problem on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Plain)]
    pub format: FormatArg,
}

/// The values of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Lines for people, grouped by source file.
    Plain,
    /// One JSON object per problem, one per line.
    Json,
}

impl CheckArgs {
    /// How problems are printed.
    pub fn format(&self) -> Format {
        match self.format {
            FormatArg::Plain => Format::Plain,
            FormatArg::Json => Format::Json,
        }
    }
}

/// `folio serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    /// The site.
    pub site: SiteArgs,
    /// Where to write the served site (default: public/).
    #[arg(long, short, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// The port; the next free one is taken when it is busy.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the browser.
    #[arg(long)]
    pub open: bool,
    /// Leave drafts and future pages out.
    #[arg(long)]
    pub no_drafts: bool,
    /// Rebuild the whole site on every change.
    #[arg(long)]
    pub full: bool,
    /// Allow an output folder outside the site, or one holding files but no
    /// `.folio-manifest` (files folio did not write are kept).
    #[arg(long)]
    pub force: bool,
}

/// `folio init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write into a folder that is not empty (existing files are kept).
    #[arg(long)]
    pub force: bool,
}

/// `folio new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The page to create, like content/projects/x.md.
    pub path: PathBuf,
    /// The site folder.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// `folio import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The site to bring over (its folder holds `config.toml`, `hugo.toml`
    /// or `_config.yml`).
    pub source: PathBuf,
    /// The folder to write the folio site into.
    #[arg(default_value = ".")]
    pub dest: PathBuf,
    /// The generator the site is made for, when folio cannot tell.
    #[arg(long, value_enum, value_name = "GENERATOR")]
    pub from: Option<FromArg>,
    /// Write into a folder that is not empty: files of the same name are
    /// replaced, others kept.
    #[arg(long)]
    pub force: bool,
    /// Write every front matter in YAML (TOML front matter is kept otherwise).
    #[arg(long)]
    pub yaml: bool,
    /// How to print the report: `plain` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = FormatArg::Plain)]
    pub format: FormatArg,
}

/// The values of `--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FromArg {
    /// A Zola site.
    Zola,
    /// A Hugo site.
    Hugo,
    /// A Jekyll site.
    Jekyll,
}

impl ImportArgs {
    /// The import options these arguments ask for, with paths from `cwd`.
    pub fn options(&self, cwd: &std::path::Path) -> ImportOptions {
        ImportOptions {
            source: cwd.join(&self.source),
            dest: cwd.join(&self.dest),
            from: self.from.map(|f| match f {
                FromArg::Zola => Generator::Zola,
                FromArg::Hugo => Generator::Hugo,
                FromArg::Jekyll => Generator::Jekyll,
            }),
            force: self.force,
            front_matter: self.yaml.then_some(Style::Yaml),
        }
    }

    /// How the report is printed.
    pub fn format(&self) -> Format {
        match self.format {
            FormatArg::Plain => Format::Plain,
            FormatArg::Json => Format::Json,
        }
    }
}

impl Cli {
    /// How much to print.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

impl SiteArgs {
    /// The configuration overrides these arguments ask for.
    pub fn overrides(&self, output_dir: Option<PathBuf>) -> Overrides {
        Overrides {
            root: self.root.clone(),
            output_dir,
            base_url: self.base_url.clone(),
            published_url: None,
        }
    }
}

impl ServeArgs {
    /// The serve options these arguments ask for.
    pub fn options(&self) -> crate::serve::ServeOptions {
        crate::serve::ServeOptions {
            bind: self.bind.clone(),
            port: self.port,
            include_drafts: !self.no_drafts,
            full: self.full,
            force: self.force,
        }
    }
}

impl BuildArgs {
    /// The build options these arguments ask for.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            include_drafts: self.drafts,
            include_future: self.future,
            force: self.force,
            inject: None,
            deny_warnings: self.deny_warnings,
            template_metrics: self.template_metrics,
            stable_assets: false,
        }
    }
}
