//! Every bad input gets an error that names the file, line and column, says
//! what is wrong and what to do, and exits 1. Messages are pinned exactly.

use crate::support::Fixture;

fn build_error(site: &Fixture) -> String {
    let run = site.run(["build"]);
    assert_eq!(
        run.code, 1,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(
        !site.root.join("public").exists(),
        "a failed first build wrote public/"
    );
    run.stderr
}

#[test]
fn bad_date_in_front_matter_points_at_the_file_line() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\ntitle: Post\ndate: soon\n---\n");
    assert_eq!(
        build_error(&site),
        "error: content/post.md:3:7: `date` must be a date like 2024-05-01, found \"soon\"\n  help: write the date as YYYY-MM-DD\n"
    );
}

#[test]
fn yaml_syntax_errors_are_reported_at_the_file_line() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\ntitle: Post\ntags: [a, b\n---\n");
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with("error: content/post.md:4:1: "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("  help: fix the YAML syntax at this place\n"),
        "{stderr}"
    );
}

#[test]
fn front_matter_that_is_not_a_mapping_is_an_error() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\n- a\n- b\n---\n");
    assert_eq!(
        build_error(&site),
        "error: content/post.md:2:1: front matter must be a mapping of keys to values\n  help: write front matter as `key: value` lines, like `title: Hello`\n"
    );
}

#[test]
fn unclosed_front_matter_is_an_error() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\ntitle: Post\n");
    assert_eq!(
        build_error(&site),
        "error: content/post.md:1:1: front matter is not closed\n  help: end the front matter with a line holding only `---`\n"
    );
}

#[test]
fn wrong_types_of_known_keys_are_errors() {
    let site = Fixture::new("minimal");
    site.write("content/a.md", "---\ndraft: maybe\n---\n");
    site.write("content/b.md", "---\nweight: heavy\n---\n");
    assert_eq!(
        build_error(&site),
        "error: content/a.md:2:8: `draft` must be true or false, found text\n  help: write `draft: true` or `draft: false`\n\
         error: content/b.md:2:9: `weight` must be a whole number, found text\n  help: write a whole number like `weight: 10`\n\
         error: 2 problems; nothing was written\n"
    );
}

#[test]
fn a_near_miss_of_a_known_key_is_a_warning_with_its_line() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\ntitle: Post\ntitel: Typo\n---\n");
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/post.md:3:1: unknown key `titel` is kept under `extra`\n  help: did you mean `title`?\n"
    );
}

#[test]
fn an_unknown_config_key_suggests_the_nearest_known_key() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_ulr: https://example.com/\n",
    );
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with("error: folio.yaml:2:1: unknown key `base_ulr`, expected one of"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("  help: did you mean `base_url`?\n"),
        "{stderr}"
    );
}

#[test]
fn a_base_url_that_is_not_absolute_is_an_error() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: example.com/portfolio\n",
    );
    assert_eq!(
        build_error(&site),
        "error: folio.yaml:2:1: `base_url` must be an absolute http(s) URL, found \"example.com/portfolio\"\n  \
         help: write an absolute URL such as `https://me.github.io/portfolio/`\n"
    );
}

#[test]
fn links_to_missing_pages_and_anchors_are_all_reported_at_once() {
    let site = Fixture::new("minimal");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\nSee [b](@/nope.md).\n\nAnd [c](@/posts/first.md#nowhere).\n",
    );
    site.write("content/b.md", "---\ntitle: B\n---\n[self](#missing)\n");
    assert_eq!(
        build_error(&site),
        "error: content/a.md:4:5: link to `@/nope.md`, which does not exist\n  help: link to a file under `content/`, like `@/projects/x.md`\n\
         error: content/a.md:6:5: anchor `#nowhere` does not exist on `@/posts/first.md`\n  help: link to an id the page has; the nearest: `#details`\n\
         error: content/b.md:4:1: anchor `#missing` does not exist on this page\n  help: link to one of the page's heading ids, or add `{#id}` to a heading\n\
         error: 3 problems; nothing was written\n"
    );
}

