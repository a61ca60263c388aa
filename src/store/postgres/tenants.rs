//! Which schema serves a request: the default store is the `public` schema; a tenant is a
//! schema of its own name in the same database, created only by the `demo` and `admin`
//! commands, never by a request.

use std::sync::{Arc, Mutex, Weak};

use deadpool_postgres::Pool;

use super::transaction::pool;
use super::{DEFAULT_SCHEMA, PgOptions, PgStore, PgTarget, migrate};
use crate::account::tenant::Tenant;
use crate::store::admin::Admin;
use crate::store::bells::Bells;
use crate::store::open::{IDLE, OpenStores};
use crate::store::{Store, StoreError, Stores};
use crate::time::Timestamp;

/// The tenants' schemas: every schema but the default that holds our version table.
const TENANT_SCHEMAS: &str = "SELECT nspname::text FROM pg_namespace \
    WHERE nspname <> 'public' AND to_regclass(quote_ident(nspname) || '.chat_pickup_schema') IS NOT NULL";

/// Every tenant's store, and the default one, over one pool.
pub struct PgStores {
    pool: Pool,
    /// The server, for the connection that listens for changes.
    target: PgTarget,
    options: PgOptions,
    default: Mutex<Option<Arc<PgStore>>>,
    tenants: OpenStores<PgStore>,
}

impl PgStores {
    pub fn new(target: &PgTarget, options: PgOptions) -> Result<Self, StoreError> {
        if !target.uses_tls() {
            tracing::info!(%target, "connections to PostgreSQL are not encrypted (sslmode)");
        }
        Ok(Self {
            pool: pool(target, &options)?,
            target: target.clone(),
            tenants: OpenStores::new(options.open_tenants, IDLE),
            options,
            default: Mutex::default(),
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

    /// `tenant`'s store as it is if open, else opened for one visit alone: the open ones stay
    /// the ones requests use.
    fn visited(&self, tenant: &Tenant) -> Result<Arc<PgStore>, StoreError> {
        Ok(match self.tenants.get(tenant, PgStore::is_current) {
            Some(store) => store,
            None => self.open(Some(tenant), false)?,
        })
    }

    fn tenant_store(&self, tenant: &Tenant) -> Result<Arc<PgStore>, StoreError> {
        if let Some(store) = self.tenants.get(tenant, PgStore::is_current) {
            return Ok(store);
        }
        let store = self.open(Some(tenant), false)?;
        Ok(self.tenants.insert(tenant, store))
    }
}

impl Stores for PgStores {
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match tenant {
            None => self.default_store()?,
            Some(tenant) => self.tenant_store(tenant)?,
        })
    }

    fn watch(self: Arc<Self>, bells: Weak<Bells>) {
        super::watch::watch(self.target.clone(), bells);
    }

    fn open_tenants(&self) -> usize {
        self.tenants.count()
    }

    fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let schemas: Vec<String> =
            self.default_store()?
                .read(&[TENANT_SCHEMAS], async |client| {
                    let rows = client.query(TENANT_SCHEMAS, &[]).await?;
                    Ok(rows
                        .iter()
                        .map(|row| row.try_get(0))
                        .collect::<Result<_, _>>()?)
                })?;
        Ok(schemas
            .iter()
            .filter_map(|schema| Tenant::parse(schema))
            .collect())
    }

    fn visit_store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match tenant {
            None => self.default_store()?,
            Some(tenant) => self.visited(tenant)?,
        })
    }

    fn sweep_all(&self, now: Timestamp) -> Result<usize, StoreError> {
        let mut closed = self.default_store()?.sweep(now)?;
        for tenant in self.tenants()? {
            closed += self.visited(&tenant)?.sweep(now)?;
        }
        Ok(closed)
    }
}
