//! Images processed at build time (#16): the sizes and formats `image` and
//! `picture` make, Markdown images sized or made responsive, the cache in
//! `.folio-cache/`, and the errors of a broken or oversized image. The
//! images are drawn by the tests, so the fixtures hold only text.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

use crate::support::Fixture;

/// A 400×300 PNG with a gradient, so that every resize changes pixels.
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

fn put(site: &Fixture, path: &str, bytes: &[u8]) {
    std::fs::write(site.root.join(path), bytes).unwrap();
}

/// The format and size of an output file.
fn decoded(site: &Fixture, url: &str) -> (ImageFormat, u32, u32) {
    let path = site
        .root
        .join("public")
        .join(url.trim_start_matches("/sub/"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let format = image::guess_format(&bytes).unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    (format, image.width(), image.height())
}

#[test]
fn image_makes_each_operation_and_format_asked_for() {
    let site = Fixture::new("image_function");
    put(&site, "content/photo/photo.png", &photo());
    site.run(["build"]).success();
    let html = site.read("public/photo/index.html");
    let lines: Vec<&str> = html.lines().collect();
    let urls: Vec<&str> = lines[..4]
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    assert!(
        urls[0].starts_with("/sub/processed_images/photo-200x150."),
        "{html}"
    );
    assert_eq!(
        lines[..4]
            .iter()
            .map(|l| {
                let words: Vec<&str> = l.split(' ').collect();
                format!("{} {} {}", words[0], words[2], words[3])
            })
            .collect::<Vec<_>>(),
        [
            "fit 200x150 image/png",
            "fill 100x100 image/webp",
            "crop 50x40 image/jpeg",
            "scale 80x20 image/png",
        ]
    );
    assert_eq!(decoded(&site, urls[0]), (ImageFormat::Png, 200, 150));
    assert_eq!(decoded(&site, urls[1]), (ImageFormat::WebP, 100, 100));
    assert_eq!(decoded(&site, urls[2]), (ImageFormat::Jpeg, 50, 40));
    assert_eq!(decoded(&site, urls[3]), (ImageFormat::Png, 80, 20));
    let picture = lines[4];
    let attribute = |name: &str| -> Vec<&str> {
        picture
            .split(&format!(" {name}=\""))
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap())
            .collect()
    };
    let srcset = attribute("srcset");
    assert_eq!(srcset.len(), 1, "{picture}");
    let widths: Vec<(&str, &str)> = srcset[0]
        .split(", ")
        .map(|entry| entry.split_once(' ').unwrap())
        .collect();
    assert_eq!(widths[0].1, "100w");
    assert_eq!(widths[1].1, "200w");
    assert_eq!(decoded(&site, widths[0].0), (ImageFormat::WebP, 100, 75));
    assert_eq!(decoded(&site, widths[1].0), (ImageFormat::WebP, 200, 150));
    let src = attribute("src")[0];
    assert_eq!(decoded(&site, src), (ImageFormat::Png, 200, 150));
    assert_eq!(
        picture,
        format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\"><img src=\"{src}\" alt=\"A photo\" \
             width=\"200\" height=\"150\" loading=\"eager\" decoding=\"async\"></picture>",
            srcset[0]
        )
    );
}

#[test]
fn markdown_images_in_a_bundle_get_their_width_and_height() {
    let site = Fixture::new("image_markdown");
    put(&site, "content/photo/photo.png", &photo());
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/photo/index.html"),
        "<p><img src=\"photo.png\" alt=\"A photo\" title=\"Taken at noon\" width=\"400\" \
         height=\"300\" loading=\"eager\" decoding=\"async\"></p>\n\
         <p><img src=\"https://example.org/x.png\" alt=\"Elsewhere\" loading=\"lazy\" \
         decoding=\"async\" /></p>\n\n"
    );
}

#[test]
fn a_bundle_image_written_with_dot_slash_is_the_bundles_file() {
    // Zola and Hugo sites write `./photo.png` for a file beside index.md.
    let site = Fixture::new("image_markdown");
    put(&site, "content/photo/photo.png", &photo());
    site.write(
        "content/photo/index.md",
        "---\ntitle: Photo\n---\n![A photo](./photo.png)\n",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/photo/index.html"),
        "<p><img src=\"./photo.png\" alt=\"A photo\" width=\"400\" height=\"300\" \
         loading=\"eager\" decoding=\"async\"></p>\n\n"
    );
}

