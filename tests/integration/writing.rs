//! Writing features on fixtures: math, callouts, definition lists,
//! external links, lazy images, Sass and minified output.

use crate::support::Fixture;

/// The `<article>` of a page of the `minimal` fixture, which holds its content.
fn article(site: &Fixture, path: &str) -> String {
    let html = site.read(path);
    let start = html.find("<article>").expect("the page has an article");
    let end = html.find("</article>").expect("the article ends");
    html[start..end].to_string()
}

#[test]
fn math_is_mathml_when_the_site_turns_it_on() {
    let site = Fixture::new("minimal");
    let page = "---\ntitle: M\n---\nEuler: $e^{i\\pi} + 1 = 0$.\n\n$$\n\\frac{a}{b}\n$$\n\nIn code: `$\\nope$`.\n\n```\n$$\\nope$$\n```\n";
    site.write("content/m.md", page);
    site.run(["build"]).success();
    let plain = article(&site, "public/m/index.html");
    assert!(plain.contains("Euler: $e^{i\\pi} + 1 = 0$."), "{plain}");
    site.write(
        "folio.yaml",
        &format!("{}markdown:\n  math: true\n", site.read("folio.yaml")),
    );
    site.run(["build"]).success();
    let html = article(&site, "public/m/index.html");
    assert!(
        html.contains("Euler: <math display=\"inline\"><msup><mi>e</mi><mrow><mi>i</mi><mi>π</mi></mrow></msup><mo>+</mo><mn>1</mn><mo>=</mo><mn>0</mn></math>."),
        "{html}"
    );
    assert!(
        html.contains("<p><span class=\"math-display\"><math display=\"block\"><mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac></math></span></p>"),
        "{html}"
    );
    assert!(html.contains("<code>$\\nope$</code>"), "{html}");
    assert!(
        html.contains("<pre><code>$$\\nope$$\n</code></pre>"),
        "{html}"
    );
}

#[test]
fn a_latex_error_fails_the_build_at_its_line_and_command() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        &format!("{}markdown:\n  math: true\n", site.read("folio.yaml")),
    );
    site.write(
        "content/m.md",
        "---\ntitle: M\n---\nFine: $x^2$.\n\n$$\n\\sqrt{2} + \\frac{1}{\\alpah}\n$$\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: content/m.md:7:21: math: unknown LaTeX command `\\alpah`\n  help: fix the LaTeX; to write a dollar sign as text, write `\\$`\n"
    );
}

#[test]
fn callouts_and_definition_lists_are_on_and_titles_can_be_translated() {
    let site = Fixture::new("minimal");
    site.write(
        "content/c.md",
        "---\ntitle: C\n---\n> [!TIP]\n> Use `folio serve`.\n\n> [!CAUTION]\n> Hot.\n\nfolio\n: A static site generator.\n",
    );
    site.run(["build"]).success();
    let html = article(&site, "public/c/index.html");
    assert!(
        html.contains("<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Tip</p>\n<p>Use <code>folio serve</code>.</p>\n</div>"),
        "{html}"
    );
    assert!(
        html.contains("<dl>\n<dt>folio</dt>\n<dd>A static site generator.</dd>\n</dl>"),
        "{html}"
    );
    site.write(
        "folio.yaml",
        &format!(
            "{}markdown:\n  callout_titles:\n    tip: Astuce\n",
            site.read("folio.yaml")
        ),
    );
    site.run(["build"]).success();
    let html = article(&site, "public/c/index.html");
    assert!(
        html.contains("<p class=\"callout-title\">Astuce</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"callout-title\">Caution</p>"),
        "{html}"
    );
}

#[test]
fn an_unknown_callout_kind_in_folio_yaml_is_refused_at_its_line() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        &format!(
            "{}markdown:\n  callout_titles:\n    notes: Remarque\n",
            site.read("folio.yaml")
        ),
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: folio.yaml:8:5: markdown.callout_titles: unknown key `notes`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean `note`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn external_links_get_the_attributes_folio_yaml_asks_for() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        &format!(
            "{}markdown:\n  external_links_target_blank: true\n  external_links_no_follow: true\n",
            site.read("folio.yaml")
        ),
    );
    site.write(
        "content/l.md",
        "---\ntitle: L\n---\n[out](https://example.org/) and [in](@/posts/first.md).\n",
    );
    site.run(["build"]).success();
    let html = article(&site, "public/l/index.html");
    assert!(
        html.contains("<a href=\"https://example.org/\" target=\"_blank\" rel=\"noopener nofollow\">out</a> and <a href=\"/posts/first/\">in</a>"),
        "{html}"
    );
}

