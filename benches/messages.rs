//! HTTP load of the conversation's two paths on the local server, each beside its bare SQL
//! measured in the same run on the same file:
//!
//! - **posting**: 16 keep-alive clients, each an agent writing into the session they hold,
//!   at FULL durability. The bare rate is one connection posting back to back, one
//!   transaction per message (the message, the session's copy). The writer's group commit
//!   should keep the served rate at or above it.
//! - **reading**: 64 keep-alive clients reading their session's messages after its last one
//!   (nothing new: the poll a front end repeats). The bare rate is the indexed SELECT alone,
//!   on one connection. Beside it, the **floor**: the same 64 clients sending the same
//!   request with a bad `after`, answered (a 400) before authentication and the store - what
//!   HTTP, routing and the problem body cost on this machine, clients included.
//!
//! Prints the rate, p50 and p99 latency, the bare rate and the ratio; every message a client
//! was answered for is checked to be stored once.
//!
//! ```sh
//! cargo bench --bench messages                   # 5 s per path
//! cargo bench --bench messages -- --seconds 10 --history 1000
//! ```

mod common;

use std::net::SocketAddr;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::chat::Actor;
use chat_pickup::chat::queue::Which;
use chat_pickup::store::Store;
use chat_pickup::store::admin::{Admin, Rights};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStores, Synchronous};
use chat_pickup::time::Timestamp;
use common::client::{Client, Failure, credentials, login, serve};
use common::database_with;
use http::Method;
use hyper::body::Bytes;
use rusqlite::{Connection, params};
use test_support::credentials::PASSWORD_HASH;
use test_support::http::percentile;

const WRITERS: usize = 16;
const READERS: usize = 64;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let seconds = Duration::from_secs(value("--seconds", 5));
    let history = value("--history", 100);
    let dir = tempfile::tempdir()?;
    let options = SqliteOptions {
        synchronous: Synchronous::Full,
        ..SqliteOptions::default()
    };
    let (path, sessions) = prepare(dir.path(), &options, history)?;
    println!(
        "{:<8} {:>7} {:>10} {:>9} {:>9} {:>10} {:>6}",
        "path", "clients", "per s", "p50 us", "p99 us", "bare/s", "ratio"
    );
    let bare = bare_posts(&path, &sessions[..WRITERS], seconds)?;
    let addr = serve(Arc::new(SqliteStores::new(path.clone(), None, options))).await?;
    let posted = drive(addr, &sessions[..WRITERS], seconds, Kind::Post).await?;
    posted.print("post", WRITERS, bare);
    check_stored(&path, &posted)?;
    let last = last_ids(&path, &sessions)?;
    let bare = bare_reads(&path, &last, seconds)?;
    warm_up(addr, &last).await?;
    let read = drive(addr, &last, seconds, Kind::Read).await?;
    read.print("read", READERS, bare);
    let floor = drive(addr, &last, seconds, Kind::Floor).await?;
    floor.print("floor", READERS, bare);
    Ok(())
}

/// A database in `dir` of [`READERS`] agents, each holding one session with `history`
/// messages: its file, and the sessions' ids, agent by agent.
fn prepare(
    dir: &std::path::Path,
    options: &SqliteOptions,
    history: u64,
) -> Result<(std::path::PathBuf, Vec<i64>), Failure> {
    let bench = database_with(dir, READERS, options.clone());
    let store = bench.store;
    let rights = Rights {
        respond: true,
        ..Rights::default()
    };
    for agent in 1..READERS {
        store.add_associate(&login(agent), &login(agent), &PASSWORD_HASH)?;
        store.add_member(&login(agent), "Sales", rights)?;
    }
    let mut sessions = Vec::new();
    for agent in 0..READERS {
        let id: i64 = store.connection().query_row(
            "SELECT associate_id FROM associate WHERE name = ?1",
            [login(agent)],
            |row| row.get(0),
        )?;
        let agent = Agent::new(id, login(agent), login(agent));
        let claim = store.pickup(Actor::new(&agent, Timestamp::now()), Which::First)?;
        let taken = claim.taken().ok_or("the queue ran dry")?;
        sessions.push(taken.session_id);
    }
    store.connection().execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO chat_message (session_id, message, when_posted, type, author) \
         SELECT s.id, 'earlier ' || n.i, '2026-01-01 00:00:00.000000', 1, 'x' \
         FROM chat_session s, n WHERE s.status IN (5, 6) ORDER BY n.i, s.id",
        [history],
    )?;
    Ok((bench.path, sessions))
}

