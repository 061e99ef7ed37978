//! Reads rendered HTML the way a browser does, with the `lol_html` streaming
//! parser: the URLs a page's attributes hold, its ids, and the rewrite that
//! puts root-relative URLs under the base path.
//!
//! Only attributes that hold URLs are read or touched (`href`, `src`,
//! `srcset` entries, `poster`, `action`, `formaction`, `cite`, `<object
//! data>`, `<meta content>` of `og:url`-style properties, `xlink:href`):
//! never text, comments, `<script>` or `<style>` content, or markup shown
//! escaped inside `<code>`. Values are entity-decoded as a browser decodes
//! them. Knows nothing of the site: no configuration, no files.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, element};

use crate::url;

/// A URL written in an attribute of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlAttribute {
    /// The URL, entity-decoded (percent escapes are left as written).
    pub url: String,
    /// The element's name, lowercase: `a`, `img`.
    pub tag: String,
    /// The attribute that holds it: `href`, `srcset`.
    pub attribute: String,
    /// Where the attribute's value starts in the page, in bytes.
    pub offset: usize,
    /// Whether it only names a host to connect to early (`<link
    /// rel="preconnect">`, `dns-prefetch`), not something to fetch.
    pub hint: bool,
}

/// An `id` (or `<a name>`) on a page: somewhere a `#fragment` can point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The id, entity-decoded.
    pub id: String,
    /// The element's name, lowercase.
    pub tag: String,
    /// Where the attribute's value starts in the page, in bytes.
    pub offset: usize,
    /// Whether it is an `<a name>`, which a second element may repeat.
    pub legacy_name: bool,
}

/// The links and link targets of one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every URL in a URL attribute, in order.
    pub urls: Vec<UrlAttribute>,
    /// Every id and `<a name>`, in order.
    pub targets: Vec<Target>,
}

/// Returns every URL and every id of `html`.
pub fn scan(html: &str) -> Scan {
    let out = RefCell::new(Scan::default());
    visit(html, SCAN_SELECTOR, true, |el, pass| {
        let mut out = out.borrow_mut();
        let tag = el.tag_name();
        for (attribute, raw, range) in url_attributes(el, &tag, pass) {
            let decoded = decode(&raw);
            let hint = tag == "link"
                && el.get_attribute("rel").is_some_and(|rel| {
                    rel.split_ascii_whitespace().all(|r| {
                        r.eq_ignore_ascii_case("preconnect")
                            || r.eq_ignore_ascii_case("dns-prefetch")
                    })
                });
            let urls: Vec<String> = if attribute == "srcset" {
                srcset_urls(&decoded)
                    .map(|r| decoded[r].to_string())
                    .collect()
            } else {
                vec![decoded.trim().to_string()]
            };
            for url in urls {
                out.urls.push(UrlAttribute {
                    url,
                    tag: tag.clone(),
                    attribute: attribute.clone(),
                    offset: range.start,
                    hint,
                });
            }
        }
        if pass == Pass::Xlink {
            return;
        }
        for attribute in el.attributes() {
            let name = attribute.name();
            let legacy_name = name == "name" && tag == "a";
            if name != "id" && !legacy_name {
                continue;
            }
            let id = decode(&attribute.value());
            let Some(range) = attribute.value_source_location().map(|l| l.bytes()) else {
                continue;
            };
            if !id.is_empty() {
                out.targets.push(Target {
                    id,
                    tag: tag.clone(),
                    offset: range.start,
                    legacy_name,
                });
            }
        }
    });
    out.into_inner()
}

