//! The tenants' stores a process keeps open, for either backend: at most a capacity of them,
//! the least recently used closed first, and any left idle longer than a while closed on the
//! next access - so thousands of small tenants fit in one instance's descriptors and memory.
//!
//! Opening is the caller's and happens outside the lock: one tenant's slow open never stalls
//! requests for the others. Closing happens outside it too (a SQLite connection checkpoints
//! its write-ahead log as it closes); a request still holding a closed tenant's store
//! finishes with it.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::account::tenant::Tenant;

/// How long an unused tenant stays open.
pub const IDLE: Duration = Duration::from_secs(10 * 60);

/// Descriptors kept free for everything but tenants - client connections, the default
/// database, logs, the PostgreSQL pool: a quarter of the limit, at most 256.
const RESERVED_DESCRIPTORS: u64 = 256;
/// What one open SQLite tenant holds under WAL: the database and its write-ahead log for each
/// of its two connections (requests' and its writer's), and one shared-memory file.
const DESCRIPTORS_PER_TENANT: u64 = 5;
/// The memory open tenants may take, and what one takes: measured by `cargo bench --bench
/// tenants -- --new-connection-each` as the resident set's growth per open tenant (about
/// 600 KiB: two connections' page caches, schemas and statements, the write-ahead-log
/// index, the writer's thread, and the allocator's share), rounded up.
const MEMORY_BUDGET: u64 = 32 << 20;
const MEMORY_PER_TENANT: u64 = 640 << 10;

/// How many tenants stay open by default: as many as the process's descriptor limit leaves
/// room for beside those reserved, and the memory budget allows.
pub fn default_capacity() -> NonZeroUsize {
    capacity(open_file_limit())
}

/// The bound on open tenants under a limit of `open_files` descriptors.
fn capacity(open_files: u64) -> NonZeroUsize {
    let reserved = (open_files / 4).min(RESERVED_DESCRIPTORS);
    let by_descriptors = open_files.saturating_sub(reserved) / DESCRIPTORS_PER_TENANT;
    let by_memory = MEMORY_BUDGET / MEMORY_PER_TENANT;
    let capacity = by_descriptors.min(by_memory).max(1);
    NonZeroUsize::new(capacity as usize).unwrap_or(NonZeroUsize::MIN)
}

/// The process's soft limit on open files (Lambda's is 1,024).
fn open_file_limit() -> u64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            return limit.rlim_cur;
        }
    }
    1024
}

pub struct OpenStores<S> {
    entries: Mutex<LruCache<Tenant, Open<S>>>,
    idle: Duration,
}

struct Open<S> {
    store: Arc<S>,
    used: Instant,
}

impl<S> OpenStores<S> {
    pub fn new(capacity: NonZeroUsize, idle: Duration) -> Self {
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
            idle,
        }
    }

    /// The open store of `tenant`, if there is one and `usable` says it still is; an
    /// unusable one is closed.
    pub fn get(&self, tenant: &Tenant, usable: impl Fn(&S) -> bool) -> Option<Arc<S>> {
        let mut closing = Vec::new();
        let found = {
            let mut entries = self.lock();
            closing.extend(self.idle_ones(&mut entries));
            match entries.get_mut(tenant) {
                Some(open) if usable(&open.store) => {
                    open.used = Instant::now();
                    Some(open.store.clone())
                }
                Some(_) => {
                    closing.extend(entries.pop(tenant).map(|open| open.store));
                    None
                }
                None => None,
            }
        };
        drop(closing);
        found
    }

    /// Keeps `store` open for `tenant` and returns it - or the store another request opened
    /// for it meanwhile, and then `store` is closed. The least recently used tenant is closed
    /// when the capacity is reached.
    pub fn insert(&self, tenant: &Tenant, store: Arc<S>) -> Arc<S> {
        let mut closing = Vec::new();
        let kept = {
            let mut entries = self.lock();
            closing.extend(self.idle_ones(&mut entries));
            if let Some(open) = entries.get_mut(tenant) {
                open.used = Instant::now();
                closing.push(store);
                open.store.clone()
            } else {
                let open = Open {
                    store: store.clone(),
                    used: Instant::now(),
                };
                closing.extend(
                    entries
                        .push(tenant.clone(), open)
                        .map(|(_, open)| open.store),
                );
                store
            }
        };
        drop(closing);
        kept
    }

    /// How many tenants are open now.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Takes out the tenants unused for longer than the idle time, least recent first.
    fn idle_ones(&self, entries: &mut LruCache<Tenant, Open<S>>) -> Vec<Arc<S>> {
        let mut idle = Vec::new();
        while let Some((_, open)) = entries.peek_lru() {
            if open.used.elapsed() < self.idle {
                break;
            }
            idle.extend(entries.pop_lru().map(|(_, open)| open.store));
        }
        idle
    }

    fn lock(&self) -> MutexGuard<'_, LruCache<Tenant, Open<S>>> {
        // Entries are plain data; a panic elsewhere cannot leave them inconsistent.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(name: &str) -> Tenant {
        Tenant::parse(name).unwrap()
    }

    fn open_count(stores: &OpenStores<String>) -> usize {
        stores.lock().len()
    }

    fn open(capacity: usize, idle: Duration) -> OpenStores<String> {
        OpenStores::new(NonZeroUsize::new(capacity).unwrap(), idle)
    }

    #[test]
    fn the_capacity_is_bounded_by_memory_and_descriptors() {
        assert_eq!(
            capacity(1024).get(),
            51,
            "Lambda's limit: the memory budget bounds"
        );
        assert_eq!(
            capacity(256).get(),
            38,
            "192 descriptors beside the 64 reserved"
        );
        assert_eq!(capacity(4).get(), 1, "always at least one");
        assert_eq!(capacity(65_536).get(), 51);
    }

    #[test]
    fn the_least_recently_used_tenant_is_closed_at_capacity() {
        let stores = open(2, IDLE);
        let a = Arc::new("a".to_string());
        stores.insert(&tenant("a"), a.clone());
        stores.insert(&tenant("b"), Arc::new("b".into()));
        assert!(
            stores.get(&tenant("a"), |_| true).is_some(),
            "a is now recent"
        );
        stores.insert(&tenant("c"), Arc::new("c".into()));
        assert_eq!(open_count(&stores), 2);
        assert!(stores.get(&tenant("b"), |_| true).is_none(), "b was closed");
        assert!(stores.get(&tenant("a"), |_| true).is_some());
        assert_eq!(
            Arc::strong_count(&a),
            2,
            "a is held by the cache and this test only"
        );
    }

    #[test]
    fn a_store_opened_twice_keeps_the_first_and_closes_the_second() {
        let stores = open(4, IDLE);
        let first = stores.insert(&tenant("a"), Arc::new("first".into()));
        let second = Arc::new("second".to_string());
        let kept = stores.insert(&tenant("a"), second.clone());
        assert!(Arc::ptr_eq(&kept, &first));
        assert_eq!(Arc::strong_count(&second), 1, "the second open was dropped");
    }

    #[test]
    fn unusable_and_idle_stores_are_closed() {
        let stores = open(4, IDLE);
        stores.insert(&tenant("a"), Arc::new("stale".into()));
        assert!(stores.get(&tenant("a"), |store| store != "stale").is_none());
        assert_eq!(open_count(&stores), 0);

        let stores = open(4, Duration::ZERO);
        stores.insert(&tenant("a"), Arc::new("a".into()));
        assert!(stores.get(&tenant("a"), |_| true).is_none(), "idle at once");
        assert_eq!(open_count(&stores), 0);
    }
}
