//! Finds the site root, reads `folio.yaml` and resolves it into a `Config`.
//!
//! Also owns the one function every YAML document in a site goes through,
//! `parse_yaml`, so that YAML errors read the same wherever they come from.
//! Nothing here reads `content/` or knows about templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::url;

mod simple_yaml;

/// The name of the configuration file that marks a site root.
pub const CONFIG_FILE: &str = "folio.yaml";

/// The template social cards are drawn from (see `cards`).
pub const CARD_TEMPLATE: &str = "card.svg";

/// A resolved site configuration: every path absolute, every default applied.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `folio.yaml`.
    pub root: PathBuf,
    /// `root/content`.
    pub content_dir: PathBuf,
    /// Where the site is written: `root/public` unless told otherwise.
    pub output_dir: PathBuf,
    /// Template folders, looked up in this order: the site's, then the theme's.
    pub template_dirs: Vec<PathBuf>,
    /// Static folders, copied in this order so that the site's files win.
    pub static_dirs: Vec<PathBuf>,
    /// The theme's folder, when the site names a theme.
    pub theme_dir: Option<PathBuf>,
    /// Whether the default theme carried in the binary renders the site:
    /// it names no theme and has no page templates of its own (shortcodes
    /// and a social card of its own are added to the built-in theme).
    pub builtin_theme: bool,
    /// The public URL: scheme, host and base path, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/portfolio/`.
    pub base_path: String,
    /// The address the site is published at: `base_url`, except under
    /// `serve`, whose `base_url` is the local one. What a social card shows
    /// comes from here, so a card drawn while serving is the published one.
    pub published_url: String,
    /// What local dates and times in front matter mean.
    pub timezone: jiff::tz::TimeZone,
    /// Everything templates see as `config`.
    pub site: SiteConfig,
    /// The site's languages: the default first, then the others of
    /// `languages` by code. A one-language site has only the default.
    pub languages: Vec<String>,
}

/// The part of the configuration that templates see as `config`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title.
    #[serde(default)]
    pub title: String,
    /// A sentence about the site.
    #[serde(default)]
    pub description: String,
    /// The public URL as written; resolved into `Config::base_url`.
    #[serde(default)]
    pub base_url: String,
    /// Filled in when resolved: the base path.
    #[serde(skip_deserializing)]
    pub base_path: String,
    /// The language of the content, for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The site's other languages, by code, each with what it says
    /// differently; `language` is the default, at the root of the site.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// The IANA time zone of dates written without an offset.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// The theme folder's name under `themes/`.
    #[serde(default)]
    pub theme: Option<String>,
    /// The taxonomies pages may use.
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// The site's person.
    #[serde(default)]
    pub author: Author,
    /// The Atom feed.
    #[serde(default)]
    pub feed: FeedConfig,
    /// Whether to write `sitemap.xml` and `robots.txt`.
    #[serde(default = "yes")]
    pub sitemap: bool,
    /// Whether to index the site for search and write the index and its
    /// UI files under `pagefind/`.
    #[serde(default)]
    pub search: bool,
    /// Whether pages and stylesheets are written minified.
    #[serde(default)]
    pub minify: bool,
    /// The custom domain to write into `CNAME`.
    #[serde(default)]
    pub cname: Option<String>,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// How Markdown images are published.
    #[serde(default)]
    pub images: ImagesConfig,
    /// Whether links in `content/`, `static/` or a theme may lead outside
    /// the site root.
    #[serde(default)]
    pub follow_links_outside: bool,
    /// What `folio check` reports, and how loudly.
    #[serde(default)]
    pub check: CheckConfig,
    /// A free map for themes.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The `check` block: how loudly `folio check` reports each kind of link
/// problem, which URLs it never checks, and how it checks external links.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Links to pages and files of the site.
    #[serde(default)]
    pub internal: Level,
    /// `#fragments`, and ids used twice on one page.
    #[serde(default)]
    pub anchors: Level,
    /// External `http(s)` links, with `--external`.
    #[serde(default)]
    pub external: Level,
    /// URL prefixes, or globs with `*`, that are never checked.
    #[serde(default)]
    pub skip: Vec<String>,
    /// How many hours an external link's result is reused; 0 checks every time.
    #[serde(default = "default_cache_hours")]
    pub cache_hours: u64,
    /// How many seconds one external request may take.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            internal: Level::Error,
            anchors: Level::Error,
            external: Level::Error,
            skip: Vec::new(),
            cache_hours: default_cache_hours(),
            timeout: default_timeout(),
        }
    }
}

/// How loudly a kind of problem is reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported, and the check fails.
    #[default]
    Error,
    /// Reported; the check passes.
    Warn,
    /// Not looked for.
    Off,
}

fn default_cache_hours() -> u64 {
    24
}

fn default_timeout() -> u64 {
    10
}

/// A taxonomy declared in `folio.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The front-matter key and URL segment: `stack`.
    pub name: String,
    /// Whether each term gets its own Atom feed.
    #[serde(default)]
    pub feed: bool,
}

/// What one language of a multilingual site says differently: each key
/// given replaces the site's own for the pages in that language.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The site's title in this language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The site's description in this language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The free map for themes, in this language (a navigation, labels):
    /// each key replaces the site's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<BTreeMap<String, serde_json::Value>>,
    /// The taxonomies pages in this language may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomies: Option<Vec<TaxonomyConfig>>,
}

/// The site's person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// The person's name.
    #[serde(default)]
    pub name: String,
    /// Where to write to them.
    #[serde(default)]
    pub email: String,
    /// Profiles elsewhere.
    #[serde(default)]
    pub links: Vec<AuthorLink>,
}

/// One of the author's profiles.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorLink {
    /// What the link is called: `GitHub`.
    pub name: String,
    /// Where it goes.
    pub url: String,
}

/// The site-wide Atom feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Whether to write it.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Its file name.
    #[serde(default = "default_feed_filename")]
    pub filename: String,
    /// How many entries it holds at most.
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
    /// Whether `folio.yaml` writes `feed:`: a feed asked for that has no
    /// dated page to show is a warning, the default one is left out quietly.
    #[serde(skip)]
    pub written: bool,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            enabled: true,
            filename: default_feed_filename(),
            limit: default_feed_limit(),
            written: false,
        }
    }
}

