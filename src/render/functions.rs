//! The functions and filters folio adds to Tera: `url`, `asset`,
//! `get_page`, `get_section`, `image`, `picture`, `social_card`, `trans`,
//! and `markdown`, `date`, `slugify`, `reading_time`.
//!
//! They are registered before any template is added (Tera 2 checks calls
//! when it parses), and read the current build through a shared `Lookup`
//! that each build replaces.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::cards::{self, Cards};
use crate::config::Config;
use crate::content::Content;
use crate::images::{self, Format, Images, Op, Operation, Problem};
use crate::markdown;
use crate::url;

use super::bodies;
use super::deps::{self, Dep};
use super::pictures::{self, Responsive, Sources};
use super::statics::StaticFile;
use super::strings::{self, Strings};
use super::values::Model;

/// Separates a function's message from its `help:` in a Tera error, so
/// the error folio prints keeps both.
pub const HELP_MARK: &str = "\n  help: ";

/// What functions need to know about the current build.
///
/// Built before any page is rendered, with what front matter gives; the
/// lists are added once every page's listing is known. `get_page` makes a
/// page's whole value when it is asked for (`deps::provide`); `get_section`
/// asked for the lists too early fails with `deps::NOT_READY`, and the file
/// is rendered after the lists.
#[derive(Default, Clone)]
pub struct Lookup {
    base_path: String,
    base_url: String,
    /// Page source path → index.
    page_index: HashMap<String, usize>,
    /// Section source path → index.
    section_index: HashMap<String, usize>,
    /// Sections with their pages, once the lists are ready.
    sections: Vec<Value>,
    /// Sections without their pages, for `metadata_only`.
    section_meta: Vec<Value>,
    urls: Arc<HashMap<String, String>>,
    statics: BTreeMap<String, StaticFile>,
    markdown: Option<markdown::Options>,
    /// The images of this build, and where their files are.
    images: Option<Arc<Images>>,
    sources: Arc<Sources>,
    /// The social cards of this build, when the site or theme draws them.
    cards: Option<Arc<Cards>>,
    /// Whether `asset()` leaves the fingerprint out of its URLs.
    stable_assets: bool,
    /// The site's language codes, the default first.
    languages: Vec<String>,
    /// The theme's strings in each language.
    strings: Arc<Strings>,
}

impl Lookup {
    /// Indexes one build's pages, sections and static files.
    pub fn new(
        config: &Config,
        content: &Content,
        model: &Model,
        statics: BTreeMap<String, StaticFile>,
    ) -> Lookup {
        let index = |paths: &mut dyn Iterator<Item = &String>| {
            paths
                .enumerate()
                .map(|(i, p)| (p.clone(), i))
                .collect::<HashMap<String, usize>>()
        };
        Lookup {
            base_path: config.base_path.clone(),
            base_url: config.base_url.clone(),
            page_index: index(&mut content.pages.iter().map(|p| &p.relative_path)),
            section_index: index(&mut content.sections.iter().map(|s| &s.relative_path)),
            sections: Vec::new(),
            section_meta: model.section_meta.clone(),
            urls: Arc::new(bodies::url_map(config, content)),
            sources: Arc::new(Sources::new(config, content, &statics)),
            statics,
            markdown: Some(bodies::outside_options(config)),
            images: None,
            cards: None,
            stable_assets: false,
            languages: config.languages.clone(),
            strings: Arc::default(),
        }
    }

    /// Gives `trans` and `date` this build's strings.
    pub fn set_strings(&mut self, strings: Arc<Strings>) {
        self.strings = strings;
    }

