//! The static files of the site and its theme, with the content hash
//! `asset()` puts in their URLs. The built-in theme's come from the binary.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::content::site_relative;
use crate::error::{Error, Result};
use crate::fingerprint::fingerprint;

/// A static file: where it comes from and its content hash.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The file to copy, or the Sass file it is compiled from; empty for
    /// a file folio has in itself or makes.
    pub source: PathBuf,
    /// Eight hex digits of its content hash.
    pub hash: String,
    /// The text to write instead of copying `source`: a file of the
    /// built-in theme, a stylesheet compiled from Sass, or a stylesheet
    /// minified.
    pub text: Option<Arc<str>>,
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
            text: None,
            stamp: None,
        }
    }

    /// Whether folio makes it at the end of the build rather than copying it.
    pub fn is_generated(&self) -> bool {
        self.source.as_os_str().is_empty() && self.text.is_none()
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
                text: Some(Arc::from(text)),
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
            // Kept whole: a minified stylesheet keeps its minified text.
            if let Some(old) = known {
                files.insert(name, old.clone());
                continue;
            }
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Error::at(&rel_site, None, "cannot read the static file").cause(e))?;
            let hash = format!("{:016x}", fingerprint(&bytes))[..8].to_string();
            files.insert(
                name,
                StaticFile {
                    source: entry.path().to_path_buf(),
                    hash,
                    text: None,
                    stamp,
                },
            );
        }
    }
    Ok(files)
}

/// Adds the stylesheets compiled from Sass to the static files: a site's
/// own replaces its theme's file of the same path, and a static file and a
/// Sass file of the same folder that write one path are an error.
pub fn add_compiled(
    config: &Config,
    files: &mut BTreeMap<String, StaticFile>,
    compiled: Vec<crate::sass::Compiled>,
) -> Result<()> {
    let in_theme = |path: &Path| {
        config
            .theme_dir
            .as_ref()
            .is_some_and(|theme| path.starts_with(theme))
    };
    for sheet in compiled {
        if let Some(existing) = files
            .get(&sheet.path)
            .filter(|f| !f.source.as_os_str().is_empty())
        {
            match (in_theme(&existing.source), in_theme(&sheet.source)) {
                // The site's static file wins over its theme's Sass.
                (false, true) => continue,
                (true, false) => {}
                _ => {
                    return Err(Error::at(
                        site_relative(config, &sheet.source),
                        None,
                        format!(
                            "this Sass file and `{}` both write `{}`",
                            site_relative(config, &existing.source).display(),
                            sheet.path
                        ),
                    )
                    .help("remove one of the two, or rename one"));
                }
            }
        }
        let hash = format!("{:016x}", fingerprint(sheet.css.as_bytes()))[..8].to_string();
        files.insert(
            sheet.path,
            StaticFile {
                source: sheet.source,
                hash,
                text: Some(Arc::from(sheet.css)),
                stamp: None,
            },
        );
    }
    Ok(())
}

/// Minifies every stylesheet the site publishes, for `minify: true`: a
/// file of `static/` with what it `@import`s put in its place.
pub fn minify_styles(config: &Config, files: &mut BTreeMap<String, StaticFile>) -> Result<()> {
    // A stylesheet kept from the last render (a stamp and text) is minified.
    let sheets = files.iter_mut().filter(|(path, file)| {
        path.ends_with(".css")
            && !file.is_generated()
            && !(file.stamp.is_some() && file.text.is_some())
    });
    for (path, file) in sheets {
        let css = match &file.text {
            Some(text) if file.source.as_os_str().is_empty() => {
                crate::minify::css(text, Path::new(path))?
            }
            Some(text) => crate::minify::css(text, &site_relative(config, &file.source))?,
            None => crate::minify::css_file(&file.source, &site_relative(config, &file.source))?,
        };
        file.hash = format!("{:016x}", fingerprint(css.as_bytes()))[..8].to_string();
        file.text = Some(Arc::from(css));
    }
    Ok(())
}
