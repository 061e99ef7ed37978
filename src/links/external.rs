//! Fetches external `http(s)` links for `folio check --external`.
//!
//! Each distinct URL is asked once, on a few threads, with at most
//! `PER_HOST` requests to one host at a time, a timeout, and one retry: a
//! `429` or `503` waits what its `Retry-After` asks (up to `MAX_WAIT`)
//! first. Definite answers are cached in `.folio-cache/links.json` for
//! `check.cache_hours`, so a CI run does not ask the same hosts again. A
//! link answered with an HTTP error is a problem; a host that cannot be
//! reached is only a warning, since it says nothing certain about the link.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ExternalLink, Kind, Problem, severity};
use crate::config::{Config, Level};
use crate::error::{Error, Result, Severity};
use crate::output::cache::{self, CACHE_DIR};

/// Requests in flight at once, over all hosts.
pub const CONCURRENCY: usize = 8;
/// Requests in flight at once to one host.
pub const PER_HOST: usize = 2;
/// The longest `Retry-After` folio waits before asking again.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

/// Where results are kept between runs, under the site root.
pub const CACHE_FILE: &str = "links.json";

/// Results of earlier runs: URL → HTTP status and when it was asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    links: HashMap<String, Cached>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Cached {
    status: u16,
    /// Unix seconds.
    checked: i64,
}

impl Cache {
    /// Reads the cache of the site; a missing or unreadable one is empty.
    pub fn load(config: &Config) -> Cache {
        std::fs::read_to_string(config.root.join(CACHE_DIR).join(CACHE_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the cache of the site.
    pub fn save(&self, config: &Config) -> Result<()> {
        let text = serde_json::to_string(self)
            .map_err(|e| Error::msg("cannot write the link cache").cause(e))?;
        cache::write(&config.root.join(CACHE_DIR), CACHE_FILE, text.as_bytes()).map(|_| ())
    }

    fn fresh(&self, url: &str, now: i64, hours: u64) -> Option<u16> {
        let max_age = i64::try_from(hours.saturating_mul(3600)).unwrap_or(i64::MAX);
        self.links
            .get(url)
            .filter(|c| now.saturating_sub(c.checked) < max_age)
            .map(|c| c.status)
    }
}

/// What asking for a URL gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// An HTTP status: success or a definite error.
    Status(u16),
    /// No usable answer: why.
    Unreachable(String),
}

/// Checks every link of `links`, using and updating `cache`; `now` is in Unix seconds.
pub fn check(config: &Config, links: &[ExternalLink], cache: &mut Cache, now: i64) -> Vec<Problem> {
    let settings = &config.site.check;
    if settings.external == Level::Off {
        return Vec::new();
    }
    let mut outcomes: Vec<Option<Outcome>> = links
        .iter()
        .map(|l| {
            cache
                .fresh(&l.url, now, settings.cache_hours)
                .map(Outcome::Status)
        })
        .collect();
    let todo: Vec<usize> = (0..links.len())
        .filter(|i| outcomes[*i].is_none())
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(settings.timeout.max(1))))
        .http_status_as_error(false)
        .max_redirects(5)
        .build()
        .into();
    for (i, outcome) in fetch_all(&agent, links, &todo) {
        if let Outcome::Status(status) = outcome
            && !matches!(status, 429 | 503)
        {
            cache.links.insert(
                links[i].url.clone(),
                Cached {
                    status,
                    checked: now,
                },
            );
        }
        outcomes[i] = Some(outcome);
    }
    links
        .iter()
        .zip(outcomes)
        .filter_map(|(link, outcome)| problem(link, outcome?, settings.external))
        .collect()
}

fn problem(link: &ExternalLink, outcome: Outcome, level: Level) -> Option<Problem> {
    let (file, page) = link.uses.first()?;
    let more = match link.uses.len() {
        1 => String::new(),
        2 => " and 1 more page".to_string(),
        n => format!(" and {} more pages", n - 1),
    };
    let url = &link.url;
    let (kind, severity, message, help, causes) = match outcome {
        Outcome::Status(status) if status < 400 => return None,
        Outcome::Status(status @ (429 | 503)) => (
            Kind::Unreachable,
            Severity::Warning,
            format!("`{url}` answers HTTP {status} after a retry (in `{page}`{more})"),
            "run the check again later".to_string(),
            Vec::new(),
        ),
        Outcome::Status(status) => (
            Kind::External,
            severity(level)?,
            format!("external link `{url}` answers HTTP {status} (in `{page}`{more})"),
            "fix or remove the link".to_string(),
            Vec::new(),
        ),
        Outcome::Unreachable(why) => (
            Kind::Unreachable,
            Severity::Warning,
            format!("could not reach `{url}` (in `{page}`{more})"),
            "check the link by hand, or run the check again with a network".to_string(),
            vec![why],
        ),
    };
    Some(Problem {
        file: file.clone(),
        location: None,
        page: page.clone(),
        url: Some(url.clone()),
        kind,
        severity,
        message,
        help,
        causes,
    })
}

