//! The last build's stamp, `.folio-cache/last-build`: what a whole build
//! read and wrote, so that a build finding all of it as it was renders
//! nothing and writes nothing.
//!
//! What a build reads is taken to be every file under the site root but the
//! output folder, its spare trees and the dot-entries at the top (`.git`,
//! `.folio-cache`): each one's path, size, and modification and change
//! times. What it wrote is every file of the output folder's manifest and
//! every folder above one, with the same and their inodes, so an output file
//! added, deleted, edited or replaced is made again. A file's change time
//! cannot be set back, so even an edit that keeps a file's size and
//! modification time is seen. The binary, the options and the resolved
//! configuration's paths are in the stamp too, and so is the date of the
//! first page left out for being dated in the future: when it has come,
//! the site is built again.
//!
//! A source changed less than two seconds before the build started may have
//! changed during it, at a time its file system cannot tell from the build's
//! own: no stamp is written then, and the next build renders everything. The stamp is written only
//! after a build that put its output in place with no warning (warnings are
//! said again by the next build). A stamp that cannot be read, or written,
//! only means the next build renders everything.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::build::BuildOptions;
use crate::config::Config;
use crate::fingerprint::fingerprint;
use crate::output::{self, cache};

/// The stamp's file name in the build cache.
pub const STAMP: &str = "last-build";

/// The stamp's first line: what the file is, and the format's version.
const HEADER: &str = "# folio last build 1: what it read and wrote";

/// How long before a build started a file may have changed at a time its
/// file system does not tell from the build's (coarse clocks, FAT's two
/// seconds).
const UNSURE: Duration = Duration::from_secs(2);

/// What the last build made, as its summary says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
    /// Files in the output.
    pub files: usize,
    /// Drafts and future pages left out.
    pub left_out: usize,
}

/// One build's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The binary, the options and the paths the build used.
    pub key: u64,
    /// The date of the first page left out for being in the future, in
    /// seconds since the epoch.
    pub publish: Option<i64>,
    /// What the build made.
    pub counts: Counts,
    /// The files under the site root, as the build left them.
    pub inputs: u64,
    /// The output folder's files, as the build left them.
    pub outputs: u64,
}

/// The last build's counts, when nothing it read or wrote has changed
/// since and no page it left out is due.
pub fn unchanged(config: &Config, options: &BuildOptions) -> Option<Counts> {
    let text = std::fs::read_to_string(stamp_path(config)).ok()?;
    let stamp = Stamp::parse(&text)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    if stamp.key != key(config, options)?
        || stamp
            .publish
            .is_some_and(|date| now.as_secs() as i64 >= date)
        || !config.output_dir.join(output::MANIFEST).is_file()
    {
        return None;
    }
    let (inputs, outputs) = rayon::join(|| inputs(config), || outputs(&config.output_dir));
    (stamp.outputs == outputs? && stamp.inputs == inputs?.hash).then_some(stamp.counts)
}

/// Records a build that started at `started` and has just put its output
/// in place. Nothing is recorded when a file under the site root changed
/// too close to the start to tell, or the stamp cannot be written.
pub fn record(
    config: &Config,
    options: &BuildOptions,
    started: SystemTime,
    publish: Option<i64>,
    counts: Counts,
) {
    let Ok(started) = started.duration_since(UNIX_EPOCH) else {
        return;
    };
    let started = started.as_nanos();
    let (inputs, outputs) = rayon::join(|| inputs(config), || outputs(&config.output_dir));
    let (Some(key), Some(inputs), Some(outputs)) = (key(config, options), inputs, outputs) else {
        return;
    };
    if inputs.newest + UNSURE.as_nanos() >= started {
        return;
    }
    let stamp = Stamp {
        key,
        publish,
        counts,
        inputs: inputs.hash,
        outputs,
    };
    // A stamp left unwritten costs the next build its time, nothing else.
    let _ = cache::write(
        &config.root.join(cache::CACHE_DIR),
        STAMP,
        stamp.text().as_bytes(),
    );
}