/// How Markdown is rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Curly quotes, dashes and ellipses.
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
    /// Whether headings link to themselves.
    #[serde(default = "yes")]
    pub heading_links: bool,
    /// Whether fenced code is coloured at build time.
    #[serde(default = "yes")]
    pub highlight_code: bool,
    /// The colours of highlighted code.
    #[serde(default)]
    pub highlight_themes: HighlightThemes,
    /// Whether `$…$` and `$$…$$` are LaTeX math, rendered to MathML.
    #[serde(default)]
    pub math: bool,
    /// The title shown on each kind of GitHub callout (`> [!NOTE]`).
    #[serde(default)]
    pub callout_titles: CalloutTitles,
    /// Whether links that leave the site open in a new tab
    /// (`target="_blank"`, with `rel="noopener"`).
    #[serde(default)]
    pub external_links_target_blank: bool,
    /// Whether links that leave the site get `rel="nofollow"`.
    #[serde(default)]
    pub external_links_no_follow: bool,
    /// Whether links that leave the site get `rel="noreferrer"`.
    #[serde(default)]
    pub external_links_no_referrer: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            heading_links: true,
            highlight_code: true,
            highlight_themes: HighlightThemes::default(),
            math: false,
            callout_titles: CalloutTitles::default(),
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
        }
    }
}

/// The words a callout's title shows, for a site not written in English.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalloutTitles {
    /// `> [!NOTE]`.
    #[serde(default = "note_title")]
    pub note: String,
    /// `> [!TIP]`.
    #[serde(default = "tip_title")]
    pub tip: String,
    /// `> [!IMPORTANT]`.
    #[serde(default = "important_title")]
    pub important: String,
    /// `> [!WARNING]`.
    #[serde(default = "warning_title")]
    pub warning: String,
    /// `> [!CAUTION]`.
    #[serde(default = "caution_title")]
    pub caution: String,
}

impl Default for CalloutTitles {
    fn default() -> Self {
        CalloutTitles {
            note: note_title(),
            tip: tip_title(),
            important: important_title(),
            warning: warning_title(),
            caution: caution_title(),
        }
    }
}

fn note_title() -> String {
    "Note".to_string()
}

fn tip_title() -> String {
    "Tip".to_string()
}

fn important_title() -> String {
    "Important".to_string()
}

fn warning_title() -> String {
    "Warning".to_string()
}

fn caution_title() -> String {
    "Caution".to_string()
}

/// The two highlight themes: a built-in name, or `NAME` for a VS Code theme
/// file `highlight/NAME.json` of the site or of its theme.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightThemes {
    /// For visitors with a light colour scheme.
    #[serde(default = "default_light_theme")]
    pub light: String,
    /// For visitors with a dark colour scheme.
    #[serde(default = "default_dark_theme")]
    pub dark: String,
}

impl Default for HighlightThemes {
    fn default() -> Self {
        HighlightThemes {
            light: default_light_theme(),
            dark: default_dark_theme(),
        }
    }
}

/// The `images` block: how the Markdown images of page bundles are published.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// Whether each becomes a responsive `<picture>`; otherwise each keeps
    /// its file and gains its `width` and `height`.
    #[serde(default)]
    pub responsive: bool,
    /// The widths of a responsive image's `srcset`, in pixels.
    #[serde(default = "default_image_widths")]
    pub widths: Vec<u32>,
    /// The format of its `<source>`: `webp`, `jpeg`, `png` or `auto`.
    #[serde(default = "default_image_format")]
    pub format: String,
    /// WebP and JPEG quality, 1 to 100.
    #[serde(default = "default_image_quality")]
    pub quality: u8,
    /// Its `sizes` attribute: how wide it shows at each screen width.
    #[serde(default)]
    pub sizes: Option<String>,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            responsive: false,
            widths: default_image_widths(),
            format: default_image_format(),
            quality: default_image_quality(),
            sizes: None,
        }
    }
}

fn default_light_theme() -> String {
    "github-light".to_string()
}

fn default_dark_theme() -> String {
    "github-dark".to_string()
}

fn default_image_widths() -> Vec<u32> {
    vec![480, 960, 1440]
}

fn default_image_format() -> String {
    "webp".to_string()
}

fn default_image_quality() -> u8 {
    80
}

/// The formats folio writes images in.
pub const IMAGE_FORMATS: [&str; 5] = ["webp", "jpeg", "jpg", "png", "auto"];

/// The longest side of an image folio makes, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 10_000;

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".to_string()
}

fn default_timezone() -> String {
    "UTC".to_string()
}

fn default_feed_filename() -> String {
    "atom.xml".to_string()
}

fn default_feed_limit() -> usize {
    20
}

/// What the command line may change about a configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The site root, instead of searching upwards.
    pub root: Option<PathBuf>,
    /// Where to write, instead of `public/`.
    pub output_dir: Option<PathBuf>,
    /// The public URL, instead of `base_url`.
    pub base_url: Option<String>,
    /// The address the site is published at when `base_url` is only a
    /// local preview's (`serve`).
    pub published_url: Option<String>,
}

/// Finds the site root and loads its configuration.
pub fn load(cwd: &Path, overrides: &Overrides) -> Result<Config> {
    let root = match &overrides.root {
        Some(root) => {
            let root = cwd.join(root);
            if !root.join(CONFIG_FILE).is_file() {
                return Err(
                    Error::at(root.join(CONFIG_FILE), None, "no site configuration here").help(
                        "pass `--root` a folder that holds `folio.yaml`, or run `folio init` there",
                    ),
                );
            }
            root
        }
        None => find_root(cwd)?,
    };
    let root = root
        .canonicalize()
        .map_err(|e| Error::at(&root, None, "cannot open the site folder").cause(e))?;
    let path = root.join(CONFIG_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::at(CONFIG_FILE, None, "cannot read the configuration")
            .cause(e)
            .help("check that `folio.yaml` is a readable file")
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        Error::at(
            CONFIG_FILE,
            Some(Location::of_offset(&before, valid)),
            "the configuration is not valid UTF-8",
        )
        .help("save `folio.yaml` as UTF-8")
    })?;
    let mut site: SiteConfig = parse_yaml(&text, Path::new(CONFIG_FILE), 1)?;
    if let Some(url) = &overrides.base_url {
        site.base_url = url.clone();
    }
    resolve(cwd, root, site, &text, overrides)
}

