//! The one content fingerprint folio uses: in the `?v=` of asset URLs, to
//! tell a page's body edit from a front-matter edit, and to skip output
//! files whose bytes did not change.
//!
//! FNV-1a, 64 bits: it stays the same across Rust releases (std's hasher
//! may not), so asset URLs only change when the asset does.

/// Returns the fingerprint of `bytes`.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_fnv_1a() {
        assert_eq!(fingerprint(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fingerprint(b"ab"), fingerprint(b"ba"));
    }
}
