//! Incremental rebuilds give byte-for-byte the output of a full build.

use std::path::Path;

use folio::build::{BuildOptions, Session};
use folio::config::{self, Overrides};

use crate::support::{Fixture, edited};

fn full_build(
    site: &Fixture,
    options: &BuildOptions,
) -> std::collections::BTreeMap<String, String> {
    let overrides = Overrides {
        output_dir: Some(site.root.join("full")),
        ..Overrides::default()
    };
    let config = config::load(&site.root, &overrides).unwrap();
    folio::build::build(&config, options).unwrap();
    site.tree("full")
}

fn assert_same_as_full(site: &Fixture, step: &str) {
    assert_same_as_built(site, step, &BuildOptions::default());
}

/// Compares the output with a full build's with the same options.
fn assert_same_as_built(site: &Fixture, step: &str, options: &BuildOptions) {
    let incremental = site.tree("public");
    let full = full_build(site, options);
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
        .apply(&edited(&[content.join("posts/second.md")]))
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
        !session
            .apply(&edited(&[content.join("posts/third.md")]))
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
        .apply(&edited(&[
            content.join("posts/third.md"),
            content.join("posts/renamed.md"),
        ]))
        .unwrap();
    assert_same_as_full(&site, "rename a page");

    std::fs::remove_file(content.join("posts/renamed.md")).unwrap();
    session
        .apply(&edited(&[content.join("posts/renamed.md")]))
        .unwrap();
    assert!(!Path::new(&site.root.join("public/posts/renamed")).exists());
    assert_same_as_full(&site, "delete a page");

    site.write(
        "content/posts/second.md",
        "---\ntitle: Second, retitled\ndate: 2024-06-01\ntags: [Go]\n---\nFirst words.\n",
    );
    assert!(
        !session
            .apply(&edited(&[content.join("posts/second.md")]))
            .unwrap()
            .full
    );
    assert_same_as_full(&site, "edit front matter");

    site.write(
        "templates/page.html",
        "<main>{{ page.title }}{{ page.content | safe }}</main>",
    );
    session
        .apply(&folio::build::Changes {
            templates: true,
            ..folio::build::Changes::default()
        })
        .unwrap();
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
        .apply(&edited(&[site.root.join("content/posts/first.md")]))
        .unwrap_err();
    assert_eq!(
        errors.0[0].message,
        "anchor `#details` does not exist on `@/posts/first.md`"
    );
    assert_eq!(site.tree("public"), before);
}

/// A page edit is patched into the session's site; when its render fails,
/// the site is put back as it was, so the next edit starts from it.
#[test]
fn a_failed_page_edit_leaves_the_session_s_site_as_it_was() {
    let site = Fixture::new("minimal");
    let original = std::fs::read_to_string(site.root.join("content/posts/first.md")).unwrap();
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nText.\n",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let first = site.root.join("content/posts/first.md");
    let second = site.root.join("content/posts/second.md");

    // A new title and date that would sort it first, and a broken link.
    site.write(
        "content/posts/first.md",
        "---\ntitle: Renamed\ndate: 2025-01-01\n---\nNo heading any more.\n",
    );
    session
        .apply(&edited(std::slice::from_ref(&first)))
        .unwrap_err();

    // The file is put back; the next edit, of another page, sees the old one.
    site.write("content/posts/first.md", &original);
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second, edited\ndate: 2024-06-01\n---\nText.\n",
    );
    session.apply(&edited(&[second])).unwrap();
    assert_same_as_full(&site, "after a failed edit of another page");
}

/// A `folio init` site (the slate theme) with a few dated, tagged posts.
fn slate_site(name: &str) -> Fixture {
    let site = Fixture::empty(name);
    site.run(["init", "."]).success();
    site.write(
        "content/posts/_index.md",
        "---\ntitle: Posts\nsort_by: date\npaginate_by: 2\n---\nAll of them.\n",
    );
    for (n, stack) in [
        (1, "Rust"),
        (2, "Go"),
        (3, "Rust, Go"),
        (4, "Rust"),
        (5, "Kafka"),
    ] {
        site.write(
            &format!("content/posts/post-{n}.md"),
            &format!(
                "---\ntitle: Post {n}\ndate: 2024-0{n}-01\nstack: [{stack}]\n---\nWords of post {n}.\n\n## A heading\n\nMore.\n"
            ),
        );
    }
    site
}

