//! Page and section bodies: read from their files when they are rendered,
//! turned into HTML with the size (or the responsive `<picture>`) of each
//! image folio knows, and checked for `@/` links and `#anchors` that point
//! at nothing.
//!
//! A page's body is read here, not kept from loading: holding every body
//! and every page's HTML at once is what made memory grow with the site.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, Level};
use crate::content::{self, Content, Page, site_relative};
use crate::error::{Error, Errors, Location, Result};
use crate::highlight::{BUILTIN_THEMES, Highlighter, Palette, Side, Theme, ThemeError};
use crate::images::{Images, Kind, Problem};
use crate::markdown::{self, Picture, Rendered, Shortcodes};
use crate::output::cache::{self, CACHE_DIR};
use crate::url;

use super::pictures::{self, Responsive, Sources};
use super::values::PageHtml;

/// What link checks need of a rendered body, kept after its HTML is gone.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The ids of its headings.
    pub ids: Vec<String>,
    /// Its `@/` links and `#anchors`, with where they are in the file.
    pub links: Vec<(markdown::Link, Location)>,
    /// Shortcodes and Liquid tags it prints as text, with where they are.
    pub literal_templates: Vec<(markdown::LiteralTemplate, Location)>,
    /// Problems worth a warning, such as code in a language no grammar knows.
    pub warnings: Vec<Error>,
    /// Whether its code uses the highlight palette.
    pub highlighted: bool,
    /// Problems that fail it, such as a shortcode written wrongly.
    pub errors: Vec<Error>,
    /// Whether a link of it starting with the base path was read from the
    /// site's paths, which adding or moving a file may change.
    pub reads_site_paths: bool,
}

/// How page bodies are rendered for this site.
pub fn markdown_options(config: &Config) -> markdown::Options {
    markdown::Options {
        smart_punctuation: config.site.markdown.smart_punctuation,
        heading_links: config.site.markdown.heading_links,
        base_path: config.base_path.clone(),
        site_paths: Arc::default(),
        highlighter: config
            .site
            .markdown
            .highlight_code
            .then(|| Arc::new(Highlighter::new(palette(config)))),
        callout_titles: {
            let titles = &config.site.markdown.callout_titles;
            [
                &titles.note,
                &titles.tip,
                &titles.important,
                &titles.warning,
                &titles.caution,
            ]
            .map(String::clone)
        },
        external_links: markdown::ExternalLinks {
            target_blank: config.site.markdown.external_links_target_blank,
            no_follow: config.site.markdown.external_links_no_follow,
            no_referrer: config.site.markdown.external_links_no_referrer,
        },
        math: config.site.markdown.math,
    }
}

/// The build cache's file of highlighted code blocks.
const HIGHLIGHT_CACHE: &str = "highlight.bin";

/// How page bodies are rendered, with the code blocks and stylesheet an
/// earlier build of the site highlighted, from the build cache.
fn body_options(config: &Config) -> markdown::Options {
    let mut options = markdown_options(config);
    if options.highlighter.is_some() {
        // A missing or unreadable cache is an empty one.
        let saved =
            std::fs::read(config.root.join(CACHE_DIR).join(HIGHLIGHT_CACHE)).unwrap_or_default();
        let highlighter = Highlighter::new(palette(config)).restore(&saved);
        options.highlighter = Some(Arc::new(highlighter));
    }
    options
}

/// After a whole build: keeps in the build cache the code blocks this
/// build highlighted and its stylesheet, and only those.
pub fn save_highlights(config: &Config, options: &markdown::Options) -> Result<()> {
    let saved = options.highlighter.as_ref().and_then(|h| h.save());
    if let Some(bytes) = saved {
        cache::write(&config.root.join(CACHE_DIR), HIGHLIGHT_CACHE, &bytes)?;
    }
    Ok(())
}

/// Markdown outside a page body: no heading self-links.
pub fn outside_options(config: &Config) -> markdown::Options {
    markdown::Options {
        heading_links: false,
        ..markdown_options(config)
    }
}

