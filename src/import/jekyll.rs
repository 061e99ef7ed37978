//! Jekyll: `_config.yml` mapped to `folio.yaml`; posts, drafts, pages and
//! collections moved under `content/` with each page's old address kept
//! (`path`, and an alias for an address ending in `.html`); `_data/` as
//! YAML data; Liquid in posts rewritten where it has a Markdown or folio
//! equivalent (`highlight`, `link`, `post_url`, video includes, `site.*`
//! values, `relative_url`), and noted where it has none.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

use crate::error::Result;

use super::front_matter::Document;
use super::links::{self, Targets};
use super::markup::{self, CallArg, Edits, Liquid, LiquidKind};
use super::{
    Doc, Note, Place, Site, Walk, data_as_yaml, put, read_config_file, taxonomy_list, text,
    title_from, value_text,
};

/// Folders and files Jekyll never publishes.
const EXCLUDED: &[&str] = &[
    "_site",
    ".sass-cache",
    ".jekyll-cache",
    ".jekyll-metadata",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor",
    "package.json",
    "package-lock.json",
    "README.md",
    "readme.md",
    "LICENSE",
    "LICENSE.md",
    "CNAME",
];

/// Reads a Jekyll site.
pub(crate) fn read(walk: &Walk) -> Result<Site> {
    let config_rel = ["_config.yml", "_config.yaml", "_config.toml"]
        .into_iter()
        .find(|n| walk.is_file(n))
        .unwrap_or("_config.yml");
    let config = read_config_file(walk, config_rel)?;
    let config_text = walk.read(config_rel).unwrap_or_default();
    let mut site = Site {
        root: walk.root.clone(),
        ..Site::default()
    };
    let mapped = map_config(&config);
    for (key, message, help) in mapped.notes {
        let line = super::config_line(&config_text, &key);
        site.note(config_rel, line, message, help);
    }
    site.config = mapped.config;
    let layout = Layout::new(&config);
    let mut docs = Vec::new();
    let mut sass = false;
    for rel in walk.files("") {
        let top = rel.split('/').next().unwrap_or_default();
        if layout.is_excluded(&rel) {
            continue;
        }
        match classify(&rel, &layout) {
            Kind::Config => {}
            Kind::Data => read_data(walk, &mut site, &rel)?,
            Kind::Layout(name) => site.port(&rel, format!("templates/{name}.html")),
            Kind::Include => site.port(
                &rel,
                format!("templates/partials/{}", &rel["_includes/".len()..]),
            ),
            Kind::Sass => sass = true,
            Kind::Hidden => {}
            Kind::Collection(collection) if !layout.outputs(&collection) => {}
            Kind::Post { draft } => {
                if let Some(doc) =
                    read_page(walk, &mut site, &rel, &layout, Origin::Post { draft })?
                {
                    docs.push(doc);
                }
            }
            Kind::Collection(collection) => {
                if let Some(doc) = read_page(
                    walk,
                    &mut site,
                    &rel,
                    &layout,
                    Origin::Collection(collection),
                )? {
                    docs.push(doc);
                }
            }
            Kind::Other => {
                if !has_front_matter(walk, &rel) {
                    site.copies.insert(format!("static/{rel}"), rel.clone());
                } else if is_markdown(&rel) {
                    if let Some(doc) = read_page(walk, &mut site, &rel, &layout, Origin::Page)? {
                        docs.push(doc);
                    }
                } else if rel.ends_with(".scss") || rel.ends_with(".sass") {
                    sass = true;
                } else {
                    let help = match rel.rsplit('/').next().unwrap_or_default() {
                        "feed.xml" | "atom.xml" => {
                            "folio writes the feed itself (`feed:` in folio.yaml)"
                        }
                        "sitemap.xml" | "robots.txt" => "folio writes this file itself",
                        "404.html" | "404.md" => "folio writes `404.html` from its theme",
                        "index.html" => "the home page is `content/_index.md`, listed by the theme",
                        _ => "a Liquid page: write it as a Markdown page, or as a template",
                    };
                    site.note(
                        &rel,
                        None,
                        "this file runs Liquid, which folio does not",
                        help,
                    );
                }
            }
        }
        let _ = top;
    }
    if sass {
        site.note(
            "_sass",
            None,
            "Sass files are not compiled by folio",
            "compile them to CSS and put the CSS in `static/`",
        );
    }
    place_sections(&mut docs, &layout, &mut site, &config);
    let targets = targets(&docs, &layout);
    let context = Context {
        config: &config,
        data: data_tree(walk)?,
        targets,
        base_url: site
            .config
            .get("base_url")
            .and_then(value_text)
            .unwrap_or_default(),
        includes: walk
            .files("_includes")
            .into_iter()
            .map(|f| f["_includes/".len()..].to_string())
            .collect(),
    };
    for doc in &mut docs {
        rewrite_front_matter(doc, &mut site, &context, &layout);
        rewrite_body(doc, &mut site, &context);
    }
    drop_duplicate_aliases(&mut docs);
    site.docs = docs;
    declare_taxonomies(&mut site);
    Ok(site)
}

/// What Jekyll's configuration says about where things are.
struct Layout {
    exclude: Vec<String>,
    include: Vec<String>,
    /// Collection → (output, permalink).
    collections: BTreeMap<String, (bool, Option<String>)>,
    /// The site's permalink style.
    permalink: String,
    /// Front matter defaults for `layout`, by path prefix.
    default_layouts: Vec<(String, String)>,
}

impl Layout {
    fn new(config: &Mapping) -> Layout {
        let list = |key: &str| match config.get(key) {
            Some(Value::Sequence(l)) => l.iter().filter_map(value_text).collect(),
            _ => Vec::new(),
        };
        let mut collections = BTreeMap::new();
        match config.get("collections") {
            Some(Value::Mapping(map)) => {
                for (name, settings) in map {
                    let Some(name) = value_text(name) else {
                        continue;
                    };
                    let output = settings
                        .get("output")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let permalink = settings.get("permalink").and_then(value_text);
                    collections.insert(name, (output, permalink));
                }
            }
            Some(Value::Sequence(names)) => {
                for name in names.iter().filter_map(value_text) {
                    collections.insert(name, (false, None));
                }
            }
            _ => {}
        }
        let posts = collections
            .entry("posts".to_string())
            .or_insert((true, None));
        posts.0 = true;
        let mut default_layouts = Vec::new();
        if let Some(Value::Sequence(defaults)) = config.get("defaults") {
            for d in defaults {
                let path = d
                    .get("scope")
                    .and_then(|s| s.get("path"))
                    .and_then(value_text)
                    .unwrap_or_default();
                let kind = d
                    .get("scope")
                    .and_then(|s| s.get("type"))
                    .and_then(value_text);
                if let Some(layout) = d
                    .get("values")
                    .and_then(|v| v.get("layout"))
                    .and_then(value_text)
                {
                    let prefix = match kind.as_deref() {
                        Some(k) if path.is_empty() => format!("_{k}"),
                        _ => path,
                    };
                    default_layouts.push((prefix, layout));
                }
            }
        }
        Layout {
            exclude: list("exclude"),
            include: list("include"),
            collections,
            permalink: config
                .get("permalink")
                .and_then(value_text)
                .unwrap_or_else(|| "date".to_string()),
            default_layouts,
        }
    }

