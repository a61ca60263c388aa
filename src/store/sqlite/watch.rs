//! Changes committed elsewhere - another process on the same file, or this process's admin
//! writes on its reading connection - read from the change feed (`session_change`, kept by
//! triggers: see `migrate.rs`) a few times a second, and rung on the bells of the sessions
//! they touched. Changes made by this process's handler are rung by the handler at once.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use rusqlite::params;

use super::{SqliteStore, SqliteStores};
use crate::account::tenant::Tenant;
use crate::store::bells::{Bells, Scope};

/// How often the feed is read while someone listens: a change from elsewhere wakes its
/// listeners within this (the contract says within a second).
const EVERY: Duration = Duration::from_millis(250);

impl SqliteStore {
    /// The feed's mark now: changes after it are new.
    fn feed_mark(&self) -> rusqlite::Result<i64> {
        self.connection().query_row(
            "SELECT coalesce(max(seq), 0) FROM session_change",
            [],
            |row| row.get(0),
        )
    }

    /// The sessions changed after `mark`, and the mark after them.
    fn changed_after(&self, mark: i64) -> rusqlite::Result<(i64, Vec<i64>)> {
        let connection = self.connection();
        let mut statement = connection.prepare_cached(
            "SELECT session_id, seq FROM session_change WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map(params![mark], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })?;
        let mut last = mark;
        let mut sessions = Vec::new();
        for row in rows {
            let (session, seq) = row?;
            sessions.push(session);
            last = seq;
        }
        Ok((last, sessions))
    }
}

/// Reads the feed of every store someone listens in, until `bells` is dropped.
pub(super) fn watch(stores: Arc<SqliteStores>, bells: Weak<Bells>) {
    let spawned = std::thread::Builder::new()
        .name("chat-pickup-watch".into())
        .spawn(move || {
            let mut marks = HashMap::new();
            while let Some(bells) = bells.upgrade() {
                for scope in bells.scopes() {
                    look(&stores, &bells, &mut marks, scope);
                }
                drop(bells);
                std::thread::sleep(EVERY);
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot watch for changes: long polls wait for this process's own");
    }
}

/// Rings what changed in `scope` since its mark. A scope seen for the first time has no
/// mark: all its listeners are rung once (each reads again and waits on if nothing is new),
/// so nothing committed before the mark was taken goes unseen.
fn look(stores: &SqliteStores, bells: &Bells, marks: &mut HashMap<Scope, i64>, scope: Scope) {
    let tenant = Tenant::parse(&scope);
    let store = match tenant.as_ref() {
        None => stores.default_store(),
        Some(tenant) => stores.tenant_store(tenant),
    };
    let Ok(store) = store else { return };
    let seen = match marks.get(&scope) {
        None => store.feed_mark().map(|mark| (mark, None)),
        Some(mark) => store
            .changed_after(*mark)
            .map(|(mark, sessions)| (mark, Some(sessions))),
    };
    match seen {
        Ok((mark, Some(sessions))) => {
            sessions
                .into_iter()
                .for_each(|session| bells.ring(&scope, session));
            marks.insert(scope, mark);
        }
        Ok((mark, None)) => {
            bells.ring_all(&scope);
            marks.insert(scope, mark);
        }
        Err(error) => tracing::warn!(%error, scope, "reading the change feed failed"),
    }
}
