//! Multi-process stress and crash harness for the pickup.
//!
//! `stress`: K processes x T threads, each thread an agent with its own connection, pick from
//! one database file until the queue is drained; then every session must be assigned exactly
//! once, with exactly one welcome message, and no agent may hold two active sessions of the
//! same Rank.
//!
//! `crash`: rounds of workers killed with SIGKILL at random moments; after each round the
//! database must pass `PRAGMA integrity_check`, every session must be either still in the
//! queue with no welcome message, or assigned with exactly one - nothing half-done - and
//! every pickup a worker was answered for (it prints each as soon as the store returns) must
//! be in the database, assigned to that agent: an acknowledged pickup is never lost.
//!
//! `stress --postgres` runs the same against PostgreSQL: a throwaway cluster (fsync on) that
//! this program starts, each thread a store with a connection of its own.
//!
//! `capacity`: rounds of 64 pickups started at one instant by one agent whose capacity is 3 -
//! half pickup-first, half by id (each a different waiting session) - and 16 acceptances of
//! sessions another agent offers them, from 4 processes of 20 threads. On SQLite, odd rounds
//! give each process 16 stores (64 connections, each its own writer), even rounds one store
//! (its writer batches the process's requests); on PostgreSQL (`--postgres`) each process has
//! a pool of 4 connections, 16 in all. Pairs of rounds alternate the agent's own limit with
//! their topic's default. Every round exactly 3 of the 80 must succeed and the other 77 be
//! refused at capacity; then the sessions go back to where they were for the next.
//!
//! `messages`: 16 agents in 4 processes post into the sessions they hold at once, every
//! message under an `Idempotency-Key` (retried with it while the database is busy, every
//! fifth sent twice); then each session holds exactly its agent's messages, once each, in
//! the order sent, every answered one stored, and its LastMessage the last.
//!
//! ```sh
//! cargo bench --bench stress -- messages --messages 1000
//! cargo bench --bench stress -- messages --postgres --messages 1000
//! cargo bench --bench stress -- stress --processes 4 --threads 4 --sessions 100000
//! cargo bench --bench stress -- stress --postgres --sessions 20000
//! cargo bench --bench stress -- crash --rounds 50
//! cargo bench --bench stress -- capacity --rounds 100
//! cargo bench --bench stress -- capacity --postgres --rounds 100
//! ```

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::chat::Actor;
use chat_pickup::chat::Claim;
use chat_pickup::chat::queue::Which;
use chat_pickup::store::postgres::{PgOptions, PgStores, PgTarget};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::store::{Store, StoreError, Stores};
use chat_pickup::time::Timestamp;
use rusqlite::{Connection, OptionalExtension};

mod capacity;
mod messages;

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    match args.first().map(String::as_str) {
        Some("stress") => stress(
            flag("--processes", 4),
            flag("--threads", 4),
            flag("--sessions", 100_000),
            args.iter().any(|arg| arg == "--postgres"),
        ),
        Some("crash") => crash(flag("--rounds", 50), flag("--sessions", 2_000)),
        Some("capacity") => capacity::run(
            flag("--rounds", 100),
            args.iter().any(|arg| arg == "--postgres"),
        ),
        Some("messages") => messages::run(
            flag("--messages", 200),
            args.iter().any(|arg| arg == "--postgres"),
        ),
        Some("messages-worker") => messages::worker(
            &args[1],
            flag("--first-agent", 1),
            flag("--threads", 1),
            flag("--messages", 200),
        ),
        Some("capacity-worker") => capacity::worker(
            &args[1],
            flag("--process", 0),
            flag("--connections", 1),
        ),
        Some("worker") => worker(
            &args[1],
            flag("--first-agent", 1),
            flag("--threads", 1),
        ),
        _ => Err(
            "usage: stress stress [--processes K --threads T --sessions N --postgres] | crash [--rounds R] | capacity [--rounds R --postgres] | messages [--messages M --postgres]"
                .into(),
        ),
    }
}