#[test]
fn markdown_images_after_the_first_load_lazily() {
    let site = Fixture::new("minimal");
    site.write(
        "content/i.md",
        "---\ntitle: I\n---\n![one](https://example.org/1.png)\n\n![two](https://example.org/2.png)\n",
    );
    site.run(["build"]).success();
    let html = article(&site, "public/i/index.html");
    assert!(
        html.contains("<img src=\"https://example.org/1.png\" alt=\"one\" />"),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"https://example.org/2.png\" alt=\"two\" loading=\"lazy\" decoding=\"async\" />"),
        "{html}"
    );
}

#[test]
fn sass_is_compiled_to_its_path_and_partials_are_not_published() {
    let site = Fixture::new("minimal");
    std::fs::remove_file(site.root.join("static/site.css")).unwrap();
    site.write("sass/_colors.scss", "$ink: #123456;\n");
    site.write(
        "sass/site.scss",
        "@use \"colors\";\nbody {\n  nav { color: colors.$ink; }\n}\n",
    );
    site.write("sass/css/print.sass", "body\n  color: black\n");
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/site.css"),
        "body nav {\n  color: #123456;\n}\n"
    );
    assert_eq!(
        site.read("public/css/print.css"),
        "body {\n  color: black;\n}\n"
    );
    assert!(!site.root.join("public/_colors.css").exists());
    assert!(!site.root.join("public/colors.css").exists());
    // `asset()` fingerprints the compiled CSS: a change to the partial changes it.
    let link = |site: &Fixture| {
        let html = site.read("public/index.html");
        let start = html.find("site.css?v=").unwrap();
        html[start..start + 19].to_string()
    };
    let before = link(&site);
    site.write("sass/_colors.scss", "$ink: #654321;\n");
    site.run(["build"]).success();
    assert_ne!(link(&site), before);
    assert!(site.read("public/site.css").contains("#654321"));
}

#[test]
fn a_sass_error_names_the_file_line_and_column() {
    let site = Fixture::new("minimal");
    site.write(
        "sass/_parts.scss",
        "a {\n  color: red;\n  width: 10px + 2s;\n}\n",
    );
    site.write("sass/style.scss", "@import \"parts\";\n");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: sass/_parts.scss:3:10: Sass: Incompatible units s and px.\n  help: fix the Sass at this place\n"
    );
}

#[test]
fn a_static_file_and_a_sass_file_writing_one_path_are_an_error() {
    let site = Fixture::new("minimal");
    site.write("sass/site.scss", "a { b: c; }\n");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: sass/site.scss: this Sass file and `static/site.css` both write `site.css`\n  help: remove one of the two, or rename one\n"
    );
}

/// The text a reader sees: runs of blanks are one space, but the text of
/// each `<pre>` is kept exactly.
fn visible_text(html: &str) -> (String, Vec<String>) {
    let document = scraper::Html::parse_document(html);
    let words: Vec<&str> = document
        .root_element()
        .text()
        .flat_map(str::split_whitespace)
        .collect();
    let pre = scraper::Selector::parse("pre").unwrap();
    let blocks = document
        .select(&pre)
        .map(|p| p.text().collect::<String>())
        .collect();
    (words.join(" "), blocks)
}

#[test]
fn a_minified_site_reads_the_same_and_keeps_pre_as_written() {
    let write = |site: &Fixture, minify: bool| {
        site.write(
            "content/code.md",
            "---\ntitle: Code\n---\nSome   *spaced*  text, `a  b`, and:\n\n```\nfn  main() {\n    x\n}\n```\n\n<pre>  kept\n   as is</pre>\n\n- one\n- two\n",
        );
        if minify {
            site.write(
                "folio.yaml",
                &format!("{}minify: true\n", site.read("folio.yaml")),
            );
        }
        site.run(["build"]).success();
    };
    let plain = Fixture::new("minimal");
    write(&plain, false);
    let small = Fixture::new("minimal");
    write(&small, true);
    let (plain_tree, small_tree) = (plain.tree("public"), small.tree("public"));
    assert_eq!(
        plain_tree.keys().collect::<Vec<_>>(),
        small_tree.keys().collect::<Vec<_>>()
    );
    for (path, text) in &plain_tree {
        let minified = &small_tree[path];
        if path.ends_with(".html") {
            assert!(minified.len() < text.len(), "{path} is not smaller");
            let url = |t: &str| t.replace("site.css?v=", "");
            assert_eq!(
                visible_text(&url(minified)),
                visible_text(&url(text)),
                "{path}"
            );
        }
    }
    let code = &small_tree["code/index.html"];
    assert!(
        code.contains("<pre><code>fn  main() {\n    x\n}\n</code></pre>"),
        "{code}"
    );
    assert!(code.contains("<pre>  kept\n   as is</pre>"), "{code}");
    assert!(code.contains("<code>a  b</code>"), "{code}");
    assert_eq!(small_tree["site.css"], "body{font-family:sans-serif}");
    assert!(small_tree["highlight.css"].len() < plain_tree["highlight.css"].len());
}
