//! What the HTTP load tools share: the local server over given stores, the load agents'
//! logins and credentials, and the warm-up that caches every agent's verified password.
//! The keep-alive client and the percentiles are `test_support::http`'s.

use std::net::SocketAddr;
use std::sync::Arc;

use chat_pickup::http::App;
use chat_pickup::store::Stores;
pub use test_support::http::{Client, Failure};

/// The local server over `stores` on a loopback port, as `serve` runs it.
pub async fn serve(stores: Arc<dyn Stores>) -> Result<SocketAddr, Failure> {
    Ok(test_support::http::serve(Arc::new(App::new(stores))).await)
}

/// Agent 0 is `tje0`; the others `agent1`, `agent2`, ...
pub fn login(agent: usize) -> String {
    if agent == 0 {
        "tje0".into()
    } else {
        format!("agent{agent}")
    }
}

/// Agent `agent`'s Basic header.
pub fn credentials(agent: usize) -> String {
    test_support::credentials::agent(&login(agent))
}

/// One pickup per agent, so that every measured request finds its credential cached.
pub async fn warm_up(addr: SocketAddr, agents: usize) -> Result<(), Failure> {
    let mut client = Client::connect(addr).await?;
    for agent in 0..agents {
        client.pickup(&credentials(agent)).await?;
    }
    Ok(())
}