/// A new database in a temporary directory: `agents` agents in one topic, `sessions` waiting.
fn seed(dir: &Path, agents: u64, sessions: u64) -> Result<PathBuf, Failure> {
    let path = dir.join("stress.db");
    drop(SqliteStore::create(&path, &SqliteOptions::default())?);
    let mut connection = Connection::open(&path)?;
    let transaction = connection.transaction()?;
    transaction.execute(
        "INSERT INTO chat_topic (id, name, welcome_message) VALUES (1, 'Stress', 'Hello {customer}, this is {agent}.')",
        [],
    )?;
    for agent in 1..=agents {
        transaction.execute(
            "INSERT INTO associate (associate_id, name, full_name) VALUES (?1, 'agent' || ?1, 'Agent ' || ?1)",
            [agent],
        )?;
        transaction.execute(
            "INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond) VALUES (?1, 1, 1, 1)",
            [agent],
        )?;
    }
    transaction.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO chat_session (topic_id, name, status, when_requested, session_key, initial_queue_pos) \
         SELECT 1, 'customer ' || i, 4, \
                strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' seconds') || '.000000', \
                hex(randomblob(16)), i FROM n",
        [sessions],
    )?;
    transaction.commit()?;
    Ok(path)
}

/// The same on a new database of `cluster`; its URL.
fn seed_postgres(
    cluster: &test_support::Cluster,
    agents: u64,
    sessions: u64,
) -> Result<String, Failure> {
    let url = cluster.database();
    let stores = PgStores::new(&url.parse()?, PgOptions::default())?;
    stores.store(None)?;
    postgres(&url, &format!(
        "INSERT INTO chat_topic (id, name, welcome_message) VALUES (1, 'Stress', 'Hello {{customer}}, this is {{agent}}.');
         INSERT INTO associate (associate_id, name, full_name)
             SELECT i, 'agent' || i, 'Agent ' || i FROM generate_series(1, {agents}) i;
         INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond)
             SELECT i, 1, true, true FROM generate_series(1, {agents}) i;
         INSERT INTO chat_session (topic_id, name, status, when_requested, session_key, initial_queue_pos)
             SELECT 1, 'customer ' || i, 4, timestamptz '2026-01-01' + i * interval '1 second',
                    md5(random()::text), i FROM generate_series(1, {sessions}) i;"
    ))?;
    postgres(&url, "VACUUM ANALYZE")?;
    Ok(url)
}

/// Runs `sql` through `psql`; its output.
fn postgres(url: &str, sql: &str) -> Result<String, Failure> {
    let output = Command::new(test_support::Cluster::psql())
        .args(["-qtA", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        .output()?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

fn spawn_workers(target: &str, processes: u64, threads: u64) -> Result<Vec<Child>, Failure> {
    let exe = std::env::current_exe()?;
    (0..processes)
        .map(|process| {
            Command::new(&exe)
                .arg("worker")
                .arg(target)
                .args(["--first-agent", &(process * threads + 1).to_string()])
                .args(["--threads", &threads.to_string()])
                .stdout(Stdio::piped())
                .spawn()
                .map_err(Failure::from)
        })
        .collect()
}

fn stress(processes: u64, threads: u64, sessions: u64, on_postgres: bool) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let agents = processes * threads;
    let cluster = if on_postgres {
        Some(test_support::Cluster::start(true).ok_or("PostgreSQL is not installed")?)
    } else {
        None
    };
    let target = match &cluster {
        Some(cluster) => seed_postgres(cluster, agents, sessions)?,
        None => seed(dir.path(), agents, sessions)?.display().to_string(),
    };
    let started = Instant::now();
    let workers = spawn_workers(&target, processes, threads)?;
    let mut picked: Vec<i64> = Vec::new();
    for worker in workers {
        let output = worker.wait_with_output()?;
        if !output.status.success() {
            return Err(format!("a worker failed: {}", output.status).into());
        }
        let text = String::from_utf8(output.stdout)?;
        picked.extend(acknowledged(&text).into_iter().map(|(session, _)| session));
    }
    let elapsed = started.elapsed();
    let total = picked.len();
    picked.sort_unstable();
    picked.dedup();
    let duplicates = total - picked.len();
    let report = if on_postgres {
        Invariants::check(|sql| Ok(postgres(&target, sql)?.trim().parse()?))?
    } else {
        let connection = Connection::open(&target)?;
        Invariants::check(|sql| Ok(connection.query_row(sql, [], |row| row.get(0))?))?
    };
    let backend = if on_postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}, {processes} processes x {threads} threads, {sessions} sessions: {total} pickups in {:.2} s \
         ({:.0}/s); duplicates {duplicates}, never picked {}, {report}",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        sessions as usize - picked.len(),
    );
    let clean = duplicates == 0
        && picked.len() as u64 == sessions
        && report.holds()
        && report.in_queue == 0;
    if clean {
        Ok(())
    } else {
        Err("the invariants do not hold".into())
    }
}

