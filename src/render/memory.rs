//! What a render leaves for the next one, when the site is kept for edits:
//! every value files read, what each file and each body read, by names that
//! survive an edit (a page's source path, a term's slug, a file's output
//! path), never by index, since adding a page moves every index after it.
//!
//! `Memory::changed` then tells, for a value a file read, whether the new
//! render's value differs. Values are compared, not reasoned about: lists
//! share their pages' listings, so an unchanged list compares in one step.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use tera::Value;

use crate::content::Content;

use super::bodies::Facts;
use super::deps::{Dep, Reads};
use super::statics::StaticFile;
use super::values::{Model, TermRefs};

/// A value a file read, by a name that survives an edit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A page's whole value, by source path.
    Page(String),
    /// A section with its pages, by source path.
    Section(String),
    /// A section's own fields, by source path.
    SectionMeta(String),
    /// `site`.
    Site,
    /// A static file's fingerprint, by output path.
    Asset(String),
    /// An image file.
    File(PathBuf),
}

/// What one file, or one body, read and asked for.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The values it read.
    pub keys: Vec<Key>,
    /// Output files of images and cards it asked for.
    pub made: Vec<String>,
}

impl Record {
    /// Names what `reads` recorded by index in `content`.
    pub fn of(reads: Reads, content: &Content) -> Record {
        let mut keys: Vec<Key> = reads
            .deps
            .iter()
            .filter_map(|dep| key(*dep, content))
            .collect();
        keys.extend(reads.assets.into_iter().map(Key::Asset));
        keys.extend(reads.files.into_iter().map(Key::File));
        Record {
            keys,
            made: reads.made,
        }
    }
}

/// The stable name of `dep` in `content`.
fn key(dep: Dep, content: &Content) -> Option<Key> {
    let page = |i: usize| content.pages.get(i).map(|p| p.relative_path.clone());
    let section = |s: usize| content.sections.get(s).map(|x| x.relative_path.clone());
    Some(match dep {
        Dep::Page(i) => Key::Page(page(i)?),
        Dep::Section(s) => Key::Section(section(s)?),
        Dep::SectionMeta(s) => Key::SectionMeta(section(s)?),
    })
}

/// What a page's body left: enough to list the page and check its links
/// without rendering its Markdown again.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The summary's HTML.
    pub summary: Option<String>,
    /// Words of text.
    pub word_count: usize,
    /// A fingerprint of its HTML and headings.
    pub print: u64,
    /// What link checks and warnings need.
    pub facts: Facts,
    /// The shortcodes it calls.
    pub shortcodes: Vec<String>,
    /// What its shortcodes and images read.
    pub record: Record,
    /// The value its shortcodes saw, when it calls any.
    pub seen: Option<Value>,
    /// Its HTML, when a feed shows the page.
    pub feed_html: Option<String>,
}

/// One page, as the last render left it.
#[derive(Debug, Clone)]
pub struct PageMemory {
    /// Its URL path, without the base path.
    pub url: String,
    /// Its listing.
    pub listing: Value,
    /// What its body left.
    pub body: Arc<Body>,
    /// The hash of its front matter when it was read.
    pub front_matter_hash: u64,
    /// Its value as its neighbours show it (`previous`, `next`).
    pub light: Value,
    /// Its place among the pages, and its neighbours' places.
    pub index: usize,
    pub around: (Option<usize>, Option<usize>),
}

/// One section, as the last render left it.
#[derive(Debug, Clone)]
pub struct SectionMemory {
    /// Its URL path, without the base path.
    pub url: String,
    /// A fingerprint of its body's text and place.
    pub text: u64,
    /// Its body's HTML and table of contents, as values.
    pub html: (Value, Value),
    /// What its body left.
    pub body: Arc<Body>,
}

/// One output file of a template, as the last render left it.
#[derive(Debug, Clone)]
pub struct JobMemory {
    /// The template it was rendered with.
    pub template: String,
    /// What it read and asked for.
    pub record: Record,
    /// The values it was handed, for a list (a page's is its page value).
    pub handed: Option<Vec<Value>>,
}

