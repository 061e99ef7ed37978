//! Sites written for Zola, Hugo and Jekyll build as written (issue #12):
//! what folio reads works, and what it does not is a located warning.

use crate::support::Fixture;

#[test]
fn a_zola_site_builds_with_its_toml_front_matter() {
    // TOML between `+++` lines, blank lines and a byte order mark before the
    // fence, `[taxonomies]` and `[extra]` tables.
    let site = Fixture::new("zola_site");
    let run = site.run(["build"]).success();
    assert_eq!(run.stderr, "");
    site.assert_matches_expected();
}
