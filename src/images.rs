//! Images processed at build time: resized, cropped and converted, turned
//! upright by their EXIF orientation with their metadata left behind, and
//! cached in `.folio-cache/images/` under the source's content hash and the
//! operation, so a build that changes no image processes none.
//!
//! Asking for an image (`Images::request`) reads only the source's header,
//! so a page renders at once with the URL and size of what it will get;
//! `Images::finish` then makes every variant the cache lacks, in parallel,
//! one decode per source. The work itself lives in `process` and is pure.
//! Nothing here knows about templates or Markdown; the cache is written by
//! `output` alone.

mod process;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Errors, Result};
use crate::fingerprint::fingerprint;
use crate::output::cache::{self, CACHE_DIR};

pub use process::{
    Format, Kind, MAX_SIDE, MAX_SOURCE_PIXELS, Op, Operation, Plan, Probe, Problem, check_side,
    plan, probe, process, validate,
};

/// Where processed images are published, under the output folder.
pub const OUTPUT_DIR: &str = "processed_images";

/// The cache's folder of processed images, under the site root.
const CACHE_IMAGES: &str = "images";

/// What the last build learnt of each source, under the cache folder.
const INDEX_FILE: &str = "images.json";

/// A processed image as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Its path under the output folder, without the base path.
    pub path: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Its format.
    pub format: Format,
}

/// A processed image ready for the output: where it goes and the cache
/// file that holds its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// Its path under the output folder.
    pub path: String,
    /// The cache file to copy.
    pub file: PathBuf,
    /// The source image, for messages.
    pub origin: PathBuf,
}

/// The images of one build: what pages asked for, and the cache.
pub struct Images {
    root: PathBuf,
    /// `.folio-cache/images/`.
    dir: PathBuf,
    /// What the last build learnt of each source, by path under the root.
    known: HashMap<String, Known>,
    /// Sources read in this build, by absolute path.
    seen: Mutex<HashMap<PathBuf, Seen>>,
    /// Variants asked for, by output path, and those handed on.
    requests: cache::Requests<Wanted>,
    /// Variants made (not found in the cache) so far.
    made: AtomicUsize,
}

/// A source as the index remembers it: the file's size and time, and
/// what its header said. A source whose size and time are unchanged is not
/// read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Known {
    len: u64,
    modified: (u64, u32),
    probe: Probe,
}

#[derive(Debug, Clone)]
enum Seen {
    Read(Known),
    Refused(Problem),
}

#[derive(Debug, Clone)]
struct Wanted {
    source: PathBuf,
    probe: Probe,
    plan: Plan,
    key: u64,
}