    /// Returns the content file `path` names in language `lang` (a code):
    /// its translation when the language is not the default and the
    /// translation exists, else `path` itself.
    fn in_language<'p>(
        &self,
        path: &'p str,
        lang: Option<&str>,
        index: &HashMap<String, usize>,
    ) -> std::borrow::Cow<'p, str> {
        let Some(code) = lang.filter(|code| self.languages.first().is_some_and(|d| d != code))
        else {
            return path.into();
        };
        match crate::content::translated_name(path, code) {
            Some(name) if index.contains_key(&name) => name.into(),
            _ => path.into(),
        }
    }

    /// Gives the functions this build's images and cards.
    pub fn set_media(&mut self, images: Arc<Images>, cards: Option<Arc<Cards>>) {
        self.images = Some(images);
        self.cards = cards;
    }

    /// Where this build's image files are.
    pub fn sources(&self) -> Arc<Sources> {
        Arc::clone(&self.sources)
    }

    /// Every page's and section's URL, by source path (`bodies::url_map`).
    pub fn urls(&self) -> Arc<HashMap<String, String>> {
        Arc::clone(&self.urls)
    }

    /// Makes the lists readable: every section with its pages.
    pub fn set_sections(&mut self, sections: &[Value]) {
        self.sections = sections.to_vec();
    }

    /// Puts one section's new value in place.
    pub fn set_section(&mut self, s: usize, value: Value) {
        if let Some(slot) = self.sections.get_mut(s) {
            *slot = value;
        }
    }

    /// Leaves the fingerprint out of `asset()` URLs (under `serve`).
    pub fn set_stable_assets(&mut self, stable: bool) {
        self.stable_assets = stable;
    }
}

type Shared = Arc<RwLock<Arc<Lookup>>>;

fn current(shared: &Shared) -> TeraResult<Arc<Lookup>> {
    shared
        .read()
        .map(|l| Arc::clone(&l))
        .map_err(|_| tera::Error::message("the site lookup is unavailable"))
}

/// Registers folio's functions and filters on `tera`.
pub fn register(tera: &mut Tera, shared: &Shared) {
    let s = Arc::clone(shared);
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let path: String = kwargs.must_get::<&str>("path")?.to_string();
            let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
            let url = url_for(&lookup, &path)?;
            Ok(Value::from(if absolute {
                absolute_url(&lookup, &url)
            } else {
                url
            }))
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
            let file = lookup.statics.get(path).ok_or_else(|| {
                tera::Error::message(format!(
                    "asset `{path}` is not in the site's or the theme's `static/` folder"
                ))
            })?;
            if lookup.stable_assets {
                return Ok(Value::from(format!("{}{path}", lookup.base_path)));
            }
            deps::record_asset(path);
            Ok(Value::from(format!(
                "{}{path}?v={}",
                lookup.base_path, file.hash
            )))
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches("@/");
            let lang = language(&kwargs, state)?;
            let path = &*lookup.in_language(path, lang.as_deref(), &lookup.page_index);
            let i = *lookup.page_index.get(path).ok_or_else(|| {
                tera::Error::message(format!("no page `{path}` under `content/`"))
            })?;
            deps::record(Dep::Page(i));
            deps::provide(i).map_err(|why| {
                tera::Error::message(format!("cannot read the page `{path}`: {why}"))
            })
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches("@/");
            let lang = language(&kwargs, state)?;
            let path = &*lookup.in_language(path, lang.as_deref(), &lookup.section_index);
            let metadata_only = kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
            let s = *lookup.section_index.get(path).ok_or_else(|| {
                tera::Error::message(format!("no section `{path}` under `content/`"))
            })?;
            if metadata_only {
                deps::record(Dep::SectionMeta(s));
                return Ok(lookup.section_meta[s].clone());
            }
            deps::record(Dep::Section(s));
            lookup.sections.get(s).cloned().ok_or_else(|| {
                deps::lists_missing();
                tera::Error::message(deps::NOT_READY)
            })
        },
    );
    register_media(tera, shared);
    let s = Arc::clone(shared);
    tera.register_filter(
        "markdown",
        move |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let inline = kwargs.get::<bool>("inline")?.unwrap_or(false);
            let options = lookup.markdown.clone().unwrap_or(markdown::Options {
                heading_links: false,
                ..markdown::Options::default()
            });
            let html = markdown::to_html(text, &options, &|_| None).html;
            Ok(Value::safe_string(&if inline {
                bodies::strip_paragraph(&html)
            } else {
                html
            }))
        },
    );
    let s = Arc::clone(shared);
    tera.register_filter(
        "date",
        move |text: &str, kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
            let lookup = current(&s)?;
            let lang = language(&kwargs, state)?;
            let names = match &lang {
                Some(code) if format.contains('%') => lookup.strings.date_names(code),
                _ => None,
            };
            format_date_in(text, format, names.as_ref()).map(Value::from)
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let key = kwargs.must_get::<&str>("key")?;
            let lang = language(&kwargs, state)?;
            let code = lang.as_deref().or(lookup.languages.first().map(String::as_str)).unwrap_or_default();
            lookup.strings.get(key, code).map(Value::from).ok_or_else(|| {
                tera::Error::message(format!(
                    "no string `{key}` in `{code}`, nor in the default language{HELP_MARK}add `{key}:` to `{}/{code}.yaml`",
                    strings::FOLDER
                ))
            })
        },
    );
    tera.register_filter(
        "json_encode",
        |value: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let json = serde_json::to_string(value)
                .map_err(|e| tera::Error::message(format!("cannot write JSON: {e}")))?;
            // Safe inside <script>: no `</script>` or HTML comment can be formed.
            let json = json
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026");
            Ok(Value::safe_string(&json))
        },
    );
    tera.register_filter("slugify", |text: &str, _: Kwargs, _: &State| {
        Value::from(slug::slugify(text))
    });
    tera.register_filter("reading_time", |text: &str, _: Kwargs, _: &State| {
        Value::from(super::values::reading_time(text.split_whitespace().count()))
    });
}

