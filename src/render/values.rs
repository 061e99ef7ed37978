//! Builds the Tera values templates see, once per build, and the list of
//! render jobs. Page values are shared (`tera::Value` is reference-counted),
//! so a section, a term page and `site.pages` all point at the same data
//! instead of copying it.

use std::collections::HashMap;

use rayon::prelude::*;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Content, Date, Page, Section, slugify};
use crate::markdown::Heading;

/// A taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `stack`.
    pub name: String,
    /// The language of its pages, by index into `Config::languages`.
    pub lang: usize,
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

/// Groups pages by taxonomy term; `C++` and `c++` are one term. Each
/// language has its own taxonomies, under its own prefix (`/fr/tags/`).
pub fn taxonomies(config: &Config, content: &Content) -> Vec<Taxonomy> {
    (0..config.languages.len())
        .flat_map(|lang| {
            config
                .language_taxonomies(lang)
                .iter()
                .map(move |t| language_taxonomy(config, content, lang, &t.name))
        })
        .collect()
}

/// Taxonomy `name` of the pages in language `lang`.
fn language_taxonomy(config: &Config, content: &Content, lang: usize, name: &str) -> Taxonomy {
    let url = format!("{}/{}/", config.language_prefix(lang), slugify(name));
    let mut terms: Vec<Term> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    // Pages name few terms many times: each spelling is slugified once.
    let mut by_written: HashMap<&str, usize> = HashMap::new();
    for (i, page) in content.pages.iter().enumerate() {
        if page.lang != lang {
            continue;
        }
        let Some(names) = page.meta.taxonomies.get(name) else {
            continue;
        };
        for written in names {
            let t = match by_written.get(written.as_str()) {
                Some(&t) => t,
                None => {
                    let slug = slugify(written);
                    let t = *by_slug.entry(slug.clone()).or_insert_with(|| {
                        terms.push(Term {
                            name: written.clone(),
                            url: format!("{url}{slug}/"),
                            slug,
                            pages: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    by_written.insert(written, t);
                    t
                }
            };
            let term = &mut terms[t];
            if term.pages.last() != Some(&i) {
                term.pages.push(i);
            }
        }
    }
    terms.sort_unstable_by(|a, b| a.slug.cmp(&b.slug));
    terms.par_iter_mut().for_each(|term| {
        // Ties end at the source path: the order is total.
        term.pages.sort_unstable_by(|&a, &b| {
            let (a, b) = (&content.pages[a], &content.pages[b]);
            date_seconds(&b.meta.date)
                .cmp(&date_seconds(&a.meta.date))
                .then_with(|| a.meta.title.cmp(&b.meta.title))
                .then_with(|| a.relative_path.cmp(&b.relative_path))
        });
    });
    Taxonomy {
        name: name.to_string(),
        lang,
        url,
        terms,
    }
}

fn date_seconds(date: &Option<Date>) -> Option<i64> {
    date.as_ref().map(|d| d.seconds)
}

/// The values of one build. Built in two steps: what front matter alone
/// gives (`new`), then, once every page's Markdown is rendered, the lists
/// (`set_lists`). Kept between rebuilds so an edit patches them.
///
/// Lists (`section.pages`, `term.pages`, `site.pages`, `paginator.pages`)
/// hold each page's *listing*: every field but `content` and `toc`. A page's
/// whole value exists only while something renders it, so the site's HTML
/// is never held in memory at once.
pub struct Model {
    /// `config`.
    pub config: Value,
    /// `config` as each language but the default sees it (`languages[1..]`).
    pub language_configs: Vec<Value>,
    /// `data`.
    pub data: Value,
    /// `site`, once the lists are set.
    pub site: Value,
    /// Each page's listing, once its Markdown is rendered.
    pub listings: Vec<Value>,
    /// Each section without its pages.
    pub section_meta: Vec<Value>,
    /// Each section with its pages' listings, once the lists are set.
    pub sections: Vec<Value>,
    /// Term values by taxonomy, then term, once the lists are set.
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
    /// Section contents and tables of contents, once rendered.
    section_html: Vec<(Value, Value)>,
}

/// A page's rendered Markdown, as `page` values need it.
#[derive(Debug, Clone, Default)]
pub struct PageHtml {
    /// The body's HTML.
    pub content: String,
    /// The summary's HTML, if any.
    pub summary: Option<String>,
    /// The headings.
    pub toc: Vec<Heading>,
    /// Words of text.
    pub word_count: usize,
}

impl Model {
    /// The values front matter alone gives. `kept(i)` is page `i`'s light
    /// value as the last render made it, when that still holds.
    pub fn new(
        config: &Config,
        content: &Content,
        taxonomies: &[Taxonomy],
        kept: &(dyn Fn(usize) -> Option<Value> + Sync),
    ) -> Model {
        let mut around: Vec<(Option<usize>, Option<usize>)> =
            vec![(None, None); content.pages.len()];
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
        let taxonomy_values = taxonomies
            .iter()
            .map(|t| {
                let (permalink, path) = url_pair(config, &t.url);
                object(vec![
                    ("name", Value::from(t.name.as_str())),
                    ("permalink", permalink),
                    ("path", path),
                    ("lang", Value::from(config.languages[t.lang].as_str())),
                ])
            })
            .collect();
        Model {
            config: config_value(config, content, 0),
            language_configs: config_values(config, content).split_off(1),
            data: Value::from_serializable(&content.data),
            site: Value::none(),
            listings: vec![Value::none(); content.pages.len()],
            section_meta: content
                .sections
                .iter()
                .map(|s| Value::from(section_meta(config, content, s)))
                .collect(),
            sections: Vec::new(),
            terms: Vec::new(),
            taxonomies: taxonomy_values,
            light: content
                .pages
                .par_iter()
                .enumerate()
                .map(|(i, p)| kept(i).unwrap_or_else(|| neighbour(config, p)))
                .collect(),
            around,
            by_date,
            term_refs: term_refs(config, taxonomies),
            section_html: Vec::new(),
        }
    }

    /// Page `i`'s value as its neighbours show it.
    pub fn light(&self, i: usize) -> Value {
        self.light[i].clone()
    }

    /// Page `i`'s neighbours in its section.
    pub fn around(&self, i: usize) -> (Option<usize>, Option<usize>) {
        self.around[i]
    }

    /// The terms as pages list them.
    pub fn term_refs(&self) -> &TermRefs {
        &self.term_refs
    }

    /// `config` as each language sees it, the default first.
    pub fn configs(&self) -> Vec<Value> {
        let mut configs = vec![self.config.clone()];
        configs.extend(self.language_configs.iter().cloned());
        configs
    }

    /// Page `i`'s whole value and its listing.
    pub fn page(
        &self,
        config: &Config,
        content: &Content,
        i: usize,
        html: &PageHtml,
    ) -> (Value, Value) {
        let page = &content.pages[i];
        let mut map = page_map(config, content, page, html, &self.term_refs);
        let (previous, next) = self.around[i];
        map.insert(
            "previous".into(),
            previous.map_or(Value::none(), |p| self.light[p].clone()),
        );
        map.insert(
            "next".into(),
            next.map_or(Value::none(), |p| self.light[p].clone()),
        );
        let listing = Value::from(map.clone());
        map.insert("content".into(), Value::safe_string(&html.content));
        map.insert("toc".into(), toc_value(config, &page.url, &html.toc));
        (Value::from(map), listing)
    }

    /// Builds the lists from every page's listing and the sections' own
    /// rendered bodies: section values, terms and `site`.
    pub fn set_lists(
        &mut self,
        content: &Content,
        taxonomies: &[Taxonomy],
        section_html: Vec<(Value, Value)>,
    ) {
        self.section_html = section_html;
        self.sections = (0..content.sections.len())
            .map(|s| self.section_value(content, s))
            .collect();
        self.terms = taxonomies
            .iter()
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| self.term_value(t, term))
                    .collect()
            })
            .collect();
        self.site = self.site_value(taxonomies);
    }

    /// Puts page `i`'s new listing in place, with every list that holds it.
    pub fn set_listing(
        &mut self,
        content: &Content,
        taxonomies: &[Taxonomy],
        i: usize,
        listing: Value,
    ) {
        self.listings[i] = listing;
        let s = content.pages[i].section;
        self.sections[s] = self.section_value(content, s);
        for (t, taxonomy) in taxonomies.iter().enumerate() {
            for (k, term) in taxonomy.terms.iter().enumerate() {
                if term.pages.contains(&i) {
                    self.terms[t][k] = self.term_value(taxonomy, term);
                }
            }
        }
        self.site = self.site_value(taxonomies);
    }

    fn section_value(&self, content: &Content, s: usize) -> Value {
        let mut map = self.section_meta[s].as_map().cloned().unwrap_or_default();
        let (html, toc) = self
            .section_html
            .get(s)
            .cloned()
            .unwrap_or((Value::from(""), Value::from(Vec::<Value>::new())));
        map.insert("content".into(), html);
        map.insert("toc".into(), toc);
        map.insert("pages".into(), self.list(&content.sections[s].pages));
        Value::from(map)
    }

    fn term_value(&self, taxonomy: &Taxonomy, term: &Term) -> Value {
        let mut map = self
            .term_refs
            .get(&(taxonomy.lang, taxonomy.name.clone(), term.slug.clone()))
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        map.insert("page_count".into(), Value::from(term.pages.len()));
        map.insert("pages".into(), self.list(&term.pages));
        Value::from(map)
    }

    /// The listings of `pages`, in that order.
    pub fn list(&self, pages: &[usize]) -> Value {
        Value::from(
            pages
                .iter()
                .map(|&i| self.listings[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn site_value(&self, taxonomies: &[Taxonomy]) -> Value {
        let mut site_taxonomies = Map::default();
        // `site.taxonomies` holds the default language's; each language's
        // own are on its taxonomy pages.
        for (t, values) in taxonomies.iter().zip(&self.terms) {
            if t.lang == 0 {
                site_taxonomies.insert(t.name.clone().into(), Value::from(values.clone()));
            }
        }
        object(vec![
            ("pages", self.list(&self.by_date)),
            ("sections", Value::from(self.sections.clone())),
            ("taxonomies", Value::from(site_taxonomies)),
        ])
    }
}

/// `config` as each language sees it, the default first: what a render
/// compares with the last one's, since every template may read it.
pub fn config_values(config: &Config, content: &Content) -> Vec<Value> {
    (0..config.languages.len())
        .map(|lang| config_value(config, content, lang))
        .collect()
}

/// `config` as templates of language `lang` see it: `folio.yaml` with
/// what that language says differently, plus `feed.path` and
/// `feed.permalink`, the language's feed's address when folio writes one
/// that holds a dated page (none otherwise), so a theme links the feed
/// without walking every page. A multilingual site's also holds
/// `default_language`, `home_path` (the language's home) and
/// `language_homes` (each language's `lang`, `path` and `permalink`).
fn config_value(config: &Config, content: &Content, lang: usize) -> Value {
    let value = if config.is_multilingual() {
        Value::from_serializable(&config.language_site(lang))
    } else {
        Value::from_serializable(&config.site)
    };
    let has_entries = config.site.feed.enabled
        && content
            .pages
            .iter()
            .any(|p| p.lang == lang && p.meta.date.is_some());
    let (permalink, path) = if has_entries {
        url_pair(
            config,
            &format!(
                "{}/{}",
                config.language_prefix(lang),
                config.site.feed.filename
            ),
        )
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
    if config.is_multilingual() {
        map.insert(
            "default_language".into(),
            Value::from(config.languages[0].as_str()),
        );
        let homes: Vec<Value> = (0..config.languages.len())
            .map(|l| {
                let (permalink, path) =
                    url_pair(config, &format!("{}/", config.language_prefix(l)));
                object(vec![
                    ("lang", Value::from(config.languages[l].as_str())),
                    ("path", path),
                    ("permalink", permalink),
                ])
            })
            .collect();
        map.insert(
            "home_path".into(),
            Value::from(config.with_base(&format!("{}/", config.language_prefix(lang)))),
        );
        map.insert("language_homes".into(), Value::from(homes));
    }
    Value::from(map)
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

/// Term values by language, taxonomy and slug.
pub type TermRefs = HashMap<(usize, String, String), Value>;

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
            refs.insert((t.lang, t.name.clone(), term.slug.clone()), value);
        }
    }
    refs
}

fn date_value(date: &Option<Date>) -> Value {
    date.as_ref()
        .map_or(Value::none(), |d| Value::from(d.text.as_str()))
}

/// Every field of a page's value but `content` and `toc`.
fn page_map(
    config: &Config,
    content: &Content,
    page: &Page,
    html: &PageHtml,
    terms: &TermRefs,
) -> Map {
    let (permalink, path) = url_pair(config, &page.url);

    let mut taxonomies = Map::default();
    // Every declared taxonomy is there, empty when the page has no terms,
    // so templates can loop over `page.taxonomies.x` without a guard.
    for t in config.language_taxonomies(page.lang) {
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
            if let Some(v) = terms.get(&(page.lang, name.clone(), slug.clone())) {
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
    put(
        "summary",
        html.summary
            .as_deref()
            .map_or(Value::none(), Value::safe_string),
    );
    put("word_count", Value::from(html.word_count));
    put("reading_time", Value::from(reading_time(html.word_count)));
    put("extra", extra_value(&meta.extra));
    put("taxonomies", Value::from(taxonomies));
    put("assets", Value::from(assets));
    put("draft", Value::from(meta.draft));
    put("lang", Value::from(config.languages[page.lang].as_str()));
    put(
        "translations",
        translations_value(config, &page.translations, |i| {
            let p = &content.pages[i];
            (p.lang, &p.url, p.meta.title.as_deref())
        }),
    );
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

/// `translations` of a page or section: each version's `lang`, `title`,
/// `url` (its path, with the base path) and `permalink`.
fn translations_value<'a>(
    config: &Config,
    group: &[usize],
    of: impl Fn(usize) -> (usize, &'a String, Option<&'a str>),
) -> Value {
    let list: Vec<Value> = group
        .iter()
        .map(|&i| {
            let (lang, url, title) = of(i);
            let (permalink, path) = url_pair(config, url);
            object(vec![
                ("lang", Value::from(config.languages[lang].as_str())),
                ("title", Value::from(title.unwrap_or_default())),
                ("url", path),
                ("permalink", permalink),
            ])
        })
        .collect();
    Value::from(list)
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
        ("lang", Value::from(config.languages[section.lang].as_str())),
        (
            "translations",
            translations_value(config, &section.translations, |i| {
                let s = &content.sections[i];
                (s.lang, &s.url, s.meta.title.as_deref())
            }),
        ),
    ] {
        map.insert(k.into(), v);
    }
    map
}
