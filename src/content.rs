//! Loads `content/` into a tree of sections and pages, plus its data files.
//!
//! Reads files and front matter only: Markdown stays unrendered here, and
//! nothing in this module knows about templates or the output directory.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use rayon::prelude::*;
use serde_json::Value as Json;
use walkdir::WalkDir;

use crate::config::{Config, parse_yaml};
use crate::error::{Error, Errors, Location, Result};
use crate::fingerprint::fingerprint;

mod date;
mod front_matter;

pub use crate::url::{is_inside_site, slugify};

use crate::config::is_language_tag;
pub use date::{Date, DateError, parse_date, split_date_prefix};
pub use front_matter::{
    Format as FrontMatterFormat, FrontMatter, SortBy, Split, Unclosed, Undeclared,
    split_front_matter, toml_value,
};

use front_matter::{parse_front_matter, undeclared_taxonomy};

/// Everything `content/` holds, with drafts and future pages already left out.
#[derive(Debug, Default)]
pub struct Content {
    /// Every published page; `Section::pages` index into this.
    pub pages: Vec<Page>,
    /// Every section; the first is the home page.
    pub sections: Vec<Section>,
    /// The YAML data tree: `content/home/stats.yaml` is `data.home.stats`.
    pub data: Json,
    /// Files other than Markdown and YAML, copied as they are.
    pub files: Vec<ContentFile>,
    /// How many drafts and future pages were left out.
    pub left_out: usize,
    /// The date, in seconds since the epoch, of the first page left out
    /// for being dated in the future.
    pub next_publish: Option<i64>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Error>,
    /// Sections by language and folder, to place a page read again.
    by_dir: ByDir,
}

/// A Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The source file, relative to `content/`, with `/` separators: `projects/x.md`.
    pub relative_path: String,
    /// The source file, relative to the site root, for messages.
    pub source: PathBuf,
    /// Front matter, typed. The body is not kept: `read_body` reads it when
    /// it is rendered, so a site's text is never in memory whole.
    pub meta: FrontMatter,
    /// The last URL segment.
    pub slug: String,
    /// The URL path without the base path: `/projects/x/`.
    pub url: String,
    /// The section the page belongs to (index into `Content::sections`).
    pub section: usize,
    /// Files of a page bundle, relative to the bundle folder.
    pub assets: Vec<String>,
    /// The bundle folder, for a page bundle.
    pub bundle_dir: Option<PathBuf>,
    /// A hash of the front matter's text, to tell a body edit from any other.
    pub front_matter_hash: u64,
    /// Its language, by index into `Config::languages` (0, the default,
    /// unless its name says another: `about.fr.md`).
    pub lang: usize,
    /// Every version of the page (itself included), by language, when
    /// the site has more than one; empty otherwise.
    pub translations: Vec<usize>,
}

/// A section: a folder with an `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    /// `projects/_index.md`; the home page is `_index.md`.
    pub relative_path: String,
    /// The source file relative to the site root, for messages.
    pub source: PathBuf,
    /// Front matter, typed.
    pub meta: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// The file's line on which `body` starts.
    pub body_line: usize,
    /// The URL path without the base path: `/projects/`.
    pub url: String,
    /// The parent section, none for the home page.
    pub parent: Option<usize>,
    /// Pages, in the section's sort order.
    pub pages: Vec<usize>,
    /// Child sections, by weight then path.
    pub subsections: Vec<usize>,
    /// The YAML files of the section's own folder, by stem.
    pub data: Json,
    /// Whether a real `_index.md` exists (the home page may be implied).
    pub exists: bool,
    /// Its language, by index into `Config::languages`.
    pub lang: usize,
    /// Every version of the section (itself included), by language, when
    /// the site has more than one; empty otherwise.
    pub translations: Vec<usize>,
}

/// A file under `content/` that is neither Markdown nor YAML.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Where it is.
    pub source: PathBuf,
    /// Where it goes, relative to the output folder, with `/` separators.
    pub dest: String,
}

/// What to leave out while loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep `draft: true` pages.
    pub include_drafts: bool,
    /// Keep pages dated after now.
    pub include_future: bool,
    /// "Now", in seconds since the epoch, for the future check.
    pub now: i64,
}

/// Loads the whole of `content/`, collecting every problem it can find.
pub fn load(config: &Config, options: &LoadOptions) -> std::result::Result<Content, Errors> {
    load_reusing(config, options, None)
}

/// What the loads of a session read: each Markdown file's front matter,
/// parsed, taken again by the next load while the file is unchanged; and
/// the files the last walk found, walked again only when the watcher saw
/// a file come or go.
#[derive(Default)]
pub struct Reads(Mutex<HashMap<PathBuf, Read>>, Mutex<Option<Entries>>);

struct Read {
    /// The file's length and modification time when it was read.
    stamp: (u64, SystemTime),
    parsed: Parsed,
}

