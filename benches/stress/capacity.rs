//! The capacity race (see the crate's doc): 64 pickups at once by one agent of capacity 3,
//! from 4 processes; exactly 3 may succeed, every round.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::store::postgres::{PgOptions, PgStores, PgTarget};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::store::{Claim, Store, StoreError, Stores};
use chat_pickup::time::Timestamp;
use rusqlite::Connection;

use super::{Failure, postgres, seed, seed_postgres};

const PROCESSES: u64 = 4;
const THREADS: u64 = 16;
const LIMIT: u64 = 3;
/// PostgreSQL: each process's pool; 16 connections in all.
const CONNECTIONS: u64 = 4;
/// Half the pickups are by id, each naming one of these many sessions past the first 64
/// (which pickup-first takes from), so that none names a session another has taken.
const SESSIONS: u64 = 128;

pub fn run(rounds: u64, on_postgres: bool) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let cluster = match on_postgres {
        true => Some(test_support::Cluster::start(true).ok_or("PostgreSQL is not installed")?),
        false => None,
    };
    let target = match &cluster {
        Some(cluster) => seed_postgres(cluster, 1, SESSIONS)?,
        None => seed(dir.path(), 1, SESSIONS)?.display().to_string(),
    };
    let sql = |statement: &str| -> Result<(), Failure> {
        match on_postgres {
            true => postgres(&target, statement).map(drop),
            false => Ok(Connection::open(&target)?.execute_batch(statement)?),
        }
    };
    sql(&format!(
        "UPDATE associate SET max_active_sessions = {LIMIT} WHERE associate_id = 1"
    ))?;
    let backend = if on_postgres { "PostgreSQL" } else { "SQLite" };
    let mut spent = Duration::ZERO;
    for round in 1..=rounds {
        let connections = match (on_postgres, round % 2) {
            (true, _) => CONNECTIONS,
            (false, 1) => THREADS,
            (false, _) => 1,
        };
        let (tally, took) = race(&target, connections)?;
        spent += took;
        let held = count(
            &target,
            on_postgres,
            "SELECT count(*) FROM chat_session WHERE user_id = 1 AND status IN (5, 6)",
        )?;
        let ranks = count(
            &target,
            on_postgres,
            "SELECT count(DISTINCT rank) FROM chat_session WHERE user_id = 1 AND status IN (5, 6)",
        )?;
        if tally.taken != LIMIT
            || tally.full != PROCESSES * THREADS - LIMIT
            || held != LIMIT as i64
            || ranks != LIMIT as i64
        {
            return Err(format!(
                "{backend} round {round} ({connections} connections a process): {tally}, the agent holds {held} with {ranks} ranks"
            )
            .into());
        }
        sql(
            "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0, when_started = NULL; \
             DELETE FROM chat_message",
        )?;
    }
    println!(
        "{backend}: {rounds} rounds of {} parallel pickups (first and by id) by one agent of capacity {LIMIT}, \
         from {PROCESSES} processes: every round {LIMIT} taken, {} refused at capacity, none null; \
         {:.1} ms a round from the start signal",
        PROCESSES * THREADS,
        PROCESSES * THREADS - LIMIT,
        spent.as_secs_f64() * 1000.0 / rounds as f64
    );
    Ok(())
}

fn count(target: &str, on_postgres: bool, sql: &str) -> Result<i64, Failure> {
    match on_postgres {
        true => Ok(postgres(target, sql)?.trim().parse()?),
        false => Ok(Connection::open(target)?.query_row(sql, [], |row| row.get(0))?),
    }
}

/// What one round's pickups came to.
#[derive(Default)]
struct Tally {
    taken: u64,
    full: u64,
    null: u64,
    other: Vec<String>,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} taken, {} at capacity, {} null, other: {:?}",
            self.taken, self.full, self.null, self.other
        )
    }
}