fn crash(rounds: u64, sessions: u64) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let path = seed(dir.path(), 8, sessions)?;
    for round in 1..=rounds {
        let workers = spawn_workers(&path.display().to_string(), 4, 2)?;
        // Past the workers' start-up (some 20 ms), so most rounds kill them mid-drain.
        std::thread::sleep(Duration::from_micros(10_000 + random_below(90_000)));
        let mut answered = Vec::new();
        for mut worker in workers {
            worker.kill()?;
            let output = worker.wait_with_output()?;
            answered.extend(acknowledged(&String::from_utf8_lossy(&output.stdout)));
        }
        let connection = Connection::open(&path)?;
        let integrity: String =
            connection.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        let report = Invariants::check(|sql| Ok(connection.query_row(sql, [], |row| row.get(0))?))?;
        let missing = missing(&connection, &answered)?;
        println!(
            "round {round}: integrity {integrity}, {report}, {} acknowledged, {missing} of them missing",
            answered.len()
        );
        if integrity != "ok" || !report.holds() || missing > 0 {
            return Err(format!("round {round} left the database inconsistent").into());
        }
        if report.in_queue == 0 {
            connection.execute(
                "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0",
                [],
            )?;
            connection.execute("DELETE FROM chat_message", [])?;
        }
    }
    println!("{rounds} rounds of SIGKILL: nothing half-done, no acknowledged pickup lost");
    Ok(())
}

/// The pickups a worker's output acknowledges: `session agent .` lines. A line cut short by
/// the kill lacks its final `.` and is not counted (it was not acknowledged).
fn acknowledged(output: &str) -> Vec<(i64, i64)> {
    output
        .lines()
        .filter_map(|line| match line.split(' ').collect::<Vec<_>>()[..] {
            [session, agent, "."] => Some((session.parse().ok()?, agent.parse().ok()?)),
            _ => None,
        })
        .collect()
}

/// How many of the `answered` pickups the database does not hold: the session not assigned,
/// or assigned to another agent.
fn missing(connection: &Connection, answered: &[(i64, i64)]) -> Result<usize, Failure> {
    let mut holder = connection
        .prepare("SELECT user_id FROM chat_session WHERE id = ?1 AND status IN (5, 6)")?;
    let mut missing = 0;
    for (session, agent) in answered {
        let held: Option<i64> = holder
            .query_row([session], |row| row.get(0))
            .optional()?
            .flatten();
        if held != Some(*agent) {
            missing += 1;
        }
    }
    Ok(missing)
}

fn random_below(bound: u64) -> u64 {
    u64::from_le_bytes(chat_pickup::account::random::bytes::<8>()) % bound.max(1)
}

