//! `gen-corpus --pages N [--sections S [--zola] | --posts TAXONOMY] [--seed X] [--languages L] --out DIR`:
//! writes the benchmark corpus (see `corpus.rs`) into `DIR/content/`, as
//! sections of pages (with `--zola`, tags nested under `taxonomies:`), or
//! with `--posts` as one blog section whose tags are terms of `TAXONOMY`.
//! With `--languages L` (2 or more), every file gets a translation in
//! each of `L - 1` other languages, and the `languages:` block the site's
//! `folio.yaml` needs is printed.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut spec = corpus::Spec {
        pages: 100,
        sections: 2,
        seed: 1,
        nested_tags: false,
    };
    let mut out: Option<PathBuf> = None;
    let mut posts: Option<String> = None;
    let mut languages = 1;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--zola" {
            spec.nested_tags = true;
            continue;
        }
        let value = args.next();
        let number = || value.as_deref().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), number()) {
            ("--pages", Some(n)) => spec.pages = n as usize,
            ("--sections", Some(n)) => spec.sections = n as usize,
            ("--seed", Some(n)) => spec.seed = n,
            ("--languages", Some(n)) if n >= 1 => languages = n as usize,
            ("--out", _) if value.is_some() => out = value.map(PathBuf::from),
            ("--posts", _) if value.is_some() => posts = value,
            _ => {
                eprintln!("usage: gen-corpus --pages N [--sections S [--zola] | --posts TAXONOMY] [--seed X] [--languages L] --out DIR");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("gen-corpus: --out DIR is required");
        return ExitCode::from(2);
    };
    let written = match &posts {
        Some(taxonomy) => corpus::write_posts(&spec, taxonomy, &out),
        None => corpus::write(&spec, &out),
    }
    .and_then(|()| match languages {
        1 => Ok(()),
        _ => corpus::translate(&out, languages),
    });
    match written {
        Ok(()) if languages > 1 => {
            print!("{}", corpus::languages_yaml(languages));
            ExitCode::SUCCESS
        }
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
