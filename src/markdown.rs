//! Turns Markdown into HTML with pulldown-cmark.
//!
//! Pure text in, text out: no filesystem, no templates. Links written as
//! `@/path.md` are resolved through a callback the caller provides, and
//! root-relative URLs are given the site's base path, so the HTML is right
//! wherever it is printed. What an image is (its size, its processed
//! variants) comes from another callback, and is written here as an `<img>`
//! with `width` and `height` or a responsive `<picture>`.

use std::collections::HashSet;
use std::sync::Arc;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options as CmarkOptions,
    Parser, Tag, TagEnd,
};

use crate::highlight::{Fence, Highlighter};
use crate::html::{escape_attr, escape_text};

use crate::url::{self, Reading};

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// Wrap each heading's text in a link to itself.
    pub heading_links: bool,
    /// The base path root-relative URLs are put under: `/` or `/portfolio/`.
    pub base_path: String,
    /// Every path the site publishes, without its leading and trailing `/`
    /// (`blog/post`, `img/me.jpg`): a link that starts with the base path
    /// is read from these (`url::read_under_base_path`). Empty, such a
    /// link stays as written.
    pub site_paths: Arc<HashSet<String>>,
    /// Colours fenced code; none leaves it plain.
    pub highlighter: Option<Arc<Highlighter>>,
    /// The title of each GitHub callout (`> [!NOTE]`), in the order of
    /// `CALLOUT_KINDS`.
    pub callout_titles: [String; 5],
    /// What links that leave the site get.
    pub external_links: ExternalLinks,
    /// Whether `$…$` and `$$…$$` are LaTeX math, written as MathML.
    pub math: bool,
}

impl Default for Options {
    /// Smart punctuation and heading links on, the base path `/`, code
    /// left plain, callouts titled in English, external links as written,
    /// dollar signs as text.
    fn default() -> Self {
        Options {
            smart_punctuation: true,
            heading_links: true,
            base_path: "/".to_string(),
            site_paths: Arc::default(),
            highlighter: None,
            callout_titles: CALLOUT_KINDS.map(|(_, title)| title.to_string()),
            external_links: ExternalLinks::default(),
            math: false,
        }
    }
}

/// The five kinds of GitHub callout, by the class name folio gives each,
/// with the title GitHub shows.
pub const CALLOUT_KINDS: [(&str, &str); 5] = [
    ("note", "Note"),
    ("tip", "Tip"),
    ("important", "Important"),
    ("warning", "Warning"),
    ("caution", "Caution"),
];

/// Attributes for links that leave the site (`http:`, `https:`, `//`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExternalLinks {
    /// Open in a new tab: `target="_blank"`, with `rel="noopener"`.
    pub target_blank: bool,
    /// `rel="nofollow"`: search engines give the target no credit.
    pub no_follow: bool,
    /// `rel="noreferrer"`: the target is not told where the visitor came from.
    pub no_referrer: bool,
}

impl ExternalLinks {
    /// Whether any attribute is asked for.
    fn any(&self) -> bool {
        self.target_blank || self.no_follow || self.no_referrer
    }
}

/// The rendered HTML and what was learnt while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// The headings, nested by level.
    pub toc: Vec<Heading>,
    /// Every `id` a heading got, in order.
    pub ids: Vec<String>,
    /// Links that must be checked once every page is known.
    pub links: Vec<Link>,
    /// Words of text, code excluded.
    pub word_count: usize,
    /// Where `<!-- more -->` starts in the source, if it is there.
    pub more_at: Option<usize>,
    /// Shortcodes and Liquid tags printed as text, with where they are.
    pub literal_templates: Vec<LiteralTemplate>,
    /// Things worth a warning, such as a code block in an unknown language.
    pub notes: Vec<Note>,
    /// Problems that fail the page, such as a shortcode written wrongly.
    pub errors: Vec<Note>,
    /// Whether a code block uses the highlight palette's classes.
    pub highlighted: bool,
    /// Whether a link starting with the base path was read from the site's
    /// paths: adding or moving a page may change it.
    pub reads_site_paths: bool,
    /// Footnotes met so far.
    footnotes: Footnotes,
}

/// Something worth a warning, at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Byte offset in the source.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where it comes from, outermost first (a shortcode template's error).
    pub causes: Vec<String>,
}

/// Renders shortcodes for `to_html_with`: the caller knows the templates.
pub trait Shortcodes {
    /// Whether the shortcode takes its body as written rather than as HTML.
    fn raw_body(&self, name: &str) -> bool;
    /// Renders one call; `body` is its body, as HTML or as written.
    fn render(&self, call: &Call, body: Option<&str>) -> Result<String, Failure>;
}

/// Why a shortcode did not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where it comes from, outermost first.
    pub causes: Vec<String>,
}

/// Footnote numbers and references, so that their ids live in a namespace
/// of their own (`fn-1`, `fnref-1`) and never meet a heading's (`## 1`).
#[derive(Debug, Clone, Default)]
struct Footnotes {
    /// Label → number, in the order labels are first met (as pulldown-cmark numbers them).
    numbers: std::collections::HashMap<String, usize>,
    /// Label → references written so far.
    references: std::collections::HashMap<String, usize>,
}

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    /// The markup of a reference: its own id, and a link to the note.
    fn reference(&mut self, label: &str, ids: &mut Vec<String>) -> String {
        let number = self.number(label);
        let seen = self.references.entry(label.to_string()).or_default();
        *seen += 1;
        let id = match *seen {
            1 => format!("fnref-{label}"),
            n => format!("fnref-{label}-{n}"),
        };
        let markup = format!(
            "<sup class=\"footnote-reference\" id=\"{}\"><a href=\"#fn-{}\">{number}</a></sup>",
            escape_attr(&id),
            escape_attr(label)
        );
        ids.push(id);
        markup
    }

    /// The markup that opens a note: its number links back to where the
    /// note is first referenced.
    fn definition(&mut self, label: &str, ids: &mut Vec<String>) -> String {
        let number = self.number(label);
        let id = format!("fn-{label}");
        let markup = format!(
            "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\"><a href=\"#fnref-{}\">{number}</a></sup>",
            escape_attr(&id),
            escape_attr(label)
        );
        ids.push(id);
        markup
    }
}

/// A heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's `id`.
    pub id: String,
    /// Its text.
    pub title: String,
    /// Headings of a deeper level below it.
    pub children: Vec<Heading>,
}

/// A link to check: to another page (`@/x.md#id`) or to an anchor of this one (`#id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target page's path relative to `content/`, or empty for this page.
    pub page: String,
    /// The anchor, without `#`.
    pub fragment: Option<String>,
    /// Whether the page part resolved.
    pub resolved: bool,
    /// Byte offset of the link in the source.
    pub offset: usize,
}

mod literal;
mod math;
mod shortcode;

pub use literal::{LiteralTemplate, TemplateKind, find_literal_templates};
pub use shortcode::{Arg, Call};

/// A fenced code block's info string, read the way Zola, Hugo and mdBook
/// write it: the language is the first word, and what follows
/// (```` ```rust,linenos,hl_lines=1 3 ````) is kept for a highlighter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceInfo {
    /// The language: `rust`; none for a bare fence.
    pub language: Option<String>,
    /// What follows the language, in order: `linenos` is `("linenos",
    /// None)`, `hl_lines=1 3` is `("hl_lines", Some("1 3"))`.
    pub attributes: Vec<(String, Option<String>)>,
}

