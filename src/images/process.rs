//! The pure part of image processing: what a source is (`probe`), what an
//! operation makes of it (`plan`), and the bytes of the result (`process`).
//!
//! Bytes in, bytes out: no files, no cache. A source is decoded once for
//! all the variants asked of it, turned upright by its EXIF orientation,
//! and encoded again from its pixels alone, so no metadata survives.

use std::io::Cursor;

use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};

use crate::fingerprint::fingerprint;

/// The longest side folio makes, in pixels.
pub const MAX_SIDE: u32 = crate::config::MAX_IMAGE_SIDE;

/// The most pixels a source may have: 100 megapixels. A larger header is
/// refused before anything is decoded, so a small file that claims a huge
/// image (a decompression bomb) costs nothing.
pub const MAX_SOURCE_PIXELS: u64 = 100_000_000;

/// Changes whenever the same plan would make different bytes, so cached
/// files of an older folio are not reused.
const PROCESS_VERSION: u32 = 1;

/// How an image is brought to the size asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Within `width` × `height`, keeping the aspect ratio; never larger
    /// than the source.
    Fit,
    /// Exactly `width` × `height`: scaled to cover it, the overflow cut
    /// off equally on both sides.
    Fill,
    /// `width` × `height` cut from the middle, not scaled.
    Crop,
    /// Exactly `width` × `height`; a side left out keeps the aspect ratio.
    Scale,
}

impl Op {
    /// Reads `fit`, `fill`, `crop` or `scale`.
    pub fn parse(text: &str) -> Option<Op> {
        match text {
            "fit" => Some(Op::Fit),
            "fill" => Some(Op::Fill),
            "crop" => Some(Op::Crop),
            "scale" => Some(Op::Scale),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Fit => "fit",
            Op::Fill => "fill",
            Op::Crop => "crop",
            Op::Scale => "scale",
        }
    }
}

/// The format of a processed image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// The source's own: JPEG stays JPEG, WebP stays WebP, the rest become PNG.
    Auto,
    /// Lossy WebP (with alpha when the source has it).
    Webp,
    /// JPEG; transparency is laid over white.
    Jpeg,
    /// Lossless PNG.
    Png,
}

impl Format {
    /// Reads `auto`, `webp`, `jpeg` (or `jpg`) or `png`.
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "auto" => Some(Format::Auto),
            "webp" => Some(Format::Webp),
            "jpeg" | "jpg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png | Format::Auto => "png",
        }
    }

    /// The media type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png | Format::Auto => "image/png",
        }
    }
}

/// What is asked of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// How to reach the size.
    pub op: Op,
    /// The width asked for, in pixels.
    pub width: Option<u32>,
    /// The height asked for, in pixels.
    pub height: Option<u32>,
    /// The format to write.
    pub format: Format,
    /// WebP and JPEG quality, 1 to 100.
    pub quality: u8,
}

/// A source image's kind, read from its bytes (never its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// GIF: its first frame.
    Gif,
    /// SVG: sized, never processed (it scales by itself).
    Svg,
}

impl Kind {
    fn image_format(self) -> Option<ImageFormat> {
        match self {
            Kind::Jpeg => Some(ImageFormat::Jpeg),
            Kind::Png => Some(ImageFormat::Png),
            Kind::Webp => Some(ImageFormat::WebP),
            Kind::Gif => Some(ImageFormat::Gif),
            Kind::Svg => None,
        }
    }

    /// Whether folio can process it, rather than only size it.
    pub fn is_raster(self) -> bool {
        self != Kind::Svg
    }
}

/// What a source's header says, and its content hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// Its format.
    pub kind: Kind,
    /// Its width as shown, its EXIF orientation applied.
    pub width: u32,
    /// Its height as shown.
    pub height: u32,
    /// Its EXIF orientation, 1 (upright) to 8.
    pub orientation: u8,
    /// The fingerprint of its bytes.
    pub hash: u64,
}

