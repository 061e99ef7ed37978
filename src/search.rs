//! The search index: Pagefind reads the HTML of every page folio renders
//! and gives back the index and its UI files, which go out as more output
//! files under `pagefind/`.
//!
//! Decides which pages are indexed (pages and sections; never drafts,
//! redirects or what says `search: false`) and how they reach Pagefind.
//! A build hands each page's HTML, as it is rendered, to a working folder
//! in the build cache, and Pagefind reads that folder on all cores once
//! the pages are out: its API takes pages one at a time, under one lock,
//! which made indexing twice as slow. After that, under `serve`, an edited
//! page goes to Pagefind from memory, in its place. The index never holds
//! the site's HTML, only Pagefind's digest of each page's text.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, mpsc};
use std::thread;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::config::{CONFIG_FILE, Config};
use crate::content::{Content, FrontMatter};
use crate::error::{Error, Errors};
use crate::output::cache::Scratch;
use crate::render::{Contents, OutputFile};
use crate::url::output_path;

/// The folder of the output that holds the index and its UI files.
pub const FOLDER: &str = "pagefind";

/// How many edited pages may wait for the indexer before `offer` waits.
const WAITING_PAGES: usize = 32;

/// A site's search index, filled as its pages are rendered and kept
/// between rebuilds, so that an edit indexes only the pages it changed.
pub struct Index {
    /// The output path of every page to index, in path order: a page's
    /// place in it names its file in the working folder.
    paths: Vec<String>,
    /// Until the index is first built, the working folder the pages are
    /// written to; `None` after, when pages go to Pagefind one by one.
    folder: RwLock<Option<Scratch>>,
    /// Whether a page was indexed since the index was last built.
    stale: AtomicBool,
    jobs: Option<mpsc::SyncSender<Job>>,
    worker: Option<thread::JoinHandle<()>>,
    /// Whether the site has several languages: each page is then indexed
    /// in the language of its `<html lang>`, one index per language.
    multilingual: bool,
}

/// Work for the thread that owns Pagefind.
enum Job {
    /// Index every page written to the folder: `<place>.html` for the
    /// page at that place of `paths`.
    Folder {
        scratch: Scratch,
        paths: Vec<String>,
    },
    /// Index (or index again) the page at `url`.
    Page {
        url: String,
        html: String,
        origin: PathBuf,
    },
    /// Build the index from every page so far and send back its files.
    Build(mpsc::Sender<std::result::Result<Vec<OutputFile>, Errors>>),
}

/// `html` with its `<html lang>` cut to the primary subtag, as Pagefind
/// is given the language of a one-language site (`pagefind_language`).
fn primary_language(html: &str) -> std::borrow::Cow<'_, str> {
    const OPEN: &str = "<html lang=\"";
    let Some(start) = html.find(OPEN).map(|i| i + OPEN.len()) else {
        return html.into();
    };
    let Some(len) = html[start..].find('"') else {
        return html.into();
    };
    let tag = &html[start..start + len];
    let primary = pagefind_language(tag);
    if primary == tag {
        return html.into();
    }
    format!("{}{primary}{}", &html[..start], &html[start + len..]).into()
}

