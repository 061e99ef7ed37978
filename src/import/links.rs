//! Where pages were and where they are: each page's address on the old
//! site and its file in the new one, so that a link written for the old
//! site can become an `@/` link that folio checks.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::content::{normalize_path, slugify, split_date_prefix};

use super::markup::Edits;

/// The pages of the new site, found by their old file or old address.
#[derive(Debug, Default, Clone)]
pub(crate) struct Targets {
    /// Source path (relative to the source root) → content path (`posts/x.md`).
    by_source: BTreeMap<String, String>,
    /// Old address (`/about.html`, `/docs/x/`) → content path.
    by_url: BTreeMap<String, String>,
    /// Content path → folio's address for it.
    folio_url: BTreeMap<String, String>,
    /// Content path → its old address.
    old_url: BTreeMap<String, String>,
}

impl Targets {
    /// Records a page: its source file, its content path in the new site,
    /// its address on the old site and on the new one.
    pub fn add(&mut self, source: &str, content: &str, old_url: &str, new_url: &str) {
        self.by_source
            .insert(source.to_string(), content.to_string());
        self.by_url.insert(url_key(old_url), content.to_string());
        self.folio_url
            .insert(content.to_string(), new_url.to_string());
        self.old_url
            .insert(content.to_string(), old_url.to_string());
    }

    /// The old address of a content path.
    pub fn old_url(&self, content: &str) -> Option<&str> {
        self.old_url.get(content).map(String::as_str)
    }

    /// The content path of a source file.
    pub fn by_source(&self, source: &str) -> Option<&str> {
        self.by_source.get(source).map(String::as_str)
    }

    /// Every source file recorded, with its content path.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_source.iter().map(|(s, c)| (s.as_str(), c.as_str()))
    }

    /// The content path of the page at an old address.
    pub fn by_url(&self, url: &str) -> Option<&str> {
        self.by_url.get(&url_key(url)).map(String::as_str)
    }

    /// folio's address of a content path.
    pub fn folio_url(&self, content: &str) -> Option<&str> {
        self.folio_url.get(content).map(String::as_str)
    }
}

/// An address without its query and fragment, `index.html` and trailing
/// `/`, lower case: the form two spellings of one address share.
fn url_key(url: &str) -> String {
    let url = url.split(['#', '?']).next().unwrap_or_default();
    let url = url.strip_suffix("index.html").unwrap_or(url);
    let trimmed = url.trim_end_matches('/');
    format!("/{}", trimmed.trim_start_matches('/')).to_lowercase()
}

/// The address folio gives a file of `content/` (relative to it), with
/// its front matter's `path` and `slug`.
pub(crate) fn folio_url(content: &str, path: Option<&str>, slug: Option<&str>) -> String {
    if let Some(path) = path {
        return normalize_path(path);
    }
    let (dir, name) = content.rsplit_once('/').unwrap_or(("", content));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let dir_url = |dir: &str| {
        if dir.is_empty() {
            "/".to_string()
        } else {
            format!(
                "/{}/",
                dir.split('/').map(slugify).collect::<Vec<_>>().join("/")
            )
        }
    };
    match stem {
        "_index" => dir_url(dir),
        "index" => {
            let (parent, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
            let slug = slug.map(slugify).unwrap_or_else(|| undated_slug(folder));
            format!("{}{slug}/", dir_url(parent))
        }
        _ => {
            let slug = slug.map(slugify).unwrap_or_else(|| undated_slug(stem));
            format!("{}{slug}/", dir_url(dir))
        }
    }
}

fn undated_slug(stem: &str) -> String {
    let rest = split_date_prefix(stem, &jiff::tz::TimeZone::UTC).map_or(stem, |(_, r)| r);
    slugify(rest)
}

/// Rewrites Markdown links and images that point at a page's old
/// address, or at its source file (`other.md`), into `@/` links, when
/// folio gives that page another address. `page_url` is the page's own
/// old address, for relative links; `page_source` its source file.
/// Returns the edits and how many links were rewritten.
pub(crate) fn rewrite_links(
    body: &str,
    page_url: &str,
    page_source: &str,
    targets: &Targets,
    edits: &mut Edits,
) -> usize {
    let mut count = 0;
    let parser = Parser::new_ext(body, Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES);
    let mut seen_definitions = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event else {
            continue;
        };
        let dest = dest_url.to_string();
        let Some(target) = resolve(&dest, page_url, page_source, targets) else {
            continue;
        };
        let fragment = dest.split_once('#').map(|(_, f)| f);
        let mut link = format!("@/{target}");
        if let Some(f) = fragment {
            link.push('#');
            link.push_str(f);
        }
        // The destination is inside the link's text range (inline links),
        // or in a definition elsewhere (reference links).
        let within = &body[range.clone()];
        if let Some(at) = within.rfind(&format!("]({dest}")) {
            let start = range.start + at + 2;
            edits.replace(start..start + dest.len(), link);
            count += 1;
        } else if !seen_definitions.contains(&dest) {
            if let Some(start) = definition_of(body, &dest) {
                edits.replace(start..start + dest.len(), link);
                count += 1;
            }
            seen_definitions.push(dest);
        }
    }
    count
}

