//! One writer per database, with group commit.
//!
//! SQLite holds its write lock across the commit's sync, so one transaction per pickup pays
//! one sync per pickup, and concurrent callers only queue behind each other. Here callers
//! hand their write to the database's writer over a queue; the writer runs every write
//! waiting in it - in arrival order, each inside its own `SAVEPOINT`, so one that fails
//! rolls back alone - in one `BEGIN IMMEDIATE ... COMMIT`, and answers each caller only once
//! that commit is durable under the configured `synchronous` mode. A caller alone is
//! committed at once; under load the batch is what queued during the previous commit, and
//! what comes back within a fraction of it (`gather`). Each write sees the ones before it in its batch as made, so everything a
//! pickup decides (order, eligibility, Rank, welcome, counters) is decided as if one ran
//! after the other.
//!
//! The writer is a thread with a connection of its own, started by the first write and
//! stopped after [`IDLE`] without one, so thousands of quiet tenants hold no threads; a store
//! dropped stops its writer and waits for it to close its connection. Under WAL, reads use the store's other connection and never wait
//! for it; under a rollback journal, where readers and a commit lock each other out, the
//! writer borrows the store's connection for each batch, and reads wait their turn.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{FairMutex, Mutex};
use rusqlite::{Connection, OpenFlags};

mod batch;

use super::{FileId, SqliteOptions, configure_connection, errors, file_id};
use crate::store::StoreError;
use batch::commit;

/// How long a writer waits for work before it stops (and closes its connection).
pub const IDLE: Duration = Duration::from_secs(2);

/// The most writes one commit carries: enough to spread a sync over many callers, few
/// enough that the first of them does not wait long for the last.
pub const MAX_BATCH: usize = 64;

/// The longest a batch waits for the callers of the last one to come back.
pub const MAX_LINGER: Duration = Duration::from_millis(2);

/// What a write came to, to be told its caller once the batch's commit is known.
struct Finished {
    /// Why it failed, if it did: then its changes are rolled back; otherwise they stay (its
    /// savepoint is released).
    failure: Option<StoreError>,
    answer: Box<dyn FnOnce(Result<(), StoreError>) + Send>,
}

/// A write: run on the batch's connection inside its savepoint (`Some`), or refused
/// unrun (`None`: the batch could not begin).
type Job = Box<dyn FnOnce(Option<&Connection>) -> Finished + Send>;

/// Where writes to one database go.
pub struct Writer {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    options: SqliteOptions,
    /// The file the store opened: the writer refuses to write into any other.
    file: Option<FileId>,
    /// The running writer's queue and thread; `None` when no writer runs. Held only to send
    /// or to stop.
    queue: Mutex<Option<Running>>,
    /// The store's connection, to write on instead of one of the writer's own.
    shared: Option<Arc<FairMutex<Connection>>>,
}

/// A writer that runs: where its writes go, and its thread.
struct Running {
    sender: Sender<Job>,
    thread: JoinHandle<()>,
}

/// Where a writer's batches run.
enum Target {
    Own(Connection),
    Shared(Arc<FairMutex<Connection>>),
}

impl Writer {
    /// The writer of the database at `path`, which `file` names; it writes on `shared`, if
    /// given, or on a connection of its own.
    pub fn new(
        path: &Path,
        options: &SqliteOptions,
        file: Option<FileId>,
        shared: Option<Arc<FairMutex<Connection>>>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                path: path.to_path_buf(),
                options: options.clone(),
                file,
                queue: Mutex::new(None),
                shared,
            }),
        }
    }

    /// Runs `work` in the writer's next batch and answers once its commit is known: its
    /// result if the commit holds, the commit's error if it does not.
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |connection| {
            let result = match connection {
                Some(connection) => work(connection),
                None => Err(StoreError::Internal("the write was not run".into())),
            };
            Finished {
                failure: result.as_ref().err().cloned(),
                answer: Box::new(move |committed| {
                    let _ = reply.send(committed.and(result));
                }),
            }
        });
        self.send(job)?;
        answer.recv().unwrap_or_else(|_| {
            Err(StoreError::Internal(
                "the writer stopped before answering (a panic in a write)".into(),
            ))
        })
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let mut queue = self.shared.queue.lock();
        let job = match queue.as_ref() {
            Some(running) => match running.sender.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (sender, receiver) = mpsc::channel();
        let shared = Arc::downgrade(&self.shared);
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(&shared, &receiver))
            .map_err(|error| StoreError::Busy(format!("cannot start a writer thread: {error}")))?;
        sender
            .send(job)
            .expect("the writer holds its receiver until it stops");
        *queue = Some(Running { sender, thread });
        Ok(())
    }
}

