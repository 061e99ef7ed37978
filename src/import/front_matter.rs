//! Front matter as an editable list of entries: keys are renamed, set and
//! removed, and everything not edited is written back exactly as it was,
//! comments and order included. TOML stays TOML unless YAML is asked for;
//! JSON (Hugo's `{ … }` front matter) always becomes YAML.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::config::parse_yaml;
use crate::content::{FrontMatterFormat, split_front_matter, toml_value};
use crate::error::{Error, Location, Result};

use super::yaml;

/// The language front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// One file's front matter, ready to edit, and the body after it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The language it is written in.
    pub style: Style,
    entries: Vec<Entry>,
    /// Comments and blank lines after the last entry.
    trailing: String,
    /// The Markdown after the front matter.
    pub body: String,
    /// Whether the file had front matter at all.
    pub had_front_matter: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    value: Value,
    /// Comment and blank lines just above the entry.
    leading: String,
    /// The entry as written, while it is not edited.
    raw: Option<String>,
}

/// A file's text once written: where each key landed, and where the body starts.
#[derive(Debug, Clone)]
pub struct Written {
    /// The whole file.
    pub text: String,
    /// The byte offset at which the body starts.
    pub body_start: usize,
}

impl Document {
    /// Reads a Markdown file's text: front matter in YAML, TOML or JSON
    /// (Hugo's), and the body. `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Document> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some((json, body)) = split_json(text) {
            let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
                Error::at(
                    path,
                    Some(Location {
                        line: e.line(),
                        column: e.column(),
                    }),
                    "front matter is not valid JSON",
                )
                .cause(e)
                .help("fix the JSON, or write the front matter in YAML between `---` lines")
            })?;
            let map = match serde_yaml::to_value(&value) {
                Ok(Value::Mapping(map)) => map,
                _ => {
                    return Err(Error::at(path, None, "JSON front matter must be an object")
                        .help("write the front matter as `{ \"title\": \"…\" }`"));
                }
            };
            return Ok(Document {
                style: Style::Yaml,
                entries: fresh_entries(map),
                trailing: String::new(),
                body: body.to_string(),
                had_front_matter: true,
            });
        }
        let split = split_front_matter(text).map_err(|unclosed| {
            Error::at(
                path,
                Some(Location {
                    line: unclosed.line,
                    column: 1,
                }),
                "front matter is not closed",
            )
            .help(format!(
                "end the front matter with a line holding only `{}`",
                unclosed.fence
            ))
        })?;
        let body = text[split.body_start..].to_string();
        let had_front_matter = split.body_start > 0;
        let front = split.front;
        let (style, entries, trailing) = match split.format {
            FrontMatterFormat::Toml => {
                let (entries, trailing) = toml_entries(front, path, split.front_line)?;
                (Style::Toml, entries, trailing)
            }
            FrontMatterFormat::Yaml => {
                let (entries, trailing) = yaml_entries(front, path, split.front_line)?;
                (Style::Yaml, entries, trailing)
            }
        };
        Ok(Document {
            style,
            entries,
            trailing,
            body,
            had_front_matter,
        })
    }

    /// A page with no front matter yet, in `style`.
    pub fn new(style: Style, body: String) -> Document {
        Document {
            style,
            entries: Vec::new(),
            trailing: String::new(),
            body,
            had_front_matter: false,
        }
    }

    /// The value of a top-level key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// The top-level keys, in order.
    pub fn keys(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.key.clone()).collect()
    }

    /// Renames a key, keeping its value as written.
    pub fn rename(&mut self, from: &str, to: &str) {
        let style = self.style;
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == from) {
            entry.key = to.to_string();
            entry.raw = entry
                .raw
                .as_deref()
                .and_then(|raw| rename_raw(raw, from, to, style));
        }
    }

    /// Sets a key's value: in place when it is there, last otherwise.
    pub fn set(&mut self, key: &str, value: Value) {
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(entry) => {
                entry.value = value;
                entry.raw = None;
            }
            None => self.entries.push(Entry {
                key: key.to_string(),
                value,
                leading: String::new(),
                raw: None,
            }),
        }
    }

    /// Removes a key; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        let entry = self.entries.remove(at);
        // Comments above a removed key stay, above the next one.
        if let Some(next) = self.entries.get_mut(at) {
            next.leading.insert_str(0, &entry.leading);
        } else {
            self.trailing.insert_str(0, &entry.leading);
        }
        Some(entry.value)
    }

    /// Writes the file in `style`: entries not edited as they were written
    /// (when the style is unchanged), the others as `style` writes them.
    pub fn write(&self, style: Style) -> Written {
        let (open, close) = match style {
            Style::Yaml => ("---\n", "---\n"),
            Style::Toml => ("+++\n", "+++\n"),
        };
        let mut text = String::new();
        if !self.entries.is_empty() || self.had_front_matter {
            text.push_str(open);
            text.push_str(&self.front(style));
            text.push_str(close);
        }
        let body_start = text.len();
        text.push_str(&self.body);
        Written { text, body_start }
    }

    fn front(&self, style: Style) -> String {
        let keep = style == self.style;
        let mut out = String::new();
        let mut tables = String::new();
        for entry in &self.entries {
            let (written, is_table) = match (&entry.raw, style) {
                (Some(raw), _) if keep => (raw.clone(), raw.trim_start().starts_with('[')),
                (_, Style::Yaml) => (yaml::entry(&entry.key, &entry.value, 0), false),
                (_, Style::Toml) => match &entry.value {
                    Value::Mapping(map) => (toml_table(&entry.key, map), true),
                    other => (yaml::toml_entry(&entry.key, other), false),
                },
            };
            // TOML's tables come after its plain keys.
            let target = if is_table && style == Style::Toml {
                &mut tables
            } else {
                &mut out
            };
            target.push_str(&entry.leading);
            target.push_str(&written);
        }
        out.push_str(&tables);
        out.push_str(&self.trailing);
        out
    }
}

