//! The build cache, `.folio-cache/` at the site root: files folio made once
//! (processed images, social cards) and keeps so the next build need not
//! make them again.
//!
//! Each file is written whole (a temporary file renamed over the name), so
//! a reader sees the old bytes or the new ones, never a part. Pruning
//! removes only the regular files of one cache folder that the last build
//! did not use, and never follows a link.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::output::lock;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".folio-cache";

/// Suffix of a cache file being written.
const PARTIAL: &str = ".partial";

/// What a build asked a cache for, by output path, and which of those
/// requests `fresh` has handed on already. Images and cards keep one each.
pub struct Requests<W> {
    wanted: Mutex<BTreeMap<String, W>>,
    handed: Mutex<HashSet<String>>,
}

impl<W> Default for Requests<W> {
    fn default() -> Self {
        Requests {
            wanted: Mutex::default(),
            handed: Mutex::default(),
        }
    }
}

impl<W: Clone> Requests<W> {
    /// Records that the output at `path` is made as `wanted` says.
    pub fn want(&self, path: String, wanted: W) {
        lock(&self.wanted).insert(path, wanted);
    }

    /// The requests not handed on before, in path order; they count as
    /// handed on from now.
    pub fn fresh(&self) -> Vec<(String, W)> {
        let wanted = lock(&self.wanted);
        let mut handed = lock(&self.handed);
        wanted
            .iter()
            .filter(|(path, _)| handed.insert((*path).clone()))
            .map(|(path, w)| (path.clone(), w.clone()))
            .collect()
    }

    /// The cache file name of every request, for `prune`.
    pub fn names(&self, name: impl Fn(&W) -> String) -> HashSet<String> {
        lock(&self.wanted).values().map(name).collect()
    }
}

/// Writes `bytes` as `dir/name`, whole, and returns the file's path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let target = dir.join(name);
    let fail = |what: &str, e: std::io::Error| {
        Error::at(&target, None, format!("cannot {what} in the build cache"))
            .cause(e)
            .help(format!(
                "free some disk space, or delete `{CACHE_DIR}/` and build again"
            ))
    };
    refuse_link(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| fail("create the folder", e))?;
    // The process id and a count keep two folio processes, or two threads
    // writing the same entry, from writing one temporary file: the second
    // would truncate the first's, and its rename find it gone.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let temporary = dir.join(format!(
        "{name}.{}-{}{PARTIAL}",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, &target));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail("write a file", e)
    })?;
    Ok(target)
}

