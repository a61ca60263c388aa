//! A slow webhook receiver does not slow the pickups. The real binary (`serve`) on a fresh
//! SQLite file with the demo data; one agent picks up the one waiting session and puts it
//! back (`Reset`), round after round, and each pickup is timed from its send to its answer:
//!
//! (The demo's first waiting session, taken and put back at its place each round.)
//!
//! 1. **baseline**: no webhook registered;
//! 2. **slow receiver**: a webhook for every event whose receiver (on loopback, in this
//!    process) answers each delivery after `--delay-ms` (2,000) - every pickup and reset
//!    records an event that the sender is still working through;
//! 3. **baseline again**: the webhook removed, for the machine's drift during the run.
//!
//! Prints each phase's p50 / p99 / max and the slow phase's as a ratio to the baselines, and
//! how many deliveries the receiver took. Fails on a pickup or reset that is not answered
//! 200, never on speed.
//!
//! ```sh
//! cargo bench --bench webhooks                      # 300 rounds a phase, 2 s receiver
//! cargo bench --bench webhooks -- --rounds 100 --delay-ms 500
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use chat_pickup::store::admin::{Admin, NewWebhook};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use hyper::body::Bytes;
use test_support::credentials::basic;
use test_support::http::{Client, Failure, PICKUP, percentile, session_of};
use test_support::process::{free_port, serve, wait_until_serving};
use test_support::receiver::Receiver;

struct Options {
    rounds: usize,
    delay: Duration,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        rounds: 300,
        delay: Duration::from_millis(2000),
    };
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--rounds" => options.rounds = value.parse()?,
            "--delay-ms" => options.delay = Duration::from_millis(value.parse()?),
            _ => return Err(format!("unknown option {arg}").into()),
        }
    }
    Ok(options)
}

/// `rounds` pickups of the waiting session, each put back; the pickups' times.
async fn rounds(client: &mut Client, rounds: usize) -> Result<Vec<Duration>, Failure> {
    let authorization = basic("tje0", "Tje0");
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let sent = Instant::now();
        let taken = client.post(PICKUP, &authorization).await?;
        times.push(sent.elapsed());
        if taken.status != 200 {
            return Err(format!("a pickup answered {}", taken.status).into());
        }
        let reset = format!("/api/v1/ChatSession/{}/Reset", session_of(&taken.body));
        let asked = (http::Method::POST, reset.as_str(), Bytes::new());
        let put_back = client.send(asked, &authorization, &[]).await?;
        if put_back.status != 200 {
            return Err(format!("a reset answered {}", put_back.status).into());
        }
    }
    Ok(times)
}

fn report(phase: &str, times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let (p50, p99) = (percentile(times, 0.50), percentile(times, 0.99));
    let max = times.iter().max().map_or(0, Duration::as_micros);
    println!("{phase:<42}{p50:>10.0}{p99:>10.0}{max:>10}");
    (p50, p99)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let options = options()?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("default.db");
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let seeded = Command::new(binary)
        .args(["--db", db.to_str().ok_or("a UTF-8 path")?, "demo"])
        .output()?;
    if !seeded.status.success() {
        return Err("the demo data could not be seeded".into());
    }
    let admin = SqliteStore::open_existing(&db, &SqliteOptions::default())?;

    let addr = free_port()?;
    let mut server = serve(binary, dir.path(), addr, 1_024, &[])?;
    wait_until_serving(addr).await?;
    let mut client = Client::connect(addr).await?;
    let receiver = Receiver::start().await;
    receiver.set_delay(options.delay);

    println!(
        "{} rounds a phase; receiver answers after {:?}",
        options.rounds, options.delay
    );
    println!(
        "{:<42}{:>10}{:>10}{:>10}",
        "pickup, us", "p50", "p99", "max"
    );
    let mut before = rounds(&mut client, options.rounds).await?;
    let (base50, base99) = report("baseline: no webhook", &mut before);
    let webhook = NewWebhook {
        name: "slow".into(),
        url: receiver.url(),
        events: "chatsession.created,chatsession.changed,chatsession.message".into(),
        secret: "a-slow-receivers-secret".into(),
    };
    admin.add_webhook(&webhook, Timestamp::now())?;
    let mut slow = rounds(&mut client, options.rounds).await?;
    let (slow50, slow99) = report("slow receiver: every change an event", &mut slow);
    admin.remove_webhook("slow")?;
    let mut after = rounds(&mut client, options.rounds).await?;
    let (again50, again99) = report("baseline again: no webhook", &mut after);
    let (base50, base99) = ((base50 + again50) / 2.0, (base99 + again99) / 2.0);
    println!(
        "slow / baselines: p50 {:.2}, p99 {:.2}; deliveries taken meanwhile: {}",
        slow50 / base50,
        slow99 / base99,
        receiver.taken().len()
    );
    server.kill()?;
    server.wait()?;
    Ok(())
}
