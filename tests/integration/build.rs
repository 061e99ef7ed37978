//! `folio build` on fixture sites: the output tree, base paths, atomicity.

use std::collections::BTreeMap;

use scraper::{Html, Selector};

use crate::support::Fixture;

#[test]
fn the_minimal_site_builds_to_the_expected_tree() {
    let site = Fixture::new("minimal");
    let run = site.run(["build"]).success();
    assert!(
        run.stdout
            .starts_with("built 1 page, 2 sections, 11 files in "),
        "{}",
        run.stdout
    );
    site.assert_matches_expected();
}

/// Every `href`/`src` of every HTML file, with the file it is in.
fn internal_urls(tree: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let selector = Selector::parse("[href], [src]").unwrap();
    let mut urls = Vec::new();
    for (path, text) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        for element in Html::parse_document(text).select(&selector) {
            let value = element.value();
            let url = value
                .attr("href")
                .or(value.attr("src"))
                .unwrap()
                .to_string();
            if !url.contains("://") && !url.starts_with('#') && !url.starts_with("mailto:") {
                urls.push((path.clone(), url));
            }
        }
    }
    urls
}

/// Asserts that `url` names a file of `tree` when the site is served under `base`.
fn assert_resolves(tree: &BTreeMap<String, String>, base: &str, page: &str, url: &str) {
    let path = url.split(['#', '?']).next().unwrap();
    let under = path
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{page}: `{url}` is not under `{base}`"));
    let file = if under.is_empty() || under.ends_with('/') {
        format!("{under}index.html")
    } else {
        under.to_string()
    };
    assert!(
        tree.contains_key(&file),
        "{page}: `{url}` names no output file (`{file}`)"
    );
}

#[test]
fn a_sub_path_build_puts_every_internal_link_under_the_base_path() {
    let site = Fixture::new("minimal");
    site.run(["build", "--base-url", "https://me.github.io/portfolio/"])
        .success();
    let tree = site.tree("public");
    let urls = internal_urls(&tree);
    assert!(urls.len() > 15, "{urls:?}");
    for (page, url) in &urls {
        assert_resolves(&tree, "/portfolio/", page, url);
    }
    assert!(tree["sitemap.xml"].contains("<loc>https://me.github.io/portfolio/posts/first/</loc>"));
}

#[test]
fn a_root_domain_build_links_from_the_root() {
    let site = Fixture::new("minimal");
    site.run(["build", "--base-url", "https://me.dev"])
        .success();
    let tree = site.tree("public");
    for (page, url) in &internal_urls(&tree) {
        assert!(!url.starts_with("/portfolio"), "{page}: {url}");
        assert_resolves(&tree, "/", page, url);
    }
}

#[test]
fn a_failing_build_keeps_the_previous_output_exactly() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    let before = site.tree("public");
    site.write("content/posts/second.md", "---\ndate: soon\n---\n");
    site.write(
        "content/posts/first.md",
        &site
            .read("content/posts/first.md")
            .replace("Intro text.", "Changed text."),
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(site.tree("public"), before);
}

#[test]
fn a_build_failing_while_rendering_takes_back_what_it_wrote() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    let before = site.tree("public");
    // Pages render in parallel and are written as they go: a later failure
    // must take back the new files and the changed ones.
    for i in 0..40 {
        site.write(
            &format!("content/posts/new-{i}.md"),
            &format!("---\ntitle: New {i}\n---\n"),
        );
    }
    site.write(
        "content/posts/first.md",
        &site
            .read("content/posts/first.md")
            .replace("Intro text.", "Changed text."),
    );
    site.write(
        "content/posts/broken.md",
        "---\ntitle: Broken\ntemplate: missing.html\n---\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("template `missing.html` does not exist"),
        "{}",
        run.stderr
    );
    assert_eq!(site.tree("public"), before);
}

#[test]
fn a_rebuild_removes_files_of_pages_that_are_gone() {
    let site = Fixture::new("minimal");
    site.write("content/posts/second.md", "---\ntitle: Second\n---\nbody\n");
    site.run(["build"]).success();
    assert!(site.root.join("public/posts/second/index.html").is_file());
    std::fs::remove_file(site.root.join("content/posts/second.md")).unwrap();
    site.run(["build"]).success();
    assert!(!site.root.join("public/posts/second").exists());
}

