//! Password guessing against the real binary (issue 18's proof): 16 clients send wrong
//! passwords for one account from one address, as fast as they are answered, while another
//! agent picks up.
//!
//! 1. Quiet: the other agent's pickup latency, alone.
//! 2. Guessing: the same while the 16 clients guess for `--seconds` (default 10).
//!
//! Prints how many guesses were verified (a 401: each is one argon2 verification), how many
//! were refused unheard (429, each with `Retry-After`), the server's CPU time during the
//! guessing, and the other agent's median and p99 quiet and under guessing with their
//! ratio. Fails if more than 10 guesses were verified, a 429 lacked `Retry-After`, any other
//! status came back, or the other agent was refused.
//!
//! ```sh
//! cargo bench --bench guessing                     # 10 s
//! cargo bench --bench guessing -- --seconds 3
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{Admin, NewSession, NewTopic};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use test_support::credentials::{PASSWORD_HASH, RESPOND, agent, basic};
use test_support::http::{Client, Failure, PICKUP, percentile};
use test_support::process::{cpu_seconds, free_port, serve, wait_until_serving};

const GUESSERS: usize = 16;
/// The other agent's pickups while quiet, one at a time.
const PICKUPS: usize = 500;

/// What the guessers were answered: status, and whether `Retry-After` came with it.
type Tally = BTreeMap<(u16, bool), usize>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let seconds = seconds()?;
    let dir = tempfile::tempdir()?;
    seed(&dir.path().join("default.db"))?;
    let addr = free_port()?;
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let mut server = serve(binary, dir.path(), addr, 1_024, &[])?;
    let outcome = run(addr, server.id(), seconds).await;
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

fn seconds() -> Result<u64, Failure> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|arg| arg == "--seconds") {
        Some(at) => Ok(args.get(at + 1).ok_or("--seconds needs a value")?.parse()?),
        None => Ok(10),
    }
}

async fn run(addr: SocketAddr, pid: u32, seconds: u64) -> Result<(), Failure> {
    wait_until_serving(addr).await?;
    let mut honest = Client::connect(addr).await?;
    let quiet = pickups(&mut honest, None).await?;

    let tally = Arc::new(Mutex::new(Tally::new()));
    let cpu_before = cpu_seconds(pid);
    let until = Instant::now() + Duration::from_secs(seconds);
    let guessers: Vec<_> = (0..GUESSERS)
        .map(|guesser| tokio::spawn(guess(addr, until, tally.clone(), guesser)))
        .collect();
    let busy = pickups(&mut honest, Some(until)).await?;
    for guesser in guessers {
        guesser.await??;
    }
    let cpu = cpu_seconds(pid) - cpu_before;

    let tally = tally.lock().unwrap().clone();
    let count = |status, retry_after| tally.get(&(status, retry_after)).copied().unwrap_or(0);
    let verified = count(401, false);
    let refused = count(429, true);
    let ratio = percentile(&busy, 0.5) / percentile(&quiet, 0.5);
    println!(
        "{GUESSERS} clients guessing for {seconds} s: {verified} verified (401), {refused} refused unheard (429 with Retry-After); server CPU {cpu:.2} s"
    );
    println!(
        "other agent p50/p99 us: quiet {:.0}/{:.0}, under guessing {:.0}/{:.0} ({} pickups); median ratio {ratio:.2}",
        percentile(&quiet, 0.5),
        percentile(&quiet, 0.99),
        percentile(&busy, 0.5),
        percentile(&busy, 0.99),
        busy.len()
    );
    println!("guessers' answers (status, Retry-After): {tally:?}");
    if verified > 10 || verified + refused != tally.values().sum::<usize>() {
        return Err("more than 10 verifications, or an unexpected answer".into());
    }
    Ok(())
}

/// A database with the account under attack (`tje0`), another agent (`ola`) and customers
/// enough for every pickup.
fn seed(path: &std::path::Path) -> Result<(), Failure> {
    let store = SqliteStore::create(path, &SqliteOptions::default())?;
    for name in ["tje0", "ola"] {
        store.add_associate(name, name, &PASSWORD_HASH)?;
    }
    store.add_topic(&NewTopic::new("Support", "Hi {customer}, {agent} here."))?;
    store.add_member("ola", "Support", RESPOND)?;
    for index in 0..8 * PICKUPS {
        let new = NewSession {
            topic: "Support".into(),
            customer_name: format!("customer {index}"),
            ..NewSession::default()
        };
        store.enqueue(&new, Timestamp::now())?;
    }
    Ok(())
}

/// The other agent's pickups - `PICKUPS` of them, or as many as fit before `until` - and
/// their latencies, sorted.
async fn pickups(client: &mut Client, until: Option<Instant>) -> Result<Vec<Duration>, Failure> {
    let authorization = agent("ola");
    let mut latencies = Vec::new();
    while until.map_or(latencies.len() < PICKUPS, |until| Instant::now() < until) {
        let start = Instant::now();
        client.pickup(&authorization).await?;
        latencies.push(start.elapsed());
        // Paced as an agent is, in both phases alike: one caller, not a flood.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies.sort_unstable();
    Ok(latencies)
}

/// Wrong passwords for `tje0` on one keep-alive connection until `until`, each a new one:
/// identical credentials sent at once would share one verification.
async fn guess(
    addr: SocketAddr,
    until: Instant,
    tally: Arc<Mutex<Tally>>,
    guesser: usize,
) -> Result<(), Failure> {
    let mut client = Client::connect(addr).await?;
    let mut mine = Tally::new();
    let mut tries = 0;
    while Instant::now() < until {
        tries += 1;
        let wrong = basic("tje0", &format!("guess {guesser}.{tries}"));
        let answer = client.post(PICKUP, &wrong).await?;
        *mine
            .entry((answer.status, answer.retry_after.is_some()))
            .or_default() += 1;
    }
    let mut tally = tally.lock().unwrap();
    for (key, count) in mine {
        *tally.entry(key).or_default() += count;
    }
    Ok(())
}
