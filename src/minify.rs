//! Minified output, for `minify: true`: HTML with minify-html, CSS (files,
//! `@import`s bundled, and `<style>`) with lightningcss.
//!
//! Text in, text out; a CSS file is read with what it imports. Whitespace
//! that shows (`<pre>`, `<textarea>`) stays, scripts stay as written, and
//! the HTML stays valid: no unquoted attribute value or entity a validator
//! refuses.

use std::path::Path;

use lightningcss::bundler::{Bundler, FileProvider, ResolveResult, SourceProvider};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};

use crate::error::{Error, Location, Result};

/// Minifies a page.
pub fn html(text: &str) -> String {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    // A script is left as written: serve's reload script, JSON-LD, a
    // theme's own.
    cfg.minify_js = false;
    let bytes = minify_html::minify(text.as_bytes(), &cfg);
    // minify-html only removes and rewrites ASCII around UTF-8 text.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Minifies a stylesheet written by folio or compiled from Sass; `origin`
/// names it in an error.
pub fn css(text: &str, origin: &Path) -> Result<String> {
    let name = origin.to_string_lossy().into_owned();
    let options = ParserOptions {
        filename: name.clone(),
        ..ParserOptions::default()
    };
    let mut sheet =
        StyleSheet::parse(text, options).map_err(|e| css_error(origin, &e.to_string(), e.loc))?;
    print(&mut sheet, origin)
}

/// Minifies a stylesheet file with every file it `@import`s by a
/// relative path put in its place; `origin` is its path from the site
/// root, for errors.
pub fn css_file(path: &Path, origin: &Path) -> Result<String> {
    let files = Imports(FileProvider::new());
    let mut bundler = Bundler::new(&files, None, ParserOptions::default());
    let mut sheet = bundler.bundle(path).map_err(|e| {
        let at = e.loc.as_ref().map(|l| Path::new(&l.filename));
        // An error in an imported file names that file.
        let origin = match (at, path.parent(), origin.parent()) {
            (Some(at), Some(dir), Some(site_dir)) if at != path => {
                site_dir.join(at.strip_prefix(dir).unwrap_or(at))
            }
            _ => origin.to_path_buf(),
        };
        css_error(&origin, &e.kind.to_string(), e.loc)
    })?;
    print(&mut sheet, origin)
}

/// Reads the files a stylesheet imports by a relative path; an import of
/// a URL (`https://…`, `//…`) or from the site root (`/…`) stays an
/// `@import`.
struct Imports(FileProvider);

impl SourceProvider for Imports {
    type Error = std::io::Error;

    fn read<'a>(&'a self, file: &Path) -> std::io::Result<&'a str> {
        self.0.read(file)
    }

    fn resolve(&self, specifier: &str, from: &Path) -> std::io::Result<ResolveResult> {
        if crate::url::is_external(specifier) || specifier.starts_with('/') {
            return Ok(ResolveResult::External(specifier.to_string()));
        }
        self.0.resolve(specifier, from)
    }
}

fn print(sheet: &mut StyleSheet<'_>, origin: &Path) -> Result<String> {
    sheet
        .minify(MinifyOptions::default())
        .map_err(|e| css_error(origin, &e.kind.to_string(), e.loc))?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| css_error(origin, &e.kind.to_string(), e.loc))?;
    Ok(printed.code)
}

fn css_error(
    origin: &Path,
    message: &str,
    at: Option<lightningcss::error::ErrorLocation>,
) -> Error {
    Error::at(
        origin,
        at.map(|at| Location {
            line: at.line as usize + 1,
            column: at.column as usize,
        }),
        format!("cannot minify the CSS: {message}"),
    )
    .help("fix the CSS at this place, or turn `minify` off in `folio.yaml`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_that_shows_and_scripts_are_kept() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>A  page</title>\n  <style>\n    body { color : red ; }\n  </style>\n</head>\n<body>\n  <p class=\"a b\">Some   <em>text</em>  here.</p>\n  <pre><code>fn  main() {\n    x\n}</code></pre>\n  <script>if (a < b && c) { go( \"x  y\" ); }</script>\n</body>\n</html>\n";
        let small = html(page);
        assert!(small.len() < page.len());
        assert!(
            small.starts_with("<!doctype html><html lang=en>"),
            "{small}"
        );
        assert!(html("<p>Use <code>a  b</code></p>").contains("<code>a  b</code>"));
        assert!(
            small.contains("<pre><code>fn  main() {\n    x\n}</code></pre>"),
            "{small}"
        );
        assert!(
            small.contains("<script>if (a < b && c) { go( \"x  y\" ); }</script>"),
            "{small}"
        );
        assert!(small.contains("<style>body{color:red}</style>"), "{small}");
        assert!(small.contains("class=\"a b\""), "{small}");
    }

    #[test]
    fn css_is_minified_and_an_error_is_placed() {
        assert_eq!(
            css(
                "a {\n  color: #ff0000;\n}\n\n/* gone */\nb { margin: 0px }\n",
                Path::new("x.css")
            )
            .unwrap(),
            "a{color:red}b{margin:0}"
        );
    }

    #[test]
    fn a_css_file_brings_its_imports_in_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("parts.css"), "b { margin: 0px }\n").unwrap();
        std::fs::write(
            dir.path().join("site.css"),
            "@import \"parts.css\";\na { color: #ff0000 }\n",
        )
        .unwrap();
        assert_eq!(
            css_file(&dir.path().join("site.css"), Path::new("static/site.css")).unwrap(),
            "b{margin:0}a{color:red}"
        );
        std::fs::write(
            dir.path().join("far.css"),
            "@import url(\"https://fonts.example/a.css\");\n@import \"/b.css\";\n@import \"parts.css\";\n",
        )
        .unwrap();
        assert_eq!(
            css_file(&dir.path().join("far.css"), Path::new("static/far.css")).unwrap(),
            "@import \"https://fonts.example/a.css\";@import \"/b.css\";b{margin:0}"
        );
        std::fs::write(dir.path().join("bad.css"), "\n@import \"nope.css\";\n").unwrap();
        let error = css_file(&dir.path().join("bad.css"), Path::new("static/bad.css")).unwrap_err();
        assert_eq!(error.path.as_deref(), Some(Path::new("static/bad.css")));
        assert!(
            error.message.starts_with("cannot minify the CSS: "),
            "{error}"
        );
    }
}