#[test]
fn the_slate_theme_rebuilds_incrementally_to_the_bytes_of_a_full_build() {
    let site = slate_site("slate_incremental");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let post = |n: u8| site.root.join(format!("content/posts/post-{n}.md"));
    let edit = |n: u8, body: &str| {
        site.write(
            &format!("content/posts/post-{n}.md"),
            &format!("---\ntitle: Post {n}\ndate: 2024-0{n}-01\nstack: [Rust]\n---\n{body}"),
        );
    };

    // Same words, other order: the listing stays as it was, so only the
    // page itself is rendered again.
    edit(4, "Post of words 4.\n\n## A heading\n\nMore.\n");
    let rebuild = session.apply(&edited(&[post(4)])).unwrap();
    assert!(!rebuild.full);
    assert_eq!(rebuild.rendered, 1, "a body edit that no list shows");
    assert_same_as_full(&site, "reword a body");

    // More words: the lists that show the post's word count or summary
    // render again, and nothing else does.
    edit(
        4,
        "Many more words in post 4 now.\n\n## A heading\n\nMore.\n",
    );
    let rebuild = session.apply(&edited(&[post(4)])).unwrap();
    assert!(!rebuild.full);
    assert!(
        rebuild.rendered < 10,
        "a listing change rendered {} files",
        rebuild.rendered
    );
    assert_same_as_full(&site, "lengthen a body");

    edit(1, "Post 1, shorter.\n\n## A heading\n");
    session.apply(&edited(&[post(1)])).unwrap();
    assert_same_as_full(&site, "edit the oldest post");

    site.write(
        "content/posts/post-2.md",
        "---\ntitle: Post 2 renamed\ndate: 2024-02-01\nstack: [Go]\n---\nWords.\n",
    );
    let rebuild = session.apply(&edited(&[post(2)])).unwrap();
    assert!(!rebuild.full);
    assert_same_as_full(&site, "edit front matter");
}

#[test]
fn a_minified_site_with_math_rebuilds_incrementally_to_the_bytes_of_a_full_build() {
    let site = slate_site("minified_incremental");
    let config_text = site
        .read("folio.yaml")
        .replace("\nmarkdown:\n", "\nminify: true\nmarkdown:\n  math: true\n");
    site.write("folio.yaml", &config_text);
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    assert!(config.site.minify && config.site.markdown.math);
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    site.write(
        "content/posts/post-3.md",
        "---\ntitle: Post 3\ndate: 2024-03-01\nstack: [Rust, Go]\n---\nNow $a^2 + b^2$, and\n\n$$\n\\frac{1}{2}\n$$\n\n> [!TIP]\n> Code:\n\n```rust\nfn  main() {}\n```\n",
    );
    let rebuild = session
        .apply(&edited(&[site.root.join("content/posts/post-3.md")]))
        .unwrap();
    assert!(!rebuild.full);
    assert!(
        site.read("public/posts/post-3/index.html")
            .contains("<mfrac>")
    );
    assert_same_as_full(&site, "math, a callout and code, minified");
}

#[test]
fn a_page_that_asks_for_another_by_name_is_rendered_again_when_that_one_changes() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond words.\n",
    );
    site.write(
        "content/posts/third.md",
        "---\ntitle: Third\ndate: 2024-07-01\ntemplate: quote.html\n---\nThird words.\n",
    );
    site.write(
        "templates/quote.html",
        "{% set other = get_page(path=\"posts/second.md\") %}{{ page.title }} quotes: {{ other.content | safe }}",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    assert_eq!(
        site.read("public/posts/third/index.html"),
        "Third quotes: <p>Second words.</p>\n"
    );
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\ndate: 2024-06-01\n---\nSecond words, changed.\n",
    );
    session
        .apply(&edited(&[site.root.join("content/posts/second.md")]))
        .unwrap();
    assert_eq!(
        site.read("public/posts/third/index.html"),
        "Third quotes: <p>Second words, changed.</p>\n"
    );
    assert_same_as_full(&site, "edit a page another quotes");
}

#[test]
fn an_edit_that_brings_the_first_highlighted_code_writes_the_palette() {
    let site = Fixture::new("minimal");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    assert!(site.read("public/highlight.css").starts_with("/* No code"));
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\ndate: 2024-05-01\ndescription: The first post\ntags: [Rust]\n---\n## Details\n\n```rust\nfn main() {}\n```\n",
    );
    let rebuild = session
        .apply(&edited(&[site.root.join("content/posts/first.md")]))
        .unwrap();
    assert!(!rebuild.full, "a body edit rebuilt everything");
    assert!(site.read("public/highlight.css").contains(".hl-d-code"));
    assert_same_as_full(&site, "first highlighted code");
}