/// Registers `image`, `picture` and `social_card`.
fn register_media(tera: &mut Tera, shared: &Shared) {
    let s = Arc::clone(shared);
    tera.register_function(
        "image",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let (images, source) = image_source(&lookup, &kwargs, state)?;
            let format = kwargs.get::<&str>("format")?.unwrap_or("auto");
            let op = kwargs.get::<&str>("op")?.unwrap_or("fit");
            let operation = Operation {
                op: Op::parse(op).ok_or_else(|| {
                    failure(
                        format!("`op` must be `fit`, `fill`, `crop` or `scale`, found \"{op}\""),
                        "pass one of `fit`, `fill`, `crop` and `scale`",
                    )
                })?,
                width: kwargs.get::<u32>("width")?,
                height: kwargs.get::<u32>("height")?,
                format: parse_format(format)?,
                quality: kwargs.get::<u8>("quality")?.unwrap_or(80),
            };
            let processed = pictures::request(&images, &source, &operation).map_err(problem)?;
            let url = format!("{}{}", lookup.base_path, processed.path);
            Ok(super::values::object(vec![
                ("permalink", Value::from(absolute_url(&lookup, &url))),
                ("url", Value::from(url)),
                ("width", Value::from(processed.width)),
                ("height", Value::from(processed.height)),
                ("mime", Value::from(processed.format.mime())),
            ]))
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "picture",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let (images, source) = image_source(&lookup, &kwargs, state)?;
            let widths = match kwargs.get::<Value>("widths")? {
                Some(list) => list
                    .as_array()
                    .map(|items| items.iter().filter_map(Value::as_u64).collect::<Vec<u64>>())
                    .filter(|w| !w.is_empty())
                    .ok_or_else(|| {
                        failure(
                            "`widths` must be a list of widths in pixels",
                            "pass widths like `widths=[480, 960, 1440]`",
                        )
                    })?,
                None => vec![480, 960, 1440],
            };
            let how = Responsive {
                widths: widths
                    .into_iter()
                    .map(|w| u32::try_from(w).unwrap_or(u32::MAX))
                    .collect(),
                format: parse_format(kwargs.get::<&str>("format")?.unwrap_or("webp"))?,
                quality: kwargs.get::<u8>("quality")?.unwrap_or(80),
                sizes: kwargs.get::<&str>("sizes")?.map(str::to_string),
            };
            for &width in &how.widths {
                images::check_side("widths", width).map_err(problem)?;
            }
            let mut picture =
                pictures::responsive(&images, &source, &lookup.base_path, &how).map_err(problem)?;
            picture.class = kwargs.get::<&str>("class")?.map(str::to_string);
            let alt = kwargs.get::<&str>("alt")?.unwrap_or_default();
            let eager = kwargs.get::<bool>("eager")?.unwrap_or(false);
            Ok(Value::safe_string(&picture.to_html(alt, None, eager)))
        },
    );
    let s = Arc::clone(shared);
    tera.register_function(
        "social_card",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lookup = current(&s)?;
            let cards = lookup.cards.clone().ok_or_else(|| {
                failure(
                    format!(
                        "there is no `templates/{}` to draw the social card from",
                        cards::TEMPLATE
                    ),
                    "add a card template to the site's `templates/`, or use a theme that has one",
                )
            })?;
            let path = state.get::<String>("current_path")?.unwrap_or_default();
            let page_path = path
                .strip_prefix(lookup.base_path.as_str())
                .unwrap_or(&path)
                .to_string();
            let mut values = tera::Context::new();
            for (key, value) in kwargs.iter() {
                values.insert_value(key.to_string(), value.clone());
            }
            let card = cards
                .request(&page_path, &values, Path::new(&path))
                .map_err(|e| {
                    let mut message = format!("{}: {}", e.place(), e.message);
                    for cause in &e.causes {
                        message.push_str(&format!(": {cause}"));
                    }
                    failure(
                        message,
                        e.help.as_deref().unwrap_or("fix the card template"),
                    )
                })?;
            deps::record_made(&card.path);
            let url = format!("{}{}", lookup.base_path, card.path);
            Ok(super::values::object(vec![
                ("permalink", Value::from(absolute_url(&lookup, &url))),
                ("url", Value::from(url)),
                ("width", Value::from(cards::WIDTH)),
                ("height", Value::from(cards::HEIGHT)),
                ("mime", Value::from("image/png")),
            ]))
        },
    );
}

