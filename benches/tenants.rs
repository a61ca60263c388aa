//! Thousands of small tenants on one local server under a descriptor limit (issue 18's
//! proof): the real binary, `serve --tenants-dir`, started under `ulimit -n`.
//!
//! 1. Quiet: one hot tenant's pickup latency, alone.
//! 2. Busy: the same while another client touches cold tenants one after another (each a
//!    file to open, and beyond the bound on open tenants, one to close).
//! 3. Every tenant picked up twice, in random order, by 8 keep-alive clients (`--clients`).
//!
//! Prints the hot tenant's median and p99 quiet and busy, their ratio, every status seen,
//! the server's resident memory and open descriptors at the end; fails on any answer but 200,
//! or if the server died.
//!
//! With `--new-connection-each`, an access pattern instead: every tenant (2,000 by default)
//! picked up twice in random order by 8 clients (`--clients`), each request on a new connection
//! (`Connection: close`), against a fresh server under `ulimit -n`; then the same order by 8
//! keep-alive clients against another fresh server, as the baseline. For each, the server's
//! resident memory at the end and its peak (`VmRSS`, `VmHWM`), read from `/proc`. It fails on
//! any answer but 200, a dead server, or - only when `--max-resident-mb` is given - a
//! resident set at the end above that many MB.
//!
//! ```sh
//! cargo bench --bench tenants                                # 5,000 tenants, ulimit -n 1024
//! cargo bench --bench tenants -- --tenants 600 --cold 400 --nofile 256
//! cargo bench --bench tenants -- --new-connection-each      # 2,000 tenants, ulimit -n 1024
//! cargo bench --bench tenants -- --new-connection-each --tenants 600 --nofile 256
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{Admin, NewSession, NewTopic};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use rand::seq::SliceRandom;
use test_support::credentials::{PASSWORD_HASH, RESPOND, agent};
use test_support::http::{Failure, percentile};
use test_support::process::{free_port, resources, serve, wait_until_serving};

struct Settings {
    tenants: usize,
    cold: usize,
    nofile: u64,
    hot_pickups: usize,
    /// Concurrent clients in the random phases.
    clients: usize,
    /// The access-pattern comparison instead of the hot and cold phases.
    new_connection_each: bool,
    /// A ceiling (MB) on the new-connection server's resident set at the end, if any.
    max_resident_mb: Option<u64>,
}

fn settings() -> Result<Settings, Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| -> Result<u64, Failure> {
        match args.iter().position(|arg| arg == name) {
            Some(at) => Ok(args.get(at + 1).ok_or("a value is missing")?.parse()?),
            None => Ok(default),
        }
    };
    let new_connection_each = args.iter().any(|arg| arg == "--new-connection-each");
    let default_tenants = if new_connection_each { 2_000 } else { 5_000 };
    Ok(Settings {
        tenants: value("--tenants", default_tenants)? as usize,
        cold: value("--cold", 4_000)? as usize,
        nofile: value("--nofile", 1_024)?,
        hot_pickups: value("--hot", 400)? as usize,
        clients: value("--clients", 8)?.max(1) as usize,
        new_connection_each,
        max_resident_mb: match args.iter().any(|arg| arg == "--max-resident-mb") {
            true => Some(value("--max-resident-mb", 0)?),
            false => None,
        },
    })
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let settings = settings()?;
    if settings.new_connection_each {
        return compare(&settings).await;
    }
    let dir = tempfile::tempdir()?;
    let tenants = dir.path().join("tenants");
    std::fs::create_dir(&tenants)?;
    let template = dir.path().join("template.db");
    seed(&template, 3)?;
    for index in 0..settings.tenants {
        std::fs::copy(&template, tenants.join(format!("t{index}.db")))?;
    }
    seed(&tenants.join("hot.db"), 2 * settings.hot_pickups)?;
    let addr = free_port()?;
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let tenants = tenants.to_string_lossy();
    let extra = ["--tenants-dir", tenants.as_ref()];
    let mut server = serve(binary, dir.path(), addr, settings.nofile, &extra)?;
    let outcome = run(&settings, addr, &mut server).await;
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

