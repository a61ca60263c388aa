//! Customers waiting in long polls on one local server: the real binary (`serve`, under
//! `ulimit -n 65536`) on a fresh SQLite file or, with `--backend postgres`, on a throwaway
//! PostgreSQL cluster (fsync on).
//!
//! **Waiters** (the default). N customers (`--waiters`, 10,000) start chats over HTTP, 16
//! agents pick them all up (each chat gets its welcome), and every customer opens
//! `GET .../Customer/ChatSession/{id}/Messages?after=<welcome>&wait=25` on a keep-alive
//! connection of its own. (The server serves 10,000 connections at once, and the agent needs
//! one: at most 9,999 customers wait.) With all of them waiting:
//!
//! - the server's resident memory against what it was just before the customers connected:
//!   bytes per waiting customer (a connection and a poll);
//! - R times (`--rounds`, 200), one at a time, an agent posts into the chat of a waiting
//!   customer chosen at random: the time from the agent's answer (the message is committed)
//!   to the customer's (the poll woken, its read done), and from the agent's send. After
//!   each round, on the agent's connection, the baseline: a customer's plain `wait=0` read,
//!   so that the wake reads as a ratio to a read on this shared machine at that moment.
//!
//! **Empty polls** (`empty`, SQLite). 64 keep-alive customers (`--clients`) each read their
//! own chat after its last message with `wait=0` - nothing new, `[]` - for `--seconds` (5):
//! reads/s and latency; beside it, the agents holding those chats reading the same messages
//! (no writer); then, on the same file, the bare indexed SELECT such a read amounts to (one
//! connection; and one connection per client on as many threads), and the read as the
//! server's writer runs it (one transaction: note the fetch, mark the agent's messages read,
//! the SELECT, the status).
//!
//! Fails on an answer other than the one expected, a poll not answered with its message
//! within its wait, or a server that died; never on speed. Where PostgreSQL is not
//! installed, `--backend postgres` says so and exits 0 (1 under `CHAT_PICKUP_REQUIRE_PG`).
//!
//! ```sh
//! cargo bench --bench waiters                                  # 10,000 waiters, 200 rounds
//! cargo bench --bench waiters -- --backend postgres --waiters 2000 --rounds 50
//! cargo bench --bench waiters -- empty --clients 64 --seconds 5
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{Admin, NewTopic};
use chat_pickup::store::postgres::{PgOptions, PgStores};
use chat_pickup::store::sql::{self, customer as customer_sql};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use http::Method;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rusqlite::params;
use serde_json::{Value, json};
use test_support::Cluster;
use test_support::credentials::{PASSWORD_HASH, RESPOND, agent};
use test_support::http::{Failure, PICKUP, session_of};
use test_support::process::{free_port, wait_until_serving};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinHandle;

/// Agents picking up (each cached after its first Basic verification): enough that the
/// pickups are done in a few seconds, few enough that their logins cost nothing to speak of.
const AGENTS: usize = 16;
/// Connections starting chats, picking up.
const CLIENTS: usize = 16;
/// The poll's wait, seconds: the most the API allows.
const WAIT: u64 = 25;
/// Customers connecting and making their first read at once. More only fills the server's
/// blocking pool with threads (each read waits on the writer in one), whose stacks would
/// count as the waiters' memory.
const OPENING: usize = 32;
/// A round picks a customer whose poll has at least this long left, so that a poll running
/// out empty while its message is on the way is a failure, not a race.
const MARGIN: Duration = Duration::from_secs(3);
/// The descriptors asked for, the server's and this process's own.
const NOFILE: u64 = 65_536;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

struct Settings {
    empty: bool,
    backend: Backend,
    waiters: usize,
    rounds: usize,
    clients: usize,
    seconds: u64,
}