pub fn strip_paragraph(html: &str) -> String {
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

/// The output file holding the colours of highlighted code.
pub const PALETTE_FILE: &str = "highlight.css";

/// The site's highlight themes: a file `highlight/NAME.json` of the site,
/// then of its theme, or else the built-in theme of that name.
fn palette(config: &Config) -> Palette {
    let themes = &config.site.markdown.highlight_themes;
    let find = |name: &str| {
        let file = format!("{name}.json");
        std::iter::once(config.root.as_path())
            .chain(config.theme_dir.as_deref())
            .map(|dir| dir.join("highlight").join(&file))
            .find(|path| path.is_file())
            .map_or_else(|| Theme::Builtin(name.to_string()), Theme::File)
    };
    Palette {
        light: find(&themes.light),
        dark: find(&themes.dark),
    }
}

/// What the palette stylesheet is made from, for its fingerprint: the
/// theme names and the bytes of theme files. None when code is not
/// highlighted.
pub fn palette_source(config: &Config) -> Option<Vec<u8>> {
    if !config.site.markdown.highlight_code {
        return None;
    }
    let mut made_from = Vec::new();
    for theme in [palette(config).light, palette(config).dark] {
        match theme {
            Theme::Builtin(name) => made_from.extend(name.as_bytes()),
            Theme::File(path) => made_from.extend(std::fs::read(path).unwrap_or_default()),
        }
        made_from.push(0);
    }
    Some(made_from)
}

/// Checks that the highlight themes exist, before anything is rendered.
pub fn check_palette(config: &Config, options: &markdown::Options) -> Result<()> {
    match &options.highlighter {
        Some(highlighter) => highlighter.check().map_err(|e| palette_error(config, e)),
        None => Ok(()),
    }
}

/// The stylesheet of the highlight themes. A site with no highlighted code
/// gets a stub: the grammars and themes are loaded only for a site that
/// uses them.
pub fn palette_css(
    options: &markdown::Options,
    config: &Config,
    highlighted: bool,
) -> Result<Option<String>> {
    let Some(highlighter) = &options.highlighter else {
        return Ok(None);
    };
    if !highlighted {
        return Ok(Some(
            "/* No code on this site is highlighted yet. Written by folio. */\n".to_string(),
        ));
    }
    highlighter
        .palette_css()
        .map(Some)
        .map_err(|e| palette_error(config, e))
}

/// Places a theme problem: in the theme file, or at its key in `folio.yaml`.
fn palette_error(config: &Config, e: ThemeError) -> Error {
    {
        let themes = &config.site.markdown.highlight_themes;
        let (key, name) = match e.side {
            Side::Light => ("light", &themes.light),
            Side::Dark => ("dark", &themes.dark),
        };
        match palette(config) {
            Palette {
                light: Theme::File(path),
                ..
            } if e.side == Side::Light => Error::at(site_relative(config, &path), None, e.message)
                .help("fix the theme file: it is a VS Code colour theme in JSON"),
            Palette {
                dark: Theme::File(path),
                ..
            } if e.side == Side::Dark => Error::at(site_relative(config, &path), None, e.message)
                .help("fix the theme file: it is a VS Code colour theme in JSON"),
            _ => {
                let names: Vec<String> = BUILTIN_THEMES.iter().map(|n| n.to_string()).collect();
                let help = match crate::config::closest(name, &names) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "name a built-in theme such as `github-{key}`, or add `highlight/{name}.json`"
                    ),
                };
                let text = std::fs::read_to_string(config.root.join(crate::config::CONFIG_FILE))
                    .unwrap_or_default();
                use crate::config::Step;
                let path = [
                    Step::Key("markdown"),
                    Step::Key("highlight_themes"),
                    Step::Key(key),
                ];
                let location = crate::config::locate_key(&text, &path);
                Error::at(crate::config::CONFIG_FILE, location, e.message).help(help)
            }
        }
    }
}

