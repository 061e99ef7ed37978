//! Front matter: split from the body, parsed, and read into typed keys.
//!
//! Knows nothing of the walk or the page tree: it gets one file's text and
//! returns its `FrontMatter`, with every error at the file's own line.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

use crate::config::{Config, Step, closest, locate_key, parse_yaml, value_after_key};
use crate::error::{Error, Location, Result};
use crate::url::{is_inside_site, slugify};

use super::date::{Date, DateError, parse_date, suggest_date};

/// How pages of a section are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Most recently updated first: by `updated`, or `date` without one.
    Updated,
    /// Lightest first.
    Weight,
    /// A to Z.
    Title,
    /// By slug, A to Z.
    Slug,
    /// By path.
    None,
}

impl SortBy {
    /// Reads a `sort_by` value: folio's names, and those Zola, Hugo and
    /// Jekyll sites use for the same orders (`update_date`, `lastmod`,
    /// `ByTitle`, `path`), in any case.
    pub fn parse(text: &str) -> Option<SortBy> {
        let lower = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        // Hugo names its orders `ByDate`, `ByWeight`, …
        let name = lower.strip_prefix("by").filter(|rest| {
            !rest.is_empty() && SortBy::parse_name(rest.trim_start_matches('_')).is_some()
        });
        SortBy::parse_name(name.map_or(lower.as_str(), |n| n.trim_start_matches('_')))
    }

    fn parse_name(name: &str) -> Option<SortBy> {
        Some(match name {
            "date" | "publish_date" | "publishdate" | "pubdate" => SortBy::Date,
            "updated" | "update_date" | "lastmod" | "last_modified_at" | "modified" => {
                SortBy::Updated
            }
            "weight" | "order" => SortBy::Weight,
            "title" | "title_bytes" | "linktitle" | "link_title" => SortBy::Title,
            "slug" => SortBy::Slug,
            // Zola's `permalink` orders by address, which follows the file
            // path unless a page sets `slug` or `path`.
            "none" | "path" | "permalink" | "file" | "filename" => SortBy::None,
            _ => return None,
        })
    }
}

/// Typed front matter; unknown keys are kept in `extra`.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `date`.
    pub date: Option<Date>,
    /// `updated`.
    pub updated: Option<Date>,
    /// `draft`.
    pub draft: bool,
    /// `weight`.
    pub weight: Option<i64>,
    /// `slug`.
    pub slug: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `template`.
    pub template: Option<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// Sections: `sort_by`.
    pub sort_by: SortBy,
    /// Sections: `paginate_by`.
    pub paginate_by: Option<usize>,
    /// Sections: `page_template`.
    pub page_template: Option<String>,
    /// Sections: `feed`, an Atom feed of the section's pages.
    pub feed: bool,
    /// `redirect_to`: the page is a redirect to this URL or site path.
    pub redirect_to: Option<String>,
    /// `search`: `false` leaves the page out of the search index.
    pub search: Option<bool>,
    /// Terms by taxonomy name.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Taxonomies the page uses that `folio.yaml` does not declare, with
    /// where each is written; `content::load` warns once for each name.
    pub undeclared: Vec<Undeclared>,
    /// Every other key, as written.
    pub extra: serde_json::Map<String, Json>,
}

