//! Social cards: the 1200×630 PNG a link to a page unfurls into on
//! LinkedIn, Slack or X, drawn at build time with resvg from an SVG
//! template (`templates/card.svg`, the site's over the theme's) and the
//! fonts in `fonts/` (the site's, then the theme's).
//!
//! Only those fonts are used, never the system's, so a card's bytes are the
//! same on every machine. Asking for a card (`Cards::request`) renders its
//! SVG text at once, which names the card's file; `Cards::finish` draws
//! the cards the cache (`.folio-cache/cards/`) lacks, in parallel. Drawing
//! (`draw`) is pure: SVG text and fonts in, PNG bytes out.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use resvg::{tiny_skia, usvg};
use skrifa::MetadataProvider;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::config::Config;
use crate::error::{Error, Errors, Location, Result};
use crate::fingerprint::fingerprint;
use crate::images::Made;
use crate::output::cache::{self, CACHE_DIR};

/// A card's width in pixels: what link previews show at full size.
pub const WIDTH: u32 = 1200;

/// A card's height in pixels.
pub const HEIGHT: u32 = 630;

/// The template a card is drawn from, looked up like every template.
pub const TEMPLATE: &str = crate::config::CARD_TEMPLATE;

/// Where cards are published, under the output folder.
pub const OUTPUT_DIR: &str = "cards";

/// The cache's folder of cards.
const CACHE_CARDS: &str = "cards";

/// Changes whenever the same SVG and fonts would draw different bytes.
const DRAW_VERSION: u32 = 1;

/// A card as a page links to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Its path under the output folder, without the base path.
    pub path: String,
}

/// The card template, its fonts, and the cards one build asked for.
pub struct Cards {
    tera: Tera,
    /// The template's file under the site root, for messages.
    template_file: PathBuf,
    fonts: Arc<usvg::fontdb::Database>,
    /// Every font file's bytes, fingerprinted together.
    fonts_print: u64,
    dir: PathBuf,
    requests: cache::Requests<Wanted>,
    made: AtomicUsize,
}

#[derive(Debug, Clone)]
struct Wanted {
    svg: Arc<str>,
    key: u64,
    origin: PathBuf,
}

