//! URLs as folio reads and writes them: whether one leaves the site, the
//! origin of the base URL, the base path, and percent-decoding and
//! encoding.
//!
//! Pure text in, text out: no configuration, no files. Every module that
//! asks "is this URL external" or decodes `%XX` asks here, so that the
//! build, the link checker and `serve`'s traversal guard agree.

/// Returns the scheme of `url` (`https`, `mailto`), lowercased, when it has one.
///
/// A scheme is a letter, then letters, digits, `+`, `-` or `.`, then `:`,
/// as RFC 3986 says; `C:` or `./a:b` are not schemes.
pub fn scheme(url: &str) -> Option<String> {
    let (before, _) = url.split_once(':')?;
    let mut chars = before.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && before.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| before.to_ascii_lowercase())
}

/// Returns true when `url` leaves the site: it has a scheme (`https:`,
/// `mailto:`) or is protocol-relative (`//cdn.example/x`).
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || scheme(url).is_some()
}

/// Returns true when `url` is an absolute `http:` or `https:` URL.
pub fn is_http(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https"))
}

/// Returns the origin of a base URL and its path: `https://me.dev` for
/// `https://me.dev/portfolio/` and `/portfolio/`.
pub fn origin<'a>(base_url: &'a str, base_path: &str) -> &'a str {
    base_url
        .strip_suffix(base_path)
        .unwrap_or_else(|| base_url.trim_end_matches('/'))
}

/// Returns `url` under `base_path` when it is root-relative and not already there.
pub fn with_base_path(url: &str, base_path: &str) -> Option<String> {
    if base_path == "/"
        || !url.starts_with('/')
        || url.starts_with("//")
        || url.starts_with(base_path)
    {
        return None;
    }
    // `/portfolio` itself, without its trailing slash, is already under the base path.
    if url == base_path.trim_end_matches('/') {
        return None;
    }
    Some(format!("{}{}", base_path, &url[1..]))
}

/// How a root-relative URL written by hand reads on a site with a base path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A path from the site's root, which gets the base path.
    SitePath,
    /// Already under the base path: it stays as written.
    AsWritten,
    /// Both readings name something the site publishes; it is read as a
    /// path from the site's root, as every other root-relative link is.
    Ambiguous,
}

impl Reading {
    /// Whether the URL gets the base path.
    pub fn prefixed(self) -> bool {
        self != Reading::AsWritten
    }
}

/// How the root-relative `url` reads under `base_path`, decided from what
/// the site publishes (`publishes` answers for a path without its leading
/// and trailing `/`, like `blog/post` or `img/me.jpg`): `/blog/post/` on a
/// site published at `/blog/` is the site's `/blog/post/` when it has one,
/// and its `/post/` otherwise. A URL that does not start with the base
/// path is a site path; one that names nothing either way stays as
/// written. `None` when the URL is not root-relative or there is no base
/// path.
pub fn read_under_base_path(
    url: &str,
    base_path: &str,
    publishes: impl Fn(&str) -> bool,
) -> Option<Reading> {
    if base_path == "/" || !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let under = url.starts_with(base_path) || url == base_path.trim_end_matches('/');
    if !under {
        return Some(Reading::SitePath);
    }
    let path = percent_decode(url.split(['?', '#']).next().unwrap_or(url));
    let key = |p: &str| {
        let p = p.trim_matches('/');
        p.strip_suffix("index.html")
            .map_or(p, |rest| rest.trim_end_matches('/'))
            .to_string()
    };
    let as_site = publishes(&key(&path));
    let stripped = publishes(&key(path.get(base_path.len() - 1..).unwrap_or("/")));
    Some(match (as_site, stripped) {
        (true, true) => Reading::Ambiguous,
        (true, false) => Reading::SitePath,
        _ => Reading::AsWritten,
    })
}

/// `url` under `base_path` when it reads as a path from the site's root
/// (see `read_under_base_path`).
pub fn under_base_path(
    url: &str,
    base_path: &str,
    publishes: impl Fn(&str) -> bool,
) -> Option<String> {
    read_under_base_path(url, base_path, publishes)
        .filter(|r| r.prefixed())
        .map(|_| format!("{}{}", base_path, &url[1..]))
}

/// A URL path with its `.` and `..` segments walked, without the leading
/// `/` or a trailing one.
pub fn walk_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Decodes `%XX` escapes; invalid ones are kept as written, and bytes that
/// are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The characters of a file's path that `encode_path` escapes, besides
/// every byte that is not ASCII: those a URL path cannot hold as they are.
const PATH_ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Percent-encodes a file's path (`/`-separated) as a URL path, as
/// Pagefind does for the pages it reads from a folder: `/` stays.
pub fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_ESCAPED).to_string()
}