const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "slug",
    "path",
    "template",
    "aliases",
    "summary",
    "redirect_to",
    "search",
];
const SECTION_KEYS: &[&str] = &["sort_by", "paginate_by", "page_template", "feed"];
/// Keys of Zola, Hugo and Jekyll that folio does not read: the generator,
/// the key, and the help (folio's equivalent, or that there is none).
const FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    (
        "Zola",
        "render",
        "folio has no equivalent: every page is rendered; `draft: true` leaves one out",
    ),
    (
        "Zola",
        "transparent",
        "folio has no equivalent: a folder without `_index.md` gives its pages to the section above",
    ),
    (
        "Zola",
        "insert_anchor_links",
        "use `markdown: {heading_links: true}` in folio.yaml, for the whole site",
    ),
    (
        "Zola",
        "in_search_index",
        "use `search` instead: `in_search_index: false` is `search: false`",
    ),
    (
        "Zola",
        "paginate_path",
        "folio has no equivalent: pages are at `page/2/`; remove the key",
    ),
    (
        "Zola",
        "paginate_reversed",
        "folio has no equivalent: use `sort_by`; remove the key",
    ),
    ("Zola", "generate_feeds", "use `feed: true` instead"),
    ("Zola", "generate_feed", "use `feed: true` instead"),
    ("Hugo", "url", "use `path` instead"),
    ("Hugo", "lastmod", "use `updated` instead"),
    ("Hugo", "publishDate", "use `date` instead"),
    (
        "Hugo",
        "expiryDate",
        "folio has no equivalent; remove the page when it expires",
    ),
    (
        "Hugo",
        "type",
        "use `template` (a page) or `page_template` (a section) instead",
    ),
    (
        "Hugo",
        "linkTitle",
        "folio has no equivalent; read it in templates as `page.extra.linkTitle`",
    ),
    (
        "Hugo",
        "headless",
        "folio has no equivalent; remove the key",
    ),
    (
        "Hugo",
        "cascade",
        "folio has no equivalent: set the keys on each page",
    ),
    ("Hugo", "outputs", "folio has no equivalent; remove the key"),
    (
        "Hugo",
        "build",
        "folio has no equivalent: `draft: true` leaves a page out",
    ),
    (
        "Jekyll",
        "layout",
        "use `template` instead, naming a file: `template: post.html`",
    ),
    ("Jekyll", "permalink", "use `path` instead"),
    ("Jekyll", "redirect_from", "use `aliases` instead"),
    (
        "Jekyll",
        "published",
        "use `draft` instead: `published: false` is `draft: true`",
    ),
    ("Jekyll", "excerpt", "use `summary` instead"),
    (
        "Jekyll",
        "excerpt_separator",
        "write `<!-- more -->` in the body instead",
    ),
    (
        "Jekyll",
        "category",
        "use `categories`, declared as a taxonomy in folio.yaml",
    ),
    ("Jekyll", "last_modified_at", "use `updated` instead"),
];

/// A taxonomy used in front matter and not declared in `folio.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    /// Its name: `tags`.
    pub name: String,
    /// Where the key is written.
    pub location: Option<Location>,
}

/// Keys that only make sense as taxonomies, so using one undeclared is a
/// warning.
const TAXONOMY_LIKE: &[&str] = &["tags", "categories"];

/// The language front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML between `---` lines.
    Yaml,
    /// TOML between `+++` lines, as Zola and Hugo write it.
    Toml,
}

impl Format {
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// Front matter and body of a Markdown file, as byte ranges.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The language of the front matter.
    pub format: Format,
    /// The text between the fences, empty when there is none.
    pub front: &'a str,
    /// The file's line on which that text starts.
    pub front_line: usize,
    /// Where the body starts.
    pub body_start: usize,
    /// The file's line on which the body starts.
    pub body_line: usize,
}

/// Front matter whose closing fence never comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed {
    /// The line of the opening fence.
    pub line: usize,
    /// The fence: `---` or `+++`.
    pub fence: &'static str,
}

/// Splits front matter from the body: YAML between a line `---` and the
/// next, or TOML between `+++` lines. Blank lines and a UTF-8 byte order
/// mark may come before the opening fence.
pub fn split_front_matter(text: &str) -> std::result::Result<Split<'_>, Unclosed> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut offset = text.len() - text_no_bom.len();
    let no_front_matter = Split {
        format: Format::Yaml,
        front: "",
        front_line: 1,
        body_start: offset,
        body_line: 1,
    };
    let mut lines = (1..).zip(text[offset..].split_inclusive('\n'));
    let (open_line, format) = loop {
        let Some((number, line)) = lines.next() else {
            return Ok(no_front_matter);
        };
        offset += line.len();
        match line.trim_end() {
            "" => continue,
            "---" => break (number, Format::Yaml),
            "+++" => break (number, Format::Toml),
            _ => return Ok(no_front_matter),
        }
    };
    let front_start = offset;
    for (number, line) in lines {
        if line.trim_end() == format.fence() {
            return Ok(Split {
                format,
                front: &text[front_start..offset],
                front_line: open_line + 1,
                body_start: offset + line.len(),
                body_line: number + 1,
            });
        }
        offset += line.len();
    }
    Err(Unclosed {
        line: open_line,
        fence: format.fence(),
    })
}

