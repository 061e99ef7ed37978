//! What each rendered file read, recorded while it renders, so that an edit
//! renders again exactly the files that showed what changed.
//!
//! A file reads the values folio hands to its template (a page job gets its
//! page, a list gets its pages' listings) and whatever the lookup functions
//! return (`get_page`, `get_section`). The functions record their reads on a
//! per-thread recorder set up around each render; Tera renders on the
//! calling thread, so every read lands on the right file.

use std::cell::RefCell;

/// A value a template can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// Page `i`'s whole value, `content` and `toc` included.
    Page(usize),
    /// Page `i` as lists show it: everything but `content` and `toc`.
    Listing(usize),
    /// A section with the listings of all its pages.
    Section(usize),
    /// A section's own fields, without its pages.
    SectionMeta(usize),
    /// A term with the listings of its pages: taxonomy, term.
    Term(usize, usize),
    /// A taxonomy with every term and the listings of their pages.
    Taxonomy(usize),
    /// `site`: every listing, section and taxonomy.
    Site,
}

/// Why a render stopped before the end: a value it asked for is not ready
/// yet. The job is rendered again once it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The whole value of page `i`.
    Page(usize),
    /// The listings of every page (sections, terms, `site`).
    Lists,
}

/// The message a lookup function fails with when a value is not ready yet;
/// `render` recognises it and tries the job again later.
pub const NOT_READY: &str = "folio: value not ready yet";

#[derive(Default)]
struct Reads {
    deps: Vec<Dep>,
    wants: Vec<Want>,
}

thread_local! {
    static READS: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

/// Notes that the current render read `dep`.
pub fn record(dep: Dep) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut()
            && !reads.deps.contains(&dep)
        {
            reads.deps.push(dep);
        }
    });
}

/// Notes that the current render needs `want` before it can finish.
pub fn want(want: Want) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.wants.push(want);
        }
    });
}

/// Runs `render` with a fresh recorder; returns its result, what it read
/// and what it was missing.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<Dep>, Vec<Want>) {
    let previous = READS.with(|r| r.borrow_mut().replace(Reads::default()));
    let result = render();
    let reads = READS
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), previous))
        .unwrap_or_default();
    (result, reads.deps, reads.wants)
}

/// What one edit changed.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Pages whose whole value changed.
    pub pages: Vec<usize>,
    /// Pages whose listing changed.
    pub listings: Vec<usize>,
}

/// Where pages belong, to tell which containers hold a changed listing.
pub trait Membership {
    /// The section page `i` is in.
    fn section_of(&self, page: usize) -> usize;
    /// Whether page `i` carries term `k` of taxonomy `t`.
    fn has_term(&self, page: usize, taxonomy: usize, term: usize) -> bool;
    /// Whether page `i` carries any term of taxonomy `t`.
    fn in_taxonomy(&self, page: usize, taxonomy: usize) -> bool;
}

impl Dep {
    /// Whether a file that read this value may show `changes`.
    pub fn shows(&self, changes: &Changes, places: &dyn Membership) -> bool {
        let listing =
            |matches: &dyn Fn(usize) -> bool| changes.listings.iter().any(|&i| matches(i));
        match *self {
            Dep::Page(i) => changes.pages.contains(&i) || changes.listings.contains(&i),
            Dep::Listing(i) => changes.listings.contains(&i),
            Dep::Section(s) => listing(&|i| places.section_of(i) == s),
            Dep::SectionMeta(_) => false,
            Dep::Term(t, k) => listing(&|i| places.has_term(i, t, k)),
            Dep::Taxonomy(t) => listing(&|i| places.in_taxonomy(i, t)),
            Dep::Site => !changes.listings.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TwoSections;

    impl Membership for TwoSections {
        fn section_of(&self, page: usize) -> usize {
            page % 2
        }
        fn has_term(&self, page: usize, _: usize, term: usize) -> bool {
            page == term
        }
        fn in_taxonomy(&self, page: usize, taxonomy: usize) -> bool {
            taxonomy == 0 && page < 3
        }
    }

    #[test]
    fn reads_are_recorded_per_render_and_do_not_leak_into_the_next() {
        let ((), deps, wants) = recording(|| {
            record(Dep::Page(1));
            record(Dep::Page(1));
            want(Want::Lists);
        });
        assert_eq!(deps, vec![Dep::Page(1)]);
        assert_eq!(wants, vec![Want::Lists]);
        let ((), deps, _) = recording(|| record(Dep::Site));
        assert_eq!(deps, vec![Dep::Site]);
        record(Dep::Page(9));
        let ((), deps, _) = recording(|| {});
        assert!(deps.is_empty(), "a read outside a render is dropped");
    }

    #[test]
    fn a_body_edit_shows_where_its_page_or_its_listing_is_read() {
        let body_only = Changes {
            pages: vec![2],
            listings: vec![],
        };
        assert!(Dep::Page(2).shows(&body_only, &TwoSections));
        assert!(!Dep::Listing(2).shows(&body_only, &TwoSections));
        assert!(!Dep::Section(0).shows(&body_only, &TwoSections));
        assert!(!Dep::Site.shows(&body_only, &TwoSections));
        let listed = Changes {
            pages: vec![2],
            listings: vec![2],
        };
        assert!(Dep::Section(0).shows(&listed, &TwoSections));
        assert!(!Dep::Section(1).shows(&listed, &TwoSections));
        assert!(!Dep::SectionMeta(0).shows(&listed, &TwoSections));
        assert!(Dep::Term(0, 2).shows(&listed, &TwoSections));
        assert!(!Dep::Term(0, 1).shows(&listed, &TwoSections));
        assert!(Dep::Taxonomy(0).shows(&listed, &TwoSections));
        assert!(Dep::Site.shows(&listed, &TwoSections));
    }
}