fn settings() -> Result<Settings, Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| -> Result<u64, Failure> {
        match args.iter().position(|arg| arg == name) {
            Some(at) => Ok(args.get(at + 1).ok_or("a value is missing")?.parse()?),
            None => Ok(default),
        }
    };
    let backend = match args.iter().position(|arg| arg == "--backend") {
        None => Backend::Sqlite,
        Some(at) => match args.get(at + 1).map(String::as_str) {
            Some("sqlite") => Backend::Sqlite,
            Some("postgres") => Backend::Postgres,
            other => return Err(format!("--backend sqlite|postgres, not {other:?}").into()),
        },
    };
    Ok(Settings {
        // `cargo bench` adds `--bench` to the arguments; the mode is the one bare word.
        empty: args.iter().any(|arg| arg == "empty"),
        backend,
        waiters: value("--waiters", 10_000)? as usize,
        rounds: value("--rounds", 200)? as usize,
        clients: value("--clients", 64)? as usize,
        seconds: value("--seconds", 5)?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let settings = settings()?;
    let nofile = raise_nofile(NOFILE);
    let dir = tempfile::tempdir()?;
    let Some(database) = Database::create(settings.backend, dir.path()).await? else {
        return Ok(());
    };
    let mut server = Server::start(&database, dir.path())?;
    wait_until_serving(server.addr).await?;
    if settings.empty {
        empty_polls(&settings, &database, &mut server).await
    } else {
        waiters(&settings, nofile, &database, &mut server).await
    }
}

/// Raises this process's descriptor limit towards `wanted` (as root the hard limit too),
/// for one connection per waiting customer; the limit it got.
fn raise_nofile(wanted: u64) -> u64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the structs they are given.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return 1_024;
            }
            let raised = libc::rlimit {
                rlim_cur: wanted,
                rlim_max: wanted.max(limit.rlim_max),
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
                // Not root: the soft limit may still rise to the hard one.
                let soft = libc::rlimit {
                    rlim_cur: wanted.min(limit.rlim_max),
                    rlim_max: limit.rlim_max,
                };
                libc::setrlimit(libc::RLIMIT_NOFILE, &soft);
            }
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        }
        limit.rlim_cur
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = wanted;
        1_024
    }
}

// ---------------------------------------------------------------------------------------
// The database and the server

/// The database the server is started on: one topic, [`AGENTS`] agents answering in it.
enum Database {
    Sqlite {
        path: PathBuf,
        topic: i64,
    },
    Postgres {
        url: String,
        topic: i64,
        _cluster: Cluster,
    },
}

impl Database {
    /// `None` where PostgreSQL is asked for and not installed (said loudly by the cluster,
    /// which panics instead under `CHAT_PICKUP_REQUIRE_PG`).
    async fn create(backend: Backend, dir: &Path) -> Result<Option<Database>, Failure> {
        match backend {
            Backend::Sqlite => {
                let path = dir.join("default.db");
                let store = SqliteStore::create(&path, &SqliteOptions::default())?;
                let topic = seed(&store)?;
                Ok(Some(Database::Sqlite { path, topic }))
            }
            Backend::Postgres => {
                let Some(cluster) = Cluster::start(true) else {
                    eprintln!("*** waiters: PostgreSQL is not installed; nothing measured ***");
                    return Ok(None);
                };
                let url = cluster.database();
                let target = url.parse()?;
                // The stores block on their own runtime handle: off the async threads.
                let topic = tokio::task::spawn_blocking(move || -> Result<i64, Failure> {
                    let stores = PgStores::new(&target, PgOptions::default())?;
                    seed(stores.open(None, true)?.as_ref())
                })
                .await??;
                Ok(Some(Database::Postgres {
                    url,
                    topic,
                    _cluster: cluster,
                }))
            }
        }
    }

