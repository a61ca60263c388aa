//! `Idempotency-Key` values: any text a header can hold is a key of 1-255 printable ASCII
//! characters or a reason it is not - never a panic.
#![no_main]

use chat_pickup::chat::idempotency::{IdempotencyKey, MAX_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = IdempotencyKey::parse(text) {
        let key = key.as_str();
        assert!(!key.is_empty() && key.len() <= MAX_LEN);
        assert!(key.bytes().all(|byte| (b' '..=b'~').contains(&byte)));
    }
});
