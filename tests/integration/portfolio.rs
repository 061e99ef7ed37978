//! The portfolio this repository publishes: every piece of the owner's text
//! is on the built site, none of it is in a template, and the home page has
//! its sections in the owner's order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use scraper::{Html, Selector};

use crate::support::Fixture;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The owner's text, one item a line; bullets dropped. A copy of the text
/// the owner wrote is kept as a fixture, so the test runs on a bare clone.
fn owner_items() -> Vec<String> {
    let path = repo().join("tests/fixtures/portfolio_text/source.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| l.trim().trim_start_matches('•').trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Text without any white space, so that items split over elements still match.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every string in the content's YAML (front matter and data files), squeezed.
fn list_items_in_content() -> Vec<String> {
    fn strings(value: &serde_yaml::Value, out: &mut Vec<String>) {
        match value {
            serde_yaml::Value::String(s) => out.push(squeeze(s)),
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| strings(v, out)),
            serde_yaml::Value::Mapping(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut items = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let yaml = match text.strip_prefix("---\n") {
            Some(rest) => rest.split("\n---").next().unwrap_or_default().to_string(),
            None => text,
        };
        if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&yaml) {
            strings(&value, &mut items);
        }
    }
    items
}

/// Splits `text` into a sequence of `names`, if it is one.
fn split_into(text: &str, names: &[String]) -> Option<Vec<String>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let mut candidates: Vec<&String> = names
        .iter()
        .filter(|n| !n.is_empty() && text.starts_with(n.as_str()))
        .collect();
    candidates.sort_by_key(|n| std::cmp::Reverse(n.len()));
    candidates.into_iter().find_map(|name| {
        let mut rest = split_into(&text[name.len()..], names)?;
        rest.insert(0, name.clone());
        Some(rest)
    })
}

/// The portfolio built at `base_url`: once per test binary for each URL,
/// then shared by every test that reads it.
fn build_portfolio(base_url: &str) -> &'static BTreeMap<String, String> {
    static BUILT: OnceLock<Mutex<BTreeMap<String, &'static BTreeMap<String, String>>>> =
        OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    built
        .entry(base_url.to_string())
        .or_insert_with(|| Box::leak(Box::new(build_once(base_url))))
}

