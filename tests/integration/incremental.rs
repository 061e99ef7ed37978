//! Incremental rebuilds give byte-for-byte the output of a full build.

use std::path::Path;

use folio::build::{BuildOptions, Session};
use folio::config::{self, Overrides};

use crate::support::Fixture;

fn full_build(site: &Fixture) -> std::collections::BTreeMap<String, String> {
    let overrides = Overrides {
        output_dir: Some(site.root.join("full")),
        ..Overrides::default()
    };
    let config = config::load(&site.root, &overrides).unwrap();
    folio::build::build(&config, &BuildOptions::default()).unwrap();
    site.tree("full")
}

fn assert_same_as_full(site: &Fixture, step: &str) {
    let incremental = site.tree("public");
    let full = full_build(site);
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "{step}: file lists differ"
    );
    for (path, text) in &full {
        assert_eq!(&incremental[path], text, "{step}: {path} differs");
    }
}

#[test]
fn incremental_and_full_outputs_match_after_a_series_of_edits() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\ntags: [Rust, Go]\n---\nFirst words.\n",
    );
    site.write(
        "templates/index.html",
        "{% for p in site.pages %}{{ p.title }}: {{ p.word_count }}\n{% endfor %}",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let content = site.root.join("content");

    site.write("content/posts/second.md", "---\ntitle: Second\ndate: 2024-06-01\ntags: [Rust, Go]\n---\nFirst words, and more words now.\n\n## New heading\n");
    let rebuild = session
        .rebuild_content(&[content.join("posts/second.md")])
        .unwrap();
    assert!(!rebuild.full, "a body edit rebuilt everything");
    assert!(
        rebuild.rendered < 8,
        "a body edit rendered {} files",
        rebuild.rendered
    );
    assert_same_as_full(&site, "edit a body");

    site.write(
        "content/posts/third.md",
        "---\ntitle: Third\ndate: 2024-07-01\n---\nNew.\n",
    );
    assert!(
        session
            .rebuild_content(&[content.join("posts/third.md")])
            .unwrap()
            .full
    );
    assert_same_as_full(&site, "create a page");

    std::fs::rename(
        content.join("posts/third.md"),
        content.join("posts/renamed.md"),
    )
    .unwrap();
    session
        .rebuild_content(&[
            content.join("posts/third.md"),
            content.join("posts/renamed.md"),
        ])
        .unwrap();
    assert_same_as_full(&site, "rename a page");

    std::fs::remove_file(content.join("posts/renamed.md")).unwrap();
    session
        .rebuild_content(&[content.join("posts/renamed.md")])
        .unwrap();
    assert!(!Path::new(&site.root.join("public/posts/renamed")).exists());
    assert_same_as_full(&site, "delete a page");

    site.write(
        "content/posts/second.md",
        "---\ntitle: Second, retitled\ndate: 2024-06-01\ntags: [Go]\n---\nFirst words.\n",
    );
    assert!(
        session
            .rebuild_content(&[content.join("posts/second.md")])
            .unwrap()
            .full
    );
    assert_same_as_full(&site, "edit front matter");

    site.write(
        "templates/page.html",
        "<main>{{ page.title }}{{ page.content | safe }}</main>",
    );
    session.rebuild_all().unwrap();
    assert_same_as_full(&site, "edit a template");

    site.write(
        "folio.yaml",
        "title: Renamed site\nbase_url: https://example.com/\ntaxonomies: [{name: tags}]\n",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (_session, _) = Session::start(config, BuildOptions::default()).unwrap();
    assert_same_as_full(&site, "edit folio.yaml");
}

#[test]
fn a_body_edit_that_breaks_a_link_fails_and_keeps_the_output() {
    let site = Fixture::new("minimal");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let before = site.tree("public");
    site.write("content/posts/first.md", "---\ntitle: First\ndate: 2024-05-01\ndescription: The first post\ntags: [Rust]\n---\nNo heading any more.\n");
    let errors = session
        .rebuild_content(&[site.root.join("content/posts/first.md")])
        .unwrap_err();
    assert_eq!(
        errors.0[0].message,
        "anchor `#details` does not exist on `@/posts/first.md`"
    );
    assert_eq!(site.tree("public"), before);
}

/// A `folio init` site (the slate theme) with a few dated, tagged posts.
fn slate_site(name: &str) -> Fixture {
    let site = Fixture::empty(name);
    site.run(["init", "."]).success();
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: date\npaginate_by: 2\n---\nAll of them.\n",
    );
    for (n, stack) in [
        (1, "Rust"),
        (2, "Go"),
        (3, "Rust, Go"),
        (4, "Rust"),
        (5, "Kafka"),
    ] {
        site.write(
            &format!("content/posts/post-{n}.md"),
            &format!(
                "---\ntitle: Post {n}\ndate: 2024-0{n}-01\nstack: [{stack}]\n---\nWords of post {n}.\n\n## A heading\n\nMore.\n"
            ),
        );
    }
    site
}