/// `[key]` and its entries, for a mapping written in TOML.
fn toml_table(key: &str, map: &Mapping) -> String {
    let mut out = format!("\n[{}]\n", yaml::toml_key(key));
    for (k, v) in map {
        out.push_str(&yaml::toml_entry(&yaml::key_text(k), v));
    }
    out
}

/// Hugo's JSON front matter: a `{` first line, the object, then the body.
fn split_json(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return None;
    }
    let start = text.len() - trimmed.len();
    let mut stream =
        serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(serde_json::Value::Object(_))) => {
            let end = start + stream.byte_offset();
            let rest = &text[end..];
            let rest = rest
                .strip_prefix("\r\n")
                .or_else(|| rest.strip_prefix('\n'))
                .unwrap_or(rest);
            Some((&text[start..end], rest))
        }
        _ => None,
    }
}

fn fresh_entries(map: Mapping) -> Vec<Entry> {
    map.into_iter()
        .map(|(k, v)| Entry {
            key: yaml::key_text(&k),
            value: v,
            leading: String::new(),
            raw: None,
        })
        .collect()
}

/// Splits YAML front matter into its top-level entries: a key line at the
/// first column and the lines under it. When the text does not split that
/// way (flow style, anchors across keys), the entries are written afresh.
fn yaml_entries(front: &str, path: &Path, first_line: usize) -> Result<(Vec<Entry>, String)> {
    let value: Value = if front.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        parse_yaml(front, path, first_line)?
    };
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => Mapping::new(),
        _ => {
            return Err(Error::at(
                path,
                Some(Location {
                    line: first_line,
                    column: 1,
                }),
                "front matter must be a mapping of keys to values",
            )
            .help("write front matter as `key: value` lines, like `title: Hello`"));
        }
    };
    let pieces = split_yaml_lines(front);
    let matches = pieces.0.len() == map.len()
        && pieces
            .0
            .iter()
            .zip(map.keys())
            .all(|((key, _, _), k)| *key == yaml::key_text(k))
        && anchors_absent(front);
    if !matches {
        return Ok((fresh_entries(map), String::new()));
    }
    let entries = pieces
        .0
        .into_iter()
        .zip(map)
        .map(|((key, leading, raw), (_, value))| Entry {
            key,
            value,
            leading,
            raw: Some(raw),
        })
        .collect();
    Ok((entries, pieces.1))
}

/// Whether `&anchor` / `*alias` are absent from values (an alias names an
/// anchor that may be in another entry, so entries cannot move alone).
fn anchors_absent(front: &str) -> bool {
    !front
        .lines()
        .any(|l| l.contains(": &") || l.contains(": *") || l.contains("- *") || l.contains("<<:"))
}

/// (key, leading comments, entry text) for each top-level entry, and the
/// comments after the last one.
type YamlPieces = (Vec<(String, String, String)>, String);