#[test]
fn a_body_edit_reports_the_warnings_of_the_edited_page() {
    let site = Fixture::new("minimal");
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, report) = Session::start(config, BuildOptions::default()).unwrap();
    assert!(report.warnings.is_empty());
    let first = site.read("content/posts/first.md");
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "Intro text. {% include note.html %}"),
    );
    let rebuild = session
        .apply(&edited(&[site.root.join("content/posts/first.md")]))
        .unwrap();
    assert!(!rebuild.full);
    let warnings: Vec<String> = rebuild
        .report
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("warning: content/posts/first.md:"),
        "{warnings:?}"
    );
}

/// A small pseudo-random generator (xorshift), so that a failing run of
/// the random-edit test can be replayed from the seed it prints.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        use std::hash::{BuildHasher, Hasher};
        let seed = std::env::var("FOLIO_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::collections::hash_map::RandomState::new()
                    .build_hasher()
                    .finish()
            })
            | 1;
        Dice(seed)
    }

    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }
}

/// One post of the random-edit site: its number, and what it holds now.
fn post_text(n: usize, version: usize, broken: bool) -> String {
    let date = if broken {
        "soon".to_string()
    } else {
        format!("2024-{:02}-{:02}", 1 + n % 12, 1 + version % 28)
    };
    let tags = ["Rust", "Go", "Kafka"][version % 3];
    let words = "More words here. ".repeat(1 + version % 4);
    format!(
        "---\ntitle: Post {n} v{}\ndate: {date}\nstack: [{tags}]\n---\nPost {n}. {words}\n\n{{{{ badge(text=\"n{n}\") }}}}\n\n## A heading\n",
        version % 2
    )
}

// Issue #27, point 4: a page added or deleted while another file was
// broken stayed missing or served until that file itself was touched.
// Random edits of every kind, broken files among them, each followed by
// the rebuild `serve` does: after every one that succeeds, the output is
// byte for byte a full build's; after one that fails, it is the last
// good site.
//
// Issue #26: every kind of edit is incremental (bodies, front matter,
// pages added and removed, shortcodes, theme templates, stylesheets, data,
// `folio.yaml`), with the options of a build and with serve's.
#[test]
fn random_edits_with_broken_files_rebuild_to_the_bytes_of_a_full_build() {
    let mut dice = Dice::new();
    eprintln!("random edits with FOLIO_SEED={}", dice.0);
    random_edits("random_edits", &BuildOptions::default(), &mut dice);
}

#[test]
fn random_edits_under_serve_s_options_rebuild_to_the_bytes_of_a_full_build() {
    let options = BuildOptions {
        include_drafts: true,
        include_future: true,
        inject: Some("<script>reload</script>".to_string()),
        stable_assets: true,
        ..BuildOptions::default()
    };
    let mut dice = Dice::new();
    eprintln!("random edits with FOLIO_SEED={}", dice.0);
    random_edits("random_edits_serve", &options, &mut dice);
}

// Issue #22: on a site in two languages, translations written, edited and
// removed among the other edits (a page's translation changes its
// siblings' switcher, a section's changes where French links lead).
#[test]
fn random_edits_of_translations_rebuild_to_the_bytes_of_a_full_build() {
    let options = BuildOptions {
        inject: Some("<script>reload</script>".to_string()),
        stable_assets: true,
        ..BuildOptions::default()
    };
    let mut dice = Dice::new();
    eprintln!("random edits with FOLIO_SEED={}", dice.0);
    random_edits("random_edits_languages", &options, &mut dice);
}

// Issue #22: a string of `i18n/` edited under `serve` shows on every page
// of its language, as a full build shows it.
#[test]
fn an_edited_string_rebuilds_to_the_bytes_of_a_full_build() {
    use folio::serve::Rebuilder;
    use folio::watch::Seen;
    let site = Fixture::new("multilingual");
    let options = BuildOptions::default();
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut rebuilder, first) = Rebuilder::start(
        &site.root,
        Overrides::default(),
        options.clone(),
        false,
        config,
    );
    first.unwrap();
    site.write("i18n/fr.yaml", "languages_label: Les langues\n");
    let outcome = rebuilder
        .rebuild(vec![Seen::Path(site.root.join("i18n/fr.yaml"))])
        .unwrap();
    outcome.result.unwrap();
    assert!(
        site.read("public/fr/index.html")
            .contains("aria-label=\"Les langues\"")
    );
    assert_same_as_built(&site, "edit i18n/fr.yaml", &options);
}

