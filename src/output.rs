//! Everything written under the output folder: checking that the folder is
//! safe to write, writing a build, and removing what folio wrote before and
//! no longer writes.
//!
//! folio owns only the files listed in the output folder's manifest,
//! `.folio-manifest`: stale files are entries of that list, and every other
//! file is kept; a build that would write where such a file stands stops
//! instead. The new tree takes the old one's folder modes and groups. A build makes the next tree in a hidden folder beside the
//! output (`.public.folio-next` for `public`): new and changed files are
//! written there, unchanged files and the files folio did not write are
//! hard-linked into it, and the two folders are exchanged in one step. The
//! tree replaced is kept beside the output (`.public.folio-spare`), and the
//! next build makes its tree from it, changing only the files that differ,
//! so a build that changes one page does not make thousands of folders and
//! links; a spare tree holding anything but files and folders is not used.
//! A reader of the output sees the old site or the new one, never a mix, even
//! when folio is killed or the disk fills up; a build that changes nothing
//! touches nothing. Nothing is ever written through a link in the output.
//! Only `serve`'s rebuilds of a few files write in place, each file whole (a
//! temporary file renamed over the old one). The build cache beside the
//! site, `.folio-cache/`, is written by `cache` alone.

pub mod cache;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// The file, at the top of the output folder, that lists the files folio
/// wrote there. A dotfile, so that static hosts do not publish it.
pub const MANIFEST: &str = ".folio-manifest";

/// The manifest's first line: what the file is, and the format's version.
const MANIFEST_HEADER: &str = "# folio 1: the files folio wrote here; it removes no others";

/// Suffix of a file written beside its target and renamed over it.
const TEMPORARY: &str = ".folio-new";

/// One file to have in the output folder.
#[derive(Debug, Clone, Copy)]
pub struct Planned<'a> {
    /// Relative path with `/` separators.
    pub path: &'a str,
    /// Where its bytes come from.
    pub source: Source<'a>,
}

/// The bytes of a planned file.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// In memory.
    Bytes(&'a [u8]),
    /// In another file.
    File(&'a Path),
}

impl Source<'_> {
    /// The bytes, read from the file when they are not in memory.
    fn bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Source::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Source::File(path) => std::fs::read(path)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| Error::at(path, None, "cannot read the file to copy").cause(e)),
        }
    }
}

/// What writing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or replaced.
    pub written: usize,
    /// Files already holding the right bytes.
    pub unchanged: usize,
    /// Stale files removed.
    pub removed: usize,
    /// Files folio did not write, kept where they are (relative to the output).
    pub kept: Vec<PathBuf>,
    /// Problems after the new site was in place (an old tree left behind).
    pub warnings: Vec<Error>,
}

/// Where a site's sources are, so the output never lands on them.
#[derive(Debug, Clone)]
pub struct Guard<'a> {
    /// The site root.
    pub root: &'a Path,
    /// Folders that must never be written into.
    pub sources: Vec<PathBuf>,
    /// Allow an output folder outside the site root, or one that holds
    /// files but no manifest.
    pub force: bool,
}

/// Refuses an output folder that would overwrite the site, lies outside it,
/// or holds files that no folio build wrote.
pub fn check_output_dir(output: &Path, guard: &Guard<'_>) -> Result<()> {
    let out = resolve(output);
    let root = resolve(guard.root);
    let shown = match out.strip_prefix(&root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => out.display().to_string(),
    };
    if out == root {
        return Err(
            Error::msg(format!("output folder `{shown}` is the site root"))
                .help("write the site into a folder of its own, like `public`"),
        );
    }
    for source in &guard.sources {
        let source = resolve(source);
        if out.starts_with(&source) || source.starts_with(&out) {
            let source = source
                .strip_prefix(&root)
                .unwrap_or(&source)
                .display()
                .to_string();
            return Err(Error::msg(format!(
                "output folder `{shown}` overlaps the source folder `{source}`"
            ))
            .help("write the site into a folder of its own, like `public`"));
        }
    }
    if !out.starts_with(&root) && !guard.force {
        return Err(
            Error::msg(format!("output folder `{shown}` is outside the site"))
                .help("pass `--force` to write there anyway"),
        );
    }
    if !guard.force && holds_foreign_files(&out) {
        return Err(Error::msg(format!(
            "output folder `{shown}` holds files but no `{MANIFEST}`, so folio cannot tell which are its own"
        ))
        .help("pass `--force` to build into it and keep every file already there, or empty it"));
    }
    Ok(())
}

/// Whether `dir` is a folder with something in it and no manifest.
fn holds_foreign_files(dir: &Path) -> bool {
    let manifest = std::fs::symlink_metadata(dir.join(MANIFEST));
    if manifest.is_ok_and(|m| m.is_file()) {
        return false;
    }
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Resolves links and `..` as far as the path exists.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The error for a second file written to the same path.
pub fn duplicate(path: &str, origin: &Path, first: &Path) -> Error {
    Error::at(
        origin,
        None,
        format!("writes `{path}`, which `{}` writes too", first.display()),
    )
    .help("rename one of the two, or give the page another `slug` or `path`")
}

/// The longest file or folder name most file systems take, in bytes.
const MAX_NAME: usize = 255;

/// Refuses an output path with a file or folder name longer than file
/// systems allow, naming the file that writes it.
pub fn check_name_lengths(path: &str, origin: &Path) -> Result<()> {
    match path.split('/').find(|name| name.len() > MAX_NAME) {
        None => Ok(()),
        Some(name) => Err(Error::at(
            origin,
            None,
            format!(
                "writes `{path}`, with a name of {} bytes; file systems allow {MAX_NAME}",
                name.len()
            ),
        )
        .help("give the page a shorter `slug` in its front matter, or rename the file")),
    }
}

/// Output paths folded to the form a case-insensitive host compares:
/// Unicode NFC, lower case. Two paths that fold alike publish one URL.
#[derive(Debug, Default)]
pub struct Lookalikes {
    seen: HashMap<String, (String, PathBuf)>,
}

impl Lookalikes {
    /// Records `path`, or refuses it when an earlier path differs from it
    /// only in case or Unicode normalisation.
    pub fn claim(&mut self, path: &str, origin: &Path) -> Result<()> {
        use unicode_normalization::UnicodeNormalization;
        let folded: String = path.nfc().collect::<String>().to_lowercase();
        match self.seen.get(&folded) {
            Some((first, first_origin)) if first != path => Err(Error::at(
                origin,
                None,
                format!(
                    "writes `{path}`, which differs from `{first}` of `{}` only in case or Unicode normalisation",
                    first_origin.display()
                ),
            )
            .help("rename one of the two: hosts that ignore case or normalise names serve one for both")),
            Some(_) => Ok(()),
            None => {
                self.seen
                    .insert(folded, (path.to_string(), origin.to_path_buf()));
                Ok(())
            }
        }
    }
}

/// Refuses a planned path that is absolute, climbs out with `..` or is the
/// manifest: folio writes inside its output folder and nowhere else.
fn relative_path(path: &str) -> Result<PathBuf> {
    let relative = Path::new(path);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(Error::msg(format!(
            "refusing to write `{path}`, which is outside the output folder"
        ))
        .help("give the page or file a path inside the site"));
    }
    let relative: PathBuf = relative.components().collect();
    if relative == Path::new(MANIFEST) {
        return Err(Error::msg(format!(
            "refusing to write `{path}`: folio keeps its list of written files under that name"
        ))
        .help("rename the file, or give the page another `slug` or `path`"));
    }
    Ok(relative)
}

