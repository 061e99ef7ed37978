//! LaTeX math → MathML, with pulldown-latex, and a LaTeX error placed in
//! its formula and named by its command.
//!
//! Pure text in, text out, like the rest of `markdown`.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage};

/// Why a formula cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    /// Byte offset in the formula of the command at fault, or of where
    /// reading it stopped.
    pub offset: usize,
    /// What is wrong, naming the command.
    pub message: String,
}

/// How far pulldown-latex's error context reaches either side of the
/// error, in bytes; the formula is read after as many spaces (which math
/// ignores), so that the context always starts this far before the error.
const CONTEXT: usize = 12;

/// Renders a formula to MathML: a `<math>` element, `display="block"`
/// when `display`.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, MathError> {
    let padded = format!("{:CONTEXT$}{tex}", "");
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(&padded, &storage)
        .collect::<Result<_, _>>()
        .map_err(|e: pulldown_latex::ParserError| locate(tex, &padded, &e.to_string()))?;
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut mathml = String::new();
    pulldown_latex::push_mathml(
        &mut mathml,
        events.into_iter().map(Ok::<_, pulldown_latex::ParserError>),
        config,
    )
    .map_err(|e| MathError {
        offset: 0,
        message: format!("cannot write the math: {e}"),
    })?;
    // `<mspace />`, the only element pulldown-latex closes itself, ends
    // with an end tag: a self-closing tag without its slash, as an HTML
    // tool may print it, leaves a MathML element open.
    Ok(escape_stray_text(&mathml.replace(" />", "></mspace>")))
}

/// Escapes each `<` that opens no tag and each `&` that starts no
/// character reference: pulldown-latex 0.8 writes the operator `<` as
/// `<mo><</mo>` and `\&` as `<mi>&</mi>`, which a validator refuses.
fn escape_stray_text(mathml: &str) -> String {
    let mut out = String::with_capacity(mathml.len());
    let mut rest = mathml;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let next = rest[i + 1..].bytes().next();
        let markup = match rest.as_bytes()[i] {
            b'<' => next.is_some_and(|b| b.is_ascii_alphabetic() || b == b'/'),
            _ => next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'#'),
        };
        out.push_str(match (markup, rest.as_bytes()[i]) {
            (true, b'<') => "<",
            (true, _) => "&",
            (false, b'<') => "&lt;",
            (false, _) => "&amp;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

/// Turns pulldown-latex's report (a reason, then the formula around the
/// error) into an error at the command at fault.
///
/// pulldown-latex keeps where the error is to itself and prints the
/// formula from `CONTEXT` bytes before it: finding that text in the
/// padded formula finds the place.
fn locate(tex: &str, padded: &str, report: &str) -> MathError {
    let reason = report
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("parsing error: ")
        .to_string();
    let at = context(report)
        .and_then(|shown| padded.find(&shown))
        .unwrap_or(0)
        .min(tex.len());
    let command = command_before(tex, at);
    let message = match &command {
        Some((_, name)) if reason.starts_with("unknown primitive command") => {
            format!("math: unknown LaTeX command `{name}`")
        }
        Some((_, name)) => format!("math: {reason}, at `{name}`"),
        None => format!("math: {reason}"),
    };
    MathError {
        offset: command.map_or(at, |(start, _)| start),
        message,
    }
}

/// The formula text a report shows: the lines between its `│` frame,
/// less the marks (`…`) and the underline, of its last context (the
/// formula as written, when a macro was expanded).
fn context(report: &str) -> Option<String> {
    let last = report.rsplit("expanded from:\n").next()?;
    let last = last.split_once("context:\n").map_or(last, |(_, rest)| rest);
    let lines: Vec<&str> = last
        .lines()
        .filter_map(|line| line.strip_prefix('│'))
        .skip(1)
        .collect();
    let (_, shown) = lines.split_last()?;
    let mut text = String::new();
    for (i, line) in shown.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let line = if i == 0 {
            line.strip_prefix('…').or_else(|| line.strip_prefix(' '))
        } else {
            line.strip_prefix(' ')
        };
        text.push_str(line.unwrap_or_default());
    }
    (!text.trim().is_empty()).then_some(text)
}

/// The last control word (`\frac`) that starts before `at`, with where it starts.
fn command_before(tex: &str, at: usize) -> Option<(usize, String)> {
    let bytes = tex.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < at.min(bytes.len()) {
        if bytes[i] == b'\\' {
            let name_len = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            if name_len > 0 {
                found = Some((i, tex[i..i + 1 + name_len].to_string()));
            }
            i += 1 + name_len.max(1);
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_becomes_mathml() {
        assert_eq!(
            to_mathml(r"\frac{a}{b}", false).unwrap(),
            "<math display=\"inline\"><mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac></math>"
        );
        let block = to_mathml(r"\begin{align} x &= 1 \\ y &= 2 \end{align}", true).unwrap();
        assert!(
            block.starts_with("<math display=\"block\"><mtable"),
            "{block}"
        );
    }

    #[test]
    fn less_than_and_ampersand_are_escaped() {
        assert_eq!(
            to_mathml(r"x < 0 \& y > 1", false).unwrap(),
            "<math display=\"inline\"><mi>x</mi><mo>&lt;</mo><mn>0</mn><mi>&amp;</mi><mi>y</mi><mo>></mo><mn>1</mn></math>"
        );
    }

    #[test]
    fn a_space_has_an_end_tag() {
        assert_eq!(
            to_mathml(r"a\,b", false).unwrap(),
            "<math display=\"inline\"><mi>a</mi><mspace width=\"0.16666667em\"></mspace><mi>b</mi></math>"
        );
    }

    #[test]
    fn an_unknown_command_is_named_at_its_place() {
        let tex = r"\frac{a}{b} + \sum_{i} \bogus x + y";
        assert_eq!(
            to_mathml(tex, false).unwrap_err(),
            MathError {
                offset: tex.find(r"\bogus").unwrap(),
                message: r"math: unknown LaTeX command `\bogus`".to_string(),
            }
        );
        assert_eq!(
            to_mathml(r"x + \foo{y}", false).unwrap_err(),
            MathError {
                offset: 4,
                message: r"math: unknown LaTeX command `\foo`".to_string(),
            }
        );
    }

    #[test]
    fn other_errors_name_the_command_they_are_in() {
        let error = to_mathml(r"1 + \frac{a}", true).unwrap_err();
        assert_eq!(error.offset, 4);
        assert_eq!(error.message, r"math: expected a token, at `\frac`");
        let error = to_mathml("a^{b", false).unwrap_err();
        assert_eq!(error.offset, 4);
        assert!(
            error.message.starts_with("math: unbalanced group"),
            "{error:?}"
        );
    }

    #[test]
    fn the_context_is_read_over_several_lines() {
        let report = "parsing error: x\n╭─► context:\n│\n│…ab\n│ cd\n│ ^^\n╰───";
        assert_eq!(context(report).as_deref(), Some("ab\ncd"));
        let tex = "x\n  + y\n  + \\nope z";
        let error = to_mathml(tex, true).unwrap_err();
        assert_eq!(error.offset, tex.find(r"\nope").unwrap(), "{error:?}");
    }
}
