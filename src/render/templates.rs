//! The site's templates: loaded once from the site, its theme and the
//! built-in theme, checked all at once, and the errors Tera reports turned
//! into located folio errors. Also what each template is made of, so that
//! an edit to one renders again only what uses it.

use std::collections::{HashMap, HashSet};
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
    /// Template name → its text, for `--template-metrics` hints and to
    /// tell which templates an edit changed.
    pub(super) sources: HashMap<String, String>,
    /// Template name → what it is made of.
    shapes: HashMap<String, Shape>,
}

/// What a template is made of, and what it reads besides what it is handed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Shape {
    /// Itself and every template it extends, includes or calls a component
    /// of, through any number of steps.
    parts: HashSet<String>,
    /// Whether any of those names `data`.
    data: bool,
    /// Whether any of those may read a page's `previous` or `next`.
    neighbours: bool,
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
        syntax_errors(&sources, &files)
            .or_else(|| missing_parent(&sources, &files))
            .or_else(|| component_twice(&e, &sources, &files))
            .unwrap_or_else(|| template_errors(&e, &sources, &files))
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
    let shapes = shapes(&sources);
    Ok(Templates {
        tera,
        files,
        lookup,
        reads_site,
        sources,
        shapes,
    })
}

impl Templates {
    /// The templates whose text differs between `self` and `earlier`, or
    /// that only one of them has.
    pub(super) fn changed_since(&self, earlier: &Templates) -> HashSet<String> {
        let mut changed: HashSet<String> = self
            .sources
            .iter()
            .filter(|(name, text)| earlier.sources.get(*name) != Some(*text))
            .map(|(name, _)| name.clone())
            .collect();
        changed.extend(
            earlier
                .sources
                .keys()
                .filter(|name| !self.sources.contains_key(*name))
                .cloned(),
        );
        changed
    }

    /// Whether `name` is made of any of `changed` (itself included). A
    /// template this site does not have counts as changed.
    pub(super) fn uses_any(&self, name: &str, changed: &HashSet<String>) -> bool {
        match self.shapes.get(name) {
            Some(shape) => shape.parts.iter().any(|part| changed.contains(part)),
            None => true,
        }
    }

    /// Whether `name`, or anything it is made of, names `data`.
    pub(super) fn reads_data(&self, name: &str) -> bool {
        self.shapes.get(name).is_none_or(|shape| shape.data)
    }

    /// Whether `name`, or anything it is made of, may read a page's
    /// `previous` or `next`.
    pub(super) fn reads_neighbours(&self, name: &str) -> bool {
        self.shapes.get(name).is_none_or(|shape| shape.neighbours)
    }

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

/// The errors of a render with each template error that several files met
/// shown once: a mistake in `page.html` fails every page, and is one
/// problem to fix.
pub fn merge_repeated(errors: Errors) -> Errors {
    let mut merged: Vec<(Error, usize)> = Vec::new();
    for error in errors.0 {
        let same = merged.iter_mut().find(|(kept, _)| {
            kept.message.starts_with(RENDER_FAILED)
                && error.message.starts_with(RENDER_FAILED)
                && kept.path == error.path
                && kept.location == error.location
                && kept.causes == error.causes
        });
        match same {
            Some((_, others)) => *others += 1,
            None => merged.push((error, 0)),
        }
    }
    Errors(
        merged
            .into_iter()
            .map(|(mut error, others)| {
                if others > 0 {
                    let files = if others == 1 { "file" } else { "files" };
                    error.message = format!("{} and {others} other {files}", error.message);
                }
                error
            })
            .collect(),
    )
}

/// How the error of a file a template failed to render starts.
const RENDER_FAILED: &str = "failed to render ";

/// Turns a Tera error into one folio error per problem: Tera reports every
/// unknown filter, function or block of all the templates at once, as one
/// message of several reports, and each is a problem of its own.
fn template_errors(
    e: &tera::Error,
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
) -> Errors {
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return Errors::from(template_error(e, files, None));
    };
    let reports = split_reports(text);
    if reports.is_empty() {
        return Errors::from(template_error(e, files, None));
    }
    Errors(
        reports
            .into_iter()
            .map(|(file, location, cause)| {
                let help = sources
                    .get(&file)
                    .and_then(|text| tera1_help(&cause, before(text, location)));
                let error = located_template_error(Some(file), Some(location), cause, files, None);
                match help {
                    Some(help) => error.help(help),
                    None => error,
                }
            })
            .collect(),
    )
}

