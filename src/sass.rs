//! Compiles the Sass of a site and its theme with grass: each `.scss` or
//! `.sass` file under `sass/` becomes a stylesheet at the same path in the
//! output, `sass/css/site.scss` → `css/site.css`.
//!
//! A partial (`_name.scss`) is only read by the files that `@use` or
//! `@import` it. Nothing here writes: the CSS goes back to `render`, which
//! publishes it like a static file, fingerprinted by its compiled bytes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use grass_compiler as grass;

use crate::config::Config;
use crate::content::site_relative;
use crate::error::{Error, Errors, Location};

/// The folder of Sass files, under a site root or a theme.
pub const SASS_DIR: &str = "sass";

/// One stylesheet compiled from Sass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    /// Where it goes in the output: `css/site.css`.
    pub path: String,
    /// The CSS.
    pub css: String,
    /// The Sass file it comes from.
    pub source: PathBuf,
}

/// The Sass folders of a site: its theme's, then its own, so that the
/// site's win.
pub fn dirs(config: &Config) -> Vec<PathBuf> {
    config
        .theme_dir
        .iter()
        .map(|theme| theme.join(SASS_DIR))
        .chain(std::iter::once(config.root.join(SASS_DIR)))
        .collect()
}

/// Whether `path` is a Sass file, a partial or not.
pub fn is_sass(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("scss") || e.eq_ignore_ascii_case("sass"))
}

/// Compiles every Sass file that is not a partial, the theme's first;
/// returns the stylesheets and the warnings the Sass printed (`@warn`).
pub fn compile(config: &Config) -> Result<(Vec<Compiled>, Vec<Error>), Errors> {
    let mut compiled = Vec::new();
    let mut errors = Errors::default();
    let warnings = Warnings {
        root: config.root.clone(),
        found: Mutex::new(Vec::new()),
    };
    for dir in dirs(config) {
        for source in entry_points(config, &dir)? {
            let path = output_path(&dir, &source);
            let options = grass::Options::default()
                .load_path(&dir)
                .logger(&warnings)
                .style(grass::OutputStyle::Expanded);
            match grass::from_path(&source, &options) {
                Ok(css) => compiled.push(Compiled { path, css, source }),
                Err(e) => errors.push(sass_error(config, &source, *e)),
            }
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    let warnings = warnings
        .found
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    Ok((compiled, warnings))
}

/// The Sass files of `dir` that are not partials, in order.
fn entry_points(config: &Config, dir: &Path) -> Result<Vec<PathBuf>, Errors> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir);
            Error::at(
                site_relative(config, path),
                None,
                "cannot read this Sass path",
            )
            .cause(e)
        })?;
        crate::content::check_walked(config, &entry)?;
        let name = entry.file_name().to_str().unwrap_or_default();
        if entry.file_type().is_file()
            && is_sass(entry.path())
            && !name.starts_with('_')
            && !crate::content::is_ignored_name(name)
        {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// `dir/css/site.scss` → `css/site.css`.
fn output_path(dir: &Path, source: &Path) -> String {
    let relative = source
        .strip_prefix(dir)
        .unwrap_or(source)
        .with_extension("css");
    relative.to_string_lossy().replace('\\', "/")
}

/// A grass error at its file, line and column.
fn sass_error(config: &Config, source: &Path, e: grass::Error) -> Error {
    let relative = site_relative(config, source);
    match e.kind() {
        grass::ErrorKind::ParseError { message, loc, .. } => Error::at(
            site_relative(config, Path::new(loc.file.name())),
            Some(Location {
                line: loc.begin.line + 1,
                column: loc.begin.column + 1,
            }),
            format!("Sass: {message}"),
        )
        .help("fix the Sass at this place"),
        grass::ErrorKind::IoError(io) => Error::at(relative, None, "cannot read the Sass file")
            .cause(io.to_string())
            .help("check that the file is readable"),
        grass::ErrorKind::FromUtf8Error(_) => {
            Error::at(relative, None, "the Sass file is not valid UTF-8")
                .help("save the file, and the files it uses, as UTF-8")
        }
        _ => Error::at(relative, None, "cannot compile the Sass file"),
    }
}

/// Collects what the Sass says with `@warn` and `@debug`, as warnings at
/// their place.
#[derive(Debug)]
struct Warnings {
    root: PathBuf,
    found: Mutex<Vec<Error>>,
}

impl Warnings {
    fn push(&self, location: &grass::codemap::SpanLoc, message: String) {
        let file = Path::new(location.file.name());
        let file = file.strip_prefix(&self.root).unwrap_or(file);
        let warning = Error::at(
            file,
            Some(Location {
                line: location.begin.line + 1,
                column: location.begin.column + 1,
            }),
            message,
        )
        .help("the Sass prints this itself: see the line")
        .warning();
        self.found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(warning);
    }
}

impl grass::Logger for Warnings {
    fn debug(&self, location: grass::codemap::SpanLoc, message: &str) {
        self.push(&location, format!("Sass @debug: {message}"));
    }

    fn warn(&self, location: grass::codemap::SpanLoc, message: &str) {
        self.push(&location, format!("Sass @warn: {message}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sass_file_goes_to_its_path_as_css() {
        let dir = Path::new("/site/sass");
        assert_eq!(output_path(dir, &dir.join("site.scss")), "site.css");
        assert_eq!(output_path(dir, &dir.join("css/a.sass")), "css/a.css");
        assert!(is_sass(Path::new("a/_x.SCSS")));
        assert!(!is_sass(Path::new("a/x.css")));
    }
}
