//! The drain: C concurrent keep-alive HTTP clients empty a queue of N sessions through the
//! local server, on SQLite and on PostgreSQL (a throwaway cluster this program starts, fsync
//! and synchronous_commit on). Every client picks up until it is answered `null`; then every
//! session must have been handed out exactly once, with one welcome message, and no agent
//! may hold one Rank twice.
//!
//! Beside each PostgreSQL run, the bare pickup transaction (`benches/postgres/pickup.pgbench`)
//! drains an identical queue through `pgbench` with the same number of clients: the ratio is
//! the whole handler's cost over the bare SQL.
//!
//! With `--with-keys`, every pickup carries a new `Idempotency-Key` (what keys cost). With
//! `--retry-with-keys`, every pickup carries a new `Idempotency-Key`, and each is sent
//! again with the same key, on a second connection, at a random moment from at once to a
//! millisecond after: the answer was lost, the front end retries. A retry answered 409 (the
//! first still in flight) is sent again until it is answered. Then every key must have been
//! answered with one session (or `null`) by both, and the invariants hold as before.
//!
//! ```sh
//! cargo bench --bench drain                                   # 5,000 sessions; 1, 4, 16 clients
//! cargo bench --bench drain -- --sessions 20000 --clients 16 --backends postgres
//! cargo bench --bench drain -- --clients 16 --with-keys
//! cargo bench --bench drain -- --clients 16 --retry-with-keys
//! ```

mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_pickup::store::Stores;
use chat_pickup::store::postgres::{PgOptions, PgStores};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};
use common::client::{Client, Failure, credentials, serve, warm_up};
use test_support::Cluster;
use test_support::credentials::PASSWORD_HASH;
use test_support::http::{PICKUP, percentile};

const AGENTS: usize = 64;

struct Settings {
    sessions: usize,
    clients: Vec<usize>,
    backends: Vec<String>,
    keys: Keys,
}

/// Whether pickups carry an `Idempotency-Key`, and are sent twice under it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    None,
    Fresh,
    Retried,
}

fn settings() -> Result<Settings, Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
    };
    let list = |name: &str, default: &str| -> Vec<String> {
        value(name)
            .map_or(default, String::as_str)
            .split(',')
            .map(str::to_string)
            .collect()
    };
    Ok(Settings {
        sessions: value("--sessions").map_or(Ok(5_000), |s| s.parse())?,
        clients: list("--clients", "1,4,16")
            .iter()
            .map(|n| n.parse())
            .collect::<Result<_, _>>()?,
        backends: list("--backends", "sqlite,postgres"),
        keys: match (
            args.iter().any(|arg| arg == "--with-keys"),
            args.iter().any(|arg| arg == "--retry-with-keys"),
        ) {
            (_, true) => Keys::Retried,
            (true, false) => Keys::Fresh,
            (false, false) => Keys::None,
        },
    })
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let settings = settings()?;
    let hash: &str = &PASSWORD_HASH;
    let cluster = if settings.backends.iter().any(|b| b == "postgres") {
        Some(Cluster::start(true).ok_or("PostgreSQL is not installed")?)
    } else {
        None
    };
    println!(
        "{:<9} {:>7} {:>8} {:>10} {:>8} {:>8} {:>9} {:>5} {:>6}  {:<10} {:>8} {:>6}",
        "backend",
        "clients",
        "sessions",
        "pickups/s",
        "p50 us",
        "p99 us",
        "max us",
        "dups",
        "missed",
        "invariants",
        "bare/s",
        "ratio"
    );
    for &clients in &settings.clients {
        for backend in &settings.backends {
            let dir = tempfile::tempdir()?;
            let (stores, look, bare) = match (backend.as_str(), &cluster) {
                ("sqlite", _) => {
                    let (stores, look) = sqlite(dir.path(), hash, settings.sessions)?;
                    (stores, look, None)
                }
                ("postgres", Some(cluster)) => {
                    let (stores, look) = postgres(cluster, hash, settings.sessions).await?;
                    let bare = pgbench(cluster, settings.sessions, clients)?;
                    (stores, look, Some(bare))
                }
                (other, _) => return Err(format!("unknown backend {other}").into()),
            };
            let addr = serve(stores).await?;
            warm_up(addr, AGENTS).await?;
            look.release_queue().await?;
            let run = drain(addr, clients, settings.keys).await?;
            let report = look.invariants().await?;
            run.print(backend, clients, settings.sessions, &report, bare);
            if settings.keys == Keys::Retried {
                println!(
                    "          {} keys, each sent twice: {} answers were replays; {} keys named two sessions",
                    run.latencies.len(),
                    run.replays,
                    run.split_keys
                );
            }
            if !run.clean(settings.sessions) || report != "ok" || run.split_keys > 0 {
                return Err(
                    "the drain handed out a session twice, missed one, or a key named two".into(),
                );
            }
        }
    }
    Ok(())
}

/// What the program reads behind the server's back.
enum Look {
    Sqlite(std::path::PathBuf),
    Postgres(tokio_postgres::Client),
}

