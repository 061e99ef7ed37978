//! `folio serve` on a fixture: served types, live edits, errors that reach
//! the browser, and requests that try to leave the output folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{Fixture, PATIENCE, SmallDisk};

/// A running `folio serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    port: u16,
    lines: mpsc::Receiver<String>,
    /// What it printed before its address.
    before: Vec<String>,
}

impl Server {
    fn start(site: &Fixture, args: &[&str]) -> Server {
        let port: &[&str] = if args.contains(&"--port") {
            &[]
        } else {
            &["--port", "0"]
        };
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("folio"))
            .arg("serve")
            .args(port)
            .args(args)
            .current_dir(&site.root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        let tx_err = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx_err.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + PATIENCE;
        let mut before = Vec::new();
        let url = loop {
            let line = lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("serve printed no address");
            if let Some(rest) = line.strip_prefix("serving at ") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
            before.push(line);
        };
        let port = url
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Server {
            child,
            url,
            port,
            lines,
            before,
        }
    }

    /// Sends a raw request line and returns the status code and the whole response.
    fn raw(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    }

    /// Opens the live-reload event stream as the page's script does, and
    /// returns it once the server has answered, so it is subscribed.
    fn events(&self) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET /__folio/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while line != "\r\n" {
            line.clear();
            assert!(
                reader.read_line(&mut line).unwrap() > 0,
                "the event stream closed"
            );
        }
        reader
    }

    /// Polls `path` until its response contains `needle`.
    fn wait_for(&self, path: &str, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (_, text) = self.raw(path);
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never contained {needle:?}; last:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for a line of output that contains `needle`.
    fn wait_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let line = self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no line with {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
}

#[test]
fn pages_and_files_are_served_with_their_types_and_no_stale_caching() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let (status, page) = server.raw("/posts/first/");
    assert_eq!(status, 200);
    assert!(
        header(&page, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(header(&page, "cache-control"), Some("no-cache"));
    assert!(header(&page, "etag").is_some());
    assert!(
        page.contains("/__folio/events"),
        "the reload script is injected"
    );
    let (_, css) = server.raw("/site.css");
    assert!(
        header(&css, "content-type")
            .unwrap()
            .starts_with("text/css")
    );
    let (_, xml) = server.raw("/sitemap.xml");
    assert!(header(&xml, "content-type").unwrap().contains("xml"));
    let (status, moved) = server.raw("/posts");
    assert!(status == 301 || status == 307 || status == 308, "{moved}");
    assert_eq!(header(&moved, "location"), Some("/posts/"));
    let (status, missing) = server.raw("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        missing.contains("<h1>404</h1>"),
        "the site's 404 page: {missing}"
    );
}

#[test]
fn the_built_site_has_no_reload_script_but_served_pages_do() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    assert!(!site.read("public/index.html").contains("<script"));
    let server = Server::start(&site, &["--output-dir", "served"]);
    for path in ["/", "/posts/first/", "/tags/rust/"] {
        let (status, page) = server.raw(path);
        assert_eq!(status, 200, "{path}");
        assert!(
            page.contains("<script>") && page.contains("/__folio/events"),
            "{path} is served without the reload script"
        );
    }
    assert!(
        !site.read("public/index.html").contains("<script"),
        "serving into its own folder leaves the built site alone"
    );
}

#[test]
fn a_minified_page_is_served_with_the_reload_script_as_written() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        &format!("{}minify: true\n", site.read("folio.yaml")),
    );
    let server = Server::start(&site, &[]);
    let (status, page) = server.raw("/posts/first/");
    assert_eq!(status, 200);
    let body = &page[page.find("<!doctype html>").expect("a minified page")..];
    let script_at = body.find("<script>").expect("the reload script");
    assert!(
        !body[..script_at].contains("\n"),
        "the page before the script is minified"
    );
    assert!(
        body[script_at..].starts_with(&folio::serve::reload_script("/")),
        "the script is as serve writes it: {body}"
    );
}

#[test]
fn requests_outside_the_output_are_refused() {
    let site = Fixture::new("minimal");
    site.write("secret.txt", "top secret");
    let server = Server::start(&site, &[]);
    std::os::unix::fs::symlink(
        site.root.join("secret.txt"),
        site.root.join("public/leak.txt"),
    )
    .unwrap();
    for path in [
        "/../folio.yaml",
        "/%2e%2e/folio.yaml",
        "/posts/%2E%2E/%2e%2e/secret.txt",
        "/..%5Csecret.txt",
        "/a%00b",
        "/leak.txt",
        "//etc/passwd",
    ] {
        let (status, response) = server.raw(path);
        assert!(
            status == 400 || status == 404,
            "{path}: {status}\n{response}"
        );
        assert!(
            !response.contains("top secret") && !response.contains("base_url"),
            "{path} leaked"
        );
    }
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let _ = stream.read_to_string(&mut reply);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 400"),
        "{reply}"
    );
    assert_eq!(server.raw("/").0, 200, "the server survived");
}

