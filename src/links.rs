//! Checks the links of the rendered site: every URL attribute of every HTML
//! file (templates included), every `#anchor`, and every id a page repeats.
//!
//! Internal links, and absolute links under `base_url`, are checked against
//! the files the build would write, never fetched. Links with a scheme other
//! than http(s) (`mailto:`, `irc:`, `data:`) are left alone. External
//! `http(s)` links are only gathered here; `external` fetches them. Works on
//! the in-memory output, so `check` writes nothing.

pub mod external;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{CheckConfig, Config, Level};
use crate::error::{Error, Location, Severity};
use crate::html::{self, Scan};
use crate::render::{Contents, OutputFile};
use crate::url;

/// One thing wrong with a link or an id, located as well as it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the page comes from, relative to the site root.
    pub file: PathBuf,
    /// Where in that file, when the link is written there.
    pub location: Option<Location>,
    /// The output page it is on: `posts/first/index.html`.
    pub page: String,
    /// The URL, as the page holds it.
    pub url: Option<String>,
    /// What kind of problem.
    pub kind: Kind,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, starting lowercase.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// More detail, one line each.
    pub causes: Vec<String>,
}

/// The kinds of problem `check` finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A link to a page or file the site does not have.
    Internal,
    /// A `#fragment` that names no id on its page.
    Anchor,
    /// One id given to two elements of a page.
    DuplicateId,
    /// A `javascript:` URL.
    Script,
    /// An external link that answers with an HTTP error.
    External,
    /// An external host that could not be reached.
    Unreachable,
}

impl Kind {
    /// The name `--format json` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Internal => "internal",
            Kind::Anchor => "anchor",
            Kind::DuplicateId => "duplicate-id",
            Kind::Script => "javascript",
            Kind::External => "external",
            Kind::Unreachable => "unreachable",
        }
    }
}

impl Problem {
    /// The problem as an error line, for the plain format.
    pub fn to_error(&self) -> Error {
        let mut error = Error::at(&self.file, self.location, self.message.clone()).help(&self.help);
        error.severity = self.severity;
        for cause in &self.causes {
            error = error.cause(cause);
        }
        error
    }

    /// Returns true when this problem fails the check.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// What checking the rendered site found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Problems with internal links, anchors and ids, in file order.
    pub problems: Vec<Problem>,
    /// Each distinct external `http(s)` URL (without its fragment), with
    /// the pages that link to it, in the order first met.
    pub external: Vec<ExternalLink>,
}

/// An external URL and where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    /// The URL without its `#fragment`.
    pub url: String,
    /// The source file and output page of each page that links to it.
    pub uses: Vec<(PathBuf, String)>,
}

/// Checks every internal link, anchor and id of the HTML files of `files`
/// against the files themselves, and gathers the external links.
pub fn check(config: &Config, files: &[OutputFile]) -> Checked {
    let settings = &config.site.check;
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let pages: Vec<(&OutputFile, &str, Scan)> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.contents {
            Contents::Text(text) => Some((f, text.as_str(), html::scan(text))),
            Contents::Bytes(_) | Contents::Copy(_) => None,
        })
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = pages
        .iter()
        .map(|(f, _, scan)| {
            let ids = scan.targets.iter().map(|t| t.id.as_str()).collect();
            (f.path.as_str(), ids)
        })
        .collect();
    let redirects: HashMap<&str, String> = pages
        .iter()
        .filter_map(|(f, text, _)| Some((f.path.as_str(), redirect_target(text)?)))
        .collect();
    let site = Site {
        config,
        paths: &paths,
        ids: &ids,
        redirects: &redirects,
    };
    let mut checked = Checked::default();
    let mut external: HashMap<String, usize> = HashMap::new();
    let mut sources = Sources::new(&config.root);
    let skip = Skip::new(&settings.skip);
    for (file, text, scan) in &pages {
        let mut found = Vec::new();
        if settings.anchors != Level::Off {
            found.extend(duplicate_ids(file, text, scan, settings.anchors));
        }
        for link in &scan.urls {
            if skip.matches(&link.url) {
                continue;
            }
            match site.verdict(&file.path, &link.url) {
                Verdict::Fine => {}
                Verdict::External(address) if !link.hint => {
                    let index = *external.entry(address.clone()).or_insert_with(|| {
                        checked.external.push(ExternalLink {
                            url: address,
                            uses: Vec::new(),
                        });
                        checked.external.len() - 1
                    });
                    let uses = &mut checked.external[index].uses;
                    if !uses.iter().any(|(_, page)| *page == file.path) {
                        uses.push((file.origin.clone(), file.path.clone()));
                    }
                }
                Verdict::External(_) => {}
                Verdict::Broken(kind, message, help) => {
                    let level = match kind {
                        Kind::Anchor => settings.anchors,
                        Kind::Script => Level::Warn,
                        _ => settings.internal,
                    };
                    let Some(severity) = severity(level) else {
                        continue;
                    };
                    found.push(Problem {
                        file: file.origin.clone(),
                        location: None,
                        page: file.path.clone(),
                        url: Some(link.url.clone()),
                        kind,
                        severity,
                        message: format!("{message} (in `{}`)", file.path),
                        help,
                        causes: Vec::new(),
                    });
                }
            }
        }
        // The same URL written on several lines: each problem at its own.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for problem in &mut found {
            if let Some(url) = &problem.url {
                let nth = seen.entry(url.clone()).or_default();
                problem.location =
                    sources.locate(&problem.file, &url_as_written(config, url), *nth);
                *nth += 1;
            }
        }
        checked.problems.extend(found);
    }
    checked
}

