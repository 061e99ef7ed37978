//! What each rendered file read, recorded while it renders, so that an edit
//! renders again exactly the files that showed what changed; and the page
//! values a render asks for by name, made when they are asked for.
//!
//! A file reads the values folio hands to its template (a page job gets its
//! page, a list gets its pages' listings) and whatever the lookup functions
//! return (`get_page`, `get_section`, `asset`, images and cards). The
//! functions record their reads on a per-thread recorder set up around each
//! render; Tera renders on the calling thread, so every read lands on the
//! right file. The same goes for the provider that makes a page's whole
//! value when `get_page` asks for one: it is set for the thread around the
//! render, so that no render ever waits for a value made elsewhere.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use tera::Value;

/// A value a template can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// Page `i`'s whole value, `content` and `toc` included.
    Page(usize),
    /// A section with the listings of all its pages.
    Section(usize),
    /// A section's own fields, without its pages.
    SectionMeta(usize),
}

/// Everything one render read and asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// The values it read.
    pub deps: Vec<Dep>,
    /// Static files whose fingerprint it printed (`asset`).
    pub assets: Vec<String>,
    /// Image files it made pictures or sizes of.
    pub files: Vec<PathBuf>,
    /// Output files of images and cards it asked for.
    pub made: Vec<String>,
    /// Whether it asked for a list before the lists were ready.
    pub lists_missing: bool,
}

/// The message a lookup function fails with when it is asked for the lists
/// before every page's listing is known; `render` renders that file again
/// once they are.
pub const NOT_READY: &str = "folio: value not ready yet";

thread_local! {
    static READS: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

fn with_reads(change: impl FnOnce(&mut Reads)) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            change(reads);
        }
    });
}

/// Notes that the current render read `dep`.
pub fn record(dep: Dep) {
    with_reads(|reads| {
        if !reads.deps.contains(&dep) {
            reads.deps.push(dep);
        }
    });
}

/// Notes that the current render printed the fingerprint of a static file.
pub fn record_asset(path: &str) {
    with_reads(|reads| {
        if !reads.assets.iter().any(|a| a == path) {
            reads.assets.push(path.to_string());
        }
    });
}

/// Notes that the current render read an image file.
pub fn record_file(path: &Path) {
    with_reads(|reads| {
        if !reads.files.iter().any(|f| f == path) {
            reads.files.push(path.to_path_buf());
        }
    });
}

/// Notes that the current render asked for the output file `path`.
pub fn record_made(path: &str) {
    with_reads(|reads| {
        if !reads.made.iter().any(|m| m == path) {
            reads.made.push(path.to_string());
        }
    });
}

/// Notes that the current render asked for the lists too early.
pub fn lists_missing() {
    with_reads(|reads| reads.lists_missing = true);
}

/// Runs `render` with a fresh recorder; returns its result and what it read.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Reads) {
    let previous = READS.with(|r| r.borrow_mut().replace(Reads::default()));
    let result = render();
    let reads = READS
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), previous))
        .unwrap_or_default();
    (result, reads)
}

/// Makes page `i`'s whole value, or says why it cannot.
pub type Provider<'a> = dyn Fn(usize) -> Result<Value, String> + Sync + 'a;

/// A provider with its lifetime forgotten, only ever read while the
/// `providing` call that set it runs.
type Erased = *const Provider<'static>;

thread_local! {
    static PROVIDER: Cell<Option<Erased>> = const { Cell::new(None) };
}

/// Runs `work` with `provider` answering `provide` on this thread.
pub fn providing<T>(provider: &Provider<'_>, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Erased>);
    impl Drop for Restore {
        fn drop(&mut self) {
            PROVIDER.with(|p| p.set(self.0));
        }
    }
    // SAFETY: only the lifetime is erased. The pointer is set for the
    // duration of `work` and put back by `Restore` when it returns or
    // unwinds, so `provide` never reads it after `provider` is gone.
    let erased: Erased =
        unsafe { std::mem::transmute::<&Provider<'_>, &Provider<'static>>(provider) };
    let _restore = Restore(PROVIDER.with(|p| p.replace(Some(erased))));
    work()
}

/// Page `i`'s whole value, from the provider of the render under way.
pub fn provide(i: usize) -> Result<Value, String> {
    match PROVIDER.with(Cell::get) {
        // SAFETY: set by `providing`, whose `provider` outlives this call
        // (see there).
        Some(provider) => unsafe { (*provider)(i) },
        None => Err("no page values are made here".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_recorded_per_render_and_do_not_leak_into_the_next() {
        let ((), reads) = recording(|| {
            record(Dep::Page(1));
            record(Dep::Page(1));
            record_asset("css/site.css");
            record_made("processed_images/a.webp");
            lists_missing();
        });
        assert_eq!(reads.deps, vec![Dep::Page(1)]);
        assert_eq!(reads.assets, vec!["css/site.css"]);
        assert_eq!(reads.made, vec!["processed_images/a.webp"]);
        assert!(reads.lists_missing);
        let ((), reads) = recording(|| record(Dep::Section(0)));
        assert_eq!(reads.deps, vec![Dep::Section(0)]);
        record(Dep::Page(9));
        let ((), reads) = recording(|| {});
        assert_eq!(
            reads,
            Reads::default(),
            "a read outside a render is dropped"
        );
    }

    #[test]
    fn a_provider_answers_only_while_it_is_set() {
        let values = [Value::from("zero"), Value::from("one")];
        let provider = |i: usize| values.get(i).cloned().ok_or_else(|| format!("no {i}"));
        let (one, missing) = providing(&provider, || (provide(1), provide(5)));
        assert_eq!(one, Ok(Value::from("one")));
        assert_eq!(missing, Err("no 5".to_string()));
        assert!(provide(0).is_err(), "a provider outlived its render");
        // Nested renders keep the outer provider when they end.
        let inner = |_: usize| Ok(Value::from("inner"));
        let outer = providing(&provider, || {
            let nested = providing(&inner, || provide(0));
            (nested, provide(0))
        });
        assert_eq!(outer, (Ok(Value::from("inner")), Ok(Value::from("zero"))));
    }
}