/// The language Pagefind is given for `tag`: its primary subtag, in lower
/// case. Pagefind picks its stemmer by that subtag and names files with
/// the whole string (a long tag made it panic), and its script in the
/// browser falls back from the page's `<html lang>` to that subtag.
fn pagefind_language(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

impl Index {
    /// Starts an empty index for the pages of `content` that are searched.
    pub fn new(config: &Config, content: &Content) -> std::result::Result<Index, Errors> {
        let paths = searched_pages(content);
        let scratch = Scratch::new(&config.root, "search").map_err(Errors::from)?;
        // One language: every page in it. Several: Pagefind reads each
        // page's `<html lang>` and keeps one index per language.
        let multilingual = config.is_multilingual();
        let builder = PagefindServiceConfig::builder();
        let options = match multilingual {
            true => builder.build(),
            false => builder
                .force_language(pagefind_language(&config.site.language))
                .build(),
        };
        let pagefind = PagefindIndex::new(Some(options))
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        let (jobs, waiting) = mpsc::sync_channel(WAITING_PAGES);
        let worker = thread::Builder::new()
            .name("search index".to_string())
            .spawn(move || work(&runtime, pagefind, &waiting))
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        Ok(Index {
            paths,
            folder: RwLock::new(Some(scratch)),
            stale: AtomicBool::new(false),
            jobs: Some(jobs),
            worker: Some(worker),
            multilingual,
        })
    }

    /// Indexes `file` when it is the HTML of a page that is searched. Called
    /// from the threads that render, as each file passes on to the output.
    pub fn offer(&self, file: &OutputFile) -> crate::error::Result<()> {
        let Contents::Text(html) = &file.contents else {
            return Ok(());
        };
        let Ok(place) = self.paths.binary_search(&file.path) else {
            return Ok(());
        };
        let html = match self.multilingual {
            true => primary_language(html),
            false => std::borrow::Cow::Borrowed(html.as_str()),
        };
        self.stale.store(true, Ordering::Relaxed);
        // Pages are written side by side; only `start_build` waits for them.
        if let Some(scratch) = self
            .folder
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            return scratch
                .write(&format!("{place}.html"), html.as_bytes())
                .map_err(|e| {
                    Error::at(&file.origin, None, "cannot write the page for the search index")
                        .cause(e)
                        .help(format!(
                            "free some disk space (the index reads the pages from `{}`), then build again",
                            scratch.path().display()
                        ))
                });
        }
        // A worker that is gone has failed; `files` says so.
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Page {
                url: pagefind_url(&file.path),
                html: html.into_owned(),
                origin: file.origin.clone(),
            });
        }
        Ok(())
    }

    /// Whether a page was indexed since `files` last built the index.
    pub fn is_stale(&self) -> bool {
        self.stale.load(Ordering::Relaxed)
    }

    /// Builds the index from every page offered so far: the index, Pagefind's
    /// scripts and its UI's stylesheet, as files under `pagefind/`.
    pub fn files(&self) -> std::result::Result<Vec<OutputFile>, Errors> {
        self.start_build().wait()
    }

    /// Starts building the index from every page offered so far, on the
    /// index's own thread, and returns at once; pages offered meanwhile
    /// wait for the next build.
    pub fn start_build(&self) -> Building {
        self.stale.store(false, Ordering::Relaxed);
        let (reply, answer) = mpsc::channel();
        // A worker that is gone drops `reply`, and `Building` says so.
        if let Some(jobs) = &self.jobs {
            let taken = self
                .folder
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some(scratch) = taken {
                let paths = self.paths.clone();
                let _ = jobs.send(Job::Folder { scratch, paths });
            }
            let _ = jobs.send(Job::Build(reply));
        }
        Building(answer)
    }
}

impl Drop for Index {
    fn drop(&mut self) {
        // Closing the queue ends the worker's loop. Under serve, a full
        // rebuild drops the old index while it may still be building;
        // waiting for it would hold up the new site, so only a build waits.
        drop(self.jobs.take());
        if let Some(worker) = self.worker.take()
            && worker.is_finished()
        {
            let _ = worker.join();
        }
    }
}

/// An index build under way on the index's thread.
pub struct Building(mpsc::Receiver<std::result::Result<Vec<OutputFile>, Errors>>);

impl Building {
    /// Waits for the index's files.
    pub fn wait(self) -> std::result::Result<Vec<OutputFile>, Errors> {
        self.0.recv().unwrap_or_else(|_| Err(stopped()))
    }

    /// The index's files when the build is done, `None` while it runs.
    pub fn try_wait(&self) -> Option<std::result::Result<Vec<OutputFile>, Errors>> {
        match self.0.try_recv() {
            Ok(files) => Some(files),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(stopped())),
        }
    }
}

/// The error of an index whose thread ended before it answered.
fn stopped() -> Errors {
    Errors::from(
        Error::msg("the search index stopped while it was being built")
            .help("report this as a folio bug, with the site if you can share it"),
    )
}