/// Returns the severity a level gives, or none when it is `off`.
pub fn severity(level: Level) -> Option<Severity> {
    match level {
        Level::Error => Some(Severity::Error),
        Level::Warn => Some(Severity::Warning),
        Level::Off => None,
    }
}

/// The `skip` entries of `check`: URL prefixes, and globs where `*` stands
/// for any run of characters (`/` included) and nothing else is special.
pub struct Skip {
    prefixes: Vec<String>,
    globs: globset::GlobSet,
}

impl Skip {
    /// Reads the entries; each glob is matched against the whole URL.
    pub fn new(entries: &[String]) -> Skip {
        let mut prefixes = Vec::new();
        let mut globs = globset::GlobSetBuilder::new();
        for entry in entries {
            if !entry.contains('*') {
                prefixes.push(entry.clone());
                continue;
            }
            // Every character but `*` stands for itself, as the guide says.
            let pattern: Vec<String> = entry.split('*').map(globset::escape).collect();
            if let Ok(glob) = globset::GlobBuilder::new(&pattern.join("*"))
                .literal_separator(false)
                .backslash_escape(true)
                .build()
            {
                globs.add(glob);
            }
        }
        Skip {
            prefixes,
            globs: globs.build().unwrap_or_else(|_| globset::GlobSet::empty()),
        }
    }

    /// Whether `url` is never checked.
    pub fn matches(&self, url: &str) -> bool {
        self.prefixes.iter().any(|p| url.starts_with(p.as_str())) || self.globs.is_match(url)
    }
}

/// What the site says about one URL.
enum Verdict {
    /// Nothing to report.
    Fine,
    /// An external `http(s)` URL, without its fragment, to fetch with `--external`.
    External(String),
    /// Something is wrong: what kind, the message and the help.
    Broken(Kind, String, String),
}

/// The built site, as links are checked against it.
struct Site<'a> {
    config: &'a Config,
    paths: &'a HashSet<&'a str>,
    ids: &'a HashMap<&'a str, HashSet<&'a str>>,
    /// Redirect pages (an alias's) → the URL they send to.
    redirects: &'a HashMap<&'a str, String>,
}

