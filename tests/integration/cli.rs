//! The commands a new user meets first: init, new, help, version, output
//! habits (quiet, verbose, colour) and the deploy files' build commands.

use std::path::Path;
use std::process::Command;

use crate::support::Fixture;

#[test]
fn init_then_build_gives_a_site_with_no_broken_links() {
    let site = Fixture::empty("init");
    let run = site.run(["init", "my-site"]).success();
    assert!(
        run.stdout.contains("created a site in my-site"),
        "{}",
        run.stdout
    );
    let dir = site.root.join("my-site");
    assert!(dir.join("folio.yaml").is_file());
    assert!(dir.join("themes/slate/templates/base.html").is_file());
    // What folio makes stays out of version control.
    let ignored = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    for line in ["/public/", "/.public.folio-*", "/.folio-cache/"] {
        assert!(ignored.lines().any(|l| l == line), "{line} in {ignored}");
    }
    let inside = Fixture::at(&dir);
    inside.run(["build"]).success();
    inside.run(["check"]).success();
    inside
        .run(["check", "--base-url", "https://me.github.io/blog/"])
        .success();
    assert!(dir.join("public/index.html").is_file());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_never_overwrites() {
    let site = Fixture::empty("init_refuses");
    site.write("notes.txt", "mine");
    let run = site.run(["init", "."]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(": folder is not empty\n"),
        "{}",
        run.stderr
    );
    assert!(!site.root.join("folio.yaml").exists());
    site.write("folio.yaml", "title: Mine\n");
    let run = site.run(["init", ".", "--force"]).success();
    assert!(
        run.stdout.contains("1 existing files kept"),
        "{}",
        run.stdout
    );
    assert_eq!(site.read("folio.yaml"), "title: Mine\n");
    assert_eq!(site.read("notes.txt"), "mine");
}

#[test]
fn new_writes_a_draft_and_refuses_to_overwrite() {
    let site = Fixture::new("minimal");
    let run = site
        .run(["new", "content/posts/2024-05-01-hello-world.md"])
        .success();
    assert!(
        run.stdout
            .starts_with("created content/posts/2024-05-01-hello-world.md"),
        "{}",
        run.stdout
    );
    let page = site.read("content/posts/2024-05-01-hello-world.md");
    assert!(
        page.starts_with("---\ntitle: Hello world\ndate: 20"),
        "{page}"
    );
    assert!(page.contains("\ndraft: true\n---\n"), "{page}");
    let run = site.run(["new", "content/posts/2024-05-01-hello-world.md"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: content/posts/2024-05-01-hello-world.md: file exists already\n  help: pick another name; folio never overwrites a page\n"
    );
    assert_eq!(site.run(["new", "elsewhere.md"]).code, 1);
    site.run(["build"]).success();
    assert!(
        !site.root.join("public/posts/hello-world").exists(),
        "the draft is left out"
    );
}

#[test]
fn new_takes_the_title_from_a_bundle_folder_and_the_date_from_the_name() {
    // Issue #27: `index.md` was titled "Index", and a dated name got today's date.
    let site = Fixture::new("minimal");
    site.run(["new", "content/posts/x/index.md"]).success();
    let page = site.read("content/posts/x/index.md");
    assert!(page.starts_with("---\ntitle: X\ndate: "), "{page}");
    site.run(["new", "content/posts/2024-05-01-launch.md"])
        .success();
    assert_eq!(
        site.read("content/posts/2024-05-01-launch.md"),
        "---\ntitle: Launch\ndate: 2024-05-01\ndraft: true\n---\n\n"
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    let site = Fixture::empty("help");
    for command in ["build", "check", "serve", "init", "new"] {
        let run = site.run([command, "--help"]).success();
        assert!(
            run.stdout.contains("Example:\n  folio "),
            "{command}: {}",
            run.stdout
        );
    }
    let version = site.run(["--version"]).success();
    assert_eq!(
        version.stdout,
        format!("folio {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn quiet_says_nothing_on_success_and_verbose_says_more() {
    let site = Fixture::new("minimal");
    // The first build, which renders: a later one may find nothing changed.
    let verbose = site.run(["build", "--verbose"]).success();
    assert!(
        verbose.stdout.contains("\n  render and write "),
        "{}",
        verbose.stdout
    );
    assert!(verbose.stdout.contains(" written, "), "{}", verbose.stdout);
    let quiet = site.run(["build", "--quiet"]).success();
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    let normal = site.run(["build"]).success();
    assert_eq!(normal.stderr, "", "no progress line on a short build");
}

/// Runs folio under a pseudo-terminal (util-linux `script`), so colour is possible.
fn run_in_terminal(site: &Fixture, args: &str, no_color: bool) -> String {
    let binary = assert_cmd::cargo::cargo_bin("folio");
    let mut command = Command::new("script");
    command
        .args(["-qec", &format!("{} {args}", binary.display()), "/dev/null"])
        .current_dir(&site.root)
        .env_remove("NO_COLOR");
    if no_color {
        command.env("NO_COLOR", "1");
    }
    let output = command.output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed, so no terminal can be faked");
        return;
    }
    let site = Fixture::new("minimal");
    site.write("content/bad.md", "---\ndate: soon\n---\n");
    let coloured = run_in_terminal(&site, "build", false);
    assert!(coloured.contains("\x1b[1;31merror:\x1b[0m"), "{coloured:?}");
    let plain = run_in_terminal(&site, "build", true);
    assert!(
        plain.contains("error: content/bad.md:2:7:") && !plain.contains('\x1b'),
        "{plain:?}"
    );
    let piped = site.run(["build"]);
    assert!(!piped.stderr.contains('\x1b'));
}

/// The deploy files' build commands, with `cargo run --release --` replaced
/// by the binary under test, run against a copy of the portfolio.
fn run_deploy_command(command: &str, env: &[(&str, &str)]) -> Fixture {
    let site = Fixture::empty("deploy");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for item in ["folio.yaml", "content", "themes"] {
        let status = Command::new("cp")
            .args(["-r"])
            .arg(repo.join(item))
            .arg(&site.root)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let binary = assert_cmd::cargo::cargo_bin("folio");
    let command = command.replace("cargo run --release --", &binary.display().to_string());
    let output = Command::new("sh")
        .args(["-c", &command])
        .current_dir(&site.root)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    site
}

#[test]
fn the_pages_workflow_builds_under_the_pages_sub_path() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/pages.yml"),
    )
    .unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("main"));
    assert_eq!(workflow["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(workflow["permissions"]["id-token"].as_str(), Some("write"));
    let steps = |job: &str| {
        workflow["jobs"][job]["steps"]
            .as_sequence()
            .unwrap()
            .clone()
    };
    let uses: Vec<String> = steps("build")
        .iter()
        .chain(steps("deploy").iter())
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect();
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "Swatinem/rust-cache@",
    ] {
        assert!(
            uses.iter().any(|u| u.starts_with(action)),
            "{action} missing from {uses:?}"
        );
    }
    // Issue #27: the site is checked before anything is published.
    let runs: Vec<String> = steps("build")
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        runs.first().map(String::as_str),
        Some("cargo run --release -- check")
    );
    let build = runs.iter().find(|r| r.contains(" build ")).unwrap().clone();
    assert!(
        build.contains("${{ steps.pages.outputs.base_url }}"),
        "{build}"
    );
    let command = build.replace(
        "${{ steps.pages.outputs.base_url }}",
        "https://me.github.io/portfolio",
    );
    let site = run_deploy_command(&command, &[]);
    let home = site.read("public/index.html");
    assert!(
        home.contains("href=\"/portfolio/projects/"),
        "links under the sub-path"
    );
    Fixture::at(&site.root)
        .run(["check", "--base-url", "https://me.github.io/portfolio/"])
        .success();
}

#[test]
fn netlify_builds_production_and_previews_at_their_own_urls() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml"))
        .unwrap();
    let commands: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("command = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert_eq!(commands.len(), 3, "{text}");
    assert!(text.contains("publish = \"public\""));
    assert!(text.contains("[context.deploy-preview]"));
    // Issue #27: checked before it is published, and not compiled from
    // scratch on every deploy.
    for command in &commands {
        assert!(
            command.starts_with("cargo run --release -- check && "),
            "{command}"
        );
    }
    assert!(
        text.contains("package = \"netlify-plugin-cache\""),
        "{text}"
    );
    assert!(
        text.contains("paths = [\"target\", \".folio-cache\"]"),
        "{text}"
    );
    let production = run_deploy_command(commands[0], &[("URL", "https://folio-me.netlify.app")]);
    assert!(
        production
            .read("public/sitemap.xml")
            .contains("<loc>https://folio-me.netlify.app/projects/")
    );
    let preview = run_deploy_command(
        commands[1],
        &[(
            "DEPLOY_PRIME_URL",
            "https://deploy-preview-7--folio-me.netlify.app",
        )],
    );
    assert!(
        preview
            .read("public/index.html")
            .contains("https://deploy-preview-7--folio-me.netlify.app/")
    );
}

#[test]
fn deny_warnings_fails_a_build_that_warns_and_writes_nothing() {
    let site = Fixture::new("minimal");
    site.write("content/post.md", "---\ntitle: Post\ntitel: Typo\n---\n");
    let run = site.run(["build"]).success();
    assert!(run.stdout.ends_with("; 1 warning\n"), "{}", run.stdout);
    std::fs::remove_dir_all(site.root.join("public")).unwrap();
    let run = site.run(["build", "--deny-warnings"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: 1 warning and `--deny-warnings`: nothing was written\n  \
         help: fix what each warning says, or build without `--deny-warnings`\n\
         warning: content/post.md:3:1: unknown key `titel` is kept under `extra`\n  help: did you mean `title`?\n"
    );
    assert!(!site.root.join("public").exists());
}

#[test]
fn template_metrics_time_each_template_and_point_at_site_wide_walks() {
    let site = Fixture::new("minimal");
    site.write(
        "templates/page.html",
        "{{ page.title }}\n<ul>{% for p in site.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>",
    );
    site.write("content/posts/second.md", "---\ntitle: Second\n---\n");
    let run = site.run(["build", "--template-metrics"]).success();
    assert!(
        run.stdout.contains(" renders ") && run.stdout.contains("  page.html\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nhint: templates/page.html:2:17: `site.pages` holds the whole site and is read on each of 2 renders"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_default_theme_passes_template_metrics_clean() {
    let site = Fixture::empty("metrics_slate");
    site.run(["init", "."]).success();
    let run = site.run(["build", "--template-metrics"]).success();
    assert!(
        run.stdout
            .ends_with("no template walks the whole site on every render\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn init_s_sample_post_shows_every_feature_with_the_default_theme() {
    // #15: a blog in the default theme, every Markdown feature, highlighted
    // code and each of slate's shortcodes in one post.
    let site = Fixture::empty("init_sample_post");
    site.run(["init", "."]).success();
    let run = site.run(["build"]).success();
    // A build that takes over a second says "building…" first: a matter of
    // the clock, not of the sample.
    assert_eq!(run.stderr.replace("building…\n", ""), "");
    let post = site.read("public/posts/writing-with-folio/index.html");
    for piece in [
        "<p class=\"eyebrow\"><a href=\"/posts/\"><span aria-hidden=\"true\">← </span>All posts</a></p>",
        "<time datetime=\"2024-04-12\">April 2024</time>",
        "min read</span>",
        "<ul class=\"chips\" aria-label=\"Tags\"><li><a href=\"/tags/writing/\">Writing</a></li>",
        "<h2 id=\"text\"><a class=\"heading-link\" href=\"#text\">Text</a></h2>",
        "<blockquote>",
        "<kbd>Ctrl</kbd>",
        "<del>struck through</del>",
        "type=\"checkbox\"",
        "<table>",
        "<hr />",
        "<figure class=\"code\"><figcaption>src/main.rs</figcaption><pre class=\"giallo",
        "<a href=\"#fnref-source\">1</a>",
        "<figure class=\"figure\">\n<img src=\"diagram.svg\"",
        "<aside class=\"callout callout-note\">",
        "<aside class=\"callout callout-warning\">",
        "<details class=\"details\">",
        "href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"",
        "href=\"https://vimeo.com/76979871\"",
        "<a href=\"/posts/\" aria-current=\"true\">Writing</a>",
    ] {
        assert!(post.contains(piece), "no {piece:?} in the post:\n{post}");
    }
    assert!(!post.contains("{{") && !post.contains("{%"), "{post}");
    assert!(
        site.root
            .join("public/posts/writing-with-folio/diagram.svg")
            .is_file()
    );
    let list = site.read("public/posts/index.html");
    for piece in [
        "<a href=\"/posts/writing-with-folio/\">Writing with folio</a>",
        "<a href=\"/atom.xml\" type=\"application/atom+xml\">Subscribe with the Atom feed</a>",
        "<a href=\"/posts/\" aria-current=\"page\">Writing</a>",
    ] {
        assert!(list.contains(piece), "no {piece:?} in the list:\n{list}");
    }
}
