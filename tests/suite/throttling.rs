//! Failed sign-ins slow the guesser down and then are refused unheard (429 with
//! `Retry-After`), while the owner - from an address with no failures, or with credentials
//! that verified lately - still gets in. The clock stands still, so no window ever passes
//! and every count is exact.

use std::net::IpAddr;
use std::sync::LazyLock;

use chat_pickup::account::secret::SecretKind;
use chat_pickup::http::error::LOGIN_THROTTLED;
use chat_pickup::http::source::Forwarded;
use chat_pickup::time::Timestamp;
use futures_util::future::join_all;
use http::StatusCode;
use http::header::RETRY_AFTER;
use serde_json::json;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;
use test_support::http::{PICKUP, fresh_source};

use super::lambda_events::{fixture, replay, set_header};

fn frozen() -> Timestamp {
    static AT: LazyLock<Timestamp> = LazyLock::new(Timestamp::now);
    *AT
}

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?.reconfigured(|app| app.with_clock(frozen));
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 5);
    Some(app)
}

async fn sign_in(app: &TestApp, user: &str, password: &str, source: IpAddr) -> TestResponse {
    let authorization = basic(user, password);
    app.post_from(PICKUP, &[("authorization", &authorization)], source)
        .await
}

fn statuses(responses: &[TestResponse]) -> Vec<u16> {
    responses.iter().map(|r| r.status.as_u16()).collect()
}

fn retry_after(response: &TestResponse) -> u64 {
    let value = response.headers.get(RETRY_AFTER).expect("a Retry-After");
    value.to_str().unwrap().parse().unwrap()
}