#[test]
fn an_edit_shows_up_and_a_broken_edit_keeps_the_old_page_and_reaches_the_browser() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &[]);
    let first = site.read("content/posts/first.md");
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "Freshly edited text."),
    );
    server.wait_for("/posts/first/", "Freshly edited text.");
    server.wait_line("content/posts/first.md changed: rebuilt,");

    let mut reader = server.events();

    site.write(
        "content/posts/first.md",
        "---\ntitle: First\ndate: not a date\n---\n",
    );
    let mut seen = String::new();
    let deadline = Instant::now() + PATIENCE;
    while !seen.contains("event: failure") {
        assert!(Instant::now() < deadline, "no failure event: {seen}");
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        seen.push_str(&line);
    }
    let mut data = String::new();
    reader.read_line(&mut data).unwrap();
    assert!(
        data.contains("content/posts/first.md:3:7: `date` must be a date like 2024-05-01"),
        "{data}"
    );
    let (status, page) = server.raw("/posts/first/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Freshly edited text."),
        "the last good page stays up"
    );

    site.write("content/posts/first.md", &first);
    let mut after = String::new();
    while !after.contains("event: reload") {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        after.push_str(&line);
    }
    server.wait_for("/posts/first/", "Intro text.");
}

#[test]
fn a_sub_path_site_is_served_under_its_sub_path() {
    let site = Fixture::new("minimal");
    site.write(
        "folio.yaml",
        "title: Minimal\nbase_url: https://me.github.io/portfolio/\ntaxonomies: [{name: tags}]\n",
    );
    let server = Server::start(&site, &[]);
    assert!(server.url.ends_with("/portfolio/"), "{}", server.url);
    let (status, page) = server.raw("/portfolio/posts/first/");
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/portfolio/tags/rust/\""));
    assert!(page.contains("\"/portfolio/__folio/events\""));
    assert_eq!(server.raw("/posts/first/").0, 404);
    let (status, root) = server.raw("/");
    assert!(status == 301 || status == 302 || status == 307, "{root}");
}

#[test]
fn a_css_edit_asks_the_browser_to_swap_stylesheets() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &[]);
    let mut reader = server.events();
    site.write("static/site.css", "body { color: red; }\n");
    let mut seen = String::new();
    while !seen.contains("event: css") {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(
            !line.contains("event: reload"),
            "a CSS edit reloaded the page"
        );
        seen.push_str(&line);
    }
    server.wait_for("/site.css", "color: red");
}

#[test]
fn an_edit_to_a_sass_partial_recompiles_and_swaps_stylesheets() {
    let site = Fixture::new("minimal");
    std::fs::remove_file(site.root.join("static/site.css")).unwrap();
    site.write("sass/_ink.scss", "$ink: blue;\n");
    site.write(
        "sass/site.scss",
        "@use \"ink\";\nbody { color: ink.$ink; }\n",
    );
    let server = Server::start(&site, &[]);
    server.wait_for("/site.css", "color: blue");
    let mut reader = server.events();
    site.write("sass/_ink.scss", "$ink: red;\n");
    let mut seen = String::new();
    while !seen.contains("event: css") {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(
            !line.contains("event: reload"),
            "a Sass edit reloaded the page"
        );
        seen.push_str(&line);
    }
    server.wait_for("/site.css", "color: red");
}

#[test]
fn ctrl_c_stops_the_server_cleanly_even_with_a_browser_connected() {
    let site = Fixture::new("minimal");
    let mut server = Server::start(&site, &[]);
    let _events = server.events();
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_save_through_a_temporary_file_rebuilds_once() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &[]);
    let first = site.read("content/posts/first.md");
    // How vim and VS Code save: write a temporary file, then rename it over the page.
    site.write(
        "content/posts/.first.md.swp",
        &first.replace("Intro text.", "Saved by rename."),
    );
    std::fs::rename(
        site.root.join("content/posts/.first.md.swp"),
        site.root.join("content/posts/first.md"),
    )
    .unwrap();
    server.wait_for("/posts/first/", "Saved by rename.");
    assert!(
        server
            .wait_line("changed:")
            .starts_with("content/posts/first.md changed:")
    );
    // A second, different edit is the marker: a duplicate rebuild of the
    // first save would be reported before it, or together with it.
    site.write("content/posts/marker.md", "---\ntitle: Marker\n---\n");
    let next = server.wait_line("changed:");
    assert!(
        next.starts_with("content/posts/marker.md changed:"),
        "more than one rebuild for one save: {next}"
    );
}

