//! Social cards (#16): every page of a site on the default theme links a
//! 1200×630 PNG by an absolute URL under the base path, drawn the same to
//! the byte on every build, unless the page names an image of its own.

use std::collections::BTreeMap;
use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

use crate::support::Fixture;

const BASE: &str = "https://ada.github.io/portfolio/";

/// The `content` of each `<meta>` named `name` in `html`.
fn meta<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    html.split(&format!("=\"{name}\" content=\""))
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect()
}

/// Every HTML page of the output, by path.
fn pages(site: &Fixture) -> BTreeMap<String, String> {
    site.tree("public")
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect()
}

fn photo() -> Vec<u8> {
    let pixels = RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(pixels)
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

/// The social cards fixture with the photo one of its pages shows.
pub fn with_photo() -> Fixture {
    let site = Fixture::new("social_cards");
    std::fs::write(site.root.join("content/notes/photo/photo.png"), photo()).unwrap();
    site
}

#[test]
fn every_page_links_a_1200_by_630_card_under_the_base_path() {
    let site = with_photo();
    site.run(["build"]).success();
    let pages = pages(&site);
    assert_eq!(
        pages.keys().collect::<Vec<_>>(),
        [
            "404.html",
            "index.html",
            "notes/engine/index.html",
            "notes/index.html",
            "notes/photo/index.html"
        ]
    );
    for (path, html) in &pages {
        let url = meta(html, "og:image");
        assert_eq!(url.len(), 1, "{path}");
        assert_eq!(meta(html, "twitter:image"), url, "{path}");
        assert_eq!(
            meta(html, "twitter:card"),
            ["summary_large_image"],
            "{path}"
        );
        assert_eq!(meta(html, "og:image:width"), ["1200"], "{path}");
        assert_eq!(meta(html, "og:image:height"), ["630"], "{path}");
        assert_eq!(meta(html, "og:image:type"), ["image/png"], "{path}");
        assert_eq!(meta(html, "og:image:alt").len(), 1, "{path}");
        let file = url[0]
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{path}: {}", url[0]));
        let bytes = std::fs::read(site.root.join("public").join(file)).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            ImageFormat::Png,
            "{path}"
        );
        let card = image::load_from_memory(&bytes).unwrap();
        assert_eq!((card.width(), card.height()), (1200, 630), "{path}");
    }
    let engine = &pages["notes/engine/index.html"];
    assert!(meta(engine, "og:image")[0].starts_with(&format!("{BASE}cards/notes-engine.")));
    assert_eq!(
        meta(engine, "og:image:alt"),
        ["The Analytical Engine — A machine that weaves algebraic patterns."]
    );
}

#[test]
fn a_page_that_names_an_image_shows_it_cut_to_1200_by_630() {
    let site = with_photo();
    site.run(["build"]).success();
    let html = site.read("public/notes/photo/index.html");
    let url = meta(&html, "og:image")[0];
    assert!(
        url.starts_with(&format!("{BASE}processed_images/photo-1200x630.")),
        "{url}"
    );
    assert_eq!(meta(&html, "og:image:alt"), ["The engine in the museum"]);
}

#[test]
fn cards_are_the_same_bytes_on_every_build() {
    let site = with_photo();
    site.run(["build"]).success();
    let first = site.tree("public/cards");
    assert_eq!(first.len(), 4, "{:?}", first.keys());
    std::fs::remove_dir_all(site.root.join(".folio-cache")).unwrap();
    std::fs::remove_dir_all(site.root.join("public")).unwrap();
    site.run(["build"]).success();
    assert!(first == site.tree("public/cards"), "a card's bytes changed");
}

#[test]
fn a_second_build_draws_no_card() {
    let site = with_photo();
    site.run(["build"]).success();
    let cache = site.root.join(".folio-cache/cards");
    let cached: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(cached.len(), 4);
    // Were a card drawn again, its real bytes would replace these.
    for file in &cached {
        std::fs::write(file, b"from the cache").unwrap();
    }
    site.run(["build"]).success();
    for (path, bytes) in site.tree("public/cards") {
        assert_eq!(bytes, "from the cache", "{path}");
    }
}

#[test]
fn an_error_in_the_card_template_names_its_line_and_the_call() {
    let run = Fixture::new("card_template_error").run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: templates/page.html:1:15: failed to render content/hello.md\n  \
         caused by: templates/card.svg:2:12: the social card template failed: Variable \
         `subtitle` is not defined. Available variables: config, title\n     \
         --> page.html:1:15\n      |\n    \
         1 | {% set card = social_card(title=page.title) %}{{ card.url }}\n      \
         |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
         help: fix the card template at this place\n"
    );
}
