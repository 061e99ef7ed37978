//! `folio check`: the whole pipeline without writing, plus every internal
//! link and anchor of the rendered HTML, and external links on request.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Fixture, PATIENCE};

#[test]
fn check_finds_a_broken_template_link_that_build_writes_anyway() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "<a href=\"/nowhere/\">x</a>{{ page.content | safe }}",
    );
    site.run(["build"]).success();
    std::fs::remove_dir_all(site.root.join("public")).unwrap();
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md: link `/nowhere/` points at nothing in the site (in `posts/first/index.html`)\n  \
         help: fix the link in the page or in the template that writes it\n"
    );
    assert!(!site.root.join("public").exists(), "check wrote files");
}

#[test]
fn check_finds_a_broken_anchor_in_a_template() {
    let site = Fixture::new("minimal");
    site.write("templates/index.html", "<a href=\"{{ url(path='/posts/first/') }}#nope\">x</a> <a href=\"/posts/first/#details\">ok</a>");
    let run = site.run(["check", "--base-url", "https://me.github.io/portfolio/"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/_index.md: anchor `#nope` of link `/portfolio/posts/first/#nope` does not exist on its page (in `index.html`)\n  \
         help: link to an id the page has; the nearest: `#details`\n"
    );
}

#[test]
fn check_passes_a_sound_site_and_writes_nothing() {
    let site = Fixture::new("minimal");
    let run = site.run(["check"]).success();
    assert!(
        run.stdout
            .starts_with("checked 1 page, 2 sections, 11 files in "),
        "{}",
        run.stdout
    );
    assert!(!site.root.join("public").exists());
}

/// The minimal site with its first post's body replaced.
fn with_post(body: &str) -> Fixture {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/first.md",
        &format!("---\ntitle: First\n---\n{body}\n\n## Details\n"),
    );
    site
}

#[test]
fn a_link_shown_as_code_is_not_a_link() {
    // #13: links were read out of escaped text inside <code> and <pre>.
    let site = with_post(
        "Write `<a href=\"/nope/\">` like this:\n\n```html\n<a href=\"/nope/\">x</a>\n<img src=\"/nope.png\">\n```\n",
    );
    let run = site.run(["check"]).success();
    assert_eq!(run.stderr, "");
}

#[test]
fn links_with_other_schemes_are_left_alone() {
    let site = with_post(
        "[m](mailto:me@example.com) [i](irc:libera.chat/rust) [s](ircs://irc.libera.chat/x) \
         [t](tel:+15550100) [x](xmpp:me@example.com) [g](magnet:?xt=urn:btih:x) \
         [d](data:text/plain,hi) [n](news:comp.lang.rust) [c](matrix:r/rust:example.org)",
    );
    let run = site.run(["check"]).success();
    assert_eq!(run.stderr, "");
}

#[test]
fn a_javascript_link_is_a_warning() {
    let site = with_post("<a href=\"javascript:void(0)\">x</a>");
    let run = site.run(["check"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/posts/first.md:4:10: `javascript:` link `javascript:void(0)` (in `posts/first/index.html`)\n  \
         help: link to a page instead; a `javascript:` link does nothing without scripts\n"
    );
}

#[test]
fn the_sites_own_absolute_urls_are_checked_against_the_build() {
    // #13: `--external` fetched the site's canonical URLs and failed on pages not deployed yet.
    let site =
        with_post("[ok](https://example.com/posts/first/#details) [no](https://example.com/nope/)");
    let run = site.run(["check", "--external"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md:4:53: link `https://example.com/nope/` points at nothing in the site (in `posts/first/index.html`)\n  \
         help: fix the link in the page or in the template that writes it\n"
    );
}

#[test]
fn a_footnote_and_a_heading_named_1_have_their_own_ids() {
    let site = with_post("## 1\n\nSee the note[^1] and [the heading](#1).\n\n[^1]: The note.");
    site.run(["check"]).success();
    site.run(["build"]).success();
    let html = site.read("public/posts/first/index.html");
    assert!(html.contains("<h2 id=\"1\">"), "{html}");
    assert!(html.contains("id=\"fn-1\""), "{html}");
    assert!(html.contains("id=\"fnref-1\"><a href=\"#fn-1\">"), "{html}");
}

#[test]
fn an_id_given_twice_on_a_page_fails_and_names_both() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "<div id=\"details\">{{ page.content | safe }}</div>",
    );
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md: id `details` is given to 2 elements of `posts/first/index.html`\n  \
         caused by: `<div>` at line 1 of `posts/first/index.html`\n  \
         caused by: a heading `<h2>` at line 2 of `posts/first/index.html`\n  \
         help: give each element its own id: a heading takes `{#id}` after its text\n"
    );
}

