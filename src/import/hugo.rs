//! Hugo: the configuration (one file, or `config/_default/`) mapped to
//! `folio.yaml`; the default language's content moved over with its front
//! matter keys renamed; the built-in shortcodes (`figure`, `highlight`,
//! `youtube`, `vimeo`, `ref`, `relref`, `param`, `details`) rewritten.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

use crate::error::Result;
use crate::url;

use super::front_matter::Document;
use super::links::{self, Targets};
use super::markup::{self, CallArg, Edits, HugoTag};
use super::yaml;
use super::{
    Doc, Note, Place, Site, Walk, config_line, data_as_yaml, put, read_config_file, taxonomy_list,
    text, title_from, value_text,
};

/// Reads a Hugo site.
pub(crate) fn read(walk: &Walk) -> Result<Site> {
    let (config, config_file, config_text) = read_config(walk)?;
    let mut site = Site {
        root: walk.root.clone(),
        ..Site::default()
    };
    let language = lookup(&config, "defaultContentLanguage")
        .and_then(value_text)
        .unwrap_or_else(|| "en".to_string());
    let mapped = map_config(&config, &language);
    for (key, message, help) in mapped.notes {
        let line = config_line(&config_text, &key)
            .or_else(|| config_line(&config_text, &key.to_lowercase()));
        site.note(&config_file, line, message, help);
    }
    site.config = mapped.config;
    let content_dir = content_dir(&config, &language);
    let theme = theme_name(&config);
    copy_static(walk, &mut site, theme.as_deref());
    let shortcodes = list_templates(walk, &mut site, theme.as_deref());
    read_data(walk, &mut site)?;
    read_strings(walk, &mut site, &config)?;
    let mut docs = read_content(walk, &mut site, &content_dir, &language)?;
    add_missing_sections(&mut docs, &mut site);
    let targets = targets(&docs);
    let context = Context {
        params: mapped.params,
        shortcodes,
        targets,
    };
    for doc in &mut docs {
        rewrite_front_matter(doc, &mut site);
        rewrite_body(doc, &mut site, &context);
    }
    let nav = menu_entries(&mut docs, &mut site);
    if !nav.is_empty() {
        add_nav(&mut site.config, nav);
    }
    site.docs = docs;
    declare_used_taxonomies(&mut site);
    for (dir, help) in [
        (
            "assets",
            "files of `assets/` reach the site only through templates (Hugo Pipes): put built CSS and JS in `static/`",
        ),
        (
            "archetypes",
            "`folio new` writes a page's front matter itself",
        ),
    ] {
        if walk.is_dir(dir) {
            site.note(dir, None, format!("`{dir}/` has no folio equivalent"), help);
        }
    }
    Ok(site)
}

/// What the body rewrites need to know of the whole site.
struct Context {
    params: Mapping,
    /// Shortcodes of the site and its theme: name → template file.
    shortcodes: BTreeMap<String, String>,
    targets: Targets,
}

/// Hugo's configuration: one file at the root, or `config/_default/` where
/// `params.toml` is the `params` key and so on. Keys keep their case.
fn read_config(walk: &Walk) -> Result<(Mapping, String, String)> {
    let candidates = [
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "hugo.json",
        "config.toml",
        "config.yaml",
        "config.yml",
        "config.json",
    ];
    let mut config = Mapping::new();
    let mut file = String::new();
    let mut text = String::new();
    if let Some(name) = candidates.iter().find(|n| walk.is_file(n)) {
        config = read_config_file(walk, name)?;
        file = name.to_string();
        text = walk.read(name)?;
    }
    let dir = "config/_default";
    for rel in walk.files(dir) {
        let name = &rel[dir.len() + 1..];
        if name.contains('/') {
            continue;
        }
        let Some((stem, _)) = name.rsplit_once('.') else {
            continue;
        };
        let map = read_config_file(walk, &rel)?;
        let key = stem.split('.').next().unwrap_or(stem);
        if matches!(key, "hugo" | "config") {
            if file.is_empty() {
                file = rel.clone();
                text = walk.read(&rel)?;
            }
            for (k, v) in map {
                config.insert(k, v);
            }
        } else {
            let merged = match config.remove(key) {
                Some(Value::Mapping(mut existing)) => {
                    existing.extend(map);
                    existing
                }
                _ => map,
            };
            config.insert(text_key(key), Value::Mapping(merged));
        }
    }
    Ok((config, file, text))
}

fn text_key(key: &str) -> Value {
    Value::String(key.to_string())
}

/// A key of Hugo's configuration, whatever its case (`baseURL`, `baseurl`).
fn lookup<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
}

fn lookup_path<'a>(map: &'a Mapping, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let value = lookup(map, first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        Value::Mapping(inner) => lookup_path(inner, rest),
        _ => None,
    }
}

/// The default language's settings under `languages`.
fn language_settings<'a>(config: &'a Mapping, language: &str) -> Option<&'a Mapping> {
    match lookup_path(config, &["languages", language]) {
        Some(Value::Mapping(m)) => Some(m),
        _ => None,
    }
}

/// The folder of the default language's content.
fn content_dir(config: &Mapping, language: &str) -> String {
    if let Some(dir) = language_settings(config, language)
        .and_then(|l| lookup(l, "contentDir"))
        .and_then(value_text)
    {
        return dir.trim_end_matches('/').to_string();
    }
    if let Some(Value::Sequence(mounts)) = lookup_path(config, &["module", "mounts"]) {
        for mount in mounts {
            let Value::Mapping(m) = mount else { continue };
            let target = lookup(m, "target").and_then(value_text);
            if target.as_deref() == Some("content")
                && let Some(source) = lookup(m, "source").and_then(value_text)
            {
                return source.trim_end_matches('/').to_string();
            }
        }
    }
    lookup(config, "contentDir")
        .and_then(value_text)
        .unwrap_or_else(|| "content".to_string())
        .trim_end_matches('/')
        .to_string()
}

fn theme_name(config: &Mapping) -> Option<String> {
    match lookup(config, "theme")? {
        Value::Sequence(list) => list.first().and_then(value_text),
        other => value_text(other),
    }
}

/// What Hugo's configuration becomes, the notes, and the site params (for
/// the `param` shortcode).
struct Mapped {
    config: Mapping,
    notes: Vec<(String, String, String)>,
    params: Mapping,
}