fn split_yaml_lines(front: &str) -> YamlPieces {
    let mut pieces: Vec<(String, String, String)> = Vec::new();
    let mut pending = String::new();
    for line in front.split_inclusive('\n') {
        let starts_entry = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
            && !line.starts_with("...");
        if starts_entry {
            let key = yaml_key(line);
            pieces.push((key, std::mem::take(&mut pending), line.to_string()));
            continue;
        }
        let is_gap = line.trim().is_empty() || line.starts_with('#');
        match pieces.last_mut() {
            // Blank and comment lines go with the next entry unless more
            // of this one follows them.
            Some(_) if is_gap => pending.push_str(line),
            Some((_, _, raw)) => {
                raw.push_str(&std::mem::take(&mut pending));
                raw.push_str(line);
            }
            None => pending.push_str(line),
        }
    }
    (pieces, pending)
}

/// The key of a `key: value` line, unquoted.
fn yaml_key(line: &str) -> String {
    let colon = key_end(line).unwrap_or(line.len());
    let key = line[..colon].trim();
    serde_yaml::from_str::<String>(key).unwrap_or_else(|_| key.to_string())
}

/// Where the `:` that ends a line's key is.
fn key_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b':') if bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// The entry text with its key renamed, or `None` when it cannot be done
/// in place.
fn rename_raw(raw: &str, from: &str, to: &str, style: Style) -> Option<String> {
    match style {
        Style::Yaml => {
            let colon = key_end(raw)?;
            Some(format!("{}{}", yaml::scalar(to, false), &raw[colon..]))
        }
        Style::Toml => {
            let first = raw.trim_start();
            if first.starts_with('[') {
                // A table: rename every header of it and its sub-tables.
                let mut out = String::new();
                for line in raw.split_inclusive('\n') {
                    let renamed = [("[[", "]]"), ("[", "]")].iter().find_map(|(open, _)| {
                        let rest = line.strip_prefix(open)?.trim_start();
                        let rest = rest.strip_prefix(from)?;
                        rest.starts_with(['.', ']', ' '])
                            .then(|| format!("{open}{}{rest}", yaml::toml_key(to)))
                    });
                    out.push_str(renamed.as_deref().unwrap_or(line));
                }
                return Some(out);
            }
            let rest = raw.strip_prefix(from)?;
            rest.trim_start()
                .starts_with('=')
                .then(|| format!("{}{rest}", yaml::toml_key(to)))
        }
    }
}

/// Splits TOML front matter into its top-level entries, from the parser's
/// key positions: an entry runs from its key's line to the next key's. A
/// table (`[extra]` and its sub-tables) is one entry.
fn toml_entries(front: &str, path: &Path, first_line: usize) -> Result<(Vec<Entry>, String)> {
    let table = toml::de::DeTable::parse(front).map_err(|e| {
        let location = e.span().map(|span| {
            let l = Location::of_offset(front, span.start);
            Location {
                line: l.line + first_line - 1,
                column: l.column,
            }
        });
        Error::at(
            path,
            location,
            format!(
                "front matter is not valid TOML: {}",
                e.message().trim_end().replace('\n', " ")
            ),
        )
        .help("fix the TOML syntax at this place")
    })?;
    let table = table.get_ref();
    let mut starts = Vec::new();
    let mut values = Vec::new();
    for (key, value) in table.iter() {
        let line_start = front[..key.span().start].rfind('\n').map_or(0, |i| i + 1);
        starts.push((key.get_ref().to_string(), line_start));
        values.push(toml_value(value.get_ref()));
    }
    let in_order = starts.windows(2).all(|w| w[0].1 < w[1].1);
    if !in_order {
        let map = starts
            .into_iter()
            .map(|(k, _)| Value::String(k))
            .zip(values)
            .collect();
        return Ok((fresh_entries(map), String::new()));
    }
    let mut entries = Vec::new();
    let mut leading_start = 0;
    for (i, ((key, start), value)) in starts.iter().zip(values).enumerate() {
        let end = starts.get(i + 1).map_or(front.len(), |(_, s)| *s);
        let chunk = &front[*start..end];
        // Trailing blank and comment lines go with the next entry.
        let keep = trailing_gap_start(chunk);
        entries.push(Entry {
            key: key.clone(),
            value,
            leading: front[leading_start..*start].to_string(),
            raw: Some(chunk[..keep].to_string()),
        });
        leading_start = start + keep;
    }
    let trailing = if entries.is_empty() {
        front.to_string()
    } else {
        front[leading_start..].to_string()
    };
    Ok((entries, trailing))
}

/// Where the blank and comment lines that end `chunk` start.
fn trailing_gap_start(chunk: &str) -> usize {
    let mut end = chunk.len();
    let lines: Vec<&str> = chunk.split_inclusive('\n').collect();
    for line in lines.iter().skip(1).rev() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            end -= line.len();
        } else {
            break;
        }
    }
    end
}

