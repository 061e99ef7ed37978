//! A fast path for the YAML most front matter is: one `key: value` a line,
//! values that are plain words, quoted text, `true`/`false`, whole numbers,
//! dates and flow lists of those.
//!
//! A full YAML parser costs about a tenth of a large build on front matter
//! of five lines. This reads only what it can read exactly as the full
//! parser would and gives up (`None`) on anything else, so `parse_yaml`
//! falls back to the full parser, which also reports every error: the fast
//! path never produces one.

use serde_yaml::{Mapping, Value};

/// Reads `text` when it is a flat mapping of simple values; `None` when the
/// full parser must.
pub fn simple_mapping(text: &str) -> Option<Value> {
    let mut map = Mapping::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !is_plain_key(key) || !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let value = value(rest.trim())?;
        if map.insert(Value::String(key.to_string()), value).is_some() {
            return None;
        }
    }
    Some(Value::Mapping(map))
}

fn is_plain_key(key: &str) -> bool {
    // `true:` or `null:` would be a boolean or null key, not text.
    if scalar_word(key).is_some() {
        return false;
    }
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn value(text: &str) -> Option<Value> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.trim().is_empty() {
            return Some(Value::Sequence(Vec::new()));
        }
        return inner
            .split(',')
            .map(|item| scalar(item.trim()))
            .collect::<Option<Vec<Value>>>()
            .map(Value::Sequence);
    }
    scalar(text)
}

fn scalar(text: &str) -> Option<Value> {
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then(|| Value::String(inner.to_string()));
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        return (!inner.contains('\'')).then(|| Value::String(inner.to_string()));
    }
    if text.is_empty() {
        return None;
    }
    if let Some(word) = scalar_word(text) {
        return Some(word);
    }
    let first = text.chars().next()?;
    if first.is_ascii_digit() || first == '-' || first == '+' || first == '.' {
        return number_or_date(text);
    }
    let indicator = "?:,[]{}#&*!|>'\"%@`";
    let plain = !indicator.contains(first)
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains(['[', ']', '{', '}', ',', '\t']);
    plain.then(|| Value::String(text.to_string()))
}

/// The words YAML reads as a boolean or null.
fn scalar_word(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        "null" | "Null" | "NULL" | "~" => Some(Value::Null),
        _ => None,
    }
}

/// Whole numbers and `YYYY-MM-DD` dates (text, as the full parser gives
/// them); every other value starting like a number is left to it.
fn number_or_date(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let is_date = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if is_date {
        return Some(Value::String(text.to_string()));
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let decimal = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !decimal {
        return None;
    }
    text.parse::<i64>().ok().map(|n| Value::Number(n.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document the fast path reads, it reads as the full parser does.
    #[test]
    fn what_the_fast_path_reads_the_full_parser_reads_alike() {
        let documents = [
            "title: \"Local request 1\"\ndate: 2015-01-09\ndescription: \"A client.\"\ntags: [rust, wasm]\ndraft: false\n",
            "title: Hello world\nweight: 10\nneg: -3\nzero: 0\nplus: +4\n",
            "title: 'It is'\nempty_list: []\nnothing: ~\nyes: True\nno: FALSE\nnull_word: null\n",
            "# a comment\n\ntitle: x\r\nslug: my-post\ntemplate: page.html\n",
            "tags: [\"a b\", 'c', plain words, 7, true]\n",
            "path: /projects/x/\nurl: https://example.com/a\n",
            "title: C++ tips & tricks\nkey-with-dash: v\n_private: v\n",
        ];
        for doc in documents {
            let fast =
                simple_mapping(doc).unwrap_or_else(|| panic!("fast path gave up on {doc:?}"));
            let full: Value = serde_yaml::from_str(doc).unwrap();
            assert_eq!(fast, full, "{doc:?}");
        }
    }

    /// What the fast path cannot read exactly is left to the full parser.
    #[test]
    fn anything_else_is_left_to_the_full_parser() {
        for doc in [
            "title: x\ntitle: y\n",
            "extra:\n  nested: 1\n",
            "list:\n  - a\n",
            "text: |\n  block\n",
            "n: 1.5\n",
            "n: 0x1F\n",
            "n: 012\n",
            "n: 1e3\n",
            "n: .inf\n",
            "when: 2024-05-01T10:00:00Z\n",
            "when: 2014-12-17 11:16:21 -0800\n",
            "t: \"esc \\\" aped\"\n",
            "t: a: b\n",
            "t: value # comment\n",
            "t: [a, [b]]\n",
            "t: {a: 1}\n",
            "t: &anchor x\n",
            "t: *anchor\n",
            "t: !tag x\n",
            "t: - x\n",
            "t: 99999999999999999999\n",
            "\"quoted key\": x\n",
            " indented: x\n",
            "key:\n",
            "key:value\n",
            "---\nkey: x\n",
            "true: x\n",
            "null: x\n",
        ] {
            assert_eq!(simple_mapping(doc), None, "{doc:?}");
        }
    }

    /// The site's own front matter, the sample site's and every fixture's:
    /// wherever the fast path reads one, it reads it as the full parser does.
    #[test]
    fn the_repositorys_front_matter_reads_alike_both_ways() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for dir in ["content", "init", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.unwrap();
                let is_md = entry.path().extension().is_some_and(|e| e == "md");
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let Some(front) = text
                    .strip_prefix("---\n")
                    .and_then(|rest| rest.split_once("\n---"))
                    .map(|(front, _)| format!("{front}\n"))
                else {
                    continue;
                };
                if !is_md {
                    continue;
                }
                let Ok(full) = serde_yaml::from_str::<Value>(&front) else {
                    continue;
                };
                if let Some(fast) = simple_mapping(&front) {
                    assert_eq!(fast, full, "{}", entry.path().display());
                    read += 1;
                }
            }
        }
        assert!(read > 10, "only {read} front matters took the fast path");
    }
}
