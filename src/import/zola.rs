//! Zola: `config.toml` (or `zola.toml`) mapped to `folio.yaml`, `content/`
//! kept as it is with the few front matter keys folio names otherwise, the
//! site's and its theme's shortcodes kept with their templates.

use serde_yaml::{Mapping, Value};

use crate::error::Result;

use super::front_matter::Document;
use super::markup::{self, Edits};
use super::yaml;
use super::{
    Doc, Note, Place, Site, Walk, config_line, put, read_config_file, taxonomy_list, text,
    value_text,
};

/// Reads a Zola site.
pub(crate) fn read(walk: &Walk) -> Result<Site> {
    let config_rel = if walk.is_file("zola.toml") {
        "zola.toml"
    } else {
        "config.toml"
    };
    let config_text = walk.read(config_rel)?;
    let config = read_config_file(walk, config_rel)?;
    let mut site = Site {
        root: walk.root.clone(),
        ..Site::default()
    };
    let mapped = map_config(&config, &config_text);
    for (key, message, help) in &mapped.notes {
        let line = config_line(&config_text, key);
        site.note(config_rel, line, message.clone(), help.clone());
    }
    site.config = mapped.config;
    let language = config
        .get("default_language")
        .and_then(value_text)
        .unwrap_or_else(|| "en".to_string());
    for (code, strings) in translations(&config, &language) {
        site.data
            .insert(format!("i18n/{code}.yaml"), yaml::mapping(&strings, 0));
    }
    let ignored_static = globs(&config, "ignored_static");
    let theme = config.get("theme").and_then(value_text);
    let mut unported = Vec::new();
    if let Some(theme) = &theme {
        let theme_dir = format!("themes/{theme}");
        copy_static(
            walk,
            &mut site,
            &format!("{theme_dir}/static"),
            &ignored_static,
        );
        unported.extend(list_templates(
            walk,
            &mut site,
            &format!("{theme_dir}/templates"),
        ));
    }
    copy_static(walk, &mut site, "static", &ignored_static);
    unported.extend(list_templates(walk, &mut site, "templates"));
    let ignored = globs(&config, "ignored_content");
    for rel in walk.files("content") {
        let inner = &rel["content/".len()..];
        if ignored.iter().any(|g| glob_matches(g, inner)) {
            continue;
        }
        if is_markdown(&rel) {
            let text = walk.read(&rel)?;
            let document = Document::parse(&text, &walk.root.join(&rel))?;
            let mut doc = Doc {
                source: rel.clone(),
                dest: rel.clone(),
                doc: document,
                notes: Vec::new(),
            };
            rewrite_front_matter(&mut doc, &mut site);
            rewrite_body(&mut doc, &mut site, &unported);
            site.docs.push(doc);
        } else {
            site.copies.insert(rel.clone(), rel.clone());
        }
    }
    // folio compiles `sass/` as Zola does, with the same compiler.
    for rel in walk.files("sass") {
        site.copies.insert(rel.clone(), rel);
    }
    declare_used_taxonomies(&mut site);
    Ok(site)
}

fn is_markdown(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".markdown")
}

fn copy_static(walk: &Walk, site: &mut Site, dir: &str, ignored: &[String]) {
    for rel in walk.files(dir) {
        let inner = &rel[dir.len() + 1..];
        if ignored.iter().any(|g| glob_matches(g, inner)) {
            continue;
        }
        site.copies.insert(format!("static/{inner}"), rel.clone());
    }
}