impl Reads {
    /// `entry` parsed: as the last load left it when the file has the same
    /// length and time and is not among `edited` (files and folders the
    /// watcher saw change), else read again.
    fn parse(&self, config: &Config, entry: &Entry, edited: &[PathBuf]) -> Result<Parsed> {
        let fresh = entry.named_in(edited);
        let stamp = std::fs::metadata(&entry.path)
            .and_then(|m| Ok((m.len(), m.modified()?)))
            .ok();
        if let Some(stamp) = stamp.filter(|_| !fresh) {
            let reads = self.0.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(read) = reads.get(&entry.path)
                && read.stamp == stamp
                && read.parsed.file.bundle_assets == entry.bundle_assets
            {
                return Ok(read.parsed.clone());
            }
        }
        let parsed = parse_file(config, entry)?;
        if let Some(stamp) = stamp {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
                entry.path.clone(),
                Read {
                    stamp,
                    parsed: parsed.clone(),
                },
            );
        }
        Ok(parsed)
    }

    /// The files of the last walk when every path the watcher saw change
    /// is a file that walk found and that is still there: no file came or
    /// went. `None` when there was no such walk, or nothing was seen.
    fn walked(&self, edited: &[PathBuf]) -> Option<Entries> {
        if edited.is_empty() {
            return None;
        }
        let walked = self.1.lock().unwrap_or_else(|p| p.into_inner());
        let entries = walked.as_ref()?;
        let known = |path: &Path| {
            entries.markdown.iter().any(|e| e.path == path)
                || entries.yaml.iter().any(|(_, p)| p == path)
                || entries.files.iter().any(|f| f.source == path)
        };
        edited
            .iter()
            .all(|path| known(path) && std::fs::metadata(path).is_ok_and(|m| m.is_file()))
            .then(|| entries.clone())
    }

    /// The last walk's Markdown entries of the files the watcher named,
    /// when it named Markdown files alone, each one that walk found and
    /// that is still there. `None` otherwise.
    fn markdown_entries(&self, edited: &[PathBuf]) -> Option<Vec<Entry>> {
        let walked = self.1.lock().unwrap_or_else(|p| p.into_inner());
        let entries = walked.as_ref()?;
        if edited.is_empty() {
            return None;
        }
        edited
            .iter()
            .map(|path| {
                let entry = entries.markdown.iter().find(|e| e.path == *path)?;
                std::fs::metadata(path)
                    .is_ok_and(|m| m.is_file())
                    .then(|| entry.clone())
            })
            .collect()
    }

    /// Every entry parsed when the walk was not made again: the files the
    /// watcher named are read again, the others taken as the last load
    /// left them, under one lock.
    fn parse_named(
        &self,
        config: &Config,
        entries: &[Entry],
        edited: &[PathBuf],
    ) -> Vec<Result<Parsed>> {
        let kept: Vec<Option<Parsed>> = {
            let reads = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let reads = &*reads;
            entries
                .par_iter()
                .map(|entry| {
                    (!entry.named_in(edited))
                        .then(|| reads.get(&entry.path).map(|read| read.parsed.clone()))
                        .flatten()
                })
                .collect()
        };
        entries
            .iter()
            .zip(kept)
            .map(|(entry, kept)| match kept {
                Some(parsed) => Ok(parsed),
                None => self.parse(config, entry, edited),
            })
            .collect()
    }

    /// Keeps the files a walk found, for the next load.
    fn keep_walk(&self, entries: Option<Entries>) {
        *self.1.lock().unwrap_or_else(|p| p.into_inner()) = entries;
    }

    /// Forgets the files the site no longer has.
    fn keep_only(&self, entries: &[Entry]) {
        let now: HashSet<&Path> = entries.iter().map(|e| e.path.as_path()).collect();
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|path, _| now.contains(path.as_path()));
    }
}

/// `load`, taking from `reuse` (the reads of the last load, and the paths
/// changed since) the files that did not change.
pub fn load_reusing(
    config: &Config,
    options: &LoadOptions,
    reuse: Option<(&Reads, &[PathBuf])>,
) -> std::result::Result<Content, Errors> {
    let mut errors = Errors::default();
    let walked = reuse.and_then(|(reads, edited)| reads.walked(edited));
    let trusted = walked.is_some();
    let entries = walked.unwrap_or_else(|| walk(config, &mut errors));
    let parsed: Vec<std::result::Result<Parsed, Error>> = match reuse {
        Some((reads, edited)) if trusted => reads.parse_named(config, &entries.markdown, edited),
        _ => entries
            .markdown
            .par_iter()
            .map(|entry| match reuse {
                Some((reads, edited)) => reads.parse(config, entry, edited),
                None => parse_file(config, entry),
            })
            .collect(),
    };
    // A load that took the last walk leaves it as it was.
    if let Some((reads, _)) = reuse.filter(|_| !trusted) {
        reads.keep_only(&entries.markdown);
        reads.keep_walk((!errors.has_errors()).then(|| entries.clone()));
    }
    let mut data_files = Vec::new();
    for (rel, path) in &entries.yaml {
        match read_data(config, path) {
            Ok(value) => data_files.push((rel.clone(), value)),
            Err(e) => errors.push(e),
        }
    }
    let mut content = Content {
        warnings: entries
            .files
            .par_iter()
            .filter_map(|file| jekyll_html(config, &file.source))
            .collect(),
        files: entries.files,
        ..Content::default()
    };
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    let mut left_out = Vec::new();
    let parsed: Vec<_> = parsed
        .into_iter()
        .filter_map(|item| match item {
            Ok(mut parsed) => match set_language(config, &mut parsed.file) {
                Ok(()) => Some(Ok(parsed)),
                Err(warning) => {
                    left_out.push(warning);
                    None
                }
            },
            Err(e) => Some(Err(e)),
        })
        .collect();
    content.warnings.append(&mut left_out);
    for item in parsed {
        match item {
            Ok(Parsed {
                kind: Kind::Section,
                file,
                warnings,
            }) => {
                content.warnings.extend(warnings);
                sections.push(file);
            }
            Ok(Parsed {
                kind: Kind::Page,
                file,
                warnings,
            }) => {
                content.warnings.extend(warnings);
                pages.push(file);
            }
            Err(e) => errors.push(e),
        }
    }
    content
        .warnings
        .extend(undeclared_taxonomies(config, &sections, &pages));
    content.data = data_tree(&data_files);
    assemble(
        &mut content,
        sections,
        pages,
        &data_files,
        (options, config),
        &mut errors,
    );
    if errors.has_errors() {
        errors.0.extend(content.warnings);
        return Err(errors);
    }
    Ok(content)
}

/// What `patch` replaced in a loaded site, for `unpatch` to put back.
#[derive(Debug)]
pub struct Patched {
    /// The pages replaced, by index.
    pages: Vec<(usize, Page)>,
    /// The order of the sections that holds them, by index.
    sections: Vec<(usize, Vec<usize>)>,
}

/// Applies an edit of pages' own files to `content` in place, when that
/// is all the edit did: every file the watcher named is a page of the
/// last load, read again without a problem or a warning, still in the
/// site and at the same URL in the same section. Its section is sorted
/// again. `None`, with `content` as it was, when the edit did more: the
/// site is then loaded again (`load_reusing`), which says why.
pub fn patch(
    config: &Config,
    options: &LoadOptions,
    content: &mut Content,
    reads: &Reads,
    edited: &[PathBuf],
) -> Option<Patched> {
    let mut fresh = Vec::new();
    for entry in reads.markdown_entries(edited)? {
        let i = content
            .pages
            .iter()
            .position(|p| p.relative_path == entry.relative)?;
        let old = &content.pages[i];
        let warned = |source: &Path| {
            content
                .warnings
                .iter()
                .any(|w| w.path.as_deref() == Some(source))
        };
        if !old.meta.undeclared.is_empty() || warned(&old.source) {
            return None;
        }
        let mut parsed = reads.parse(config, &entry, edited).ok()?;
        let plain = matches!(parsed.kind, Kind::Page)
            && parsed.warnings.is_empty()
            && parsed.file.meta.undeclared.is_empty()
            && set_language(config, &mut parsed.file).is_ok()
            && !left_out(&parsed.file.meta, options);
        if !plain {
            return None;
        }
        let mut page = make_page(parsed.file, &content.by_dir, config, &config.timezone);
        let same_place = (&page.url, &page.slug, page.section, page.lang)
            == (&old.url, &old.slug, old.section, old.lang);
        if !same_place || fresh.iter().any(|(j, _)| *j == i) {
            return None;
        }
        page.translations = old.translations.clone();
        fresh.push((i, page));
    }
    let mut patched = Patched {
        pages: Vec::with_capacity(fresh.len()),
        sections: Vec::new(),
    };
    for (i, page) in fresh {
        let s = page.section;
        if !patched.sections.iter().any(|(t, _)| *t == s) {
            patched
                .sections
                .push((s, content.sections[s].pages.clone()));
        }
        patched
            .pages
            .push((i, std::mem::replace(&mut content.pages[i], page)));
    }
    for (s, _) in &patched.sections {
        sort_section(content, *s);
    }
    Some(patched)
}