impl Drop for Writer {
    /// Stops a running writer and waits for it to close its connection, so that a store
    /// dropped - a tenant closed to make room for another - holds no file open after, and its
    /// WAL is checkpointed away at once.
    fn drop(&mut self) {
        let running = self.shared.queue.lock().take();
        if let Some(Running { sender, thread }) = running {
            drop(sender);
            let _ = thread.join();
        }
    }
}

/// The writer's life: open, then commit batches until idle or its store is gone.
fn serve(shared: &Weak<Shared>, receiver: &Receiver<Job>) {
    let Some(target) = shared.upgrade().map(|shared| target(&shared)) else {
        return;
    };
    let mut target = match target {
        Ok(target) => target,
        Err(error) => return refuse_all(shared, receiver, &error),
    };
    let mut last = Last {
        size: 1,
        took: Duration::ZERO,
    };
    while let Some(first) = next(shared, receiver) {
        let batch = gather(receiver, first, &last);
        let started = Instant::now();
        // The callers seen lately: a batch may carry fewer than are active (some came back
        // late), so the count falls by one a batch rather than to the last batch's size.
        last.size = batch.len().max(last.size.saturating_sub(1));
        match &mut target {
            Target::Own(connection) => commit(connection, batch),
            Target::Shared(connection) => commit(&mut connection.lock(), batch),
        }
        last.took = started.elapsed();
    }
}

/// The recent batches: how many writes they carried (the largest lately) and how long the
/// last commit took.
struct Last {
    size: usize,
    took: Duration,
}

/// The batch starting with `first`: everything queued, and - when fewer are queued than
/// recent batches carried - whatever else arrives within half the last commit's time, up to
/// that size. The callers answered by the last commit are on their way back with their next
/// writes; waiting a fraction of a commit for them lets them share the next one instead of
/// each batch alternating between many and few. A caller alone never waits (once the count
/// of recent callers has fallen back to one).
fn gather(receiver: &Receiver<Job>, first: Job, last: &Last) -> Vec<Job> {
    let mut batch = vec![first];
    batch.extend(receiver.try_iter().take(MAX_BATCH - 1));
    let deadline = Instant::now() + (last.took / 2).min(MAX_LINGER);
    while batch.len() < last.size.min(MAX_BATCH) {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        match receiver.recv_timeout(left) {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

/// The next write, waiting up to [`IDLE`]; `None` once the writer should stop, its queue
/// closed so that no write is sent to it after.
fn next(shared: &Weak<Shared>, receiver: &Receiver<Job>) -> Option<Job> {
    match receiver.recv_timeout(IDLE) {
        Ok(job) => Some(job),
        Err(RecvTimeoutError::Disconnected) => None,
        Err(RecvTimeoutError::Timeout) => {
            let shared = shared.upgrade()?;
            let mut queue = shared.queue.lock();
            let last = receiver.try_recv().ok();
            if last.is_none() {
                *queue = None;
            }
            last
        }
    }
}

/// Where the writer writes: the store's connection, or one of its own.
fn target(shared: &Shared) -> Result<Target, StoreError> {
    match &shared.shared {
        Some(connection) => Ok(Target::Shared(connection.clone())),
        None => open(shared).map(Target::Own),
    }
}

/// The writer's own connection: the store's file, as the store configured its own.
fn open(shared: &Shared) -> Result<Connection, StoreError> {
    let path = &shared.path;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let connection =
        Connection::open_with_flags(path, flags).map_err(|error| errors::opening(path, error))?;
    if shared.file.is_none() || file_id(path) != shared.file {
        return Err(StoreError::Unavailable(format!(
            "{} was replaced or removed under the running store",
            path.display()
        )));
    }
    configure_connection(&connection, &shared.options)
        .map_err(|error| errors::opening(path, error))?;
    Ok(connection)
}

/// A writer that cannot open answers the writes already sent to it with why, and stops at
/// once: the next write starts a new one, which may succeed (descriptors freed, a fault
/// removed).
fn refuse_all(shared: &Weak<Shared>, receiver: &Receiver<Job>, error: &StoreError) {
    if let Some(shared) = shared.upgrade() {
        *shared.queue.lock() = None;
    }
    for job in receiver.try_iter() {
        (job(None).answer)(Err(error.clone()));
    }
}

#[cfg(test)]
mod tests;
