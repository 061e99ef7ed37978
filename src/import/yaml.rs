//! Writes values as YAML and TOML text the way a person would: short lists
//! of plain words in flow style (`tags: [rust, cli]`), quotes only where
//! the text would otherwise read as something else, multi-line text as a
//! literal block. Reading goes through `config::parse_yaml` and `toml`;
//! this file only writes.

use serde_yaml::{Mapping, Value};

/// A flow list longer than this is written one item a line.
const FLOW_WIDTH: usize = 72;

/// Writes `key: value` (one entry of a mapping, at `indent` spaces), ending
/// in a newline.
pub fn entry(key: &str, value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let key = scalar(key, false);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            format!("{pad}{key}:\n{}", mapping(map, indent + 2))
        }
        Value::Sequence(items) if !items.is_empty() => match flow(value) {
            Some(text) if pad.len() + key.len() + text.len() + 2 <= FLOW_WIDTH => {
                format!("{pad}{key}: {text}\n")
            }
            _ => format!("{pad}{key}:\n{}", sequence(items, indent + 2)),
        },
        Value::String(text) if text.contains('\n') => {
            format!("{pad}{key}: {}", block_literal(text, indent + 2))
        }
        Value::Tagged(tagged) => entry(&key, &tagged.value, indent),
        other => format!("{pad}{key}: {}\n", inline(other)),
    }
}

/// Writes a whole mapping, one entry a line, at `indent` spaces.
pub fn mapping(map: &Mapping, indent: usize) -> String {
    map.iter()
        .map(|(k, v)| entry(&key_text(k), v, indent))
        .collect()
}

/// A mapping key as text: YAML keys folio reads are text, numbers and
/// booleans are written as they read.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => inline(other),
    }
}

fn sequence(items: &[Value], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for item in items {
        match item {
            Value::Mapping(map) if !map.is_empty() => {
                // `- key: value` with the other keys under the first.
                let inner = mapping(map, indent + 2);
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(inner.trim_start());
            }
            Value::Sequence(inner) if !inner.is_empty() => match flow(item) {
                Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                None => {
                    out.push_str(&format!("{pad}-\n{}", sequence(inner, indent + 2)));
                }
            },
            Value::String(text) if text.contains('\n') => {
                out.push_str(&format!("{pad}- {}", block_literal(text, indent + 2)));
            }
            other => out.push_str(&format!("{pad}- {}\n", inline(other))),
        }
    }
    out
}

/// `[a, b, 3]` when every item is a scalar.
fn flow(value: &Value) -> Option<String> {
    let Value::Sequence(items) = value else {
        return None;
    };
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) if s.contains('\n') => return None,
            Value::String(s) => parts.push(scalar(s, true)),
            Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_) => return None,
            other => parts.push(inline(other)),
        }
    }
    Some(format!("[{}]", parts.join(", ")))
}

/// A value on one line: a scalar, or `[]` / `{}` when empty.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => scalar(s, false),
        Value::Sequence(_) => flow(value).unwrap_or_else(|| "[]".to_string()),
        Value::Mapping(map) if map.is_empty() => "{}".to_string(),
        Value::Mapping(_) => "{}".to_string(),
        Value::Tagged(tagged) => inline(&tagged.value),
    }
}

fn number(n: &serde_yaml::Number) -> String {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
        if f.is_nan() {
            return ".nan".to_string();
        }
        if f.is_infinite() {
            return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
        }
        let text = f.to_string();
        return if text.contains(['.', 'e', 'E']) {
            text
        } else {
            format!("{text}.0")
        };
    }
    n.to_string()
}

/// A literal block (`|`), its lines at `indent` spaces; the line ending of
/// the text is kept with a chomping indicator.
fn block_literal(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let trailing = text.len() - text.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // A first line that starts with a space needs the indentation said.
    let hint = if text.starts_with(' ') { "2" } else { "" };
    let mut out = format!("|{hint}{chomp}\n");
    let body = text.trim_end_matches('\n');
    for line in body.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    out
}

