//! Code highlighting at build time: classes in the HTML, one palette
//! stylesheet, fence attributes, and warnings for what cannot be coloured.

use crate::support::Fixture;

#[test]
fn fenced_code_is_highlighted_with_classes_and_a_palette_stylesheet() {
    let site = Fixture::new("highlight_code");
    site.run(["build"]).success();
    site.assert_matches_expected();
}

#[test]
fn code_in_an_unknown_language_is_plain_with_a_warning_at_its_line() {
    let site = Fixture::new("highlight_code");
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\nIntro.\n\n```klingon\nQapla'\n```\n",
    );
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/code.md:6:1: no grammar for the language `klingon`: the block stays plain\n  \
         help: name a language folio knows (see the guide's highlighting chapter), or `text`\n"
    );
    assert_eq!(
        site.read("public/code/index.html"),
        "<p>Intro.</p>\n<pre><code class=\"language-klingon\">Qapla'\n</code></pre>\n"
    );
}

#[test]
fn a_malformed_fence_attribute_is_a_warning_at_its_line() {
    let site = Fixture::new("highlight_code");
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\n```rust,hl_lines=two\nfn f() {}\n```\n",
    );
    let run = site.run(["build"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/code.md:4:1: code block: `hl_lines` takes line numbers and ranges like `3 5-7`, found `two`\n  \
         help: write the fence like ```rust,linenos,hl_lines=3 5-7```\n"
    );
}

#[test]
fn with_highlighting_off_code_is_left_for_a_client_side_highlighter() {
    let site = Fixture::new("highlight_code");
    site.write(
        "folio.yaml",
        "title: Code\nbase_url: https://example.com/\nmarkdown:\n  highlight_code: false\n",
    );
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\n```rust,linenos\nfn f() {}\n```\n",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/code/index.html"),
        "<pre><code class=\"language-rust\">fn f() {}\n</code></pre>\n"
    );
    assert!(!site.root.join("public/highlight.css").exists());
}

#[test]
fn an_unknown_highlight_theme_is_an_error_with_the_nearest_name() {
    let site = Fixture::new("highlight_code");
    site.write(
        "folio.yaml",
        "title: Code\nbase_url: https://example.com/\nmarkdown:\n  highlight_themes:\n    light: github-ligth\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: folio.yaml:5:5: highlight theme `github-ligth` does not exist\n  help: did you mean `github-light`?\n"
    );
}

#[test]
fn a_highlight_theme_file_of_the_site_colours_the_code() {
    let site = Fixture::new("highlight_code");
    site.write(
        "folio.yaml",
        "title: Code\nbase_url: https://example.com/\nmarkdown:\n  highlight_themes:\n    light: paper\n    dark: github-dark\n",
    );
    site.write(
        "highlight/paper.json",
        r##"{"name": "paper", "type": "light", "colors": {"editor.foreground": "#111111", "editor.background": "#fefefe"},
        "tokenColors": [{"scope": "keyword, storage", "settings": {"foreground": "#8b0000"}}]}"##,
    );
    site.run(["build"]).success();
    let css = site.read("public/highlight.css");
    assert!(css.contains("\"paper\" for a light scheme"), "{css}");
    assert!(css.contains("color: #8B0000;"), "{css}");
    assert!(css.contains("background-color: #FEFEFE;"), "{css}");
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn slates_highlight_themes_pass_wcag_aa_on_their_backgrounds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/slate/highlight");
    for name in ["slate-light", "slate-dark"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let theme: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(theme["name"], name);
        let colors = &theme["colors"];
        let backgrounds = [
            colors["editor.background"].as_str().unwrap(),
            colors["editor.lineHighlightBackground"].as_str().unwrap(),
        ];
        let mut foregrounds = vec![
            colors["editor.foreground"].as_str().unwrap(),
            colors["editorLineNumber.foreground"].as_str().unwrap(),
        ];
        for rule in theme["tokenColors"].as_array().unwrap() {
            if let Some(fg) = rule["settings"]["foreground"].as_str() {
                foregrounds.push(fg);
            }
        }
        for fg in &foregrounds {
            assert_eq!(fg.len(), 7, "{name}: {fg} is not #rrggbb");
            for bg in backgrounds {
                let ratio = contrast(fg, bg);
                assert!(ratio >= 4.5, "{name}: {fg} on {bg} is {ratio:.2}:1");
            }
        }
    }
}

#[test]
fn a_second_build_takes_highlighted_code_from_the_build_cache() {
    let site = Fixture::new("highlight_code");
    site.run(["build"]).success();
    let first = site.read("public/code/index.html");
    // The cached HTML, changed where a build would not: a second build
    // that shows the change read it rather than highlighting again.
    let cache = site.root.join(".folio-cache/highlight.bin");
    let bytes = std::fs::read(&cache).unwrap();
    let marked = replace_bytes(&bytes, b"data-lang=", b"data-LANG=");
    assert_ne!(marked, bytes);
    std::fs::write(&cache, marked).unwrap();
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/code/index.html"),
        first.replace("data-lang=", "data-LANG=")
    );
    // Other themes: the cached blocks are not used, and are replaced.
    site.write(
        "folio.yaml",
        "title: Code\nbase_url: https://example.com/\nmarkdown:\n  highlight_themes:\n    dark: nord\n",
    );
    site.run(["build"]).success();
    let nord = site.read("public/code/index.html");
    assert!(nord.contains("data-lang="), "{nord}");
    let bytes = std::fs::read(&cache).unwrap();
    assert_eq!(replace_bytes(&bytes, b"data-LANG=", b"?"), bytes);
}

/// `bytes` with every `from` replaced by `to`.
fn replace_bytes(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn code_the_site_no_longer_has_leaves_the_build_cache() {
    let site = Fixture::new("highlight_code");
    site.write(
        "content/gone.md",
        "---\ntitle: Gone\n---\n```python\nprint('soon gone')\n```\n",
    );
    site.run(["build"]).success();
    let cache = site.root.join(".folio-cache/highlight.bin");
    assert!(String::from_utf8_lossy(&std::fs::read(&cache).unwrap()).contains("soon gone"));
    std::fs::remove_file(site.root.join("content/gone.md")).unwrap();
    site.run(["build"]).success();
    let kept = String::from_utf8_lossy(&std::fs::read(&cache).unwrap()).into_owned();
    assert!(!kept.contains("soon gone"), "{kept}");
    assert!(kept.contains("data-lang="), "{kept}");
}