impl FenceInfo {
    /// Reads an info string. The language ends at a comma or a space;
    /// attributes are separated by commas when there is one, else by spaces.
    pub fn parse(info: &str) -> FenceInfo {
        let info = info.trim();
        let end = info.find([',', ' ', '\t']).unwrap_or(info.len());
        let language = Some(info[..end].to_string()).filter(|l| !l.is_empty());
        let rest = info[end..].trim_start_matches([',', ' ', '\t']);
        let parts: Vec<&str> = if rest.contains(',') {
            rest.split(',').collect()
        } else {
            rest.split_whitespace().collect()
        };
        let attributes = parts
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((name, value)) => (name.trim().to_string(), Some(value.trim().to_string())),
                None => (p.to_string(), None),
            })
            .collect();
        FenceInfo {
            language,
            attributes,
        }
    }
}

/// What the caller knows of an image a page shows: enough to write its
/// `<img>`, or a `<picture>` when it has sources or a `srcset`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    /// The `<img>`'s `src`.
    pub src: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// `<source>` elements before it: media type and `srcset`.
    pub sources: Vec<(String, String)>,
    /// The `<img>`'s own `srcset`.
    pub srcset: Option<String>,
    /// The `sizes` of every `srcset`.
    pub sizes: Option<String>,
    /// The `<img>`'s `class`.
    pub class: Option<String>,
}

impl Picture {
    /// Writes the image: a lazy `<img>` with its size, inside a
    /// `<picture>` when there are sources.
    pub fn to_html(&self, alt: &str, title: Option<&str>, eager: bool) -> String {
        let sizes = self
            .sizes
            .as_deref()
            .map(|s| format!(" sizes=\"{}\"", escape_attr(s)))
            .unwrap_or_default();
        let mut img = format!("<img src=\"{}\"", escape_attr(&self.src));
        if let Some(srcset) = &self.srcset {
            img.push_str(&format!(" srcset=\"{}\"{sizes}", escape_attr(srcset)));
        }
        img.push_str(&format!(" alt=\"{}\"", escape_attr(alt)));
        if let Some(class) = &self.class {
            img.push_str(&format!(" class=\"{}\"", escape_attr(class)));
        }
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            img.push_str(&format!(" title=\"{}\"", escape_attr(title)));
        }
        let loading = if eager { "eager" } else { "lazy" };
        img.push_str(&format!(
            " width=\"{}\" height=\"{}\" loading=\"{loading}\" decoding=\"async\">",
            self.width, self.height
        ));
        if self.sources.is_empty() {
            return img;
        }
        let mut html = String::from("<picture>");
        for (kind, srcset) in &self.sources {
            html.push_str(&format!(
                "<source type=\"{}\" srcset=\"{}\"{sizes}>",
                escape_attr(kind),
                escape_attr(srcset)
            ));
        }
        html.push_str(&img);
        html.push_str("</picture>");
        html
    }
}

/// Tells what an image is: given its URL as written and its byte offset in
/// the source, returns its picture, or `None` to leave it as written.
pub type ImageFacts<'a> = &'a dyn Fn(&str, usize) -> Option<Picture>;

/// Whether raw HTML is the marker that ends a page's summary: the comment
/// `<!-- more -->`, with or without its spaces (`<!--more-->` is Hugo's
/// and Jekyll's way of writing it).
fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inside| inside.trim() == "more")
}

/// Renders `source`; `resolve` maps `projects/x.md` to that page's URL path.
pub fn to_html(
    source: &str,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Rendered {
    render_markdown(source, options, resolve, &|_, _| None)
}

/// Renders `source` like `to_html`, and each shortcode call in it through
/// `shortcodes`. Calls are swapped for placeholders the Markdown keeps (an
/// HTML comment for a call, which stays a block of its own on a line of its
/// own; private-use characters for an escaped call), the Markdown is
/// rendered, and each placeholder is swapped for the call's HTML, inner
/// calls first so that a body holds its shortcodes' output. Every offset in
/// the result is one of `source`.
pub fn to_html_with(
    source: &str,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    shortcodes: &dyn Shortcodes,
) -> Rendered {
    to_html_with_images(source, options, resolve, shortcodes, &|_, _| None)
}

/// Renders `source` like `to_html_with`, writing each image `images` knows
/// as its picture.
pub fn to_html_with_images(
    source: &str,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    shortcodes: &dyn Shortcodes,
    images: ImageFacts<'_>,
) -> Rendered {
    let (found, problems) = shortcode::find(source);
    if found.is_empty() && problems.is_empty() {
        return render_markdown(source, options, resolve, images);
    }
    let plan = Placeholders::new(source, &found, shortcodes);
    let in_source = |url: &str, offset: usize| images(url, plan.source_offset(offset));
    let mut out = render_markdown(&plan.text, options, resolve, &in_source);
    plan.remap(&mut out);
    out.errors.extend(problems.into_iter().map(|p| Note {
        offset: p.offset,
        message: p.message,
        help: p.help,
        causes: Vec::new(),
    }));
    out.html = plan.fill(
        std::mem::take(&mut out.html),
        source,
        shortcodes,
        &mut out.errors,
    );
    out
}

/// `source` with its shortcodes swapped for placeholders, and how to undo it.
struct Placeholders<'a> {
    /// The text Markdown renders.
    text: String,
    /// Original range → range in `text`, in order.
    swaps: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    /// What each placeholder stands for, by number.
    pieces: Vec<Piece<'a>>,
}

