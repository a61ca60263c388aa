//! How the PostgreSQL store talks to its server: a pooled connection per call, one
//! transaction per operation (its schema named by `SET LOCAL search_path`), statements
//! prepared before the transaction and pipelined within it, transient failures retried.
//!
//! The store traits are synchronous, as the handler calls them on tokio's blocking pool;
//! each call drives its queries on the runtime from that blocking thread ([`block_on`]), so
//! no async worker ever waits on the database.

use std::sync::LazyLock;
use std::sync::atomic::Ordering;

use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;

use super::errors::{self, Failure};
use super::{PgOptions, PgStore, PgTarget};
use crate::store::StoreError;

/// How often a transaction that hit a serialization failure or deadlock is run in all.
const ATTEMPTS: u32 = 3;

/// The connection pool for `target`. Nothing connects until the first request.
pub(super) fn pool(target: &PgTarget, options: &PgOptions) -> Result<Pool, StoreError> {
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

impl PgStore {
    /// Runs `work` in one transaction, which commits if it succeeds.
    pub(super) fn write<T>(
        &self,
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.run(work, Commit::After)
    }

    /// Runs `work`, which uses only `statements`, in one transaction that `work` commits
    /// itself (pipelining `COMMIT` with its last statements); rolled back if it fails.
    pub(super) fn write_committing<T>(
        &self,
        statements: &[&str],
        work: impl AsyncFn(&ClientWrapper) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.run(work, Commit::ByWork(statements))
    }

    /// Runs read-only `work`, which uses only `statements`, in one transaction, its `COMMIT`
    /// sent along with it: one round trip once the statements are prepared.
    pub(super) fn read<T>(
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
        let result = block_on(async {
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
        });
        if let Err(failure) = &result
            && failure.is_missing_schema()
        {
            // Dropped under a running server: the next request finds out whether it exists.
            self.gone.store(true, Ordering::Relaxed);
        }
        result
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
