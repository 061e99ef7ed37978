//! Builds the Tera values templates see, once per build, and the list of
//! render jobs. Page values are shared (`tera::Value` is reference-counted),
//! so a section, a term page and `site.pages` all point at the same data
//! instead of copying it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Content, Date, Page, Section, slugify};
use crate::markdown::Heading;

use super::Html;

/// A taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `stack`.
    pub name: String,
    /// `/stack/`, without the base path.
    pub url: String,
    /// Terms, by slug.
    pub terms: Vec<Term>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone)]
pub struct Term {
    /// As first written: `Kafka`.
    pub name: String,
    /// `kafka`.
    pub slug: String,
    /// `/stack/kafka/`, without the base path.
    pub url: String,
    /// Pages carrying it, newest first, then by title.
    pub pages: Vec<usize>,
}

/// Groups pages by taxonomy term; `C++` and `c++` are one term.
pub fn taxonomies(config: &Config, content: &Content) -> Vec<Taxonomy> {
    config
        .site
        .taxonomies
        .iter()
        .map(|t| {
            let url = format!("/{}/", slugify(&t.name));
            let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
            for (i, page) in content.pages.iter().enumerate() {
                let Some(names) = page.meta.taxonomies.get(&t.name) else {
                    continue;
                };
                for name in names {
                    let slug = slugify(name);
                    let term = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        url: format!("{url}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = by_slug.into_values().collect();
            for term in &mut terms {
                term.pages.sort_by(|&a, &b| {
                    let (a, b) = (&content.pages[a], &content.pages[b]);
                    date_seconds(&b.meta.date)
                        .cmp(&date_seconds(&a.meta.date))
                        .then_with(|| a.meta.title.cmp(&b.meta.title))
                        .then_with(|| a.relative_path.cmp(&b.relative_path))
                });
            }
            Taxonomy {
                name: t.name.clone(),
                url,
                terms,
            }
        })
        .collect()
}

fn date_seconds(date: &Option<Date>) -> Option<i64> {
    date.as_ref().map(|d| d.seconds)
}

/// The values of one build, kept so that an edit to one page's body can
/// patch them instead of building them all again.
pub struct Model {
    /// `config`.
    pub config: Value,
    /// `site`.
    pub site: Value,
    /// `data`.
    pub data: Value,
    /// Full page values, by page index.
    pub pages: Vec<Value>,
    /// Full section values, by section index.
    pub sections: Vec<Value>,
    /// Term values by taxonomy, then term.
    pub terms: Vec<Vec<Value>>,
    /// Taxonomy values (`{name, path, permalink}`).
    pub taxonomies: Vec<Value>,
    /// Each page's light value, its neighbours' `previous`/`next`.
    light: Vec<Value>,
    /// Each page's neighbours in its section.
    around: Vec<(Option<usize>, Option<usize>)>,
    /// Pages newest first, for `site.pages`.
    by_date: Vec<usize>,
    /// Term values as pages list them.
    term_refs: TermRefs,
}

/// Builds every value templates can reach.
pub fn build(
    config: &Config,
    content: &Content,
    markdown: (&[Html], &[Html]),
    taxonomies: &[Taxonomy],
) -> Model {
    let term_refs = term_refs(config, taxonomies);
    let light: Vec<Value> = content
        .pages
        .par_iter()
        .map(|p| neighbour(config, p))
        .collect();
    let mut around: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); content.pages.len()];
    for section in &content.sections {
        for (pos, &i) in section.pages.iter().enumerate() {
            around[i] = (
                pos.checked_sub(1).map(|p| section.pages[p]),
                section.pages.get(pos + 1).copied(),
            );
        }
    }
    let mut by_date: Vec<usize> = (0..content.pages.len()).collect();
    by_date.sort_by(|&a, &b| {
        let (pa, pb) = (&content.pages[a], &content.pages[b]);
        date_seconds(&pb.meta.date)
            .cmp(&date_seconds(&pa.meta.date))
            .then_with(|| pa.relative_path.cmp(&pb.relative_path))
    });
    let taxonomy_values: Vec<Value> = taxonomies
        .iter()
        .map(|t| {
            let path = config.with_base(&t.url);
            object(vec![
                ("name", Value::from(t.name.as_str())),
                ("permalink", Value::from(config.permalink(&path))),
                ("path", Value::from(path)),
            ])
        })
        .collect();
    let mut model = Model {
        config: config_value(config, content),
        site: Value::none(),
        data: Value::from_serializable(&content.data),
        pages: Vec::new(),
        sections: Vec::new(),
        terms: Vec::new(),
        taxonomies: taxonomy_values,
        light,
        around,
        by_date,
        term_refs,
    };
    model.pages = content
        .pages
        .par_iter()
        .zip(markdown.0)
        .enumerate()
        .map(|(i, (page, rendered))| model.page_value(config, content, i, page, rendered))
        .collect();
    model.sections = content
        .sections
        .iter()
        .zip(markdown.1)
        .map(|(section, rendered)| section_value(config, content, section, rendered, &model.pages))
        .collect();
    model.terms = taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| term_value(config, term, &model.pages))
                .collect()
        })
        .collect();
    model.site = model.site_value(taxonomies);
    model
}

