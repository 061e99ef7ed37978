//! `folio import` (#24): a Zola, a Hugo and a Jekyll fixture imported and
//! compared with a blessed `expected/` tree and report; the imported sites
//! build, warn only where the report says, and show the text the source
//! generator shows (`rendered.txt`, written from what Zola, Hugo and
//! Jekyll render for these pages); a second import writes the same files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::Fixture;

const GENERATORS: [&str; 3] = ["zola", "hugo", "jekyll"];

/// Copies `tests/fixtures/import_<name>` and imports its `source/` into `new/`.
fn imported(name: &str) -> (Fixture, String) {
    let site = Fixture::new(&format!("import_{name}"));
    let run = site.run(["import", "source", "new"]).success();
    (site, run.stdout)
}

fn fixture_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("import_{name}"))
}

/// Compares a tree of the fixture with a folder of the repository, or
/// rewrites that folder with `BLESS=1`.
fn assert_tree(site: &Fixture, dir: &str, expected: &Path) {
    let actual = site.tree(dir);
    if std::env::var_os("BLESS").is_some() {
        let _ = std::fs::remove_dir_all(expected);
        for (path, text) in &actual {
            let target = expected.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
        return;
    }
    let wanted = Fixture::at(expected).tree(".");
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        wanted.keys().collect::<Vec<_>>(),
        "file lists differ; run with BLESS=1 to accept"
    );
    for (path, text) in &wanted {
        assert_eq!(
            &actual[path], text,
            "{path} differs; run with BLESS=1 to accept"
        );
    }
}

fn assert_text(actual: &str, expected: &Path) {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let wanted = std::fs::read_to_string(expected).unwrap();
    assert_eq!(
        actual,
        wanted,
        "{} differs; run with BLESS=1 to accept",
        expected.display()
    );
}

#[test]
fn each_fixture_imports_to_its_expected_site_and_report() {
    for name in GENERATORS {
        let (site, report) = imported(name);
        assert_tree(&site, "new", &fixture_dir(name).join("expected"));
        assert_text(&report, &fixture_dir(name).join("report.txt"));
    }
}

#[test]
fn an_imported_site_builds_and_warns_only_where_the_report_says() {
    for name in GENERATORS {
        let (site, _) = imported(name);
        let report = site
            .run(["import", "source", "again", "--format", "json"])
            .success();
        let report: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
        let listed: Vec<String> = report["left"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["in"] == "site")
            .map(|l| {
                format!(
                    "{}:{}",
                    l["file"].as_str().unwrap().trim_start_matches("again/"),
                    l["line"]
                )
            })
            .collect();
        let run = site.run(["build", "--root", "again"]).success();
        let warned: Vec<String> = run
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix("warning: "))
            .map(|l| {
                let mut parts = l.splitn(3, ':');
                format!("{}:{}", parts.next().unwrap(), parts.next().unwrap())
            })
            .collect();
        assert_eq!(warned, listed, "{name}: {}", run.stderr);
        site.run(["check", "--root", "again"]).success();
    }
}

