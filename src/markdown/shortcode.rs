//! Shortcodes in Zola's syntax, found in Markdown outside code:
//! `{{ name(key="v", n=3) }}` inline, `{% name(key="v") %}…{% end %}` with a
//! body, and `{{/* name() */}}` / `{%/* name() */%}` to show one as written.
//!
//! This file only finds calls and reads their arguments; what a shortcode
//! renders to is the caller's business (`render` runs Tera templates), and
//! `to_html_with` puts the result in place.

use std::ops::Range;

use super::literal::code_ranges;

/// A shortcode call in Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The shortcode's name: `youtube`.
    pub name: String,
    /// The arguments, in the order written.
    pub args: Vec<(String, Arg)>,
    /// The opening tag: `{{ … }}` for an inline call, `{% … %}` for one with a body.
    pub open: Range<usize>,
    /// The closing `{% end %}`, for a call with a body.
    pub close: Option<Range<usize>>,
}

impl Call {
    /// From the opening tag to the end of the closing one.
    pub fn range(&self) -> Range<usize> {
        let end = self.close.as_ref().map_or(self.open.end, |c| c.end);
        self.open.start..end
    }

    /// The body's text as written, between the tags.
    pub fn body<'a>(&self, source: &'a str) -> Option<&'a str> {
        let close = self.close.as_ref()?;
        source.get(self.open.end..close.start)
    }
}

/// An argument's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `"text"`, `'text'` or `` `text` ``.
    Text(String),
    /// `3`, `-1`.
    Integer(i64),
    /// `1.5`.
    Float(f64),
    /// `true`, `false`.
    Bool(bool),
    /// `["a", 2]`.
    List(Vec<Arg>),
}

/// What `find` meets in Markdown.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// A call to render.
    Call(Call),
    /// `{{/* x() */}}`: to print as `{{ x() }}`.
    Escaped {
        /// Where it is written.
        range: Range<usize>,
        /// What to print.
        text: String,
    },
}

/// A call written wrongly, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the source.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// Finds every shortcode call and escaped call outside code, in order of
/// where each starts. A `{{ … }}` or `{% … %}` that is not shaped like a
/// call (Liquid, a Hugo shortcode) is not one and is left where it is.
pub fn find(source: &str) -> (Vec<Found>, Vec<Problem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    if !source.contains("{{") && !source.contains("{%") {
        return (found, problems);
    }
    let code = code_ranges(source);
    // Calls with a body still waiting for their `{% end %}`: index in `found`.
    let mut open: Vec<usize> = Vec::new();
    let mut from = 0;
    while let Some(start) = next_tag(source, from) {
        from = start + 2;
        if let Some(block) = code.iter().find(|r| r.contains(&start)) {
            from = block.end.max(from);
            continue;
        }
        match read_tag(source, start) {
            Tag::NotOurs => {}
            Tag::Escaped { end, text } => {
                found.push(Found::Escaped {
                    range: start..end,
                    text,
                });
                from = end;
            }
            Tag::End { end } => {
                match open.pop() {
                    Some(i) => {
                        if let Found::Call(call) = &mut found[i] {
                            call.close = Some(start..end);
                        }
                    }
                    None => problems.push(Problem {
                        offset: start,
                        message: "`{% end %}` closes no shortcode".to_string(),
                        help: "remove it, or open a shortcode with a body before it, like `{% note() %}`"
                            .to_string(),
                    }),
                }
                from = end;
            }
            Tag::Call { call, body } => {
                from = call.open.end;
                if body {
                    open.push(found.len());
                }
                found.push(Found::Call(call));
            }
            Tag::Bad(problem) => {
                from = problem.offset + 1;
                problems.push(problem);
            }
        }
    }
    for i in open {
        if let Found::Call(call) = &found[i] {
            problems.push(Problem {
                offset: call.open.start,
                message: format!("shortcode `{}` has no `{{% end %}}`", call.name),
                help: "close its body with `{% end %}` on a line of its own".to_string(),
            });
        }
    }
    found.retain(|f| !matches!(f, Found::Call(c) if c.close.is_none() && is_body_tag(source, c)));
    (found, problems)
}

fn is_body_tag(source: &str, call: &Call) -> bool {
    source[call.open.clone()].starts_with("{%")
}