impl Stamp {
    /// The stamp as its file holds it.
    pub fn text(&self) -> String {
        let Counts {
            pages,
            sections,
            files,
            left_out,
        } = self.counts;
        let publish = self.publish.map_or("-".to_string(), |d| d.to_string());
        format!(
            "{HEADER}\nkey {:016x}\npublish {publish}\ncounts {pages} {sections} {files} {left_out}\ninputs {:016x}\noutputs {:016x}\n",
            self.key, self.inputs, self.outputs
        )
    }

    /// Reads a stamp's text; a damaged or older one is none.
    pub fn parse(text: &str) -> Option<Stamp> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut field = |name: &str| {
            let line = lines.next()?;
            line.strip_prefix(name)?.strip_prefix(' ')
        };
        let hex = |value: &str| (value.len() == 16).then(|| u64::from_str_radix(value, 16).ok())?;
        let key = hex(field("key")?)?;
        let publish = match field("publish")? {
            "-" => None,
            date => Some(date.parse().ok()?),
        };
        let counts: Vec<usize> = (field("counts")?.split(' '))
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        let [pages, sections, files, left_out] = counts[..] else {
            return None;
        };
        Some(Stamp {
            key,
            publish,
            counts: Counts {
                pages,
                sections,
                files,
                left_out,
            },
            inputs: hex(field("inputs")?)?,
            outputs: hex(field("outputs")?)?,
        })
    }
}

fn stamp_path(config: &Config) -> PathBuf {
    config.root.join(cache::CACHE_DIR).join(STAMP)
}

/// The fingerprint of what, besides the files, makes a build's output: the
/// binary, the options and the resolved paths and addresses.
fn key(config: &Config, options: &BuildOptions) -> Option<u64> {
    let binary = std::env::current_exe().ok()?.metadata().ok()?;
    let text = format!(
        "{} {} {} {}\n{}\n{}\n{}\n{}\n{} {} {} {:?}",
        env!("CARGO_PKG_VERSION"),
        binary.len(),
        binary.mtime(),
        binary.mtime_nsec(),
        config.root.display(),
        config.output_dir.display(),
        config.base_url,
        config.published_url,
        options.include_drafts,
        options.include_future,
        options.stable_assets,
        options.inject,
    );
    Some(fingerprint(text.as_bytes()))
}

/// The files under the site root, taken together.
struct Inputs {
    /// The fingerprint of every path, size, modification and change time.
    hash: u64,
    /// The latest change time, in nanoseconds since the epoch.
    newest: u128,
}

/// Walks the site root; none when a file cannot be read (the build that
/// follows says what is wrong with it).
fn inputs(config: &Config) -> Option<Inputs> {
    let output = &config.output_dir;
    let spares = output.parent().map(Path::to_path_buf);
    let spare_prefix = format!(".{}.folio-", output.file_name()?.to_string_lossy());
    let skipped = |entry: &walkdir::DirEntry| {
        let name = entry.file_name().to_string_lossy();
        entry.depth() == 1 && name.starts_with('.')
            || entry.path() == output
            || name.starts_with(&spare_prefix) && entry.path().parent() == spares.as_deref()
    };
    let walker = WalkDir::new(&config.root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skipped(e));
    let mut each = Vec::with_capacity(1024);
    let mut newest = 0;
    for entry in walker {
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        let path = entry.path().strip_prefix(&config.root).ok()?;
        // A folder's time changes with what it holds; only its name counts.
        if meta.is_dir() {
            each.push(fingerprint(path.as_os_str().as_encoded_bytes()));
            continue;
        }
        newest = newest.max(changed(&meta));
        each.push(entry_fingerprint(path, &meta, 0));
    }
    Some(Inputs {
        hash: fingerprint_all(&each),
        newest,
    })
}

/// The fingerprint of the output folder as its manifest lists it: each
/// listed file's path, size, modification time and inode, and each folder's
/// modification time and inode (a file added or removed changes its
/// folder's), the manifest's own included; none when the folder or a listed
/// file is missing.
fn outputs(dir: &Path) -> Option<u64> {
    let listed: Vec<PathBuf> = output::manifest(dir).ok()??;
    let mut folders: Vec<&Path> = (listed.iter())
        .flat_map(|path| path.ancestors().skip(1))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    let manifest = Path::new(output::MANIFEST);
    let state = |path: &Path, folder: bool| {
        let meta = std::fs::symlink_metadata(dir.join(path)).ok()?;
        (meta.is_dir() == folder && (folder || meta.is_file()))
            .then(|| entry_fingerprint(path, &meta, meta.ino()))
    };
    let states: Vec<u64> = (folders.par_iter().map(|path| (*path, true)))
        .chain([(manifest, false)])
        .chain(listed.par_iter().map(|path| (path.as_path(), false)))
        .map(|(path, folder)| state(path, folder))
        .collect::<Option<_>>()?;
    Some(fingerprint_all(&states))
}

