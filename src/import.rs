//! `folio import`: a Zola, Hugo or Jekyll site turned into a folio site.
//!
//! Each generator's module reads its configuration, content and data into
//! a `Site`: the `folio.yaml` to write, the Markdown files with their front
//! matter and bodies rewritten, the files to copy, and what could not be
//! carried (`Note`s, at a file and line). The decisions (config mapping,
//! front matter keys, markup rewrites) are pure functions of text; this file
//! walks the source, and `output` writes the result. The source is only read.

mod front_matter;
mod hugo;
mod jekyll;
mod links;
mod markup;
mod yaml;
mod zola;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::config::CONFIG_FILE;
use crate::error::{Error, Location, Result};
use crate::output::{self, Planned, Source};

pub use front_matter::Style;

/// The generators folio imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// Zola: `config.toml` (or `zola.toml`), Tera templates.
    Zola,
    /// Hugo: `hugo.toml`, `config.toml`, … Go templates.
    Hugo,
    /// Jekyll: `_config.yml`, Liquid.
    Jekyll,
}

impl Generator {
    /// Its name, as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Zola => "Zola",
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
        }
    }
}

/// What `folio import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site to read.
    pub source: PathBuf,
    /// The folder to write the folio site into.
    pub dest: PathBuf,
    /// The generator, when not detected.
    pub from: Option<Generator>,
    /// Write into a folder that holds files, replacing those of the same name.
    pub force: bool,
    /// Front matter style: TOML is kept unless `Style::Yaml` is asked for.
    pub front_matter: Option<Style>,
}

/// What an import did and what it left to the user.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The generator the site was made for.
    pub generator: Generator,
    /// Markdown pages written.
    pub pages: usize,
    /// Sections written (`_index.md` files), those the import made included.
    pub sections: usize,
    /// Data files written under `content/`.
    pub data: usize,
    /// Other files copied: `static/`, page bundles' files, assets.
    pub files: usize,
    /// How many of each kind of rewrite were made.
    pub rewrites: BTreeMap<String, usize>,
    /// What the user has to finish, in file order.
    pub left: Vec<Leftover>,
    /// Templates of the source to port; folio's own theme renders the site
    /// until they are.
    pub templates: Vec<Port>,
}

/// Which tree a leftover's file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The site imported: what was not carried (a config key, a dropped
    /// front matter key).
    Source,
    /// The new site: what was left as written, to finish there.
    Site,
}

/// One thing the import could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The tree `file` is in.
    pub side: Side,
    /// The file, relative to its tree.
    pub file: PathBuf,
    /// Where in it.
    pub location: Option<Location>,
    /// What it is.
    pub message: String,
    /// The folio way.
    pub help: String,
}

/// A template of the source and what it becomes in folio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The source's template, relative to the source.
    pub file: PathBuf,
    /// What it becomes, as the migration chapter says.
    pub folio: String,
    /// The front matter key that named it (`layout`, `template`), removed
    /// from the pages until the template is ported.
    pub key: Option<String>,
    /// The files of the new site it was removed from.
    pub named_by: Vec<PathBuf>,
}