fn map_config(config: &Mapping, language: &str) -> Mapped {
    let mut out = Mapping::new();
    let mut notes = Vec::new();
    let lang = language_settings(config, language);
    // A language's own settings win over the site's.
    let get = |key: &str| {
        lang.and_then(|l| lookup(l, key))
            .or_else(|| lookup(config, key))
    };
    let mut params = match lookup(config, "params") {
        Some(Value::Mapping(p)) => p.clone(),
        _ => Mapping::new(),
    };
    if let Some(Value::Mapping(lp)) = lang.and_then(|l| lookup(l, "params")) {
        params.extend(lp.clone());
    }
    if let Some(title) = get("title").and_then(value_text) {
        put(&mut out, "title", text(title));
    }
    let description = lookup(&params, "description")
        .or_else(|| get("description"))
        .and_then(value_text);
    if let Some(d) = description {
        put(&mut out, "description", text(d));
    }
    let base = get("baseURL")
        .and_then(value_text)
        .filter(|u| u.starts_with("http"))
        .unwrap_or_else(|| {
            notes.push((
                "baseURL".to_string(),
                "the site has no absolute `baseURL`; `https://example.com/` stands in".to_string(),
                "set `base_url` in folio.yaml to the address the site is published at".to_string(),
            ));
            "https://example.com/".to_string()
        });
    put(&mut out, "base_url", text(super::zola::with_slash(&base)));
    let code = get("languageCode")
        .or_else(|| get("locale"))
        .and_then(value_text)
        .unwrap_or_else(|| language.to_string());
    put(&mut out, "language", text(code));
    if let Some(zone) = get("timeZone").and_then(value_text) {
        put(&mut out, "timezone", text(zone));
    }
    let taxonomies = taxonomy_names(get("taxonomies"));
    if !taxonomies.is_empty() {
        put(&mut out, "taxonomies", taxonomy_list(&taxonomies));
    }
    if let Some(author) = author(lookup(&params, "author").or_else(|| get("author"))) {
        put(&mut out, "author", Value::Mapping(author));
    }
    let disabled: Vec<String> = match get("disableKinds") {
        Some(Value::Sequence(kinds)) => kinds
            .iter()
            .filter_map(value_text)
            .map(|k| k.to_lowercase())
            .collect(),
        _ => Vec::new(),
    };
    let mut feed = Mapping::new();
    if disabled.iter().any(|k| k == "rss") {
        put(&mut feed, "enabled", Value::Bool(false));
    }
    let limit = lookup_path(config, &["services", "rss", "limit"])
        .or_else(|| get("rssLimit"))
        .and_then(Value::as_i64)
        .filter(|n| *n > 0);
    if let Some(limit) = limit {
        put(&mut feed, "limit", Value::Number(limit.into()));
    }
    if !feed.is_empty() {
        put(&mut out, "feed", Value::Mapping(feed));
    }
    if disabled.iter().any(|k| k == "sitemap") {
        put(&mut out, "sitemap", Value::Bool(false));
    }
    put(
        &mut out,
        "markdown",
        Value::Mapping(markdown(config, &mut notes)),
    );
    let mut extra = params.clone();
    extra.remove("description");
    extra.remove("author");
    if let Some(copyright) = get("copyright").and_then(value_text) {
        put(&mut extra, "copyright", text(copyright));
    }
    let nav = config_menu(config, lang);
    if !nav.is_empty() {
        put(&mut extra, "nav", Value::Sequence(nav));
    }
    if !extra.is_empty() {
        put(&mut out, "extra", Value::Mapping(extra));
    }
    for (key, _) in config {
        let Some(key) = key.as_str() else { continue };
        if let Some((message, help)) = config_note(key, config) {
            notes.push((key.to_string(), message, help));
        }
    }
    if let Some(Value::Mapping(languages)) = lookup(config, "languages") {
        let others = other_languages(languages, language, &mut notes);
        if !others.is_empty() {
            put(&mut out, "languages", Value::Mapping(others));
        }
    }
    Mapped {
        config: out,
        notes,
        params,
    }
}

/// Hugo's `[languages.xx]` but the default as folio's `languages:`: each
/// one's `title`, and its `params` as `extra`. A language with a content
/// folder of its own is noted: folio reads translations beside their
/// originals (`about.fr.md`).
fn other_languages(
    languages: &Mapping,
    default: &str,
    notes: &mut Vec<(String, String, String)>,
) -> Mapping {
    let mut out = Mapping::new();
    for (code, settings) in languages {
        let Some(code) = value_text(code).filter(|c| c != default) else {
            continue;
        };
        let mut language = Mapping::new();
        if let Value::Mapping(settings) = settings {
            if let Some(title) = lookup(settings, "title").and_then(value_text) {
                put(&mut language, "title", text(title));
            }
            if let Some(Value::Mapping(params)) = lookup(settings, "params") {
                put(&mut language, "extra", Value::Mapping(params.clone()));
            }
            if lookup(settings, "contentDir").is_some() {
                notes.push((
                    "languages".to_string(),
                    format!("language `{code}` keeps its content in a folder of its own, which was not imported"),
                    format!("move its files beside their originals, named like `about.{code}.md`"),
                ));
            }
        }
        put(&mut out, &code, Value::Mapping(language));
    }
    out
}

/// The strings of `i18n/<code>.(yaml|toml|json)` as flat `key: text`
/// entries for folio's `i18n/<code>.yaml`: Hugo's `other:` form (plurals)
/// and its list form (`- id: key`, `translation: text`) are read too.
fn read_strings(walk: &Walk, site: &mut Site, config: &Mapping) -> Result<()> {
    let mut by_code: BTreeMap<String, Mapping> = BTreeMap::new();
    let text_of = |v: &Value| match v {
        Value::Mapping(forms) => lookup(forms, "other").and_then(value_text),
        other => value_text(other),
    };
    for rel in walk.files("i18n") {
        let Some((code, _)) = rel["i18n/".len()..].rsplit_once('.') else {
            continue;
        };
        let strings = by_code.entry(code.to_string()).or_default();
        let source = walk.read(&rel)?;
        if source.trim_start().starts_with('-') {
            let entries: Value = crate::config::parse_yaml(&source, &walk.root.join(&rel), 1)?;
            for entry in entries.as_sequence().into_iter().flatten() {
                let id = entry.get("id").and_then(value_text);
                let translation = entry.get("translation").and_then(text_of);
                if let (Some(id), Some(translation)) = (id, translation) {
                    put(strings, &id, text(translation));
                }
            }
        } else {
            for (key, value) in &read_config_file(walk, &rel)? {
                if let (Some(key), Some(value)) = (value_text(key), text_of(value)) {
                    put(strings, &key, text(value));
                }
            }
        }
    }
    if let Some(Value::Mapping(languages)) = lookup(config, "languages") {
        for (code, settings) in languages {
            let name = settings
                .as_mapping()
                .and_then(|s| lookup(s, "languageName"))
                .and_then(value_text);
            if let (Some(code), Some(name)) = (value_text(code), name) {
                put(
                    by_code.entry(code).or_default(),
                    "language_name",
                    text(name),
                );
            }
        }
    }
    for (code, strings) in by_code {
        site.data
            .insert(format!("i18n/{code}.yaml"), yaml::mapping(&strings, 0));
    }
    Ok(())
}