    fn is_excluded(&self, rel: &str) -> bool {
        let included = self
            .include
            .iter()
            .any(|i| rel == i || rel.starts_with(&format!("{i}/")));
        if included {
            return false;
        }
        EXCLUDED
            .iter()
            .map(|s| s.to_string())
            .chain(self.exclude.iter().cloned())
            .any(|e| {
                let e = e.trim_end_matches('/');
                rel == e || rel.starts_with(&format!("{e}/")) || super::zola::glob_matches(e, rel)
            })
    }

    fn outputs(&self, collection: &str) -> bool {
        self.collections.get(collection).is_some_and(|(o, _)| *o)
    }

    /// The permalink pattern of a collection or of pages.
    fn pattern(&self, collection: Option<&str>) -> String {
        let own = collection
            .and_then(|c| self.collections.get(c))
            .and_then(|(_, p)| p.clone());
        let style = own.unwrap_or_else(|| match collection {
            Some("posts") | None => self.permalink.clone(),
            Some(_) => "/:collection/:path:output_ext".to_string(),
        });
        let is_posts = matches!(collection, Some("posts"));
        match (style.as_str(), is_posts) {
            ("date", true) => "/:categories/:year/:month/:day/:title:output_ext".to_string(),
            ("pretty", true) => "/:categories/:year/:month/:day/:title/".to_string(),
            ("ordinal", true) => "/:categories/:year/:y_day/:title:output_ext".to_string(),
            ("weekdate", true) => {
                "/:categories/:year/W:week/:short_day/:title:output_ext".to_string()
            }
            ("none", true) => "/:categories/:title:output_ext".to_string(),
            (_, true) => style,
            ("pretty", false) => "/:path/".to_string(),
            (s, false) if collection.is_some() && s.starts_with('/') => s.to_string(),
            (s, false) if s.ends_with('/') => "/:path/".to_string(),
            _ => "/:path:output_ext".to_string(),
        }
    }

    fn default_layout(&self, rel: &str) -> Option<String> {
        self.default_layouts
            .iter()
            .filter(|(prefix, _)| prefix.is_empty() || rel.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, l)| l.clone())
    }
}

enum Kind {
    Config,
    Data,
    Layout(String),
    Include,
    Sass,
    Hidden,
    Post { draft: bool },
    Collection(String),
    Other,
}

fn classify(rel: &str, layout: &Layout) -> Kind {
    let top = rel.split('/').next().unwrap_or_default();
    if rel.starts_with("_config.") {
        return Kind::Config;
    }
    match top {
        "_data" => return Kind::Data,
        "_layouts" => {
            let name = rel["_layouts/".len()..]
                .rsplit_once('.')
                .map_or(rel, |(s, _)| s);
            return Kind::Layout(name.to_string());
        }
        "_includes" => return Kind::Include,
        "_sass" => return Kind::Sass,
        "_posts" => return post_kind(rel, false),
        "_drafts" => return post_kind(rel, true),
        _ => {}
    }
    if let Some(name) = top.strip_prefix('_') {
        if rel.contains('/') && layout.collections.contains_key(name) {
            return if is_markdown(rel) {
                Kind::Collection(name.to_string())
            } else {
                Kind::Other
            };
        }
        return Kind::Hidden;
    }
    if rel.contains("/_posts/") {
        return post_kind(rel, false);
    }
    Kind::Other
}

fn post_kind(rel: &str, draft: bool) -> Kind {
    if is_markdown(rel) {
        Kind::Post { draft }
    } else {
        Kind::Hidden
    }
}

fn is_markdown(rel: &str) -> bool {
    [".md", ".markdown", ".mkd", ".mkdn", ".mdown"]
        .iter()
        .any(|e| rel.ends_with(e))
}

fn has_front_matter(walk: &Walk, rel: &str) -> bool {
    let Ok(mut file) = std::fs::File::open(walk.root.join(rel)) else {
        return false;
    };
    let mut head = [0u8; 5];
    let n = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    let head = &head[..n];
    let head = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(head);
    head.starts_with(b"---\n") || head.starts_with(b"---\r")
}

/// Where a page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    Post { draft: bool },
    Collection(String),
    Page,
}

fn read_page(
    walk: &Walk,
    site: &mut Site,
    rel: &str,
    _layout: &Layout,
    origin: Origin,
) -> Result<Option<Doc>> {
    let text = walk.read(rel)?;
    let mut document = Document::parse(&text, &walk.root.join(rel))?;
    let dest = match &origin {
        Origin::Post { .. } => {
            let inner = rel
                .split_once("_posts/")
                .or_else(|| rel.split_once("_drafts/"))
                .map_or(rel, |(_, r)| r);
            format!("content/posts/{}", md_name(inner))
        }
        Origin::Collection(name) => {
            format!("content/{name}/{}", md_name(&rel[name.len() + 2..]))
        }
        Origin::Page => format!("content/{}", md_name(rel)),
    };
    if let Origin::Post { draft: true } = origin {
        document.set("draft", Value::Bool(true));
        site.count("draft from `_drafts/` → `draft: true`", 1);
    }
    let _ = site;
    Ok(Some(Doc {
        source: rel.to_string(),
        dest,
        doc: document,
        notes: Vec::new(),
    }))
}

/// folio reads `.md` and `.markdown`; Jekyll's other Markdown extensions
/// become `.md`.
fn md_name(path: &str) -> String {
    for ext in [".mkd", ".mkdn", ".mdown"] {
        if let Some(stem) = path.strip_suffix(ext) {
            return format!("{stem}.md");
        }
    }
    path.to_string()
}

fn read_data(walk: &Walk, site: &mut Site, rel: &str) -> Result<()> {
    let inner = &rel["_data/".len()..];
    match data_as_yaml(walk, rel)? {
        Some(yaml) => {
            let stem = inner.rsplit_once('.').map_or(inner, |(s, _)| s);
            site.data.insert(format!("content/{stem}.yaml"), yaml);
        }
        None => site.note(
            rel,
            None,
            "this data file is in a format folio does not read",
            "convert it to YAML under `content/`",
        ),
    }
    Ok(())
}

/// `site.data` as Jekyll reads it, for `{{ site.data.x.y }}` in pages.
fn data_tree(walk: &Walk) -> Result<Mapping> {
    let mut root = Mapping::new();
    for rel in walk.files("_data") {
        let inner = &rel["_data/".len()..];
        let Some((stem, ext)) = inner.rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "yml" | "yaml" | "json" | "toml") {
            continue;
        }
        let Ok(map) = read_config_file(walk, &rel) else {
            continue;
        };
        let parts: Vec<&str> = stem.split('/').collect();
        insert_at(&mut root, &parts, Value::Mapping(map));
    }
    Ok(root)
}

