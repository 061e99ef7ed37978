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

#[test]
fn slate_names_the_language_and_its_direction() {
    let site = built();
    assert!(
        site.read("public/index.html")
            .contains("<html lang=\"en\">")
    );
    assert!(
        site.read("public/fr/index.html")
            .contains("<html lang=\"fr\">")
    );
    assert!(
        site.read("public/ar/about/index.html")
            .contains("<html lang=\"ar\" dir=\"rtl\">")
    );
}

#[test]
fn slate_links_every_translation_in_the_head() {
    let site = built();
    let page = site.read("public/ar/about/index.html");
    let links = "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/about/\">\n\
        <link rel=\"alternate\" hreflang=\"ar\" href=\"https://example.com/ar/about/\">\n\
        <link rel=\"alternate\" hreflang=\"fr\" href=\"https://example.com/fr/a-propos/\">\n\
        <link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.com/about/\">\n";
    assert!(page.contains(links), "{page}");
    // A page with no translation has none.
    let page = site.read("public/contact/index.html");
    assert!(
        !page.contains("hreflang=\"fr\" href=\"https://example.com/fr/"),
        "{page}"
    );
}

#[test]
fn the_switcher_leads_to_the_same_page_or_that_languages_home() {
    let site = built();
    let page = site.read("public/fr/posts/seul/index.html");
    let switcher = "<nav class=\"lang-switch\" aria-label=\"Autres langues\">\n      <ul>\n        \
        <li><a href=\"/\" hreflang=\"en\" lang=\"en\">English</a></li>\n        \
        <li><a href=\"/ar/\" hreflang=\"ar\" lang=\"ar\">العربية</a></li>\n        \
        <li><a href=\"/fr/posts/seul/\" hreflang=\"fr\" lang=\"fr\" aria-current=\"true\">Français</a></li>\n      </ul>\n    </nav>";
    assert!(page.contains(switcher), "{page}");
    let page = site.read("public/posts/hello/index.html");
    assert!(
        page.contains("<a href=\"/fr/posts/hello/\" hreflang=\"fr\" lang=\"fr\">Français</a>"),
        "{page}"
    );
}

#[test]
fn strings_fall_back_to_the_default_language_with_one_counted_warning() {
    let site = Fixture::new("multilingual");
    let run = site.run(["build"]).success();
    assert!(
        run.stderr.contains(
            "warning: i18n/ar.yaml: no string `not_found_text` in `ar`, so the `en` one is shown (2 uses)\n  help: add `not_found_text:` to `i18n/ar.yaml`\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("no string").count(), 1, "{}", run.stderr);
    let page = site.read("public/ar/404.html");
    assert!(page.contains("<h1>الصفحة غير موجودة</h1>"), "{page}");
    assert!(page.contains("There is nothing at this address."), "{page}");
    assert!(
        site.read("public/fr/404.html")
            .contains("<h1>Page introuvable</h1>")
    );
}

#[test]
fn dates_are_written_with_the_month_names_of_the_pages_language() {
    let site = built();
    let date = |path: &str| site.read(path);
    assert!(date("public/posts/hello/index.html").contains(">1 May 2024</time>"));
    assert!(date("public/fr/posts/hello/index.html").contains(">1 mai 2024</time>"));
    assert!(date("public/ar/posts/hello/index.html").contains(">1 مايو 2024</time>"));
}

#[test]
fn each_language_gets_its_own_search_index() {
    let site = Fixture::new("multilingual");
    let config = site.read("folio.yaml");
    site.write("folio.yaml", &format!("{config}search: true\n"));
    site.run(["build"]).success();
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("public/pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert_eq!(
        languages.keys().collect::<Vec<_>>(),
        ["ar", "en", "fr"],
        "{entry}"
    );
    assert_eq!(entry["languages"]["fr"]["page_count"], 5, "{entry}");
    assert_eq!(entry["languages"]["en"]["page_count"], 5, "{entry}");
    // Each language has its search page, which searches its own index.
    assert!(exists(&site, "search/index.html"));
    let page = site.read("public/fr/search/index.html");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    assert!(
        site.read("public/ar/search/index.html")
            .contains("<html lang=\"ar\" dir=\"rtl\">")
    );
}

#[test]
fn an_alias_of_a_translation_lands_under_its_language() {
    let site = Fixture::new("multilingual");
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-05-01\naliases: [/old/hello/]\n---\nThe first note.\n",
    );
    site.write(
        "content/posts/hello.fr.md",
        "---\ntitle: Bonjour\ndate: 2024-05-01\naliases: [/old/hello/, /fr/vieux/bonjour.html]\n---\nLa première note.\n",
    );
    site.run(["build"]).success();
    let english = site.read("public/old/hello/index.html");
    assert!(english.contains("<a href=\"/posts/hello/\">"), "{english}");
    let french = site.read("public/fr/old/hello/index.html");
    assert!(french.contains("<html lang=\"fr\">"), "{french}");
    assert!(french.contains("<a href=\"/fr/posts/hello/\">"), "{french}");
    // Written with its language's prefix, as a Zola site writes it, an
    // alias stays where it is.
    assert!(exists(&site, "fr/vieux/bonjour.html"));
    assert!(!exists(&site, "fr/fr/vieux/bonjour.html"));
    let redirects = site.read("public/_redirects");
    for line in [
        "/old/hello/ /posts/hello/ 301\n",
        "/fr/old/hello/ /fr/posts/hello/ 301\n",
        "/fr/vieux/bonjour.html /fr/posts/hello/ 301\n",
    ] {
        assert!(redirects.contains(line), "{redirects}");
    }
}

#[test]
fn two_languages_aliases_at_one_address_are_an_error_at_the_alias() {
    let site = Fixture::new("multilingual");
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-05-01\naliases:\n  - /fr/old/\n---\nThe first note.\n",
    );
    site.write(
        "content/posts/hello.fr.md",
        "---\ntitle: Bonjour\ndate: 2024-05-01\naliases: [/old/]\n---\nLa première note.\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "error: content/posts/hello.md:5:5: alias `/fr/old/` redirects from `/fr/old/`, as does the alias `/old/` of `content/posts/hello.fr.md`\n  help: keep the old address in one of the two files\n"
        ),
        "{}",
        run.stderr
    );
}