/// The note for a top-level key folio does not carry, if any.
fn config_note(key: &str, config: &Mapping) -> Option<(String, String)> {
    let lower = key.to_lowercase();
    let help = match lower.as_str() {
        "title"
        | "baseurl"
        | "languagecode"
        | "locale"
        | "timezone"
        | "taxonomies"
        | "params"
        | "author"
        | "disablekinds"
        | "services"
        | "rsslimit"
        | "markup"
        | "copyright"
        | "menus"
        | "menu"
        | "defaultcontentlanguage"
        | "languages"
        | "contentdir"
        | "theme"
        | "module"
        | "description"
        | "enablerobotstxt"
        | "title_case_style"
        | "titlecasestyle"
        | "pluralizelisttitles"
        | "enableemoji"
        | "builddrafts"
        | "buildfuture"
        | "buildexpired"
        | "resourcedir"
        | "outputformats"
        | "mediatypes"
        | "caches"
        | "build"
        | "minify"
        | "imaging"
        | "security"
        | "frontmatter"
        | "related"
        | "privacy"
        | "sitemap"
        | "cascade" => {
            return match lower.as_str() {
                "permalinks" => None,
                "pagination" => None,
                _ => quiet_note(&lower, config),
            };
        }
        "permalinks" => {
            "pages keep their addresses through `path` in their front matter; new pages get `/section/name/`"
        }
        "paginate" | "pagination" => {
            "add `paginate_by: N` to the front matter of each section to paginate"
        }
        "googleanalytics" => "add the analytics snippet to a template",
        "disqusshortname" => "add the comments snippet to a template",
        "uglyurls" => "folio writes every page as `…/name/index.html`",
        "relativeurls" | "canonifyurls" => "folio writes root-relative links under the base path",
        "publishdir" => "pass `--output-dir` to `folio build`",
        "outputs" => "folio writes HTML pages, one Atom feed and the sitemap",
        "sectionpagesmenu" => "list the sections under `extra.nav` in folio.yaml",
        "mainsections" => {
            "folio's theme lists every section; keep it under `extra` if a template reads it"
        }
        "summarylength" => "write `<!--more-->` where a page's summary ends",
        _ => {
            "folio has no such setting; remove it, or keep it under `extra` if a template reads it"
        }
    };
    Some((format!("`{key}` has no folio equivalent"), help.to_string()))
}

/// Keys carried (or with nothing to carry) need no note; the few settings
/// that change what is published do.
fn quiet_note(lower: &str, config: &Mapping) -> Option<(String, String)> {
    match lower {
        "cascade" => Some((
            "`cascade` was not applied".to_string(),
            "set the cascaded keys on the pages below, or read them in templates".to_string(),
        )),
        "outputformats" | "mediatypes" => Some((
            format!("`{lower}`: folio writes HTML pages, one Atom feed and the sitemap"),
            "write other formats with a template of their own".to_string(),
        )),
        "enablerobotstxt"
            if lookup(config, "enableRobotsTXT").and_then(Value::as_bool) == Some(false) =>
        {
            Some((
                "`enableRobotsTXT = false`: folio writes `robots.txt` with the sitemap".to_string(),
                "set `sitemap: false` to write neither".to_string(),
            ))
        }
        _ => None,
    }
}

/// `[taxonomies] tag = "tags"` → `tags`; Hugo's defaults when unset.
fn taxonomy_names(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Mapping(map)) => map.values().filter_map(value_text).collect(),
        Some(_) => Vec::new(),
        None => vec!["categories".to_string(), "tags".to_string()],
    }
}

fn author(value: Option<&Value>) -> Option<Mapping> {
    let mut out = Mapping::new();
    match value? {
        Value::String(name) => put(&mut out, "name", text(name.clone())),
        Value::Sequence(names) => {
            let name = names
                .iter()
                .filter_map(value_text)
                .collect::<Vec<_>>()
                .join(", ");
            put(&mut out, "name", text(name));
        }
        Value::Mapping(map) => {
            for key in ["name", "email"] {
                if let Some(v) = lookup(map, key).and_then(value_text) {
                    put(&mut out, key, text(v));
                }
            }
        }
        _ => {}
    }
    (!out.is_empty()).then_some(out)
}

fn markdown(config: &Mapping, notes: &mut Vec<(String, String, String)>) -> Mapping {
    let mut out = Mapping::new();
    let typographer = lookup_path(config, &["markup", "goldmark", "extensions", "typographer"]);
    let smart = match typographer {
        Some(Value::Bool(b)) => *b,
        Some(Value::Mapping(m)) => lookup(m, "disable").and_then(Value::as_bool) != Some(true),
        _ => true,
    };
    put(&mut out, "smart_punctuation", Value::Bool(smart));
    // Hugo's headings do not link to themselves.
    put(&mut out, "heading_links", Value::Bool(false));
    let fences =
        lookup_path(config, &["markup", "highlight", "codeFences"]).and_then(Value::as_bool);
    put(
        &mut out,
        "highlight_code",
        Value::Bool(fences != Some(false)),
    );
    if let Some(style) = lookup_path(config, &["markup", "highlight", "style"]).and_then(value_text)
    {
        if crate::highlight::BUILTIN_THEMES.contains(&style.to_lowercase().as_str()) {
            let mut themes = Mapping::new();
            put(&mut themes, "light", text(style.clone()));
            put(&mut themes, "dark", text(style));
            put(&mut out, "highlight_themes", Value::Mapping(themes));
        } else {
            notes.push((
                "markup".to_string(),
                format!("highlight style `{style}` is not one folio has"),
                "pick two of folio's themes under `markdown.highlight_themes` (see the guide's highlighting chapter)".to_string(),
            ));
        }
    }
    out
}

/// The `main` menu of the configuration as `extra.nav`: `[{name, url}]`
/// by weight.
fn config_menu(config: &Mapping, lang: Option<&Mapping>) -> Vec<Value> {
    let menus = lang
        .and_then(|l| lookup(l, "menus").or_else(|| lookup(l, "menu")))
        .or_else(|| lookup(config, "menus"))
        .or_else(|| lookup(config, "menu"));
    let Some(Value::Sequence(main)) = menus.and_then(|m| match m {
        Value::Mapping(m) => lookup(m, "main"),
        _ => None,
    }) else {
        return Vec::new();
    };
    let mut entries: Vec<(i64, usize, Value)> = Vec::new();
    for (i, item) in main.iter().enumerate() {
        let Value::Mapping(m) = item else { continue };
        let name = lookup(m, "name").and_then(value_text);
        let url = lookup(m, "url")
            .or_else(|| lookup(m, "pageRef"))
            .and_then(value_text);
        let (Some(name), Some(url)) = (name, url) else {
            continue;
        };
        let weight = lookup(m, "weight").and_then(Value::as_i64).unwrap_or(0);
        entries.push((weight, i, nav_entry(&name, &nav_url(&url))));
    }
    entries.sort_by_key(|(w, i, _)| (*w, *i));
    entries.into_iter().map(|(_, _, v)| v).collect()
}

/// A menu URL as folio's theme reads it: external as is, a site path
/// root-relative with a trailing `/`.
fn nav_url(url: &str) -> String {
    if url.contains("://") || url.starts_with('#') {
        return url.to_string();
    }
    let path = url.trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else if path.contains('.') || path.contains('#') {
        format!("/{path}")
    } else {
        format!("/{path}/")
    }
}

