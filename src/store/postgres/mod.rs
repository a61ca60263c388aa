//! The PostgreSQL backend, for tenants that outgrow one SQLite writer.
//!
//! A [`PgStores`] holds one connection pool per process (one connection on Lambda, a few for
//! the local server), opened lazily and re-opened after a broken connection. The default
//! store is the `public` schema; a tenant is a schema of its own name in the same database,
//! created only by the `demo` and `admin` commands, never by a request. Every operation is
//! one transaction that names its schema with `SET LOCAL search_path`, so no setting outlives
//! a transaction on a pooled or proxied connection.
//!
//! The store traits are synchronous, as the handler calls them on tokio's blocking pool;
//! here each call drives its queries on the runtime from that blocking thread
//! ([`block_on`]), so no async worker ever waits on the database.

mod admin;
mod errors;
mod load;
mod migrate;
mod pickup;
mod queries;
mod target;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;

use super::{Account, Agent, Pickup, Store, StoreError, Stores};
use crate::auth::secret::SecretKind;
use crate::locale::zone::ZoneName;
use crate::locale::{Language, Resources};
use crate::tenant::Tenant;
use crate::time::Timestamp;
use errors::Failure;
pub use migrate::{SCHEMA, SCHEMA_VERSION};
pub use pickup::NEXT_IN_QUEUE;
pub use target::PgTarget;

/// The schema of the default store.
const DEFAULT_SCHEMA: &str = "public";
/// How often a transaction that hit a serialization failure or deadlock is run in all.
const ATTEMPTS: u32 = 3;

#[derive(Clone, Debug)]
pub struct PgOptions {
    /// The most connections this process opens.
    pub connections: usize,
    /// How long a statement may run, and a request may wait for a free connection, before
    /// the caller is answered 503.
    pub timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            connections: 8,
            timeout: Duration::from_secs(5),
        }
    }
}

/// The connection pool for `target`. Nothing connects until the first request.
fn pool(target: &PgTarget, options: &PgOptions) -> Result<Pool, StoreError> {
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let mut config = target.config.clone();
    config.connect_timeout(options.timeout);
    let manager = if target.uses_tls() {
        let tls = target.tls().map_err(StoreError::Unavailable)?;
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls);
        Manager::from_config(config, tls, manager_config)
    } else {
        Manager::from_config(config, tokio_postgres::NoTls, manager_config)
    };
    Pool::builder(manager)
        .max_size(options.connections.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(options.timeout))
        .create_timeout(Some(options.timeout))
        .build()
        .map_err(|error| StoreError::Internal(format!("connection pool: {error}")))
}

/// Runs `future` to completion from synchronous code: on the current runtime when there is
/// one (the handler's blocking threads, the admin commands), else on a runtime of our own.
fn block_on<F: Future>(future: F) -> F::Output {
    static OWN: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime starts")
    });
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => tokio::task::block_in_place(|| handle.block_on(future)),
        Err(_) => OWN.block_on(future),
    }
}

/// `name` as a quoted identifier. Tenant names are `[A-Za-z0-9_-]`, so quoting is enough.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every tenant's store, and the default one, over one pool.
pub struct PgStores {
    pool: Pool,
    options: PgOptions,
    default: Mutex<Option<Arc<PgStore>>>,
    tenants: Mutex<HashMap<Tenant, Arc<PgStore>>>,
}

impl PgStores {
    pub fn new(target: &PgTarget, options: PgOptions) -> Result<Self, StoreError> {
        if !target.uses_tls() {
            tracing::info!(%target, "connections to PostgreSQL are not encrypted (sslmode)");
        }
        Ok(Self {
            pool: pool(target, &options)?,
            options,
            default: Mutex::default(),
            tenants: Mutex::default(),
        })
    }

    /// The store for the default schema, or for `tenant`'s schema, which `create` makes (and
    /// migrates) if it is missing - for the admin commands. A tenant named like the default
    /// schema is not a tenant.
    pub fn open(&self, tenant: Option<&Tenant>, create: bool) -> Result<Arc<PgStore>, StoreError> {
        let schema = match tenant {
            Some(tenant) if tenant.as_str() == DEFAULT_SCHEMA => {
                return Err(StoreError::UnknownTenant(tenant.clone()));
            }
            Some(tenant) => tenant.as_str(),
            None => DEFAULT_SCHEMA,
        };
        // The default schema is ours to set up, as SQLite creates its default database.
        let create = create || tenant.is_none();
        let store = PgStore::new(self.pool.clone(), schema, &self.options);
        let exists = store.write(async |client| {
            if !create && !migrate::exists(client, schema).await? {
                return Ok(false);
            }
            migrate::migrate(client, schema, create).await?;
            Ok(true)
        })?;
        match tenant {
            Some(tenant) if !exists => Err(StoreError::UnknownTenant(tenant.clone())),
            _ => Ok(Arc::new(store)),
        }
    }

