//! `Authorization` to typed credentials: Basic's base64 and UTF-8, schemes in any case.
#![no_main]

use chat_pickup::auth::credentials::Credentials;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|header: &str| {
    if let Ok(credentials) = Credentials::parse(header, |_| true) {
        let _ = credentials.scheme();
    }
});