enum Piece<'a> {
    /// A call rendered whole: inline, or with a body taken as written.
    Whole(&'a Call),
    /// A call whose body is Markdown between two placeholders.
    Around(&'a Call),
    /// An escaped call, printed as written.
    Escaped(&'a str),
}

const ESCAPE_OPEN: char = '\u{E000}';
const ESCAPE_CLOSE: char = '\u{E001}';
const INLINE_OPEN: char = '\u{E002}';
const INLINE_CLOSE: char = '\u{E003}';

/// The placeholder of a tag: an HTML comment when the tag is alone on its
/// line (Markdown keeps it as a block, so a shortcode's block of HTML is
/// not put in a paragraph), else private-use characters that stay text.
fn placeholder(source: &str, range: &std::ops::Range<usize>, what: &str, n: usize) -> String {
    let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i);
    let before = &source[line_start..range.start];
    let alone = before.trim_start_matches([' ', '\t', '>']).is_empty()
        && source[range.end..line_end].trim().is_empty();
    if alone {
        format!("<!--folio-{what}-{n}-->")
    } else {
        format!("{INLINE_OPEN}{what}-{n}{INLINE_CLOSE}")
    }
}

/// Finds the placeholder of tag `what` of piece `n`, whichever form it took.
fn find_placeholder(html: &str, from: usize, what: &str, n: usize) -> Option<(usize, usize)> {
    [
        format!("<!--folio-{what}-{n}-->"),
        format!("{INLINE_OPEN}{what}-{n}{INLINE_CLOSE}"),
    ]
    .iter()
    .find_map(|marker| {
        html[from..]
            .find(marker.as_str())
            .map(|i| (from + i, from + i + marker.len()))
    })
}

impl<'a> Placeholders<'a> {
    fn new(source: &str, found: &'a [shortcode::Found], shortcodes: &dyn Shortcodes) -> Self {
        let mut swaps: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        let mut pieces = Vec::new();
        // A body taken as written swallows the calls inside it.
        let mut swallowed_until = 0;
        for item in found {
            match item {
                shortcode::Found::Escaped { range, text } if range.start >= swallowed_until => {
                    let n = pieces.len();
                    pieces.push(Piece::Escaped(text));
                    swaps.push((range.clone(), format!("{ESCAPE_OPEN}{n}{ESCAPE_CLOSE}")));
                }
                shortcode::Found::Call(call) if call.open.start >= swallowed_until => {
                    let n = pieces.len();
                    match &call.close {
                        Some(close) if !shortcodes.raw_body(&call.name) => {
                            pieces.push(Piece::Around(call));
                            swaps.push((
                                call.open.clone(),
                                placeholder(source, &call.open, "open", n),
                            ));
                            swaps.push((close.clone(), placeholder(source, close, "close", n)));
                        }
                        _ => {
                            pieces.push(Piece::Whole(call));
                            swaps.push((
                                call.range(),
                                placeholder(source, &call.range(), "call", n),
                            ));
                            swallowed_until = call.range().end;
                        }
                    }
                }
                _ => {}
            }
        }
        swaps.sort_by_key(|(range, _)| range.start);
        let mut text = String::with_capacity(source.len());
        let mut copied = 0;
        let mut mapped = Vec::with_capacity(swaps.len());
        for (range, placeholder) in swaps {
            text.push_str(&source[copied..range.start]);
            let start = text.len();
            text.push_str(&placeholder);
            mapped.push((range.clone(), start..text.len()));
            copied = range.end;
        }
        text.push_str(&source[copied..]);
        Placeholders {
            text,
            swaps: mapped,
            pieces,
        }
    }

    /// The offset in the source of an offset in the placeholder text.
    fn source_offset(&self, offset: usize) -> usize {
        let before = self.swaps.partition_point(|(_, new)| new.start <= offset);
        match before.checked_sub(1).map(|i| &self.swaps[i]) {
            None => offset,
            Some((old, new)) if offset < new.end => old.start,
            Some((old, new)) => old.end + (offset - new.end),
        }
    }

    fn remap(&self, out: &mut Rendered) {
        for link in &mut out.links {
            link.offset = self.source_offset(link.offset);
        }
        for note in out.notes.iter_mut().chain(&mut out.errors) {
            note.offset = self.source_offset(note.offset);
        }
        for literal in &mut out.literal_templates {
            literal.range =
                self.source_offset(literal.range.start)..self.source_offset(literal.range.end);
        }
        out.more_at = out.more_at.map(|at| self.source_offset(at));
    }

    /// Swaps each placeholder in `html` for what it stands for.
    fn fill(
        &self,
        mut html: String,
        source: &str,
        shortcodes: &dyn Shortcodes,
        errors: &mut Vec<Note>,
    ) -> String {
        // Later calls first: a body's own calls are done before it is.
        for (n, piece) in self.pieces.iter().enumerate().rev() {
            let (what, call) = match piece {
                Piece::Escaped(text) => {
                    let marker = format!("{ESCAPE_OPEN}{n}{ESCAPE_CLOSE}");
                    html = html.replacen(&marker, &escape_text(text), 1);
                    continue;
                }
                Piece::Whole(call) => ("call", *call),
                Piece::Around(call) => ("open", *call),
            };
            let Some((start, open_end)) = find_placeholder(&html, 0, what, n) else {
                errors.push(unplaced(call));
                continue;
            };
            let (end, body) = match piece {
                Piece::Around(_) => {
                    let Some((close, close_end)) = find_placeholder(&html, open_end, "close", n)
                    else {
                        errors.push(unplaced(call));
                        continue;
                    };
                    (close_end, Some(html[open_end..close].to_string()))
                }
                _ => (open_end, call.body(source).map(str::to_string)),
            };
            match shortcodes.render(call, body.as_deref()) {
                Ok(output) => html.replace_range(start..end, &output),
                Err(failure) => {
                    errors.push(Note {
                        offset: call.open.start,
                        message: failure.message,
                        help: failure.help,
                        causes: failure.causes,
                    });
                    html.replace_range(start..end, "");
                }
            }
        }
        html
    }
}

fn unplaced(call: &Call) -> Note {
    Note {
        offset: call.open.start,
        message: format!("shortcode `{}` cannot be placed here", call.name),
        help: "put the call on a line of its own, or inside a paragraph".to_string(),
        causes: Vec::new(),
    }
}

/// Renders Markdown with no shortcodes to render.
fn render_markdown(
    source: &str,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    images: ImageFacts<'_>,
) -> Rendered {
    let mut flags = CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_GFM
        | CmarkOptions::ENABLE_DEFINITION_LIST;
    if options.smart_punctuation {
        flags |= CmarkOptions::ENABLE_SMART_PUNCTUATION;
    }
    if options.math {
        flags |= CmarkOptions::ENABLE_MATH;
    }
    let mut out = Rendered {
        literal_templates: find_literal_templates(source),
        ..Rendered::default()
    };
    // `x^{{2}}` is math, not a template of another generator.
    if options.math && !out.literal_templates.is_empty() {
        let math = math_ranges(source);
        out.literal_templates
            .retain(|l| !math.iter().any(|m| m.contains(&l.range.start)));
    }
    // Smart punctuation must not curl the quotes of a shortcode's arguments.
    let literals: Vec<std::ops::Range<usize>> = if options.smart_punctuation {
        out.literal_templates
            .iter()
            .map(|l| l.range.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    let mut html = String::with_capacity(source.len() * 3 / 2);
    {
        // Events stream straight into the HTML writer; only a heading's
        // events wait, until its text (and so its id) is known.
        let mut parser = Parser::new_ext(source, flags).into_offset_iter();
        let mut queue: std::collections::VecDeque<Event<'_>> = std::collections::VecDeque::new();
        let out = &mut out;
        let flat = &mut flat;
        let unique = &mut UniqueIds::default();
        // A task's checkbox and its text are one `<label>`, so the box has
        // a name for screen readers; it ends before a nested list.
        let mut in_task = false;
        // The first image may be the largest thing the visitor sees first:
        // it loads at once, and the others when they are scrolled to.
        let mut seen_image = false;
        let events = std::iter::from_fn(|| {
            loop {
                if let Some(event) = queue.pop_front() {
                    return Some(event);
                }
                let (mut event, range) = parser.next()?;
                if let Event::TaskListMarker(checked) = event {
                    in_task = true;
                    let checked = if checked { " checked" } else { "" };
                    return Some(Event::InlineHtml(
                        format!(
                            "<label class=\"task\"><input type=\"checkbox\" disabled{checked}> "
                        )
                        .into(),
                    ));
                }
                if in_task
                    && matches!(
                        event,
                        Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(Tag::List(_))
                    )
                {
                    in_task = false;
                    queue.push_back(event);
                    return Some(Event::InlineHtml("</label>".into()));
                }
                if let Event::Start(Tag::CodeBlock(kind)) = &event {
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let html = code_block(&mut parser, &info, range.start, options, out);
                    return Some(Event::Html(html.into()));
                }
                let picture = match &event {
                    Event::Start(Tag::Image { dest_url, .. }) => images(dest_url, range.start),
                    _ => None,
                };
                keep_as_written(&mut event, &range, source, &literals);
                inspect(&mut event, range.start, options, resolve, out);
                if let Event::Start(Tag::Image {
                    dest_url, title, ..
                }) = &event
                {
                    let first = !seen_image;
                    seen_image = true;
                    let mut alt = String::new();
                    let mut depth = 0usize;
                    for (mut inner, range) in parser.by_ref() {
                        keep_as_written(&mut inner, &range, source, &literals);
                        match &inner {
                            Event::Start(Tag::Image { .. }) => depth += 1,
                            Event::End(TagEnd::Image) if depth == 0 => break,
                            Event::End(TagEnd::Image) => depth -= 1,
                            Event::Text(t) | Event::Code(t) => alt.push_str(t),
                            Event::SoftBreak | Event::HardBreak => alt.push(' '),
                            _ => {}
                        }
                        inspect(&mut inner, range.start, options, resolve, out);
                    }
                    let html = match picture {
                        Some(picture) => picture.to_html(&alt, Some(title), first),
                        None => plain_image(dest_url, &alt, title, !first),
                    };
                    return Some(Event::InlineHtml(html.into()));
                }
                let Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) = event
                else {
                    mark_external(&mut event, options.external_links);
                    return Some(event);
                };
                let mut pending = PendingHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    inner: Vec::new(),
                };
                for (mut event, range) in parser.by_ref() {
                    if matches!(event, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    keep_as_written(&mut event, &range, source, &literals);
                    inspect(&mut event, range.start, options, resolve, out);
                    pending.inner.push(event);
                }
                let mut emitted = Vec::new();
                let (level, id, github, title) = pending.emit(&mut emitted, options, unique);
                out.ids.push(id.clone());
                out.ids.extend(github);
                flat.push((level, id, title));
                queue.extend(emitted);
            }
        });
        pulldown_cmark::html::push_html(&mut html, events);
    }
    out.html = html;
    out.toc = nest(&flat);
    out
}

/// An image folio knows nothing of, written as pulldown-cmark writes it,
/// with `loading="lazy"` and `decoding="async"` when `lazy`.
fn plain_image(url: &str, alt: &str, title: &str, lazy: bool) -> String {
    let mut html = String::from("<img src=\"");
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut html, url);
    html.push_str("\" alt=\"");
    html.push_str(&escape_attr(alt));
    if !title.is_empty() {
        html.push_str("\" title=\"");
        html.push_str(&escape_attr(title));
    }
    html.push('"');
    if lazy {
        html.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    html.push_str(" />");
    html
}

/// Writes the opening of a link that leaves the site (`http:`, `https:`
/// or `//`) with the attributes `links` asks for; other links are left to
/// pulldown-cmark, whose `</a>` closes both.
fn mark_external(event: &mut Event<'_>, links: ExternalLinks) {
    if !links.any() {
        return;
    }
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        title,
        ..
    }) = event
    else {
        return;
    };
    if *link_type == LinkType::Email || !(url::is_http(dest_url) || dest_url.starts_with("//")) {
        return;
    }
    let mut html = String::from("<a href=\"");
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut html, dest_url);
    html.push('"');
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    if links.target_blank {
        html.push_str(" target=\"_blank\"");
    }
    let rel: Vec<&str> = [
        (links.target_blank, "noopener"),
        (links.no_follow, "nofollow"),
        (links.no_referrer, "noreferrer"),
    ]
    .into_iter()
    .filter_map(|(wanted, value)| wanted.then_some(value))
    .collect();
    if !rel.is_empty() {
        html.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
    }
    html.push('>');
    *event = Event::InlineHtml(html.into());
}