/// Imports the site at `options.source` into `options.dest`.
pub fn import(options: &ImportOptions) -> Result<ImportReport> {
    let source = options.source.canonicalize().map_err(|e| {
        Error::at(&options.source, None, "cannot open the site to import")
            .cause(e)
            .help("name the folder that holds the site's configuration")
    })?;
    let generator = match options.from {
        Some(g) => g,
        None => detect(&source)?,
    };
    let dest_exists = options.dest.exists();
    let dest_real = if dest_exists {
        options.dest.canonicalize().ok()
    } else {
        None
    };
    if dest_real.as_deref() == Some(source.as_path()) {
        return Err(Error::at(
            &options.dest,
            None,
            "the new site would be written over the one it is made from",
        )
        .help("name another folder for the folio site: `folio import SOURCE NEW-FOLDER`"));
    }
    let has_files =
        std::fs::read_dir(&options.dest).is_ok_and(|mut entries| entries.next().is_some());
    if has_files && !options.force {
        return Err(Error::at(&options.dest, None, "folder is not empty").help(
            "pick an empty or new folder, or pass `--force` to write the site over it (files of the same name are replaced, others kept)",
        ));
    }
    let walk = Walk {
        root: source.clone(),
        skip: dest_real.clone().into_iter().collect(),
    };
    let site = match generator {
        Generator::Zola => zola::read(&walk)?,
        Generator::Hugo => hugo::read(&walk)?,
        Generator::Jekyll => jekyll::read(&walk)?,
    };
    let mut site = site;
    site.check_files();
    let style = options.front_matter;
    let (files, report) = site.finish(generator, style);
    refuse_writing_into(&source, &options.dest, &files)?;
    let planned: Vec<Planned<'_>> = files
        .iter()
        .map(|(path, file)| Planned {
            path,
            source: match file {
                NewFile::Text(text) => Source::Bytes(text.as_bytes()),
                NewFile::Copy(from) => Source::File(from),
            },
        })
        .collect();
    if has_files {
        output::replace_files(&options.dest, &planned)?;
    } else {
        output::create_new(&options.dest, &planned)?;
    }
    Ok(report)
}

/// Tells the generator from the files at the root of `source`.
pub fn detect(source: &Path) -> Result<Generator> {
    let has = |name: &str| source.join(name).is_file();
    if has("_config.yml") || has("_config.yaml") || has("_config.toml") {
        return Ok(Generator::Jekyll);
    }
    if has("zola.toml") {
        return Ok(Generator::Zola);
    }
    if ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"]
        .iter()
        .any(|n| has(n))
        || source.join("config/_default").is_dir()
    {
        return Ok(Generator::Hugo);
    }
    if has("config.toml") {
        let text = std::fs::read_to_string(source.join("config.toml")).unwrap_or_default();
        return Ok(if is_zola_config(&text, source) {
            Generator::Zola
        } else {
            Generator::Hugo
        });
    }
    if ["config.yaml", "config.yml", "config.json"]
        .iter()
        .any(|n| has(n))
    {
        return Ok(Generator::Hugo);
    }
    Err(Error::at(source, None, "cannot tell which generator this site is made for")
        .help("pass `--from zola`, `--from hugo` or `--from jekyll`; folio looks for `config.toml` (Zola), `hugo.toml` or `config.*` (Hugo) and `_config.yml` (Jekyll)"))
}

/// Zola writes `base_url`, Hugo `baseURL`; failing both, Zola has
/// `templates/` where Hugo has `layouts/`.
fn is_zola_config(text: &str, source: &Path) -> bool {
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    if table.contains_key("base_url") {
        return true;
    }
    if table.keys().any(|k| k.eq_ignore_ascii_case("baseurl")) {
        return false;
    }
    source.join("templates").is_dir() && !source.join("layouts").is_dir()
}

/// Refuses a plan that would write inside the source (the new site's
/// folder holding the old one).
fn refuse_writing_into(
    source: &Path,
    dest: &Path,
    files: &BTreeMap<String, NewFile>,
) -> Result<()> {
    let dest = dest
        .canonicalize()
        .unwrap_or_else(|_| std::path::absolute(dest).unwrap_or_else(|_| dest.to_path_buf()));
    if let Some(path) = files.keys().find(|p| dest.join(p).starts_with(source)) {
        return Err(Error::at(
            dest.join(path),
            None,
            "the import would write inside the site it reads",
        )
        .help("name a folder for the new site that is not inside the one imported"));
    }
    Ok(())
}

/// A file of the new site.
#[derive(Debug, Clone)]
enum NewFile {
    /// Text the import wrote.
    Text(String),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// The source folder, walked in a stable order.
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    /// The source, canonical.
    pub root: PathBuf,
    /// Folders never entered (the new site, when it is inside the source).
    pub skip: Vec<PathBuf>,
}

