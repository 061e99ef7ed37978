//! Reading and rewriting template syntax in Markdown bodies: Hugo's
//! shortcode tags, Liquid's tags and outputs, and the edits that replace
//! them (a fenced code block, a folio shortcode call, an `@/` link).
//!
//! Pure text: the generators' modules decide what each tag becomes.

use std::ops::Range;

use super::{Note, Place};

/// Replacements to make in a text, and notes at places of it.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    list: Vec<(Range<usize>, String)>,
    notes: Vec<(usize, String, String)>,
}

impl Edits {
    /// Replaces `range` of the text with `text`. An edit that overlaps one
    /// made before is dropped.
    pub fn replace(&mut self, range: Range<usize>, text: impl Into<String>) {
        if self
            .list
            .iter()
            .any(|(r, _)| r.start < range.end && range.start < r.end)
        {
            return;
        }
        self.list.push((range, text.into()));
    }

    /// Notes something left at `offset` of the text.
    pub fn note(&mut self, offset: usize, message: impl Into<String>, help: impl Into<String>) {
        self.notes.push((offset, message.into(), help.into()));
    }

    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.notes.is_empty()
    }

    /// Makes the edits; the notes move with the text around them.
    pub fn apply(mut self, text: &str) -> (String, Vec<Note>) {
        self.list.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        // (source offset, output offset) at each edit's start and end.
        let mut marks: Vec<(Range<usize>, usize, usize)> = Vec::new();
        for (range, replacement) in &self.list {
            out.push_str(&text[at..range.start]);
            let start = out.len();
            out.push_str(replacement);
            marks.push((range.clone(), start, out.len()));
            at = range.end;
        }
        out.push_str(&text[at..]);
        let notes = self
            .notes
            .into_iter()
            .map(|(offset, message, help)| {
                Note::new(Place::Body(moved(offset, &marks)), message, help)
            })
            .collect();
        (out, notes)
    }
}

/// Where `offset` of the old text is in the new one.
fn moved(offset: usize, marks: &[(Range<usize>, usize, usize)]) -> usize {
    let mut shift: isize = 0;
    for (range, start, end) in marks {
        if offset < range.start {
            break;
        }
        if offset < range.end {
            return *start;
        }
        shift = *end as isize - range.end as isize;
    }
    (offset as isize + shift).max(0) as usize
}

/// A fenced code block replacing a highlight tag pair: `inner` is the text
/// between the tags, `language` and `attributes` go after the fence.
pub(crate) fn fence(language: &str, attributes: &[String], inner: &str) -> String {
    let inner = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    // The closing tag's indentation becomes the closing fence's.
    let (code, indent) = match inner.rfind('\n') {
        Some(i) if inner[i + 1..].trim().is_empty() => (&inner[..=i], &inner[i + 1..]),
        _ => (inner, ""),
    };
    let ticks = fence_ticks(code);
    let mut info = language.to_string();
    for a in attributes {
        info.push(',');
        info.push_str(a);
    }
    let mut out = format!("{ticks}{info}\n{code}");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(&ticks);
    out
}

/// Backticks enough to fence `code`: one more than its longest run, at
/// least three.
pub(crate) fn fence_ticks(code: &str) -> String {
    "`".repeat(longest_run(code, '`').max(2) + 1)
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Hugo's highlight options (`linenos=table,hl_lines=2 4-5,linenostart=3`)
/// as folio's fence attributes.
pub(crate) fn hugo_fence_attributes(options: &str) -> Vec<String> {
    let mut out = Vec::new();
    for option in options.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let (key, value) = option.split_once('=').unwrap_or((option, ""));
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "linenos" if !matches!(value, "false" | "") => out.push("linenos".to_string()),
            "linenos" if value.is_empty() => out.push("linenos".to_string()),
            "hl_lines" if !value.is_empty() => out.push(format!("hl_lines={value}")),
            "linenostart" if !value.is_empty() => out.push(format!("linenostart={value}")),
            _ => {}
        }
    }
    out
}

