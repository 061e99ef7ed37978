//! Highlights fenced code at build time with giallo (the TextMate grammars
//! and themes of VS Code), into HTML that carries CSS classes, never inline
//! styles: one stylesheet, written by `palette_css`, colours it light or dark
//! from the visitor's `prefers-color-scheme`.
//!
//! Text in, text out, like `markdown`: the grammars and built-in themes are
//! compiled into folio, and the only files read are the theme files a site
//! names, by the paths `render` hands over. Nothing here knows about pages.
//!
//! What one build highlighted can be handed to the next as bytes
//! (`Highlighter::save`, `Highlighter::restore`; `render` keeps them in the
//! build cache): a block found there is not highlighted again, and a build
//! that finds every block and the stylesheet there never loads the grammars.
//! The bytes carry the themes, giallo's version and folio's, so a change of
//! any of them leaves the old blocks unused.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use giallo::{HighlightOptions, HtmlRenderer, Registry, RenderOptions, ThemeVariant};

use crate::fingerprint::fingerprint;
use crate::html::{escape_attr, escape_text};

/// The prefix of every class highlighted code carries.
pub const CLASS_PREFIX: &str = "hl-";

/// What a fence asks for: ```` ```rust,linenos,hl_lines=3 5-7 ````.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The language: the first word, `None` when there is none.
    pub language: Option<String>,
    /// `linenos`: number the lines.
    pub line_numbers: bool,
    /// `linenostart=N`: the first line's number.
    pub start: isize,
    /// `hl_lines=3 5-7`: lines to mark, counted from 1.
    pub marked: Vec<RangeInclusive<usize>>,
    /// `hide_lines=1-2`: lines left out, counted from 1.
    pub hidden: Vec<RangeInclusive<usize>>,
    /// `name=src/main.rs` (or `title=`): a file name shown as the block's caption.
    pub name: Option<String>,
    /// Attributes written wrongly, as messages.
    pub problems: Vec<String>,
}

impl Fence {
    /// Reads what a fence says from its language and attributes, as
    /// `markdown::FenceInfo` splits them. Attributes folio does not know
    /// (rustdoc's `ignore`, say) are skipped.
    pub fn new(language: Option<String>, attributes: &[(String, Option<String>)]) -> Fence {
        let mut fence = Fence {
            language,
            line_numbers: false,
            start: 1,
            marked: Vec::new(),
            hidden: Vec::new(),
            name: None,
            problems: Vec::new(),
        };
        for (key, value) in attributes {
            fence.apply(key, value.as_deref());
        }
        fence
    }

    fn apply(&mut self, key: &str, value: Option<&str>) {
        match (key, value) {
            ("linenos", None) => self.line_numbers = true,
            ("linenostart", Some(v)) => match v.parse() {
                Ok(n) => self.start = n,
                Err(_) => self
                    .problems
                    .push(format!("`linenostart` takes a line number, found `{v}`")),
            },
            ("hl_lines" | "hide_lines", Some(v)) => match parse_ranges(v) {
                Some(ranges) if key == "hl_lines" => self.marked.extend(ranges),
                Some(ranges) => self.hidden.extend(ranges),
                None => self.problems.push(format!(
                    "`{key}` takes line numbers and ranges like `3 5-7`, found `{v}`"
                )),
            },
            ("name" | "title", Some(v)) if !v.is_empty() => self.name = Some(v.to_string()),
            ("linenostart" | "hl_lines" | "hide_lines" | "name" | "title", _) => {
                self.problems.push(format!(
                    "`{key}` needs a value, like `{key}={}`",
                    example(key)
                ))
            }
            _ => {}
        }
    }

    /// Returns true when the block needs more than `<pre><code>`.
    fn has_layout(&self) -> bool {
        self.line_numbers || !self.marked.is_empty() || !self.hidden.is_empty()
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "linenostart" => "10",
        "name" => "src/main.rs",
        _ => "3 5-7",
    }
}