fn nav_entry(name: &str, url: &str) -> Value {
    let mut entry = Mapping::new();
    put(&mut entry, "name", text(name));
    put(&mut entry, "url", text(url));
    Value::Mapping(entry)
}

fn add_nav(config: &mut Mapping, mut nav: Vec<Value>) {
    let extra = config
        .entry(text_key("extra"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(extra) = extra {
        if let Some(Value::Sequence(existing)) = extra.get("nav") {
            let mut all = existing.clone();
            all.append(&mut nav);
            nav = all;
        }
        put(extra, "nav", Value::Sequence(nav));
    }
}

fn copy_static(walk: &Walk, site: &mut Site, theme: Option<&str>) {
    let mut dirs = Vec::new();
    if let Some(theme) = theme {
        dirs.push(format!("themes/{theme}/static"));
    }
    dirs.push("static".to_string());
    for dir in dirs {
        for rel in walk.files(&dir) {
            let inner = &rel[dir.len() + 1..];
            site.copies.insert(format!("static/{inner}"), rel.clone());
        }
    }
}

/// Lists the layouts to port and returns the shortcodes of the site and
/// its theme.
fn list_templates(walk: &Walk, site: &mut Site, theme: Option<&str>) -> BTreeMap<String, String> {
    let mut shortcodes = BTreeMap::new();
    let mut dirs = Vec::new();
    if let Some(theme) = theme {
        dirs.push(format!("themes/{theme}/layouts"));
    }
    dirs.push("layouts".to_string());
    for dir in dirs {
        for rel in walk.files(&dir) {
            let inner = &rel[dir.len() + 1..];
            if let Some(name) = inner
                .strip_prefix("shortcodes/")
                .or_else(|| inner.strip_prefix("_shortcodes/"))
            {
                let name = name.split('.').next().unwrap_or(name).to_string();
                shortcodes.insert(name, rel.clone());
                continue;
            }
            site.port(&rel, folio_template(inner));
        }
    }
    shortcodes
}

/// The folio template a Hugo layout becomes, as the migration chapter says.
fn folio_template(layout: &str) -> String {
    let name = layout.rsplit('/').next().unwrap_or(layout);
    let name = name.split('.').next().unwrap_or(name);
    if layout.starts_with("partials/") || layout.starts_with("_partials/") {
        let inner = layout.split_once('/').map_or(layout, |(_, r)| r);
        return format!("templates/partials/{inner}");
    }
    match name {
        "baseof" => "templates/base.html".to_string(),
        "index" | "home" => "templates/index.html".to_string(),
        "single" | "page" => "templates/page.html (or a template named by `template`)".to_string(),
        "list" | "section" => "templates/section.html".to_string(),
        "terms" | "taxonomy" if layout.starts_with("_default/terms") || name == "taxonomy" => {
            "templates/taxonomy_list.html".to_string()
        }
        "term" | "terms" => "templates/taxonomy_term.html".to_string(),
        "404" => "templates/404.html".to_string(),
        "rss" | "sitemap" | "robots" => "nothing: folio writes this file itself".to_string(),
        other => format!("templates/{other}.html"),
    }
}

fn read_data(walk: &Walk, site: &mut Site) -> Result<()> {
    for rel in walk.files("data") {
        let inner = &rel["data/".len()..];
        match data_as_yaml(walk, &rel)? {
            Some(yaml) => {
                let stem = inner.rsplit_once('.').map_or(inner, |(s, _)| s);
                site.data.insert(format!("content/{stem}.yaml"), yaml);
            }
            None => site.note(
                &rel,
                None,
                "this data file is in a format folio does not read",
                "convert it to YAML under `content/`",
            ),
        }
    }
    Ok(())
}

/// The default language's Markdown, and the files beside it.
fn read_content(walk: &Walk, site: &mut Site, dir: &str, language: &str) -> Result<Vec<Doc>> {
    let files = walk.files(dir);
    let bundles: BTreeSet<String> = files
        .iter()
        .filter_map(|f| {
            let (d, name) = f.rsplit_once('/')?;
            is_markdown(name).then_some(())?;
            (name.split('.').next() == Some("index")).then(|| d.to_string())
        })
        .collect();
    let mut docs = Vec::new();
    let mut other_languages = 0;
    let mut resources = 0;
    for rel in files {
        let inner = &rel[dir.len() + 1..];
        let name = inner.rsplit('/').next().unwrap_or(inner);
        if is_markdown(name) {
            let configured = |lang: &str| {
                lookup(&site.config, "languages")
                    .and_then(|l| lookup(l.as_mapping()?, lang))
                    .is_some()
            };
            if let Some(lang) = name_language(name)
                && lang != language
                && !configured(lang)
            {
                other_languages += 1;
                continue;
            }
            let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let inside_bundle = bundles.iter().any(|b| {
                (folder == b || folder.starts_with(&format!("{b}/"))) && !name.starts_with("index.")
            });
            if inside_bundle {
                resources += 1;
                continue;
            }
            let text = walk.read(&rel)?;
            let document = Document::parse(&text, &walk.root.join(&rel))?;
            let dest = format!("content/{}", strip_language(inner, language));
            docs.push(Doc {
                source: rel.clone(),
                dest,
                doc: document,
                notes: Vec::new(),
            });
        } else if [
            "adoc", "asciidoc", "org", "rst", "pandoc", "pdc", "html", "htm",
        ]
        .iter()
        .any(|e| name.ends_with(&format!(".{e}")))
            && is_content_file(walk, &rel)
        {
            site.note(
                &rel,
                None,
                "a content page in a format folio does not read",
                "rewrite it in Markdown",
            );
        } else {
            site.copies.insert(format!("content/{inner}"), rel.clone());
        }
    }
    if other_languages > 0 {
        site.note(
            dir,
            None,
            format!("{other_languages} pages of other languages (`name.xx.md`) were left out"),
            "folio builds one language: import each language into a site of its own",
        );
    }
    if resources > 0 {
        site.note(
            dir,
            None,
            format!("{resources} Markdown files inside page bundles were left out: Hugo reads them as the bundle's resources, not pages"),
            "write their text into the bundle's index.md, or make the folder a section (`_index.md`)",
        );
    }
    Ok(docs)
}

/// A content file with front matter (Hugo renders those).
fn is_content_file(walk: &Walk, rel: &str) -> bool {
    walk.read(rel)
        .is_ok_and(|t| t.starts_with("---") || t.starts_with("+++") || t.starts_with('{'))
}

fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// `post.fr.md` → `fr`.
fn name_language(name: &str) -> Option<&str> {
    let parts: Vec<&str> = name.split('.').collect();
    (parts.len() >= 3)
        .then(|| parts[parts.len() - 2])
        .filter(|l| l.len() == 2 || l.len() == 5 && l.as_bytes()[2] == b'-')
}

/// `post.en.md` → `post.md` for the default language.
fn strip_language(path: &str, language: &str) -> String {
    path.replace(&format!(".{language}.md"), ".md")
        .replace(&format!(".{language}.markdown"), ".markdown")
}

/// Hugo makes a section of every top-level folder; folio needs its
/// `_index.md`.
fn add_missing_sections(docs: &mut Vec<Doc>, site: &mut Site) {
    let sections: BTreeSet<String> = docs
        .iter()
        .filter(|d| d.is_section())
        .map(|d| {
            d.dest
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir)
                .to_string()
        })
        .collect();
    let mut needed = BTreeSet::new();
    for doc in docs.iter() {
        let inner = &doc.dest["content/".len()..];
        if let Some((top, rest)) = inner.split_once('/')
            && !rest.is_empty()
            && (!rest.starts_with("index.") || rest.contains('/'))
        {
            let dir = format!("content/{top}");
            if !sections.contains(&dir) {
                needed.insert(top.to_string());
            }
        }
    }
    for top in needed {
        let mut doc = Document::new(super::Style::Yaml, String::new());
        doc.set("title", text(title_from(&top)));
        docs.push(Doc {
            source: String::new(),
            dest: format!("content/{top}/_index.md"),
            doc,
            notes: Vec::new(),
        });
        site.count("section page added for a top-level folder", 1);
    }
}

fn targets(docs: &[Doc]) -> Targets {
    let mut targets = Targets::default();
    for doc in docs {
        let content = &doc.dest["content/".len()..];
        let url = links::folio_url(
            content,
            doc.doc.get("url").and_then(value_text).as_deref(),
            doc.doc.get("slug").and_then(value_text).as_deref(),
        );
        targets.add(&doc.source, content, &url, &url);
    }
    targets
}

/// Front matter keys Hugo reads and folio names otherwise.
fn rewrite_front_matter(doc: &mut Doc, site: &mut Site) {
    let source_text = doc.doc.write(doc.doc.style).text;
    let line = |key: &str| key_line(&source_text, key);
    for (hugo, folio) in [
        ("lastmod", "updated"),
        ("modified", "updated"),
        ("publishDate", "date"),
        ("pubDate", "date"),
    ] {
        if doc.doc.get(hugo).is_some() {
            if doc.doc.get(folio).is_none() {
                doc.doc.rename(hugo, folio);
                site.count(&format!("`{hugo}` → `{folio}`"), 1);
            } else {
                let at = line(hugo);
                doc.doc.remove(hugo);
                doc.notes.push(Note::new(
                    Place::Source(at),
                    format!("`{hugo}` was left out: the page has `{folio}` already"),
                    format!("keep the one folio should use in `{folio}`"),
                ));
            }
        }
    }
    if let Some(url) = doc.doc.get("url").and_then(value_text) {
        if url.ends_with('/') || !url.rsplit('/').next().unwrap_or("").contains('.') {
            doc.doc.rename("url", "path");
            site.count("`url` → `path`", 1);
        } else {
            doc.doc.remove("url");
            let mut aliases = match doc.doc.get("aliases") {
                Some(Value::Sequence(list)) => list.clone(),
                _ => Vec::new(),
            };
            aliases.push(text(url));
            doc.doc.set("aliases", Value::Sequence(aliases));
            site.count("`url` of a file → an alias", 1);
        }
    }
    for key in ["layout", "type"] {
        if let Some(name) = doc.doc.get(key).and_then(value_text) {
            doc.doc.remove(key);
            let file = if key == "layout" {
                format!("layouts/_default/{name}.html")
            } else {
                format!("layouts/{name}/single.html")
            };
            site.named(&file, format!("templates/{name}.html"), key, &doc.dest);
        }
    }
    if doc.doc.get("params").is_some() && doc.doc.get("extra").is_none() {
        doc.doc.rename("params", "extra");
        site.count("`params` → `extra`", 1);
    }
    move_to_extra(doc, "linkTitle");
    let fixed = super::fix_dates(doc);
    site.count("date rewritten in a form folio reads", fixed);
    let headless = doc.doc.get("headless").and_then(Value::as_bool) == Some(true);
    let never = doc
        .doc
        .get("build")
        .and_then(|b| b.get("render"))
        .and_then(value_text)
        .is_some_and(|r| r == "never" || r == "false");
    for (key, unpublished) in [("headless", headless), ("build", never)] {
        if doc.doc.get(key).is_some() {
            let at = line(key);
            doc.doc.remove(key);
            if unpublished {
                doc.doc.set("draft", Value::Bool(true));
            }
            doc.notes.push(Note::new(
                Place::Source(at),
                if unpublished {
                    format!("`{key}` kept the page from being published: it is a draft now")
                } else {
                    format!("`{key}` has no folio equivalent and was left out")
                },
                "folio publishes every page but drafts; a page only templates read can stay a draft",
            ));
        }
    }
    for (key, help) in [
        ("expiryDate", "remove the page when it expires"),
        ("outputs", "folio writes each page as HTML"),
        ("cascade", "set the cascaded keys on the pages below"),
    ] {
        if doc.doc.get(key).is_some() {
            let at = line(key);
            doc.doc.remove(key);
            doc.notes.push(Note::new(
                Place::Source(at),
                format!("`{key}` has no folio equivalent and was left out"),
                help,
            ));
        }
    }
}

/// Moves a top-level key into `extra`, where folio keeps what it does not read.
fn move_to_extra(doc: &mut Doc, key: &str) {
    let Some(value) = doc.doc.remove(key) else {
        return;
    };
    let mut extra = match doc.doc.get("extra") {
        Some(Value::Mapping(m)) => m.clone(),
        _ => Mapping::new(),
    };
    put(&mut extra, key, value);
    doc.doc.set("extra", Value::Mapping(extra));
}

fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(['=', ':']))
        })
        .map_or(1, |i| i + 1)
}

