//! Two writers at one row at once, in the order that once went wrong. On PostgreSQL a
//! transaction of the test's own ([`Hold`]) locks the row while the requests start and queue
//! behind it, and lets go only once the server shows them all waiting: they then go on one
//! at a time, in the order they queued, with whatever a statement of theirs read before it
//! had to wait - the READ COMMITTED window of each race here, forced rather than hoped for,
//! and nothing timed. SQLite has no such window (one writer runs each write whole, under
//! `BEGIN IMMEDIATE`, and the sweep is one such transaction): there a request that waits
//! behind the hold on PostgreSQL runs to its end first, and the same outcome must hold.

use std::sync::Arc;
use std::time::Duration;

use chat_pickup::time::Timestamp;
use http::{Method, StatusCode};
use lambda_http::Body;
use test_support::app::{TestApp, TestResponse};
use test_support::given;
use tokio::task::AbortHandle;

use super::customer::{app, sales};

/// A customer starts a chat in Sales.
async fn start(app: Arc<TestApp>) -> TestResponse {
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
    app.request(Method::POST, &path, &[], Body::Empty).await
}

/// `tje0` creates a session in Sales.
async fn create(app: Arc<TestApp>) -> TestResponse {
    let path = format!("/api/v1/ChatTopic/{}/Sessions", sales(&app));
    app.post_json(&path, "tje0", "").await
}

async fn as_customer(app: Arc<TestApp>, method: Method, path: String, key: String) -> TestResponse {
    let authorization = format!("SessionKey {key}");
    let headers = [("authorization", authorization.as_str())];
    app.request(method, &path, &headers, Body::Empty).await
}

/// A customer's chat in Sales, its customer gone quiet long ago: its id and key.
async fn dead_chat(app: &Arc<TestApp>) -> (i64, String) {
    let started = start(app.clone()).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let view = started.json();
    let id = view["ChatSessionId"].as_i64().unwrap();
    app.exec(&format!(
        "UPDATE chat_session SET alive_until = '2000-01-01 00:00:00', \
           customer_fetch = '2000-01-01 00:00:00' WHERE id = {id}"
    ));
    (id, view["SessionKey"].as_str().unwrap().to_string())
}

/// The sweep, on a thread of its own (it blocks); how many chats it closed.
fn sweep(app: &Arc<TestApp>) -> tokio::task::JoinHandle<usize> {
    let admin = app.admin.clone();
    tokio::task::spawn_blocking(move || admin.sweep(Timestamp::now()).unwrap())
}

/// The closing notices of session `id`: ClosedByUser 10, ClosedByCustomer 11, ClosedByIdle 12.
fn closing_notices(app: &TestApp, id: i64) -> Vec<i64> {
    app.backend.ints(&format!(
        "SELECT special_type FROM chat_message WHERE session_id = {id} \
         AND special_type IN (10, 11, 12) ORDER BY id"
    ))
}

/// The `chatsession.changed` events of session `id` that change its Status: its ends.
fn ends(app: &TestApp, id: i64) -> i64 {
    app.int(&format!(
        "SELECT count(*) FROM chat_event WHERE session_id = {id} \
         AND event = 'chatsession.changed' AND changes = 'Status'"
    ))
}

/// A row lock held by a transaction of the test's own, with a second connection watching
/// who waits for it (PostgreSQL); nothing on SQLite.
struct Hold(Option<(tokio_postgres::Client, tokio_postgres::Client)>);

/// The transactions of this test's database (its own, on the shared cluster) waiting for a
/// lock. Asked outside a transaction, so each time anew.
const WAITING: &str = "SELECT count(*) FROM pg_stat_activity \
    WHERE datname = current_database() AND wait_event_type = 'Lock'";

impl Hold {
    /// Locks the row `select` reads, as a writer of it would.
    async fn row(app: &TestApp, select: &str) -> Self {
        if !app.is_postgres() {
            return Self(None);
        }
        let connect = async || {
            let (client, connection) =
                tokio_postgres::connect(app.backend.url(), tokio_postgres::NoTls)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            client
        };
        let holder = connect().await;
        holder
            .batch_execute(&format!("BEGIN; {select} FOR NO KEY UPDATE"))
            .await
            .unwrap();
        Self(Some((holder, connect().await)))
    }

