//! Front matter: split from the body, parsed, and read into typed keys.
//!
//! Knows nothing of the walk or the page tree: it gets one file's text and
//! returns its `FrontMatter`, with every error at the file's own line.

use std::path::Path;

use crate::config::{Config, closest, key_location, parse_yaml};
use crate::error::{Error, Location, Result};

use super::{Date, DateError, FrontMatter, SortBy, is_inside_site, parse_date, slugify};

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
];
const SECTION_KEYS: &[&str] = &["sort_by", "paginate_by", "page_template", "feed"];
/// Keys that only make sense as taxonomies, so using one undeclared is an error.
const TAXONOMY_LIKE: &[&str] = &["tags", "categories"];

/// Front matter and body of a Markdown file, as byte ranges.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines, empty when there is none.
    pub yaml: &'a str,
    /// The file's line on which the YAML starts.
    pub yaml_line: usize,
    /// Where the body starts.
    pub body_start: usize,
    /// The file's line on which the body starts.
    pub body_line: usize,
}

/// Splits front matter (between a first line `---` and the next `---` line) from the body.
///
/// Returns the line of the opening `---` when the front matter is never closed.
pub fn split_front_matter(text: &str) -> std::result::Result<Split<'_>, usize> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let first_line_end = text_no_bom.find('\n').map_or(text_no_bom.len(), |i| i + 1);
    if text_no_bom[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body_start: bom,
            body_line: 1,
        });
    }
    let yaml_start = bom + first_line_end;
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        if l.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body_start: offset + l.len(),
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(1)
}

pub(super) fn parse_front_matter(
    config: &Config,
    source: &Path,
    split: &Split<'_>,
    is_section: bool,
    warnings: &mut Vec<Error>,
) -> Result<FrontMatter> {
    let mut meta = FrontMatter::default();
    if split.yaml.trim().is_empty() {
        return Ok(meta);
    }
    let value: serde_yaml::Value = parse_yaml(split.yaml, source, split.yaml_line)?;
    let map = match value {
        serde_yaml::Value::Mapping(map) => map,
        serde_yaml::Value::Null => return Ok(meta),
        _ => {
            return Err(Error::at(
                source,
                Some(Location {
                    line: split.yaml_line,
                    column: 1,
                }),
                "front matter must be a mapping of keys to values",
            )
            .help("write front matter as `key: value` lines, like `title: Hello`"));
        }
    };
    let reader = FieldReader {
        source,
        yaml: split.yaml,
        first_line: split.yaml_line,
    };
    for (key, value) in map {
        let Some(key) = key.as_str().map(str::to_string) else {
            return Err(Error::at(
                source,
                Some(Location {
                    line: split.yaml_line,
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

struct FieldReader<'a> {
    source: &'a Path,
    yaml: &'a str,
    first_line: usize,
}

impl FieldReader<'_> {
    /// Where the value of `key` starts, in the file's lines.
    fn value_location(&self, key: &str) -> Option<Location> {
        let at = key_location(self.yaml, key)?;
        let line = self.yaml.lines().nth(at.line - 1)?;
        let after_key = line.char_indices().nth(at.column - 1).map_or(0, |(i, _)| i);
        let colon = line[after_key..]
            .find(':')
            .map_or(line.len(), |i| after_key + i + 1);
        let spaces = line[colon..].len() - line[colon..].trim_start().len();
        Some(Location {
            line: at.line + self.first_line - 1,
            column: line[..colon + spaces].chars().count() + 1,
        })
    }

    fn key_location(&self, key: &str) -> Option<Location> {
        key_location(self.yaml, key).map(|l| Location {
            line: l.line + self.first_line - 1,
            column: l.column,
        })
    }

    fn error(&self, key: &str, message: String, help: &str) -> Error {
        Error::at(self.source, self.value_location(key), message).help(help)
    }

    fn string(&self, key: &str, value: serde_yaml::Value) -> Result<String> {
        match value {
            serde_yaml::Value::String(s) => Ok(s),
            serde_yaml::Value::Number(n) => Ok(n.to_string()),
            serde_yaml::Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.error(
                key,
                format!("`{key}` must be text, found {}", describe(&other)),
                "write the value as text on the same line",
            )),
        }
    }

    fn strings(&self, key: &str, value: serde_yaml::Value) -> Result<Vec<String>> {
        match value {
            serde_yaml::Value::Sequence(items) => {
                items.into_iter().map(|v| self.string(key, v)).collect()
            }
            serde_yaml::Value::String(s) => Ok(vec![s]),
            serde_yaml::Value::Null => Ok(Vec::new()),
            other => Err(self.error(
                key,
                format!("`{key}` must be a list, found {}", describe(&other)),
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
                "write the date as YYYY-MM-DD",
            ),
            DateError::YearOutOfRange => self.error(
                key,
                format!("`{key}` must be a date from year 1 to 9999, found \"{text}\""),
                "write the year with four digits, from 0001 to 9999",
            ),
        })
    }
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
        "sort_by" if is_section => {
            let text = r.string(key, value)?;
            meta.sort_by = match text.as_str() {
                "date" => SortBy::Date,
                "weight" => SortBy::Weight,
                "title" => SortBy::Title,
                "none" => SortBy::None,
                _ => {
                    return Err(r.error(
                        key,
                        format!("`sort_by` must be date, weight, title or none, found \"{text}\""),
                        "write one of `date`, `weight`, `title`, `none`",
                    ));
                }
            };
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
                read_terms(config, r, meta, &name, terms)?;
            }
        }
        _ if config.taxonomy(key).is_some() || TAXONOMY_LIKE.contains(&key) => {
            read_terms(config, r, meta, key, value)?;
        }
        _ => {
            warn_near_miss(r, key, is_section, warnings);
            let json = serde_json::to_value(&value).map_err(|e| {
                r.error(key, format!("`{key}` cannot be read"), "simplify the value")
                    .cause(e)
            })?;
            meta.extra.insert(key.to_string(), json);
        }
    }
    Ok(())
}

fn read_terms(
    config: &Config,
    r: &FieldReader<'_>,
    meta: &mut FrontMatter,
    name: &str,
    value: serde_yaml::Value,
) -> Result<()> {
    if config.taxonomy(name).is_none() {
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
        return Err(Error::at(
            r.source,
            r.key_location(name),
            format!("taxonomy `{name}` is not declared"),
        )
        .help(help));
    }
    let terms = r.strings(name, value)?;
    if let Some(term) = terms.iter().find(|t| slugify(t).is_empty()) {
        return Err(r.error(
            name,
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

fn warn_near_miss(r: &FieldReader<'_>, key: &str, is_section: bool, warnings: &mut Vec<Error>) {
    let mut known: Vec<String> = PAGE_KEYS.iter().map(|k| k.to_string()).collect();
    if is_section {
        known.extend(SECTION_KEYS.iter().map(|k| k.to_string()));
    }
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    if let Some(near) = known
        .iter()
        .find(|k| crate::config::edit_distance(key, k) <= limit && k.as_str() != key)
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
        assert_eq!(split.yaml, "title: A\n");
        assert_eq!(split.yaml_line, 2);
        assert_eq!(&text[split.body_start..], "body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let split = split_front_matter("# Hi\n").unwrap();
        assert_eq!(split.yaml, "");
        assert_eq!(split.body_start, 0);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        assert_eq!(split_front_matter("---\ntitle: A\n"), Err(1));
    }
}