/// The line (from 1) on which `key` is written in a written file, if it is.
pub fn line_of_key(written: &Written, key: &str) -> Option<usize> {
    let front = &written.text[..written.body_start];
    front
        .split_inclusive('\n')
        .enumerate()
        .find_map(|(i, line)| {
            let plain = line.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with(':') || rest.starts_with('=')
            });
            let header = line.trim_start().strip_prefix('[').is_some_and(|r| {
                r.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with([']', '.']))
            });
            (plain || header).then_some(i + 1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse(text, Path::new("x.md")).unwrap()
    }

    #[test]
    fn untouched_yaml_is_written_back_byte_for_byte() {
        let text = "---\n# a comment\ntitle:  \"Hi\"   # trailing\ntags:\n- a\n- b\n\n# before date\ndate: 2020-01-02 10:00:00 -0800\n---\nBody {{ x }}\n";
        let d = doc(text);
        assert_eq!(d.keys(), ["title", "tags", "date"]);
        assert_eq!(d.write(Style::Yaml).text, text);
    }

    #[test]
    fn renaming_a_yaml_key_keeps_its_value_and_comments() {
        let mut d = doc(
            "---\ntitle: A\n# old addresses\nredirect_from:\n  - /old/ # first\nlayout: post\n---\nB\n",
        );
        d.rename("redirect_from", "aliases");
        d.remove("layout");
        d.set("draft", Value::Bool(true));
        let written = d.write(Style::Yaml);
        assert_eq!(
            written.text,
            "---\ntitle: A\n# old addresses\naliases:\n  - /old/ # first\ndraft: true\n---\nB\n"
        );
        assert_eq!(line_of_key(&written, "aliases"), Some(4));
        assert_eq!(&written.text[written.body_start..], "B\n");
    }

    #[test]
    fn toml_keeps_its_tables_after_its_keys() {
        let text = "+++\ntitle = \"T\" # note\nlastmod = 2024-06-12\n\n[taxonomies]\ntags = [\"a\"]\n\n[extra]\nrepo = \"r\"\n+++\nBody\n";
        let mut d = doc(text);
        assert_eq!(d.keys(), ["title", "lastmod", "taxonomies", "extra"]);
        assert_eq!(d.write(Style::Toml).text, text);
        d.rename("lastmod", "updated");
        d.set("path", Value::String("/x/".into()));
        let out = d.write(Style::Toml).text;
        assert_eq!(
            out,
            "+++\ntitle = \"T\" # note\nupdated = 2024-06-12\npath = \"/x/\"\n\n[taxonomies]\ntags = [\"a\"]\n\n[extra]\nrepo = \"r\"\n+++\nBody\n"
        );
    }

    #[test]
    fn toml_becomes_yaml_with_its_comments_above_keys() {
        let d = doc(
            "+++\n# the title\ntitle = \"T\"\ndate = 2023-04-09T15:52:10\n[extra]\nn = 2\n+++\nBody\n",
        );
        assert_eq!(
            d.write(Style::Yaml).text,
            "---\n# the title\ntitle: T\ndate: 2023-04-09T15:52:10\nextra:\n  n: 2\n---\nBody\n"
        );
    }

    #[test]
    fn json_front_matter_becomes_yaml() {
        let d = doc("{\n  \"title\": \"J\",\n  \"tags\": [\"x\"]\n}\n\nBody\n");
        assert_eq!(d.style, Style::Yaml);
        assert_eq!(
            d.write(Style::Yaml).text,
            "---\ntitle: J\ntags: [x]\n---\n\nBody\n"
        );
    }

    #[test]
    fn a_renamed_toml_table_renames_its_sub_tables() {
        let mut d = doc("+++\ntitle = \"T\"\n[params]\na = 1\n[params.b]\nc = 2\n+++\n");
        d.rename("params", "extra");
        assert_eq!(
            d.write(Style::Toml).text,
            "+++\ntitle = \"T\"\n[extra]\na = 1\n[extra.b]\nc = 2\n+++\n"
        );
    }

    #[test]
    fn a_file_without_front_matter_gets_one_when_keys_are_set() {
        let mut d = doc("Just text.\n");
        assert!(!d.had_front_matter);
        assert_eq!(d.write(Style::Yaml).text, "Just text.\n");
        d.set("title", Value::String("Home".into()));
        assert_eq!(
            d.write(Style::Yaml).text,
            "---\ntitle: Home\n---\nJust text.\n"
        );
    }
}
