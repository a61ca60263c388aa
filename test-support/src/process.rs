//! The real binary as a child process, for the load tools that must see it as an operator
//! does: its own limits, its resident memory, its CPU time.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::Failure;

/// A loopback address no one listens on yet.
pub fn free_port() -> Result<SocketAddr, Failure> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// `binary --db dir/default.db serve --addr addr extra...` under `ulimit -n nofile`, its
/// log in `dir/server.log`.
pub fn serve(
    binary: &str,
    dir: &Path,
    addr: SocketAddr,
    nofile: u64,
    extra: &[&str],
) -> Result<Child, Failure> {
    let script = format!(
        r#"ulimit -n {nofile} && d="$1" a="$2" && shift 2 && exec "$0" --db "$d/default.db" serve --addr "$a" "$@" 2>"$d/server.log""#
    );
    Ok(Command::new("sh")
        .args(["-c", &script, binary])
        .arg(dir)
        .arg(addr.to_string())
        .args(extra)
        .stdout(Stdio::null())
        .spawn()?)
}

/// Waits until `addr` accepts connections, for at most 30 s.
pub async fn wait_until_serving(addr: SocketAddr) -> Result<(), Failure> {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        if start.elapsed() > Duration::from_secs(30) {
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The process's resident set (KiB) and open descriptors, from /proc.
pub fn resources(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let descriptors = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count);
    (rss, descriptors)
}

/// The CPU time the process has used (user and system), from /proc; Linux counts it in
/// ticks of 1/100 s.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name, field 2, is in parentheses and may hold spaces: count after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |at: usize| {
        fields
            .get(at)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15; after the name, 12 and 13 counting from 1.
    (ticks(11) + ticks(12)) as f64 / 100.0
}