/// Parses a YAML document whose first line is line `first_line` of `path`.
///
/// Errors point at the file's own line and column, and an unknown key gets
/// a "did you mean" when a known one is close.
pub fn parse_yaml<T: DeserializeOwned>(text: &str, path: &Path, first_line: usize) -> Result<T> {
    // Most front matter is a few `key: value` lines: read those without the
    // full parser, which also reports every error.
    if let Some(value) = simple_yaml::simple_mapping(text)
        && let Ok(parsed) = T::deserialize(value)
    {
        return Ok(parsed);
    }
    if let Some(offset) = too_deep(text) {
        let at = Location::of_offset(text, offset);
        return Err(Error::at(
            path,
            Some(Location {
                line: at.line + first_line - 1,
                column: at.column,
            }),
            format!("the YAML nests lists and mappings more than {MAX_YAML_DEPTH} deep"),
        )
        .help("flatten the data: fewer lists and mappings inside each other"));
    }
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let steps: Vec<Step<'_>> = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(Step::Key(key)),
                serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                _ => None,
            })
            .collect();
        yaml_error(e.inner(), &steps, text, path, first_line)
    })
}

/// How deep YAML may nest. The parser takes seconds on tens of thousands
/// of levels before it gives up; no site needs more than a handful.
const MAX_YAML_DEPTH: usize = 128;

/// Returns where `text` first nests deeper than `MAX_YAML_DEPTH`, looking
/// at the text alone, in one pass: block nesting by indentation and `- `
/// entries on a line, flow nesting by `[` and `{` that open a value.
/// Quoted strings, comments and block scalars (`|`, `>`) are skipped.
fn too_deep(text: &str) -> Option<usize> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    let mut literal_above: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        let blank = line.trim().is_empty();
        if let Some(above) = literal_above {
            if blank || indent > above {
                continue;
            }
            literal_above = None;
        }
        if quote.is_none() && flow == 0 && !blank && !line.trim_start().starts_with('#') {
            while indents.last().is_some_and(|top| *top >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut block = indents.len();
        // Where a token may start: a quote or a bracket there opens a value.
        let mut token_start = true;
        let mut i = indent;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                    token_start = false;
                }
                i += 1;
                continue;
            }
            match b {
                b'#' if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => break,
                b'\'' | b'"' if token_start => quote = Some(b),
                b'[' | b'{' if token_start || flow > 0 => {
                    flow += 1;
                    token_start = true;
                    if block + flow > MAX_YAML_DEPTH {
                        return Some(start + i);
                    }
                }
                b']' | b'}' if flow > 0 => flow -= 1,
                b',' | b':' if flow > 0 => token_start = true,
                // A mapping's key is already counted by its indentation.
                b':' if flow == 0 && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                    token_start = true;
                }
                b'-' | b'?'
                    if flow == 0 && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) =>
                {
                    block += 1;
                    token_start = true;
                    if block > MAX_YAML_DEPTH {
                        return Some(start + i);
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'|' | b'>' if token_start && flow == 0 && quote.is_none() => {
                    literal_above = Some(indent);
                    break;
                }
                _ => token_start = false,
            }
            i += 1;
        }
    }
    None
}

/// Turns a serde_yaml error into a located folio error; `steps` is the key
/// path serde was reading, which places an unknown key under its parent.
fn yaml_error(
    e: &serde_yaml::Error,
    steps: &[Step<'_>],
    text: &str,
    path: &Path,
    first_line: usize,
) -> Error {
    let full = e.to_string();
    // serde_yaml appends " at line L column C" to its message; the location
    // is reported separately, shifted to the file's own lines.
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let mut location = e.location().map(|l| Location {
        line: l.line() + first_line - 1,
        column: l.column(),
    });
    let mut help = "fix the YAML syntax at this place".to_string();
    if message.contains("more than one document") {
        location = second_document(text).map(|line| Location {
            line: line + first_line - 1,
            column: 1,
        });
        help = "keep one document in the file: remove this `---` line and what follows, or move it to a file of its own".to_string();
    }
    if let Some((field, expected)) = unknown_field(&message) {
        let mut steps = steps.to_vec();
        if steps.last() != Some(&Step::Key(field.as_str())) {
            steps.push(Step::Key(&field));
        }
        if let Some(found) = locate_key(text, &steps) {
            location = Some(Location {
                line: found.line + first_line - 1,
                column: found.column,
            });
        }
        help = match closest(&field, &expected) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "use one of {}",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
    }
    if let Some(field) = message
        .split("duplicate field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        if let Some(found) = locate_duplicate(text, steps, field) {
            location = Some(Location {
                line: found.line + first_line - 1,
                column: found.column,
            });
        }
        help = format!("keep one `{field}:` here: remove this one, or the first");
    }
    if message.contains("invalid type") {
        help =
            "give this key a value of the type it expects (see the guide's configuration chapter)"
                .to_string();
    } else if let Some(field) = message
        .split("missing field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        help = format!("add `{field}:` here");
    }
    // serde names Rust types; say what the user wrote instead.
    let message = message
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("duplicate field", "duplicate key")
        .replace(
            "expected struct SiteConfig",
            "expected a mapping of keys to values",
        )
        .replace("expected struct ", "expected a mapping: ")
        .replace("expected usize", "expected a whole number of 0 or more")
        .replace("expected u64", "expected a whole number of 0 or more");
    if message.contains("expected a mapping of keys to values") {
        help = "write the file as `key: value` lines, like `title: My site`".to_string();
    }
    Error::at(path, location, message).help(help)
}

/// The line (from 1) of the `---` that starts a second YAML document.
fn second_document(text: &str) -> Option<usize> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") {
            if content {
                return Some(i + 1);
            }
            content = true;
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            content = true;
        }
    }
    None
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into its parts.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field.to_string(), expected))
}

/// Where the key at `path` of `folio.yaml` is written.
fn config_key(text: &str, path: &[&str]) -> Option<Location> {
    let steps: Vec<Step<'_>> = path.iter().map(|k| Step::Key(k)).collect();
    locate_key(text, &steps)
}

/// One step of a key path in a YAML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// A key of a mapping.
    Key(&'a str),
    /// An item of a list, from 0.
    Index(usize),
}