/// A French post: its original's number, and what it holds now. It links
/// to the posts' section, which is French when `_index.fr.md` exists.
fn translation_text(n: usize, version: usize) -> String {
    format!(
        "---\ntitle: Billet {n} v{version}\ndate: 2024-02-{:02}\nstack: [Rouille]\n---\nBillet {n}, vers les [billets](@/posts/_index.md).\n",
        1 + version % 28
    )
}

fn random_edits(name: &str, options: &BuildOptions, dice: &mut Dice) {
    use folio::serve::Rebuilder;
    use folio::watch::Seen;
    let site = slate_site(name);
    let multilingual = name.ends_with("languages");
    if multilingual {
        let yaml = site.read("folio.yaml");
        site.write(
            "folio.yaml",
            &format!("{yaml}\nlanguages:\n  fr:\n    title: Le site\n"),
        );
    }
    let mut translated: Vec<usize> = Vec::new();
    site.write("sass/_colors.scss", "$accent: #0000;\n");
    site.write(
        "sass/more.scss",
        "@use \"colors\";\na { color: colors.$accent; }\n",
    );
    site.write(
        "templates/shortcodes/badge.html",
        "<aside class=\"badge\">{{ text }}</aside>",
    );
    let edits: usize = std::env::var("FOLIO_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let mut posts: Vec<usize> = Vec::new();
    let mut next_post = 100;
    for _ in 0..4 {
        site.write(
            &format!("content/posts/p{next_post}.md"),
            &post_text(next_post, 0, false),
        );
        posts.push(next_post);
        next_post += 1;
    }
    let mut broken: Vec<usize> = Vec::new();
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut rebuilder, first) = Rebuilder::start(
        &site.root,
        Overrides::default(),
        options.clone(),
        false,
        config,
    );
    first.unwrap();
    let mut last_good = site.tree("public");
    for step in 0..edits {
        let post_path = |n: usize| site.root.join(format!("content/posts/p{n}.md"));
        let fr_path = |n: usize| site.root.join(format!("content/posts/p{n}.fr.md"));
        let kind = if multilingual && dice.below(3) == 0 {
            10 + dice.below(3)
        } else {
            dice.below(10)
        };
        let (what, changed): (String, Vec<std::path::PathBuf>) = match kind {
            10 | 11 => {
                let n = posts[dice.below(posts.len())];
                let version = dice.below(100);
                site.write(
                    &format!("content/posts/p{n}.fr.md"),
                    &translation_text(n, version),
                );
                if !translated.contains(&n) {
                    translated.push(n);
                }
                (format!("translate p{n}"), vec![fr_path(n)])
            }
            12 if !translated.is_empty() && dice.below(2) == 0 => {
                let n = translated.remove(dice.below(translated.len()));
                std::fs::remove_file(fr_path(n)).unwrap();
                (format!("delete p{n}.fr"), vec![fr_path(n)])
            }
            12 => {
                let path = site.root.join("content/posts/_index.fr.md");
                if path.exists() {
                    std::fs::remove_file(&path).unwrap();
                } else {
                    site.write(
                        "content/posts/_index.fr.md",
                        "---\ntitle: Billets\nsort_by: date\n---\nTous.\n",
                    );
                }
                ("add or delete posts/_index.fr.md".to_string(), vec![path])
            }
            0 | 1 => {
                let n = posts[dice.below(posts.len())];
                let version = dice.below(100);
                site.write(
                    &format!("content/posts/p{n}.md"),
                    &post_text(n, version, broken.contains(&n)),
                );
                (format!("edit p{n}"), vec![post_path(n)])
            }
            2 => {
                let n = next_post;
                next_post += 1;
                posts.push(n);
                site.write(&format!("content/posts/p{n}.md"), &post_text(n, 1, false));
                (format!("add p{n}"), vec![post_path(n)])
            }
            3 if posts.len() > 2 => {
                let n = posts.remove(dice.below(posts.len()));
                broken.retain(|b| *b != n);
                std::fs::remove_file(post_path(n)).unwrap();
                (format!("delete p{n}"), vec![post_path(n)])
            }
            4 => {
                let n = posts[dice.below(posts.len())];
                if !broken.contains(&n) {
                    broken.push(n);
                }
                site.write(&format!("content/posts/p{n}.md"), &post_text(n, 3, true));
                (format!("break p{n}"), vec![post_path(n)])
            }
            5 if !broken.is_empty() => {
                let n = broken.remove(dice.below(broken.len()));
                site.write(&format!("content/posts/p{n}.md"), &post_text(n, 5, false));
                (format!("fix p{n}"), vec![post_path(n)])
            }
            6 if dice.below(2) == 0 => {
                let version = dice.below(5);
                let template = [
                    "themes/slate/templates/base.html",
                    "themes/slate/templates/pager.html",
                ][dice.below(2)];
                let text = site.read(template);
                let text = text.split("{# edit").next().unwrap_or_default().to_string();
                site.write(
                    template,
                    &format!("{text}{{# edit {version} #}}<!-- v{version} -->"),
                );
                (
                    "edit a theme template".to_string(),
                    vec![site.root.join(template)],
                )
            }
            6 => {
                let version = dice.below(5);
                site.write(
                    "templates/shortcodes/badge.html",
                    &format!("<aside class=\"badge v{version}\">{{{{ text }}}}</aside>"),
                );
                (
                    "edit a shortcode".to_string(),
                    vec![site.root.join("templates/shortcodes/badge.html")],
                )
            }
            7 => {
                let version = dice.below(5);
                site.write(
                    "static/extra.css",
                    &format!("body {{ margin: {version}px }}\n"),
                );
                (
                    "edit a stylesheet".to_string(),
                    vec![site.root.join("static/extra.css")],
                )
            }
            8 if dice.below(3) == 0 => {
                let version = dice.below(5);
                site.write(
                    "sass/_colors.scss",
                    &format!("$accent: #00{version}{version}{version}{version};\n"),
                );
                (
                    "edit a Sass partial".to_string(),
                    vec![site.root.join("sass/_colors.scss")],
                )
            }
            8 => {
                let version = dice.below(5);
                site.write(
                    "content/stack.yaml",
                    &format!("- name: Rust\n  note: v{version}\n"),
                );
                (
                    "edit a data file".to_string(),
                    vec![site.root.join("content/stack.yaml")],
                )
            }
            _ => {
                let yaml = site.read("folio.yaml");
                let title = yaml.lines().find(|l| l.starts_with("title:")).unwrap();
                site.write(
                    "folio.yaml",
                    &yaml.replace(title, &format!("title: Site {}", dice.below(5))),
                );
                (
                    "edit folio.yaml".to_string(),
                    vec![site.root.join("folio.yaml")],
                )
            }
        };
        let batch = changed.into_iter().map(Seen::Path).collect();
        let Some(outcome) = rebuilder.rebuild(batch) else {
            continue;
        };
        let step = format!("step {step}: {what} (broken: {broken:?})");
        if broken.is_empty() {
            if let Err(errors) = outcome.result {
                panic!("{step}: {errors:?}");
            }
            assert_same_as_built(&site, &step, options);
            last_good = site.tree("public");
        } else {
            assert!(outcome.result.is_err(), "{step}: a broken page built");
            assert!(
                site.tree("public") == last_good,
                "{step}: the last good site changed"
            );
        }
    }
    let mut last = None;
    for n in std::mem::take(&mut broken) {
        site.write(&format!("content/posts/p{n}.md"), &post_text(n, 7, false));
        last = rebuilder.rebuild(vec![Seen::Path(
            site.root.join(format!("content/posts/p{n}.md")),
        )]);
    }
    if let Some(outcome) = last {
        outcome.result.unwrap();
    }
    assert_same_as_built(&site, "every broken page fixed", options);
}

