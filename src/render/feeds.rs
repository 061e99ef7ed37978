//! The files around the pages: Atom feeds, `sitemap.xml`, `robots.txt`,
//! `CNAME`, redirect pages for aliases and pagination, and Netlify's
//! `_redirects`. Every URL in them is absolute under `base_url`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::Path;

use crate::config::Config;
use crate::content::{Content, Date, Page};
use crate::error::{Error, Errors, Location};
use crate::html::{escape_attr, escape_text};

use super::files::{Contents, OutputFile};
use super::values::Taxonomy;
use crate::url::output_path;

/// The Atom feeds: the site's, and those of sections and terms that ask,
/// each holding at least one dated page. `html` holds the rendered body of
/// every page a feed shows.
pub fn feeds(
    config: &Config,
    content: &Content,
    html: &HashMap<usize, String>,
    taxonomies: &[Taxonomy],
) -> Vec<OutputFile> {
    each_feed(config, content, taxonomies)
        .into_iter()
        .filter(|feed| !entries(config, content, &feed.pages).is_empty())
        .map(|feed| {
            let xml = atom(config, content, html, &feed);
            text(&feed.file, xml)
        })
        .collect()
}

/// Every page some feed shows, so its HTML is kept for the feed.
pub fn feed_pages(config: &Config, content: &Content, taxonomies: &[Taxonomy]) -> HashSet<usize> {
    each_feed(config, content, taxonomies)
        .into_iter()
        .flat_map(|feed| entries(config, content, &feed.pages))
        .collect()
}

/// What the feeds leave out for want of a `date`: a feed asked for (the
/// site's when `folio.yaml` writes `feed:`) whose pages have none is not
/// written, and a section's feed that leaves some
/// of its pages out says so. One warning for each feed, and one for all
/// the terms of a taxonomy.
pub fn feed_warnings(config: &Config, content: &Content, taxonomies: &[Taxonomy]) -> Vec<Error> {
    let undated = |pages: &[usize]| {
        pages
            .iter()
            .filter(|&&i| content.pages[i].meta.date.is_none())
            .count()
    };
    let mut warnings = Vec::new();
    let feed = &config.site.feed;
    if feed.enabled
        && feed.written
        && !content.pages.is_empty()
        && content.pages.iter().all(|p| p.meta.date.is_none())
    {
        warnings.push(
            Error::at(
                crate::config::CONFIG_FILE,
                None,
                format!(
                    "the site's feed, `{}`, is not written: none of the {} pages has a `date`",
                    feed.filename,
                    content.pages.len()
                ),
            )
            .help("add `date: YYYY-MM-DD` to the pages a feed should show, or write `feed: {enabled: false}` in folio.yaml")
            .warning(),
        );
    }
    for section in content.sections.iter().filter(|s| s.meta.feed) {
        let missing = undated(&section.pages);
        if missing == 0 {
            continue;
        }
        let total = section.pages.len();
        let message = if missing == total {
            format!("the section's feed is not written: none of its {total} pages has a `date`")
        } else {
            format!(
                "the section's feed leaves out {missing} of its {total} pages, which have no `date`"
            )
        };
        warnings.push(
            Error::at(&section.source, None, message)
                .help("add `date: YYYY-MM-DD` to the pages the feed should show, or remove `feed: true`")
                .warning(),
        );
    }
    for taxonomy in taxonomies {
        if !config.taxonomy(&taxonomy.name).is_some_and(|t| t.feed) {
            continue;
        }
        let empty = taxonomy
            .terms
            .iter()
            .filter(|term| undated(&term.pages) == term.pages.len())
            .count();
        if empty > 0 {
            warnings.push(
                Error::at(
                    crate::config::CONFIG_FILE,
                    None,
                    format!(
                        "the feeds of {empty} `{}` terms are not written: none of their pages has a `date`",
                        taxonomy.name
                    ),
                )
                .help("add `date: YYYY-MM-DD` to their pages, or write `feed: false` for the taxonomy")
                .warning(),
            );
        }
    }
    warnings
}

/// One Atom feed to write.
struct Feed {
    file: String,
    title: String,
    /// The site's description in the feed's language.
    subtitle: String,
    /// Its language's code.
    lang: String,
    /// Its language's home page, without the base path.
    home: String,
    pages: Vec<usize>,
}

