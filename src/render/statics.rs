//! The static files of the site and its theme, with the content hash
//! `asset()` puts in their URLs. The built-in theme's come from the binary.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use crate::config::Config;
use crate::content::site_relative;
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;

/// A static file: where it comes from and its content hash.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The file to copy; empty for a file folio has in itself or makes.
    pub source: PathBuf,
    /// Eight hex digits of its content hash.
    pub hash: String,
    /// The text of a file of the built-in theme, which has no file to copy.
    pub builtin: Option<&'static str>,
    /// The source's size and modification time when it was hashed.
    pub stamp: Option<(u64, std::time::SystemTime)>,
}

impl StaticFile {
    /// A file folio writes itself at the end of the build (the highlight
    /// palette), fingerprinted by what it is made from.
    pub fn generated(made_from: &[u8]) -> StaticFile {
        StaticFile {
            source: PathBuf::new(),
            hash: format!("{:016x}", fingerprint(made_from))[..8].to_string(),
            builtin: None,
            stamp: None,
        }
    }

    /// Whether folio makes it at the end of the build rather than copying it.
    pub fn is_generated(&self) -> bool {
        self.source.as_os_str().is_empty() && self.builtin.is_none()
    }
}

/// Lists the theme's and the site's static files, the site's winning, with
/// content hashes. With `before` (the last list, and the files known to
/// have changed since), a file of the same source, size and time that is
/// not among those keeps its hash and is not read.
pub fn hash_static_files(
    config: &Config,
    before: Option<(&BTreeMap<String, StaticFile>, &HashSet<PathBuf>)>,
) -> Result<BTreeMap<String, StaticFile>> {
    let mut files = BTreeMap::new();
    if config.builtin_theme {
        for (name, text) in crate::embedded::theme_static_files() {
            let hash = format!("{:016x}", fingerprint(text.as_bytes()))[..8].to_string();
            let file = StaticFile {
                source: PathBuf::new(),
                hash,
                builtin: Some(text),
                stamp: None,
            };
            files.insert(name.to_string(), file);
        }
    }
    for dir in &config.static_dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir).follow_links(true) {
            let entry = entry.map_err(|e| {
                let path = e
                    .path()
                    .map(|p| site_relative(config, p))
                    .unwrap_or_else(|| site_relative(config, dir));
                Error::at(path, None, "cannot read this static path").cause(e)
            })?;
            crate::content::check_walked(config, &entry)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel_site = site_relative(config, entry.path());
            let Some(name) = entry.path().strip_prefix(dir).ok().and_then(|p| p.to_str()) else {
                return Err(Error::at(rel_site, None, "file name is not valid UTF-8")
                    .help("rename the file"));
            };
            if name
                .rsplit('/')
                .next()
                .is_some_and(crate::content::is_ignored_name)
            {
                continue;
            }
            let name = name.replace('\\', "/");
            let stamp = entry
                .metadata()
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            let known = before.and_then(|(list, changed)| {
                list.get(&name).filter(|old| {
                    old.source == entry.path()
                        && stamp.is_some()
                        && old.stamp == stamp
                        && !changed.contains(entry.path())
                })
            });
            let hash = match known {
                Some(old) => old.hash.clone(),
                None => {
                    let bytes = std::fs::read(entry.path()).map_err(|e| {
                        Error::at(&rel_site, None, "cannot read the static file").cause(e)
                    })?;
                    format!("{:016x}", fingerprint(&bytes))[..8].to_string()
                }
            };
            files.insert(
                name,
                StaticFile {
                    source: entry.path().to_path_buf(),
                    hash,
                    builtin: None,
                    stamp,
                },
            );
        }
    }
    Ok(files)
}
