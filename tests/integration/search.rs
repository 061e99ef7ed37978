//! Search: the index Pagefind builds from the pages as they render, which
//! pages it holds, the search page, a sub-path, and an edit in a session.

use std::io::Read;

use folio::build::{BuildOptions, Session};
use folio::config::{self, Overrides};

use crate::support::Fixture;

/// Every page of the index under `output`: its URL and title, sorted.
/// Pagefind keeps each page as gzipped JSON behind a `pagefind_dcd` mark.
fn indexed(site: &Fixture, output: &str) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = fragments(site, output)
        .into_iter()
        .map(|page| {
            let url = page["url"].as_str().unwrap().to_string();
            let title = page["meta"]["title"].as_str().unwrap().to_string();
            (url, title)
        })
        .collect();
    pages.sort();
    pages
}

fn fragments(site: &Fixture, output: &str) -> Vec<serde_json::Value> {
    let dir = site.root.join(output).join("pagefind/fragment");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut json)
                .unwrap();
            let json = json.strip_prefix(b"pagefind_dcd").unwrap();
            serde_json::from_slice(json).unwrap()
        })
        .collect()
}

/// The files under `pagefind/` in `output`, by path.
fn index_files(site: &Fixture, output: &str) -> Vec<(String, String)> {
    site.tree(output)
        .into_iter()
        .filter(|(p, _)| p.starts_with("pagefind/"))
        .collect()
}

const SUB_PATH: &str = "https://me.github.io/portfolio/";

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(u, t)| (u.to_string(), t.to_string()))
        .collect()
}

