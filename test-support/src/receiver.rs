//! A webhook receiver on a loopback port: it keeps every delivery it is sent (headers and
//! body) and answers as the test sets it - taking them, failing them (a receiver down), or
//! after a delay (a slow one).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// One delivery as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// Whether it was taken (answered 200); a failed one was answered 503.
    pub taken: bool,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    down: bool,
    delay: Duration,
}

/// The receiver; its URL is [`Receiver::url`].
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Receiver {
    /// Listening from now on, for as long as the runtime runs.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let receiver = Self {
            addr: listener.local_addr().expect("a bound address"),
            state: Arc::default(),
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let receiver = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let receiver = receiver.clone();
                        async move { Ok::<_, std::convert::Infallible>(receiver.take(request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        receiver
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Fail every delivery (503) from now on, or take them again.
    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    /// Answer each delivery only after `delay`.
    pub fn set_delay(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    /// Every delivery so far, in the order they arrived.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The deliveries taken so far.
    pub fn taken(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|received| received.taken)
            .collect()
    }

    async fn take(&self, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.map(|body| body.to_bytes().to_vec());
        let delay = self.state.lock().unwrap().delay;
        tokio::time::sleep(delay).await;
        let mut state = self.state.lock().unwrap();
        let taken = !state.down;
        state.received.push(Received {
            headers: parts.headers,
            body: body.unwrap_or_default(),
            taken,
        });
        let status = if taken { 200 } else { 503 };
        hyper::Response::builder()
            .status(status)
            .body(Full::default())
            .expect("a bare response")
    }
}