/// `config` as templates see it: `folio.yaml`, plus `feed.path` and
/// `feed.permalink`, the site feed's address when folio writes one that
/// holds a dated page (none otherwise), so a theme links the feed without
/// walking every page.
fn config_value(config: &Config, content: &Content) -> Value {
    let value = Value::from_serializable(&config.site);
    let has_entries =
        config.site.feed.enabled && content.pages.iter().any(|p| p.meta.date.is_some());
    let (permalink, path) = if has_entries {
        url_pair(config, &config.site.feed.filename)
    } else {
        (Value::none(), Value::none())
    };
    let Some(mut map) = value.as_map().cloned() else {
        return value;
    };
    let mut feed = map
        .get(&tera::value::Key::from("feed"))
        .and_then(Value::as_map)
        .cloned()
        .unwrap_or_default();
    feed.insert("path".into(), path);
    feed.insert("permalink".into(), permalink);
    map.insert("feed".into(), Value::from(feed));
    Value::from(map)
}

/// What a patch changed, so that only what shows it is rendered again.
#[derive(Debug, Default)]
pub struct Patched {
    /// Sections whose value changed.
    pub sections: Vec<usize>,
    /// Terms whose value changed: taxonomy index, term index.
    pub terms: Vec<(usize, usize)>,
}

impl Model {
    /// Builds page `i`'s value again after its body changed, and the values
    /// that hold it: its section, its terms and `site`.
    pub fn patch(
        &mut self,
        config: &Config,
        content: &Content,
        markdown: (&[Html], &[Html]),
        taxonomies: &[Taxonomy],
        changed: &[usize],
    ) -> Patched {
        let mut patched = Patched::default();
        for &i in changed {
            self.pages[i] = self.page_value(config, content, i, &content.pages[i], &markdown.0[i]);
            let s = content.pages[i].section;
            if !patched.sections.contains(&s) {
                patched.sections.push(s);
            }
            for (t, taxonomy) in taxonomies.iter().enumerate() {
                for (k, term) in taxonomy.terms.iter().enumerate() {
                    if term.pages.contains(&i) && !patched.terms.contains(&(t, k)) {
                        patched.terms.push((t, k));
                    }
                }
            }
        }
        for &s in &patched.sections {
            self.sections[s] = section_value(
                config,
                content,
                &content.sections[s],
                &markdown.1[s],
                &self.pages,
            );
        }
        for &(t, k) in &patched.terms {
            self.terms[t][k] = term_value(config, &taxonomies[t].terms[k], &self.pages);
        }
        self.site = self.site_value(taxonomies);
        patched
    }

    fn page_value(
        &self,
        config: &Config,
        content: &Content,
        i: usize,
        page: &Page,
        rendered: &Html,
    ) -> Value {
        let mut map = page_map(config, content, i, page, rendered, &self.term_refs);
        let (previous, next) = self.around[i];
        map.insert(
            "previous".into(),
            previous.map_or(Value::none(), |p| self.light[p].clone()),
        );
        map.insert(
            "next".into(),
            next.map_or(Value::none(), |p| self.light[p].clone()),
        );
        Value::from(map)
    }

    fn site_value(&self, taxonomies: &[Taxonomy]) -> Value {
        let mut site_taxonomies = Map::default();
        for (t, values) in taxonomies.iter().zip(&self.terms) {
            site_taxonomies.insert(t.name.clone().into(), Value::from(values.clone()));
        }
        object(vec![
            (
                "pages",
                Value::from(
                    self.by_date
                        .iter()
                        .map(|&i| self.pages[i].clone())
                        .collect::<Vec<_>>(),
                ),
            ),
            ("sections", Value::from(self.sections.clone())),
            ("taxonomies", Value::from(site_taxonomies)),
        ])
    }
}