#[test]
fn a_link_under_the_base_path_follows_a_page_that_comes_and_goes() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://me.github.io/blog/\ntaxonomies:\n  - name: tags\n",
    );
    site.write("content/blog/_index.md", "---\ntitle: Blog\n---\n");
    site.write(
        "content/posts/links.md",
        "---\ntitle: Links\n---\n[soon](/blog/soon/)\n",
    );
    let config = config::load(&site.root, &Overrides::default()).unwrap();
    let (mut session, _) = Session::start(config, BuildOptions::default()).unwrap();
    let content = site.root.join("content");
    let page = || site.read("public/posts/links/index.html");
    assert!(page().contains("href=\"/blog/soon/\""), "{}", page());

    site.write("content/blog/soon.md", "---\ntitle: Soon\n---\nHere.\n");
    session
        .apply(&edited(&[content.join("blog/soon.md")]))
        .unwrap();
    assert!(page().contains("href=\"/blog/blog/soon/\""), "{}", page());
    assert_same_as_full(&site, "add the page a link under the base path names");

    std::fs::remove_file(content.join("blog/soon.md")).unwrap();
    session
        .apply(&edited(&[content.join("blog/soon.md")]))
        .unwrap();
    assert!(page().contains("href=\"/blog/soon/\""), "{}", page());
    assert_same_as_full(&site, "remove it again");
}