/// Pages' own `menu` entries, added to `extra.nav`.
fn menu_entries(docs: &mut [Doc], site: &mut Site) -> Vec<Value> {
    let mut entries: Vec<(i64, String, Value)> = Vec::new();
    for doc in docs.iter_mut() {
        let Some(menu) = doc
            .doc
            .get("menu")
            .or_else(|| doc.doc.get("menus"))
            .cloned()
        else {
            continue;
        };
        let key = if doc.doc.get("menu").is_some() {
            "menu"
        } else {
            "menus"
        };
        let main = match &menu {
            Value::String(name) => (name == "main").then(Mapping::new),
            Value::Sequence(list) => list
                .iter()
                .any(|m| value_text(m).as_deref() == Some("main"))
                .then(Mapping::new),
            Value::Mapping(m) => match m.get("main") {
                Some(Value::Mapping(inner)) => Some(inner.clone()),
                Some(_) => Some(Mapping::new()),
                None => None,
            },
            _ => None,
        };
        doc.doc.remove(key);
        let Some(main) = main else { continue };
        let content = &doc.dest["content/".len()..];
        let url = links::folio_url(
            content,
            doc.doc.get("path").and_then(value_text).as_deref(),
            doc.doc.get("slug").and_then(value_text).as_deref(),
        );
        let name = main
            .get("name")
            .and_then(value_text)
            .or_else(|| doc.doc.get("title").and_then(value_text))
            .unwrap_or_else(|| url.clone());
        let weight = main.get("weight").and_then(Value::as_i64).unwrap_or(0);
        entries.push((weight, name.clone(), nav_entry(&name, &url)));
        site.count("page `menu` → `extra.nav`", 1);
    }
    entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    entries.into_iter().map(|(_, _, v)| v).collect()
}

