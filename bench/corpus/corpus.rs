//! A deterministic synthetic content tree for benchmarks and tests.
//!
//! `write` puts `content/` under a folder: a home `_index.md`, `SECTIONS`
//! sections (`section-K/_index.md`, sorted by date) and `PAGES` pages spread
//! over them round-robin (`section-K/page-J.md`). Each page has YAML front
//! matter (title, date, description, 2–4 tags from a pool of 50, draft) and
//! a body of 600–1,200 words with headings, emphasis, inline code, links to
//! other pages, lists, one fenced code block, a blockquote and a table.
//!
//! `write_posts` writes the other shape the benchmark times: a blog, one
//! `posts/` section of `PAGES` dated, tagged posts with the same bodies, to
//! drop into a `folio init` site.
//!
//! Standard library only, so that `bench/` and the tests can both compile it.
//! The same spec gives byte-identical files on every machine.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// How many pages.
    pub pages: usize,
    /// How many sections the pages are spread over (at least one).
    pub sections: usize,
    /// The seed: the same seed gives the same corpus.
    pub seed: u64,
    /// Write tags under `taxonomies:`, as Zola reads them, instead of at
    /// the top of the front matter.
    pub nested_tags: bool,
}

/// The tag pool pages draw from.
pub const TAGS: [&str; 50] = [
    "rust",
    "python",
    "go",
    "javascript",
    "typescript",
    "web",
    "cli",
    "async",
    "performance",
    "memory",
    "testing",
    "ci",
    "devops",
    "containers",
    "kubernetes",
    "linux",
    "networking",
    "security",
    "crypto",
    "databases",
    "sql",
    "caching",
    "compilers",
    "parsing",
    "markdown",
    "templates",
    "html",
    "css",
    "design",
    "architecture",
    "api",
    "http",
    "grpc",
    "concurrency",
    "threads",
    "simd",
    "embedded",
    "wasm",
    "games",
    "graphics",
    "audio",
    "ml",
    "data",
    "search",
    "logging",
    "observability",
    "tooling",
    "editors",
    "git",
    "release-notes",
];

const NOUNS: &[&str] = &[
    "build",
    "page",
    "site",
    "template",
    "section",
    "file",
    "tree",
    "index",
    "cache",
    "thread",
    "queue",
    "parser",
    "token",
    "buffer",
    "stream",
    "request",
    "server",
    "client",
    "option",
    "value",
    "record",
    "table",
    "query",
    "result",
    "error",
    "function",
    "module",
    "crate",
    "library",
    "runtime",
    "compiler",
    "allocation",
    "pointer",
    "lifetime",
    "trait",
    "closure",
    "iterator",
    "task",
    "channel",
    "lock",
    "signal",
    "event",
    "handler",
    "route",
    "heading",
    "paragraph",
    "benchmark",
    "latency",
    "budget",
    "baseline",
    "profile",
    "trace",
    "release",
];
const VERBS: &[&str] = &[
    "reads", "writes", "parses", "loads", "stores", "sends", "builds", "compiles", "measures",
    "improves", "reduces", "avoids", "prefers", "supports", "returns", "creates", "updates",
    "keeps", "skips", "caches", "renders", "checks", "splits", "joins", "sorts", "walks",
];
const ADJECTIVES: &[&str] = &[
    "large",
    "small",
    "fast",
    "slow",
    "simple",
    "stable",
    "robust",
    "incremental",
    "parallel",
    "static",
    "dynamic",
    "explicit",
    "portable",
    "modern",
    "careful",
    "lazy",
    "eager",
    "shared",
    "local",
    "remote",
    "typed",
    "plain",
    "nested",
    "flat",
    "fresh",
    "stale",
];
const GLUE: &[&str] = &[
    "the", "a", "each", "every", "this", "that", "our", "one", "no", "some",
];
const LINKERS: &[&str] = &[
    "because", "while", "although", "so", "and", "but", "until", "once", "when", "before",
];