/// Text as a YAML scalar: plain when it reads back as the same text,
/// double-quoted otherwise. `in_flow` also quotes `,[]{}`.
pub fn scalar(text: &str, in_flow: bool) -> String {
    if is_plain_safe(text, in_flow) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

fn is_plain_safe(text: &str, in_flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.chars().any(|c| c.is_control())
    {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x` and `:x` read as text, but a lone `-` or `- x` does not.
        let second = text.chars().nth(1);
        let safe_dash = first == '-' && second.is_some_and(|c| c.is_alphabetic());
        if !safe_dash {
            return false;
        }
    }
    if in_flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    !reads_as_other(text)
}

/// Whether plain `text` would be read as a null, a boolean or a number.
fn reads_as_other(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off"
    ) {
        return true;
    }
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, ".inf" | ".nan") {
        return true;
    }
    if unsigned.starts_with("0x") || unsigned.starts_with("0o") || unsigned.starts_with("0b") {
        return true;
    }
    let digits = unsigned.replace('_', "");
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.parse::<f64>().is_ok()
}

fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `key = value` for TOML front matter, ending in a newline. A
/// mapping is written as an inline table.
pub fn toml_entry(key: &str, value: &Value) -> String {
    format!("{} = {}\n", toml_key(key), toml_value(value))
}

/// A TOML key: bare when it can be.
pub fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A value as TOML: dates (text shaped like one) stay bare, so that TOML
/// reads them as dates again.
pub fn toml_value(value: &Value) -> String {
    match value {
        Value::Null => "\"\"".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n).replace(".inf", "inf").replace(".nan", "nan"),
        Value::String(s) if is_toml_date(s) => s.clone(),
        Value::String(s) => toml_string(s),
        Value::Sequence(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Mapping(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", toml_key(&key_text(k)), toml_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(tagged) => toml_value(&tagged.value),
    }
}

fn is_toml_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && toml::from_str::<toml::Table>(&format!("d = {text}")).is_ok()
}

fn toml_string(text: &str) -> String {
    // TOML's basic strings escape the same characters as YAML's double quotes.
    double_quoted(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn plain_words_stay_plain_and_the_rest_is_quoted() {
        assert_eq!(scalar("Hello world", false), "Hello world");
        assert_eq!(scalar("2024-05-01", false), "2024-05-01");
        for text in [
            "", "true", "No", "12", "1.5", "-3", "0x1F", "a: b", "x #y", "- x", "[a]", "@me",
            " pad", "end:", "~", ".inf",
        ] {
            assert!(scalar(text, false).starts_with('"'), "{text}");
        }
        assert_eq!(scalar("a, b", true), "\"a, b\"");
        assert_eq!(scalar("a, b", false), "a, b");
    }

    #[test]
    fn every_written_value_reads_back_the_same() {
        let value = parse(
            "title: \"Yes: it's 'quoted'\"\ntags: [rust, \"a, b\", '12']\nn: 3\nf: 1.5\nok: true\nnothing: null\n\
             text: \"line one\\nline two\\n\"\nnested:\n  list:\n    - name: a\n      url: /a/\n    - name: b\n  empty: []\n",
        );
        let Value::Mapping(map) = &value else {
            panic!()
        };
        let written = mapping(map, 0);
        assert_eq!(parse(&written), value, "{written}");
    }

    #[test]
    fn short_lists_are_flow_and_long_ones_block() {
        let value = parse("tags: [rust, cli]");
        assert_eq!(entry("tags", &value["tags"], 0), "tags: [rust, cli]\n");
        let long: Vec<Value> = (0..20).map(|i| Value::String(format!("word{i}"))).collect();
        let text = entry("tags", &Value::Sequence(long), 0);
        assert!(text.starts_with("tags:\n  - word0\n"), "{text}");
    }

    #[test]
    fn multi_line_text_is_a_literal_block() {
        let text = entry("summary", &Value::String("One.\n\nTwo.".to_string()), 0);
        assert_eq!(text, "summary: |-\n  One.\n\n  Two.\n");
        assert_eq!(
            parse(&text)["summary"],
            Value::String("One.\n\nTwo.".into())
        );
    }

    #[test]
    fn toml_values_keep_dates_bare_and_quote_text() {
        assert_eq!(
            toml_entry("date", &Value::String("2024-05-01".into())),
            "date = 2024-05-01\n"
        );
        assert_eq!(
            toml_entry("path", &Value::String("/about/".into())),
            "path = \"/about/\"\n"
        );
        assert_eq!(
            toml_entry("aliases", &parse("[/a/, /b/]")),
            "aliases = [\"/a/\", \"/b/\"]\n"
        );
        let table: toml::Table =
            toml::from_str(&toml_entry("x", &parse("{a: 1, b: [true]}"))).unwrap();
        assert_eq!(table["x"]["b"][0].as_bool(), Some(true));
    }
}