fn parse_ranges(text: &str) -> Option<Vec<RangeInclusive<usize>>> {
    text.split_whitespace()
        .map(|part| {
            let (from, to) = part.split_once('-').unwrap_or((part, part));
            let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
            Some(from.min(to)..=from.max(to))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|ranges| !ranges.is_empty())
}

/// Where a highlight theme comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Theme {
    /// One of the themes compiled into folio, by name.
    Builtin(String),
    /// A VS Code theme file (JSON).
    File(PathBuf),
}

/// The two themes code is coloured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    /// For a light colour scheme.
    pub light: Theme,
    /// For a dark colour scheme.
    pub dark: Theme,
}

/// Which theme of a palette a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The light theme.
    Light,
    /// The dark theme.
    Dark,
}

/// A theme that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeError {
    /// Which one.
    pub side: Side,
    /// What is wrong.
    pub message: String,
}

/// A highlighted code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its HTML, ending in a newline.
    pub html: String,
    /// The language, when no grammar knows it (the block is then plain).
    pub unknown_language: Option<String>,
    /// Whether the HTML uses the palette's classes.
    pub coloured: bool,
}

/// Highlights code blocks for one build. Identical blocks (a snippet
/// repeated across pages, a page rendered again) are highlighted once.
#[derive(Debug)]
pub struct Highlighter {
    palette: Palette,
    /// The registry names of the two themes, once they are loaded.
    names: OnceLock<Result<(String, String), ThemeError>>,
    /// Blocks done so far: fingerprint of info string and code → the info
    /// string, the code and the HTML. Read far more often than written.
    done: RwLock<Blocks>,
    /// Blocks an earlier build did with the same themes, from `restore`.
    kept: Blocks,
    /// The stylesheet an earlier build wrote, from `restore`.
    kept_css: Option<String>,
    /// The stylesheet, once this build made it.
    css: OnceLock<String>,
    /// Whether this build asked for the stylesheet.
    css_used: AtomicBool,
    /// Blocks highlighted in this build rather than found.
    made: AtomicUsize,
}

impl Highlighter {
    /// A highlighter with these themes; nothing is loaded until it is needed.
    pub fn new(palette: Palette) -> Highlighter {
        Highlighter {
            palette,
            names: OnceLock::new(),
            done: RwLock::new(HashMap::new()),
            kept: HashMap::new(),
            kept_css: None,
            css: OnceLock::new(),
            css_used: AtomicBool::new(false),
            made: AtomicUsize::new(0),
        }
    }

    /// Takes the blocks and stylesheet an earlier build saved. Bytes made
    /// for other themes, by another giallo or folio, or damaged, are
    /// ignored: every block is then highlighted anew.
    pub fn restore(mut self, bytes: &[u8]) -> Highlighter {
        if let Some((css, kept)) = bytes.strip_prefix(self.stamp().as_bytes()).and_then(decode) {
            self.kept_css = css;
            self.kept = kept;
        }
        self
    }

