//! The files the binary carries: the default theme and the `folio init`
//! sample site, embedded by `build.rs` so that folio works without the
//! repository at hand.
//!
//! Only data: `init` writes these files out, and `render` reads the theme's
//! templates and static files from here for a site that names no theme.

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use files::{SAMPLE, THEME};

/// The default theme's folder name under `themes/`.
pub const DEFAULT_THEME: &str = "slate";

/// The default theme's templates: name (`page.html`) and text.
pub fn theme_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    theme_files("templates/")
}

/// The default theme's static files: path (`css/site.css`) and text.
pub fn theme_static_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    theme_files("static/")
}

fn theme_files(folder: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    THEME.iter().filter_map(move |(path, bytes)| {
        let name = path.strip_prefix(folder)?;
        // `build.rs` refuses a theme file that is not UTF-8 text.
        let text = std::str::from_utf8(bytes).ok()?;
        Some((name, text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_and_the_sample_are_embedded() {
        assert!(theme_templates().any(|(name, _)| name == "base.html"));
        assert!(theme_static_files().any(|(name, _)| name == "css/site.css"));
        assert!(SAMPLE.iter().any(|(p, _)| *p == "folio.yaml"));
        let texts = theme_templates().count()
            + theme_static_files().count()
            + theme_files("highlight/").count()
            + theme_files("i18n/").count();
        let fonts = THEME
            .iter()
            .filter(|(p, _)| p.starts_with("fonts/"))
            .count();
        assert!(fonts >= 2, "the social card's fonts are embedded");
        assert_eq!(
            texts + fonts + 1,
            THEME.len(),
            "every theme file but theme.yaml and the fonts is text"
        );
    }
}