impl Cards {
    /// Loads the card template and the fonts of the site and its theme;
    /// `None` when neither has a card template.
    pub fn load(config: &Config) -> Result<Option<Cards>> {
        let Some((shown, text)) = card_template(config)? else {
            return Ok(None);
        };
        let (fonts, fonts_print) = load_fonts(config)?;
        let fonts = Arc::new(fonts);
        let mut tera = Tera::new();
        tera.autoescape_on([".svg"]);
        let measure = Arc::clone(&fonts);
        tera.register_filter(
            "wrap",
            move |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
                let style = TextStyle::from_kwargs(&kwargs)?;
                let width = kwargs.must_get::<f64>("width")? as f32;
                let lines = kwargs.get::<usize>("lines")?.unwrap_or(usize::MAX);
                let wrapped = wrap(&measure, &style, text, width, lines);
                Ok(Value::from(
                    wrapped.into_iter().map(Value::from).collect::<Vec<_>>(),
                ))
            },
        );
        tera.add_raw_template(TEMPLATE, &text)
            .map_err(|e| template_error(&shown, &e))?;
        Ok(Some(Cards {
            tera,
            template_file: shown,
            fonts,
            fonts_print,
            dir: config.root.join(CACHE_DIR).join(CACHE_CARDS),
            requests: cache::Requests::default(),
            made: AtomicUsize::new(0),
        }))
    }

    /// Sets what every card sees besides its own values: `config`.
    pub fn set_global(&mut self, name: &'static str, value: Value) {
        self.tera.global_context().insert_value(name, value);
    }

    /// Renders the card of the page at URL path `page_path` (without the
    /// base path) from `values`, and asks for it to be drawn.
    pub fn request(
        &self,
        page_path: &str,
        values: &Context,
        origin: &Path,
    ) -> std::result::Result<Card, Error> {
        let svg = self
            .tera
            .render(TEMPLATE, values)
            .map_err(|e| template_error(&self.template_file, &e))?;
        if !self.fonts.faces().any(|_| true) && svg.contains("<text") {
            return Err(Error::at(
                &self.template_file,
                None,
                "the social card has text, and there is no font to write it in",
            )
            .help("add a .ttf or .otf font to `fonts/`"));
        }
        let key = fingerprint(format!("{DRAW_VERSION} {:016x} {svg}", self.fonts_print).as_bytes());
        let path = format!(
            "{OUTPUT_DIR}/{}.{:012x}.png",
            card_name(page_path),
            key >> 16
        );
        self.requests.want(
            path.clone(),
            Wanted {
                svg: svg.into(),
                key,
                origin: origin.to_path_buf(),
            },
        );
        Ok(Card { path })
    }

    /// Draws every card asked for since the last call that the cache
    /// lacks, and returns all of them, ready to copy into the output.
    pub fn finish(&self) -> std::result::Result<Vec<Made>, Errors> {
        let fresh = self.requests.fresh();
        // Pages that share a card (a section's pages of a list) draw it once.
        let mut to_draw: Vec<&Wanted> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (_, wanted) in &fresh {
            if seen.insert(wanted.key) && !self.dir.join(cache_name(wanted.key)).is_file() {
                to_draw.push(wanted);
            }
        }
        let errors: Vec<Error> = to_draw
            .par_iter()
            .filter_map(|wanted| {
                let drawn = draw(&wanted.svg, &self.fonts).map_err(|e| {
                    Error::at(&self.template_file, None, "cannot draw the social card")
                        .cause(format!("{e} (for {})", wanted.origin.display()))
                        .help("fix the SVG the card template writes")
                });
                let written =
                    drawn.and_then(|png| cache::write(&self.dir, &cache_name(wanted.key), &png));
                if written.is_ok() {
                    self.made.fetch_add(1, Ordering::Relaxed);
                }
                written.err()
            })
            .collect();
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        Ok(fresh
            .into_iter()
            .map(|(path, wanted)| Made {
                path,
                file: self.dir.join(cache_name(wanted.key)),
                origin: wanted.origin,
            })
            .collect())
    }

    /// How many cards were drawn rather than found in the cache.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// After a whole build: keeps in the cache only the cards it used.
    pub fn prune(&self) -> Result<()> {
        let keep = self.requests.names(|w| cache_name(w.key));
        cache::prune(&self.dir, &keep).map(|_| ())
    }
}

/// The card template's file under the site root and its text: the site's,
/// its theme's, or the built-in theme's when the site uses that one.
fn card_template(config: &Config) -> Result<Option<(PathBuf, String)>> {
    let file = config
        .template_dirs
        .iter()
        .map(|dir| dir.join(TEMPLATE))
        .find(|f| f.is_file());
    let Some(file) = file else {
        let builtin = crate::embedded::theme_templates()
            .find(|(name, _)| *name == TEMPLATE)
            .filter(|_| config.builtin_theme)
            .map(|(name, text)| {
                let shown = format!(
                    "(built-in theme) themes/{}/templates/{name}",
                    crate::embedded::DEFAULT_THEME
                );
                (PathBuf::from(shown), text.to_string())
            });
        return Ok(builtin);
    };
    let shown = crate::content::site_relative(config, &file);
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Error::at(&shown, None, "cannot read the social card template")
            .cause(e)
            .help("save the file as UTF-8")
    })?;
    Ok(Some((shown, text)))
}