fn insert_at(node: &mut Mapping, parts: &[&str], value: Value) {
    match parts {
        [] => {}
        [last] => {
            node.insert(text(*last), value);
        }
        [first, rest @ ..] => {
            let entry = node
                .entry(text(*first))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if let Value::Mapping(next) = entry {
                insert_at(next, rest, value);
            }
        }
    }
}

/// Index pages become sections where the folder holds other pages; posts
/// and collections get a section page when they have none.
fn place_sections(docs: &mut Vec<Doc>, layout: &Layout, site: &mut Site, config: &Mapping) {
    let folders_with_pages: BTreeSet<String> = docs
        .iter()
        .filter(|d| !is_index(&d.dest))
        .filter_map(|d| d.dest.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .flat_map(|dir| {
            let mut all = Vec::new();
            let mut d = dir.as_str();
            while let Some((parent, _)) = d.rsplit_once('/') {
                all.push(d.to_string());
                d = parent;
            }
            all
        })
        .collect();
    for doc in docs.iter_mut() {
        if doc.dest == "content/index.md" || doc.dest == "content/index.markdown" {
            doc.dest = doc.dest.replacen("content/index", "content/_index", 1);
        } else if is_index(&doc.dest) {
            let dir = doc.dest.rsplit_once('/').map_or("", |(d, _)| d);
            if folders_with_pages.contains(dir) {
                doc.dest = format!("{dir}/_index.md");
                site.count("`index.md` beside other pages → `_index.md`", 1);
            }
        }
    }
    let paginate = config.get("paginate").and_then(Value::as_u64);
    let mut names: Vec<String> = layout.collections.keys().cloned().collect();
    names.retain(|n| {
        layout.outputs(n)
            && docs
                .iter()
                .any(|d| d.dest.starts_with(&format!("content/{n}/")))
    });
    for name in names {
        let dir = format!("content/{name}");
        if docs.iter().any(|d| d.dest == format!("{dir}/_index.md")) {
            continue;
        }
        let mut doc = Document::new(super::Style::Yaml, String::new());
        doc.set("title", text(title_from(&name)));
        if name == "posts"
            && let Some(n) = paginate
        {
            doc.set("paginate_by", Value::Number(n.into()));
            site.count("`paginate` → `paginate_by` of the posts", 1);
        }
        docs.push(Doc {
            source: String::new(),
            dest: format!("{dir}/_index.md"),
            doc,
            notes: Vec::new(),
        });
        site.count("section page added for posts or a collection", 1);
    }
}

fn is_index(dest: &str) -> bool {
    let name = dest.rsplit('/').next().unwrap_or_default();
    name == "index.md" || name == "index.markdown"
}

/// Every page's old address (Jekyll's) and its folio address once the
/// old one is kept.
fn targets(docs: &[Doc], layout: &Layout) -> Targets {
    let mut targets = Targets::default();
    for doc in docs {
        if doc.source.is_empty() {
            continue;
        }
        let content = &doc.dest["content/".len()..];
        let old = old_url(doc, layout);
        let new = new_path(&old, content);
        let new = new.unwrap_or_else(|| links::folio_url(content, None, None));
        targets.add(&doc.source, content, &old, &new);
    }
    targets
}

/// The address Jekyll gave a page.
fn old_url(doc: &Doc, layout: &Layout) -> String {
    if let Some(p) = doc.doc.get("permalink").and_then(value_text)
        && !p.contains(':')
    {
        return p;
    }
    let collection = collection_of(&doc.source);
    let pattern = match doc.doc.get("permalink").and_then(value_text) {
        Some(p) => p,
        None => layout.pattern(collection.as_deref()),
    };
    fill(&pattern, doc, collection.as_deref())
}

fn collection_of(source: &str) -> Option<String> {
    if source.starts_with("_posts/")
        || source.contains("/_posts/")
        || source.starts_with("_drafts/")
    {
        return Some("posts".to_string());
    }
    let top = source.split('/').next()?;
    top.strip_prefix('_').map(str::to_string)
}

/// Fills a permalink pattern's placeholders for a page.
fn fill(pattern: &str, doc: &Doc, collection: Option<&str>) -> String {
    let name = doc.source.rsplit('/').next().unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let dated = crate::content::split_date_prefix(stem, &jiff::tz::TimeZone::UTC);
    let title_slug = doc
        .doc
        .get("slug")
        .and_then(value_text)
        .unwrap_or_else(|| dated.as_ref().map_or(stem, |(_, r)| r).to_string());
    let date_text = doc
        .doc
        .get("date")
        .and_then(value_text)
        .or_else(|| dated.as_ref().map(|_| stem[..10].to_string()))
        .unwrap_or_default();
    let ymd: Vec<&str> = date_text.get(..10).unwrap_or("").split('-').collect();
    let (year, month, day) = match ymd.as_slice() {
        [y, m, d] => (y.to_string(), m.to_string(), d.to_string()),
        _ => (String::new(), String::new(), String::new()),
    };
    let categories = categories_of(&doc.doc)
        .iter()
        .map(|c| c.to_lowercase().replace(' ', "-"))
        .collect::<Vec<_>>()
        .join("/");
    let path = match collection {
        Some(c) if c != "posts" => {
            let inner = doc
                .source
                .split_once('/')
                .map_or(doc.source.as_str(), |(_, r)| r);
            inner.rsplit_once('.').map_or(inner, |(s, _)| s).to_string()
        }
        _ => doc
            .source
            .rsplit_once('.')
            .map_or(doc.source.as_str(), |(s, _)| s)
            .to_string(),
    };
    let mut url = pattern.to_string();
    for (token, value) in [
        (":categories", categories.as_str()),
        (":collection", collection.unwrap_or_default()),
        (":year", year.as_str()),
        (":short_year", year.get(2..).unwrap_or_default()),
        (":i_month", month.trim_start_matches('0')),
        (":month", month.as_str()),
        (":i_day", day.trim_start_matches('0')),
        (":day", day.as_str()),
        (":output_ext", ".html"),
        (":path", path.as_str()),
        (":basename", stem),
        (":name", stem),
        (":title", title_slug.as_str()),
        (":slug", title_slug.as_str()),
    ] {
        url = url.replace(token, value);
    }
    // `index` pages are their folder's address.
    let url = url.replace("/index.html", "/");
    let url = if url.ends_with("/index/") {
        url.trim_end_matches("index/").to_string()
    } else if let Some(dir) = url.strip_suffix("/index") {
        format!("{dir}/")
    } else {
        url
    };
    let mut cleaned = String::new();
    for part in url.split('/') {
        if !part.is_empty() {
            cleaned.push('/');
            cleaned.push_str(part);
        }
    }
    if url.ends_with('/') || cleaned.is_empty() {
        cleaned.push('/');
    }
    cleaned
}

fn categories_of(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["category", "categories"] {
        match doc.get(key) {
            Some(Value::String(s)) => out.extend(s.split_whitespace().map(str::to_string)),
            Some(Value::Sequence(list)) => out.extend(list.iter().filter_map(value_text)),
            _ => {}
        }
    }
    out
}

/// The folio `path` that keeps an old address: the address itself when it
/// ends in `/`, without `.html` otherwise; `None` when folio gives the
/// page that address anyway.
fn new_path(old: &str, content: &str) -> Option<String> {
    let pretty = match old.strip_suffix(".html") {
        Some(stem) => format!("{stem}/"),
        None if old.ends_with('/') => old.to_string(),
        None => return None,
    };
    let natural = links::folio_url(content, None, None);
    (natural != pretty).then_some(pretty)
}

/// Front matter keys Jekyll reads and folio names otherwise.
fn rewrite_front_matter(doc: &mut Doc, site: &mut Site, context: &Context<'_>, layout: &Layout) {
    if doc.source.is_empty() {
        return;
    }
    let content = doc.dest["content/".len()..].to_string();
    let old = context.targets_old_url(&doc.source, layout, doc);
    // The old address, kept.
    let is_section = doc.is_section();
    doc.doc.remove("permalink");
    if (!is_section || doc.dest != "content/_index.md")
        && let Some(path) = new_path(&old, &content)
    {
        doc.doc.set("path", text(path));
        site.count("old address kept with `path`", 1);
    }
    let mut aliases: Vec<Value> = match doc.doc.remove("redirect_from") {
        Some(Value::Sequence(list)) => list,
        Some(Value::String(s)) => vec![text(s)],
        _ => Vec::new(),
    };
    if !aliases.is_empty() {
        site.count("`redirect_from` → `aliases`", 1);
    }
    if old.ends_with(".html") && old != "/index.html" {
        aliases.push(text(old.clone()));
        site.count("old `.html` address → an alias", 1);
    }
    if !aliases.is_empty() {
        let mut all = match doc.doc.get("aliases") {
            Some(Value::Sequence(list)) => list.clone(),
            _ => Vec::new(),
        };
        all.extend(aliases);
        doc.doc.set("aliases", Value::Sequence(all));
    }
    let layout_name = doc
        .doc
        .remove("layout")
        .and_then(|l| value_text(&l))
        .or_else(|| layout.default_layout(&doc.source));
    if let Some(name) = layout_name.filter(|n| n != "none" && n != "null") {
        site.named(
            &format!("_layouts/{name}.html"),
            format!("templates/{name}.html"),
            "layout",
            &doc.dest,
        );
    }
    if doc.doc.get("published").and_then(Value::as_bool) == Some(false) {
        doc.doc.remove("published");
        doc.doc.set("draft", Value::Bool(true));
        site.count("`published: false` → `draft: true`", 1);
    } else {
        doc.doc.remove("published");
    }
    for (jekyll, folio) in [("excerpt", "summary"), ("last_modified_at", "updated")] {
        if doc.doc.get(jekyll).is_some() && doc.doc.get(folio).is_none() {
            doc.doc.rename(jekyll, folio);
            site.count(&format!("`{jekyll}` → `{folio}`"), 1);
        }
    }
    let separator = doc.doc.remove("excerpt_separator");
    if let Some(separator) = separator.and_then(|v| value_text(&v))
        && let Some(at) = doc.doc.body.find(&separator)
    {
        doc.doc
            .body
            .replace_range(at..at + separator.len(), "<!-- more -->");
        site.count("`excerpt_separator` → `<!-- more -->`", 1);
    }
    let categories = categories_of(&doc.doc);
    let had_category = doc.doc.get("category").is_some();
    let split = matches!(doc.doc.get("categories"), Some(Value::String(_)));
    if had_category || split {
        doc.doc.remove("category");
        let list = categories.into_iter().map(Value::String).collect();
        doc.doc.set("categories", Value::Sequence(list));
        site.count("`category` or one text → a `categories` list", 1);
    }
    let fixed = super::fix_dates(doc);
    site.count("date rewritten in a form folio reads", fixed);
    if let Some(Value::String(tags)) = doc.doc.get("tags").cloned() {
        let list = tags.split_whitespace().map(text).collect();
        doc.doc.set("tags", Value::Sequence(list));
        site.count("`tags` text → a list", 1);
    }
}

/// What the body rewrites need to know of the whole site.
struct Context<'a> {
    config: &'a Mapping,
    data: Mapping,
    targets: Targets,
    base_url: String,
    includes: Vec<String>,
}