/// A store on `target` (a file or a PostgreSQL URL) with a connection of its own.
fn open(target: &str, options: &SqliteOptions) -> Result<std::sync::Arc<dyn Store>, String> {
    if PgTarget::is_url(target) {
        let target: PgTarget = target.parse()?;
        let options = PgOptions {
            connections: 1,
            timeout: Duration::from_secs(30),
            ..PgOptions::default()
        };
        let stores = PgStores::new(&target, options).map_err(|e| e.to_string())?;
        stores.store(None).map_err(|e| e.to_string())
    } else {
        let store = SqliteStore::open_existing(Path::new(target), options);
        Ok(std::sync::Arc::new(store.map_err(|e| e.to_string())?))
    }
}

/// Picks with agents `first..first + threads`, one thread and store each, until the queue
/// is empty; prints each pickup as `session agent .` the moment the store answers for it.
fn worker(target: &str, first: u64, threads: u64) -> Result<(), Failure> {
    let options = SqliteOptions {
        busy_timeout: Duration::from_secs(30),
        ..SqliteOptions::default()
    };
    let handles: Vec<_> = (first..first + threads)
        .map(|id| {
            let target = target.to_string();
            let options = options.clone();
            std::thread::spawn(move || -> Result<(), String> {
                let store = open(&target, &options)?;
                let agent = Agent {
                    associate_id: id as i64,
                    name: format!("agent{id}"),
                    display_name: format!("Agent {id}"),
                };
                loop {
                    match store
                        .pickup(Actor::new(&agent, Timestamp::now()), Which::First)
                        .map(Claim::taken)
                    {
                        Ok(Some(pickup)) => println!("{} {id} .", pickup.session_id),
                        Ok(None) => return Ok(()),
                        Err(StoreError::Busy(_)) => continue,
                        Err(error) => return Err(error.to_string()),
                    }
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().map_err(|_| "a thread panicked")??;
    }
    Ok(())
}

/// What the database says after a run.
struct Invariants {
    in_queue: i64,
    assigned: i64,
    /// Sessions in the queue that have a welcome message (half-done).
    queued_with_welcome: i64,
    /// Assigned sessions without exactly one welcome message.
    assigned_without_one_welcome: i64,
    /// Agents holding two active sessions of the same Rank.
    shared_ranks: i64,
}

impl Invariants {
    /// The counts, each read with `count` (SQL written for both backends).
    fn check(count: impl Fn(&str) -> Result<i64, Failure>) -> Result<Self, Failure> {
        Ok(Self {
            in_queue: count("SELECT count(*) FROM chat_session WHERE status = 4")?,
            assigned: count(
                "SELECT count(*) FROM chat_session WHERE status IN (5, 6) AND user_id IS NOT NULL",
            )?,
            queued_with_welcome: count(
                "SELECT count(*) FROM chat_session s WHERE s.status = 4 \
                 AND EXISTS (SELECT 1 FROM chat_message m WHERE m.session_id = s.id)",
            )?,
            assigned_without_one_welcome: count(
                "SELECT count(*) FROM chat_session s WHERE s.status IN (5, 6) AND \
                 (SELECT count(*) FROM chat_message m WHERE m.session_id = s.id AND m.special_type = 1) <> 1",
            )?,
            shared_ranks: count(
                "SELECT count(*) FROM (SELECT user_id, rank FROM chat_session WHERE status IN (5, 6) \
                 GROUP BY user_id, rank HAVING count(*) > 1) AS shared",
            )?,
        })
    }

    fn holds(&self) -> bool {
        self.queued_with_welcome == 0
            && self.assigned_without_one_welcome == 0
            && self.shared_ranks == 0
    }
}

impl std::fmt::Display for Invariants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} assigned, {} in queue, {} queued with a welcome, {} assigned without exactly one welcome, {} shared ranks",
            self.assigned,
            self.in_queue,
            self.queued_with_welcome,
            self.assigned_without_one_welcome,
            self.shared_ranks
        )
    }
}