#[test]
fn a_missing_anchor_names_the_nearest_ids_and_emoji_headings_match_github() {
    let site = with_post(
        "## ✨ Features\n\n[ok](#-features) [near](/posts/first/#feature) [near](/posts/first/#detail)",
    );
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md:6:25: anchor `#feature` of link `/posts/first/#feature` does not exist on its page (in `posts/first/index.html`)\n  \
         help: link to an id the page has; the nearest: `#-features`, `#sparkles-features`, `#details`\n\
         error: content/posts/first.md:6:55: anchor `#detail` of link `/posts/first/#detail` does not exist on its page (in `posts/first/index.html`)\n  \
         help: link to an id the page has; the nearest: `#details`, `#-features`, `#sparkles-features`\n\
         error: 2 problems in 1 file\n"
    );
}

#[test]
fn levels_and_skips_come_from_the_check_block() {
    let site = with_post("[a](/nowhere/) [b](/posts/first/#nope) [c](/skipped/x/)");
    let config = site.read("folio.yaml");
    site.write(
        "folio.yaml",
        &format!("{config}check:\n  internal: warn\n  anchors: off\n  skip: [\"/skip*/\"]\n"),
    );
    let run = site.run(["check"]).success();
    assert_eq!(
        run.stderr,
        "warning: content/posts/first.md:4:5: link `/nowhere/` points at nothing in the site (in `posts/first/index.html`)\n  \
         help: fix the link in the page or in the template that writes it\n"
    );
}

#[test]
fn a_broken_markdown_page_link_stays_an_error_whatever_the_levels() {
    let site = with_post("[a](@/nope.md)");
    let config = site.read("folio.yaml");
    site.write(
        "folio.yaml",
        &format!("{config}check:\n  internal: off\n  anchors: off\n"),
    );
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "error: content/posts/first.md:4:1: link to `@/nope.md`, which does not exist\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn json_prints_one_object_per_problem() {
    let site = with_post("[a](/nowhere/)");
    let run = site.run(["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"file\":\"content/posts/first.md\",\"line\":4,\"column\":5,\"page\":\"posts/first/index.html\",\
         \"url\":\"/nowhere/\",\"kind\":\"internal\",\"level\":\"error\",\
         \"message\":\"link `/nowhere/` points at nothing in the site (in `posts/first/index.html`)\",\
         \"help\":\"fix the link in the page or in the template that writes it\"}\n"
    );
}

#[test]
fn plain_problems_are_grouped_by_source_file() {
    let site = with_post("[a](/one/)");
    site.write(
        "content/posts/second.md",
        "---\ntitle: Second\n---\n[b](/two/)\n",
    );
    site.write(
        "content/_index.md",
        "---\ntitle: Home\n---\n[c](/three/) [d](/four/)\n",
    );
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    let places: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        places,
        vec![
            "content/_index.md:4:5",
            "content/_index.md:4:18",
            "content/posts/first.md:4:5",
            "content/posts/second.md:4:5",
            "4 problems in 3 files"
        ]
    );
}