    /// Returns once each of `tasks` waits: on PostgreSQL, once as many transactions wait
    /// for a lock (and none of the tasks has finished without); on SQLite, once each has
    /// finished. The short sleep only paces the polling.
    async fn until_waiting(&self, tasks: &[AbortHandle]) {
        loop {
            let finished = tasks.iter().filter(|task| task.is_finished()).count();
            match &self.0 {
                None if finished == tasks.len() => return,
                None => {}
                Some((_, watcher)) => {
                    assert_eq!(
                        finished, 0,
                        "a request finished without waiting for the lock"
                    );
                    let waiting: i64 = watcher.query_one(WAITING, &[]).await.unwrap().get(0);
                    if waiting >= tasks.len() as i64 {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Lets go of the lock once each of `tasks` waits.
    async fn release(self, tasks: &[AbortHandle]) {
        self.until_waiting(tasks).await;
        if let Some((holder, _)) = &self.0 {
            holder.batch_execute("ROLLBACK").await.unwrap();
        }
    }
}

/// Both wait for the topic's lock with the queue empty: whichever goes second must count
/// the session the first made, not the empty queue it saw before it waited.
#[tokio::test(flavor = "multi_thread")]
async fn a_customer_and_an_agent_starting_at_once_take_their_queue_positions_in_turn() {
    let app = Arc::new(given!(app()));
    let topic = format!("SELECT 1 FROM chat_topic WHERE id = {}", sales(&app));
    let hold = Hold::row(&app, &topic).await;
    let customer = tokio::spawn(start(app.clone()));
    let agent = tokio::spawn(create(app.clone()));
    hold.release(&[customer.abort_handle(), agent.abort_handle()])
        .await;
    let (customer, agent) = (customer.await.unwrap(), agent.await.unwrap());
    assert_eq!(customer.status, StatusCode::CREATED, "{}", customer.body);
    assert_eq!(agent.status, StatusCode::OK, "{}", agent.body);
    assert_eq!(
        app.backend
            .ints("SELECT initial_queue_pos FROM chat_session ORDER BY initial_queue_pos"),
        [1, 2]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_starting_at_once_never_overfill_the_queue() {
    let app = Arc::new(given!(app()).reconfigured(|app| app.with_max_queue(Some(1))));
    let topic = format!("SELECT 1 FROM chat_topic WHERE id = {}", sales(&app));
    let hold = Hold::row(&app, &topic).await;
    let first = tokio::spawn(start(app.clone()));
    let second = tokio::spawn(start(app.clone()));
    hold.release(&[first.abort_handle(), second.abort_handle()])
        .await;
    let mut statuses = [first.await.unwrap().status, second.await.unwrap().status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::SERVICE_UNAVAILABLE]
    );
    assert_eq!(app.int("SELECT count(*) FROM chat_session"), 1);
}

/// The customer's end waits for the chat's lock first; then the sweep finds the chat dead
/// (the end not yet made) and waits to close it. Ending twice changes nothing: one notice,
/// one event for the webhooks, WhenEnded left as the end wrote it.
#[tokio::test(flavor = "multi_thread")]
async fn the_sweep_leaves_a_chat_its_customer_ended_meanwhile() {
    let app = Arc::new(given!(app()));
    let (id, key) = dead_chat(&app).await;
    let hold = Hold::row(&app, &format!("SELECT 1 FROM chat_session WHERE id = {id}")).await;
    let path = format!("/api/v1/Customer/ChatSession/{id}/End");
    let end = tokio::spawn(as_customer(app.clone(), Method::POST, path, key));
    hold.until_waiting(&[end.abort_handle()]).await;
    let sweep = sweep(&app);
    hold.release(&[end.abort_handle(), sweep.abort_handle()])
        .await;
    let ended = end.await.unwrap();
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(sweep.await.unwrap(), 0, "ended before the sweep closed it");
    assert_eq!(closing_notices(&app, id), [11], "ClosedByCustomer alone");
    assert_eq!(ends(&app, id), 1);
}

/// The customer's read waits for the chat's lock first; then the sweep finds the chat dead
/// (the read not yet noted) and waits to close it. The read kept it alive.
#[tokio::test(flavor = "multi_thread")]
async fn the_sweep_leaves_a_chat_its_customer_fetched_meanwhile() {
    let app = Arc::new(given!(app()));
    let (id, key) = dead_chat(&app).await;
    let hold = Hold::row(&app, &format!("SELECT 1 FROM chat_session WHERE id = {id}")).await;
    let path = format!("/api/v1/Customer/ChatSession/{id}/Messages?after=0");
    let read = tokio::spawn(as_customer(app.clone(), Method::GET, path, key));
    hold.until_waiting(&[read.abort_handle()]).await;
    let sweep = sweep(&app);
    hold.release(&[read.abort_handle(), sweep.abort_handle()])
        .await;
    let read = read.await.unwrap();
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(
        sweep.await.unwrap(),
        0,
        "alive again before the sweep closed it"
    );
    assert_eq!(
        app.int(&format!("SELECT status FROM chat_session WHERE id = {id}")),
        4,
        "still waiting"
    );
    assert_eq!(closing_notices(&app, id), [0_i64; 0]);
    assert_eq!(ends(&app, id), 0);
}