/// The text of each page's body in the built site: paragraphs, code,
/// captions and links, one per line, by the page's address.
fn rendered_text(site: &Fixture) -> String {
    let public = site.tree("new/public");
    let mut pages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let prose = scraper::Selector::parse("div.prose").unwrap();
    let blocks = scraper::Selector::parse("p, pre, figcaption, a[href], summary").unwrap();
    for (path, html) in &public {
        if !path.ends_with("index.html") {
            continue;
        }
        let document = scraper::Html::parse_document(html);
        let Some(body) = document.select(&prose).next() else {
            continue;
        };
        let mut lines = Vec::new();
        for element in body.select(&blocks) {
            let text: String = element.text().collect::<String>();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            // Markup the report lists stays as written until the user
            // finishes it: its text is not the source generator's yet.
            if text.starts_with("{{<") || text.starts_with("{%") {
                continue;
            }
            let line = match element.value().name() {
                "a" => format!("a: {text} -> {}", element.value().attr("href").unwrap()),
                "pre" => format!("code: {}", text),
                tag => format!("{tag}: {text}"),
            };
            lines.push(line);
        }
        let url = format!("/{}", path.trim_end_matches("index.html"));
        pages.insert(url, lines);
    }
    let mut out = String::new();
    for (url, lines) in pages {
        out.push_str(&format!("== {url}\n"));
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_page_shows_the_text_the_source_generator_shows() {
    for name in GENERATORS {
        let (site, _) = imported(name);
        site.run(["build", "--root", "new"]).success();
        assert_text(
            &rendered_text(&site),
            &fixture_dir(name).join("rendered.txt"),
        );
    }
}

#[test]
fn importing_twice_writes_the_same_site() {
    for name in GENERATORS {
        let (site, _) = imported(name);
        site.run(["import", "source", "second"]).success();
        assert_eq!(site.tree("new"), site.tree("second"), "{name}");
        site.run(["import", "source", "new", "--force"]).success();
        assert_eq!(site.tree("new"), site.tree("second"), "{name}");
    }
}

#[test]
fn a_folder_that_holds_files_is_refused_without_force() {
    let (site, _) = imported("zola");
    let run = site.run(["import", "source", "new"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("folder is not empty"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("pass `--force`"), "{}", run.stderr);
}

#[test]
fn a_folder_of_no_known_generator_asks_for_from() {
    let site = Fixture::empty("import_unknown");
    site.write("old/index.md", "# Hi\n");
    let run = site.run(["import", "old", "new"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot tell which generator") && run.stderr.contains("--from"),
        "{}",
        run.stderr
    );
    let run = site
        .run(["import", "old", "new", "--from", "hugo"])
        .success();
    assert!(
        run.stdout.starts_with("imported a Hugo site"),
        "{}",
        run.stdout
    );
}

#[test]
fn toml_front_matter_becomes_yaml_with_yaml() {
    let site = Fixture::new("import_zola");
    site.run(["import", "source", "new", "--yaml"]).success();
    assert_eq!(
        site.read("new/content/blog/first.md"),
        "---\n# Written first.\ntitle: First note\ndate: 2024-05-01\nweight: 1\n\n\
         taxonomies:\n  tags: [rust, notes]\n\nextra:\n  mood: calm\n---\n\
         A note about **Zola**, then [the second one](@/blog/second/index.md).\n\n\
         {{ note(kind=\"tip\") }}\n\nTemplates print {{/* page.title */}} as text here.\n\n\
         ```rust\nfn main() {}\n```\n"
    );
}

#[test]
fn the_source_is_left_as_it_was() {
    for name in GENERATORS {
        let site = Fixture::new(&format!("import_{name}"));
        let before = site.tree("source");
        site.run(["import", "source", "new"]).success();
        assert_eq!(site.tree("source"), before, "{name}");
    }
}

// Issue #22: a multilingual Hugo site keeps its languages, its
// translations beside their originals, and its strings.
#[test]
fn a_hugo_site_in_two_languages_is_imported_in_both_and_builds() {
    let site = Fixture::empty("import_hugo_languages");
    site.write(
        "old/hugo.toml",
        "baseURL = \"https://ada.dev/\"\ntitle = \"Ada\"\ndefaultContentLanguage = \"en\"\n\n\
         [languages.en]\nweight = 1\n\n[languages.fr]\ntitle = \"Ada en français\"\nlanguageName = \"Français\"\nweight = 2\n\n\
         [languages.fr.params]\ndescription = \"Notes et projets.\"\n",
    );
    site.write("old/content/about.md", "---\ntitle: About\n---\nHello.\n");
    site.write(
        "old/content/about.fr.md",
        "---\ntitle: À propos\n---\nBonjour.\n",
    );
    site.write(
        "old/content/notes.de.md",
        "---\ntitle: Notizen\n---\nHallo.\n",
    );
    site.write(
        "old/i18n/fr.yaml",
        "readMore:\n  other: Lire la suite\nhome: Accueil\n",
    );
    site.write(
        "old/i18n/en.yaml",
        "- id: readMore\n  translation: Read more\n",
    );
    site.run(["import", "old", "new", "--from", "hugo"])
        .success();
    let config = site.read("new/folio.yaml");
    assert!(
        config.contains("languages:\n  fr:\n    title: Ada en français\n    extra:\n      description: Notes et projets.\n"),
        "{config}"
    );
    assert_eq!(
        site.read("new/i18n/fr.yaml"),
        "readMore: Lire la suite\nhome: Accueil\nlanguage_name: Français\n"
    );
    assert_eq!(site.read("new/i18n/en.yaml"), "readMore: Read more\n");
    assert!(site.root.join("new/content/about.fr.md").is_file());
    assert!(!site.root.join("new/content/notes.de.md").exists());
    let new = Fixture::at(&site.root.join("new"));
    new.run(["build"]).success();
    assert!(new.root.join("public/fr/about/index.html").is_file());
}

#[test]
fn a_zola_site_in_two_languages_is_imported_with_its_translations() {
    let site = Fixture::empty("import_zola_languages");
    site.write(
        "old/config.toml",
        "base_url = \"https://ada.dev\"\ntitle = \"Ada\"\ndefault_language = \"en\"\n\n\
         [translations]\nread_more = \"Read more\"\n\n[languages.fr]\ntitle = \"Ada en français\"\n\n\
         [languages.fr.translations]\nread_more = \"Lire la suite\"\n",
    );
    site.write(
        "old/content/about.md",
        "+++\ntitle = \"About\"\n+++\nHello.\n",
    );
    site.write(
        "old/content/about.fr.md",
        "+++\ntitle = \"À propos\"\n+++\nBonjour.\n",
    );
    site.run(["import", "old", "new", "--from", "zola"])
        .success();
    let config = site.read("new/folio.yaml");
    assert!(
        config.contains("languages:\n  fr:\n    title: Ada en français\n"),
        "{config}"
    );
    assert_eq!(site.read("new/i18n/fr.yaml"), "read_more: Lire la suite\n");
    assert_eq!(site.read("new/i18n/en.yaml"), "read_more: Read more\n");
    let new = Fixture::at(&site.root.join("new"));
    new.run(["build"]).success();
    assert!(new.root.join("public/fr/about/index.html").is_file());
}