    /// What `serve --db` is given.
    fn name(&self) -> String {
        match self {
            Database::Sqlite { path, .. } => path.display().to_string(),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite { .. } => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    fn topic(&self) -> i64 {
        match self {
            Database::Sqlite { topic, .. } | Database::Postgres { topic, .. } => *topic,
        }
    }

    /// Every session's last message id, read behind the server's back: what each customer's
    /// widget knows from the reads it made before it polls.
    async fn last_messages(&self) -> Result<HashMap<i64, i64>, Failure> {
        const LAST: &str = "SELECT CAST(session_id AS bigint), CAST(max(id) AS bigint) \
                            FROM chat_message GROUP BY session_id";
        match self {
            Database::Sqlite { path, .. } => {
                let connection = rusqlite::Connection::open(path)?;
                let mut statement = connection.prepare(LAST)?;
                let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Database::Postgres { url, .. } => {
                let (client, connection) =
                    tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                let rows = client.query(LAST, &[]).await?;
                Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
            }
        }
    }
}

/// Agent 0 is `tje0`; the others `agent1`, `agent2`, ...
fn login(agent: usize) -> String {
    match agent {
        0 => "tje0".into(),
        _ => format!("agent{agent}"),
    }
}

/// [`AGENTS`] agents answering in one topic with a welcome message; the topic's id.
fn seed(admin: &dyn Admin) -> Result<i64, Failure> {
    for index in 0..AGENTS {
        admin.add_associate(&login(index), &login(index), &PASSWORD_HASH)?;
    }
    let topic = admin.add_topic(&NewTopic::new(
        "Sales",
        "Hello {customer}, this is {agent}.",
    ))?;
    for index in 0..AGENTS {
        admin.add_member(&login(index), "Sales", RESPOND)?;
    }
    Ok(topic)
}

/// The release binary serving the database on a loopback port.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// `serve` under `ulimit -n` [`NOFILE`] (as much as the hard limit allows where that is
    /// lower and the tool is not root). Starts are not rate-limited here: one address starts
    /// every chat, and the limits on starts per address and per topic are the server's
    /// defence against strangers, not what is measured (the variables are ignored by a build
    /// without them).
    fn start(database: &Database, dir: &Path) -> Result<Server, Failure> {
        let addr = free_port()?;
        let log = dir.join("server.log");
        let script = format!(
            r#"ulimit -n {NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" serve --db "$1" --addr "$2" 2>"$3""#
        );
        let child = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_chat-pickup")])
            .arg(database.name())
            .arg(addr.to_string())
            .arg(&log)
            .env("CHAT_PICKUP_STARTS_PER_SOURCE", "1000000")
            .env("CHAT_PICKUP_STARTS_PER_TOPIC", "1000000")
            .stdout(Stdio::null())
            .spawn()?;
        Ok(Server { child, addr, log })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The failure of a server that died: the end of its log.
    fn died(&self) -> Failure {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("the server died; its log ends:\n{}", tail.join("\n")).into()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What /proc says of a process.
#[derive(Clone, Copy)]
struct Usage {
    rss_kib: u64,
    descriptors: usize,
    threads: u64,
}

fn usage(pid: u32) -> Usage {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    Usage {
        rss_kib: field("VmRSS:"),
        descriptors: std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count),
        threads: field("Threads:"),
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

/// One keep-alive connection, as a customer's widget or an agent's client holds it.
struct Connection {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

/// An answer: status and body.
type Answer = (u16, Bytes);

impl Connection {
    async fn open(addr: SocketAddr) -> Result<Self, Failure> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, connection) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// `method` on `path` as `authorization` (none: a stranger), with a JSON body if any.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        authorization: Option<&str>,
        body: Option<String>,
    ) -> Result<Answer, Failure> {
        self.sender.ready().await?;
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost")
            .header("accept", "application/json");
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Full::new(body.map(Bytes::from).unwrap_or_default()))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        Ok((status, response.into_body().collect().await?.to_bytes()))
    }
}

/// The body of an answer with status `wanted`; else what came instead, as a failure.
fn expect(what: &str, (status, body): Answer, wanted: u16) -> Result<Bytes, Failure> {
    match status == wanted {
        true => Ok(body),
        false => Err(format!("{what}: {status} {}", String::from_utf8_lossy(&body)).into()),
    }
}

/// A customer's chat, picked up: what the customer reads with.
#[derive(Clone)]
struct Chat {
    session: i64,
    /// `SessionKey <key>`.
    authorization: String,
    /// The agent holding it.
    agent: usize,
    /// Its last message's id: the welcome.
    last: i64,
}

impl Chat {
    /// The customer's read after the last message, waiting up to `wait` seconds.
    fn read(&self, wait: u64) -> String {
        format!(
            "/api/v1/Customer/ChatSession/{}/Messages?after={}&wait={wait}",
            self.session, self.last
        )
    }
}

/// `count` chats started and picked up over HTTP, each with its welcome.
async fn chats(addr: SocketAddr, database: &Database, count: usize) -> Result<Vec<Chat>, Failure> {
    let start = Instant::now();
    let started = start_chats(addr, database.topic(), count).await?;
    let picking = Instant::now();
    let holders = pick_up_all(addr).await?;
    println!(
        "{}: {count} chats started in {:.1} s, picked up by {AGENTS} agents in {:.1} s",
        database.backend(),
        (picking - start).as_secs_f64(),
        picking.elapsed().as_secs_f64()
    );
    let last = database.last_messages().await?;
    started
        .into_iter()
        .map(|(session, authorization)| {
            Ok(Chat {
                session,
                authorization,
                agent: *holders.get(&session).ok_or("a chat nobody picked up")?,
                last: *last.get(&session).ok_or("a chat without messages")?,
            })
        })
        .collect()
}

/// `count` customers' starts in `topic`, from [`CLIENTS`] connections: each session's id and
/// the customer's `Authorization`.
async fn start_chats(
    addr: SocketAddr,
    topic: i64,
    count: usize,
) -> Result<Vec<(i64, String)>, Failure> {
    let path = format!("/api/v1/Customer/ChatTopic/{topic}/Sessions");
    let tasks: Vec<JoinHandle<Result<Vec<_>, Failure>>> = (0..CLIENTS)
        .map(|client| {
            let path = path.clone();
            tokio::spawn(async move {
                let mut connection = Connection::open(addr).await?;
                let mut started = Vec::new();
                for index in (client..count).step_by(CLIENTS) {
                    let body =
                        json!({"CustomerName": format!("Customer {index}"), "Message": "Hello?"});
                    let answer = connection
                        .send(Method::POST, &path, None, Some(body.to_string()))
                        .await?;
                    let view: Value = serde_json::from_slice(&expect("a start", answer, 201)?)?;
                    let session = view["ChatSessionId"].as_i64().ok_or("no ChatSessionId")?;
                    let key = view["SessionKey"].as_str().ok_or("no SessionKey")?;
                    started.push((session, format!("SessionKey {key}")));
                }
                Ok(started)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// The queue emptied by [`AGENTS`] agents, one connection each: who holds which session.
async fn pick_up_all(addr: SocketAddr) -> Result<HashMap<i64, usize>, Failure> {
    let tasks: Vec<JoinHandle<Result<Vec<_>, Failure>>> = (0..AGENTS)
        .map(|index| {
            tokio::spawn(async move {
                let mut connection = Connection::open(addr).await?;
                let authorization = agent(&login(index));
                let mut held = Vec::new();
                loop {
                    let answer = connection
                        .send(Method::POST, PICKUP, Some(&authorization), None)
                        .await?;
                    match &expect("a pickup", answer, 200)?[..] {
                        b"null" => return Ok(held),
                        session => held.push((session_of(session), index)),
                    }
                }
            })
        })
        .collect();
    let mut holders = HashMap::new();
    for task in tasks {
        holders.extend(task.await??);
    }
    Ok(holders)
}

/// The latency at `fraction` of sorted `values`, as test_support's `percentile` takes it.
fn percentile(values: &[f64], fraction: f64) -> f64 {
    let at = ((values.len() as f64 * fraction) as usize).min(values.len().saturating_sub(1));
    values.get(at).copied().unwrap_or(0.0)
}

/// `to - from` in µs, negative where `to` came first.
fn signed_micros(from: Instant, to: Instant) -> f64 {
    match to.checked_duration_since(from) {
        Some(later) => later.as_secs_f64() * 1e6,
        None => -(from.duration_since(to).as_secs_f64() * 1e6),
    }
}

// ---------------------------------------------------------------------------------------
// Waiters

/// A customer waiting in a long poll, as the rounds see them.
struct Waiter {
    chat: Chat,
    /// Set before the agent writes: from then on, a poll running out empty is a failure.
    chosen: Arc<AtomicBool>,
    /// When the current poll stops waiting, in ms after the run's epoch.
    until: Arc<AtomicU64>,
    /// When the answer with messages arrived, and its body.
    answer: oneshot::Receiver<(Instant, Bytes)>,
    task: JoinHandle<Result<(), Failure>>,
}

/// What every waiter shares.
struct Shared {
    addr: SocketAddr,
    epoch: Instant,
    /// Polls that ran out and were made again (a widget polls on): none while the rounds
    /// run in time.
    rearmed: AtomicUsize,
}

async fn waiters(
    settings: &Settings,
    nofile: u64,
    database: &Database,
    server: &mut Server,
) -> Result<(), Failure> {
    let count = waiter_count(settings.waiters);
    if nofile < count as u64 + 256 {
        return Err(format!(
            "this process may open {nofile} descriptors: too few for {count} waiters"
        )
        .into());
    }
    // One chat more than there are waiters: the baseline customer's, read with `wait=0`.
    let mut chats = chats(server.addr, database, count + 1).await?;
    let baseline = chats.pop().ok_or("no chats")?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = usage(server.pid());
    let shared = Arc::new(Shared {
        addr: server.addr,
        epoch: Instant::now(),
        rearmed: AtomicUsize::new(0),
    });
    let opening = Instant::now();
    let mut waiters = open(chats, &shared).await?;
    let opened = opening.elapsed();
    // Every poll has been sent; the last have their first read done within moments.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waiting = usage(server.pid());
    let rounds = rounds(
        server.addr,
        &mut waiters,
        &baseline,
        settings.rounds,
        &shared,
    )
    .await?;
    let rearmed = shared.rearmed.load(Ordering::SeqCst);
    finish(waiters).await?;
    if !server.alive() {
        return Err(server.died());
    }
    print_waiters(database.backend(), count, opened, before, waiting);
    rounds.print(settings.rounds, rearmed);
    Ok(())
}

/// How many customers can wait at once: the server serves at most `Limits::connections` at
/// once (new connections wait in the listen backlog until one closes), and the agent's
/// connection must be one of them.
fn waiter_count(asked: usize) -> usize {
    let cap = chat_pickup::http::server::Limits::default().connections;
    if asked < cap {
        return asked;
    }
    let count = cap - 1;
    eprintln!(
        "*** waiters: the server serves at most {cap} connections at once \
         (http::server::Limits); {asked} waiters and the agent's connection would leave \
         the agent in the listen backlog, so {count} customers wait ***"
    );
    count
}

/// Every customer connected, its first read made and its poll sent; [`OPENING`] at a time.
async fn open(chats: Vec<Chat>, shared: &Arc<Shared>) -> Result<Vec<Waiter>, Failure> {
    let gate = Arc::new(Semaphore::new(OPENING));
    let (ready, mut readied) = mpsc::unbounded_channel();
    let mut waiters = Vec::with_capacity(chats.len());
    for chat in chats {
        let (answered, answer) = oneshot::channel();
        let chosen = Arc::new(AtomicBool::new(false));
        let until = Arc::new(AtomicU64::new(u64::MAX));
        let permit = gate.clone().acquire_owned().await?;
        let opened = Opened {
            chat: chat.clone(),
            shared: shared.clone(),
            chosen: chosen.clone(),
            until: until.clone(),
            ready: ready.clone(),
        };
        let task = tokio::spawn(opened.wait(permit, answered));
        waiters.push(Waiter {
            chat,
            chosen,
            until,
            answer,
            task,
        });
        if waiters.len() == 1 {
            // The server starts watching for other processes' changes at its first long
            // poll, and the watcher's first look rings every poll listening by then (each
            // reads again). One poll alone first, so that the rest do not depend on how soon
            // that thread first runs on this busy machine.
            next_ready(&mut readied).await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    for _ in 1..waiters.len() {
        next_ready(&mut readied).await?;
    }
    Ok(waiters)
}

/// The next customer's poll sent; or why it could not be.
async fn next_ready(
    readied: &mut mpsc::UnboundedReceiver<Result<(), String>>,
) -> Result<(), Failure> {
    let next = tokio::time::timeout(Duration::from_secs(60), readied.recv());
    let outcome = next
        .await
        .map_err(|_| "a customer's first read took a minute")?
        .ok_or("the customers stopped")?;
    Ok(outcome?)
}

/// One customer's side of the wait.
struct Opened {
    chat: Chat,
    shared: Arc<Shared>,
    chosen: Arc<AtomicBool>,
    until: Arc<AtomicU64>,
    /// Told once the poll is sent, or why it could not be.
    ready: mpsc::UnboundedSender<Result<(), String>>,
}

impl Opened {
    /// Connects, reads as a widget does before it polls (answered, the server has taken the
    /// connection), then polls until an answer brings messages; a poll that runs out empty
    /// is made again, unless the agent has written by then.
    async fn wait(
        self,
        permit: tokio::sync::OwnedSemaphorePermit,
        answered: oneshot::Sender<(Instant, Bytes)>,
    ) -> Result<(), Failure> {
        let first = async {
            let mut connection: Connection = Connection::open(self.shared.addr).await?;
            let read = connection
                .send(
                    Method::GET,
                    &self.chat.read(0),
                    Some(&self.chat.authorization),
                    None,
                )
                .await?;
            match &expect("a customer's read", read, 200)?[..] {
                b"[]" => Ok(connection),
                other => Err(Failure::from(format!(
                    "news before the poll: {}",
                    String::from_utf8_lossy(other)
                ))),
            }
        };
        let mut connection = match first.await {
            Ok(connection) => connection,
            Err(error) => {
                let _ = self.ready.send(Err(error.to_string()));
                return Ok(());
            }
        };
        drop(permit);
        let poll = self.chat.read(WAIT);
        let mut told = false;
        loop {
            let until = self.shared.epoch.elapsed() + Duration::from_secs(WAIT);
            self.until.store(until.as_millis() as u64, Ordering::SeqCst);
            let sent = connection.send(Method::GET, &poll, Some(&self.chat.authorization), None);
            if !std::mem::replace(&mut told, true) {
                let _ = self.ready.send(Ok(()));
            }
            let body = expect("a poll", sent.await?, 200)?;
            let arrived = Instant::now();
            if &body[..] != b"[]" {
                let _ = answered.send((arrived, body));
                return Ok(());
            }
            if self.chosen.load(Ordering::SeqCst) {
                return Err(format!(
                    "session {}: the poll ran out without the agent's message",
                    self.chat.session
                )
                .into());
            }
            self.shared.rearmed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The rounds' timings, µs.
struct Rounds {
    /// From the agent's answer to the customer's: negative where the customer's came first.
    woken: Vec<f64>,
    /// From the agent's send to the customer's answer.
    sent: Vec<f64>,
    /// A customer's `wait=0` read on the agent's connection, after each round.
    baseline: Vec<f64>,
}

/// `count` rounds, one at a time: the holder of a waiting customer's chat, chosen at random,
/// writes into it; the customer's poll must answer with the message.
async fn rounds(
    addr: SocketAddr,
    waiters: &mut [Waiter],
    baseline: &Chat,
    count: usize,
    shared: &Shared,
) -> Result<Rounds, Failure> {
    let mut connection = Connection::open(addr).await?;
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut untouched: Vec<usize> = (0..waiters.len()).collect();
    let mut timings = Rounds {
        woken: Vec::with_capacity(count),
        sent: Vec::with_capacity(count),
        baseline: Vec::with_capacity(count),
    };
    for round in 0..count {
        let soon = (shared.epoch.elapsed() + MARGIN).as_millis() as u64;
        let candidates: Vec<usize> = untouched
            .iter()
            .copied()
            .filter(|&at| waiters[at].until.load(Ordering::SeqCst) > soon)
            .collect();
        let &at = candidates
            .choose(&mut rng)
            .ok_or("no waiting customer has time left in their poll")?;
        untouched.retain(|&other| other != at);
        let waiter = &mut waiters[at];
        waiter.chosen.store(true, Ordering::SeqCst);
        let text = format!("Round {round}: your parcel is on its way.");
        let path = format!("/api/v1/ChatSession/{}/Messages", waiter.chat.session);
        let body = json!({ "Message": text }).to_string();
        let authorization = agent(&login(waiter.chat.agent));
        let sent = Instant::now();
        let answer = connection
            .send(Method::POST, &path, Some(&authorization), Some(body))
            .await?;
        let committed = Instant::now();
        expect("the agent's message", answer, 200)?;
        let (arrived, messages) = heard(waiter).await?;
        if !String::from_utf8_lossy(&messages).contains(&text) {
            return Err(format!(
                "a poll answered without the agent's message: {}",
                String::from_utf8_lossy(&messages)
            )
            .into());
        }
        timings.woken.push(signed_micros(committed, arrived));
        timings.sent.push(signed_micros(sent, arrived));
        let began = Instant::now();
        let read = connection
            .send(
                Method::GET,
                &baseline.read(0),
                Some(&baseline.authorization),
                None,
            )
            .await?;
        timings.baseline.push(began.elapsed().as_secs_f64() * 1e6);
        if &expect("the baseline read", read, 200)?[..] != b"[]" {
            return Err("news for the baseline customer".into());
        }
    }
    for timing in [&mut timings.woken, &mut timings.sent, &mut timings.baseline] {
        timing.sort_by(f64::total_cmp);
    }
    Ok(timings)
}

/// The chosen customer's answer, within their poll's wait; else why not.
async fn heard(waiter: &mut Waiter) -> Result<(Instant, Bytes), Failure> {
    let within = Duration::from_secs(WAIT) + Duration::from_secs(2);
    match tokio::time::timeout(within, &mut waiter.answer).await {
        Ok(Ok(answer)) => Ok(answer),
        // The customer's task ended without an answer: its failure says why.
        Ok(Err(_)) => match (&mut waiter.task).await? {
            Err(error) => Err(error),
            Ok(()) => Err("a customer stopped waiting without an answer".into()),
        },
        Err(_) => Err(format!(
            "session {}: no answer within the poll's wait",
            waiter.chat.session
        )
        .into()),
    }
}

/// Every customer who stopped waiting must have stopped well; the others hang up.
async fn finish(waiters: Vec<Waiter>) -> Result<(), Failure> {
    for waiter in waiters {
        if waiter.task.is_finished() {
            waiter.task.await??;
        } else {
            waiter.task.abort();
        }
    }
    Ok(())
}

fn print_waiters(backend: &str, count: usize, opened: Duration, before: Usage, waiting: Usage) {
    let grown_kib = waiting.rss_kib.saturating_sub(before.rss_kib);
    println!(
        "{backend}: {count} customers connected and waiting in {:.1} s (the first alone for 1 s)",
        opened.as_secs_f64()
    );
    println!(
        "server resident {:.1} MiB before, {:.1} MiB waiting: {:.0} bytes per waiting customer; \
         descriptors {} -> {}; threads {} -> {}",
        before.rss_kib as f64 / 1024.0,
        waiting.rss_kib as f64 / 1024.0,
        grown_kib as f64 * 1024.0 / count as f64,
        before.descriptors,
        waiting.descriptors,
        before.threads,
        waiting.threads
    );
}

impl Rounds {
    fn print(&self, count: usize, rearmed: usize) {
        println!(
            "{:<44} {:>9} {:>9} {:>9}",
            format!("{count} rounds, us"),
            "p50",
            "p99",
            "max"
        );
        let rows = [
            ("agent answered -> customer answered", &self.woken),
            ("agent sent -> customer answered", &self.sent),
            ("baseline: a customer's wait=0 read", &self.baseline),
        ];
        for (label, values) in rows {
            println!(
                "{label:<44} {:>9.0} {:>9.0} {:>9.0}",
                percentile(values, 0.5),
                percentile(values, 0.99),
                percentile(values, 1.0)
            );
        }
        let ratio =
            |fraction| percentile(&self.woken, fraction) / percentile(&self.baseline, fraction);
        println!(
            "woken / baseline: p50 {:.2}, p99 {:.2}; polls that ran out and were made again: {rearmed}",
            ratio(0.5),
            ratio(0.99)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Empty polls

async fn empty_polls(
    settings: &Settings,
    database: &Database,
    server: &mut Server,
) -> Result<(), Failure> {
    let Database::Sqlite { path, .. } = database else {
        return Err("empty polls are measured on SQLite: the bare SELECT is rusqlite's".into());
    };
    let chats = chats(server.addr, database, settings.clients).await?;
    let seconds = Duration::from_secs(settings.seconds);
    let customers = read_empty(server.addr, &chats, seconds, Reader::Customer).await?;
    let agents = read_empty(server.addr, &chats, seconds, Reader::Agent).await?;
    if !server.alive() {
        return Err(server.died());
    }
    // The bare figures run alone on the file, as the server would have.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let targets: Vec<(i64, i64)> = chats.iter().map(|chat| (chat.session, chat.last)).collect();
    let one = bare_selects(path, &targets, seconds)?;
    let threads = bare_selects_threaded(path, &targets, seconds)?;
    let written = bare_reads_as_written(path, &targets, seconds)?;
    println!(
        "{:<46} {:>7} {:>10} {:>9} {:>9}",
        "reads after the last message (nothing new)", "clients", "per s", "p50 us", "p99 us"
    );
    for (label, (elapsed, latencies)) in [
        ("customer, wait=0 (SessionKey; the writer)", &customers),
        ("agent (Basic; the reading connection)", &agents),
    ] {
        println!(
            "{label:<46} {:>7} {:>10.0} {:>9.0} {:>9.0}",
            chats.len(),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            percentile(latencies, 0.5),
            percentile(latencies, 0.99)
        );
    }
    let rate = customers.1.len() as f64 / customers.0.as_secs_f64();
    for (label, bare) in [
        ("bare SELECT, one connection", one),
        ("bare SELECT, a connection and thread each", threads),
        ("bare customer's read as the writer runs it", written),
    ] {
        println!(
            "{label:<46} {:>7} {bare:>10.0}   customer / bare {:.3}",
            "",
            rate / bare
        );
    }
    Ok(())
}

/// Who reads in the empty polls.
#[derive(Clone, Copy)]
enum Reader {
    /// The customer, `wait=0`: authenticated by the session's key, read in the writer's
    /// transaction (the fetch noted, the agent's messages marked read).
    Customer,
    /// The agent holding the chat, the same messages: a cached Basic credential, read on
    /// the reading connection.
    Agent,
}

impl Chat {
    /// The path and `Authorization` of `reader`'s read after the last message.
    fn read_as(&self, reader: Reader) -> (String, String) {
        match reader {
            Reader::Customer => (self.read(0), self.authorization.clone()),
            Reader::Agent => (
                format!(
                    "/api/v1/ChatSession/{}/Messages?after={}",
                    self.session, self.last
                ),
                agent(&login(self.agent)),
            ),
        }
    }
}

/// Each chat read after its last message by `reader`, back to back on a connection of its
/// own, for `seconds`: the time taken and every latency (µs, sorted).
async fn read_empty(
    addr: SocketAddr,
    chats: &[Chat],
    seconds: Duration,
    reader: Reader,
) -> Result<(Duration, Vec<f64>), Failure> {
    let start = Instant::now();
    let tasks: Vec<JoinHandle<Result<Vec<f64>, Failure>>> = chats
        .iter()
        .map(|chat| {
            let (path, authorization) = chat.read_as(reader);
            tokio::spawn(async move {
                let mut connection = Connection::open(addr).await?;
                let mut latencies = Vec::new();
                while start.elapsed() < seconds {
                    let began = Instant::now();
                    let read = connection
                        .send(Method::GET, &path, Some(&authorization), None)
                        .await?;
                    latencies.push(began.elapsed().as_secs_f64() * 1e6);
                    if &expect("an empty read", read, 200)?[..] != b"[]" {
                        return Err("news after the last message".into());
                    }
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let elapsed = start.elapsed();
    all.sort_by(f64::total_cmp);
    Ok((elapsed, all))
}

/// The messages after the last: what the customer's read selects.
const SELECT: &str = "SELECT m.id, m.session_id, m.type, m.message, m.author, m.read_by_customer, \
    m.special_type, m.special_param, m.when_posted FROM chat_message m \
    WHERE m.session_id = ?1 AND m.id > ?2 ORDER BY m.id";

/// Reads `targets` (session, after) in turn on `connection` until `until`: how many.
fn select_until(
    connection: &rusqlite::Connection,
    targets: &[(i64, i64)],
    until: Instant,
) -> Result<usize, Failure> {
    let mut statement = connection.prepare_cached(SELECT)?;
    let mut done = 0;
    while Instant::now() < until {
        let (session, after) = targets[done % targets.len()];
        if statement
            .query_map(params![session, after], |row| row.get::<_, i64>(0))?
            .count()
            != 0
        {
            return Err("news after the last message".into());
        }
        done += 1;
    }
    Ok(done)
}

/// The bare SELECT's rate on one connection.
fn bare_selects(path: &Path, targets: &[(i64, i64)], seconds: Duration) -> Result<f64, Failure> {
    let connection = rusqlite::Connection::open(path)?;
    let start = Instant::now();
    let done = select_until(&connection, targets, start + seconds)?;
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

/// The bare SELECT's rate on a connection and thread per target, together.
fn bare_selects_threaded(
    path: &Path,
    targets: &[(i64, i64)],
    seconds: Duration,
) -> Result<f64, Failure> {
    let start = Instant::now();
    let until = start + seconds;
    let done = std::thread::scope(|scope| -> Result<usize, Failure> {
        let threads: Vec<_> = targets
            .iter()
            .map(|target| {
                scope.spawn(move || -> Result<usize, Failure> {
                    let connection = rusqlite::Connection::open(path)?;
                    select_until(&connection, std::slice::from_ref(target), until)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().map_err(|_| "a reader panicked")?)
            .sum()
    })?;
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

/// The customer's read as the server's writer runs it, back to back on one connection at
/// FULL: `BEGIN IMMEDIATE`, where the session stands (and its topic's idle allowance), the
/// fetch noted (a write at most every 10 s a session), the agent's messages marked read
/// (none here), the SELECT, `COMMIT`.
fn bare_reads_as_written(
    path: &Path,
    targets: &[(i64, i64)],
    seconds: Duration,
) -> Result<f64, Failure> {
    let mut connection = rusqlite::Connection::open(path)?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    let (polled, fetched, read) = (
        sql::sqlite(customer_sql::POLLED),
        sql::sqlite(customer_sql::FETCHED),
        sql::sqlite(customer_sql::READ),
    );
    let start = Instant::now();
    let mut done = 0;
    while start.elapsed() < seconds {
        let (session, after) = targets[done % targets.len()];
        let now = Timestamp::now();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        transaction
            .prepare_cached(&polled)?
            .query_row([session], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })?;
        transaction.prepare_cached(&fetched)?.execute(params![
            session,
            now,
            now.before(Duration::from_secs(10)),
            now.after(Duration::from_secs(120))
        ])?;
        transaction
            .prepare_cached(&read)?
            .execute(params![session, after])?;
        let news = transaction
            .prepare_cached(SELECT)?
            .query_map(params![session, after], |row| row.get::<_, i64>(0))?
            .count();
        transaction.commit()?;
        if news != 0 {
            return Err("news after the last message".into());
        }
        done += 1;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}