/// One connection posting into `sessions` in turn, a transaction per message, for `seconds`.
fn bare_posts(path: &std::path::Path, sessions: &[i64], seconds: Duration) -> Result<f64, Failure> {
    let mut connection = Connection::open(path)?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.busy_timeout(Duration::from_secs(5))?;
    let (start, mut done) = (Instant::now(), 0usize);
    while start.elapsed() < seconds {
        let session = sessions[done % sessions.len()];
        let now = Timestamp::now();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        transaction
            .prepare_cached(
                "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, \
                 special_param, author, created_by) VALUES (?1, 'bare', ?2, 1, 0, '', 'x', 1) RETURNING id",
            )?
            .query_row(params![session, now], |row| row.get::<_, i64>(0))?;
        transaction
            .prepare_cached("UPDATE chat_session SET last_message = 'bare', idle = ?2, status = 6 WHERE id = ?1")?
            .execute(params![session, now])?;
        transaction.commit()?;
        done += 1;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

/// Each session with the id of its last message.
fn last_ids(path: &std::path::Path, sessions: &[i64]) -> Result<Vec<(i64, i64)>, Failure> {
    let connection = Connection::open(path)?;
    let mut last = connection.prepare("SELECT max(id) FROM chat_message WHERE session_id = ?1")?;
    sessions
        .iter()
        .map(|session| Ok((*session, last.query_row([session], |row| row.get(0))?)))
        .collect()
}

/// One read per agent, untimed: an agent's first request verifies its password (argon2,
/// tens of milliseconds), and 48 of the 64 readers post nothing before. The read measured is
/// the poll a front end repeats, its credentials cached.
async fn warm_up(addr: SocketAddr, last: &[(i64, i64)]) -> Result<(), Failure> {
    let mut client = Client::connect(addr).await?;
    for (agent, (session, after)) in last.iter().enumerate() {
        let path = format!("/api/v1/ChatSession/{session}/Messages?after={after}");
        let asked = (Method::GET, path.as_str(), Bytes::new());
        let answer = client.send(asked, &credentials(agent), &[]).await?;
        if answer.status != 200 {
            return Err(format!("warming up: {}", answer.status).into());
        }
    }
    Ok(())
}

/// One connection reading the sessions' messages after their last, in turn, for `seconds`.
fn bare_reads(
    path: &std::path::Path,
    last: &[(i64, i64)],
    seconds: Duration,
) -> Result<f64, Failure> {
    let connection = Connection::open(path)?;
    let mut statement = connection.prepare(
        "SELECT m.id, m.session_id, m.type, m.message, m.author, m.read_by_customer, \
         m.special_type, m.special_param, m.when_posted FROM chat_message m \
         WHERE m.session_id = ?1 AND m.id > ?2 ORDER BY m.id",
    )?;
    let (start, mut done) = (Instant::now(), 0usize);
    while start.elapsed() < seconds {
        let (session, after) = last[done % last.len()];
        let rows = statement.query_map(params![session, after], |row| row.get::<_, i64>(0))?;
        if rows.count() != 0 {
            return Err("something new after the last message".into());
        }
        done += 1;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

#[derive(Clone, Copy)]
enum Kind {
    Post,
    Read,
    /// The read, refused before authentication.
    Floor,
}

struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// The ids of the messages posted.
    posted: Vec<i64>,
}

/// One keep-alive client per entry of `targets` (`(session, after)`, or a session and
/// anything), agent `i` the client `i`, for `seconds`.
async fn drive<T: Target>(
    addr: SocketAddr,
    targets: &[T],
    seconds: Duration,
    kind: Kind,
) -> Result<Run, Failure> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (agent, target) in targets.iter().enumerate() {
        let (session, after) = target.aim();
        let authorization = credentials(agent);
        let mut client = Client::connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut posted) = (Vec::new(), Vec::new());
            while start.elapsed() < seconds {
                let began = Instant::now();
                let asked = match kind {
                    Kind::Post => (
                        Method::POST,
                        format!("/api/v1/ChatSession/{session}/Messages"),
                        Bytes::from_static(br#"{"Message": "Hello from the load"}"#),
                    ),
                    Kind::Read => (
                        Method::GET,
                        format!("/api/v1/ChatSession/{session}/Messages?after={after}"),
                        Bytes::new(),
                    ),
                    Kind::Floor => (
                        Method::GET,
                        format!("/api/v1/ChatSession/{session}/Messages?after=-{after}"),
                        Bytes::new(),
                    ),
                };
                let headers = [("content-type", "application/json")];
                let answer = client
                    .send((asked.0, &asked.1, asked.2), &authorization, &headers)
                    .await?;
                let expected = if let Kind::Floor = kind { 400 } else { 200 };
                if answer.status != expected {
                    return Err(format!(
                        "{}: {}",
                        answer.status,
                        String::from_utf8_lossy(&answer.body)
                    )
                    .into());
                }
                latencies.push(began.elapsed());
                match kind {
                    Kind::Post => posted.push(message_id(&answer.body)?),
                    Kind::Read if &answer.body[..] != b"[]" => {
                        return Err("something new after the last message".into());
                    }
                    _ => {}
                }
            }
            Ok::<_, Failure>((latencies, posted))
        }));
    }
    let mut run = Run {
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        posted: Vec::new(),
    };
    for task in tasks {
        let (latencies, posted) = task.await??;
        run.latencies.extend(latencies);
        run.posted.extend(posted);
    }
    run.elapsed = start.elapsed();
    run.latencies.sort_unstable();
    Ok(run)
}

