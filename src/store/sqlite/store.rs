//! [`Store`] on a SQLite database: each call on the reading connection or queued for the
//! writer, as the module's map says.

use std::sync::LazyLock;

use rusqlite::OptionalExtension;

use super::owned::{OwnedActor, OwnedKey};
use super::{
    SqliteStore, create, customer, load, logins, messages, moves, pickup, reads, secrets, webhooks,
};
use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::chat::create::{Draft, Visitor};
use crate::chat::customer::{Asking, CustomerMove, Fetch};
use crate::chat::outbox::{Outgoing, Settled};
use crate::chat::pickup::Candidate;
use crate::chat::queue::Which;
use crate::chat::{Actor, Change, Claim, Move};
use crate::entity::{CHAT_SESSION_ENTITY, CUSTOMER_SESSION, Object};
use crate::locale::{Language, Location, Resources};
use crate::store::admin::NewSecret;
use crate::store::{Gauges, LoginFailures, Page, Place, Store, StoreError, read_back, sql};
use crate::time::Timestamp;

/// What follows the session's `SELECT` for the agent's list, and for one session.
static LIST: LazyLock<String> = LazyLock::new(|| sql::sqlite(&sql::sessions::LIST));
static ONE: LazyLock<String> = LazyLock::new(|| sql::sqlite(&sql::sessions::ONE));
static KEY: LazyLock<String> = LazyLock::new(|| sql::sqlite(sql::sessions::KEY));