fn declare_used_taxonomies(site: &mut Site) {
    let mut declared: Vec<String> = match site.config.get("taxonomies") {
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(|t| t.get("name").and_then(value_text))
            .collect(),
        _ => Vec::new(),
    };
    let used = super::used_keys(&site.docs, &["tags", "categories"]);
    let mut added = false;
    for name in used {
        if !declared.contains(&name) {
            declared.push(name);
            added = true;
        }
    }
    if added {
        put(&mut site.config, "taxonomies", taxonomy_list(&declared));
        // Keep the key's place: after `timezone`/`language`.
    }
}

/// Rewrites Hugo's built-in shortcodes; notes the others at their line.
fn rewrite_body(doc: &mut Doc, site: &mut Site, context: &Context) {
    let body = doc.doc.body.clone();
    let tags = markup::hugo_tags(&body);
    let code = code_ranges(&body);
    let in_code = |offset: usize| code.iter().any(|r| r.contains(&offset));
    let mut edits = Edits::default();
    let mut used = vec![false; tags.len()];
    for (i, tag) in tags.iter().enumerate() {
        if used[i] {
            continue;
        }
        if tag.escaped {
            let inner = &body[tag.range.start + 3..tag.range.end - 3];
            let shown = inner.trim().trim_start_matches("/*").trim_end_matches("*/");
            let (open, close) = if body[tag.range.clone()].starts_with("{{%") {
                ("{{%", "%}}")
            } else {
                ("{{<", ">}}")
            };
            let text = if in_code(tag.range.start) {
                format!("{open}{shown}{close}")
            } else {
                format!("{{{{/*{}{shown}{}*/}}}}", &open[2..], &close[..1])
            };
            edits.replace(tag.range.clone(), text);
            site.count("escaped shortcode shown as text", 1);
            continue;
        }
        if tag.closing {
            continue;
        }
        let closing = (!tag.self_closing)
            .then(|| {
                tags.iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, t)| t.closing && t.name == tag.name)
                    .map(|(j, _)| j)
            })
            .flatten();
        match rewrite_tag(tag, closing.map(|j| &tags[j]), &body, doc, context) {
            Some(Rewrite { text, kind, close }) => {
                match (close, closing) {
                    (Close::Whole, Some(j)) => {
                        used[j] = true;
                        edits.replace(tag.range.start..tags[j].range.end, text);
                    }
                    (Close::With(end), Some(j)) => {
                        used[j] = true;
                        edits.replace(tag.range.clone(), text);
                        edits.replace(tags[j].range.clone(), end);
                    }
                    _ => edits.replace(tag.range.clone(), text),
                }
                site.count(kind, 1);
            }
            None => {
                let (message, help) = unknown_help(tag, context);
                edits.note(tag.range.start, message, help);
            }
        }
    }
    // Template syntax Hugo shows as text is escaped, so folio shows it too.
    for literal in crate::markdown::find_literal_templates(&body) {
        if literal.kind != crate::markdown::TemplateKind::HugoShortcode {
            edits.replace(literal.range.clone(), markup::escaped(&literal.text));
            site.count("template syntax shown as text, escaped", 1);
        }
    }
    for (at, id) in markup::heading_ids(&body, markup::github_id) {
        edits.replace(at..at, format!(" {{#{id}}}"));
        site.count("heading keeps its Hugo id", 1);
    }
    for (range, line) in fence_attributes(&body) {
        edits.replace(range, line);
        site.count("fence attributes `{…}` → folio's", 1);
    }
    let page_url = links::folio_url(&doc.dest["content/".len()..], None, None);
    let n = links::rewrite_links(&body, &page_url, &doc.source, &context.targets, &mut edits);
    site.count("link to a Markdown file → `@/` link", n);
    if edits.is_empty() {
        return;
    }
    let (out, notes) = edits.apply(&body);
    doc.doc.body = out;
    doc.notes.extend(notes);
}

struct Rewrite {
    text: String,
    kind: &'static str,
    close: Close,
}

/// What becomes of a shortcode's closing tag.
enum Close {
    /// It has none.
    None,
    /// The rewrite replaces everything up to it (a code block).
    Whole,
    /// It becomes this text, and the body between is rewritten on its own.
    With(String),
}

fn rewrite_tag(
    tag: &HugoTag,
    closing: Option<&HugoTag>,
    body: &str,
    doc: &Doc,
    context: &Context,
) -> Option<Rewrite> {
    let done = |text: String, kind: &'static str, close: Close| Some(Rewrite { text, kind, close });
    match tag.name.as_str() {
        "figure" => {
            let src = tag.named("src")?;
            let mut args = vec![
                ("src", CallArg::Text(src.to_string())),
                (
                    "alt",
                    CallArg::Text(tag.named("alt").unwrap_or_default().to_string()),
                ),
            ];
            let caption = match (tag.named("title"), tag.named("caption")) {
                (Some(t), Some(c)) => Some(format!("**{t}** {c}")),
                (Some(t), None) => Some(t.to_string()),
                (None, Some(c)) => Some(c.to_string()),
                (None, None) => None,
            };
            if let Some(caption) = caption {
                args.push(("caption", CallArg::Text(caption)));
            }
            for key in ["width", "height"] {
                if let Some(v) = tag.named(key) {
                    args.push((key, CallArg::guess(v)));
                }
            }
            if tag.named("link").is_some() || tag.named("attr").is_some() {
                return None;
            }
            done(
                markup::call("figure", &args),
                "`figure` → folio's `figure`",
                Close::None,
            )
        }
        "highlight" => {
            let close = closing?;
            let language = tag.arg("", 0).unwrap_or("text");
            let options = tag.arg("", 1).unwrap_or_default();
            let inner = &body[tag.range.end..close.range.start];
            let fence = markup::fence(language, &markup::hugo_fence_attributes(options), inner);
            done(fence, "`highlight` → fenced code", Close::Whole)
        }
        "youtube" | "vimeo" => {
            let id = tag.arg("id", 0)?;
            let title = tag.named("title").map(str::to_string).unwrap_or_else(|| {
                format!(
                    "{} video",
                    if tag.name == "youtube" {
                        "YouTube"
                    } else {
                        "Vimeo"
                    }
                )
            });
            let mut args = vec![
                ("id", CallArg::Text(id.to_string())),
                ("title", CallArg::Text(title)),
                ("embed", CallArg::Bare("true".into())),
            ];
            if let Some(start) = tag.named("start") {
                args.push(("start", CallArg::guess(start)));
            }
            let kind = if tag.name == "youtube" {
                "`youtube` → folio's `youtube`"
            } else {
                "`vimeo` → folio's `vimeo`"
            };
            done(markup::call(&tag.name, &args), kind, Close::None)
        }
        "ref" | "relref" => {
            let target = tag.arg("path", 0)?;
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            let mut out = if path.is_empty() {
                String::new()
            } else {
                let found = find_page(path, &doc.source, &context.targets)?;
                if markup::is_link_destination(body, tag.range.start) {
                    format!("@/{found}")
                } else {
                    context.targets.folio_url(&found)?.to_string()
                }
            };
            if let Some(f) = fragment {
                out.push('#');
                out.push_str(f);
            }
            let kind = if tag.name == "ref" {
                "`ref` → `@/` link"
            } else {
                "`relref` → `@/` link"
            };
            done(out, kind, Close::None)
        }
        "param" => {
            let name = tag.arg("name", 0)?;
            let value = doc
                .doc
                .get(name)
                .or_else(|| doc.doc.get("params").and_then(|p| p.get(name)))
                .or_else(|| context.params.get(name))
                .and_then(value_text)?;
            done(value, "`param` → its value", Close::None)
        }
        "details" => {
            closing?;
            let summary = tag.named("summary").unwrap_or("Details");
            let mut args = vec![("summary", CallArg::Text(summary.to_string()))];
            if tag.named("open").is_some_and(|o| o == "true") {
                args.push(("open", CallArg::Bare("true".into())));
            }
            done(
                markup::body_call("details", &args),
                "`details` → folio's `details`",
                Close::With("{% end %}".to_string()),
            )
        }
        _ => None,
    }
}

