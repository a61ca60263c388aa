//! Random bytes from the operating system, for salts, session keys, request ids and the
//! webhook events' ids.

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

/// A random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`: 122 random bits with
/// the version and variant bits set (RFC 9562).
pub fn uuid() -> String {
    let mut bytes = bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_uuid_is_version_4_of_the_rfc_variant() {
        let uuid = super::uuid();
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
        assert_ne!(uuid, super::uuid());
    }

    #[test]
    fn hex_is_twice_as_long_and_varies() {
        let first = super::hex::<16>();
        assert_eq!(first.len(), 32);
        assert_ne!(first, super::hex::<16>());
    }
}