/// Every template that does not parse, each at its place, or none when
/// they all do. Tera stops at the first; a site brought from Tera 1 has
/// many, and each would otherwise cost a build to see.
fn syntax_errors(
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
) -> Option<Errors> {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    let errors: Vec<Error> = names
        .into_iter()
        .filter_map(|name| {
            let text = &sources[name];
            let e = Tera::new().add_raw_template(name, text).err()?;
            let tera::ErrorKind::SyntaxError(r) = e.kind() else {
                return None;
            };
            let span = r.span();
            let location = Location {
                line: span.start_line,
                column: span.start_col + 1,
            };
            let error = template_error(&e, files, None);
            Some(match tera1_help(r.message(), before(text, location)) {
                Some(help) => error.help(help),
                None => error,
            })
        })
        .collect();
    (!errors.is_empty()).then_some(Errors(errors))
}

/// The text of `location`'s line before its column.
fn before(text: &str, location: Location) -> &str {
    let line = text
        .lines()
        .nth(location.line.saturating_sub(1))
        .unwrap_or("");
    let end = line
        .char_indices()
        .nth(location.column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    &line[..end]
}

/// What to write instead of a Tera 1 form that Tera 2 refuses, from
/// Tera's message and the line's text before the place it points at.
fn tera1_help(message: &str, before: &str) -> Option<String> {
    const MATCHING: &str = "Tera 2 has no `matching` test: test with `starting_with`, \
        `ending_with` or `containing`, like `is containing(pat=\"x\")`, or set a flag in the \
        front matter";
    if message.contains("Unknown test `matching`") {
        return Some(MATCHING.to_string());
    }
    if message.contains("Unknown filter `slice`") {
        return Some(
            "Tera 2 has no `slice` filter: slice with brackets, `xs[:-1]` for \
             `slice(end=-1)`, `xs[1:3]` for `slice(start=1, end=3)`"
                .to_string(),
        );
    }
    if !message.contains("but expected identifier") {
        return None;
    }
    let before = before.trim_end();
    if before.ends_with('.') && message.starts_with("Found integer") {
        return Some("Tera 2 indexes with brackets: write `xs[0]`, not `xs.0`".to_string());
    }
    // `is starting_with("a")`: Tera 2's tests take their arguments by name.
    let call = before.strip_suffix('(')?.trim_end();
    let test = call
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .filter(|t| !t.is_empty())?;
    let is = call[..call.len() - test.len()].trim_end();
    if !(is.ends_with(" is") || is.ends_with(" is not")) {
        return None;
    }
    Some(match test {
        "matching" => MATCHING.to_string(),
        "divisible_by" => {
            "Tera 2 names a test's argument: write `is divisible_by(divisor=…)`".to_string()
        }
        _ => format!("Tera 2 names a test's argument: write `is {test}(pat=…)`"),
    })
}

/// A component defined in two templates, as an error at the first
/// definition naming the second: Tera's own message has no place.
fn component_twice(
    e: &tera::Error,
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
) -> Option<Errors> {
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return None;
    };
    let rest = text.strip_prefix("Component `")?;
    let (component, rest) = rest.split_once("` is defined in both `")?;
    let (first, rest) = rest.split_once("` and `")?;
    let second = rest.strip_suffix('`')?;
    let place = |name: &str| -> Option<(PathBuf, Location)> {
        let text = sources.get(name)?;
        let at = tags(text)
            .find(|(_, code)| component_name(code) == Some(component))
            .map(|(at, _)| at)?;
        let path = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        Some((path, Location::of_offset(text, at)))
    };
    let (first_path, first_at) = place(first)?;
    let (second_path, second_at) = place(second)?;
    Some(Errors::from(
        Error::at(
            first_path,
            Some(first_at),
            format!("component `{component}` is defined twice"),
        )
        .cause(format!(
            "it is defined again at {}:{}:{}",
            second_path.display(),
            second_at.line,
            second_at.column
        ))
        .help("rename one of them, or remove one"),
    ))
}

/// The name a `{% component name(…) %}` tag's code defines.
fn component_name(code: &str) -> Option<&str> {
    let rest = code.strip_prefix("component")?;
    let name = rest.trim_start();
    if name.len() == rest.len() {
        return None;
    }
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    Some(&name[..end])
}