fn each_feed(config: &Config, content: &Content, taxonomies: &[Taxonomy]) -> Vec<Feed> {
    let mut list = Vec::new();
    let feed = &config.site.feed;
    // Each language's title and description, and a feed of its pages.
    let sites: Vec<(String, String)> = (0..config.languages.len())
        .map(|lang| match lang {
            0 if !config.is_multilingual() => {
                (config.site.title.clone(), config.site.description.clone())
            }
            _ => {
                let site = config.language_site(lang);
                (site.title, site.description)
            }
        })
        .collect();
    let make = |lang: usize, file: String, title: String, pages: Vec<usize>| Feed {
        file,
        title,
        subtitle: sites[lang].1.clone(),
        lang: config.languages[lang].clone(),
        home: format!("{}/", config.language_prefix(lang)),
        pages,
    };
    if feed.enabled {
        for (lang, (title, _)) in sites.iter().enumerate() {
            let pages = match config.is_multilingual() {
                true => (0..content.pages.len())
                    .filter(|&i| content.pages[i].lang == lang)
                    .collect(),
                false => (0..content.pages.len()).collect(),
            };
            let file = match lang {
                0 => feed.filename.clone(),
                _ => format!("{}/{}", config.languages[lang], feed.filename),
            };
            list.push(make(lang, file, title.clone(), pages));
        }
    }
    for section in &content.sections {
        if section.meta.feed {
            let file = format!(
                "{}{}",
                output_path(&section.url).trim_end_matches("index.html"),
                feed.filename
            );
            // A language's home section's feed is that language's site
            // feed, which holds every page.
            let site_feed = match section.lang {
                0 => feed.filename.clone(),
                lang => format!("{}/{}", config.languages[lang], feed.filename),
            };
            if feed.enabled && file == site_feed {
                continue;
            }
            list.push(make(
                section.lang,
                file,
                format!(
                    "{} - {}",
                    sites[section.lang].0,
                    section.meta.title.clone().unwrap_or_default()
                ),
                section.pages.clone(),
            ));
        }
    }
    for taxonomy in taxonomies {
        let declared = config.language_taxonomies(taxonomy.lang);
        if !declared.iter().any(|t| t.name == taxonomy.name && t.feed) {
            continue;
        }
        for term in &taxonomy.terms {
            list.push(make(
                taxonomy.lang,
                format!(
                    "{}{}",
                    output_path(&term.url).trim_end_matches("index.html"),
                    feed.filename
                ),
                format!("{} - {}", sites[taxonomy.lang].0, term.name),
                term.pages.clone(),
            ));
        }
    }
    list
}

/// The dated pages of `pages`, newest first, as many as a feed holds.
fn entries(config: &Config, content: &Content, pages: &[usize]) -> Vec<usize> {
    let mut dated: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&i| content.pages[i].meta.date.is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let (pa, pb) = (&content.pages[a], &content.pages[b]);
        let key = |p: &Page| p.meta.date.as_ref().map(|d| d.seconds);
        key(pb)
            .cmp(&key(pa))
            .then_with(|| pa.relative_path.cmp(&pb.relative_path))
    });
    dated.truncate(config.site.feed.limit);
    dated
}

/// `sitemap.xml`, `robots.txt` and `CNAME`.
pub fn site_files(config: &Config, content: &Content, taxonomies: &[Taxonomy]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if config.site.sitemap {
        files.push(text("sitemap.xml", sitemap(config, content, taxonomies)));
        files.push(text(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
                config.base_url
            ),
        ));
    }
    if let Some(cname) = &config.site.cname {
        files.push(text("CNAME", format!("{}\n", cname.trim())));
    }
    files
}

fn text(path: &str, body: String) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        contents: Contents::Text(body),
        origin: std::path::PathBuf::from(crate::config::CONFIG_FILE),
    }
}

fn rfc3339(date: &Date) -> String {
    jiff::Timestamp::from_second(date.seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| date.text.clone())
}

