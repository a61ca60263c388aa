//! `$select` lists (possibly several parameters) against the entity's properties.
#![no_main]

use chat_pickup::entity::CHAT_SESSION_ENTITY;
use chat_pickup::http::select::Selection;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &str| {
    let lists = value.split('&');
    if let Ok(selection) = Selection::parse(lists, &CHAT_SESSION_ENTITY) {
        let _ = selection.includes("ChatSessionId");
    }
});