/// Each `{% … %}` tag of a template: its offset and its code, trimmed.
fn tags(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.match_indices("{%").map(move |(at, _)| {
        let code = text[at + 2..].trim_start_matches('-').trim_start();
        (at, code)
    })
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
        Some(source) => format!("{RENDER_FAILED}{}", source.display()),
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

/// What each template is made of: the templates it extends and includes
/// (`{% extends "x" %}`, `{% include "x" %}` or a list of names), and the
/// templates that define the components it calls (`{{ <name … /> }}`,
/// `{% <name> %}`), through any number of steps. Read from the templates'
/// code, without their text and comments: an over-estimate at worst,
/// which only renders a file more than needed.
fn shapes(sources: &HashMap<String, String>) -> HashMap<String, Shape> {
    let code: HashMap<&str, Code> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), Code::read(text)))
        .collect();
    let mut defines: HashMap<&str, &str> = HashMap::new();
    for (name, code) in &code {
        for component in &code.components {
            defines.insert(component.as_str(), name);
        }
    }
    let direct = |name: &str| -> Vec<String> {
        let Some(code) = code.get(name) else {
            return Vec::new();
        };
        let mut parts: Vec<String> = code.templates.clone();
        parts.extend(
            code.calls
                .iter()
                .filter_map(|call| defines.get(call.as_str()))
                .map(|t| t.to_string()),
        );
        parts
    };
    code.keys()
        .map(|name| {
            let mut parts = HashSet::from([name.to_string()]);
            let mut next = vec![name.to_string()];
            while let Some(part) = next.pop() {
                for used in direct(&part) {
                    if parts.insert(used.clone()) {
                        next.push(used);
                    }
                }
            }
            let data = parts.iter().any(|p| {
                code.get(p.as_str())
                    .is_some_and(|c| c.words.contains("data"))
            });
            let neighbours = parts.iter().any(|p| {
                code.get(p.as_str()).is_none_or(|c| {
                    c.neighbours
                        || c.calls.iter().any(|call| {
                            defines.get(call.as_str()).is_some_and(|t| {
                                code[t].component_neighbours.contains(call.as_str())
                            })
                        })
                })
            });
            (
                name.to_string(),
                Shape {
                    parts,
                    data,
                    neighbours,
                },
            )
        })
        .collect()
}

/// What a template's code names, outside its text and comments.
#[derive(Debug, Default, PartialEq, Eq)]
struct Code {
    /// Templates it extends or includes.
    templates: Vec<String>,
    /// Components it defines.
    components: Vec<String>,
    /// Components it calls.
    calls: Vec<String>,
    /// Every identifier.
    words: HashSet<String>,
    /// Whether its code outside components may read a value's `previous`
    /// or `next`: it names one, as a field or a string, or goes through a
    /// map's values. A map printed whole (`{{ page }}`, a debugging aid)
    /// is not seen.
    neighbours: bool,
    /// The components it defines whose code may.
    component_neighbours: HashSet<String>,
    /// The component whose code is being read.
    inside: Option<String>,
}

impl Code {
    fn read(text: &str) -> Code {
        let mut code = Code::default();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = match after.chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                Some('#') => {
                    rest = after.find("#}").map_or("", |end| &after[end + 2..]);
                    continue;
                }
                _ => {
                    rest = after;
                    continue;
                }
            };
            let body = &after[1..];
            let (tag, left) = split_tag(body, close);
            code.read_tag(tag);
            rest = left;
        }
        code
    }

    /// Reads one tag's code: its identifiers, strings and component calls.
    fn read_tag(&mut self, tag: &str) {
        let mut idents: Vec<&str> = Vec::new();
        let mut strings: Vec<&str> = Vec::new();
        let bytes = tag.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if matches!(c, b'"' | b'\'' | b'`') {
                let end = tag[i + 1..]
                    .find(c as char)
                    .map_or(tag.len(), |e| i + 1 + e);
                strings.push(&tag[i + 1..end]);
                i = end + 1;
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &tag[start..i];
                let before = tag[..start].trim_end();
                if before.ends_with('<') || before.ends_with("</") {
                    self.calls.push(word.to_string());
                }
                idents.push(word);
            } else {
                i += 1;
            }
        }
        match idents.first().copied() {
            Some("extends" | "include") => {
                self.templates.extend(strings.iter().map(|s| s.to_string()));
            }
            Some("component") => {
                if let Some(name) = idents.get(1) {
                    self.components.push(name.to_string());
                }
            }
            _ => {}
        }
        // Named as a field or a string, or reached through a map's values:
        // `values`, `pairs`, `str`, `json_encode`, `for key, value in`.
        let pairs_loop = idents.first() == Some(&"for")
            && idents
                .iter()
                .position(|w| *w == "in")
                .is_some_and(|p| p > 2);
        let neighbours = pairs_loop
            || idents.iter().any(|w| {
                matches!(
                    *w,
                    "previous"
                        | "next"
                        | "json_encode"
                        | "values"
                        | "pairs"
                        | "str"
                        | "__tera_context"
                )
            })
            || strings
                .iter()
                .any(|s| s.contains("previous") || s.contains("next"));
        match idents.first().copied() {
            Some("component") => self.inside = idents.get(1).map(|n| n.to_string()),
            Some("endcomponent") => self.inside = None,
            _ if neighbours => match &self.inside {
                Some(component) => {
                    self.component_neighbours.insert(component.clone());
                }
                None => self.neighbours = true,
            },
            _ => {}
        }
        self.words.extend(idents.into_iter().map(str::to_string));
    }
}

