//! Renders shortcode calls through the templates `shortcodes/NAME.html` of
//! the site, then of its theme. `markdown` finds the calls and reads their
//! arguments; this file runs the template of each and says what went wrong
//! at the call's place.

use std::cell::{OnceCell, RefCell};
use std::path::Path;

use tera::Value;

use crate::config::Config;
use crate::markdown::{Arg, Call, Failure, Shortcodes};

use super::templates::{Templates, path_context, template_error};

/// The folder of shortcode templates, inside a `templates/` folder.
const FOLDER: &str = "shortcodes/";

/// The shortcodes of one page or section body.
pub struct TeraShortcodes<'a> {
    templates: &'a Templates,
    config: &'a Config,
    /// The content file, for messages.
    file: &'a Path,
    /// The URL of the page being rendered, for `current_path`.
    url: &'a str,
    /// `page` or `section`, and how to make its value (only if a call needs it).
    subject: (&'static str, &'a dyn Fn() -> Value),
    value: OnceCell<Value>,
    /// The shortcodes called so far, each once.
    called: RefCell<Vec<String>>,
}

impl<'a> TeraShortcodes<'a> {
    /// The shortcodes of the body of `file`, at `url`; a shortcode sees the
    /// page or section as `subject.0`, made by `subject.1`.
    pub fn new(
        templates: &'a Templates,
        config: &'a Config,
        (file, url): (&'a Path, &'a str),
        subject: (&'static str, &'a dyn Fn() -> Value),
    ) -> Self {
        TeraShortcodes {
            templates,
            config,
            file,
            url,
            subject,
            value: OnceCell::new(),
            called: RefCell::default(),
        }
    }

    /// The shortcodes the body called, each once.
    pub fn called(&self) -> Vec<String> {
        self.called.borrow().clone()
    }

    /// The page or section value the shortcodes saw, if any was called.
    pub fn seen(&self) -> Option<Value> {
        self.value.get().cloned()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .templates
            .files
            .keys()
            .filter_map(|t| t.strip_prefix(FOLDER)?.strip_suffix(".html"))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }
}

impl Shortcodes for TeraShortcodes<'_> {
    fn raw_body(&self, name: &str) -> bool {
        self.templates
            .sources
            .get(&format!("{FOLDER}{name}.html"))
            .is_some_and(|text| declares_raw_body(text))
    }

    fn render(&self, call: &Call, body: Option<&str>) -> Result<String, Failure> {
        {
            let mut called = self.called.borrow_mut();
            if !called.contains(&call.name) {
                called.push(call.name.clone());
            }
        }
        let template = format!("{FOLDER}{}.html", call.name);
        if !self.templates.tera.contains_template(&template) {
            let names = self.names();
            let help = match crate::config::closest(&call.name, &names) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "add `templates/{template}`, or write `{{{{/* {}() */}}}}` to show the call as text",
                    call.name
                ),
            };
            return Err(Failure {
                message: format!("unknown shortcode `{}`", call.name),
                help,
                causes: Vec::new(),
            });
        }
        let mut context = path_context(self.config, self.url);
        for (key, arg) in &call.args {
            context.insert_value(key.clone(), value_of(arg));
        }
        match body {
            // A body taken as written is text, escaped where it is printed.
            Some(body) if self.raw_body(&call.name) => {
                let body = body.strip_prefix('\n').unwrap_or(body);
                context.insert_value("body", Value::from(body.strip_suffix('\n').unwrap_or(body)));
            }
            Some(body) => context.insert_value("body", Value::safe_string(body)),
            None => {}
        }
        let (key, make) = self.subject;
        context.insert_value(key, self.value.get_or_init(make).clone());
        let rendered = self.templates.tera.render(&template, &context);
        // A template's last newline would end an inline call's paragraph line.
        rendered
            .map(|html| html.trim_end().to_string())
            .map_err(|e| {
                let located = template_error(&e, &self.templates.files, Some(self.file));
                // The template's place, then Tera's message and snippet.
                let mut causes = located.causes.clone();
                match causes.first_mut() {
                    Some(first) => *first = format!("{}: {first}", located.place()),
                    None => causes.push(format!("{}: {}", located.place(), located.message)),
                }
                Failure {
                    message: format!("shortcode `{}` failed in its template", call.name),
                    help: "give the call the arguments its template reads, or fix the template"
                        .to_string(),
                    causes,
                }
            })
    }
}

/// Whether a shortcode template asks for its body as written: it opens with
/// the comment `{# body: raw #}` (dashes for whitespace control allowed).
pub fn declares_raw_body(text: &str) -> bool {
    let Some(comment) = text.trim_start().strip_prefix("{#") else {
        return false;
    };
    let Some(end) = comment.find("#}") else {
        return false;
    };
    comment[..end].trim_matches(|c: char| c == '-' || c.is_whitespace()) == "body: raw"
}

fn value_of(arg: &Arg) -> Value {
    match arg {
        Arg::Text(text) => Value::from(text.as_str()),
        Arg::Integer(n) => Value::from(*n),
        Arg::Float(x) => Value::from(*x),
        Arg::Bool(b) => Value::from(*b),
        Arg::List(items) => Value::from(items.iter().map(value_of).collect::<Vec<_>>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_asks_for_a_raw_body_in_its_first_comment() {
        assert!(declares_raw_body("{# body: raw #}\n<pre>{{ body }}</pre>"));
        assert!(declares_raw_body("\n{#- body: raw -#}<pre>"));
        assert!(!declares_raw_body("<div>{# body: raw #}</div>"));
        assert!(!declares_raw_body("{# the body #}"));
    }
}