/// A formula (its text starts at `offset` of the source) as MathML; a
/// display formula is a block of its own, which scrolls sideways when it
/// is wider than the page. An error leaves it out and fails the page.
fn math_html<'a>(tex: &str, display: bool, offset: usize, out: &mut Rendered) -> Event<'a> {
    match math::to_mathml(tex, display) {
        Ok(mathml) if display => {
            Event::InlineHtml(format!("<span class=\"math-display\">{mathml}</span>").into())
        }
        Ok(mathml) => Event::InlineHtml(mathml.into()),
        Err(error) => {
            out.errors.push(Note {
                offset: offset + error.offset,
                message: error.message,
                help: "fix the LaTeX; to write a dollar sign as text, write `\\$`".to_string(),
                causes: Vec::new(),
            });
            Event::Text(CowStr::Borrowed(""))
        }
    }
}

/// The opening of a GitHub callout (`> [!NOTE]`): a note with its title.
fn callout_open(kind: BlockQuoteKind, options: &Options) -> String {
    let index = match kind {
        BlockQuoteKind::Note => 0,
        BlockQuoteKind::Tip => 1,
        BlockQuoteKind::Important => 2,
        BlockQuoteKind::Warning => 3,
        BlockQuoteKind::Caution => 4,
    };
    format!(
        "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
        CALLOUT_KINDS[index].0,
        escape_text(&options.callout_titles[index])
    )
}

/// Where formulas are, in source bytes.
fn math_ranges(source: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(source, CmarkOptions::ENABLE_MATH)
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::InlineMath(_) | Event::DisplayMath(_)))
        .map(|(_, range)| range)
        .collect()
}

/// Puts back the text as written where smart punctuation changed it inside
/// one of `literals` (`"` for `“`, `--` for `–`).
fn keep_as_written(
    event: &mut Event<'_>,
    range: &std::ops::Range<usize>,
    source: &str,
    literals: &[std::ops::Range<usize>],
) {
    if literals.is_empty() {
        return;
    }
    let Event::Text(text) = event else {
        return;
    };
    let smart = ["“", "”", "‘", "’", "–", "—", "…"];
    if smart.contains(&text.as_ref())
        && literals
            .iter()
            .any(|l| l.start <= range.start && range.end <= l.end)
        && let Some(written) = source.get(range.clone())
    {
        *text = written.to_string().into();
    }
}

