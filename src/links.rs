//! Finds and checks the internal links of rendered HTML: every `href` and
//! `src` under the base path must name a file of the output, and every
//! `#anchor` an `id` on its target page.
//!
//! Works on the in-memory output, so `check` writes nothing.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::error::{Error, Errors};
use crate::html;
use crate::render::{Contents, OutputFile};
use crate::url;

/// Checks every internal reference in every HTML file of `files`.
pub fn check(config: &Config, files: &[OutputFile]) -> Errors {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let html: Vec<(&str, &str, &std::path::Path)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.contents {
            Contents::Text(t) => Some((f.path.as_str(), t.as_str(), f.origin.as_path())),
            Contents::Copy(_) => None,
        })
        .collect();
    let ids: HashMap<&str, HashSet<String>> =
        html.iter().map(|(p, t, _)| (*p, collect_ids(t))).collect();
    let mut errors = Errors::default();
    for (path, text, origin) in &html {
        for url in collect_urls(text) {
            if let Some(problem) = check_url(config, path, &url, &paths, &ids) {
                errors.push(
                    Error::at(origin, None, format!("{problem} (in `{path}`)"))
                        .help("fix the link in the page or in the template that writes it"),
                );
            }
        }
    }
    errors
}

/// How to check external links.
#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// How long one URL may take.
    pub timeout: std::time::Duration,
    /// How many URLs are checked at once.
    pub concurrency: usize,
}

/// Checks every external `http(s)` link of the HTML files over the network.
///
/// A link answered with an HTTP error is a problem; a host that cannot be
/// reached (no network, timeout, refused) is only a warning, since it says
/// nothing certain about the link.
pub fn check_external(files: &[OutputFile], options: &ExternalOptions) -> Errors {
    let mut first_use: Vec<(String, &std::path::Path, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let Contents::Text(text) = &file.contents else {
            continue;
        };
        for url in collect_urls(text) {
            let url = url.split('#').next().unwrap_or_default().to_string();
            if url::is_http(&url) && seen.insert(url.clone()) {
                first_use.push((url, &file.origin, &file.path));
            }
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .build()
        .into();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..options.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((url, origin, path)) = first_use.get(i) else {
                        break;
                    };
                    if let Some(problem) = check_one(&agent, url) {
                        let error = match problem {
                            External::Broken(status) => Error::at(
                                origin,
                                None,
                                format!(
                                    "external link `{url}` answers HTTP {status} (in `{path}`)"
                                ),
                            )
                            .help("fix or remove the link"),
                            External::Unreachable(why) => Error::at(
                                origin,
                                None,
                                format!("could not reach `{url}` (in `{path}`)"),
                            )
                            .cause(why)
                            .help("check the link by hand, or run the check again with a network")
                            .warning(),
                        };
                        if let Ok(mut list) = results.lock() {
                            list.push((i, error));
                        }
                    }
                }
            });
        }
    });
    let mut list = results.into_inner().unwrap_or_default();
    list.sort_by_key(|(i, _)| *i);
    Errors(list.into_iter().map(|(_, e)| e).collect())
}

enum External {
    Broken(u16),
    Unreachable(String),
}

fn check_one(agent: &ureq::Agent, url: &str) -> Option<External> {
    let status = match agent.head(url).call() {
        Ok(response) => response.status().as_u16(),
        Err(e) => return Some(External::Unreachable(e.to_string())),
    };
    // Some servers refuse HEAD; ask again with GET before calling the link broken.
    let status = if status == 405 || status == 501 {
        match agent.get(url).call() {
            Ok(response) => response.status().as_u16(),
            Err(e) => return Some(External::Unreachable(e.to_string())),
        }
    } else {
        status
    };
    (status >= 400).then_some(External::Broken(status))
}

fn check_url(
    config: &Config,
    page: &str,
    url: &str,
    paths: &HashSet<&str>,
    ids: &HashMap<&str, HashSet<String>>,
) -> Option<String> {
    if url.is_empty() || url::is_external(url) {
        return None;
    }
    let (path_part, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let target = if path_part.is_empty() {
        page.to_string()
    } else if let Some(absolute) = path_part.strip_prefix('/') {
        let Some(under) = format!("/{absolute}")
            .strip_prefix(&config.base_path)
            .map(str::to_string)
        else {
            return Some(format!(
                "link `{url}` is outside the base path `{}`",
                config.base_path
            ));
        };
        under
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        normalize(&format!("{dir}/{path_part}"))
    };
    let target = url::percent_decode(&target);
    let file = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else if paths.contains(target.as_str()) {
        target.clone()
    } else {
        format!("{target}/index.html")
    };
    if !paths.contains(file.as_str()) {
        return Some(format!("link `{url}` points at nothing in the site"));
    }
    match fragment {
        Some(f) if !f.is_empty() && f != "top" => {
            let f = url::percent_decode(f);
            match ids.get(file.as_str()) {
                Some(set) if !set.contains(&f) => Some(format!(
                    "anchor `#{f}` of link `{url}` does not exist on its page"
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

/// Returns every `id` (and `<a name>`) value in `html`.
pub fn collect_ids(html: &str) -> HashSet<String> {
    html::scan(html).targets.into_iter().map(|t| t.id).collect()
}

/// Returns every URL of a URL attribute in `html`, entity-decoded.
pub fn collect_urls(html: &str) -> Vec<String> {
    html::scan(html).urls.into_iter().map(|u| u.url).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_urls_are_found_in_either_quotes() {
        let html = r#"<h2 id="a">x</h2><a href='/b/#a' data-id="no">y</a><img src="/i.png">"#;
        assert_eq!(collect_ids(html), HashSet::from(["a".to_string()]));
        assert_eq!(collect_urls(html), vec!["/b/#a", "/i.png"]);
    }

    #[test]
    fn relative_paths_normalize() {
        assert_eq!(normalize("a/b/../c/"), "a/c/");
        assert_eq!(normalize("/./x"), "x");
    }
}
