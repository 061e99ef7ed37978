//! Multilingual sites (issue #22) on the `multilingual` fixture: English
//! by default, French and Arabic beside it.

use crate::support::Fixture;

fn built() -> Fixture {
    let site = Fixture::new("multilingual");
    site.run(["build"]).success();
    site
}

fn exists(site: &Fixture, path: &str) -> bool {
    site.root.join("public").join(path).is_file()
}

#[test]
fn each_language_but_the_default_is_under_its_code() {
    let site = built();
    for path in [
        "index.html",
        "about/index.html",
        "fr/index.html",
        "fr/a-propos/index.html",
        "fr/posts/index.html",
        "fr/posts/hello/index.html",
        "fr/posts/bundle/index.html",
        "fr/posts/bundle/dot.svg",
        "posts/bundle/dot.svg",
        "ar/index.html",
        "ar/about/index.html",
        "404.html",
        "fr/404.html",
        "ar/404.html",
    ] {
        assert!(exists(&site, path), "{path} is missing");
    }
    // A translation without an original is a page of its language.
    assert!(exists(&site, "fr/posts/seul/index.html"));
    assert!(!exists(&site, "posts/seul/index.html"));
    // A translated slug replaces only that language's address.
    assert!(!exists(&site, "fr/about/index.html"));
}

#[test]
fn a_sub_path_comes_before_the_language() {
    let site = Fixture::new("multilingual");
    site.run(["build", "--base-url", "https://example.com/portfolio/"])
        .success();
    let page = site.read("public/fr/a-propos/index.html");
    assert!(
        page.contains("href=\"/portfolio/fr/posts/hello/\""),
        "{page}"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://example.com/portfolio/fr/a-propos/\"/>"
        ),
        "{sitemap}"
    );
}

#[test]
fn a_link_leads_to_the_page_in_the_linking_pages_language_or_warns() {
    let site = Fixture::new("multilingual");
    let run = site.run(["build"]).success();
    let page = site.read("public/fr/a-propos/index.html");
    assert!(
        page.contains("<a href=\"/fr/posts/hello/\">notes</a>"),
        "{page}"
    );
    assert!(page.contains("<a href=\"/contact/\">contact</a>"), "{page}");
    assert!(
        run.stderr.contains(
            "warning: content/about.fr.md:5:59: `@/contact.md` has no `fr` translation, so the link leads to the page in `en`\n  help: add `content/contact.fr.md`, or link to another page\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_in_a_language_the_site_lacks_is_left_out_with_a_warning() {
    let site = Fixture::new("multilingual");
    let run = site.run(["build"]).success();
    assert!(
        run.stderr.contains(
            "warning: content/notes.de.md: `de` is not one of the site's languages (en, ar, fr), so this file is left out\n  help: add `de` under `languages:` in `folio.yaml`, or rename the file\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!exists(&site, "notes-de/index.html"));
    assert!(!exists(&site, "notes/index.html"));
}

#[test]
fn the_sitemap_names_every_translation_and_a_default() {
    let site = built();
    let sitemap = site.read("public/sitemap.xml");
    let entry = "  <url>\n    <loc>https://example.com/fr/posts/hello/</loc>\n    <lastmod>2024-05-01</lastmod>\n    \
        <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/posts/hello/\"/>\n    \
        <xhtml:link rel=\"alternate\" hreflang=\"ar\" href=\"https://example.com/ar/posts/hello/\"/>\n    \
        <xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://example.com/fr/posts/hello/\"/>\n    \
        <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.com/posts/hello/\"/>\n  </url>\n";
    assert!(sitemap.contains(entry), "{sitemap}");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    // A page with no translation has no alternates.
    assert!(
        sitemap.contains("<loc>https://example.com/fr/posts/seul/</loc>\n    <lastmod>2024-06-01</lastmod>\n  </url>"),
        "{sitemap}"
    );
    roxmltree::Document::parse(&sitemap).unwrap();
}

#[test]
fn each_language_has_its_own_feeds_and_term_pages() {
    let site = built();
    let feed = site.read("public/fr/atom.xml");
    assert!(feed.contains("xml:lang=\"fr\""), "{feed}");
    assert!(feed.contains("<title>Carnet de terrain</title>"), "{feed}");
    assert!(feed.contains("<title>Bonjour</title>"), "{feed}");
    assert!(
        feed.contains("<title>Seulement en français</title>"),
        "{feed}"
    );
    assert!(!feed.contains("<title>Hello</title>"), "{feed}");
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("<title>Hello</title>"), "{feed}");
    assert!(!feed.contains("<title>Bonjour</title>"), "{feed}");
    assert!(exists(&site, "fr/tags/terrain/index.html"));
    assert!(exists(&site, "fr/tags/terrain/atom.xml"));
    assert!(exists(&site, "tags/field/index.html"));
    assert!(!exists(&site, "tags/terrain/index.html"));
    assert!(!exists(&site, "fr/tags/field/index.html"));
    let term = site.read("public/fr/tags/terrain/index.html");
    assert!(term.contains("Seulement en français"), "{term}");
    assert!(!term.contains(">Hello<"), "{term}");
    // Pagination is per language too.
    assert!(exists(&site, "fr/posts/page/3/index.html"));
    assert!(!exists(&site, "posts/page/3/index.html"));
}

#[test]
fn folio_check_passes_on_a_multilingual_site() {
    let site = Fixture::new("multilingual");
    site.run(["check"]).success();
}
