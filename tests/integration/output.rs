//! What a build does to its output folder: it removes only files it wrote,
//! survives a full disk and `kill -9`, and never writes through a link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{Fixture, PATIENCE, SmallDisk};

/// Every file and link under `dir`, bytes included (the manifest too).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut tree = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        if entry.path_is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            tree.insert(rel, target.into_os_string().into_encoded_bytes());
        } else if entry.file_type().is_file() {
            tree.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    tree
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// Issue #11, point 1: GitHub Pages' "publish from /docs" layout.
#[test]
fn files_folio_did_not_write_are_kept_with_one_warning() {
    let site = Fixture::new("minimal");
    site.write("docs/design.md", "# Design\n");
    site.write("docs/.nojekyll", "");
    let refused = site.run(["build", "-o", "docs"]);
    assert_eq!(refused.code, 1);
    assert_eq!(
        refused.stderr,
        "error: output folder `docs` holds files but no `.folio-manifest`, so folio cannot tell which are its own\n  help: pass `--force` to build into it and keep every file already there, or empty it\n"
    );
    let forced = site.run(["build", "-o", "docs", "--force"]).success();
    let warning = "warning: kept 2 files folio did not write: docs/.nojekyll, docs/design.md\n  help: to have folio publish a file, put it in `static/`; to drop it, delete it from the output folder\n";
    assert_eq!(forced.stderr, warning);
    site.write(
        "content/posts/first.md",
        &site
            .read("content/posts/first.md")
            .replace("Intro text.", "Renamed."),
    );
    let again = site.run(["build", "-o", "docs"]).success();
    assert_eq!(again.stderr, warning);
    assert_eq!(site.read("docs/design.md"), "# Design\n");
    assert!(site.root.join("docs/.nojekyll").is_file());
    assert!(site.read("docs/posts/first/index.html").contains("Renamed"));
}

// Issue #11, point 1: only the manifest's entries are stale.
#[test]
fn a_stale_file_is_removed_only_when_folio_wrote_it() {
    let site = Fixture::new("minimal");
    site.write("content/posts/second.md", "---\ntitle: Second\n---\n");
    site.run(["build"]).success();
    site.write("public/posts/second/notes.txt", "mine");
    std::fs::remove_file(site.root.join("content/posts/second.md")).unwrap();
    let run = site.run(["build"]).success();
    assert!(!site.root.join("public/posts/second/index.html").exists());
    assert_eq!(site.read("public/posts/second/notes.txt"), "mine");
    assert_eq!(
        run.stderr,
        "warning: kept 1 file folio did not write: public/posts/second/notes.txt\n  help: to have folio publish a file, put it in `static/`; to drop it, delete it from the output folder\n"
    );
    let manifest = site.read("public/.folio-manifest");
    assert!(manifest.starts_with("# folio 1: the files folio wrote here; it removes no others\n"));
    assert!(
        manifest.contains("\nposts/first/index.html\n"),
        "{manifest}"
    );
    assert!(!manifest.contains("second"), "{manifest}");
}

// Issue #11, point 2.
#[test]
fn a_section_named_like_a_site_folder_builds_again() {
    let site = Fixture::new("minimal");
    site.write("content/themes/x.md", "---\ntitle: X\n---\n");
    site.write("content/content/y.md", "---\ntitle: Y\n---\n");
    site.run(["build"]).success();
    site.run(["build"]).success();
    assert!(site.root.join("public/themes/x/index.html").is_file());
}

// Issue #11, point 3.
#[test]
fn a_full_disk_leaves_the_output_and_the_free_space_as_they_were() {
    let site = Fixture::new("minimal");
    let disk = match SmallDisk::mount(&site.root.join("disk"), "1m") {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let args = ["build", "-o", "disk/public"];
    site.run(args).success();
    let before = snapshot(&site.root.join("disk/public"));
    let free = disk.free_bytes();
    let big = "A long line of text that fills the disk.\n\n".repeat(40_000);
    site.write(
        "content/posts/big.md",
        &format!("---\ntitle: Big\n---\n{big}"),
    );
    let run = site.run(args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: disk/public/posts/big/index.html: cannot write the file\n  caused by: No space left on device (os error 28)\n  help: free some disk space or fix the folder's permissions, then build again\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.root.join("disk/public")), before);
    assert_eq!(names(&site.root.join("disk")), ["public"]);
    assert_eq!(disk.free_bytes(), free);
}

// Issue #11, point 4: a file that cannot be carried over stops the build
// before anything is in place.
#[test]
fn a_failure_while_putting_the_site_in_place_changes_nothing() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    site.write("public/keep.txt", "mine");
    let keep = site.root.join("public/keep.txt");
    let immutable = Command::new("chattr").arg("+i").arg(&keep).output();
    if !immutable.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `chattr +i` is not available here: {immutable:?}");
        return;
    }
    let before = snapshot(&site.root.join("public"));
    site.write(
        "content/posts/first.md",
        &site
            .read("content/posts/first.md")
            .replace("Intro text.", "Changed."),
    );
    site.write("content/posts/new.md", "---\ntitle: New\n---\n");
    let run = site.run(["build"]);
    let _ = Command::new("chattr").arg("-i").arg(&keep).status();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: public/keep.txt: cannot keep this file, which folio did not write\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.root.join("public")), before);
    assert!(!site.root.join(".public.folio-next").exists());
}