/// Puts back what `patch` replaced.
pub fn unpatch(content: &mut Content, patched: Patched) {
    for (i, page) in patched.pages {
        content.pages[i] = page;
    }
    for (s, pages) in patched.sections {
        content.sections[s].pages = pages;
    }
}

#[derive(Clone)]
struct Entries {
    markdown: Vec<Entry>,
    yaml: Vec<(String, PathBuf)>,
    files: Vec<ContentFile>,
}

#[derive(Clone)]
struct Entry {
    path: PathBuf,
    relative: String,
    /// Set for `index.md`: the other files of its folder.
    bundle_assets: Option<Vec<String>>,
}

impl Entry {
    /// Whether the watcher named the file or a folder holding it.
    fn named_in(&self, edited: &[PathBuf]) -> bool {
        edited.iter().any(|path| self.path.starts_with(path))
    }
}

/// Returns true for files editors and systems leave behind.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

fn walk(config: &Config, errors: &mut Errors) -> Entries {
    let mut entries = Entries {
        markdown: Vec::new(),
        yaml: Vec::new(),
        files: Vec::new(),
    };
    if !config.content_dir.is_dir() {
        return entries;
    }
    // Each open bundle: its folder, and its `index.md` with translations.
    let mut bundles: Vec<(String, Vec<usize>)> = Vec::new();
    let mut walker = WalkDir::new(&config.content_dir)
        .follow_links(true)
        // A bundle's `index.md` comes before its files, so they can be given to it.
        .sort_by(|a, b| {
            let is_index = |e: &walkdir::DirEntry| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| file_kind(n) == FileKind::BundleIndex)
            };
            (!is_index(a), a.file_name()).cmp(&(!is_index(b), b.file_name()))
        })
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || e.file_name().to_str().is_none_or(|n| !is_ignored_name(n))
        });
    while let Some(item) = walker.next() {
        let entry = match item {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(walk_error(config, &e));
                continue;
            }
        };
        if let Err(e) = check_walked(config, &entry) {
            errors.push(e);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        let Some(relative) = relative_name(config, path, errors) else {
            continue;
        };
        // A file inside a page bundle belongs to that bundle. The walk is
        // sorted with `index.md` first in each folder, so a bundle's files
        // follow it: only the innermost open bundle can own a file (a stack,
        // not a search over every bundle seen).
        while bundles
            .last()
            .is_some_and(|(dir, _)| !relative.starts_with(dir.as_str()))
        {
            bundles.pop();
        }
        let name = relative.rsplit('/').next().unwrap_or(&relative);
        let kind = file_kind(name);
        let dir = &relative[..relative.len() - name.len()];
        if let Some((open, indexes)) = bundles.last_mut() {
            if kind == FileKind::BundleIndex && open == dir {
                // `index.fr.md` beside `index.md`: a translation of the
                // bundle, which shares its files.
                let assets = entries.markdown[indexes[0]].bundle_assets.clone();
                indexes.push(entries.markdown.len());
                entries.markdown.push(Entry {
                    path: path.to_path_buf(),
                    relative,
                    bundle_assets: assets,
                });
                continue;
            }
            if kind.is_markdown() {
                // Copied as an asset, it would publish its raw source.
                errors.push(markdown_in_bundle(
                    config,
                    path,
                    &entries.markdown[indexes[0]].path,
                ));
                continue;
            }
            let asset = relative[open.len()..].to_string();
            for &index in indexes.iter() {
                if let Some(assets) = &mut entries.markdown[index].bundle_assets {
                    assets.push(asset.clone());
                }
            }
            continue;
        }
        match kind {
            FileKind::BundleIndex => {
                bundles.push((dir.to_string(), vec![entries.markdown.len()]));
                entries.markdown.push(Entry {
                    path: path.to_path_buf(),
                    relative,
                    bundle_assets: Some(Vec::new()),
                });
            }
            FileKind::SectionIndex | FileKind::Page => entries.markdown.push(Entry {
                path: path.to_path_buf(),
                relative,
                bundle_assets: None,
            }),
            FileKind::Data => entries.yaml.push((relative, path.to_path_buf())),
            FileKind::Other => entries.files.push(ContentFile {
                source: path.to_path_buf(),
                dest: relative,
            }),
        }
    }
    entries
}

/// What a file under `content/` is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `_index.md`: a section.
    SectionIndex,
    /// `index.md`: a page bundle's page.
    BundleIndex,
    /// Any other Markdown file: a page.
    Page,
    /// `.yaml` or `.yml`: data.
    Data,
    /// Anything else, copied as it is.
    Other,
}

/// The extensions of Markdown files: both are page sources.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown"];

/// Returns what a file under `content/` is, by its name.
pub fn file_kind(name: &str) -> FileKind {
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return FileKind::Other;
    };
    if MARKDOWN_EXTENSIONS.contains(&extension) {
        // `_index.fr.md` and `index.fr.md` are translations of the index.
        let stem = match stem.rsplit_once('.') {
            Some((index @ ("_index" | "index"), code)) if is_language_tag(code) => index,
            _ => stem,
        };
        return match stem {
            "_index" => FileKind::SectionIndex,
            "index" => FileKind::BundleIndex,
            _ => FileKind::Page,
        };
    }
    if extension == "yaml" || extension == "yml" {
        return FileKind::Data;
    }
    FileKind::Other
}

impl FileKind {
    /// Returns true for the kinds folio reads as page sources.
    pub fn is_markdown(self) -> bool {
        matches!(
            self,
            FileKind::SectionIndex | FileKind::BundleIndex | FileKind::Page
        )
    }
}