#[test]
fn two_files_writing_the_same_page_name_both() {
    let site = Fixture::new("minimal");
    site.write("content/posts/other.md", "---\nslug: first\n---\n");
    assert_eq!(
        build_error(&site),
        "error: content/posts/other.md: writes the same page `/posts/first/` as `content/posts/first.md`\n  \
         help: give one of the two files another `slug` or `path`\n"
    );
}

#[test]
fn a_template_error_names_the_template_line_and_the_content_file() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "<h1>{{ page.title }}</h1>\n<p>{{ page.extra.author }}</p>\n",
    );
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with("error: templates/page.html:2:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(": failed to render content/posts/first.md\n"),
        "{stderr}"
    );
    assert!(stderr.contains("  caused by: "), "{stderr}");
    assert!(
        stderr.contains("2 | <p>{{ page.extra.author }}</p>"),
        "{stderr}"
    );
    assert!(stderr.contains("  help: "), "{stderr}");
}

#[test]
fn a_template_extending_a_missing_one_is_placed_at_its_extends_tag() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{#- a page -#}\n{% extends \"bsae.html\" %}\n{% block main %}{% endblock %}\n",
    );
    site.write("templates/base.html", "{% block main %}{% endblock %}\n");
    assert_eq!(
        build_error(&site),
        "error: templates/page.html:2:1: `page.html` extends `bsae.html`, which does not exist\n  \
         help: did you mean `base.html`? Otherwise create `templates/bsae.html`\n"
    );
}

#[test]
fn a_template_syntax_error_names_the_template_line() {
    let site = Fixture::new("minimal");
    site.write("templates/page.html", "<h1>{{ page.title </h1>\n");
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with("error: templates/page.html:1:"),
        "{stderr}"
    );
    assert!(stderr.contains("template does not parse"), "{stderr}");
}

#[test]
fn an_undeclared_taxonomy_is_one_warning_with_the_number_of_pages() {
    // Issue #27: a warning once per taxonomy, at its first use, not once per page.
    let site = Fixture::new("minimal");
    for name in ["b", "a", "c"] {
        site.write(
            &format!("content/{name}.md"),
            "---\ntitle: Post\ncategories: [x]\n---\n",
        );
    }
    site.write(
        "content/d.md",
        "---\ntitle: Post\ntaxonomies:\n  series: [y]\n---\n",
    );
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/a.md:3:1: taxonomy `categories` is not declared, so the terms of 3 pages are not listed\n  \
         help: declare it in folio.yaml: `taxonomies: [{name: categories}]`\n\
         warning: content/d.md:4:3: taxonomy `series` is not declared, so the terms of 1 page are not listed\n  \
         help: declare it in folio.yaml: `taxonomies: [{name: series}]`\n"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_named() {
    let site = Fixture::new("minimal");
    std::fs::write(
        site.root.join("content/bad.md"),
        b"---\ntitle: x\n---\nab\xff\n",
    )
    .unwrap();
    assert_eq!(
        build_error(&site),
        "error: content/bad.md:4:3: file is not valid UTF-8\n  help: save the file as UTF-8\n"
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let site = Fixture::new("minimal");
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.md");
    std::fs::write(site.root.join("content").join(name), "x").unwrap();
    assert_eq!(
        build_error(&site),
        "error: content/bad\u{fffd}.md: file name is not valid UTF-8\n  help: rename the file\n"
    );
}

#[test]
fn a_symbolic_link_loop_is_an_error_not_a_hang() {
    let site = Fixture::new("minimal");
    std::os::unix::fs::symlink(
        site.root.join("content"),
        site.root.join("content/posts/loop"),
    )
    .unwrap();
    assert_eq!(
        build_error(&site),
        "error: content/posts/loop: symbolic link loop: this folder leads back to `content`\n  \
         help: remove the link or point it somewhere outside its own parents\n"
    );
}

#[test]
fn a_missing_site_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let run = Fixture::at(dir.path()).run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: no `folio.yaml` in "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with(
        "  help: run folio inside a site, pass `--root DIR`, or create a site with `folio init`\n"
    ));
}