/// Removes the regular files directly in `dir` whose names `keep` lacks,
/// and returns how many it removed. A missing folder holds nothing.
pub fn prune(dir: &Path, keep: &HashSet<String>) -> Result<usize> {
    refuse_link(dir)?;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(Error::at(dir, None, "cannot read the build cache").cause(e));
        }
    };
    let mut removed = 0;
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::at(dir, None, "cannot read the build cache").cause(e))?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let name = entry.file_name();
        let kept = name.to_str().is_some_and(|n| keep.contains(n));
        if is_file && !kept {
            std::fs::remove_file(entry.path()).map_err(|e| {
                Error::at(entry.path(), None, "cannot remove an unused cache file").cause(e)
            })?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A folder of the cache that one build alone uses for files it needs
/// only while it runs; removed when dropped. One a killed build left is
/// removed by the next `Scratch::new` of the same name.
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Makes `.folio-cache/<name>-<process id>/` under `root`, empty,
    /// after removing the ones of `name` whose process has ended.
    pub fn new(root: &Path, name: &str) -> Result<Scratch> {
        let cache = root.join(CACHE_DIR);
        refuse_link(&cache)?;
        let prefix = format!("{name}-");
        if let Ok(entries) = std::fs::read_dir(&cache) {
            for entry in entries.flatten() {
                let file_name = entry.file_name();
                let owner = file_name
                    .to_str()
                    .and_then(|n| n.strip_prefix(&prefix))
                    .and_then(|pid| pid.parse::<i32>().ok());
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if let Some(pid) = owner.filter(|pid| is_dir && !is_running(*pid)) {
                    let _ = std::fs::remove_dir_all(cache.join(format!("{prefix}{pid}")));
                }
            }
        }
        let dir = cache.join(format!("{prefix}{}", std::process::id()));
        let made = match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => std::fs::create_dir_all(&dir),
        };
        made.map_err(|e| {
            Error::at(
                &dir,
                None,
                "cannot make a working folder in the build cache",
            )
            .cause(e)
            .help(format!(
                "free some disk space, or delete `{CACHE_DIR}/` and build again"
            ))
        })?;
        Ok(Scratch { dir })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` as the file `name` of the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::write(self.dir.join(name), bytes)
    }

    /// Moves the file `name` of the folder to `relative` under it, making
    /// the folders on the way.
    pub fn place(&self, name: &str, relative: &str) -> std::io::Result<PathBuf> {
        let target = self.dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(self.dir.join(name), &target)?;
        Ok(target)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether a process with this id is running.
fn is_running(pid: i32) -> bool {
    // 0 and a negative number name process groups to `kill`, never one
    // process: no folio process made such a folder.
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether `pid` exists.
    let status = unsafe { libc::kill(pid, 0) };
    status == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Refuses a cache folder that is a link: the cache is written where the
/// site is, never through a link to somewhere else.
fn refuse_link(dir: &Path) -> Result<()> {
    for folder in dir.ancestors() {
        if std::fs::symlink_metadata(folder).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::at(
                folder,
                None,
                "this folder of the build cache is a link, and folio never writes through one",
            )
            .help(format!(
                "remove the link (or all of `{CACHE_DIR}/`), then build again"
            )));
        }
        if folder.file_name().is_some_and(|n| n == CACHE_DIR) {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_is_written_whole_and_unused_ones_are_pruned() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(CACHE_DIR).join("images");
        let kept = write(&dir, "a.webp", b"a").unwrap();
        write(&dir, "b.webp", b"b").unwrap();
        std::fs::create_dir(dir.join("folder")).unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"a");
        let keep: HashSet<String> = ["a.webp".to_string()].into();
        assert_eq!(prune(&dir, &keep).unwrap(), 1);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, vec!["a.webp", "folder"]);
        assert_eq!(prune(&root.path().join("none"), &keep).unwrap(), 0);
    }

    // Issue #27, point 9: several pages sharing a social card wrote its
    // cache entry at once, through one temporary file, and one build in
    // 30 failed.
    #[test]
    fn one_entry_written_by_many_threads_at_once_is_written_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(CACHE_DIR).join("cards");
        let bytes = vec![7u8; 64 * 1024];
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        write(&dir, "shared.png", &bytes).unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read(dir.join("shared.png")).unwrap(), bytes);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn a_scratch_folder_is_removed_when_dropped_and_a_dead_one_by_the_next() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join(CACHE_DIR);
        // No process has the largest id, so this one is a killed build's;
        // 0 and -1 name process groups, never a build.
        let left = cache.join(format!("search-{}", i32::MAX));
        std::fs::create_dir_all(left.join("a")).unwrap();
        for group in ["search-0", "search--1"] {
            std::fs::create_dir_all(cache.join(group)).unwrap();
        }
        let unrelated = cache.join("images");
        std::fs::create_dir_all(&unrelated).unwrap();
        let scratch = Scratch::new(root.path(), "search").unwrap();
        assert!(!left.exists(), "a dead build's folder was kept");
        assert!(
            !cache.join("search-0").exists(),
            "a folder named by pid 0 was kept"
        );
        assert!(
            !cache.join("search--1").exists(),
            "a folder named by pid -1 was kept"
        );
        assert!(unrelated.is_dir(), "another cache folder was removed");
        scratch.write("0.html", b"x").unwrap();
        let placed = scratch.place("0.html", "site/a/index.html").unwrap();
        assert_eq!(std::fs::read(placed).unwrap(), b"x");
        let path = scratch.path().to_path_buf();
        drop(scratch);
        assert!(!path.exists());
    }

    #[test]
    fn a_cache_folder_that_is_a_link_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = root.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let cache = root.path().join(CACHE_DIR);
        std::os::unix::fs::symlink(&elsewhere, &cache).unwrap();
        let error = write(&cache.join("images"), "a.webp", b"a").unwrap_err();
        assert!(error.message.contains("is a link"), "{error}");
        assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    }
}
