//! The shape of `src/`: modules import only modules above them in
//! `lib.rs`'s pipeline order, and no two modules import each other, even
//! through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of the library, by path (`render::functions`), with the
/// text of its file outside its tests.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let Some(stem) = rel.strip_suffix(".rs") else {
            continue;
        };
        if stem == "lib" || stem == "main" || stem.ends_with("/mod") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = match text.find("#[cfg(test)]") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        modules.insert(stem.replace('/', "::"), code);
    }
    modules
}

/// The paths of every `use` in `code`, braces spread out: `use a::{b, c::d}`
/// gives `a::b` and `a::c::d`.
fn use_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut statement: Option<String> = None;
    for line in code.lines() {
        let line = line.trim();
        if statement.is_none() {
            let start = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|p| line.strip_prefix(p));
            statement = start.map(|_| String::new());
        }
        let Some(text) = statement.as_mut() else {
            continue;
        };
        text.push_str(line);
        if let Some(end) = text.find(';') {
            let start = text.find("use ").unwrap() + 4;
            let tree: String = text[start..end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            expand("", &tree, &mut paths);
            statement = None;
        }
    }
    paths
}

fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    match tree.find('{') {
        None => {
            for part in tree.split(',').filter(|p| !p.is_empty()) {
                out.push(format!("{prefix}{part}"));
            }
        }
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&format!("{prefix}{head}"), &inner[start..], out);
        }
    }
}

/// The module a `use` path in `module` names, if it is one of ours.
fn target(module: &str, path: &str, known: &BTreeMap<String, String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    let (base, rest): (Vec<&str>, &[&str]) = match parts[0] {
        "crate" => (Vec::new(), &parts[1..]),
        "super" => {
            let mut base: Vec<&str> = module.split("::").collect();
            base.pop();
            (base, &parts[1..])
        }
        "self" => (module.split("::").collect(), &parts[1..]),
        first if known.contains_key(&format!("{module}::{first}")) => {
            (module.split("::").collect(), &parts[..])
        }
        _ => return None,
    };
    let mut best = (!base.is_empty()).then(|| base.join("::"));
    let mut path = base.clone();
    for part in rest {
        path.push(part);
        let name = path.join("::");
        if known.contains_key(&name) {
            best = Some(name);
        } else {
            break;
        }
    }
    best.filter(|b| b != module)
}

/// The top-level modules in `lib.rs`'s order.
fn pipeline() -> Vec<String> {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    known
        .iter()
        .map(|(module, code)| {
            let targets = use_paths(code)
                .iter()
                .filter_map(|p| target(module, p, &known))
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

#[test]
fn modules_import_only_modules_listed_above_them_in_lib_rs() {
    let order = pipeline();
    let rank = |m: &str| {
        let top = m.split("::").next().unwrap();
        order
            .iter()
            .position(|o| o == top)
            .unwrap_or_else(|| panic!("{top} is not in lib.rs"))
    };
    let mut wrong = Vec::new();
    for (module, targets) in imports() {
        for target in targets {
            if rank(&target) > rank(&module) {
                wrong.push(format!("{module} imports {target}, listed after it"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_module_imports_itself_through_others() {
    let graph = imports();
    let mut cycles = Vec::new();
    for start in graph.keys() {
        // A walk from `start` that comes back to it is a cycle.
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    let mut cycle = trail.clone();
                    cycle.push(start.clone());
                    cycles.push(cycle.join(" → "));
                } else if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "{cycles:#?}");
}

#[test]
fn use_lines_are_read_with_their_braces() {
    assert_eq!(
        use_paths(
            "use crate::a::{b,\n  c::{d, e}};\nfn f() {\n    use super::g;\n}\n// use the x;\n"
        ),
        vec![
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c::e",
            "super::g"
        ]
    );
}