/// A Markdown file under a page bundle's folder: neither a page nor a file
/// to publish.
fn markdown_in_bundle(config: &Config, path: &Path, index: &Path) -> Error {
    let index_name = index
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("index.md");
    Error::at(
        site_relative(config, path),
        None,
        format!(
            "this Markdown file is inside the page bundle of `{}`, so it is neither a page nor a file to publish",
            site_relative(config, index).display()
        ),
    )
    .help(format!(
        "rename {index_name} to _{index_name} to make this folder a section"
    ))
}

/// Refuses what a walk of `content/`, `static/` or templates must not read:
/// anything that is not a file, a folder or a link (a FIFO would block the
/// build forever), and a link that leads outside the site root unless
/// `folio.yaml` says `follow_links_outside: true`. The walk's own folder
/// counts as a link when it is reached through one.
pub fn check_walked(config: &Config, entry: &walkdir::DirEntry) -> Result<()> {
    let kind = entry.file_type();
    if !kind.is_file() && !kind.is_dir() {
        return Err(Error::at(
            site_relative(config, entry.path()),
            None,
            "this is not a file, a folder or a link",
        )
        .help("remove it, or move it out of the site"));
    }
    if config.site.follow_links_outside || !(entry.path_is_symlink() || entry.depth() == 0) {
        return Ok(());
    }
    let Ok(target) = entry.path().canonicalize() else {
        return Ok(());
    };
    if target.starts_with(&config.root) {
        return Ok(());
    }
    Err(Error::at(
        site_relative(config, entry.path()),
        None,
        format!(
            "this link leads to `{}`, outside the site",
            target.display()
        ),
    )
    .help(
        "copy what it points to into the site, or set `follow_links_outside: true` in `folio.yaml`",
    ))
}

fn walk_error(config: &Config, e: &walkdir::Error) -> Error {
    let path = e
        .path()
        .map(|p| site_relative(config, p))
        .unwrap_or_else(|| PathBuf::from("content"));
    if let Some(ancestor) = e.loop_ancestor() {
        return Error::at(
            path,
            None,
            format!(
                "symbolic link loop: this folder leads back to `{}`",
                site_relative(config, ancestor).display()
            ),
        )
        .help("remove the link or point it somewhere outside its own parents");
    }
    let cause = e
        .io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string());
    Error::at(path, None, "cannot read this path")
        .cause(cause)
        .help("fix the file's permissions, or remove a link that points nowhere")
}

fn relative_name(config: &Config, path: &Path, errors: &mut Errors) -> Option<String> {
    let rel = path.strip_prefix(&config.content_dir).ok()?;
    match rel.to_str() {
        Some(s) => Some(s.replace('\\', "/")),
        None => {
            errors.push(
                Error::at(
                    site_relative(config, path),
                    None,
                    "file name is not valid UTF-8",
                )
                .help("rename the file"),
            );
            None
        }
    }
}

