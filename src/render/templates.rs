//! The site's templates: loaded once from the site, its theme and the
//! built-in theme, checked all at once, and the errors Tera reports turned
//! into located folio errors. Also what each template is made of, so that
//! an edit to one renders again only what uses it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::content::site_relative;
use crate::error::{Error, Errors, Location};

use super::functions::{self, Lookup};

/// The site's templates, parsed once.
pub struct Templates {
    pub(super) tera: Tera,
    /// Template name → its file relative to the site root, for messages.
    pub(super) files: HashMap<String, PathBuf>,
    pub(super) lookup: Arc<RwLock<Arc<Lookup>>>,
    /// Template name → whether it (or what it extends or includes) names `site`.
    reads_site: HashMap<String, bool>,
    /// Template name → its text, for `--template-metrics` hints.
    pub(super) sources: HashMap<String, String>,
}

/// Where a file of the built-in theme would be, for messages.
pub(super) fn builtin_theme_path(folder: &str, name: &str) -> PathBuf {
    PathBuf::from(format!(
        "(built-in theme) themes/{}/{folder}/{name}",
        crate::embedded::DEFAULT_THEME
    ))
}

/// Loads the templates of the site and its theme (the built-in one when the
/// site names none and has none of its own, and the built-in shortcodes
/// always); the site's win.
pub fn load(config: &Config) -> std::result::Result<Templates, Errors> {
    let lookup = Arc::new(RwLock::new(Arc::new(Lookup::default())));
    let mut tera = Tera::new();
    functions::register(&mut tera, &lookup);
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    let mut sources: HashMap<String, String> = HashMap::new();
    // Every site can call the default theme's shortcodes; its own theme's
    // and its own shortcodes of the same name replace them.
    // The social card template is drawn by `cards`, with filters of its own.
    let builtin = crate::embedded::theme_templates()
        .filter(|(name, _)| config.builtin_theme || name.starts_with("shortcodes/"))
        .filter(|(name, _)| *name != crate::cards::TEMPLATE);
    for (name, text) in builtin {
        files.insert(name.to_string(), builtin_theme_path("templates", name));
        sources.insert(name.to_string(), text.to_string());
    }
    // The theme first, so that a site template of the same name replaces it.
    for dir in config.template_dirs.iter().rev() {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                Error::at(
                    site_relative(config, dir),
                    None,
                    "cannot read the template folder",
                )
                .cause(e)
            })?;
            crate::content::check_walked(config, &entry)?;
            let name_ok = entry
                .file_name()
                .to_str()
                .is_some_and(|n| !crate::content::is_ignored_name(n));
            let is_card = entry
                .path()
                .strip_prefix(dir)
                .is_ok_and(|n| n == Path::new(crate::cards::TEMPLATE));
            if !entry.file_type().is_file() || !name_ok || is_card {
                continue;
            }
            let rel_file = site_relative(config, entry.path());
            let name = entry
                .path()
                .strip_prefix(dir)
                .ok()
                .and_then(Path::to_str)
                .map(|s| s.replace('\\', "/"))
                .ok_or_else(|| {
                    Error::at(&rel_file, None, "file name is not valid UTF-8")
                        .help("rename the file")
                })?;
            let text = std::fs::read_to_string(entry.path()).map_err(|e| {
                Error::at(&rel_file, None, "cannot read the template")
                    .cause(e)
                    .help("save the file as UTF-8")
            })?;
            files.insert(name.clone(), rel_file);
            sources.insert(name, text);
        }
    }
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    tera.add_raw_templates(
        names
            .iter()
            .map(|n| (n.as_str(), sources[n.as_str()].as_str())),
    )
    .map_err(|e| {
        missing_parent(&sources, &files).unwrap_or_else(|| template_errors(&e, &files, None))
    })?;
    // Tera's parser lists the variables a template and everything it
    // extends or includes loads: one that never names `site` cannot read it.
    let reads_site = names
        .iter()
        .map(|n| {
            let reads = tera
                .get_template_variables(n)
                .map_or(true, |vars| vars.contains("site"));
            (n.to_string(), reads)
        })
        .collect();
    Ok(Templates {
        tera,
        files,
        lookup,
        reads_site,
        sources,
    })
}

impl Templates {
    /// Whether the template, or one it extends or includes, names `site`.
    pub(super) fn reads_site(&self, name: &str) -> bool {
        self.reads_site.get(name).copied().unwrap_or(true)
    }

    pub(super) fn set_global(&mut self, name: &'static str, value: Value) {
        self.tera.global_context().insert_value(name, value);
    }

    pub(super) fn update_lookup(&self, change: impl FnOnce(&mut Lookup)) {
        if let Ok(mut shared) = self.lookup.write() {
            change(Arc::make_mut(&mut shared));
        }
    }
}

/// The context every template starts from: where the file being rendered is.
pub fn path_context(config: &Config, url: &str) -> Context {
    let mut context = Context::new();
    let path = config.with_base(url);
    context.insert_value("current_permalink", Value::from(config.permalink(&path)));
    context.insert_value("current_path", Value::from(path));
    context
}