fn atom(config: &Config, content: &Content, html: &HashMap<usize, String>, feed: &Feed) -> String {
    let (title, file) = (&feed.title, &feed.file);
    let home = config.permalink(&config.with_base(&feed.home));
    let dated = entries(config, content, &feed.pages);
    let self_url = format!("{}{}", config.base_url, file.trim_start_matches('/'));
    let updated = dated
        .iter()
        .filter_map(|&i| latest(&content.pages[i]))
        .max_by_key(|d| d.seconds)
        .map(rfc3339)
        .unwrap_or_default();
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">\n",
        escape_attr(&feed.lang),
        escape_attr(&config.base_url)
    );
    let _ = writeln!(xml, "  <title>{}</title>", escape_text(title));
    if !feed.subtitle.is_empty() {
        let _ = writeln!(
            xml,
            "  <subtitle>{}</subtitle>",
            escape_text(&feed.subtitle)
        );
    }
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_attr(&self_url)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_attr(&home)
    );
    let _ = writeln!(
        xml,
        "  <updated>{updated}</updated>\n  <id>{}</id>",
        escape_text(&self_url)
    );
    let author = if config.site.author.name.is_empty() {
        &config.site.title
    } else {
        &config.site.author.name
    };
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape_text(author)
    );
    for &i in &dated {
        let page = &content.pages[i];
        let url = config.permalink(&config.with_base(&page.url));
        let published = page.meta.date.as_ref().map(rfc3339).unwrap_or_default();
        let updated = latest(page).map(rfc3339).unwrap_or_default();
        let _ = writeln!(
            xml,
            "  <entry>\n    <title>{}</title>",
            escape_text(page.meta.title.as_deref().unwrap_or_default())
        );
        let _ = writeln!(
            xml,
            "    <published>{published}</published>\n    <updated>{updated}</updated>"
        );
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>",
            escape_attr(&url),
            escape_text(&url)
        );
        if let Some(description) = &page.meta.description {
            let _ = writeln!(xml, "    <summary>{}</summary>", escape_text(description));
        }
        let _ = writeln!(
            xml,
            "    <content type=\"html\">{}</content>\n  </entry>",
            escape_text(html.get(&i).map_or("", String::as_str))
        );
    }
    xml.push_str("</feed>\n");
    xml
}

fn latest(page: &Page) -> Option<&Date> {
    page.meta.updated.as_ref().or(page.meta.date.as_ref())
}

/// The other versions of a sitemap entry: each language's URL path.
type Alternates = Vec<(usize, String)>;

