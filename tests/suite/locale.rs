//! Language and culture (spec section 6) through the handler: what the caller reads changes
//! with `SO-Language`, `Accept-Language` and `SO-Culture`, and the welcome message reaches
//! the customer in the topic's language. (Time zones: [`super::zones`].)

use chat_pickup::store::admin::{NewSession, NewTopic};
use chat_pickup::time::Timestamp;
use chrono::{Duration, TimeZone, Utc};
use http::StatusCode;
use http::header::AUTHORIZATION;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, RESPOND, basic};
use test_support::given;
use test_support::xml::parse;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";

/// 2026-01-15 12:00:00.123456 UTC: Oslo is on CET (+01:00), New York on EST (-05:00).
pub fn winter() -> Timestamp {
    Timestamp::from_utc(
        Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap() + Duration::microseconds(123_456),
    )
}

/// 2026-07-15 12:00:00 UTC: Oslo is on CEST (+02:00), New York on EDT (-04:00).
pub fn summer() -> Timestamp {
    Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap())
}

/// An agent `tje0` in a Norwegian topic with one customer waiting, the clock at `now`.
pub fn queue_at(now: fn() -> Timestamp) -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?.reconfigured(|app| app.with_clock(now));
    app.agent("tje0");
    let welcome = r#"US:"Welcome!";NO:"Velkommen!""#;
    app.admin
        .add_topic(&NewTopic::new("Support", welcome).in_language("NO"))
        .unwrap();
    app.admin.add_member("tje0", "Support", RESPOND).unwrap();
    app.enqueue_with(
        NewSession {
            topic: "Support".into(),
            customer_name: "Kari".into(),
            first_message: r#"US:"My printer is broken";NO:"Skriveren min virker ikke";"#.into(),
            company: "Order [I:12345] of [D:12/24/2026], [M:1234.5] NOK, [SR_TICKET_STATUS_OPEN]"
                .into(),
            ..NewSession::default()
        },
        5,
    );
    Some(app)
}

pub async fn pickup(app: &TestApp, headers: &[(&str, &str)]) -> TestResponse {
    let authorization = basic("tje0", PASSWORD);
    let mut all = vec![(AUTHORIZATION.as_str(), authorization.as_str())];
    all.extend_from_slice(headers);
    app.post_with(PICKUP, &all).await
}

pub async fn session(app: &TestApp, headers: &[(&str, &str)]) -> (Value, TestResponse) {
    let response = pickup(app, headers).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    (response.json(), response)
}

