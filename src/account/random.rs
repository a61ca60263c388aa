//! Random bytes from the operating system, for salts, session keys and request ids.

/// `n` random bytes. The OS source does not fail on the platforms we run on (Linux
/// `getrandom(2)`); if it ever does, continuing with predictable bytes would be worse than
/// stopping, so this panics and the handler turns that into a 500.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer).expect("the operating system's random source failed");
    buffer
}

/// `N` random bytes as lowercase hex.
pub fn hex<const N: usize>() -> String {
    bytes::<N>()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_twice_as_long_and_varies() {
        let first = super::hex::<16>();
        assert_eq!(first.len(), 32);
        assert_ne!(first, super::hex::<16>());
    }
}
