//! The performance budget: a pickup at queue depths of 1,000, 100,000 and 1,000,000 waiting
//! sessions, measured three ways on the same database file -
//!
//! - (a) `bare`: the pickup's statements in plain SQL through rusqlite, one transaction - the
//!   physical limit;
//! - (b) `store`: the store's pickup (free Rank, welcome message, the entity loaded);
//! - (c) `handler`: the whole handler, from a real HTTP API v2 event to response bytes, JSON
//!   and XML, with a cached Basic credential -
//!
//! with `synchronous` FULL and NORMAL, then prints the ratios (b)/(a) and (c)/(a) of the
//! medians. `store-active` varies how many active sessions the picking agent already has.
//! Every measured pickup is undone outside the timing, so the depth stays fixed.
//!
//! `cargo bench --bench budget` (the million-row databases take a minute to build).

use std::sync::Arc;
use std::time::Duration;

mod common;

use chat_pickup::chat::Actor;
use chat_pickup::chat::queue::Which;
use chat_pickup::http::App;
use chat_pickup::store::Store;
use chat_pickup::store::sqlite::{SqliteStores, Synchronous};
use chat_pickup::time::Timestamp;
use common::{Bench, bare_pickup, database, timed};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rusqlite::Connection;
use test_support::http::session_of;

const DEPTHS: [usize; 3] = [1_000, 100_000, 1_000_000];
const SYNCS: [Synchronous; 2] = [Synchronous::Full, Synchronous::Normal];

/// (b) The store's pickup; the session it took.
fn store_pickup(bench: &Bench) -> i64 {
    let picked = bench
        .store
        .pickup(Actor::new(&bench.agent, Timestamp::now()), Which::First)
        .unwrap()
        .taken();
    picked.expect("a session waiting").session_id
}

fn connection_like(bench: &Bench) -> Connection {
    let connection = Connection::open(&bench.path).unwrap();
    connection.busy_timeout(Duration::from_secs(5)).unwrap();
    let synchronous = match bench.options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    connection
        .pragma_update(None, "synchronous", synchronous)
        .unwrap();
    connection
}

/// (c) A real HTTP API v2 event asking for `accept`, with Basic credentials.
fn event(accept: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lambda_http/apigw_v2_proxy_request.json"
    );
    let mut event: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    event["rawPath"] = "/api/v1/ChatSession/Pickup".into();
    event["requestContext"]["http"]["path"] = event["rawPath"].clone();
    event["headers"]["authorization"] = test_support::credentials::agent("tje0").into();
    event["headers"]["accept"] = accept.into();
    event.to_string()
}

fn budget(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("budget");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for synchronous in SYNCS {
        for depth in DEPTHS {
            let bench = database(dir.path(), depth, synchronous);
            let id = |kind: &str| BenchmarkId::new(format!("{kind}-{synchronous:?}"), depth);
            let mut bare = connection_like(&bench);
            let agent = bench.agent.associate_id;
            group.bench_function(id("bare"), |b| {
                b.iter_custom(|n| timed(&bench.store, n, || bare_pickup(&mut bare, agent)))
            });
            group.bench_function(id("store"), |b| {
                b.iter_custom(|n| timed(&bench.store, n, || store_pickup(&bench)))
            });
            let stores = SqliteStores::new(bench.path.clone(), None, bench.options.clone());
            let app = Arc::new(App::new(Arc::new(stores)));
            for (format, accept) in [("json", "application/json"), ("xml", "application/xml")] {
                let event = event(accept);
                group.bench_function(id(&format!("handler-{format}")), |b| {
                    b.iter_custom(|n| {
                        timed(&bench.store, n, || {
                            let request = lambda_http::request::from_str(&event).unwrap();
                            let response = runtime.block_on(app.handle(request));
                            assert_eq!(response.status(), 200);
                            let body = response.body().to_vec();
                            session_of(&body)
                        })
                    })
                });
            }
        }
    }
    group.finish();
    report();
}

/// The agent with 1, 10 and 1,000 active sessions already: the free-Rank search must not
/// make a busy agent slow.
fn active_sessions(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("budget");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for active in [1, 10, 1_000] {
        let bench = database(dir.path(), 1_000 + active, Synchronous::Normal);
        for _ in 0..active {
            store_pickup(&bench);
        }
        group.bench_function(BenchmarkId::new("store-active", active), |b| {
            b.iter_custom(|n| timed(&bench.store, n, || store_pickup(&bench)))
        });
    }
    group.finish();
}

/// Criterion's median for `budget/{function}/{depth}`, in microseconds.
fn median(function: &str, depth: usize) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let path = format!("{target}/criterion/budget/{function}/{depth}/new/estimates.json");
    let estimates: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(estimates["median"]["point_estimate"].as_f64()? / 1_000.0)
}

fn report() {
    println!("\nmedians (us) and ratios to the bare transaction:");
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>11} {:>11} {:>7} {:>7} {:>7}",
        "sync", "depth", "bare", "store", "handler-js", "handler-xml", "b/a", "cJ/a", "cX/a"
    );
    for synchronous in SYNCS {
        for depth in DEPTHS {
            let get = |kind: &str| median(&format!("{kind}-{synchronous:?}"), depth);
            let (Some(a), Some(b), Some(cj), Some(cx)) = (
                get("bare"),
                get("store"),
                get("handler-json"),
                get("handler-xml"),
            ) else {
                continue;
            };
            println!(
                "{:<8} {depth:>9} {a:>9.1} {b:>9.1} {cj:>11.1} {cx:>11.1} {:>7.2} {:>7.2} {:>7.2}",
                format!("{synchronous:?}"),
                b / a,
                cj / a,
                cx / a
            );
        }
    }
}

criterion_group!(benches, budget, active_sessions);
criterion_main!(benches);
