//! Property tests through the whole handler: arbitrary `Accept` bytes, language and
//! time-zone header bytes, `$select` text and customer names (raw and translated) never
//! produce a panic or a 500, and every body is well-formed in the format its `Content-Type`
//! names.

use std::collections::HashMap;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chat_pickup::store::admin::NewSession;
use http::{HeaderValue, StatusCode};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::{Body, RequestExt};
use proptest::prelude::*;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{RESPOND, basic};
use test_support::xml::parse;

const PICKUP: &str = "/api/v1/Agents/Chat/PickUpFirstChatSession";
const USER: &str = "prop";
const SECRET: &str = "prop-secret";

/// Each case authenticates; a deliberately cheap hash keeps hundreds of cases fast (the
/// parameters travel in the hash, so verification is otherwise the real one).
fn cheap_hash() -> String {
    let params = Params::new(8, 1, 1, None).unwrap();
    let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(SECRET.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

fn app() -> TestApp {
    let app = TestApp::sqlite();
    app.admin.add_associate(USER, "", &cheap_hash()).unwrap();
    app.topic("Sales", "Hi!");
    app.admin.add_member(USER, "Sales", RESPOND).unwrap();
    app
}

fn enqueue(app: &TestApp, customer: &str) {
    let session = NewSession {
        topic: "Sales".into(),
        customer_name: customer.into(),
        ..NewSession::default()
    };
    app.enqueue_with(session, 1);
}

fn post(app: &TestApp, accept: Option<HeaderValue>, select: Option<&str>) -> TestResponse {
    let headers: Vec<(&'static str, HeaderValue)> = accept
        .map(|accept| ("accept", accept))
        .into_iter()
        .collect();
    post_with(app, headers, select)
}

fn post_with(
    app: &TestApp,
    headers: Vec<(&'static str, HeaderValue)>,
    select: Option<&str>,
) -> TestResponse {
    let mut request = http::Request::post(PICKUP)
        .header("authorization", basic(USER, SECRET))
        .body(Body::Empty)
        .unwrap();
    for (name, value) in headers {
        request.headers_mut().append(name, value);
    }
    let query: HashMap<String, String> = select
        .map(|select| HashMap::from([("$select".to_owned(), select.to_owned())]))
        .unwrap_or_default();
    let request = request.with_query_string_parameters(QueryMap::from(query));
    RUNTIME.block_on(app.call(request))
}

/// The body is what its `Content-Type` says: JSON or well-formed XML.
fn assert_well_formed(response: &TestResponse) -> Result<(), TestCaseError> {
    let content_type = response.headers["content-type"].to_str().unwrap();
    if content_type.contains("json") {
        let parsed = serde_json::from_str::<serde_json::Value>(&response.body);
        prop_assert!(parsed.is_ok(), "{content_type}: {}", response.body);
    } else {
        prop_assert!(content_type.contains("xml"), "{content_type}");
        parse(&response.body);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_accept_is_answered(bytes in proptest::collection::vec(any::<u8>(), 0..60)) {
        static APP: LazyLock<TestApp> = LazyLock::new(app);
        let Ok(accept) = HeaderValue::from_bytes(&bytes) else {
            return Ok(()); // not a header value: no HTTP stack would deliver it
        };
        let response = post(&APP, Some(accept), None);
        let status = response.status;
        prop_assert!(
            [StatusCode::OK, StatusCode::BAD_REQUEST, StatusCode::NOT_ACCEPTABLE].contains(&status),
            "{status}: {}", response.body
        );
        assert_well_formed(&response)?;
    }

    #[test]
    fn any_locale_header_is_answered(
        header in prop::sample::select(vec![
            "so-language", "accept-language", "so-culture", "so-timezone", "so-browser-tz-offset",
        ]),
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            "[a-zA-Z*_ ,;=.0-9/-]{0,30}".prop_map(String::into_bytes),
        ],
        xml in any::<bool>(),
    ) {
        static APP: LazyLock<TestApp> = LazyLock::new(app);
        let Ok(value) = HeaderValue::from_bytes(&bytes) else {
            return Ok(());
        };
        let accept = HeaderValue::from_static(if xml { "text/xml" } else { "application/json" });
        let response = post_with(&APP, vec![(header, value), ("accept", accept)], None);
        let status = response.status;
        prop_assert!(
            [StatusCode::OK, StatusCode::BAD_REQUEST].contains(&status),
            "{status}: {}", response.body
        );
        prop_assert!(response.headers.contains_key("so-timezone"));
        assert_well_formed(&response)?;
    }

    #[test]
    fn any_text_survives_translation(
        name in "([a-zA-Z0-9 ]|\\[|\\]|:|;|\"|SR_|I:|F:|M:|D:|DT:|T:|US:\"|NO:\"|/|\\.|-){0,30}",
        xml in any::<bool>(),
    ) {
        static APP: LazyLock<TestApp> = LazyLock::new(app);
        enqueue(&APP, &name);
        let accept = HeaderValue::from_static(if xml { "text/xml" } else { "application/json" });
        let headers = vec![
            ("accept", accept),
            ("so-language", HeaderValue::from_static("no")),
            ("so-timezone", HeaderValue::from_static("NO,includeTZOffset")),
        ];
        let response = post_with(&APP, headers, None);
        prop_assert_eq!(response.status, StatusCode::OK, "{}", &response.body);
        assert_well_formed(&response)?;
    }

    #[test]
    fn any_select_is_answered(select in any::<String>()) {
        static APP: LazyLock<TestApp> = LazyLock::new(app);
        let response = post(&APP, None, Some(&select));
        let status = response.status;
        prop_assert!(
            [StatusCode::OK, StatusCode::BAD_REQUEST].contains(&status),
            "{status}: {}", response.body
        );
        assert_well_formed(&response)?;
    }

    #[test]
    fn any_customer_name_comes_back(
        name in prop_oneof![any::<String>(), "[\\x00-\\x1f<>&\"' a-z\u{fffe}\u{ffff}😀]{0,24}"],
        xml in any::<bool>(),
    ) {
        static APP: LazyLock<TestApp> = LazyLock::new(app);
        enqueue(&APP, &name);
        let accept = if xml { "application/xml" } else { "application/json" };
        let response = post(&APP, Some(HeaderValue::from_static(accept)), None);
        prop_assert_eq!(response.status, StatusCode::OK, "{}", &response.body);
        assert_well_formed(&response)?;
        if xml {
            let expected = chat_pickup::http::render::printable(&name, chat_pickup::http::negotiate::Format::Xml("application/xml"));
            let root = parse(&response.body);
            prop_assert_eq!(&root.child("CustomerName").text, &expected);
        } else {
            prop_assert_eq!(&response.json()["CustomerName"], &name);
        }
    }
}