#[test]
fn with_responsive_images_a_markdown_image_becomes_a_picture() {
    let site = Fixture::new("image_responsive");
    put(&site, "content/photo/photo.png", &photo());
    site.run(["build"]).success();
    let html = site.read("public/photo/index.html");
    let urls: Vec<&str> = html
        .split("/sub/processed_images/")
        .skip(1)
        .map(|rest| rest.split([' ', '"']).next().unwrap())
        .collect();
    assert_eq!(urls.len(), 4, "{html}");
    let expected = format!(
        "<p><picture><source type=\"image/webp\" srcset=\"/sub/processed_images/{} 100w, \
         /sub/processed_images/{} 200w, /sub/processed_images/{} 400w\" sizes=\"(min-width: 40rem) \
         40rem, 100vw\"><img src=\"/sub/processed_images/{}\" alt=\"A photo\" width=\"400\" \
         height=\"300\" loading=\"eager\" decoding=\"async\"></picture></p>\n\n",
        urls[0], urls[1], urls[2], urls[3]
    );
    assert_eq!(html, expected);
    // 800 is wider than the photo: the photo's own width stands in.
    assert_eq!(
        decoded(&site, &format!("/sub/processed_images/{}", urls[2])),
        (ImageFormat::WebP, 400, 300)
    );
    assert_eq!(
        decoded(&site, &format!("/sub/processed_images/{}", urls[3])),
        (ImageFormat::Png, 400, 300)
    );
}

#[test]
fn a_second_build_takes_every_image_from_the_cache_and_prunes_the_unused() {
    let site = Fixture::new("image_function");
    put(&site, "content/photo/photo.png", &photo());
    site.run(["build"]).success();
    let cache = site.root.join(".folio-cache/images");
    let mut cached: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cached.sort();
    assert_eq!(cached.len(), 6, "{cached:?}");
    // Were anything processed again, its real bytes would replace these.
    for file in &cached {
        std::fs::write(file, b"from the cache").unwrap();
    }
    site.run(["build"]).success();
    for entry in std::fs::read_dir(site.root.join("public/processed_images")).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"from the cache",
            "{}",
            path.display()
        );
    }
    // A template that stops asking for a size leaves its file behind.
    let template = site
        .read("templates/page.html")
        .replace("width=100, height=100", "width=90, height=90");
    site.write("templates/page.html", &template);
    site.run(["build"]).success();
    let left = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(left, 6);
    let pruned: Vec<_> = cached.iter().filter(|f| !f.exists()).collect();
    assert_eq!(
        pruned.len(),
        1,
        "only the 100-pixel fill is pruned: {pruned:?}"
    );
    assert_eq!(pruned[0].extension().unwrap(), "webp");
}

#[test]
fn a_corrupt_image_is_an_error_at_the_template_line() {
    let site = Fixture::new("image_corrupt");
    put(&site, "content/photo/photo.png", &photo()[..60]);
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: templates/page.html:2:15: failed to render content/photo/index.md\n  \
         caused by: image `content/photo/photo.png` cannot be read: unexpected end of file\n     \
         --> page.html:2:15\n      |\n    \
         2 | {% set hero = image(path=\"photo.png\", width=200) %}<img src=\"{{ hero.url }}\">\n      \
         |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
         help: open the image in an image editor and save it again, or replace it\n"
    );
}

#[test]
fn a_missing_image_is_an_error_at_the_template_line() {
    let site = Fixture::new("image_corrupt");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "error: templates/page.html:2:15: failed to render content/photo/index.md\n  \
             caused by: image `photo.png` is not in the page bundle `photo/index.md`\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("  help: put the image beside the page's `index.md`, or fix the name\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_decompression_bomb_is_refused_at_its_markdown_line_without_decoding() {
    let site = Fixture::new("image_bomb");
    put(&site, "content/photo/bomb.png", &bomb_png(100_000, 100_000));
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/photo/index.md:6:1: image `content/photo/bomb.png` is 100000×100000 \
         pixels, more than the 100 megapixels folio decodes\n  \
         help: scale the image down before adding it to the site\n"
    );
}

#[test]
fn an_image_of_zero_pixels_is_refused() {
    let site = Fixture::new("image_bomb");
    put(&site, "content/photo/bomb.png", &bomb_png(0, 10));
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/photo/index.md:6:1: image `content/photo/bomb.png` cannot be read: its \
         header gives it no pixels\n  \
         help: open the image in an image editor and save it again, or replace it\n"
    );
}

#[test]
fn the_init_sample_post_shows_its_image_as_a_responsive_picture() {
    let site = Fixture::empty("init_sample_image");
    site.run(["init", "."]).success();
    site.run(["build"]).success();
    let post = site.read("public/posts/writing-with-folio/index.html");
    let start = post
        .find("<picture>")
        .expect("a <picture> in the sample post");
    let picture = &post[start..start + post[start..].find("</picture>").unwrap()];
    assert!(
        picture.contains("<source type=\"image/webp\" srcset=\"/processed_images/sunrise-480x270."),
        "{picture}"
    );
    assert!(
        picture.contains(" 960w, /processed_images/sunrise-1200x675."),
        "{picture}"
    );
    assert!(
        picture.contains("alt=\"A pale sun over green water and a dark shore\" width=\"1200\" height=\"675\" loading=\"eager\""),
        "{picture}"
    );
}

