//! The message race (see the crate's doc): 16 agents in 4 processes, each posting into the
//! session they hold at once, every message under an `Idempotency-Key` - retried with the
//! same key after a busy database, and every fifth sent twice on purpose. Afterwards each
//! session must hold exactly the messages its agent was answered for, each once, in the
//! order they were sent, its LastMessage the last of them.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chat_pickup::account::Agent;
use chat_pickup::chat::idempotency::{IdempotencyKey, Keyed};
use chat_pickup::chat::post::NewMessage;
use chat_pickup::chat::queue::Which;
use chat_pickup::chat::{Actor, Change, Move};
use chat_pickup::entity::Value;
use chat_pickup::store::sqlite::SqliteOptions;
use chat_pickup::store::{Store, StoreError};
use chat_pickup::time::Timestamp;
use rusqlite::Connection;

use super::{Failure, open, postgres, seed, seed_postgres};

const PROCESSES: u64 = 4;
const THREADS: u64 = 4;
const AGENTS: u64 = PROCESSES * THREADS;

pub fn run(messages: u64, on_postgres: bool) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let cluster = match on_postgres {
        true => Some(test_support::Cluster::start(true).ok_or("PostgreSQL is not installed")?),
        false => None,
    };
    let target = match &cluster {
        Some(cluster) => seed_postgres(cluster, AGENTS, AGENTS)?,
        None => seed(dir.path(), AGENTS, AGENTS)?.display().to_string(),
    };
    let store = open(&target, &SqliteOptions::default())?;
    for id in 1..=AGENTS {
        let agent = agent(id);
        store.pickup(Actor::new(&agent, Timestamp::now()), Which::First)?;
    }
    drop(store);
    let started = Instant::now();
    let exe = std::env::current_exe()?;
    let workers: Vec<_> = (0..PROCESSES)
        .map(|process| {
            Command::new(&exe)
                .args(["messages-worker", &target])
                .args(["--first-agent", &(process * THREADS + 1).to_string()])
                .args(["--threads", &THREADS.to_string()])
                .args(["--messages", &messages.to_string()])
                .stdout(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    let mut answered: Vec<(i64, String)> = Vec::new();
    for worker in workers {
        let output = worker.wait_with_output()?;
        if !output.status.success() {
            return Err(format!("a worker failed: {}", output.status).into());
        }
        for line in String::from_utf8(output.stdout)?.lines() {
            if let [id, text, "."] = line.split(' ').collect::<Vec<_>>()[..] {
                answered.push((id.parse()?, text.to_string()));
            }
        }
    }
    let elapsed = started.elapsed();
    let stored = stored(&target, on_postgres)?;
    let problems = check(&stored, &answered, messages);
    let backend = if on_postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}, {AGENTS} agents posting {messages} messages each ({} sends with the repeats): \
         {} answered in {:.2} s ({:.0}/s); {} stored; {}",
        messages + messages / 5,
        answered.len(),
        elapsed.as_secs_f64(),
        answered.len() as f64 / elapsed.as_secs_f64(),
        stored.len(),
        if problems.is_empty() {
            "none lost, none doubled, in order".to_string()
        } else {
            problems.join("; ")
        },
    );
    match problems.is_empty() {
        true => Ok(()),
        false => Err("the invariants do not hold".into()),
    }
}