/// Shortcode templates are kept (content calls them, in the syntax folio
/// reads); page templates are listed to port.
fn list_templates(walk: &Walk, site: &mut Site, dir: &str) -> Vec<String> {
    let mut unported = Vec::new();
    for rel in walk.files(dir) {
        let inner = &rel[dir.len() + 1..];
        if let Some(name) = inner.strip_prefix("shortcodes/") {
            let dest = format!("templates/{inner}");
            let text = walk.read(&rel).unwrap_or_default();
            for (function, help) in ZOLA_ONLY_FUNCTIONS {
                if let Some(at) = text.find(&format!("{function}(")) {
                    let line = text[..at].matches('\n').count() + 1;
                    site.note(
                        &rel,
                        Some(line),
                        format!("`{function}` is a Zola function folio does not have"),
                        *help,
                    );
                }
            }
            if let Err(e) = tera_parses(&text) {
                site.note(
                    &rel,
                    None,
                    "this shortcode template is Tera 1 that Tera 2 does not read, so it was not copied",
                    format!("port it to Tera 2 into `{dest}` (the guide's Templates chapter lists the changes); until then its calls fail: {e}"),
                );
                let name = name.trim_end_matches(".html");
                unported.push(name.to_string());
                continue;
            }
            site.copies.insert(dest, rel.clone());
            continue;
        }
        let folio = match inner {
            "taxonomy_single.html" => "templates/taxonomy_term.html".to_string(),
            name if name.ends_with("/single.html") => "templates/taxonomy_term.html".to_string(),
            name if name.ends_with("/list.html") => "templates/taxonomy_list.html".to_string(),
            "robots.txt" | "sitemap.xml" | "atom.xml" | "rss.xml" => {
                "nothing: folio writes this file itself".to_string()
            }
            other => format!("templates/{other}"),
        };
        site.port(&rel, folio);
    }
    unported
}

/// Whether Tera 2 reads the template; the parser's first complaint if not.
fn tera_parses(text: &str) -> std::result::Result<(), String> {
    let mut tera = tera::Tera::default();
    tera.add_raw_template("shortcode.html", text)
        .map(|_| ())
        .map_err(|e| {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message = cause.to_string();
                source = cause.source();
            }
            message.lines().next().unwrap_or_default().to_string()
        })
}

/// Zola's template functions that folio names otherwise or lacks, as the
/// migration chapter says.
const ZOLA_ONLY_FUNCTIONS: &[(&str, &str)] = &[
    (
        "resize_image",
        "use a Markdown image `![alt](src)`, which folio sizes; or port the shortcode",
    ),
    (
        "get_image_metadata",
        "use a Markdown image `![alt](src)`, which folio sizes; or port the shortcode",
    ),
    ("get_url", "write `url(path=…)` instead"),
    ("get_taxonomy_url", "write `url(path=\"/tags/x/\")` instead"),
    (
        "load_data",
        "read `data.<name>` from a YAML file under `content/`",
    ),
    ("get_hash", "folio has no equivalent; remove it"),
    (
        "get_file_hash",
        "folio has no equivalent; use `asset(path=…)`",
    ),
];

/// The taxonomies pages use under `[taxonomies]` that the configuration
/// does not declare.
fn declare_used_taxonomies(site: &mut Site) {
    let mut declared: Vec<String> = match site.config.get("taxonomies") {
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(|t| t.get("name").and_then(value_text))
            .collect(),
        _ => Vec::new(),
    };
    let mut added = false;
    for doc in &site.docs {
        if let Some(Value::Mapping(map)) = doc.doc.get("taxonomies") {
            for name in map.keys().filter_map(value_text) {
                if !declared.contains(&name) {
                    declared.push(name);
                    added = true;
                }
            }
        }
    }
    if added {
        let existing = site.config.get("taxonomies").cloned();
        let mut list = match existing {
            Some(Value::Sequence(list)) => list,
            _ => Vec::new(),
        };
        let known: Vec<String> = list
            .iter()
            .filter_map(|t| t.get("name").and_then(value_text))
            .collect();
        if let Value::Sequence(new) = taxonomy_list(
            &declared
                .into_iter()
                .filter(|n| !known.contains(n))
                .collect::<Vec<_>>(),
        ) {
            list.extend(new);
        }
        put(&mut site.config, "taxonomies", Value::Sequence(list));
    }
}

