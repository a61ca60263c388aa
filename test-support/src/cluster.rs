//! A throwaway PostgreSQL cluster for the tests, benchmarks and load tools: `initdb` into a temporary
//! directory, the server on a free loopback port, stopped and deleted on drop. Tests share
//! one cluster while any of them holds it ([`Cluster::shared`]), each in a database of its
//! own. Where PostgreSQL is not
//! installed the tests say so loudly (on the real stderr, which the test harness does not
//! capture) and skip - unless `CHAT_PICKUP_REQUIRE_PG` is set, as `.ci/run` sets it, and
//! then they fail.
//! initdb refuses to run as root, so as root the cluster runs as the `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tempfile::TempDir;

pub struct Cluster {
    dir: TempDir,
    pub bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

impl Cluster {
    /// The cluster the running tests share, started if none is running.
    pub fn shared() -> Option<Arc<Cluster>> {
        static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
        let mut shared = SHARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(cluster) = shared.upgrade() {
            return Some(cluster);
        }
        let cluster = Arc::new(Cluster::start(false)?);
        *shared = Arc::downgrade(&cluster);
        Some(cluster)
    }

    /// `psql`, beside `initdb`.
    pub fn psql() -> PathBuf {
        bin_dir().map_or_else(|| PathBuf::from("psql"), |bin| bin.join("psql"))
    }

    /// A new, empty database; its URL.
    pub fn database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let name = format!("test{}", NEXT.fetch_add(1, Ordering::Relaxed));
        run(Command::new(Self::psql()).args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "chat",
            "-d",
            "postgres",
            "-qc",
            &format!("CREATE DATABASE {name}"),
        ]));
        format!("postgres://chat@127.0.0.1:{}/{name}", self.port)
    }

    /// A running cluster, or `None` (said on stderr) when PostgreSQL is not installed.
    /// `durable`: fsync on, as in production (for benchmarks); tests run faster without.
    pub fn start(durable: bool) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            let notice = "PostgreSQL is not installed (no initdb on PATH or in \
                          /usr/lib/postgresql/*/bin); apt-get install postgresql to run these tests";
            assert!(
                std::env::var_os("CHAT_PICKUP_REQUIRE_PG").is_none(),
                "{notice}"
            );
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {notice} ***\n");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(dir.path()));
        }
        let port = free_port();
        let cluster = Cluster {
            dir,
            bin,
            as_postgres,
            port,
        };
        let data = cluster.data();
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "chat",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=200",
            cluster.dir.path().display(),
            if durable { "on" } else { "off" }
        );
        let log = format!("{}/server.log", cluster.dir.path().display());
        cluster.pg(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        );
        Some(cluster)
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.path().display())
    }

    fn pg(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command.args(args).current_dir(self.dir.path());
        run(&mut command);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        self.pg("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
    }
}

fn run(command: &mut Command) {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// PostgreSQL's programs: beside `initdb` on PATH, else the newest Debian install.
fn bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("initdb"))
            .find(|initdb| initdb.is_file())
    });
    if let Some(initdb) = on_path {
        let resolved = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        return resolved.parent().map(Path::to_path_buf);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