/// The message and help for a shortcode left as written.
fn unknown_help(tag: &HugoTag, context: &Context) -> (String, String) {
    let shown = format!("{{{{< {} >}}}}", tag.name);
    if let Some(file) = context.shortcodes.get(&tag.name) {
        return (
            format!("`{shown}` is a shortcode of the site, left as written"),
            format!(
                "port `{file}` to `templates/shortcodes/{}.html` (Tera) and call it as `{{{{ {}(…) }}}}`",
                tag.name, tag.name
            ),
        );
    }
    let help = match tag.name.as_str() {
        "figure" => "write an image `![alt](src)` or call folio's `figure` with `src`, `alt` and `caption`".to_string(),
        "ref" | "relref" => "link to the page with `@/path.md`; no page of the site matched this one".to_string(),
        "gist" | "tweet" | "x" | "instagram" | "bluesky" => "paste the post's text or a link to it".to_string(),
        "youtube" | "vimeo" => format!("call folio's own: `{{{{ {}(id=\"…\", title=\"…\") }}}}`", tag.name),
        "param" => "write the value itself".to_string(),
        "highlight" => "write a fenced code block".to_string(),
        _ => "write it as Markdown or HTML, or as a folio shortcode (see the guide's Shortcodes chapter)".to_string(),
    };
    (
        format!("`{shown}` has no folio equivalent, left as written"),
        help,
    )
}

/// The content path of the page a `ref` names: a path from `content/`
/// (`/posts/x.md`, `posts/x`), relative to the page (`../x.md`), or a
/// file name found anywhere.
fn find_page(path: &str, from: &str, targets: &Targets) -> Option<String> {
    let sources: Vec<(&str, &str)> = targets.sources().collect();
    let wanted = path.trim_start_matches("./");
    let candidates = |p: &str| -> Vec<String> {
        let p = p.trim_matches('/');
        let mut c = vec![p.to_string()];
        if !p.ends_with(".md") {
            c.push(format!("{p}.md"));
            c.push(format!("{p}/index.md"));
            c.push(format!("{p}/_index.md"));
        }
        c
    };
    let by_content = |p: &str| {
        candidates(p).into_iter().find_map(|c| {
            sources
                .iter()
                .find(|(_, content)| *content == c)
                .map(|(_, c)| c.to_string())
        })
    };
    if path.starts_with('/') {
        return by_content(path);
    }
    // Relative to the page's folder, then from the root, then by name.
    let from_content = targets.by_source(from).unwrap_or_default();
    let dir = from_content.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = url::walk_dots(&format!("{dir}/{wanted}"));
    by_content(&joined)
        .or_else(|| by_content(wanted))
        .or_else(|| {
            let name = wanted.trim_end_matches(".md");
            let matches: Vec<&str> = sources
                .iter()
                .map(|(_, c)| *c)
                .filter(|c| {
                    let stem = c.trim_end_matches(".md");
                    stem.ends_with(&format!("/{name}"))
                        || stem == name
                        || stem.ends_with(&format!("/{name}/index"))
                })
                .collect();
            (matches.len() == 1).then(|| matches[0].to_string())
        })
}

/// Fences whose info string carries Hugo's attributes
/// (```` ```go {linenos=true,hl_lines=[2,"4-5"]} ````): the opening line's
/// range and the line in folio's spelling (```` ```go,linenos,hl_lines=2 4-5 ````).
fn fence_attributes(body: &str) -> Vec<(std::ops::Range<usize>, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
    let mut out = Vec::new();
    for (event, range) in Parser::new(body).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else {
            continue;
        };
        let Some(open) = info.find('{') else { continue };
        let line_end = body[range.start..]
            .find('\n')
            .map_or(body.len(), |i| range.start + i);
        let line = &body[range.start..line_end];
        let Some(at) = line.find(&*info) else {
            continue;
        };
        let fence = &line[..at];
        let language = info[..open].trim();
        let inner = info[open + 1..].trim_end().trim_end_matches('}');
        let mut attributes = Vec::new();
        for (key, value) in hugo_pairs(inner) {
            let value = value.replace(['"', ','], " ");
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            match key.as_str() {
                "linenos" if value != "false" => attributes.push("linenos".to_string()),
                "hl_lines" if !value.is_empty() => attributes.push(format!("hl_lines={value}")),
                "linenostart" => attributes.push(format!("linenostart={value}")),
                _ => {}
            }
        }
        let mut rewritten = format!(
            "{fence}{}",
            if language.is_empty() {
                "text"
            } else {
                language
            }
        );
        for a in attributes {
            rewritten.push(',');
            rewritten.push_str(&a);
        }
        out.push((range.start..line_end, rewritten));
    }
    out
}

/// `a=1, b="x y" c=[2,"3"]` → pairs; a list's value is its items as written.
fn hugo_pairs(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => match quoted.find('"') {
                Some(end) => (quoted[..end].to_string(), &quoted[end + 1..]),
                None => (quoted.to_string(), ""),
            },
            None if after.starts_with('[') => match after.find(']') {
                Some(end) => (after[1..end].to_string(), &after[end + 1..]),
                None => (after[1..].to_string(), ""),
            },
            None => {
                let end = after.find([',', ' ']).unwrap_or(after.len());
                (after[..end].to_string(), &after[end..])
            }
        };
        pairs.push((key, value));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    pairs
}

