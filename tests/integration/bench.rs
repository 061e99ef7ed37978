//! The benchmark skeleton keeps building the generated corpus, so
//! `bench/run` cannot rot between runs.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::support::Fixture;

/// The benchmark's own corpus generator, compiled into the tests as well.
#[allow(dead_code, reason = "the benchmark's binary uses more of it")]
#[path = "../../bench/corpus/corpus.rs"]
mod corpus;

#[test]
fn the_bench_skeleton_builds_a_100_page_corpus_with_every_expected_file() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Fixture::empty("bench");
    let spec = corpus::Spec {
        pages: 100,
        sections: 2,
        seed: 1,
        nested_tags: false,
    };
    corpus::write(&spec, &site.root).unwrap();
    for item in ["folio.yaml", "templates"] {
        assert!(
            Command::new("cp")
                .arg("-r")
                .arg(repo.join("bench/site").join(item))
                .arg(&site.root)
                .status()
                .unwrap()
                .success()
        );
    }
    let mut tags = BTreeSet::new();
    for entry in walkdir::WalkDir::new(site.root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let front = text
                .strip_prefix("---\n")
                .and_then(|t| t.split("\n---").next())
                .unwrap_or_default();
            let value: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
            for tag in value["tags"].as_sequence().into_iter().flatten() {
                tags.insert(slug::slugify(tag.as_str().unwrap()));
            }
        }
    }
    site.run(["build"]).success();
    let tree = site.tree("public");
    let html = tree.keys().filter(|p| p.ends_with(".html")).count();
    // pages + sections (home and 2) + the tags list + one page per tag + 404
    assert_eq!(
        html,
        100 + 3 + 1 + tags.len() + 1,
        "{:?}",
        tree.keys().collect::<Vec<_>>()
    );
    let sitemap = &tree["sitemap.xml"];
    assert_eq!(
        sitemap.matches("<loc>").count(),
        html - 1,
        "every page but 404 is in the sitemap"
    );
}

#[test]
fn the_default_theme_builds_the_benchmark_blog_of_generated_posts() {
    let site = Fixture::empty("bench_blog");
    site.run(["init", "."]).success();
    // The benchmark's posts only: the sample post would make a sixth page.
    std::fs::remove_dir_all(site.root.join("content/posts/writing-with-folio")).unwrap();
    let spec = corpus::Spec {
        pages: 100,
        sections: 1,
        seed: 1,
        nested_tags: false,
    };
    corpus::write_posts(&spec, "stack", &site.root).unwrap();
    site.run(["build"]).success();
    let tree = site.tree("public");
    for page in [
        "posts/index.html",
        "posts/page/5/index.html",
        "posts/page-100/index.html",
    ] {
        assert!(tree.contains_key(page), "no {page}");
    }
    assert!(!tree.contains_key("posts/page/6/index.html"));
}

// Issue #22: `gen-corpus --languages 3` makes the corpus a site in three
// languages, every page translated, for the multilingual benchmark.
#[test]
fn the_bench_corpus_in_three_languages_builds_every_page_in_each() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Fixture::empty("bench_languages");
    let spec = corpus::Spec {
        pages: 30,
        sections: 2,
        seed: 1,
        nested_tags: false,
    };
    corpus::write(&spec, &site.root).unwrap();
    corpus::translate(&site.root, 3).unwrap();
    for item in ["folio.yaml", "templates"] {
        assert!(
            Command::new("cp")
                .arg("-r")
                .arg(repo.join("bench/site").join(item))
                .arg(&site.root)
                .status()
                .unwrap()
                .success()
        );
    }
    let config = site.read("folio.yaml");
    site.write(
        "folio.yaml",
        &format!("{config}\n{}", corpus::languages_yaml(3)),
    );
    let run = site.run(["build"]).success();
    assert!(
        run.stdout.starts_with("built 90 pages, 9 sections"),
        "{}",
        run.stdout
    );
    for page in [
        "section-1/page-1",
        "fr/section-1/page-1",
        "de/section-1/page-1",
    ] {
        assert!(
            site.root
                .join("public")
                .join(page)
                .join("index.html")
                .is_file(),
            "{page}"
        );
    }
}