/// Renders a code block whose opening event was just read: its text up to
/// the closing event, highlighted when the options carry a highlighter.
fn code_block<'a>(
    parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
    info: &str,
    offset: usize,
    options: &Options,
    out: &mut Rendered,
) -> String {
    let mut code = String::new();
    for (event, _) in parser.by_ref() {
        match event {
            Event::Text(text) => code.push_str(&text),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    let code = unescape_calls(&code);
    let read = FenceInfo::parse(info);
    let fence = Fence::new(read.language, &read.attributes);
    for problem in &fence.problems {
        out.notes.push(Note {
            offset,
            message: format!("code block: {problem}"),
            help: "write the fence like ```rust,linenos,hl_lines=3 5-7```".to_string(),
            causes: Vec::new(),
        });
    }
    let block = match &options.highlighter {
        Some(highlighter) => highlighter.block(&code, info, &fence),
        None => Highlighter::plain(&code, &fence),
    };
    out.highlighted |= block.coloured;
    if let Some(language) = block.unknown_language {
        out.notes.push(Note {
            offset,
            message: format!("no grammar for the language `{language}`: the block stays plain"),
            help: "name a language folio knows (see the guide's highlighting chapter), or `text`"
                .to_string(),
            causes: Vec::new(),
        });
    }
    block.html
}

/// Rewrites link and image URLs and counts words, as each event passes.
///
/// Works on the event in place: events are large, and moving each one in
/// and out of a function cost more than the work itself.
fn inspect(
    event: &mut Event<'_>,
    offset: usize,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    out: &mut Rendered,
) {
    match event {
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
            let url = std::mem::replace(dest_url, CowStr::Borrowed(""));
            *dest_url = rewrite_url(url, offset, options, resolve, out);
        }
        Event::FootnoteReference(label) => {
            let markup = out.footnotes.reference(label, &mut out.ids);
            *event = Event::InlineHtml(markup.into());
        }
        Event::Start(Tag::FootnoteDefinition(label)) => {
            let markup = out.footnotes.definition(label, &mut out.ids);
            *event = Event::Html(markup.into());
        }
        Event::End(TagEnd::FootnoteDefinition) => *event = Event::Html("</div>\n".into()),
        Event::InlineMath(tex) => *event = math_html(tex, false, offset + 1, out),
        Event::DisplayMath(tex) => *event = math_html(tex, true, offset + 2, out),
        Event::Start(Tag::BlockQuote(Some(kind))) => {
            *event = Event::Html(callout_open(*kind, options).into());
        }
        Event::End(TagEnd::BlockQuote(Some(_))) => *event = Event::Html("</div>\n".into()),
        Event::Code(code) if code.contains("/*") => {
            *code = unescape_calls(code).into_owned().into();
        }
        Event::Text(text) => out.word_count += count_words(text),
        Event::Html(html) | Event::InlineHtml(html)
            if out.more_at.is_none() && is_more_marker(html) =>
        {
            out.more_at = Some(offset);
        }
        Event::Html(html) | Event::InlineHtml(html) => {
            out.ids.extend(html_ids(html));
            if html.contains("@/") {
                let rewritten = rewrite_html_links(html, offset, options, resolve, out);
                *html = rewritten.into();
            }
        }
        _ => {}
    }
}

/// Raw HTML with each `@/` link of an attribute (`<a href="@/b.md">`,
/// `<img src="@/p/x.png">`) resolved like a Markdown link, so that none
/// ships as written; one that points at nothing is recorded to fail the
/// build at its place.
fn rewrite_html_links(
    html: &str,
    offset: usize,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    out: &mut Rendered,
) -> String {
    let mut written = String::with_capacity(html.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = html[from..].find("@/") {
        let at = from + i;
        from = at + 2;
        let Some(quote) = html[..at]
            .chars()
            .next_back()
            .filter(|q| matches!(q, '"' | '\''))
        else {
            continue;
        };
        let before = html[..at - 1].trim_end();
        let Some(attribute) = before.strip_suffix('=').map(str::trim_end) else {
            continue;
        };
        let name = attribute
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(name.as_str(), "href" | "src" | "poster") {
            continue;
        }
        let Some(len) = html[at..].find(quote) else {
            continue;
        };
        let url = &html[at..at + len];
        let resolved = rewrite_url(CowStr::Borrowed(url), offset + at, options, resolve, out);
        written.push_str(&html[copied..at]);
        written.push_str(&escape_attr(&resolved));
        copied = at + len;
        from = copied;
    }
    written.push_str(&html[copied..]);
    written
}

/// The ids raw HTML written in Markdown gives (`<a id="x">`, `<h2
/// id='y'>`, `<a name="z">`): somewhere a `#fragment` can point.
fn html_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let lower = html.to_ascii_lowercase();
    for name in [" id=", " name=", "\tid=", "\nid="] {
        for (at, _) in lower.match_indices(name) {
            let in_tag = lower[..at].rfind('<') > lower[..at].rfind('>');
            if name == " name="
                && !lower[..at]
                    .rfind('<')
                    .is_some_and(|i| lower[i..].starts_with("<a "))
            {
                continue;
            }
            let rest = &html[at + name.len()..];
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next(),
                _ => rest.split([' ', '>', '/', '\t', '\n']).next(),
            };
            if let Some(value) = value.filter(|v| in_tag && !v.is_empty()) {
                ids.push(value.to_string());
            }
        }
    }
    ids
}

/// Code with Zola's escaped shortcode calls (`{{/* x() */}}`,
/// `{%/* x() */%}`, `{%/* end */%}`) printed as calls, as Zola prints them
/// in code too. Only what is shaped like a call is touched: a Go template comment
/// `{{/* a note */}}` stays as written.
fn unescape_calls(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.contains("{{/*") && !code.contains("{%/*") {
        return code.into();
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let unescaped = [("{{/*", "*/}}", "{{", "}}"), ("{%/*", "*/%}", "{%", "%}")]
            .into_iter()
            .find_map(|(open, close, left, right)| {
                let inner = tail.strip_prefix(open)?;
                let end = inner.find(close)?;
                is_call_shaped(&inner[..end]).then(|| {
                    (
                        format!("{left}{}{right}", &inner[..end]),
                        open.len() + end + close.len(),
                    )
                })
            });
        match unescaped {
            Some((call, used)) => {
                out.push_str(&call);
                rest = &tail[used..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Whether the text inside an escape is a call, `name(…)`, or `end`.
fn is_call_shaped(inner: &str) -> bool {
    let inner = inner.trim();
    if inner == "end" {
        return true;
    }
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    name_end > 0 && inner[name_end..].trim_start().starts_with('(') && inner.ends_with(')')
}

/// Counts words: runs of bytes above the space character. Control bytes
/// count as blanks. Every byte of every page's text goes through it, so it
/// is written to vectorize: each chunk of 255 pairs is counted in `u8`
/// lanes (32 at a time), without branches, and only the chunk's sum is
/// widened.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let mut starts = usize::from(first > b' ');
    for (before, at) in bytes.chunks(255).zip(bytes[1..].chunks(255)) {
        let chunk = before
            .iter()
            .zip(at)
            .map(|(&b, &a)| u8::from(b <= b' ') & u8::from(a > b' '))
            .fold(0u8, u8::wrapping_add);
        starts += usize::from(chunk);
    }
    starts
}

struct PendingHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    inner: Vec<Event<'a>>,
}

impl<'a> PendingHeading<'a> {
    fn emit(
        self,
        events: &mut Vec<Event<'a>>,
        options: &Options,
        ids: &mut UniqueIds,
    ) -> (u8, String, Option<String>, String) {
        let level = self.level as u8;
        let mut title = String::new();
        let mut has_link = false;
        for event in &self.inner {
            match event {
                Event::Text(t) | Event::Code(t) => title.push_str(t),
                Event::Start(Tag::Link { .. }) => has_link = true,
                _ => {}
            }
        }
        // A shortcode's output is not known yet: its placeholder gives the
        // heading no words, and may hold a link, which a link cannot wrap.
        if title.contains([INLINE_OPEN, ESCAPE_OPEN]) {
            has_link |= title.contains(INLINE_OPEN);
            title = without_placeholders(&title)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
        }
        let wanted = match &self.id {
            Some(id) => id.to_string(),
            None => {
                let slug = url::slugify(&title);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            }
        };
        let id = ids.claim(&wanted);
        // A heading with an emoji also answers to GitHub's id, so that
        // links into a README moved into the site keep working.
        let github = (self.id.is_none() && title.chars().any(is_emoji))
            .then(|| github_slug(&title))
            .filter(|g| !g.is_empty() && *g != wanted)
            .map(|g| ids.claim(&g));
        let mut open = format!("<h{level} id=\"{}\"", escape_attr(&id));
        if !self.classes.is_empty() {
            let classes: Vec<&str> = self.classes.iter().map(|c| c.as_ref()).collect();
            open.push_str(&format!(" class=\"{}\"", escape_attr(&classes.join(" "))));
        }
        for (name, value) in &self.attrs {
            match value {
                Some(v) => open.push_str(&format!(" {}=\"{}\"", escape_attr(name), escape_attr(v))),
                None => open.push_str(&format!(" {}", escape_attr(name))),
            }
        }
        open.push('>');
        if let Some(github) = &github {
            open.push_str(&format!("<span id=\"{}\"></span>", escape_attr(github)));
        }
        let linked = options.heading_links && !has_link;
        if linked {
            open.push_str(&format!(
                "<a class=\"heading-link\" href=\"#{}\">",
                escape_attr(&id)
            ));
        }
        events.push(Event::Html(open.into()));
        events.extend(self.inner.into_iter().map(|mut event| {
            mark_external(&mut event, options.external_links);
            event
        }));
        let close = if linked {
            format!("</a></h{level}>\n")
        } else {
            format!("</h{level}>\n")
        };
        events.push(Event::Html(close.into()));
        (level, id, github, title)
    }
}

/// `text` without the placeholders of shortcode calls and escaped calls.
fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            INLINE_OPEN | ESCAPE_OPEN => inside = true,
            INLINE_CLOSE | ESCAPE_CLOSE => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The id GitHub gives a heading: lower case, everything but letters,
/// digits, `-`, `_` and spaces dropped, each space a `-` (`✨ Features` →
/// `-features`). Headings get Zola's ids (`Async Rust (🦀)` →
/// `async-rust-crab`), the slug of their text, and an emoji heading
/// answers to this one too.
fn github_slug(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Emoji and the joiners and selectors that build them.
fn is_emoji(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0xFE0F | 0x200D
    )
}

/// The ids a page's headings got so far and, for each wanted id, the next
/// suffix to try: n headings with one title take n steps, not n³.
#[derive(Default)]
struct UniqueIds {
    taken: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    /// Returns `wanted`, or `wanted-N` with the smallest N not taken yet.
    /// Ids are only ever added, so a suffix once skipped stays taken and
    /// the counter never has to look back.
    fn claim(&mut self, wanted: &str) -> String {
        let id = if self.taken.contains(wanted) {
            let next = self.next.entry(wanted.to_string()).or_insert(1);
            loop {
                let candidate = format!("{wanted}-{next}");
                *next += 1;
                if !self.taken.contains(&candidate) {
                    break candidate;
                }
            }
        } else {
            wanted.to_string()
        };
        self.taken.insert(id.clone());
        id
    }
}

fn nest(flat: &[(u8, String, String)]) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        insert_heading(&mut roots, heading);
    }
    roots
}

fn insert_heading(list: &mut Vec<Heading>, heading: Heading) {
    match list.last_mut() {
        Some(last) if last.level < heading.level => insert_heading(&mut last.children, heading),
        _ => list.push(heading),
    }
}

fn rewrite_url<'a>(
    url: CowStr<'a>,
    offset: usize,
    options: &Options,
    resolve: &dyn Fn(&str) -> Option<String>,
    out: &mut Rendered,
) -> CowStr<'a> {
    let links = &mut out.links;
    if let Some(target) = url.strip_prefix("@/") {
        let (page, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (target, None),
        };
        let resolved = resolve(page);
        links.push(Link {
            page: page.to_string(),
            fragment: fragment.clone(),
            resolved: resolved.is_some(),
            offset,
        });
        let mut href = resolved.unwrap_or_else(|| "#".to_string());
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(&f);
        }
        return href.into();
    }
    if let Some(fragment) = url.strip_prefix('#') {
        if !fragment.is_empty() {
            links.push(Link {
                page: String::new(),
                fragment: Some(fragment.to_string()),
                resolved: true,
                offset,
            });
        }
        return url;
    }
    let publishes = |path: &str| options.site_paths.contains(path);
    let reading = url::read_under_base_path(&url, &options.base_path, publishes);
    if url.starts_with(options.base_path.trim_end_matches('/')) && reading.is_some() {
        out.reads_site_paths = true;
    }
    match reading {
        Some(Reading::AsWritten) | None => url,
        Some(reading) => {
            if reading == Reading::Ambiguous {
                let rest = match &url[options.base_path.len() - 1..] {
                    "" => "/",
                    rest => rest,
                };
                out.notes.push(Note {
                    offset,
                    message: format!(
                        "`{url}` names two pages: the site's `{url}` and, already under the base path `{}`, its `{rest}`; folio links to `{}{}`",
                        options.base_path,
                        options.base_path,
                        &url[1..],
                    ),
                    help: "link with `@/` to the file you mean (`@/blog/_index.md`), which is never ambiguous".to_string(),
                    causes: Vec::new(),
                });
            }
            format!("{}{}", options.base_path, &url[1..]).into()
        }
    }
}