/// A pseudo-random number below `bound`, different on every call: each
/// `RandomState` is seeded afresh by the standard library.
fn random_below(bound: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.finish() % bound.max(1)
}

/// Makes the site of version `v`: every page changes, and one page exists
/// in version 1 only.
fn site_version(site: &Fixture, v: usize) {
    let yaml = site.read("folio.yaml");
    let title = yaml
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    site.write(
        "folio.yaml",
        &yaml.replace(&title, &format!("title: Version {v}")),
    );
    let only = site.root.join("content/posts/only-in-one.md");
    if v == 1 {
        site.write("content/posts/only-in-one.md", "---\ntitle: Only\n---\n");
    } else if only.exists() {
        std::fs::remove_file(only).unwrap();
    }
}

// Issue #11, point 5: whenever a build is killed, `public/` holds the old
// site or the new one, byte for byte.
#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let site = Fixture::new("minimal");
    for i in 0..300 {
        site.write(
            &format!("content/posts/p{i}.md"),
            &format!(
                "---\ntitle: Post {i}\n---\n{}",
                "Some words here.\n\n".repeat(40)
            ),
        );
    }
    let public = site.root.join("public");
    let mut trees = Vec::new();
    let mut slowest = Duration::ZERO;
    for v in [1, 2] {
        site_version(&site, v);
        let started = Instant::now();
        site.run(["build"]).success();
        slowest = slowest.max(started.elapsed());
        trees.push(snapshot(&public));
    }
    assert_ne!(trees[0], trees[1]);
    let bin = assert_cmd::cargo::cargo_bin("folio");
    for round in 0..16 {
        site_version(&site, 1 + round % 2);
        let mut child = Command::new(&bin)
            .arg("build")
            .current_dir(&site.root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The kill's instant, anywhere from the start to past the end of a build.
        let at = random_below(slowest.as_micros() as u64 * 5 / 4);
        std::thread::sleep(Duration::from_micros(at));
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&public);
        assert!(
            now == trees[0] || now == trees[1],
            "round {round}, killed after {at} µs: public/ is neither version; {} files",
            now.len()
        );
    }
    site_version(&site, 2);
    site.run(["build"]).success();
    assert_eq!(snapshot(&public), trees[1]);
    assert!(!site.root.join(".public.folio-next").exists());
}

// Issue #11, point 7, and #27, point 1: a link of the owner's where the
// site writes is neither written through nor replaced.
#[test]
fn a_link_in_the_output_where_the_site_writes_is_kept_and_never_written_through() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    std::fs::create_dir(site.root.join("victim")).unwrap();
    std::fs::remove_dir_all(site.root.join("public/posts")).unwrap();
    std::os::unix::fs::symlink(site.root.join("victim"), site.root.join("public/posts")).unwrap();
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(names(&site.root.join("victim")), Vec::<String>::new());
    assert!(site.root.join("public/posts").is_symlink());
    assert_eq!(
        run.stderr,
        "error: public: folio did not write 1 file where the site writes its own: posts\n  \
         help: move it out of the output folder (or delete it) to publish the site's, or rename what writes it in the site\n"
    );
}

