//! `folio check`: the whole pipeline without writing, plus every internal
//! link and anchor of the rendered HTML, and external links on request.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::Fixture;

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
         help: fix the link in the page or in the template that writes it\n"
    );
}

#[test]
fn check_passes_a_sound_site_and_writes_nothing() {
    let site = Fixture::new("minimal");
    let run = site.run(["check"]).success();
    assert!(
        run.stdout
            .starts_with("checked 1 page, 2 sections, 10 files in "),
        "{}",
        run.stdout
    );
    assert!(!site.root.join("public").exists());
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
                        stream
                            .set_read_timeout(Some(Duration::from_secs(5)))
                            .unwrap();
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
