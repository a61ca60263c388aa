//! `SO-TimeZone` and `SO-Browser-TZ-Offset`; a zone found is also printed in.
#![no_main]

use chat_pickup::locale::{Zone, ZoneRequest};
use chat_pickup::time::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &str| {
    let _ = ZoneRequest::parse(value);
    let now = Timestamp::now();
    if let Ok(zone) = Zone::from_browser_offset(value) {
        let _ = zone.render(now, true);
    }
    if let Some(zone) = Zone::from_iana(value) {
        let _ = zone.render(now, false);
    }
});