/// Front matter keys Zola reads and folio names otherwise.
fn rewrite_front_matter(doc: &mut Doc, site: &mut Site) {
    let front = &mut doc.doc;
    for (zola, folio) in [
        ("generate_feeds", "feed"),
        ("generate_feed", "feed"),
        ("in_search_index", "search"),
    ] {
        if front.get(zola).is_some() && front.get(folio).is_none() {
            front.rename(zola, folio);
            site.count(&format!("`{zola}` → `{folio}`"), 1);
        }
    }
    let source_text = doc_source_front(doc);
    for (key, help) in [
        (
            "transparent",
            "a folder without `_index.md` gives its pages to the section above",
        ),
        (
            "render",
            "every page is rendered; `draft: true` leaves one out",
        ),
        ("paginate_path", "list pages are at `page/2/`"),
        ("paginate_reversed", "order the list with `sort_by`"),
    ] {
        if doc.doc.get(key).is_some() {
            let line = key_line(&source_text, key);
            doc.doc.remove(key);
            doc.notes.push(Note::new(
                Place::Source(line),
                format!("`{key}` has no folio equivalent and was left out"),
                help,
            ));
        }
    }
    if let Some(Value::String(sort)) = doc.doc.get("sort_by").cloned() {
        let mapped = match sort.as_str() {
            "title_bytes" => Some("title"),
            "update_date" => Some("date"),
            "slug" => Some("title"),
            _ => None,
        };
        if let Some(mapped) = mapped {
            doc.doc.set("sort_by", text(mapped));
            doc.notes.push(Note::new(
                Place::Key("sort_by".into()),
                format!("`sort_by = \"{sort}\"` became `{mapped}`, the nearest order folio has"),
                "check the order of the section's list",
            ));
        }
    }
    for key in ["template", "page_template"] {
        if let Some(name) = doc.doc.get(key).and_then(value_text) {
            doc.doc.remove(key);
            site.named(
                &format!("templates/{name}"),
                format!("templates/{name}"),
                key,
                &doc.dest,
            );
        }
    }
    if let Some(links) = doc.doc.remove("insert_anchor_links") {
        if value_text(&links).is_some_and(|l| l != "none")
            && let Some(Value::Mapping(markdown)) = site.config.get_mut("markdown")
        {
            put(markdown, "heading_links", Value::Bool(true));
        }
        site.count("`insert_anchor_links` → `markdown.heading_links`", 1);
    }
}

/// The front matter's source text, to find the line of a key before the
/// key is removed.
fn doc_source_front(doc: &Doc) -> String {
    doc.doc.write(doc.doc.style).text
}

fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(['=', ':']))
        })
        .map_or(1, |i| i + 1)
}

/// Template syntax that Zola shows as text (Liquid-looking `{{ x }}`) is
/// escaped, so that folio shows it the same, without a warning.
fn rewrite_body(doc: &mut Doc, site: &mut Site, unported: &[String]) {
    let body = &doc.doc.body;
    let mut edits = Edits::default();
    let mut escaped = 0;
    for literal in crate::markdown::find_literal_templates(body) {
        if literal.kind == crate::markdown::TemplateKind::ZolaShortcode {
            if unported.contains(&literal.name) {
                edits.note(
                    literal.range.start,
                    format!("calls `{}`, whose Tera 1 template was not carried", literal.name),
                    format!("port `templates/shortcodes/{}.html` to Tera 2, or write what it showed here", literal.name),
                );
            }
            continue;
        }
        edits.replace(literal.range.clone(), markup::escaped(&literal.text));
        escaped += 1;
    }
    if edits.is_empty() {
        return;
    }
    let (out, notes) = edits.apply(body);
    doc.doc.body = out;
    doc.notes.extend(notes);
    site.count("template syntax shown as text, escaped", escaped);
}

/// What `config.toml` becomes, and the keys left out.
pub(crate) struct Mapped {
    /// `folio.yaml`, in order.
    pub config: Mapping,
    /// (key, message, help) for each key folio does not carry.
    pub notes: Vec<(String, String, String)>,
}