/// Writes a build's files as they are rendered, so the site is never held
/// in memory whole, into the next tree beside the output; `commit` puts the
/// whole tree in place at once.
///
/// A file whose bytes are already in the output is not written: `commit`
/// hard-links it. When nothing changed, the next tree is never made.
pub struct Stager {
    dir: PathBuf,
    next: PathBuf,
    /// Where the tree an earlier build replaced is kept, to be made into
    /// the next tree by changing only what differs.
    spare: PathBuf,
    previous: Option<Previous>,
    next_made: Mutex<bool>,
    /// When the next tree was made from the spare one: what it held, by
    /// path; entries are dropped as they are replaced or removed.
    recycled: Mutex<Option<HashMap<PathBuf, Kept>>>,
    staged: Mutex<HashMap<PathBuf, PathBuf>>,
    lookalikes: Mutex<Lookalikes>,
    unchanged: Mutex<Vec<PathBuf>>,
    /// Entries of the owner's that stand where the site writes its own:
    /// the build stops rather than replace them.
    collisions: Mutex<Vec<PathBuf>>,
    linked: AtomicUsize,
    written: AtomicUsize,
}

/// An entry of the spare tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// A regular file, by device and inode.
    File(u64, u64),
    Folder,
}

/// What the output folder held before this build.
#[derive(Debug, Default)]
struct Previous {
    /// Every file, link or other thing that is not a folder, with its size
    /// when it is a regular file.
    entries: HashMap<PathBuf, Option<u64>>,
    /// Folders with nothing in them.
    empty_folders: Vec<PathBuf>,
    /// Every folder's mode and group, the output folder's own under the
    /// empty path: the next tree takes them.
    folders: HashMap<PathBuf, Mode>,
    /// The manifest's paths, when there is a manifest.
    manifest: Option<HashSet<PathBuf>>,
}

/// A folder's permission bits (setgid and sticky included) and group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mode {
    bits: u32,
    gid: u32,
}

impl Mode {
    fn of(meta: &std::fs::Metadata) -> Mode {
        use std::os::unix::fs::MetadataExt;
        Mode {
            bits: meta.mode() & 0o7777,
            gid: meta.gid(),
        }
    }
}

impl Previous {
    /// Whether `path` is an entry folio did not write: one the manifest
    /// does not list (every entry, when there is no manifest).
    fn is_foreign(&self, path: &Path) -> bool {
        path != Path::new(MANIFEST)
            && self.entries.contains_key(path)
            && !self.manifest.as_ref().is_some_and(|m| m.contains(path))
    }
}

