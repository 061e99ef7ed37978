//! `folio serve`: builds the site, serves the output on loopback, watches
//! the sources, rebuilds what changed and tells browsers to reload.
//!
//! Only files inside the output folder are ever served. A failed rebuild
//! keeps the last good site online and shows its error in the browser.
//! Nothing here prints: every line goes through the caller's `notify`.

use std::convert::Infallible;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch as tokio_watch};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::build::{BuildOptions, BuildReport, Rebuild, Session};
use crate::config::{self, Config, Overrides};
use crate::error::{Error, Errors};
use crate::output;
use crate::url::percent_decode;
use crate::watch;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on.
    pub bind: String,
    /// The port to try first; 0 lets the system choose.
    pub port: u16,
    /// Keep drafts and future pages.
    pub include_drafts: bool,
    /// Rebuild everything on every change.
    pub full: bool,
    /// Allow an output folder outside the site.
    pub force: bool,
}

/// Something the server wants the user to know.
#[derive(Debug)]
pub enum Notice {
    /// The server listens at `url`; `instead_of` names a busy port it skipped.
    Listening {
        /// The site's local address.
        url: String,
        /// The port asked for, when it was taken.
        instead_of: Option<u16>,
        /// Whether the address is reachable from other machines.
        public: bool,
    },
    /// The first build finished.
    Built(BuildReport),
    /// A rebuild finished.
    Rebuilt {
        /// What changed, relative to the site root.
        changed: Vec<String>,
        /// What the rebuild did.
        rebuild: Rebuild,
    },
    /// A build failed; the last good site stays up.
    Failed(Errors),
}

/// What browsers are told over Server-Sent Events.
#[derive(Debug, Clone)]
enum Signal {
    Reload,
    Css,
}

/// The path, under the base path, of the live-reload event stream.
const EVENTS: &str = "__folio/events";

/// How often the rebuild loop looks whether a search index build is done,
/// between file events: its files are written at most this late.
const SEARCH_POLL: Duration = Duration::from_millis(50);

/// Serves the site until Ctrl-C.
pub fn serve(
    cwd: &Path,
    overrides: Overrides,
    options: &ServeOptions,
    notify: Arc<dyn Fn(Notice) + Send + Sync>,
) -> Result<(), Errors> {
    let first = config::load(cwd, &overrides)?;
    let build_options = BuildOptions {
        include_drafts: options.include_drafts,
        include_future: options.include_drafts,
        force: options.force,
        inject: Some(reload_script(&first.base_path)),
        deny_warnings: false,
        template_metrics: false,
        stable_assets: true,
    };
    // A refused output folder ends serve: there is nothing it could serve.
    crate::build::check_output_dir(&first, &build_options)
        .map_err(|e| e.relative_to(&first.root))?;
    let mut lock = output::OutputLock::acquire(&first.output_dir, output::Writer::Serve(None))
        .map_err(|e| Errors::from(e).relative_to(&first.root))?;
    let (listener, instead_of) = bind(&options.bind, options.port)?;
    let port = listener
        .local_addr()
        .map_err(|e| Errors::from(Error::msg("cannot read the server address").cause(e)))?
        .port();
    let host = if options.bind == "0.0.0.0" || options.bind == "::" {
        "127.0.0.1".to_string()
    } else if options.bind.contains(':') && !options.bind.starts_with('[') {
        // An IPv6 address needs brackets in a URL.
        format!("[{}]", options.bind)
    } else {
        options.bind.clone()
    };
    let local = Overrides {
        base_url: Some(format!("http://{host}:{port}{}", first.base_path)),
        published_url: Some(first.base_url.clone()),
        ..overrides
    };
    let config = config::load(cwd, &local)?;
    lock.record(output::Writer::Serve(Some(&config.base_url)))
        .map_err(Errors::from)?;
    let (signals, _) = broadcast::channel::<Signal>(16);
    let (failure_tx, failure_rx) = tokio_watch::channel::<Option<String>>(None);
    let (rebuilder, first_build) =
        Rebuilder::start(cwd, local, build_options, options.full, config.clone());
    match first_build {
        Ok(report) => notify(Notice::Built(report)),
        Err(errors) => {
            let _ = failure_tx.send(Some(errors_text(&errors)));
            notify(Notice::Failed(errors));
        }
    }
    let (path_tx, path_rx) = mpsc::channel();
    let watcher = watch::start(&config, path_tx).map_err(Errors::from)?;
    let state = Rebuilds {
        rebuilder,
        signals: signals.clone(),
        failure: failure_tx,
        notify: Arc::clone(&notify),
        watcher,
    };
    std::thread::spawn(move || state.run(path_rx));
    notify(Notice::Listening {
        url: config.base_url.clone(),
        instead_of,
        public: host != options.bind,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Errors::from(Error::msg("cannot start the server").cause(e)))?;
    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let app = router(&config, signals, failure_rx, stop_rx);
    let result = runtime.block_on(async move {
        // Without TCP_NODELAY every response on a kept-alive connection
        // waits ~40 ms for Nagle's algorithm.
        let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        let stop = stop_tx.clone();
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                // Event streams never end by themselves: end them so the server can.
                let _ = stop.send(true);
            })
            .await
    });
    drop(lock);
    runtime.shutdown_background();
    result.map_err(|e| Errors::from(Error::msg("the server stopped").cause(e)))
}