/// Puts every root-relative URL of `html`'s URL attributes that is not
/// under `base_path` under it; everything else stays byte for byte.
pub fn prefix_root_relative(html: String, base_path: &str) -> String {
    if base_path == "/" {
        return html;
    }
    let Some((selector, xlink)) = rewrite_selector(&html, base_path) else {
        return html;
    };
    let edits: RefCell<Vec<(Range<usize>, String)>> = RefCell::new(Vec::new());
    visit(&html, &selector, xlink, |el, pass| {
        let tag = el.tag_name();
        for (attribute, raw, range) in url_attributes(el, &tag, pass) {
            let mut edits = edits.borrow_mut();
            if attribute == "srcset" {
                edits.extend(srcset_edits(&raw, range, base_path));
            } else if let Some(edit) = value_edit(&raw, range, base_path) {
                edits.push(edit);
            }
        }
    });
    let edits = edits.into_inner();
    if edits.is_empty() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + edits.len() * base_path.len());
    let mut copied = 0;
    for (range, replacement) in edits {
        out.push_str(&html[copied..range.start]);
        out.push_str(&replacement);
        copied = range.end;
    }
    out.push_str(&html[copied..]);
    out
}

/// Decodes character references in an attribute value as a browser does
/// (`&amp;`, `&#47;`, and `&copy` without `;` only where it is not part of
/// a query like `?a=1&copy=2`).
pub fn decode(raw: &str) -> String {
    if raw.contains('&') {
        htmlize::unescape_attribute(raw).into_owned()
    } else {
        raw.to_string()
    }
}

/// Returns the line (from 1) of byte `offset` of `html`.
pub fn line_of(html: &str, offset: usize) -> usize {
    let end = offset.min(html.len());
    html.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Each URL attribute but `xlink:href`, and the elements it holds a URL on.
const URL_ATTRIBUTES: &[(&str, &str)] = &[
    ("href", "[href]"),
    ("src", "[src]"),
    ("srcset", "img[srcset],source[srcset]"),
    ("poster", "video[poster]"),
    ("action", "form[action]"),
    ("formaction", "[formaction]"),
    ("cite", "blockquote[cite],q[cite],del[cite],ins[cite]"),
    ("data", "object[data]"),
    ("content", "meta[content]"),
];
const SCAN_SELECTOR: &str = "[href],[src],img[srcset],source[srcset],video[poster],form[action],\
    [formaction],blockquote[cite],q[cite],del[cite],ins[cite],object[data],meta[content],[id],a[name]";

/// `<meta>` properties whose `content` is a URL.
const META_URL_PROPERTIES: &[&str] = &[
    "og:url",
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "og:video",
    "og:video:url",
    "og:video:secure_url",
    "og:audio",
    "og:audio:url",
    "og:audio:secure_url",
    "twitter:url",
    "twitter:image",
    "twitter:image:src",
    "twitter:player",
];

/// Which attributes of an element a visit is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Every URL attribute but `xlink:href`.
    Html,
    /// Only `xlink:href`, inside `<svg>`.
    Xlink,
}

/// Runs `each` on every element `selector` matches and, when `xlink` is
/// set, again, for `xlink:href` only, on every element inside an `<svg>`.
fn visit(html: &str, selector: &str, xlink: bool, each: impl Fn(&mut Element, Pass)) {
    let mut settings = Settings::new().with_strict(false);
    if !selector.is_empty() {
        settings = settings.append_element_content_handler(element!(selector, |el| {
            each(el, Pass::Html);
            Ok(())
        }));
    }
    if xlink {
        // `xlink:href` cannot be written as an attribute selector.
        settings = settings.append_element_content_handler(element!("svg *", |el| {
            each(el, Pass::Xlink);
            Ok(())
        }));
    }
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Neither call can fail: no handler returns an error, no memory limit is
    // set, and non-strict parsing never bails out on ambiguous markup.
    let _ = rewriter.write(html.as_bytes());
    let _ = rewriter.end();
}

/// The URL attributes of one element: name, raw value and where the value is.
fn url_attributes(el: &Element, tag: &str, pass: Pass) -> Vec<(String, String, Range<usize>)> {
    let mut found = Vec::new();
    for attribute in el.attributes() {
        let name = attribute.name();
        if (name == "xlink:href") != (pass == Pass::Xlink) {
            continue;
        }
        let holds_url = match name.as_str() {
            "href" | "src" | "xlink:href" => true,
            "srcset" => matches!(tag, "img" | "source"),
            "poster" => tag == "video",
            "action" => tag == "form",
            "formaction" => matches!(tag, "button" | "input"),
            "cite" => matches!(tag, "blockquote" | "q" | "del" | "ins"),
            "data" => tag == "object",
            "content" => tag == "meta" && is_url_meta(el),
            _ => false,
        };
        if !holds_url {
            continue;
        }
        if let Some(location) = attribute.value_source_location() {
            found.push((name, attribute.value(), location.bytes()));
        }
    }
    found
}

