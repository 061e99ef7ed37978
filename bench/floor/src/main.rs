//! The Markdown floor of the folio benchmark.
//!
//! `floor CONTENT_DIR OUT_DIR [THREADS]` reads every `.md` file under
//! CONTENT_DIR, strips its YAML front matter, renders the body to HTML with
//! pulldown-cmark (folio's Markdown engine; tables, footnotes, strikethrough
//! and task lists on) and writes one `index.html` per file, at the URL-shaped
//! path a static site generator would use:
//!
//!   section-1/page-7.md  ->  OUT_DIR/section-1/page-7/index.html
//!   section-1/_index.md  ->  OUT_DIR/section-1/index.html
//!
//! No templates, no taxonomies, no sorting: the time it takes is what any
//! generator must spend at least to walk, read, render and write the corpus.
//! THREADS (default: all cores) sizes the rayon pool that reads, renders and
//! writes; the directory walk is sequential.
//!
//! `floor --read CONTENT_DIR [THREADS]` only walks and reads the sources:
//! what a rebuild that finds nothing changed must spend at least.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    let read_only = args.get(1).is_some_and(|a| a == "--read");
    if read_only {
        // `--read CONTENT_DIR [THREADS]`: the same arguments with no OUT_DIR.
        args.remove(1);
        args.insert(2, String::new());
    }
    if args.len() < 3 || args.len() > 4 || args[1] == "-h" || args[1] == "--help" {
        eprintln!("usage: {0} CONTENT_DIR OUT_DIR [THREADS]\n       {0} --read CONTENT_DIR [THREADS]", args[0]);
        return ExitCode::from(2);
    }
    let threads = match args.get(3).map(|t| t.parse::<usize>()) {
        None => 0, // rayon's default: one thread per core
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("floor: THREADS must be a positive integer, got {:?}", args[3]);
            return ExitCode::from(2);
        }
    };
    let out = (!read_only).then(|| Path::new(&args[2]));
    match run(Path::new(&args[1]), out, threads) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(content: &Path, out: Option<&Path>, threads: usize) -> io::Result<()> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;

    let mut files = Vec::new();
    walk(content, &mut files)?;
    files.sort();

    let in_bytes = AtomicU64::new(0);
    let out_bytes = AtomicU64::new(0);
    pool.install(|| {
        files.par_iter().try_for_each(|src| -> io::Result<()> {
            let text = fs::read_to_string(src)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", src.display())))?;
            in_bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
            let Some(out) = out else {
                return Ok(());
            };
            let html = render(strip_front_matter(&text));
            let dest = out.join(output_path(content, src));
            if let Some(dir) = dest.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&dest, &html)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dest.display())))?;
            out_bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
            Ok(())
        })
    })?;

    eprintln!(
        "floor: {} files, {:.1} MiB Markdown -> {:.1} MiB HTML, {} threads, {:.3}s",
        files.len(),
        in_bytes.into_inner() as f64 / 1048576.0,
        out_bytes.into_inner() as f64 / 1048576.0,
        pool.current_num_threads(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Every `.md` file under `dir`, recursively.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
    {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            files.push(path);
        }
    }
    Ok(())
}

/// The body after a front-matter block: a first line `---` up to the next
/// line `---`. Text without front matter is returned whole.
fn strip_front_matter(text: &str) -> &str {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return &rest[offset..];
        }
    }
    text
}

/// `a/b.md` -> `a/b/index.html`; `a/_index.md` and `a/index.md` -> `a/index.html`.
fn output_path(content: &Path, src: &Path) -> PathBuf {
    let rel = src.strip_prefix(content).unwrap_or(src);
    let parent = rel.parent().unwrap_or(Path::new(""));
    match rel.file_stem().and_then(|s| s.to_str()) {
        Some("_index") | Some("index") | None => parent.join("index.html"),
        Some(stem) => parent.join(stem).join("index.html"),
    }
}

fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, Parser::new_ext(markdown, options));
    html
}