/// Returns where the key at the end of `path` is written, following the
/// path through block mappings and lists by indentation, so that a key is
/// found under its own parent and not wherever its name first appears. A
/// step written in flow style (`{a: 1}`, `[x]`) is not followed: the last
/// step found is returned instead.
pub fn locate_key(text: &str, path: &[Step<'_>]) -> Option<Location> {
    follow(text, path).0
}

/// Returns where `key` is written a second time in the mapping at `path`.
fn locate_duplicate(text: &str, path: &[Step<'_>], key: &str) -> Option<Location> {
    let (_, scope, followed) = follow(text, path);
    let indent = scope.first().filter(|_| followed)?.indent;
    let second = scope
        .iter()
        .filter(|l| l.indent == indent && key_of(l.content) == Some(key))
        .nth(1)?;
    let quote = second.content.len() - second.content.trim_start_matches(['"', '\'']).len();
    Some(Location {
        line: second.line,
        column: second.indent + quote + 1,
    })
}

/// Follows `path` as `locate_key` says: where its last key found is
/// written, the lines inside what it leads to, and whether every step
/// was found.
fn follow<'t>(text: &'t str, path: &[Step<'_>]) -> (Option<Location>, Vec<YamlLine<'t>>, bool) {
    let mut scope: Vec<YamlLine<'_>> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let content = line.trim_start();
            let meaningful = !content.is_empty() && !content.starts_with('#');
            meaningful.then(|| YamlLine {
                line: i + 1,
                indent: line.len() - content.len(),
                content,
            })
        })
        .collect();
    let mut found = None;
    let mut followed = 0;
    for step in path {
        let Some(indent) = scope.first().map(|l| l.indent) else {
            break;
        };
        let start = match step {
            Step::Key(key) => scope
                .iter()
                .position(|l| l.indent == indent && key_of(l.content) == Some(*key)),
            Step::Index(n) => scope
                .iter()
                .enumerate()
                .filter(|(_, l)| l.indent == indent && is_list_item(l.content))
                .nth(*n)
                .map(|(i, _)| i),
        };
        let Some(start) = start else {
            break;
        };
        let end = scope[start + 1..]
            .iter()
            .position(|l| l.indent <= indent)
            .map_or(scope.len(), |i| start + 1 + i);
        let head = scope[start];
        let quote = head.content.len() - head.content.trim_start_matches(['"', '\'']).len();
        found = Some(Location {
            line: head.line,
            column: head.indent + quote + 1,
        });
        scope = match step {
            Step::Key(_) => scope[start + 1..end].to_vec(),
            Step::Index(_) => {
                // `- key: value` opens the item's mapping on the dash's line.
                let after_dash = head.content[1..].trim_start();
                let item = YamlLine {
                    line: head.line,
                    indent: head.indent + head.content.len() - after_dash.len(),
                    content: after_dash,
                };
                let mut lines = vec![item];
                lines.extend_from_slice(&scope[start + 1..end]);
                if item.content.is_empty() {
                    lines.remove(0);
                }
                lines
            }
        };
        followed += 1;
    }
    (found, scope, followed == path.len())
}

/// A line of YAML that holds something: its number, indentation and text.
#[derive(Debug, Clone, Copy)]
struct YamlLine<'a> {
    line: usize,
    indent: usize,
    content: &'a str,
}

/// The key a `key: value` line starts with, without quotes.
fn key_of(content: &str) -> Option<&str> {
    let (key, after) = match content.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let end = content[1..].find(quote)? + 1;
            (&content[1..end], &content[end + 1..])
        }
        _ => {
            let colon = content.find(':')?;
            (content[..colon].trim_end(), &content[colon..])
        }
    };
    after.trim_start().starts_with(':').then_some(key)
}

fn is_list_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Where the value of the key written at `at` starts: after its `:` and spaces.
pub fn value_after_key(text: &str, at: Location) -> Location {
    let Some(line) = text.lines().nth(at.line - 1) else {
        return at;
    };
    let after_key = line.char_indices().nth(at.column - 1).map_or(0, |(i, _)| i);
    let colon = line[after_key..]
        .find(':')
        .map_or(line.len(), |i| after_key + i + 1);
    let spaces = line[colon..].len() - line[colon..].trim_start().len();
    Location {
        line: at.line,
        column: line[..colon + spaces].chars().count() + 1,
    }
}

/// Returns the candidate one or two edits away from `word`, if any.
pub fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// The names nearest to `wanted`, for a help line: those that contain it
/// (or that it contains) first, then by edit distance; three at most.
pub fn nearest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut ranked: Vec<(bool, usize, &str)> = names
        .into_iter()
        .map(|name| {
            let contains = !wanted.is_empty() && (name.contains(wanted) || wanted.contains(name));
            (!contains, strsim::levenshtein(wanted, name), name)
        })
        .collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.2 == b.2);
    ranked
        .into_iter()
        .take(3)
        .map(|(_, _, name)| name)
        .collect()
}

/// Levenshtein distance, with a swap of two neighbours counted as one edit
/// (the "optimal string alignment" distance).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

fn find_root(cwd: &Path) -> Result<PathBuf> {
    cwd.ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Error::msg(format!(
                "no `{CONFIG_FILE}` in {} or any folder above it",
                cwd.display()
            ))
            .help("run folio inside a site, pass `--root DIR`, or create a site with `folio init`")
        })
}

