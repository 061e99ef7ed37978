//! Minified output, for `minify: true`: HTML in one pass of folio's own,
//! CSS (files, `@import`s bundled, `<style>` and `style=""`) with
//! lightningcss.
//!
//! Text in, text out; a CSS file is read with what it imports. Whitespace
//! that shows (`<pre>`, `<textarea>`) stays, scripts stay as written, and
//! the HTML stays valid: tags and attribute values are copied as written.

use std::path::Path;

use lightningcss::bundler::{Bundler, FileProvider, ResolveResult, SourceProvider};
use lightningcss::stylesheet::{
    MinifyOptions, ParserOptions, PrinterOptions, StyleAttribute, StyleSheet,
};

use crate::error::{Error, Location, Result};

/// Minifies a page in one pass over its text.
///
/// Each run of blanks in text becomes one space, or nothing next to the
/// tag of a block (`<p>`, `</li>`, `<div>`…) or in `<head>`, where it
/// never shows; a tag keeps its attributes as written, one space apart;
/// comments go. Text inside `<pre>`, `<code>` and `<textarea>` and every
/// `<script>` stay as written, `<style>` and `style=""` go through
/// lightningcss. Nothing is added or reordered, so the page stays as valid
/// as it was.
pub fn html(text: &str) -> String {
    let mut pass = Pass {
        src: text.as_bytes(),
        pos: 0,
        out: Vec::with_capacity(text.len()),
        open: Vec::new(),
        after_block: true,
    };
    pass.run();
    // Only ASCII blanks and whole tags are dropped, so the bytes stay UTF-8.
    String::from_utf8(pass.out).unwrap_or_else(|_| text.to_string())
}

/// An open element, as far as blanks care: its name, lowercased, and
/// where it puts the text inside it.
struct Open {
    name: Name,
    /// Blanks inside show as written (`<pre>`, `<code>`, `<textarea>`).
    keeps_blanks: bool,
    /// Nothing inside shows (`<head>`).
    hidden: bool,
    /// SVG or MathML, where `<x/>` closes itself.
    foreign: bool,
}

/// A tag name, lowercased; longer names than any HTML element's are cut,
/// which only makes them unknown, like a custom element.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Name {
    bytes: [u8; 16],
    len: u8,
}

impl Name {
    fn new(raw: &[u8]) -> Name {
        let mut bytes = [0; 16];
        let len = raw.len().min(16);
        for (to, from) in bytes.iter_mut().zip(&raw[..len]) {
            *to = from.to_ascii_lowercase();
        }
        Name {
            bytes,
            len: len as u8,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The page being minified: `src[pos..]` is still to read.
struct Pass<'a> {
    src: &'a [u8],
    pos: usize,
    out: Vec<u8>,
    open: Vec<Open>,
    /// The last thing written is the start or end tag of a block, or the
    /// page's start, so blanks here would only begin a line.
    after_block: bool,
}

impl Pass<'_> {
    fn run(&mut self) {
        while self.pos < self.src.len() {
            let markup = self.next_markup(self.pos);
            if markup > self.pos {
                self.text(self.pos, markup);
                self.pos = markup;
            }
            if markup < self.src.len() {
                self.markup();
            }
        }
    }

    /// Where the next tag, comment, doctype or instruction starts, or the
    /// end: a `<` followed by anything else is text.
    fn next_markup(&self, from: usize) -> usize {
        let mut at = from;
        while let Some(i) = memchr::memchr(b'<', &self.src[at..]) {
            let i = at + i;
            match self.src.get(i + 1) {
                Some(c) if c.is_ascii_alphabetic() || matches!(c, b'!' | b'?') => return i,
                Some(b'/') if self.src.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    return i;
                }
                _ => at = i + 1,
            }
        }
        self.src.len()
    }

    fn keeps_blanks(&self) -> bool {
        self.open.last().is_some_and(|o| o.keeps_blanks)
    }

    fn hidden(&self) -> bool {
        match self.open.last() {
            None => true,
            Some(o) => o.hidden || o.name.as_bytes() == b"html",
        }
    }

    fn text(&mut self, start: usize, end: usize) {
        let text = &self.src[start..end];
        if self.keeps_blanks() {
            self.out.extend_from_slice(text);
            self.after_block = false;
            return;
        }
        let only_blanks = text.iter().all(u8::is_ascii_whitespace);
        if only_blanks && self.hidden() {
            return;
        }
        let before_block = self.block_tag_at(end);
        let mut blank = false;
        let mut wrote = false;
        for &b in text {
            if b.is_ascii_whitespace() {
                blank = true;
                continue;
            }
            if blank && (wrote || !self.after_block) && self.out.last() != Some(&b' ') {
                self.out.push(b' ');
            }
            blank = false;
            wrote = true;
            self.out.push(b);
        }
        if blank && !before_block && (wrote || !self.after_block) && self.out.last() != Some(&b' ')
        {
            self.out.push(b' ');
        }
        if wrote || blank {
            self.after_block = self.after_block && !wrote && before_block;
        }
    }

