//! `--template-metrics`: how many files each template rendered and how long
//! they took, and hints at the lines where a template's cost per render
//! grows with the number of pages.
//!
//! A walk over `site.pages` (or `site.sections`, `site.taxonomies`) costs
//! as much as the site is large; in a template rendered once that is fine,
//! in one rendered for every page it makes the build quadratic. The same
//! goes for `get_section` without `metadata_only` in a page's template: it
//! hands over every page of the section. Hints name both, at their line.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::Location;

/// How one template fared in a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateMetric {
    /// The template's name.
    pub template: String,
    /// How many files it rendered.
    pub renders: usize,
    /// How many of them there are more of as the site grows: pages, terms
    /// and the list pages of paginated sections.
    pub growing: usize,
    /// Their total time.
    pub total: Duration,
}

/// A place in a template whose cost grows with the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The template's file, relative to the site root.
    pub file: PathBuf,
    /// Where the costly expression is.
    pub location: Location,
    /// What it does and what to do instead.
    pub message: String,
}

/// Render time by template, when asked for.
pub struct Metrics {
    by_template: Option<Mutex<HashMap<String, TemplateMetric>>>,
}

impl Metrics {
    /// Collects only when `enabled`.
    pub fn new(enabled: bool) -> Metrics {
        Metrics {
            by_template: enabled.then(Default::default),
        }
    }

    /// Adds one render of `template`; `growing` when there are more such
    /// files in a larger site.
    pub fn add(&self, template: &str, took: Duration, growing: bool) {
        if let Some(map) = &self.by_template {
            let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
            let entry = map
                .entry(template.to_string())
                .or_insert_with(|| TemplateMetric {
                    template: template.to_string(),
                    renders: 0,
                    growing: 0,
                    total: Duration::ZERO,
                });
            entry.renders += 1;
            entry.growing += usize::from(growing);
            entry.total += took;
        }
    }

    /// Every template's figures, slowest first.
    pub fn take(&self) -> Vec<TemplateMetric> {
        let Some(map) = &self.by_template else {
            return Vec::new();
        };
        let map = std::mem::take(&mut *map.lock().unwrap_or_else(|p| p.into_inner()));
        let mut list: Vec<TemplateMetric> = map.into_values().collect();
        list.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then_with(|| a.template.cmp(&b.template))
        });
        list
    }
}

/// What a template reads that costs as much as the site is large.
const SITE_WIDE: [&str; 3] = ["site.pages", "site.sections", "site.taxonomies"];

/// Hints for every template rendered for pages, terms or list pages (more
/// of them as the site grows), directly or through a template that extends
/// or includes it, at each site-wide walk.
pub fn hints(
    sources: &HashMap<String, String>,
    files: &HashMap<String, PathBuf>,
    metrics: &[TemplateMetric],
) -> Vec<Hint> {
    let mut renders: HashMap<&str, usize> = HashMap::new();
    for metric in metrics {
        for name in family(sources, &metric.template) {
            *renders.entry(name).or_default() += metric.growing;
        }
    }
    let mut hints = Vec::new();
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    for name in names {
        let count = renders.get(name.as_str()).copied().unwrap_or(0);
        if count < 2 {
            continue;
        }
        let text = &sources[name];
        let file = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        for (offset, what) in walks(text) {
            hints.push(Hint {
                file: file.clone(),
                location: Location::of_offset(text, offset),
                message: what.advice(count),
            });
        }
    }
    hints
}

/// A costly read found in a template's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// `site.pages` and friends.
    Site(&'static str),
    /// `get_section(...)` without `metadata_only`.
    WholeSection,
}

impl Walk {
    fn advice(self, renders: usize) -> String {
        match self {
            Walk::Site(what) => format!(
                "`{what}` holds the whole site and is read on each of {renders} renders: \
                 list it in a template rendered once, or use a value folio computes \
                 (`config.feed.path`, `term.page_count`, `page.previous`/`next`)"
            ),
            Walk::WholeSection => format!(
                "`get_section` hands over every page of the section on each of {renders} renders: \
                 pass `metadata_only=true` when the title, path or `extra` is enough"
            ),
        }
    }
}

