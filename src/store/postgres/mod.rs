//! The PostgreSQL backend, for tenants that outgrow one SQLite writer.
//!
//! A [`PgStores`] holds one connection pool per process (one connection on Lambda, a few for
//! the local server), opened lazily and re-opened after a broken connection; each schema is
//! a store (`tenants.rs`). Every operation is one transaction that names its schema with
//! `SET LOCAL search_path`, so no setting outlives a transaction on a pooled or proxied
//! connection (`transaction.rs`). The URL and TLS are `target.rs`'s.

mod admin;
mod agent;
mod columns;
mod copy;
mod create;
mod customer;
mod errors;
mod events;
mod keys;
mod load;
mod logins;
mod messages;
mod migrate;
mod moves;
mod pickup;
mod reads;
mod secrets;
mod target;
mod tenants;
mod transaction;
mod watch;
mod webhooks;

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::{ClientWrapper, Pool};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::admin::NewSecret;
use super::{Gauges, LoginFailures, Page, Place, Store, StoreError, read_back, sql};
use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::chat::create::{Draft, Visitor};
use crate::chat::customer::{Asking, CustomerMove, Fetch};
use crate::chat::outbox::{Outgoing, Settled};
use crate::chat::queue::Which;
use crate::chat::{Actor, Change, Claim, Move, Pickup, Verdict};
use crate::entity::{ASSOCIATE, CHAT_SESSION_ENTITY, CUSTOMER_SESSION, Object};
use crate::locale::{Language, Location, Resources};
use crate::time::Timestamp;
pub use copy::{Copied, CopyError};
pub use migrate::{SCHEMA, SCHEMA_VERSION};
pub use pickup::NEXT_IN_QUEUE;
pub use target::PgTarget;

/// The schema of the default store.
const DEFAULT_SCHEMA: &str = "public";
pub use tenants::PgStores;

#[derive(Clone, Debug)]
pub struct PgOptions {
    /// The most connections this process opens.
    pub connections: usize,
    /// How long a statement may run, and a request may wait for a free connection, before
    /// the caller is answered 503.
    pub timeout: Duration,
    /// How many tenants' schemas stay open at once ([`crate::store::open`]).
    pub open_tenants: NonZeroUsize,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            connections: 8,
            timeout: Duration::from_secs(5),
            open_tenants: crate::store::open::default_capacity(),
        }
    }
}

/// `name` as a quoted identifier. Tenant names are `[A-Za-z0-9_-]`, so quoting is enough.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One schema's store.
pub struct PgStore {
    pool: Pool,
    /// Sent as one message before every transaction's first statement.
    begin: String,
    /// Set when a statement found the schema or its tables missing (a tenant dropped under a
    /// running server): the store is opened again, and a tenant that is gone is a 404.
    gone: AtomicBool,
}

impl PgStore {
    fn new(pool: Pool, schema: &str, options: &PgOptions) -> Self {
        let begin = format!(
            "BEGIN; SET LOCAL search_path TO {}; SET LOCAL statement_timeout = {}",
            quote(schema),
            options.timeout.as_millis()
        );
        Self {
            pool,
            begin,
            gone: AtomicBool::new(false),
        }
    }

    /// Whether the schema was there at the last look.
    pub fn is_current(&self) -> bool {
        !self.gone.load(Ordering::Relaxed)
    }
}