/// Every page's and section's source path → its URL path with the base
/// path; and every file of `content/` the site publishes (a page bundle's
/// included), so that `@/p/shot.png` names an image as `@/p.md` a page.
pub fn url_map(config: &Config, content: &Content) -> HashMap<String, String> {
    let in_content = |path: &Path| {
        path.strip_prefix(&config.content_dir)
            .ok()
            .and_then(Path::to_str)
            .map(|p| p.replace('\\', "/"))
    };
    let files = content.files.iter().filter_map(|file| {
        let key = in_content(&file.source)?;
        Some((key, config.with_base(&format!("/{}", file.dest))))
    });
    let assets = content.pages.iter().flat_map(|page| {
        let dir = page.bundle_dir.as_deref().and_then(in_content);
        page.assets.iter().filter_map(move |asset| {
            let key = format!("{}/{asset}", dir.as_ref()?);
            Some((key, config.with_base(&format!("{}{asset}", page.url))))
        })
    });
    files
        .chain(assets)
        .chain(
            content
                .pages
                .iter()
                .map(|p| (p.relative_path.clone(), config.with_base(&p.url))),
        )
        .chain(
            content
                .sections
                .iter()
                .map(|s| (s.relative_path.clone(), config.with_base(&s.url))),
        )
        .collect()
}

/// Resolves `@/` links and images of one build.
pub struct Resolver {
    urls: Arc<HashMap<String, String>>,
    /// The site's language codes, the default first.
    languages: Vec<String>,
    options: markdown::Options,
    images: Option<Arc<Images>>,
    sources: Arc<Sources>,
    /// How Markdown images become responsive, when `folio.yaml` asks.
    responsive: Option<Responsive>,
}

impl Resolver {
    /// Resolves with `urls` (`url_map`'s), with no images.
    pub fn new(config: &Config, urls: Arc<HashMap<String, String>>) -> Resolver {
        let mut options = body_options(config);
        if config.base_path != "/" {
            let base = config.base_path.trim_end_matches('/');
            let paths = urls
                .values()
                .filter_map(|url| url.strip_prefix(base))
                .map(|path| path.trim_matches('/').to_string())
                .collect();
            options.site_paths = Arc::new(paths);
        }
        Resolver {
            urls,
            languages: config.languages.clone(),
            options,
            images: None,
            sources: Arc::default(),
            responsive: None,
        }
    }

    /// The options bodies are rendered with.
    pub fn options(&self) -> &markdown::Options {
        &self.options
    }

    /// Sizes the images of Markdown with `images`, found through `sources`.
    pub fn with_images(
        mut self,
        config: &Config,
        images: Arc<Images>,
        sources: Arc<Sources>,
    ) -> Resolver {
        self.images = Some(images);
        if config.base_path != "/" {
            let mut paths = (*self.options.site_paths).clone();
            paths.extend(sources.published_paths().map(str::to_string));
            self.options.site_paths = Arc::new(paths);
        }
        self.sources = sources;
        self.responsive = config
            .site
            .images
            .responsive
            .then(|| Responsive::of_config(config));
        self
    }