/// Resolves a parsed `folio.yaml`; `--output-dir` is relative to `cwd`, the
/// folder folio was run in.
fn resolve(
    cwd: &Path,
    root: PathBuf,
    mut site: SiteConfig,
    text: &str,
    overrides: &Overrides,
) -> Result<Config> {
    let config_path = Path::new(CONFIG_FILE);
    let (base_url, base_path) = parse_base_url(&site.base_url).map_err(|message| {
        let help = "write an absolute URL such as `https://me.github.io/portfolio/`";
        if overrides.base_url.is_some() {
            return Error::msg(message.replacen("`base_url`", "`--base-url`", 1)).help(help);
        }
        Error::at(config_path, config_key(text, &["base_url"]), message).help(help)
    })?;
    site.base_url = base_url.clone();
    site.base_path = base_path.clone();
    let timezone = jiff::tz::TimeZone::get(&site.timezone).map_err(|_| {
        Error::at(
            config_path,
            config_key(text, &["timezone"]),
            format!(
                "`timezone` must be a time zone name like Europe/Paris, found \"{}\"",
                site.timezone
            ),
        )
        .help("write a name from the IANA time zone database, such as `UTC` or `America/New_York`")
    })?;
    check_language(&site.language, text)?;
    let languages = check_languages(&site, text)?;
    check_names(&site, text)?;
    site.feed.written = config_key(text, &["feed"]).is_some();
    let mut template_dirs = vec![root.join("templates")];
    let mut static_dirs = Vec::new();
    let mut theme_dir = None;
    if let Some(theme) = &site.theme {
        let dir = root.join("themes").join(theme);
        if !dir.is_dir() {
            return Err(Error::at(
                config_path,
                config_key(text, &["theme"]),
                format!("theme `{theme}` not found in `themes/{theme}/`"),
            )
            .help("put the theme in `themes/`, or remove the `theme` key"));
        }
        template_dirs.push(dir.join("templates"));
        static_dirs.push(dir.join("static"));
        theme_dir = Some(dir);
    }
    static_dirs.push(root.join("static"));
    let builtin_theme = theme_dir.is_none() && !holds_page_templates(&root.join("templates"));
    let filename = &site.feed.filename;
    if filename.is_empty() || filename.contains(['/', '\\']) || filename == ".." || filename == "."
    {
        return Err(Error::at(
            config_path,
            config_key(text, &["feed", "filename"]),
            format!("`feed.filename` must be a file name, found \"{filename}\""),
        )
        .help("write a name like `atom.xml`"));
    }
    check_images(&site.images, text)?;
    let mut seen = Vec::new();
    let own = site.languages.iter().filter_map(|(code, l)| {
        Some((
            vec!["languages", code.as_str(), "taxonomies"],
            l.taxonomies.as_ref()?,
        ))
    });
    for (key, taxonomies) in std::iter::once((vec!["taxonomies"], &site.taxonomies)).chain(own) {
        seen.clear();
        for taxonomy in taxonomies {
            if seen.contains(&taxonomy.name) {
                return Err(Error::at(
                    config_path,
                    config_key(text, &key),
                    format!("taxonomy `{}` is declared twice", taxonomy.name),
                )
                .help("remove one of the two entries"));
            }
            seen.push(taxonomy.name.clone());
        }
    }
    let output_dir = match &overrides.output_dir {
        Some(dir) => cwd.join(dir),
        None => root.join("public"),
    };
    Ok(Config {
        content_dir: root.join("content"),
        output_dir,
        template_dirs,
        static_dirs,
        theme_dir,
        builtin_theme,
        published_url: overrides
            .published_url
            .clone()
            .unwrap_or_else(|| base_url.clone()),
        base_url,
        base_path,
        timezone,
        site,
        root,
        languages,
    })
}

/// Returns true when `dir` holds a file, at any depth.
/// Whether `dir` holds templates that render pages: any file but
/// shortcodes and the social card, which a site adds to the built-in theme
/// as it would to a theme it names.
fn holds_page_templates(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .any(|name| !name.starts_with("shortcodes") && name != Path::new(CARD_TEMPLATE))
}

/// Refuses a theme or highlight theme named by a path: each is a name that
/// folio looks up in a folder of the site, so `../..` or `/etc/x` would
/// read files outside it.
fn check_names(site: &SiteConfig, text: &str) -> Result<()> {
    let themes = &site.markdown.highlight_themes;
    let named = [
        (
            vec!["theme"],
            site.theme.as_deref(),
            "a folder name under `themes/`",
        ),
        (
            vec!["markdown", "highlight_themes", "light"],
            Some(themes.light.as_str()),
            "a built-in theme, or `NAME` for `highlight/NAME.json`",
        ),
        (
            vec!["markdown", "highlight_themes", "dark"],
            Some(themes.dark.as_str()),
            "a built-in theme, or `NAME` for `highlight/NAME.json`",
        ),
    ];
    for (key, name, what) in named {
        let Some(name) = name else { continue };
        if is_plain_name(name) {
            continue;
        }
        return Err(Error::at(
            CONFIG_FILE,
            config_key(text, &key),
            format!("`{}` must be a name, found \"{name}\"", key.join(".")),
        )
        .help(format!(
            "write {what}: a name with no `/`, `\\` or `..`, which stays inside the site"
        )));
    }
    Ok(())
}

/// Whether `name` is one file or folder name: not empty, no separator, not
/// `.` or `..`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\', '\0']) && name != "." && name != ".."
}

/// Refuses a `language` that is not a BCP 47 tag (`en`, `pt-BR`,
/// `zh-Hant-TW`): it goes into `<html lang>`, feeds and the search index,
/// whose folder it names.
fn check_language(language: &str, text: &str) -> Result<()> {
    if is_language_tag(language) {
        return Ok(());
    }
    Err(Error::at(
        CONFIG_FILE,
        config_key(text, &["language"]),
        format!("`language` must be a language tag like `en` or `pt-BR`, found \"{language}\""),
    )
    .help("write a BCP 47 tag: a language code, then a script or a region if needed, like `zh-Hant-TW`"))
}

/// Refuses a code of `languages` that is not a BCP 47 tag, and returns
/// the site's languages: the default first, then the others by code (the
/// default may be listed too, for what it says differently).
fn check_languages(site: &SiteConfig, text: &str) -> Result<Vec<String>> {
    let mut languages = vec![site.language.clone()];
    for code in site.languages.keys() {
        if !is_language_tag(code) {
            return Err(Error::at(
                CONFIG_FILE,
                config_key(text, &["languages", code]),
                format!("`languages` must be keyed by language tags like `fr` or `pt-BR`, found \"{code}\""),
            )
            .help("write a BCP 47 tag: a language code, then a script or a region if needed, like `zh-Hant-TW`"));
        }
        if code != &site.language {
            languages.push(code.clone());
        }
    }
    Ok(languages)
}

