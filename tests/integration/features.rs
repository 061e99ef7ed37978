//! Site features on fixtures: ordering, pagination, taxonomies, feeds,
//! sitemap, aliases, drafts and future pages.

use crate::support::Fixture;

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML: {e}\n{text}"))
}

fn texts<'a>(doc: &'a roxmltree::Document<'a>, tag: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter_map(|n| n.text())
        .collect()
}

#[test]
fn pages_sort_by_the_section_key_with_ties_broken_by_path() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: date\n---\n",
    );
    site.write(
        "content/posts/b.md",
        "---\ntitle: B\ndate: 2024-05-01\n---\n",
    );
    site.write(
        "content/posts/a.md",
        "---\ntitle: A\ndate: 2024-05-01\n---\n",
    );
    site.write(
        "content/posts/new.md",
        "---\ntitle: New\ndate: 2025-01-01\n---\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }} {% endfor %}",
    );
    site.write(
        "templates/page.html",
        "{{ page.previous.title or \"-\" }}<{{ page.title }}>{{ page.next.title or \"-\" }}",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "New A B First ");
    assert_eq!(site.read("public/posts/a/index.html"), "New<A>B");
    assert_eq!(site.read("public/posts/first/index.html"), "B<First>-");
}

#[test]
fn weight_and_title_orders_are_ascending() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: weight\n---\n",
    );
    site.write(
        "content/posts/heavy.md",
        "---\ntitle: Heavy\nweight: 9\n---\n",
    );
    site.write(
        "content/posts/light.md",
        "---\ntitle: Light\nweight: 1\n---\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }} {% endfor %}",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "Light Heavy First ");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: title\n---\n",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "First Heavy Light ");
}

#[test]
fn sort_orders_of_other_generators_are_read_and_others_are_errors() {
    // Issue #27: Zola's `update_date` and a `slug` order stopped the build.
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: update_date\n---\n",
    );
    site.write(
        "content/posts/b.md",
        "---\ntitle: B\ndate: 2020-01-01\nupdated: 2025-01-01\nslug: a-slug\n---\n",
    );
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }} {% endfor %}",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "B First ");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: slug\n---\n",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "B First ");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: ByLinkTitle\n---\n",
    );
    site.run(["build"]).success();
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: random\n---\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/_index.md:3:10: `sort_by` must be date, updated, weight, title, slug or none, found \"random\"\n  \
         help: write one of `date`, `updated`, `weight`, `title`, `slug` and `none` (`path`, and Zola's and Hugo's names such as `update_date`, `lastmod` and `ByTitle`, are read too)\n"
    );
}

#[test]
fn pagination_splits_a_section_and_page_one_redirects() {
    let site = Fixture::new("pagination");
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/notes/index.html"),
        "1/3: Note 1 Note 2\nprev=- next=/sub/notes/page/2/\n"
    );
    assert_eq!(
        site.read("public/notes/page/2/index.html"),
        "2/3: Note 3 Note 4\nprev=/sub/notes/ next=/sub/notes/page/3/\n"
    );
    assert_eq!(
        site.read("public/notes/page/3/index.html"),
        "3/3: Note 5\nprev=/sub/notes/page/2/ next=-\n"
    );
    let redirect = site.read("public/notes/page/1/index.html");
    assert!(
        redirect.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/sub/notes/\">"
        ),
        "{redirect}"
    );
    assert!(redirect.contains("<link rel=\"canonical\" href=\"https://example.com/sub/notes/\">"));
    assert!(!redirect.contains("<script"));
    let sitemap = site.read("public/sitemap.xml");
    let doc = xml(&sitemap);
    assert!(texts(&doc, "loc").contains(&"https://example.com/sub/notes/page/3/"));
}

#[test]
fn taxonomy_terms_are_slugified_and_case_folded() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/a.md",
        "---\ntitle: A\ndate: 2024-01-01\ntags: [C++, Web Dev]\n---\n",
    );
    site.write(
        "content/posts/b.md",
        "---\ntitle: B\ndate: 2024-02-01\ntags: [c++, web dev]\n---\n",
    );
    site.run(["build"]).success();
    let list = site.read("public/tags/index.html");
    assert!(
        list.contains("<li><a href=\"/tags/c/\">C++</a> (2)</li>"),
        "{list}"
    );
    assert!(
        list.contains("<li><a href=\"/tags/web-dev/\">Web Dev</a> (2)</li>"),
        "{list}"
    );
    let term = site.read("public/tags/c/index.html");
    assert!(
        term.contains("<li><a href=\"/posts/b/\">B</a></li><li><a href=\"/posts/a/\">A</a></li>"),
        "{term}"
    );
}

