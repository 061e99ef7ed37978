//! Template syntax of other generators left in Markdown: Zola and Hugo
//! shortcodes, Liquid tags, kramdown's attribute lists. folio prints them
//! as text, so each one is
//! found, with where it is, for a warning; code spans and code blocks are
//! left alone, since that is how such syntax is shown on purpose.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Template syntax that folio prints as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralTemplate {
    /// What it looks like.
    pub kind: TemplateKind,
    /// The shortcode's or tag's name: `youtube`, `include`, `highlight`;
    /// for a Liquid expression, its first word.
    pub name: String,
    /// Where it is in the source, from `{{` or `{%` to `}}` or `%}`.
    pub range: Range<usize>,
    /// The text of that range.
    pub text: String,
}

/// The generator a piece of template syntax belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// `{{ name(…) }}`, or `{% name(…) %}` … `{% end %}`.
    ZolaShortcode,
    /// `{{< name … >}}` or `{{% name … %}}`.
    HugoShortcode,
    /// `{% name … %}`: `include`, `highlight`, `if`, …
    LiquidTag,
    /// `{{ x | filter }}` or `{{ site.title }}`.
    LiquidExpression,
    /// `{: .note}`, `{: #id}` or `{::comment}`: Jekyll's kramdown reads
    /// them as attributes of the block or span before them.
    KramdownAttributes,
}

impl TemplateKind {
    /// What it looks like, for a message: "a Zola shortcode".
    pub fn description(self) -> &'static str {
        match self {
            TemplateKind::ZolaShortcode => "a Zola shortcode",
            TemplateKind::HugoShortcode => "a Hugo shortcode",
            TemplateKind::LiquidTag => "a Liquid tag",
            TemplateKind::LiquidExpression => "a Liquid expression",
            TemplateKind::KramdownAttributes => "a kramdown attribute list",
        }
    }
}

/// Finds the shortcodes, Liquid tags and kramdown attribute lists in
/// Markdown outside code, in the order they are written. Closing tags
/// (`{% end %}`, `{% endhighlight %}`) belong to their opening one and are
/// not listed.
pub fn find_literal_templates(source: &str) -> Vec<LiteralTemplate> {
    if !source.contains("{{") && !source.contains("{%") && !source.contains("{:") {
        return Vec::new();
    }
    let code = code_ranges(source);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = next_opening(source, from) {
        from = start + 2;
        if code.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let Some(literal) = read_one(source, start) else {
            continue;
        };
        from = literal.range.end;
        if !is_closing(&literal.name) {
            found.push(literal);
        }
    }
    found
}

/// Where code spans and code blocks are, in source bytes.
pub(super) fn code_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new(source).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

fn next_opening(source: &str, from: usize) -> Option<usize> {
    let rest = source.get(from..)?;
    let at = rest.find('{')?;
    let start = from + at;
    match source.as_bytes().get(start + 1) {
        Some(b'{' | b'%' | b':') => Some(start),
        _ => next_opening(source, start + 1),
    }
}