/// Builds a map value from pairs.
pub fn object(pairs: Vec<(&'static str, Value)>) -> Value {
    let mut map = Map::default();
    for (k, v) in pairs {
        map.insert(k.into(), v);
    }
    Value::from(map)
}

fn url_pair(config: &Config, url: &str) -> (Value, Value) {
    let path = config.with_base(url);
    (Value::from(config.permalink(&path)), Value::from(path))
}

type TermRefs = HashMap<(String, String), Value>;

fn term_refs(config: &Config, taxonomies: &[Taxonomy]) -> TermRefs {
    let mut refs = HashMap::new();
    for t in taxonomies {
        for term in &t.terms {
            let (permalink, path) = url_pair(config, &term.url);
            let value = object(vec![
                ("name", Value::from(term.name.as_str())),
                ("slug", Value::from(term.slug.as_str())),
                ("path", path),
                ("permalink", permalink),
            ]);
            refs.insert((t.name.clone(), term.slug.clone()), value);
        }
    }
    refs
}

fn date_value(date: &Option<Date>) -> Value {
    date.as_ref()
        .map_or(Value::none(), |d| Value::from(d.text.as_str()))
}

fn page_map(
    config: &Config,
    content: &Content,
    _index: usize,
    page: &Page,
    rendered: &Html,
    terms: &TermRefs,
) -> Map {
    let (permalink, path) = url_pair(config, &page.url);

    let mut taxonomies = Map::default();
    // Every declared taxonomy is there, empty when the page has no terms,
    // so templates can loop over `page.taxonomies.x` without a guard.
    for t in &config.site.taxonomies {
        taxonomies.insert(t.name.clone().into(), Value::from(Vec::<Value>::new()));
    }
    for (name, names) in &page.meta.taxonomies {
        let mut seen = Vec::new();
        let mut list = Vec::new();
        for n in names {
            let slug = slugify(n);
            if seen.contains(&slug) {
                continue;
            }
            if let Some(v) = terms.get(&(name.clone(), slug.clone())) {
                list.push(v.clone());
            }
            seen.push(slug);
        }
        taxonomies.insert(name.clone().into(), Value::from(list));
    }
    let base = config.with_base(&page.url);
    let assets: Vec<Value> = page
        .assets
        .iter()
        .map(|a| Value::from(format!("{base}{a}")))
        .collect();
    let meta = &page.meta;
    let mut map = Map::default();
    let mut put = |k: &'static str, v: Value| {
        map.insert(k.into(), v);
    };
    put("title", Value::from(meta.title.clone().unwrap_or_default()));
    put(
        "description",
        meta.description.clone().map_or(Value::none(), Value::from),
    );
    put("date", date_value(&meta.date));
    put("updated", date_value(&meta.updated));
    put("slug", Value::from(page.slug.as_str()));
    put("path", path);
    put("permalink", permalink);
    put("content", rendered.content.clone());
    put("summary", rendered.summary.clone());
    put("toc", rendered.toc.clone());
    put("word_count", Value::from(rendered.word_count));
    put(
        "reading_time",
        Value::from(reading_time(rendered.word_count)),
    );
    put("extra", extra_value(&meta.extra));
    put("taxonomies", Value::from(taxonomies));
    put("assets", Value::from(assets));
    put("draft", Value::from(meta.draft));
    put("weight", meta.weight.map_or(Value::none(), Value::from));
    put("relative_path", Value::from(page.relative_path.as_str()));
    put(
        "section",
        Value::from(content.sections[page.section].relative_path.as_str()),
    );
    put("previous", Value::none());
    put("next", Value::none());
    map
}

/// Free front-matter keys as a value; most pages have none.
fn extra_value(extra: &serde_json::Map<String, serde_json::Value>) -> Value {
    if extra.is_empty() {
        Value::from(Map::default())
    } else {
        Value::from_serializable(extra)
    }
}