pub fn zone_header(response: &TestResponse) -> &str {
    response.headers["so-timezone"].to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn so_language_picks_the_variant_of_a_multi_language_value() {
    let cases = [
        (
            vec![("SO-Language", "no")],
            "Skriveren min virker ikke",
            Some("no"),
        ),
        (
            vec![("SO-Language", "NO")],
            "Skriveren min virker ikke",
            Some("no"),
        ),
        (
            vec![("SO-Language", "en")],
            "My printer is broken",
            Some("en"),
        ),
        (
            vec![("SO-Language", "de")],
            "My printer is broken",
            Some("de"),
        ),
        (
            vec![("Accept-Language", "nb-NO,en;q=0.5")],
            "Skriveren min virker ikke",
            Some("no"),
        ),
        (
            vec![("Accept-Language", "no"), ("SO-Language", "en")],
            "My printer is broken",
            Some("en"),
        ),
        (
            vec![("SO-Language", "*")],
            r#"US:"My printer is broken";NO:"Skriveren min virker ikke";"#,
            None,
        ),
        (
            vec![("Accept-Language", "no"), ("SO-Language", "")],
            r#"US:"My printer is broken";NO:"Skriveren min virker ikke";"#,
            None,
        ),
        (
            vec![],
            r#"US:"My printer is broken";NO:"Skriveren min virker ikke";"#,
            None,
        ),
    ];
    for (headers, expected, language) in cases {
        let app = given!(queue_at(winter));
        let (body, response) = session(&app, &headers).await;
        assert_eq!(body["FirstMessage"], expected, "{headers:?}");
        let content_language = response.headers.get("content-language");
        assert_eq!(
            content_language.map(|value| value.to_str().unwrap()),
            language
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn xml_is_translated_like_json() {
    let app = given!(queue_at(winter));
    let response = pickup(
        &app,
        &[("SO-Language", "no"), ("Accept", "application/xml")],
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let root = parse(&response.body);
    assert_eq!(root.child("FirstMessage").text, "Skriveren min virker ikke");
    assert_eq!(
        root.child("CustomerCompanyName").text,
        "Order 12\u{a0}345 of 24.12.2026, 1\u{a0}234,50 NOK, Åpen"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn references_and_encoded_values_follow_the_language_and_culture() {
    let cases = [
        (
            vec![("SO-Language", "no")],
            "Order 12\u{a0}345 of 24.12.2026, 1\u{a0}234,50 NOK, Åpen",
        ),
        (
            vec![("SO-Language", "en")],
            "Order 12,345 of 12/24/2026, 1,234.50 NOK, Open",
        ),
        (
            vec![("SO-Language", "en-GB")],
            "Order 12,345 of 24/12/2026, 1,234.50 NOK, Open",
        ),
        (
            vec![("SO-Language", "no"), ("SO-Culture", "en-US")],
            "Order 12,345 of 12/24/2026, 1,234.50 NOK, Åpen",
        ),
        (
            vec![("SO-Language", "de")],
            "Order 12.345 of 24.12.2026, 1.234,50 NOK, Offen",
        ),
        // Polish groups thousands only from five digits on (CLDR's minimum grouping).
        (
            vec![("SO-Language", "pl")],
            "Order 12\u{a0}345 of 24.12.2026, 1234,50 NOK, Otwarty",
        ),
        (
            vec![("SO-Culture", "de")],
            "Order [I:12345] of [D:12/24/2026], [M:1234.5] NOK, [SR_TICKET_STATUS_OPEN]",
        ),
    ];
    for (headers, expected) in cases {
        let app = given!(queue_at(winter));
        let (body, _) = session(&app, &headers).await;
        assert_eq!(body["CustomerCompanyName"], expected, "{headers:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_welcome_message_is_stored_in_the_topic_language_with_placeholders_filled() {
    let app = given!(queue_at(winter));
    let kundeservice = "[SR_CHAT_WELCOME] {customer} @ {topic} {unknown}";
    app.admin
        .add_topic(&NewTopic::new("Kundeservice", kundeservice).in_language("NO"))
        .unwrap();
    let first_name = NewTopic {
        agent_first_name: true,
        ..NewTopic::new("Firstname", "Hi, I am {agent}.").in_language("US")
    };
    app.admin.add_topic(&first_name).unwrap();
    for topic in ["Kundeservice", "Firstname"] {
        app.admin.add_member("tje0", topic, RESPOND).unwrap();
    }
    app.exec("UPDATE chat_session SET status = 9");
    app.enqueue_with(
        NewSession {
            topic: "Kundeservice".into(),
            customer_name: "Kari {topic}".into(),
            ..NewSession::default()
        },
        2,
    );
    app.enqueue_with(
        NewSession {
            topic: "Firstname".into(),
            ..NewSession::default()
        },
        1,
    );
    for expected in [
        "Hei, jeg heter tje0 Fullname. Hva kan jeg hjelpe deg med? Kari {topic} @ Kundeservice {unknown}",
        "Hi, I am tje0.",
    ] {
        // English caller, raw output: the stored row is in the topic's language regardless.
        let (body, _) = session(&app, &[("SO-Language", "en")]).await;
        let id = body["ChatSessionId"].as_i64().unwrap();
        let stored = app.text(&format!(
            "SELECT message FROM chat_message WHERE session_id = {id} AND special_type = 1"
        ));
        assert_eq!(stored, expected);
        assert_eq!(body["LastMessage"], expected);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_locale_header_is_a_400_naming_it_and_nothing_changes() {
    let cases = [
        ("SO-TimeZone", "Mars/Olympus", "IANA zone name"),
        ("SO-TimeZone", "XX", "no time-zone location XX"),
        ("SO-TimeZone", "US", "needs its region"),
        ("SO-TimeZone", "999999", "no time-zone location id 999999"),
        ("SO-TimeZone", "NO,DK", "more than one zone"),
        ("SO-TimeZone", "NO;includeTZOffset", "includeTZOffset"),
        ("SO-Language", "klingon", "ISO 639-1"),
        ("SO-Language", "ja", "not a language this service has"),
        ("SO-Language", "en US", "not a language tag"),
        ("Accept-Language", "en;q=5", "q=0.0-1.0"),
        ("Accept-Language", "en US", "not a language tag"),
        ("SO-Culture", "ja-JP", "ISO 639-1"),
        ("SO-Culture", "en-", "not a culture tag"),
        ("SO-Browser-TZ-Offset", "CET", "minutes east of UTC"),
        ("SO-Browser-TZ-Offset", "900", "minutes east of UTC"),
    ];
    for (header, value, says) in cases {
        for accept in ["application/json", "text/xml"] {
            let app = given!(queue_at(winter));
            let before = app.snapshot();
            let response = pickup(&app, &[(header, value), ("Accept", accept)]).await;
            assert_eq!(
                response.status,
                StatusCode::BAD_REQUEST,
                "{header}: {value}"
            );
            let detail = response.problem()["detail"].as_str().unwrap().to_string();
            assert!(detail.contains(&format!("Bad {header} header")), "{detail}");
            assert!(detail.contains(says), "{header}: {value}: {detail}");
            assert!(response.headers.contains_key("so-timezone"));
            assert_eq!(app.snapshot(), before, "{header}: {value}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_data_reads_in_the_callers_language() {
    let app = given!(TestApp::new(crate::KIND));
    assert!(chat_pickup::admin::demo::seed(app.admin.as_ref()).unwrap());
    let authorization = basic("tje0", "Tje0");
    let ticket = |response: &TestResponse| response.json()["Ticket"].clone();
    let norwegian = app
        .post_with(
            PICKUP,
            &[("authorization", &authorization), ("SO-Language", "no")],
        )
        .await;
    assert_eq!(norwegian.status, StatusCode::OK, "{}", norwegian.body);
    assert_eq!(ticket(&norwegian)["CategoryName"], "Reklamasjoner");
    assert_eq!(ticket(&norwegian)["PriorityName"], "Høy");
    assert_eq!(norwegian.json()["Contact"]["CategoryName"], "Kunde");

    app.exec("UPDATE chat_session SET status = 4, user_id = NULL WHERE id = 1");
    let raw = app
        .post_with(
            PICKUP,
            &[("authorization", &authorization), ("SO-Language", "*")],
        )
        .await;
    assert_eq!(
        ticket(&raw)["CategoryName"],
        r#"US:"Complaints";NO:"Reklamasjoner";GE:"Beschwerden";SW:"Reklamationer";"#
    );
    assert_eq!(ticket(&raw)["PriorityName"], "[SR_PRIORITY_HIGH]");
}
