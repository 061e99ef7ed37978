//! The user guide stays true: every `folio.yaml` and front-matter example is
//! accepted by folio, every chapter exists and every relative link resolves.

use std::path::{Path, PathBuf};

use crate::support::Fixture;

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

fn chapters() -> Vec<(String, String)> {
    let mut chapters: Vec<(String, String)> = std::fs::read_dir(docs())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    chapters.sort();
    chapters
}

/// Fenced blocks of the given language, with the chapter they are in.
fn blocks(language: &str) -> Vec<(String, String)> {
    let fence = format!("```{language}");
    let mut found = Vec::new();
    for (name, text) in chapters() {
        let mut rest = text.as_str();
        while let Some(start) = rest.find(&fence) {
            let after = &rest[start + fence.len()..];
            let Some(body_start) = after.find('\n') else {
                break;
            };
            let body = &after[body_start + 1..];
            let end = body.find("\n```").map_or(body.len(), |e| e + 1);
            found.push((name.clone(), body[..end].to_string()));
            rest = &body[end..];
        }
    }
    found
}

/// A site with templates that render anything, for trying examples.
fn scratch(name: &str, config: &str) -> Fixture {
    let site = Fixture::empty(name);
    site.write("folio.yaml", config);
    for template in [
        "index.html",
        "section.html",
        "page.html",
        "taxonomy_list.html",
        "taxonomy_term.html",
        "404.html",
    ] {
        site.write(&format!("templates/{template}"), "ok");
    }
    site
}

#[test]
fn every_config_example_in_the_guide_is_accepted() {
    let examples: Vec<(String, String)> = blocks("yaml")
        .into_iter()
        .filter(|(_, b)| b.contains("base_url:"))
        .collect();
    assert!(examples.len() >= 3, "{examples:?}");
    for (chapter, example) in examples {
        let site = scratch("docs_config", &example);
        if let Some(theme) = example.lines().find_map(|l| l.strip_prefix("theme: ")) {
            site.write(&format!("themes/{}/templates/x.html", theme.trim()), "");
        }
        let run = site.run(["build"]);
        assert_eq!(
            run.code, 0,
            "{chapter}: this example is refused:\n{example}\n{}",
            run.stderr
        );
    }
}

#[test]
fn every_front_matter_example_in_the_guide_is_accepted() {
    let examples: Vec<(String, String)> = blocks("markdown")
        .into_iter()
        .filter(|(_, b)| b.starts_with("---\n"))
        .collect();
    assert!(examples.len() >= 3, "{examples:?}");
    let config = "title: Docs\nbase_url: https://example.com/\ntaxonomies:\n  - name: tags\n  - name: stack\n  - name: categories\n";
    for (chapter, example) in examples {
        let site = scratch("docs_front_matter", config);
        site.write("content/example.md", &example);
        let run = site.run(["build", "--drafts", "--future"]);
        assert_eq!(
            run.code, 0,
            "{chapter}: this example is refused:\n{example}\n{}",
            run.stderr
        );
    }
}

#[test]
fn every_shortcode_example_in_the_guide_builds_with_the_default_theme() {
    let examples: Vec<(String, String)> = blocks("markdown")
        .into_iter()
        .filter(|(chapter, _)| chapter == "shortcodes.md")
        .collect();
    assert!(examples.len() >= 6, "{examples:?}");
    for (n, (_, example)) in examples.iter().enumerate() {
        // No templates: the site gets the default theme and its shortcodes.
        let site = Fixture::empty("docs_shortcodes");
        site.write(
            "folio.yaml",
            "title: Docs\nbase_url: https://example.com/\n",
        );
        site.write("content/_index.md", "---\ntitle: Docs\n---\n");
        site.write(
            "content/example.md",
            &format!("---\ntitle: Example\n---\n{example}"),
        );
        let run = site.run(["build"]);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (0, ""),
            "example {n} of shortcodes.md:\n{example}"
        );
        let html = site.read("public/example/index.html");
        assert!(!html.contains("{{") && !html.contains("{%"), "{html}");
    }
}

