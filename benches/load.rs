//! HTTP load against the local server: 1, 4 and 16 concurrent keep-alive clients (hyper's
//! client, one connection each) picking up for many agents with cached Basic credentials,
//! beside the bare pickup transaction measured in the same run on an identical database.
//!
//! Prints pickups/s, p50, p99, p99.9 and max latency, the fewest and most pickups any one
//! client made (a starved client shows there), and the ratio to the bare-SQL rate. Every
//! session handed out is checked to be handed out once.
//!
//! ```sh
//! cargo bench --bench load                      # FULL and NORMAL, 5 s per level
//! cargo bench --bench load -- --seconds 10 --sync normal --clients 16
//! cargo bench --bench load -- --journal delete   # the rollback journal, as on EFS
//! ```

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{Admin, Rights};
use chat_pickup::store::sqlite::{Journal, SqliteOptions, SqliteStores, Synchronous};
use common::client::{Client, Failure, credentials, serve, warm_up};
use common::{Bench, bare_pickup, database_with};
use test_support::credentials::PASSWORD_HASH;
use test_support::http::percentile;

const QUEUE: usize = 200_000;

struct Settings {
    seconds: u64,
    agents: usize,
    clients: Vec<usize>,
    syncs: Vec<Synchronous>,
    /// The rollback journal (as on EFS) instead of WAL.
    journal: Journal,
}

impl Settings {
    fn from_args() -> Result<Self, Failure> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let value = |name: &str| {
            args.iter()
                .position(|arg| arg == name)
                .and_then(|at| args.get(at + 1))
        };
        let syncs = match value("--sync").map(String::as_str) {
            None => vec![Synchronous::Full, Synchronous::Normal],
            Some("full") => vec![Synchronous::Full],
            Some("normal") => vec![Synchronous::Normal],
            Some(other) => return Err(format!("--sync full|normal, not {other}").into()),
        };
        let clients = match value("--clients") {
            None => vec![1, 4, 16],
            Some(list) => list.split(',').map(str::parse).collect::<Result<_, _>>()?,
        };
        let journal = match value("--journal").map(String::as_str) {
            None | Some("wal") => Journal::Wal,
            Some("delete") => Journal::Delete,
            Some(other) => return Err(format!("--journal wal|delete, not {other}").into()),
        };
        Ok(Self {
            journal,
            seconds: value("--seconds").map_or(Ok(5), |s| s.parse())?,
            agents: value("--agents").map_or(Ok(64), |s| s.parse())?,
            clients,
            syncs,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let settings = Settings::from_args()?;
    let dir = tempfile::tempdir()?;
    println!(
        "{:<7} {:>7} {:>10} {:>9} {:>9} {:>9} {:>9} {:>15} {:>10} {:>6}",
        "sync",
        "clients",
        "pickups/s",
        "p50 us",
        "p99 us",
        "p99.9 us",
        "max us",
        "per client",
        "bare/s",
        "ratio"
    );
    for &synchronous in &settings.syncs {
        let bare = bare_rate(&dir.path().join("bare"), &settings, synchronous)?;
        let served = prepare(&dir.path().join("served"), &settings, synchronous)?;
        let stores = SqliteStores::new(served.path.clone(), None, served.options.clone());
        let addr = serve(Arc::new(stores)).await?;
        warm_up(addr, settings.agents).await?;
        let mut seen = HashSet::new();
        for &clients in &settings.clients {
            let run = drive(addr, clients, &settings).await?;
            for session in &run.sessions {
                if !seen.insert(*session) {
                    return Err(format!("session {session} was handed out twice").into());
                }
            }
            run.print(synchronous, clients, bare);
        }
    }
    Ok(())
}

/// A database of [`QUEUE`] waiting sessions and `agents` members of its topic.
fn prepare(dir: &Path, settings: &Settings, synchronous: Synchronous) -> Result<Bench, Failure> {
    std::fs::create_dir_all(dir)?;
    let options = SqliteOptions {
        synchronous,
        journal: settings.journal,
        ..SqliteOptions::default()
    };
    let bench = database_with(dir, QUEUE, options);
    let rights = Rights {
        respond: true,
        ..Rights::default()
    };
    for agent in 1..settings.agents {
        let login = format!("agent{agent}");
        bench.store.add_associate(&login, &login, &PASSWORD_HASH)?;
        bench.store.add_member(&login, "Sales", rights)?;
    }
    Ok(bench)
}

/// The bare transaction's rate: one writer, back to back, rotating over the agents.
fn bare_rate(dir: &Path, settings: &Settings, synchronous: Synchronous) -> Result<f64, Failure> {
    let bench = prepare(dir, settings, synchronous)?;
    let agents: Vec<i64> = bench
        .store
        .connection()
        .prepare("SELECT associate_id FROM associate ORDER BY associate_id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    drop(bench.store);
    let mut connection = rusqlite::Connection::open(&bench.path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.pragma_update(None, "synchronous", format!("{synchronous:?}"))?;
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let start = Instant::now();
    let mut done = 0u64;
    while Instant::now() < deadline {
        bare_pickup(&mut connection, agents[done as usize % agents.len()]);
        done += 1;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
    per_client: Vec<usize>,
    sessions: Vec<i64>,
}

/// `clients` connections picking up back to back for the configured time; client `i` cycles
/// over the agents `i`, `i + clients`, ...
async fn drive(addr: SocketAddr, clients: usize, settings: &Settings) -> Result<Run, Failure> {
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..clients {
        let mine: Vec<String> = (index..settings.agents)
            .step_by(clients)
            .map(credentials)
            .collect();
        let mut client = Client::connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let mut timings = Vec::new();
            let mut sessions = Vec::new();
            while Instant::now() < deadline {
                let began = Instant::now();
                let authorization = &mine[sessions.len() % mine.len()];
                let session = client.pickup(authorization).await?;
                sessions.push(session.ok_or("the queue ran dry")?);
                timings.push(began.elapsed());
            }
            Ok::<_, Failure>((timings, sessions))
        }));
    }
    let mut run = Run {
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        per_client: Vec::new(),
        sessions: Vec::new(),
    };
    for task in tasks {
        let (timings, sessions) = task.await??;
        run.per_client.push(timings.len());
        run.latencies.extend(timings);
        run.sessions.extend(sessions);
    }
    run.elapsed = start.elapsed();
    run.latencies.sort_unstable();
    Ok(run)
}

impl Run {
    fn percentile(&self, fraction: f64) -> f64 {
        percentile(&self.latencies, fraction)
    }

    fn print(&self, synchronous: Synchronous, clients: usize, bare: f64) {
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64();
        let fewest = self.per_client.iter().min().unwrap_or(&0);
        let most = self.per_client.iter().max().unwrap_or(&0);
        println!(
            "{:<7} {clients:>7} {rate:>10.0} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>15} {bare:>10.0} {:>6.2}",
            format!("{synchronous:?}"),
            self.percentile(0.50),
            self.percentile(0.99),
            self.percentile(0.999),
            self.percentile(1.0),
            format!("{fewest}-{most}"),
            rate / bare
        );
    }
}