impl Stager {
    /// Prepares to write into `dir`, removing what a killed build left beside it.
    pub fn new(dir: &Path) -> Result<Stager> {
        // Through a link to the real folder, so the next tree sits beside it.
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let next = beside(&dir, "next")?;
        let old = beside(&dir, "old")?;
        // A build killed between the two renames of `exchange_with` left
        // the site at `old` and none at `dir`: it goes back first.
        if std::fs::symlink_metadata(&dir).is_err()
            && std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir())
        {
            std::fs::rename(&old, &dir).map_err(|e| {
                Error::at(&old, None, "cannot put back the site a killed build moved")
                    .cause(e)
                    .help(format!(
                        "rename it to `{}`, then build again",
                        dir.display()
                    ))
            })?;
        }
        remove_leftover(&next)?;
        remove_leftover(&old)?;
        let spare = beside(&dir, "spare")?;
        let previous = match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => Some(scan(&dir)?),
            Ok(_) => {
                return Err(Error::at(&dir, None, "the output folder is a file")
                    .help("remove it, or choose another output folder"));
            }
            Err(_) => None,
        };
        Ok(Stager {
            dir,
            next,
            spare,
            previous,
            next_made: Mutex::new(false),
            recycled: Mutex::new(None),
            staged: Mutex::default(),
            lookalikes: Mutex::default(),
            unchanged: Mutex::default(),
            collisions: Mutex::default(),
            linked: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        })
    }

    /// Writes one file into the next tree, unless its bytes are already in
    /// the output. `origin` names where it comes from; a second file for the
    /// same path is an error that names both.
    pub fn stage(&self, file: &Planned<'_>, origin: &Path) -> Result<()> {
        let relative = relative_path(file.path)?;
        check_name_lengths(file.path, origin)?;
        {
            let mut staged = lock(&self.staged);
            // Keyed by components, so `a//b` is `a/b`, as the file system sees it.
            if let Some(first) = staged.get(&relative) {
                return Err(duplicate(file.path, origin, first));
            }
            staged.insert(relative.clone(), origin.to_path_buf());
            lock(&self.lookalikes).claim(file.path, origin)?;
        }
        let bytes = file.source.bytes()?;
        let bytes: &[u8] = &bytes;
        // Only a regular file met by a walk that follows no link is compared,
        // so nothing outside the output is ever read as ours.
        let same_size = self
            .previous
            .as_ref()
            .is_some_and(|p| p.entries.get(&relative) == Some(&Some(bytes.len() as u64)));
        let same =
            same_size && std::fs::read(self.dir.join(&relative)).is_ok_and(|old| old == bytes);
        self.note_collisions(&relative, same);
        if same {
            // Once the next tree exists, link at once, while rendering goes
            // on; before, there may be nothing to link at all.
            if *lock(&self.next_made) {
                self.link_one(&relative)?;
                self.linked.fetch_add(1, Ordering::Relaxed);
            } else {
                lock(&self.unchanged).push(relative);
            }
            return Ok(());
        }
        self.make_next()?;
        let target = self.next.join(&relative);
        let fail = |what: &str, e: std::io::Error| {
            Error::at(self.dir.join(&relative), None, format!("cannot {what}"))
                .cause(e)
                .help(DISK_HELP)
        };
        self.clear_recycled(&relative)
            .map_err(|e| fail("replace the previous build's file", e))?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("create the folder", e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| fail("write the file", e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Records the owner's entries that writing `relative` would replace:
    /// a different file at its path (one with the same bytes is simply
    /// the site's now), or a file where one of its folders goes.
    fn note_collisions(&self, relative: &Path, same: bool) {
        let Some(previous) = &self.previous else {
            return;
        };
        let mut found: Vec<PathBuf> = relative
            .ancestors()
            .skip(1)
            .filter(|folder| previous.is_foreign(folder))
            .map(Path::to_path_buf)
            .collect();
        if !same && previous.is_foreign(relative) {
            found.push(relative.to_path_buf());
        }
        if !found.is_empty() {
            lock(&self.collisions).extend(found);
        }
    }

    /// In a next tree made from the spare one, clears the way for a new
    /// file at `relative`: the old entry there, and a file where one of its
    /// folders goes. A file is unlinked, never written over, since the
    /// output may share it.
    fn clear_recycled(&self, relative: &Path) -> std::io::Result<()> {
        let mut recycled = lock(&self.recycled);
        let Some(kept) = recycled.as_mut() else {
            return Ok(());
        };
        let mut folder = PathBuf::new();
        for part in relative.parent().into_iter().flat_map(Path::components) {
            folder.push(part);
            if let Some(Kept::File(..)) = kept.get(&folder) {
                kept.remove(&folder);
                std::fs::remove_file(self.next.join(&folder))?;
            }
        }
        match kept.remove(relative) {
            Some(Kept::File(..)) => std::fs::remove_file(self.next.join(relative)),
            Some(Kept::Folder) => {
                let inside = self.next.join(relative);
                kept.retain(|p, _| !p.starts_with(relative));
                std::fs::remove_dir_all(inside)
            }
            None => Ok(()),
        }
    }

    /// Puts the new site in place in one step and drops the old one, or, on
    /// any failure, removes the next tree and leaves the output as it was.
    pub fn commit(self) -> Result<WriteReport> {
        let result = self.put_in_place();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.next);
        }
        result
    }

    /// Takes back everything written, leaving the output as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.next);
    }

    fn make_next(&self) -> Result<()> {
        let mut made = lock(&self.next_made);
        if !*made && let Some(kept) = self.take_spare() {
            *lock(&self.recycled) = Some(kept);
            *made = true;
        }
        if !*made {
            std::fs::create_dir_all(&self.next).map_err(|e| {
                Error::at(
                    &self.next,
                    None,
                    "cannot create the folder for the next build",
                )
                .cause(e)
                .help(DISK_HELP)
            })?;
            *made = true;
        }
        Ok(())
    }

    /// Makes the spare tree the next one, and returns what it holds; `None`
    /// (and the spare removed) when there is none, or when it holds
    /// anything but files and folders, or when it cannot be read.
    fn take_spare(&self) -> Option<HashMap<PathBuf, Kept>> {
        use std::os::unix::fs::MetadataExt;
        if !std::fs::symlink_metadata(&self.spare).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let mut kept = HashMap::new();
        for entry in walkdir::WalkDir::new(&self.spare)
            .min_depth(1)
            .follow_links(false)
        {
            let Ok(entry) = entry else {
                let _ = remove_tree(&self.spare);
                return None;
            };
            let relative = entry.path().strip_prefix(&self.spare).ok()?.to_path_buf();
            let kind = entry.file_type();
            let what = match entry.metadata() {
                Ok(meta) if kind.is_file() => Kept::File(meta.dev(), meta.ino()),
                // A folder given a read-only mode by `give_modes` is
                // changed again: the owner's mode is given back at the end.
                Ok(meta) if kind.is_dir() && make_writable(entry.path(), &meta).is_ok() => {
                    Kept::Folder
                }
                // A link or a special file: never written through.
                _ => {
                    let _ = remove_tree(&self.spare);
                    return None;
                }
            };
            kept.insert(relative, what);
        }
        if std::fs::rename(&self.spare, &self.next).is_err() {
            let _ = remove_tree(&self.spare);
            return None;
        }
        Some(kept)
    }

    /// Removes from a next tree made from the spare one what the new site
    /// does not hold: everything not handed back by `clear_recycled` or
    /// `is_recycled` but what `wanted` lists, or a folder on their way.
    fn prune_recycled(&self, wanted: &HashSet<PathBuf>, folders: &[PathBuf]) -> Result<()> {
        let Some(kept) = lock(&self.recycled).take() else {
            return Ok(());
        };
        let mut needed: HashSet<&Path> = HashSet::new();
        for folder in folders {
            needed.extend(folder.ancestors());
        }
        for path in wanted {
            needed.extend(path.ancestors().skip(1));
        }
        let mut unwanted: Vec<(&PathBuf, &Kept)> = kept
            .iter()
            .filter(|(path, what)| match what {
                Kept::File(..) => !wanted.contains(*path),
                Kept::Folder => !needed.contains(path.as_path()),
            })
            .collect();
        // Files first, then folders from the deepest, each once.
        unwanted.sort_by_key(|(path, what)| {
            (
                matches!(what, Kept::Folder),
                std::cmp::Reverse(path.components().count()),
            )
        });
        for (path, what) in unwanted {
            let target = self.next.join(path);
            let removed = match what {
                Kept::File(..) => std::fs::remove_file(&target),
                Kept::Folder => std::fs::remove_dir_all(&target),
            };
            match removed {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::at(
                        &target,
                        None,
                        "cannot remove a file of the previous build",
                    )
                    .cause(e)
                    .help(DISK_HELP));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the next tree, made from the spare one, already holds the
    /// output's file at `path`: the same file, linked. Whatever else it
    /// holds there is for `clear_recycled` to remove.
    fn is_recycled(&self, path: &Path) -> std::io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        let recycled = lock(&self.recycled);
        let Some(Kept::File(dev, ino)) = recycled.as_ref().and_then(|k| k.get(path)).copied()
        else {
            return Ok(false);
        };
        let live = std::fs::symlink_metadata(self.dir.join(path))?;
        // Kept, and marked as wanted by staying in the map.
        Ok(live.dev() == dev && live.ino() == ino)
    }

    fn put_in_place(&self) -> Result<WriteReport> {
        let staged: HashSet<PathBuf> = std::mem::take(&mut *lock(&self.staged))
            .into_keys()
            .collect();
        let unchanged = std::mem::take(&mut *lock(&self.unchanged));
        let written = self.written.load(Ordering::Relaxed);
        let mut report = WriteReport {
            written,
            unchanged: unchanged.len() + self.linked.load(Ordering::Relaxed),
            ..WriteReport::default()
        };
        let Some(previous) = &self.previous else {
            self.make_next()?;
            self.prune_recycled(&staged, &[])?;
            write_manifest(&self.next, &staged)?;
            std::fs::rename(&self.next, &self.dir).map_err(|e| {
                Error::at(&self.dir, None, "cannot put the new site in place").cause(e)
            })?;
            return Ok(report);
        };
        let empty = HashSet::new();
        let manifest = previous.manifest.as_ref().unwrap_or(&empty);
        let stale = manifest
            .iter()
            .filter(|p| !staged.contains(*p) && previous.entries.contains_key(*p))
            .count();
        let mut foreign: Vec<&PathBuf> = previous
            .entries
            .keys()
            .filter(|p| !staged.contains(*p) && previous.is_foreign(p))
            .collect();
        foreign.sort();
        self.refuse_collisions(previous, &foreign, &staged)?;
        report.kept = foreign.iter().map(|p| p.to_path_buf()).collect();
        if written == 0 && stale == 0 && previous.manifest.as_ref() == Some(&staged) {
            return Ok(report);
        }
        self.make_next()?;
        self.link_into_next(&unchanged)?;
        self.carry_over(&foreign, &previous.empty_folders)?;
        let mut wanted = staged.clone();
        wanted.extend(foreign.iter().map(|p| p.to_path_buf()));
        self.prune_recycled(&wanted, &previous.empty_folders)?;
        write_manifest(&self.next, &staged)?;
        self.give_modes(previous)?;
        exchange(&self.next, &self.dir, &beside(&self.dir, "old")?).map_err(|e| {
            Error::at(&self.dir, None, "cannot put the new site in place")
                .cause(e)
                .help("make sure the output folder is not a mount point, then build again")
        })?;
        report.removed = stale;
        // The old site is now at the next tree's name: it is kept as the
        // spare tree, which the next build changes into its own.
        if std::fs::rename(&self.next, &self.spare).is_ok() {
            keep_out_of_git(&self.spare);
            return Ok(report);
        }
        if let Err(e) = remove_tree(&self.next) {
            report.warnings.push(
                Error::at(&self.next, None, "cannot remove the previous build")
                    .cause(e)
                    .help("remove the folder; the next build tries again")
                    .warning(),
            );
        }
        Ok(report)
    }

    /// Stops the build when the site writes where the owner keeps an entry
    /// folio did not write: a file at the same path, a file where the site
    /// needs a folder, or a folder of the owner's where the site writes a
    /// file. folio never replaces what it did not write.
    fn refuse_collisions(
        &self,
        previous: &Previous,
        foreign: &[&PathBuf],
        staged: &HashSet<PathBuf>,
    ) -> Result<()> {
        let mut collisions = std::mem::take(&mut *lock(&self.collisions));
        let under_a_staged_file = |path: &Path| {
            path.ancestors()
                .skip(1)
                .any(|folder| staged.contains(folder))
        };
        collisions.extend(
            foreign
                .iter()
                .filter(|path| under_a_staged_file(path))
                .map(|path| path.to_path_buf()),
        );
        collisions.extend(
            previous
                .empty_folders
                .iter()
                .filter(|folder| staged.contains(*folder) || under_a_staged_file(folder))
                .cloned(),
        );
        if collisions.is_empty() {
            return Ok(());
        }
        collisions.sort();
        collisions.dedup();
        let count = collisions.len();
        const SHOWN: usize = 10;
        let mut list: Vec<String> = collisions.iter().take(SHOWN).map(|p| escape(p)).collect();
        if count > SHOWN {
            list.push(format!("and {} more", count - SHOWN));
        }
        let (files, them) = if count == 1 {
            ("1 file".to_string(), "it")
        } else {
            (format!("{count} files"), "them")
        };
        Err(Error::at(
            &self.dir,
            None,
            format!(
                "folio did not write {files} where the site writes its own: {}",
                list.join(", ")
            ),
        )
        .help(format!(
            "move {them} out of the output folder (or delete {them}) to publish the site's, or rename what writes {them} in the site"
        )))
    }

    /// Hard-links the files that did not change from the output into the next tree.
    fn link_into_next(&self, paths: &[PathBuf]) -> Result<()> {
        paths.par_iter().try_for_each(|path| self.link_one(path))
    }

    /// Hard-links one unchanged file into the next tree, with its folders.
    fn link_one(&self, path: &Path) -> Result<()> {
        let target = self.next.join(path);
        let fail = |e: std::io::Error| {
            Error::at(self.dir.join(path), None, "cannot keep the unchanged file")
                .cause(e)
                .help(DISK_HELP)
        };
        if self.is_recycled(path).map_err(fail)? {
            return Ok(());
        }
        self.clear_recycled(path).map_err(fail)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        std::fs::hard_link(self.dir.join(path), &target).map_err(fail)
    }

    /// Hard-links the files folio did not write into the next tree, and
    /// makes their empty folders. `refuse_collisions` has made sure the new
    /// site stands on none of them.
    fn carry_over(&self, foreign: &[&PathBuf], folders: &[PathBuf]) -> Result<()> {
        for path in foreign {
            let target = self.next.join(path);
            let cannot_keep = |e: std::io::Error| {
                Error::at(
                    self.dir.join(path),
                    None,
                    "cannot keep this file, which folio did not write",
                )
                .cause(e)
                .help(DISK_HELP)
            };
            let kept = self.is_recycled(path).and_then(|kept| {
                if !kept {
                    self.clear_recycled(path)?;
                }
                Ok(kept)
            });
            if kept.map_err(cannot_keep)? {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(cannot_keep)?;
            }
            std::fs::hard_link(self.dir.join(path), &target).map_err(cannot_keep)?;
        }
        for folder in folders {
            let _ = std::fs::create_dir_all(self.next.join(folder));
        }
        Ok(())
    }

    /// Gives every folder of the next tree the mode and group of the same
    /// folder in the output, and a folder new to the site those of the
    /// output folder itself, so that `chmod 700 public` or a setgid group
    /// folder stays as its owner made it. A group the system does not let
    /// folio give is left as it is.
    fn give_modes(&self, previous: &Previous) -> Result<()> {
        let Some(root) = previous.folders.get(Path::new("")).copied() else {
            return Ok(());
        };
        let fail = |path: &Path, e: std::io::Error| {
            Error::at(path, None, "cannot give the folder its mode")
                .cause(e)
                .help(DISK_HELP)
        };
        for entry in walkdir::WalkDir::new(&self.next).follow_links(false) {
            let entry = entry
                .map_err(|e| Error::at(&self.next, None, "cannot read the next tree").cause(e))?;
            if !entry.file_type().is_dir() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(&self.next)
                .unwrap_or(Path::new(""));
            let wanted = previous.folders.get(relative).copied().unwrap_or(root);
            let meta = entry.metadata().map_err(|e| {
                fail(
                    entry.path(),
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("a loop")),
                )
            })?;
            let actual = Mode::of(&meta);
            if actual == wanted {
                continue;
            }
            if actual.gid != wanted.gid {
                // Only the owner's groups (or any, for root) can be given.
                let _ = std::os::unix::fs::chown(entry.path(), None, Some(wanted.gid));
            }
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(wanted.bits))
                .map_err(|e| fail(entry.path(), e))?;
        }
        Ok(())
    }
}