impl Store for SqliteStore {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        self.watch(reads::by_login(&self.connection(), login).map_err(Into::into))
    }

    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        self.watch(reads::by_secret(&self.connection(), kind, fingerprint, now).map_err(Into::into))
    }

    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError> {
        self.watch(reads::partner_app(&self.connection(), fingerprint).map_err(Into::into))
    }

    /// In the writer's next batch: a sign-in is a write like any other.
    fn store_secret(&self, associate_id: i64, secret: &NewSecret) -> Result<(), StoreError> {
        let secret = secret.clone();
        self.watch(
            self.writer
                .run(move |connection| Ok(secrets::add(connection, associate_id, &secret)?)),
        )
    }

    fn revoke_ticket(&self, fingerprint: &str) -> Result<bool, StoreError> {
        let fingerprint = fingerprint.to_string();
        self.watch(self.writer.run(move |connection| {
            Ok(secrets::revoke(
                connection,
                SecretKind::Ticket,
                &fingerprint,
            )?)
        }))
    }

    /// The pickup in the writer's next batch, then the session loaded as it will be
    /// committed - or, for a key used before, the session it took as it is now.
    fn pickup(&self, actor: Actor, which: Which) -> Result<Claim, StoreError> {
        let owned = OwnedActor::of(actor);
        let claim = self.writer.run(move |connection| {
            let actor = owned.actor();
            let verdict = pickup::pickup(connection, actor, which)?;
            let load = |id| Ok(load::load(connection, &CHAT_SESSION_ENTITY, id)?);
            let taken = |candidate: Candidate| {
                let session = load(candidate.session_id)?.ok_or_else(|| {
                    StoreError::Internal(format!(
                        "session {} vanished after pickup",
                        candidate.session_id
                    ))
                })?;
                Ok(candidate.picked_up(session, actor.now))
            };
            read_back::claim(verdict, taken, load)
        });
        self.watch(claim)
    }

    fn agent_sessions(&self, agent: &Agent) -> Result<Vec<Object>, StoreError> {
        let listed = load::list(
            &mut self.connection(),
            &CHAT_SESSION_ENTITY,
            &LIST,
            &[agent.associate_id],
        );
        self.watch(listed.map_err(Into::into))
    }

    /// The change in the writer's next batch; then the session as it is.
    fn change(&self, actor: Actor, session_id: i64, asked: &Move) -> Result<Change, StoreError> {
        let owned = OwnedActor::of(actor);
        let asked = asked.clone();
        let verdict = self.writer.run(move |connection| {
            Ok(moves::change(
                connection,
                owned.actor(),
                session_id,
                &asked,
            )?)
        });
        let load = |shape, id| Ok(load::load(&self.connection(), shape, id)?);
        self.watch(verdict.and_then(|verdict| {
            read_back::change(verdict, (session_id, &CHAT_SESSION_ENTITY), load)
        }))
    }

    fn create(&self, actor: Actor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError> {
        let owned = OwnedActor::of(actor);
        let asked = draft.clone();
        let verdict = self.writer.run(move |connection| {
            Ok(create::create(connection, owned.actor(), topic_id, &asked)?)
        });
        let load = |id| Ok(load::load(&self.connection(), &CHAT_SESSION_ENTITY, id)?);
        self.watch(verdict.and_then(|verdict| read_back::created(verdict, &draft.key, load)))
    }

    fn start(&self, visitor: &Visitor, topic_id: i64, draft: &Draft) -> Result<Change, StoreError> {
        let (visitor, asked) = (visitor.clone(), draft.clone());
        let verdict = self
            .writer
            .run(move |connection| Ok(create::start(connection, &visitor, topic_id, &asked)?));
        let load = |id| Ok(load::load(&self.connection(), &CUSTOMER_SESSION, id)?);
        self.watch(verdict.and_then(|verdict| read_back::created(verdict, &draft.key, load)))
    }

    fn customer_change(
        &self,
        session_id: i64,
        asking: Asking,
        asked: &CustomerMove,
    ) -> Result<Change, StoreError> {
        let asked = asked.clone();
        let (now, context) = (asking.now, asking.context.to_string());
        let key = asking.key.map(OwnedKey::of);
        let verdict = self.writer.run(move |connection| {
            let asking = Asking {
                now,
                key: key.as_ref().map(OwnedKey::keyed),
                context: &context,
            };
            Ok(customer::change(connection, session_id, asking, &asked)?)
        });
        let load = |shape, id| Ok(load::load(&self.connection(), shape, id)?);
        let answered = (session_id, &CUSTOMER_SESSION);
        self.watch(verdict.and_then(|verdict| read_back::change(verdict, answered, load)))
    }

    fn customer_messages(
        &self,
        session_id: i64,
        after: i64,
        fetch: Fetch,
    ) -> Result<Page, StoreError> {
        let read = self
            .writer
            .run(move |connection| Ok(customer::read(connection, session_id, after, fetch)?));
        self.watch(read)
    }

    fn customer_session(&self, session_id: i64) -> Result<Option<Object>, StoreError> {
        self.watch(
            load::load(&self.connection(), &CUSTOMER_SESSION, session_id).map_err(Into::into),
        )
    }

    fn messages(
        &self,
        agent: &Agent,
        session_id: i64,
        after: i64,
    ) -> Result<Option<Vec<Object>>, StoreError> {
        let read = messages::after(&self.connection(), agent.associate_id, session_id, after);
        self.watch(read.map_err(Into::into))
    }

    fn agent_session(&self, agent: &Agent, id: i64) -> Result<Option<Object>, StoreError> {
        let found = load::list(
            &mut self.connection(),
            &CHAT_SESSION_ENTITY,
            &ONE,
            &[agent.associate_id, id],
        );
        self.watch(
            found
                .map(|found| found.into_iter().next())
                .map_err(Into::into),
        )
    }

    fn customer_origins(&self, place: Place) -> Result<Option<String>, StoreError> {
        let (sql, id) = sql::customer::origins_of(place);
        let read = self
            .connection()
            .prepare_cached(&sql::sqlite(sql))
            .and_then(|mut origins| origins.query_row([id], |row| row.get(0)).optional());
        self.watch(read.map_err(Into::into))
    }

    fn take_deliveries(
        &self,
        now: Timestamp,
        claim: &str,
        limit: i64,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let claim = claim.to_string();
        let taken = self
            .writer
            .run(move |connection| Ok(webhooks::take(connection, now, &claim, limit)?));
        self.watch(taken)
    }

    fn gauges(&self) -> Result<Gauges, StoreError> {
        let connection = self.connection();
        let read = || -> rusqlite::Result<Gauges> {
            let mut depths = connection.prepare_cached(&sql::sqlite(&sql::queue::DEPTHS))?;
            let queue_depths = depths
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let oldest_undelivered =
                connection.query_row(sql::webhooks::OLDEST, [], |row| row.get(0))?;
            Ok(Gauges {
                queue_depths,
                oldest_undelivered,
            })
        };
        let gauges = read();
        drop(connection);
        self.watch(gauges.map_err(Into::into))
    }

    fn deliveries_waiting(&self) -> Result<bool, StoreError> {
        let waiting =
            self.connection()
                .query_row(&sql::sqlite(sql::webhooks::WAITING), [], |row| row.get(0));
        self.watch(waiting.map_err(Into::into))
    }

    fn settle_delivery(
        &self,
        outgoing: &Outgoing,
        settled: &Settled,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (outgoing, settled) = (outgoing.clone(), settled.clone());
        let noted = self
            .writer
            .run(move |connection| Ok(webhooks::settle(connection, &outgoing, &settled, now)?));
        self.watch(noted)
    }

    fn session_key(&self, session_id: i64) -> Result<Option<String>, StoreError> {
        let read = self
            .connection()
            .prepare_cached(&KEY)
            .and_then(|mut key| key.query_row([session_id], |row| row.get(0)).optional());
        self.watch(read.map_err(Into::into))
    }

    fn location(&self, location: &Location) -> Result<Option<String>, StoreError> {
        self.watch(reads::location(&self.connection(), location).map_err(Into::into))
    }

    fn resources(&self, language: Language) -> Result<Resources, StoreError> {
        self.watch(reads::resources(&self.connection(), language).map_err(Into::into))
    }

    fn login_failures(&self, login: &str) -> Result<Option<LoginFailures>, StoreError> {
        self.watch(logins::failures(&self.connection(), login).map_err(Into::into))
    }

    fn record_login_failure(
        &self,
        login: &str,
        now: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        let login = login.to_string();
        self.watch(
            self.writer
                .run(move |connection| Ok(logins::record(connection, &login, now, forget_before)?)),
        )
    }
}