/// Everything the last render left.
pub struct Memory {
    /// Pages by source path.
    pub pages: HashMap<String, PageMemory>,
    /// Sections by source path.
    pub sections: HashMap<String, SectionMemory>,
    /// Template outputs by output path.
    pub jobs: HashMap<String, Arc<JobMemory>>,
    /// The values lists and lookups hand out.
    pub values: Values,
    /// The static files, with their fingerprints.
    pub statics: BTreeMap<String, StaticFile>,
    /// Whether folio writes `highlight.css`, and whether it holds the
    /// palette yet.
    pub palette: Option<bool>,
    /// Every file the site has, by output path.
    pub outputs: Arc<HashSet<String>>,
    /// The terms as pages list them.
    pub term_refs: TermRefs,
}

/// The shared values of one render, by stable name.
#[derive(Debug, Clone)]
pub struct Values {
    /// `config` as each language sees it, the default first.
    pub configs: Vec<Value>,
    /// `data`.
    pub data: Value,
    /// Sections with their pages.
    pub sections: HashMap<String, Value>,
    /// Sections' own fields.
    pub section_meta: HashMap<String, Value>,
    /// `site`.
    pub site: Value,
}

impl Default for Values {
    fn default() -> Values {
        Values {
            configs: Vec::new(),
            data: Value::none(),
            sections: HashMap::new(),
            section_meta: HashMap::new(),
            site: Value::none(),
        }
    }
}

impl Values {
    /// Names the values of `model`.
    pub fn of(model: &Model, content: &Content) -> Values {
        let by_section = |values: &[Value]| {
            content
                .sections
                .iter()
                .zip(values)
                .map(|(s, v)| (s.relative_path.clone(), v.clone()))
                .collect()
        };
        Values {
            configs: model.configs(),
            data: model.data.clone(),
            sections: by_section(&model.sections),
            section_meta: by_section(&model.section_meta),
            site: model.site.clone(),
        }
    }
}

/// What differs between the last render and this one. The shared values
/// are compared once here, not once for each file that read them.
pub struct Changes<'a> {
    /// Pages whose whole value differs, by source path (new, removed,
    /// their body or their listing changed).
    pages: &'a PageChanges,
    /// Static files whose fingerprint differs, by output path.
    assets: &'a HashSet<String>,
    /// Image files that changed.
    files: &'a HashSet<PathBuf>,
    /// Sections whose value with their pages differs.
    sections: HashSet<String>,
    /// Those that differ beyond their pages' neighbours.
    sections_beyond: HashSet<String>,
    /// Sections whose own fields differ.
    section_meta: HashSet<String>,
    /// Whether `site` differs.
    site: bool,
    /// Whether it differs beyond its pages' neighbours.
    site_beyond: bool,
}

impl<'a> Changes<'a> {
    /// Compares the last render's values, `old`, with this one's. `pages`
    /// holds both views of the pages that changed: any change, and a change
    /// beyond their neighbours.
    pub fn new(
        old: &Values,
        new: &Values,
        pages: &'a PageChanges,
        assets: &'a HashSet<String>,
        files: &'a HashSet<PathBuf>,
    ) -> Changes<'a> {
        let sections: HashSet<String> = old
            .sections
            .keys()
            .chain(new.sections.keys())
            .filter(|k| old.sections.get(*k) != new.sections.get(*k))
            .cloned()
            .collect();
        let sections_beyond = sections
            .iter()
            .filter(|k| match (old.sections.get(*k), new.sections.get(*k)) {
                (Some(a), Some(b)) => !same_but_neighbours(a, b),
                _ => true,
            })
            .cloned()
            .collect();
        let site = old.site != new.site;
        Changes {
            pages,
            assets,
            files,
            sections,
            sections_beyond,
            section_meta: old
                .section_meta
                .keys()
                .chain(new.section_meta.keys())
                .filter(|k| old.section_meta.get(*k) != new.section_meta.get(*k))
                .cloned()
                .collect(),
            site,
            site_beyond: site && !same_but_neighbours(&old.site, &new.site),
        }
    }

    /// Whether a file that read `key` may show something else now; one
    /// whose templates never name `previous` or `next` (`neighbours`
    /// false) cannot show a change of pages' neighbours alone.
    pub fn shows(&self, key: &Key, neighbours: bool) -> bool {
        match key {
            Key::Page(p) => self.pages.seen(neighbours).contains(p),
            Key::Section(s) if neighbours => self.sections.contains(s),
            Key::Section(s) => self.sections_beyond.contains(s),
            Key::SectionMeta(s) => self.section_meta.contains(s),
            Key::Site if neighbours => self.site,
            Key::Site => self.site_beyond,
            Key::Asset(path) => self.assets.contains(path),
            Key::File(path) => self.files.contains(path),
        }
    }

    /// Whether any of `record`'s values changed, as `shows` tells.
    pub fn shows_any(&self, record: &Record, neighbours: bool) -> bool {
        record.keys.iter().any(|k| self.shows(k, neighbours))
    }
}