/// Whether `path` is a file of the search index (written apart from the
/// pages, as the index is built).
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix(FOLDER)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The output paths of the pages and sections to index, in path order.
pub fn searched_pages(content: &Content) -> Vec<String> {
    let pages = content.pages.iter().map(|p| (&p.url, &p.meta));
    // A folder without `_index.md` renders no page, but the home page does.
    let sections = content
        .sections
        .iter()
        .enumerate()
        .filter(|(i, s)| s.exists || *i == 0)
        .map(|(_, s)| (&s.url, &s.meta));
    let mut paths: Vec<String> = pages
        .chain(sections)
        .filter(|(_, meta)| is_searched(meta))
        .map(|(url, _)| output_path(url))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The URL Pagefind gives the page at output path `path` when it reads it
/// from a folder: without the base path (Pagefind's script puts back the
/// path of the folder that holds `pagefind/`, so one index serves any base
/// path), without `index.html`, percent-encoded. A page indexed again from
/// memory takes the same URL, so it replaces the one read from the folder.
fn pagefind_url(path: &str) -> String {
    let path = if path == "index.html" {
        ""
    } else {
        path.strip_suffix("index.html")
            .filter(|folder| folder.ends_with('/'))
            .unwrap_or(path)
    };
    format!("/{}", crate::url::encode_path(path))
}

/// Whether a page with this front matter goes into the index.
fn is_searched(meta: &FrontMatter) -> bool {
    !meta.draft && meta.search != Some(false) && meta.redirect_to.is_none()
}

/// The worker's loop: Pagefind's API is async and takes one call at a
/// time, so one thread owns it, and rendering goes on while it reads.
fn work(
    runtime: &tokio::runtime::Runtime,
    mut pagefind: PagefindIndex,
    jobs: &mpsc::Receiver<Job>,
) {
    let mut errors = Errors::default();
    for job in jobs {
        match job {
            Job::Folder { scratch, paths } => {
                if let Err(error) = index_folder(runtime, &mut pagefind, &scratch, &paths) {
                    errors.push(error);
                }
            }
            Job::Page { url, html, origin } => {
                let added = pagefind.add_html_file(None, Some(url), html);
                if let Err(e) = runtime.block_on(added) {
                    errors.push(
                        Error::at(&origin, None, "cannot index the page for search").cause(e),
                    );
                }
            }
            Job::Build(reply) => {
                let result = if errors.has_errors() {
                    Err(std::mem::take(&mut errors))
                } else {
                    runtime
                        .block_on(pagefind.get_files())
                        .map(|files| files.into_iter().map(output_file).collect())
                        .map_err(|e| {
                            Errors::from(Error::msg("cannot build the search index").cause(e))
                        })
                };
                let _ = reply.send(result);
            }
        }
    }
}

/// Has Pagefind read the pages written to `scratch`, in parallel, each at
/// its output path. Pagefind numbers pages in the order it finds them, so
/// the pages are first put in their folders one by one in path order: the
/// same site then gives the same index, whatever order pages rendered in.
fn index_folder(
    runtime: &tokio::runtime::Runtime,
    pagefind: &mut PagefindIndex,
    scratch: &Scratch,
    paths: &[String],
) -> crate::error::Result<()> {
    let mut placed = 0;
    for (place, path) in paths.iter().enumerate() {
        let name = format!("{place}.html");
        if !scratch.path().join(&name).is_file() {
            continue;
        }
        scratch.place(&name, &format!("site/{path}")).map_err(|e| {
            Error::at(
                scratch.path().join("site").join(path),
                None,
                "cannot put a page in place for the search index",
            )
            .cause(e)
            .help("free some disk space, then build again")
        })?;
        placed += 1;
    }
    let site = scratch.path().join("site");
    if placed == 0 {
        return Ok(());
    }
    let read = runtime.block_on(pagefind.add_directory(
        site.to_string_lossy().into_owned(),
        Some("**/*.html".to_string()),
    ));
    match read {
        Ok(count) if count == placed => Ok(()),
        Ok(count) => Err(Error::msg(format!(
            "the search index read {count} of the site's {placed} pages"
        ))
        .help("report this as a folio bug, with the site if you can share it")),
        Err(e) => Err(Error::at(&site, None, "cannot index the pages for search").cause(e)),
    }
}

/// One of Pagefind's files as a file of the output.
fn output_file(file: pagefind::api::SyntheticFile) -> OutputFile {
    let name = file.filename.to_string_lossy().replace('\\', "/");
    OutputFile {
        path: format!("{FOLDER}/{name}"),
        contents: Contents::Bytes(file.contents),
        origin: PathBuf::from(CONFIG_FILE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_indexed_from_memory_takes_the_url_pagefind_gives_its_file() {
        assert_eq!(pagefind_url("index.html"), "/");
        assert_eq!(pagefind_url("notes/kafka/index.html"), "/notes/kafka/");
        assert_eq!(pagefind_url("about.html"), "/about.html");
        assert_eq!(pagefind_url("notes/myindex.html"), "/notes/myindex.html");
        assert_eq!(
            pagefind_url("notes/café 1/index.html"),
            "/notes/caf%C3%A9%201/"
        );
    }

    #[test]
    fn drafts_redirects_and_pages_that_say_so_are_not_searched() {
        let searched = FrontMatter::default();
        assert!(is_searched(&searched));
        let draft = FrontMatter {
            draft: true,
            ..FrontMatter::default()
        };
        let left_out = FrontMatter {
            search: Some(false),
            ..FrontMatter::default()
        };
        let redirect = FrontMatter {
            redirect_to: Some("/elsewhere/".to_string()),
            ..FrontMatter::default()
        };
        for meta in [draft, left_out, redirect] {
            assert!(!is_searched(&meta), "{meta:?}");
        }
    }
}