fn next_tag(source: &str, from: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut at = from;
    while let Some(i) = source.get(at..)?.find('{') {
        let start = at + i;
        if matches!(bytes.get(start + 1), Some(b'{' | b'%')) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// What a `{{` or `{%` starts.
enum Tag {
    NotOurs,
    Escaped { end: usize, text: String },
    End { end: usize },
    Call { call: Call, body: bool },
    Bad(Problem),
}

fn read_tag(source: &str, start: usize) -> Tag {
    let body = source.as_bytes()[start + 1] == b'%';
    let close = if body { "%}" } else { "}}" };
    let inner_start = start + 2;
    let rest = &source[inner_start..];
    // `{{/* … */}}` shows the call as written.
    if let Some(after) = rest.strip_prefix("/*") {
        let ending = format!("*/{close}");
        let Some(inner_end) = after.find(&ending) else {
            return Tag::NotOurs;
        };
        let (left, right) = if body { ("{%", "%}") } else { ("{{", "}}") };
        return Tag::Escaped {
            end: inner_start + 2 + inner_end + ending.len(),
            text: format!("{left}{}{right}", &after[..inner_end]),
        };
    }
    let mut p = Parser {
        source,
        at: inner_start,
    };
    p.spaces();
    let name = p.ident();
    if name.is_empty() {
        return Tag::NotOurs;
    }
    p.spaces();
    if body && name == "end" && source[p.at..].starts_with(close) {
        return Tag::End {
            end: p.at + close.len(),
        };
    }
    if !source[p.at..].starts_with('(') {
        return Tag::NotOurs;
    }
    let name = name.to_string();
    let args = match p.arguments() {
        Ok(args) => args,
        Err(problem) => {
            return Tag::Bad(Problem {
                message: format!("shortcode `{name}`: {}", problem.message),
                ..problem
            });
        }
    };
    p.spaces();
    if !source[p.at..].starts_with(close) {
        return Tag::Bad(Problem {
            offset: p.at,
            message: format!("shortcode `{name}`: expected `{close}` after the arguments"),
            help: format!("end the call with `{close}`"),
        });
    }
    Tag::Call {
        call: Call {
            name,
            args,
            open: start..p.at + close.len(),
            close: None,
        },
        body,
    }
}

/// Reads arguments: `(key="v", n=3, ok=true, list=[1, "a"])`.
struct Parser<'a> {
    source: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.source[self.at..]
    }

    fn spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn ident(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (*i > 0 && *c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        let ident = &rest[..len];
        if ident.starts_with(|c: char| c.is_ascii_digit()) {
            return "";
        }
        self.at += len;
        ident
    }

    fn problem(&self, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            offset: self.at,
            message: message.into(),
            help: help.into(),
        }
    }

    fn arguments(&mut self) -> Result<Vec<(String, Arg)>, Problem> {
        self.at += 1; // `(`
        let mut args: Vec<(String, Arg)> = Vec::new();
        loop {
            self.spaces();
            if self.rest().starts_with(')') {
                self.at += 1;
                return Ok(args);
            }
            let key_at = self.at;
            let key = self.ident();
            if key.is_empty() {
                return Err(self.problem(
                    "expected an argument name or `)`",
                    "write arguments as `name=value`, separated by commas",
                ));
            }
            if args.iter().any(|(k, _)| k == key) {
                return Err(Problem {
                    offset: key_at,
                    message: format!("argument `{key}` is given twice"),
                    help: "give each argument once".to_string(),
                });
            }
            self.spaces();
            if !self.rest().starts_with('=') {
                return Err(self.problem(
                    format!("expected `=` after `{key}`"),
                    format!("give it a value, like `{key}=\"…\"`"),
                ));
            }
            self.at += 1;
            self.spaces();
            let value = self.value()?;
            args.push((key.to_string(), value));
            self.spaces();
            match self.rest().chars().next() {
                Some(',') => self.at += 1,
                Some(')') => {}
                _ => {
                    return Err(self.problem(
                        "expected `,` or `)` after an argument",
                        "separate arguments with commas and close the list with `)`",
                    ));
                }
            }
        }
    }

    fn value(&mut self) -> Result<Arg, Problem> {
        let rest = self.rest();
        match rest.chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => self.text(quote),
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.spaces();
                    if self.rest().starts_with(']') {
                        self.at += 1;
                        return Ok(Arg::List(items));
                    }
                    items.push(self.value()?);
                    self.spaces();
                    match self.rest().chars().next() {
                        Some(',') => self.at += 1,
                        Some(']') => {}
                        _ => {
                            return Err(self.problem(
                                "expected `,` or `]` in a list",
                                "write a list like `[1, 2, \"three\"]`",
                            ));
                        }
                    }
                }
            }
            _ if rest.starts_with("true") && !continues_word(&rest[4..]) => {
                self.at += 4;
                Ok(Arg::Bool(true))
            }
            _ if rest.starts_with("false") && !continues_word(&rest[5..]) => {
                self.at += 5;
                Ok(Arg::Bool(false))
            }
            _ => self.number(),
        }
    }

    fn text(&mut self, quote: char) -> Result<Arg, Problem> {
        let open = self.at;
        let mut text = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, next)) if next == quote || next == '\\' => text.push(next),
                    Some((_, next)) => {
                        text.push('\\');
                        text.push(next);
                    }
                    None => break,
                },
                c if c == quote => {
                    self.at += i + c.len_utf8();
                    return Ok(Arg::Text(text));
                }
                c => text.push(c),
            }
        }
        Err(Problem {
            offset: open,
            message: format!("this text has no closing {quote}"),
            help: format!("end the text with {quote}"),
        })
    }

    fn number(&mut self) -> Result<Arg, Problem> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(i, c)| {
                !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+')))
            })
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..len];
        let parsed = if word.contains('.') {
            word.parse().ok().map(Arg::Float)
        } else {
            word.parse().ok().map(Arg::Integer)
        };
        match parsed {
            Some(arg) if !continues_word(&rest[len..]) => {
                self.at += len;
                Ok(arg)
            }
            _ => Err(self.problem(
                "expected a value: text in quotes, a number, `true`, `false` or a list",
                "put text in quotes, like `id=\"dQw4w9WgXcQ\"`",
            )),
        }
    }
}