/// Returns `path` relative to the site root when it is inside it.
/// A warning for an HTML file that Jekyll would have rendered, front matter
/// and Liquid, and that folio copies as it is: at its first Liquid tag or
/// expression, with how many there are, or at its front matter.
fn jekyll_html(config: &Config, path: &Path) -> Option<Error> {
    let extension = path.extension()?.to_str()?;
    if !extension.eq_ignore_ascii_case("html") && !extension.eq_ignore_ascii_case("htm") {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let split = split_front_matter(&text).ok()?;
    if split.format != FrontMatterFormat::Yaml || split.body_start == 0 {
        return None;
    }
    let source = site_relative(config, path);
    let page = source.with_extension("md");
    let help = format!(
        "make it a Markdown page (`{}`) or a template under `templates/`: folio copies HTML files in `content/` as they are",
        page.display()
    );
    let liquid = liquid_places(&text[split.body_start..]);
    let Some(first) = liquid.first() else {
        return Some(
            Error::at(
                &source,
                Some(Location { line: 1, column: 1 }),
                "this HTML file starts with front matter, which folio publishes as written",
            )
            .help(help)
            .warning(),
        );
    };
    let body = &text[split.body_start..];
    let at = Location::of_offset(body, first.start);
    let more = match liquid.len() {
        1 => String::new(),
        n => format!("; {} more like it in this file", n - 1),
    };
    Some(
        Error::at(
            &source,
            Some(Location {
                line: at.line + split.body_line - 1,
                column: at.column,
            }),
            format!(
                "`{}` is Liquid in an HTML file with front matter, which folio publishes as written{more}",
                &body[first.clone()]
            ),
        )
        .help(help)
        .warning(),
    )
}

/// Where Liquid tags (`{% … %}`) and expressions (`{{ … }}`) are in `text`.
fn liquid_places(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut places = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find('{').map(|i| from + i) {
        let close = match text.as_bytes().get(at + 1) {
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            _ => {
                from = at + 1;
                continue;
            }
        };
        match text[at + 2..].find(close) {
            Some(end) if !text[at + 2..at + 2 + end].contains('\n') => {
                places.push(at..at + 2 + end + 2);
                from = at + 2 + end + 2;
            }
            _ => from = at + 2,
        }
    }
    places
}

/// One warning for each taxonomy used and not declared, at its first use
/// by file name, with the number of files that use it.
fn undeclared_taxonomies(
    config: &Config,
    sections: &[SourceFile],
    pages: &[SourceFile],
) -> Vec<Error> {
    let mut uses: std::collections::BTreeMap<&str, (&SourceFile, &Undeclared, usize)> =
        std::collections::BTreeMap::new();
    for file in sections.iter().chain(pages) {
        let mut seen = std::collections::HashSet::new();
        for undeclared in &file.meta.undeclared {
            if !seen.insert(undeclared.name.as_str()) {
                continue;
            }
            let entry = uses
                .entry(undeclared.name.as_str())
                .or_insert((file, undeclared, 0));
            if file.source < entry.0.source {
                (entry.0, entry.1) = (file, undeclared);
            }
            entry.2 += 1;
        }
    }
    uses.into_values()
        .map(|(file, first, count)| undeclared_taxonomy(config, &file.source, first, count))
        .collect()
}

pub fn site_relative(config: &Config, path: &Path) -> PathBuf {
    path.strip_prefix(&config.root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[derive(Clone)]
enum Kind {
    Page,
    Section,
}

#[derive(Clone)]
struct Parsed {
    kind: Kind,
    file: SourceFile,
    warnings: Vec<Error>,
}

#[derive(Clone)]
struct SourceFile {
    front_matter_hash: u64,
    relative: String,
    /// The name its translations share: `about.md` for `about.fr.md`.
    key: String,
    /// Its language, by index into `Config::languages`.
    lang: usize,
    source: PathBuf,
    meta: FrontMatter,
    body: String,
    body_line: usize,
    bundle_assets: Option<Vec<String>>,
    bundle_dir: Option<PathBuf>,
}

fn parse_file(config: &Config, entry: &Entry) -> Result<Parsed> {
    let source = site_relative(config, &entry.path);
    let bytes = std::fs::read(&entry.path)
        .map_err(|e| Error::at(&source, None, "cannot read the file").cause(e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        Error::at(
            &source,
            Some(Location::of_offset(&text, offset)),
            "file is not valid UTF-8",
        )
        .help("save the file as UTF-8")
    })?;
    let name = entry.relative.rsplit('/').next().unwrap_or(&entry.relative);
    let is_section = file_kind(name) == FileKind::SectionIndex;
    let split = split_front_matter(&text).map_err(|unclosed| not_closed(&source, unclosed))?;
    let mut warnings = Vec::new();
    let meta = parse_front_matter(config, &source, &split, is_section, &mut warnings)?;
    let front_matter_hash = fingerprint(split.front.as_bytes());
    let (body_start, body_line) = (split.body_start, split.body_line);
    // A section keeps its body (sections are few); a page's is read again
    // when it is rendered. The body is the file's text without its front
    // matter: shift it in place rather than copy it.
    let body = if is_section {
        let mut body = text;
        body.drain(..body_start);
        body
    } else {
        String::new()
    };
    let bundle_dir = entry
        .bundle_assets
        .as_ref()
        .and_then(|_| entry.path.parent().map(Path::to_path_buf));
    Ok(Parsed {
        kind: if is_section {
            Kind::Section
        } else {
            Kind::Page
        },
        file: SourceFile {
            front_matter_hash,
            key: entry.relative.clone(),
            lang: 0,
            relative: entry.relative.clone(),
            source,
            meta,
            body,
            body_line,
            bundle_assets: entry.bundle_assets.clone(),
            bundle_dir,
        },
        warnings,
    })
}

/// A page's body as it is on disk now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The Markdown after the front matter.
    pub text: String,
    /// The file's line on which it starts.
    pub line: usize,
}

/// Reads a page's body: the Markdown after its front matter.
pub fn read_body(config: &Config, page: &Page) -> Result<Body> {
    read_split(config, page).map(|(body, _)| body)
}

/// Reads a page again; returns its new body when only the body changed, and
/// `None` when the file is gone or its front matter changed.
pub fn reread_body(config: &Config, page: &Page) -> Option<Body> {
    match read_split(config, page) {
        Ok((body, hash)) if hash == page.front_matter_hash => Some(body),
        _ => None,
    }
}

fn read_split(config: &Config, page: &Page) -> Result<(Body, u64)> {
    let text = std::fs::read_to_string(config.content_dir.join(&page.relative_path))
        .map_err(|e| Error::at(&page.source, None, "cannot read the file").cause(e))?;
    let split = split_front_matter(&text).map_err(|unclosed| not_closed(&page.source, unclosed))?;
    let hash = fingerprint(split.front.as_bytes());
    let line = split.body_line;
    let start = split.body_start;
    let mut text = text;
    text.drain(..start);
    Ok((Body { text, line }, hash))
}

/// The error for front matter whose closing fence never comes.
fn not_closed(source: &Path, unclosed: Unclosed) -> Error {
    Error::at(
        source,
        Some(Location {
            line: unclosed.line,
            column: 1,
        }),
        "front matter is not closed",
    )
    .help(format!(
        "end the front matter with a line holding only `{}`",
        unclosed.fence
    ))
}

fn read_data(config: &Config, path: &Path) -> Result<Json> {
    let source = site_relative(config, path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::at(&source, None, "cannot read the data file")
            .cause(e)
            .help("save the file as UTF-8")
    })?;
    let value: serde_yaml::Value = parse_yaml(&text, &source, 1)?;
    serde_json::to_value(value).map_err(|e| {
        Error::at(&source, None, "cannot use this data")
            .cause(e)
            .help("use text keys in mappings")
    })
}

fn data_tree(files: &[(String, Json)]) -> Json {
    let mut root = serde_json::Map::new();
    for (rel, value) in files {
        let without_ext = rel.trim_end_matches(".yaml").trim_end_matches(".yml");
        let mut parts: Vec<&str> = without_ext.split('/').collect();
        let Some(last) = parts.pop() else { continue };
        insert_at(&mut root, &parts, last, value.clone());
    }
    Json::Object(root)
}

fn insert_at(node: &mut serde_json::Map<String, Json>, parts: &[&str], last: &str, value: Json) {
    let Some((first, rest)) = parts.split_first() else {
        node.insert(last.to_string(), value);
        return;
    };
    let entry = node
        .entry(first.to_string())
        .or_insert_with(|| Json::Object(serde_json::Map::new()));
    if !entry.is_object() {
        *entry = Json::Object(serde_json::Map::new());
    }
    if let Json::Object(next) = entry {
        insert_at(next, rest, last, value);
    }
}

fn assemble(
    content: &mut Content,
    sections: Vec<SourceFile>,
    pages: Vec<SourceFile>,
    data_files: &[(String, Json)],
    (options, config): (&LoadOptions, &Config),
    errors: &mut Errors,
) {
    let zone = &config.timezone;
    // Each section's and page's translation key, in their order.
    let mut keys: Vec<String> = Vec::new();
    let mut page_keys: Vec<String> = Vec::new();
    let mut by_dir: ByDir = HashMap::new();
    let mut sections = sections;
    // Every language has a home page, written or implied.
    for (lang, code) in config.languages.iter().enumerate() {
        if sections
            .iter()
            .any(|s| s.lang == lang && dir_of(&s.relative).is_empty())
        {
            continue;
        }
        let relative = match lang {
            0 => "_index.md".to_string(),
            _ => format!("_index.{code}.md"),
        };
        sections.push(SourceFile {
            front_matter_hash: 0,
            key: "_index.md".to_string(),
            lang,
            source: Path::new("content").join(&relative),
            relative,
            meta: FrontMatter::default(),
            body: String::new(),
            body_line: 1,
            bundle_assets: None,
            bundle_dir: None,
        });
    }
    // Parents before children: the home page first, then the other
    // languages' homes.
    sections.sort_by(|a, b| (dir_of(&a.key), a.lang).cmp(&(dir_of(&b.key), b.lang)));
    for file in sections {
        let dir = dir_of(&file.key).to_string();
        let lang = file.lang;
        let parent = parent_section(&by_dir, lang, &dir);
        let prefix = config.language_prefix(lang);
        let url = match &file.meta.path {
            Some(path) => format!("{prefix}{}", normalize_path(path)),
            None => format!("{prefix}{}", dir_url(&dir)),
        };
        let section_data = section_data(data_files, &dir);
        by_dir.insert((lang, dir.clone()), content.sections.len());
        let exists = !dir.is_empty() || file.body_line > 1 || !file.body.is_empty();
        content.sections.push(Section {
            relative_path: file.relative,
            source: file.source,
            meta: file.meta,
            body: file.body,
            body_line: file.body_line,
            url,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
            data: section_data,
            exists,
            lang,
            translations: Vec::new(),
        });
        keys.push(file.key);
    }
    for i in 1..content.sections.len() {
        if let Some(parent) = content.sections[i].parent {
            content.sections[parent].subsections.push(i);
        }
    }
    for file in pages {
        if left_out(&file.meta, options) {
            content.left_out += 1;
            if let Some(date) = (file.meta.date.as_ref()).filter(|d| d.seconds > options.now) {
                content.next_publish = Some(
                    content
                        .next_publish
                        .map_or(date.seconds, |n| n.min(date.seconds)),
                );
            }
            continue;
        }
        page_keys.push(file.key.clone());
        let page = make_page(file, &by_dir, config, zone);
        content.sections[page.section]
            .pages
            .push(content.pages.len());
        content.pages.push(page);
    }
    if config.is_multilingual() {
        let langs: Vec<usize> = content.sections.iter().map(|s| s.lang).collect();
        for (s, group) in translations(&keys, &langs) {
            content.sections[s].translations = group;
        }
        let langs: Vec<usize> = content.pages.iter().map(|p| p.lang).collect();
        for (p, group) in translations(&page_keys, &langs) {
            content.pages[p].translations = group;
        }
    }
    content.by_dir = by_dir;
    sort_sections(content);
    check_duplicate_urls(content, errors);
}

/// Whether a page with this front matter is left out: a draft, or dated
/// after now, unless the options keep those.
fn left_out(meta: &FrontMatter, options: &LoadOptions) -> bool {
    meta.draft && !options.include_drafts
        || !options.include_future && meta.date.as_ref().is_some_and(|d| d.seconds > options.now)
}

/// Groups items by translation key: each item with every item of its key
/// (itself included), in the order of the site's languages.
fn translations(keys: &[String], langs: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        groups.entry(key.as_str()).or_default().push(i);
    }
    let mut out = Vec::with_capacity(keys.len());
    for mut group in groups.into_values() {
        group.sort_by_key(|&i| (langs[i], i));
        for &i in &group {
            out.push((i, group.clone()));
        }
    }
    out
}