/// Writes a `.gitignore` into the spare tree that ignores all of it, so a
/// site published from a folder of its repository (GitHub Pages' `docs/`)
/// does not commit the spare copy beside it. The tree's own `.gitignore`,
/// if it had one, is unlinked first: the output may share that file.
fn keep_out_of_git(spare: &Path) {
    let ignore = spare.join(".gitignore");
    let _ = std::fs::remove_file(&ignore);
    let _ = std::fs::write(
        &ignore,
        "# folio's copy of the site a build replaced, made into the next build's: not for git\n*\n",
    );
}

/// The hidden name beside `dir` for its next (or old) tree.
fn beside(dir: &Path, what: &str) -> Result<PathBuf> {
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => {
            let mut hidden = std::ffi::OsString::from(".");
            hidden.push(name);
            hidden.push(format!(".folio-{what}"));
            Ok(parent.join(hidden))
        }
        _ => Err(
            Error::at(dir, None, "the output folder has no parent folder")
                .help("choose an output folder inside another folder, like `public`"),
        ),
    }
}

/// Removes the tree a killed or failed build left behind.
fn remove_leftover(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(meta) => {
            let removed = if meta.is_dir() {
                remove_tree(path)
            } else {
                std::fs::remove_file(path)
            };
            removed.map_err(|e| {
                Error::at(path, None, "cannot remove what an earlier build left")
                    .cause(e)
                    .help(format!(
                        "remove it (`chmod -R u+w '{0}' && rm -r '{0}'`), then build again",
                        path.display()
                    ))
            })
        }
    }
}

