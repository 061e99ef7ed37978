//! Turns file-system events into rebuild decisions.
//!
//! `classify` and `plan` are pure: they decide what a changed path means
//! without touching a watcher, so they are unit-tested on their own. `start`
//! wires them to notify's debouncer, which hides editors' temporary files
//! and stitches a save-through-rename into one event.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::build::Changes;
use crate::config::{CONFIG_FILE, Config};
use crate::content::is_ignored_name;
use crate::error::{Error, Result};
use crate::sass;

/// What the watcher saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// This path changed.
    Path(PathBuf),
    /// The watcher lost track (a watched folder removed under it, an event
    /// queue overflow): any file may have changed.
    Lost,
}

/// What a changed path means for the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file under `content/`.
    Content(PathBuf),
    /// A template of the site or the theme.
    Template,
    /// `folio.yaml`: the configuration must be read again.
    Config,
    /// A static file; `css` when it is a stylesheet.
    Static {
        /// The file.
        path: PathBuf,
        /// Whether it is a `.css` file.
        css: bool,
    },
    /// A file under a `sass/` folder, a partial or not: every stylesheet
    /// is compiled again, and the browser can swap them without a reload.
    Sass,
    /// Anything else: the output folder, editor leftovers, unrelated files.
    Ignored,
}

/// What one batch of changes asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Read the configuration again and start over.
    pub reload_config: bool,
    /// Content files that changed.
    pub content: Vec<PathBuf>,
    /// Whether a template of the site or its theme changed.
    pub templates: bool,
    /// Static files that changed.
    pub statics: Vec<PathBuf>,
    /// Whether a Sass file changed.
    pub sass: bool,
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub css_only: bool,
    /// Short names of what changed, for the rebuild line.
    pub names: Vec<String>,
}

impl Plan {
    /// Returns true when nothing needs doing.
    pub fn is_empty(&self) -> bool {
        !self.reload_config
            && !self.templates
            && !self.sass
            && self.content.is_empty()
            && self.statics.is_empty()
    }

    /// What the plan changes, for a kept site (`folio.yaml` aside).
    pub fn changes(&self) -> Changes {
        Changes {
            content: self.content.clone(),
            templates: self.templates,
            statics: self.statics.clone(),
            sass: self.sass,
            everything: false,
        }
    }
}

/// Says what a changed path means.
pub fn classify(config: &Config, path: &Path) -> Change {
    if path.starts_with(&config.output_dir) {
        return Change::Ignored;
    }
    let Ok(rel) = path.strip_prefix(&config.root) else {
        return Change::Ignored;
    };
    if rel
        .components()
        .any(|c| c.as_os_str().to_str().is_none_or(is_ignored_name))
    {
        return Change::Ignored;
    }
    // The theme's strings in each language (`i18n/`), the site's or its
    // theme's: any page may show them, as it may show `config`.
    let strings = |dir: &Path| path.starts_with(dir.join("i18n"));
    if rel == Path::new(CONFIG_FILE)
        || strings(&config.root)
        || config.theme_dir.as_deref().is_some_and(strings)
    {
        return Change::Config;
    }
    if path.starts_with(&config.content_dir) {
        return Change::Content(path.to_path_buf());
    }
    if config.template_dirs.iter().any(|d| path.starts_with(d)) {
        return Change::Template;
    }
    if config.static_dirs.iter().any(|d| path.starts_with(d)) {
        let css = path.extension().is_some_and(|e| e == "css");
        return Change::Static {
            path: path.to_path_buf(),
            css,
        };
    }
    if sass::dirs(config).iter().any(|d| path.starts_with(d)) {
        return Change::Sass;
    }
    if config
        .theme_dir
        .as_ref()
        .is_some_and(|d| path.starts_with(d))
    {
        return Change::Template;
    }
    Change::Ignored
}

