//! Every 4xx the handler gives, provoked for real and read back in both formats: the right
//! status, the problem media type, and a body whose fields agree. (503 and 500 are in
//! `failures.rs`, also in both formats.)

use http::{Method, StatusCode};
use lambda_http::Body;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";

struct Case {
    status: StatusCode,
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn case(status: u16, method: Method, path: &'static str) -> Case {
    Case {
        status: StatusCode::from_u16(status).unwrap(),
        method,
        path,
        headers: vec![("authorization", basic("tje0", PASSWORD))],
        body: Vec::new(),
    }
}

impl Case {
    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.headers.retain(|(existing, _)| *existing != name);
        self.headers.push((name, value.to_owned()));
        self
    }

    /// `accept` for a format: the Accept header unless the case sets its own.
    async fn send(&self, app: &TestApp, accept: &str) -> TestResponse {
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        if !headers.iter().any(|(name, _)| *name == "accept") {
            headers.push(("accept", accept));
        }
        let body = if self.body.is_empty() {
            Body::Empty
        } else {
            Body::Binary(self.body.clone())
        };
        app.request(self.method.clone(), self.path, &headers, body)
            .await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_client_error_is_a_problem_in_json_and_in_xml() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 1);
    let before = app.snapshot();
    let cases = [
        case(
            400,
            Method::POST,
            "/api/v1/Agents/Chat/PickUpFirstChatSession?$select=Nope",
        ),
        case(401, Method::POST, PICKUP).with("authorization", &basic("tje0", "wrong")),
        case(403, Method::POST, PICKUP).with("origin", "https://evil.example"),
        case(404, Method::POST, "/api/v1/ChatSession/Pickupp"),
        case(404, Method::POST, "/nosuchtenant/api/v1/ChatSession/Pickup"),
        case(405, Method::GET, PICKUP),
        Case {
            body: vec![b'{'; 129 * 1024],
            ..case(413, Method::POST, PICKUP)
        },
        // 15,000 nested elements in 105 KB overflowed the stack - and ended the process -
        // before the depth limit; a customer's start reads its body before any key exists.
        Case {
            body: ("<a>".repeat(15_000) + &"</a>".repeat(15_000)).into_bytes(),
            ..case(400, Method::POST, "/api/v1/Customer/ChatTopic/1/Sessions")
                .with("content-type", "application/xml")
        },
    ];
    for case in &cases {
        for (accept, xml) in [("application/json", false), ("text/xml", true)] {
            let response = case.send(&app, accept).await;
            assert_problem(&response, case.status, xml);
        }
    }
    // When Accept itself is the problem, the body follows what it seems to want.
    for (accept, status, xml) in [
        ("application/json;q=2", 400, false),
        ("application/xml;q=2", 400, true),
        ("image/png", 406, false),
        ("text/xml;q=0, image/png", 406, true),
    ] {
        let response = case(status, Method::POST, PICKUP)
            .with("accept", accept)
            .send(&app, accept)
            .await;
        assert_problem(&response, StatusCode::from_u16(status).unwrap(), xml);
    }
    assert_eq!(
        app.snapshot(),
        before,
        "no refused request changed anything"
    );
}

fn assert_problem(response: &TestResponse, status: StatusCode, xml: bool) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(response.is_xml(), xml, "{status}: {:?}", response.headers);
    let problem = response.problem();
    assert_eq!(problem["status"], status.as_u16());
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], status.canonical_reason().unwrap());
    assert!(problem["detail"].as_str().unwrap().len() > 20, "{problem}");
    assert!(problem["instance"].as_str().unwrap().starts_with("local-"));
}
