//! The writer: batches commit once, in order, each write alone in its savepoint; writes from
//! many threads all land; a writer that cannot open refuses and the next write tries again.

use super::*;

/// A job inserting `value` into `t`, failing after the insert when `fail`; its caller's
/// answer arrives on the returned channel. It also reports how many rows it saw before.
fn insert(value: i64, fail: bool) -> (Job, mpsc::Receiver<Result<i64, StoreError>>) {
    let (reply, answer) = mpsc::sync_channel(1);
    let job: Job = Box::new(move |connection| {
        let result = connection
            .ok_or_else(|| StoreError::Internal("not run".into()))
            .and_then(|connection| {
                let seen: i64 =
                    connection.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?;
                connection.execute("INSERT INTO t VALUES (?1)", [value])?;
                match fail {
                    true => Err(StoreError::Internal("asked to fail".into())),
                    false => Ok(seen),
                }
            });
        Finished {
            failure: result.as_ref().err().cloned(),
            answer: Box::new(move |committed| {
                let _ = reply.send(committed.and(result));
            }),
        }
    });
    (job, answer)
}

fn table() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let connection = Connection::open(dir.path().join("t.db")).unwrap();
    connection
        .execute_batch("CREATE TABLE t (v INTEGER)")
        .unwrap();
    (dir, connection)
}

#[test]
fn a_batch_commits_once_in_order_and_a_failing_write_rolls_back_alone() {
    let (_dir, mut connection) = table();
    let (jobs, answers): (Vec<_>, Vec<_>) = [(1, false), (2, true), (3, false)]
        .map(|(value, fail)| insert(value, fail))
        .into_iter()
        .unzip();
    commit(&mut connection, jobs);
    let answers: Vec<_> = answers
        .iter()
        .map(|answer| answer.recv().unwrap())
        .collect();
    assert_eq!(answers[0].as_ref().unwrap(), &0);
    assert!(matches!(answers[1], Err(StoreError::Internal(_))));
    assert_eq!(
        answers[2].as_ref().unwrap(),
        &1,
        "sees the first, not the rolled-back second"
    );
    let values: Vec<i64> = connection
        .prepare("SELECT v FROM t ORDER BY v")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(values, [1, 3]);
    assert!(connection.is_autocommit(), "the transaction is over");
}

#[test]
fn writes_from_many_threads_all_land_and_a_dropped_store_stops_its_writer() {
    let (dir, _connection) = table();
    let path = dir.path().join("t.db");
    let writer = Arc::new(Writer::new(
        &path,
        &SqliteOptions::default(),
        file_id(&path),
        None,
    ));
    let threads: Vec<_> = (0..16)
        .map(|value| {
            let writer = writer.clone();
            std::thread::spawn(move || {
                writer.run(move |connection| {
                    Ok(connection.execute("INSERT INTO t VALUES (?1)", [value])?)
                })
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap().unwrap(), 1);
    }
    let check = Connection::open(&path).unwrap();
    let count: i64 = check
        .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 16);
    assert!(
        writer.shared.queue.lock().is_some(),
        "running while writes come"
    );
    drop(writer);
    let (sender, receiver) = mpsc::channel::<Job>();
    drop(sender);
    assert!(
        next(&Weak::new(), &receiver).is_none(),
        "a dropped store stops its writer"
    );
}

#[test]
fn a_writer_that_cannot_open_refuses_and_the_next_write_tries_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    let writer = Writer::new(&path, &SqliteOptions::default(), None, None);
    for _ in 0..2 {
        let refused = writer.run(|_| Ok(()));
        assert!(
            matches!(refused, Err(StoreError::Unavailable(_))),
            "{refused:?}"
        );
    }
}

#[test]
fn under_a_rollback_journal_the_writer_writes_on_the_stores_connection() {
    let (dir, connection) = table();
    let path = dir.path().join("t.db");
    let shared = Arc::new(FairMutex::new(connection));
    let writer = Writer::new(
        &path,
        &SqliteOptions::default(),
        file_id(&path),
        Some(shared.clone()),
    );
    let held = shared.lock();
    let (done, finished) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        let changed =
            writer.run(|connection| Ok(connection.execute("INSERT INTO t VALUES (7)", [])?));
        done.send(()).unwrap();
        changed
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        finished.try_recv().is_err(),
        "the write waits for the store's connection"
    );
    drop(held);
    assert_eq!(thread.join().unwrap().unwrap(), 1);
    let seen: i64 = shared
        .lock()
        .query_row("SELECT v FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(seen, 7);
}
