//! Keeps the resident set small between requests.
//!
//! A password verification allocates one 12 MiB block (argon2's memory cost). glibc serves
//! the first such block with `mmap` and hands it back on free, but then raises its mmap
//! threshold to that size, so every later block comes from the heap and stays resident: a
//! serving process would sit at its peak (about 23 MB) instead of about 10 MB. Fixing the
//! threshold keeps large blocks mapped and returned.

/// Blocks of this size or more are always mapped and returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1 << 20;

/// Called once, at start-up, before any thread is spawned.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before other threads
    // exist, and a failure (return value 0) merely leaves glibc's default in place.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