#[test]
fn search_on_writes_the_index_and_its_ui_under_pagefind() {
    let site = Fixture::new("search_index");
    site.run(["build"]).success();
    for file in [
        "pagefind.js",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-entry.json",
        "wasm.en.pagefind",
    ] {
        assert!(
            site.root.join("public/pagefind").join(file).is_file(),
            "{file}"
        );
    }
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("public/pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 3);
    let tree = site.tree("public");
    for kind in [".pf_meta", ".pf_index", ".pf_fragment"] {
        assert!(tree.keys().any(|p| p.ends_with(kind)), "no {kind} file");
    }
    // The home page marks no part for search, so only marked pages are in.
    assert_eq!(
        indexed(&site, "public"),
        pairs(&[
            ("/notes/", "Notes"),
            ("/notes/kafka/", "Kafka"),
            ("/notes/postgres/", "Postgres"),
        ])
    );
    // The pages Pagefind read from the build cache are gone with the build.
    let cache = std::fs::read_dir(site.root.join(".folio-cache"))
        .map(|entries| entries.map(|e| e.unwrap().file_name()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        cache
            .iter()
            .all(|name| !name.to_string_lossy().starts_with("search")),
        "{cache:?}"
    );
}

#[test]
fn only_the_part_of_a_page_marked_for_search_is_indexed() {
    let site = Fixture::new("search_index");
    site.run(["build"]).success();
    let kafka = fragments(&site, "public")
        .into_iter()
        .find(|page| page["url"] == "/notes/kafka/")
        .unwrap();
    assert_eq!(
        kafka["content"],
        "Kafka. Consumer groups rebalance when a member leaves."
    );
}

#[test]
fn search_off_writes_no_index_and_no_search_page() {
    let site = Fixture::new("search_index");
    let yaml = site.read("folio.yaml").replace("search: true\n", "");
    site.write("folio.yaml", &yaml);
    site.run(["build"]).success();
    assert!(!site.root.join("public/pagefind").exists());
    assert!(!site.root.join("public/search").exists());
}

#[test]
fn the_search_page_is_rendered_at_search_from_search_html() {
    let site = Fixture::new("search_index");
    site.run(["build"]).success();
    let page = site.read("public/search/index.html");
    assert!(page.contains("<h1>Find</h1>"), "{page}");
    assert!(page.contains("src=\"/pagefind/pagefind-ui.js\""), "{page}");
}

#[test]
fn under_a_sub_path_the_index_is_the_one_built_at_the_root() {
    // Pages are indexed by their path in the site; Pagefind's script puts
    // the folder that holds `pagefind/` in front (`/portfolio/`), so one
    // index serves both. The browser test follows a result.
    let site = Fixture::new("search_index");
    site.run(["build"]).success();
    site.run(["build", "--base-url", SUB_PATH, "--output-dir", "sub"])
        .success();
    assert_eq!(index_files(&site, "sub"), index_files(&site, "public"));
}

#[test]
fn under_a_sub_path_the_search_page_loads_the_index_from_the_sub_path() {
    let site = Fixture::new("search_index");
    site.run(["build", "--base-url", SUB_PATH]).success();
    let page = site.read("public/search/index.html");
    assert!(
        page.contains("src=\"/portfolio/pagefind/pagefind-ui.js\""),
        "{page}"
    );
}

#[test]
fn a_page_with_search_false_is_left_out_of_the_index() {
    let site = Fixture::new("search_left_out");
    site.run(["build"]).success();
    assert!(site.root.join("public/thanks/index.html").is_file());
    assert_eq!(indexed(&site, "public"), pairs(&[("/public/", "Public")]));
}

#[test]
fn drafts_are_never_indexed_even_when_they_are_built() {
    let site = Fixture::new("search_drafts");
    site.run(["build", "--drafts"]).success();
    assert!(site.root.join("public/unfinished/index.html").is_file());
    assert_eq!(
        indexed(&site, "public"),
        pairs(&[("/published/", "Published")])
    );
}

#[test]
fn the_same_site_always_gives_the_same_index() {
    // Pages render in parallel, in any order; the index must not follow it.
    let site = Fixture::new("search_index");
    for n in 1..=6 {
        site.write(
            &format!("content/notes/more-{n}.md"),
            &format!("---\ntitle: More {n}\n---\nAnother note, number {n}.\n"),
        );
    }
    site.run(["build"]).success();
    site.run(["build", "--output-dir", "again"]).success();
    assert_eq!(site.tree("public"), site.tree("again"));
}

#[test]
fn an_edited_page_is_indexed_again_as_a_full_build_would_index_it() {
    let site = Fixture::new("search_index");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let kafka = "content/notes/kafka.md";
    site.write(
        kafka,
        "---\ntitle: Kafka\n---\nA partition has one leader.\n",
    );
    let rebuild = session.rebuild_content(&[site.root.join(kafka)]).unwrap();
    assert!(!rebuild.full, "a body edit rebuilt everything");
    assert!(
        session.update_search().unwrap() > 0,
        "the index was not written"
    );
    assert!(
        fragments(&site, "public")
            .iter()
            .any(|page| page["content"] == "Kafka. A partition has one leader."),
        "the edit is not in the index"
    );

    let full = Overrides {
        output_dir: Some(site.root.join("full")),
        ..Overrides::default()
    };
    let config = config::load(&site.root, &full).unwrap();
    folio::build::build(&config, &BuildOptions::default()).unwrap();
    // Files of the index before the edit stay until the next full build.
    let full_index = index_files(&site, "full");
    let edited: Vec<_> = index_files(&site, "public")
        .into_iter()
        .filter(|(p, _)| full_index.iter().any(|(q, _)| q == p))
        .collect();
    assert_eq!(edited, full_index);
    assert_eq!(session.update_search().unwrap(), 0, "nothing changed since");
}

#[test]
fn a_search_key_that_is_not_true_or_false_is_an_error_at_its_line() {
    let site = Fixture::new("search_left_out");
    site.write(
        "content/thanks.md",
        "---\ntitle: Thanks\nsearch: no thanks\n---\nBody.\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/thanks.md:3:9: `search` must be true or false, found text\n  \
         help: write `search: false` to leave the page out of the search index\n"
    );
}

#[test]
fn slate_keeps_words_read_out_to_screen_readers_out_of_the_index() {
    // slate reads "Projects using" before each stack chip, hidden from
    // view; in a result's excerpt it would read as noise.
    let site = Fixture::empty("search_slate_hidden_hints");
    site.run(["init", "."]).success();
    let yaml = site
        .read("folio.yaml")
        .replace("\nsearch: false\n", "\nsearch: true\n");
    site.write("folio.yaml", &yaml);
    site.run(["build"]).success();
    let project = fragments(&site, "public")
        .into_iter()
        .find(|page| page["url"] == "/projects/first-project/")
        .unwrap();
    let text = project["content"].as_str().unwrap();
    assert!(text.contains("Rust"), "{text}");
    assert!(!text.contains("Projects using"), "{text}");
}

#[test]
fn check_finds_the_search_page_s_script_and_stylesheet() {
    // `folio check` does not index the pages (links never point into the
    // index), but the files the search page links are there.
    let site = Fixture::new("search_index");
    let run = site.run(["check"]).success();
    assert!(run.stdout.starts_with("checked "), "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

// Issue #27, point 8: a valid tag of 31 characters or more made Pagefind
// panic, and `language: "x/y"` made a folder under `pagefind/`.
#[test]
fn a_long_language_tag_gets_the_index_of_its_language() {
    let site = Fixture::new("search_index");
    let config = site.read("folio.yaml");
    site.write(
        "folio.yaml",
        &format!("{config}language: zh-Hant-TW-u-nu-hanidec-ca-chinese\n"),
    );
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("public/pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["zh"]["page_count"], 3, "{entry}");
    site.write("folio.yaml", &format!("{config}language: \"x/y\"\n"));
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: folio.yaml:7:1: `language` must be a language tag like `en` or `pt-BR`, found \"x/y\"\n  \
         help: write a BCP 47 tag: a language code, then a script or a region if needed, like `zh-Hant-TW`\n"
    );
}