/// A folder beside the site, outside it.
fn outside(site: &Fixture) -> PathBuf {
    let dir = PathBuf::from(format!("{}-outside", site.root.display()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    dir
}

// Issue #11, point 8.
#[test]
fn a_link_out_of_the_site_is_an_error_naming_it_and_its_target() {
    let site = Fixture::new("minimal");
    let outside = outside(&site);
    std::os::unix::fs::symlink(
        outside.join("secret.txt"),
        site.root.join("content/secret.txt"),
    )
    .unwrap();
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: content/secret.txt: this link leads to `{}`, outside the site\n  help: copy what it points to into the site, or set `follow_links_outside: true` in `folio.yaml`\n",
            outside.join("secret.txt").display()
        )
    );
    std::fs::remove_file(site.root.join("content/secret.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, site.root.join("static/linked")).unwrap();
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(&format!(
            "error: static/linked: this link leads to `{}`, outside the site\n",
            outside.display()
        )),
        "{}",
        run.stderr
    );
    assert!(!site.root.join("public/linked").exists());
    std::os::unix::fs::symlink(&outside, site.root.join("templates/partials")).unwrap();
    let run = site.run(["build"]);
    assert!(
        run.stderr
            .contains("error: templates/partials: this link leads to `"),
        "{}",
        run.stderr
    );
}

// Issue #11, point 8: the site can allow it.
#[test]
fn a_site_that_allows_links_out_publishes_what_they_point_to() {
    let site = Fixture::new("minimal");
    let outside = outside(&site);
    std::os::unix::fs::symlink(&outside, site.root.join("static/linked")).unwrap();
    let yaml = site.read("folio.yaml");
    site.write("folio.yaml", &format!("{yaml}follow_links_outside: true\n"));
    site.run(["build"]).success();
    assert_eq!(site.read("public/linked/secret.txt"), "secret");
}

// Issue #11, point 9: a FIFO blocked the build forever.
#[test]
fn a_named_pipe_in_content_is_an_error_not_a_hang() {
    let site = Fixture::new("minimal");
    let made = Command::new("mkfifo")
        .arg(site.root.join("content/posts/pipe"))
        .status();
    if !made.as_ref().is_ok_and(|s| s.success()) {
        eprintln!("skipped: `mkfifo` is not available here: {made:?}");
        return;
    }
    let output = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .arg("build")
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: content/posts/pipe: this is not a file, a folder or a link\n  help: remove it, or move it out of the site\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

// Issue #11: a slug past 255 bytes failed with "File name too long" and no source.
#[test]
fn a_name_too_long_for_the_file_system_names_the_page_and_suggests_a_slug() {
    let site = Fixture::new("minimal");
    let name = "\u{fdfa}".repeat(12);
    site.write(
        &format!("content/posts/{name}.md"),
        "---\ntitle: Long\n---\n",
    );
    let run = site.run(["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with(&format!("error: content/posts/{name}.md: writes `posts/salla-llahu-"))
            && run.stderr.ends_with(
                "; file systems allow 255\n  help: give the page a shorter `slug` in its front matter, or rename the file\n"
            ),
        "{}",
        run.stderr
    );
}

// Issue #11: assets that differ only in case collide on case-insensitive hosts.
#[test]
fn assets_that_differ_only_in_case_or_normalisation_are_an_error() {
    for (a, b) in [
        ("Logo.png", "logo.png"),
        ("caf\u{e9}.txt", "cafe\u{301}.txt"),
    ] {
        let site = Fixture::new("minimal");
        site.write(&format!("static/{a}"), "one");
        site.write(&format!("static/{b}"), "two");
        let run = site.run(["build"]);
        assert_eq!(run.code, 1, "{a}");
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        assert_eq!(
            run.stderr,
            format!(
                "error: static/{second}: writes `{second}`, which differs from `{first}` of `static/{first}` only in case or Unicode normalisation\n  help: rename one of the two: hosts that ignore case or normalise names serve one for both\n"
            )
        );
    }
}

/// The output of a fresh build of `site` as it is now, into `fresh/`.
fn fresh_build(site: &Fixture) -> BTreeMap<PathBuf, Vec<u8>> {
    let fresh = site.root.join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    site.run(["build", "-o", "fresh"]).success();
    let tree = snapshot(&fresh);
    std::fs::remove_dir_all(&fresh).unwrap();
    let _ = std::fs::remove_dir_all(site.root.join(".fresh.folio-spare"));
    tree
}

// A build keeps the tree it replaced and makes the next one from it,
// changing only what differs: the output must still be what a fresh build
// writes, whatever changed in between.
#[test]
fn a_build_made_from_the_tree_it_replaced_equals_a_fresh_one() {
    use std::os::unix::fs::MetadataExt;
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    site.write("public/mine.txt", "a file of the owner's");
    let steps: [&dyn Fn(&Fixture); 6] = [
        // The site publishes a `.gitignore` of its own.
        &|s| s.write("static/.gitignore", "node_modules/\n"),
        &|s| {
            let first = s.read("content/posts/first.md");
            s.write(
                "content/posts/first.md",
                &first.replace("Intro text.", "Edited."),
            );
        },
        &|s| {
            s.write(
                "content/posts/new.md",
                "---\ntitle: New\n---\nA new page.\n",
            )
        },
        // A file becomes a folder, and back.
        &|s| s.write("static/thing", "a file"),
        &|s| {
            std::fs::remove_file(s.root.join("static/thing")).unwrap();
            s.write("static/thing/inside.txt", "now a folder");
        },
        &|s| std::fs::remove_file(s.root.join("content/posts/new.md")).unwrap(),
    ];
    for (n, step) in steps.iter().enumerate() {
        step(&site);
        site.run(["build"]).success();
        let mut expected = fresh_build(&site);
        expected.insert("mine.txt".into(), b"a file of the owner's".to_vec());
        let mut built = snapshot(&site.root.join("public"));
        // The manifest lists the same paths; only its header may differ.
        assert_eq!(
            built.remove(Path::new(".folio-manifest")).is_some(),
            expected.remove(Path::new(".folio-manifest")).is_some()
        );
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "step {n}"
        );
        assert!(built == expected, "step {n}: a file's bytes differ");
    }
    // An unchanged file is the same file in the output and the spare tree.
    let spare = site.root.join(".public.folio-spare");
    assert!(spare.is_dir(), "no spare tree was kept");
    let css = |dir: &Path| std::fs::metadata(dir.join("site.css")).unwrap().ino();
    assert_eq!(css(&spare), css(&site.root.join("public")));
    // The spare tree stays out of a repository the site is published from.
    let ignore = std::fs::read_to_string(spare.join(".gitignore")).unwrap();
    assert_eq!(ignore.lines().last(), Some("*"));
}

#[test]
fn a_spare_tree_holding_a_link_is_not_written_through() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    let first = site.read("content/posts/first.md");
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "One."),
    );
    site.run(["build"]).success();
    let spare = site.root.join(".public.folio-spare");
    assert!(spare.join("posts").is_dir());
    let victim = outside(&site);
    std::fs::remove_dir_all(spare.join("posts")).unwrap();
    std::os::unix::fs::symlink(&victim, spare.join("posts")).unwrap();
    site.write(
        "content/posts/first.md",
        &first.replace("Intro text.", "Two."),
    );
    site.run(["build"]).success();
    assert_eq!(names(&victim), ["secret.txt"]);
    assert_eq!(
        std::fs::read_to_string(victim.join("secret.txt")).unwrap(),
        "secret"
    );
    assert!(site.read("public/posts/first/index.html").contains("Two."));
    assert!(!spare.join("posts").is_symlink());
}

/// Gives the minimal site's first post the intro `text`, so that the
/// next build writes.
fn edit_first_post(site: &Fixture, text: &str) {
    let first = site.read("content/posts/first.md");
    let intro = first
        .lines()
        .find(|l| l.starts_with("Intro text.") || l.starts_with("Round "))
        .unwrap()
        .to_string();
    site.write("content/posts/first.md", &first.replace(&intro, text));
}

// Issue #27, point 6: `public/a/b/c` of the owner's, empty, survived the
// first build and was deleted by the second.
#[test]
fn nested_empty_folders_of_the_owner_s_are_kept_build_after_build() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    std::fs::create_dir_all(site.root.join("public/a/b/c")).unwrap();
    std::fs::create_dir_all(site.root.join("public/posts/empty")).unwrap();
    for round in 0..3 {
        edit_first_post(&site, &format!("Round {round}."));
        site.run(["build"]).success();
        assert!(
            site.root.join("public/a/b/c").is_dir(),
            "round {round}: public/a/b/c is gone"
        );
        assert!(
            site.root.join("public/posts/empty").is_dir(),
            "round {round}: public/posts/empty is gone"
        );
    }
}

// Issue #27, point 1: a file of the owner's where the site now writes its
// own was replaced with no word.
#[test]
fn a_file_of_the_owner_s_where_the_site_writes_stops_the_build_and_is_kept() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    site.write("public/custom.css", "/* mine */\n");
    site.write("static/custom.css", "/* the site's */\n");
    let before = snapshot(&site.root.join("public"));
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: public: folio did not write 1 file where the site writes its own: custom.css\n  \
         help: move it out of the output folder (or delete it) to publish the site's, or rename what writes it in the site\n"
    );
    assert_eq!(snapshot(&site.root.join("public")), before);
    assert_eq!(site.read("public/custom.css"), "/* mine */\n");
    std::fs::remove_file(site.root.join("public/custom.css")).unwrap();
    site.run(["build"]).success();
    assert_eq!(site.read("public/custom.css"), "/* the site's */\n");
}

// Issue #27, point 1: `--force` promises to keep what the folder holds.
#[test]
fn a_forced_first_build_keeps_an_index_html_it_did_not_write() {
    let site = Fixture::new("minimal");
    site.write("docs/index.html", "<p>an older site</p>\n");
    site.write("docs/notes.txt", "notes\n");
    let run = site.run(["build", "-o", "docs", "--force"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: docs: folio did not write 1 file where the site writes its own: index.html\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("docs/index.html"), "<p>an older site</p>\n");
    assert_eq!(names(&site.root.join("docs")), ["index.html", "notes.txt"]);
}

// Issue #27, point 1: a file of the owner's standing where the site needs
// a folder is not replaced either.
#[test]
fn a_file_of_the_owner_s_where_the_site_needs_a_folder_is_kept() {
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    site.write("public/notes", "mine\n");
    site.write("content/notes/one.md", "---\ntitle: One\n---\n");
    let run = site.run(["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: public: folio did not write 1 file where the site writes its own: notes\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("public/notes"), "mine\n");
}

// Issue #27, point 2: `chmod 700 public` came back as 755, then 700, then
// 755 on every build.
#[test]
fn the_output_folder_keeps_its_mode_and_group_build_after_build() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let site = Fixture::new("minimal");
    site.run(["build"]).success();
    let public = site.root.join("public");
    let set = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set(&public, 0o2750);
    set(&public.join("posts"), 0o700);
    // A group other than the process's, where the system lets us.
    let group = (std::os::unix::fs::chown(&public, None, Some(33)).is_ok()).then_some(33);
    let mode = |path: &Path| std::fs::metadata(path).unwrap().mode() & 0o7777;
    for round in 0..3 {
        edit_first_post(&site, &format!("Round {round}."));
        site.write(
            &format!("content/new{round}/page.md"),
            "---\ntitle: New\n---\n",
        );
        site.run(["build"]).success();
        assert_eq!(mode(&public), 0o2750, "round {round}: the output folder");
        assert_eq!(mode(&public.join("posts")), 0o700, "round {round}: posts/");
        // A folder new to the site takes the output folder's mode.
        assert_eq!(
            mode(&public.join(format!("new{round}"))),
            0o2750,
            "round {round}: a new folder"
        );
        if let Some(gid) = group {
            assert_eq!(std::fs::metadata(&public).unwrap().gid(), gid);
            assert_eq!(
                std::fs::metadata(public.join(format!("new{round}")))
                    .unwrap()
                    .gid(),
                gid
            );
        }
    }
}

// Issue #27, point 7: a read-only folder in the output made every later
// build fail until the owner removed `.public.folio-next` by hand.
#[test]
fn a_read_only_folder_in_the_output_does_not_stop_later_builds() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let site = Fixture::new("minimal");
    let public = site.root.join("public");
    let read_only = |path: &Path| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap()
    };
    let build = |round: &str| match site.run_unprivileged(["build"]) {
        Ok(run) => {
            assert_eq!(run.code, 0, "{round}: {}", run.stderr);
            true
        }
        Err(reason) => {
            eprintln!("skipped: {reason}");
            false
        }
    };
    if !build("first build") {
        return;
    }
    site.write("public/mine/notes.txt", "mine");
    read_only(&public.join("mine"));
    read_only(&public.join("posts"));
    for round in 0..3 {
        edit_first_post(&site, &format!("Round {round}."));
        build(&format!("round {round}"));
        assert_eq!(site.read("public/mine/notes.txt"), "mine");
        assert!(
            site.read("public/posts/first/index.html")
                .contains(&format!("Round {round}."))
        );
        assert_eq!(
            std::fs::metadata(public.join("posts")).unwrap().mode() & 0o777,
            0o555
        );
    }
    // What a killed build left, read-only inside, is cleared by the next.
    let next = site.root.join(".public.folio-next");
    std::fs::create_dir_all(next.join("a/b")).unwrap();
    std::fs::write(next.join("a/b/page.html"), "half").unwrap();
    read_only(&next.join("a/b"));
    read_only(&next.join("a"));
    edit_first_post(&site, "After a kill.");
    build("after a kill");
    assert!(!next.exists());
    assert!(
        site.read("public/posts/first/index.html")
            .contains("After a kill.")
    );
}