#[test]
fn a_taxonomy_with_feed_gets_one_atom_feed_per_term() {
    let site = Fixture::new("minimal");
    site.write("folio.yaml", "title: Minimal\nbase_url: https://me.github.io/portfolio/\ntaxonomies:\n  - name: tags\n    feed: true\n");
    site.write(
        "content/posts/b.md",
        "---\ntitle: \"B & <b>\"\ndate: 2024-06-01\ntags: [Rust]\n---\nBody with <em>html</em>\n",
    );
    site.run(["build"]).success();
    let feed = site.read("public/tags/rust/atom.xml");
    let doc = xml(&feed);
    assert_eq!(
        texts(&doc, "title"),
        vec!["Minimal - Rust", "B & <b>", "First"]
    );
    let links: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("link"))
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(
        links.contains(&"https://me.github.io/portfolio/tags/rust/atom.xml"),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://me.github.io/portfolio/posts/b/"),
        "{links:?}"
    );
    assert!(texts(&doc, "content")[0].contains("<em>html</em>"));
}

#[test]
fn the_sitemap_lists_every_page_section_and_term_under_the_sub_path() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\ndate: 2024-05-01\nupdated: 2024-07-09\ntags: [Rust]\n---\n## Details\n",
    );
    site.run(["build", "--base-url", "https://me.github.io/portfolio"])
        .success();
    let sitemap = site.read("public/sitemap.xml");
    let doc = xml(&sitemap);
    assert_eq!(
        texts(&doc, "loc"),
        vec![
            "https://me.github.io/portfolio/",
            "https://me.github.io/portfolio/posts/",
            "https://me.github.io/portfolio/posts/first/",
            "https://me.github.io/portfolio/tags/",
            "https://me.github.io/portfolio/tags/rust/",
        ]
    );
    assert_eq!(texts(&doc, "lastmod"), vec!["2024-07-09"]);
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://me.github.io/portfolio/sitemap.xml\n"
    );
    let feed = site.read("public/atom.xml");
    let feed_doc = xml(&feed);
    assert_eq!(
        texts(&feed_doc, "id")[1],
        "https://me.github.io/portfolio/posts/first/"
    );
}

#[test]
fn aliases_write_redirect_pages_and_netlify_redirects() {
    let site = Fixture::new("minimal");
    site.write("content/posts/first.md", "---\ntitle: First\ndate: 2024-05-01\naliases: [/old/first/, /legacy.html]\n---\n## Details\n");
    site.run(["build", "--base-url", "https://me.github.io/portfolio/"])
        .success();
    let page = site.read("public/old/first/index.html");
    assert!(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=https://me.github.io/portfolio/posts/first/\">"), "{page}");
    assert!(page.contains("<a href=\"/portfolio/posts/first/\">"));
    assert!(site.root.join("public/legacy.html").is_file());
    assert_eq!(
        site.read("public/_redirects"),
        "/portfolio/old/first/ /portfolio/posts/first/ 301\n/portfolio/legacy.html /portfolio/posts/first/ 301\n"
    );
}

#[test]
fn an_alias_onto_a_real_page_names_both_files() {
    let site = Fixture::new("minimal");
    site.write(
        "content/about.md",
        "---\ntitle: About\naliases: [/posts/first/]\n---\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/about.md:3:11: alias `/posts/first/` is the address of `content/posts/first.md`\n  help: remove the alias, or move the other page\n"
    );
}

#[test]
fn a_cname_is_written_when_configured() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://me.dev/\ncname: me.dev\ntaxonomies: [{name: tags}]\n",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/CNAME"), "me.dev\n");
}

#[test]
fn drafts_and_future_pages_are_left_out_everywhere_unless_asked() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/draft.md",
        "---\ntitle: Draft\ndate: 2024-01-01\ndraft: true\ntags: [Secret]\n---\n",
    );
    site.write(
        "content/posts/later.md",
        "---\ntitle: Later\ndate: 2999-01-01\ntags: [Secret]\n---\n",
    );
    let run = site.run(["build"]).success();
    assert!(
        run.stdout.contains("(2 drafts or future pages left out)"),
        "{}",
        run.stdout
    );
    let all: String = site.tree("public").values().cloned().collect();
    for word in ["Draft", "Later", "Secret", "secret"] {
        assert!(!all.contains(word), "{word} leaked");
    }
    site.run(["build", "--drafts", "--future"]).success();
    let tree = site.tree("public");
    assert!(tree.contains_key("posts/draft/index.html"));
    assert!(tree.contains_key("posts/later/index.html"));
    assert!(tree.contains_key("tags/secret/index.html"));
    assert!(tree["atom.xml"].contains("Later") && tree["sitemap.xml"].contains("/posts/draft/"));
    assert!(tree["posts/index.html"].contains("Draft"));
}

