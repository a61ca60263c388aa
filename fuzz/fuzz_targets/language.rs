//! `SO-Language`, `Accept-Language` and `SO-Culture`: a language or a 400, never a panic.
#![no_main]

use chat_pickup::locale::Culture;
use chat_pickup::locale::language::{parse_accept_language, parse_so_language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &str| {
    let _ = parse_so_language(value);
    let _ = parse_accept_language(value);
    if let Ok(Some(culture)) = Culture::from_header(value) {
        let _ = culture.tag();
    }
});