/// One round: the workers started, told to go once all are ready, and their answers counted.
fn race(target: &str, connections: u64) -> Result<(Tally, Duration), Failure> {
    let exe = std::env::current_exe()?;
    let mut workers: Vec<(Child, BufReader<ChildStdout>)> = (0..PROCESSES)
        .map(|process| {
            let mut child = Command::new(&exe)
                .args(["capacity-worker", target])
                .args(["--process", &process.to_string()])
                .args(["--connections", &connections.to_string()])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
            Ok::<_, Failure>((child, stdout))
        })
        .collect::<Result<_, _>>()?;
    for (_, stdout) in &mut workers {
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "ready" {
            return Err(format!("a worker did not start: {line:?}").into());
        }
    }
    let started = Instant::now();
    for (child, _) in &mut workers {
        writeln!(child.stdin.as_mut().ok_or("no stdin")?, "go")?;
    }
    let mut tally = Tally::default();
    for (mut child, stdout) in workers {
        for line in stdout.lines() {
            let line = line?;
            match line.split(' ').next() {
                Some("taken") => tally.taken += 1,
                Some("full") => tally.full += 1,
                Some("null") => tally.null += 1,
                _ => tally.other.push(line),
            }
        }
        if !child.wait()?.success() {
            tally.other.push("a worker failed".into());
        }
    }
    Ok((tally, started.elapsed()))
}

/// One process of the race: 16 threads on `connections` stores (SQLite) or a pool of that
/// many connections (PostgreSQL), each thread one pickup once told to go.
pub fn worker(target: &str, process: u64, connections: u64) -> Result<(), Failure> {
    let stores = open(target, connections)?;
    let agent = Agent {
        associate_id: 1,
        name: "agent1".into(),
        display_name: "Agent 1".into(),
    };
    let go = Arc::new(Barrier::new(THREADS as usize + 1));
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let store = stores[(thread % stores.len() as u64) as usize].clone();
            let (agent, go) = (agent.clone(), go.clone());
            let pickup = process * THREADS + thread;
            std::thread::spawn(move || {
                // Each connection is opened before the start, so the race is the pickups'.
                let warm = store.agent_sessions(&agent).map(drop);
                go.wait();
                warm.and_then(|()| attempt(store.as_ref(), &agent, pickup))
            })
        })
        .collect();
    println!("ready");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    go.wait();
    for thread in threads {
        match thread.join().map_err(|_| "a thread panicked")? {
            Ok(outcome) => println!("{outcome}"),
            Err(error) => println!("error {error}"),
        }
    }
    Ok(())
}

/// Pickup number `pickup` of the round: an even one the first in the queue, an odd one a
/// session by id; how it ended, as a line.
fn attempt(store: &dyn Store, agent: &Agent, pickup: u64) -> Result<String, StoreError> {
    loop {
        let claim = match pickup % 2 {
            0 => store.pickup(agent, Timestamp::now(), None),
            _ => {
                let session = (SESSIONS / 2 + 1 + pickup / 2) as i64;
                store.pickup_session(agent, session, Timestamp::now(), None)
            }
        };
        return Ok(match claim {
            Ok(Claim::Picked(Some(pickup))) => format!("taken {}", pickup.session_id),
            Ok(Claim::Picked(None)) => "null".into(),
            Ok(Claim::AtCapacity(_)) => "full".into(),
            Ok(other) => format!("unexpected {other:?}"),
            Err(StoreError::Busy(_)) => continue,
            Err(error) => return Err(error),
        });
    }
}

/// The stores a worker's threads share: `connections` SQLite stores (each its own connection
/// and writer), or one PostgreSQL store with a pool of `connections`.
fn open(target: &str, connections: u64) -> Result<Vec<Arc<dyn Store>>, Failure> {
    if PgTarget::is_url(target) {
        let options = PgOptions {
            connections: connections as usize,
            timeout: Duration::from_secs(30),
            ..PgOptions::default()
        };
        let stores = PgStores::new(&target.parse::<PgTarget>()?, options)?;
        return Ok(vec![stores.store(None)?]);
    }
    let options = SqliteOptions {
        busy_timeout: Duration::from_secs(30),
        ..SqliteOptions::default()
    };
    (0..connections.max(1))
        .map(|_| {
            let store = SqliteStore::open_existing(std::path::Path::new(target), &options)?;
            Ok(Arc::new(store) as Arc<dyn Store>)
        })
        .collect()
}