/// A tag's code up to `close`, past string literals, and what follows it.
fn split_tag<'a>(body: &'a str, close: &str) -> (&'a str, &'a str) {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'"' | b'\'' | b'`') {
            i = body[i + 1..]
                .find(c as char)
                .map_or(body.len(), |e| i + 2 + e);
            continue;
        }
        if body[i..].starts_with(close) {
            return (&body[..i], &body[i + close.len()..]);
        }
        i += 1;
    }
    (body, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Template sources by name.
    fn sources(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect()
    }

    #[test]
    fn a_template_is_made_of_what_it_extends_includes_and_calls() {
        let sources = sources(&[
            (
                "base.html",
                "{# extends \"no.html\" #}<a>{{ config.title }}</a>{% block b %}{% endblock b %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block b %}{% include \"pager.html\" %}{{ <chip t={page} /> }}{% endblock b %}",
            ),
            (
                "pager.html",
                "{% if a < b %}<a href=\"x\">data</a>{% endif %}",
            ),
            (
                "components.html",
                "{% component chip(t) %}{{ data.x }}{% endcomponent chip %}",
            ),
            (
                "list.html",
                "{% include [\"missing.html\", \"pager.html\"] ignore missing %}",
            ),
        ]);
        let shapes = shapes(&sources);
        let parts = |name: &str| {
            let mut parts: Vec<String> = shapes[name].parts.iter().cloned().collect();
            parts.sort();
            parts
        };
        assert_eq!(
            parts("page.html"),
            ["base.html", "components.html", "page.html", "pager.html"]
        );
        assert_eq!(parts("base.html"), ["base.html"]);
        assert_eq!(
            parts("list.html"),
            ["list.html", "missing.html", "pager.html"]
        );
        // `data` in text is not read; in a component's code it is.
        assert!(!shapes["pager.html"].data);
        assert!(!shapes["base.html"].data);
        assert!(shapes["page.html"].data);
    }

    #[test]
    fn an_extends_tag_is_found_with_its_place() {
        let text = "{# a #}\n{%- extends \"base.html\" -%}\n";
        assert_eq!(extends_tag(text), Some((8, "base.html")));
        assert_eq!(extends_tag("{% block a %}{% endblock %}"), None);
    }

    #[test]
    fn a_template_reads_neighbours_where_it_names_them_or_prints_values_whole() {
        let sources = sources(&[
            (
                "term.html",
                "{% extends \"base.html\" %}{% for p in term.pages %}{{ p.title }}{% endfor %}",
            ),
            (
                "base.html",
                "<p>{{ config.title }}: next week</p>{# previous #}",
            ),
            ("post.html", "{% include \"pager.html\" %}"),
            (
                "pager.html",
                "{% if page.previous %}{{ page.previous.title }}{% endif %}",
            ),
            ("by_name.html", "{{ page | get(key=\"next\") }}"),
            ("dump.html", "{{ page | json_encode }}"),
            (
                "fields.html",
                "{% for key, value in page %}{{ value }}{% endfor %}",
            ),
            (
                "loop.html",
                "{% for p in section.pages %}{{ <card p={p} /> }}{% endfor %}",
            ),
            ("ld.html", "{{ <ld data={page} /> }}"),
            (
                "components.html",
                "{% component card(p) %}{{ p.title }}{% endcomponent card %}{% component ld(data) %}{{ data | json_encode }}{% endcomponent ld %}",
            ),
        ]);
        let shapes = shapes(&sources);
        // Text and comments are not code.
        assert!(!shapes["term.html"].neighbours);
        assert!(!shapes["base.html"].neighbours);
        assert!(shapes["post.html"].neighbours);
        assert!(shapes["by_name.html"].neighbours);
        assert!(shapes["dump.html"].neighbours);
        assert!(shapes["fields.html"].neighbours);
        // Per component: a file's other components do not count.
        assert!(!shapes["loop.html"].neighbours);
        assert!(shapes["ld.html"].neighbours);
    }
}