fn is_url_meta(el: &Element) -> bool {
    ["property", "name"].iter().any(|key| {
        el.get_attribute(key).is_some_and(|p| {
            META_URL_PROPERTIES
                .iter()
                .any(|known| p.trim().eq_ignore_ascii_case(known))
        })
    })
}

/// What of `html` the rewrite must parse: a selector for the URL
/// attributes written just before a candidate (an `=` followed by `/` not
/// under the base path, or by a character reference; or a `srcset`), and
/// whether an `xlink:href` is one. None when there is no candidate: most
/// pages need no parsing, and a page with one is parsed for those
/// attributes only, which the parser then reads properly.
fn rewrite_selector(html: &str, base_path: &str) -> Option<(String, bool)> {
    let mut parts: Vec<&str> = Vec::new();
    let mut xlink = false;
    if html.contains("srcset") {
        parts.push("img[srcset],source[srcset]");
    }
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(i) = html[from..].find('=').map(|i| i + from) {
        from = i + 1;
        let mut at = i + 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if matches!(bytes.get(at), Some(b'"' | b'\'')) {
            at += 1;
        }
        let rest = &html[at..];
        let candidate = rest.starts_with('&')
            || (rest.starts_with('/') && !rest.starts_with("//") && !rest.starts_with(base_path));
        if !candidate {
            continue;
        }
        let name = attribute_name_before(html, i);
        if name.eq_ignore_ascii_case("xlink:href") {
            xlink = true;
        } else if let Some((_, selector)) = URL_ATTRIBUTES
            .iter()
            .find(|(known, _)| name.eq_ignore_ascii_case(known))
            && !parts.contains(selector)
        {
            parts.push(selector);
        }
    }
    (!parts.is_empty() || xlink).then(|| (parts.join(","), xlink))
}

/// The attribute name written just before the `=` at byte `equals`.
fn attribute_name_before(html: &str, equals: usize) -> &str {
    let before = html[..equals].trim_end_matches(|c: char| c.is_ascii_whitespace());
    let start = before
        .rfind(|c: char| c.is_ascii_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '/' | '='))
        .map_or(0, |i| i + 1);
    &before[start..]
}

/// The edit that puts one attribute value under the base path, if it needs one.
fn value_edit(raw: &str, range: Range<usize>, base_path: &str) -> Option<(Range<usize>, String)> {
    let decoded = decode(raw);
    let leading = decoded.len() - decoded.trim_start().len();
    let prefixed = url::with_base_path(decoded.trim_start(), base_path)?;
    if !raw.contains('&') {
        // Insert after the leading `/`, so that the rest stays as written.
        let at = range.start + leading + 1;
        return Some((
            at..at,
            htmlize::escape_all_quotes(&base_path[1..]).into_owned(),
        ));
    }
    Some((range, htmlize::escape_all_quotes(prefixed).into_owned()))
}

/// The edits for each root-relative candidate of a `srcset`.
fn srcset_edits(raw: &str, range: Range<usize>, base_path: &str) -> Vec<(Range<usize>, String)> {
    if raw.contains('&') {
        let decoded = decode(raw);
        let mut rewritten = String::new();
        let mut copied = 0;
        for r in srcset_urls(&decoded) {
            if let Some(prefixed) = url::with_base_path(&decoded[r.clone()], base_path) {
                rewritten.push_str(&decoded[copied..r.start]);
                rewritten.push_str(&prefixed);
                copied = r.end;
            }
        }
        if copied == 0 {
            return Vec::new();
        }
        rewritten.push_str(&decoded[copied..]);
        return vec![(range, htmlize::escape_all_quotes(rewritten).into_owned())];
    }
    srcset_urls(raw)
        .filter(|r| url::with_base_path(&raw[r.clone()], base_path).is_some())
        .map(|r| {
            let at = range.start + r.start + 1;
            (
                at..at,
                htmlize::escape_all_quotes(&base_path[1..]).into_owned(),
            )
        })
        .collect()
}