    /// Renders Markdown written at line `first_line` of `file`, the body
    /// of `page` when it is one, and its shortcodes through `shortcodes`;
    /// an image it cannot use is one of its errors.
    fn render(
        &self,
        source: &str,
        (file, first_line, lang): (&Path, usize, usize),
        page: Option<&Page>,
        shortcodes: &dyn Shortcodes,
    ) -> (Rendered, Facts) {
        let translation = |target: &str| self.translation(target, lang);
        let resolve = |target: &str| self.resolve(target, lang);
        let in_file = |offset: usize| {
            let at = Location::of_offset(source, offset);
            Location {
                line: at.line + first_line - 1,
                column: at.column,
            }
        };
        let problems = RefCell::new(Vec::new());
        let image = |url: &str, offset: usize| match self.picture(url, page)? {
            Ok(picture) => Some(picture),
            Err(problem) => {
                problems.borrow_mut().push((in_file(offset), problem));
                None
            }
        };
        let mut rendered =
            markdown::to_html_with_images(source, &self.options, &resolve, shortcodes, &image);
        let mut fallbacks = Vec::new();
        let links = std::mem::take(&mut rendered.links)
            .into_iter()
            .map(|mut link| {
                let at = in_file(link.offset);
                if let Some(name) = translation(&link.page) {
                    link.page = name;
                } else if lang > 0 && link.resolved && !link.page.is_empty() {
                    fallbacks.push(self.fallback_warning(file, at, &link.page, lang));
                }
                (link, at)
            })
            .collect();
        let literal_templates = std::mem::take(&mut rendered.literal_templates)
            .into_iter()
            .map(|literal| {
                let at = in_file(literal.range.start);
                (literal, at)
            })
            .collect();
        let warnings = std::mem::take(&mut rendered.notes)
            .into_iter()
            .map(|note| {
                Error::at(file, Some(in_file(note.offset)), note.message)
                    .help(note.help)
                    .warning()
            })
            .chain(fallbacks.into_iter().flatten())
            .collect();
        let image_errors = image_errors(file, problems.into_inner());
        let errors = std::mem::take(&mut rendered.errors)
            .into_iter()
            .map(|note| {
                let mut error = Error::at(file, Some(in_file(note.offset)), note.message);
                for cause in note.causes {
                    error = error.cause(cause);
                }
                error.help(note.help)
            })
            .chain(image_errors)
            .collect();
        let facts = Facts {
            ids: std::mem::take(&mut rendered.ids),
            links,
            literal_templates,
            warnings,
            highlighted: rendered.highlighted,
            errors,
            reads_site_paths: rendered.reads_site_paths,
        };
        (rendered, facts)
    }

    /// In another language than the default, `@/about.md` is the page's
    /// translation (`about.fr.md`) when there is one.
    fn translation(&self, target: &str, lang: usize) -> Option<String> {
        let target = target.trim_start_matches('/');
        let code = self.languages.get(lang).filter(|_| lang > 0)?;
        let name = content::translated_name(target, code)?;
        self.urls.contains_key(&name).then_some(name)
    }

    /// The URL of `@/target`, written in language `lang`.
    fn resolve(&self, target: &str, lang: usize) -> Option<String> {
        match self.translation(target, lang) {
            Some(name) => self.urls.get(&name).cloned(),
            None => self.urls.get(target.trim_start_matches('/')).cloned(),
        }
    }

    /// Markdown outside a body, a summary, written in language `lang`:
    /// links as the body's, no heading self-links, images as written.
    fn outside(&self, text: &str, lang: usize, shortcodes: Option<&dyn Shortcodes>) -> String {
        let options = markdown::Options {
            heading_links: false,
            ..self.options.clone()
        };
        let resolve = |target: &str| self.resolve(target, lang);
        match shortcodes {
            Some(shortcodes) => markdown::to_html_with(text, &options, &resolve, shortcodes).html,
            None => markdown::to_html(text, &options, &resolve).html,
        }
    }

    /// The warning for `@/target`, written in language `lang`, that leads
    /// to the default language's page for want of a translation; none when
    /// the link names a language itself (`@/about.ar.md`).
    fn fallback_warning(
        &self,
        file: &Path,
        at: Location,
        target: &str,
        lang: usize,
    ) -> Option<Error> {
        let target = target.trim_start_matches('/');
        if content::split_language(target).is_some() {
            return None;
        }
        let code = &self.languages[lang];
        let name = content::translated_name(target, code)?;
        Some(
            Error::at(
                file,
                Some(at),
                format!("`@/{target}` has no `{code}` translation, so the link leads to the page in `{}`", self.languages[0]),
            )
            .help(format!("add `content/{name}`, or link to another page"))
            .warning(),
        )
    }

    /// The picture of a Markdown image, when it is one folio knows.
    fn picture(&self, url: &str, page: Option<&Page>) -> Option<Result<Picture, Problem>> {
        let images = self.images.as_ref()?;
        let found = self.sources.in_markdown(url, page)?;
        let publishes = |path: &str| self.options.site_paths.contains(path);
        let src = url::under_base_path(url, &self.options.base_path, publishes)
            .unwrap_or_else(|| url.to_string());
        Some(found.and_then(|source| {
            let kind = images.probe(&source)?.kind;
            match &self.responsive {
                // An SVG scales by itself, and a GIF may move.
                Some(how) if kind.is_raster() && kind != Kind::Gif => {
                    pictures::responsive(images, &source, &self.options.base_path, how)
                }
                _ => pictures::sized(images, &source, &src),
            }
        }))
    }
}