fn continues_word(rest: &str) -> bool {
    rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(source: &str) -> Vec<Call> {
        let (found, problems) = find(source);
        assert_eq!(problems, Vec::new(), "{source}");
        found
            .into_iter()
            .filter_map(|f| match f {
                Found::Call(c) => Some(c),
                Found::Escaped { .. } => None,
            })
            .collect()
    }

    fn problem(source: &str) -> (usize, String) {
        let (_, problems) = find(source);
        let p = problems.into_iter().next().expect("a problem");
        (p.offset, p.message)
    }

    #[test]
    fn arguments_are_text_numbers_booleans_and_lists() {
        let found = calls(
            "{{ video(id=\"x\", t='y', u=`z`, n=3, m=-1, f=1.5, on=true, off=false, list=[1, \"a\", [true]],) }}",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "video");
        assert_eq!(
            found[0].args,
            vec![
                ("id".to_string(), Arg::Text("x".to_string())),
                ("t".to_string(), Arg::Text("y".to_string())),
                ("u".to_string(), Arg::Text("z".to_string())),
                ("n".to_string(), Arg::Integer(3)),
                ("m".to_string(), Arg::Integer(-1)),
                ("f".to_string(), Arg::Float(1.5)),
                ("on".to_string(), Arg::Bool(true)),
                ("off".to_string(), Arg::Bool(false)),
                (
                    "list".to_string(),
                    Arg::List(vec![
                        Arg::Integer(1),
                        Arg::Text("a".to_string()),
                        Arg::List(vec![Arg::Bool(true)])
                    ])
                ),
            ]
        );
    }

    #[test]
    fn a_body_runs_to_its_end_tag_and_bodies_nest() {
        let source = "{% note() %}\nA {% details(summary=\"s\") %}x{% end %} b\n{% end %}\n";
        let found = calls(source);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "note");
        assert_eq!(found[0].range(), 0..source.len() - 1);
        assert_eq!(found[1].body(source), Some("x"));
    }

    #[test]
    fn code_is_never_searched() {
        let source = "`{{ a() }}`\n\n```\n{% b() %}\n```\n\n    {{ c() }}\n\n{{ d() }}\n";
        let found = calls(source);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "d");
    }

    #[test]
    fn liquid_and_hugo_are_not_calls() {
        assert_eq!(
            calls("{{ site.title }} {% include x.html %} {{< figure >}} {% if a %}"),
            Vec::new()
        );
    }

    #[test]
    fn an_escaped_call_prints_as_written() {
        let (found, _) = find("{{/* youtube(id=\"x\") */}} and {%/* note() */%}");
        assert_eq!(
            found,
            vec![
                Found::Escaped {
                    range: 0..25,
                    text: "{{ youtube(id=\"x\") }}".to_string()
                },
                Found::Escaped {
                    range: 30..46,
                    text: "{% note() %}".to_string()
                },
            ]
        );
    }

    #[test]
    fn bad_calls_are_problems_at_their_place() {
        assert_eq!(
            problem("{{ a(id=) }}"),
            (
                8,
                "shortcode `a`: expected a value: text in quotes, a number, `true`, `false` or a list"
                    .to_string()
            )
        );
        assert_eq!(
            problem("{{ a(id \"x\") }}"),
            (8, "shortcode `a`: expected `=` after `id`".to_string())
        );
        assert_eq!(
            problem("{{ a(id=\"x) }}"),
            (8, "shortcode `a`: this text has no closing \"".to_string())
        );
        assert_eq!(
            problem("{{ a(x=1, x=2) }}"),
            (10, "shortcode `a`: argument `x` is given twice".to_string())
        );
        assert_eq!(
            problem("x\n{% note() %}\nno end\n"),
            (2, "shortcode `note` has no `{% end %}`".to_string())
        );
        assert_eq!(
            problem("{% end %}"),
            (0, "`{% end %}` closes no shortcode".to_string())
        );
    }
}