#[test]
fn a_sub_path_build_rewrites_links_but_never_code_or_scripts() {
    let site = with_post(
        "<a href=\"/posts/\">raw</a>\n\n```html\n<a href=\"/posts/\">shown</a>\n```\n\n<script type=\"application/ld+json\">{\"url\": \"/posts/\"}</script>\n",
    );
    site.run(["build", "--base-url", "https://me.github.io/portfolio/"])
        .success();
    let html = site.read("public/posts/first/index.html");
    assert!(
        html.contains("<a href=\"/portfolio/posts/\">raw</a>"),
        "{html}"
    );
    let code = &html[html.find("<pre").unwrap()..html.find("</pre>").unwrap()];
    assert!(
        code.contains("/posts/") && !code.contains("/portfolio/"),
        "{code}"
    );
    assert!(html.contains("{\"url\": \"/posts/\"}"), "{html}");
    site.run(["check", "--base-url", "https://me.github.io/portfolio/"])
        .success();
}

/// A tiny HTTP server on 127.0.0.1 that answers `/ok` with 200 and
/// everything else with 404, until dropped.
struct LocalServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LocalServer {
    fn start() -> LocalServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            // Blocks in `accept`; `drop` wakes it with a connection of its own.
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                match stream {
                    Ok(stream) => {
                        stream.set_read_timeout(Some(PATIENCE)).unwrap();
                        let mut reader = BufReader::new(stream);
                        let mut line = String::new();
                        let _ = reader.read_line(&mut line);
                        loop {
                            let mut header = String::new();
                            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                                break;
                            }
                        }
                        let status = if line.contains(" /ok ") {
                            "200 OK"
                        } else {
                            "404 Not Found"
                        };
                        let mut stream = reader.into_inner();
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        );
                    }
                    Err(_) => continue,
                }
            }
        });
        LocalServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn check_external_reports_broken_links_and_unreachable_hosts() {
    let server = LocalServer::start();
    // A port that was just free and is closed again: nothing answers there.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/first.md",
        &format!(
            "---\ntitle: First\n---\n[ok](http://127.0.0.1:{0}/ok) [gone](http://127.0.0.1:{0}/gone) [down](http://127.0.0.1:{closed}/)\n\n## Details\n",
            server.port
        ),
    );
    let run = site.run(["check", "--external"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let gone = format!(
        "error: content/posts/first.md: external link `http://127.0.0.1:{}/gone` answers HTTP 404 (in `posts/first/index.html`)\n  help: fix or remove the link\n",
        server.port
    );
    assert!(run.stderr.starts_with(&gone), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "warning: content/posts/first.md: could not reach `http://127.0.0.1:{closed}/`"
        )),
        "{}",
        run.stderr
    );
    site.write("content/posts/first.md", &format!("---\ntitle: First\n---\n[ok](http://127.0.0.1:{}/ok) [down](http://127.0.0.1:{closed}/)\n\n## Details\n", server.port));
    let run = site.run(["check", "--external"]).success();
    assert!(run.stderr.starts_with(&format!("warning: content/posts/first.md: could not reach `http://127.0.0.1:{closed}/` (in `posts/first/index.html`)\n")), "{}", run.stderr);
}

/// A server on 127.0.0.1 for external checks: one thread per connection,
/// every request logged. `/ok` answers 200, `/busy` answers 429 with
/// `Retry-After: 1` the first time and 200 after, `/slow` never answers
/// until the server is dropped, anything else 404.
struct Origin {
    port: u16,
    log: Arc<Mutex<Vec<(String, Instant)>>>,
    stop: Arc<(Mutex<bool>, Condvar)>,
}