pub(super) fn parse_front_matter(
    config: &Config,
    source: &Path,
    split: &Split<'_>,
    is_section: bool,
    warnings: &mut Vec<Error>,
) -> Result<FrontMatter> {
    let mut meta = FrontMatter::default();
    if split.front.trim().is_empty() {
        return Ok(meta);
    }
    let (map, reader) = match split.format {
        Format::Yaml => yaml_mapping(source, split)?,
        Format::Toml => toml_mapping(source, split)?,
    };
    for (key, value) in map {
        let Some(key) = key.as_str().map(str::to_string) else {
            return Err(Error::at(
                source,
                Some(Location {
                    line: split.front_line,
                    column: 1,
                }),
                "front matter keys must be strings",
            )
            .help("quote the key"));
        };
        read_key(
            config, &reader, &mut meta, &key, value, is_section, warnings,
        )?;
    }
    Ok(meta)
}

fn yaml_mapping<'a>(
    source: &'a Path,
    split: &Split<'a>,
) -> Result<(serde_yaml::Mapping, FieldReader<'a>)> {
    let value: serde_yaml::Value = parse_yaml(split.front, source, split.front_line)?;
    let map = match value {
        serde_yaml::Value::Mapping(map) => map,
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        _ => {
            return Err(Error::at(
                source,
                Some(Location {
                    line: split.front_line,
                    column: 1,
                }),
                "front matter must be a mapping of keys to values",
            )
            .help("write front matter as `key: value` lines, like `title: Hello`"));
        }
    };
    let reader = FieldReader {
        source,
        places: Places::Yaml {
            text: split.front,
            first_line: split.front_line,
        },
    };
    Ok((map, reader))
}

/// Reads TOML front matter into the same values YAML gives, remembering
/// where each key is written from the parser's spans.
fn toml_mapping<'a>(
    source: &'a Path,
    split: &Split<'a>,
) -> Result<(serde_yaml::Mapping, FieldReader<'a>)> {
    let at = |offset: usize| {
        let l = Location::of_offset(split.front, offset);
        Location {
            line: l.line + split.front_line - 1,
            column: l.column,
        }
    };
    let table = toml::de::DeTable::parse(split.front).map_err(|e| {
        let location = e.span().map(|span| at(span.start));
        let message = e.message().trim_end().replace('\n', " ");
        Error::at(
            source,
            location,
            format!("front matter is not valid TOML: {message}"),
        )
        .help("fix the TOML syntax at this place")
    })?;
    let mut places = std::collections::HashMap::new();
    let map = toml_table(table.get_ref(), "", &at, &mut places);
    Ok((
        map,
        FieldReader {
            source,
            places: Places::Toml(places),
        },
    ))
}

fn toml_table(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    at: &dyn Fn(usize) -> Location,
    places: &mut std::collections::HashMap<String, (Location, Location)>,
) -> serde_yaml::Mapping {
    let mut map = serde_yaml::Mapping::new();
    for (key, value) in table.iter() {
        let path = format!("{prefix}{}", key.get_ref());
        places.insert(path.clone(), (at(key.span().start), at(value.span().start)));
        let converted = match value.get_ref() {
            toml::de::DeValue::Table(inner) => {
                serde_yaml::Value::Mapping(toml_table(inner, &format!("{path}."), at, places))
            }
            other => toml_value(other),
        };
        map.insert(
            serde_yaml::Value::String(key.get_ref().to_string()),
            converted,
        );
    }
    map
}