/// Draws `svg` at 1200×630 with `fonts` alone, as PNG.
pub fn draw(
    svg: &str,
    fonts: &Arc<usvg::fontdb::Database>,
) -> std::result::Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: Arc::clone(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    // One canvas and one row buffer a thread, reused from card to card:
    // a fresh 3 MB canvas a card costs more in page faults than in drawing.
    CANVAS.with(|canvas| {
        let mut canvas = canvas.borrow_mut();
        let (pixmap, pixels) = &mut *canvas;
        let pixmap = match pixmap {
            Some(pixmap) => {
                pixmap.fill(tiny_skia::Color::TRANSPARENT);
                pixmap
            }
            None => pixmap
                .insert(tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot make the canvas")?),
        };
        resvg::render(&tree, transform, &mut pixmap.as_mut());
        encode_png(pixmap, pixels).map_err(|e| e.to_string())
    })
}

thread_local! {
    static CANVAS: std::cell::RefCell<(Option<tiny_skia::Pixmap>, Vec<u8>)> =
        const { std::cell::RefCell::new((None, Vec::new())) };
}

/// PNG with fdeflate's fastest mode and the `Up` filter: on a card (flat
/// colour and text) that is 1 ms and about 130 KB, where zlib's level 1
/// with no filter was 2.4 ms and 60 KB, and fdeflate with no filter 2 MB
/// (measured on the slate card, 2 cores). Link previews take up to 5 MB,
/// and a visitor never downloads a card, so speed wins. An opaque card
/// (the usual one) is written as it is drawn, its alpha all 255; tiny-skia
/// keeps alpha premultiplied, so a card with transparency is made straight.
fn encode_png(
    pixmap: &tiny_skia::Pixmap,
    pixels: &mut Vec<u8>,
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let data = pixmap.data();
    let opaque = data.chunks_exact(4).all(|p| p[3] == 255);
    let image = if opaque {
        data
    } else {
        pixels.clear();
        pixels.extend(data.chunks_exact(4).flat_map(|p| {
            let alpha = u16::from(p[3]);
            let straight = |c: u8| {
                (u16::from(c) * 255 + alpha / 2)
                    .checked_div(alpha)
                    .map_or(0, |v| v.min(255) as u8)
            };
            [straight(p[0]), straight(p[1]), straight(p[2]), p[3]]
        }));
        pixels.as_slice()
    };
    let mut out = Vec::with_capacity(160 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::FdeflateUltraFast);
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(image)?;
    writer.finish()?;
    Ok(out)
}

/// Loads the `.ttf` and `.otf` files of the site's `fonts/`, then the
/// theme's (the built-in theme's when the site uses it), in name order;
/// returns them with one fingerprint of their bytes.
fn load_fonts(config: &Config) -> Result<(usvg::fontdb::Database, u64)> {
    let mut dirs = vec![config.root.join("fonts")];
    if let Some(theme) = &config.theme_dir {
        dirs.push(theme.join("fonts"));
    }
    let mut fonts = usvg::fontdb::Database::new();
    let mut prints = String::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf"))
            })
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).map_err(|e| {
                Error::at(
                    crate::content::site_relative(config, &file),
                    None,
                    "cannot read the font",
                )
                .cause(e)
            })?;
            prints.push_str(&format!("{:016x}", fingerprint(&bytes)));
            fonts.load_font_data(bytes);
        }
    }
    if config.builtin_theme {
        for (path, bytes) in crate::embedded::THEME {
            if path.starts_with("fonts/") && (path.ends_with(".ttf") || path.ends_with(".otf")) {
                prints.push_str(&format!("{:016x}", fingerprint(bytes)));
                fonts.load_font_data(bytes.to_vec());
            }
        }
    }
    Ok((fonts, fingerprint(prints.as_bytes())))
}

/// `/projects/x/` → `projects-x`; the home page is `index`.
fn card_name(page_path: &str) -> String {
    let name = page_path
        .trim_matches('/')
        .trim_end_matches(".html")
        .split('/')
        .map(slug::slugify)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if name.is_empty() {
        "index".to_string()
    } else {
        name
    }
}

fn cache_name(key: u64) -> String {
    format!("{key:016x}.png")
}

/// A Tera error of the card template, at its line.
fn template_error(file: &Path, e: &tera::Error) -> Error {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let location = Location {
                line: span.start_line,
                column: span.start_col + 1,
            };
            Error::at(file, Some(location), "the social card template failed")
                .cause(r.message())
                .help("fix the card template at this place")
        }
        _ => Error::at(file, None, "the social card template failed")
            .cause(e)
            .help("fix the card template"),
    }
}

/// How the `wrap` filter measures text: the font and its size.
struct TextStyle {
    family: Option<String>,
    weight: u16,
    size: f32,
}