/// Turns a Tera error into a located folio error; `rendering` is the content file.
pub fn template_error(
    e: &tera::Error,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Error {
    let (file, location, cause) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let location = Location {
                line: span.start_line,
                column: span.start_col + 1,
            };
            // Tera's own report opens with "error: <message>" (a folio
            // function's message spans lines: it ends with its help); keep
            // the snippet below it.
            let report = e.to_string();
            let snippet = report
                .strip_prefix("error: ")
                .and_then(|rest| rest.strip_prefix(r.message()))
                .map_or_else(
                    || report.split_once('\n').map_or("", |(_, s)| s),
                    |rest| rest.trim_start_matches('\n'),
                );
            // A folio function says what to do after its message.
            let (message, help) = match r.message().split_once(functions::HELP_MARK) {
                Some((message, help)) => (message, Some(help)),
                None => (r.message(), None),
            };
            let cause = format!("{message}\n{}", snippet.trim_end());
            let error = located_template_error(
                Some(r.filename().to_string()),
                Some(location),
                cause,
                files,
                rendering,
            );
            return match help {
                Some(help) => error.help(help),
                None => error,
            };
        }
        _ => (None, None, e.to_string()),
    };
    located_template_error(file, location, cause, files, rendering)
}

/// Turns a Tera error into one folio error per problem: Tera reports every
/// unknown filter, function or block of all the templates at once, as one
/// message of several reports, and each is a problem of its own.
fn template_errors(
    e: &tera::Error,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Errors {
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return Errors::from(template_error(e, files, rendering));
    };
    let reports = split_reports(text);
    if reports.is_empty() {
        return Errors::from(template_error(e, files, rendering));
    }
    Errors(
        reports
            .into_iter()
            .map(|(file, location, cause)| {
                located_template_error(Some(file), Some(location), cause, files, rendering)
            })
            .collect(),
    )
}

/// The first template whose `{% extends "…" %}` names a template that does
/// not exist, as an error at the tag: Tera's own message has no place.
fn missing_parent(
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
) -> Option<Errors> {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    names.into_iter().find_map(|name| {
        let text = &sources[name];
        let (at, parent) = extends_tag(text)?;
        if sources.contains_key(parent) {
            return None;
        }
        let near = crate::config::nearest(parent, sources.keys().map(String::as_str));
        let help = match near.first() {
            Some(n) => format!("did you mean `{n}`? Otherwise create `templates/{parent}`"),
            None => format!("create `templates/{parent}`, or remove the `extends` tag"),
        };
        let path = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        Some(Errors::from(
            Error::at(
                path,
                Some(Location::of_offset(text, at)),
                format!("`{name}` extends `{parent}`, which does not exist"),
            )
            .help(help),
        ))
    })
}

/// The offset and the parent's name of a template's `{% extends "…" %}`.
fn extends_tag(text: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{%") {
        let at = from + i;
        let rest = text[at + 2..].trim_start_matches('-').trim_start();
        from = at + 2;
        let Some(rest) = rest.strip_prefix("extends") else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let name = &rest[1..];
        return Some((at, &name[..name.find(quote)?]));
    }
    None
}

/// Splits Tera's joined reports (`error: <message>`, then `--> file:line:col`
/// and a snippet) into file, location and message with snippet.
fn split_reports(text: &str) -> Vec<(String, Location, String)> {
    let mut starts: Vec<usize> = text
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.push(text.len());
    starts
        .windows(2)
        .filter_map(|w| {
            let report = text[w[0]..w[1]].trim_end();
            let (first, snippet) = report.split_once('\n')?;
            let place = snippet.lines().next()?.trim().strip_prefix("--> ")?;
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let file = parts.next()?.to_string();
            let message = first.strip_prefix("error: ").unwrap_or(first);
            Some((
                file,
                Location { line, column },
                format!("{message}\n{snippet}"),
            ))
        })
        .collect()
}

fn located_template_error(
    file: Option<String>,
    location: Option<Location>,
    cause: String,
    files: &HashMap<String, PathBuf>,
    rendering: Option<&Path>,
) -> Error {
    let path = file
        .as_ref()
        .and_then(|f| files.get(f).cloned())
        .or(file.map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("templates"));
    let message = match rendering {
        Some(source) => format!("failed to render {}", source.display()),
        None => "template does not parse".to_string(),
    };
    let listing_field = ["content", "toc"].into_iter().find(|f| {
        cause.contains(&format!("Field `{f}` is not defined")) && cause.contains("word_count")
    });
    let help = match (rendering, listing_field) {
        (Some(_), Some(field)) => format!(
            "a page in a list has no `{field}`: show `p.summary`, or get the whole page with \
             `get_page(path=p.relative_path)`"
        ),
        (Some(_), None) => "fix the template, or give the page what the template reads (`x or \"\"` covers a missing value)".to_string(),
        (None, _) => "fix the template syntax at this place".to_string(),
    };
    Error::at(path, location, message).cause(cause).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extends_tag_is_found_with_its_place() {
        let text = "{# a #}\n{%- extends \"base.html\" -%}\n";
        assert_eq!(extends_tag(text), Some((8, "base.html")));
        assert_eq!(extends_tag("{% block a %}{% endblock %}"), None);
    }
}