/// Folds a batch of what the watcher saw into one plan.
pub fn plan(config: &Config, batch: &[Seen]) -> Plan {
    let mut plan = Plan {
        css_only: true,
        ..Plan::default()
    };
    let mut any = false;
    for seen in batch {
        let path = match seen {
            Seen::Path(path) => path,
            Seen::Lost => {
                any = true;
                plan.reload_config = true;
                plan.css_only = false;
                let name = "the watched folders".to_string();
                if !plan.names.contains(&name) {
                    plan.names.push(name);
                }
                continue;
            }
        };
        let change = classify(config, path);
        if change == Change::Ignored {
            continue;
        }
        any = true;
        let name = path
            .strip_prefix(&config.root)
            .unwrap_or(path)
            .display()
            .to_string();
        if !plan.names.contains(&name) {
            plan.names.push(name);
        }
        match change {
            Change::Config => plan.reload_config = true,
            Change::Template => plan.templates = true,
            Change::Static { css, path } => {
                if !plan.statics.contains(&path) {
                    plan.statics.push(path);
                }
                plan.css_only &= css;
                continue;
            }
            Change::Sass => {
                plan.sass = true;
                continue;
            }
            Change::Content(path) => {
                if !plan.content.contains(&path) {
                    plan.content.push(path);
                }
            }
            Change::Ignored => {}
        }
        plan.css_only = false;
    }
    plan.css_only &= any;
    plan
}

/// Returns true for events that change a file; reads are not changes.
///
/// inotify reports every open and close, including folio's own reads
/// during a rebuild, which would otherwise start the next rebuild.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    /// Source folders watched recursively so far.
    watched: Vec<PathBuf>,
}

/// Watches the site and sends each debounced batch of what it saw.
///
/// The site root is watched on its own (for `folio.yaml` and new folders),
/// and each source folder with everything under it; the output folder is
/// never watched, so a build's thousands of new folders cost no watches.
pub fn start(config: &Config, sender: Sender<Vec<Seen>>) -> Result<Watcher> {
    let handler = move |result: DebounceEventResult| {
        let paths: Vec<Seen> = match result {
            Ok(events) => events
                .into_iter()
                .filter(|e| is_change(&e.event.kind) || e.event.need_rescan())
                .flat_map(|e| {
                    if e.event.need_rescan() {
                        vec![Seen::Lost]
                    } else {
                        e.event.paths.iter().cloned().map(Seen::Path).collect()
                    }
                })
                .collect(),
            Err(_) => vec![Seen::Lost],
        };
        if !paths.is_empty() {
            let _ = sender.send(paths);
        }
    };
    let mut debouncer = new_debouncer(Duration::from_millis(120), None, handler)
        .map_err(|e| Error::msg("cannot watch the site for changes").cause(e))?;
    debouncer
        .watch(&config.root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::at(&config.root, None, "cannot watch the site for changes").cause(e))?;
    let mut watcher = Watcher {
        debouncer,
        watched: Vec::new(),
    };
    watcher.watch_sources(config)?;
    Ok(watcher)
}

impl Watcher {
    /// Watches every source folder of `config` that exists and is not
    /// watched yet: call it again after a rebuild, so a folder created
    /// since (a new `templates/`, a theme) is watched too.
    pub fn watch_sources(&mut self, config: &Config) -> Result<()> {
        for dir in source_folders(config) {
            if self.watched.contains(&dir) || !dir.is_dir() {
                continue;
            }
            self.debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| {
                    Error::at(&dir, None, "cannot watch this folder for changes").cause(e)
                })?;
            self.watched.push(dir);
        }
        Ok(())
    }
}