#[test]
fn a_bad_command_line_exits_2() {
    let site = Fixture::empty("bad_args");
    assert_eq!(site.run(["build", "--no-such-flag"]).code, 2);
}

#[test]
fn a_path_or_alias_that_leaves_the_site_is_refused() {
    let site = Fixture::new("minimal");
    site.write(
        "content/evil.md",
        "---\ntitle: Evil\npath: ../../escaped\n---\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/evil.md:3:7: `path` must be a path inside the site, found \"../../escaped\"\n  help: write a path like `/projects/x/`, without `..`\n"
    );
    site.write(
        "content/evil.md",
        "---\ntitle: Evil\naliases: [/ok/, /../../escaped/]\n---\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/evil.md:3:10: `aliases` must be a path inside the site, found \"/../../escaped/\"\n  help: write a path like `/projects/x/`, without `..`\n"
    );
    assert!(!site.root.join("../escaped").exists() && !site.root.join("../../escaped").exists());
}

#[test]
fn a_term_with_nothing_to_name_its_page_is_an_error() {
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "---\ntitle: Post\ntags: [Rust, \"!!\"]\n---\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/post.md:3:7: `tags` holds the term \"!!\", which has no letters or digits to name its page\n  \
         help: remove the empty term, or write it with letters or digits\n"
    );
}

#[test]
fn year_zero_is_not_a_date() {
    // Issue #11: `0000-01-01` was accepted and shown as "January 0000".
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "---\ntitle: Post\ndate: 0000-01-01\n---\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/post.md:3:7: `date` must be a date from year 1 to 9999, found \"0000-01-01\"\n  \
         help: write the year with four digits, from 0001 to 9999\n"
    );
}

#[test]
fn an_unknown_time_zone_is_an_error_at_its_line() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://example.com/\ntimezone: Mars/Olympus\n",
    );
    assert_eq!(
        build_error(&site),
        "error: folio.yaml:3:1: `timezone` must be a time zone name like Europe/Paris, found \"Mars/Olympus\"\n  \
         help: write a name from the IANA time zone database, such as `UTC` or `America/New_York`\n"
    );
}

#[test]
fn toml_syntax_errors_are_reported_at_the_file_line_and_column() {
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "\n+++\ntitle = \"Post\"\ndate = 2024-05-01\ntags = [\"a\" \"b\"]\n+++\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/post.md:5:13: front matter is not valid TOML: missing comma between array elements, expected `,`\n  \
         help: fix the TOML syntax at this place\n"
    );
}

#[test]
fn toml_values_of_the_wrong_type_are_reported_at_the_value() {
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "+++\ntitle = \"Post\"\ndraft = \"no\"\n+++\n",
    );
    site.write("content/other.md", "+++\n[taxonomies]\ntags = 3\n+++\n");
    assert_eq!(
        build_error(&site),
        "error: content/other.md:3:8: `tags` must be a list, found a number\n  help: write a list like `[a, b]`\n\
         error: content/post.md:3:9: `draft` must be true or false, found text\n  help: write `draft: true` or `draft: false`\n\
         error: 2 problems; nothing was written\n"
    );
}

#[test]
fn a_nested_key_is_reported_at_its_own_line() {
    // A top-level key is found at the top level, not inside `extra`.
    let site = Fixture::new("minimal");
    site.write(
        "content/post.md",
        "---\nextra:\n  date: whenever\ndate: soon\n---\n",
    );
    assert_eq!(
        build_error(&site),
        "error: content/post.md:4:7: `date` must be a date like 2024-05-01, found \"soon\"\n  help: write the date as YYYY-MM-DD\n"
    );
}