/// Writes the corpus into `out/content/`.
pub fn write(spec: &Spec, out: &Path) -> io::Result<()> {
    let sections = spec.sections.max(1);
    let content = out.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: Benchmark corpus\nsort_by: date\n---\n\nA generated site.\n",
    )?;
    for k in 1..=sections {
        let dir = content.join(format!("section-{k}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Section {k}\nsort_by: date\n---\n\nPages of section {k}.\n"),
        )?;
    }
    for j in 1..=spec.pages {
        let k = (j - 1) % sections + 1;
        let mut rng = Rng::new(spec.seed, j as u64);
        let text = page(&mut rng, spec, j);
        std::fs::write(
            content
                .join(format!("section-{k}"))
                .join(format!("page-{j}.md")),
            text,
        )?;
    }
    Ok(())
}

/// The codes `translate` writes other languages in, in order.
pub const LANGUAGES: [&str; 9] = ["fr", "de", "es", "it", "pt", "nl", "sv", "pl", "ja"];

/// Makes the corpus under `out/content/` a site in `languages` languages:
/// every Markdown file gets a translation (`page-1.fr.md`) in each of the
/// first `languages - 1` codes of `LANGUAGES`, with the same text. The
/// site's `folio.yaml` lists them under `languages:` (see `languages_yaml`).
pub fn translate(out: &Path, languages: usize) -> io::Result<()> {
    let codes = &LANGUAGES[..languages.saturating_sub(1).min(LANGUAGES.len())];
    let mut dirs = vec![out.join("content")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".md"))
                .filter(|stem| !stem.contains('.'))
            else {
                continue;
            };
            let text = std::fs::read_to_string(&path)?;
            for code in codes {
                std::fs::write(dir.join(format!("{stem}.{code}.md")), &text)?;
            }
        }
    }
    Ok(())
}

/// The `languages:` block of `folio.yaml` for a corpus `translate` made.
pub fn languages_yaml(languages: usize) -> String {
    let codes = &LANGUAGES[..languages.saturating_sub(1).min(LANGUAGES.len())];
    let mut yaml = String::from("languages:\n");
    for code in codes {
        yaml.push_str(&format!("  {code}: {{}}\n"));
    }
    yaml
}

/// Writes `PAGES` posts into `out/content/posts/`, listed 20 to a page and
/// tagged under the taxonomy `taxonomy`; links point at other posts.
pub fn write_posts(spec: &Spec, taxonomy: &str, out: &Path) -> io::Result<()> {
    let dir = out.join("content").join("posts");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("_index.md"),
        "---\ntitle: Posts\nsort_by: date\npaginate_by: 20\n---\n\nEverything written here.\n",
    )?;
    let links = Spec {
        sections: 1,
        ..*spec
    };
    for j in 1..=spec.pages {
        let mut rng = Rng::new(spec.seed, j as u64);
        let text = page(&mut rng, &links, j)
            .replacen("\ntags: [", &format!("\n{taxonomy}: ["), 1)
            .replace("](/section-1/page-", "](/posts/page-");
        std::fs::write(dir.join(format!("page-{j}.md")), text)?;
    }
    Ok(())
}

/// One page: front matter and body.
fn page(rng: &mut Rng, spec: &Spec, j: usize) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let n = 3 + rng.below(4);
    let title = capitalise(&phrase(rng, n));
    // Dates spread over ten years from 2015, one page a day or so.
    let day = (j as u64 * 7 + rng.below(5) as u64) % 3650;
    let (y, m, d) = civil_from_days(16_436 + day as i64);
    let mut tags: Vec<&str> = Vec::new();
    while tags.len() < 2 + rng.below(3) {
        let tag = TAGS[rng.below(TAGS.len())];
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "title: \"{title} {j}\"");
    let _ = writeln!(out, "date: {y:04}-{m:02}-{d:02}");
    let _ = writeln!(
        out,
        "description: \"{}.\"",
        capitalise(&sentence_words(rng, 12))
    );
    if spec.nested_tags {
        let _ = writeln!(out, "taxonomies:\n  tags: [{}]", tags.join(", "));
    } else {
        let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    }
    let _ = writeln!(out, "draft: false");
    let _ = writeln!(out, "---\n");
    let target = 600 + rng.below(601);
    let mut words = 0;
    let mut block = 0;
    while words < target {
        let kind = if block == 0 { 0 } else { block % 7 };
        words += match kind {
            1 => heading(rng, &mut out),
            2 => list(rng, &mut out, spec),
            3 if block < 7 => code(rng, &mut out),
            4 if block < 14 => quote(rng, &mut out),
            5 if block < 7 => table(rng, &mut out),
            _ => paragraph(rng, &mut out, spec),
        };
        block += 1;
    }
    out
}