/// Every agent message stored, `(session, id, text, session's LastMessage)` in id order.
fn stored(target: &str, on_postgres: bool) -> Result<Vec<(i64, i64, String, String)>, Failure> {
    let sql = "SELECT m.session_id, m.id, m.message, s.last_message FROM chat_message m \
               JOIN chat_session s ON s.id = m.session_id WHERE m.special_type = 0 ORDER BY m.id";
    if on_postgres {
        let out = postgres(
            target,
            &sql.replace(
                "SELECT m.session_id, m.id, m.message, s.last_message",
                "SELECT m.session_id || ' ' || m.id || ' ' || m.message || ' ' || s.last_message",
            ),
        )?;
        return out
            .lines()
            .map(|line| match line.split(' ').collect::<Vec<_>>()[..] {
                [session, id, text, last] => {
                    Ok((session.parse()?, id.parse()?, text.into(), last.into()))
                }
                _ => Err(format!("unexpected row {line:?}").into()),
            })
            .collect();
    }
    let connection = Connection::open(target)?;
    let mut statement = connection.prepare(sql)?;
    let rows = statement.query_map([], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What is wrong with `stored`, given what the workers were `answered`: each agent's
/// messages `agent-1 ... agent-N` once each, in order, in their session, answered as
/// stored, and the session's LastMessage the last.
fn check(
    stored: &[(i64, i64, String, String)],
    answered: &[(i64, String)],
    messages: u64,
) -> Vec<String> {
    let mut problems = Vec::new();
    if stored.len() as u64 != AGENTS * messages {
        problems.push(format!(
            "{} stored, {} sent",
            stored.len(),
            AGENTS * messages
        ));
    }
    for agent in 1..=AGENTS {
        let texts: Vec<&str> = stored
            .iter()
            .filter(|(_, _, text, _)| text.starts_with(&format!("{agent}-")))
            .map(|(_, _, text, _)| text.as_str())
            .collect();
        let expected: Vec<String> = (1..=messages).map(|seq| format!("{agent}-{seq}")).collect();
        if texts != expected.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!(
                "agent {agent}'s messages are not each once in order"
            ));
        }
        let sessions: Vec<i64> = stored
            .iter()
            .filter(|(_, _, text, _)| text.starts_with(&format!("{agent}-")))
            .map(|(session, ..)| *session)
            .collect();
        let last = stored
            .iter()
            .rev()
            .find(|(_, _, text, _)| text.starts_with(&format!("{agent}-")));
        if let Some((_, _, text, copy)) = last
            && copy != text
        {
            problems.push(format!(
                "agent {agent}'s session keeps {copy:?} as its last message, not {text:?}"
            ));
        }
        if sessions.windows(2).any(|pair| pair[0] != pair[1]) {
            problems.push(format!(
                "agent {agent}'s messages are in more than one session"
            ));
        }
    }
    for (id, text) in answered {
        if !stored
            .iter()
            .any(|(_, stored_id, stored_text, _)| stored_id == id && stored_text == text)
        {
            problems.push(format!(
                "message {id} ({text}) was answered but is not stored"
            ));
        }
    }
    problems
}

fn agent(id: u64) -> Agent {
    Agent {
        associate_id: id as i64,
        name: format!("agent{id}"),
        display_name: format!("Agent {id}"),
    }
}

/// Posts `messages` with agents `first..first + threads`, one thread and store each, into
/// the session each holds; prints each as `id text .` once the store answers for it.
pub fn worker(target: &str, first: u64, threads: u64, messages: u64) -> Result<(), Failure> {
    let options = SqliteOptions {
        busy_timeout: Duration::from_secs(30),
        ..SqliteOptions::default()
    };
    let handles: Vec<_> = (first..first + threads)
        .map(|id| {
            let (target, options) = (target.to_string(), options.clone());
            std::thread::spawn(move || -> Result<(), String> {
                let store = open(&target, &options)?;
                let agent = agent(id);
                let session = held(store.as_ref(), &agent)?;
                for seq in 1..=messages {
                    let text = format!("{id}-{seq}");
                    let sends = if seq % 5 == 0 { 2 } else { 1 };
                    for _ in 0..sends {
                        let posted = post(store.as_ref(), &agent, session, &text)?;
                        println!("{posted} {text} .");
                    }
                }
                Ok(())
            })
        })
        .collect();
    for handle in handles {
        handle.join().map_err(|_| "a thread panicked")??;
    }
    Ok(())
}

/// The session `agent` holds.
fn held(store: &dyn Store, agent: &Agent) -> Result<i64, String> {
    let sessions = store
        .agent_sessions(agent)
        .map_err(|error| error.to_string())?;
    let session = sessions
        .first()
        .and_then(|session| match session.get("ChatSessionId") {
            Some(Value::Int(id)) => Some(*id),
            _ => None,
        });
    session.ok_or_else(|| format!("{} holds no session", agent.name))
}

/// Posts `text` under a key of its own, retried with the same key while the database is
/// busy; the message's id.
fn post(store: &dyn Store, agent: &Agent, session: i64, text: &str) -> Result<i64, String> {
    let key = IdempotencyKey::parse(&format!("k-{text}")).map_err(str::to_string)?;
    let message =
        NewMessage::new(text, None, None, "").map_err(|invalid| format!("{invalid:?}"))?;
    loop {
        let now = Timestamp::now();
        let keyed = Keyed {
            key: &key,
            operation: "add-message",
            expired_before: now.before(Duration::from_secs(3600)),
        };
        let actor = Actor {
            agent,
            now,
            key: Some(keyed),
            context: "",
        };
        match store.change(actor, session, &Move::Post(message.clone())) {
            Ok(Change::Made(posted) | Change::Replayed(Some(posted))) => {
                return match posted.get("ChatMessageId") {
                    Some(Value::Int(id)) => Ok(*id),
                    _ => Err("a message without an id".into()),
                };
            }
            Ok(other) => return Err(format!("{text}: {other:?}")),
            Err(StoreError::Busy(_)) => continue,
            Err(error) => return Err(error.to_string()),
        }
    }
}
