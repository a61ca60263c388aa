//! A page signs in (`POST /api/v1/Auth/SignIn`) and out (`POST /api/v1/Auth/SignOut`): the
//! cookie pair it is given, and what it opens; a wrong password answered and held back as
//! Basic's is, the two counting together; the ticket revoked on signing out; the problem
//! where settings keep pages from signing in. The clock stands still, so every count is
//! exact.

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

use chat_pickup::auth::{AuthConfig, Scheme, xsrf_token};
use chat_pickup::http::error::SIGN_IN_OFF;
use chat_pickup::http::source::{Forwarded, Peer};
use chat_pickup::time::Timestamp;
use http::header::{SET_COOKIE, WWW_AUTHENTICATE};
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse, add_agent};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;
use test_support::http::{PICKUP, fresh_source};
use test_support::xml::parse;

use super::lambda_events::{fixture, replay, set_header};
use super::throttling::assert_throttled;

const SIGN_IN: &str = "/api/v1/Auth/SignIn";
const SIGN_OUT: &str = "/api/v1/Auth/SignOut";
const XSRF_SECRET: &[u8] = b"the sign-in tests' secret, 32 bytes or more";
const JSON: (&str, &str) = ("content-type", "application/json");
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

fn frozen() -> Timestamp {
    static AT: LazyLock<Timestamp> = LazyLock::new(Timestamp::now);
    *AT
}

fn pages() -> AuthConfig {
    AuthConfig {
        xsrf_secret: Some(XSRF_SECRET.to_vec()),
        ..AuthConfig::default()
    }
}

fn app() -> Option<TestApp> {
    let app =
        TestApp::new(crate::KIND)?.reconfigured(|app| app.with_auth(pages()).with_clock(frozen));
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 5);
    Some(app)
}

/// POST `path` with `headers` and `body`, from `source` as the local server sees it.
async fn post(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    source: IpAddr,
) -> TestResponse {
    let mut request = http::Request::post(path).extension(Peer(SocketAddr::new(source, 50_000)));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        "" => Body::Empty,
        text => Body::Text(text.to_string()),
    };
    app.call(request.body(body).unwrap()).await
}

/// Signs `user` in at `path` with JSON, and `more` headers.
async fn sign_in_at(
    app: &TestApp,
    path: &str,
    (user, password): (&str, &str),
    more: &[(&str, &str)],
    source: IpAddr,
) -> TestResponse {
    let body = json!({"Username": user, "Password": password}).to_string();
    let headers = [&[JSON][..], more].concat();
    post(app, path, &headers, &body, source).await
}

async fn sign_in(app: &TestApp, user: &str, password: &str, source: IpAddr) -> TestResponse {
    sign_in_at(app, SIGN_IN, (user, password), &[], source).await
}

/// The `Set-Cookie` headers, in order.
fn set_cookies(response: &TestResponse) -> Vec<String> {
    let all = response.headers.get_all(SET_COOKIE).iter();
    all.map(|value| value.to_str().unwrap().to_string())
        .collect()
}

/// The ticket and its XSRF token a sign-in set.
fn pair(response: &TestResponse) -> (String, String) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let cookies = set_cookies(response);
    let value = |at: usize| {
        let (_, rest) = cookies[at].split_once('=').unwrap();
        rest.split(';').next().unwrap().to_string()
    };
    (value(0), value(1))
}