    /// Whether `at` starts a start or end tag of a block element.
    fn block_tag_at(&self, at: usize) -> bool {
        let rest = &self.src[at.min(self.src.len())..];
        let name = match rest {
            [b'<', b'/', name @ ..] | [b'<', name @ ..] => name,
            _ => return false,
        };
        let len = name
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        len > 0 && is_block(Name::new(&name[..len]).as_bytes())
    }

    /// Reads the markup at `pos`, which `next_markup` found.
    fn markup(&mut self) {
        let rest = &self.src[self.pos..];
        if rest.starts_with(b"<!--") {
            self.comment();
        } else if rest[1] == b'!' || rest[1] == b'?' {
            self.declaration();
        } else if rest[1] == b'/' {
            self.end_tag();
        } else {
            self.start_tag();
        }
    }

    fn comment(&mut self) {
        // A comment's own blanks and the comment go; an unclosed one is
        // copied, as the browser would read all of it as a comment.
        match find(self.src, self.pos + 4, b"-->") {
            Some(end) => self.pos = end + 3,
            None => self.copy_rest(),
        }
    }

    fn declaration(&mut self) {
        let rest = &self.src[self.pos..];
        let end = if rest.starts_with(b"<![CDATA[") {
            find(self.src, self.pos, b"]]>").map(|e| e + 3)
        } else {
            memchr::memchr(b'>', rest).map(|e| self.pos + e + 1)
        };
        let Some(end) = end else {
            return self.copy_rest();
        };
        let declaration = &self.src[self.pos..end];
        if declaration.eq_ignore_ascii_case(b"<!doctype html>") {
            self.out.extend_from_slice(b"<!doctype html>");
        } else {
            self.out.extend_from_slice(declaration);
        }
        self.pos = end;
    }

    fn end_tag(&mut self) {
        let Some(end) = memchr::memchr(b'>', &self.src[self.pos..]).map(|e| self.pos + e) else {
            return self.copy_rest();
        };
        let raw = &self.src[self.pos + 2..end];
        let len = raw
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(raw.len());
        let name = Name::new(&raw[..len]);
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(&raw[..len]);
        self.out.push(b'>');
        if let Some(i) = self.open.iter().rposition(|o| o.name == name) {
            self.open.truncate(i);
        }
        self.after_block = is_block(name.as_bytes());
        self.pos = end + 1;
    }

    fn start_tag(&mut self) {
        let start = self.pos + 1;
        let name_len = self.src[start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .unwrap_or(self.src.len() - start);
        let raw_name = &self.src[start..start + name_len];
        let name = Name::new(raw_name);
        let mark = self.out.len();
        self.out.push(b'<');
        self.out.extend_from_slice(raw_name);
        self.pos = start + name_len;
        let Some(self_closing) = self.attributes() else {
            self.out.truncate(mark);
            self.pos = start - 1;
            return self.copy_rest();
        };
        let foreign = self.open.last().is_some_and(|o| o.foreign)
            || matches!(name.as_bytes(), b"svg" | b"math");
        let n = name.as_bytes();
        if self_closing && foreign {
            self.out.extend_from_slice(b"/>");
            self.after_block = false;
            return;
        }
        self.out.push(b'>');
        self.after_block = is_block(n);
        if is_void(n) && !foreign {
            return;
        }
        match n {
            b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
            | b"noframes"
                if !foreign =>
            {
                self.raw_text(raw_name.len(), n)
            }
            _ => {
                let outer = self.open.last();
                self.open.push(Open {
                    name,
                    keeps_blanks: outer.is_some_and(|o| o.keeps_blanks)
                        || matches!(n, b"pre" | b"code" | b"textarea" | b"listing"),
                    hidden: outer.is_some_and(|o| o.hidden) || n == b"head",
                    foreign,
                });
            }
        }
    }

    /// Copies a start tag's attributes one space apart, each value as
    /// written but a `style`'s, up to its `>`; says whether it ended with
    /// `/>`, or `None` when the page ends first.
    fn attributes(&mut self) -> Option<bool> {
        let src = self.src;
        loop {
            while src.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
            match src.get(self.pos)? {
                b'>' => {
                    self.pos += 1;
                    return Some(false);
                }
                b'/' if src.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Some(true);
                }
                b'/' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let name_start = self.pos;
            self.pos += 1;
            while src
                .get(self.pos)
                .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
            {
                self.pos += 1;
            }
            let name = &src[name_start..self.pos];
            self.out.push(b' ');
            self.out.extend_from_slice(name);
            let mut at = self.pos;
            while src.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            if src.get(at) != Some(&b'=') {
                continue;
            }
            at += 1;
            while src.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            let value_start = at;
            match src.get(at)? {
                &q @ (b'"' | b'\'') => {
                    at += 1 + memchr::memchr(q, &src[at + 1..])? + 1;
                }
                _ => {
                    while src
                        .get(at)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        at += 1;
                    }
                }
            }
            let value = &src[value_start..at];
            self.out.push(b'=');
            match name
                .eq_ignore_ascii_case(b"style")
                .then(|| style_attribute(value))
            {
                Some(Some(style)) => self.out.extend_from_slice(style.as_bytes()),
                _ => self.out.extend_from_slice(value),
            }
            self.pos = at;
        }
    }

