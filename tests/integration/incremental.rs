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