impl Images {
    /// Starts the images of a build of the site at `root`, with what the
    /// last build learnt. A missing or unreadable index is empty.
    pub fn new(root: &Path) -> Images {
        let known = std::fs::read(root.join(CACHE_DIR).join(INDEX_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Images {
            root: root.to_path_buf(),
            dir: root.join(CACHE_DIR).join(CACHE_IMAGES),
            known,
            seen: Mutex::default(),
            requests: cache::Requests::default(),
            made: AtomicUsize::new(0),
        }
    }

    /// Reads the header of the image at `source` (an absolute path), once
    /// per build, and not at all when the last build saw the same file.
    pub fn probe(&self, source: &Path) -> std::result::Result<Probe, Problem> {
        if let Some(seen) = lock(&self.seen).get(source) {
            return match seen {
                Seen::Read(known) => Ok(known.probe),
                Seen::Refused(problem) => Err(problem.clone()),
            };
        }
        let seen = self.read(source);
        lock(&self.seen).insert(source.to_path_buf(), seen.clone());
        match seen {
            Seen::Read(known) => Ok(known.probe),
            Seen::Refused(problem) => Err(problem),
        }
    }

    fn read(&self, source: &Path) -> Seen {
        let shown = self.shown(source);
        let refused = |message: String, help: &str| {
            Seen::Refused(Problem {
                message: format!("image `{shown}` {message}"),
                help: help.to_string(),
            })
        };
        let meta = match std::fs::metadata(source) {
            Ok(meta) if meta.is_file() => meta,
            Ok(_) => return refused("is not a file".to_string(), "name an image file"),
            Err(e) => {
                return refused(
                    format!("cannot be read: {e}"),
                    "check the path, and that the file is readable",
                );
            }
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
        if let Some(known) = self.known.get(&shown)
            && known.len == meta.len()
            && known.modified == modified
        {
            return Seen::Read(*known);
        }
        let bytes = match std::fs::read(source) {
            Ok(bytes) => bytes,
            Err(e) => {
                return refused(
                    format!("cannot be read: {e}"),
                    "check that the file is readable",
                );
            }
        };
        // A source new to the cache is decoded once here, so that a corrupt
        // one is refused where a page asks for it, at its line; the index
        // then spares the next builds this.
        match probe(&bytes).and_then(|probe| validate(&bytes, &probe).map(|()| probe)) {
            Ok(probe) => Seen::Read(Known {
                len: meta.len(),
                modified,
                probe,
            }),
            Err(problem) => refused(problem.message, &problem.help),
        }
    }

    /// Asks for `operation` on the image at `source`: returns what the page
    /// gets at once, and makes it in `finish`.
    pub fn request(
        &self,
        source: &Path,
        operation: &Operation,
    ) -> std::result::Result<Processed, Problem> {
        let probe = self.probe(source)?;
        let plan = plan(&probe, operation)?;
        let key = plan.key(probe.hash);
        let stem = source
            .file_stem()
            .and_then(|s| s.to_str())
            .map(slug::slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "image".to_string());
        let path = format!(
            "{OUTPUT_DIR}/{stem}-{}x{}.{key:016x}.{}",
            plan.width,
            plan.height,
            plan.format.extension()
        );
        self.requests.want(
            path.clone(),
            Wanted {
                source: source.to_path_buf(),
                probe,
                plan,
                key,
            },
        );
        Ok(Processed {
            path,
            width: plan.width,
            height: plan.height,
            format: plan.format,
        })
    }

    /// Makes every variant asked for since the last call that the cache
    /// lacks, and returns all of them, ready to copy into the output.
    pub fn finish(&self) -> std::result::Result<Vec<Made>, Errors> {
        let fresh = self.requests.fresh();
        let mut by_source: BTreeMap<&Path, Vec<&Wanted>> = BTreeMap::new();
        // A variant several outputs share is made once.
        let mut seen = std::collections::HashSet::new();
        for (_, wanted) in &fresh {
            let name = cache_name(wanted);
            if !self.dir.join(&name).is_file() && seen.insert(name) {
                by_source.entry(&wanted.source).or_default().push(wanted);
            }
        }
        let errors: Vec<Error> = by_source
            .into_par_iter()
            .filter_map(|(source, variants)| self.make(source, &variants).err())
            .collect();
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        Ok(fresh
            .into_iter()
            .map(|(path, wanted)| Made {
                path,
                file: self.dir.join(cache_name(&wanted)),
                origin: PathBuf::from(self.shown(&wanted.source)),
            })
            .collect())
    }

    /// Decodes one source and writes every variant asked of it to the cache.
    fn make(&self, source: &Path, variants: &[&Wanted]) -> Result<()> {
        let shown = self.shown(source);
        let bytes = std::fs::read(source).map_err(|e| {
            Error::at(&shown, None, "cannot read the image")
                .cause(e)
                .help("check that the file is readable")
        })?;
        let probe = variants[0].probe;
        if fingerprint(&bytes) != probe.hash {
            return Err(
                Error::at(&shown, None, "the image changed while the site was built")
                    .help("build again"),
            );
        }
        let plans: Vec<Plan> = variants.iter().map(|v| v.plan).collect();
        let made = process(&bytes, &probe, &plans).map_err(|problem| {
            Error::at(&shown, None, format!("image `{shown}` {}", problem.message))
                .help(problem.help)
        })?;
        for (wanted, bytes) in variants.iter().zip(made) {
            cache::write(&self.dir, &cache_name(wanted), &bytes)?;
            self.made.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// How many variants were made rather than found in the cache.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// After a whole build: keeps in the cache only what this build used,
    /// and remembers the sources it read.
    pub fn prune(&self) -> Result<()> {
        let keep = self.requests.names(cache_name);
        cache::prune(&self.dir, &keep)?;
        let index: BTreeMap<String, Known> = lock(&self.seen)
            .iter()
            .filter_map(|(source, seen)| match seen {
                Seen::Read(known) => Some((self.shown(source), *known)),
                Seen::Refused(_) => None,
            })
            .collect();
        let unchanged = index.len() == self.known.len()
            && index.iter().all(|(k, v)| self.known.get(k) == Some(v));
        if unchanged {
            return Ok(());
        }
        let text = serde_json::to_vec(&index)
            .map_err(|e| Error::msg("cannot write the image index").cause(e))?;
        cache::write(&self.root.join(CACHE_DIR), INDEX_FILE, &text)?;
        Ok(())
    }

    /// A source's path under the site root, as messages show it.
    fn shown(&self, source: &Path) -> String {
        source
            .strip_prefix(&self.root)
            .unwrap_or(source)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

fn cache_name(wanted: &Wanted) -> String {
    format!("{:016x}.{}", wanted.key, wanted.plan.format.extension())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