fn sitemap(config: &Config, content: &Content, taxonomies: &[Taxonomy]) -> String {
    let mut entries: Vec<(String, Option<String>, Alternates)> = Vec::new();
    let lastmod = |d: Option<&Date>| d.map(|d| d.text.get(..10).unwrap_or(&d.text).to_string());
    let alternates = |group: &[usize], of: &dyn Fn(usize) -> (usize, String)| -> Alternates {
        match group.len() {
            0 | 1 => Vec::new(),
            _ => group.iter().map(|&i| of(i)).collect(),
        }
    };
    let section_of = |i: usize| (content.sections[i].lang, content.sections[i].url.clone());
    let page_of = |i: usize| (content.pages[i].lang, content.pages[i].url.clone());
    for section in &content.sections {
        if !section.exists && section.parent.is_some() || section.meta.redirect_to.is_some() {
            continue;
        }
        entries.push((
            section.url.clone(),
            None,
            alternates(&section.translations, &section_of),
        ));
        if let Some(per) = section.meta.paginate_by {
            let total = section.pages.len().div_ceil(per).max(1);
            for n in 2..=total {
                entries.push((format!("{}page/{n}/", section.url), None, Vec::new()));
            }
        }
    }
    for page in content
        .pages
        .iter()
        .filter(|p| p.meta.redirect_to.is_none())
    {
        let others = alternates(&page.translations, &page_of);
        entries.push((page.url.clone(), lastmod(latest(page)), others));
    }
    for taxonomy in taxonomies {
        entries.push((taxonomy.url.clone(), None, Vec::new()));
        for term in &taxonomy.terms {
            entries.push((term.url.clone(), None, Vec::new()));
        }
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if config.is_multilingual() {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    let permalink = |url: &str| escape_attr(&config.permalink(&config.with_base(url))).into_owned();
    for (url, lastmod, others) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", permalink(&url));
        if let Some(lastmod) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{lastmod}</lastmod>");
        }
        // Every version, itself included, and the default language's (or
        // the first there is) for visitors of any other language.
        for (lang, other) in &others {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape_attr(&config.languages[*lang]),
                permalink(other)
            );
        }
        if let Some((_, first)) = others.first() {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                permalink(first)
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Redirect pages for every alias, for `page/1/` of paginated sections and
/// for pages and sections with `redirect_to`, plus Netlify's `_redirects`.
/// An alias of a translation lands under its language's prefix (see
/// `alias_url`). An alias that lands on a real page, or where another
/// alias already lands, is an error at its line.
pub fn alias_files(config: &Config, content: &Content) -> Result<Vec<OutputFile>, Errors> {
    let mut owners: HashMap<String, &Path> = HashMap::new();
    let mut files = Vec::new();
    let mut netlify = String::new();
    for section in &content.sections {
        owners.insert(output_path(&section.url), &section.source);
    }
    for page in &content.pages {
        owners.insert(output_path(&page.url), &page.source);
    }
    for section in &content.sections {
        if section.meta.paginate_by.is_some() {
            let first = format!("{}page/1/", section.url);
            owners.entry(output_path(&first)).or_insert(&section.source);
            redirect(
                config,
                (&first, &section.url),
                section.lang,
                &mut files,
                &mut netlify,
            );
        }
    }
    let aliases = content
        .sections
        .iter()
        .map(|s| (&s.meta.aliases, &s.url, s.lang, &s.source))
        .chain(
            content
                .pages
                .iter()
                .map(|p| (&p.meta.aliases, &p.url, p.lang, &p.source)),
        );
    let mut aliased: HashMap<String, (&str, &Path)> = HashMap::new();
    let mut errors = Errors::default();
    for (list, target, lang, source) in aliases {
        for alias in list {
            let alias_url = alias_url(config, alias, lang);
            let file = output_path(&alias_url);
            if let Some(owner) = owners.get(&file) {
                errors.push(
                    Error::at(
                        source,
                        locate_alias(config, source, alias),
                        format!("alias `{alias}` is the address of `{}`", owner.display()),
                    )
                    .help("remove the alias, or move the other page"),
                );
            } else if let Some((first, other)) = aliased.get(&file) {
                errors.push(
                    Error::at(
                        source,
                        locate_alias(config, source, alias),
                        format!(
                            "alias `{alias}` redirects from `{alias_url}`, as does the alias `{first}` of `{}`",
                            other.display()
                        ),
                    )
                    .help("keep the old address in one of the two files"),
                );
            } else {
                aliased.insert(file, (alias, source));
                redirect(config, (&alias_url, target), lang, &mut files, &mut netlify);
            }
        }
    }
    // A page or section with `redirect_to` is a redirect at its own address.
    let own = content
        .sections
        .iter()
        .map(|s| (&s.url, &s.meta.redirect_to, s.lang))
        .chain(
            content
                .pages
                .iter()
                .map(|p| (&p.url, &p.meta.redirect_to, p.lang)),
        );
    for (url, target, lang) in own {
        let Some(target) = target else { continue };
        let (path, permalink) = if crate::url::is_http(target) {
            (target.clone(), target.clone())
        } else {
            let path = config.with_base(target);
            let permalink = config.permalink(&path);
            (path, permalink)
        };
        files.push(text(
            &output_path(url),
            redirect_page(&config.languages[lang], &path, &permalink),
        ));
        let _ = writeln!(netlify, "{} {} 301", config.with_base(url), path);
    }
    if !netlify.is_empty() {
        files.push(text("_redirects", netlify));
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(files)
}

/// Where an alias of a file in language `lang` leads from: under the
/// language's prefix, as Hugo resolves it (`/old/` of `about.fr.md` is
/// `/fr/old/`), unless it is written with that prefix already, as a Zola
/// site writes it (`/fr/old/` stays).
fn alias_url(config: &Config, alias: &str, lang: usize) -> String {
    let url = if alias.ends_with(".html") {
        format!("/{}", alias.trim_start_matches('/'))
    } else {
        crate::content::normalize_path(alias)
    };
    let prefix = config.language_prefix(lang);
    if prefix.is_empty() || url.starts_with(&format!("{prefix}/")) {
        url
    } else {
        format!("{prefix}{url}")
    }
}

/// Adds the redirect page from `from` to `to` (site paths) and its line
/// of `_redirects`.
fn redirect(
    config: &Config,
    (from, to): (&str, &str),
    lang: usize,
    files: &mut Vec<OutputFile>,
    netlify: &mut String,
) {
    let path = config.with_base(to);
    let permalink = config.permalink(&path);
    files.push(text(
        &output_path(from),
        redirect_page(&config.languages[lang], &path, &permalink),
    ));
    let _ = writeln!(netlify, "{} {} 301", config.with_base(from), path);
}

/// Where `alias` is written in the front matter of `source`: on the first
/// line from the `aliases` key on that holds it. The file is read again
/// only for this message, so a build without a clash never reads it.
fn locate_alias(config: &Config, source: &Path, alias: &str) -> Option<Location> {
    let text = std::fs::read_to_string(config.root.join(source)).ok()?;
    let key_line = text
        .lines()
        .position(|line| line.trim_start().starts_with("aliases"))?;
    text.lines()
        .enumerate()
        .skip(key_line)
        .find_map(|(i, line)| {
            let at = line.find(alias)?;
            Some(Location {
                line: i + 1,
                column: line[..at].chars().count() + 1,
            })
        })
}

fn redirect_page(language: &str, path: &str, permalink: &str) -> String {
    let (path, permalink) = (escape_attr(path), escape_attr(permalink));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{permalink}</title>\n\
         <link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={permalink}\">\n</head>\n<body>\n<p><a href=\"{path}\">{permalink}</a></p>\n</body>\n</html>\n",
        escape_attr(language)
    )
}
