//! Images in pages: which file an image path written in a template or in
//! Markdown names, and the `<img>` or `<picture>` folio writes for it.
//!
//! A path is read the way a page links to a file: `@/x/y.jpg` from
//! `content/`, `/img/y.jpg` from the site root (a static file, a content
//! file or a page bundle's file, where the site publishes it), and
//! `y.jpg` from the bundle of the page being rendered.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Content, Page};
use crate::images::{Format, Images, Op, Operation, Problem, Processed};
use crate::markdown::Picture;
use crate::url::{self, Reading};

use super::deps;
use super::statics::StaticFile;
use crate::url::output_path;

/// Where the image files of one build are.
#[derive(Debug, Default)]
pub struct Sources {
    content_dir: PathBuf,
    base_path: String,
    /// Every published file, by its path under the output folder.
    published: HashMap<String, PathBuf>,
    /// Each page bundle's folder, by its page's path under `content/`.
    bundles: HashMap<String, PathBuf>,
}

impl Sources {
    /// Indexes the files the site publishes as they are.
    pub fn new(
        config: &Config,
        content: &Content,
        statics: &BTreeMap<String, StaticFile>,
    ) -> Sources {
        let mut published: HashMap<String, PathBuf> = statics
            .iter()
            .map(|(path, file)| (path.clone(), file.source.clone()))
            .collect();
        for file in &content.files {
            published.insert(file.dest.clone(), file.source.clone());
        }
        let mut bundles = HashMap::new();
        for page in &content.pages {
            let Some(dir) = &page.bundle_dir else {
                continue;
            };
            let base = output_path(&page.url);
            let base = base.trim_end_matches("index.html");
            for asset in &page.assets {
                published.insert(format!("{base}{asset}"), dir.join(asset));
            }
            bundles.insert(page.relative_path.clone(), dir.clone());
        }
        Sources {
            content_dir: config.content_dir.clone(),
            base_path: config.base_path.clone(),
            published,
            bundles,
        }
    }

    /// The file `path` names, written in a template that renders the page
    /// at `page` (its path under `content/`), if any.
    pub fn find(&self, path: &str, page: Option<&str>) -> Result<PathBuf, Problem> {
        let refused = |message: String, help: &str| Problem {
            message,
            help: help.to_string(),
        };
        let written = path;
        // `./photo.jpg` is the bundle's `photo.jpg`, as a browser reads it
        // (Zola and Hugo sites write it so).
        let mut path = path;
        while let Some(rest) = path.strip_prefix("./") {
            path = rest;
        }
        if !crate::content::is_inside_site(path.trim_start_matches("@/")) {
            return Err(refused(
                format!("image `{written}` is not a path inside the site"),
                "name the image from `content/` (`@/projects/x/photo.jpg`), from the site root (`/img/photo.jpg`) or from the page bundle (`photo.jpg`)",
            ));
        }
        if let Some(inside) = path.strip_prefix("@/") {
            let file = self.content_dir.join(inside);
            return if file.is_file() {
                Ok(file)
            } else {
                Err(refused(
                    format!("image `{path}` does not exist: there is no `content/{inside}`"),
                    "check the path, which starts from `content/`",
                ))
            };
        }
        if path.starts_with('/') {
            let trimmed = path
                .strip_prefix(self.base_path.as_str())
                .unwrap_or(path)
                .trim_start_matches('/');
            return self.published.get(trimmed).cloned().ok_or_else(|| {
                refused(
                    format!("image `{path}` is not a file the site publishes"),
                    "check the path, which starts from the site root: a file of `static/`, or of `content/` where the site publishes it",
                )
            });
        }
        let Some(dir) = page.and_then(|p| self.bundles.get(p)) else {
            return Err(refused(
                format!("image `{path}` is relative, and there is no page bundle to find it in"),
                "name the image from `content/` (`@/projects/x/photo.jpg`) or from the site root (`/img/photo.jpg`)",
            ));
        };
        let file = dir.join(path);
        if file.is_file() {
            Ok(file)
        } else {
            Err(refused(
                format!(
                    "image `{written}` is not in the page bundle `{}`",
                    page.unwrap_or_default()
                ),
                "put the image beside the page's `index.md`, or fix the name",
            ))
        }
    }

    /// Every path the site publishes a file at, under the output folder.
    pub fn published_paths(&self) -> impl Iterator<Item = &str> {
        self.published.keys().map(String::as_str)
    }