impl Context<'_> {
    fn targets_old_url(&self, _source: &str, layout: &Layout, doc: &Doc) -> String {
        old_url(doc, layout)
    }
}

/// Stand-ins for `{% raw %}` and `{% endraw %}` between the two passes.
const RAW_OPEN: char = '\u{E000}';
const RAW_CLOSE: char = '\u{E001}';

/// Rewrites Liquid: pass one replaces what has an equivalent and marks raw
/// text; pass two escapes raw text that is outside code (folio would read
/// `{{ x }}` there) and drops the marks.
fn rewrite_body(doc: &mut Doc, site: &mut Site, context: &Context<'_>) {
    let body = doc.doc.body.clone();
    let pieces = markup::liquid(&body);
    let mut edits = Edits::default();
    let mut skip_until: Option<usize> = None;
    let mut fences: BTreeMap<usize, String> = BTreeMap::new();
    for (i, piece) in pieces.iter().enumerate() {
        if skip_until.is_some_and(|end| i <= end) {
            continue;
        }
        match piece.kind {
            LiquidKind::Output => match rewrite_output(piece, &body, doc, context) {
                Some((text, kind)) => {
                    edits.replace(piece.range.clone(), text);
                    site.count(kind, 1);
                }
                None => edits.note(
                    piece.range.start,
                    format!(
                        "`{}` is Liquid, left as written",
                        excerpt(&body[piece.range.clone()])
                    ),
                    "write the value itself, or move this into a template",
                ),
            },
            LiquidKind::Tag => {
                let name = piece.name();
                match name {
                    "raw" => {
                        edits.replace(piece.range.clone(), RAW_OPEN.to_string());
                        site.count("`{% raw %}` removed", 1);
                    }
                    "endraw" => edits.replace(piece.range.clone(), RAW_CLOSE.to_string()),
                    "comment" => {
                        let end = pieces[i + 1..]
                            .iter()
                            .position(|p| p.kind == LiquidKind::Tag && p.name() == "endcomment")
                            .map(|j| i + 1 + j);
                        if let Some(j) = end {
                            edits.replace(piece.range.start..pieces[j].range.end, "");
                            site.count("`{% comment %}` removed", 1);
                            skip_until = Some(j);
                        }
                    }
                    "highlight" => {
                        let end = pieces[i + 1..]
                            .iter()
                            .position(|p| p.kind == LiquidKind::Tag && p.name() == "endhighlight")
                            .map(|j| i + 1 + j);
                        let Some(j) = end else { continue };
                        let mut words = piece.rest().split_whitespace();
                        let language = words.next().unwrap_or("text");
                        let mut info = language.to_string();
                        for w in words {
                            if w == "linenos" {
                                info.push_str(",linenos");
                            } else if let Some(lines) = w.strip_prefix("mark_lines=") {
                                info.push_str(&format!(",hl_lines={}", lines.trim_matches('"')));
                            }
                        }
                        // Liquid inside stays for the loop to rewrite: Jekyll runs it there too.
                        let inner = &body[piece.range.end..pieces[j].range.start];
                        let ticks = markup::fence_ticks(inner);
                        let mut open = format!("{ticks}{info}");
                        if !inner.starts_with('\n') && !inner.starts_with("\r\n") {
                            open.push('\n');
                        }
                        edits.replace(piece.range.clone(), open);
                        let line_start = body[..pieces[j].range.start]
                            .rfind('\n')
                            .map_or(0, |n| n + 1);
                        let close = if body[line_start..pieces[j].range.start].trim().is_empty() {
                            ticks
                        } else {
                            format!("\n{ticks}")
                        };
                        fences.insert(j, close);
                        site.count("`{% highlight %}` → fenced code", 1);
                    }
                    "endhighlight" => {
                        if let Some(close) = fences.remove(&i) {
                            edits.replace(piece.range.clone(), close);
                        }
                    }
                    "link" => match link_target(piece.rest(), &body, piece.range.start, context) {
                        Some(target) => {
                            edits.replace(piece.range.clone(), target);
                            site.count("`{% link %}` → `@/` link", 1);
                        }
                        None => edits.note(
                            piece.range.start,
                            format!(
                                "`{}` names no page of the site",
                                excerpt(&body[piece.range.clone()])
                            ),
                            "link to the page with `@/path.md`",
                        ),
                    },
                    "post_url" => {
                        match post_target(piece.rest(), &body, piece.range.start, context) {
                            Some(target) => {
                                edits.replace(piece.range.clone(), target);
                                site.count("`{% post_url %}` → `@/` link", 1);
                            }
                            None => edits.note(
                                piece.range.start,
                                format!(
                                    "`{}` names no post of the site",
                                    excerpt(&body[piece.range.clone()])
                                ),
                                "link to the post with `@/posts/….md`",
                            ),
                        }
                    }
                    "include" => match include_call(piece.rest()) {
                        Some((text, kind)) => {
                            edits.replace(piece.range.clone(), text);
                            site.count(kind, 1);
                        }
                        None => {
                            let file = piece.rest().split_whitespace().next().unwrap_or_default();
                            let known = context.includes.iter().any(|i| i == file);
                            edits.note(
                                piece.range.start,
                                format!("`{}` includes a Liquid file, left as written", excerpt(&body[piece.range.clone()])),
                                if known {
                                    format!("write what `_includes/{file}` shows here, or port it to `templates/shortcodes/` and call it as a shortcode")
                                } else {
                                    "write what the include shows here".to_string()
                                },
                            );
                        }
                    },
                    n if n.starts_with("end") || matches!(n, "else" | "elsif" | "when") => {}
                    _ => edits.note(
                        piece.range.start,
                        format!(
                            "`{}` is Liquid, left as written",
                            excerpt(&body[piece.range.clone()])
                        ),
                        "write its result as Markdown, or move the logic into a template",
                    ),
                }
            }
        }
    }
    let (first, notes) = edits.apply(&body);
    // Links and kramdown lines are read once Liquid made the addresses.
    let mut edits = Edits::default();
    for note in notes {
        if let Place::Body(at) = note.place {
            edits.note(at, note.message, note.help);
        }
    }
    let page_url = context
        .targets
        .old_url(&doc.dest["content/".len()..])
        .unwrap_or("/")
        .to_string();
    let n = links::rewrite_links(&first, &page_url, &doc.source, &context.targets, &mut edits);
    site.count("link to a moved page → `@/` link", n);
    let attributed: Vec<usize> = kramdown_lines(&first)
        .iter()
        .filter_map(|(_, end, _)| *end)
        .collect();
    // Jekyll reads Markdown with kramdown's GFM parser, whose ids are GitHub's.
    for (at, id) in markup::heading_ids(&first, markup::github_id) {
        if !attributed.contains(&at) {
            edits.replace(at..at, format!(" {{#{id}}}"));
            site.count("heading keeps its Jekyll id", 1);
        }
    }
    for (range, heading_end, attributes) in kramdown_lines(&first) {
        edits.replace(range, "");
        match (heading_end, attributes) {
            (Some(end), Some(attributes)) => {
                edits.replace(end..end, format!(" {{{attributes}}}"));
                site.count("kramdown `{: #id}` → the heading's `{#id}`", 1);
            }
            _ => site.count("kramdown attribute line removed", 1),
        }
    }
    let (second, notes) = edits.apply(&first);
    let (out, notes) = escape_raw(&second, notes);
    if out != body {
        doc.doc.body = out;
    }
    doc.notes.extend(notes);
}

