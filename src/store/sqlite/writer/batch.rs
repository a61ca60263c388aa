//! One batch of writes: each in a savepoint of its own, one commit for them all, then every
//! caller answered with the commit's outcome.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rusqlite::{Connection, TransactionBehavior};

use super::{Finished, Job};
use crate::store::StoreError;

/// One batch: every write in its savepoint, one commit, then every caller answered.
pub(super) fn commit(connection: &mut Connection, batch: Vec<Job>) {
    let mut jobs = batch.into_iter();
    while !jobs.as_slice().is_empty() {
        commit_some(connection, &mut jobs);
    }
}

/// What running one write in its savepoint came to.
enum Ran {
    /// Kept or rolled back alone; answered with the batch's commit.
    Done(Finished),
    /// Its failure made SQLite roll back the whole transaction (as it may on a full disk
    /// or an I/O error): the writes before it in the batch are undone too, for this cause.
    Aborted(Finished, StoreError),
    /// Answered already (it panicked, or its savepoint could not be made or released).
    Answered,
}

/// Runs writes from `jobs` in one transaction and commits them, until they run out or one
/// of them ends the transaction: the writes left are for the next transaction.
fn commit_some(connection: &mut Connection, jobs: &mut std::vec::IntoIter<Job>) {
    let mut transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate)
    {
        Ok(transaction) => transaction,
        Err(error) => {
            let error = StoreError::from(error);
            for job in jobs {
                (job(None).answer)(Err(error.clone()));
            }
            return;
        }
    };
    let mut finished = Vec::new();
    for job in jobs.by_ref() {
        match in_savepoint(&mut transaction, job) {
            Ran::Done(done) => finished.push(done),
            Ran::Aborted(aborting, cause) => {
                for undone in finished {
                    (undone.answer)(Err(cause.clone()));
                }
                (aborting.answer)(Ok(()));
                return;
            }
            Ran::Answered => {}
        }
    }
    let committed = transaction.commit().map_err(StoreError::from);
    crate::telemetry::batch(finished.len());
    for done in finished {
        (done.answer)(committed.clone());
    }
}

/// Runs `job` in a savepoint of its own, released if the job kept its changes and rolled
/// back otherwise. A job that panicked has no answer: its caller hears that the writer
/// stopped, and the savepoint is rolled back.
fn in_savepoint(transaction: &mut rusqlite::Transaction, job: Job) -> Ran {
    let savepoint = match transaction.savepoint() {
        Ok(savepoint) => savepoint,
        Err(error) => {
            let refused = job(None);
            (refused.answer)(Err(StoreError::from(error)));
            return Ran::Answered;
        }
    };
    let Ok(finished) = catch_unwind(AssertUnwindSafe(|| job(Some(&savepoint)))) else {
        return Ran::Answered;
    };
    if savepoint.is_autocommit() {
        let cause = finished
            .failure
            .clone()
            .unwrap_or_else(|| StoreError::Internal("the transaction ended inside a write".into()));
        return Ran::Aborted(finished, cause);
    }
    if finished.failure.is_none()
        && let Err(error) = savepoint.commit()
    {
        (finished.answer)(Err(StoreError::from(error)));
        return Ran::Answered;
    }
    Ran::Done(finished)
}
