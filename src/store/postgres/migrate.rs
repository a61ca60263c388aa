//! The schema, kept in a versioned migration per PostgreSQL schema (the default `public`, or
//! a tenant's). It runs under a transaction-scoped advisory lock, so instances starting
//! together take turns: the first applies it, the rest find it done.

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use crate::store::StoreError;

/// The PostgreSQL schema, derived from `schema.sql` by `scripts/pg_schema.py`.
pub const SCHEMA: &str = include_str!("../../../schema.pg.sql");
/// Bumped with every change to `schema.pg.sql` that an existing database needs.
pub const SCHEMA_VERSION: i64 = 10;

/// PostgreSQL's alone (SQLite keeps a change feed instead): every message posted and every
/// change of a session's status notifies `chat_pickup_changed` with the schema and the
/// session, delivered on commit to whoever listens ([`super::watch`]).
const NOTIFY_CHANGES: &str = "
CREATE OR REPLACE FUNCTION chat_pickup_message_posted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_pickup_changed', TG_TABLE_SCHEMA || ' ' || NEW.session_id);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION chat_pickup_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_pickup_changed', TG_TABLE_SCHEMA || ' ' || NEW.id);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS chat_message_changes ON chat_message;
CREATE TRIGGER chat_message_changes AFTER INSERT ON chat_message
    FOR EACH ROW EXECUTE FUNCTION chat_pickup_message_posted();
DROP TRIGGER IF EXISTS chat_session_changes ON chat_session;
CREATE TRIGGER chat_session_changes AFTER UPDATE OF status ON chat_session
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION chat_pickup_status_changed();";

/// What `CREATE TABLE IF NOT EXISTS` cannot do for a schema made by an older version: the
/// columns added since, run before the schema (whose foreign keys may name them); on a new
/// schema there is no table yet to add them to.
const ADDED_COLUMNS: &str = "
    ALTER TABLE IF EXISTS associate ADD COLUMN IF NOT EXISTS max_active_sessions bigint
      CHECK (max_active_sessions >= 0);
    ALTER TABLE IF EXISTS chat_topic ADD COLUMN IF NOT EXISTS agent_max_active_sessions bigint
      CHECK (agent_max_active_sessions >= 0);
    ALTER TABLE IF EXISTS idempotency_key ADD COLUMN IF NOT EXISTS message_id bigint;
    ALTER TABLE IF EXISTS chat_session ADD COLUMN IF NOT EXISTS language_id bigint;
    ALTER TABLE IF EXISTS chat_session ADD COLUMN IF NOT EXISTS alive_until timestamptz;
    ALTER TABLE IF EXISTS chat_topic ADD COLUMN IF NOT EXISTS allowed_origins text NOT NULL
      DEFAULT '';
    ALTER TABLE IF EXISTS chat_topic ADD COLUMN IF NOT EXISTS customer_idle_seconds bigint
      CHECK (customer_idle_seconds BETWEEN 60 AND 86400);";

/// Whether `schema` holds our tables (its version table); a tenant without it does not exist.
pub async fn exists(client: &ClientWrapper, schema: &str) -> Result<bool, Failure> {
    let sql = "SELECT to_regclass(format('%I.chat_pickup_schema', $1::text)) IS NOT NULL";
    let statement = client.prepare_cached(sql).await?;
    Ok(client.query_one(&statement, &[&schema]).await?.try_get(0)?)
}

/// Brings `schema` (which the caller's transaction has on its search_path, and `create`
/// says whether to make) up to [`SCHEMA_VERSION`]; refuses a schema from a newer build. A
/// schema that is current is only read: a role with data privileges alone can serve it.
pub async fn migrate(client: &ClientWrapper, schema: &str, create: bool) -> Result<(), Failure> {
    if current(client, schema).await? {
        return Ok(());
    }
    let lock = "SELECT pg_advisory_xact_lock(hashtext('chat-pickup schema ' || $1::text))";
    client.execute(lock, &[&schema]).await?;
    if create {
        let quoted = super::quote(schema);
        client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))
            .await?;
    }
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS chat_pickup_schema (
                 version bigint PRIMARY KEY,
                 applied timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    // Another instance may have applied it while this one waited for the lock.
    if !current(client, schema).await? {
        client.batch_execute(ADDED_COLUMNS).await?;
        client.batch_execute(SCHEMA).await?;
        client.batch_execute(NOTIFY_CHANGES).await?;
        client
            .execute(
                "INSERT INTO chat_pickup_schema (version) VALUES ($1)",
                &[&SCHEMA_VERSION],
            )
            .await?;
        tracing::info!(schema, version = SCHEMA_VERSION, "applied the schema");
    }
    Ok(())
}

/// Whether the schema on the search_path is at [`SCHEMA_VERSION`]; an error if it is newer.
async fn current(client: &ClientWrapper, schema: &str) -> Result<bool, Failure> {
    let has_table = "SELECT to_regclass('chat_pickup_schema') IS NOT NULL";
    if !client
        .query_one(has_table, &[])
        .await?
        .try_get::<_, bool>(0)?
    {
        return Ok(false);
    }
    let version: i64 = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM chat_pickup_schema",
            &[],
        )
        .await?
        .try_get(0)?;
    if version > SCHEMA_VERSION {
        return Err(Failure::Store(StoreError::Unavailable(format!(
            "schema {schema}: version {version} is newer than this build's {SCHEMA_VERSION}"
        ))));
    }
    Ok(version == SCHEMA_VERSION)
}