/// Reads the language from a file's name, on a site with more than one:
/// `about.fr.md` is the French `about.md`. A code the site does not have
/// is a warning, and the file is left out.
fn set_language(config: &Config, file: &mut SourceFile) -> std::result::Result<(), Error> {
    if !config.is_multilingual() {
        return Ok(());
    }
    let Some((key, code)) = split_language(&file.relative) else {
        return Ok(());
    };
    match config.language_index(code) {
        Some(lang) => {
            file.lang = lang;
            file.key = key;
            Ok(())
        }
        None => Err(Error::at(
            &file.source,
            None,
            format!(
                "`{code}` is not one of the site's languages ({}), so this file is left out",
                config.languages.join(", ")
            ),
        )
        .help(format!(
            "add `{code}` under `languages:` in `folio.yaml`, or rename the file"
        ))
        .warning()),
    }
}

/// Returns the name of `relative`'s translation in language `code`:
/// `blog/about.md` → `blog/about.fr.md`; `None` without an extension.
pub fn translated_name(relative: &str, code: &str) -> Option<String> {
    let dot = relative
        .rfind('.')
        .filter(|&i| !relative[i..].contains('/'))?;
    Some(format!("{}.{code}{}", &relative[..dot], &relative[dot..]))
}

/// Splits the language code off a content file's name: `blog/about.fr.md`
/// → (`blog/about.md`, `fr`). `None` when the name carries no code.
pub fn split_language(relative: &str) -> Option<(String, &str)> {
    let (dir, name) = match relative.rfind('/') {
        Some(i) => relative.split_at(i + 1),
        None => ("", relative),
    };
    let (stem, extension) = name.rsplit_once('.')?;
    let (stem, code) = stem.rsplit_once('.')?;
    if stem.is_empty() || !is_language_tag(code) {
        return None;
    }
    Some((format!("{dir}{stem}.{extension}"), code))
}

fn dir_of(relative: &str) -> &str {
    match relative.rfind('/') {
        Some(i) => &relative[..i],
        None => "",
    }
}

/// Sections by language and folder.
type ByDir = HashMap<(usize, String), usize>;

fn parent_section(by_dir: &ByDir, lang: usize, dir: &str) -> Option<usize> {
    if dir.is_empty() && by_dir.is_empty() {
        return None;
    }
    let mut current = dir;
    loop {
        current = match current.rfind('/') {
            Some(i) => &current[..i],
            None if current.is_empty() => return None,
            None => "",
        };
        if let Some(i) = by_dir.get(&(lang, current.to_string())) {
            return Some(*i);
        }
        if current.is_empty() {
            return None;
        }
    }
}

fn nearest_section(by_dir: &ByDir, lang: usize, dir: &str) -> usize {
    let mut current = dir;
    loop {
        if let Some(i) = by_dir.get(&(lang, current.to_string())) {
            return *i;
        }
        match current.rfind('/') {
            Some(i) => current = &current[..i],
            None if current.is_empty() => return 0,
            None => current = "",
        }
    }
}

fn dir_url(dir: &str) -> String {
    if dir.is_empty() {
        return "/".to_string();
    }
    let parts: Vec<String> = dir.split('/').map(slugify).collect();
    format!("/{}/", parts.join("/"))
}

/// Returns `/a/b/` for `a/b`, `/a/b`, `a/b/`.
pub fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

