//! `Accept` to a format: any bytes a header can hold either negotiate or are refused.
#![no_main]

use http::{HeaderMap, HeaderValue, header::ACCEPT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, value);
    if let Ok(format) = chat_pickup::http::negotiate::negotiate(&headers) {
        let _ = format.content_type();
    }
    let _ = chat_pickup::http::negotiate::fallback(&headers);
});