impl Walk {
    /// The files under `dir` (relative to the root), as paths relative to
    /// the root with `/`, sorted; hidden names and editor leftovers skipped.
    pub fn files(&self, dir: &str) -> Vec<String> {
        let start = self.root.join(dir);
        if !start.is_dir() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(&start)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0
                    || !crate::content::is_ignored_name(&name)
                        && !self.skip.iter().any(|s| e.path() == s)
            });
        for entry in walker.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        out
    }

    /// Reads a file of the source as text.
    pub fn read(&self, rel: &str) -> Result<String> {
        let path = self.root.join(rel);
        std::fs::read_to_string(&path).map_err(|e| {
            Error::at(&path, None, "cannot read this file as UTF-8 text")
                .cause(e)
                .help("save it as UTF-8, or remove it from the site")
        })
    }

    /// Whether `rel` is a folder of the source.
    pub fn is_dir(&self, rel: &str) -> bool {
        self.root.join(rel).is_dir()
    }

    /// Whether `rel` is a file of the source.
    pub fn is_file(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }
}

/// Where a note points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// A byte offset in the written body.
    Body(usize),
    /// A key of the written front matter.
    Key(String),
    /// A line of the source file (for what the new file no longer holds).
    Source(usize),
}

/// Something a page could not carry.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub place: Place,
    pub message: String,
    pub help: String,
}

impl Note {
    pub fn new(place: Place, message: impl Into<String>, help: impl Into<String>) -> Note {
        Note {
            place,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// A Markdown file of the new site.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// Its source, relative to the source root; empty for a file the import made.
    pub source: String,
    /// Where it goes, relative to the new site: `content/posts/x.md`.
    pub dest: String,
    /// Its front matter and body.
    pub doc: front_matter::Document,
    /// What it could not carry.
    pub notes: Vec<Note>,
}

impl Doc {
    /// Whether it is a section's `_index.md`.
    pub fn is_section(&self) -> bool {
        let name = self.dest.rsplit('/').next().unwrap_or_default();
        name.starts_with("_index.")
    }
}

/// A leftover of the source itself (its configuration, a folder), at a line.
#[derive(Debug, Clone)]
pub(crate) struct SourceNote {
    /// Relative to the source root.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub help: String,
}

/// A template of the source to port.
#[derive(Debug, Clone, Default)]
pub(crate) struct Template {
    /// What it becomes in folio.
    pub folio: String,
    /// The front matter key that named it.
    pub key: Option<String>,
    /// The new site's files that named it.
    pub named_by: Vec<String>,
}

/// The folio site being made.
#[derive(Debug, Default)]
pub(crate) struct Site {
    /// `folio.yaml`, in the order it is written.
    pub config: Mapping,
    /// Markdown files.
    pub docs: Vec<Doc>,
    /// Data files: destination → YAML text.
    pub data: BTreeMap<String, String>,
    /// Files copied: destination → source path relative to the source root.
    pub copies: BTreeMap<String, String>,
    /// Rewrites made, by kind.
    pub rewrites: BTreeMap<String, usize>,
    /// What the source's configuration and layout left.
    pub notes: Vec<SourceNote>,
    /// Templates to port: source path → folio's name, and the pages whose
    /// key named it.
    pub templates: BTreeMap<String, Template>,
    /// The source root, to copy from.
    pub root: PathBuf,
}

impl Site {
    /// Counts one rewrite of `kind`.
    pub fn count(&mut self, kind: &str, n: usize) {
        if n > 0 {
            *self.rewrites.entry(kind.to_string()).or_default() += n;
        }
    }

    /// Lists a template of the source to port as `folio`.
    pub fn port(&mut self, file: &str, folio: impl Into<String>) {
        self.templates.entry(file.to_string()).or_default().folio = folio.into();
    }

    /// Notes that `dest` named the template `file` with `key`, which was
    /// removed until the template is ported.
    pub fn named(&mut self, file: &str, folio: impl Into<String>, key: &str, dest: &str) {
        let entry = self.templates.entry(file.to_string()).or_default();
        if entry.folio.is_empty() {
            entry.folio = folio.into();
        }
        entry.key = Some(key.to_string());
        entry.named_by.push(dest.to_string());
    }

    /// Adds a note about the source.
    pub fn note(
        &mut self,
        file: &str,
        line: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.notes.push(SourceNote {
            file: file.to_string(),
            line,
            message: message.into(),
            help: help.into(),
        });
    }

    /// Notes what folio would refuse among the files carried over: Git
    /// LFS pointers in place of images, and images of a page bundle that
    /// are not in it (broken on the old site too).
    fn check_files(&mut self) {
        let mut pointers = Vec::new();
        for (dest, from) in &self.copies {
            let mut head = [0u8; 40];
            let read = std::fs::File::open(self.root.join(from))
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head));
            if read.is_ok_and(|n| head[..n].starts_with(b"version https://git-lfs")) {
                pointers.push((dest.clone(), from.clone()));
            }
        }
        for (dest, from) in pointers {
            self.note(
                &from,
                None,
                "this file is a Git LFS pointer, not the file itself",
                "run `git lfs pull` in the source and import again, or replace the file",
            );
            self.copies.remove(&dest);
        }
        let copies = &self.copies;
        for doc in &mut self.docs {
            let Some(dir) = doc.dest.strip_suffix("/index.md") else {
                continue;
            };
            for (offset, src) in bundle_images(&doc.doc.body) {
                let mut path = src.as_str();
                while let Some(rest) = path.strip_prefix("./") {
                    path = rest;
                }
                let path = crate::url::percent_decode(path);
                if !copies.contains_key(&format!("{dir}/{path}")) {
                    doc.notes.push(Note::new(
                        Place::Body(offset),
                        format!("image `{src}` is not in the page's folder (on the old site too)"),
                        "put the image beside the page's `index.md`, or remove it",
                    ));
                }
            }
        }
    }