/// The images of one body it cannot use: one error at the place of each,
/// or, for several, one error at the first that lists them all at their
/// lines, so that a page with many shows them at once and briefly.
fn image_errors(file: &Path, mut problems: Vec<(Location, Problem)>) -> Option<Error> {
    if problems.len() < 2 {
        let (at, problem) = problems.pop()?;
        return Some(Error::at(file, Some(at), problem.message).help(problem.help));
    }
    let first = problems[0].0;
    let mut error = Error::at(
        file,
        Some(first),
        format!("{} images of this page cannot be used", problems.len()),
    );
    for (at, problem) in &problems {
        error = error.cause(format!("{}:{}: {}", at.line, at.column, problem.message));
    }
    Some(error.help(
        "put each image where its path says (beside the page's `index.md` for a bare name), or fix the path",
    ))
}

/// Reads page `page`'s body and renders it with its summary: the `summary`
/// key, or the part before `<!-- more -->`.
pub fn page(
    config: &Config,
    resolver: &Resolver,
    page: &Page,
    shortcodes: &dyn Shortcodes,
) -> std::result::Result<(PageHtml, Facts), Errors> {
    let body = content::read_body(config, page)?;
    let (rendered, mut facts) = resolver.render(
        &body.text,
        (&page.source, body.line, page.lang),
        Some(page),
        shortcodes,
    );
    if !facts.errors.is_empty() {
        return Err(Errors(std::mem::take(&mut facts.errors)));
    }
    let summary = match &page.meta.summary {
        Some(summary) => Some(resolver.outside(summary, page.lang, None)),
        None => markdown::summary_source(&body.text, &rendered)
            .map(|before| resolver.outside(before, page.lang, Some(shortcodes))),
    };
    let html = PageHtml {
        content: rendered.html,
        summary,
        toc: rendered.toc,
        word_count: rendered.word_count,
    };
    Ok((html, facts))
}

/// Renders section `s`'s body, kept from loading (sections are few).
pub fn section(
    resolver: &Resolver,
    content: &Content,
    s: usize,
    shortcodes: &dyn Shortcodes,
) -> (Rendered, Facts) {
    let section = &content.sections[s];
    // A section has no bundle: its images are those the site publishes.
    resolver.render(
        &section.body,
        (&section.source, section.body_line, section.lang),
        None,
        shortcodes,
    )
}

impl Facts {
    /// The warnings of one body: templates of other generators left as
    /// text, then what rendering noted (code in a language no grammar knows).
    /// Templates that call for the same fix are one warning, at the
    /// first, with how many there are: a site brought from Jekyll may hold
    /// thousands of `{: .note}`.
    pub fn warnings_of(&self, source: &std::path::Path) -> Vec<Error> {
        let mut groups: Vec<(&'static str, usize, usize)> = Vec::new();
        for (i, (literal, _)) in self.literal_templates.iter().enumerate() {
            let help = literal_help(literal);
            match groups.iter_mut().find(|(h, _, _)| *h == help) {
                Some((_, _, count)) => *count += 1,
                None => groups.push((help, i, 1)),
            }
        }
        groups
            .into_iter()
            .map(|(help, first, count)| {
                let (literal, at) = &self.literal_templates[first];
                literal_warning(source, literal, *at, help, count)
            })
            .chain(self.warnings.iter().cloned())
            .collect()
    }
}

/// What to write instead of a template of another generator.
fn literal_help(literal: &markdown::LiteralTemplate) -> &'static str {
    use markdown::TemplateKind;
    match (literal.kind, literal.name.as_str()) {
        (TemplateKind::LiquidTag | TemplateKind::HugoShortcode, "highlight") => {
            "write a fenced code block (```lang) instead"
        }
        (TemplateKind::HugoShortcode, "figure") => {
            "write an image (`![alt](src)`), or call folio's `{{ figure(src=\"…\", alt=\"…\") }}`"
        }
        (TemplateKind::HugoShortcode, "youtube" | "vimeo") => {
            "call folio's own with its arguments named, like `{{ youtube(id=\"…\", title=\"…\") }}`"
        }
        (TemplateKind::LiquidTag, "include") => {
            "write the included text here, or move it into a template"
        }
        (TemplateKind::LiquidTag | TemplateKind::LiquidExpression, _) => {
            "write it as Markdown or HTML: folio does not run Liquid"
        }
        (TemplateKind::KramdownAttributes, _) => {
            "remove it, or write the element as HTML with its `class` or `id`: folio does not read kramdown's attribute lists"
        }
        _ => "write it as Markdown or HTML, or put it in a code span to show it as code",
    }
}