impl Store for PgStore {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        Ok(self.read(&[&reads::BY_LOGIN], async |client| {
            Ok(reads::by_login(client, login).await?)
        })?)
    }

    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        Ok(self.read(&[&reads::BY_SECRET], async |client| {
            Ok(reads::by_secret(client, kind, fingerprint, now).await?)
        })?)
    }

    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError> {
        Ok(self.read(&[reads::PARTNER_APP], async |client| {
            Ok(reads::partner_app(client, fingerprint).await?)
        })?)
    }

    fn store_secret(&self, associate_id: i64, secret: &NewSecret) -> Result<(), StoreError> {
        Ok(self.write(async |client| Ok(secrets::add(client, associate_id, secret).await?))?)
    }

    fn revoke_ticket(&self, fingerprint: &str) -> Result<bool, StoreError> {
        Ok(self.write(async |client| {
            Ok(secrets::revoke(client, SecretKind::Ticket, fingerprint).await?)
        })?)
    }

    /// The pickup, committed; the session loaded after the commit.
    fn pickup(&self, actor: Actor, which: Which) -> Result<Claim, StoreError> {
        let verdict = self.write_committing(&pickup::statements(), async |client| {
            let verdict = pickup::pickup(client, actor, which).await?;
            if !matches!(verdict, Verdict::Make(_)) {
                client.batch_execute("COMMIT").await?;
            }
            Ok(verdict)
        })?;
        let load = |id| Ok(load::by_id(self, &CHAT_SESSION_ENTITY, id)?);
        read_back::claim(verdict, |claimed| self.taken(actor, *claimed), load)
    }

    fn agent_sessions(&self, agent: &Agent) -> Result<Vec<Object>, StoreError> {
        Ok(load::list(
            self,
            &CHAT_SESSION_ENTITY,
            &sql::sessions::LIST,
            &[agent.associate_id],
        )?)
    }

    fn change(&self, actor: Actor, session_id: i64, asked: &Move) -> Result<Change, StoreError> {
        let verdict =
            self.write(async |client| moves::change(client, actor, session_id, asked).await)?;
        let load = |shape, id| Ok(load::by_id(self, shape, id)?);
        read_back::change(verdict, (session_id, &CHAT_SESSION_ENTITY), load)
    }

    fn create(&self, actor: Actor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError> {
        let verdict =
            self.write(async |client| create::create(client, actor, topic_id, draft).await)?;
        let load = |id| Ok(load::by_id(self, &CHAT_SESSION_ENTITY, id)?);
        read_back::created(verdict, &draft.key, load)
    }

    fn start(&self, visitor: &Visitor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError> {
        let verdict =
            self.write(async |client| create::start(client, visitor, topic_id, draft).await)?;
        let load = |id| Ok(load::by_id(self, &CUSTOMER_SESSION, id)?);
        read_back::created(verdict, &draft.key, load)
    }

    fn customer_change(
        &self,
        session_id: i64,
        asking: Asking,
        asked: &CustomerMove,
    ) -> Result<Change, StoreError> {
        let verdict =
            self.write(async |client| customer::change(client, session_id, asking, asked).await)?;
        let load = |shape, id| Ok(load::by_id(self, shape, id)?);
        read_back::change(verdict, (session_id, &CUSTOMER_SESSION), load)
    }

    fn customer_messages(
        &self,
        session_id: i64,
        after: i64,
        fetch: Fetch,
    ) -> Result<Page, StoreError> {
        Ok(self.write(async |client| customer::read(client, session_id, after, fetch).await)?)
    }

    fn customer_session(&self, session_id: i64) -> Result<Option<Object>, StoreError> {
        Ok(load::by_id(self, &CUSTOMER_SESSION, session_id)?)
    }

    fn messages(
        &self,
        agent: &Agent,
        session_id: i64,
        after: i64,
    ) -> Result<Option<Vec<Object>>, StoreError> {
        Ok(messages::after(
            self,
            agent.associate_id,
            session_id,
            after,
        )?)
    }

    fn agent_session(&self, agent: &Agent, id: i64) -> Result<Option<Object>, StoreError> {
        let found = load::list(
            self,
            &CHAT_SESSION_ENTITY,
            &sql::sessions::ONE,
            &[agent.associate_id, id],
        )?;
        Ok(found.into_iter().next())
    }

    fn customer_origins(&self, place: Place) -> Result<Option<String>, StoreError> {
        let (sql, id) = sql::customer::origins_of(place);
        Ok(self.read(&[sql], async |client| {
            let found = row(client, sql, &[&id]).await?;
            Ok(found.map(|found| found.try_get(0)).transpose()?)
        })?)
    }

    fn take_deliveries(
        &self,
        now: Timestamp,
        claim: &str,
        limit: i64,
    ) -> Result<Vec<Outgoing>, StoreError> {
        Ok(self.write(async |client| webhooks::take(client, now, claim, limit).await)?)
    }

    fn gauges(&self) -> Result<Gauges, StoreError> {
        let depths: &str = &crate::store::sql::queue::DEPTHS;
        let oldest = crate::store::sql::webhooks::OLDEST;
        Ok(self.read(&[depths, oldest], async |client| {
            let rows = client.query(depths, &[]).await?;
            let queue_depths = rows
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect::<Result<_, tokio_postgres::Error>>()?;
            let oldest: Option<chrono::DateTime<chrono::Utc>> =
                client.query_one(oldest, &[]).await?.try_get(0)?;
            Ok(Gauges {
                queue_depths,
                oldest_undelivered: oldest.map(Timestamp::from_utc),
            })
        })?)
    }

    fn deliveries_waiting(&self) -> Result<bool, StoreError> {
        let sql = crate::store::sql::webhooks::WAITING;
        Ok(self.read(&[sql], async |client| {
            Ok(client.query_one(sql, &[]).await?.try_get(0)?)
        })?)
    }

    fn settle_delivery(
        &self,
        outgoing: &Outgoing,
        settled: &Settled,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        Ok(self.write(async |client| webhooks::settle(client, outgoing, settled, now).await)?)
    }

    fn session_key(&self, session_id: i64) -> Result<Option<String>, StoreError> {
        let sql = sql::sessions::KEY;
        Ok(self.read(&[sql], async |client| {
            let found = row(client, sql, &[&session_id]).await?;
            Ok(found.map(|found| found.try_get(0)).transpose()?)
        })?)
    }

    fn location(&self, location: &Location) -> Result<Option<String>, StoreError> {
        let (sql, key): (&str, &(dyn ToSql + Sync)) = match location {
            Location::Code(code) => (reads::LOCATION_BY_CODE, code),
            Location::Id(id) => (reads::LOCATION_BY_ID, id),
        };
        Ok(self.read(&[sql], async |client| {
            Ok(reads::location(client, sql, key).await?)
        })?)
    }

    fn resources(&self, language: Language) -> Result<Resources, StoreError> {
        Ok(self.read(&[reads::RESOURCES], async |client| {
            Ok(reads::resources(client, language).await?)
        })?)
    }

    fn login_failures(&self, login: &str) -> Result<Option<LoginFailures>, StoreError> {
        Ok(self.read(&[logins::FAILURES], async |client| {
            logins::failures(client, login).await
        })?)
    }

    fn record_login_failure(
        &self,
        login: &str,
        now: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        Ok(self
            .write(async |client| Ok(logins::record(client, login, now, forget_before).await?))?)
    }
}

impl PgStore {
    /// The pickup of the session `claimed`, committed: loaded after the commit, as SQLite
    /// does. The session is the caller's now, so a failure here is not "nothing changed" -
    /// it is logged with the session's id.
    fn taken(&self, actor: Actor, claimed: pickup::Claimed) -> Result<Pickup, StoreError> {
        let mut known = vec![(&ASSOCIATE, actor.id(), claimed.agent)];
        let session = load::complete(self, &CHAT_SESSION_ENTITY, claimed.cells, &mut known)
            .map_err(|failure| {
                StoreError::Internal(format!(
                    "session {} was picked up by associate {} but could not be loaded: {}",
                    claimed.candidate.session_id,
                    actor.id(),
                    StoreError::from(failure)
                ))
            })?;
        Ok(claimed.candidate.picked_up(session, actor.now))
    }
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The rows of a statement, prepared on first use on the connection.
async fn rows(
    client: &ClientWrapper,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.query(&statement, params).await
}

/// The first row, if any.
async fn row(
    client: &ClientWrapper,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>, tokio_postgres::Error> {
    Ok(rows(client, sql, params).await?.into_iter().next())
}

/// The number of rows a statement changed.
async fn execute(
    client: &ClientWrapper,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.execute(&statement, params).await
}