/// Why an image or an operation was refused: a message and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, lowercase.
    pub message: String,
    /// What the user can do.
    pub help: String,
}

impl Problem {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Reads a source's header: its format, size and orientation. Refuses
/// what is not an image folio reads, a broken header, and a size of more
/// than `MAX_SOURCE_PIXELS`, all before any pixel is decoded.
pub fn probe(bytes: &[u8]) -> Result<Probe, Problem> {
    let kind = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => Kind::Jpeg,
        Ok(imagesize::ImageType::Png) => Kind::Png,
        Ok(imagesize::ImageType::Webp) => Kind::Webp,
        Ok(imagesize::ImageType::Gif) => Kind::Gif,
        _ if looks_like_svg(bytes) => return probe_svg(bytes),
        _ => {
            return Err(Problem::new(
                "is not a JPEG, PNG, WebP or GIF image",
                "save the image as JPEG, PNG or WebP, or link to it instead of processing it",
            ));
        }
    };
    let size = imagesize::blob_size(bytes).map_err(|e| corrupt(&e))?;
    let (stored_width, stored_height) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    check_source_size(stored_width, stored_height)?;
    let mut decoder = decoder(bytes, kind)?;
    if decoder.dimensions() != (stored_width, stored_height) {
        return Err(corrupt(&"its header disagrees with itself about its size"));
    }
    let orientation = decoder
        .orientation()
        .map_or(1, image::metadata::Orientation::to_exif);
    let (width, height) = if orientation >= 5 {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    Ok(Probe {
        kind,
        width,
        height,
        orientation,
        hash: fingerprint(bytes),
    })
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    String::from_utf8_lossy(head).contains("<svg")
}

/// An SVG's size, from its `width` and `height` (or its `viewBox`).
fn probe_svg(bytes: &[u8]) -> Result<Probe, Problem> {
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|e| corrupt(&e))?;
    let size = tree.size().to_int_size();
    Ok(Probe {
        kind: Kind::Svg,
        width: size.width(),
        height: size.height(),
        orientation: 1,
        hash: fingerprint(bytes),
    })
}

fn check_source_size(width: u32, height: u32) -> Result<(), Problem> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(corrupt(&"its header gives it no pixels"));
    }
    if pixels > MAX_SOURCE_PIXELS {
        return Err(Problem::new(
            format!(
                "is {width}×{height} pixels, more than the {} megapixels folio decodes",
                MAX_SOURCE_PIXELS / 1_000_000
            ),
            "scale the image down before adding it to the site",
        ));
    }
    Ok(())
}

fn corrupt(cause: &dyn std::fmt::Display) -> Problem {
    Problem::new(
        format!("cannot be read: {cause}"),
        "open the image in an image editor and save it again, or replace it",
    )
}

/// A decoder that allocates no more than a source within limits needs.
fn decoder(bytes: &[u8], kind: Kind) -> Result<impl ImageDecoder + '_, Problem> {
    let format = kind.image_format().ok_or_else(not_processed)?;
    let mut limits = Limits::default();
    // Eight bytes a pixel: 16-bit RGBA, the widest a source decodes to.
    limits.max_alloc = Some(MAX_SOURCE_PIXELS * 8);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader.into_decoder().map_err(|e| corrupt(&e))
}

/// What an operation makes of a source: the size, the part of the source
/// it shows, and the format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// The width made.
    pub width: u32,
    /// The height made.
    pub height: u32,
    /// The part of the upright source shown: left, top, width, height.
    pub crop: [f64; 4],
    /// The format made, never `Auto`.
    pub format: Format,
    /// WebP and JPEG quality.
    pub quality: u8,
}

impl Plan {
    /// The cache key of this plan applied to the source with `hash`.
    pub fn key(&self, hash: u64) -> u64 {
        fingerprint(format!("{PROCESS_VERSION} {hash:016x} {self:?}").as_bytes())
    }
}