impl TextStyle {
    fn from_kwargs(kwargs: &Kwargs) -> TeraResult<TextStyle> {
        Ok(TextStyle {
            family: kwargs.get::<&str>("family")?.map(str::to_string),
            weight: kwargs.get::<u16>("weight")?.unwrap_or(400),
            size: kwargs.must_get::<f64>("size")? as f32,
        })
    }
}

/// Breaks `text` into lines no wider than `width` at `style`, at spaces
/// (inside a word only when the word alone is too wide). Past `max_lines`
/// the last line ends in `…`.
fn wrap(
    fonts: &usvg::fontdb::Database,
    style: &TextStyle,
    text: &str,
    width: f32,
    max_lines: usize,
) -> Vec<String> {
    let measure = |s: &str| measure(fonts, style, s);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&joined) <= width {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a line is cut where it must be.
        for c in word.chars() {
            line.push(c);
            if measure(&line) > width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines && max_lines > 0 {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            loop {
                let shortened = format!("{}…", last.trim_end_matches([' ', ',', '.', ';', ':']));
                if measure(&shortened) <= width || last.is_empty() {
                    *last = shortened;
                    break;
                }
                match last.rfind(' ') {
                    Some(i) => last.truncate(i),
                    None => {
                        last.pop();
                    }
                }
            }
        }
    }
    lines
}

/// The width of `text` at `style`: the sum of its glyphs' advances.
fn measure(fonts: &usvg::fontdb::Database, style: &TextStyle, text: &str) -> f32 {
    let family = style
        .family
        .as_deref()
        .map_or(usvg::fontdb::Family::SansSerif, usvg::fontdb::Family::Name);
    let query = usvg::fontdb::Query {
        families: &[family],
        weight: usvg::fontdb::Weight(style.weight),
        ..usvg::fontdb::Query::default()
    };
    let id = fonts
        .query(&query)
        .or_else(|| fonts.faces().next().map(|f| f.id));
    let Some(id) = id else {
        // No font: guess half the size a character, so text still wraps.
        return text.chars().count() as f32 * style.size * 0.5;
    };
    fonts
        .with_face_data(id, |data, index| {
            let font = skrifa::FontRef::from_index(data, index).ok()?;
            let charmap = font.charmap();
            let metrics = font.glyph_metrics(
                skrifa::instance::Size::new(style.size),
                skrifa::instance::LocationRef::default(),
            );
            Some(
                text.chars()
                    .map(|c| {
                        let glyph = charmap.map(c).unwrap_or_default();
                        metrics.advance_width(glyph).unwrap_or(style.size * 0.5)
                    })
                    .sum(),
            )
        })
        .flatten()
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_names_come_from_the_page_path() {
        assert_eq!(card_name("/"), "index");
        assert_eq!(
            card_name("/projects/webhook-delivery/"),
            "projects-webhook-delivery"
        );
        assert_eq!(card_name("/404.html"), "404");
    }

    #[test]
    fn text_wraps_at_spaces_and_ends_in_an_ellipsis_past_its_lines() {
        let fonts = usvg::fontdb::Database::new();
        // Without fonts each character is half the size wide: 5 px here,
        // so a line of 45 px holds nine.
        let style = TextStyle {
            family: None,
            weight: 400,
            size: 10.0,
        };
        assert_eq!(
            wrap(&fonts, &style, "one two three four", 45.0, 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(
            wrap(&fonts, &style, "one two three four", 45.0, 2),
            vec!["one two", "three…"]
        );
        assert_eq!(
            wrap(&fonts, &style, "abcdefghijklmn", 45.0, 9),
            vec!["abcdefghi", "jklmn"]
        );
    }

    #[test]
    fn a_card_is_drawn_at_1200_by_630_and_the_same_twice() {
        let fonts = Arc::new(usvg::fontdb::Database::new());
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315"><rect width="600" height="315" fill="#f7f8fa"/><circle cx="300" cy="150" r="80" fill="#2563eb"/></svg>"##;
        let png = draw(svg, &fonts).unwrap();
        assert_eq!(png, draw(svg, &fonts).unwrap());
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
        assert_eq!(
            image.to_rgba8().get_pixel(600, 300).0,
            [0x25, 0x63, 0xeb, 255]
        );
        assert!(draw("<svg", &fonts).is_err());
    }
}