    /// What the next build can `restore`: the blocks this build used and
    /// its stylesheet, nothing else, so what the site no longer has is
    /// dropped. None when that is what `restore` was given.
    pub fn save(&self) -> Option<Vec<u8>> {
        let done = self.done.read().ok()?;
        let css_used = self.css_used.load(Ordering::Relaxed);
        let unchanged = self.made() == 0
            && done.len() == self.kept.len()
            && css_used == self.kept_css.is_some();
        if unchanged {
            return None;
        }
        let css = match (&self.kept_css, self.css.get()) {
            (Some(css), _) | (None, Some(css)) if css_used => css.as_str(),
            _ => "",
        };
        let mut bytes = self.stamp().into_bytes();
        push_text(&mut bytes, css);
        let mut keys: Vec<&u64> = done.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let block = &done[key];
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.push(u8::from(block.unknown) | u8::from(block.coloured) << 1);
            push_text(&mut bytes, &block.info);
            push_text(&mut bytes, &block.code);
            push_text(&mut bytes, &block.html);
        }
        Some(bytes)
    }

    /// How many blocks this build highlighted (or found no grammar for)
    /// rather than found done.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// Checks that both themes exist, without loading the grammars.
    pub fn check(&self) -> Result<(), ThemeError> {
        for (theme, side) in [
            (&self.palette.light, Side::Light),
            (&self.palette.dark, Side::Dark),
        ] {
            match theme {
                Theme::Builtin(name) if !BUILTIN_THEMES.contains(&name.to_lowercase().as_str()) => {
                    return Err(ThemeError {
                        side,
                        message: format!("highlight theme `{name}` does not exist"),
                    });
                }
                Theme::Builtin(_) => {}
                Theme::File(path) => {
                    giallo_theme_name(path).map_err(|e| ThemeError {
                        side,
                        message: format!("cannot read this highlight theme: {e}"),
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Renders one code block, highlighted when its language is known.
    /// `info` is the fence's info string, `fence` what it says.
    pub fn block(&self, code: &str, info: &str, fence: &Fence) -> Block {
        let Some(language) = fence.language.as_deref().filter(|l| !is_plain(l)) else {
            return self.layout(code, fence, None);
        };
        let key = fingerprint(code.as_bytes()) ^ fingerprint(info.as_bytes()).rotate_left(29);
        let done = match self.recall(key, info, code) {
            Some(done) => done,
            None => {
                let known = registry()
                    .read()
                    .is_ok_and(|r| r.contains_grammar(language));
                let block = if known {
                    Block {
                        html: self.colour(code, language, fence),
                        unknown_language: None,
                        coloured: true,
                    }
                } else {
                    self.layout(code, fence, Some(language.to_string()))
                };
                self.remember(key, info, code, &block)
            }
        };
        Block {
            html: done.html.to_string(),
            unknown_language: done.unknown.then(|| language.to_string()),
            coloured: done.coloured,
        }
    }

    /// The stylesheet for the palette: each theme's colours under its
    /// `prefers-color-scheme`, and the layout of line numbers.
    pub fn palette_css(&self) -> Result<String, ThemeError> {
        self.css_used.store(true, Ordering::Relaxed);
        if let Some(css) = &self.kept_css {
            return Ok(css.clone());
        }
        let generated = match (&self.palette.light, &self.palette.dark) {
            // Two theme files need no grammars: a registry of their own
            // spares loading the built-in one for a site without code.
            (Theme::File(light), Theme::File(dark)) => {
                let mut own = Registry::default();
                let light = add_theme_file(&mut own, light, Side::Light)?;
                let dark = add_theme_file(&mut own, dark, Side::Dark)?;
                own.generate_dual_css(&light, &dark, CLASS_PREFIX)
                    .map(|css| (light, dark, css))
            }
            _ => {
                let (light, dark) = self.names()?;
                let registry = registry().read().map_err(|_| poisoned(Side::Light))?;
                registry
                    .generate_dual_css(&light, &dark, CLASS_PREFIX)
                    .map(|css| (light, dark, css))
            }
        };
        let (light, dark, (light_css, dark_css)) = generated.map_err(|e| ThemeError {
            side: Side::Light,
            message: e.to_string(),
        })?;
        let css = format!(
            "/* Code colours: \"{light}\" for a light scheme, \"{dark}\" for a dark one. Written by folio. */\n\
             {layout}\n\
             @media not all and (prefers-color-scheme: dark) {{\n{light_css}}}\n\n\
             @media (prefers-color-scheme: dark) {{\n{dark_css}}}\n",
            layout = LAYOUT_CSS,
        );
        Ok(self.css.get_or_init(|| css).clone())
    }

    /// Renders a block without colours or layout, for a client-side
    /// highlighter: `<pre><code class="language-x">`, and the caption.
    pub fn plain(code: &str, fence: &Fence) -> Block {
        let mut html = String::with_capacity(code.len() + 32);
        match &fence.language {
            Some(language) => {
                html.push_str("<pre><code class=\"language-");
                html.push_str(&escape_attr(language));
                html.push_str("\">");
            }
            None => html.push_str("<pre><code>"),
        }
        html.push_str(&escape_text(code));
        html.push_str("</code></pre>\n");
        Block {
            html: captioned(html, fence),
            unknown_language: None,
            coloured: false,
        }
    }

    /// Plain text, with the layout the fence asks for.
    fn layout(&self, code: &str, fence: &Fence, unknown: Option<String>) -> Block {
        if !fence.has_layout() {
            return Block {
                unknown_language: unknown,
                ..Highlighter::plain(code, fence)
            };
        }
        Block {
            html: self.colour(code, giallo::PLAIN_GRAMMAR_NAME, fence),
            unknown_language: unknown,
            coloured: true,
        }
    }

    /// A block done before, in this build or the one `restore` tells of.
    fn recall(&self, key: u64, info: &str, code: &str) -> Option<Arc<Done>> {
        let same = |found: &&Arc<Done>| *found.info == *info && *found.code == *code;
        if let Some(found) = self.done.read().ok()?.get(&key).filter(same) {
            return Some(Arc::clone(found));
        }
        let found = self.kept.get(&key).filter(same)?;
        let mut done = self.done.write().ok()?;
        Some(Arc::clone(
            done.entry(key).or_insert_with(|| Arc::clone(found)),
        ))
    }

    fn remember(&self, key: u64, info: &str, code: &str, block: &Block) -> Arc<Done> {
        self.made.fetch_add(1, Ordering::Relaxed);
        let made = Arc::new(Done {
            info: info.into(),
            code: code.into(),
            html: block.html.as_str().into(),
            unknown: block.unknown_language.is_some(),
            coloured: block.coloured,
        });
        match self.done.write() {
            // Two blocks with one fingerprint: the first keeps the place.
            Ok(mut done) => Arc::clone(done.entry(key).or_insert(made)),
            Err(_) => made,
        }
    }

    /// What saved bytes must start with to be restored: the format, the
    /// versions of folio and giallo, and the themes.
    fn stamp(&self) -> String {
        let mut themes = Vec::new();
        for theme in [&self.palette.light, &self.palette.dark] {
            match theme {
                Theme::Builtin(name) => themes.extend(name.to_lowercase().as_bytes()),
                Theme::File(path) => themes.extend(std::fs::read(path).unwrap_or_default()),
            }
            themes.push(0);
        }
        format!(
            "folio highlight cache {CACHE_FORMAT}, folio {}, giallo {}, themes {:016x}\n",
            env!("CARGO_PKG_VERSION"),
            env!("FOLIO_GIALLO_VERSION"),
            fingerprint(&themes)
        )
    }

    fn colour(&self, code: &str, language: &str, fence: &Fence) -> String {
        let plain = || {
            captioned(
                format!("<pre><code>{}</code></pre>\n", escape_text(code)),
                fence,
            )
        };
        let Ok((light, dark)) = self.names() else {
            return plain();
        };
        let Ok(registry) = registry().read() else {
            return plain();
        };
        let options = HighlightOptions::new(
            language,
            ThemeVariant::Dual {
                light: &light,
                dark: &dark,
            },
        );
        let Ok(highlighted) = registry.highlight(code, &options) else {
            return plain();
        };
        let renderer = HtmlRenderer {
            css_class_prefix: Some(CLASS_PREFIX.to_string()),
            add_color_scheme: false,
            ..HtmlRenderer::default()
        };
        let render = RenderOptions {
            show_line_numbers: fence.line_numbers,
            line_number_start: fence.start,
            highlight_lines: fence.marked.clone(),
            hide_lines: fence.hidden.clone(),
        };
        let rendered = renderer.render(&highlighted, &render);
        // giallo writes `<pre class="…" ><code data-lang="x">LINES</code></pre>`.
        let lines = rendered
            .split_once('>')
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(_, rest)| rest.strip_suffix("</code></pre>"))
            .unwrap_or_default();
        let lines = merge_same_spans(&unwrap_bare_spans(lines));
        let lines = if fence.has_layout() {
            lines
        } else {
            // Without numbers or marks, a line needs no element of its own.
            lines
                .replace("<span class=\"giallo-l\">", "")
                .replace("</span>\n", "\n")
                .strip_suffix("</span>")
                .map(str::to_string)
                .unwrap_or(lines)
        };
        let language = escape_attr(language);
        captioned(
            format!(
                "<pre class=\"giallo {CLASS_PREFIX}l-code {CLASS_PREFIX}d-code\" data-lang=\"{language}\"><code class=\"language-{language}\">{lines}\n</code></pre>\n"
            ),
            fence,
        )
    }

    /// Loads the palette's themes into the registry once, and names them.
    fn names(&self) -> Result<(String, String), ThemeError> {
        self.names
            .get_or_init(|| {
                Ok((
                    load_theme(&self.palette.light, Side::Light)?,
                    load_theme(&self.palette.dark, Side::Dark)?,
                ))
            })
            .clone()
    }
}

/// How numbered and marked lines sit: each line a box as wide as the block,
/// so a mark spans it, and numbers that are never selected with the code.
const LAYOUT_CSS: &str = ".giallo-l {
  display: inline-block;
  min-width: 100%;
  min-height: 1lh;
}
.giallo-ln {
  display: inline-block;
  margin-right: 1em;
  text-align: right;
  -webkit-user-select: none;
  user-select: none;
}
";

/// A block done before.
#[derive(Debug)]
struct Done {
    info: Box<str>,
    code: Box<str>,
    html: Box<str>,
    /// No grammar knew its language.
    unknown: bool,
    /// Its HTML uses the palette's classes.
    coloured: bool,
}

/// The layout of saved blocks; a change of the HTML folio makes of a block
/// changes it, so that blocks saved before are not reused.
const CACHE_FORMAT: u32 = 1;

/// Appends `text` with its length before it.
fn push_text(bytes: &mut Vec<u8>, text: &str) {
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&text.as_bytes()[..len as usize]);
}

/// Blocks done before, by fingerprint of info string and code.
type Blocks = HashMap<u64, Arc<Done>>;

/// Reads what `save` wrote after the stamp: the stylesheet, if any, and
/// the blocks. None when the bytes are damaged.
fn decode(mut bytes: &[u8]) -> Option<(Option<String>, Blocks)> {
    fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
        let (head, rest) = bytes.split_at_checked(len)?;
        *bytes = rest;
        Some(head)
    }
    fn text(bytes: &mut &[u8]) -> Option<Box<str>> {
        let len = u32::from_le_bytes(take(bytes, 4)?.try_into().ok()?);
        let text = std::str::from_utf8(take(bytes, len as usize)?).ok()?;
        Some(text.into())
    }
    let css = text(&mut bytes)?;
    let mut kept = HashMap::new();
    while !bytes.is_empty() {
        let key = u64::from_le_bytes(take(&mut bytes, 8)?.try_into().ok()?);
        let flags = take(&mut bytes, 1)?[0];
        let done = Done {
            info: text(&mut bytes)?,
            code: text(&mut bytes)?,
            html: text(&mut bytes)?,
            unknown: flags & 1 != 0,
            coloured: flags & 2 != 0,
        };
        kept.insert(key, Arc::new(done));
    }
    Some(((!css.is_empty()).then(|| css.into()), kept))
}

/// The names of the themes compiled into folio.
pub const BUILTIN_THEMES: &[&str] = &[
    "andromeeda",
    "aurora-x",
    "ayu-dark",
    "ayu-light",
    "ayu-mirage",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dark-plus",
    "dracula",
    "dracula-soft",
    "everforest-dark",
    "everforest-light",
    "github-dark",
    "github-dark-default",
    "github-dark-dimmed",
    "github-dark-high-contrast",
    "github-light",
    "github-light-default",
    "github-light-high-contrast",
    "gruvbox-dark-hard",
    "gruvbox-dark-medium",
    "gruvbox-dark-soft",
    "gruvbox-light-hard",
    "gruvbox-light-medium",
    "gruvbox-light-soft",
    "horizon",
    "horizon-bright",
    "houston",
    "kanagawa-dragon",
    "kanagawa-lotus",
    "kanagawa-wave",
    "laserwave",
    "light-plus",
    "material-theme",
    "material-theme-darker",
    "material-theme-lighter",
    "material-theme-ocean",
    "material-theme-palenight",
    "min-dark",
    "min-light",
    "monokai",
    "night-owl",
    "night-owl-light",
    "nord",
    "one-dark-pro",
    "one-light",
    "plastic",
    "poimandres",
    "red",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "slack-dark",
    "slack-ochin",
    "snazzy-light",
    "solarized-dark",
    "solarized-light",
    "synthwave-84",
    "tokyo-night",
    "vesper",
    "vitesse-black",
    "vitesse-dark",
    "vitesse-light",
];

/// Returns true for the languages that mean "no highlighting".
fn is_plain(language: &str) -> bool {
    matches!(
        language.to_ascii_lowercase().as_str(),
        "text" | "txt" | "plain" | "plaintext"
    )
}

/// The grammars and themes compiled into folio, loaded once per process on
/// first use (about 60 ms) and shared by every build a `serve` session runs.
/// Theme files a site names are added to it, replacing an older version of
/// the same theme; nothing else ever changes it.
fn registry() -> &'static RwLock<Registry> {
    static REGISTRY: OnceLock<RwLock<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // `builtin` links the grammars itself.
        let registry = Registry::builtin().expect("the grammars compiled into folio load");
        RwLock::new(registry)
    })
}

