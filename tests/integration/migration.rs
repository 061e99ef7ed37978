//! Sites written for Zola, Hugo and Jekyll build as written (issue #12):
//! what folio reads works, and what it does not is a located warning.

use crate::support::Fixture;

#[test]
fn a_zola_site_builds_with_its_toml_front_matter() {
    // TOML between `+++` lines, blank lines and a byte order mark before the
    // fence, `[taxonomies]` and `[extra]` tables, `redirect_to` on a page
    // and on a section; Zola keys folio does not read are warnings, and
    // the site's shortcodes render.
    let site = Fixture::new("zola_site");
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/community/_index.md:4:1: `transparent` is a Zola key that folio does not read; it is kept under `extra`\n  \
         help: folio has no equivalent: a folder without `_index.md` gives its pages to the section above\n\
         warning: content/community/_index.md:5:1: `insert_anchor_links` is a Zola key that folio does not read; it is kept under `extra`\n  \
         help: use `markdown: {heading_links: true}` in folio.yaml, for the whole site\n"
    );
    site.assert_matches_expected();
    let moved = site.read("public/docs/old-install/index.html");
    assert!(
        moved.contains("url=https://example.com/docs/getting-started/"),
        "{moved}"
    );
}

#[test]
fn keys_of_other_generators_are_warnings_naming_the_equivalent() {
    let site = Fixture::new("minimal");
    site.write(
        "content/about.md",
        "---\ntitle: About\npermalink: /about-me/\nlayout: page\nredirect_from: [/old/]\nlastmod: 2024-01-01\n---\n",
    );
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/about.md:3:1: `permalink` is a Jekyll key that folio does not read; it is kept under `extra`\n  help: use `path` instead\n\
         warning: content/about.md:4:1: `layout` is a Jekyll key that folio does not read; it is kept under `extra`\n  help: use `template` instead, naming a file: `template: post.html`\n\
         warning: content/about.md:5:1: `redirect_from` is a Jekyll key that folio does not read; it is kept under `extra`\n  help: use `aliases` instead\n\
         warning: content/about.md:6:1: `lastmod` is a Hugo key that folio does not read; it is kept under `extra`\n  help: use `updated` instead\n"
    );
}

