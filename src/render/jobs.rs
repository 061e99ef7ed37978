//! The render jobs: one template rendered into one file, with the values it
//! is handed and what those values make it depend on.

use std::path::PathBuf;

use tera::Value;

use crate::config::Config;
use crate::content::{Content, Section};

use super::values::{Model, Taxonomy, object};

/// The template of the search page, rendered when search is on and the
/// theme or the site has it.
pub const SEARCH_TEMPLATE: &str = "search.html";

/// Where the search page is, without the base path.
pub const SEARCH_URL: &str = "/search/";

/// One template to render into one file.
#[derive(Clone)]
pub struct Job {
    /// The template's name.
    pub template: String,
    /// The URL path without the base path.
    pub url: String,
    /// The file the job comes from, for messages.
    pub source: PathBuf,
    /// The variables it adds to the shared context.
    pub context: Vec<(&'static str, Value)>,
    /// What the job renders.
    pub kind: JobKind,
    /// The language of what it renders, by index into `Config::languages`.
    pub lang: usize,
}

/// What a job renders; the key under which its reads are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// A page, by index.
    Page(usize),
    /// A section, by index; with pagination, the list page by number.
    Section(usize, usize),
    /// A taxonomy's list page, by taxonomy index.
    TaxonomyList(usize),
    /// A term page: taxonomy index, term index.
    Term(usize, usize),
    /// The `404.html` page, by language.
    NotFound(usize),
    /// The search page, when search is on, by language.
    Search(usize),
}

/// The template a page renders with.
pub fn page_template(content: &Content, i: usize) -> &str {
    let page = &content.pages[i];
    page.meta
        .template
        .as_deref()
        .or(content.sections[page.section].meta.page_template.as_deref())
        .unwrap_or("page.html")
}

/// The job of page `i`, handed its whole value.
pub fn page_job(content: &Content, i: usize, value: Value) -> Job {
    let page = &content.pages[i];
    Job {
        template: page_template(content, i).to_string(),
        url: page.url.clone(),
        source: page.source.clone(),
        context: vec![("page", value)],
        kind: JobKind::Page(i),
        lang: page.lang,
    }
}

/// Every job but the pages': sections and their list pages, taxonomy
/// pages and `404.html`. `keep` picks them by kind before their values are
/// gathered, so a partial rebuild pays only for what it renders.
pub fn list_jobs(
    config: &Config,
    content: &Content,
    model: &Model,
    taxonomies: &[Taxonomy],
    keep: &dyn Fn(JobKind) -> bool,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (i, section) in content.sections.iter().enumerate() {
        // A redirect is written with the aliases, not rendered.
        // Each language's home is rendered, written or not.
        let home = section.parent.is_none();
        if !section.exists && !home || section.meta.redirect_to.is_some() {
            continue;
        }
        let template = if home && section.meta.template.is_none() {
            "index.html".to_string()
        } else {
            section
                .meta
                .template
                .clone()
                .unwrap_or_else(|| "section.html".to_string())
        };
        match section.meta.paginate_by {
            Some(per) => jobs.extend(paginate(config, (i, section), model, per, &template, keep)),
            None if keep(JobKind::Section(i, 1)) => jobs.push(Job {
                template,
                url: section.url.clone(),
                source: section.source.clone(),
                context: vec![("section", model.sections[i].clone())],
                kind: JobKind::Section(i, 1),
                lang: section.lang,
            }),
            None => {}
        }
    }
    for (ti, ((t, terms), taxonomy)) in taxonomies
        .iter()
        .zip(&model.terms)
        .zip(&model.taxonomies)
        .enumerate()
    {
        if keep(JobKind::TaxonomyList(ti)) {
            jobs.push(Job {
                template: "taxonomy_list.html".to_string(),
                url: t.url.clone(),
                source: PathBuf::from(crate::config::CONFIG_FILE),
                context: vec![
                    ("taxonomy", taxonomy.clone()),
                    ("terms", Value::from(terms.clone())),
                ],
                kind: JobKind::TaxonomyList(ti),
                lang: t.lang,
            });
        }
        for (k, (term, value)) in t.terms.iter().zip(terms).enumerate() {
            if !keep(JobKind::Term(ti, k)) {
                continue;
            }
            jobs.push(Job {
                template: "taxonomy_term.html".to_string(),
                url: term.url.clone(),
                source: PathBuf::from(crate::config::CONFIG_FILE),
                context: vec![("taxonomy", taxonomy.clone()), ("term", value.clone())],
                kind: JobKind::Term(ti, k),
                lang: t.lang,
            });
        }
    }
    for lang in (0..config.languages.len()).filter(|&l| keep(JobKind::NotFound(l))) {
        jobs.push(Job {
            template: "404.html".to_string(),
            url: format!("{}/404.html", config.language_prefix(lang)),
            source: PathBuf::from("404.html"),
            context: Vec::new(),
            kind: JobKind::NotFound(lang),
            lang,
        });
    }
    // Each language's search page, in its language: Pagefind's script
    // searches the index of the page's `<html lang>`.
    let languages = if config.site.search {
        config.languages.len()
    } else {
        0
    };
    for lang in (0..languages).filter(|&l| keep(JobKind::Search(l))) {
        jobs.push(Job {
            template: SEARCH_TEMPLATE.to_string(),
            url: format!("{}{SEARCH_URL}", config.language_prefix(lang)),
            source: PathBuf::from(SEARCH_TEMPLATE),
            context: Vec::new(),
            kind: JobKind::Search(lang),
            lang,
        });
    }
    jobs
}

/// The list pages of a paginated section. Each is handed the section
/// without its `pages` and a `paginator` holding its own slice, so a list
/// page costs and depends on its slice alone (as in Zola).
fn paginate(
    config: &Config,
    (index, section): (usize, &Section),
    model: &Model,
    per: usize,
    template: &str,
    keep: &dyn Fn(JobKind) -> bool,
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
    let mut base = model.sections[index].as_map().cloned().unwrap_or_default();
    base.shift_remove(&tera::value::Key::from("pages"));
    chunks
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(JobKind::Section(index, i + 1)))
        .map(|(i, chunk)| {
            let n = i + 1;
            let link = |k: usize| Value::from(config.with_base(&pager_url(k)));
            let paginator = object(vec![
                ("current_index", Value::from(n)),
                ("number_pagers", Value::from(total)),
                ("total_pages", Value::from(section.pages.len())),
                ("pages", model.list(chunk)),
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
            let mut map = base.clone();
            map.insert("paginator".into(), paginator);
            Job {
                template: template.to_string(),
                url: pager_url(n),
                source: section.source.clone(),
                context: vec![("section", Value::from(map))],
                kind: JobKind::Section(index, n),
                lang: section.lang,
            }
        })
        .collect()
}