fn poisoned(side: Side) -> ThemeError {
    ThemeError {
        side,
        message: "the highlighter failed while loading a theme".to_string(),
    }
}

/// Makes sure a theme is in the registry and returns its registry name.
fn load_theme(theme: &Theme, side: Side) -> Result<String, ThemeError> {
    match theme {
        Theme::Builtin(name) => {
            let known = registry()
                .read()
                .map_err(|_| poisoned(side))?
                .contains_theme(name);
            if known {
                Ok(name.to_lowercase())
            } else {
                Err(ThemeError {
                    side,
                    message: format!("highlight theme `{name}` does not exist"),
                })
            }
        }
        Theme::File(path) => {
            let mut registry = registry().write().map_err(|_| poisoned(side))?;
            add_theme_file(&mut registry, path, side)
        }
    }
}

/// Adds a theme file to `registry` and returns its registry name.
fn add_theme_file(
    registry: &mut Registry,
    path: &PathBuf,
    side: Side,
) -> Result<String, ThemeError> {
    let bad = |e: &dyn std::fmt::Display| ThemeError {
        side,
        message: format!("cannot read this highlight theme: {e}"),
    };
    let name = giallo_theme_name(path).map_err(|e| bad(&e))?;
    registry.add_theme_from_path(path).map_err(|e| bad(&e))?;
    Ok(name.to_lowercase())
}