    /// Writes every file and the report.
    fn finish(
        self,
        generator: Generator,
        style: Option<Style>,
    ) -> (BTreeMap<String, NewFile>, ImportReport) {
        let mut files = BTreeMap::new();
        let mut left = Vec::new();
        for note in &self.notes {
            left.push(Leftover {
                side: Side::Source,
                file: PathBuf::from(&note.file),
                location: note.line.map(|line| Location { line, column: 1 }),
                message: note.message.clone(),
                help: note.help.clone(),
            });
        }
        let mut pages = 0;
        let mut sections = 0;
        for doc in &self.docs {
            let style = style.unwrap_or(doc.doc.style);
            let written = doc.doc.write(style);
            for note in &doc.notes {
                left.push(doc_leftover(doc, note, &written));
            }
            if doc.is_section() {
                sections += 1;
            } else {
                pages += 1;
            }
            files.insert(doc.dest.clone(), NewFile::Text(written.text));
        }
        for (dest, text) in &self.data {
            files.insert(dest.clone(), NewFile::Text(text.clone()));
        }
        for (dest, from) in &self.copies {
            files.insert(dest.clone(), NewFile::Copy(self.root.join(from)));
        }
        let config = format!(
            "# The site's configuration: see the guide's Configuration chapter.\n{}",
            yaml::mapping(&self.config, 0)
        );
        files.insert(CONFIG_FILE.to_string(), NewFile::Text(config));
        left.sort_by(|a, b| {
            (a.side, &a.file, a.location.map(|l| (l.line, l.column))).cmp(&(
                b.side,
                &b.file,
                b.location.map(|l| (l.line, l.column)),
            ))
        });
        left.dedup();
        let templates = self
            .templates
            .into_iter()
            .map(|(file, t)| Port {
                file: PathBuf::from(file),
                folio: t.folio,
                key: t.key,
                named_by: t.named_by.into_iter().map(PathBuf::from).collect(),
            })
            .collect();
        let report = ImportReport {
            generator,
            pages,
            sections,
            data: self.data.len(),
            files: self.copies.len(),
            rewrites: self.rewrites,
            left,
            templates,
        };
        (files, report)
    }
}