fn build_once(base_url: &str) -> BTreeMap<String, String> {
    let out = Fixture::empty("portfolio");
    let dir = out.root.join("public");
    let run = out.run([
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output-dir",
        dir.to_str().unwrap(),
        "--force",
        "--base-url",
        base_url,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out.tree("public")
}

fn visible_text(html: &str) -> String {
    let document = Html::parse_document(html);
    let body = Selector::parse("body").unwrap();
    document
        .select(&body)
        .flat_map(|b| b.text())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_item_of_the_owners_text_is_on_the_built_site() {
    let tree = build_portfolio("https://example.com/");
    let all: String = tree
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, t)| squeeze(&visible_text(t)))
        .collect();
    let names = list_items_in_content();
    let mut missing = Vec::new();
    for item in owner_items() {
        if all.contains(&squeeze(&item)) {
            continue;
        }
        // A run-together line such as `FastAPIPostgreSQLRedis` is a list of
        // separate items: each of them must be on the site.
        match split_into(&squeeze(&item), &names) {
            Some(parts) => missing.extend(parts.into_iter().filter(|p| !all.contains(p.as_str()))),
            None => missing.push(item),
        }
    }
    assert!(missing.is_empty(), "not on the site: {missing:#?}");
}

#[test]
fn no_theme_template_holds_the_owners_text() {
    let mut templates = String::new();
    for entry in walkdir::WalkDir::new(repo().join("themes")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "html") {
            templates.push_str(&squeeze(&std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    let items = owner_items();
    let in_templates: Vec<&String> = items
        .iter()
        .filter(|item| item.chars().count() >= 4 && templates.contains(&squeeze(item)))
        .collect();
    assert!(
        in_templates.is_empty(),
        "owner's text in templates: {in_templates:?}"
    );
    // Every technology name, however short, stays out of the templates too.
    let stack = std::fs::read_to_string(repo().join("content/stack.yaml")).unwrap();
    for name in stack
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|n| n.trim().trim_matches('"'))
    {
        let word = |t: &str| {
            t.split(|c: char| !c.is_alphanumeric() && c != '.' && c != '#' && c != '+')
                .any(|w| w == name)
        };
        assert!(!word(&templates), "`{name}` is hard-coded in a template");
    }
}

#[test]
fn the_home_page_has_every_section_in_the_owners_order() {
    let tree = build_portfolio("https://example.com/");
    let document = Html::parse_document(&tree["index.html"]);
    let headings: Vec<String> = document
        .select(&Selector::parse("main h1, main h2").unwrap())
        .map(|h| {
            h.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let expected = [
        "Ashutosh Satapathy",
        "Engineering systems that scale",
        "What I can build for you",
        "Production-grade systems",
        "Where I've worked",
        "Tools I work with",
        "Let's build something great",
    ];
    let positions: Vec<usize> = expected
        .iter()
        .map(|e| {
            headings
                .iter()
                .position(|h| h.contains(e))
                .unwrap_or_else(|| panic!("no heading {e:?} in {headings:?}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "out of order: {headings:?}"
    );
    assert_eq!(document.select(&Selector::parse("h1").unwrap()).count(), 1);
}

#[test]
fn each_project_and_role_has_its_page_and_stack_terms_list_them() {
    let tree = build_portfolio("https://example.com/");
    for page in [
        "projects/ai-chat-rag-platform/index.html",
        "projects/webhook-delivery-service/index.html",
        "projects/multi-tenant-saas-backend/index.html",
        "projects/flight-booking-system/index.html",
        "experience/osvi-ai/index.html",
        "experience/iksha-labs/index.html",
        "stack/index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
    ] {
        assert!(tree.contains_key(page), "no {page}");
    }
    let kafka = visible_text(&tree["stack/kafka/index.html"]);
    for title in [
        "Webhook Delivery Service",
        "Flight Booking System",
        "Founding Engineer",
        "Software Engineer Intern",
    ] {
        assert!(kafka.contains(title), "/stack/kafka/ misses {title}");
    }
    let project = &tree["projects/webhook-delivery-service/index.html"];
    assert!(
        project.contains("href=\"/stack/kafka/\""),
        "stack chips link to their terms"
    );
}

#[test]
fn the_header_marks_the_entry_a_page_is_under() {
    let tree = build_portfolio("https://example.com/");
    let current = |page: &str| {
        let document = Html::parse_document(&tree[page]);
        let marked = Selector::parse(".site-nav a[aria-current]").unwrap();
        document
            .select(&marked)
            .map(|a| a.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(current("index.html"), Vec::<String>::new());
    assert_eq!(
        current("projects/flight-booking-system/index.html"),
        ["Work"]
    );
    assert_eq!(current("experience/osvi-ai/index.html"), ["Experience"]);
    assert_eq!(current("stack/kafka/index.html"), ["Stack"]);
}

#[test]
fn no_built_file_holds_javascript() {
    for base in ["https://example.com/", "https://me.github.io/portfolio/"] {
        let tree = build_portfolio(base);
        for (path, text) in tree {
            // Search would bring Pagefind's scripts: the portfolio keeps it off.
            assert!(
                !path.starts_with("pagefind/")
                    && ![".js", ".mjs", ".wasm", ".pagefind"]
                        .iter()
                        .any(|ext| path.ends_with(ext)),
                "{path}"
            );
            let mut rest = text.as_str();
            while let Some(i) = rest.find("<script") {
                let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
                assert!(
                    tag.contains("type=\"application/ld+json\""),
                    "{path}: {tag}"
                );
                rest = &rest[i + 7..];
            }
        }
    }
}

#[test]
fn the_sub_path_build_links_only_inside_the_sub_path() {
    let tree = build_portfolio("https://me.github.io/portfolio/");
    let selector = Selector::parse("[href], [src]").unwrap();
    for (path, text) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        for element in Html::parse_document(text).select(&selector) {
            let url = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            if url.starts_with('/') {
                let file = url
                    .trim_start_matches("/portfolio/")
                    .split(['#', '?'])
                    .next()
                    .unwrap();
                assert!(url.starts_with("/portfolio/"), "{path}: {url}");
                let file = if file.is_empty() || file.ends_with('/') {
                    format!("{file}index.html")
                } else {
                    file.to_string()
                };
                assert!(
                    tree.contains_key(&file)
                        || Path::new(&file).extension().is_none()
                            && tree.contains_key(&format!("{file}/index.html")),
                    "{path}: {url} names nothing"
                );
            }
        }
    }
}