/// Minutes to read `words` at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// The table of contents as template values.
pub fn toc_value(config: &Config, url: &str, toc: &[Heading]) -> Value {
    let base = config.with_base(url);
    let items: Vec<Value> = toc
        .iter()
        .map(|h| {
            object(vec![
                ("level", Value::from(h.level)),
                ("id", Value::from(h.id.as_str())),
                ("title", Value::from(h.title.as_str())),
                (
                    "permalink",
                    Value::from(format!("{}#{}", config.permalink(&base), h.id)),
                ),
                ("children", toc_value(config, url, &h.children)),
            ])
        })
        .collect();
    Value::from(items)
}

fn neighbour(config: &Config, page: &Page) -> Value {
    let (permalink, path) = url_pair(config, &page.url);
    object(vec![
        (
            "title",
            Value::from(page.meta.title.clone().unwrap_or_default()),
        ),
        ("path", path),
        ("permalink", permalink),
        ("date", date_value(&page.meta.date)),
    ])
}

/// A section's own fields, without its pages or its rendered body: what
/// `get_section(path=…, metadata_only=true)` returns, so that a page showing
/// its section's title does not depend on every page of that section.
pub fn section_meta(config: &Config, content: &Content, section: &Section) -> Map {
    let (permalink, path) = url_pair(config, &section.url);
    let subsections: Vec<Value> = section
        .subsections
        .iter()
        .map(|&i| {
            let sub = &content.sections[i];
            let (permalink, path) = url_pair(config, &sub.url);
            object(vec![
                (
                    "title",
                    Value::from(sub.meta.title.clone().unwrap_or_default()),
                ),
                (
                    "description",
                    sub.meta
                        .description
                        .clone()
                        .map_or(Value::none(), Value::from),
                ),
                ("path", path),
                ("permalink", permalink),
                ("relative_path", Value::from(sub.relative_path.as_str())),
            ])
        })
        .collect();
    let mut map = Map::default();
    for (k, v) in [
        (
            "title",
            Value::from(section.meta.title.clone().unwrap_or_default()),
        ),
        (
            "description",
            section
                .meta
                .description
                .clone()
                .map_or(Value::none(), Value::from),
        ),
        ("path", path),
        ("permalink", permalink),
        ("subsections", Value::from(subsections)),
        ("data", Value::from_serializable(&section.data)),
        ("extra", extra_value(&section.meta.extra)),
        ("relative_path", Value::from(section.relative_path.as_str())),
        (
            "weight",
            section.meta.weight.map_or(Value::none(), Value::from),
        ),
    ] {
        map.insert(k.into(), v);
    }
    map
}

fn section_value(
    config: &Config,
    content: &Content,
    section: &Section,
    rendered: &Html,
    pages: &[Value],
) -> Value {
    let mut map = section_meta(config, content, section);
    map.insert("content".into(), rendered.content.clone());
    map.insert("toc".into(), rendered.toc.clone());
    map.insert(
        "pages".into(),
        Value::from(
            section
                .pages
                .iter()
                .map(|&i| pages[i].clone())
                .collect::<Vec<_>>(),
        ),
    );
    Value::from(map)
}

fn term_value(config: &Config, term: &Term, pages: &[Value]) -> Value {
    let (permalink, path) = url_pair(config, &term.url);
    object(vec![
        ("name", Value::from(term.name.as_str())),
        ("slug", Value::from(term.slug.as_str())),
        ("path", path),
        ("permalink", permalink),
        ("page_count", Value::from(term.pages.len())),
        (
            "pages",
            Value::from(
                term.pages
                    .iter()
                    .map(|&i| pages[i].clone())
                    .collect::<Vec<_>>(),
            ),
        ),
    ])
}

/// One template to render into one file.
pub struct Job {
    /// The template's name.
    pub template: String,
    /// The URL path without the base path.
    pub url: String,
    /// The file the job comes from, for messages.
    pub source: PathBuf,
    /// The variables it adds to the shared context.
    pub context: Vec<(&'static str, Value)>,
    /// What the job renders, for partial rebuilds.
    pub kind: JobKind,
}

/// What a job renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A section (or one slice of its pagination), by index.
    Section(usize),
    /// A page, by index.
    Page(usize),
    /// A taxonomy's list page, by taxonomy index.
    TaxonomyList(usize),
    /// A term page: taxonomy index, term index.
    Term(usize, usize),
}