    fn default_store(&self) -> Result<Arc<PgStore>, StoreError> {
        let mut slot = self.default.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = self.open(None, true)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    fn tenant_store(&self, tenant: &Tenant) -> Result<Arc<PgStore>, StoreError> {
        let mut open = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(store) = open.get(tenant) {
            return Ok(store.clone());
        }
        let store = self.open(Some(tenant), false)?;
        open.insert(tenant.clone(), store.clone());
        Ok(store)
    }
}

impl Stores for PgStores {
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match tenant {
            None => self.default_store()?,
            Some(tenant) => self.tenant_store(tenant)?,
        })
    }
}

/// One schema's store.
pub struct PgStore {
    pool: Pool,
    /// Sent as one message before every transaction's first statement.
    begin: String,
}

impl PgStore {
    fn new(pool: Pool, schema: &str, options: &PgOptions) -> Self {
        let begin = format!(
            "BEGIN; SET LOCAL search_path TO {}; SET LOCAL statement_timeout = {}",
            quote(schema),
            options.timeout.as_millis()
        );
        Self { pool, begin }
    }

    /// Runs `work` in one transaction, which commits if it succeeds.
    fn write<T>(
        &self,
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.run(work, Commit::After)
    }

    /// Runs `work`, which uses only `statements`, in one transaction that `work` commits
    /// itself (pipelining `COMMIT` with its last statements); rolled back if it fails.
    fn write_committing<T>(
        &self,
        statements: &[&str],
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.run(work, Commit::ByWork(statements))
    }

    /// Runs read-only `work`, which uses only `statements`, in one transaction, its `COMMIT`
    /// sent along with it: one round trip once the statements are prepared.
    fn read<T>(
        &self,
        statements: &[&str],
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.run(work, Commit::Along(statements))
    }

    /// A transient failure (serialization, deadlock) runs the whole transaction again, up
    /// to [`ATTEMPTS`] times.
    fn run<T>(
        &self,
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
        commit: Commit<'_>,
    ) -> Result<T, Failure> {
        block_on(async {
            let client = self
                .pool
                .get()
                .await
                .map_err(|error| Failure::Store(errors::pool(error)))?;
            let client = Unpooled::on_panic(client);
            self.prepare(&client, commit.statements()).await?;
            let mut attempt = 1;
            loop {
                match self.attempt(&client, &work, commit).await {
                    Err(failure) if failure.is_transient() && attempt < ATTEMPTS => {
                        tracing::info!(?failure, attempt, "transaction retried");
                        attempt += 1;
                    }
                    result => return result,
                }
            }
        })
    }

    /// Prepares `statements` before the transaction: a statement prepared inside it would
    /// wait for its Parse while a pipelined COMMIT went ahead. A statement is parsed again
    /// whenever it runs under another search_path, so this schema's and the connection's
    /// default tables look alike to it - unless the default path has none of ours (no
    /// default schema set up, tenants only): then it is prepared under this store's path.
    async fn prepare(&self, client: &ClientWrapper, statements: &[&str]) -> Result<(), Failure> {
        let prepare_all = || {
            futures_util::future::try_join_all(
                statements.iter().map(|sql| client.prepare_cached(sql)),
            )
        };
        match prepare_all().await {
            Err(error) if error.code() == Some(&SqlState::UNDEFINED_TABLE) => {
                client.batch_execute(&self.begin).await?;
                let prepared = prepare_all().await;
                client.batch_execute("ROLLBACK").await?;
                prepared?;
                Ok(())
            }
            result => {
                result?;
                Ok(())
            }
        }
    }

    async fn attempt<T>(
        &self,
        client: &ClientWrapper,
        work: &impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
        commit: Commit<'_>,
    ) -> Result<T, Failure> {
        let result = match commit {
            Commit::Along(_) => {
                let (begun, result, committed) = futures_util::join!(
                    client.batch_execute(&self.begin),
                    work(client),
                    client.batch_execute("COMMIT")
                );
                begun
                    .map_err(Failure::from)
                    .and(result)
                    .and_then(|value| Ok(committed.map(|()| value)?))
            }
            Commit::After | Commit::ByWork(_) => {
                let (begun, result) =
                    futures_util::join!(client.batch_execute(&self.begin), work(client));
                match begun.map_err(Failure::from).and(result) {
                    Ok(value) if matches!(commit, Commit::After) => {
                        Ok(client.batch_execute("COMMIT").await.map(|()| value)?)
                    }
                    done => done,
                }
            }
        };
        if result.is_err() && !client.is_closed() {
            // Leave no transaction open on a pooled connection; a dead one is discarded.
            let _ = client.batch_execute("ROLLBACK").await;
        }
        result
    }
}

