//! Everything written under the output folder: checking that the folder is
//! safe to write, writing the files that changed, and removing stale ones.
//!
//! Files go through a `Stager` as they are rendered: a failed build takes
//! back what it wrote, so the output stays as it was, and unchanged files
//! are left alone (on ext4, replacing thousands of identical files costs
//! more than rendering them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

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

/// Refuses a planned path that is absolute or climbs out with `..`: folio
/// writes inside its output folder and nowhere else.
fn inside(dir: &Path, path: &str) -> Result<PathBuf> {
    let relative = Path::new(path);
    if relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        Ok(dir.join(relative))
    } else {
        Err(Error::msg(format!(
            "refusing to write `{path}`, which is outside the output folder"
        ))
        .help("give the page or file a path inside the site"))
    }
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or replaced.
    pub written: usize,
    /// Files already holding the right bytes.
    pub unchanged: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Where a site's sources are, so the output never lands on them.
#[derive(Debug, Clone)]
pub struct Guard<'a> {
    /// The site root.
    pub root: &'a Path,
    /// Folders that must never be written into.
    pub sources: Vec<PathBuf>,
    /// Allow an output folder outside the site root.
    pub force: bool,
}

/// Refuses an output folder that would overwrite the site or lies outside it.
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
    for name in ["content", "themes", "folio.yaml", "templates", "static"] {
        if (name == "folio.yaml" || name == "content" || name == "themes")
            && out.join(name).exists()
        {
            return Err(Error::msg(format!(
                "output folder `{shown}` holds `{name}`, so it looks like a site"
            ))
            .help("choose an empty folder or one folio wrote, like `public`"));
        }
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
    Ok(())
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

/// Writes a build's files as they are rendered, so the site is never held
/// in memory whole, and makes the new site appear only when it is complete.
///
/// A file that is new is written in place (and removed again by `abandon`);
/// one that changed is written beside the old one and renamed over it by
/// `commit`; one whose bytes are the same is left alone.
pub struct Stager {
    dir: PathBuf,
    existed: bool,
    staged: std::sync::Mutex<std::collections::HashMap<String, PathBuf>>,
    created: std::sync::Mutex<Vec<PathBuf>>,
    replaced: std::sync::Mutex<Vec<(PathBuf, PathBuf)>>,
    written: std::sync::atomic::AtomicUsize,
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

/// Suffix of a changed file's new version until `commit`.
const STAGED: &str = ".folio-new";

impl Stager {
    /// Prepares to write into `dir`.
    pub fn new(dir: &Path) -> Result<Stager> {
        let existed = dir.is_dir();
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::at(dir, None, "cannot create the output folder").cause(e))?;
        Ok(Stager {
            dir: dir.to_path_buf(),
            existed,
            staged: Default::default(),
            created: Default::default(),
            replaced: Default::default(),
            written: Default::default(),
        })
    }

    /// Writes one file, unless its bytes are already there. `origin` names
    /// where it comes from; a second file for the same path is an error that
    /// names both.
    pub fn stage(&self, file: &Planned<'_>, origin: &Path) -> Result<()> {
        let target = inside(&self.dir, file.path)?;
        {
            let mut staged = self.staged.lock().unwrap_or_else(|p| p.into_inner());
            // Keyed by the path as the file system sees it (`a//b` is `a/b`).
            let key = target
                .strip_prefix(&self.dir)
                .unwrap_or(&target)
                .to_string_lossy()
                .into_owned();
            if let Some(first) = staged.get(&key) {
                return Err(duplicate(file.path, origin, first));
            }
            staged.insert(key, origin.to_path_buf());
        }
        let fail = |what: &str, e: std::io::Error| {
            Error::at(&target, None, format!("cannot {what}")).cause(e)
        };
        let bytes = file.source.bytes()?;
        let bytes: &[u8] = &bytes;
        // Into a folder that did not exist, every file is new: no need to look.
        let existing = if self.existed {
            std::fs::symlink_metadata(&target).ok()
        } else {
            None
        };
        match existing {
            Some(meta)
                if meta.is_file()
                    && meta.len() == bytes.len() as u64
                    && std::fs::read(&target).is_ok_and(|old| old == bytes) =>
            {
                return Ok(());
            }
            Some(_) => {
                // A changed file, or a folder or link where a file must go:
                // the new bytes wait beside it until commit.
                let mut staged_name = target.clone().into_os_string();
                staged_name.push(STAGED);
                let staged_path = PathBuf::from(staged_name);
                std::fs::write(&staged_path, bytes).map_err(|e| fail("write the file", e))?;
                self.replaced
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((staged_path, target));
            }
            None => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| fail("create the folder", e))?;
                }
                std::fs::write(&target, bytes).map_err(|e| fail("write the file", e))?;
                self.created
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(target);
            }
        }
        self.written
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Puts every changed file in place and removes the stale ones.
    pub fn commit(self) -> Result<WriteReport> {
        let replaced = self
            .replaced
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        for (staged, target) in &replaced {
            if std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(target).map_err(|e| {
                    Error::at(target, None, "cannot replace this folder with a file").cause(e)
                })?;
            }
            std::fs::rename(staged, target).map_err(|e| {
                Error::at(target, None, "cannot put the new file in place").cause(e)
            })?;
        }
        let staged = self.staged.into_inner().unwrap_or_else(|p| p.into_inner());
        // A folder that did not exist holds nothing stale.
        let removed = if self.existed {
            let keep: HashSet<PathBuf> = staged.keys().map(|p| self.dir.join(p)).collect();
            remove_stale(&self.dir, &keep)?
        } else {
            0
        };
        let written = self.written.into_inner();
        Ok(WriteReport {
            written,
            unchanged: staged.len() - written,
            removed,
        })
    }

    /// Takes back everything written, leaving the folder as it was.
    pub fn abandon(self) {
        if !self.existed {
            let _ = std::fs::remove_dir_all(&self.dir);
            return;
        }
        for (staged, _) in self
            .replaced
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
        {
            let _ = std::fs::remove_file(staged);
        }
        let created = self.created.into_inner().unwrap_or_else(|p| p.into_inner());
        let paths: Vec<String> = created
            .iter()
            .filter_map(|p| p.strip_prefix(&self.dir).ok())
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let _ = remove_files(&self.dir, &refs);
    }
}