/// Removes a folder and everything in it, its top-level entries in
/// parallel. Folders folio made read-only (to give them the owner's mode)
/// are made writable first where that stops the removal.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    match remove_entries(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            for entry in walkdir::WalkDir::new(dir).follow_links(false) {
                let entry = entry?;
                if entry.file_type().is_dir() {
                    make_writable(entry.path(), &entry.metadata()?)?;
                }
            }
            remove_entries(dir)
        }
        other => other,
    }
}

fn remove_entries(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> =
        std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Lets the folder's owner read, enter and change the folder.
fn make_writable(folder: &Path, meta: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    if mode & 0o700 == 0o700 {
        return Ok(());
    }
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(mode | 0o700))
}

/// Locks `mutex`, through a panic of another thread: what it guards is
/// whole after every step.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The help of an error writing into the output.
const DISK_HELP: &str = "free some disk space or fix the folder's permissions, then build again";

/// Lists what the output holds, following no link.
fn scan(dir: &Path) -> Result<Previous> {
    let mut previous = Previous::default();
    let mut folders: HashMap<PathBuf, bool> = HashMap::new();
    let unreadable =
        |e: walkdir::Error| Error::at(dir, None, "cannot read the output folder").cause(e);
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(unreadable)?;
        let relative = entry
            .path()
            .strip_prefix(dir)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if entry.file_type().is_dir() {
            previous.folders.insert(
                relative.clone(),
                Mode::of(&entry.metadata().map_err(unreadable)?),
            );
            if entry.depth() > 0 {
                folders.entry(relative.clone()).or_insert(false);
            }
        }
        if entry.depth() == 0 {
            continue;
        }
        if let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty()) {
            folders.insert(parent.to_path_buf(), true);
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let size = if entry.file_type().is_file() {
            entry.metadata().ok().map(|m| m.len())
        } else {
            None
        };
        previous.entries.insert(relative, size);
    }
    previous.empty_folders = folders
        .into_iter()
        .filter(|(_, full)| !full)
        .map(|(f, _)| f)
        .collect();
    previous.manifest = read_manifest(dir)?;
    Ok(previous)
}

/// The paths the manifest in `dir` lists, in its order, or none when it
/// has no manifest.
pub fn manifest(dir: &Path) -> Result<Option<Vec<PathBuf>>> {
    read_manifest(dir)
}

/// The paths the manifest in `dir` lists, or none when it has no manifest.
fn read_manifest<S: FromIterator<PathBuf>>(dir: &Path) -> Result<Option<S>> {
    let path = dir.join(MANIFEST);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::at(&path, None, "cannot read folio's list of written files")
            .cause(e)
            .help("remove the file and build with `--force`")
    })?;
    Ok(Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| PathBuf::from(unescape(l)))
            .collect(),
    ))
}

/// The manifest's text for these paths, given in order: a header, then
/// one path a line.
fn manifest_text<'p>(paths: impl ExactSizeIterator<Item = &'p PathBuf>) -> String {
    let mut text = String::with_capacity(paths.len() * 48 + 64);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for path in paths {
        text.push_str(&escape(path));
        text.push('\n');
    }
    text
}

fn write_manifest(dir: &Path, paths: &HashSet<PathBuf>) -> Result<()> {
    let path = dir.join(MANIFEST);
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort_unstable();
    std::fs::write(&path, manifest_text(sorted.into_iter())).map_err(|e| {
        Error::at(&path, None, "cannot write folio's list of written files")
            .cause(e)
            .help(DISK_HELP)
    })
}

