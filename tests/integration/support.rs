//! Fixture sites copied to a temporary folder, the binary run on them, and
//! whole-tree comparisons with `expected/` (`BLESS=1` rewrites it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use std::process::Command as Process;

use assert_cmd::Command;

/// How long a test waits for something that must happen: an upper bound
/// no healthy run comes near, even on a machine busy with another build,
/// so that a test fails only when the event never comes.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(300);

/// The changes of a session after these content files were edited.
pub fn edited(paths: &[std::path::PathBuf]) -> folio::build::Changes {
    folio::build::Changes {
        content: paths.to_vec(),
        ..folio::build::Changes::default()
    }
}

/// A fixture site copied to a folder of its own.
pub struct Fixture {
    pub root: PathBuf,
    name: String,
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Fixture {
    /// Copies `tests/fixtures/<name>` (without its `expected/`) to a fresh temp folder.
    pub fn new(name: &str) -> Fixture {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(source.is_dir(), "no fixture {name}");
        let fixture = Fixture::empty(name);
        copy_tree(&source, &fixture.root);
        let _ = std::fs::remove_dir_all(fixture.root.join("expected"));
        fixture
    }

    /// A fresh empty folder for a site made by the test itself.
    pub fn empty(name: &str) -> Fixture {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixtures")
            .join(unique);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Fixture {
            root,
            name: name.to_string(),
        }
    }

    /// A folder made elsewhere, such as outside any site.
    pub fn at(dir: &Path) -> Fixture {
        Fixture {
            root: dir.to_path_buf(),
            name: String::new(),
        }
    }

    /// Runs `folio ARGS` in the fixture's root.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let output = Command::cargo_bin("folio")
            .unwrap()
            .args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `folio ARGS` as a user without root's power to ignore file
    /// modes: the test's own user when it is not root, or else `nobody`
    /// (through `setpriv`, with the fixture given to it). Says why not
    /// when that cannot be done here.
    pub fn run_unprivileged<I, S>(&self, args: I) -> Result<Run, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(self.run(args));
        }
        // The unprivileged user must be able to pass through every folder
        // above the fixture (a checkout under a private `mktemp -d` is not).
        if let Some(private) = self.root.ancestors().skip(1).find(|dir| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 == 0)
        }) {
            return Err(format!(
                "{} cannot be passed through by an unprivileged user",
                private.display()
            ));
        }
        let given = Process::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&self.root)
            .status()
            .map_err(|e| format!("cannot run chown: {e}"))?;
        if !given.success() {
            return Err("chown -R to nobody failed".to_string());
        }
        let output = Process::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(assert_cmd::cargo::cargo_bin("folio"))
            .args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .map_err(|e| format!("cannot run setpriv (util-linux): {e}"))?;
        Ok(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    /// Writes a file under the fixture root, creating folders.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Reads a file under the fixture root.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The output tree, as path → text.
    pub fn tree(&self, dir: &str) -> BTreeMap<String, String> {
        read_tree(&self.root.join(dir))
    }

    /// Compares `public/` with the fixture's `expected/`, or rewrites it with `BLESS=1`.
    pub fn assert_matches_expected(&self) {
        let expected_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(&self.name)
            .join("expected");
        let actual = self.tree("public");
        if std::env::var_os("BLESS").is_some() {
            let _ = std::fs::remove_dir_all(&expected_dir);
            copy_tree(&self.root.join("public"), &expected_dir);
            return;
        }
        let expected = read_tree(&expected_dir);
        assert_eq!(
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "file lists differ"
        );
        for (path, text) in &expected {
            assert_eq!(
                &actual[path], text,
                "{path} differs; run with BLESS=1 to accept"
            );
        }
    }
}

impl Run {
    /// Asserts exit 0 and returns self.
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_name() != ".folio-manifest" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut tree = BTreeMap::new();
    if !dir.is_dir() {
        return tree;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        // folio's list of the files it wrote is pinned by tests of its own.
        if entry.file_type().is_file() && entry.file_name() != ".folio-manifest" {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path()).unwrap();
            tree.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    tree
}

/// A small tmpfs mounted for one test, unmounted when dropped.
pub struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    /// Mounts `size` of tmpfs at `dir`, or says why it cannot.
    pub fn mount(dir: &Path, size: &str) -> Result<SmallDisk, String> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Process::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed (root is needed): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(SmallDisk {
            dir: dir.to_path_buf(),
        })
    }

    /// Bytes free on the disk.
    pub fn free_bytes(&self) -> u64 {
        let out = Process::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&self.dir)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg(&self.dir).status();
    }
}