/// Maps Zola's configuration to folio's.
pub(crate) fn map_config(config: &Mapping, _text: &str) -> Mapped {
    let mut out = Mapping::new();
    let mut notes = Vec::new();
    let get = |key: &str| config.get(key);
    let no_equivalent = |notes: &mut Vec<(String, String, String)>, key: &str, help: &str| {
        notes.push((
            key.to_string(),
            format!("`{key}` has no folio equivalent"),
            help.to_string(),
        ));
    };
    if let Some(title) = get("title").and_then(value_text) {
        put(&mut out, "title", text(title));
    }
    if let Some(description) = get("description").and_then(value_text) {
        put(&mut out, "description", text(description));
    }
    let base_url = get("base_url")
        .and_then(value_text)
        .unwrap_or_else(|| "https://example.com/".to_string());
    put(&mut out, "base_url", text(with_slash(&base_url)));
    if let Some(language) = get("default_language").and_then(value_text) {
        put(&mut out, "language", text(language));
    }
    let mut feed = Mapping::new();
    let generate = get("generate_feeds").or_else(|| get("generate_feed"));
    put(
        &mut feed,
        "enabled",
        Value::Bool(generate.and_then(Value::as_bool).unwrap_or(false)),
    );
    let filename = match get("feed_filenames") {
        Some(Value::Sequence(names)) => names.first().and_then(value_text),
        _ => get("feed_filename").and_then(value_text),
    };
    // folio writes Atom under the old feed's name, so readers keep it.
    if let Some(name) = filename
        && name != "atom.xml"
    {
        put(&mut feed, "filename", text(name));
    }
    if let Some(limit) = get("feed_limit").and_then(Value::as_u64) {
        put(&mut feed, "limit", Value::Number(limit.into()));
    }
    if let Some(Value::Sequence(list)) = get("taxonomies") {
        let mut taxonomies = Vec::new();
        for t in list {
            let Some(name) = t.get("name").and_then(value_text) else {
                continue;
            };
            let mut entry = Mapping::new();
            put(&mut entry, "name", text(name.clone()));
            if t.get("feed")
                .or_else(|| t.get("rss"))
                .and_then(Value::as_bool)
                == Some(true)
            {
                put(&mut entry, "feed", Value::Bool(true));
            }
            for key in ["paginate_by", "paginate_path", "render", "lang"] {
                if t.get(key).is_some() {
                    notes.push((
                        "taxonomies".to_string(),
                        format!("taxonomy `{name}`: `{key}` has no folio equivalent"),
                        "folio's term pages list every page of the term".to_string(),
                    ));
                }
            }
            taxonomies.push(Value::Mapping(entry));
        }
        if !taxonomies.is_empty() {
            put(&mut out, "taxonomies", Value::Sequence(taxonomies));
        }
    }
    if let Some(author) = get("author").and_then(value_text) {
        let mut a = Mapping::new();
        put(&mut a, "name", text(author));
        put(&mut out, "author", Value::Mapping(a));
    }
    put(&mut out, "feed", Value::Mapping(feed));
    if get("generate_sitemap").and_then(Value::as_bool) == Some(false) {
        put(&mut out, "sitemap", Value::Bool(false));
    }
    if get("minify_html").and_then(Value::as_bool) == Some(true) {
        put(&mut out, "minify", Value::Bool(true));
    }
    if get("build_search_index").and_then(Value::as_bool) == Some(true) {
        put(&mut out, "search", Value::Bool(true));
    }
    let markdown = map_markdown(get("markdown"), config, &mut notes);
    put(&mut out, "markdown", Value::Mapping(markdown));
    if let Some(Value::Mapping(checker)) = get("link_checker") {
        let check = map_link_checker(checker);
        if !check.is_empty() {
            put(&mut out, "check", Value::Mapping(check));
        }
    }
    if let Some(Value::Mapping(extra)) = get("extra")
        && !extra.is_empty()
    {
        put(&mut out, "extra", Value::Mapping(extra.clone()));
    }
    if let Some(Value::Mapping(languages)) = get("languages") {
        let languages = map_languages(languages, &mut notes);
        if !languages.is_empty() {
            put(&mut out, "languages", Value::Mapping(languages));
        }
    }
    for (key, _) in config {
        let Some(key) = key.as_str() else { continue };
        let help = match key {
            "title" | "description" | "base_url" | "default_language" | "generate_feeds"
            | "generate_feed" | "feed_filenames" | "feed_filename" | "feed_limit"
            | "taxonomies" | "author" | "generate_sitemap" | "build_search_index" | "markdown"
            | "link_checker" | "extra" | "ignored_content" | "ignored_static"
            | "highlight_code" | "highlight_theme" | "smart_punctuation" | "languages"
            | "translations" | "compile_sass" | "minify_html" => continue,
            "generate_robots_txt" => "folio writes `robots.txt` with the sitemap (`sitemap: true`)",
            "theme" => {
                "the theme's templates are listed below to port; its static files were copied"
            }
            "search" => "folio's search is Pagefind, set by `search: true`",
            "output_dir" => "pass `--output-dir` to `folio build`",
            _ => {
                "folio has no such setting; remove it, or keep it under `extra` if a template reads it"
            }
        };
        no_equivalent(&mut notes, key, help);
    }
    Mapped { config: out, notes }
}