    /// The file a Markdown image of `page` shows, when it is one folio
    /// knows: one of the page's bundle, or a file published at a
    /// root-relative URL. `None` leaves the image as written.
    pub fn in_markdown(&self, url: &str, page: Option<&Page>) -> Option<Result<PathBuf, Problem>> {
        if url.is_empty() || url::is_external(url) || url.starts_with(['#', '?', '@']) {
            return None;
        }
        let path = url::percent_decode(url.split(['?', '#']).next().unwrap_or(url));
        if path.starts_with('/') {
            // Read as the Markdown link is: from the site's root, or already
            // under the base path when only that names a file.
            let publishes = |p: &str| self.published.contains_key(p);
            let trimmed = match url::read_under_base_path(&path, &self.base_path, publishes) {
                Some(Reading::AsWritten) => &path[self.base_path.len() - 1..],
                _ => &path,
            }
            .trim_start_matches('/');
            return self.published.get(trimmed).cloned().map(Ok);
        }
        // `../q/x.png` is read from the page's address, as a browser (and
        // Zola, which leaves it as written) reads it.
        if path.split('/').any(|s| s == "..") {
            let page = page?;
            let joined = url::walk_dots(&format!("{}{path}", page.url));
            return Some(self.published.get(&joined).cloned().ok_or_else(|| Problem {
                message: format!(
                    "image `{path}` is not a file the site publishes: from `{}` it is `/{joined}`",
                    page.url
                ),
                help: "check the path, which starts from the page's address".to_string(),
            }));
        }
        let page = page.filter(|p| p.bundle_dir.is_some())?;
        Some(self.find(&path, Some(&page.relative_path)))
    }
}

/// How a responsive image is made: the widths of its `srcset`, the format
/// of its `<source>`, and how wide it shows.
#[derive(Debug, Clone)]
pub struct Responsive {
    /// The widths asked for; those wider than the source give way to it.
    pub widths: Vec<u32>,
    /// The `<source>` format; the `<img>` keeps the source's own.
    pub format: Format,
    /// WebP and JPEG quality.
    pub quality: u8,
    /// The `sizes` attribute.
    pub sizes: Option<String>,
}

impl Responsive {
    /// The responsive images `folio.yaml` asks Markdown for.
    pub fn of_config(config: &Config) -> Responsive {
        let images = &config.site.images;
        Responsive {
            widths: images.widths.clone(),
            format: Format::parse(&images.format).unwrap_or(Format::Webp),
            quality: images.quality,
            sizes: images.sizes.clone(),
        }
    }
}

/// The picture of the image at `source`: a `srcset` of its widths in the
/// responsive format, and an `<img>` at the widest in the source's format.
pub fn responsive(
    images: &Images,
    source: &Path,
    base_path: &str,
    how: &Responsive,
) -> Result<Picture, Problem> {
    let probe = images.probe(source)?;
    let mut widths: Vec<u32> = how
        .widths
        .iter()
        .copied()
        .filter(|&w| w < probe.width)
        .collect();
    if how.widths.iter().any(|&w| w >= probe.width) || widths.is_empty() {
        widths.push(probe.width);
    }
    widths.sort_unstable();
    widths.dedup();
    let url = |path: &str| format!("{base_path}{path}");
    let variants = |format: Format| -> Result<Vec<(String, u32, u32)>, Problem> {
        widths
            .iter()
            .map(|&width| {
                let operation = Operation {
                    op: Op::Fit,
                    width: Some(width),
                    height: None,
                    format,
                    quality: how.quality,
                };
                request(images, source, &operation).map(|p| (url(&p.path), p.width, p.height))
            })
            .collect()
    };
    let srcset = |list: &[(String, u32, u32)]| {
        list.iter()
            .map(|(u, w, _)| format!("{u} {w}w"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback_format = crate::images::plan(
        &probe,
        &Operation {
            op: Op::Fit,
            width: None,
            height: None,
            format: Format::Auto,
            quality: how.quality,
        },
    )?
    .format;
    let mut picture = Picture {
        sizes: how.sizes.clone(),
        ..Picture::default()
    };
    let widest = |list: &[(String, u32, u32)]| list.last().cloned().unwrap_or_default();
    if how.format == Format::Auto || how.format == fallback_format {
        let fallback = variants(Format::Auto)?;
        (picture.src, picture.width, picture.height) = widest(&fallback);
        picture.srcset = Some(srcset(&fallback)).filter(|_| fallback.len() > 1);
    } else {
        // Browsers that read the `<source>` never fetch the `<img>`, so the
        // fallback is made at the widest size alone.
        let sources = variants(how.format)?;
        picture.sources = vec![(how.format.mime().to_string(), srcset(&sources))];
        let operation = Operation {
            op: Op::Fit,
            width: widths.last().copied(),
            height: None,
            format: Format::Auto,
            quality: how.quality,
        };
        let fallback = request(images, source, &operation)?;
        (picture.src, picture.width, picture.height) =
            (url(&fallback.path), fallback.width, fallback.height);
    }
    Ok(picture)
}

/// Asks `images` for `operation` on `source`, noting both the file read and
/// the file made for the render under way.
pub fn request(
    images: &Images,
    source: &Path,
    operation: &Operation,
) -> Result<Processed, Problem> {
    deps::record_file(source);
    let processed = images.request(source, operation)?;
    deps::record_made(&processed.path);
    Ok(processed)
}

/// The plain `<img>` of the image at `source`: the file as it is, at its size.
pub fn sized(images: &Images, source: &Path, src: &str) -> Result<Picture, Problem> {
    deps::record_file(source);
    let probe = images.probe(source)?;
    Ok(Picture {
        src: src.to_string(),
        width: probe.width,
        height: probe.height,
        ..Picture::default()
    })
}