/// The folders whose files make the site.
pub fn source_folders(config: &Config) -> Vec<PathBuf> {
    let mut dirs = vec![config.content_dir.clone()];
    dirs.extend(config.template_dirs.iter().cloned());
    dirs.extend(config.static_dirs.iter().cloned());
    dirs.extend(config.theme_dir.iter().cloned());
    dirs.extend(sass::dirs(config));
    dirs.retain(|d| !d.starts_with(&config.output_dir));
    // A theme's folder holds its templates and static files: watch it once.
    let all = dirs.clone();
    dirs.retain(|d| !all.iter().any(|other| other != d && d.starts_with(other)));
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let root = PathBuf::from("/site");
        Config {
            content_dir: root.join("content"),
            output_dir: root.join("public"),
            template_dirs: vec![root.join("templates"), root.join("themes/t/templates")],
            static_dirs: vec![root.join("themes/t/static"), root.join("static")],
            theme_dir: Some(root.join("themes/t")),
            builtin_theme: false,
            base_url: "http://127.0.0.1:1111/".to_string(),
            published_url: "https://example.com/".to_string(),
            base_path: "/".to_string(),
            timezone: jiff::tz::TimeZone::UTC,
            site: crate::config::parse_yaml(
                "base_url: http://127.0.0.1:1111/\n",
                Path::new("folio.yaml"),
                1,
            )
            .unwrap(),
            root,
            languages: vec!["en".to_string()],
        }
    }

    #[test]
    fn paths_are_classified_by_where_they_are() {
        let c = config();
        assert_eq!(
            classify(&c, Path::new("/site/content/a.md")),
            Change::Content(PathBuf::from("/site/content/a.md"))
        );
        assert_eq!(classify(&c, Path::new("/site/folio.yaml")), Change::Config);
        assert_eq!(
            classify(&c, Path::new("/site/i18n/fr.yaml")),
            Change::Config
        );
        assert_eq!(
            classify(&c, Path::new("/site/themes/t/i18n/fr.yaml")),
            Change::Config
        );
        assert_eq!(
            classify(&c, Path::new("/site/templates/page.html")),
            Change::Template
        );
        assert_eq!(
            classify(&c, Path::new("/site/themes/t/templates/base.html")),
            Change::Template
        );
        assert_eq!(
            classify(&c, Path::new("/site/themes/t/theme.yaml")),
            Change::Template
        );
        assert_eq!(
            classify(&c, Path::new("/site/static/site.css")),
            Change::Static {
                path: PathBuf::from("/site/static/site.css"),
                css: true
            }
        );
        assert_eq!(
            classify(&c, Path::new("/site/public/index.html")),
            Change::Ignored
        );
        assert_eq!(
            classify(&c, Path::new("/site/content/.a.md.swp")),
            Change::Ignored
        );
        assert_eq!(
            classify(&c, Path::new("/site/content/a.md~")),
            Change::Ignored
        );
        assert_eq!(
            classify(&c, Path::new("/site/content/.#a.md")),
            Change::Ignored
        );
        assert_eq!(classify(&c, Path::new("/site/.git/index")), Change::Ignored);
        assert_eq!(classify(&c, Path::new("/site/sass/_a.scss")), Change::Sass);
        assert_eq!(
            classify(&c, Path::new("/site/themes/t/sass/site.scss")),
            Change::Sass
        );
        assert_eq!(classify(&c, Path::new("/elsewhere/x")), Change::Ignored);
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn a_batch_folds_into_one_plan() {
        let c = config();
        let css = plan(
            &c,
            &[
                Seen::Path(PathBuf::from("/site/static/site.css")),
                Seen::Path(PathBuf::from("/site/public/x.html")),
            ],
        );
        assert_eq!(css.statics, vec![PathBuf::from("/site/static/site.css")]);
        assert!(css.css_only && !css.templates && !css.reload_config);
        let body = plan(
            &c,
            &[
                Seen::Path(PathBuf::from("/site/content/a.md")),
                Seen::Path(PathBuf::from("/site/content/a.md")),
            ],
        );
        assert_eq!(body.content, vec![PathBuf::from("/site/content/a.md")]);
        assert!(body.statics.is_empty() && !body.templates && !body.css_only);
        let mixed = plan(
            &c,
            &[
                Seen::Path(PathBuf::from("/site/static/site.css")),
                Seen::Path(PathBuf::from("/site/templates/a.html")),
            ],
        );
        assert!(mixed.templates && !mixed.css_only);
        let sass = plan(
            &c,
            &[
                Seen::Path(PathBuf::from("/site/sass/_colors.scss")),
                Seen::Path(PathBuf::from("/site/static/site.css")),
            ],
        );
        assert!(sass.sass && sass.css_only, "{sass:?}");
        let config_change = plan(&c, &[Seen::Path(PathBuf::from("/site/folio.yaml"))]);
        assert!(config_change.reload_config);
        assert!(plan(&c, &[Seen::Path(PathBuf::from("/site/public/a.html"))]).is_empty());
    }

    #[test]
    fn a_lost_watcher_rescans_everything_and_reads_the_configuration_again() {
        let c = config();
        let lost = plan(
            &c,
            &[
                Seen::Lost,
                Seen::Path(PathBuf::from("/site/static/site.css")),
            ],
        );
        assert!(lost.reload_config && !lost.css_only && !lost.is_empty());
        assert_eq!(lost.names[0], "the watched folders");
    }

    #[test]
    fn the_sources_are_watched_and_the_output_is_not() {
        assert_eq!(
            source_folders(&config()),
            vec![
                PathBuf::from("/site/content"),
                PathBuf::from("/site/templates"),
                PathBuf::from("/site/static"),
                PathBuf::from("/site/themes/t"),
                PathBuf::from("/site/sass"),
            ]
        );
    }
}