/// The headers a page's script sends with the pair.
fn cookie_headers((ticket, xsrf): &(String, String)) -> [(&'static str, String); 2] {
    [
        ("cookie", format!("SoTicket={ticket}; XSRF-TOKEN={xsrf}")),
        ("x-xsrf-token", xsrf.clone()),
    ]
}

async fn with_pair(app: &TestApp, path: &str, pair: &(String, String)) -> TestResponse {
    let headers = cookie_headers(pair);
    let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    post(app, path, &borrowed, "", fresh_source()).await
}

fn without_instance(response: &TestResponse) -> Value {
    let mut problem = response.problem();
    problem.as_object_mut().unwrap().remove("instance");
    problem
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_sets_the_cookie_pair_and_the_pair_picks_up() {
    let app = given!(app());
    let response = sign_in(&app, "tje0", PASSWORD, fresh_source()).await;
    let (ticket, xsrf) = pair(&response);
    assert!(ticket.starts_with("7T:"), "{ticket}");
    assert_eq!(xsrf, xsrf_token(XSRF_SECRET, &ticket));
    assert_eq!(
        set_cookies(&response),
        [
            format!("SoTicket={ticket}; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800"),
            format!("XSRF-TOKEN={xsrf}; SameSite=Strict; Path=/; Max-Age=28800"),
        ],
        "not Secure: this request came over plain HTTP"
    );
    let body = response.json();
    assert_eq!(body["Name"], "tje0");
    assert_eq!(body["FullName"], "tje0 Fullname");
    assert!(body["AssociateId"].as_i64().unwrap() > 0);
    let expires = frozen().utc() + chrono::Duration::hours(8);
    let expected = expires.format("%Y-%m-%dT%H:%M:%S").to_string();
    assert!(
        body["Expires"].as_str().unwrap().starts_with(&expected),
        "{body}"
    );
    assert!(
        !response.body.contains(&ticket),
        "the ticket travels only in its cookie"
    );
    let live = "SELECT count(*) FROM auth_secret WHERE kind = 'ticket' AND NOT revoked";
    assert_eq!(app.int(live), 1);

    let picked = with_pair(&app, PICKUP, &(ticket, xsrf)).await;
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.body);
    assert_eq!(picked.json()["CustomerName"], "customer");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_signs_in_from_the_services_own_pages_only() {
    let app = given!(app());
    let form = "username=tje0&password=s3cret%3Awith+colon";
    let own = [
        FORM,
        ("host", "chat.example"),
        ("origin", "http://chat.example"),
    ];
    let signed_in = post(&app, SIGN_IN, &own, form, fresh_source()).await;
    assert_eq!(pair(&signed_in).0.len(), 46);
    let no_page = post(&app, SIGN_IN, &[FORM], form, fresh_source()).await;
    assert_eq!(no_page.status, StatusCode::OK, "{}", no_page.body);

    let foreign = [
        FORM,
        ("host", "chat.example"),
        ("origin", "https://evil.example"),
    ];
    let refused = post(&app, SIGN_IN, &foreign, form, fresh_source()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    // A form can post JSON-looking text as text/plain, without asking: not taken.
    let body = json!({"Username": "tje0", "Password": PASSWORD}).to_string();
    let plain = post(
        &app,
        SIGN_IN,
        &[("content-type", "text/plain")],
        &body,
        fresh_source(),
    )
    .await;
    assert_eq!(
        plain.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        plain.body
    );
    assert!(
        plain.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    assert!(set_cookies(&plain).is_empty());

    let listed = "https://agents.example.com";
    let app = app.reconfigured(|app| {
        let cors = listed.parse().unwrap();
        app.with_auth(pages()).with_clock(frozen).with_cors(cors)
    });
    let from_listed = [("origin", listed), ("host", "chat.example")];
    let listed_form = post(
        &app,
        SIGN_IN,
        &[&[FORM][..], &from_listed[..]].concat(),
        form,
        fresh_source(),
    )
    .await;
    assert_eq!(
        listed_form.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        listed_form.body
    );
    let listed_json = sign_in_at(
        &app,
        SIGN_IN,
        ("tje0", PASSWORD),
        &from_listed,
        fresh_source(),
    )
    .await;
    assert_eq!(listed_json.status, StatusCode::OK, "{}", listed_json.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenants_pair_is_scoped_to_its_path_and_opens_its_database_only() {
    let app = given!(app());
    let tenant = app.tenant("Cust1");
    add_agent(tenant.as_ref(), "kari");
    let path = "/Cust1/api/v1/Auth/SignIn";
    let xml = [("accept", "application/xml")];
    let response = sign_in_at(&app, path, ("kari", PASSWORD), &xml, fresh_source()).await;
    let pair = pair(&response);
    let root = parse(&response.body);
    assert_eq!(root.name, "SignedIn", "{}", response.body);
    let names: Vec<&str> = root
        .children
        .iter()
        .map(|child| child.name.as_str())
        .collect();
    assert_eq!(names, ["AssociateId", "Name", "FullName", "Expires"]);
    assert_eq!(root.children[1].text, "kari");
    let cookies = set_cookies(&response);
    assert!(cookies[0].starts_with("SoTicket.Cust1="), "{cookies:?}");
    assert!(cookies[1].starts_with("XSRF-TOKEN.Cust1="), "{cookies:?}");
    for cookie in cookies {
        assert!(cookie.contains("; Path=/Cust1/;"), "{cookie}");
    }
    let mine = "/Cust1/api/v1/ChatSession/ForCurrentUser";
    // The default database's pair (path /) goes with the tenant's calls too: it is not read.
    let (default_ticket, default_xsrf) =
        self::pair(&sign_in(&app, "tje0", PASSWORD, fresh_source()).await);
    let (ticket, xsrf) = &pair;
    let headers = [
        (
            "cookie",
            format!(
                "SoTicket={default_ticket}; XSRF-TOKEN={default_xsrf}; \
                 SoTicket.Cust1={ticket}; XSRF-TOKEN.Cust1={xsrf}"
            ),
        ),
        ("x-xsrf-token", xsrf.clone()),
    ];
    let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let theirs = app.request(Method::GET, mine, &borrowed, Body::Empty).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    let default = "/api/v1/ChatSession/ForCurrentUser";
    let elsewhere = app
        .request(Method::GET, default, &borrowed, Body::Empty)
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNAUTHORIZED,
        "the default database reads its own pair, whose token this is not"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pair_is_secure_over_https() {
    let app = given!(app());
    let https = [("x-forwarded-proto", "https")];
    let untrusted = sign_in_at(&app, SIGN_IN, ("tje0", PASSWORD), &https, fresh_source()).await;
    pair(&untrusted);
    for cookie in set_cookies(&untrusted) {
        assert!(
            !cookie.contains("Secure"),
            "a header any client writes: {cookie}"
        );
    }
    let behind_proxy = app.reconfigured(|app| {
        app.with_auth(pages())
            .with_clock(frozen)
            .with_forwarded(Forwarded::Trusted)
    });
    let trusted = sign_in_at(
        &behind_proxy,
        SIGN_IN,
        ("tje0", PASSWORD),
        &https,
        fresh_source(),
    )
    .await;
    pair(&trusted);
    for cookie in set_cookies(&trusted) {
        assert!(cookie.contains("; Secure;"), "{cookie}");
    }

    // On Lambda, always: API Gateway and function URLs serve HTTPS.
    let mut event = fixture("apigw_v2_proxy_request");
    event["rawPath"] = json!(SIGN_IN);
    event["requestContext"]["http"]["path"] = json!(SIGN_IN);
    event["requestContext"]["http"]["method"] = json!("POST");
    event["body"] = json!(json!({"Username": "tje0", "Password": PASSWORD}).to_string());
    event["isBase64Encoded"] = json!(false);
    set_header(&mut event, "content-type", "application/json");
    set_header(&mut event, "accept", "application/json");
    let lambda = replay(&behind_proxy, event).await;
    pair(&lambda);
    for cookie in set_cookies(&lambda) {
        assert!(cookie.contains("; Secure; Path=/;"), "{cookie}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_basics_401_and_a_scripts_gets_no_basic_challenge() {
    let app = given!(app());
    let wrong = sign_in(&app, "tje0", "guess", fresh_source()).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    assert!(set_cookies(&wrong).is_empty());
    let authorization = basic("tje0", "guess");
    let as_basic = post(
        &app,
        PICKUP,
        &[("authorization", &authorization)],
        "",
        fresh_source(),
    )
    .await;
    assert_eq!(without_instance(&wrong), without_instance(&as_basic));
    let detail = wrong.problem()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.starts_with("The credentials are not valid"),
        "{detail}"
    );
    let challenge = |response: &TestResponse| {
        response.headers[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_string()
    };
    assert!(challenge(&wrong).starts_with("Basic realm="));

    // A page's fetch: no Basic challenge, which browsers answer with a dialog of their own.
    let script = [("sec-fetch-mode", "cors")];
    let fetched = sign_in_at(&app, SIGN_IN, ("tje0", "guess"), &script, fresh_source()).await;
    assert_eq!(fetched.status, StatusCode::UNAUTHORIZED);
    assert!(
        !challenge(&fetched).contains("Basic"),
        "{}",
        challenge(&fetched)
    );
    assert!(challenge(&fetched).contains("SOTicket realm="));

    let unknown = sign_in(&app, "nobody", PASSWORD, fresh_source()).await;
    assert_eq!(without_instance(&unknown), without_instance(&wrong));
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_held_back_as_basics_and_counted_with_them() {
    let app = given!(app());
    let source = fresh_source();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(sign_in(&app, "tje0", "guess", source).await.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    let held = sign_in(&app, "tje0", PASSWORD, source).await;
    assert_throttled(&held, 1);
    assert!(set_cookies(&held).is_empty());
    let authorization = basic("tje0", PASSWORD);
    let basic_here = post(
        &app,
        PICKUP,
        &[("authorization", &authorization)],
        "",
        source,
    )
    .await;
    assert_throttled(&basic_here, 1);
    let elsewhere = sign_in(&app, "tje0", PASSWORD, fresh_source()).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::OK,
        "the owner elsewhere: {}",
        elsewhere.body
    );

    // One count for both ways of sending a password.
    let mixed = fresh_source();
    let wrong = basic("tje0", "other guess");
    for _ in 0..3 {
        let answer = post(&app, PICKUP, &[("authorization", &wrong)], "", mixed).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..2 {
        assert_eq!(
            sign_in(&app, "tje0", "guess", mixed).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_throttled(&sign_in(&app, "tje0", "guess", mixed).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_revokes_the_ticket_and_clears_the_pair() {
    let app = given!(app());
    let pair = pair(&sign_in(&app, "tje0", PASSWORD, fresh_source()).await);

    let by_basic = app
        .send(Method::POST, SIGN_OUT, Some(("tje0", PASSWORD)))
        .await;
    assert_eq!(
        by_basic.status,
        StatusCode::BAD_REQUEST,
        "{}",
        by_basic.body
    );
    let cookie_only = [("cookie", cookie_headers(&pair)[0].1.clone())];
    let borrowed: Vec<(&str, &str)> = cookie_only.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let no_xsrf = post(&app, SIGN_OUT, &borrowed, "", fresh_source()).await;
    assert_eq!(
        no_xsrf.status,
        StatusCode::UNAUTHORIZED,
        "the XSRF header is what a page proves"
    );

    let out = with_pair(&app, SIGN_OUT, &pair).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    assert!(out.body.is_empty());
    assert_eq!(
        set_cookies(&out),
        [
            "SoTicket=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
            "XSRF-TOKEN=; SameSite=Strict; Path=/; Max-Age=0",
        ]
    );
    let revoked = "SELECT count(*) FROM auth_secret WHERE kind = 'ticket' AND revoked";
    assert_eq!(app.int(revoked), 1);
    assert_eq!(
        with_pair(&app, PICKUP, &pair).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_pair(&app, SIGN_OUT, &pair).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sweep_deletes_the_tickets_that_ended_and_keeps_the_live_ones() {
    let app = given!(app());
    let ended = pair(&sign_in(&app, "tje0", PASSWORD, fresh_source()).await);
    let live = pair(&sign_in(&app, "tje0", PASSWORD, fresh_source()).await);
    let out = with_pair(&app, SIGN_OUT, &ended).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    app.exec(
        "INSERT INTO auth_secret (associate_id, kind, fingerprint, created, expires) \
              SELECT associate_id, 'ticket', 'expired', created, '2000-01-01 00:00:00.000000' \
              FROM auth_secret LIMIT 1",
    );
    let tickets = "SELECT count(*) FROM auth_secret WHERE kind = 'ticket'";
    assert_eq!(app.int(tickets), 3);
    app.admin
        .sweep(chat_pickup::time::Timestamp::now())
        .unwrap();
    assert_eq!(app.int(tickets), 1, "the revoked and the expired are gone");
    assert_eq!(with_pair(&app, PICKUP, &live).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn where_pages_cannot_sign_in_the_problem_names_the_setting() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    let assert_off = |response: &TestResponse, setting: &str| {
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
        let problem = response.problem();
        assert_eq!(problem["type"], SIGN_IN_OFF);
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(setting), "{detail}");
        assert!(!response.headers.contains_key(WWW_AUTHENTICATE));
    };
    let no_secret = sign_in(&app, "tje0", PASSWORD, fresh_source()).await;
    assert_off(&no_secret, "CHAT_PICKUP_XSRF_SECRET");
    let out = app.send(Method::POST, SIGN_OUT, None).await;
    assert_off(&out, "CHAT_PICKUP_XSRF_SECRET");

    let no_cookies = app.reconfigured(|app| {
        app.with_auth(AuthConfig {
            schemes: vec![Scheme::Basic, Scheme::SoTicket, Scheme::Bearer],
            ..pages()
        })
    });
    let xml = [("accept", "application/xml")];
    let off = sign_in_at(
        &no_cookies,
        SIGN_IN,
        ("tje0", "wrong"),
        &xml,
        fresh_source(),
    )
    .await;
    assert_off(
        &off,
        "CHAT_PICKUP_AUTH_SCHEMES (--auth-schemes) leaves out cookie",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_without_a_name_and_password_says_what_to_send() {
    let app = given!(app());
    for body in [
        "",
        "{}",
        r#"{"Username": "tje0"}"#,
        "not json",
        r#"{"Username": "a\u0000", "Password": "x"}"#,
    ] {
        let response = post(&app, SIGN_IN, &[JSON], body, fresh_source()).await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            response.body
        );
        assert!(
            response.problem()["detail"]
                .as_str()
                .unwrap()
                .contains("Username"),
            "{}",
            response.body
        );
    }
    let no_type = post(&app, SIGN_IN, &[], "", fresh_source()).await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_method = app.send(Method::GET, SIGN_IN, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);

    app.exec("UPDATE associate SET type = 2 WHERE name = 'tje0'");
    let resource = sign_in(&app, "tje0", PASSWORD, fresh_source()).await;
    assert_eq!(
        resource.status,
        StatusCode::FORBIDDEN,
        "only agents: {}",
        resource.body
    );
    assert!(set_cookies(&resource).is_empty());
}
