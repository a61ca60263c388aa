//! Keeps the resident set small between requests.
//!
//! A password verification allocates one 12 MiB block (argon2's memory cost). glibc serves
//! the first such block with `mmap` and hands it back on free, but then raises its mmap
//! threshold to that size, so every later block comes from the heap and stays resident: a
//! serving process would sit at its peak (about 23 MB) instead of about 10 MB. Fixing the
//! threshold keeps large blocks mapped and returned.
//!
//! glibc also gives threads arenas of their own, up to eight per core, and each keeps the
//! memory freed into it for its next allocations. With many tenants, threads open and close
//! SQLite connections all the time (a request's blocking thread opens a tenant and closes the
//! one it displaces, each tenant's writer opens its own), so every arena holds its own share
//! of freed memory: with 16 arenas on 2 cores, about 12 MB more stayed resident than was in
//! use (`cargo bench --bench tenants -- --new-connection-each`, PERFORMANCE.md). One arena
//! per core, at least two, keeps a core's threads from waiting on each other's allocations.

/// The most threads blocking work runs on at once - SQLite's reads and writes, PostgreSQL's
/// calls, argon2's verifications. More would not run sooner (a database's reads share one
/// connection, its writes one writer; the cores are few), but each keeps a stack and, for
/// argon2, a 12 MiB block: tokio's default of 512 let a burst of long-poll connections leave
/// 60 idle threads behind, and a burst of sign-ins could hold gigabytes.
pub const BLOCKING_THREADS: usize = 32;

/// The runtime the binary runs on, its blocking threads at most [`BLOCKING_THREADS`].
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
}

/// Blocks of this size or more are always mapped and returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1 << 20;

/// The fewest arenas, whatever the cores.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MIN_ARENAS: usize = 2;

/// Called once, at start-up, before any thread is spawned.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let arenas = libc::c_int::try_from(cores.max(MIN_ARENAS)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets an allocator parameter; it is called before other
        // threads exist, and a failure (return value 0) merely leaves glibc's default in
        // place.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