/// The pages whose whole value changed, by source path: any change, and a
/// change beyond their neighbours (`previous`, `next`).
#[derive(Debug, Default)]
pub struct PageChanges {
    pub any: HashSet<String>,
    pub beyond: HashSet<String>,
}

impl PageChanges {
    /// Counts page `path` as changed, beyond its neighbours or not.
    pub fn add(&mut self, path: &str, beyond: bool) {
        self.any.insert(path.to_string());
        if beyond {
            self.beyond.insert(path.to_string());
        }
    }

    /// The pages changed as a file whose templates do (`neighbours`) or do
    /// not name `previous`/`next` can tell.
    pub fn seen(&self, neighbours: bool) -> &HashSet<String> {
        if neighbours { &self.any } else { &self.beyond }
    }
}

/// Whether `a` and `b` differ to a file whose templates do (`neighbours`)
/// or do not name `previous`/`next`.
pub fn differ(a: &[Value], b: &[Value], neighbours: bool) -> bool {
    if neighbours {
        a != b
    } else {
        a.len() != b.len() || a.iter().zip(b).any(|(a, b)| !same_but_neighbours(a, b))
    }
}

/// Whether two values are equal but for what maps hold under `previous`
/// and `next`: the same to a template that names neither. Values shared
/// between the two compare in one step.
pub fn same_but_neighbours(a: &Value, b: &Value) -> bool {
    match (a.as_map(), b.as_map(), a.as_array(), b.as_array()) {
        (Some(x), Some(y), ..) => {
            std::ptr::eq(x, y)
                || (x.len() == y.len()
                    && x.iter().all(|(key, value)| match y.get(key) {
                        Some(_) if matches!(key.as_str(), Some("previous" | "next")) => true,
                        Some(other) => same_but_neighbours(value, other),
                        None => false,
                    }))
        }
        (_, _, Some(x), Some(y)) => {
            std::ptr::eq(x, y)
                || (x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_but_neighbours(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_that_shares_its_listings_compares_equal_and_a_new_listing_does_not() {
        let listing = Value::from(vec![Value::from("a"), Value::from("b")]);
        let old = Values {
            site: Value::from(vec![listing.clone()]),
            ..Values::default()
        };
        let same = Values {
            site: Value::from(vec![listing]),
            ..Values::default()
        };
        let other = Values {
            site: Value::from(vec![Value::from(vec![Value::from("a"), Value::from("c")])]),
            ..Values::default()
        };
        let pages = PageChanges::default();
        let empty = HashSet::new();
        let files = HashSet::new();
        let changes = |new| Changes::new(&old, new, &pages, &empty, &files);
        assert!(!changes(&same).shows(&Key::Site, true));
        assert!(changes(&other).shows(&Key::Site, true));
        assert!(!changes(&other).shows(&Key::Section("posts/_index.md".into()), true));
    }

    #[test]
    fn values_that_differ_only_in_neighbours_are_the_same_to_a_template_that_names_none() {
        let page = |title: &str, next: &str| {
            let mut map = tera::Map::default();
            map.insert("title".into(), Value::from(title));
            map.insert("next".into(), Value::from(next));
            Value::from(map)
        };
        let list = |pages: Vec<Value>| Value::from(pages);
        let before = list(vec![page("A", "B"), page("B", "C")]);
        assert!(same_but_neighbours(
            &before,
            &list(vec![page("A", "X"), page("B", "C")])
        ));
        assert!(!same_but_neighbours(
            &before,
            &list(vec![page("Z", "B"), page("B", "C")])
        ));
        assert!(!same_but_neighbours(&before, &list(vec![page("A", "B")])));
        assert!(same_but_neighbours(&before, &before.clone()));
    }
}
