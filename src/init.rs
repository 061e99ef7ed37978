//! `folio init` and `folio new`: a new site from the embedded sample and
//! default theme, and a new page with its front matter filled in.
//!
//! Decides what to write; `output` writes it, never over an existing file.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::{self, Planned, Source};

use crate::embedded::{self, DEFAULT_THEME};

/// What `init` wrote.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// The site's folder.
    pub dir: PathBuf,
    /// Files written.
    pub created: usize,
    /// Files that were there already and were kept.
    pub kept: usize,
}

/// Writes a new site into `dir`: the sample content and the default theme.
///
/// A folder that holds anything is refused unless `force`; even then no
/// existing file is overwritten.
pub fn init(dir: &Path, force: bool) -> Result<InitReport> {
    let has_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if has_files && !force {
        return Err(Error::at(dir, None, "folder is not empty")
            .help("pick an empty or new folder, or pass `--force` to add the site beside what is there (no file is overwritten)"));
    }
    let theme_prefix = format!("themes/{DEFAULT_THEME}/");
    let paths: Vec<String> = embedded::SAMPLE
        .iter()
        .map(|(p, _)| p.to_string())
        .chain(
            embedded::THEME
                .iter()
                .map(|(p, _)| format!("{theme_prefix}{p}")),
        )
        .collect();
    let bytes = embedded::SAMPLE
        .iter()
        .chain(embedded::THEME.iter())
        .map(|(_, b)| *b);
    let files: Vec<Planned<'_>> = paths
        .iter()
        .zip(bytes)
        .map(|(path, bytes)| Planned {
            path,
            source: Source::Bytes(bytes),
        })
        .collect();
    let created = output::create_new(dir, &files)?;
    Ok(InitReport {
        dir: dir.to_path_buf(),
        created,
        kept: files.len() - created,
    })
}

/// Writes a new page at `path` (under the site's `content/`) with `title`
/// from its name, `date` from a date the name starts with (today's when
/// there is none) and `draft: true`. A bundle's `index.md` is named by its
/// folder: `posts/2024-05-01-launch/index.md` is "Launch", of 2024-05-01.
pub fn new_page(root: &Path, content_dir: &Path, path: &Path, today: &str) -> Result<PathBuf> {
    let target = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let shown = target.strip_prefix(root).unwrap_or(&target).to_path_buf();
    if !target.starts_with(content_dir) || target.extension().is_none_or(|e| e != "md") {
        return Err(Error::at(
            &shown,
            None,
            "a new page must be a `.md` file under `content/`",
        )
        .help("name it like `content/projects/my-project.md`"));
    }
    let stem = page_name(&target).ok_or_else(|| {
        Error::at(&shown, None, "file name is not valid UTF-8").help("rename the file")
    })?;
    let date = crate::content::split_date_prefix(stem, &jiff::tz::TimeZone::UTC)
        .map_or_else(|| today.to_string(), |(date, _)| date.text);
    let text = format!(
        "---\ntitle: {}\ndate: {date}\ndraft: true\n---\n\n",
        yaml_string(&title_from(stem))
    );
    let rel = shown.to_string_lossy().replace('\\', "/");
    let planned = [Planned {
        path: &rel,
        source: Source::Bytes(text.as_bytes()),
    }];
    match output::create_new(root, &planned)? {
        1 => Ok(shown),
        _ => Err(Error::at(&shown, None, "file exists already")
            .help("pick another name; folio never overwrites a page")),
    }
}

/// The name a page goes by: its file's stem, or its folder's for the
/// `index.md` of a bundle.
fn page_name(target: &Path) -> Option<&str> {
    let stem = target.file_stem()?.to_str()?;
    if stem != "index" && stem != "_index" {
        return Some(stem);
    }
    target.parent()?.file_name()?.to_str()
}

/// `2024-05-01-my-first-post` → `My first post`.
pub fn title_from(stem: &str) -> String {
    let stem = crate::content::split_date_prefix(stem, &jiff::tz::TimeZone::UTC)
        .map_or(stem, |(_, rest)| rest);
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn yaml_string(text: &str) -> String {
    if text.chars().all(|c| c.is_alphanumeric() || c == ' ') && !text.is_empty() {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(title_from("my-first-post"), "My first post");
        assert_eq!(title_from("2024-05-01-launch_day"), "Launch day");
        assert_eq!(title_from("x"), "X");
    }

    #[test]
    fn a_bundle_is_named_by_its_folder() {
        assert_eq!(page_name(Path::new("content/posts/x/index.md")), Some("x"));
        assert_eq!(page_name(Path::new("content/docs/_index.md")), Some("docs"));
        assert_eq!(page_name(Path::new("content/posts/a-b.md")), Some("a-b"));
    }
}