/// Where `text` reads something site-wide, inside template tags only.
fn walks(text: &str) -> Vec<(usize, Walk)> {
    let mut found = Vec::new();
    for (start, end) in tags(text) {
        let tag = &text[start..end];
        for what in SITE_WIDE {
            for (i, _) in tag.match_indices(what) {
                let before = tag[..i].chars().next_back();
                let after = tag[i + what.len()..].chars().next();
                let whole_word = !before
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
                // `site.pages | length` is a count, not a walk.
                let counted = tag[i + what.len()..].trim_start().starts_with("| length");
                if whole_word && !counted {
                    found.push((start + i, Walk::Site(what)));
                }
            }
        }
        for (i, _) in tag.match_indices("get_section(") {
            let close = tag[i..].find(')').map_or(tag.len(), |c| i + c);
            if !tag[i..close].contains("metadata_only=true") {
                found.push((start + i, Walk::WholeSection));
            }
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    found
}

/// The byte ranges of `{{ … }}` and `{% … %}` tags; comments and raw
/// blocks are skipped.
fn tags(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut from = 0;
    let mut raw = false;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let rest = &text[open..];
        let close = if rest.starts_with("{{") {
            "}}"
        } else if rest.starts_with("{%") {
            "%}"
        } else if rest.starts_with("{#") {
            "#}"
        } else {
            from = open + 1;
            continue;
        };
        let Some(end) = rest[2..].find(close).map(|e| open + 2 + e) else {
            break;
        };
        let inner = text[open + 2..end].trim_matches(['-', ' ', '\n', '\t']);
        if close == "%}" && inner.starts_with("raw") {
            raw = true;
        } else if close == "%}" && inner.starts_with("endraw") {
            raw = false;
        } else if close != "#}" && !raw {
            ranges.push((open, end + 2));
        }
        from = end + 2;
    }
    ranges
}

/// `name` and every template it extends or includes, transitively.
fn family<'a>(sources: &'a HashMap<String, String>, name: &str) -> Vec<&'a str> {
    let mut seen: Vec<&'a str> = Vec::new();
    let mut stack = vec![name.to_string()];
    while let Some(current) = stack.pop() {
        let Some((key, text)) = sources.get_key_value(&current) else {
            continue;
        };
        if seen.contains(&key.as_str()) {
            continue;
        }
        seen.push(key.as_str());
        for (start, end) in tags(text) {
            let tag = text[start + 2..end - 2].trim_matches(['-', ' ', '\n', '\t']);
            for keyword in ["extends", "include"] {
                if let Some(rest) = tag.strip_prefix(keyword) {
                    let rest = rest.trim_start();
                    if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                        && let Some(close) = rest[1..].find(quote)
                    {
                        stack.push(rest[1..1 + close].to_string());
                    }
                }
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_wide_walks_are_found_in_tags_only() {
        let text = "site.pages in text\n{% for p in site.pages %}{{ p.title }}{% endfor %}\n\
                    {{ site.pages | length }} {# site.pages #}\n\
                    {% set s = get_section(path=\"a/_index.md\") %}\
                    {% set m = get_section(path=\"a/_index.md\", metadata_only=true) %}";
        let found: Vec<(Location, Walk)> = walks(text)
            .into_iter()
            .map(|(o, w)| (Location::of_offset(text, o), w))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Location {
                        line: 2,
                        column: 13
                    },
                    Walk::Site("site.pages")
                ),
                (
                    Location {
                        line: 4,
                        column: 12
                    },
                    Walk::WholeSection
                ),
            ]
        );
    }

    #[test]
    fn a_walk_in_a_parent_counts_the_renders_of_its_children() {
        let sources: HashMap<String, String> = [
            (
                "base.html".to_string(),
                "{% for p in site.pages %}{% endfor %}".to_string(),
            ),
            (
                "page.html".to_string(),
                "{% extends \"base.html\" %}".to_string(),
            ),
            (
                "index.html".to_string(),
                "{% for p in site.pages %}{% endfor %}".to_string(),
            ),
        ]
        .into();
        let metrics = [
            TemplateMetric {
                template: "page.html".to_string(),
                renders: 40,
                growing: 40,
                total: Duration::ZERO,
            },
            TemplateMetric {
                template: "index.html".to_string(),
                renders: 1,
                growing: 0,
                total: Duration::ZERO,
            },
        ];
        let hints = hints(&sources, &HashMap::new(), &metrics);
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert_eq!(hints[0].file, PathBuf::from("base.html"));
        assert!(hints[0].message.contains("each of 40 renders"));
    }
}