/// Writes `files` as they are, without comparing; for rebuilds that know what changed.
pub fn write_files(dir: &Path, files: &[Planned<'_>]) -> Result<usize> {
    let results: Vec<Result<()>> = files
        .par_iter()
        .map(|file| {
            let target = inside(dir, file.path)?;
            let fail = |what: &str, e: std::io::Error| {
                Error::at(&target, None, format!("cannot {what}")).cause(e)
            };
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail("create the folder", e))?;
            }
            match file.source {
                Source::Bytes(bytes) => {
                    std::fs::write(&target, bytes).map_err(|e| fail("write the file", e))
                }
                Source::File(path) => std::fs::copy(path, &target)
                    .map(|_| ())
                    .map_err(|e| fail("copy the file", e)),
            }
        })
        .collect();
    results
        .into_iter()
        .collect::<Result<Vec<()>>>()
        .map(|written| written.len())
}

/// Creates the files that do not exist yet and keeps the ones that do.
/// Returns how many it created.
pub fn create_new(dir: &Path, files: &[Planned<'_>]) -> Result<usize> {
    let mut created = 0;
    for file in files {
        let target = inside(dir, file.path)?;
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

/// Removes files a previous build wrote and this one does not, and emptied folders.
pub fn remove_files(dir: &Path, paths: &[&str]) -> Result<usize> {
    for path in paths {
        let target = dir.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::at(&target, None, "cannot remove a stale file").cause(e)),
        }
        let mut parent = target.parent();
        while let Some(folder) = parent.filter(|p| p.starts_with(dir) && *p != dir) {
            if std::fs::remove_dir(folder).is_err() {
                break;
            }
            parent = folder.parent();
        }
    }
    Ok(paths.len())
}

fn remove_stale(dir: &Path, keep: &HashSet<PathBuf>) -> Result<usize> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        let entry =
            entry.map_err(|e| Error::at(dir, None, "cannot read the output folder").cause(e))?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            dirs.push(path.to_path_buf());
        } else if !keep.contains(path) {
            std::fs::remove_file(path)
                .map_err(|e| Error::at(path, None, "cannot remove a stale file").cause(e))?;
            removed += 1;
        }
    }
    // Deepest first, so that emptied parents go too.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if std::fs::read_dir(&d).is_ok_and(|mut it| it.next().is_none()) {
            let _ = std::fs::remove_dir(&d);
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_all(out: &Path, files: &[Planned<'_>]) -> Result<WriteReport> {
        let stager = Stager::new(out)?;
        for file in files {
            stager.stage(file, Path::new("test"))?;
        }
        stager.commit()
    }

    #[test]
    fn writing_twice_changes_nothing_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [
            Planned {
                path: "a/index.html",
                source: Source::Bytes(b"a"),
            },
            Planned {
                path: "b.txt",
                source: Source::Bytes(b"b"),
            },
        ];
        assert_eq!(
            write_all(&out, &files).unwrap(),
            WriteReport {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        assert_eq!(
            write_all(&out, &files).unwrap(),
            WriteReport {
                written: 0,
                unchanged: 2,
                removed: 0
            }
        );
        assert_eq!(
            write_all(&out, &files[..1]).unwrap(),
            WriteReport {
                written: 0,
                unchanged: 1,
                removed: 1
            }
        );
        assert!(!out.join("b.txt").exists());
        let changed = [Planned {
            path: "a/index.html",
            source: Source::Bytes(b"A"),
        }];
        assert_eq!(write_all(&out, &changed).unwrap().written, 1);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
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
}