#[test]
fn an_edit_to_folio_yaml_reloads_the_configuration() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &[]);
    site.write(
        "folio.yaml",
        &site
            .read("folio.yaml")
            .replace("title: Minimal", "title: Renamed"),
    );
    server.wait_for("/posts/first/", "<title>First | Renamed</title>");
    server.wait_line("folio.yaml changed: rebuilt everything");
}

#[test]
fn full_rebuilds_everything_on_every_edit() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &["--full"]);
    let first = site.read("content/posts/first.md");
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "Edited in full mode."),
    );
    server.wait_for("/posts/first/", "Edited in full mode.");
    server.wait_line("content/posts/first.md changed: rebuilt everything");
}

#[test]
fn a_busy_port_moves_to_the_next_free_one_and_says_so() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &["--port", &port.to_string()]);
    assert_ne!(server.port, port);
    // The warning goes to stderr and the address to stdout: either may come first.
    let warning = format!("warning: port {port} is taken; using the next free one");
    if !server.before.contains(&warning) {
        assert_eq!(server.wait_line(&warning), warning);
    }
    assert_eq!(server.raw("/").0, 200);
}

#[test]
fn binding_every_interface_warns_that_the_site_is_public() {
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    if !server
        .before
        .iter()
        .any(|l| l.contains("reachable from the network"))
    {
        server.wait_line("warning: the site is reachable from the network");
    }
    assert_eq!(server.raw("/").0, 200);
}

/// Runs `folio ARGS` and waits for it to end, within a generous bound.
fn run_to_end(site: &Fixture, args: &[&str]) -> (i32, String) {
    let output = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .timeout(PATIENCE)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

// Issue #11: the refusal was printed, then an error page was served forever.
#[test]
fn a_refused_output_folder_ends_serve_with_exit_1() {
    let site = Fixture::new("minimal");
    let (code, stderr) = run_to_end(&site, &["serve", "--port", "0", "-o", "content"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            "error: output folder `content` overlaps the source folder `content`\n  help: write the site into a folder of its own, like `public`\n"
        )
    );
}

// Issue #11: two servers overwrote each other's `public/`.
#[test]
fn a_second_server_on_one_output_folder_is_refused_naming_the_first() {
    let site = Fixture::new("minimal");
    let first = Server::start(&site, &[]);
    let (code, stderr) = run_to_end(&site, &["serve", "--port", "0"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: public: this output folder is being written by `folio serve` at {} (process {})\n  help: stop it, or pass `--output-dir` to serve from another folder\n",
            first.url,
            first.child.id()
        )
    );
}

// Issue #27, point 3: `folio build` while `folio serve` ran left a mix of
// the two sites in `public/`.
#[test]
fn a_build_while_the_server_writes_the_folder_is_refused_and_changes_nothing() {
    let site = Fixture::new("minimal");
    let mut server = Server::start(&site, &[]);
    let served = site.tree("public");
    let (code, stderr) = run_to_end(&site, &["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: public: this output folder is being written by `folio serve` at {} (process {})\n  help: wait for it to end or stop it, or pass `--output-dir` to build into another folder\n",
            server.url,
            server.child.id()
        )
    );
    assert_eq!(site.tree("public"), served);
    // Another folder is free.
    let (code, stderr) = run_to_end(&site, &["build", "-o", "elsewhere"]);
    assert_eq!(code, 0, "{stderr}");
    // A killed server's lock is taken over by the next writer.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert!(site.root.join(".public.folio-lock").exists());
    let (code, stderr) = run_to_end(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!site.read("public/index.html").contains("__folio"));
    assert!(!site.root.join(".public.folio-lock").exists());
}

// Issue #11: `--bind ::1` wrote `http://::1:PORT/` into links.
#[test]
fn an_ipv6_address_is_written_in_brackets() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: this machine has no IPv6 loopback");
        return;
    }
    let site = Fixture::new("minimal");
    let server = Server::start(&site, &["--bind", "::1"]);
    assert!(server.url.starts_with("http://[::1]:"), "{}", server.url);
}