/// Where code spans and blocks are, in byte offsets.
pub(crate) fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut ranges = Vec::new();
    let mut start = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = start.take() {
                    ranges.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(dest: &str, text: &str) -> Doc {
        Doc {
            source: dest.to_string(),
            dest: dest.to_string(),
            doc: Document::parse(text, std::path::Path::new("x.md")).unwrap(),
            notes: Vec::new(),
        }
    }

    fn context(docs: &[Doc]) -> Context {
        Context {
            params: Mapping::new(),
            shortcodes: BTreeMap::new(),
            targets: targets(docs),
        }
    }

    fn body_of(text: &str, others: &[Doc]) -> (String, Site) {
        let mut d = doc("content/posts/a.md", text);
        let mut all = others.to_vec();
        all.push(d.clone());
        let ctx = context(&all);
        let mut site = Site::default();
        rewrite_body(&mut d, &mut site, &ctx);
        (d.doc.body, site)
    }

    #[test]
    fn figure_becomes_folios_figure() {
        let (out, site) = body_of(
            "---\ntitle: A\n---\n{{< figure src=\"/img/a.png\" alt=\"A cat\" title=\"Tom\" >}}\n",
            &[],
        );
        assert_eq!(
            out,
            "{{ figure(src=\"/img/a.png\", alt=\"A cat\", caption=\"Tom\") }}\n"
        );
        assert_eq!(site.rewrites["`figure` → folio's `figure`"], 1);
    }

    #[test]
    fn highlight_becomes_a_fence_with_its_options() {
        let (out, _) = body_of(
            "{{< highlight go \"linenos=table,hl_lines=2\" >}}\nx := 1\ny := 2\n{{< /highlight >}}\n",
            &[],
        );
        assert_eq!(out, "```go,linenos,hl_lines=2\nx := 1\ny := 2\n```\n");
    }

    #[test]
    fn fence_attributes_take_folios_spelling() {
        let (out, _) = body_of(
            "```go {linenos=true,hl_lines=[2,\"4-5\"],linenostart=3}\nx\n```\n",
            &[],
        );
        assert_eq!(out, "```go,linenos,hl_lines=2 4-5,linenostart=3\nx\n```\n");
    }

    #[test]
    fn youtube_and_vimeo_become_folios_embedded() {
        let (out, _) = body_of(
            "{{< youtube w7Ft2ymGmfc >}}\n\n{{< vimeo id=\"146022717\" title=\"Art\" >}}\n",
            &[],
        );
        assert_eq!(
            out,
            "{{ youtube(id=\"w7Ft2ymGmfc\", title=\"YouTube video\", embed=true) }}\n\n\
             {{ vimeo(id=\"146022717\", title=\"Art\", embed=true) }}\n"
        );
    }

    #[test]
    fn ref_and_relref_become_at_links() {
        let other = doc("content/docs/install.md", "# x\n");
        let (out, _) = body_of(
            "[a]({{< ref \"/docs/install.md#linux\" >}}) [b]({{< relref \"install\" >}}) <a href=\"{{< ref \"docs/install\" >}}\">c</a>\n",
            &[other],
        );
        assert_eq!(
            out,
            "[a](@/docs/install.md#linux) [b](@/docs/install.md) <a href=\"/docs/install/\">c</a>\n"
        );
    }

    #[test]
    fn unknown_shortcodes_are_left_and_noted() {
        let mut d = doc("content/a.md", "Intro\n\n{{< gist spf13 7896402 >}}\n");
        let ctx = context(std::slice::from_ref(&d));
        let mut site = Site::default();
        rewrite_body(&mut d, &mut site, &ctx);
        assert_eq!(d.doc.body, "Intro\n\n{{< gist spf13 7896402 >}}\n");
        assert_eq!(d.notes.len(), 1);
        assert_eq!(d.notes[0].place, Place::Body(7));
    }

    #[test]
    fn escaped_shortcodes_show_as_written() {
        let (out, _) = body_of("Write `{{</* figure */>}}`, or {{</* figure */>}}.\n", &[]);
        assert_eq!(out, "Write `{{< figure >}}`, or {{/*< figure >*/}}.\n");
    }

    #[test]
    fn details_and_param_are_rewritten() {
        let (out, _) = body_of(
            "---\nauthor: Ada\n---\n{{< details summary=\"More\" >}}\nBy {{< param author >}}.\n{{< /details >}}\n",
            &[],
        );
        assert_eq!(out, "{% details(summary=\"More\") %}\nBy Ada.\n{% end %}\n");
    }

    #[test]
    fn front_matter_keys_are_renamed() {
        let mut d = doc(
            "content/posts/a.md",
            "+++\ntitle = \"A\"\nlastmod = 2024-06-12\nurl = \"/work/a/\"\nlayout = \"project\"\nlinkTitle = \"Short\"\n+++\nBody\n",
        );
        let mut site = Site::default();
        rewrite_front_matter(&mut d, &mut site);
        assert_eq!(
            d.doc.write(d.doc.style).text,
            "+++\ntitle = \"A\"\nupdated = 2024-06-12\npath = \"/work/a/\"\n\n[extra]\nlinkTitle = \"Short\"\n+++\nBody\n"
        );
        assert_eq!(
            site.templates["layouts/_default/project.html"].named_by,
            ["content/posts/a.md"]
        );
    }

    #[test]
    fn the_migration_chapters_config_maps_as_it_says() {
        let table = toml::de::DeTable::parse(
            "baseURL = \"https://me.github.io/portfolio/\"\ntitle = \"Ada Lovelace\"\nlanguageCode = \"en\"\n\
             [taxonomies]\ntag = \"tags\"\n[params]\ndescription = \"Notes and projects.\"\ngithub = \"https://github.com/ada\"\n\
             [services.rss]\nlimit = 10\n[[menus.main]]\nname = \"Blog\"\npageRef = \"/posts\"\nweight = 2\n[[menus.main]]\nname = \"About\"\nurl = \"/about/\"\nweight = 1\n",
        )
        .unwrap();
        let Value::Mapping(config) =
            crate::content::toml_value(&toml::de::DeValue::Table(table.into_inner()))
        else {
            panic!()
        };
        let mapped = map_config(&config, "en");
        assert_eq!(
            super::super::yaml::mapping(&mapped.config, 0),
            "title: Ada Lovelace\ndescription: Notes and projects.\nbase_url: https://me.github.io/portfolio/\nlanguage: en\n\
             taxonomies:\n  - name: tags\nfeed:\n  limit: 10\n\
             markdown:\n  smart_punctuation: true\n  heading_links: false\n  highlight_code: true\n\
             extra:\n  github: https://github.com/ada\n  nav:\n    - name: About\n      url: /about/\n    - name: Blog\n      url: /posts/\n"
        );
    }
}