#[test]
fn the_slate_theme_rebuilds_incrementally_to_the_bytes_of_a_full_build() {
    let site = slate_site("slate_incremental");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let post = |n: u8| site.root.join(format!("content/posts/post-{n}.md"));
    let edit = |n: u8, body: &str| {
        site.write(
            &format!("content/posts/post-{n}.md"),
            &format!("---\ntitle: Post {n}\ndate: 2024-0{n}-01\nstack: [Rust]\n---\n{body}"),
        );
    };

    // Same words, other order: the listing stays as it was, so only the
    // page itself is rendered again.
    edit(4, "Post of words 4.\n\n## A heading\n\nMore.\n");
    let rebuild = session.rebuild_content(&[post(4)]).unwrap();
    assert!(!rebuild.full);
    assert_eq!(rebuild.rendered, 1, "a body edit that no list shows");
    assert_same_as_full(&site, "reword a body");

    // More words: the lists that show the post's word count or summary
    // render again, and nothing else does.
    edit(
        4,
        "Many more words in post 4 now.\n\n## A heading\n\nMore.\n",
    );
    let rebuild = session.rebuild_content(&[post(4)]).unwrap();
    assert!(!rebuild.full);
    assert!(
        rebuild.rendered < 10,
        "a listing change rendered {} files",
        rebuild.rendered
    );
    assert_same_as_full(&site, "lengthen a body");

    edit(1, "Post 1, shorter.\n\n## A heading\n");
    session.rebuild_content(&[post(1)]).unwrap();
    assert_same_as_full(&site, "edit the oldest post");

    site.write(
        "content/posts/post-2.md",
        "---\ntitle: Post 2 renamed\ndate: 2024-02-01\nstack: [Go]\n---\nWords.\n",
    );
    assert!(session.rebuild_content(&[post(2)]).unwrap().full);
    assert_same_as_full(&site, "edit front matter");
}

#[test]
fn a_page_that_asks_for_another_by_name_is_rendered_again_when_that_one_changes() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond words.\n",
    );
    site.write(
        "content/posts/third.md",
        "---\ntitle: Third\ndate: 2024-07-01\ntemplate: quote.html\n---\nThird words.\n",
    );
    site.write(
        "templates/quote.html",
        "{% set other = get_page(path=\"posts/second.md\") %}{{ page.title }} quotes: {{ other.content | safe }}",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    assert_eq!(
        site.read("public/posts/third/index.html"),
        "Third quotes: <p>Second words.</p>\n"
    );
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond words, changed.\n",
    );
    session
        .rebuild_content(&[site.root.join("content/posts/second.md")])
        .unwrap();
    assert_eq!(
        site.read("public/posts/third/index.html"),
        "Third quotes: <p>Second words, changed.</p>\n"
    );
    assert_same_as_full(&site, "edit a page another quotes");
}

#[test]
fn an_edit_that_brings_the_first_highlighted_code_writes_the_palette() {
    let site = Fixture::new("minimal");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    assert!(site.read("public/highlight.css").starts_with("/* No code"));
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\ndate: 2024-05-01\ndescription: The first post\ntags: [Rust]\n---\n## Details\n\n```rust\nfn main() {}\n```\n",
    );
    let rebuild = session
        .rebuild_content(&[site.root.join("content/posts/first.md")])
        .unwrap();
    assert!(!rebuild.full, "a body edit rebuilt everything");
    assert!(site.read("public/highlight.css").contains(".hl-d-code"));
    assert_same_as_full(&site, "first highlighted code");
}

#[test]
fn a_body_edit_reports_the_warnings_of_the_edited_page() {
    let site = Fixture::new("minimal");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, report) = Session::start(config, BuildOptions::default()).unwrap();
    assert!(report.warnings.is_empty());
    let first = site.read("content/posts/first.md");
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "Intro text. {% include note.html %}"),
    );
    let rebuild = session
        .rebuild_content(&[site.root.join("content/posts/first.md")])
        .unwrap();
    assert!(!rebuild.full);
    let warnings: Vec<String> = rebuild
        .report
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("warning: content/posts/first.md:"),
        "{warnings:?}"
    );
}