#[test]
fn a_jekyll_site_builds_once_its_bundle_is_a_section_and_names_what_it_skips() {
    // `.markdown` posts, Jekyll's dates, Liquid left in the text, and a
    // folder whose index.md made a bundle of its sibling pages.
    let site = Fixture::new("jekyll_site");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "error: content/docs/setup.md: this Markdown file is inside the page bundle of \
             `content/docs/index.md`, so it is neither a page nor a file to publish\n  \
             help: rename index.md to _index.md to make this folder a section\n"
        ),
        "{}",
        run.stderr
    );
    std::fs::rename(
        site.root.join("content/docs/index.md"),
        site.root.join("content/docs/_index.md"),
    )
    .unwrap();
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/docs/setup.md:3:1: `permalink` is a Jekyll key that folio does not read; it is kept under `extra`\n  \
         help: use `path` instead\n\
         warning: content/posts/2014-12-17-welcome-to-jekyll.markdown:2:1: `layout` is a Jekyll key that folio does not read; it is kept under `extra`\n  \
         help: use `template` instead, naming a file: `template: post.html`\n\
         warning: content/posts/2014-12-17-welcome-to-jekyll.markdown:9:1: `{% highlight ruby %}` looks like a Liquid tag (`highlight`), which folio prints as text\n  \
         help: write a fenced code block (```lang) instead\n\
         warning: content/posts/2014-12-17-welcome-to-jekyll.markdown:15:9: `{{ \"/assets/logo.png\" | relative_url }}` looks like a Liquid expression (`relative_url`), which folio prints as text\n  \
         help: write it as Markdown or HTML: folio does not run Liquid\n"
    );
    assert!(run.stdout.ends_with("; 4 warnings\n"), "{}", run.stdout);
    let tree = site.tree("public");
    assert!(
        !tree
            .keys()
            .any(|p| p.ends_with(".md") || p.ends_with(".markdown")),
        "raw page source published: {:?}",
        tree.keys()
    );
    site.assert_matches_expected();
}

#[test]
fn hugo_shortcodes_name_what_folio_writes_instead() {
    let site = Fixture::new("minimal");
    site.write(
        "content/hugo.md",
        "---\ntitle: Hugo\n---\n{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n\n{{< figure src=\"a.png\" >}}\n\n{{< youtube abc >}}\n",
    );
    let run = site.run(["build"]).success();
    for (line, help) in [
        (4, "help: write a fenced code block (```lang) instead"),
        (
            8,
            "help: write an image (`![alt](src)`), or call folio's `{{ figure(src=\"…\", alt=\"…\") }}`",
        ),
        (
            10,
            "help: call folio's own with its arguments named, like `{{ youtube(id=\"…\", title=\"…\") }}`",
        ),
    ] {
        let warning = format!("warning: content/hugo.md:{line}:1: ");
        let at = run
            .stderr
            .find(&warning)
            .unwrap_or_else(|| panic!("{}", run.stderr));
        let next = run.stderr[at..].lines().nth(1).unwrap_or_default();
        assert_eq!(next.trim(), help, "{}", run.stderr);
    }
}

#[test]
fn kramdown_attribute_lists_are_one_warning_per_file_with_a_count() {
    // Issue #27: `{: .note}` was published as text without a word.
    let site = Fixture::new("minimal");
    let mut body = String::from("---\ntitle: Notes\n---\nIntro.\n\n`{: .code}` is shown.\n\n");
    for i in 0..300 {
        body.push_str(&format!("Note {i}.\n{{: .note}}\n\n"));
    }
    site.write("content/notes.md", &body);
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/notes.md:9:1: `{: .note}` looks like a kramdown attribute list (`.note`), which folio prints as text; 299 more like it in this file\n  \
         help: remove it, or write the element as HTML with its `class` or `id`: folio does not read kramdown's attribute lists\n"
    );
}

#[test]
fn an_html_file_with_front_matter_and_liquid_is_a_warning_at_its_first_tag() {
    // Issue #27: Jekyll's `.html` pages were copied with their Liquid.
    let site = Fixture::new("minimal");
    site.write(
        "content/about.html",
        "---\nlayout: default\n---\n<h1>About</h1>\n<p>{{ site.title }} {% if x %}y{% endif %}</p>\n",
    );
    site.write("content/plain.html", "---\n---\n<p>No Liquid.</p>\n");
    site.write("content/raw.html", "<p>{{ as is }}</p>\n");
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/about.html:5:4: `{{ site.title }}` is Liquid in an HTML file with front matter, which folio publishes as written; 2 more like it in this file\n  \
         help: make it a Markdown page (`content/about.md`) or a template under `templates/`: folio copies HTML files in `content/` as they are\n\
         warning: content/plain.html:1:1: this HTML file starts with front matter, which folio publishes as written\n  \
         help: make it a Markdown page (`content/plain.md`) or a template under `templates/`: folio copies HTML files in `content/` as they are\n"
    );
}

#[test]
fn a_jekyll_date_with_a_stray_year_says_how_to_write_it() {
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "---\ntitle: Post\ndate: 2023-01-29 18:30:22 2023 -0800\n---\n",
    );
    site.write(
        "content/other.md",
        "---\ntitle: Other\ndate: 2023-01-29 18:30:22 -0800\n---\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/post.md:3:7: `date` must be a date like 2024-05-01, found \"2023-01-29 18:30:22 2023 -0800\"\n  \
         help: write it as `2023-01-29 18:30:22 -0800`\n"
    );
    site.write(
        "content/post.md",
        "---\ntitle: Post\ndate: 2023-01-29 18:30:22 -0800\n---\n",
    );
    site.run(["build"]).success();
}
