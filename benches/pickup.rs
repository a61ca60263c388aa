//! Pickup latency against a real database file, with a short and a long queue: the queue
//! index should make both cost the same. Each measured pickup is undone (outside the timing)
//! so the queue length stays fixed.
//!
//! `cargo bench --bench pickup`

use std::time::{Duration, Instant};

use chat_pickup::auth::password;
use chat_pickup::locale::{Culture, Language, Localizer, Zone};
use chat_pickup::negotiate::Format;
use chat_pickup::render::View;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use chat_pickup::store::{Agent, Store};
use chat_pickup::time::Timestamp;
use chat_pickup::{render, select};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A database with `queued` sessions waiting in "Sales" (and as many closed ones), and the
/// agent that may pick them.
fn database(
    dir: &std::path::Path,
    queued: usize,
    synchronous: Synchronous,
) -> (SqliteStore, Agent) {
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::create(
        &dir.join(format!("bench-{queued}-{synchronous:?}.db")),
        &options,
    )
    .unwrap();
    let id = store
        .add_associate("tje0", "Thomas Jensen", &password::hash("Tje0"))
        .unwrap();
    store.add_topic("Sales", "Hi!", None).unwrap();
    store.add_topic("Support", "Hei!", None).unwrap();
    let rights = chat_pickup::store::sqlite::admin::Rights {
        respond: true,
        ..Default::default()
    };
    store.add_member("tje0", "Sales", rights).unwrap();
    store.add_member("tje0", "Support", rights).unwrap();
    store
        .connection()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO chat_session (topic_id, name, status, when_requested) \
             SELECT 1 + i % 2, 'customer ' || i, CASE WHEN i % 2 = 0 THEN 4 ELSE 9 END, \
                    strftime('%Y-%m-%d %H:%M:%f000', 'now', '-' || i || ' seconds') FROM n",
            [queued * 2],
        )
        .unwrap();
    store.connection().execute_batch("ANALYZE").unwrap();
    (
        store,
        Agent {
            associate_id: id,
            name: "tje0".into(),
            display_name: "Thomas Jensen".into(),
        },
    )
}

fn undo(store: &SqliteStore, session: i64) {
    let connection = store.connection();
    connection
        .execute("DELETE FROM chat_message WHERE session_id = ?1", [session])
        .unwrap();
    connection
        .execute(
            "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0 WHERE id = ?1",
            [session],
        )
        .unwrap();
}

fn pickup(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("pickup");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    for synchronous in [Synchronous::Normal, Synchronous::Full] {
        for queued in [10, 100_000] {
            let (store, agent) = database(dir.path(), queued, synchronous);
            let id = BenchmarkId::new(format!("{synchronous:?}"), format!("queue={queued}"));
            group.bench_function(id, |b| {
                b.iter_custom(|iterations| {
                    let mut spent = Duration::ZERO;
                    for _ in 0..iterations {
                        let start = Instant::now();
                        let picked = store
                            .pickup(&agent, Timestamp::now())
                            .unwrap()
                            .expect("a session");
                        spent += start.elapsed();
                        undo(&store, picked.session_id);
                    }
                    spent
                })
            });
        }
    }
    group.finish();
}

/// Rendering raw (no language, UTC) against rendering translated (Norwegian, Oslo time with
/// offsets, every string through the localizer): the cost of localization is their ratio.
fn render(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (store, agent) = database(dir.path(), 10, Synchronous::Normal);
    let picked = store.pickup(&agent, Timestamp::now()).unwrap().unwrap();
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
            b.iter(|| render::entity(Format::JSON, session, view))
        });
        c.bench_function(&format!("render/xml/{name}"), |b| {
            b.iter(|| render::entity(Format::Xml("application/xml"), session, view))
        });
    }
}

criterion_group!(benches, pickup, render);
criterion_main!(benches);