impl Origin {
    fn start() -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let stop: Arc<(Mutex<bool>, Condvar)> = Arc::default();
        let (log2, stop2) = (Arc::clone(&log), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if *stop2.0.lock().unwrap() {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (log, stop) = (Arc::clone(&log2), Arc::clone(&stop2));
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    let mut line = String::new();
                    let _ = reader.read_line(&mut line);
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                            break;
                        }
                    }
                    let path = line.split(' ').nth(1).unwrap_or("").to_string();
                    let earlier = {
                        let mut log = log.lock().unwrap();
                        let earlier = log.iter().filter(|(p, _)| *p == path).count();
                        log.push((path.clone(), Instant::now()));
                        earlier
                    };
                    let status = match path.as_str() {
                        "/ok" => "200 OK",
                        "/busy" if earlier == 0 => "429 Too Many Requests\r\nretry-after: 1",
                        "/busy" => "200 OK",
                        "/slow" => {
                            let (lock, wake) = &*stop;
                            let _unused = wake
                                .wait_while(lock.lock().unwrap(), |stopped| !*stopped)
                                .unwrap();
                            return;
                        }
                        _ => "404 Not Found",
                    };
                    let mut stream = reader.into_inner();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                });
            }
        });
        Origin { port, log, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests for `path` so far, with when each came.
    fn requests(&self, path: &str) -> Vec<Instant> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        *self.stop.0.lock().unwrap() = true;
        self.stop.1.notify_all();
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

#[test]
fn external_links_are_asked_once_retried_after_429_and_cached() {
    let origin = Origin::start();
    let slow = Origin::start();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = with_post(&format!(
        "[ok]({ok}) [again]({ok}#part) [busy]({busy}) [gone]({gone}) [slow]({slow}) [down](http://127.0.0.1:{closed}/)",
        ok = origin.url("/ok"),
        busy = origin.url("/busy"),
        gone = origin.url("/gone"),
        slow = slow.url("/slow"),
    ));
    site.write(
        "content/posts/second.md",
        &format!("---\ntitle: Second\n---\n[ok]({})\n", origin.url("/ok")),
    );
    let config = site.read("folio.yaml");
    site.write("folio.yaml", &format!("{config}check:\n  timeout: 4\n"));
    let run = site.run(["check", "--external"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    assert_eq!(
        errors,
        vec![format!(
            "error: content/posts/first.md: external link `{}` answers HTTP 404 (in `posts/first/index.html`)",
            origin.url("/gone")
        )]
    );
    for url in [slow.url("/slow"), format!("http://127.0.0.1:{closed}/")] {
        assert!(
            run.stderr.contains(&format!("warning: content/posts/first.md: could not reach `{url}` (in `posts/first/index.html`)")),
            "{}",
            run.stderr
        );
    }
    // Two pages and a fragment make one request; the 429 waits for its Retry-After.
    assert_eq!(origin.requests("/ok").len(), 1);
    let busy = origin.requests("/busy");
    assert_eq!(busy.len(), 2);
    assert!(busy[1] - busy[0] >= Duration::from_secs(1));
    // The timeout is given one retry on a host that never answers.
    assert_eq!(slow.requests("/slow").len(), 2);
    // The answers are kept in the build cache, a file of its own there.
    assert!(site.root.join(".folio-cache/links.json").is_file());
    assert!(!site.root.join(".folio-cache/.folio-manifest").exists());
    // A second run asks nothing already answered.
    let run = site.run(["check", "--external"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("answers HTTP 404"), "{}", run.stderr);
    assert_eq!(origin.requests("/ok").len(), 1);
    assert_eq!(origin.requests("/gone").len(), 2, "HEAD, then GET");
    assert_eq!(origin.requests("/busy").len(), 2);
}

#[test]
fn the_guide_and_three_hundred_pages_check_clean_at_the_root_and_under_a_sub_path() {
    // #13: a real documentation site of a few hundred pages gives no false
    // report. The guide's chapters are full of links shown as code.
    let site = Fixture::new("minimal");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "md") || name == "SUMMARY" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (first, body) = text.split_once('\n').unwrap();
        let mut body = body.to_string();
        // mdBook links chapters by file; folio by `@/`.
        for other in std::fs::read_dir(&docs).unwrap() {
            let other = other.unwrap().file_name().to_string_lossy().into_owned();
            body = body.replace(&format!("]({other}"), &format!("](@/guide/{other}"));
        }
        let title = first.trim_start_matches("# ").replace('"', "'");
        site.write(
            &format!("content/guide/{name}.md"),
            &format!("---\ntitle: \"{title}\"\n---\n{body}"),
        );
    }
    site.write("content/guide/_index.md", "---\ntitle: Guide\n---\n");
    for i in 0..300 {
        let next = (i + 1) % 300;
        site.write(
            &format!("content/notes/note-{i}.md"),
            &format!(
                "---\ntitle: Note {i}\ntags: [t{}]\n---\n## 1\n\nA claim[^1], another[^2] and the first again[^1].\n\n\
                 ## ✨ Features\n\nWrite `<a href=\"/nope/\">` to link. [Next](/notes/note-{next}/#-features), \
                 [top](#1), [home](/), [mail](mailto:me@example.com), [chat](irc:libera.chat/x), \
                 [self](https://example.com/notes/note-{i}/), [guide](@/guide/commands.md#folio-check).\n\n\
                 ```html\n<a href=\"/missing/\">x</a><img src=\"/missing.png\">\n```\n\n\
                 <figure><img src=\"/site.css\" srcset=\"/site.css 1x, /site.css 2x\" alt=\"\"></figure>\n\n\
                 [^1]: One.\n[^2]: Two.\n",
                i % 7
            ),
        );
    }
    let run = site.run(["check"]).success();
    assert_eq!(run.stderr, "");
    let run = site
        .run(["check", "--base-url", "https://example.com/docs/"])
        .success();
    assert_eq!(run.stderr, "");
}

#[test]
fn headings_get_zola_ids_and_emoji_headings_answer_to_github_too() {
    // Issue #27: anchors written for Zola name the emoji (`🦀` → `crab`).
    let site = with_post("## Async Rust (🦀)\n\n[zola](#async-rust-crab) [github](#async-rust-)");
    site.run(["check"]).success();
    site.run(["build"]).success();
    let html = site.read("public/posts/first/index.html");
    assert!(
        html.contains("<h2 id=\"async-rust-crab\"><span id=\"async-rust-\"></span>"),
        "{html}"
    );
}

#[test]
fn ids_written_in_raw_html_are_anchors_for_the_build() {
    let site = with_post(
        "<a id=\"start\"></a>\n\n<h2 id='raw-heading'>Raw</h2>\n\n[a](#start) [b](@/posts/first.md#raw-heading)",
    );
    site.run(["build"]).success();
}

#[test]
fn anchors_off_in_check_also_turns_off_the_build_s_anchor_errors() {
    let site = with_post("[a](#nowhere)");
    assert_eq!(site.run(["build"]).code, 1);
    site.write(
        "folio.yaml",
        &format!("{}check: {{ anchors: off }}\n", site.read("folio.yaml")),
    );
    site.run(["build"]).success();
}

#[test]
fn an_anchor_through_an_alias_is_checked_on_the_page_it_redirects_to() {
    // Issue #27: 118 false problems on a blog that links to its old addresses.
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/first.md",
        "---\ntitle: First\naliases: [old.html]\n---\n## Details\n\n[ok](/old.html#details)\n\n[bad](/old.html#nope)\n",
    );
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md:9:7: anchor `#nope` of link `/old.html#nope` does not exist on its page (in `posts/first/index.html`)\n  \
         help: link to an id the page has; the nearest: `#details`\n"
    );
}

#[test]
fn the_same_broken_link_on_several_lines_is_reported_at_each_line() {
    let site = with_post("[a](/nope/)\n\nText.\n\n[b](/nope/)");
    let run = site.run(["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/first.md:4:5: link `/nope/` points at nothing in the site (in `posts/first/index.html`)\n  \
         help: fix the link in the page or in the template that writes it\n\
         error: content/posts/first.md:8:5: link `/nope/` points at nothing in the site (in `posts/first/index.html`)\n  \
         help: fix the link in the page or in the template that writes it\n\
         error: 2 problems in 1 file\n"
    );
}
