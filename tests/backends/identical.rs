//! The issue's promise: the same curl against `serve --db postgres://...` and
//! `serve --db file.db` gets byte-identical bodies, for the same demo data and clock - for
//! pickups, the agents' session lists and a transfer.

use chat_pickup::admin::demo;
use chat_pickup::time::Timestamp;
use chrono::{TimeZone, Utc};

use test_support::Backend;
use test_support::http::{curl, serve};

fn noon() -> Timestamp {
    Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap())
}

/// The response without the headers that differ by the minute or by request.
fn comparable(response: &str) -> String {
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let head: Vec<&str> = head
        .lines()
        .filter(|line| {
            let line = line.to_ascii_lowercase();
            !line.starts_with("date:") && !line.contains("request-id")
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_curl_gets_byte_identical_responses_from_either_backend() {
    let Some(postgres) = Backend::postgres() else {
        return;
    };
    let sqlite = Backend::sqlite();
    let mut servers = Vec::new();
    for backend in [&sqlite, &postgres] {
        assert!(demo::seed_at(backend.admin.as_ref(), noon()).unwrap());
        // The one random part of the demo data.
        backend.exec("UPDATE chat_session SET session_key = 'key-' || id");
        // The demo's CRM rows come with their ids; rows added later get new ones.
        let added = "INSERT INTO contact (name) VALUES ('Later AS'); \
                     SELECT max(contact_id) FROM contact";
        backend.exec(added.split_once(';').unwrap().0);
        assert_eq!(
            backend.int("SELECT max(contact_id) FROM contact"),
            3,
            "{}",
            backend.name
        );
        servers.push(serve(backend.app(|app| app.with_clock(noon))).await);
    }
    let tje0 = "Basic dGplMDpUamUw";
    let ana0 = "Basic YW5hMDpBbmEw";
    let requests: [&[(&str, &str)]; 6] = [
        &[("Authorization", tje0)],
        &[
            ("Authorization", tje0),
            ("Accept", "application/xml"),
            ("SO-Language", "NO"),
            ("SO-TimeZone", "NO,includeTZOffset"),
        ],
        &[("Authorization", ana0), ("Accept-Language", "nb-NO")],
        &[("Authorization", tje0), ("SO-Culture", "de-DE")],
        &[("Authorization", tje0)],
        &[("Authorization", ana0)],
    ];
    for (number, headers) in requests.iter().enumerate() {
        let path = "/api/v1/ChatSession/Pickup";
        let from_sqlite = curl(servers[0], path, headers).await;
        let from_postgres = curl(servers[1], path, headers).await;
        assert!(from_sqlite.starts_with("HTTP/1.1 200"), "{from_sqlite}");
        assert_eq!(
            comparable(&from_postgres),
            comparable(&from_sqlite),
            "request {number}"
        );
    }
    // The agents' session lists, as the official client asks for them (POST, the RPC route).
    let lists: [&[(&str, &str)]; 2] = [
        &[("Authorization", tje0)],
        &[
            ("Authorization", ana0),
            ("Accept", "application/xml"),
            ("SO-Language", "NO"),
            ("SO-TimeZone", "NO,includeTZOffset"),
        ],
    ];
    for (number, headers) in lists.iter().enumerate() {
        let path = "/api/v1/Agents/Chat/ChatSessionsForUser";
        let from_sqlite = curl(servers[0], path, headers).await;
        let from_postgres = curl(servers[1], path, headers).await;
        assert!(from_sqlite.starts_with("HTTP/1.1 200"), "{from_sqlite}");
        assert!(from_sqlite.contains("ChatSessionId"), "{from_sqlite}");
        assert_eq!(
            comparable(&from_postgres),
            comparable(&from_sqlite),
            "list {number}"
        );
    }
    // A transfer of tje0's Support session to ana0, and her acceptance.
    let held = "SELECT min(id) FROM chat_session WHERE topic_id = 2 AND user_id = 1";
    let session = sqlite.int(held);
    assert_eq!(postgres.int(held), session);
    let moves = [
        (
            format!("/api/v1/ChatSession/{session}/TransferTo/ana0"),
            tje0,
        ),
        (
            format!("/api/v1/ChatSession/{session}/AcceptTransfer"),
            ana0,
        ),
    ];
    for (path, authorization) in &moves {
        let headers = [("Authorization", *authorization)];
        let from_sqlite = curl(servers[0], path, &headers).await;
        let from_postgres = curl(servers[1], path, &headers).await;
        assert!(from_sqlite.starts_with("HTTP/1.1 200"), "{from_sqlite}");
        assert!(from_sqlite.contains(r#""Name":"ana0""#), "{from_sqlite}");
        assert_eq!(
            comparable(&from_postgres),
            comparable(&from_sqlite),
            "{path}"
        );
    }
    let last = curl(
        servers[1],
        "/api/v1/ChatSession/Pickup",
        &[("Authorization", tje0)],
    )
    .await;
    assert!(
        last.ends_with("\r\n\r\nnull"),
        "the queue is drained: {last}"
    );
}