/// Returns the part of `source` before the summary marker, if there is one.
pub fn summary_source<'a>(source: &'a str, rendered: &Rendered) -> Option<&'a str> {
    rendered.more_at.and_then(|i| source.get(..i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(base_path: &str) -> Options {
        Options {
            base_path: base_path.to_string(),
            ..Options::default()
        }
    }

    fn render(source: &str) -> Rendered {
        to_html(source, &options("/"), &|p| {
            (p == "projects/x.md").then(|| "/projects/x/".to_string())
        })
    }

    #[test]
    fn headings_get_unique_ids_and_link_to_themselves() {
        let out = render("## Hello World\n\n## Hello World\n");
        assert!(out.html.contains("<h2 id=\"hello-world\"><a class=\"heading-link\" href=\"#hello-world\">Hello World</a></h2>"), "{}", out.html);
        assert!(out.html.contains("id=\"hello-world-1\""));
        assert_eq!(out.ids, vec!["hello-world", "hello-world-1"]);
    }

    #[test]
    fn a_suffix_skips_ids_that_headings_already_took() {
        let out = render("## A 1\n\n## A\n\n## A\n\n## A 2\n");
        assert_eq!(out.ids, vec!["a-1", "a", "a-2", "a-2-1"]);
    }

    // Issue #11, point 10: 20,000 identical headings took hours.
    #[test]
    fn many_identical_headings_get_their_ids_in_linear_time() {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(render(&"## Same\n\n".repeat(20_000)).ids);
        });
        let ids = finished
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("20,000 headings rendered within two minutes");
        assert_eq!(ids[0], "same");
        assert_eq!(ids[19_999], "same-19999");
    }

    #[test]
    fn the_toc_nests_deeper_headings() {
        let out = render("# A\n## B\n### C\n## D\n");
        assert_eq!(out.toc.len(), 1);
        assert_eq!(out.toc[0].children.len(), 2);
        assert_eq!(out.toc[0].children[0].children[0].title, "C");
    }

    #[test]
    fn internal_links_resolve_and_unknown_ones_are_recorded() {
        let out = render("[a](@/projects/x.md#top) [b](@/nope.md)");
        assert!(
            out.html.contains("href=\"/projects/x/#top\""),
            "{}",
            out.html
        );
        assert_eq!(out.links.len(), 2);
        assert!(out.links[0].resolved);
        assert!(!out.links[1].resolved);
        assert_eq!(out.links[1].offset, 25);
    }

    #[test]
    fn root_relative_urls_get_the_base_path_once() {
        let out = to_html(
            "[a](/x/) ![i](/img/a.png) [b](/portfolio/y/) [c](https://e.com/) [d](#f)",
            &options("/portfolio/"),
            &|_| None,
        );
        assert!(out.html.contains("href=\"/portfolio/x/\""));
        assert!(out.html.contains("src=\"/portfolio/img/a.png\""));
        assert!(out.html.contains("href=\"/portfolio/y/\""));
        assert!(out.html.contains("href=\"https://e.com/\""));
        assert!(out.html.contains("href=\"#f\""));
    }

    #[test]
    fn an_image_the_caller_knows_gets_its_size_or_becomes_a_picture() {
        let facts = |url: &str, offset: usize| {
            let picture = Picture {
                src: format!("/x/{url}"),
                width: 800,
                height: 600,
                ..Picture::default()
            };
            match url {
                "a.jpg" => {
                    assert_eq!(offset, 0);
                    Some(picture)
                }
                "b.jpg" => Some(Picture {
                    sources: vec![(
                        "image/webp".to_string(),
                        "/b-480.webp 480w, /b-800.webp 800w".to_string(),
                    )],
                    sizes: Some("100vw".to_string()),
                    ..picture
                }),
                _ => None,
            }
        };
        let out = to_html_with_images(
            "![A \"cat\" *here*](a.jpg \"T\")\n\n![b](b.jpg)\n\n![c](/c.png)\n",
            &options("/"),
            &|_| None,
            &Echo,
            &facts,
        );
        assert!(
            out.html.contains("<p><img src=\"/x/a.jpg\" alt=\"A “cat” here\" title=\"T\" width=\"800\" height=\"600\" loading=\"eager\" decoding=\"async\"></p>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<picture><source type=\"image/webp\" srcset=\"/b-480.webp 480w, /b-800.webp 800w\" sizes=\"100vw\"><img src=\"/x/b.jpg\" alt=\"b\" width=\"800\" height=\"600\" loading=\"lazy\" decoding=\"async\"></picture>"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("<img src=\"/c.png\" alt=\"c\" loading=\"lazy\" decoding=\"async\" />"),
            "{}",
            out.html
        );
    }

    #[test]
    fn images_after_the_first_load_lazily() {
        let out =
            render("![a](/a.png \"T\")\n\n![b *c*\nd](/b.png)\n\n![e](https://e.com/e.png)\n");
        assert_eq!(
            out.html,
            "<p><img src=\"/a.png\" alt=\"a\" title=\"T\" /></p>\n\
             <p><img src=\"/b.png\" alt=\"b c d\" loading=\"lazy\" decoding=\"async\" /></p>\n\
             <p><img src=\"https://e.com/e.png\" alt=\"e\" loading=\"lazy\" decoding=\"async\" /></p>\n"
        );
    }

    #[test]
    fn each_callout_kind_is_a_note_with_its_title() {
        for (kind, class, title) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let out = render(&format!("> [!{kind}]\n> Mind *this*.\n"));
            assert_eq!(
                out.html,
                format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n<p>Mind <em>this</em>.</p>\n</div>\n"
                )
            );
        }
        let plain = render("> A quote.\n");
        assert_eq!(plain.html, "<blockquote>\n<p>A quote.</p>\n</blockquote>\n");
    }

    #[test]
    fn a_callout_title_comes_from_the_options() {
        let mut french = options("/");
        french.callout_titles[3] = "Attention <vraiment>".to_string();
        let out = to_html("> [!WARNING]\n> Chaud.\n", &french, &|_| None);
        assert!(
            out.html
                .contains("<p class=\"callout-title\">Attention &lt;vraiment&gt;</p>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn a_definition_list_is_a_dl() {
        let out = render("Term\n: The *definition*.\n\nOther\n: One\n: Two\n");
        assert_eq!(
            out.html,
            "<dl>\n<dt>Term</dt>\n<dd>The <em>definition</em>.</dd>\n<dt>Other</dt>\n<dd>One</dd>\n<dd>Two</dd>\n</dl>\n"
        );
    }

    #[test]
    fn external_links_get_the_attributes_asked_for() {
        let source = "[out](https://e.com/?a=1&b=\"2\" \"T\") [in](/x/) [mail](mailto:a@e.com) <https://auto.example/>\n\n## See [there](https://e.com/)\n";
        let out = render(source);
        assert!(
            out.html
                .contains("<a href=\"https://e.com/?a=1&amp;b=%222%22\" title=\"T\">out</a>"),
            "{}",
            out.html
        );
        let mut asked = options("/");
        asked.external_links = ExternalLinks {
            target_blank: true,
            no_follow: true,
            no_referrer: true,
        };
        let out = to_html(source, &asked, &|_| None);
        assert!(
            out.html.contains("<a href=\"https://e.com/?a=1&amp;b=%222%22\" title=\"T\" target=\"_blank\" rel=\"noopener nofollow noreferrer\">out</a>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<a href=\"/x/\">in</a>"), "{}", out.html);
        assert!(
            out.html.contains("<a href=\"mailto:a@e.com\">mail</a>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<a href=\"https://auto.example/\" target=\"_blank\" rel=\"noopener nofollow noreferrer\">https://auto.example/</a>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<h2 id=\"see-there\">See <a href=\"https://e.com/\" target=\"_blank\" rel=\"noopener nofollow noreferrer\">there</a></h2>"),
            "{}",
            out.html
        );
        asked.external_links = ExternalLinks {
            no_follow: true,
            ..ExternalLinks::default()
        };
        let out = to_html("[x](//cdn.example/x)", &asked, &|_| None);
        assert_eq!(
            out.html,
            "<p><a href=\"//cdn.example/x\" rel=\"nofollow\">x</a></p>\n"
        );
    }

    fn with_math(source: &str) -> Rendered {
        let options = Options {
            math: true,
            ..Options::default()
        };
        to_html(source, &options, &|_| None)
    }

    #[test]
    fn math_is_mathml_when_asked_for_and_text_otherwise() {
        let source = "Area $\\pi r^2$ and\n\n$$\n\\sum_{i=1}^n i\n$$\n";
        let out = with_math(source);
        assert!(
            out.html
                .starts_with("<p>Area <math display=\"inline\"><mi>π</mi>"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("<p><span class=\"math-display\"><math display=\"block\"><munderover>"),
            "{}",
            out.html
        );
        assert!(out.errors.is_empty());
        assert_eq!(
            render(source).html,
            "<p>Area $\\pi r^2$ and</p>\n<p>$$\n\\sum_{i=1}^n i\n$$</p>\n"
        );
    }

    #[test]
    fn braces_in_math_are_not_templates_of_another_generator() {
        let out = with_math("$x^{{2}}$ and $$\\frac{{1}}{2}$$ but {{ liquid }}\n");
        assert_eq!(out.literal_templates.len(), 1);
        assert_eq!(out.literal_templates[0].text, "{{ liquid }}");
        assert!(out.html.contains("<msup>"), "{}", out.html);
    }

    #[test]
    fn math_in_code_is_left_alone() {
        let out = with_math("`$\\nope$` and\n\n```\n$$\\nope$$\n```\n");
        assert_eq!(
            out.html,
            "<p><code>$\\nope$</code> and</p>\n<pre><code>$$\\nope$$\n</code></pre>\n"
        );
        assert!(out.errors.is_empty());
    }

    #[test]
    fn a_latex_error_is_placed_at_its_command() {
        let source =
            "Some text.\n\nThen $x + \\frac{1}{2} + \\nope{y}$.\n\n$$\n\\sqrt{2} \\bad\n$$\n";
        let out = with_math(source);
        let places: Vec<(usize, &str)> = out
            .errors
            .iter()
            .map(|e| (e.offset, e.message.as_str()))
            .collect();
        assert_eq!(
            places,
            vec![
                (
                    source.find("\\nope").unwrap(),
                    "math: unknown LaTeX command `\\nope`"
                ),
                (
                    source.find("\\bad").unwrap(),
                    "math: unknown LaTeX command `\\bad`"
                ),
            ]
        );
    }

    #[test]
    fn a_task_s_checkbox_and_its_text_are_one_label() {
        let out = render("- [x] done *now*\n  - [ ] inner\n- [ ] later\n");
        assert_eq!(
            out.html,
            "<ul>\n<li><label class=\"task\"><input type=\"checkbox\" disabled checked> done <em>now</em></label>\n\
             <ul>\n<li><label class=\"task\"><input type=\"checkbox\" disabled> inner</label></li>\n</ul>\n</li>\n\
             <li><label class=\"task\"><input type=\"checkbox\" disabled> later</label></li>\n</ul>\n"
        );
    }

    #[test]
    fn gfm_extensions_and_smart_punctuation_are_on() {
        let out =
            render("| a |\n|---|\n| b |\n\n~~x~~ - [x] \"q\"\n\n- [ ] t\n\nn[^1]\n\n[^1]: f\n");
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("<del>x</del>"));
        assert!(out.html.contains("type=\"checkbox\""));
        assert!(out.html.contains("“q”"));
        assert!(out.html.contains("footnote"));
    }

    #[test]
    fn footnote_ids_never_meet_heading_ids() {
        // #13: `## 1` and `[^1]` both gave `id="1"`.
        let out = render("## 1\n\nText[^1] and again[^1].\n\n[^1]: The note.\n");
        assert!(out.html.contains("<h2 id=\"1\">"), "{}", out.html);
        assert!(
            out.html.contains(
                "<sup class=\"footnote-reference\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup>"
            ),
            "{}",
            out.html
        );
        assert!(out.html.contains("id=\"fnref-1-2\""), "{}", out.html);
        assert!(
            out.html.contains("<div class=\"footnote-definition\" id=\"fn-1\"><sup class=\"footnote-definition-label\"><a href=\"#fnref-1\">1</a></sup>"),
            "{}",
            out.html
        );
        assert_eq!(out.ids, vec!["1", "fnref-1", "fnref-1-2", "fn-1"]);
    }

    #[test]
    fn emoji_headings_get_zola_s_ids_and_answer_to_github_s() {
        let out = render("## ✨ Features\n\n## 🚀 Quick start!\n\n## Plain Title\n");
        assert_eq!(
            out.ids,
            vec![
                "sparkles-features",
                "-features",
                "rocket-quick-start",
                "-quick-start",
                "plain-title"
            ]
        );
    }

    #[test]
    fn a_fence_language_is_its_first_word_and_the_rest_are_attributes() {
        let out = render("```rust,linenos\nfn main() {}\n```\n\n```scss, linenos\na {}\n```\n");
        assert!(
            out.html.contains("<code class=\"language-rust\">"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<code class=\"language-scss\">"),
            "{}",
            out.html
        );
        let info = FenceInfo::parse("rust,linenos, hl_lines=1 3-4");
        assert_eq!(info.language.as_deref(), Some("rust"));
        assert_eq!(
            info.attributes,
            vec![
                ("linenos".to_string(), None),
                ("hl_lines".to_string(), Some("1 3-4".to_string()))
            ]
        );
        let info = FenceInfo::parse("python title=app.py linenos");
        assert_eq!(
            info.attributes[0],
            ("title".to_string(), Some("app.py".to_string()))
        );
        assert_eq!(FenceInfo::parse("").language, None);
        assert_eq!(FenceInfo::parse(",linenos").language, None);
    }

    #[test]
    fn smart_punctuation_leaves_shortcodes_as_written() {
        let out = render("A \"quote\" and {{ youtube(id=\"x\", t='1') }} -- {% note(a=\"b\") %}\n");
        assert!(out.html.contains("“quote”"), "{}", out.html);
        assert!(
            out.html
                .contains("{{ youtube(id=\"x\", t='1') }} – {% note(a=\"b\") %}"),
            "{}",
            out.html
        );
        assert_eq!(out.literal_templates.len(), 2);
    }

    /// Renders `name` as `[name args|body]`, `bad` as a failure, and takes
    /// the body of `raw` as written.
    struct Echo;

    impl Shortcodes for Echo {
        fn raw_body(&self, name: &str) -> bool {
            name == "raw"
        }

        fn render(&self, call: &Call, body: Option<&str>) -> Result<String, Failure> {
            if call.name == "bad" {
                return Err(Failure {
                    message: "bad".to_string(),
                    help: "h".to_string(),
                    causes: Vec::new(),
                });
            }
            let args: Vec<String> = call
                .args
                .iter()
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect();
            Ok(format!(
                "[{} {}|{}]",
                call.name,
                args.join(" "),
                body.unwrap_or_default().trim()
            ))
        }
    }

    fn with_shortcodes(source: &str) -> Rendered {
        to_html_with(source, &options("/"), &|_| None, &Echo)
    }

    #[test]
    fn a_shortcode_in_a_heading_leaves_its_id_and_is_not_wrapped_in_a_link() {
        let out =
            with_shortcodes("## Talk {{ youtube(id=\"x\") }} here\n\n## With {{/* raw() */}}\n");
        assert!(
            out.html.starts_with("<h2 id=\"talk-here\">Talk "),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h2 id=\"with\">"), "{}", out.html);
        assert_eq!(out.toc[0].title, "Talk here");
    }

    #[test]
    fn an_inline_shortcode_renders_in_its_paragraph_and_alone_as_a_block() {
        let out = with_shortcodes("A {{ x(n=1) }} b.\n\n{{ y() }}\n");
        assert_eq!(out.html, "<p>A [x n=Integer(1)|] b.</p>\n[y |]\n");
        assert_eq!(out.errors, Vec::new());
    }

    #[test]
    fn a_body_is_rendered_markdown_with_its_own_shortcodes_inside() {
        let out = with_shortcodes("{% note() %}\n*Hi* {{ x() }}\n{% end %}\n\nAfter.\n");
        assert_eq!(
            out.html,
            "[note |<p><em>Hi</em> [x |]</p>]\n<p>After.</p>\n"
        );
    }

    #[test]
    fn a_raw_body_is_passed_as_written() {
        let out = with_shortcodes("{% raw() %}\n*a* {{ x() }}\n{% end %}\n");
        assert_eq!(out.html, "[raw |*a* {{ x() }}]\n");
    }

    #[test]
    fn an_escaped_shortcode_prints_as_written_and_code_is_left_alone() {
        let out = with_shortcodes("{{/* x(a=\"<b>\") */}} and `{{ y() }}`\n");
        assert_eq!(
            out.html,
            "<p>{{ x(a=\"&lt;b&gt;\") }} and <code>{{ y() }}</code></p>\n"
        );
        assert_eq!(out.literal_templates.len(), 0);
    }

    #[test]
    fn an_escaped_call_in_code_prints_as_a_call_and_a_go_comment_stays() {
        let out = render(
            "`{{/* x(a=1) */}}`\n\n```\n{%/* note() */%}\nhi\n{%/* end */%}\n{{/* a note */}}\n```\n",
        );
        assert_eq!(
            out.html,
            "<p><code>{{ x(a=1) }}</code></p>\n<pre><code>{% note() %}\nhi\n{% end %}\n{{/* a note */}}\n</code></pre>\n"
        );
    }

    #[test]
    fn offsets_after_a_shortcode_are_those_of_the_source() {
        let source = "{{ x(long=\"a long argument\") }} [l](#nope) {{ bad() }}\n";
        let out = with_shortcodes(source);
        assert_eq!(out.links[0].offset, source.find("[l]").unwrap());
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].offset, source.find("{{ bad").unwrap());
        assert!(!out.html.contains("bad"), "{}", out.html);
    }

    #[test]
    fn words_are_counted_like_split_whitespace() {
        let long = [
            "word ".repeat(300),
            format!("{} {}", "a".repeat(254), "b".repeat(300)),
            format!("{}x y", " ".repeat(254)),
            "ab cd\n".repeat(1000),
        ];
        let short = ["", "one", " two  words ", "a\tb\nc", "naïve café", "x,y z"];
        for text in short.iter().copied().chain(long.iter().map(String::as_str)) {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_summary_ends_at_the_more_marker() {
        let source = "Intro *here*.\n\n<!-- more -->\n\nRest.\n";
        let out = render(source);
        assert_eq!(summary_source(source, &out), Some("Intro *here*.\n\n"));
        assert_eq!(summary_source("x", &render("x")), None);
        let hugo = "Intro.\n\n<!--more-->\n\nRest.\n";
        assert_eq!(summary_source(hugo, &render(hugo)), Some("Intro.\n\n"));
        let other = "Intro.\n\n<!-- more than this -->\n\nRest.\n";
        assert_eq!(summary_source(other, &render(other)), None);
    }

    #[test]
    fn raw_html_passes_through_and_code_is_not_counted() {
        let out =
            render("<div class=\"x\">hi</div>\n\none two three\n\n```\nnot counted here\n```\n");
        assert!(out.html.contains("<div class=\"x\">hi</div>"));
        assert_eq!(out.word_count, 3);
    }
}