/// kramdown's attribute lines (`{: .note}`, `{:toc}`, `{::options …}`)
/// that folio would print as text: each line's range, and for one right
/// under a heading that sets an id or class, the heading's end and the
/// attributes in folio's spelling (`#id .class`).
type KramdownLine = (std::ops::Range<usize>, Option<usize>, Option<String>);

fn kramdown_lines(body: &str) -> Vec<KramdownLine> {
    let code = super::hugo::code_ranges(body);
    let mut out = Vec::new();
    let mut offset = 0;
    let mut previous: Option<(usize, &str)> = None;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("{:") && t.ends_with('}') && !code.iter().any(|r| r.contains(&offset)) {
            let inner = t.trim_start_matches("{:").trim_end_matches('}').trim();
            let attributes: Vec<&str> = inner
                .split_whitespace()
                .filter(|a| a.starts_with('#') || a.starts_with('.'))
                .collect();
            let heading = previous.filter(|(_, l)| l.trim_start().starts_with('#'));
            let (end, attrs) = match heading {
                Some((start, l)) if !attributes.is_empty() => {
                    (Some(start + l.trim_end().len()), Some(attributes.join(" ")))
                }
                _ => (None, None),
            };
            out.push((offset..offset + line.len(), end, attrs));
        }
        previous = Some((offset, line));
        offset += line.len();
    }
    out
}