#[test]
fn a_section_with_feed_gets_its_own_feed() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nfeed: true\n---\n",
    );
    site.run(["build"]).success();
    let feed = site.read("public/posts/atom.xml");
    assert_eq!(
        texts(&xml(&feed), "title"),
        vec!["Minimal - Posts", "First"]
    );
}

#[test]
fn a_feed_of_undated_pages_is_a_warning_and_no_file() {
    // Issue #27: such a feed was written empty and dated 1970.
    let site = Fixture::new("minimal");
    // The home page links `#details` of this page.
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\n---\n## Details\n",
    );
    site.write(
        "content/docs/_index.md",
        "---\ntitle: Docs\nfeed: true\n---\n",
    );
    site.write("content/docs/a.md", "---\ntitle: A\n---\n");
    site.write("content/docs/b.md", "---\ntitle: B\n---\n");
    // The site's feed was asked for: the default one is left out quietly.
    let config = site.read("folio.yaml");
    site.write("folio.yaml", &format!("{config}feed:\n  limit: 10\n"));
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: folio.yaml: the site's feed, `atom.xml`, is not written: none of the 3 pages has a `date`\n  \
         help: add `date: YYYY-MM-DD` to the pages a feed should show, or write `feed: {enabled: false}` in folio.yaml\n\
         warning: content/docs/_index.md: the section's feed is not written: none of its 2 pages has a `date`\n  \
         help: add `date: YYYY-MM-DD` to the pages the feed should show, or remove `feed: true`\n"
    );
    let tree = site.tree("public");
    assert!(
        !tree.keys().any(|p| p.ends_with("atom.xml")),
        "{:?}",
        tree.keys()
    );
    // One dated page: the section's feed holds it, and names what it leaves out.
    site.write(
        "content/docs/a.md",
        "---\ntitle: A\ndate: 2024-05-01\n---\n",
    );
    site.write("folio.yaml", &config);
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/docs/_index.md: the section's feed leaves out 1 of its 2 pages, which have no `date`\n  \
         help: add `date: YYYY-MM-DD` to the pages the feed should show, or remove `feed: true`\n"
    );
    assert!(!site.read("public/docs/atom.xml").contains("1970"));
}

#[test]
fn the_help_for_zola_s_generate_feeds_on_the_home_section_leads_to_no_clash() {
    // Issue #27: following the help (`feed: true`) on `content/_index.md`
    // made a second feed at the site feed's address.
    let site = Fixture::new("minimal");
    site.write(
        "content/_index.md",
        "---\ntitle: Home\ngenerate_feeds: true\n---\n",
    );
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/_index.md:3:1: `generate_feeds` is a Zola key that folio does not read; it is kept under `extra`\n  \
         help: remove the key: folio writes the site's feed, `atom.xml`, with every dated page (`feed:` in folio.yaml names it or turns it off)\n"
    );
    site.write("content/_index.md", "---\ntitle: Home\nfeed: true\n---\n");
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    assert_eq!(
        texts(&xml(&site.read("public/atom.xml")), "title"),
        vec!["Minimal", "First"]
    );
}

#[test]
fn config_feed_path_is_set_only_when_the_feed_holds_a_dated_page() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "feed={{ config.feed.path or \"none\" }} {{ config.feed.permalink or \"none\" }}",
    );
    site.run(["build", "--base-url", "https://me.github.io/blog/"])
        .success();
    assert_eq!(
        site.read("public/posts/first/index.html"),
        "feed=/blog/atom.xml https://me.github.io/blog/atom.xml"
    );
    let first = site.read("content/posts/first.md");
    let undated: String = first
        .lines()
        .filter(|l| !l.starts_with("date:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("content/posts/first.md", &undated);
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/first/index.html"), "feed=none none");
}

#[test]
fn get_section_with_metadata_only_leaves_out_the_pages_and_body() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{% set s = get_section(path=page.section, metadata_only=true) %}{{ s.title }} {{ s.path }} {{ s.pages is defined }} {{ s.content is defined }}{% set full = get_section(path=page.section) %} {{ full.pages | length }}",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/posts/first/index.html"),
        "Posts /posts/ false false 1"
    );
}