fn literal_warning(
    source: &std::path::Path,
    literal: &markdown::LiteralTemplate,
    at: Location,
    help: &str,
    in_file: usize,
) -> Error {
    let more = match in_file {
        0 | 1 => String::new(),
        n => format!("; {} more like it in this file", n - 1),
    };
    Error::at(
        source,
        Some(at),
        format!(
            "`{}` looks like {} (`{}`), which folio prints as text{more}",
            excerpt(&literal.text),
            literal.kind.description(),
            literal.name
        ),
    )
    .help(help)
    .warning()
}

/// The first line of a literal, cut at 60 characters.
fn excerpt(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 60 || line.len() < text.trim_end().len() {
        let cut: String = line.chars().take(60).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// Checks every `@/` link and `#anchor` written in Markdown, all at once;
/// a missing anchor fails the build only when `check: { anchors }` is
/// `error` (`folio check` still warns of it under `warn`).
pub fn check_links(
    content: &Content,
    pages: &[&Facts],
    sections: &[&Facts],
    anchors: Level,
) -> Errors {
    let mut ids: HashMap<&str, &[String]> = HashMap::new();
    for (p, facts) in content.pages.iter().zip(pages) {
        ids.insert(&p.relative_path, &facts.ids);
    }
    for (s, facts) in content.sections.iter().zip(sections) {
        ids.insert(&s.relative_path, &facts.ids);
    }
    let mut errors = Errors::default();
    let sources = content
        .pages
        .iter()
        .map(|p| (&p.relative_path, &p.source))
        .chain(
            content
                .sections
                .iter()
                .map(|s| (&s.relative_path, &s.source)),
        );
    for ((relative, source), facts) in sources.zip(pages.iter().chain(sections)) {
        for (link, location) in &facts.links {
            let location = Some(*location);
            let target = if link.page.is_empty() {
                relative.as_str()
            } else {
                link.page.trim_start_matches('/')
            };
            if !link.resolved {
                errors.push(
                    Error::at(
                        source,
                        location,
                        format!("link to `@/{}`, which does not exist", link.page),
                    )
                    .help("link to a file under `content/`, like `@/projects/x.md`"),
                );
                continue;
            }
            if let Some(fragment) = &link.fragment
                && anchors == Level::Error
                && !ids
                    .get(target)
                    .is_some_and(|ids| ids.iter().any(|id| id == fragment))
            {
                let what = if link.page.is_empty() {
                    "this page".to_string()
                } else {
                    format!("`@/{}`", link.page)
                };
                let near = ids
                    .get(target)
                    .map(|ids| crate::config::nearest(fragment, ids.iter().map(String::as_str)))
                    .unwrap_or_default();
                let help = if near.is_empty() {
                    "link to one of the page's heading ids, or add `{#id}` to a heading".to_string()
                } else {
                    let names: Vec<String> = near.iter().map(|id| format!("`#{id}`")).collect();
                    format!(
                        "link to an id the page has; the nearest: {}",
                        names.join(", ")
                    )
                };
                errors.push(
                    Error::at(
                        source,
                        location,
                        format!("anchor `#{fragment}` does not exist on {what}"),
                    )
                    .help(help),
                );
            }
        }
    }
    errors
}