/// A TOML value as the YAML value it would be written as; a TOML date is
/// text, as it is in YAML.
pub fn toml_value(value: &toml::de::DeValue<'_>) -> serde_yaml::Value {
    use serde_yaml::Value as Yaml;
    match value {
        toml::de::DeValue::String(s) => Yaml::String(s.to_string()),
        toml::de::DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits.trim_start_matches("0x").trim_start_matches("0o");
            let digits = digits.trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix())
                .map(|n| Yaml::Number(n.into()))
                .unwrap_or_else(|_| Yaml::String(i.as_str().to_string()))
        }
        toml::de::DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map(|n| Yaml::Number(n.into()))
            .unwrap_or_else(|_| Yaml::String(f.as_str().to_string())),
        toml::de::DeValue::Boolean(b) => Yaml::Bool(*b),
        toml::de::DeValue::Datetime(d) => Yaml::String(d.to_string()),
        toml::de::DeValue::Array(items) => {
            Yaml::Sequence(items.iter().map(|v| toml_value(v.get_ref())).collect())
        }
        toml::de::DeValue::Table(table) => {
            let mut places = std::collections::HashMap::new();
            Yaml::Mapping(toml_table(
                table,
                "",
                &|_| Location { line: 1, column: 1 },
                &mut places,
            ))
        }
    }
}

struct FieldReader<'a> {
    source: &'a Path,
    places: Places<'a>,
}

/// Where the keys of one file's front matter are written.
enum Places<'a> {
    /// Found in the YAML text by key path.
    Yaml { text: &'a str, first_line: usize },
    /// Key path (`taxonomies.tags`) → where its key and its value start,
    /// from the TOML parser's spans.
    Toml(std::collections::HashMap<String, (Location, Location)>),
}

impl FieldReader<'_> {
    /// Where the key at `path` (`date`, `taxonomies.tags`) is written.
    fn key_location(&self, path: &str) -> Option<Location> {
        match &self.places {
            Places::Yaml { text, first_line } => {
                let steps: Vec<Step<'_>> = path.split('.').map(Step::Key).collect();
                locate_key(text, &steps).map(|l| Location {
                    line: l.line + first_line - 1,
                    column: l.column,
                })
            }
            Places::Toml(places) => places.get(path).map(|(key, _)| *key),
        }
    }

    /// Where the value of the key at `path` starts.
    fn value_location(&self, path: &str) -> Option<Location> {
        match &self.places {
            Places::Yaml { text, first_line } => {
                let steps: Vec<Step<'_>> = path.split('.').map(Step::Key).collect();
                let at = value_after_key(text, locate_key(text, &steps)?);
                Some(Location {
                    line: at.line + first_line - 1,
                    column: at.column,
                })
            }
            Places::Toml(places) => places.get(path).map(|(_, value)| *value),
        }
    }

    fn error(&self, key: &str, message: String, help: &str) -> Error {
        Error::at(self.source, self.value_location(key), message).help(help)
    }

    fn string(&self, key: &str, value: serde_yaml::Value) -> Result<String> {
        let name = last_step(key);
        match value {
            serde_yaml::Value::String(s) => Ok(s),
            serde_yaml::Value::Number(n) => Ok(n.to_string()),
            serde_yaml::Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.error(
                key,
                format!("`{name}` must be text, found {}", describe(&other)),
                "write the value as text on the same line",
            )),
        }
    }

    fn strings(&self, key: &str, value: serde_yaml::Value) -> Result<Vec<String>> {
        let name = last_step(key);
        match value {
            serde_yaml::Value::Sequence(items) => {
                items.into_iter().map(|v| self.string(key, v)).collect()
            }
            serde_yaml::Value::String(s) => Ok(vec![s]),
            serde_yaml::Value::Null => Ok(Vec::new()),
            other => Err(self.error(
                key,
                format!("`{name}` must be a list, found {}", describe(&other)),
                "write a list like `[a, b]`",
            )),
        }
    }

    /// Accepts a URL path inside the site: no `..` or `.` segment, no
    /// backslash, nothing that would write outside the output folder.
    fn site_path(&self, key: &str, path: String) -> Result<String> {
        if is_inside_site(&path) {
            return Ok(path);
        }
        Err(self.error(
            key,
            format!("`{key}` must be a path inside the site, found \"{path}\""),
            "write a path like `/projects/x/`, without `..`",
        ))
    }

    fn date(&self, key: &str, value: serde_yaml::Value, zone: &jiff::tz::TimeZone) -> Result<Date> {
        let text = self.string(key, value)?;
        parse_date(&text, zone).map_err(|e| match e {
            DateError::NotADate => self.error(
                key,
                format!("`{key}` must be a date like 2024-05-01, found \"{text}\""),
                &suggest_date(&text).map_or_else(
                    || "write the date as YYYY-MM-DD".to_string(),
                    |date| format!("write it as `{date}`"),
                ),
            ),
            DateError::YearOutOfRange => self.error(
                key,
                format!("`{key}` must be a date from year 1 to 9999, found \"{text}\""),
                "write the year with four digits, from 0001 to 9999",
            ),
        })
    }
}

