//! The metrics: on the local server, Prometheus text on `--metrics-addr` that a Prometheus
//! parser reads, whose pickup count matches the database; on Lambda, CloudWatch EMF lines of
//! the structure the EMF specification gives.

use std::time::Duration;

use prometheus_parse::{Scrape, Value};
use serde_json::Value as Json;
use test_support::credentials::basic;
use test_support::http::{Client, curl};
use test_support::process::{free_port, serve, wait_until_serving};

/// What `GET /metrics` on `addr` answers, parsed.
async fn scrape(addr: std::net::SocketAddr) -> Scrape {
    let mut client = Client::connect(addr).await.unwrap();
    let asked = (http::Method::GET, "/metrics", hyper::body::Bytes::new());
    let answer = client.send(asked, "", &[]).await.unwrap();
    assert_eq!(answer.status, 200);
    let text = String::from_utf8(answer.body.to_vec()).unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_string()))).unwrap()
}

fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|sample| {
            sample.metric == metric
                && labels
                    .iter()
                    .all(|(name, value)| sample.labels.get(name) == Some(value))
        })
        .map(|sample| match &sample.value {
            Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => *value,
            other => panic!("{metric} is {other:?}"),
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_text_on_its_own_address_counts_what_the_database_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, metrics) = (free_port().unwrap(), free_port().unwrap());
    let binary = env!("CARGO_BIN_EXE_chat-pickup");
    let metrics_addr = metrics.to_string();
    let args = ["--demo", "--metrics-addr", metrics_addr.as_str()];
    let mut server = serve(binary, dir.path(), addr, 1_024, &args).unwrap();
    wait_until_serving(addr).await.unwrap();
    wait_until_serving(metrics).await.unwrap();

    let mut client = Client::connect(addr).await.unwrap();
    let authorization = basic("tje0", "Tje0");
    let mut taken = 0;
    for _ in 0..3 {
        taken += usize::from(client.pickup(&authorization).await.unwrap().is_some());
    }
    let scraped = scrape(metrics).await;
    let db = rusqlite::Connection::open(dir.path().join("default.db")).unwrap();
    let picked: f64 = db
        .query_row(
            "SELECT count(*) FROM chat_event WHERE event = 'chatsession.changed' \
               AND changes = 'Status,UserId' AND context LIKE 'local-%'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .unwrap() as f64;
    assert!(taken > 0, "the demo queue has sessions to take");
    assert_eq!(
        value(
            &scraped,
            "chat_pickup_pickups_total",
            &[("outcome", "taken")]
        ),
        Some(picked),
        "the pickups counted are the pickups the database holds"
    );
    assert_eq!(picked, taken as f64);
    let ok = [("operation", "pickup-first"), ("status", "200")];
    assert_eq!(
        value(&scraped, "chat_pickup_requests_total", &ok),
        Some(taken as f64)
    );
    let histogram = scraped
        .samples
        .iter()
        .find(|sample| sample.metric == "chat_pickup_request_seconds")
        .expect("the handler's latency histogram");
    assert!(
        matches!(histogram.value, Value::Histogram(_)),
        "{:?}",
        histogram.value
    );
    let (topic, waiting): (i64, i64) = db
        .query_row(
            "SELECT topic_id, count(*) FROM chat_session WHERE status = 4 \
               AND NOT chatbot_isactive AND transfer_to IS NULL GROUP BY topic_id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    let topic = topic.to_string();
    let depth = [("tenant", ""), ("topic", topic.as_str())];
    assert_eq!(
        value(&scraped, "chat_pickup_queue_depth", &depth),
        Some(waiting as f64)
    );
    assert_eq!(value(&scraped, "chat_pickup_open_tenants", &[]), Some(0.0));

    let on_the_chat = curl(addr, "/metrics", &[]).await;
    assert!(
        !on_the_chat.contains("chat_pickup_requests_total"),
        "the chat's own address serves no metrics: {on_the_chat}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// The EMF specification's structure: `_aws` with a millisecond `Timestamp` and
/// `CloudWatchMetrics` directives (a `Namespace`, `Dimensions` as arrays of names present at
/// the root as strings, `Metrics` whose names are present at the root as numbers or arrays
/// of numbers).
fn check_emf(line: &Json) {
    let aws = &line["_aws"];
    assert!(aws["Timestamp"].as_u64().is_some(), "{line}");
    let directives = aws["CloudWatchMetrics"].as_array().expect("directives");
    assert!(!directives.is_empty());
    for directive in directives {
        assert!(
            directive["Namespace"]
                .as_str()
                .is_some_and(|ns| !ns.is_empty())
        );
        for set in directive["Dimensions"].as_array().expect("dimension sets") {
            for dimension in set.as_array().expect("a dimension set") {
                let name = dimension.as_str().unwrap();
                assert!(
                    line[name].is_string(),
                    "dimension {name} at the root: {line}"
                );
            }
        }
        let metrics = directive["Metrics"].as_array().expect("metrics");
        assert!(!metrics.is_empty());
        for metric in metrics {
            let name = metric["Name"].as_str().unwrap();
            let value = &line[name];
            let numeric = value.is_number()
                || value
                    .as_array()
                    .is_some_and(|values| values.iter().all(Json::is_number));
            assert!(numeric, "metric {name} at the root as numbers: {line}");
        }
    }
}

#[test]
fn emf_lines_have_the_specifications_structure() {
    let collector = chat_pickup::startup::metrics::emf::install().unwrap();
    chat_pickup::telemetry::request("pickup-first", 200, Duration::from_millis(3));
    chat_pickup::telemetry::pickup("taken", Some((1, 4_000)));
    chat_pickup::telemetry::delivery("delivered");
    let mut out = Vec::new();
    chat_pickup::startup::metrics::emf::flush(collector, "a-request-id", &mut out);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<Json> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!lines.is_empty(), "lines written");
    let names: Vec<&str> = lines
        .iter()
        .flat_map(|line| {
            line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()
                .unwrap()
        })
        .map(|metric| metric["Name"].as_str().unwrap())
        .collect();
    for expected in [
        "chat_pickup_requests_total",
        "chat_pickup_pickups_total",
        "chat_pickup_webhook_deliveries_total",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    for line in &lines {
        check_emf(line);
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "chat-pickup"
        );
        assert_eq!(line["RequestId"], "a-request-id");
    }
}
