//! The search index: Pagefind reads the HTML of every page folio renders, as
//! the page passes on to the output, and gives back the index and its UI
//! files, which go out as more output files under `pagefind/`.
//!
//! Decides which pages are indexed (pages and sections; never drafts,
//! redirects or what says `search: false`) and nothing else: it reads no
//! file, writes none, and never holds the site's HTML, only Pagefind's
//! digest of each page's text.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::config::{CONFIG_FILE, Config};
use crate::content::{Content, FrontMatter};
use crate::error::{Error, Errors};
use crate::render::{Contents, OutputFile, output_path};

/// The folder of the output that holds the index and its UI files.
pub const FOLDER: &str = "pagefind";

/// How many pages may wait for the indexer before rendering waits for it:
/// enough to keep both busy, few enough that pages are not piled up.
const WAITING_PAGES: usize = 32;

/// A site's search index, filled as its pages are rendered and kept
/// between rebuilds, so that an edit indexes only the pages it changed.
pub struct Index {
    /// Output path → the page's URL path without the base path, for every
    /// page to index. Pagefind's script puts back the path of the folder
    /// that holds `pagefind/`, so one index serves any base path.
    pages: BTreeMap<String, String>,
    /// Whether a page was indexed since the index was last built.
    stale: AtomicBool,
    jobs: Option<mpsc::SyncSender<Job>>,
    worker: Option<thread::JoinHandle<()>>,
}

/// Work for the thread that owns Pagefind.
enum Job {
    /// Index (or index again) the page at `url`.
    Page {
        url: String,
        html: String,
        origin: PathBuf,
    },
    /// Build the index from every page so far and send back its files.
    Build(mpsc::Sender<std::result::Result<Vec<OutputFile>, Errors>>),
}

impl Index {
    /// Starts an empty index for the pages of `content` that are searched.
    pub fn new(config: &Config, content: &Content) -> std::result::Result<Index, Errors> {
        let pages = searched_pages(content);
        let options = PagefindServiceConfig::builder()
            .force_language(config.site.language.clone())
            .build();
        let pagefind = PagefindIndex::new(Some(options))
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        let (jobs, waiting) = mpsc::sync_channel(WAITING_PAGES);
        let urls: Vec<String> = pages.values().cloned().collect();
        let language = config.site.language.clone();
        let worker = thread::Builder::new()
            .name("search index".to_string())
            .spawn(move || work(&runtime, pagefind, &urls, &language, &waiting))
            .map_err(|e| Errors::from(Error::msg("cannot start the search index").cause(e)))?;
        Ok(Index {
            pages,
            stale: AtomicBool::new(false),
            jobs: Some(jobs),
            worker: Some(worker),
        })
    }

    /// Indexes `file` when it is the HTML of a page that is searched. Called
    /// from the threads that render, as each file passes on to the output.
    pub fn offer(&self, file: &OutputFile) {
        let Contents::Text(html) = &file.contents else {
            return;
        };
        let (Some(url), Some(jobs)) = (self.pages.get(&file.path), &self.jobs) else {
            return;
        };
        self.stale.store(true, Ordering::Relaxed);
        // A worker that is gone has failed; `files` says so.
        let _ = jobs.send(Job::Page {
            url: url.clone(),
            html: html.clone(),
            origin: file.origin.clone(),
        });
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

/// The pages and sections to index, by output path, in a stable order.
fn searched_pages(content: &Content) -> BTreeMap<String, String> {
    let pages = content.pages.iter().map(|p| (&p.url, &p.meta));
    // A folder without `_index.md` renders no page, but the home page does.
    let sections = content
        .sections
        .iter()
        .enumerate()
        .filter(|(i, s)| s.exists || *i == 0)
        .map(|(_, s)| (&s.url, &s.meta));
    pages
        .chain(sections)
        .filter(|(_, meta)| is_searched(meta))
        .map(|(url, _)| (output_path(url), url.clone()))
        .collect()
}

/// Whether a page with this front matter goes into the index.
fn is_searched(meta: &FrontMatter) -> bool {
    !meta.draft && meta.search != Some(false) && meta.redirect_to.is_none()
}

/// The worker's loop: Pagefind's API is async and indexes one page at a
/// time, so one thread owns it, and rendering goes on while it reads.
fn work(
    runtime: &tokio::runtime::Runtime,
    mut pagefind: PagefindIndex,
    urls: &[String],
    language: &str,
    jobs: &mpsc::Receiver<Job>,
) {
    let mut errors = Errors::default();
    // Pagefind numbers pages in the order it first sees them, and pages
    // render in any order. An empty record per page, in a stable order,
    // fixes the numbers: a page indexed later takes its record's place
    // (Pagefind replaces a page of the same URL), and a record left empty
    // is not in the index. So the same site always gives the same index.
    for url in urls {
        let record = pagefind.add_custom_record(
            url.clone(),
            String::new(),
            language.to_string(),
            None,
            None,
            None,
        );
        if let Err(e) = runtime.block_on(record) {
            errors.push(Error::msg(format!("cannot index `{url}` for search")).cause(e));
        }
    }
    for job in jobs {
        match job {
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