/// `tags` for `taxonomies.tags`: the key as the user wrote it.
fn last_step(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn describe(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

fn read_key(
    config: &Config,
    r: &FieldReader<'_>,
    meta: &mut FrontMatter,
    key: &str,
    value: serde_yaml::Value,
    is_section: bool,
    warnings: &mut Vec<Error>,
) -> Result<()> {
    match key {
        "title" => meta.title = Some(r.string(key, value)?),
        "description" => meta.description = Some(r.string(key, value)?),
        "date" => meta.date = Some(r.date(key, value, &config.timezone)?),
        "updated" => meta.updated = Some(r.date(key, value, &config.timezone)?),
        "draft" => {
            meta.draft = value.as_bool().ok_or_else(|| {
                r.error(
                    key,
                    format!("`draft` must be true or false, found {}", describe(&value)),
                    "write `draft: true` or `draft: false`",
                )
            })?;
        }
        "search" => {
            meta.search = Some(value.as_bool().ok_or_else(|| {
                r.error(
                    key,
                    format!("`search` must be true or false, found {}", describe(&value)),
                    "write `search: false` to leave the page out of the search index",
                )
            })?);
        }
        "weight" => {
            meta.weight = Some(value.as_i64().ok_or_else(|| {
                r.error(
                    key,
                    format!(
                        "`weight` must be a whole number, found {}",
                        describe(&value)
                    ),
                    "write a whole number like `weight: 10`",
                )
            })?);
        }
        "slug" => meta.slug = Some(r.string(key, value)?),
        "path" => meta.path = Some(r.site_path(key, r.string(key, value)?)?),
        "template" => meta.template = Some(r.string(key, value)?),
        "aliases" => {
            meta.aliases = r
                .strings(key, value)?
                .into_iter()
                .map(|a| r.site_path(key, a))
                .collect::<Result<_>>()?;
        }
        "summary" => meta.summary = Some(r.string(key, value)?),
        "redirect_to" => {
            let target = r.string(key, value)?;
            meta.redirect_to = Some(if crate::url::is_http(&target) {
                target
            } else {
                r.site_path(key, target)?
            });
        }
        "sort_by" if is_section => {
            let text = r.string(key, value)?;
            meta.sort_by = SortBy::parse(&text).ok_or_else(|| {
                r.error(
                    key,
                    format!(
                        "`sort_by` must be date, updated, weight, title, slug or none, found \"{text}\""
                    ),
                    "write one of `date`, `updated`, `weight`, `title`, `slug` and `none` (`path`, and Zola's and Hugo's names such as `update_date`, `lastmod` and `ByTitle`, are read too)",
                )
            })?;
        }
        "paginate_by" if is_section => {
            let n = value.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                r.error(
                    key,
                    format!(
                        "`paginate_by` must be a whole number above 0, found {}",
                        describe(&value)
                    ),
                    "write a number of pages per list page, like `paginate_by: 10`",
                )
            })?;
            meta.paginate_by = usize::try_from(n).ok();
        }
        "feed" if is_section => {
            meta.feed = value.as_bool().ok_or_else(|| {
                r.error(
                    key,
                    format!("`feed` must be true or false, found {}", describe(&value)),
                    "write `feed: true` or `feed: false`",
                )
            })?;
        }
        "page_template" if is_section => meta.page_template = Some(r.string(key, value)?),
        "taxonomies" if value.is_mapping() => {
            let serde_yaml::Value::Mapping(map) = value else {
                return Ok(());
            };
            for (name, terms) in map {
                let name = name.as_str().unwrap_or_default().to_string();
                read_terms(config, r, meta, &format!("taxonomies.{name}"), terms)?;
            }
        }
        // Zola's `[extra]` table: its keys are the page's extra keys.
        "extra" if value.is_mapping() => {
            let serde_yaml::Value::Mapping(map) = value else {
                return Ok(());
            };
            for (name, value) in map {
                let name = name.as_str().unwrap_or_default().to_string();
                let path = format!("extra.{name}");
                let json = serde_json::to_value(&value).map_err(|e| {
                    r.error(
                        &path,
                        format!("`{name}` cannot be read"),
                        "simplify the value",
                    )
                    .cause(e)
                })?;
                meta.extra.insert(name, json);
            }
        }
        _ if config.taxonomy(key).is_some() || TAXONOMY_LIKE.contains(&key) => {
            read_terms(config, r, meta, key, value)?;
        }
        _ => {
            if let Some(warning) = foreign_key(config, r, key) {
                warnings.push(warning);
            } else {
                warn_near_miss(r, key, is_section, warnings);
            }
            let json = serde_json::to_value(&value).map_err(|e| {
                r.error(key, format!("`{key}` cannot be read"), "simplify the value")
                    .cause(e)
            })?;
            meta.extra.insert(key.to_string(), json);
        }
    }
    Ok(())
}