async fn run(settings: &Settings, addr: SocketAddr, server: &mut Child) -> Result<(), Failure> {
    wait_until_serving(addr).await?;
    let statuses = Arc::new(Mutex::new(BTreeMap::new()));
    let quiet = hot(addr, settings.hot_pickups / 2, &statuses).await?;
    let cold = tokio::spawn(touch(addr, cold_order(settings), statuses.clone()));
    let busy = hot(addr, settings.hot_pickups / 2, &statuses).await?;
    cold.await??;
    let mut all: Vec<usize> = (0..settings.tenants).chain(0..settings.tenants).collect();
    all.shuffle(&mut rand::thread_rng());
    let start = Instant::now();
    let parts: Vec<Vec<usize>> = all
        .chunks(all.len().div_ceil(settings.clients))
        .map(<[usize]>::to_vec)
        .collect();
    let clients: Vec<_> = parts
        .into_iter()
        .map(|part| tokio::spawn(touch(addr, part, statuses.clone())))
        .collect();
    for client in clients {
        client.await??;
    }
    let elapsed = start.elapsed();
    let alive = server.try_wait()?.is_none();
    let (rss_kib, descriptors) = resources(server.id());
    let ratio = percentile(&busy, 0.5) / percentile(&quiet, 0.5);
    println!(
        "{} tenants, ulimit -n {}: {} pickups in {:.1} s ({:.0}/s)",
        settings.tenants,
        settings.nofile,
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "hot tenant p50/p99 us: quiet {:.0}/{:.0}, while {} cold tenants are touched {:.0}/{:.0}; median ratio {ratio:.2}",
        percentile(&quiet, 0.5),
        percentile(&quiet, 0.99),
        settings.cold.min(settings.tenants),
        percentile(&busy, 0.5),
        percentile(&busy, 0.99),
    );
    let statuses = statuses.lock().unwrap().clone();
    println!(
        "statuses {statuses:?}; server alive {alive}; resident {:.1} MiB; descriptors {descriptors}",
        rss_kib as f64 / 1024.0
    );
    if !alive || statuses.keys().any(|status| *status != 200) {
        return Err("a tenant was not served, or the server died".into());
    }
    Ok(())
}

/// How the random phase's clients connect.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Connections {
    KeepAlive,
    NewEach,
}

impl Connections {
    fn label(self) -> &'static str {
        match self {
            Self::KeepAlive => "keep-alive",
            Self::NewEach => "new connection each",
        }
    }
}

/// What one server looked like after its random phase.
struct Outcome {
    pickups: usize,
    elapsed: Duration,
    statuses: BTreeMap<u16, usize>,
    alive: bool,
    memory: Memory,
    descriptors: usize,
}

/// The access-pattern comparison: the same random order of pickups, on a new connection
/// each, then on keep-alive connections, each against a fresh server over fresh copies of
/// the tenants.
async fn compare(settings: &Settings) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let template = dir.path().join("template.db");
    seed(&template, 3)?;
    let mut order: Vec<usize> = (0..settings.tenants).chain(0..settings.tenants).collect();
    order.shuffle(&mut rand::thread_rng());
    let mut failed = false;
    let mut new_each_rss = 0;
    for mode in [Connections::NewEach, Connections::KeepAlive] {
        let run_dir = dir.path().join(match mode {
            Connections::KeepAlive => "keep-alive",
            Connections::NewEach => "new-each",
        });
        let tenants = run_dir.join("tenants");
        std::fs::create_dir_all(&tenants)?;
        for index in 0..settings.tenants {
            std::fs::copy(&template, tenants.join(format!("t{index}.db")))?;
        }
        let addr = free_port()?;
        let binary = env!("CARGO_BIN_EXE_chat-pickup");
        let tenants = tenants.to_string_lossy();
        let extra = ["--tenants-dir", tenants.as_ref()];
        let mut server = serve(binary, &run_dir, addr, settings.nofile, &extra)?;
        let outcome = random_phase(addr, &order, settings.clients, mode, &mut server).await;
        let _ = server.kill();
        let _ = server.wait();
        let outcome = outcome?;
        println!(
            "{} tenants, ulimit -n {}, {}: {} pickups in {:.1} s ({:.0}/s); statuses {:?}; \
             server alive {}; resident at the end {}, peak {}; descriptors {}",
            settings.tenants,
            settings.nofile,
            mode.label(),
            outcome.pickups,
            outcome.elapsed.as_secs_f64(),
            outcome.pickups as f64 / outcome.elapsed.as_secs_f64(),
            outcome.statuses,
            outcome.alive,
            megabytes(outcome.memory.rss_kib),
            megabytes(outcome.memory.hwm_kib),
            outcome.descriptors,
        );
        if mode == Connections::NewEach {
            new_each_rss = outcome.memory.rss_kib;
        }
        failed |= !outcome.alive || outcome.statuses.keys().any(|status| *status != 200);
    }
    if failed {
        return Err("a tenant was not served, or the server died".into());
    }
    if let Some(ceiling) = settings.max_resident_mb
        && new_each_rss * 1024 > ceiling * 1_000_000
    {
        return Err(format!(
            "resident at the end {} is above {ceiling} MB",
            megabytes(new_each_rss)
        )
        .into());
    }
    Ok(())
}

