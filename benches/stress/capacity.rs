//! The capacity race (see the crate's doc): 64 pickups at once by one agent of capacity 3,
//! and 16 acceptances of sessions other agents offer them, from 4 processes; exactly 3 of
//! the 80 may succeed, every round.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::chat::queue::Which;
use chat_pickup::chat::transfer::Step;
use chat_pickup::chat::{Actor, Change, Claim, Move, Refusal};
use chat_pickup::store::postgres::{PgOptions, PgStores, PgTarget};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::store::{Store, StoreError, Stores};
use chat_pickup::time::Timestamp;
use rusqlite::Connection;

use super::{Failure, postgres, seed, seed_postgres};

const PROCESSES: u64 = 4;
/// Each process's pickups...
const THREADS: u64 = 16;
/// ...and acceptances, each of a different session offered to the agent.
const ACCEPTS: u64 = 4;
const LIMIT: u64 = 3;
/// PostgreSQL: each process's pool; 16 connections in all.
const CONNECTIONS: u64 = 4;
/// Half the pickups are by id, each naming one of sessions 65-96 (pickup-first takes from
/// the first 64), so that none names a session another has taken; the last 16 are held by
/// agent 2 and offered to agent 1.
const SESSIONS: u64 = 128;
const OFFERED_FROM: u64 = SESSIONS - PROCESSES * ACCEPTS + 1;

pub fn run(rounds: u64, on_postgres: bool) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let cluster = match on_postgres {
        true => Some(test_support::Cluster::start(true).ok_or("PostgreSQL is not installed")?),
        false => None,
    };
    let target = match &cluster {
        Some(cluster) => seed_postgres(cluster, 2, SESSIONS)?,
        None => seed(dir.path(), 2, SESSIONS)?.display().to_string(),
    };
    let sql = |statement: &str| -> Result<(), Failure> {
        match on_postgres {
            true => postgres(&target, statement).map(drop),
            false => Ok(Connection::open(&target)?.execute_batch(statement)?),
        }
    };
    // Back to the start: the queue full, the last sessions agent 2's and offered to agent 1.
    let restart = format!(
        "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0, when_started = NULL, \
           transfer_to = NULL WHERE id < {OFFERED_FROM}; \
         UPDATE chat_session SET status = 6, user_id = 2, rank = id - {OFFERED_FROM} + 1, \
           transfer_to = 1 WHERE id >= {OFFERED_FROM}; \
         DELETE FROM chat_message"
    );
    sql(&restart)?;
    let backend = if on_postgres { "PostgreSQL" } else { "SQLite" };
    let mut spent = Duration::ZERO;
    let mut accepted = 0;
    for round in 1..=rounds {
        // Pairs of rounds alternate where the limit comes from: the agent's own, or their
        // topic's default.
        sql(&match (round / 2) % 2 {
            0 => format!(
                "UPDATE associate SET max_active_sessions = {LIMIT} WHERE associate_id = 1; \
                 UPDATE chat_topic SET agent_max_active_sessions = NULL"
            ),
            _ => format!(
                "UPDATE associate SET max_active_sessions = NULL WHERE associate_id = 1; \
                 UPDATE chat_topic SET agent_max_active_sessions = {LIMIT}"
            ),
        })?;
        let connections = match (on_postgres, round % 2) {
            (true, _) => CONNECTIONS,
            (false, 1) => THREADS,
            (false, _) => 1,
        };
        let (tally, took) = race(&target, connections)?;
        spent += took;
        accepted += tally.accepted;
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
            || tally.full != PROCESSES * (THREADS + ACCEPTS) - LIMIT
            || held != LIMIT as i64
            || ranks != LIMIT as i64
        {
            return Err(format!(
                "{backend} round {round} ({connections} connections a process): {tally}, the agent holds {held} with {ranks} ranks"
            )
            .into());
        }
        sql(&restart)?;
    }
    let requests = PROCESSES * (THREADS + ACCEPTS);
    println!(
        "{backend}: {rounds} rounds of {} parallel pickups (first and by id) and {} acceptances \
         of offered sessions by one agent of capacity {LIMIT}, from {PROCESSES} processes: every \
         round {LIMIT} taken ({accepted} of all {} by acceptance), {} refused at capacity, none null; \
         {:.1} ms a round from the start signal",
        PROCESSES * THREADS,
        PROCESSES * ACCEPTS,
        rounds * LIMIT,
        requests - LIMIT,
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
    /// Of them, acceptances of an offered session.
    accepted: u64,
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
                Some("taken") => {
                    tally.taken += 1;
                    let session = line.split(' ').nth(1).and_then(|id| id.parse().ok());
                    tally.accepted += u64::from(session >= Some(OFFERED_FROM));
                }
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
    let threads = THREADS + ACCEPTS;
    let go = Arc::new(Barrier::new(threads as usize + 1));
    let threads: Vec<_> = (0..threads)
        .map(|thread| {
            let store = stores[(thread % stores.len() as u64) as usize].clone();
            let (agent, go) = (agent.clone(), go.clone());
            let request = match thread < THREADS {
                true => Request::Pickup(process * THREADS + thread),
                false => Request::Accept(OFFERED_FROM + process * ACCEPTS + thread - THREADS),
            };
            std::thread::spawn(move || {
                // Each connection is opened before the start, so the race is the requests'.
                let warm = store.agent_sessions(&agent).map(drop);
                go.wait();
                warm.and_then(|()| attempt(store.as_ref(), &agent, request))
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

/// One request of the round.
#[derive(Clone, Copy)]
enum Request {
    /// Pickup number n: an even one the first in the queue, an odd one a session by id.
    Pickup(u64),
    /// The acceptance of this session, offered to the agent.
    Accept(u64),
}

/// How `request` ended, as a line.
fn attempt(store: &dyn Store, agent: &Agent, request: Request) -> Result<String, StoreError> {
    loop {
        let now = Timestamp::now();
        let outcome = match request {
            Request::Pickup(n) if n % 2 == 0 => store
                .pickup(Actor::new(agent, now), Which::First)
                .map(claimed),
            Request::Pickup(n) => {
                let session = (SESSIONS / 2 + 1 + n / 2) as i64;
                store
                    .pickup(Actor::new(agent, now), Which::Session(session))
                    .map(claimed)
            }
            Request::Accept(session) => store
                .change(
                    Actor::new(agent, now),
                    session as i64,
                    &Move::Transfer(Step::Accept),
                )
                .map(|change| match change {
                    Change::Made(_) => format!("taken {session}"),
                    Change::Refused(Refusal::AtCapacity(_)) => "full".into(),
                    other => format!("unexpected {other:?}"),
                }),
        };
        return match outcome {
            Err(StoreError::Busy(_)) => continue,
            outcome => outcome,
        };
    }
}

fn claimed(claim: Claim) -> String {
    match claim {
        Claim::Picked(Some(pickup)) => format!("taken {}", pickup.session_id),
        Claim::Picked(None) => "null".into(),
        Claim::Refused(Refusal::AtCapacity(_)) => "full".into(),
        other => format!("unexpected {other:?}"),
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
