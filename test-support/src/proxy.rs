//! A TCP proxy that cuts a connection just after the client sent a `COMMIT`: the database
//! commits, and the client never hears back - the answer lost between the two.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Forwards to `upstream`; armed with a marker, the next connection that sends the marker
/// and then `COMMIT` is closed both ways once the `COMMIT` is passed on.
pub struct CuttingProxy {
    pub addr: SocketAddr,
    marker: Arc<std::sync::Mutex<Option<Vec<u8>>>>,
    cuts: Arc<AtomicUsize>,
}

impl CuttingProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let marker = Arc::new(std::sync::Mutex::new(None));
        let cuts = Arc::new(AtomicUsize::new(0));
        let (shared_marker, shared_cuts) = (marker.clone(), cuts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                tokio::spawn(relay(
                    client,
                    server,
                    shared_marker.clone(),
                    shared_cuts.clone(),
                ));
            }
        });
        Self { addr, marker, cuts }
    }

    /// Cuts the next `COMMIT` sent after `marker` (bytes of a statement's parameter).
    pub fn arm(&self, marker: &str) {
        *self.marker.lock().unwrap() = Some(marker.as_bytes().to_vec());
    }

    /// How many connections were cut.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }
}

async fn relay(
    mut client: TcpStream,
    mut server: TcpStream,
    marker: Arc<std::sync::Mutex<Option<Vec<u8>>>>,
    cuts: Arc<AtomicUsize>,
) {
    let marked = AtomicBool::new(false);
    let (mut up, mut down) = ([0u8; 16 * 1024], [0u8; 16 * 1024]);
    loop {
        tokio::select! {
            read = client.read(&mut up) => {
                let Ok(n @ 1..) = read else { return };
                let chunk = &up[..n];
                if let Some(wanted) = marker.lock().unwrap().as_deref()
                    && contains(chunk, wanted)
                {
                    marked.store(true, Ordering::SeqCst);
                }
                let cut = marked.load(Ordering::SeqCst) && contains(chunk, b"COMMIT")
                    && marker.lock().unwrap().take().is_some();
                if server.write_all(chunk).await.is_err() {
                    return;
                }
                if cut {
                    // Long enough for the server to commit, then gone both ways.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    cuts.fetch_add(1, Ordering::SeqCst);
                    return;
                }
            }
            read = server.read(&mut down) => {
                let Ok(n @ 1..) = read else { return };
                if client.write_all(&down[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