/// Refuses a size asked for (`width`, `height`) of zero or past `MAX_SIDE`.
pub fn check_side(name: &str, value: u32) -> Result<(), Problem> {
    if value == 0 {
        return Err(Problem::new(
            format!("`{name}` must be at least 1 pixel"),
            format!("give `{name}` a size in pixels, or leave it out"),
        ));
    }
    if value > MAX_SIDE {
        return Err(Problem::new(
            format!("`{name}` of {value} pixels is more than the {MAX_SIDE} folio makes"),
            format!("ask for a `{name}` of at most {MAX_SIDE}"),
        ));
    }
    Ok(())
}

fn not_processed() -> Problem {
    Problem::new(
        "is an SVG image, which scales by itself: folio does not process it",
        "use the SVG as it is, or save it as PNG to process it",
    )
}

/// Works out what `operation` makes of `probe`, without touching a pixel.
pub fn plan(probe: &Probe, operation: &Operation) -> Result<Plan, Problem> {
    if !probe.kind.is_raster() {
        return Err(not_processed());
    }
    for (name, value) in [("width", operation.width), ("height", operation.height)] {
        if let Some(value) = value {
            check_side(name, value)?;
        }
    }
    if !(1..=100).contains(&operation.quality) {
        return Err(Problem::new(
            format!("`quality` must be 1 to 100, found {}", operation.quality),
            "pass a quality such as 80",
        ));
    }
    let (w, h) = (f64::from(probe.width), f64::from(probe.height));
    let whole = [0.0, 0.0, w, h];
    let both = || match (operation.width, operation.height) {
        (Some(width), Some(height)) => Ok((width, height)),
        _ => Err(Problem::new(
            format!(
                "`op=\"{}\"` needs both `width` and `height`",
                operation.op.name()
            ),
            "pass both `width` and `height`, or use `op=\"fit\"`",
        )),
    };
    let (width, height, crop) = match operation.op {
        Op::Fit => {
            let scale = [
                operation.width.map(|v| f64::from(v) / w),
                operation.height.map(|v| f64::from(v) / h),
            ]
            .into_iter()
            .flatten()
            .fold(1.0_f64, f64::min);
            (scaled(w, scale), scaled(h, scale), whole)
        }
        Op::Scale => match (operation.width, operation.height) {
            (Some(width), Some(height)) => (width, height, whole),
            (Some(width), None) => (width, scaled(h, f64::from(width) / w), whole),
            (None, Some(height)) => (scaled(w, f64::from(height) / h), height, whole),
            (None, None) => (probe.width, probe.height, whole),
        },
        Op::Fill => {
            let (width, height) = both()?;
            let scale = (f64::from(width) / w).max(f64::from(height) / h);
            let (cw, ch) = (f64::from(width) / scale, f64::from(height) / scale);
            (width, height, [(w - cw) / 2.0, (h - ch) / 2.0, cw, ch])
        }
        Op::Crop => {
            let (width, height) = both()?;
            let (width, height) = (width.min(probe.width), height.min(probe.height));
            let (cw, ch) = (f64::from(width), f64::from(height));
            let left = ((w - cw) / 2.0).floor();
            let top = ((h - ch) / 2.0).floor();
            (width, height, [left, top, cw, ch])
        }
    };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Problem::new(
            format!(
                "this makes an image of {width}×{height} pixels, more than the {MAX_SIDE} on a side folio makes"
            ),
            "ask for a smaller `width` or `height`",
        ));
    }
    let format = match operation.format {
        Format::Auto => match probe.kind {
            Kind::Jpeg => Format::Jpeg,
            Kind::Webp => Format::Webp,
            Kind::Png | Kind::Gif | Kind::Svg => Format::Png,
        },
        other => other,
    };
    Ok(Plan {
        width,
        height,
        crop,
        format,
        quality: operation.quality,
    })
}

