//! A build that finds nothing changed since the last one renders and writes
//! nothing; any change to what it reads or wrote builds the site again.
//!
//! A source changed less than two seconds before a build started is not
//! trusted (its time may not tell it from the build's), so each test waits
//! that long after changing a source: waiting longer changes nothing. That
//! rule itself is tested in `build::stamp`, with the build's start given.

use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use crate::support::{Fixture, Run};

const NOTHING: &str = "nothing changed since the last build";

/// Waits until the sources are old enough to be trusted.
fn settle() {
    std::thread::sleep(Duration::from_millis(2200));
}

/// A site built once, with sources old enough to be trusted.
fn built_site() -> Fixture {
    let site = Fixture::new("minimal");
    settle();
    site.run(["build"]).success();
    site
}

fn build(site: &Fixture, args: &[&str]) -> Run {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    site.run(all).success()
}

/// Asserts that a build rendered the site again, and that its output is
/// what a first build with `args` into an empty folder writes.
fn assert_built_again(site: &Fixture, args: &[&str], run: &Run, what: &str) {
    assert!(!run.stdout.contains(NOTHING), "{what}: {}", run.stdout);
    let fresh = Fixture::at(&site.root.join("..").join(format!(
        "{}-fresh",
        site.root.file_name().unwrap().to_string_lossy()
    )));
    let _ = std::fs::remove_dir_all(&fresh.root);
    std::fs::create_dir_all(&fresh.root).unwrap();
    for entry in walkdir::WalkDir::new(&site.root)
        .into_iter()
        .filter_entry(|e| e.file_name() != "public" && e.file_name() != ".folio-cache")
    {
        let entry = entry.unwrap();
        let target = fresh
            .root
            .join(entry.path().strip_prefix(&site.root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    build(&fresh, args);
    let mut built = site.tree("public");
    built.remove("stray.txt");
    assert_eq!(built, fresh.tree("public"), "{what}");
    std::fs::remove_dir_all(&fresh.root).unwrap();
}

#[test]
fn a_build_with_nothing_changed_renders_nothing_and_touches_nothing() {
    let site = built_site();
    let page = site.root.join("public/posts/first/index.html");
    let before = std::fs::metadata(&page).unwrap();
    let tree = site.tree("public");
    let run = build(&site, &["--verbose"]);
    assert!(
        run.stdout
            .starts_with("built 1 page, 2 sections, 11 files in "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(NOTHING), "{}", run.stdout);
    assert!(
        run.stdout.contains("0 written, 11 unchanged"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("render and write"), "{}", run.stdout);
    let after = std::fs::metadata(&page).unwrap();
    assert_eq!(
        (before.ino(), before.mtime(), before.mtime_nsec()),
        (after.ino(), after.mtime(), after.mtime_nsec())
    );
    assert_eq!(site.tree("public"), tree);
    // And again: a build that found nothing changed leaves the stamp usable.
    assert!(build(&site, &[]).stdout.contains(NOTHING));
}

#[test]
fn any_change_to_what_a_build_reads_or_wrote_builds_the_site_again() {
    let site = built_site();
    // Each change is followed by a build that must render again, then by one
    // that finds nothing changed: the stamp follows the site.
    let step = |what: &str, change: &dyn Fn(&Fixture), args: &[&str]| {
        change(&site);
        settle();
        let run = build(&site, args);
        assert_built_again(&site, args, &run, what);
        let again = build(&site, args);
        assert!(
            again.stdout.contains(NOTHING),
            "{what}, again: {}",
            again.stdout
        );
    };
    step(
        "a page edited to the same size",
        &|site| {
            let text = site.read("content/posts/first.md");
            site.write("content/posts/first.md", &text.replace("First", "Frist"));
        },
        &[],
    );
    step(
        "a page added",
        &|site| {
            site.write(
                "content/posts/second.md",
                "---\ntitle: Second\n---\nMore.\n",
            )
        },
        &[],
    );
    step(
        "a template edited",
        &|site| {
            let text = site.read("templates/page.html");
            site.write(
                "templates/page.html",
                &text.replace("{% endblock main %}", "<hr>{% endblock main %}"),
            );
        },
        &[],
    );
    step(
        "a static file added",
        &|site| site.write("static/robots-extra.txt", "hello\n"),
        &[],
    );
    step(
        "the configuration edited",
        &|site| {
            let text = site.read("folio.yaml");
            site.write("folio.yaml", &format!("{text}\n# a comment\n"));
        },
        &[],
    );
    step(
        "an output file deleted",
        &|site| {
            std::fs::remove_file(site.root.join("public/posts/first/index.html")).unwrap();
        },
        &[],
    );
    step(
        "an output file edited in place, keeping its size and time",
        &|site| {
            let path = site.root.join("public/posts/first/index.html");
            let meta = std::fs::metadata(&path).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            std::io::Write::write_all(&mut &file, text.replace("<", "[").as_bytes()).unwrap();
            file.set_modified(meta.modified().unwrap()).unwrap();
        },
        &[],
    );
    step(
        "another base URL",
        &|_| {},
        &["--base-url", "https://example.org/sub/"],
    );
    step(
        "drafts asked for",
        &|_| {},
        &["--base-url", "https://example.org/sub/", "--drafts"],
    );
    step("the options of the first build", &|_| {}, &[]);
}

#[test]
fn a_file_the_build_kept_is_named_again_by_every_build() {
    let site = built_site();
    site.write("public/stray.txt", "mine\n");
    for _ in 0..2 {
        let run = site.run(["build"]).success();
        assert!(!run.stdout.contains(NOTHING), "{}", run.stdout);
        assert!(
            run.stderr.contains("kept 1 file folio did not write"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(site.read("public/stray.txt"), "mine\n");
}

#[test]
fn a_page_left_out_for_its_date_is_built_when_the_date_has_come() {
    let site = Fixture::new("minimal");
    site.write(
        "content/posts/later.md",
        "---\ntitle: Later\ndate: 2999-01-01\n---\nNot yet.\n",
    );
    settle();
    site.run(["build"]).success();
    let stamp = site.read(".folio-cache/last-build");
    // 2999-01-01T00:00:00Z: the minimal site's time zone is UTC.
    let due = 32_472_144_000_i64;
    assert!(stamp.contains(&format!("\npublish {due}\n")), "{stamp}");
    assert!(build(&site, &[]).stdout.contains(NOTHING));
    // The day comes: the stamp says it is due.
    site.write(
        ".folio-cache/last-build",
        &stamp.replace(&format!("publish {due}"), "publish 1"),
    );
    let run = build(&site, &[]);
    assert!(!run.stdout.contains(NOTHING), "{}", run.stdout);
}

#[test]
fn a_damaged_stamp_builds_the_site_again() {
    let site = built_site();
    site.write(
        ".folio-cache/last-build",
        "# folio last build 1: what it read and wrote\nkey x\n",
    );
    let run = build(&site, &[]);
    assert!(!run.stdout.contains(NOTHING), "{}", run.stdout);
    assert!(build(&site, &[]).stdout.contains(NOTHING));
}