#[test]
fn titles_are_escaped_by_the_templates() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/x.md",
        "---\ntitle: \"<script>alert(1)</script>\"\n---\n",
    );
    site.run(["build"]).success();
    let html = site.read("public/posts/x/index.html");
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</h1>")
            || html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
}

#[test]
fn output_folders_that_would_overwrite_the_site_are_refused() {
    let site = Fixture::new("minimal");
    for (dir, message) in [
        (
            ".",
            "error: output folder `.` is the site root\n  help: write the site into a folder of its own, like `public`\n",
        ),
        (
            "content",
            "error: output folder `content` overlaps the source folder `content`\n",
        ),
        ("../elsewhere", "error: output folder `"),
    ] {
        let run = site.run(["build", "--output-dir", dir]);
        assert_eq!(run.code, 1, "{dir}");
        assert!(run.stderr.starts_with(message), "{dir}: {}", run.stderr);
    }
    let outside = site.run(["build", "--output-dir", "../elsewhere"]);
    assert!(
        outside
            .stderr
            .ends_with("is outside the site\n  help: pass `--force` to write there anyway\n"),
        "{}",
        outside.stderr
    );
    site.run(["build", "--output-dir", "../elsewhere", "--force"])
        .success();
    assert!(site.root.join("../elsewhere/index.html").is_file());
}

#[test]
fn data_files_are_reachable_from_every_template() {
    let site = Fixture::new("data_files");
    site.run(["build"]).success();
    let html = site.read("public/index.html");
    assert!(html.contains("<li>Rust</li><li>Go</li>"), "{html}");
    assert!(html.contains("<p>stats: 10+</p>"), "{html}");
    assert!(html.contains("<p>own: 3</p>"), "{html}");
    assert!(
        html.contains("<p>order: zulu=1 alpha=2 mike=3</p>"),
        "YAML order is kept: {html}"
    );
}

#[test]
fn page_bundles_copy_their_files_beside_the_page() {
    let site = Fixture::new("page_bundle");
    site.run(["build"]).success();
    assert!(site.root.join("public/projects/demo/index.html").is_file());
    assert!(site.root.join("public/projects/demo/diagram.svg").is_file());
    let html = site.read("public/projects/demo/index.html");
    assert!(html.contains("<img src=\"diagram.svg\""), "{html}");
    assert!(
        html.contains("<li>/projects/demo/diagram.svg</li>"),
        "{html}"
    );
}

#[test]
fn site_templates_override_theme_templates_of_the_same_name() {
    let site = Fixture::new("template_override");
    site.run(["build"]).success();
    assert_eq!(site.read("public/index.html"), "site index\n");
    assert_eq!(site.read("public/about/index.html"), "theme page: About\n");
    assert_eq!(site.read("public/style.css"), "site css\n");
    assert_eq!(site.read("public/theme.css"), "theme css\n");
}

#[test]
fn markdown_gets_toc_summary_and_gfm() {
    let site = Fixture::new("markdown_features");
    site.run(["build"]).success();
    let html = site.read("public/post/index.html");
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("<del>gone</del>"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("“quoted”"));
    assert!(
        html.contains(
            "<li><a href=\"#first\">First</a><ul><li><a href=\"#inner\">Inner</a></li></ul></li>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"summary\"><p>Summary part.</p>\n</div>"),
        "{html}"
    );
    assert!(html.contains("<aside>raw html</aside>"));
}

#[test]
fn editor_leftovers_and_hidden_files_are_ignored() {
    let site = Fixture::new("minimal");
    site.write("content/posts/.#first.md", "---\ndate: broken\n---\n");
    site.write("content/posts/first.md~", "---\ndate: broken\n---\n");
    site.write("content/posts/.first.md.swp", "junk");
    site.write("content/.hidden/x.md", "---\ndate: broken\n---\n");
    site.run(["build"]).success();
    assert!(!site.root.join("public/posts/first.md~").exists());
}

#[test]
fn an_empty_file_is_a_page_titled_after_its_name() {
    let site = Fixture::new("minimal");
    site.write("content/posts/empty-page.md", "");
    site.run(["build"]).success();
    assert!(
        site.read("public/posts/empty-page/index.html")
            .contains("<h1>empty-page</h1>")
    );
}