#[test]
fn markdown_inside_a_page_bundle_names_the_bundle_and_the_file() {
    // Issue #12: every Markdown file under a bundle was published as raw
    // source, front matter and all.
    let site = Fixture::new("minimal");
    site.write("content/docs/index.md", "---\ntitle: Docs\n---\n");
    site.write("content/docs/setup.md", "---\ntitle: Setup\n---\n");
    site.write("content/docs/deep/more.markdown", "# More\n");
    site.write("content/docs/diagram.svg", "<svg/>");
    assert_eq!(
        build_error(&site),
        "error: content/docs/deep/more.markdown: this Markdown file is inside the page bundle of `content/docs/index.md`, so it is neither a page nor a file to publish\n  \
         help: rename index.md to _index.md to make this folder a section\n\
         error: content/docs/setup.md: this Markdown file is inside the page bundle of `content/docs/index.md`, so it is neither a page nor a file to publish\n  \
         help: rename index.md to _index.md to make this folder a section\n\
         error: 2 problems; nothing was written\n"
    );
}

// Issue #11: the flag was blamed on `folio.yaml:10:1`.
#[test]
fn a_bad_base_url_flag_is_blamed_on_the_flag() {
    let site = Fixture::new("minimal");
    let run = site.run(["build", "--base-url", "example.com"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: `--base-url` must be an absolute http(s) URL, found \"example.com\"\n  \
         help: write an absolute URL such as `https://me.github.io/portfolio/`\n"
    );
}

// Issue #11: invalid UTF-8 had no place and no help.
#[test]
fn a_configuration_that_is_not_utf8_is_named_at_its_place() {
    let site = Fixture::new("minimal");
    std::fs::write(
        site.root.join("folio.yaml"),
        b"title: Minimal\nbase_url: https://example.com/\ndescription: caf\xe9\n",
    )
    .unwrap();
    assert_eq!(
        build_error(&site),
        "error: folio.yaml:3:17: the configuration is not valid UTF-8\n  help: save `folio.yaml` as UTF-8\n"
    );
}

// Issue #11, point 11: front matter goes through the same depth limit.
#[test]
fn deeply_nested_front_matter_is_refused_at_the_file_line() {
    let site = Fixture::new("minimal");
    site.write(
        "content/deep.md",
        &format!(
            "---\ntitle: Deep\nextra: {}{}\n---\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    assert_eq!(
        build_error(&site),
        "error: content/deep.md:3:135: the YAML nests lists and mappings more than 128 deep\n  help: flatten the data: fewer lists and mappings inside each other\n"
    );
}

#[test]
fn each_template_problem_is_printed_once_and_counted() {
    // Issue #12: Tera reports every unknown filter of every template in one
    // message, which was printed twice under a single "problem".
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{{ page.title | nofilter }}\n{{ page.title | other }}\n",
    );
    site.write(
        "templates/section.html",
        "{{ section.title | zola_only }}\n",
    );
    assert_eq!(
        build_error(&site),
        "error: templates/page.html:1:17: template does not parse\n  \
         caused by: Unknown filter `nofilter`\n     --> page.html:1:17\n      |\n    1 | {{ page.title | nofilter }}\n      |                 ^^^^^^^^\n  \
         help: fix the template syntax at this place\n\
         error: templates/page.html:2:17: template does not parse\n  \
         caused by: Unknown filter `other`\n     --> page.html:2:17\n      |\n    2 | {{ page.title | other }}\n      |                 ^^^^^\n  \
         help: fix the template syntax at this place\n\
         error: templates/section.html:1:20: template does not parse\n  \
         caused by: Unknown filter `zola_only`\n     --> section.html:1:20\n      |\n    1 | {{ section.title | zola_only }}\n      |                    ^^^^^^^^^\n  \
         help: fix the template syntax at this place\n\
         error: 3 problems; nothing was written\n"
    );
}

#[test]
fn a_list_that_prints_a_pages_content_is_told_to_ask_for_the_page() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}{{ p.content }}{% endfor %}",
    );
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with("error: templates/section.html:1:34: failed to render content/posts/_index.md\n  caused by: Field `content` is not defined."),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("  help: a page in a list has no `content`: show `p.summary`, or get the whole page with `get_page(path=p.relative_path)`\n"),
        "{stderr}"
    );
}