/// A path as one manifest line: `/` separators, `\` and line breaks escaped.
fn escape(path: &Path) -> String {
    if let Some(text) = path.to_str()
        && !text.contains(['\\', '\n', '\r'])
        && !text.split('/').any(|c| c.is_empty() || c == ".")
    {
        return text.to_owned();
    }
    let text: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    text.join("/")
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(line: &str) -> String {
    if !line.contains('\\') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Exchanges the trees at `next` and `dir` in one step where the system
/// can (Linux), or with two renames through `old` where it cannot.
fn exchange(next: &Path, dir: &Path, old: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    return exchange_with(next, dir, old, exchange_at_once);
    #[cfg(not(target_os = "linux"))]
    return exchange_with(next, dir, old, |_, _| {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    });
}

/// `exchange`, with the one-step exchange given. When the file system
/// cannot exchange (EINVAL), the kernel is older than renameat2 (ENOSYS)
/// or the system has no such call, the output is renamed to `old` and the
/// next tree into its place: for that instant there is no output, and a
/// build killed in it leaves the old site at `old`, which the next
/// `Stager::new` puts back.
fn exchange_with(
    next: &Path,
    dir: &Path,
    old: &Path,
    at_once: impl Fn(&Path, &Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match at_once(next, dir) {
        Ok(()) => return Ok(()),
        Err(e)
            if e.kind() == std::io::ErrorKind::Unsupported
                || matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) => {}
        Err(e) => return Err(e),
    }
    std::fs::rename(dir, old)?;
    if let Err(e) = std::fs::rename(next, dir) {
        let _ = std::fs::rename(old, dir);
        return Err(e);
    }
    std::fs::rename(old, next)
}

#[cfg(target_os = "linux")]
fn exchange_at_once(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are NUL-terminated paths that outlive the call, and
    // AT_FDCWD makes them relative to the working directory as std does.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Writes `files` in place, each whole (a temporary file renamed over the
/// old one), then removes the files of `stale` that the manifest lists and
/// the folders they leave empty, for rebuilds that know what changed and
/// what the site no longer has; reads the manifest once and writes it only
/// when its paths change. Returns how many files were written and removed.
/// Every temporary file is written before any is renamed, so a failure (a
/// full disk) changes nothing; a file the manifest does not list is not
/// folio's: it is neither replaced nor removed.
///
/// `kept` is the manifest as the last call left it, for a writer that
/// holds the folder's lock: it is read from disk only when empty, and is
/// emptied by a failure.
pub fn update_files(
    dir: &Path,
    files: &[Planned<'_>],
    stale: &[String],
    kept: &mut KeptManifest,
) -> Result<(usize, usize)> {
    if files.is_empty() && stale.is_empty() {
        return Ok((0, 0));
    }
    let mut manifest = match kept.0.take() {
        Some(manifest) => manifest,
        None => read_manifest(dir)?.unwrap_or_default(),
    };
    refuse_foreign(dir, files, &manifest)?;
    let written = replace_files(dir, files)?;
    let before = manifest.len();
    for file in files {
        manifest.insert(relative_path(file.path)?);
    }
    let added = manifest.len() != before;
    let mut removed = 0;
    let mut dropped = false;
    for path in stale {
        let relative = relative_path(path)?;
        if !manifest.remove(&relative) {
            continue;
        }
        dropped = true;
        refuse_links(dir, &relative)?;
        match std::fs::remove_file(dir.join(&relative)) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::at(
                    dir.join(&relative),
                    None,
                    "cannot remove a file the site no longer has",
                )
                .cause(e)
                .help(DISK_HELP));
            }
        }
        // Folders folio made for the file go with it once empty.
        for folder in relative.ancestors().skip(1) {
            if folder.as_os_str().is_empty() || std::fs::remove_dir(dir.join(folder)).is_err() {
                break;
            }
        }
    }
    if added || dropped {
        replace_manifest(dir, &manifest)?;
    }
    kept.0 = Some(manifest);
    Ok((written, removed))
}

/// The manifest of an output folder as `update_files` last left it.
#[derive(Debug, Default)]
pub struct KeptManifest(Option<BTreeSet<PathBuf>>);

/// Puts a new manifest in place whole: a temporary file renamed over it.
fn replace_manifest(dir: &Path, manifest: &BTreeSet<PathBuf>) -> Result<()> {
    let path = dir.join(MANIFEST);
    let mut temporary = path.clone().into_os_string();
    temporary.push(TEMPORARY);
    let temporary = PathBuf::from(temporary);
    let written = std::fs::write(&temporary, manifest_text(manifest.iter()))
        .and_then(|()| std::fs::rename(&temporary, &path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::at(&path, None, "cannot write folio's list of written files")
            .cause(e)
            .help(DISK_HELP)
    })
}

/// Writes `files` in place under `dir`, each whole (a temporary file renamed
/// over the old one), without a manifest: for `folio import --force`, which
/// replaces the files of the site it writes. Every temporary file is
/// written before any is renamed, so a failure changes nothing.
pub fn replace_files(dir: &Path, files: &[Planned<'_>]) -> Result<usize> {
    let results: Vec<Result<(PathBuf, PathBuf)>> = files
        .par_iter()
        .map(|file| write_temporary(dir, file))
        .collect();
    let mut ready = Vec::with_capacity(results.len());
    let mut failure = None;
    for result in results {
        match result {
            Ok(pair) => ready.push(pair),
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    if let Some(e) = failure {
        for (temporary, _) in &ready {
            let _ = std::fs::remove_file(temporary);
        }
        return Err(e);
    }
    let count = ready.len();
    let mut renames = ready.into_iter();
    while let Some((temporary, target)) = renames.next() {
        if let Err(e) = std::fs::rename(&temporary, &target) {
            let _ = std::fs::remove_file(&temporary);
            for (rest, _) in renames {
                let _ = std::fs::remove_file(rest);
            }
            return Err(Error::at(&target, None, "cannot put the new file in place").cause(e));
        }
    }
    Ok(count)
}

/// Refuses to write in place over a file the manifest does not list, or
/// one where a folder of the planned path is such a file: it is the
/// owner's, and folio never replaces what it did not write.
fn refuse_foreign(dir: &Path, files: &[Planned<'_>], manifest: &BTreeSet<PathBuf>) -> Result<()> {
    for file in files {
        let relative = relative_path(file.path)?;
        let foreign = relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .find(|p| {
                std::fs::symlink_metadata(dir.join(p)).is_ok_and(|m| !m.is_dir())
                    && !manifest.contains(*p)
            });
        if let Some(path) = foreign {
            return Err(Error::at(
                dir,
                None,
                format!(
                    "folio did not write 1 file where the site writes its own: {}",
                    escape(path)
                ),
            )
            .help("move it out of the output folder (or delete it) to publish the site's, or rename what writes it in the site"));
        }
    }
    Ok(())
}

/// Writes one file's bytes beside its target; returns (temporary, target).
fn write_temporary(dir: &Path, file: &Planned<'_>) -> Result<(PathBuf, PathBuf)> {
    let relative = relative_path(file.path)?;
    let target = dir.join(&relative);
    refuse_links(dir, &relative)?;
    let fail = |what: &str, e: std::io::Error| {
        Error::at(&target, None, format!("cannot {what}"))
            .cause(e)
            .help(DISK_HELP)
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| fail("create the folder", e))?;
    }
    let mut temporary = target.clone().into_os_string();
    temporary.push(TEMPORARY);
    let temporary = PathBuf::from(temporary);
    let bytes = file.source.bytes()?;
    if let Err(e) = std::fs::write(&temporary, &bytes) {
        let _ = std::fs::remove_file(&temporary);
        return Err(fail("write the file", e));
    }
    Ok((temporary, target))
}

/// Refuses a path whose folders inside the output include a link.
fn refuse_links(dir: &Path, relative: &Path) -> Result<()> {
    let mut folder = dir.to_path_buf();
    let parents: Vec<Component<'_>> = relative.components().collect();
    for part in parents.iter().take(parents.len().saturating_sub(1)) {
        folder.push(part);
        match std::fs::symlink_metadata(&folder) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::at(
                    &folder,
                    None,
                    "this folder of the output is a link, and folio never writes through one",
                )
                .help("remove the link, then build again"));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Keeps two folio processes from writing into one output folder at once
/// (a `folio build` while `folio serve` runs would leave a mix of the two
/// sites): a file beside the output, locked for as long as the writer
/// runs, that says who holds it. The lock goes with the process, so one a
/// killed process left is simply taken over.
pub struct OutputLock {
    file: std::fs::File,
    path: PathBuf,
}

/// Who holds an output folder's lock.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    /// `folio build`.
    Build,
    /// `folio serve`, at this address once it is known.
    Serve(Option<&'a str>),
}

impl OutputLock {
    /// Takes the lock of `dir` for `writer`, or says who holds it.
    pub fn acquire(dir: &Path, writer: Writer<'_>) -> Result<OutputLock> {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let path = beside(&dir, "lock")?;
        loop {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| {
                    Error::at(&path, None, "cannot create the lock of the output folder")
                        .cause(e)
                        .help(DISK_HELP)
                })?;
            if file.try_lock().is_err() {
                return Err(held_by(&dir, &path, writer));
            }
            // The holder before may have removed the file between our open
            // and our lock: then the lock is on a file nobody else sees.
            if same_file(&file, &path) {
                let mut lock = OutputLock { file, path };
                lock.record(writer)?;
                return Ok(lock);
            }
        }
    }

    /// Says in the lock who holds it, for a second writer to name.
    pub fn record(&mut self, writer: Writer<'_>) -> Result<()> {
        use std::os::unix::fs::FileExt;
        let text = match writer {
            Writer::Build => format!("build {}\n", std::process::id()),
            Writer::Serve(address) => format!(
                "serve {} {}\n",
                std::process::id(),
                address.unwrap_or_default()
            ),
        };
        self.file
            .set_len(0)
            .and_then(|()| self.file.write_all_at(text.as_bytes(), 0))
            .map_err(|e| {
                Error::at(
                    &self.path,
                    None,
                    "cannot write the lock of the output folder",
                )
                .cause(e)
                .help(DISK_HELP)
            })
    }
}

/// Whether the open `file` is the one at `path` now.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The error for a lock another process holds, naming it from the lock's text.
fn held_by(dir: &Path, path: &Path, writer: Writer<'_>) -> Error {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut words = text.split_whitespace();
    let (kind, pid, address) = (words.next(), words.next(), words.next());
    let process = pid.map(|p| format!(" (process {p})")).unwrap_or_default();
    let by = match (kind, address) {
        (Some("build"), _) => format!("another `folio build`{process}"),
        (Some("serve"), Some(address)) => format!("`folio serve` at {address}{process}"),
        _ => format!("another `folio serve`{process}"),
    };
    let help = match writer {
        Writer::Build => {
            "wait for it to end or stop it, or pass `--output-dir` to build into another folder"
        }
        Writer::Serve(_) => "stop it, or pass `--output-dir` to serve from another folder",
    };
    Error::at(
        dir,
        None,
        format!("this output folder is being written by {by}"),
    )
    .help(help)
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked: a writer waiting on this file sees
        // it is gone and makes its own.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Creates the files that do not exist yet and keeps the ones that do.
/// Returns how many it created.
pub fn create_new(dir: &Path, files: &[Planned<'_>]) -> Result<usize> {
    let mut created = 0;
    for file in files {
        let target = dir.join(relative_path(file.path)?);
        let fail = |what: &str, e: std::io::Error| {
            Error::at(&target, None, format!("cannot {what}")).cause(e)
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("create the folder", e))?;
        }
        let bytes = file.source.bytes()?;
        // `create_new` fails on an existing file, so nothing is ever overwritten,
        // not even one that appeared since we looked.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(mut handle) => {
                std::io::Write::write_all(&mut handle, &bytes)
                    .map_err(|e| fail("write the file", e))?;
                created += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(fail("create the file", e)),
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn write_all(out: &Path, files: &[Planned<'_>]) -> Result<WriteReport> {
        let stager = Stager::new(out)?;
        for file in files {
            stager.stage(file, Path::new("test"))?;
        }
        stager.commit()
    }

    fn bytes<'a>(path: &'a str, text: &'a str) -> Planned<'a> {
        Planned {
            path,
            source: Source::Bytes(text.as_bytes()),
        }
    }

    #[test]
    fn writing_twice_changes_nothing_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [bytes("a/index.html", "a"), bytes("b.txt", "b")];
        let report = write_all(&out, &files).unwrap();
        assert_eq!(
            (report.written, report.unchanged, report.removed),
            (2, 0, 0)
        );
        let report = write_all(&out, &files).unwrap();
        assert_eq!(
            (report.written, report.unchanged, report.removed),
            (0, 2, 0)
        );
        let report = write_all(&out, &files[..1]).unwrap();
        assert_eq!(
            (report.written, report.unchanged, report.removed),
            (0, 1, 1)
        );
        assert!(!out.join("b.txt").exists());
        assert_eq!(
            write_all(&out, &[bytes("a/index.html", "A")])
                .unwrap()
                .written,
            1
        );
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
        assert!(!dir.path().join(".public.folio-next").exists());
    }

    #[test]
    fn a_build_that_changes_nothing_leaves_the_folder_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [bytes("a/index.html", "a")];
        write_all(&out, &files).unwrap();
        let before = std::fs::metadata(&out).unwrap().ino();
        let stager = Stager::new(&out).unwrap();
        stager.stage(&files[0], Path::new("test")).unwrap();
        assert!(!dir.path().join(".public.folio-next").exists());
        stager.commit().unwrap();
        assert_eq!(std::fs::metadata(&out).unwrap().ino(), before);
    }

    #[test]
    fn files_folio_did_not_write_are_kept_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        write_all(&out, &[bytes("index.html", "1"), bytes("old.html", "o")]).unwrap();
        std::fs::write(out.join("design.md"), "mine").unwrap();
        std::fs::write(out.join(".nojekyll"), "").unwrap();
        std::fs::create_dir(out.join("empty")).unwrap();
        let report = write_all(&out, &[bytes("index.html", "2")]).unwrap();
        assert_eq!(report.removed, 1);
        assert_eq!(
            report.kept,
            vec![PathBuf::from(".nojekyll"), PathBuf::from("design.md")]
        );
        assert_eq!(
            std::fs::read_to_string(out.join("design.md")).unwrap(),
            "mine"
        );
        assert!(out.join(".nojekyll").is_file() && out.join("empty").is_dir());
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            format!("{MANIFEST_HEADER}\nindex.html\n")
        );
    }

    #[test]
    fn a_file_system_that_cannot_exchange_gets_two_renames() {
        let dir = tempfile::tempdir().unwrap();
        let (next, out, old) = (
            dir.path().join(".public.folio-next"),
            dir.path().join("public"),
            dir.path().join(".public.folio-old"),
        );
        std::fs::create_dir_all(&next).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(next.join("index.html"), "new").unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        let cannot = |_: &Path, _: &Path| Err(std::io::Error::from_raw_os_error(libc::EINVAL));
        exchange_with(&next, &out, &old, cannot).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(next.join("index.html")).unwrap(),
            "old"
        );
        assert!(!old.exists());
        // Another error stops, and changes nothing.
        let broken = |_: &Path, _: &Path| Err(std::io::Error::from_raw_os_error(libc::EIO));
        assert!(exchange_with(&next, &out, &old, broken).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_site_a_killed_build_left_between_two_renames_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_all(&out, &[bytes("index.html", "1")]).unwrap();
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        // Killed after the output went to `old`, before the next tree came.
        let old = dir.path().join(".public.folio-old");
        std::fs::rename(&out, &old).unwrap();
        std::fs::create_dir_all(dir.path().join(".public.folio-next/a")).unwrap();
        let report = write_all(&out, &[bytes("index.html", "2")]).unwrap();
        assert_eq!(report.kept, vec![PathBuf::from("mine.txt")]);
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!old.exists());
    }

    /// `update_files` with nothing kept from an earlier call.
    fn update_once(out: &Path, files: &[Planned<'_>]) -> Result<(usize, usize)> {
        update_files(out, files, &[], &mut KeptManifest::default())
    }

    #[test]
    fn a_rebuild_in_place_never_writes_over_a_file_of_the_owner_s() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_all(&out, &[bytes("index.html", "1")]).unwrap();
        std::fs::write(out.join("custom.css"), "mine").unwrap();
        let error = update_once(&out, &[bytes("custom.css", "the site's")]).unwrap_err();
        assert!(error.message.ends_with("its own: custom.css"), "{error}");
        assert_eq!(
            std::fs::read_to_string(out.join("custom.css")).unwrap(),
            "mine"
        );
        update_once(&out, &[bytes("index.html", "2")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
    }

    #[test]
    fn a_link_in_the_output_is_kept_and_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        write_all(&out, &[bytes("index.html", "1")]).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("projects")).unwrap();
        let error = write_all(
            &out,
            &[bytes("index.html", "1"), bytes("projects/x.html", "x")],
        )
        .unwrap_err();
        assert!(error.message.contains(": projects"), "{error}");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
        assert!(
            std::fs::symlink_metadata(out.join("projects"))
                .unwrap()
                .is_symlink()
        );
        let error = update_once(&out, &[bytes("projects/x.html", "y")]).unwrap_err();
        assert!(error.message.ends_with(": projects"), "{error}");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    }

    #[test]
    fn a_write_in_place_leaves_no_temporary_file_and_lists_new_paths() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_all(&out, &[bytes("index.html", "1")]).unwrap();
        let mut kept = KeptManifest::default();
        update_files(
            &out,
            &[bytes("index.html", "2"), bytes("new/index.html", "n")],
            &[],
            &mut kept,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("index.html.folio-new").exists());
        let listed: HashSet<PathBuf> = read_manifest(&out).unwrap().unwrap();
        assert!(listed.contains(Path::new("new/index.html")), "{listed:?}");
        // The next call works from the manifest it kept, not from disk.
        std::fs::write(out.join(MANIFEST), format!("{MANIFEST_HEADER}\n")).unwrap();
        let stale = ["new/index.html".to_string()];
        assert_eq!(update_files(&out, &[], &stale, &mut kept).unwrap(), (0, 1));
        assert!(!out.join("new").exists());
        let listed: HashSet<PathBuf> = read_manifest(&out).unwrap().unwrap();
        assert!(listed.contains(Path::new("index.html")), "{listed:?}");
    }

    #[test]
    fn a_failed_write_in_place_forgets_the_kept_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_all(&out, &[bytes("index.html", "1")]).unwrap();
        std::fs::write(out.join("custom.css"), "mine").unwrap();
        let mut kept = KeptManifest::default();
        update_files(&out, &[bytes("index.html", "2")], &[], &mut kept).unwrap();
        assert!(kept.0.is_some());
        update_files(&out, &[bytes("custom.css", "x")], &[], &mut kept).unwrap_err();
        assert!(kept.0.is_none());
    }

    #[test]
    fn manifest_lines_survive_any_file_name() {
        for name in ["a/b.html", "back\\slash", "line\nbreak", "cr\r"] {
            assert_eq!(unescape(&escape(Path::new(name))), name);
        }
    }

    #[test]
    fn the_manifest_name_is_never_written_by_the_site() {
        assert!(relative_path(MANIFEST).is_err());
        assert!(relative_path("./.folio-manifest").is_err());
        assert!(relative_path("a/.folio-manifest").is_ok());
    }

    #[test]
    fn the_site_root_and_outside_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let guard = Guard {
            root: &root,
            sources: vec![root.join("content")],
            force: false,
        };
        assert!(check_output_dir(&root, &guard).is_err());
        assert!(check_output_dir(&root.join("content/x"), &guard).is_err());
        assert!(check_output_dir(&dir.path().join("elsewhere"), &guard).is_err());
        assert!(check_output_dir(&root.join("public"), &guard).is_ok());
        let forced = Guard {
            force: true,
            ..guard
        };
        assert!(check_output_dir(&dir.path().join("elsewhere"), &forced).is_ok());
    }

    #[test]
    fn a_folder_with_files_and_no_manifest_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let docs = root.join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        let guard = Guard {
            root: &root,
            sources: vec![],
            force: false,
        };
        assert!(check_output_dir(&docs, &guard).is_ok());
        std::fs::write(docs.join("design.md"), "x").unwrap();
        let error = check_output_dir(&docs, &guard).unwrap_err();
        assert_eq!(
            error.to_string(),
            "error: output folder `docs` holds files but no `.folio-manifest`, so folio cannot tell which are its own\n  help: pass `--force` to build into it and keep every file already there, or empty it\n"
        );
        std::fs::write(docs.join(MANIFEST), MANIFEST_HEADER).unwrap();
        assert!(check_output_dir(&docs, &guard).is_ok());
    }
}