/// A side scaled by `scale`, rounded, at least one pixel.
fn scaled(side: f64, scale: f64) -> u32 {
    // At most MAX_SOURCE_PIXELS on a side times a bounded scale: it fits.
    ((side * scale).round() as u32).max(1)
}

/// Decodes `bytes` (the source `probe` read) to check that all of it can
/// be, within the limits; an SVG is not decoded.
pub fn validate(bytes: &[u8], probe: &Probe) -> Result<(), Problem> {
    if !probe.kind.is_raster() {
        return Ok(());
    }
    let decoder = decoder(bytes, probe.kind)?;
    DynamicImage::from_decoder(decoder).map_err(|e| corrupt(&e))?;
    Ok(())
}

/// Decodes `bytes` (the source `probe` read) once and makes every plan's
/// bytes, in order.
pub fn process(bytes: &[u8], probe: &Probe, plans: &[Plan]) -> Result<Vec<Vec<u8>>, Problem> {
    let decoder = decoder(bytes, probe.kind)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| corrupt(&e))?;
    if let Some(orientation) = image::metadata::Orientation::from_exif(probe.orientation) {
        image.apply_orientation(orientation);
    }
    let pixels = Pixels::of(image);
    plans.iter().map(|plan| make(&pixels, plan)).collect()
}

/// Upright 8-bit pixels, with alpha only when the source has it.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

impl Pixels {
    fn of(image: DynamicImage) -> Pixels {
        let (width, height) = (image.width(), image.height());
        let alpha = image.color().has_alpha();
        let data = if alpha {
            image.into_rgba8().into_raw()
        } else {
            image.into_rgb8().into_raw()
        };
        Pixels {
            width,
            height,
            alpha,
            data,
        }
    }

    fn pixel_type(&self) -> fir::PixelType {
        if self.alpha {
            fir::PixelType::U8x4
        } else {
            fir::PixelType::U8x3
        }
    }
}

fn make(pixels: &Pixels, plan: &Plan) -> Result<Vec<u8>, Problem> {
    let failed = |e: &dyn std::fmt::Display| {
        Problem::new(
            format!("could not be processed: {e}"),
            "report this, with the image, as a folio bug",
        )
    };
    let source = fir::images::ImageRef::new(
        pixels.width,
        pixels.height,
        &pixels.data,
        pixels.pixel_type(),
    )
    .map_err(|e| failed(&e))?;
    let mut target = fir::images::Image::new(plan.width, plan.height, pixels.pixel_type());
    let [left, top, width, height] = plan.crop;
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3))
        .crop(left, top, width, height);
    fir::Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| failed(&e))?;
    encode(target.buffer(), plan.width, plan.height, pixels.alpha, plan).map_err(|e| failed(&e))
}