/// Zola's `[languages.xx]` tables as folio's `languages:`: each one's
/// `title`, `description`, `taxonomies` and `extra`. Its `translations`
/// go to `i18n/` (see `translations`); what else it sets is noted.
fn map_languages(languages: &Mapping, notes: &mut Vec<(String, String, String)>) -> Mapping {
    let mut out = Mapping::new();
    for (code, settings) in languages {
        let (Some(code), Value::Mapping(settings)) = (value_text(code), settings) else {
            continue;
        };
        let mut language = Mapping::new();
        for (key, value) in settings {
            let Some(key) = key.as_str() else { continue };
            match key {
                "title" | "description" => put(&mut language, key, value.clone()),
                "extra" => put(&mut language, "extra", value.clone()),
                "taxonomies" => {
                    let mapped = map_config(
                        &Mapping::from_iter([(text("taxonomies"), value.clone())]),
                        "",
                    );
                    if let Some(list) = mapped.config.get("taxonomies") {
                        put(&mut language, "taxonomies", list.clone());
                    }
                }
                "translations" => {}
                _ => notes.push((
                    "languages".to_string(),
                    format!("language `{code}`: `{key}` has no folio equivalent"),
                    "every language has the site's feeds, sitemap and search; remove the key"
                        .to_string(),
                )),
            }
        }
        put(&mut out, &code, Value::Mapping(language));
    }
    out
}

/// The strings of `[translations]` (the default language's) and of each
/// `[languages.xx.translations]`, by language code, for `i18n/<code>.yaml`.
fn translations(config: &Mapping, default: &str) -> Vec<(String, Mapping)> {
    let mut out = Vec::new();
    if let Some(Value::Mapping(strings)) = config.get("translations")
        && !strings.is_empty()
    {
        out.push((default.to_string(), strings.clone()));
    }
    if let Some(Value::Mapping(languages)) = config.get("languages") {
        for (code, settings) in languages {
            let Some(code) = value_text(code) else {
                continue;
            };
            if let Some(Value::Mapping(strings)) = settings.get("translations")
                && !strings.is_empty()
            {
                out.push((code, strings.clone()));
            }
        }
    }
    out
}