/// `order`'s pickups (tenant indexes) by `clients` clients connecting as `mode` says.
async fn random_phase(
    addr: SocketAddr,
    order: &[usize],
    clients: usize,
    mode: Connections,
    server: &mut Child,
) -> Result<Outcome, Failure> {
    wait_until_serving(addr).await?;
    let statuses = Arc::new(Mutex::new(BTreeMap::new()));
    let start = Instant::now();
    let clients: Vec<_> = order
        .chunks(order.len().div_ceil(clients))
        .map(<[usize]>::to_vec)
        .map(|part| match mode {
            Connections::KeepAlive => tokio::spawn(touch(addr, part, statuses.clone())),
            Connections::NewEach => tokio::spawn(touch_each_new(addr, part, statuses.clone())),
        })
        .collect();
    for client in clients {
        client.await??;
    }
    let elapsed = start.elapsed();
    let alive = server.try_wait()?.is_none();
    let memory = memory(server.id());
    let (_, descriptors) = resources(server.id());
    let statuses = statuses.lock().unwrap().clone();
    Ok(Outcome {
        pickups: order.len(),
        elapsed,
        statuses,
        alive,
        memory,
        descriptors,
    })
}

/// A process's resident set now and at its peak, in KiB.
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

/// `VmRSS` and `VmHWM` from `/proc/{pid}/status` (0 if the process is gone).
fn memory(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
    }
}

/// KiB as MiB and as (decimal) MB.
fn megabytes(kib: u64) -> String {
    format!(
        "{:.1} MiB ({:.1} MB)",
        kib as f64 / 1024.0,
        kib as f64 * 1024.0 / 1e6
    )
}

/// A tenant database: `tje0` answering in one topic, `sessions` customers waiting.
fn seed(path: &Path, sessions: usize) -> Result<(), Failure> {
    let store = SqliteStore::create(path, &SqliteOptions::default())?;
    store.add_associate("tje0", "Thomas Jensen", &PASSWORD_HASH)?;
    store.add_topic(&NewTopic::new("Support", "Hi {customer}, {agent} here."))?;
    store.add_member("tje0", "Support", RESPOND)?;
    for index in 0..sessions {
        let new = NewSession {
            topic: "Support".into(),
            customer_name: format!("customer {index}"),
            first_message: "Hello?".into(),
            ..NewSession::default()
        };
        store.enqueue(&new, Timestamp::now())?;
    }
    store.connection().execute_batch("VACUUM")?;
    Ok(())
}

/// The hot tenant's pickups, one at a time; their latencies, sorted.
async fn hot(
    addr: SocketAddr,
    pickups: usize,
    statuses: &Mutex<BTreeMap<u16, usize>>,
) -> Result<Vec<Duration>, Failure> {
    let mut client = Pickups::connect(addr).await?;
    let mut latencies = Vec::with_capacity(pickups);
    for _ in 0..pickups {
        let start = Instant::now();
        let status = client.pickup("hot").await?;
        latencies.push(start.elapsed());
        *statuses.lock().unwrap().entry(status).or_default() += 1;
    }
    latencies.sort_unstable();
    Ok(latencies)
}

/// The cold tenants the busy phase touches, each once.
fn cold_order(settings: &Settings) -> Vec<usize> {
    (0..settings.cold.min(settings.tenants)).collect()
}

/// One pickup in each of `tenants` (by index), on one keep-alive connection.
async fn touch(
    addr: SocketAddr,
    tenants: Vec<usize>,
    statuses: Arc<Mutex<BTreeMap<u16, usize>>>,
) -> Result<(), Failure> {
    let mut client = Pickups::connect(addr).await?;
    for index in tenants {
        let status = client.pickup(&format!("t{index}")).await?;
        *statuses.lock().unwrap().entry(status).or_default() += 1;
    }
    Ok(())
}

/// One pickup in each of `tenants` (by index), each on a connection of its own that the
/// request asks to close (`Connection: close`).
async fn touch_each_new(
    addr: SocketAddr,
    tenants: Vec<usize>,
    statuses: Arc<Mutex<BTreeMap<u16, usize>>>,
) -> Result<(), Failure> {
    for index in tenants {
        let mut client = Pickups::connect(addr).await?;
        client.close_after = true;
        let status = client.pickup(&format!("t{index}")).await?;
        *statuses.lock().unwrap().entry(status).or_default() += 1;
    }
    Ok(())
}

/// A keep-alive connection picking up in any tenant.
struct Pickups {
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Empty<hyper::body::Bytes>>,
    authorization: String,
    /// Whether requests ask the server to close the connection after answering.
    close_after: bool,
}

impl Pickups {
    async fn connect(addr: SocketAddr) -> Result<Self, Failure> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, connection) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(connection);
        Ok(Self {
            sender,
            authorization: agent("tje0"),
            close_after: false,
        })
    }

    /// The status of a pickup in `tenant`.
    async fn pickup(&mut self, tenant: &str) -> Result<u16, Failure> {
        use http_body_util::BodyExt;
        self.sender.ready().await?;
        let mut request = http::Request::post(format!("/{tenant}/api/v1/ChatSession/Pickup"))
            .header("host", "localhost")
            .header("authorization", &self.authorization);
        if self.close_after {
            request = request.header("connection", "close");
        }
        let request = request.body(http_body_util::Empty::new())?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        response.into_body().collect().await?;
        Ok(status)
    }
}