fn doc_leftover(doc: &Doc, note: &Note, written: &front_matter::Written) -> Leftover {
    let in_dest = |location: Option<Location>| Leftover {
        side: Side::Site,
        file: PathBuf::from(&doc.dest),
        location,
        message: note.message.clone(),
        help: note.help.clone(),
    };
    match &note.place {
        Place::Body(offset) => in_dest(Some(Location::of_offset(
            &written.text,
            written.body_start + offset,
        ))),
        Place::Key(key) => in_dest(
            front_matter::line_of_key(written, key).map(|line| Location { line, column: 1 }),
        ),
        Place::Source(line) => Leftover {
            side: Side::Source,
            file: PathBuf::from(&doc.source),
            location: Some(Location {
                line: *line,
                column: 1,
            }),
            message: note.message.clone(),
            help: note.help.clone(),
        },
    }
}

/// The relative images of a Markdown body: (offset, path as written).
fn bundle_images(body: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. })
                if !dest_url.is_empty()
                    && !crate::url::is_external(&dest_url)
                    && !dest_url.starts_with(['/', '#', '?', '@']) =>
            {
                Some((
                    range.start,
                    dest_url
                        .split(['?', '#'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ))
            }
            _ => None,
        })
        .collect()
}

/// Reads a configuration file into a YAML value: TOML, YAML or JSON by its
/// extension. YAML goes through `config::parse_yaml`.
pub(crate) fn read_config_file(walk: &Walk, rel: &str) -> Result<Mapping> {
    let text = walk.read(rel)?;
    let path = walk.root.join(rel);
    let value = if rel.ends_with(".toml") {
        let table = toml::de::DeTable::parse(&text).map_err(|e| {
            let location = e.span().map(|s| Location::of_offset(&text, s.start));
            Error::at(
                &path,
                location,
                format!("not valid TOML: {}", e.message().trim_end()),
            )
            .help("fix the TOML syntax at this place")
        })?;
        crate::content::toml_value(&toml::de::DeValue::Table(table.into_inner()))
    } else if rel.ends_with(".json") {
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Error::at(
                &path,
                Some(Location {
                    line: e.line(),
                    column: e.column(),
                }),
                "not valid JSON",
            )
            .cause(e)
            .help("fix the JSON syntax at this place")
        })?;
        serde_yaml::to_value(json).unwrap_or(Value::Null)
    } else if text.trim().is_empty() {
        Value::Null
    } else {
        crate::config::parse_yaml(&text, &path, 1)?
    };
    Ok(match value {
        Value::Mapping(map) => map,
        _ => Mapping::new(),
    })
}

/// The line of a top-level key in a configuration file's text: `key =`
/// (TOML) or `key:` (YAML) at the start of a line; for TOML also `[key]`.
pub(crate) fn config_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let rest = line.strip_prefix(key)?;
            let rest = rest.trim_start();
            (rest.starts_with('=') || rest.starts_with(':')).then_some(i + 1)
        })
        .or_else(|| {
            text.lines().enumerate().find_map(|(i, line)| {
                let rest = line.trim_start().strip_prefix('[')?.strip_prefix(key)?;
                rest.starts_with([']', '.']).then_some(i + 1)
            })
        })
}

/// A data file of the source as YAML text: YAML is kept as written, TOML
/// and JSON are converted; `None` for a format folio cannot hold as data.
pub(crate) fn data_as_yaml(walk: &Walk, rel: &str) -> Result<Option<String>> {
    let ext = rel.rsplit('.').next().unwrap_or_default();
    match ext {
        "yaml" | "yml" => walk.read(rel).map(Some),
        "toml" | "json" => {
            let map = read_config_file(walk, rel)?;
            Ok(Some(yaml::mapping(&map, 0)))
        }
        "csv" | "tsv" => {
            let text = walk.read(rel)?;
            Ok(Some(csv_as_yaml(
                &text,
                if ext == "csv" { ',' } else { '\t' },
            )))
        }
        _ => Ok(None),
    }
}