#[test]
fn dates_as_people_write_them_reach_templates_in_one_shape() {
    // Issue #12: local date-times and Jekyll's `2014-12-17 11:16:21 -0800`
    // were refused; issue #11: 9999-12-31 was refused.
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://example.com/\ntimezone: Europe/Paris\ntaxonomies:\n  - name: tags\n",
    );
    site.write("content/posts/_index.md", "---\ntitle: Posts\n---\n");
    for (name, date) in [
        ("plain", "2024-05-01"),
        ("local", "2023-04-09T15:52:10"),
        ("jekyll", "2014-12-17 11:16:21 -0800"),
        ("rfc", "2024-05-01T09:30:00Z"),
        ("last", "9999-12-31"),
    ] {
        site.write(
            &format!("content/posts/{name}.md"),
            &format!("---\ntitle: {name}\ndate: {date}\n---\n"),
        );
    }
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.title }} {{ p.date }} {{ p.date | date(format=\"%B %-d, %Y\") }}\n{% endfor %}",
    );
    site.run(["build", "--future"]).success();
    assert_eq!(
        site.read("public/posts/index.html"),
        "last 9999-12-31 December 31, 9999\n\
         rfc 2024-05-01T09:30:00Z May 1, 2024\n\
         First 2024-05-01 May 1, 2024\n\
         plain 2024-05-01 May 1, 2024\n\
         local 2023-04-09T15:52:10+02:00 April 9, 2023\n\
         jekyll 2014-12-17T11:16:21-08:00 December 17, 2014\n"
    );
}

#[test]
fn a_paginated_section_hands_each_list_page_its_slice_and_not_every_page() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: date\npaginate_by: 1\n---\n",
    );
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond.\n",
    );
    site.write(
        "templates/section.html",
        "{{ section.pages is defined }} {{ section.paginator.total_pages }} {% for p in section.paginator.pages %}{{ p.title }}{% endfor %}",
    );
    site.run(["build"]).success();
    assert_eq!(site.read("public/posts/index.html"), "false 2 Second");
    assert_eq!(site.read("public/posts/page/2/index.html"), "false 2 First");
}

#[test]
fn a_page_template_can_read_site_pages_and_other_pages_by_name() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond words.\n",
    );
    site.write(
        "templates/page.html",
        "{% for p in site.pages %}{{ p.title }}:{{ p.word_count }} {% endfor %}| {% set first = get_page(path=\"posts/first.md\") %}{{ first.toc | length }}",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/posts/second/index.html"),
        "Second:2 First:7 | 1"
    );
}

#[test]
fn a_markdown_link_that_starts_with_the_base_path_reads_from_the_site_own_urls() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://me.github.io/blog/\ntaxonomies:\n  - name: tags\n",
    );
    site.write("content/blog/_index.md", "---\ntitle: Blog\n---\n");
    site.write("content/blog/post.md", "---\ntitle: Post\n---\nA post.\n");
    site.write("content/about.md", "---\ntitle: About\n---\nMe.\n");
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}{% for p in section.pages %}<div class=\"summary\">{{ p.summary | safe }}</div>{% endfor %}{% endblock main %}",
    );
    site.write(
        "content/posts/links.md",
        "---\ntitle: Links\n---\nSee [about](@/about.md).\n\n<!-- more -->\n\n[post](/blog/post/), [about](/blog/about/), [me](/about/).\n\nAnd [the blog](/blog/).\n",
    );
    let run = site.run(["build"]).success();
    let html = site.read("public/posts/links/index.html");
    // The site's `/blog/post/` gets the base path; `/blog/about/` is
    // already under it, as only `/about/` exists.
    assert!(html.contains("href=\"/blog/blog/post/\""), "{html}");
    assert!(html.contains("href=\"/blog/about/\">about"), "{html}");
    assert!(html.contains("href=\"/blog/about/\">me"), "{html}");
    // `/blog/` names the blog section and, under the base path, the home
    // page: read from the root, with a warning at the link.
    assert!(html.contains("href=\"/blog/blog/\""), "{html}");
    assert!(
        run.stderr.contains("content/posts/links.md:10:5")
            && run.stderr.contains("`/blog/` names two pages"),
        "{}",
        run.stderr
    );
    // A summary's `@/` link is the body's.
    let list = site.read("public/posts/index.html");
    assert!(
        list.contains("<a href=\"/blog/about/\">about</a>"),
        "{list}"
    );
    site.run(["check"]).success();
}