fn map_markdown(
    markdown: Option<&Value>,
    config: &Mapping,
    notes: &mut Vec<(String, String, String)>,
) -> Mapping {
    let empty = Mapping::new();
    let md = match markdown {
        Some(Value::Mapping(m)) => m,
        _ => &empty,
    };
    let mut out = Mapping::new();
    // Zola's defaults differ from folio's: no smart punctuation, no
    // highlighting unless asked, no heading links.
    let smart = md
        .get("smart_punctuation")
        .or_else(|| config.get("smart_punctuation"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    put(&mut out, "smart_punctuation", Value::Bool(smart));
    put(&mut out, "heading_links", Value::Bool(false));
    let highlighting = md.get("highlighting");
    let highlight = md
        .get("highlight_code")
        .or_else(|| config.get("highlight_code"))
        .and_then(Value::as_bool)
        .unwrap_or(highlighting.is_some());
    put(&mut out, "highlight_code", Value::Bool(highlight));
    let theme = highlighting
        .and_then(|h| h.get("theme"))
        .or_else(|| md.get("highlight_theme"))
        .or_else(|| config.get("highlight_theme"))
        .and_then(value_text);
    let light = highlighting
        .and_then(|h| h.get("light_theme"))
        .and_then(value_text);
    let dark = highlighting
        .and_then(|h| h.get("dark_theme"))
        .and_then(value_text);
    let known =
        |name: &str| crate::highlight::BUILTIN_THEMES.contains(&name.to_lowercase().as_str());
    let (light, dark) = match (light, dark, theme) {
        (Some(l), Some(d), _) => (Some(l), Some(d)),
        (_, _, Some(t)) => (Some(t.clone()), Some(t)),
        _ => (None, None),
    };
    if let (Some(light), Some(dark)) = (light, dark) {
        if known(&light) && known(&dark) {
            let mut themes = Mapping::new();
            put(&mut themes, "light", text(light));
            put(&mut themes, "dark", text(dark));
            put(&mut out, "highlight_themes", Value::Mapping(themes));
        } else {
            notes.push((
                "markdown".to_string(),
                format!("highlight theme `{light}` is not one folio has"),
                "pick two of folio's themes under `markdown.highlight_themes` (see the guide's highlighting chapter)".to_string(),
            ));
        }
    }
    // Zola's external link options are folio's, by the same names.
    const LINKS: [&str; 3] = [
        "external_links_target_blank",
        "external_links_no_follow",
        "external_links_no_referrer",
    ];
    for key in LINKS {
        if let Some(on) = md.get(key).and_then(Value::as_bool) {
            put(&mut out, key, Value::Bool(on));
        }
    }
    for (key, _) in md {
        let Some(key) = key.as_str() else { continue };
        if matches!(
            key,
            "smart_punctuation" | "highlight_code" | "highlight_theme" | "highlighting"
        ) || LINKS.contains(&key)
        {
            continue;
        }
        notes.push((
            "markdown".to_string(),
            format!("`markdown.{key}` has no folio equivalent"),
            "remove it; folio renders Markdown the same way for every site".to_string(),
        ));
    }
    out
}

fn map_link_checker(checker: &Mapping) -> Mapping {
    let mut check = Mapping::new();
    for (zola, folio) in [
        ("internal_level", "internal"),
        ("external_level", "external"),
    ] {
        if let Some(level) = checker.get(zola).and_then(value_text) {
            let level = if level == "warn" { "warn" } else { "error" };
            put(&mut check, folio, text(level));
        }
    }
    let mut skip = Vec::new();
    for key in ["skip_prefixes", "skip_anchor_prefixes"] {
        if let Some(Value::Sequence(list)) = checker.get(key) {
            skip.extend(list.iter().filter_map(value_text).map(Value::String));
        }
    }
    if !skip.is_empty() {
        put(&mut check, "skip", Value::Sequence(skip));
    }
    check
}

/// `https://x.org` → `https://x.org/`.
pub(crate) fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

fn globs(config: &Mapping, key: &str) -> Vec<String> {
    match config.get(key) {
        Some(Value::Sequence(list)) => list.iter().filter_map(value_text).collect(),
        _ => Vec::new(),
    }
}

/// A glob with `*` (within a name), `**` (any folders) and `?`, matched
/// against a path relative to its folder.
pub(crate) fn glob_matches(glob: &str, path: &str) -> bool {
    fn go(g: &[u8], p: &[u8]) -> bool {
        match (g.first(), p.first()) {
            (None, None) => true,
            (Some(b'*'), _) if g.get(1) == Some(&b'*') => {
                let rest = g[2..].strip_prefix(b"/").unwrap_or(&g[2..]);
                (0..=p.len()).any(|i| go(rest, &p[i..]))
            }
            (Some(b'*'), _) => (0..=p.len())
                .take_while(|&i| i == 0 || p[i - 1] != b'/')
                .any(|i| go(&g[1..], &p[i..])),
            (Some(b'?'), Some(c)) if *c != b'/' => go(&g[1..], &p[1..]),
            (Some(a), Some(b)) if a == b => go(&g[1..], &p[1..]),
            _ => false,
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    go(glob.as_bytes(), path.as_bytes())
        || !glob.contains('/') && go(glob.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_map(text: &str) -> Mapping {
        let table = toml::de::DeTable::parse(text).unwrap();
        match crate::content::toml_value(&toml::de::DeValue::Table(table.into_inner())) {
            Value::Mapping(m) => m,
            _ => panic!(),
        }
    }

    #[test]
    fn the_migration_chapters_example_maps_as_it_says() {
        let config = toml_map(
            "base_url = \"https://ada.dev\"\ntitle = \"Ada Lovelace\"\ndescription = \"Notes and projects.\"\n\
             default_language = \"en\"\ngenerate_feeds = true\nfeed_limit = 10\ntaxonomies = [{ name = \"tags\", feed = true }]\n\
             compile_sass = true\nminify_html = true\n\n[markdown]\nsmart_punctuation = true\nexternal_links_target_blank = true\n\n[extra]\ngithub = \"https://github.com/ada\"\n",
        );
        let mapped = map_config(&config, "");
        assert_eq!(
            super::super::yaml::mapping(&mapped.config, 0),
            "title: Ada Lovelace\ndescription: Notes and projects.\nbase_url: https://ada.dev/\nlanguage: en\n\
             taxonomies:\n  - name: tags\n    feed: true\nfeed:\n  enabled: true\n  limit: 10\n\
             minify: true\nmarkdown:\n  smart_punctuation: true\n  heading_links: false\n  highlight_code: false\n  external_links_target_blank: true\n\
             extra:\n  github: https://github.com/ada\n"
        );
        let keys: Vec<&str> = mapped.notes.iter().map(|(k, _, _)| k.as_str()).collect();
        assert!(keys.is_empty(), "{keys:?}");
    }

    // Issue #22: the multilingual example of the Zola chapter.
    #[test]
    fn languages_and_translations_map_as_the_chapter_says() {
        let config = toml_map(
            "base_url = \"https://ada.dev\"\ntitle = \"Ada Lovelace\"\ndefault_language = \"en\"\n\n\
             [translations]\nread_more = \"Read more\"\n\n[languages.fr]\ntitle = \"Ada Lovelace\"\n\
             description = \"Notes et projets.\"\ngenerate_feeds = true\n\n[languages.fr.translations]\nread_more = \"Lire la suite\"\n",
        );
        let mapped = map_config(&config, "");
        let yaml = super::super::yaml::mapping(&mapped.config, 0);
        assert!(
            yaml.ends_with(
                "languages:\n  fr:\n    title: Ada Lovelace\n    description: Notes et projets.\n"
            ),
            "{yaml}"
        );
        let notes: Vec<&str> = mapped.notes.iter().map(|(_, m, _)| m.as_str()).collect();
        assert_eq!(
            notes,
            ["language `fr`: `generate_feeds` has no folio equivalent"]
        );
        let strings: Vec<(String, String)> = translations(&config, "en")
            .into_iter()
            .map(|(code, map)| (code, super::super::yaml::mapping(&map, 0)))
            .collect();
        assert_eq!(
            strings,
            [
                ("en".to_string(), "read_more: Read more\n".to_string()),
                ("fr".to_string(), "read_more: Lire la suite\n".to_string())
            ]
        );
    }

    #[test]
    fn globs_match_names_and_paths() {
        assert!(glob_matches("*.xlsx", "docs/a.xlsx"));
        assert!(glob_matches("drafts/**", "drafts/a/b.md"));
        assert!(!glob_matches("drafts/*", "drafts/a/b.md"));
        assert!(glob_matches("a?c.md", "abc.md"));
    }
}