/// What a client aims at: a session, and the message id it reads after.
trait Target: Copy + Send + 'static {
    fn aim(&self) -> (i64, i64);
}

impl Target for i64 {
    fn aim(&self) -> (i64, i64) {
        (*self, 0)
    }
}

impl Target for (i64, i64) {
    fn aim(&self) -> (i64, i64) {
        *self
    }
}

fn message_id(body: &[u8]) -> Result<i64, Failure> {
    let answer: serde_json::Value = serde_json::from_slice(body)?;
    answer["ChatMessageId"]
        .as_i64()
        .ok_or_else(|| "a message without an id".into())
}

/// Every message a client was answered for is stored, once.
fn check_stored(path: &std::path::Path, run: &Run) -> Result<(), Failure> {
    let mut ids = run.posted.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != run.posted.len() {
        return Err("a message id was answered twice".into());
    }
    let connection = Connection::open(path)?;
    let stored: i64 = connection.query_row(
        "SELECT count(*) FROM chat_message WHERE message = 'Hello from the load'",
        [],
        |row| row.get(0),
    )?;
    match stored as usize == ids.len() {
        true => Ok(()),
        false => Err(format!("{} answered, {stored} stored", ids.len()).into()),
    }
}

impl Run {
    fn print(&self, path: &str, clients: usize, bare: f64) {
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64();
        println!(
            "{path:<8} {clients:>7} {rate:>10.0} {:>9.0} {:>9.0} {bare:>10.0} {:>6.2}",
            percentile(&self.latencies, 0.50),
            percentile(&self.latencies, 0.99),
            rate / bare
        );
    }
}
