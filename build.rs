//! Embeds the default theme and the `folio init` sample site in the binary,
//! so `folio init` works without the repository at hand.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for (name, dir) in [("THEME", "themes/slate"), ("SAMPLE", "init/site")] {
        let root = Path::new(&manifest).join(dir);
        println!("cargo::rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        files.sort();
        writeln!(
            code,
            "/// Files of `{dir}`: path relative to it, and bytes."
        )
        .ok();
        writeln!(code, "pub const {name}: &[(&str, &[u8])] = &[").ok();
        for rel in files {
            let full = root.join(&rel);
            // folio serves the theme's files as text when a site names none;
            // the fonts social cards are drawn with are the one exception.
            if name == "THEME" && !rel.starts_with("fonts/") {
                let bytes = std::fs::read(&full).expect("the theme's files are readable");
                assert!(
                    std::str::from_utf8(&bytes).is_ok(),
                    "{rel}: the default theme's files must be UTF-8 text"
                );
            }
            writeln!(
                code,
                "    ({rel:?}, include_bytes!({:?})),",
                full.display().to_string()
            )
            .ok();
            println!("cargo::rerun-if-changed={}", full.display());
        }
        writeln!(code, "];").ok();
    }
    std::fs::write(Path::new(&out).join("embedded.rs"), code).expect("OUT_DIR is writable");
    giallo_version(Path::new(&manifest));
}

/// Hands the giallo version of `Cargo.lock` to the code: highlighted code
/// kept in the build cache is only good for the giallo that made it.
fn giallo_version(manifest: &Path) {
    let lock = manifest.join("Cargo.lock");
    println!("cargo::rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let version = text
        .split("[[package]]")
        .find(|package| package.contains("\nname = \"giallo\"\n"))
        .and_then(|package| package.lines().find_map(|l| l.strip_prefix("version = ")))
        .map_or("unknown", |v| v.trim_matches('"'));
    println!("cargo::rustc-env=FOLIO_GIALLO_VERSION={version}");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