fn paragraph(rng: &mut Rng, out: &mut String, spec: &Spec) -> usize {
    let mut words = 0;
    for _ in 0..3 + rng.below(4) {
        let n = 8 + rng.below(12);
        let mut sentence = capitalise(&sentence_words(rng, n));
        match rng.below(6) {
            0 => sentence.push_str(&format!(" with *{}*", pick(rng, ADJECTIVES))),
            1 => sentence.push_str(&format!(" and **{}**", pick(rng, NOUNS))),
            2 => sentence.push_str(&format!(" through `{}()`", pick(rng, NOUNS))),
            3 => {
                let (k, j) = other_page(rng, spec);
                sentence.push_str(&format!(
                    " (see [{}](/section-{k}/page-{j}/))",
                    pick(rng, NOUNS)
                ));
            }
            _ => {}
        }
        words += n + 2;
        out.push_str(&sentence);
        out.push_str(". ");
    }
    out.push_str("\n\n");
    words
}

fn heading(rng: &mut Rng, out: &mut String) -> usize {
    let level = 2 + rng.below(2);
    let n = 2 + rng.below(4);
    let _ = writeln!(
        out,
        "{} {}\n",
        "#".repeat(level),
        capitalise(&phrase(rng, n))
    );
    n
}

fn list(rng: &mut Rng, out: &mut String, spec: &Spec) -> usize {
    let ordered = rng.below(2) == 0;
    let mut words = 0;
    for i in 1..=3 + rng.below(4) {
        let n = 4 + rng.below(8);
        let mut item = capitalise(&sentence_words(rng, n));
        if rng.below(4) == 0 {
            let (k, j) = other_page(rng, spec);
            item.push_str(&format!(", as in [page {j}](/section-{k}/page-{j}/)"));
        }
        if ordered {
            let _ = writeln!(out, "{i}. {item}");
        } else {
            let _ = writeln!(out, "- {item}");
        }
        words += n;
    }
    out.push('\n');
    words
}

fn code(rng: &mut Rng, out: &mut String) -> usize {
    let name = pick(rng, NOUNS);
    if rng.below(2) == 0 {
        let _ = writeln!(
            out,
            "```rust\nfn {name}(items: &[u32]) -> u32 {{\n    let mut total = 0;\n    for item in items {{\n        total += item * {};\n    }}\n    total\n}}\n```\n",
            1 + rng.below(9)
        );
    } else {
        let _ = writeln!(
            out,
            "```python\ndef {name}(items):\n    total = 0\n    for item in items:\n        total += item * {}\n    return total\n```\n",
            1 + rng.below(9)
        );
    }
    0
}

fn quote(rng: &mut Rng, out: &mut String) -> usize {
    let n = 10 + rng.below(10);
    let _ = writeln!(out, "> {}.\n", capitalise(&sentence_words(rng, n)));
    n
}

fn table(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("| Name | Runs | Median |\n|---|---:|---:|\n");
    for _ in 0..3 + rng.below(3) {
        let _ = writeln!(
            out,
            "| {} | {} | {}.{} ms |",
            pick(rng, NOUNS),
            1 + rng.below(50),
            rng.below(900),
            rng.below(10)
        );
    }
    out.push('\n');
    12
}

fn other_page(rng: &mut Rng, spec: &Spec) -> (usize, usize) {
    let j = 1 + rng.below(spec.pages.max(1));
    ((j - 1) % spec.sections.max(1) + 1, j)
}

fn sentence_words(rng: &mut Rng, n: usize) -> String {
    let mut words = Vec::with_capacity(n);
    while words.len() < n {
        words.push(pick(rng, GLUE));
        words.push(pick(rng, ADJECTIVES));
        words.push(pick(rng, NOUNS));
        words.push(pick(rng, VERBS));
        if rng.below(3) == 0 {
            words.push(pick(rng, LINKERS));
        }
    }
    words.truncate(n);
    words.join(" ")
}

fn phrase(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                pick(rng, ADJECTIVES)
            } else {
                pick(rng, NOUNS)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn pick(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    list[rng.below(list.len())]
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Year, month and day of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(seed
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(stream.wrapping_mul(0xbf58_476d_1ce4_e5b9)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