impl Site<'_> {
    fn verdict(&self, page: &str, url: &str) -> Verdict {
        let settings: &CheckConfig = &self.config.site.check;
        if url.is_empty() {
            return Verdict::Fine;
        }
        let scheme = url::scheme(url);
        if scheme.as_deref() == Some("javascript") {
            return Verdict::Broken(
                Kind::Script,
                format!("`javascript:` link `{url}`"),
                "link to a page instead; a `javascript:` link does nothing without scripts"
                    .to_string(),
            );
        }
        let internal = match self.under_base_url(url) {
            Some(path) => path,
            None if url::is_external(url) => {
                let http = url.starts_with("//") || url::is_http(url);
                if !http || settings.external == Level::Off {
                    return Verdict::Fine;
                }
                let address = url.split('#').next().unwrap_or_default();
                let address = match address.strip_prefix("//") {
                    Some(rest) => format!("https://{rest}"),
                    None => address.to_string(),
                };
                return Verdict::External(address);
            }
            None => url.to_string(),
        };
        self.internal_verdict(page, url, &internal)
    }

    /// Turns an absolute URL under `base_url` into its root-relative path.
    fn under_base_url(&self, url: &str) -> Option<String> {
        let without_scheme = |u: &str| u.split_once("//").map(|(_, rest)| rest.to_string());
        if !url.starts_with("//") && !url::is_http(url) {
            return None;
        }
        let base = without_scheme(&self.config.base_url)?.to_ascii_lowercase();
        let rest = without_scheme(url)?;
        let base_host = base.split('/').next().unwrap_or_default();
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if !host.eq_ignore_ascii_case(base_host) {
            return None;
        }
        let path = &rest[host.len()..];
        let path = if path.is_empty() || path.starts_with(['?', '#']) {
            format!("/{path}")
        } else {
            path.to_string()
        };
        let base_path = &self.config.base_path;
        let under = path.starts_with(base_path.as_str())
            || path.split(['?', '#']).next() == Some(base_path.trim_end_matches('/'));
        under.then_some(path)
    }

    fn internal_verdict(&self, page: &str, url: &str, internal: &str) -> Verdict {
        let settings = &self.config.site.check;
        let (path_part, fragment) = match internal.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (internal, None),
        };
        let path_part = path_part.split('?').next().unwrap_or_default();
        let base_path = &self.config.base_path;
        let target = if path_part.is_empty() {
            page.to_string()
        } else if path_part.starts_with('/') {
            let Some(under) = path_part
                .strip_prefix(base_path.as_str())
                .or_else(|| (path_part == base_path.trim_end_matches('/')).then_some(""))
            else {
                return self.broken_internal(
                    format!("link `{url}` is outside the base path `{base_path}`"),
                    format!(
                        "write the link under `{base_path}`, or as a path relative to the page"
                    ),
                );
            };
            under.to_string()
        } else {
            let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
            normalize(&format!("{dir}/{path_part}"))
        };
        let target = url::percent_decode(&target);
        let file = if target.is_empty() || target.ends_with('/') {
            format!("{target}index.html")
        } else if self.paths.contains(target.as_str()) {
            target.clone()
        } else {
            format!("{target}/index.html")
        };
        if settings.internal != Level::Off && !self.paths.contains(file.as_str()) {
            return self.broken_internal(
                format!("link `{url}` points at nothing in the site"),
                "fix the link in the page or in the template that writes it".to_string(),
            );
        }
        match fragment {
            Some(f) if settings.anchors != Level::Off && !f.is_empty() => {
                // An alias's redirect page sends the anchor on: it is
                // checked on the page it lands on.
                match self.redirects.get(file.as_str()) {
                    Some(target) if !self.redirects.contains_key(page) => {
                        let target = self.under_base_url(target).unwrap_or(target.clone());
                        self.internal_verdict(&file, url, &format!("{target}#{f}"))
                    }
                    _ => self.anchor_verdict(url, &file, f),
                }
            }
            _ => Verdict::Fine,
        }
    }

    fn broken_internal(&self, message: String, help: String) -> Verdict {
        Verdict::Broken(Kind::Internal, message, help)
    }

    fn anchor_verdict(&self, url: &str, file: &str, fragment: &str) -> Verdict {
        // `#top` scrolls to the top without an id, and `:~:text=` is a text fragment.
        if fragment == "top" || fragment.starts_with(":~:") {
            return Verdict::Fine;
        }
        let Some(ids) = self.ids.get(file) else {
            return Verdict::Fine;
        };
        let decoded = url::percent_decode(fragment);
        if ids.contains(fragment) || ids.contains(decoded.as_str()) {
            return Verdict::Fine;
        }
        let near = crate::config::nearest(&decoded, ids.iter().copied());
        let help = if near.is_empty() {
            "add an `id` to the element to link to, or drop the `#anchor`".to_string()
        } else {
            let names: Vec<String> = near.iter().map(|id| format!("`#{id}`")).collect();
            format!(
                "link to an id the page has; the nearest: {}",
                names.join(", ")
            )
        };
        Verdict::Broken(
            Kind::Anchor,
            format!("anchor `#{decoded}` of link `{url}` does not exist on its page"),
            help,
        )
    }
}

/// Where a redirect page (`<meta http-equiv="refresh" content="0;
/// url=…">`, as folio writes one for an alias) sends the browser.
fn redirect_target(text: &str) -> Option<String> {
    let at = text.find("http-equiv=\"refresh\"")?;
    let rest = &text[at..];
    let content = &rest[rest.find("content=\"")? + 9..];
    let content = &content[..content.find('"')?];
    let (_, url) = content.split_once("url=")?;
    Some(html::decode(url.trim()))
}