/// Binds `port`, or the next free one of the following ten when it is taken.
fn bind(address: &str, port: u16) -> Result<(TcpListener, Option<u16>), Errors> {
    let tries = if port == 0 { 0..=0 } else { 0..=10 };
    let mut last = None;
    for offset in tries {
        let candidate = port.saturating_add(offset);
        match TcpListener::bind((address, candidate)) {
            Ok(listener) => {
                listener.set_nonblocking(true).map_err(|e| {
                    Errors::from(Error::msg("cannot set up the server socket").cause(e))
                })?;
                return Ok((listener, (offset > 0).then_some(port)));
            }
            Err(e) => last = Some(e),
        }
    }
    let mut error = Error::msg(format!(
        "cannot listen on {address}:{port} or the ten ports after it"
    ))
    .help("pass another `--port`, or stop what uses these ports");
    if let Some(e) = last {
        error = error.cause(e);
    }
    Err(Errors::from(error))
}

/// Keeps a site in memory and turns batches of what the watcher saw into
/// rebuilds of it. A batch whose rebuild failed is kept and applied with
/// the next one, so that a page added or deleted while another file is
/// broken is not lost when that file is fixed.
pub struct Rebuilder {
    cwd: PathBuf,
    overrides: Overrides,
    build_options: BuildOptions,
    full_only: bool,
    session: Option<Session>,
    config: Config,
    /// What a failed rebuild has not applied yet.
    unapplied: Vec<watch::Seen>,
}

/// What one batch of changes did.
#[derive(Debug)]
pub struct Outcome {
    /// What the batch, with what earlier failures left, asked for.
    pub plan: watch::Plan,
    /// The rebuild, or why it failed (the last good site stays).
    pub result: Result<Rebuild, Errors>,
}

impl Rebuilder {
    /// Builds the site and keeps it; after a failed first build, the next
    /// batch builds it all again.
    pub fn start(
        cwd: &Path,
        overrides: Overrides,
        build_options: BuildOptions,
        full_only: bool,
        config: Config,
    ) -> (Rebuilder, Result<BuildReport, Errors>) {
        let (session, first) = match Session::start(config.clone(), build_options.clone()) {
            Ok((session, report)) => (Some(session), Ok(report)),
            Err(errors) => (None, Err(errors.relative_to(&config.root))),
        };
        let rebuilder = Rebuilder {
            cwd: cwd.to_path_buf(),
            overrides,
            build_options,
            full_only,
            session,
            config,
            unapplied: Vec::new(),
        };
        (rebuilder, first)
    }

    /// The configuration of the site as last loaded.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Rebuilds what `batch` and every change a failed rebuild left ask
    /// for; `None` when that is nothing.
    pub fn rebuild(&mut self, batch: Vec<watch::Seen>) -> Option<Outcome> {
        let mut seen = std::mem::take(&mut self.unapplied);
        for one in batch {
            if !seen.contains(&one) {
                seen.push(one);
            }
        }
        let plan = watch::plan(&self.config, &seen);
        if plan.is_empty() {
            return None;
        }
        let started = Instant::now();
        let result = match self.apply(&plan) {
            Ok(mut rebuild) => {
                rebuild.report.elapsed = started.elapsed();
                Ok(rebuild)
            }
            Err(errors) => {
                self.unapplied = seen;
                Err(errors.relative_to(&self.config.root))
            }
        };
        Some(Outcome { plan, result })
    }

    /// Starts bringing the search index up to date once the browser has
    /// the edit: the next edits are rendered while it is built.
    fn start_search(&mut self) {
        if let Some(session) = &mut self.session {
            session.start_search();
        }
    }

    /// Writes the index's files when its build is done, and starts another
    /// when pages were indexed meanwhile; returns whether one is under way,
    /// and the errors of one that failed.
    fn finish_search(&mut self) -> (bool, Option<Errors>) {
        let Some(session) = &mut self.session else {
            return (false, None);
        };
        let failed = match session.finish_search() {
            Some(Err(errors)) => Some(errors.relative_to(&self.config.root)),
            _ => None,
        };
        (session.start_search(), failed)
    }