/// A PNG whose header claims `width` × `height` pixels and holds almost
/// nothing: 10 billion pixels would take 30 GB to decode.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunks: [(&[u8], &[u8]); 3] = [
        (b"IHDR", &header),
        (b"IDAT", &[0x78, 0x9c, 3, 0, 0, 0, 0, 1]),
        (b"IEND", &[]),
    ];
    for (kind, data) in chunks {
        bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        bytes.extend_from_slice(&chunk);
        bytes.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    bytes
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn markdown_images_resolve_up_a_folder_and_from_content() {
    // Issue #27: `../` paths as Zola reads them, and the `@/` form folio's
    // own help suggests.
    let site = Fixture::new("image_markdown");
    put(&site, "content/photo/photo.png", &photo());
    site.write(
        "content/other/index.md",
        "---\ntitle: Other\n---\n![Up](../photo/photo.png)\n\n![At](@/photo/photo.png)\n",
    );
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/other/index.html"),
        "<p><img src=\"../photo/photo.png\" alt=\"Up\" width=\"400\" height=\"300\" \
         loading=\"eager\" decoding=\"async\"></p>\n\
         <p><img src=\"/sub/photo/photo.png\" alt=\"At\" loading=\"lazy\" decoding=\"async\" /></p>\n\n"
    );
}

#[test]
fn an_at_link_in_raw_html_resolves_or_fails_at_its_line() {
    // Issue #27: `href="@/b.md"` shipped as written.
    let site = Fixture::new("image_markdown");
    put(&site, "content/photo/photo.png", &photo());
    site.write("content/other/index.md", "---\ntitle: Other\n---\n<p><a href=\"@/photo/index.md\">photo</a> <img src='@/photo/photo.png'></p>\n");
    site.run(["build"]).success();
    assert_eq!(
        site.read("public/other/index.html"),
        "<p><a href=\"/sub/photo/\">photo</a> <img src='/sub/photo/photo.png'></p>\n\n"
    );
    site.write(
        "content/other/index.md",
        "---\ntitle: Other\n---\nText.\n\n<a href=\"@/nope.md\">x</a>\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/other/index.md:6:10: link to `@/nope.md`, which does not exist\n  \
         help: link to a file under `content/`, like `@/projects/x.md`\n"
    );
}

#[test]
fn the_missing_images_of_a_page_are_one_error_listing_each_at_its_line() {
    let site = Fixture::new("image_markdown");
    put(&site, "content/photo/photo.png", &photo());
    site.write(
        "content/photo/index.md",
        "---\ntitle: Photo\n---\n![a](./gone.png)\n\n![b](photo.png)\n\n![c](../nowhere/x.png)\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/photo/index.md:4:1: 2 images of this page cannot be used\n  \
         caused by: 4:1: image `./gone.png` is not in the page bundle `photo/index.md`\n  \
         caused by: 8:1: image `../nowhere/x.png` is not a file the site publishes: from `/photo/` it is `/nowhere/x.png`\n  \
         help: put each image where its path says (beside the page's `index.md` for a bare name), or fix the path\n"
    );
}

#[test]
fn the_figure_shortcode_makes_the_picture_a_markdown_image_would() {
    // Issue #27: `figure` shipped the original file, resized nowhere.
    let site = Fixture::empty("figure_picture");
    site.run(["init", "."]).success();
    site.write(
        "content/posts/shot/index.md",
        "---\ntitle: Shot\ndate: 2024-05-01\n---\n![Markdown](photo.png)\n\n\
         {{ figure(src=\"photo.png\", alt=\"A figure\", caption=\"Its caption\") }}\n",
    );
    put(&site, "content/posts/shot/photo.png", &photo());
    site.run(["build"]).success();
    let html = site.read("public/posts/shot/index.html");
    let pictures: Vec<&str> = html
        .split("<picture>")
        .skip(1)
        .map(|rest| rest.split("</picture>").next().unwrap())
        .collect();
    assert_eq!(pictures.len(), 2, "{html}");
    assert!(
        html.contains("<figure class=\"figure\">\n<picture><source type=\"image/webp\""),
        "{html}"
    );
    // The same sources as the Markdown image's, lazy after the first.
    let sources = |p: &str| p.split(" alt=").next().unwrap().to_string();
    assert_eq!(sources(pictures[0]), sources(pictures[1]));
    assert!(pictures[1].contains("alt=\"A figure\""), "{}", pictures[1]);
    assert!(!html.contains("src=\"photo.png\""), "{html}");
}