/// A pooled connection that is taken out of the pool, not returned, if a panic unwinds past
/// it: it may be inside a transaction, holding row locks.
struct Unpooled(Option<deadpool_postgres::Client>);

impl Unpooled {
    fn on_panic(client: deadpool_postgres::Client) -> Self {
        Self(Some(client))
    }
}

impl std::ops::Deref for Unpooled {
    type Target = ClientWrapper;

    fn deref(&self) -> &ClientWrapper {
        self.0.as_ref().expect("present until dropped")
    }
}

impl Drop for Unpooled {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(client) = self.0.take()
        {
            drop(deadpool_postgres::Object::take(client));
        }
    }
}

/// When a transaction's `COMMIT` is sent, and the statements to prepare before it starts.
#[derive(Clone, Copy)]
enum Commit<'a> {
    /// Along with the work (reads only: nothing can fail half-way that a commit would keep).
    Along(&'a [&'a str]),
    /// After the work has succeeded; the work's statements are prepared as it goes, each
    /// awaited before the next is sent.
    After,
    /// By the work itself, pipelined with its last writes (which it prepares first).
    ByWork(&'a [&'a str]),
}

impl Commit<'_> {
    fn statements(&self) -> &[&str] {
        match self {
            Commit::Along(statements) | Commit::ByWork(statements) => statements,
            Commit::After => &[],
        }
    }
}

impl Store for PgStore {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        Ok(self.read(&[queries::BY_LOGIN], async |client| {
            Ok(queries::by_login(client, login).await?)
        })?)
    }

    fn account_by_secret(
        &self,
        kind: SecretKind,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        Ok(self.read(&[queries::BY_SECRET], async |client| {
            Ok(queries::by_secret(client, kind, fingerprint, now).await?)
        })?)
    }

    fn partner_app(&self, fingerprint: &str) -> Result<Option<String>, StoreError> {
        Ok(self.read(&[queries::PARTNER_APP], async |client| {
            Ok(queries::partner_app(client, fingerprint).await?)
        })?)
    }

    fn pickup(&self, agent: &Agent, now: Timestamp) -> Result<Option<Pickup>, StoreError> {
        let claimed = self.write_committing(&pickup::statements(), async |client| {
            let claimed = pickup::pickup(client, agent, now).await?;
            if claimed.is_none() {
                client.batch_execute("COMMIT").await?;
            }
            Ok(claimed)
        })?;
        let Some(claimed) = claimed else {
            return Ok(None);
        };
        // Loaded after the commit, as SQLite does: the session is the caller's now, so a
        // failure here is not "nothing changed" - it is logged with the session's id.
        let mut known = vec![(&crate::entity::ASSOCIATE, agent.associate_id, claimed.agent)];
        let session = load::complete(
            self,
            &crate::entity::CHAT_SESSION_ENTITY,
            claimed.cells,
            &mut known,
        )
        .map_err(|failure| {
            StoreError::Internal(format!(
                "session {} was picked up by associate {} but could not be loaded: {}",
                claimed.session_id,
                agent.associate_id,
                StoreError::from(failure)
            ))
        })?;
        Ok(Some(Pickup {
            session_id: claimed.session_id,
            topic_id: claimed.topic_id,
            waited_ms: now.millis_since(claimed.when_requested),
            session,
        }))
    }

    fn location(&self, name: &ZoneName) -> Result<Option<String>, StoreError> {
        let (sql, key): (&str, &(dyn tokio_postgres::types::ToSql + Sync)) = match name {
            ZoneName::Location(code) => (queries::LOCATION_BY_CODE, code),
            ZoneName::Id(id) => (queries::LOCATION_BY_ID, id),
            ZoneName::Known(zone) => return Ok(Some(zone.label().to_string())),
        };
        Ok(self.read(&[sql], async |client| {
            Ok(queries::location(client, sql, key).await?)
        })?)
    }

    fn resources(&self, language: Language) -> Result<Resources, StoreError> {
        Ok(self.read(&[queries::RESOURCES], async |client| {
            Ok(queries::resources(client, language).await?)
        })?)
    }
}