fn make_page(
    mut file: SourceFile,
    by_dir: &ByDir,
    config: &Config,
    zone: &jiff::tz::TimeZone,
) -> Page {
    let is_bundle = file.bundle_assets.is_some();
    // A translation is named and placed as its original: by its key.
    let (dir, stem) = if is_bundle {
        let dir = dir_of(&file.key);
        (
            dir_of(dir).to_string(),
            dir.rsplit('/').next().unwrap_or(dir).to_string(),
        )
    } else {
        let stem = file.key.rsplit('/').next().unwrap_or(&file.key).to_string();
        let stem = match stem.rsplit_once('.') {
            Some((stem, extension)) if MARKDOWN_EXTENSIONS.contains(&extension) => stem.to_string(),
            _ => stem,
        };
        (dir_of(&file.key).to_string(), stem)
    };
    let (file_date, stem) = match split_date_prefix(&stem, zone) {
        Some((date, rest)) => (Some(date), rest.to_string()),
        None => (None, stem),
    };
    if file.meta.date.is_none() {
        file.meta.date = file_date;
    }
    if file.meta.title.is_none() {
        file.meta.title = Some(stem.clone());
    }
    let slug = file
        .meta
        .slug
        .clone()
        .map(|s| slugify(&s))
        .unwrap_or_else(|| slugify(&stem));
    let prefix = config.language_prefix(file.lang);
    let url = match &file.meta.path {
        Some(path) => format!("{prefix}{}", normalize_path(path)),
        None => format!("{prefix}{}{slug}/", dir_url(&dir)),
    };
    let section = nearest_section(
        by_dir,
        file.lang,
        if is_bundle { &dir } else { dir_of(&file.key) },
    );
    Page {
        relative_path: file.relative,
        source: file.source,
        meta: file.meta,
        slug,
        url,
        section,
        assets: file.bundle_assets.unwrap_or_default(),
        bundle_dir: file.bundle_dir,
        front_matter_hash: file.front_matter_hash,
        lang: file.lang,
        translations: Vec::new(),
    }
}

fn section_data(files: &[(String, Json)], dir: &str) -> Json {
    let mut map = serde_json::Map::new();
    for (rel, value) in files {
        if dir_of(rel) == dir {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
            map.insert(stem.to_string(), value.clone());
        }
    }
    Json::Object(map)
}