/// A Hugo shortcode tag: `{{< name args >}}`, `{{% name %}}`, `{{< /name >}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HugoTag {
    /// From `{{` to `}}`.
    pub range: Range<usize>,
    /// The shortcode's name (without the `/` of a closing tag).
    pub name: String,
    /// Arguments in order: `(Some(key), value)` or `(None, value)`.
    pub args: Vec<(Option<String>, String)>,
    /// `{{< /name >}}`.
    pub closing: bool,
    /// `{{< name />}}`.
    pub self_closing: bool,
    /// `{{</* name */>}}`: shown as written, without the comment marks.
    pub escaped: bool,
}

impl HugoTag {
    /// A named argument, or the positional one at `index`.
    pub fn arg(&self, key: &str, index: usize) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k.as_deref() == Some(key))
            .or_else(|| self.args.iter().filter(|(k, _)| k.is_none()).nth(index))
            .map(|(_, v)| v.as_str())
    }

    /// A named argument.
    pub fn named(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k.as_deref() == Some(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Every Hugo shortcode tag in `text`, code blocks included (Hugo reads
/// them there too), in order.
pub(crate) fn hugo_tags(text: &str) -> Vec<HugoTag> {
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let close = match text.as_bytes().get(start + 2) {
            Some(b'<') => ">}}",
            Some(b'%') => "%}}",
            _ => {
                from = start + 2;
                continue;
            }
        };
        let inner_start = start + 3;
        let Some(len) = text[inner_start..].find(close) else {
            break;
        };
        let end = inner_start + len + close.len();
        let inner = text[inner_start..inner_start + len].trim();
        from = end;
        if let Some(shown) = inner.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
            let name = shown.trim().trim_start_matches('/');
            tags.push(HugoTag {
                range: start..end,
                name: first_word(name),
                args: Vec::new(),
                closing: shown.trim().starts_with('/'),
                self_closing: false,
                escaped: true,
            });
            continue;
        }
        let (inner, closing) = match inner.strip_prefix('/') {
            Some(rest) => (rest.trim(), true),
            None => (inner, false),
        };
        let (inner, self_closing) = match inner.strip_suffix('/') {
            Some(rest) => (rest.trim(), true),
            None => (inner, false),
        };
        let name = first_word(inner);
        if name.is_empty() {
            continue;
        }
        let args = hugo_args(&inner[name.len()..]);
        tags.push(HugoTag {
            range: start..end,
            name,
            args,
            closing,
            self_closing,
            escaped: false,
        });
    }
    tags
}

fn first_word(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// `"a b" key="v" key=v word` → arguments.
fn hugo_args(text: &str) -> Vec<(Option<String>, String)> {
    let mut args = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut key = None;
        let mut word = String::new();
        let mut value = None;
        while let Some(&(_, c)) = chars.peek() {
            match c {
                '"' | '`' => {
                    chars.next();
                    value = Some(quoted(&mut chars, c));
                    break;
                }
                '=' if key.is_none() && !word.is_empty() => {
                    key = Some(std::mem::take(&mut word));
                    chars.next();
                }
                c if c.is_whitespace() => break,
                c => {
                    word.push(c);
                    chars.next();
                }
            }
        }
        args.push((key, value.unwrap_or(word)));
    }
    args
}

fn quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, quote: char) -> String {
    let mut out = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            c if c == quote => break,
            c => out.push(c),
        }
    }
    out
}

/// Liquid's two kinds of markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiquidKind {
    /// `{% tag … %}`.
    Tag,
    /// `{{ expression }}`.
    Output,
}

/// A piece of Liquid markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Liquid {
    /// From `{` to `}`.
    pub range: Range<usize>,
    /// A tag or an output.
    pub kind: LiquidKind,
    /// What is inside, without the `-` trim marks, trimmed.
    pub inner: String,
}

impl Liquid {
    /// A tag's name: `highlight`, `endhighlight`, `include`.
    pub fn name(&self) -> &str {
        self.inner
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or_default()
    }

    /// What follows a tag's name.
    pub fn rest(&self) -> &str {
        self.inner[self.name().len()..].trim()
    }
}