/// Lists every page, section, paginator slice and taxonomy page to render.
///
/// `keep` picks the jobs by kind and template before their values are
/// gathered, so a partial rebuild pays only for what it renders.
pub fn jobs(
    config: &Config,
    content: &Content,
    model: &Model,
    taxonomies: &[Taxonomy],
    keep: &dyn Fn(JobKind, &str) -> bool,
) -> Vec<Job> {
    let mut jobs = Vec::with_capacity(content.pages.len() + content.sections.len() + 64);
    for (i, section) in content.sections.iter().enumerate() {
        // A redirect is written with the aliases, not rendered.
        if !section.exists && i != 0 || section.meta.redirect_to.is_some() {
            continue;
        }
        let template = if section.url == "/" && section.meta.template.is_none() {
            "index.html".to_string()
        } else {
            section
                .meta
                .template
                .clone()
                .unwrap_or_else(|| "section.html".to_string())
        };
        if !keep(JobKind::Section(i), &template) {
            continue;
        }
        match section.meta.paginate_by {
            Some(per) => jobs.extend(paginate(
                config,
                (i, section),
                &model.sections[i],
                &model.pages,
                per,
                &template,
            )),
            None => jobs.push(Job {
                template,
                url: section.url.clone(),
                source: section.source.clone(),
                context: vec![("section", model.sections[i].clone())],
                kind: JobKind::Section(i),
            }),
        }
    }
    for (i, page) in content.pages.iter().enumerate() {
        if page.meta.redirect_to.is_some() {
            continue;
        }
        let template = page
            .meta
            .template
            .as_deref()
            .or(content.sections[page.section].meta.page_template.as_deref())
            .unwrap_or("page.html");
        if !keep(JobKind::Page(i), template) {
            continue;
        }
        jobs.push(Job {
            template: template.to_string(),
            url: page.url.clone(),
            source: page.source.clone(),
            context: vec![("page", model.pages[i].clone())],
            kind: JobKind::Page(i),
        });
    }
    for (ti, ((t, terms), taxonomy)) in taxonomies
        .iter()
        .zip(&model.terms)
        .zip(&model.taxonomies)
        .enumerate()
    {
        if keep(JobKind::TaxonomyList(ti), "taxonomy_list.html") {
            jobs.push(Job {
                template: "taxonomy_list.html".to_string(),
                url: t.url.clone(),
                source: PathBuf::from(crate::config::CONFIG_FILE),
                context: vec![
                    ("taxonomy", taxonomy.clone()),
                    ("terms", Value::from(terms.clone())),
                ],
                kind: JobKind::TaxonomyList(ti),
            });
        }
        for (k, (term, value)) in t.terms.iter().zip(terms).enumerate() {
            if !keep(JobKind::Term(ti, k), "taxonomy_term.html") {
                continue;
            }
            jobs.push(Job {
                template: "taxonomy_term.html".to_string(),
                url: term.url.clone(),
                source: PathBuf::from(crate::config::CONFIG_FILE),
                context: vec![("taxonomy", taxonomy.clone()), ("term", value.clone())],
                kind: JobKind::Term(ti, k),
            });
        }
    }
    jobs
}

fn paginate(
    config: &Config,
    (index, section): (usize, &Section),
    value: &Value,
    pages: &[Value],
    per: usize,
    template: &str,
) -> Vec<Job> {
    let chunks: Vec<&[usize]> = if section.pages.is_empty() {
        vec![&[]]
    } else {
        section.pages.chunks(per).collect()
    };
    let total = chunks.len();
    let pager_url = |n: usize| {
        if n == 1 {
            section.url.clone()
        } else {
            format!("{}page/{n}/", section.url)
        }
    };
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let n = i + 1;
            let link = |k: usize| Value::from(config.with_base(&pager_url(k)));
            let paginator = object(vec![
                ("current_index", Value::from(n)),
                ("number_pagers", Value::from(total)),
                (
                    "pages",
                    Value::from(chunk.iter().map(|&p| pages[p].clone()).collect::<Vec<_>>()),
                ),
                ("previous", if n > 1 { link(n - 1) } else { Value::none() }),
                (
                    "next",
                    if n < total {
                        link(n + 1)
                    } else {
                        Value::none()
                    },
                ),
                ("first", link(1)),
                ("last", link(total)),
            ]);
            let mut map = value.as_map().cloned().unwrap_or_default();
            map.insert("paginator".into(), paginator);
            Job {
                template: template.to_string(),
                url: pager_url(n),
                source: section.source.clone(),
                context: vec![("section", Value::from(map))],
                kind: JobKind::Section(index),
            }
        })
        .collect()
}