fn sort_sections(content: &mut Content) {
    for s in 0..content.sections.len() {
        sort_section(content, s);
    }
    let keys: Vec<(i64, String)> = content
        .sections
        .iter()
        .map(|s| (s.meta.weight.unwrap_or(i64::MAX), s.relative_path.clone()))
        .collect();
    for section in &mut content.sections {
        section.subsections.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
}

/// Puts section `s`'s pages in the order its `sort_by` asks for.
fn sort_section(content: &mut Content, s: usize) {
    let pages = &content.pages;
    let section = &mut content.sections[s];
    let sort_by = section.meta.sort_by;
    section.pages.sort_by(|&a, &b| {
        let (a, b) = (&pages[a], &pages[b]);
        let primary = match sort_by {
            SortBy::Date => b
                .meta
                .date
                .as_ref()
                .map(|d| d.seconds)
                .cmp(&a.meta.date.as_ref().map(|d| d.seconds)),
            SortBy::Weight => a
                .meta
                .weight
                .unwrap_or(i64::MAX)
                .cmp(&b.meta.weight.unwrap_or(i64::MAX)),
            SortBy::Updated => {
                let latest = |p: &Page| {
                    p.meta
                        .updated
                        .as_ref()
                        .or(p.meta.date.as_ref())
                        .map(|d| d.seconds)
                };
                latest(b).cmp(&latest(a))
            }
            SortBy::Title => a.meta.title.cmp(&b.meta.title),
            SortBy::Slug => a.slug.cmp(&b.slug),
            SortBy::None => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| a.relative_path.cmp(&b.relative_path))
    });
}

fn check_duplicate_urls(content: &Content, errors: &mut Errors) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    let sections = content
        .sections
        .iter()
        .map(|s| (s.url.as_str(), s.source.as_path()));
    let pages = content
        .pages
        .iter()
        .map(|p| (p.url.as_str(), p.source.as_path()));
    for (url, source) in sections.chain(pages) {
        if let Some(first) = seen.insert(url, source) {
            errors.push(
                Error::at(
                    source,
                    None,
                    format!("writes the same page `{url}` as `{}`", first.display()),
                )
                .help("give one of the two files another `slug` or `path`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_recognised() {
        for path in ["/a/b/", "a", "/", "/old.html", "/x-y_z/"] {
            assert!(is_inside_site(path), "{path}");
        }
        for path in [
            "../x",
            "/a/../../x/",
            "/./x",
            "a\\..\\b",
            "https://e.com/",
            "/a?b",
        ] {
            assert!(!is_inside_site(path), "{path}");
        }
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".#x.md", "x.md~", ".x.swp", ".hidden", "#x.md#"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("x.md"));
    }

    #[test]
    fn a_language_code_is_split_off_a_file_name() {
        assert_eq!(
            split_language("blog/about.fr.md"),
            Some(("blog/about.md".to_string(), "fr"))
        );
        assert_eq!(
            split_language("_index.pt-BR.md"),
            Some(("_index.md".to_string(), "pt-BR"))
        );
        assert_eq!(
            split_language("posts/hello/index.ar.md"),
            Some(("posts/hello/index.md".to_string(), "ar"))
        );
        for plain in ["about.md", "v1.2.md", ".fr.md", "x/a_b.md", "a.x/y.md"] {
            assert_eq!(split_language(plain), None, "{plain}");
        }
        assert_eq!(
            translated_name("blog/about.md", "fr").as_deref(),
            Some("blog/about.fr.md")
        );
        assert_eq!(translated_name("v1.2/notes", "fr"), None);
        assert_eq!(file_kind("_index.fr.md"), FileKind::SectionIndex);
        assert_eq!(file_kind("index.fr.md"), FileKind::BundleIndex);
        assert_eq!(file_kind("index.x_y.md"), FileKind::Page);
    }

    #[test]
    fn translations_are_grouped_by_key_in_language_order() {
        let keys = ["a.md", "b.md", "a.md", "a.md"].map(String::from);
        let mut groups = translations(&keys, &[0, 0, 2, 1]);
        groups.sort();
        assert_eq!(
            groups,
            [
                (0, vec![0, 3, 2]),
                (1, vec![1]),
                (2, vec![0, 3, 2]),
                (3, vec![0, 3, 2])
            ]
        );
    }

    #[test]
    fn data_files_nest_by_folder() {
        let tree = data_tree(&[
            ("skills.yaml".to_string(), Json::from(1)),
            ("home/stats.yml".to_string(), Json::from(2)),
        ]);
        assert_eq!(tree["skills"], Json::from(1));
        assert_eq!(tree["home"]["stats"], Json::from(2));
    }

    /// A site with one page, `content/a.md` titled "One", and its config.
    fn site_with_a_page() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("folio.yaml"),
            "title: T\nbase_url: https://example.com/\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "---\ntitle: One\n---\nText.\n",
        )
        .unwrap();
        let config = crate::config::load(dir.path(), &crate::config::Overrides::default()).unwrap();
        (dir, config)
    }

    #[test]
    fn a_session_reads_again_only_the_files_that_changed() {
        let (dir, config) = site_with_a_page();
        let page = dir.path().join("content/a.md");
        let options = LoadOptions::default();
        let title = |content: &Content| content.pages[0].meta.title.clone().unwrap();
        let reads = Reads::default();
        let first = load_reusing(&config, &options, Some((&reads, &[]))).unwrap();
        assert_eq!(title(&first), "One");

        // Same length, same time: only the watcher's word tells the edit.
        let time = std::fs::metadata(&page).unwrap().modified().unwrap();
        std::fs::write(&page, "---\ntitle: Two\n---\nText.\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&page)
            .unwrap()
            .set_modified(time)
            .unwrap();
        let kept = load_reusing(&config, &options, Some((&reads, &[]))).unwrap();
        assert_eq!(title(&kept), "One");
        let edited = [dir.path().join("content")];
        let again = load_reusing(&config, &options, Some((&reads, &edited))).unwrap();
        assert_eq!(title(&again), "Two");

        // Another length is read again without a word.
        std::fs::write(&page, "---\ntitle: Three\n---\nText.\n").unwrap();
        let third = load_reusing(&config, &options, Some((&reads, &[]))).unwrap();
        assert_eq!(title(&third), "Three");
    }

    #[test]
    fn a_session_walks_again_only_when_a_file_came_or_went() {
        let (dir, config) = site_with_a_page();
        let a = dir.path().join("content/a.md");
        let b = dir.path().join("content/b.md");
        let options = LoadOptions::default();
        let titles = |content: &Content| -> Vec<String> {
            content
                .pages
                .iter()
                .map(|p| p.meta.title.clone().unwrap())
                .collect()
        };
        let reads = Reads::default();
        load_reusing(&config, &options, Some((&reads, &[]))).unwrap();

        // A file the watcher names that the last walk found: no walk.
        std::fs::write(&a, "---\ntitle: Two\n---\nText.\n").unwrap();
        assert!(reads.walked(std::slice::from_ref(&a)).is_some());
        let edited =
            load_reusing(&config, &options, Some((&reads, std::slice::from_ref(&a)))).unwrap();
        assert_eq!(titles(&edited), ["Two"]);

        // A new file, then a removed one: walked again.
        std::fs::write(&b, "---\ntitle: New\n---\nText.\n").unwrap();
        assert!(reads.walked(std::slice::from_ref(&b)).is_none());
        let added =
            load_reusing(&config, &options, Some((&reads, std::slice::from_ref(&b)))).unwrap();
        assert_eq!(titles(&added), ["Two", "New"]);
        std::fs::remove_file(&b).unwrap();
        assert!(reads.walked(std::slice::from_ref(&b)).is_none());
        let removed =
            load_reusing(&config, &options, Some((&reads, std::slice::from_ref(&b)))).unwrap();
        assert_eq!(titles(&removed), ["Two"]);
    }

    /// The pages of each section, by title, in their order.
    fn orders(content: &Content) -> Vec<Vec<String>> {
        content
            .sections
            .iter()
            .map(|s| {
                s.pages
                    .iter()
                    .map(|&i| content.pages[i].meta.title.clone().unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_page_edit_is_patched_in_place_as_a_load_would_read_it() {
        let (dir, config) = site_with_a_page();
        let b = dir.path().join("content/b.md");
        std::fs::write(&b, "---\ntitle: Bee\ndate: 2024-01-01\n---\nText.\n").unwrap();
        // Now is 2096: the pages' dates are past, 2999 is future.
        let options = LoadOptions {
            now: 4_000_000_000,
            ..LoadOptions::default()
        };
        let reads = Reads::default();
        let mut content = load_reusing(&config, &options, Some((&reads, &[]))).unwrap();
        assert_eq!(orders(&content), [["Bee", "One"]]);

        // A new title and a newer date: read again, and sorted first.
        std::fs::write(&b, "---\ntitle: Zed\ndate: 2020-01-01\n---\nText.\n").unwrap();
        let a = dir.path().join("content/a.md");
        std::fs::write(&a, "---\ntitle: Ay\ndate: 2025-01-01\n---\nText.\n").unwrap();
        let edited = [a.clone(), b.clone()];
        let patched = patch(&config, &options, &mut content, &reads, &edited).unwrap();
        let loaded = load(&config, &options).unwrap();
        assert_eq!(orders(&content), orders(&loaded));
        assert_eq!(orders(&content), [["Ay", "Zed"]]);
        let hashes =
            |c: &Content| -> Vec<u64> { c.pages.iter().map(|p| p.front_matter_hash).collect() };
        assert_eq!(hashes(&content), hashes(&loaded));

        // Put back, the site is the one before the edit.
        unpatch(&mut content, patched);
        assert_eq!(orders(&content), [["Bee", "One"]]);
    }

    #[test]
    fn an_edit_that_moves_or_drops_a_page_is_loaded_again() {
        let (dir, config) = site_with_a_page();
        let a = dir.path().join("content/a.md");
        // Now is 2096: the pages' dates are past, 2999 is future.
        let options = LoadOptions {
            now: 4_000_000_000,
            ..LoadOptions::default()
        };
        let reads = Reads::default();
        let mut content = load_reusing(&config, &options, Some((&reads, &[]))).unwrap();
        let edited = std::slice::from_ref(&a);
        for text in [
            "---\ntitle: One\nslug: other\n---\nText.\n",
            "---\ntitle: One\ndraft: true\n---\nText.\n",
            "---\ntitle: One\ndate: 2999-01-01\n---\nText.\n",
            "---\ntitle: [unclosed\n---\nText.\n",
            "---\ntitle: One\ntags: [x]\n---\nText.\n",
        ] {
            std::fs::write(&a, text).unwrap();
            assert!(
                patch(&config, &options, &mut content, &reads, edited).is_none(),
                "{text}"
            );
            assert_eq!(orders(&content), [["One"]], "{text}");
        }
        // A file the last walk did not find, and a section's file.
        let b = dir.path().join("content/b.md");
        std::fs::write(&b, "---\ntitle: New\n---\n").unwrap();
        assert!(patch(&config, &options, &mut content, &reads, &[b]).is_none());
        std::fs::write(&a, "---\ntitle: Two\n---\nText.\n").unwrap();
        let home = dir.path().join("content/_index.md");
        std::fs::write(&home, "---\ntitle: Home\n---\n").unwrap();
        assert!(patch(&config, &options, &mut content, &reads, &[a, home]).is_none());
        assert_eq!(orders(&content), [["One"]]);
    }
}