/// Every piece of Liquid in `text`, in order, code blocks included (Jekyll
/// runs Liquid before Markdown). Text between `{% raw %}` and
/// `{% endraw %}`, and inside `{% comment %}`, is not read as Liquid: the
/// raw and comment tags are listed, their contents are not.
pub(crate) fn liquid(text: &str) -> Vec<Liquid> {
    let mut found = Vec::new();
    let mut from = 0;
    let mut skip_to: Option<&str> = None;
    while let Some(i) = text[from..].find('{') {
        let start = from + i;
        let (kind, close) = match text.as_bytes().get(start + 1) {
            Some(b'%') => (LiquidKind::Tag, "%}"),
            Some(b'{') => (LiquidKind::Output, "}}"),
            _ => {
                from = start + 1;
                continue;
            }
        };
        let Some(len) = text[start + 2..].find(close) else {
            break;
        };
        let end = start + 2 + len + close.len();
        let inner = text[start + 2..start + 2 + len]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim()
            .to_string();
        let piece = Liquid {
            range: start..end,
            kind,
            inner,
        };
        if let Some(until) = skip_to {
            if kind == LiquidKind::Tag && piece.name() == until {
                found.push(piece);
                skip_to = None;
                from = end;
            } else {
                from = start + 2;
            }
            continue;
        }
        if kind == LiquidKind::Tag {
            match piece.name() {
                "raw" => skip_to = Some("endraw"),
                "comment" => skip_to = Some("endcomment"),
                _ => {}
            }
        }
        found.push(piece);
        from = end;
    }
    found
}

/// `key="v" key=v key='v'` arguments of a Liquid `include`, in order.
pub(crate) fn include_args(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in hugo_args(text) {
        if let Some(key) = key {
            let value = value.trim_matches('\'').to_string();
            out.push((key, value));
        }
    }
    out
}

/// A Zola shortcode call: `{{ name(key="v", …) }}`.
pub(crate) fn call(name: &str, args: &[(&str, CallArg)]) -> String {
    format!("{{{{ {name}({}) }}}}", call_args(args))
}

/// The opening of a Zola shortcode with a body: `{% name(…) %}`.
pub(crate) fn body_call(name: &str, args: &[(&str, CallArg)]) -> String {
    format!("{{% {name}({}) %}}", call_args(args))
}

/// An argument value of a folio shortcode call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallArg {
    /// Quoted text.
    Text(String),
    /// A number or boolean, as written.
    Bare(String),
}

impl CallArg {
    /// Text, or a bare number or boolean when it is one.
    pub fn guess(value: &str) -> CallArg {
        let is_number =
            value.parse::<i64>().is_ok() || value.parse::<f64>().is_ok_and(f64::is_finite);
        if is_number || value == "true" || value == "false" {
            CallArg::Bare(value.to_string())
        } else {
            CallArg::Text(value.to_string())
        }
    }
}

