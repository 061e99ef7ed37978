//! Sites written for Zola, Hugo and Jekyll build as written (issue #12):
//! what folio reads works, and what it does not is a located warning.

use crate::support::Fixture;

#[test]
fn a_zola_site_builds_with_its_toml_front_matter() {
    // TOML between `+++` lines, blank lines and a byte order mark before the
    // fence, `[taxonomies]` and `[extra]` tables, `redirect_to` on a page
    // and on a section; Zola keys folio does not read and shortcodes left
    // in the text are warnings.
    let site = Fixture::new("zola_site");
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/community/_index.md:4:1: `transparent` is a Zola key that folio does not read; it is kept under `extra`\n  \
         help: folio has no equivalent: a folder without `_index.md` gives its pages to the section above\n\
         warning: content/community/_index.md:5:1: `insert_anchor_links` is a Zola key that folio does not read; it is kept under `extra`\n  \
         help: use `markdown: {heading_links: true}` in folio.yaml, for the whole site\n\
         warning: content/docs/templates.md:7:1: `{{ youtube(id=\"dQw4w9WgXcQ\", class=\"video\") }}` looks like a Zola shortcode (`youtube`), which folio prints as text\n  \
         help: write it as Markdown or HTML, or put it in a code span to show it as code\n\
         warning: content/docs/templates.md:9:1: `{% note(kind=\"info\") %}` looks like a Zola shortcode (`note`), which folio prints as text\n  \
         help: write it as Markdown or HTML, or put it in a code span to show it as code\n"
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