/// A 429 of the login throttle asking to wait `seconds`, as the problem says it.
pub(super) fn assert_throttled(response: &TestResponse, seconds: u64) {
    assert_eq!(
        response.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        response.body
    );
    assert_eq!(retry_after(response), seconds);
    let problem = response.problem();
    assert_eq!(problem["type"], LOGIN_THROTTLED);
    assert_eq!(problem["title"], "Too Many Requests");
    assert_eq!(problem["status"], 429);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("Wait {seconds} s")), "{detail}");
    assert!(
        !response.headers.contains_key("www-authenticate"),
        "no other credentials would help"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sixteen_guesses_at_once_get_five_verifications() {
    let app = given!(app());
    let source = fresh_source();
    // Each a different password, as guessing is: identical ones would share one verification.
    let passwords: Vec<String> = (0..16).map(|n| format!("guess {n}")).collect();
    let guesses = passwords.iter().map(|p| sign_in(&app, "tje0", p, source));
    let answers = join_all(guesses).await;
    let mut counted = statuses(&answers);
    counted.sort();
    assert_eq!(counted, [[401; 5].as_slice(), &[429; 11]].concat());
    for answer in answers.iter().filter(|a| a.status == 429) {
        assert_throttled(answer, 1);
    }
    let authorization = basic("tje0", "guess");
    let xml = app
        .post_from(
            PICKUP,
            &[
                ("authorization", &authorization),
                ("accept", "application/xml"),
            ],
            source,
        )
        .await;
    assert!(xml.is_xml(), "{}", xml.body);
    assert_throttled(&xml, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owners_parallel_calls_before_the_first_verification_are_not_guesses() {
    let app = given!(app());
    let source = fresh_source();
    let calls = (0..16).map(|_| sign_in(&app, "tje0", PASSWORD, source));
    let answers = join_all(calls).await;
    assert_eq!(statuses(&answers), [200; 16], "one verification, shared");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_gets_in_from_another_address_given_by_the_lambda_event() {
    let app = given!(app());
    let from = |address: &str, password: &str| {
        let mut event = fixture("apigw_proxy_request");
        event["httpMethod"] = json!("POST");
        event["requestContext"]["httpMethod"] = json!("POST");
        event["path"] = json!(PICKUP);
        event["requestContext"]["identity"]["sourceIp"] = json!(address);
        set_header(&mut event, "authorization", &basic("tje0", password));
        set_header(&mut event, "accept", "application/json");
        event
    };
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(replay(&app, from("198.51.100.7", "guess")).await);
    }
    assert_eq!(statuses(&answers), [401, 401, 401, 401, 401, 429]);
    let owner_there = replay(&app, from("198.51.100.7", PASSWORD)).await;
    assert_throttled(&owner_there, 1);

    let owner = replay(&app, from("203.0.113.20", PASSWORD)).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    assert_eq!(owner.json()["CustomerName"], "customer");
    let remembered = replay(&app, from("198.51.100.7", PASSWORD)).await;
    assert_eq!(
        remembered.status,
        StatusCode::OK,
        "credentials that verified lately are the owner's: {}",
        remembered.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_names_are_held_back_exactly_like_known_ones() {
    let app = given!(app());
    let (here, there) = (fresh_source(), fresh_source());
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        known.push(sign_in(&app, "tje0", "guess", here).await);
        unknown.push(sign_in(&app, "nobody", "guess", there).await);
    }
    assert_eq!(statuses(&known), [401, 401, 401, 401, 401, 429, 429]);
    for (known, unknown) in known.iter().zip(&unknown) {
        assert_eq!(known.status, unknown.status);
        assert_eq!(
            known.headers.get(RETRY_AFTER),
            unknown.headers.get(RETRY_AFTER)
        );
        let without_instance = |response: &TestResponse| {
            let mut problem = response.problem();
            problem.as_object_mut().unwrap().remove("instance");
            problem
        };
        assert_eq!(without_instance(known), without_instance(unknown));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_names_count_outlives_the_instance() {
    let app = given!(app());
    for _ in 0..22 {
        let answer = sign_in(&app, "TJE0", "guess", fresh_source()).await;
        assert_eq!(answer.status, 401, "a source with no failures is heard");
    }
    assert_eq!(app.int("SELECT failures FROM login_failure"), 22);

    let restarted = app.reconfigured(|app| app.with_clock(frozen));
    let source = fresh_source();
    let first = sign_in(&restarted, "tje0", "guess", source).await;
    assert_eq!(first.status, 401);
    let second = sign_in(&restarted, "tje0", "guess", source).await;
    assert_throttled(&second, 8);
    let owner = sign_in(&restarted, "tje0", PASSWORD, fresh_source()).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn guessed_tickets_are_held_back_per_address() {
    let app = given!(app());
    let ticket = app
        .admin
        .issue_secret("tje0", SecretKind::Ticket, frozen(), None)
        .unwrap();
    let with_ticket = |ticket: String| format!("SOTicket {ticket}");
    let source = fresh_source();
    for _ in 0..20 {
        let guess = with_ticket(format!("7T:{}", "a".repeat(40)));
        let answer = app
            .post_from(PICKUP, &[("authorization", &guess)], source)
            .await;
        assert_eq!(answer.status, 401, "{}", answer.body);
    }
    let good = with_ticket(ticket);
    let here = app
        .post_from(PICKUP, &[("authorization", &good)], source)
        .await;
    assert_throttled(&here, 1);
    let elsewhere = app
        .post_from(PICKUP, &[("authorization", &good)], fresh_source())
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
}

/// `X-Forwarded-For` names the client only when a setting says a proxy of the operator's
/// adds it; otherwise a guesser writing a new address into each request is still one source.
#[tokio::test(flavor = "multi_thread")]
async fn a_forwarded_address_counts_only_behind_a_trusted_proxy() {
    let app = given!(app());
    let proxy = fresh_source();
    let guess = basic("tje0", "guess");
    let mut ignored = Vec::new();
    for hop in 1..=6 {
        let forwarded = format!("203.0.113.{hop}");
        let headers = [
            ("authorization", guess.as_str()),
            ("x-forwarded-for", &forwarded),
        ];
        ignored.push(app.post_from(PICKUP, &headers, proxy).await);
    }
    assert_eq!(statuses(&ignored), [401, 401, 401, 401, 401, 429]);

    let app = app.reconfigured(|app| app.with_clock(frozen).with_forwarded(Forwarded::Trusted));
    let app = &app;
    let from = |client: &'static str, password: &str| {
        let authorization = basic("tje0", password);
        let forwarded = format!("10.9.8.7, {client}");
        async move {
            let headers = [
                ("authorization", authorization.as_str()),
                ("x-forwarded-for", forwarded.as_str()),
            ];
            app.post_from(PICKUP, &headers, proxy).await
        }
    };
    let mut trusted = Vec::new();
    for _ in 0..6 {
        trusted.push(from("198.51.100.1", "guess").await);
    }
    assert_eq!(statuses(&trusted), [401, 401, 401, 401, 401, 429]);
    let owner = from("198.51.100.2", PASSWORD).await;
    assert_eq!(
        owner.status,
        StatusCode::OK,
        "another client behind the same proxy: {}",
        owner.body
    );
}