/// Where each candidate's URL is in a `srcset` value: the URL is a run of
/// non-blanks, its descriptors run to the next comma (the HTML standard's
/// "parse a srcset attribute", without descriptor validation).
fn srcset_urls(value: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = value.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
            at += 1;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let mut end = at;
        if bytes[end - 1] == b',' {
            // `a.png,b.png`: the comma ends the URL and the candidate.
            while end > start && bytes[end - 1] == b',' {
                end -= 1;
            }
        } else {
            let mut depth = 0usize;
            while at < bytes.len() && !(bytes[at] == b',' && depth == 0) {
                match bytes[at] {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                at += 1;
            }
        }
        Some(start..end)
    })
}

/// Escapes text for the body of an HTML element or XML text: `&`, `<`
/// and `>`.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    htmlize::escape_text(text)
}

/// Escapes text for an attribute value in double quotes, in HTML or XML:
/// `&`, `<`, `>` and `"`.
pub fn escape_attr(text: &str) -> Cow<'_, str> {
    htmlize::escape_attribute(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_quotes_only_in_attributes() {
        assert_eq!(
            escape_attr("<a & 'b' \"c\">"),
            "&lt;a &amp; 'b' &quot;c&quot;&gt;"
        );
        assert_eq!(escape_text("\"c\" & d"), "\"c\" &amp; d");
        assert!(matches!(escape_text("plain"), Cow::Borrowed(_)));
    }

    fn urls(html: &str) -> Vec<String> {
        scan(html).urls.into_iter().map(|u| u.url).collect()
    }

    fn ids(html: &str) -> Vec<String> {
        scan(html).targets.into_iter().map(|t| t.id).collect()
    }

    #[test]
    fn only_url_attributes_are_links() {
        let html = r#"<a href='/b/#a' data-href="/no" title="/no">y</a><img src="/i.png" alt="/no">
            <img srcset="/s.png 1x, /l.png 2x"><video poster="/p.jpg"></video>
            <form action="/f"><button formaction="/g"></button></form><blockquote cite="/c">q</blockquote>
            <object data="/o.svg"></object><div data="/no"></div>
            <meta property="og:url" content="/page/"><meta name="description" content="/no">
            <svg><use xlink:href="/sprite.svg#x"></use></svg>"#;
        assert_eq!(
            urls(html),
            vec![
                "/b/#a",
                "/i.png",
                "/s.png",
                "/l.png",
                "/p.jpg",
                "/f",
                "/g",
                "/c",
                "/o.svg",
                "/page/",
                "/sprite.svg#x"
            ]
        );
    }

    #[test]
    fn text_comments_scripts_styles_and_escaped_markup_hold_no_links() {
        let html = r#"<p>see href="/no/"</p><!-- <a href="/no/"> --><script>let a = '<a href="/no/">';</script>
            <style>a[href="/no/"] {}</style><pre><code>&lt;a href="/no/"&gt;</code></pre>
            <textarea><a href="/no/"></textarea><title><a href="/no/"></title>
            <script type="application/ld+json">{"url": "/no/", "@id": "x"}</script><a href="/yes/">"#;
        assert_eq!(urls(html), vec!["/yes/"]);
        assert!(ids(html).is_empty());
    }

    #[test]
    fn attribute_values_are_decoded_as_a_browser_decodes_them() {
        let html = r#"<a href="/a?x=1&amp;y=2"></a><a href="&#47;b&#x2F;"></a><a href="/c?d=1&copy=2"></a><a href="/&eacute;"></a><h2 id="caf&eacute;">"#;
        assert_eq!(urls(html), vec!["/a?x=1&y=2", "/b/", "/c?d=1&copy=2", "/é"]);
        assert_eq!(ids(html), vec!["café"]);
    }

    #[test]
    fn ids_and_anchor_names_are_targets() {
        let scan = scan(r#"<h2 id="a">x</h2><a name="b"></a><p name="no"></p><div id="">"#);
        let found: Vec<(&str, bool)> = scan
            .targets
            .iter()
            .map(|t| (t.id.as_str(), t.legacy_name))
            .collect();
        assert_eq!(found, vec![("a", false), ("b", true)]);
    }

    #[test]
    fn preconnect_hints_are_marked() {
        let scan = scan(
            r#"<link rel="preconnect" href="https://fonts.example"><link rel="stylesheet" href="/s.css">"#,
        );
        let hints: Vec<bool> = scan.urls.iter().map(|u| u.hint).collect();
        assert_eq!(hints, vec![true, false]);
    }

    #[test]
    fn root_relative_urls_get_the_base_path() {
        let html = r##"<a href="/x/">x</a><img src='/i.png'><a href="/portfolio/y/">y</a><a href="//cdn/x">c</a><a href="#f">f</a><p data-href="/no">"##;
        assert_eq!(
            prefix_root_relative(html.to_string(), "/portfolio/"),
            r##"<a href="/portfolio/x/">x</a><img src='/portfolio/i.png'><a href="/portfolio/y/">y</a><a href="//cdn/x">c</a><a href="#f">f</a><p data-href="/no">"##
        );
    }

    #[test]
    fn the_rewrite_leaves_text_scripts_and_json_alone() {
        let html = r#"<pre><code>&lt;a href="/nope/"&gt;</code></pre><p>x =/y/</p><script type="application/ld+json">{"url":"/z/"}</script><a href=/u/>u</a>"#;
        assert_eq!(
            prefix_root_relative(html.to_string(), "/p/"),
            r#"<pre><code>&lt;a href="/nope/"&gt;</code></pre><p>x =/y/</p><script type="application/ld+json">{"url":"/z/"}</script><a href=/p/u/>u</a>"#
        );
    }

    #[test]
    fn the_rewrite_reaches_srcset_entries_meta_urls_and_encoded_values() {
        let html = r#"<img srcset="/s.png 1x,/m.png 1.5x, https://e.com/l.png 2x"><meta property="og:image" content="/card.png"><a href="&#47;e/?a=1&amp;b=2">"#;
        assert_eq!(
            prefix_root_relative(html.to_string(), "/p/"),
            r#"<img srcset="/p/s.png 1x,/p/m.png 1.5x, https://e.com/l.png 2x"><meta property="og:image" content="/p/card.png"><a href="/p/e/?a=1&amp;b=2">"#
        );
    }

    #[test]
    fn only_the_attributes_before_a_candidate_are_parsed_for() {
        assert_eq!(rewrite_selector(r#"<a href="/p/x/">"#, "/p/"), None);
        assert_eq!(
            rewrite_selector(r#"<p title="/x/">x =/y/</p>"#, "/p/"),
            None
        );
        assert_eq!(
            rewrite_selector(r#"<a class=x HREF = '/x/'><img src="&#47;i.png">"#, "/p/"),
            Some(("[href],[src]".to_string(), false))
        );
        assert_eq!(
            rewrite_selector(r#"<svg><use xlink:href="/s.svg#i"/></svg>"#, "/p/"),
            Some((String::new(), true))
        );
        assert_eq!(
            prefix_root_relative(
                r#"<svg><use xlink:href="/s.svg#i"/></svg>"#.to_string(),
                "/p/"
            ),
            r#"<svg><use xlink:href="/p/s.svg#i"/></svg>"#
        );
    }

    #[test]
    fn a_value_ends_at_its_own_quote() {
        assert_eq!(
            prefix_root_relative(r#"<a href="/it's/">x</a>"#.to_string(), "/p/"),
            r#"<a href="/p/it's/">x</a>"#
        );
    }

    #[test]
    fn srcset_candidates_split_on_commas_outside_descriptors() {
        let value = "a.png 1x, b,c.png 2x,d.png";
        let found: Vec<&str> = srcset_urls(value).map(|r| &value[r]).collect();
        assert_eq!(found, vec!["a.png", "b,c.png", "d.png"]);
    }
}
