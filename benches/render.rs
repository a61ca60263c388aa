//! Rendering one full entity, raw and translated.
//!
//! `cargo bench --bench render`

mod common;

use chat_pickup::chat::Actor;
use chat_pickup::chat::queue::Which;
use chat_pickup::entity::CHAT_SESSION_ENTITY;
use chat_pickup::http::negotiate::Format;
use chat_pickup::http::render::View;
use chat_pickup::http::{render, select};
use chat_pickup::locale::{Culture, Language, Localizer, Zone};
use chat_pickup::store::Store;
use chat_pickup::store::sqlite::Synchronous;
use chat_pickup::time::Timestamp;
use common::{Bench, database};
use criterion::{Criterion, criterion_group, criterion_main};

/// Rendering raw (no language, UTC) against rendering translated (Norwegian, Oslo time with
/// offsets, every string through the localizer): the cost of localization is their ratio.
fn render(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let Bench { store, agent, .. } = database(dir.path(), 10, Synchronous::Normal);
    let picked = store
        .pickup(Actor::new(&agent, Timestamp::now()), Which::First)
        .unwrap()
        .taken()
        .unwrap();
    let session = Some(&picked.session);
    let norwegian = Language::from_prefix("NO").unwrap();
    let oslo = Zone::from_iana("Europe/Oslo").unwrap();
    let translated = Localizer::new(oslo, true).translating(
        norwegian,
        Culture::default_for(norwegian),
        store.resources(norwegian).unwrap(),
    );
    let views = [("raw", &Localizer::RAW), ("norwegian", &translated)];
    for (name, localizer) in views {
        let view = View {
            selection: &select::ALL,
            localizer,
        };
        c.bench_function(&format!("render/json/{name}"), |b| {
            b.iter(|| render::entity(Format::JSON, &CHAT_SESSION_ENTITY, session, view))
        });
        c.bench_function(&format!("render/xml/{name}"), |b| {
            b.iter(|| {
                render::entity(
                    Format::Xml("application/xml"),
                    &CHAT_SESSION_ENTITY,
                    session,
                    view,
                )
            })
        });
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
