//! Changes committed by any instance, heard as PostgreSQL notifications: triggers (see
//! `migrate.rs`) `NOTIFY chat_pickup_changed` with the schema and the session for every
//! message posted and every change of a session's status, delivered when the change
//! commits; one connection per process listens and rings the bells.

use std::sync::Weak;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, Socket};

use super::{DEFAULT_SCHEMA, PgTarget};
use crate::store::bells::Bells;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "chat_pickup_changed";

/// How often the listener looks whether anyone still listens for it; after a lost
/// connection, how long it waits before connecting again.
const EVERY: Duration = Duration::from_secs(1);

/// Listens on [`CHANNEL`] until `bells` is dropped, reconnecting after a failure.
pub(super) fn watch(target: PgTarget, bells: Weak<Bells>) {
    tokio::spawn(async move {
        while bells.strong_count() > 0 {
            let listened = match target.uses_tls() {
                true => match target.tls() {
                    Ok(tls) => {
                        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls);
                        listen(&target, tls, &bells).await
                    }
                    Err(error) => Err(error),
                },
                false => listen(&target, tokio_postgres::NoTls, &bells).await,
            };
            if let Err(error) = listened {
                tracing::warn!(%error, "listening for changes failed; listening again shortly");
                tokio::time::sleep(EVERY).await;
            }
        }
    });
}

/// One connection's listening: rings every listener once it listens (what was committed
/// before is then read again), then each notified session's.
async fn listen<T>(target: &PgTarget, tls: T, bells: &Weak<Bells>) -> Result<(), String>
where
    T: MakeTlsConnect<Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut connection) = target
        .config
        .connect(tls)
        .await
        .map_err(|error| error.to_string())?;
    let (heard, mut notifications) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if let AsyncMessage::Notification(notification) = message
                && heard.send(notification.payload().to_owned()).is_err()
            {
                return;
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(|error| error.to_string())?;
    let Some(listening) = bells.upgrade() else {
        return Ok(());
    };
    listening
        .scopes()
        .iter()
        .for_each(|scope| listening.ring_all(scope));
    drop(listening);
    loop {
        let payload = tokio::time::timeout(EVERY, notifications.recv()).await;
        let Some(bells) = bells.upgrade() else {
            return Ok(());
        };
        match payload {
            Ok(Some(payload)) => ring(&bells, &payload),
            Ok(None) => return Err("the listening connection closed".into()),
            Err(_) => {}
        }
    }
}

/// Rings the session a notification names: `{schema} {session id}`.
fn ring(bells: &Bells, payload: &str) {
    let Some((schema, session)) = payload.split_once(' ') else {
        return;
    };
    let scope = if schema == DEFAULT_SCHEMA { "" } else { schema };
    if let Ok(session) = session.parse() {
        bells.ring(scope, session);
    }
}