/// The images of the build and the file `path` names, from the page the
/// template renders when the path is relative.
fn image_source(
    lookup: &Lookup,
    kwargs: &Kwargs,
    state: &State,
) -> TeraResult<(Arc<Images>, PathBuf)> {
    let images = lookup
        .images
        .clone()
        .ok_or_else(|| tera::Error::message("images are not available here"))?;
    let path = kwargs.must_get::<&str>("path")?;
    let page = state.get::<Value>("page")?;
    let relative = page
        .as_ref()
        .and_then(Value::as_map)
        .and_then(|m| m.get(&tera::value::Key::from("relative_path")))
        .and_then(Value::as_str);
    let source = lookup.sources.find(path, relative).map_err(problem)?;
    Ok((images, source))
}

fn parse_format(text: &str) -> TeraResult<Format> {
    Format::parse(text).ok_or_else(|| {
        let why = if text == "avif" {
            ": folio's AVIF encoder is too slow to run on every build"
        } else {
            ""
        };
        failure(
            format!("`format` must be `webp`, `jpeg`, `png` or `auto`, found \"{text}\"{why}"),
            "pass `format=\"webp\"`, or leave it out to keep the image's own format",
        )
    })
}

/// A function's error with what to do about it.
fn failure(message: impl std::fmt::Display, help: &str) -> tera::Error {
    tera::Error::message(format!("{message}{HELP_MARK}{help}"))
}

fn problem(problem: Problem) -> tera::Error {
    failure(problem.message, &problem.help)
}