/// The `name` a theme file gives itself, which is its name in the registry.
fn giallo_theme_name(path: &PathBuf) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: String,
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let named: Named = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok(named.name)
}

/// Drops the `<span>` giallo puts around text that keeps the default
/// colours: a third of a block's markup, and nothing to style.
fn unwrap_bare_spans(html: &str) -> String {
    const OPEN: &str = "<span>";
    const CLOSE: &str = "</span>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let inner = &rest[start + OPEN.len()..];
        // Token text is escaped, so the next tag closes this span.
        match inner
            .find('<')
            .filter(|&end| inner[end..].starts_with(CLOSE))
        {
            Some(end) => {
                out.push_str(&rest[..start]);
                out.push_str(&inner[..end]);
                rest = &inner[end + CLOSE.len()..];
            }
            None => {
                out.push_str(&rest[..start + OPEN.len()]);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Joins neighbouring spans of the same classes: giallo keeps one span per
/// token when it colours for two themes.
fn merge_same_spans(html: &str) -> String {
    const SEAM: &str = "</span><span class=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(SEAM) {
        out.push_str(&rest[..at]);
        let next = &rest[at + SEAM.len()..];
        let class_end = next.find('"').unwrap_or(next.len());
        let class = &next[..class_end];
        let open = format!("<span class=\"{class}\">");
        let same = out
            .rfind("<span class=\"")
            .is_some_and(|i| out[i..].starts_with(&open) && !out[i..].contains("</span>"));
        if same && next[class_end..].starts_with("\">") {
            rest = &next[class_end + 2..];
        } else {
            out.push_str(SEAM);
            rest = next;
        }
    }
    out.push_str(rest);
    out
}

fn captioned(html: String, fence: &Fence) -> String {
    match &fence.name {
        Some(name) => format!(
            "<figure class=\"code\"><figcaption>{}</figcaption>{}</figure>\n",
            escape_text(name),
            html.trim_end()
        ),
        None => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits an info string on commas, as `markdown::FenceInfo` does.
    fn fence(info: &str) -> Fence {
        let mut parts = info.split(',').map(str::trim);
        let language = parts.next().filter(|l| !l.is_empty()).map(str::to_string);
        let attributes: Vec<(String, Option<String>)> = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
                None => (p.to_string(), None),
            })
            .collect();
        Fence::new(language, &attributes)
    }

    fn github() -> Highlighter {
        Highlighter::new(Palette {
            light: Theme::Builtin("github-light".to_string()),
            dark: Theme::Builtin("github-dark".to_string()),
        })
    }

    #[test]
    fn attributes_set_numbers_marks_and_a_caption() {
        let read = fence("rust,linenos, hl_lines=3 5-7,linenostart=10,name=src/main.rs");
        assert_eq!(read.language.as_deref(), Some("rust"));
        assert!(read.line_numbers);
        assert_eq!(read.start, 10);
        assert_eq!(read.marked, vec![3..=3, 5..=7]);
        assert_eq!(read.name.as_deref(), Some("src/main.rs"));
        assert!(read.problems.is_empty());
        assert_eq!(fence("py,title=app.py").name.as_deref(), Some("app.py"));
    }

    #[test]
    fn a_malformed_attribute_is_a_problem_and_an_unknown_one_is_skipped() {
        let read = fence("rust,hl_lines=a-b,linenostart,ignore");
        assert_eq!(
            read.problems,
            vec![
                "`hl_lines` takes line numbers and ranges like `3 5-7`, found `a-b`".to_string(),
                "`linenostart` needs a value, like `linenostart=10`".to_string(),
            ]
        );
    }

    #[test]
    fn known_code_gets_classes_and_no_inline_style() {
        let block = github().block("let x = 1;\n", "rust", &fence("rust"));
        assert!(block.html.contains("class=\"hl-l-"), "{}", block.html);
        assert!(!block.html.contains("style="), "{}", block.html);
        assert_eq!(block.unknown_language, None);
    }

    #[test]
    fn plain_and_unknown_languages_stay_plain() {
        let h = github();
        let text = h.block("a < b\n", "text", &fence("text"));
        assert_eq!(
            text.html,
            "<pre><code class=\"language-text\">a &lt; b\n</code></pre>\n"
        );
        let none = h.block("x\n", "", &fence(""));
        assert_eq!(none.html, "<pre><code>x\n</code></pre>\n");
        let unknown = h.block("x\n", "klingon", &fence("klingon"));
        assert_eq!(unknown.unknown_language.as_deref(), Some("klingon"));
        assert_eq!(
            unknown.html,
            "<pre><code class=\"language-klingon\">x\n</code></pre>\n"
        );
    }

    #[test]
    fn a_named_block_is_a_figure_with_its_name_as_caption() {
        let block = github().block("x\n", "text,name=a<b>.txt", &fence("text,name=a<b>.txt"));
        assert_eq!(
            block.html,
            "<figure class=\"code\"><figcaption>a&lt;b&gt;.txt</figcaption><pre><code class=\"language-text\">x\n</code></pre></figure>\n"
        );
    }

    #[test]
    fn line_numbers_start_where_asked_and_marked_lines_get_a_class() {
        let info = "python,linenos,linenostart=7,hl_lines=2";
        let block = github().block("a = 1\nb = 2\n", info, &fence(info));
        assert!(block.html.contains("7</span>"), "{}", block.html);
        assert!(block.html.contains("8</span>"), "{}", block.html);
        assert!(block.html.contains("hl-l-hl"), "{}", block.html);
    }

    #[test]
    fn the_palette_switches_with_the_colour_scheme() {
        let css = github().palette_css().unwrap();
        assert!(
            css.contains("@media (prefers-color-scheme: dark) {\n"),
            "{css}"
        );
        assert!(css.contains(".hl-l-code"), "{css}");
        assert!(css.contains(".hl-d-code"), "{css}");
    }

    #[test]
    fn an_unknown_builtin_theme_is_named() {
        let h = Highlighter::new(Palette {
            light: Theme::Builtin("github-light".to_string()),
            dark: Theme::Builtin("nope".to_string()),
        });
        assert_eq!(
            h.palette_css().unwrap_err(),
            ThemeError {
                side: Side::Dark,
                message: "highlight theme `nope` does not exist".to_string()
            }
        );
    }

    #[test]
    fn spans_without_colour_go_and_neighbours_of_one_colour_join() {
        let html = r#"<span class="l"><span>(</span><span class="a b">x</span><span class="a b">y</span><span class="c">z</span></span>"#;
        assert_eq!(
            merge_same_spans(&unwrap_bare_spans(html)),
            r#"<span class="l">(<span class="a b">xy</span><span class="c">z</span></span>"#
        );
    }

    #[test]
    fn a_restored_build_highlights_nothing_it_did_before() {
        let first = github();
        let block = first.block("let x = 1;\n", "rust", &fence("rust"));
        let css = first.palette_css().unwrap();
        assert_eq!(first.made(), 1);
        let saved = first.save().unwrap();
        let second = github().restore(&saved);
        assert_eq!(second.block("let x = 1;\n", "rust", &fence("rust")), block);
        assert_eq!(second.palette_css().unwrap(), css);
        assert_eq!(second.made(), 0);
        // Nothing changed: nothing to save.
        assert_eq!(second.save(), None);
    }

    #[test]
    fn an_unknown_language_is_remembered_with_its_warning() {
        let first = github();
        let block = first.block("x\n", "klingon", &fence("klingon"));
        let second = github().restore(&first.save().unwrap());
        assert_eq!(second.block("x\n", "klingon", &fence("klingon")), block);
        assert_eq!(second.made(), 0);
    }

    #[test]
    fn blocks_saved_for_other_themes_or_damaged_are_not_used() {
        let first = github();
        first.block("let x = 1;\n", "rust", &fence("rust"));
        let saved = first.save().unwrap();
        let other = Highlighter::new(Palette {
            light: Theme::Builtin("github-light".to_string()),
            dark: Theme::Builtin("nord".to_string()),
        })
        .restore(&saved);
        other.block("let x = 1;\n", "rust", &fence("rust"));
        assert_eq!(other.made(), 1);
        let cut = github().restore(&saved[..saved.len() - 3]);
        cut.block("let x = 1;\n", "rust", &fence("rust"));
        assert_eq!(cut.made(), 1);
        let junk = github().restore(b"not a cache");
        junk.block("let x = 1;\n", "rust", &fence("rust"));
        assert_eq!(junk.made(), 1);
    }

    #[test]
    fn what_a_build_no_longer_uses_is_not_saved_again() {
        let first = github();
        first.block("let x = 1;\n", "rust", &fence("rust"));
        first.block("y = 2\n", "python", &fence("python"));
        let second = github().restore(&first.save().unwrap());
        second.block("y = 2\n", "python", &fence("python"));
        let saved = second.save().expect("a block went: the cache changes");
        let third = github().restore(&saved);
        third.block("let x = 1;\n", "rust", &fence("rust"));
        third.block("y = 2\n", "python", &fence("python"));
        assert_eq!(third.made(), 1, "the rust block was dropped");
    }

    #[test]
    fn every_builtin_theme_name_is_in_the_registry() {
        let registry = registry().read().unwrap();
        for name in BUILTIN_THEMES {
            assert!(registry.contains_theme(name), "{name}");
        }
    }
}