/// Reads the tag that starts at `start` (`{{` or `{%`) up to its end on the
/// same or a following line, and says what it is.
fn read_one(source: &str, start: usize) -> Option<LiteralTemplate> {
    let bytes = source.as_bytes();
    if bytes[start + 1] == b':' {
        return read_attribute_list(source, start);
    }
    let (close, hugo) = match (bytes[start + 1], bytes.get(start + 2)) {
        (b'{', Some(b'<')) => (">}}", true),
        (b'{', Some(b'%')) => ("%}}", true),
        (b'{', _) => ("}}", false),
        _ => ("%}", false),
    };
    let inner_start = start + if hugo { 3 } else { 2 };
    let end = source[inner_start..].find(close)? + inner_start;
    let inner = source[inner_start..end]
        .trim()
        .trim_start_matches('-')
        .trim();
    let name: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .collect();
    if inner.is_empty() || name.is_empty() && bytes[start + 1] == b'%' {
        return None;
    }
    let after_name = inner[name.len()..].trim_start();
    let kind = if hugo {
        TemplateKind::HugoShortcode
    } else if after_name.starts_with('(') {
        TemplateKind::ZolaShortcode
    } else if bytes[start + 1] == b'%' {
        TemplateKind::LiquidTag
    } else {
        TemplateKind::LiquidExpression
    };
    // A Liquid expression names what it shows: `site.title`, or the filter.
    let name = match kind {
        TemplateKind::LiquidExpression => inner
            .rsplit('|')
            .next()
            .map(|f| {
                f.trim()
                    .split([' ', ':'])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .filter(|f| inner.contains('|') && !f.is_empty())
            .unwrap_or(name),
        _ => name.trim_start_matches('/').to_string(),
    };
    let range = start..end + close.len();
    Some(LiteralTemplate {
        kind,
        name,
        text: source[range.clone()].to_string(),
        range,
    })
}

/// Reads a kramdown attribute list at `start` (`{:`), which ends on its
/// line: `{: .note}`, `{: #intro .wide}`, `{: lang="en"}`, `{:ref: .x}`, or
/// an extension such as `{::comment}`. Braces that hold anything else, like
/// `{:}` or a colon in prose, are not one.
fn read_attribute_list(source: &str, start: usize) -> Option<LiteralTemplate> {
    let rest = &source[start + 2..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let end = rest[..line_end].find('}')?;
    let inner = &rest[..end];
    let trimmed = inner.trim();
    let word_then = |mark: char| {
        trimmed
            .split_once(mark)
            .is_some_and(|(word, _)| !word.is_empty() && word.chars().all(is_name_char))
    };
    // `{:/comment}` closes an extension: it belongs to the opening one.
    if trimmed.starts_with('/') {
        return None;
    }
    // At the end of an ATX heading, pulldown-cmark reads the list as the
    // heading's attributes (`## Intro {: #intro .wide}`), as kramdown does.
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let after = &rest[end + 1..line_end];
    if source[line_start..start].trim_start().starts_with('#') && after.trim().is_empty() {
        return None;
    }
    let is_list = trimmed.starts_with(['.', '#', ':']) || word_then('=') || word_then(':');
    if !is_list || trimmed.len() < 2 {
        return None;
    }
    let range = start..start + 2 + end + 1;
    Some(LiteralTemplate {
        kind: TemplateKind::KramdownAttributes,
        name: trimmed.trim_start_matches(':').to_string(),
        text: source[range.clone()].to_string(),
        range,
    })
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

fn is_closing(name: &str) -> bool {
    name == "end" || name.starts_with("end") && name.len() > 3 || name.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(TemplateKind, String, &str)> {
        find_literal_templates(source)
            .into_iter()
            .map(|l| (l.kind, l.name, &source[l.range]))
            .collect()
    }

    #[test]
    fn shortcodes_and_liquid_are_found_with_their_names() {
        let source = "A {{ youtube(id=\"x\") }} b.\n\n{% note(kind=\"warn\") %}\nCareful.\n{% end %}\n\n\
                      {% include footer.html %}\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n\
                      ![x]({{ \"/a.png\" | relative_url }}) {{ site.title }} {{< figure src=\"a.png\" >}}\n";
        assert_eq!(
            kinds(source),
            vec![
                (
                    TemplateKind::ZolaShortcode,
                    "youtube".to_string(),
                    "{{ youtube(id=\"x\") }}"
                ),
                (
                    TemplateKind::ZolaShortcode,
                    "note".to_string(),
                    "{% note(kind=\"warn\") %}"
                ),
                (
                    TemplateKind::LiquidTag,
                    "include".to_string(),
                    "{% include footer.html %}"
                ),
                (
                    TemplateKind::LiquidTag,
                    "highlight".to_string(),
                    "{% highlight ruby %}"
                ),
                (
                    TemplateKind::LiquidExpression,
                    "relative_url".to_string(),
                    "{{ \"/a.png\" | relative_url }}"
                ),
                (
                    TemplateKind::LiquidExpression,
                    "site.title".to_string(),
                    "{{ site.title }}"
                ),
                (
                    TemplateKind::HugoShortcode,
                    "figure".to_string(),
                    "{{< figure src=\"a.png\" >}}"
                ),
            ]
        );
    }

    #[test]
    fn kramdown_attribute_lists_are_found_and_prose_and_heading_attributes_are_not() {
        let source = "A note.\n{: .note}\n\n## Intro {: #intro .wide}\n\n## Next {: .x} here\n\n**b**{: lang=\"en\"}\n\n\
                      {::comment}\nx\n{:/comment}\n\nA set {:} and {: not one} and `{: .code}`.\n";
        assert_eq!(
            kinds(source),
            vec![
                (
                    TemplateKind::KramdownAttributes,
                    ".note".to_string(),
                    "{: .note}"
                ),
                (TemplateKind::KramdownAttributes, ".x".to_string(), "{: .x}"),
                (
                    TemplateKind::KramdownAttributes,
                    "lang=\"en\"".to_string(),
                    "{: lang=\"en\"}"
                ),
                (
                    TemplateKind::KramdownAttributes,
                    "comment".to_string(),
                    "{::comment}"
                ),
            ]
        );
    }

    #[test]
    fn code_spans_and_code_blocks_are_left_alone() {
        let source =
            "`{{ page.title }}`\n\n```\n{% include x %}\n```\n\n    {{ x() }}\n\nand {} or {{}}\n";
        assert_eq!(kinds(source), Vec::new());
    }
}