/// Reads the terms of the taxonomy at `path`: `tags`, or `taxonomies.tags`.
fn read_terms(
    config: &Config,
    r: &FieldReader<'_>,
    meta: &mut FrontMatter,
    path: &str,
    value: serde_yaml::Value,
) -> Result<()> {
    let name = last_step(path);
    if config.taxonomy(name).is_none() {
        // Kept where templates can still read them, and warned about once
        // for the whole site by `content::load`.
        meta.undeclared.push(Undeclared {
            name: name.to_string(),
            location: r.key_location(path),
        });
        let json = serde_json::to_value(&value).map_err(|e| {
            r.error(
                path,
                format!("`{name}` cannot be read"),
                "simplify the value",
            )
            .cause(e)
        })?;
        meta.extra.insert(name.to_string(), json);
        return Ok(());
    }
    let terms = r.strings(path, value)?;
    if let Some(term) = terms.iter().find(|t| slugify(t).is_empty()) {
        return Err(r.error(
            path,
            format!("`{name}` holds the term \"{term}\", which has no letters or digits to name its page"),
            "remove the empty term, or write it with letters or digits",
        ));
    }
    meta.taxonomies
        .entry(name.to_string())
        .or_default()
        .extend(terms);
    Ok(())
}

/// The warning for a taxonomy that `pages` pages use and `folio.yaml` does
/// not declare, at its first use.
pub fn undeclared_taxonomy(
    config: &Config,
    source: &Path,
    first: &Undeclared,
    pages: usize,
) -> Error {
    let name = &first.name;
    let declared: Vec<String> = config
        .site
        .taxonomies
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let help = match closest(name, &declared) {
        Some(near) => format!(
            "did you mean `{near}`? or declare it: `taxonomies: [{{name: {name}}}]` in folio.yaml"
        ),
        None => format!("declare it in folio.yaml: `taxonomies: [{{name: {name}}}]`"),
    };
    let pages = if pages == 1 {
        "1 page".to_string()
    } else {
        format!("{pages} pages")
    };
    Error::at(
        source,
        first.location,
        format!("taxonomy `{name}` is not declared, so the terms of {pages} are not listed"),
    )
    .help(help)
    .warning()
}

/// A warning for a key of another generator that folio does not read.
fn foreign_key(config: &Config, r: &FieldReader<'_>, key: &str) -> Option<Error> {
    let (generator, _, help) = FOREIGN_KEYS.iter().find(|(_, k, _)| *k == key)?;
    let home = config.content_dir.join("_index.md");
    let is_home = home.strip_prefix(&config.root).unwrap_or(&home) == r.source;
    // `feed: true` on the home section would be a second feed at the site
    // feed's address.
    let help = if is_home && key.starts_with("generate_feed") {
        format!(
            "remove the key: folio writes the site's feed, `{}`, with every dated page (`feed:` in folio.yaml names it or turns it off)",
            config.site.feed.filename
        )
    } else {
        help.to_string()
    };
    Some(
        Error::at(
            r.source,
            r.key_location(key),
            format!(
                "`{key}` is a {generator} key that folio does not read; it is kept under `extra`"
            ),
        )
        .help(help)
        .warning(),
    )
}