/// A CSV table as a YAML list of mappings, one per row, as Jekyll reads it.
fn csv_as_yaml(text: &str, separator: char) -> String {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return "[]\n".to_string();
    };
    let names = split_csv(header, separator);
    let rows: Vec<Value> = lines
        .map(|line| {
            let cells = split_csv(line, separator);
            let map: Mapping = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    (
                        Value::String(name.clone()),
                        Value::String(cells.get(i).cloned().unwrap_or_default()),
                    )
                })
                .collect();
            Value::Mapping(map)
        })
        .collect();
    if rows.is_empty() {
        return "[]\n".to_string();
    }
    let mut out = String::new();
    for row in &rows {
        if let Value::Mapping(map) = row {
            let inner = yaml::mapping(map, 2);
            out.push_str("- ");
            out.push_str(inner.trim_start());
        }
    }
    out
}

fn split_csv(line: &str, separator: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// Taxonomy names declared from what the pages use: every key in `keys`
/// that some page's front matter holds.
pub(crate) fn used_keys(docs: &[Doc], keys: &[&str]) -> BTreeSet<String> {
    docs.iter()
        .flat_map(|d| d.doc.keys())
        .filter(|k| keys.contains(&k.as_str()))
        .collect()
}

/// `[{name: tags}, …]` for `folio.yaml`.
pub(crate) fn taxonomy_list(names: &[String]) -> Value {
    Value::Sequence(
        names
            .iter()
            .map(|n| {
                let mut map = Mapping::new();
                map.insert(Value::String("name".into()), Value::String(n.clone()));
                Value::Mapping(map)
            })
            .collect(),
    )
}

/// `Some text` from a file or folder name: `getting-started` → `Getting started`.
pub(crate) fn title_from(name: &str) -> String {
    crate::init::title_from(name)
}

/// Text for a YAML/TOML value that is a scalar.
pub(crate) fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Makes `date` and `updated` dates folio reads: a text Ruby or Go read
/// but folio does not (`2023-01-29 18:30:22 2023 -0800`) keeps its date,
/// time and offset. Returns how many were rewritten; one that cannot be
/// read at all is noted.
pub(crate) fn fix_dates(doc: &mut Doc) -> usize {
    let zone = jiff::tz::TimeZone::UTC;
    let mut fixed = 0;
    for key in ["date", "updated"] {
        let Some(text) = doc.doc.get(key).and_then(value_text) else {
            continue;
        };
        if crate::content::parse_date(&text, &zone).is_ok() {
            continue;
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let offset = words
            .last()
            .filter(|w| w.len() == 5 && w.starts_with(['+', '-']))
            .copied();
        let mut candidates = Vec::new();
        if let (Some(day), Some(time)) = (words.first(), words.get(1)) {
            let time = time.get(..8).unwrap_or(time);
            if let Some(offset) = offset {
                candidates.push(format!("{day} {time} {offset}"));
            }
            candidates.push(format!("{day} {time}"));
        }
        candidates.push(text.get(..10).unwrap_or(&text).to_string());
        match candidates
            .into_iter()
            .find(|c| crate::content::parse_date(c, &zone).is_ok())
        {
            Some(good) => {
                doc.doc.set(key, Value::String(good));
                fixed += 1;
            }
            None => doc.notes.push(Note::new(
                Place::Key(key.to_string()),
                format!("`{key}` is not a date folio reads: \"{text}\""),
                "write the date as YYYY-MM-DD, with a time and offset if needed",
            )),
        }
    }
    fixed
}

/// Puts `value` at `key` in a mapping.
pub(crate) fn put(map: &mut Mapping, key: &str, value: Value) {
    map.insert(Value::String(key.to_string()), value);
}

/// A text value.
pub(crate) fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_mappings_named_by_the_header() {
        assert_eq!(
            csv_as_yaml("name,role\nAda,\"lead, \"\"first\"\"\"\nBob,dev\n", ','),
            "- name: Ada\n  role: lead, \"first\"\n- name: Bob\n  role: dev\n"
        );
    }

    #[test]
    fn config_lines_are_found_for_toml_and_yaml_keys() {
        let toml = "title = \"x\"\n\n[markdown]\nhighlight_code = true\n";
        assert_eq!(config_line(toml, "title"), Some(1));
        assert_eq!(config_line(toml, "markdown"), Some(3));
        assert_eq!(config_line("a: 1\nplugins:\n  - x\n", "plugins"), Some(2));
    }
}