#[test]
fn every_toml_front_matter_example_in_the_guide_is_accepted() {
    let examples: Vec<(String, String)> = blocks("toml")
        .into_iter()
        .filter(|(_, b)| b.starts_with("+++\n"))
        .collect();
    assert!(examples.len() >= 3, "{examples:?}");
    let config = "title: Docs\nbase_url: https://example.com/\ntaxonomies:\n  - name: tags\n";
    for (chapter, example) in examples {
        let site = scratch("docs_toml_front_matter", config);
        site.write("content/example.md", &example);
        let run = site.run(["build", "--drafts", "--future"]);
        assert_eq!(
            run.code, 0,
            "{chapter}: this example is refused:\n{example}\n{}",
            run.stderr
        );
    }
}

#[test]
fn every_chapter_in_the_summary_exists() {
    let summary = std::fs::read_to_string(docs().join("SUMMARY.md")).unwrap();
    let links: Vec<&str> = summary
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .collect();
    assert!(links.len() >= 9, "{links:?}");
    for link in links {
        assert!(
            docs().join(link).is_file(),
            "SUMMARY.md names {link}, which is missing"
        );
    }
    let book =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("book.toml")).unwrap();
    assert!(book.contains("src = \"docs\""));
}

#[test]
fn every_relative_link_in_the_guide_resolves() {
    let chapters = chapters();
    for (name, text) in &chapters {
        let prose = without_code(text);
        for target in prose
            .split("](")
            .skip(1)
            .filter_map(|s| s.split(')').next())
        {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with('#') && target.len() == 1
            {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() { name.as_str() } else { file };
            let path = docs().join(file);
            assert!(path.exists(), "{name}: link to {target}: no {file}");
            if !anchor.is_empty() && file.ends_with(".md") {
                let text = std::fs::read_to_string(&path).unwrap();
                let ids: Vec<String> = text
                    .lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .map(|h| slug::slugify(h.trim_start_matches('#').trim()))
                    .collect();
                assert!(
                    ids.iter().any(|id| id == anchor),
                    "{name}: link to {target}: no heading #{anchor} (have {ids:?})"
                );
            }
        }
    }
}

/// The text outside fenced code blocks and inline code, where links are links.
fn without_code(text: &str) -> String {
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            prose.extend(line.split('`').step_by(2).flat_map(|part| [part, " "]));
            prose.push('\n');
        }
    }
    prose
}

#[test]
fn every_template_example_of_the_images_chapter_builds() {
    let examples: Vec<String> = blocks("jinja")
        .into_iter()
        .filter(|(chapter, _)| chapter == "images.md")
        .map(|(_, example)| example)
        .collect();
    assert!(examples.len() >= 3, "{examples:?}");
    let photo = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    for (n, example) in examples.iter().enumerate() {
        let site = scratch(
            "docs_images",
            "title: Docs\nbase_url: https://example.com/\n",
        );
        site.write("content/trip/index.md", "---\ntitle: A trip\n---\n");
        photo
            .save(site.root.join("content/trip/harbour.jpg"))
            .unwrap();
        if example.contains("| wrap(") {
            // A card template: drawn with the default theme's fonts.
            site.write(
                "templates/card.svg",
                &format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">{example}</svg>"),
            );
            site.write(
                "templates/page.html",
                "{% set card = social_card(title=page.title) %}{{ card.url }}",
            );
            for font in ["Inter-Regular.otf", "Inter-Bold.otf"] {
                let from = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("themes/slate/fonts")
                    .join(font);
                std::fs::create_dir_all(site.root.join("fonts")).unwrap();
                std::fs::copy(from, site.root.join("fonts").join(font)).unwrap();
            }
        } else {
            site.write("templates/page.html", example);
        }
        let run = site.run(["build"]);
        // A build over a second says "building…" first: the clock, not the example.
        assert_eq!(
            (run.code, run.stderr.replace("building…\n", "").as_str()),
            (0, ""),
            "example {n} of images.md:\n{example}"
        );
        let html = site.read("public/trip/index.html");
        assert!(
            html.contains("/processed_images/") || html.contains("/cards/"),
            "{html}"
        );
    }
}