fn call_args(args: &[(&str, CallArg)]) -> String {
    args.iter()
        .map(|(k, v)| match v {
            CallArg::Text(t) => format!("{k}=\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"")),
            CallArg::Bare(b) => format!("{k}={b}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes template syntax so that folio shows it as written: `{{ x }}`
/// becomes `{{/* x */}}`, `{% x %}` becomes `{%/* x */%}`.
pub(crate) fn escaped(literal: &str) -> String {
    let open = &literal[..2];
    let close = &literal[literal.len() - 2..];
    format!("{open}/*{}*/{close}", &literal[2..literal.len() - 2])
}

/// Whether `offset` in `text` is the destination of a Markdown link or
/// image: right after `](` or `]: `.
pub(crate) fn is_link_destination(text: &str, offset: usize) -> bool {
    let before = text[..offset].trim_end_matches(['<', ' ']);
    before.ends_with("](") || before.ends_with("]:")
}

/// ATX headings whose id on the old site differs from the one folio
/// would give (`Custom Head / Footer`: Hugo's `custom-head--footer`,
/// folio's `custom-head-footer`): where to add ` {#id}`, and the id, so
/// that links to the old anchors keep working.
pub(crate) fn heading_ids(body: &str, old_id: fn(&str) -> String) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<(std::ops::Range<usize>, String)> = None;
    let parser = Parser::new_ext(
        body,
        Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES,
    );
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id: None, .. }) => current = Some((range, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((range, text)) = current.take() else {
                    continue;
                };
                let line = &body[range.clone()];
                if !line.starts_with('#') || line.contains('\n') && line.trim_end().contains('\n') {
                    continue;
                }
                let old = old_id(&text);
                if !old.is_empty() && old != slug::slugify(&text) {
                    let end = range.start + line.trim_end().len();
                    out.push((end, old));
                }
            }
            _ => {}
        }
    }
    out
}

/// GitHub's (and Hugo's) heading ids: lower case, letters, digits, `-`
/// and `_` kept, each space a `-`.
pub(crate) fn github_id(title: &str) -> String {
    title
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_follow_the_text_around_edits() {
        let text = "aa XX bb YY cc";
        let mut edits = Edits::default();
        edits.replace(3..5, "long replacement");
        edits.note(9, "yy", "h");
        edits.note(4, "inside", "h");
        let (out, notes) = edits.apply(text);
        assert_eq!(out, "aa long replacement bb YY cc");
        assert_eq!(notes[0].place, Place::Body(out.find("YY").unwrap()));
        assert_eq!(notes[1].place, Place::Body(3));
    }

    #[test]
    fn a_fence_is_longer_than_the_backticks_inside() {
        assert_eq!(
            fence("ruby", &[], "\ndef x\n  ```\nend\n"),
            "````ruby\ndef x\n  ```\nend\n````"
        );
        assert_eq!(
            fence("sh", &["linenos".into()], "\n   cmd\n   "),
            "```sh,linenos\n   cmd\n   ```"
        );
    }

    #[test]
    fn hugo_options_become_fence_attributes() {
        assert_eq!(
            hugo_fence_attributes("linenos=table,hl_lines=8 15-17,linenostart=199,style=x"),
            ["linenos", "hl_lines=8 15-17", "linenostart=199"]
        );
        assert!(hugo_fence_attributes("linenos=false").is_empty());
    }

    #[test]
    fn hugo_tags_are_read_with_their_arguments() {
        let text = "{{< figure src=\"a b.png\" title=x >}} {{% ref \"posts/x.md\" %}} {{< /highlight >}} {{</* youtube w7Ft2ymGmfc */>}} {{< gist user 123 />}}";
        let tags = hugo_tags(text);
        assert_eq!(tags.len(), 5);
        assert_eq!(tags[0].name, "figure");
        assert_eq!(tags[0].named("src"), Some("a b.png"));
        assert_eq!(tags[0].named("title"), Some("x"));
        assert_eq!(tags[1].arg("path", 0), Some("posts/x.md"));
        assert!(tags[2].closing);
        assert!(tags[3].escaped);
        assert_eq!(tags[3].name, "youtube");
        assert!(tags[4].self_closing);
        assert_eq!(tags[4].arg("", 1), Some("123"));
    }

    #[test]
    fn liquid_inside_raw_and_comment_is_not_read() {
        let text = "{{ site.title }} {% raw %}{{ x }}{% endraw %} {%- comment -%} {% y %} {% endcomment %}{% link a.md %}";
        let names: Vec<String> = liquid(text).iter().map(|l| l.inner.clone()).collect();
        assert_eq!(
            names,
            [
                "site.title",
                "raw",
                "endraw",
                "comment",
                "endcomment",
                "link a.md"
            ]
        );
    }

    #[test]
    fn calls_quote_text_and_leave_numbers_bare() {
        assert_eq!(
            call(
                "youtube",
                &[
                    ("id", CallArg::Text("a\"b".into())),
                    ("start", CallArg::guess("42"))
                ]
            ),
            "{{ youtube(id=\"a\\\"b\", start=42) }}"
        );
        assert_eq!(escaped("{{ page.title }}"), "{{/* page.title */}}");
        assert_eq!(escaped("{% if x %}"), "{%/* if x */%}");
    }

    #[test]
    fn headings_keep_the_ids_of_the_old_site() {
        let body = "## Custom Head / Footer\n\n## Plain title\n\n## Set {#own}\n";
        assert_eq!(
            heading_ids(body, github_id),
            [(23, "custom-head--footer".to_string())]
        );
        assert_eq!(github_id("1. No Magic"), "1-no-magic");
    }

    #[test]
    fn link_destinations_are_recognised() {
        let text = "[a](X) [b]: X and X";
        assert!(is_link_destination(text, 4));
        assert!(is_link_destination(text, 12));
        assert!(!is_link_destination(text, 18));
    }
}
