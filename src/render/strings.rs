//! A theme's strings in each language, for `trans(key=…)`: the site's
//! `i18n/<lang>.yaml` first, then the theme's, then the built-in theme's,
//! key by key; and the month and day names dates are written with.
//!
//! Reads those files only; a key missing in a language falls back to the
//! default language's, and each such key is counted for one warning.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::{Config, parse_yaml};
use crate::content::site_relative;
use crate::error::{Error, Result};

/// The folder of strings, in the site and in a theme.
pub const FOLDER: &str = "i18n";

/// The strings of every language of the site, by index into
/// `Config::languages`.
#[derive(Debug, Default)]
pub struct Strings {
    languages: Vec<String>,
    by_lang: Vec<HashMap<String, serde_json::Value>>,
    /// Keys a language lacked, with how many times each was asked for.
    missing: Mutex<BTreeMap<(usize, String), usize>>,
}

/// Names of months and days, from a language's strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateNames {
    /// January to December.
    pub months: Vec<String>,
    /// Jan to Dec.
    pub months_short: Vec<String>,
    /// Monday to Sunday.
    pub days: Vec<String>,
    /// Mon to Sun.
    pub days_short: Vec<String>,
}

impl Strings {
    /// Reads the strings of every language of the site.
    pub fn load(config: &Config) -> Result<Strings> {
        let mut by_lang = Vec::with_capacity(config.languages.len());
        for code in &config.languages {
            let mut strings: HashMap<String, serde_json::Value> = HashMap::new();
            // The built-in theme's first, so that the theme's and the site's
            // replace them key by key.
            let builtin = format!("{FOLDER}/{code}.yaml");
            if let Some((_, bytes)) = crate::embedded::THEME.iter().find(|(p, _)| *p == builtin) {
                let text = String::from_utf8_lossy(bytes);
                let path = super::templates::builtin_theme_path(FOLDER, &format!("{code}.yaml"));
                strings.extend(read(&text, &path)?);
            }
            let mut dirs: Vec<PathBuf> = Vec::new();
            if let Some(theme) = &config.theme_dir {
                dirs.push(theme.join(FOLDER));
            }
            dirs.push(config.root.join(FOLDER));
            for dir in dirs {
                let path = dir.join(format!("{code}.yaml"));
                if !path.is_file() {
                    continue;
                }
                let shown = site_relative(config, &path);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Error::at(&shown, None, "cannot read the strings")
                        .cause(e)
                        .help("save the file as UTF-8")
                })?;
                strings.extend(read(&text, &shown)?);
            }
            by_lang.push(strings);
        }
        Ok(Strings {
            languages: config.languages.clone(),
            by_lang,
            missing: Mutex::default(),
        })
    }

    /// Returns the string `key` in language `code`, or in the default
    /// language (counting the miss); `None` when no language has it.
    pub fn get(&self, key: &str, code: &str) -> Option<String> {
        let lang = self.languages.iter().position(|l| l == code).unwrap_or(0);
        if let Some(value) = self.by_lang.get(lang).and_then(|s| s.get(key)) {
            return Some(text_of(value));
        }
        let value = self.by_lang.first()?.get(key)?;
        if lang > 0 {
            let mut missing = self.missing.lock().unwrap_or_else(|p| p.into_inner());
            *missing.entry((lang, key.to_string())).or_default() += 1;
        }
        Some(text_of(value))
    }

    /// Returns the month and day names of language `code`, when its
    /// strings (or the default language's) give all of them.
    pub fn date_names(&self, code: &str) -> Option<DateNames> {
        let lang = self.languages.iter().position(|l| l == code).unwrap_or(0);
        let list = |key: &str, len: usize| -> Option<Vec<String>> {
            let value = self
                .by_lang
                .get(lang)
                .and_then(|s| s.get(key))
                .or_else(|| self.by_lang.first()?.get(key))?;
            let list: Vec<String> = value
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            (list.len() == len).then_some(list)
        };
        Some(DateNames {
            months: list("months", 12)?,
            months_short: list("months_short", 12)?,
            days: list("days", 7)?,
            days_short: list("days_short", 7)?,
        })
    }

    /// One warning for each key a language lacked, with how often it was
    /// asked for; the count starts again.
    pub fn take_warnings(&self) -> Vec<Error> {
        let mut missing = self.missing.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *missing)
            .into_iter()
            .map(|((lang, key), times)| {
                let code = &self.languages[lang];
                let uses = if times == 1 { "use" } else { "uses" };
                Error::at(
                    Path::new(FOLDER).join(format!("{code}.yaml")),
                    None,
                    format!(
                        "no string `{key}` in `{code}`, so the `{}` one is shown ({times} {uses})",
                        self.languages[0]
                    ),
                )
                .help(format!("add `{key}:` to `{FOLDER}/{code}.yaml`"))
                .warning()
            })
            .collect()
    }
}

fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn read(text: &str, path: &Path) -> Result<HashMap<String, serde_json::Value>> {
    let strings: BTreeMap<String, serde_json::Value> = parse_yaml(text, path, 1)?;
    Ok(strings.into_iter().collect())
}

/// Writes `format` with the month and day names of `names` in place of
/// `%B`, `%b`, `%A` and `%a`, for a date in `month` (1 to 12) on `weekday`
/// (1 for Monday to 7); `%%` stays as it is for strftime.
pub fn localize_format(format: &str, names: &DateNames, month: usize, weekday: usize) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars();
    let pick = |list: &[String], i: usize| list.get(i.wrapping_sub(1)).cloned().unwrap_or_default();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let name = match chars.next() {
            Some('B') => pick(&names.months, month),
            Some('b') => pick(&names.months_short, month),
            Some('A') => pick(&names.days, weekday),
            Some('a') => pick(&names.days_short, weekday),
            Some(other) => {
                out.push('%');
                out.push(other);
                continue;
            }
            None => {
                out.push('%');
                continue;
            }
        };
        out.push_str(&name.replace('%', "%%"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_and_day_names_replace_their_directives() {
        let names = DateNames {
            months: [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ]
            .map(String::from)
            .to_vec(),
            months_short: vec!["x".to_string(); 12],
            days: [
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ]
            .map(String::from)
            .to_vec(),
            days_short: vec!["y".to_string(); 7],
        };
        assert_eq!(
            localize_format("%A %d %B %Y, 100%% %b %a", &names, 5, 3),
            "mercredi %d mai %Y, 100%% x y"
        );
    }
}