fn url_for(lookup: &Lookup, path: &str) -> TeraResult<String> {
    if let Some(target) = path.strip_prefix("@/") {
        let (page, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let url = lookup
            .urls
            .get(page)
            .ok_or_else(|| tera::Error::message(format!("no page `{page}` under `content/`")))?;
        return Ok(match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url.clone(),
        });
    }
    if url::is_external(path) {
        return Ok(path.to_string());
    }
    Ok(match url::with_base_path(path, &lookup.base_path) {
        Some(url) => url,
        None if path.starts_with('/') => path.to_string(),
        None => format!("{}{}", lookup.base_path, path),
    })
}

fn absolute_url(lookup: &Lookup, url: &str) -> String {
    if url::is_external(url) {
        return url.to_string();
    }
    let origin = url::origin(&lookup.base_url, &lookup.base_path);
    format!("{origin}{url}")
}

/// Formats a date, written in any form front matter accepts, with strftime
/// directives, and the month and day names of a language when given. A
/// date-time keeps the offset it was written with.
fn format_date_in(
    text: &str,
    format: &str,
    names: Option<&strings::DateNames>,
) -> TeraResult<String> {
    let bad = |e: &dyn std::fmt::Display| {
        tera::Error::message(format!("cannot format \"{text}\" as a date: {e}"))
    };
    let date = crate::content::parse_date(text, &jiff::tz::TimeZone::UTC)
        .map_err(|_| bad(&"it is not a date like 2024-05-01"))?;
    match names {
        Some(names) => {
            let (month, weekday) = date.month_and_weekday();
            date.format(&strings::localize_format(format, names, month, weekday))
                .map_err(|e| bad(&e))
        }
        None => date.format(format).map_err(|e| bad(&e)),
    }
}

/// The language a function works in: its `lang` argument, or the `lang`
/// of the file being rendered.
fn language(kwargs: &Kwargs, state: &State) -> TeraResult<Option<String>> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return Ok(Some(lang.to_string()));
    }
    state.get::<String>("lang")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_encode_escapes_what_could_end_a_script() {
        let mut tera = Tera::new();
        register(
            &mut tera,
            &Arc::new(RwLock::new(Arc::new(Lookup::default()))),
        );
        tera.add_raw_template("t.html", "{{ x | json_encode }}")
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("x", &serde_json::json!({"a": "</script>\u{1b}&"}));
        assert_eq!(
            tera.render("t.html", &context).unwrap(),
            "{\"a\":\"\\u003c/script\\u003e\\u001b\\u0026\"}"
        );
    }

    #[test]
    fn dates_format_with_strftime() {
        assert_eq!(
            format_date_in("2024-05-01", "%B %Y", None).unwrap(),
            "May 2024"
        );
        assert_eq!(
            format_date_in("2024-05-01T23:30:00-05:00", "%Y-%m-%d %H:%M", None).unwrap(),
            "2024-05-01 23:30"
        );
        assert!(format_date_in("soon", "%Y", None).is_err());
    }

    #[test]
    fn urls_get_the_base_path_and_internal_links_resolve() {
        let mut lookup = Lookup {
            base_path: "/portfolio/".to_string(),
            base_url: "https://me.github.io/portfolio/".to_string(),
            ..Lookup::default()
        };
        lookup.urls = Arc::new(HashMap::from([(
            "projects/x.md".to_string(),
            "/portfolio/projects/x/".to_string(),
        )]));
        assert_eq!(url_for(&lookup, "/stack/").unwrap(), "/portfolio/stack/");
        assert_eq!(url_for(&lookup, "stack/").unwrap(), "/portfolio/stack/");
        assert_eq!(
            url_for(&lookup, "@/projects/x.md#a").unwrap(),
            "/portfolio/projects/x/#a"
        );
        assert_eq!(
            url_for(&lookup, "https://e.com/").unwrap(),
            "https://e.com/"
        );
        assert_eq!(
            absolute_url(&lookup, "/portfolio/stack/"),
            "https://me.github.io/portfolio/stack/"
        );
        assert!(url_for(&lookup, "@/nope.md").is_err());
    }
}