/// Asks for each URL of `todo` on `CONCURRENCY` threads, `PER_HOST` per host.
fn fetch_all(agent: &ureq::Agent, links: &[ExternalLink], todo: &[usize]) -> Vec<(usize, Outcome)> {
    struct Queue {
        waiting: VecDeque<usize>,
        busy: HashMap<String, usize>,
        done: Vec<(usize, Outcome)>,
    }
    let queue = Mutex::new(Queue {
        waiting: todo.iter().copied().collect(),
        busy: HashMap::new(),
        done: Vec::new(),
    });
    let changed = Condvar::new();
    let lock = || queue.lock().unwrap_or_else(|p| p.into_inner());
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(todo.len()) {
            scope.spawn(|| {
                loop {
                    let mut state = lock();
                    let (i, host) = loop {
                        if state.waiting.is_empty() {
                            return;
                        }
                        let free = state.waiting.iter().position(|i| {
                            state
                                .busy
                                .get(host_of(&links[*i].url))
                                .copied()
                                .unwrap_or(0)
                                < PER_HOST
                        });
                        if let Some(at) = free {
                            let i = state.waiting.remove(at).unwrap_or_default();
                            let host = host_of(&links[i].url).to_string();
                            *state.busy.entry(host.clone()).or_default() += 1;
                            break (i, host);
                        }
                        state = changed.wait(state).unwrap_or_else(|p| p.into_inner());
                    };
                    drop(state);
                    let outcome = fetch(agent, &links[i].url);
                    let mut state = lock();
                    if let Some(n) = state.busy.get_mut(&host) {
                        *n -= 1;
                    }
                    state.done.push((i, outcome));
                    drop(state);
                    changed.notify_all();
                }
            });
        }
    });
    let mut done = queue.into_inner().unwrap_or_else(|p| p.into_inner()).done;
    done.sort_by_key(|(i, _)| *i);
    done
}

/// The host (and port) of an absolute URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("//").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or_default()
}

/// Asks once and, when that gives no definite answer, once more.
fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    match ask(agent, url) {
        Answer::Status(status) if status >= 500 => again(agent, url),
        Answer::Status(status) => Outcome::Status(status),
        Answer::Wait(_, wait) if wait <= MAX_WAIT => {
            std::thread::sleep(wait);
            again(agent, url)
        }
        Answer::Wait(status, wait) => Outcome::Unreachable(format!(
            "HTTP {status} asks to wait {} s (`Retry-After`), longer than {} s",
            wait.as_secs(),
            MAX_WAIT.as_secs()
        )),
        Answer::Failed(_) => again(agent, url),
    }
}

/// The one retry: whatever it answers is final.
fn again(agent: &ureq::Agent, url: &str) -> Outcome {
    match ask(agent, url) {
        Answer::Status(s) | Answer::Wait(s, _) => Outcome::Status(s),
        Answer::Failed(why) => Outcome::Unreachable(why),
    }
}

/// One answer from a server.
enum Answer {
    /// A status to take as it is.
    Status(u16),
    /// `429` or `503`: the status, and how long the server asks to wait.
    Wait(u16, Duration),
    /// No answer: why.
    Failed(String),
}

/// Asks with `HEAD`, and with `GET` when the server answers `HEAD` with an
/// error (many refuse `HEAD` and serve `GET`).
fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let head = match agent.head(url).call() {
        Ok(response) => answer(&response),
        Err(e) => return Answer::Failed(e.to_string()),
    };
    match head {
        Answer::Status(status) if status >= 400 => match agent.get(url).call() {
            Ok(response) => answer(&response),
            Err(e) => Answer::Failed(e.to_string()),
        },
        other => other,
    }
}

fn answer(response: &ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    if !matches!(status, 429 | 503) {
        return Answer::Status(status);
    }
    let wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(retry_after)
        .unwrap_or(Duration::from_secs(1));
    Answer::Wait(status, wait)
}

/// Reads `Retry-After`: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let left = when.as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(u64::try_from(left).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn hosts_keep_their_port() {
        assert_eq!(host_of("http://127.0.0.1:8080/a?b"), "127.0.0.1:8080");
        assert_eq!(host_of("https://e.com"), "e.com");
    }

    #[test]
    fn a_cached_result_is_fresh_for_its_hours() {
        let mut cache = Cache::default();
        cache.links.insert(
            "https://e.com/".to_string(),
            Cached {
                status: 404,
                checked: 1000,
            },
        );
        assert_eq!(cache.fresh("https://e.com/", 1000 + 3599, 1), Some(404));
        assert_eq!(cache.fresh("https://e.com/", 1000 + 3600, 1), None);
        assert_eq!(cache.fresh("https://e.com/", 1000, 0), None);
    }
}