/// Pass two: text between the raw marks that is outside code gets its
/// template syntax escaped; the marks go.
fn escape_raw(text: &str, notes: Vec<Note>) -> (String, Vec<Note>) {
    if !text.contains(RAW_OPEN) && !text.contains(RAW_CLOSE) {
        return (text.to_string(), notes);
    }
    let code = super::hugo::code_ranges(text);
    let mut edits = Edits::default();
    for note in notes {
        if let Place::Body(at) = note.place {
            edits.note(at, note.message, note.help);
        }
    }
    let mut inside = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == RAW_OPEN {
            inside = true;
            start = i + c.len_utf8();
            edits.replace(i..i + c.len_utf8(), "");
        } else if c == RAW_CLOSE {
            if inside {
                escape_region(text, start..i, &code, &mut edits);
            }
            inside = false;
            edits.replace(i..i + c.len_utf8(), "");
        }
    }
    edits.apply(text)
}

fn escape_region(
    text: &str,
    region: std::ops::Range<usize>,
    code: &[std::ops::Range<usize>],
    edits: &mut Edits,
) {
    let mut from = region.start;
    while let Some(i) = text[from..region.end].find('{') {
        let at = from + i;
        let close = match text.as_bytes().get(at + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                from = at + 1;
                continue;
            }
        };
        let Some(len) = text[at + 2..region.end].find(close) else {
            break;
        };
        let end = at + 2 + len + 2;
        if !code.iter().any(|r| r.contains(&at)) {
            edits.replace(at..end, markup::escaped(&text[at..end]));
        }
        from = end;
    }
}

fn excerpt(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}

/// `{{ site.baseurl }}`, `{{ site.url }}`, `{{ "/x" | relative_url }}`,
/// `{{ site.title }}`, `{{ site.data.a.b }}`, `{{ page.title }}`.
fn rewrite_output(
    piece: &Liquid,
    body: &str,
    doc: &Doc,
    context: &Context<'_>,
) -> Option<(String, &'static str)> {
    let inner = piece.inner.as_str();
    let after = &body[piece.range.end..];
    match inner {
        "site.baseurl" => {
            return Some((
                String::new(),
                "`{{ site.baseurl }}` removed: folio adds the base path",
            ));
        }
        "site.url" => {
            let in_url = after.starts_with('/')
                || after.starts_with("{{ site.baseurl }}")
                || after.starts_with("{{site.baseurl}}");
            return Some(if in_url {
                (
                    String::new(),
                    "`{{ site.url }}` removed: folio adds the base path",
                )
            } else {
                (
                    context.base_url.trim_end_matches('/').to_string(),
                    "`{{ site.url }}` → the site's address",
                )
            });
        }
        _ => {}
    }
    if let Some((value, filter)) = inner.split_once('|') {
        let filter = filter.trim();
        let literal = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let quoted = value.trim().starts_with(['"', '\'']);
        if quoted && (filter == "relative_url" || filter == "absolute_url") {
            let path = if literal.starts_with('/') || literal.contains("://") {
                literal.to_string()
            } else {
                format!("/{literal}")
            };
            return Some((path, "`| relative_url` → a root-relative link"));
        }
        return None;
    }
    let path: Vec<&str> = inner.split('.').collect();
    match path.as_slice() {
        ["site", "data", rest @ ..] if !rest.is_empty() => {
            let mut node = context.data.get(rest[0])?;
            for key in &rest[1..] {
                node = node.get(*key)?;
            }
            value_text(node).map(|v| (v, "`{{ site.data.… }}` → its value"))
        }
        ["site", key]
            if ![
                "time",
                "pages",
                "posts",
                "html_pages",
                "documents",
                "static_files",
            ]
            .contains(key) =>
        {
            context
                .config
                .get(*key)
                .and_then(value_text)
                .map(|v| (v, "`{{ site.… }}` → its value"))
        }
        ["page", key] => doc
            .doc
            .get(key)
            .and_then(value_text)
            .map(|v| (v, "`{{ page.… }}` → its value")),
        _ => None,
    }
}

/// `{% link _posts/x.md %}` → `@/posts/x.md` (or the page's address
/// outside a Markdown link); a static file → its root-relative path.
fn link_target(path: &str, body: &str, at: usize, context: &Context<'_>) -> Option<String> {
    let path = path
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim_start_matches('/');
    if let Some(content) = context.targets.by_source(path) {
        return Some(if markup::is_link_destination(body, at) {
            format!("@/{content}")
        } else {
            context.targets.folio_url(content)?.to_string()
        });
    }
    (!path.is_empty() && !path.starts_with('_')).then(|| format!("/{path}"))
}

fn post_target(name: &str, body: &str, at: usize, context: &Context<'_>) -> Option<String> {
    let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
    let (dir, file) = name.rsplit_once('/').unwrap_or(("", name));
    let found = context.targets.sources().find(|(source, _)| {
        let Some((folder, f)) = source.rsplit_once('/') else {
            return false;
        };
        let stem = f.rsplit_once('.').map_or(f, |(s, _)| s);
        stem == file
            && (folder.ends_with("_posts") || folder.ends_with("_drafts"))
            && (dir.is_empty() || folder.contains(dir))
    })?;
    let content = found.1.to_string();
    Some(if markup::is_link_destination(body, at) {
        format!("@/{content}")
    } else {
        context.targets.folio_url(&content)?.to_string()
    })
}

/// `{% include youtube.html id="x" %}`-style video includes → folio's
/// `youtube` or `vimeo`.
fn include_call(rest: &str) -> Option<(String, &'static str)> {
    let mut words = rest.splitn(2, char::is_whitespace);
    let file = words.next()?.to_lowercase();
    let args = markup::include_args(words.next().unwrap_or_default());
    let (name, kind) = if file.contains("youtube") {
        ("youtube", "`{% include youtube… %}` → folio's `youtube`")
    } else if file.contains("vimeo") {
        ("vimeo", "`{% include vimeo… %}` → folio's `vimeo`")
    } else {
        return None;
    };
    let id = args
        .iter()
        .find(|(k, _)| matches!(k.as_str(), "id" | "video_id" | "youtube_id" | "vimeo_id"))
        .map(|(_, v)| v.clone())?;
    let title = args
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| {
            format!(
                "{} video",
                if name == "youtube" {
                    "YouTube"
                } else {
                    "Vimeo"
                }
            )
        });
    let call = markup::call(
        name,
        &[
            ("id", CallArg::Text(id)),
            ("title", CallArg::Text(title)),
            ("embed", CallArg::Bare("true".into())),
        ],
    );
    Some((call, kind))
}

fn declare_taxonomies(site: &mut Site) {
    let used: Vec<String> = super::used_keys(&site.docs, &["categories", "tags"])
        .into_iter()
        .collect();
    if !used.is_empty() {
        put(&mut site.config, "taxonomies", taxonomy_list(&used));
    }
}