    fn apply(&mut self, plan: &watch::Plan) -> Result<Rebuild, Errors> {
        let session = match (&mut self.session, plan.reload_config) {
            (Some(session), false) => session,
            _ => return self.restart(),
        };
        if self.full_only {
            session.rebuild_all()
        } else {
            session.apply(&plan.changes())
        }
    }

    fn restart(&mut self) -> Result<Rebuild, Errors> {
        let config = config::load(&self.cwd, &self.overrides)?;
        let (session, report) = Session::start(config.clone(), self.build_options.clone())?;
        self.config = config;
        self.session = Some(session);
        Ok(Rebuild {
            rendered: report.files,
            full: true,
            report,
        })
    }
}

/// The rebuild loop of a running server: what the watcher saw in, signals
/// to browsers and notices to the terminal out.
struct Rebuilds {
    rebuilder: Rebuilder,
    signals: broadcast::Sender<Signal>,
    failure: tokio_watch::Sender<Option<String>>,
    notify: Arc<dyn Fn(Notice) + Send + Sync>,
    /// Watches the sources; told of new source folders after each rebuild.
    watcher: watch::Watcher,
}

impl Rebuilds {
    fn run(mut self, paths: mpsc::Receiver<Vec<watch::Seen>>) {
        while let Some(mut batch) = self.next_batch(&paths) {
            // Events that arrived while the last rebuild ran join this batch.
            while let Ok(more) = paths.try_recv() {
                batch.extend(more);
            }
            // A source folder made since (a new `templates/`) is watched
            // before the rebuild, so that an edit made while it runs, or
            // as soon as it shows, is not missed.
            self.watch_sources();
            let Some(outcome) = self.rebuilder.rebuild(batch) else {
                continue;
            };
            match outcome.result {
                Ok(rebuild) => {
                    let _ = self.failure.send(None);
                    let _ = self.signals.send(if outcome.plan.css_only {
                        Signal::Css
                    } else {
                        Signal::Reload
                    });
                    (self.notify)(Notice::Rebuilt {
                        changed: outcome.plan.names.clone(),
                        rebuild,
                    });
                    self.rebuilder.start_search();
                }
                Err(errors) => self.fail(errors),
            }
            // A folder the rebuild brought in (another theme named in
            // `folio.yaml`) is watched from now on.
            self.watch_sources();
        }
    }

    fn watch_sources(&mut self) {
        if let Err(e) = self.watcher.watch_sources(self.rebuilder.config()) {
            let errors = Errors::from(e).relative_to(&self.rebuilder.config().root);
            self.fail(errors);
        }
    }

    fn fail(&self, errors: Errors) {
        let _ = self.failure.send(Some(errors_text(&errors)));
        (self.notify)(Notice::Failed(errors));
    }