fn encode(
    data: &[u8],
    width: u32,
    height: u32,
    alpha: bool,
    plan: &Plan,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match plan.format {
        Format::Webp => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(data, width, height)
            } else {
                webp::Encoder::from_rgb(data, width, height)
            };
            let bytes = encoder
                .encode_simple(false, f32::from(plan.quality))
                .map_err(|e| format!("the WebP encoder failed: {e:?}"))?;
            out.extend_from_slice(&bytes);
        }
        Format::Jpeg => {
            let flat;
            let rgb = if alpha {
                flat = over_white(data);
                &flat
            } else {
                data
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, plan.quality)
                .encode(rgb, width, height, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        Format::Png | Format::Auto => {
            let color = if alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            let encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            image::ImageEncoder::write_image(encoder, data, width, height, color)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

/// RGBA pixels laid over white, as RGB.
fn over_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [blend(p[0]), blend(p[1]), blend(p[2])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(width: u32, height: u32) -> Probe {
        Probe {
            kind: Kind::Jpeg,
            width,
            height,
            orientation: 1,
            hash: 7,
        }
    }

    fn ask(op: Op, width: Option<u32>, height: Option<u32>) -> Operation {
        Operation {
            op,
            width,
            height,
            format: Format::Auto,
            quality: 80,
        }
    }

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, y| {
                image::Rgba([(x * 7) as u8, (y * 5) as u8, 90, 128])
            }))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x * 7) as u8, (y * 5) as u8, 90])
            }))
        };
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn fit_keeps_the_aspect_ratio_and_never_enlarges() {
        let p = plan(&source(4000, 2250), &ask(Op::Fit, Some(960), None)).unwrap();
        assert_eq!((p.width, p.height), (960, 540));
        let p = plan(&source(4000, 2250), &ask(Op::Fit, Some(960), Some(200))).unwrap();
        assert_eq!((p.width, p.height), (356, 200));
        let p = plan(&source(400, 300), &ask(Op::Fit, Some(960), None)).unwrap();
        assert_eq!((p.width, p.height), (400, 300));
        assert_eq!(p.format, Format::Jpeg);
    }

    #[test]
    fn fill_covers_the_box_and_cuts_the_overflow_from_the_middle() {
        let p = plan(&source(4000, 2000), &ask(Op::Fill, Some(100), Some(100))).unwrap();
        assert_eq!((p.width, p.height), (100, 100));
        assert_eq!(p.crop, [1000.0, 0.0, 2000.0, 2000.0]);
        assert!(plan(&source(10, 10), &ask(Op::Fill, Some(5), None)).is_err());
    }

    #[test]
    fn crop_cuts_without_scaling_and_scale_stretches() {
        let p = plan(&source(400, 300), &ask(Op::Crop, Some(100), Some(500))).unwrap();
        assert_eq!((p.width, p.height), (100, 300));
        assert_eq!(p.crop, [150.0, 0.0, 100.0, 300.0]);
        let p = plan(&source(400, 300), &ask(Op::Scale, Some(800), Some(100))).unwrap();
        assert_eq!((p.width, p.height), (800, 100));
        let p = plan(&source(400, 300), &ask(Op::Scale, None, Some(600))).unwrap();
        assert_eq!((p.width, p.height), (800, 600));
    }

    #[test]
    fn a_size_of_zero_or_past_the_limit_is_refused() {
        let zero = plan(&source(400, 300), &ask(Op::Fit, Some(0), None)).unwrap_err();
        assert_eq!(zero.message, "`width` must be at least 1 pixel");
        let huge = plan(&source(400, 300), &ask(Op::Scale, None, Some(20_000))).unwrap_err();
        assert_eq!(
            huge.message,
            "`height` of 20000 pixels is more than the 10000 folio makes"
        );
        let stretched = plan(&source(100, 1), &ask(Op::Scale, None, Some(200))).unwrap_err();
        assert!(stretched.message.contains("20000×200"), "{stretched:?}");
    }

    #[test]
    fn a_plan_key_changes_with_the_source_and_the_operation() {
        let a = plan(&source(400, 300), &ask(Op::Fit, Some(200), None)).unwrap();
        let b = plan(&source(400, 300), &ask(Op::Fit, Some(100), None)).unwrap();
        assert_ne!(a.key(1), a.key(2));
        assert_ne!(a.key(1), b.key(1));
        assert_eq!(a.key(1), a.key(1));
    }

    #[test]
    fn a_png_is_probed_and_made_in_every_format_at_the_planned_size() {
        let bytes = png(64, 32, false);
        let probe = probe(&bytes).unwrap();
        assert_eq!((probe.kind, probe.width, probe.height), (Kind::Png, 64, 32));
        let formats = [Format::Webp, Format::Jpeg, Format::Png, Format::Auto];
        let plans: Vec<Plan> = formats
            .iter()
            .map(|&format| {
                let operation = Operation {
                    format,
                    ..ask(Op::Fit, Some(16), None)
                };
                plan(&probe, &operation).unwrap()
            })
            .collect();
        let made = process(&bytes, &probe, &plans).unwrap();
        for (bytes, expected) in made.iter().zip([
            ImageFormat::WebP,
            ImageFormat::Jpeg,
            ImageFormat::Png,
            ImageFormat::Png,
        ]) {
            assert_eq!(image::guess_format(bytes).unwrap(), expected);
            let decoded = image::load_from_memory(bytes).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (16, 8));
        }
    }

    #[test]
    fn transparency_survives_in_webp_and_png() {
        let bytes = png(20, 20, true);
        let probe = probe(&bytes).unwrap();
        for format in [Format::Webp, Format::Png] {
            let operation = Operation {
                format,
                ..ask(Op::Fit, None, None)
            };
            let made = process(&bytes, &probe, &[plan(&probe, &operation).unwrap()]).unwrap();
            let decoded = image::load_from_memory(&made[0]).unwrap();
            assert!(decoded.color().has_alpha(), "{format:?}");
        }
    }

    #[test]
    fn an_svg_is_sized_but_not_processed() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40"/></svg>"#;
        let probe = probe(svg).unwrap();
        assert_eq!(
            (probe.kind, probe.width, probe.height),
            (Kind::Svg, 120, 40)
        );
        let refused = plan(&probe, &ask(Op::Fit, Some(60), None)).unwrap_err();
        assert!(
            refused.message.starts_with("is an SVG image"),
            "{refused:?}"
        );
    }

    #[test]
    fn bytes_that_are_no_image_or_a_broken_one_are_refused() {
        let text = probe(b"hello, this is text").unwrap_err();
        assert_eq!(text.message, "is not a JPEG, PNG, WebP or GIF image");
        let mut cut = png(64, 32, false);
        cut.truncate(20);
        assert!(
            probe(&cut)
                .unwrap_err()
                .message
                .starts_with("cannot be read")
        );
    }

    #[test]
    fn a_header_claiming_a_huge_image_is_refused_before_decoding() {
        let bomb = bomb_png(100_000, 100_000);
        let problem = probe(&bomb).unwrap_err();
        assert_eq!(
            problem.message,
            "is 100000×100000 pixels, more than the 100 megapixels folio decodes"
        );
    }

    #[test]
    fn exif_orientation_is_applied_and_metadata_is_not_kept() {
        // Stored 40×20, left half red and right half blue; EXIF says "turn
        // 90° clockwise", so it shows 20×40, red on top.
        let stored = image::RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode(&stored, 40, 20, image::ExtendedColorType::Rgb8)
            .unwrap();
        let jpeg = with_exif_orientation(&jpeg, 6);
        let probe = probe(&jpeg).unwrap();
        assert_eq!((probe.width, probe.height, probe.orientation), (20, 40, 6));
        let operation = Operation {
            format: Format::Jpeg,
            ..ask(Op::Fit, None, None)
        };
        let made = process(&jpeg, &probe, &[plan(&probe, &operation).unwrap()]).unwrap();
        assert!(
            !made[0].windows(4).any(|w| w == b"Exif"),
            "metadata was kept"
        );
        let upright = image::load_from_memory(&made[0]).unwrap().into_rgb8();
        assert_eq!(upright.dimensions(), (20, 40));
        let top = upright.get_pixel(10, 5);
        let bottom = upright.get_pixel(10, 35);
        assert!(top[0] > 200 && top[2] < 60, "{top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "{bottom:?}");
    }

    /// `jpeg` with an EXIF segment that gives its orientation.
    fn with_exif_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xff, 0xe1]);
        out.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A PNG whose header claims `width` × `height` pixels and holds almost nothing.
    pub(crate) fn bomb_png(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [
            (&b"IHDR"[..], &ihdr[..]),
            (b"IDAT", &[0x78, 0x9c, 3, 0, 0, 0, 0, 1]),
            (b"IEND", &[]),
        ] {
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
}
