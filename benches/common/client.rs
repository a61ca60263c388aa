//! A keep-alive HTTP client for the load examples (hyper's, one connection), and latency
//! percentiles.

use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use tokio::net::TcpStream;

use super::session_of;

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// One keep-alive connection.
pub struct Client {
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Self, Failure> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, connection) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// The session picked up; `None` for an empty queue.
    pub async fn pickup(&mut self, authorization: &str) -> Result<Option<i64>, Failure> {
        self.sender.ready().await?;
        let request = http::Request::post("/api/v1/ChatSession/Pickup")
            .header("host", "localhost")
            .header("authorization", authorization)
            .header("accept", "application/json")
            .body(Empty::new())?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        if status != 200 {
            return Err(format!("{status}: {}", String::from_utf8_lossy(&body)).into());
        }
        Ok((&body[..] != b"null").then(|| session_of(&body)))
    }
}

/// The latency at `fraction` (0.5, 0.99, 1.0) of sorted `latencies`, in microseconds.
pub fn percentile(latencies: &[Duration], fraction: f64) -> f64 {
    let at = ((latencies.len() as f64 * fraction) as usize).min(latencies.len().saturating_sub(1));
    latencies
        .get(at)
        .map_or(0.0, |latency| latency.as_secs_f64() * 1e6)
}

/// A Basic header for `login`.
pub fn basic(login: &str, password: &str) -> String {
    use base64::Engine;
    let pair = format!("{login}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