    /// Waits for the next batch of changed paths; while the search index
    /// is being built, writes its files as soon as it is done.
    fn next_batch(&mut self, paths: &mpsc::Receiver<Vec<watch::Seen>>) -> Option<Vec<watch::Seen>> {
        loop {
            let (building, failed) = self.rebuilder.finish_search();
            if let Some(errors) = failed {
                self.fail(errors);
            }
            if !building {
                return paths.recv().ok();
            }
            match paths.recv_timeout(SEARCH_POLL) {
                Ok(batch) => return Some(batch),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

fn errors_text(errors: &Errors) -> String {
    errors.0.iter().map(ToString::to_string).collect()
}

#[derive(Clone)]
struct Shared {
    output: PathBuf,
    output_real: Arc<Mutex<Option<PathBuf>>>,
    base_path: String,
    failure: tokio_watch::Receiver<Option<String>>,
}

fn router(
    config: &Config,
    signals: broadcast::Sender<Signal>,
    failure: tokio_watch::Receiver<Option<String>>,
    stop: tokio_watch::Receiver<bool>,
) -> Router {
    let shared = Shared {
        output: config.output_dir.clone(),
        output_real: Arc::new(Mutex::new(None)),
        base_path: config.base_path.clone(),
        failure: failure.clone(),
    };
    let events_path = format!("{}{EVENTS}", config.base_path);
    Router::new()
        .route(
            &events_path,
            get(move || {
                let receiver = signals.subscribe();
                let failure = failure.clone();
                let stop = stop.clone();
                async move { events(receiver, failure, stop) }
            }),
        )
        .fallback(move |request: Request| {
            let shared = shared.clone();
            async move { serve_file(shared, request).await }
        })
}

fn events(
    signals: broadcast::Receiver<Signal>,
    failure: tokio_watch::Receiver<Option<String>>,
    stop: tokio_watch::Receiver<bool>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let current = failure.borrow().clone();
    let first = stream::iter(current.map(|text| Ok(failure_event(&text))));
    let rest = stream::unfold(
        (signals, failure, stop),
        |(mut signals, mut failure, mut stop)| async move {
            loop {
                if *stop.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = stop.changed() => return None,
                    signal = signals.recv() => match signal {
                        Ok(Signal::Reload) => return Some((Ok(Event::default().event("reload").data("reload")), (signals, failure, stop))),
                        Ok(Signal::Css) => return Some((Ok(Event::default().event("css").data("css")), (signals, failure, stop))),
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    changed = failure.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                        let text = failure.borrow_and_update().clone();
                        if let Some(text) = text {
                            return Some((Ok(failure_event(&text)), (signals, failure, stop)));
                        }
                    }
                }
            }
        },
    );
    Sse::new(futures_util::StreamExt::chain(first, rest)).keep_alive(KeepAlive::default())
}

fn failure_event(text: &str) -> Event {
    Event::default()
        .event("failure")
        .data(serde_json::Value::from(text).to_string())
}

/// Serves one file of the output, refusing anything that would leave it.
async fn serve_file(shared: Shared, request: Request) -> Response {
    let raw = request.uri().path().to_string();
    let decoded = percent_decode(&raw);
    if decoded.contains('\0') || decoded.contains('\\') || decoded.split('/').any(|s| s == "..") {
        return plain(StatusCode::BAD_REQUEST, "bad request");
    }
    let base = shared.base_path.trim_end_matches('/');
    if raw == "/" && !base.is_empty() {
        return redirect(&shared.base_path);
    }
    if raw == base {
        return redirect(&shared.base_path);
    }
    let Some(rest) = raw.strip_prefix(base).filter(|r| r.starts_with('/')) else {
        return not_found(&shared).await;
    };
    if shared.failure.borrow().is_some() && !shared.output.join("index.html").exists() {
        return first_build_failed(&shared);
    }
    if escapes_output(&shared, rest) {
        return not_found(&shared).await;
    }
    let (mut parts, body) = request.into_parts();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    parts.uri = match format!("{rest}{query}").parse() {
        Ok(uri) => uri,
        Err(_) => return plain(StatusCode::BAD_REQUEST, "bad request"),
    };
    let request = Request::from_parts(parts, body);
    let service = ServeDir::new(&shared.output)
        .append_index_html_on_directories(true)
        .redirect_path_prefix(base.to_string())
        .not_found_service(ServeFile::new(shared.output.join("404.html")));
    let mut response = match service.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file"),
    };
    // Revalidate every time (the ETag makes that cheap): a saved edit must show at once.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Returns true when the path names something that resolves outside the output (a link).
fn escapes_output(shared: &Shared, rest: &str) -> bool {
    let decoded = percent_decode(rest);
    let candidate = shared.output.join(decoded.trim_start_matches('/'));
    let Ok(real) = candidate.canonicalize() else {
        return false;
    };
    let root = {
        let mut cached = shared.output_real.lock().unwrap_or_else(|p| p.into_inner());
        if cached.is_none() {
            *cached = shared.output.canonicalize().ok();
        }
        cached.clone()
    };
    root.is_none_or(|root| !real.starts_with(root))
}

async fn not_found(shared: &Shared) -> Response {
    let page = shared.output.join("404.html");
    match tokio::fs::read(&page).await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

fn first_build_failed(shared: &Shared) -> Response {
    let text = shared.failure.borrow().clone().unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>folio</title></head><body><pre>{}</pre>{}</body></html>",
        crate::html::escape_text(&text),
        reload_script(&shared.base_path)
    );
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

fn redirect(to: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The script `serve` puts in every page: it listens for rebuilds, reloads
/// the page (or only its stylesheets), shows build errors as an overlay and
/// reconnects by itself when the server restarts.
pub fn reload_script(base_path: &str) -> String {
    format!(
        r#"<script>(()=>{{const u="{base_path}{EVENTS}";const id="folio-error-overlay";
function show(t){{let o=document.getElementById(id);if(t===null){{if(o)o.remove();return;}}
if(!o){{o=document.createElement("pre");o.id=id;o.setAttribute("role","alert");
o.style.cssText="position:fixed;inset:0;z-index:2147483647;margin:0;padding:2rem;overflow:auto;background:rgba(15,15,20,.96);color:#ffd2d2;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
document.body.appendChild(o);}}o.textContent=t;}}
function connect(){{const s=new EventSource(u);
s.addEventListener("reload",()=>location.reload());
s.addEventListener("css",()=>{{show(null);for(const l of document.querySelectorAll('link[rel="stylesheet"]')){{const h=new URL(l.href);h.searchParams.set("folio-reload",Date.now());l.href=h.href;}}}});
s.addEventListener("failure",e=>show(JSON.parse(e.data)));
s.onerror=()=>{{s.close();setTimeout(connect,1000);}};}}
connect();}})();</script>"#
    )
}