/// The fingerprint of one file or folder: its path, size, modification
/// and change times, and `extra`.
fn entry_fingerprint(path: &Path, meta: &std::fs::Metadata, extra: u64) -> u64 {
    let mut bytes = Vec::with_capacity(path.as_os_str().len() + 40);
    bytes.extend_from_slice(path.as_os_str().as_encoded_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&meta.len().to_le_bytes());
    bytes.extend_from_slice(&modified(meta).to_le_bytes());
    bytes.extend_from_slice(&changed(meta).to_le_bytes());
    bytes.extend_from_slice(&extra.to_le_bytes());
    fingerprint(&bytes)
}

/// The fingerprint of fingerprints, in order.
fn fingerprint_all(each: &[u64]) -> u64 {
    let bytes: Vec<u8> = each.iter().flat_map(|f| f.to_le_bytes()).collect();
    fingerprint(&bytes)
}

/// A file's change time (of its bytes or its metadata) in nanoseconds
/// since the epoch (0 before it).
fn changed(meta: &std::fs::Metadata) -> u128 {
    u128::try_from(meta.ctime()).map_or(0, |s| s * 1_000_000_000)
        + u128::try_from(meta.ctime_nsec()).unwrap_or(0)
}

/// A file's modification time in nanoseconds since the epoch (0 before it).
fn modified(meta: &std::fs::Metadata) -> u128 {
    (meta.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp {
            key: 0xfeed,
            publish: Some(1_790_000_000),
            counts: Counts {
                pages: 10,
                sections: 2,
                files: 15,
                left_out: 1,
            },
            inputs: 0xabc,
            outputs: u64::MAX,
        }
    }

    #[test]
    fn a_stamp_reads_back_as_written() {
        let stamp = stamp();
        assert_eq!(Stamp::parse(&stamp.text()), Some(stamp.clone()));
        let none_due = Stamp {
            publish: None,
            ..stamp
        };
        assert_eq!(Stamp::parse(&none_due.text()), Some(none_due));
    }

    #[test]
    fn a_source_changed_near_the_build_s_start_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("folio.yaml"), "base_url: https://e.com/\n").unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/_index.md"), "# Home\n").unwrap();
        let config = crate::config::load(dir.path(), &crate::config::Overrides::default()).unwrap();
        let options = BuildOptions::default();
        crate::build::build(&config, &options).unwrap();
        let stamp = stamp_path(&config);
        let _ = std::fs::remove_file(&stamp);
        let newest = inputs(&config).unwrap().newest;
        let at = |nanos: u128| UNIX_EPOCH + Duration::from_nanos(nanos.try_into().unwrap());
        let counts = Counts::default();
        record(
            &config,
            &options,
            at(newest + UNSURE.as_nanos()),
            None,
            counts,
        );
        assert!(
            !stamp.exists(),
            "a source changed two seconds before the start"
        );
        assert_eq!(unchanged(&config, &options), None);
        record(
            &config,
            &options,
            at(newest + UNSURE.as_nanos() + 1),
            None,
            counts,
        );
        assert!(stamp.exists());
        assert_eq!(unchanged(&config, &options), Some(counts));
    }

    #[test]
    fn a_damaged_or_older_stamp_is_none() {
        let text = stamp().text();
        assert_eq!(Stamp::parse(""), None);
        assert_eq!(
            Stamp::parse(&text.replace("folio last build 1", "folio last build 0")),
            None
        );
        assert_eq!(
            Stamp::parse(&text.replace("counts 10 2 15 1", "counts 10 2 15")),
            None
        );
        assert_eq!(
            Stamp::parse(&text.replace("key 000000000000feed", "key zz")),
            None
        );
        let cut = &text[..text.len() - 10];
        assert_eq!(Stamp::parse(cut), None);
    }
}