#[test]
fn every_template_that_does_not_parse_is_reported_in_one_build() {
    // Issue #27: a site brought from Tera 1 needed one build per template
    // to see them all.
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{% if page.title is starting_with(\"A\") %}a{% endif %}\n",
    );
    site.write(
        "templates/section.html",
        "{% if section.title is matching(\"^A\") %}a{% endif %}\n",
    );
    site.write(
        "templates/tags.html",
        "<p>\n{{ page.taxonomies.tags.0 }}</p>\n",
    );
    assert_eq!(
        build_error(&site),
        "error: templates/page.html:1:35: template does not parse\n  \
         caused by: Found string but expected identifier.\n     --> page.html:1:35\n      |\n    1 | {% if page.title is starting_with(\"A\") %}a{% endif %}\n      |                                   ^^^\n  \
         help: Tera 2 names a test's argument: write `is starting_with(pat=…)`\n\
         error: templates/section.html:1:33: template does not parse\n  \
         caused by: Found string but expected identifier.\n     --> section.html:1:33\n      |\n    1 | {% if section.title is matching(\"^A\") %}a{% endif %}\n      |                                 ^^^^\n  \
         help: Tera 2 has no `matching` test: test with `starting_with`, `ending_with` or `containing`, like `is containing(pat=\"x\")`, or set a flag in the front matter\n\
         error: templates/tags.html:2:25: template does not parse\n  \
         caused by: Found integer but expected identifier.\n     --> tags.html:2:25\n      |\n    2 | {{ page.taxonomies.tags.0 }}</p>\n      |                         ^\n  \
         help: Tera 2 indexes with brackets: write `xs[0]`, not `xs.0`\n\
         error: 3 problems; nothing was written\n"
    );
}

#[test]
fn the_slice_filter_of_tera_1_is_told_to_use_brackets() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{% for t in page.taxonomies.tags | slice(end=-1) %}{% endfor %}\n",
    );
    assert_eq!(
        build_error(&site),
        "error: templates/page.html:1:36: template does not parse\n  \
         caused by: Unknown filter `slice`\n     --> page.html:1:36\n      |\n    1 | {% for t in page.taxonomies.tags | slice(end=-1) %}{% endfor %}\n      |                                    ^^^^^^^^^^^^^\n  \
         help: Tera 2 has no `slice` filter: slice with brackets, `xs[:-1]` for `slice(end=-1)`, `xs[1:3]` for `slice(start=1, end=3)`\n"
    );
}

#[test]
fn a_template_error_every_page_meets_is_shown_once() {
    let site = Fixture::new("minimal");
    site.write("content/posts/second.md", "---\ntitle: Second\n---\nTwo.\n");
    site.write("content/posts/third.md", "---\ntitle: Third\n---\nThree.\n");
    site.write("templates/page.html", "<h1>{{ page.author }}</h1>\n");
    let stderr = build_error(&site);
    assert!(
        stderr.starts_with(
            "error: templates/page.html:1:13: failed to render content/posts/first.md and 2 other files\n"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
}

#[test]
fn a_component_defined_twice_names_both_places() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/chips.html",
        "{% component chip(t) %}<b>{{ t }}</b>{% endcomponent chip %}\n",
    );
    site.write(
        "templates/more.html",
        "{# more #}\n\n  {%- component chip(t) %}<i>{{ t }}</i>{% endcomponent chip %}\n",
    );
    assert_eq!(
        build_error(&site),
        "error: templates/chips.html:1:1: component `chip` is defined twice\n  \
         caused by: it is defined again at templates/more.html:3:3\n  \
         help: rename one of them, or remove one\n"
    );
}