/// The content path a link points at, when it is a page whose address
/// changes; `None` for anything else (external, already `@/`, unchanged).
fn resolve(dest: &str, page_url: &str, page_source: &str, targets: &Targets) -> Option<String> {
    if dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with("@/")
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with("//")
    {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    // A link to a Markdown source file, relative to the page's file.
    if path.ends_with(".md") || path.ends_with(".markdown") {
        let source_dir = page_source.rsplit_once('/').map_or("", |(d, _)| d);
        let joined = join(&format!("/{source_dir}/"), path);
        let source = joined.trim_start_matches('/');
        return targets.by_source(source).map(str::to_string);
    }
    let absolute = if path.starts_with('/') {
        path.to_string()
    } else {
        join(page_url, path)
    };
    let target = targets.by_url(&absolute)?;
    let new = targets.folio_url(target)?;
    (url_key(new) != url_key(&absolute)).then(|| target.to_string())
}

/// Resolves a relative `path` against the address `base` (a folder when
/// it ends in `/`).
fn join(base: &str, path: &str) -> String {
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => "/",
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let trailing = if path.ends_with('/') { "/" } else { "" };
    format!("/{}{trailing}", parts.join("/"))
}

/// Where a reference definition `[label]: dest` writes `dest`.
fn definition_of(body: &str, dest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some(close) = trimmed.find("]:")
        {
            let after = &trimmed[close + 2..];
            let value = after.trim_start().trim_start_matches('<');
            if value.starts_with(dest) {
                let at = line.len() - trimmed.len() + close + 2 + (after.len() - value.len());
                return Some(offset + at);
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folio_addresses_follow_the_content_path() {
        assert_eq!(
            folio_url("posts/2020-01-02-hello.md", None, None),
            "/posts/hello/"
        );
        assert_eq!(folio_url("docs/_index.md", None, None), "/docs/");
        assert_eq!(folio_url("_index.md", None, None), "/");
        assert_eq!(
            folio_url("a/My Bundle/index.md", None, None),
            "/a/my-bundle/"
        );
        assert_eq!(folio_url("a/b.md", Some("/x/y"), None), "/x/y/");
        assert_eq!(folio_url("a/b.md", None, Some("New One")), "/a/new-one/");
    }

    #[test]
    fn links_to_moved_pages_become_at_links() {
        let mut targets = Targets::default();
        targets.add("about.md", "about.md", "/about.html", "/about/");
        targets.add(
            "_posts/2020-01-02-x.md",
            "posts/2020-01-02-x.md",
            "/2020/01/02/x/",
            "/2020/01/02/x/",
        );
        let body = "[a](/about.html#team) [b](about.html) [c](/2020/01/02/x/) [d][ref] [e](https://x.org/about.html) [f](_posts/2020-01-02-x.md)\n\n[ref]: /about.html\n";
        let mut edits = Edits::default();
        let count = rewrite_links(body, "/index.html", "index.md", &targets, &mut edits);
        let (out, _) = edits.apply(body);
        assert_eq!(count, 4);
        assert_eq!(
            out,
            "[a](@/about.md#team) [b](@/about.md) [c](/2020/01/02/x/) [d][ref] [e](https://x.org/about.html) [f](@/posts/2020-01-02-x.md)\n\n[ref]: @/about.md\n"
        );
    }

    #[test]
    fn relative_paths_resolve_against_the_page() {
        assert_eq!(join("/docs/a/", "../b/"), "/docs/b/");
        assert_eq!(join("/docs/a.html", "b.html"), "/docs/b.html");
        assert_eq!(join("/", "./c"), "/c");
    }
}