#[test]
fn a_dated_file_name_gives_the_date_and_slug() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/2023-01-02-launch.md",
        "---\ntitle: Launch\n---\n",
    );
    site.run(["build"]).success();
    assert!(
        site.read("public/posts/index.html")
            .contains("<a href=\"/posts/launch/\">Launch</a> <time>January 2, 2023</time>")
    );
}

#[test]
fn symbolic_links_are_followed() {
    let site = Fixture::new("minimal");
    site.write("elsewhere/linked.md", "---\ntitle: Linked\n---\n");
    std::os::unix::fs::symlink(
        site.root.join("elsewhere"),
        site.root.join("content/posts/more"),
    )
    .unwrap();
    site.run(["build"]).success();
    assert!(
        site.read("public/posts/more/linked/index.html")
            .contains("<h1>Linked</h1>")
    );
}

#[test]
fn markdown_files_with_the_markdown_extension_are_pages() {
    // Issue #12: 96 `.markdown` posts were copied as raw files.
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/2014-12-17-welcome.markdown",
        "---\ntitle: Welcome\n---\nHello.\n",
    );
    site.write("content/notes/_index.markdown", "---\ntitle: Notes\n---\n");
    site.run(["build"]).success();
    let tree = site.tree("public");
    assert!(tree["posts/welcome/index.html"].contains("<p>Hello.</p>"));
    assert!(tree.contains_key("notes/index.html"));
    assert!(
        !tree.keys().any(|p| p.ends_with(".markdown")),
        "{:?}",
        tree.keys()
    );
}

/// A site with the guide's three-line `folio.yaml` and one page of `body`.
fn three_line_site(name: &str, body: &str) -> Fixture {
    let site = Fixture::empty(name);
    site.write(
        "folio.yaml",
        "title: My site\ndescription: Notes and projects.\nbase_url: https://me.dev/\n",
    );
    site.write(
        "content/hello.md",
        &format!("---\ntitle: Hello, world\ndate: 2024-05-01\n---\n{body}\n"),
    );
    site
}

#[test]
fn a_site_naming_no_theme_and_no_templates_gets_the_built_in_theme() {
    // Issue #12: the guide's three-line folio.yaml failed with "template
    // `index.html` does not exist".
    let site = three_line_site("builtin_theme", "This is my first page.");
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    let tree = site.tree("public");
    assert!(tree["hello/index.html"].contains("Hello, world"));
    assert!(tree["index.html"].contains("My site"));
    assert!(tree.contains_key("css/site.css"), "{:?}", tree.keys());
}

#[test]
fn a_site_s_own_shortcodes_and_card_are_added_to_the_built_in_theme() {
    let site = three_line_site("builtin_theme_additions", "{{ badge(text=\"new\") }}");
    site.write(
        "templates/shortcodes/badge.html",
        "<span class=\"badge\">{{ text }}</span>",
    );
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"#123\"/></svg>",
    );
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    let tree = site.tree("public");
    let hello = &tree["hello/index.html"];
    assert!(
        hello.contains("<span class=\"badge\">new</span>"),
        "{hello}"
    );
    assert!(hello.contains("og:image"), "{hello}");
    assert!(tree.contains_key("css/site.css"), "{:?}", tree.keys());

    // A page template of its own means the site brings its whole theme.
    site.write("templates/page.html", "<p>{{ page.title }}</p>");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("index.html"), "{}", run.stderr);
}

#[test]
fn a_new_site_with_the_guide_s_minimal_configuration_builds() {
    let site = Fixture::empty("init_minimal_config");
    site.run(["init", "."]).success();
    site.write(
        "folio.yaml",
        "title: My site\ndescription: Notes and projects.\nbase_url: https://me.dev/\n",
    );
    // The sample post's `tags` need the taxonomy the guide says to keep.
    let run = site.run(["build"]).success();
    assert!(
        run.stderr
            .starts_with("warning: content/posts/writing-with-folio/index.md:5:1: taxonomy `tags` is not declared, so the terms of 1 page are not listed\n"),
        "{}",
        run.stderr
    );
    site.write(
        "folio.yaml",
        "title: My site\ndescription: Notes and projects.\nbase_url: https://me.dev/\ntaxonomies:\n  - name: tags\n",
    );
    site.run(["build"]).success();
    assert!(site.read("public/index.html").contains("My site"));
}