/// An old address two pages claim redirects to the first; the second
/// loses it, with a note (jekyll-redirect-from kept the last one written).
fn drop_duplicate_aliases(docs: &mut [Doc]) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for doc in docs.iter_mut() {
        let Some(Value::Sequence(aliases)) = doc.doc.get("aliases").cloned() else {
            continue;
        };
        let mut kept = Vec::new();
        let before = aliases.len();
        for alias in aliases {
            let key = value_text(&alias).unwrap_or_default();
            if seen.insert(key.clone()) {
                kept.push(alias);
            } else {
                doc.notes.push(Note::new(
                    Place::Key("aliases".into()),
                    format!("the old address `{key}` redirects to another page already, so this page does not claim it"),
                    "keep the alias on the page it should lead to",
                ));
            }
        }
        if kept.len() == before {
            continue;
        }
        if kept.is_empty() {
            doc.doc.remove("aliases");
        } else {
            doc.doc.set("aliases", Value::Sequence(kept));
        }
    }
}

/// What `_config.yml` becomes, and the keys left out.
struct Mapped {
    config: Mapping,
    notes: Vec<(String, String, String)>,
}

fn map_config(config: &Mapping) -> Mapped {
    let mut out = Mapping::new();
    let mut notes = Vec::new();
    let get = |k: &str| config.get(k);
    for key in ["title", "description"] {
        if let Some(v) = get(key).and_then(value_text) {
            put(&mut out, key, text(v));
        }
    }
    let url = get("url")
        .and_then(value_text)
        .filter(|u| u.starts_with("http"));
    let base = get("baseurl").and_then(value_text).unwrap_or_default();
    let base_url = match url {
        Some(u) => format!("{}/{}", u.trim_end_matches('/'), base.trim_matches('/')),
        None => {
            notes.push((
                "url".to_string(),
                "the site has no `url`; `https://example.com/` stands in".to_string(),
                "set `base_url` in folio.yaml to the address the site is published at".to_string(),
            ));
            format!("https://example.com/{}", base.trim_matches('/'))
        }
    };
    put(
        &mut out,
        "base_url",
        text(super::zola::with_slash(&base_url)),
    );
    if let Some(lang) = get("lang").or_else(|| get("locale")).and_then(value_text) {
        put(&mut out, "language", text(lang.replace('_', "-")));
    }
    if let Some(zone) = get("timezone").and_then(value_text) {
        put(&mut out, "timezone", text(zone));
    }
    match get("author") {
        Some(Value::String(name)) => {
            let mut a = Mapping::new();
            put(&mut a, "name", text(name.clone()));
            put(&mut out, "author", Value::Mapping(a));
        }
        Some(Value::Mapping(m)) => {
            let mut a = Mapping::new();
            for key in ["name", "email"] {
                if let Some(v) = m.get(key).and_then(value_text) {
                    put(&mut a, key, text(v));
                }
            }
            if !a.is_empty() {
                put(&mut out, "author", Value::Mapping(a));
            }
        }
        _ => {}
    }
    let plugins: Vec<String> = ["plugins", "gems"]
        .iter()
        .filter_map(|k| match get(k) {
            Some(Value::Sequence(l)) => Some(l.iter().filter_map(value_text).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut feed = Mapping::new();
    if plugins.iter().any(|p| p == "jekyll-feed") {
        let path = get("feed")
            .and_then(|f| f.get("path"))
            .and_then(value_text)
            .unwrap_or_else(|| "feed.xml".to_string());
        put(&mut feed, "filename", text(path.trim_start_matches('/')));
    } else {
        put(&mut feed, "enabled", Value::Bool(false));
    }
    put(&mut out, "feed", Value::Mapping(feed));
    let mut markdown = Mapping::new();
    put(&mut markdown, "heading_links", Value::Bool(false));
    put(&mut out, "markdown", Value::Mapping(markdown));
    let mut extra = Mapping::new();
    for (key, value) in config {
        let Some(k) = key.as_str() else { continue };
        let help = match k {
            "title"
            | "description"
            | "url"
            | "baseurl"
            | "lang"
            | "locale"
            | "timezone"
            | "author"
            | "collections"
            | "permalink"
            | "paginate"
            | "exclude"
            | "include"
            | "plugins"
            | "gems"
            | "feed"
            | "source"
            | "destination"
            | "safe"
            | "incremental"
            | "port"
            | "host"
            | "livereload"
            | "encoding"
            | "strict_front_matter"
            | "liquid"
            | "profile"
            | "quiet"
            | "verbose"
            | "keep_files"
            | "show_drafts"
            | "future"
            | "unpublished"
            | "lsi"
            | "limit_posts"
            | "detach"
            | "webrick"
            | "excerpt_separator"
            | "highlighter"
            | "markdown_ext" => continue,
            "defaults" => {
                if defaults_beyond_layout(value) {
                    "set those keys in the pages' front matter, or read them in templates"
                } else {
                    continue;
                }
            }
            "markdown" | "kramdown" | "commonmark" => {
                "folio renders CommonMark with its own extensions; remove it"
            }
            "sass" => "compile the Sass to CSS and put it in `static/`",
            "theme" | "remote_theme" => {
                "no gem themes: folio's own theme renders the site until the layouts are ported"
            }
            "paginate_path" => "list pages are at `page/2/`",
            "whitelist" => "no plugins",
            _ => {
                put(&mut extra, k, value.clone());
                continue;
            }
        };
        notes.push((
            k.to_string(),
            format!("`{k}` has no folio equivalent"),
            help.to_string(),
        ));
    }
    for plugin in &plugins {
        let help = match plugin.as_str() {
            "jekyll-feed"
            | "jekyll-sitemap"
            | "jekyll-seo-tag"
            | "jekyll-redirect-from"
            | "jekyll-paginate"
            | "jekyll-relative-links"
            | "jekyll-optional-front-matter"
            | "jekyll-titles-from-headings"
            | "jekyll-default-layout"
            | "jekyll-readme-index" => continue,
            "jemoji" => "write emoji as characters: folio does not turn `:smile:` into one",
            "jekyll-mentions" => "write `@name` mentions as links",
            "jekyll-avatar" => "write the avatar image as HTML",
            _ => "folio has no plugins: write what it made by hand or in a template",
        };
        notes.push((
            "plugins".to_string(),
            format!("the plugin `{plugin}` has no folio equivalent"),
            help.to_string(),
        ));
    }
    if !extra.is_empty() {
        put(&mut out, "extra", Value::Mapping(extra));
    }
    Mapped { config: out, notes }
}

fn defaults_beyond_layout(value: &Value) -> bool {
    let Value::Sequence(list) = value else {
        return false;
    };
    list.iter().any(|d| match d.get("values") {
        Some(Value::Mapping(v)) => v.keys().any(|k| value_text(k).as_deref() != Some("layout")),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(source: &str, dest: &str, text: &str) -> Doc {
        Doc {
            source: source.to_string(),
            dest: dest.to_string(),
            doc: Document::parse(text, std::path::Path::new("x.md")).unwrap(),
            notes: Vec::new(),
        }
    }

    fn layout(config: &str) -> Layout {
        Layout::new(&serde_yaml::from_str(config).unwrap())
    }

    #[test]
    fn posts_keep_their_jekyll_addresses() {
        let l = layout("{}");
        let post = page(
            "_posts/2014-12-17-welcome.md",
            "content/posts/2014-12-17-welcome.md",
            "---\ncategories: jekyll update\n---\n",
        );
        assert_eq!(old_url(&post, &l), "/jekyll/update/2014/12/17/welcome.html");
        let l = layout("permalink: pretty");
        assert_eq!(old_url(&post, &l), "/jekyll/update/2014/12/17/welcome/");
        let about = page("about.md", "content/about.md", "---\ntitle: A\n---\n");
        assert_eq!(old_url(&about, &l), "/about/");
        assert_eq!(old_url(&about, &layout("{}")), "/about.html");
        let l =
            layout("collections:\n  docs:\n    output: true\n    permalink: /:collection/:path/\n");
        let doc = page(
            "_docs/install/linux.md",
            "content/docs/install/linux.md",
            "---\n---\n",
        );
        assert_eq!(old_url(&doc, &l), "/docs/install/linux/");
        let index = page("_docs/index.md", "content/docs/index.md", "---\n---\n");
        assert_eq!(old_url(&index, &l), "/docs/");
    }

    #[test]
    fn a_pretty_old_address_becomes_path_and_an_html_one_an_alias() {
        assert_eq!(
            new_path("/2014/12/17/welcome/", "posts/2014-12-17-welcome.md").as_deref(),
            Some("/2014/12/17/welcome/")
        );
        assert_eq!(new_path("/about.html", "about.md"), None);
        assert_eq!(
            new_path("/posts/welcome/", "posts/2014-12-17-welcome.md"),
            None
        );
    }

    fn rewrite(text: &str, config: &str) -> (String, Vec<Note>, Site) {
        let config: Mapping = serde_yaml::from_str(config).unwrap();
        let l = Layout::new(&config);
        let mut docs = vec![
            page(
                "_posts/2020-01-02-x.md",
                "content/posts/2020-01-02-x.md",
                "---\n---\n",
            ),
            page("docs/setup.md", "content/docs/setup.md", "---\n---\n"),
            page("index.md", "content/_index.md", text),
        ];
        let context = Context {
            config: &config,
            data: serde_yaml::from_str("ruby: {version: '3.3'}").unwrap(),
            targets: targets(&docs, &l),
            base_url: "https://ada.dev/".to_string(),
            includes: vec!["note.html".to_string()],
        };
        let mut site = Site::default();
        let doc = &mut docs[2];
        rewrite_body(doc, &mut site, &context);
        (doc.doc.body.clone(), doc.notes.clone(), site)
    }

    #[test]
    fn highlight_tags_become_fences() {
        let (out, _, _) = rewrite(
            "{% highlight ruby linenos %}\ndef x\n  {{ y }}\nend\n{% endhighlight %}\n",
            "{}",
        );
        assert_eq!(out, "```ruby,linenos\ndef x\n  {{ y }}\nend\n```\n");
    }

    #[test]
    fn link_and_post_url_become_at_links() {
        let (out, _, _) = rewrite(
            "[a]({% link docs/setup.md %}) [b]({% post_url 2020-01-02-x %}) [c]({% link assets/a.pdf %})\n",
            "{}",
        );
        assert_eq!(
            out,
            "[a](@/docs/setup.md) [b](@/posts/2020-01-02-x.md) [c](/assets/a.pdf)\n"
        );
    }

    #[test]
    fn site_values_and_urls_are_filled_in() {
        let (out, _, _) = rewrite(
            "![x]({{ site.baseurl }}/a.png) [y]({{ \"/b/\" | relative_url }}) {{ site.url }} by {{ site.owner }}, Ruby {{ site.data.ruby.version }}\n",
            "owner: Ada",
        );
        assert_eq!(
            out,
            "![x](/a.png) [y](/b/) https://ada.dev by Ada, Ruby 3.3\n"
        );
    }

    #[test]
    fn video_includes_become_folio_shortcodes_and_others_are_noted() {
        let (out, notes, _) = rewrite(
            "{% include youtube.html id=\"abc\" %}\n\n{% include note.html content=\"x\" %}\n",
            "{}",
        );
        assert_eq!(
            out,
            "{{ youtube(id=\"abc\", title=\"YouTube video\", embed=true) }}\n\n{% include note.html content=\"x\" %}\n"
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn raw_text_is_escaped_outside_code_only() {
        let (out, _, _) = rewrite(
            "{% raw %}Write {{ page.title }}.{% endraw %}\n\n```liquid\n{% raw %}{{ page.title }}{% endraw %}\n```\n",
            "{}",
        );
        assert_eq!(
            out,
            "Write {{/* page.title */}}.\n\n```liquid\n{{ page.title }}\n```\n"
        );
    }

    #[test]
    fn front_matter_keys_are_renamed() {
        let l = layout("{}");
        let mut doc = page(
            "_posts/2014-12-17-welcome.md",
            "content/posts/2014-12-17-welcome.md",
            "---\nlayout: post\ntitle: W\ncategories: jekyll update\nredirect_from: [/old/]\npublished: false\n---\nBody\n",
        );
        let config = Mapping::new();
        let context = Context {
            config: &config,
            data: Mapping::new(),
            targets: targets(std::slice::from_ref(&doc), &l),
            base_url: String::new(),
            includes: Vec::new(),
        };
        let mut site = Site::default();
        rewrite_front_matter(&mut doc, &mut site, &context, &l);
        assert_eq!(
            doc.doc.write(doc.doc.style).text,
            "---\ntitle: W\ncategories: [jekyll, update]\npath: /jekyll/update/2014/12/17/welcome/\naliases: [/old/, /jekyll/update/2014/12/17/welcome.html]\ndraft: true\n---\nBody\n"
        );
    }

    #[test]
    fn the_migration_chapters_config_maps_as_it_says() {
        let config: Mapping = serde_yaml::from_str(
            "title: Ada's notes\ndescription: Notes and projects.\nurl: https://ada.github.io\nbaseurl: /notes\n\
             timezone: Europe/London\nauthor:\n  name: Ada Lovelace\ngithub_username: ada\nplugins: [jekyll-feed, jemoji]\n",
        )
        .unwrap();
        let mapped = map_config(&config);
        assert_eq!(
            super::super::yaml::mapping(&mapped.config, 0),
            "title: Ada's notes\ndescription: Notes and projects.\nbase_url: https://ada.github.io/notes/\n\
             timezone: Europe/London\nauthor:\n  name: Ada Lovelace\nfeed:\n  filename: feed.xml\n\
             markdown:\n  heading_links: false\nextra:\n  github_username: ada\n"
        );
        assert_eq!(mapped.notes.len(), 1);
    }
}