/// Every id given to two or more elements of one page.
fn duplicate_ids(file: &OutputFile, text: &str, scan: &Scan, level: Level) -> Vec<Problem> {
    let Some(severity) = severity(level) else {
        return Vec::new();
    };
    let mut seen: HashMap<&str, Vec<&html::Target>> = HashMap::new();
    let mut order = Vec::new();
    for target in scan.targets.iter().filter(|t| !t.legacy_name) {
        let uses = seen.entry(target.id.as_str()).or_default();
        if uses.is_empty() {
            order.push(target.id.as_str());
        }
        uses.push(target);
    }
    order
        .into_iter()
        .filter(|id| seen[id].len() > 1)
        .map(|id| {
            let uses = &seen[id];
            Problem {
                file: file.origin.clone(),
                location: None,
                page: file.path.clone(),
                url: None,
                kind: Kind::DuplicateId,
                severity,
                message: format!(
                    "id `{id}` is given to {} elements of `{}`",
                    uses.len(),
                    file.path
                ),
                help: "give each element its own id: a heading takes `{#id}` after its text"
                    .to_string(),
                causes: uses
                    .iter()
                    .map(|t| {
                        format!(
                            "{} at line {} of `{}`",
                            describe(&t.tag),
                            html::line_of(text, t.offset),
                            file.path
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Says what an element with an id usually is.
fn describe(tag: &str) -> String {
    match tag {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => format!("a heading `<{tag}>`"),
        _ => format!("`<{tag}>`"),
    }
}

/// The source files of pages, read when a problem needs a line number.
struct Sources<'a> {
    root: &'a Path,
    texts: HashMap<PathBuf, Option<String>>,
}

impl<'a> Sources<'a> {
    fn new(root: &'a Path) -> Self {
        Sources {
            root,
            texts: HashMap::new(),
        }
    }

    /// Where one of `urls` is written as a link in `file` for the `nth`
    /// time (from 0), or its last place when it is written fewer times.
    fn locate(&mut self, file: &Path, urls: &[String], nth: usize) -> Option<Location> {
        let text = self
            .texts
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok())
            .as_deref()?;
        // Only where Markdown or HTML writes a link, so that a URL that
        // happens to appear in prose is not taken for it.
        const AROUND: [(&str, &str); 5] = [
            ("](", ""),
            ("\"", "\""),
            ("'", "'"),
            ("<", ">"),
            ("]: ", ""),
        ];
        let mut places: Vec<usize> = urls
            .iter()
            .filter(|u| u.len() > 1)
            .flat_map(|u| {
                AROUND.iter().flat_map(move |(before, after)| {
                    let written = format!("{before}{u}{after}");
                    text.match_indices(&written)
                        .map(|(at, _)| at + before.len())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        places.sort_unstable();
        places.dedup();
        places
            .get(nth)
            .or(places.last())
            .map(|&at| Location::of_offset(text, at))
    }
}

/// The forms a URL of the output may have in its source: as it is, and
/// without the base path the build put in front of it.
fn url_as_written(config: &Config, url: &str) -> Vec<String> {
    let mut forms = vec![url.to_string()];
    if config.base_path != "/"
        && let Some(rest) = url.strip_prefix(config.base_path.as_str())
    {
        forms.push(format!("/{rest}"));
    }
    forms
}

fn normalize(path: &str) -> String {
    let mut out = url::walk_dots(path);
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_normalize() {
        assert_eq!(normalize("a/b/../c/"), "a/c/");
        assert_eq!(normalize("/./x"), "x");
    }

    #[test]
    fn skip_entries_are_prefixes_or_globs() {
        let skip = Skip::new(&[
            "https://twitter.com/".to_string(),
            "/drafts/*.pdf".to_string(),
            "*://localhost*".to_string(),
            "https://x.com/?[a]*".to_string(),
        ]);
        assert!(skip.matches("https://twitter.com/me"));
        assert!(skip.matches("/drafts/a/b.pdf"));
        assert!(skip.matches("http://localhost:8080/x"));
        assert!(!skip.matches("/drafts/a.html"));
        assert!(!skip.matches("https://x.com/"));
        // `?` and `[` stand for themselves.
        assert!(skip.matches("https://x.com/?[a]=1"));
        assert!(!skip.matches("https://x.com/b[a]=1"));
    }
}