/// The queue is seeded on hold (a status no pickup takes) so that the warm-up finds nothing;
/// [`RELEASE`] puts it in the queue.
const ON_HOLD: i64 = 0;
const RELEASE: &str = "UPDATE chat_session SET status = 4 WHERE status = 0";

const INVARIANTS: &str = "SELECT \
    (SELECT count(*) FROM chat_session WHERE status = 4), \
    (SELECT count(*) FROM chat_session s WHERE (SELECT count(*) FROM chat_message m \
        WHERE m.session_id = s.id AND m.special_type = 1) <> 1), \
    (SELECT count(*) FROM (SELECT user_id, rank FROM chat_session WHERE status IN (5, 6) \
        GROUP BY user_id, rank HAVING count(*) > 1) AS shared)";

impl Look {
    async fn release_queue(&self) -> Result<(), Failure> {
        match self {
            Look::Sqlite(path) => {
                rusqlite::Connection::open(path)?.execute(RELEASE, [])?;
            }
            Look::Postgres(client) => {
                client.batch_execute(RELEASE).await?;
            }
        }
        Ok(())
    }

    /// "ok", or what is wrong.
    async fn invariants(&self) -> Result<String, Failure> {
        let (queued, welcomes, ranks): (i64, i64, i64) = match self {
            Look::Sqlite(path) => {
                rusqlite::Connection::open(path)?.query_row(INVARIANTS, [], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?
            }
            Look::Postgres(client) => {
                let row = client.query_one(INVARIANTS, &[]).await?;
                (row.get(0), row.get(1), row.get(2))
            }
        };
        Ok(if (queued, welcomes, ranks) == (0, 0, 0) {
            "ok".into()
        } else {
            format!("{queued} still queued, {welcomes} without one welcome, {ranks} shared ranks")
        })
    }
}

/// Agents, a topic and the sessions with `status`, in SQL for both backends; `series`
/// yields 1, 2, ... as `i`.
fn seed_sql(sessions: usize, hash: &str, series: &str, status: i64) -> String {
    format!(
        "INSERT INTO chat_topic (name, welcome_message) VALUES ('Sales', 'Hello {{customer}}, this is {{agent}}.');
         INSERT INTO associate (name, full_name) SELECT CASE i WHEN 1 THEN 'tje0' ELSE 'agent' || (i - 1) END, 'Agent ' || i FROM ({series}) AS n WHERE i <= {AGENTS};
         INSERT INTO credentials (associate_id, type, value) SELECT associate_id, 'password', '{hash}' FROM associate;
         INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond) SELECT associate_id, 1, true, true FROM associate;
         INSERT INTO chat_session (topic_id, name, status, when_requested, session_key, initial_queue_pos)
             SELECT 1, 'customer ' || i, {status}, {when}, 'key' || i, i FROM ({series}) AS n WHERE i <= {sessions};",
        when = if series.contains("generate_series") {
            "timestamptz '2026-01-01' + i * interval '1 second'"
        } else {
            "strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' seconds') || '.000000'"
        }
    )
}

fn sqlite(dir: &Path, hash: &str, sessions: usize) -> Result<(Arc<dyn Stores>, Look), Failure> {
    let path = dir.join("drain.db");
    drop(SqliteStore::create(&path, &SqliteOptions::default())?);
    let series = format!(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {}) SELECT i FROM c",
        sessions.max(AGENTS)
    );
    // SQLite keeps booleans as 0/1; `true` is 1 there too.
    rusqlite::Connection::open(&path)?
        .execute_batch(&seed_sql(sessions, hash, &series, ON_HOLD))?;
    let stores = SqliteStores::new(path.clone(), None, SqliteOptions::default());
    Ok((Arc::new(stores), Look::Sqlite(path)))
}

async fn postgres(
    cluster: &Cluster,
    hash: &str,
    sessions: usize,
) -> Result<(Arc<dyn Stores>, Look), Failure> {
    let url = cluster.database();
    let stores = PgStores::new(&url.parse()?, PgOptions::default())?;
    let created = tokio::task::spawn_blocking(move || stores.store(None).map(|_| stores)).await??;
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let series = format!("SELECT generate_series(1, {}) AS i", sessions.max(AGENTS));
    client
        .batch_execute(&seed_sql(sessions, hash, &series, ON_HOLD))
        .await?;
    client.batch_execute("VACUUM ANALYZE").await?;
    Ok((Arc::new(created), Look::Postgres(client)))
}

/// pgbench's rate for the bare transaction draining `sessions` with `clients` clients.
fn pgbench(cluster: &Cluster, sessions: usize, clients: usize) -> Result<f64, Failure> {
    let url = cluster.database();
    let psql = |sql: &str| -> Result<(), Failure> {
        let status = Command::new(cluster.bin.join("psql"))
            .args(["-q", "-v", "ON_ERROR_STOP=1", &url, "-c", sql])
            .stdout(std::process::Stdio::null())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err("psql failed".into())
        }
    };
    psql(chat_pickup::store::postgres::SCHEMA)?;
    let series = format!("SELECT generate_series(1, {}) AS i", sessions.max(AGENTS));
    psql(&seed_sql(sessions, "-", &series, 4))?;
    psql("VACUUM ANALYZE")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/postgres/pickup.pgbench");
    let per_client = (sessions / clients).to_string();
    let output = Command::new(cluster.bin.join("pgbench"))
        .args(["-n", "-f"])
        .arg(&script)
        .args([
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-t",
            &per_client,
            &url,
        ])
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .ok_or_else(|| {
            format!(
                "pgbench said: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into()
        })
}

struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
    sessions: Vec<i64>,
    /// Keys whose two answers named different sessions (with `--retry-with-keys`).
    split_keys: usize,
    /// Answers that were replays.
    replays: usize,
}

/// What one client did: its latencies, the sessions it took, keys answered two ways,
/// replays seen.
type Tally = (Vec<Duration>, Vec<i64>, usize, usize);

/// `clients` connections pick up until each is told the queue is empty; client `i` cycles
/// over the agents `i`, `i + clients`, ...
async fn drain(addr: SocketAddr, clients: usize, keys: Keys) -> Result<Run, Failure> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..clients {
        let mine: Vec<String> = (index..AGENTS.max(clients))
            .step_by(clients)
            .map(|agent| credentials(agent % AGENTS))
            .collect();
        let client = Client::connect(addr).await?;
        let retrier = if keys == Keys::Retried {
            Some(Client::connect(addr).await?)
        } else {
            None
        };
        tasks.push(tokio::spawn(pick_until_empty(
            client, retrier, keys, mine, index,
        )));
    }
    let mut run = Run {
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        sessions: Vec::new(),
        split_keys: 0,
        replays: 0,
    };
    for task in tasks {
        let (timings, sessions, split, replays) = task.await??;
        run.latencies.extend(timings);
        run.sessions.extend(sessions);
        run.split_keys += split;
        run.replays += replays;
    }
    run.elapsed = start.elapsed();
    run.latencies.sort_unstable();
    Ok(run)
}

/// One client's pickups; with keys, each under a new one - and with a `retrier`, each sent
/// twice under it.
async fn pick_until_empty(
    mut client: Client,
    mut retrier: Option<Client>,
    keys: Keys,
    mine: Vec<String>,
    index: usize,
) -> Result<Tally, Failure> {
    let (mut timings, mut sessions, mut split, mut replays) = (Vec::new(), Vec::new(), 0, 0);
    loop {
        let authorization = &mine[timings.len() % mine.len()];
        let key = format!("\"client{index}-{}\"", timings.len());
        let headers = [("idempotency-key", key.as_str())];
        let began = Instant::now();
        let picked = match retrier.as_mut() {
            None if keys == Keys::Fresh => {
                answered(&mut client, authorization, &headers, Duration::ZERO)
                    .await?
                    .0
            }
            None => client.pickup(authorization).await?,
            Some(retrier) => {
                let delay = Duration::from_micros(rand::random::<u64>() % 1_000);
                let (first, second) = tokio::try_join!(
                    answered(&mut client, authorization, &headers, Duration::ZERO),
                    answered(retrier, authorization, &headers, delay),
                )?;
                replays += usize::from(first.1) + usize::from(second.1);
                split += usize::from(first.0 != second.0);
                first.0
            }
        };
        timings.push(began.elapsed());
        match picked {
            Some(session) => sessions.push(session),
            None => return Ok((timings, sessions, split, replays)),
        }
    }
}

/// A keyed pickup sent after `delay`, and again while it is answered 409; the session it
/// names, and whether it was a replay.
async fn answered(
    client: &mut Client,
    authorization: &str,
    headers: &[(&str, &str)],
    delay: Duration,
) -> Result<(Option<i64>, bool), Failure> {
    tokio::time::sleep(delay).await;
    loop {
        let answer = client.post_with(PICKUP, authorization, headers).await?;
        match answer.status {
            200 => return Ok((answer.session(), answer.replayed)),
            409 => tokio::time::sleep(Duration::from_micros(200)).await,
            other => return Err(format!("answered {other}").into()),
        }
    }
}

impl Run {
    fn distinct(&self) -> usize {
        self.sessions.iter().collect::<HashSet<_>>().len()
    }

    fn clean(&self, sessions: usize) -> bool {
        self.distinct() == self.sessions.len() && self.sessions.len() == sessions
    }

    fn print(
        &self,
        backend: &str,
        clients: usize,
        sessions: usize,
        report: &str,
        bare: Option<f64>,
    ) {
        let rate = self.sessions.len() as f64 / self.elapsed.as_secs_f64();
        let (bare, ratio) = match bare {
            Some(bare) => (format!("{bare:.0}"), format!("{:.2}", rate / bare)),
            None => ("-".into(), "-".into()),
        };
        println!(
            "{backend:<9} {clients:>7} {sessions:>8} {rate:>10.0} {:>8.0} {:>8.0} {:>9.0} {:>5} {:>6}  {report:<10} {bare:>8} {ratio:>6}",
            percentile(&self.latencies, 0.50),
            percentile(&self.latencies, 0.99),
            percentile(&self.latencies, 1.0),
            self.sessions.len() - self.distinct(),
            sessions - self.distinct(),
        );
    }
}
