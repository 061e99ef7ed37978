//! Shortcodes in Zola's syntax: the site's templates, then the theme's,
//! then the built-in ones; bodies, escaping, code left alone, and errors at
//! the call's line and column (#15).

use crate::support::Fixture;

#[test]
fn shortcodes_render_inline_with_a_body_and_as_written() {
    let site = Fixture::new("shortcodes");
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    site.assert_matches_expected();
}

#[test]
fn the_built_in_shortcodes_render_for_a_site_with_templates_of_its_own() {
    let site = Fixture::new("shortcodes_builtin");
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    site.assert_matches_expected();
}

#[test]
fn a_site_shortcode_replaces_the_built_in_one_of_the_same_name() {
    let site = Fixture::new("shortcodes_builtin");
    site.write(
        "templates/shortcodes/note.html",
        "<p class=\"mine\">{{ title }}</p>",
    );
    site.write(
        "content/post.md",
        "---\ntitle: Post\n---\n{% note(title=\"Mine\") %}\nBody.\n{% end %}\n",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/post/index.html"),
        "<p class=\"mine\">Mine</p>\n\n"
    );
}

#[test]
fn an_unknown_shortcode_is_an_error_with_the_nearest_name() {
    let site = Fixture::new("shortcodes");
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\nText.\n\n{{ arsg(text=\"x\") }}\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/broken.md:6:1: unknown shortcode `arsg`\n  help: did you mean `args`?\n"
    );
}

#[test]
fn a_shortcode_no_template_resembles_says_how_to_add_one() {
    let site = Fixture::new("shortcodes");
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\n{{ zzz() }}\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/broken.md:4:1: unknown shortcode `zzz`\n  \
         help: add `templates/shortcodes/zzz.html`, or write `{{/* zzz() */}}` to show the call as text\n"
    );
}

#[test]
fn a_bad_argument_list_is_an_error_at_its_column() {
    let site = Fixture::new("shortcodes");
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\nSee {{ args(text=\"x\" n=2) }}\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/broken.md:4:22: shortcode `args`: expected `,` or `)` after an argument\n  \
         help: separate arguments with commas and close the list with `)`\n"
    );
}

#[test]
fn a_body_without_its_end_is_an_error_at_the_opening_tag() {
    let site = Fixture::new("shortcodes");
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\nText.\n\n{% box(kind=\"tip\") %}\nNever closed.\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/broken.md:6:1: shortcode `box` has no `{% end %}`\n  \
         help: close its body with `{% end %}` on a line of its own\n"
    );
}

#[test]
fn an_error_in_a_shortcode_template_names_the_call_and_the_template() {
    let site = Fixture::new("shortcodes");
    site.write(
        "templates/shortcodes/paint.html",
        "<div>{{ colour }}</div>\n",
    );
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\n---\nText.\n\n  {% paint(kind=\"tip\") %}\nBody.\n{% end %}\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/broken.md:6:3: shortcode `paint` failed in its template\n  \
         caused by: templates/shortcodes/paint.html:1:9: Variable `colour` is not defined. \
         Available variables: body, config, current_path, current_permalink, data, kind, page, site\n     \
         --> shortcodes/paint.html:1:9\n      |\n    1 | <div>{{ colour }}</div>\n      |         ^^^^^^\n  \
         help: give the call the arguments its template reads, or fix the template\n"
    );
}

#[test]
fn a_figure_without_alt_text_is_an_error_at_the_call() {
    let site = Fixture::new("shortcodes_builtin");
    site.write(
        "content/post.md",
        "---\ntitle: Post\n---\n{{ figure(src=\"/a.png\") }}\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/post.md:4:1: shortcode `figure` failed in its template\n  \
         caused by: (built-in theme) themes/slate/templates/shortcodes/figure.html:9:6: \
         `figure` needs `alt`, a text that says what the image shows\n     \
         --> shortcodes/figure.html:9:6\n      |\n    9 |   {{ throw(message=\"`figure` needs `alt`, a text that says what the image shows\") }}\n      |      \
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
         help: give the call the arguments its template reads, or fix the template\n"
    );
}

#[test]
fn an_escaped_call_in_a_code_block_prints_without_its_markers() {
    // Issue #27: Zola's docs show shortcode calls in code blocks this way.
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\n---\n```\n{{/* youtube(id=1) */}}\n```\n\n## Details\n",
    );
    site.run(["build"]).success();
    let html = site.read("public/posts/first/index.html");
    assert!(
        html.contains("<code>{{ youtube(id=1) }}\n</code>"),
        "{html}"
    );
}
