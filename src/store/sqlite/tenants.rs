//! Which SQLite file serves a request: the default database, or `{tenants dir}/{tenant}.db`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::{SqliteOptions, SqliteStore};
use crate::account::tenant::Tenant;
use crate::store::admin::Admin;
use crate::store::bells::Bells;
use crate::store::open::{IDLE, OpenStores};
use crate::store::{Store, StoreError, Stores};
use crate::time::Timestamp;

/// Where a tenant's database lives: `{dir}/{tenant}.db`.
pub fn tenant_path(dir: &Path, tenant: &Tenant) -> PathBuf {
    dir.join(format!("{tenant}.db"))
}

/// Opens databases on first use and keeps them open (a Lambda instance serves many
/// requests): the default one for the life of the process, tenants' as [`OpenStores`] bounds
/// them. A failed open is not remembered, so a database that becomes available is used on
/// the next request; a file deleted or replaced under a running process is noticed on the
/// next request, which refuses (deleted) or reopens (replaced).
pub struct SqliteStores {
    default_path: PathBuf,
    tenants_dir: Option<PathBuf>,
    options: SqliteOptions,
    default: Mutex<Option<Arc<SqliteStore>>>,
    /// Whether the default database was ever opened: after that, a missing file is an
    /// outage to report, not a first start to set up.
    default_existed: AtomicBool,
    tenants: OpenStores<SqliteStore>,
}

impl SqliteStores {
    pub fn new(
        default_path: PathBuf,
        tenants_dir: Option<PathBuf>,
        options: SqliteOptions,
    ) -> Self {
        Self {
            default_path,
            tenants_dir,
            tenants: OpenStores::new(options.open_tenants, IDLE),
            options,
            default: Mutex::default(),
            default_existed: AtomicBool::new(false),
        }
    }

    pub(super) fn default_store(&self) -> Result<Arc<SqliteStore>, StoreError> {
        let mut slot = self
            .default
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let store = match slot.take() {
            Some(store) if store.is_current() => store,
            // Replaced or deleted under us: drop the old connection first (it checkpoints
            // and closes its journal), then open what is at the path now - never a new,
            // empty database in place of one that vanished.
            Some(stale) => {
                drop(stale);
                Arc::new(SqliteStore::open_existing(
                    &self.default_path,
                    &self.options,
                )?)
            }
            None if self.default_existed.load(Ordering::Relaxed) => Arc::new(
                SqliteStore::open_existing(&self.default_path, &self.options)?,
            ),
            None => Arc::new(SqliteStore::create(&self.default_path, &self.options)?),
        };
        self.default_existed.store(true, Ordering::Relaxed);
        *slot = Some(store.clone());
        Ok(store)
    }

    pub(super) fn tenant_store(&self, tenant: &Tenant) -> Result<Arc<SqliteStore>, StoreError> {
        let unknown = || StoreError::UnknownTenant(tenant.clone());
        let dir = self.tenants_dir.as_ref().ok_or_else(unknown)?;
        if let Some(store) = self.tenants.get(tenant, SqliteStore::is_current) {
            return Ok(store);
        }
        let path = tenant_path(dir, tenant);
        if !path.is_file() {
            return Err(unknown());
        }
        let store = SqliteStore::open_existing(&path, &self.options.for_tenant())?;
        Ok(self.tenants.insert(tenant, Arc::new(store)))
    }
}

impl SqliteStores {
    /// The tenants with a database in the tenants directory (none without one).
    fn tenant_names(&self) -> Result<Vec<Tenant>, StoreError> {
        let Some(dir) = &self.tenants_dir else {
            return Ok(Vec::new());
        };
        let entries = std::fs::read_dir(dir)
            .map_err(|error| StoreError::Unavailable(format!("{}: {error}", dir.display())))?;
        Ok(entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name();
                Tenant::parse(name.to_str()?.strip_suffix(".db")?)
            })
            .collect())
    }

    /// `tenant`'s store as it is if open, else opened for one visit alone: the open ones stay
    /// the ones requests use.
    fn visited(&self, tenant: &Tenant) -> Result<Arc<SqliteStore>, StoreError> {
        Ok(match self.tenants.get(tenant, SqliteStore::is_current) {
            Some(store) => store,
            None => Arc::new(SqliteStore::open_existing(
                &self.tenant_file(tenant)?,
                &self.options.for_tenant(),
            )?),
        })
    }

    fn tenant_file(&self, tenant: &Tenant) -> Result<PathBuf, StoreError> {
        let dir = self.tenants_dir.as_ref();
        let dir = dir.ok_or_else(|| StoreError::UnknownTenant(tenant.clone()))?;
        Ok(tenant_path(dir, tenant))
    }
}

impl Stores for SqliteStores {
    fn store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match tenant {
            None => self.default_store()?,
            Some(tenant) => self.tenant_store(tenant)?,
        })
    }

    fn open_tenants(&self) -> usize {
        self.tenants.count()
    }

    fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.tenant_names()
    }

    fn watch(self: Arc<Self>, bells: Weak<Bells>) {
        super::watch::watch(self, bells);
    }

    fn visit_store(&self, tenant: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match tenant {
            None => self.default_store()?,
            Some(tenant) => self.visited(tenant)?,
        })
    }

    fn sweep_all(&self, now: Timestamp) -> Result<usize, StoreError> {
        let mut closed = self.default_store()?.sweep(now)?;
        for tenant in self.tenant_names()? {
            closed += self.visited(&tenant)?.sweep(now)?;
        }
        Ok(closed)
    }
}