// Issue #11, point 6: a page edited while it was requested was served
// empty or cut off.
#[test]
fn a_page_rewritten_while_it_is_requested_is_always_served_whole() {
    let site = Fixture::new("minimal");
    let body = "A paragraph of a long page, repeated.\n\n".repeat(30_000);
    let page = |n: usize| format!("---\ntitle: Big\n---\n{body}\nend-of-version-{n}\n");
    site.write("content/posts/big.md", &page(0));
    let server = Server::start(&site, &[]);
    server.wait_for("/posts/big/", "end-of-version-0");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let port = server.port;
    let reader = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut broken = Vec::new();
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && seen < 5_000 {
                seen += 1;
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.set_read_timeout(Some(PATIENCE)).unwrap();
                write!(
                    stream,
                    "GET /posts/big/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut response = Vec::new();
                let _ = stream.read_to_end(&mut response);
                let text = String::from_utf8_lossy(&response);
                let whole = text
                    .split_once("\r\n\r\n")
                    .is_some_and(|(_, body)| body.trim_end().ends_with("</html>"));
                if !whole {
                    broken.push(response.len());
                }
            }
            (seen, broken)
        })
    };
    for n in 1..=10 {
        site.write("content/posts/big.md", &page(n));
        server.wait_for("/posts/big/", &format!("end-of-version-{n}"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (seen, broken) = reader.join().unwrap();
    assert!(
        broken.is_empty(),
        "{} of {seen} responses were cut off: {broken:?}",
        broken.len()
    );
}

// Issue #11, point 6: after a rebuild failed on a full disk, a page cut off
// mid-tag was served with 200.
#[test]
fn a_rebuild_that_fills_the_disk_keeps_serving_the_whole_last_page() {
    let site = Fixture::new("minimal");
    let disk = match SmallDisk::mount(&site.root.join("disk"), "1m") {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let page = |body: &str| format!("---\ntitle: Big\n---\n{body}\nend-of-page\n");
    site.write("content/posts/big.md", &page("Small for now."));
    let server = Server::start(&site, &["-o", "disk/public"]);
    let before = server.wait_for("/posts/big/", "end-of-page");
    let free = disk.free_bytes();
    site.write(
        "content/posts/big.md",
        &page(&"A line that fills the disk.\n\n".repeat(60_000)),
    );
    server.wait_line("No space left on device");
    let (status, after) = server.raw("/posts/big/");
    assert_eq!(status, 200);
    let body = |response: &str| response.split_once("\r\n\r\n").unwrap().1.to_string();
    assert_eq!(body(&after), body(&before));
    let leftovers: Vec<_> = walkdir::WalkDir::new(site.root.join("disk"))
        .into_iter()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.contains(".folio-new") || p.contains(".folio-next"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    assert_eq!(disk.free_bytes(), free);
}

#[test]
fn a_templates_folder_made_while_serving_is_watched_from_then_on() {
    let site = Fixture::empty("serve_new_templates");
    site.run(["init", "."]).success();
    assert!(!site.root.join("templates").exists());
    let server = Server::start(&site, &[]);
    site.write("templates/404.html", "first 404");
    server.wait_for("/404.html", "first 404");
    site.write("templates/404.html", "second 404");
    server.wait_for("/404.html", "second 404");
}

#[test]
fn an_edit_reaches_the_search_index_after_the_page() {
    let site = Fixture::new("search_index");
    let server = Server::start(&site, &[]);
    let entry = |server: &Server| {
        let (status, text) = server.raw("/pagefind/pagefind-entry.json");
        assert_eq!(status, 200, "{text}");
        text.split_once("\r\n\r\n").unwrap().1.to_string()
    };
    // The index follows the site: the pages are served first.
    server.wait_for("/pagefind/pagefind-entry.json", "languages");
    let before = entry(&server);
    site.write(
        "content/notes/kafka.md",
        "---\ntitle: Kafka\n---\nA partition has one leader.\n",
    );
    server.wait_for("/notes/kafka/", "A partition has one leader.");
    // The entry names the index by a hash of what it holds.
    let deadline = Instant::now() + PATIENCE;
    while entry(&server) == before {
        assert!(Instant::now() < deadline, "the index never changed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_build_after_serve_draws_no_card_again() {
    // Issue #27: cards drawn under serve showed its local address, so they
    // were other cards, and serve pruned the build's: the next build drew
    // every card again.
    let site = crate::cards::with_photo();
    site.run(["build"]).success();
    let cache = site.root.join(".folio-cache/cards");
    let built: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!built.is_empty());
    // Were a card drawn again, its real bytes would replace these.
    for file in &built {
        std::fs::write(file, b"from the cache").unwrap();
    }
    drop(Server::start(&site, &[]));
    for file in &built {
        assert_eq!(
            std::fs::read(file).ok().as_deref(),
            Some(&b"from the cache"[..]),
            "{} was pruned or drawn again under serve",
            file.display()
        );
    }
    site.run(["build"]).success();
    for (path, bytes) in site.tree("public/cards") {
        assert_eq!(bytes, "from the cache", "{path}");
    }
}