/// Whether `tag` has the shape of a BCP 47 language tag (RFC 5646): a
/// language of 2 to 8 letters, then subtags of 1 to 8 letters and digits,
/// where a one-character subtag (an extension, or `x` for private use)
/// is followed by at least one more; or a private-use tag `x-…`.
pub fn is_language_tag(tag: &str) -> bool {
    let subtags: Vec<&str> = tag.split('-').collect();
    let fits =
        |s: &&str| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !subtags.iter().all(fits) {
        return false;
    }
    let first = subtags[0];
    let private = first.eq_ignore_ascii_case("x") && subtags.len() > 1;
    let language = first.len() >= 2 && first.bytes().all(|b| b.is_ascii_alphabetic());
    if !(private || language) {
        return false;
    }
    // A singleton opens an extension, which needs a subtag of its own.
    subtags
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, s)| s.len() == 1)
        .all(|(i, _)| {
            subtags
                .get(i + 1)
                .is_some_and(|next| next.len() >= 2 || private)
        })
}

/// Refuses an `images` block folio cannot follow.
fn check_images(images: &ImagesConfig, text: &str) -> Result<()> {
    let at = |key: &str| locate_key(text, &[Step::Key("images"), Step::Key(key)]);
    let config_path = Path::new(CONFIG_FILE);
    if !IMAGE_FORMATS.contains(&images.format.as_str()) {
        let why = if images.format == "avif" {
            ": folio's AVIF encoder is too slow to run on every build"
        } else {
            ""
        };
        return Err(Error::at(
            config_path,
            at("format"),
            format!(
                "`images.format` must be `webp`, `jpeg`, `png` or `auto`, found \"{}\"{why}",
                images.format
            ),
        )
        .help("write `format: webp`"));
    }
    if !(1..=100).contains(&images.quality) {
        return Err(Error::at(
            config_path,
            at("quality"),
            format!(
                "`images.quality` must be 1 to 100, found {}",
                images.quality
            ),
        )
        .help("write a quality such as `quality: 80`"));
    }
    if images.widths.is_empty()
        || images
            .widths
            .iter()
            .any(|w| !(1..=MAX_IMAGE_SIDE).contains(w))
    {
        return Err(Error::at(
            config_path,
            at("widths"),
            format!("`images.widths` must list widths of 1 to {MAX_IMAGE_SIDE} pixels"),
        )
        .help("write widths like `widths: [480, 960, 1440]`"));
    }
    Ok(())
}

