//! Basic authentication's cost: a first verification (argon2id) against a cached one, and
//! an unknown user against a wrong password - which must cost the same, or the response time
//! would tell an attacker which login names exist.
//!
//! Each call comes from an address of its own, so the refusals are verified, not
//! throttled.
//!
//! `cargo bench --bench auth`

use std::time::{Duration, Instant};

use chat_pickup::auth::password;
use chat_pickup::auth::{AuthConfig, Authenticator, Caller};
use chat_pickup::store::admin::Admin;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::HeaderMap;
use http::header::AUTHORIZATION;

fn basic_header(user: &str, secret: &str) -> HeaderMap {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, format!("Basic {encoded}").parse().unwrap());
    headers
}

/// A caller at an address no other call used.
fn fresh_caller() -> Caller<'static> {
    Caller {
        tenant: None,
        source: Some(test_support::http::fresh_source()),
    }
}

fn basic(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::create(&dir.path().join("auth.db"), &SqliteOptions::default()).unwrap();
    store
        .add_associate("tje0", "Thomas Jensen", &password::hash("Tje0"))
        .unwrap();
    let right = basic_header("tje0", "Tje0");
    let wrong = basic_header("tje0", "wrong");
    let unknown = basic_header("nobody", "Tje0");
    let now = Timestamp::now();

    let mut group = c.benchmark_group("basic");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("first verification", |b| {
        b.iter_batched(
            || Authenticator::new(AuthConfig::default()),
            |auth| {
                auth.authenticate(&right, &store, now, fresh_caller())
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    let warm = Authenticator::new(AuthConfig::default());
    warm.authenticate(&right, &store, now, fresh_caller())
        .unwrap();
    group.bench_function("cached verification", |b| {
        b.iter(|| {
            warm.authenticate(&right, &store, now, fresh_caller())
                .unwrap()
        })
    });
    // The two refusals interleaved, each timing only its own calls, so that drifts of a
    // shared machine's speed fall on both alike.
    for (name, timed, other) in [
        ("wrong password", &wrong, &unknown),
        ("unknown user", &unknown, &wrong),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let start = Instant::now();
                    warm.authenticate(timed, &store, now, fresh_caller())
                        .unwrap_err();
                    spent += start.elapsed();
                    warm.authenticate(other, &store, now, fresh_caller())
                        .unwrap_err();
                }
                spent
            })
        });
    }
    group.finish();
}

criterion_group!(benches, basic);
criterion_main!(benches);