fn warn_near_miss(r: &FieldReader<'_>, key: &str, is_section: bool, warnings: &mut Vec<Error>) {
    let mut known: Vec<String> = PAGE_KEYS.iter().map(|k| k.to_string()).collect();
    if is_section {
        known.extend(SECTION_KEYS.iter().map(|k| k.to_string()));
    }
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    if let Some(near) = known
        .iter()
        .find(|k| strsim::osa_distance(key, k) <= limit && k.as_str() != key)
    {
        warnings.push(
            Error::at(
                r.source,
                r.key_location(key),
                format!("unknown key `{key}` is kept under `extra`"),
            )
            .help(format!("did you mean `{near}`?"))
            .warning(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body_with_file_line_numbers() {
        let text = "---\ntitle: A\n---\nbody\n";
        let split = split_front_matter(text).unwrap();
        assert_eq!(split.front, "title: A\n");
        assert_eq!(split.front_line, 2);
        assert_eq!(&text[split.body_start..], "body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let split = split_front_matter("# Hi\n").unwrap();
        assert_eq!(split.front, "");
        assert_eq!(split.body_start, 0);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        assert_eq!(
            split_front_matter("---\ntitle: A\n"),
            Err(Unclosed {
                line: 1,
                fence: "---"
            })
        );
        assert_eq!(
            split_front_matter("\n+++\ntitle = 'A'\n"),
            Err(Unclosed {
                line: 2,
                fence: "+++"
            })
        );
    }

    #[test]
    fn blank_lines_and_a_byte_order_mark_may_come_before_the_fence() {
        let text = "\u{feff}\n  \n---\ntitle: A\n---\nbody\n";
        let split = split_front_matter(text).unwrap();
        assert_eq!(split.front, "title: A\n");
        assert_eq!(split.front_line, 4);
        assert_eq!(&text[split.body_start..], "body\n");
        assert_eq!(split.body_line, 6);
        let split = split_front_matter("\u{feff}# Hi\n").unwrap();
        assert_eq!(split.body_start, 3);
        assert_eq!(split.front, "");
    }

    #[test]
    fn toml_front_matter_sits_between_plus_lines() {
        let text = "+++\ntitle = \"A\"\n+++\nbody\n";
        let split = split_front_matter(text).unwrap();
        assert_eq!(split.format, Format::Toml);
        assert_eq!(split.front, "title = \"A\"\n");
        assert_eq!(&text[split.body_start..], "body\n");
    }

    #[test]
    fn sort_orders_of_other_generators_are_read() {
        for (written, order) in [
            ("date", SortBy::Date),
            ("update_date", SortBy::Updated),
            ("updated", SortBy::Updated),
            ("ByLastmod", SortBy::Updated),
            ("ByWeight", SortBy::Weight),
            ("title_bytes", SortBy::Title),
            ("slug", SortBy::Slug),
            ("path", SortBy::None),
            ("permalink", SortBy::None),
            ("Title", SortBy::Title),
        ] {
            assert_eq!(SortBy::parse(written), Some(order), "{written}");
        }
        assert_eq!(SortBy::parse("by"), None);
        assert_eq!(SortBy::parse("random"), None);
    }

    #[test]
    fn toml_values_read_like_the_yaml_they_would_be() {
        let split = split_front_matter(
            "+++\ndate = 2024-05-01\nn = 0x10\nf = 1.5\n[taxonomies]\ntags = [\"a\"]\n+++\n",
        )
        .unwrap();
        let (map, reader) = toml_mapping(Path::new("a.md"), &split).unwrap();
        let yaml: serde_yaml::Value =
            serde_yaml::from_str("date: '2024-05-01'\nn: 16\nf: 1.5\ntaxonomies:\n  tags: [a]\n")
                .unwrap();
        assert_eq!(serde_yaml::Value::Mapping(map), yaml);
        assert_eq!(
            reader.value_location("taxonomies.tags"),
            Some(Location { line: 6, column: 8 })
        );
    }
}
