//! Accepting connections without dying of the process's limits. A failed `accept` is never
//! the end of the server: a connection the client gave up on is skipped at once; running out
//! of descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) waits - 10 ms, doubling
//! to a second - until a connection closes and gives one back, logging at most once every
//! ten seconds. Meanwhile new connections wait in the listen backlog.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

const FIRST_PAUSE: Duration = Duration::from_millis(10);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);
const LOG_EVERY: Duration = Duration::from_secs(10);

pub struct Acceptor {
    listener: TcpListener,
    pause: Duration,
    /// Failures since the last accepted connection.
    failures: u64,
    logged: Option<Instant>,
}

impl Acceptor {
    pub fn new(listener: TcpListener) -> Self {
        Self {
            listener,
            pause: FIRST_PAUSE,
            failures: 0,
            logged: None,
        }
    }

    /// The next connection, however long the limits hold it back.
    pub async fn next(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.listener.accept().await {
                Ok(accepted) => {
                    self.recovered();
                    return accepted;
                }
                Err(error) if is_the_clients(&error) => {
                    tracing::debug!(%error, "a connection was gone before it was accepted");
                }
                Err(error) => self.wait(&error).await,
            }
        }
    }

    async fn wait(&mut self, error: &std::io::Error) {
        self.failures += 1;
        if self.logged.is_none_or(|at| at.elapsed() >= LOG_EVERY) {
            tracing::warn!(
                %error,
                failures = self.failures,
                pause_ms = self.pause.as_millis() as u64,
                "cannot accept connections; waiting for a descriptor to be freed"
            );
            self.logged = Some(Instant::now());
        }
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(LONGEST_PAUSE);
    }

    fn recovered(&mut self) {
        if self.failures > 0 {
            tracing::info!(failures = self.failures, "accepting connections again");
        }
        self.failures = 0;
        self.pause = FIRST_PAUSE;
        self.logged = None;
    }
}

/// A failure of one connection (the client hung up first), not of the server.
fn is_the_clients(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    )
}