/// Returns where a URL path is written: `/a/b/` → `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Returns true when a URL path stays inside the site.
pub fn is_inside_site(path: &str) -> bool {
    !path.contains(['\\', '\0', '?', '#'])
        && !path.contains("://")
        && path.split('/').all(|s| s != ".." && s != ".")
}

/// Turns text into a URL segment: `C++ Tips` → `c-tips`.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_map_to_index_files() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn a_scheme_is_a_letter_then_letters_digits_or_signs_then_a_colon() {
        assert_eq!(scheme("https://e.com/").as_deref(), Some("https"));
        assert_eq!(scheme("MAILTO:me@e.com").as_deref(), Some("mailto"));
        assert_eq!(scheme("irc:chan").as_deref(), Some("irc"));
        assert_eq!(scheme("git+ssh://x").as_deref(), Some("git+ssh"));
        assert_eq!(scheme("/a:b"), None);
        assert_eq!(scheme("./a:b"), None);
        assert_eq!(scheme("C:/x"), None);
        assert_eq!(scheme("#a:b"), None);
        assert_eq!(scheme("page.html"), None);
    }

    #[test]
    fn external_urls_have_a_scheme_or_start_with_two_slashes() {
        assert!(is_external("//cdn.example/x.js"));
        assert!(is_external("tel:+123"));
        assert!(!is_external("/projects/x/"));
        assert!(!is_external("../x/#y"));
        assert!(is_http("HTTP://e.com"));
        assert!(!is_http("ftp://e.com"));
    }

    #[test]
    fn the_origin_is_the_base_url_without_its_path() {
        assert_eq!(
            origin("https://me.dev/portfolio/", "/portfolio/"),
            "https://me.dev"
        );
        assert_eq!(
            origin("http://localhost:1111/", "/"),
            "http://localhost:1111"
        );
    }

    #[test]
    fn root_relative_urls_get_the_base_path_once() {
        assert_eq!(with_base_path("/x/", "/p/").as_deref(), Some("/p/x/"));
        assert_eq!(with_base_path("/p/x/", "/p/"), None);
        assert_eq!(with_base_path("/p", "/p/"), None);
        assert_eq!(with_base_path("//cdn/x", "/p/"), None);
        assert_eq!(with_base_path("x/", "/p/"), None);
        assert_eq!(with_base_path("/x/", "/"), None);
    }

    #[test]
    fn a_url_under_the_base_path_reads_from_what_the_site_publishes() {
        let site = ["", "blog", "blog/post", "post-2", "img/me.jpg"];
        let publishes = |p: &str| site.contains(&p);
        let read = |url| read_under_base_path(url, "/blog/", publishes);
        assert_eq!(read("/blog/post/"), Some(Reading::SitePath));
        assert_eq!(read("/blog/post"), Some(Reading::SitePath));
        assert_eq!(read("/blog/post/index.html#top"), Some(Reading::SitePath));
        assert_eq!(read("/blog/post-2/"), Some(Reading::AsWritten));
        assert_eq!(read("/blog/blog/post/"), Some(Reading::AsWritten));
        assert_eq!(read("/blog/"), Some(Reading::Ambiguous));
        assert_eq!(read("/blog"), Some(Reading::Ambiguous));
        assert_eq!(read("/blog/nothing/"), Some(Reading::AsWritten));
        assert_eq!(read("/img/me.jpg"), Some(Reading::SitePath));
        assert_eq!(read("//cdn/x"), None);
        assert_eq!(read("img/me.jpg"), None);
        assert_eq!(read_under_base_path("/blog/", "/", publishes), None);
        assert_eq!(
            under_base_path("/blog/post/", "/blog/", publishes).as_deref(),
            Some("/blog/blog/post/")
        );
        assert_eq!(under_base_path("/blog/post-2/", "/blog/", publishes), None);
    }

    #[test]
    fn a_path_is_encoded_as_a_url_path_keeping_its_slashes() {
        assert_eq!(encode_path("notes/café 1/"), "notes/caf%C3%A9%201/");
        assert_eq!(encode_path("a#b?c%d"), "a%23b%3Fc%25d");
        assert_eq!(percent_decode(&encode_path("x/ü \"{}`<>")), "x/ü \"{}`<>");
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%2e%2E"), "%zz..");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