/// Splits an absolute http(s) URL into the URL with a trailing `/` and its path.
pub fn parse_base_url(url: &str) -> std::result::Result<(String, String), String> {
    if url.is_empty() {
        return Err("`base_url` is missing".to_string());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` must be an absolute http(s) URL, found \"{url}\""))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty()
        || host.contains(char::is_whitespace)
        || path.contains(char::is_whitespace)
        || path.contains(['?', '#'])
    {
        return Err(format!(
            "`base_url` must be an absolute http(s) URL, found \"{url}\""
        ));
    }
    let mut path = path.trim_end_matches('/').to_string();
    path.push('/');
    let scheme_len = url.len() - rest.len();
    Ok((format!("{}{host}{path}", &url[..scheme_len]), path))
}

impl Config {
    /// Returns the absolute URL of a path that already carries the base path.
    pub fn permalink(&self, path_with_base: &str) -> String {
        let origin = url::origin(&self.base_url, &self.base_path);
        format!("{origin}{path_with_base}")
    }

    /// Returns a site path (`/projects/x/`) under the base path (`/portfolio/projects/x/`).
    pub fn with_base(&self, site_path: &str) -> String {
        let trimmed = site_path.trim_start_matches('/');
        format!("{}{trimmed}", self.base_path)
    }

    /// Returns the taxonomy declared under `name`, by the site or, when
    /// the site has none of that name, by one of its languages.
    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        let own = self.site.languages.values();
        std::iter::once(&self.site.taxonomies)
            .chain(own.filter_map(|l| l.taxonomies.as_ref()))
            .flatten()
            .find(|t| t.name == name)
    }

    /// Whether the site is written in more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// Returns the index in `languages` of `code`, when the site has it.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|l| l == code)
    }

    /// Returns what URLs of language `lang` start with: nothing for the
    /// default language, `/fr` for French.
    pub fn language_prefix(&self, lang: usize) -> String {
        match lang {
            0 => String::new(),
            _ => format!("/{}", self.languages[lang]),
        }
    }

    /// Returns the taxonomies of language `lang`: its own, or the site's.
    pub fn language_taxonomies(&self, lang: usize) -> &[TaxonomyConfig] {
        self.languages
            .get(lang)
            .and_then(|code| self.site.languages.get(code))
            .and_then(|l| l.taxonomies.as_deref())
            .unwrap_or(&self.site.taxonomies)
    }

    /// Returns `config` as language `lang` sees it: the site's, with what
    /// that language says differently, and `language` set to its code.
    pub fn language_site(&self, lang: usize) -> SiteConfig {
        let mut site = self.site.clone();
        let Some(code) = self.languages.get(lang) else {
            return site;
        };
        if let Some(own) = self.site.languages.get(code) {
            if let Some(title) = &own.title {
                site.title.clone_from(title);
            }
            if let Some(description) = &own.description {
                site.description.clone_from(description);
            }
            if let Some(extra) = &own.extra {
                site.extra
                    .extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if let Some(taxonomies) = &own.taxonomies {
                site.taxonomies.clone_from(taxonomies);
            }
        }
        site.language.clone_from(code);
        site
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_error_text(text: &str, first_line: usize) -> String {
        parse_yaml::<serde_yaml::Value>(text, Path::new("data.yaml"), first_line)
            .unwrap_err()
            .to_string()
    }

    // Issue #11, point 11: 40,000 levels took 6.8 s before "recursion limit exceeded".
    #[test]
    fn deeply_nested_yaml_is_refused_at_its_place() {
        let deep = format!(
            "title: x\nlist: {}{}\n",
            "[".repeat(40_000),
            "]".repeat(40_000)
        );
        assert_eq!(
            yaml_error_text(&deep, 5),
            "error: data.yaml:6:134: the YAML nests lists and mappings more than 128 deep\n  help: flatten the data: fewer lists and mappings inside each other\n"
        );
        let block = format!("a: {}x\n", "- ".repeat(40_000));
        assert!(yaml_error_text(&block, 1).contains("data.yaml:1:"), "block");
        let mixed = format!("a:\n  b: {}1{}\n", "{c: [".repeat(100), "]}".repeat(100));
        assert!(yaml_error_text(&mixed, 1).contains("more than 128 deep"));
    }

    #[test]
    fn nesting_inside_strings_comments_and_block_scalars_is_not_counted() {
        let brackets = "[".repeat(300);
        let text = format!(
            "a: '{brackets}'\nb: \"{brackets}\"\nc: x{brackets}\nd: | \n  {brackets}\n# {brackets}\ne: [1, [2, {{f: '[]'}}]]\n"
        );
        assert!(parse_yaml::<serde_yaml::Value>(&text, Path::new("x.yaml"), 1).is_ok());
        let nested = format!("x: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(parse_yaml::<serde_yaml::Value>(&nested, Path::new("x.yaml"), 1).is_ok());
    }

    #[test]
    fn a_key_written_twice_is_named_at_its_second_place() {
        let top = "title: x\nbase_url: https://me.dev/\nsearch: false\nsearch: true\n";
        assert_eq!(
            parse_yaml::<SiteConfig>(top, Path::new(CONFIG_FILE), 1)
                .unwrap_err()
                .to_string(),
            "error: folio.yaml:4:1: duplicate key `search`\n  help: keep one `search:` here: remove this one, or the first\n"
        );
        let nested = "title: x\nbase_url: https://me.dev/\nimages:\n  quality: 80\n  quality: 70\n";
        let error = parse_yaml::<SiteConfig>(nested, Path::new(CONFIG_FILE), 1)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("error: folio.yaml:5:3: images: duplicate key `quality`"),
            "{error}"
        );
    }

    #[test]
    fn a_second_yaml_document_is_named_at_its_line() {
        assert_eq!(
            yaml_error_text("a: 1\n---\nb: 2\n", 1),
            "error: data.yaml:2:1: deserializing from YAML containing more than one document is not supported\n  help: keep one document in the file: remove this `---` line and what follows, or move it to a file of its own\n"
        );
    }

    #[test]
    fn a_base_url_keeps_its_sub_path_and_gains_a_trailing_slash() {
        assert_eq!(
            parse_base_url("https://me.github.io/portfolio").unwrap(),
            (
                "https://me.github.io/portfolio/".to_string(),
                "/portfolio/".to_string()
            )
        );
        assert_eq!(
            parse_base_url("http://localhost:1111").unwrap(),
            ("http://localhost:1111/".to_string(), "/".to_string())
        );
    }

    #[test]
    fn a_base_url_that_is_not_absolute_http_is_refused() {
        assert!(parse_base_url("me.dev").is_err());
        assert!(parse_base_url("ftp://me.dev/").is_err());
        assert!(parse_base_url("/portfolio/").is_err());
        assert!(parse_base_url("").is_err());
        assert!(parse_base_url("https://e.com/a b/").is_err());
    }

    #[test]
    fn an_unknown_key_is_reported_at_its_line_with_the_nearest_known_key() {
        let text = "title: x\nbase_ulr: https://me.dev/\n";
        let error = parse_yaml::<SiteConfig>(text, Path::new("folio.yaml"), 1).unwrap_err();
        assert_eq!(error.location, Some(Location { line: 2, column: 1 }));
        assert!(
            error.message.starts_with("unknown key `base_ulr`"),
            "{}",
            error.message
        );
        assert_eq!(error.help.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn type_errors_speak_of_what_was_written_not_of_rust_types() {
        let error = parse_yaml::<SiteConfig>("- a\n", Path::new("folio.yaml"), 1).unwrap_err();
        assert_eq!(
            error.message,
            "invalid type: sequence, expected a mapping of keys to values"
        );
        assert_eq!(
            error.help.as_deref(),
            Some("write the file as `key: value` lines, like `title: My site`")
        );
        let error = parse_yaml::<SiteConfig>("feed: {limit: -1}\n", Path::new("folio.yaml"), 1)
            .unwrap_err();
        assert!(
            error
                .message
                .ends_with("expected a whole number of 0 or more"),
            "{}",
            error.message
        );
        let error =
            parse_yaml::<SiteConfig>("author: {links: [{name: x}]}\n", Path::new("folio.yaml"), 1)
                .unwrap_err();
        assert_eq!(error.message, "author.links[0]: missing key `url`");
        assert_eq!(error.help.as_deref(), Some("add `url:` here"));
    }

    #[test]
    fn yaml_lines_are_shifted_to_the_file_lines() {
        let text = "title: x\ndescription: [unclosed\n";
        let at_one = parse_yaml::<SiteConfig>(text, Path::new("a.md"), 1).unwrap_err();
        let at_two = parse_yaml::<SiteConfig>(text, Path::new("a.md"), 2).unwrap_err();
        let line = at_one.location.map(|l| l.line).unwrap();
        assert_eq!(at_two.location.map(|l| l.line), Some(line + 1));
    }

    #[test]
    fn a_feed_file_name_cannot_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("folio.yaml"),
            "base_url: https://e.com/\nfeed:\n  filename: ../x.xml\n",
        )
        .unwrap();
        let error = load(dir.path(), &Overrides::default()).unwrap_err();
        assert_eq!(
            error.message,
            "`feed.filename` must be a file name, found \"../x.xml\""
        );
        assert_eq!(error.location.map(|l| l.line), Some(3));
    }

    fn load_error(text: &str) -> Error {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("folio.yaml"), text).unwrap();
        load(dir.path(), &Overrides::default()).unwrap_err()
    }

    // Issue #27, point 5: `highlight_themes` read any file the name led to.
    #[test]
    fn a_highlight_theme_or_theme_named_by_a_path_is_refused_at_its_line() {
        for (name, line) in [("../../../etc/x", 5), ("/etc/x", 5), ("..", 5), ("a\\b", 5)] {
            let error = load_error(&format!(
                "base_url: https://e.com/\nmarkdown:\n  highlight_themes:\n    light: github-light\n    dark: '{name}'\n"
            ));
            assert_eq!(
                error.message,
                format!("`markdown.highlight_themes.dark` must be a name, found \"{name}\"")
            );
            assert_eq!(error.location.map(|l| l.line), Some(line), "{name}");
        }
        let error = load_error("base_url: https://e.com/\ntheme: ../../x\n");
        assert_eq!(error.message, "`theme` must be a name, found \"../../x\"");
        assert_eq!(error.location.map(|l| l.line), Some(2));
    }

    // Issue #27, point 8: a tag of 31 characters or more panicked inside
    // the search index, and `x/y` made a folder.
    #[test]
    fn language_is_a_bcp_47_tag() {
        for good in [
            "en",
            "fr",
            "pt-BR",
            "zh-Hant-TW",
            "zh-Hant-TW-u-nu-hanidec-ca-chinese",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1996",
            "en-US-x-twain",
            "x-private",
            "ast",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "x/y",
            "e",
            "en_US",
            "en-",
            "-en",
            "en--US",
            "en-u",
            "toolongtag",
            "1a",
            "en-US-x",
            "fr.yaml",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        let error = load_error("base_url: https://e.com/\ntitle: t\nlanguage: x/y\n");
        assert_eq!(
            error.message,
            "`language` must be a language tag like `en` or `pt-BR`, found \"x/y\""
        );
        assert_eq!(error.location.map(|l| l.line), Some(3));
    }

    // Issue #22: a site in several languages.
    #[test]
    fn languages_are_keyed_by_tags_and_their_keys_are_known() {
        let error = load_error(
            "base_url: https://e.com/\nlanguages:\n  fr:\n    title: T\n  fr_FR:\n    title: T\n",
        );
        assert_eq!(
            error.message,
            "`languages` must be keyed by language tags like `fr` or `pt-BR`, found \"fr_FR\""
        );
        assert_eq!(error.location.map(|l| (l.line, l.column)), Some((5, 3)));
        let error = load_error("base_url: https://e.com/\nlanguages:\n  fr:\n    titel: T\n");
        assert!(error.message.contains("titel"), "{}", error.message);
        assert_eq!(error.location.map(|l| l.line), Some(4));
        let error = load_error(
            "base_url: https://e.com/\nlanguages:\n  ar:\n    taxonomies:\n      - name: tags\n      - name: tags\n",
        );
        assert_eq!(error.message, "taxonomy `tags` is declared twice");
        assert_eq!(error.location.map(|l| l.line), Some(4));
    }

    #[test]
    fn a_language_sees_the_site_with_its_own_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("folio.yaml"),
            "base_url: https://e.com/\ntitle: Site\nlanguage: en\nextra:\n  a: 1\n  b: 2\nlanguages:\n  fr:\n    title: Le site\n    extra:\n      b: 3\n  ar: {}\n",
        )
        .unwrap();
        let config = load(dir.path(), &Overrides::default()).unwrap();
        assert_eq!(config.languages, ["en", "ar", "fr"]);
        assert!(config.is_multilingual());
        assert_eq!(config.language_prefix(0), "");
        assert_eq!(config.language_prefix(2), "/fr");
        let fr = config.language_site(2);
        assert_eq!((fr.title.as_str(), fr.language.as_str()), ("Le site", "fr"));
        assert_eq!(fr.extra["a"], serde_json::json!(1));
        assert_eq!(fr.extra["b"], serde_json::json!(3));
        assert_eq!(config.language_site(1).title, "Site");
    }

    #[test]
    fn search_is_off_unless_folio_yaml_turns_it_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("folio.yaml");
        std::fs::write(&path, "base_url: https://e.com/\n").unwrap();
        assert!(!load(dir.path(), &Overrides::default()).unwrap().site.search);
        std::fs::write(&path, "base_url: https://e.com/\nsearch: true\n").unwrap();
        assert!(load(dir.path(), &Overrides::default()).unwrap().site.search);
    }

    #[test]
    fn a_key_is_found_under_its_own_parent() {
        let text = "extra:\n  filename: x\n  # a comment\nfeed:\n  limit: 3\n  filename: y\nauthor:\n  links:\n    - name: a\n      url: b\n    -\n      name: c\n      \"url\": d\n";
        let at = |path: &[Step<'_>]| locate_key(text, path).map(|l| (l.line, l.column));
        assert_eq!(
            at(&[Step::Key("feed"), Step::Key("filename")]),
            Some((6, 3))
        );
        assert_eq!(
            at(&[Step::Key("extra"), Step::Key("filename")]),
            Some((2, 3))
        );
        assert_eq!(at(&[Step::Key("filename")]), None);
        let links = [Step::Key("author"), Step::Key("links")];
        assert_eq!(
            at(&[links[0], links[1], Step::Index(0), Step::Key("url")]),
            Some((10, 7))
        );
        assert_eq!(
            at(&[links[0], links[1], Step::Index(1), Step::Key("url")]),
            Some((13, 8))
        );
        assert_eq!(at(&[Step::Key("feed"), Step::Key("nope")]), Some((4, 1)));
    }

    #[test]
    fn a_nested_unknown_key_is_reported_under_its_own_parent() {
        // The same name written earlier inside `extra` took the blame.
        let text = "extra:\n  nmae: x\nauthor:\n  nmae: Ada\n";
        let error = parse_yaml::<SiteConfig>(text, Path::new("folio.yaml"), 1).unwrap_err();
        assert_eq!(error.location, Some(Location { line: 4, column: 3 }));
        assert_eq!(error.help.as_deref(), Some("did you mean `name`?"));
        let text = "extra:\n  filename: x\nfeed:\n  filename: a/b\nbase_url: https://e.com/\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("folio.yaml"), text).unwrap();
        let error = load(dir.path(), &Overrides::default()).unwrap_err();
        assert_eq!(error.location, Some(Location { line: 4, column: 3 }));
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(edit_distance("date", "date"), 0);
        assert_eq!(edit_distance("weigth", "weight"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }

    #[test]
    fn an_output_dir_is_relative_to_the_folder_folio_runs_in() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(site.join("folio.yaml"), "base_url: https://e.com/\n").unwrap();
        let overrides = Overrides {
            root: Some(site.clone()),
            output_dir: Some(PathBuf::from("out")),
            ..Overrides::default()
        };
        let config = load(&elsewhere, &overrides).unwrap();
        assert_eq!(config.output_dir, elsewhere.join("out"));
    }

    #[test]
    fn the_nearest_names_contain_the_word_first_then_go_by_edit_distance() {
        let ids = ["sparkles-features", "install", "usage", "installation"];
        assert_eq!(nearest("-features", ids)[0], "sparkles-features");
        assert_eq!(
            nearest("instal", ids),
            vec!["install", "installation", "usage"]
        );
        assert!(nearest("zzz", []).is_empty());
    }
}