    /// The text of a `<script>`, `<style>`, `<textarea>` or `<title>` up
    /// to its end tag, which the browser reads as text, not as tags.
    fn raw_text(&mut self, name_len: usize, name: &[u8]) {
        let Some(end) = self.raw_text_end(name) else {
            return self.copy_rest();
        };
        let text = &self.src[self.pos..end];
        match name {
            b"style" => match std::str::from_utf8(text).ok().and_then(style_element) {
                Some(css) => self.out.extend_from_slice(css.as_bytes()),
                None => self.out.extend_from_slice(text),
            },
            b"title" => {
                let title = String::from_utf8_lossy(text);
                let words: Vec<&str> = title.split_ascii_whitespace().collect();
                self.out.extend_from_slice(words.join(" ").as_bytes());
            }
            _ => self.out.extend_from_slice(text),
        }
        // `</name` as written, then `>` past any blanks the end tag holds.
        let close = end + 2 + name_len;
        self.out.extend_from_slice(&self.src[end..close]);
        self.out.push(b'>');
        self.pos =
            memchr::memchr(b'>', &self.src[close..]).map_or(self.src.len(), |e| close + e + 1);
        self.after_block = false;
    }

    /// Where the end tag of a raw text element starts: `</name` in any
    /// case, followed by a blank, `/` or `>`.
    fn raw_text_end(&self, name: &[u8]) -> Option<usize> {
        let mut at = self.pos;
        loop {
            let i = at + find(self.src, at, b"</")? - at;
            let after = i + 2 + name.len();
            if self
                .src
                .get(i + 2..after)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
                && self
                    .src
                    .get(after)
                    .is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            {
                return Some(i);
            }
            at = i + 2;
        }
    }

    fn copy_rest(&mut self) {
        self.out.extend_from_slice(&self.src[self.pos..]);
        self.pos = self.src.len();
    }
}

/// Where `needle` first occurs in `haystack` from `from` on.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&haystack[from..], needle).map(|i| from + i)
}

/// Elements whose start and end tags begin or end a line, so the blanks
/// next to them never show.
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"body"
            | b"caption"
            | b"dd"
            | b"details"
            | b"dialog"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"html"
            | b"legend"
            | b"li"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"tr"
            | b"ul"
    )
}

/// Elements that have no end tag.
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

/// A `<style>`'s CSS minified, or `None` when lightningcss cannot read it
/// (it is then kept as written, as a browser may still read it).
fn style_element(text: &str) -> Option<String> {
    css(text, Path::new("<style>")).ok()
}

/// A quoted `style` attribute's value minified, in double quotes, or
/// `None` to keep it as written: when it holds a character reference or a
/// quote, or lightningcss cannot read it.
fn style_attribute(value: &[u8]) -> Option<String> {
    let inner = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if inner.contains(&b'&') {
        return None;
    }
    let inner = std::str::from_utf8(inner).ok()?;
    let mut style = StyleAttribute::parse(inner, ParserOptions::default()).ok()?;
    style.minify(MinifyOptions::default());
    let printed = style
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .ok()?;
    (!printed.code.contains('"')).then(|| format!("\"{}\"", printed.code))
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
            small.starts_with("<!doctype html><html lang=\"en\"><head><title>A page</title>"),
            "{small}"
        );
        assert!(
            small.contains("<p class=\"a b\">Some <em>text</em> here.</p>"),
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
    fn markup_is_copied_as_written_but_its_blanks() {
        // Comments go; blanks between inline elements stay one space.
        assert_eq!(
            html("<p>\n  <a href=\"/\">one</a>\n  <!-- note -->\n  <b>two</b>\n</p>\n"),
            "<p><a href=\"/\">one</a> <b>two</b></p>"
        );
        // A `>` inside a quoted value is not the tag's end; values stay as written.
        assert_eq!(
            html("<a  title='a > b'   href=x>go</a>"),
            "<a title='a > b' href=x>go</a>"
        );
        // SVG's self-closing tags; a textarea's text and blanks.
        assert_eq!(
            html(
                "<p><svg viewBox=\"0 0 1 1\">\n  <path d=\"M0 0\"/>\n</svg>\n<textarea>\n  a  b </textarea></p>"
            ),
            "<p><svg viewBox=\"0 0 1 1\"> <path d=\"M0 0\"/> </svg> <textarea>\n  a  b </textarea></p>"
        );
        // A style attribute goes through the CSS minifier.
        assert_eq!(
            html("<p style=\"color: #ff0000 ;  margin: 0px\">x</p>"),
            "<p style=\"color:red;margin:0\">x</p>"
        );
        // A page cut off inside a tag or comment is copied to its end.
        assert_eq!(html("<p>a</p>\n<a href=\"x"), "<p>a</p><a href=\"x");
        assert_eq!(html("<p>a</p> <!-- open"), "<p>a</p><!-- open");
        // Text with a lone `<` is text.
        assert_eq!(html("<p>1 < 2  and  3</p>"), "<p>1 < 2 and 3</p>");
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
