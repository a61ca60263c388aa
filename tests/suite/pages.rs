//! The service's own pages and scripts through the handler: their types, tags and caching,
//! a `304` for a tag the client holds, the pages' policy, compression, a tenant's segment
//! before any of them, and the demo's page only with `--demo`.

use http::header::{CONTENT_ENCODING, ETAG};
use http::{Method, StatusCode};
use lambda_http::Body;
use test_support::app::{TestApp, TestResponse};
use test_support::given;

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    app.request(Method::GET, path, headers, Body::Empty).await
}

fn header<'a>(response: &'a TestResponse, name: &str) -> &'a str {
    response.headers[name].to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_file_with_its_type_and_caching_with_or_without_a_tenant() {
    let app = given!(TestApp::new(crate::KIND));
    let files = [
        (
            "widget.js",
            "application/javascript; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "widget.css",
            "text/css; charset=utf-8",
            "public, max-age=300",
        ),
        ("console", "text/html; charset=utf-8", "no-cache"),
        ("console/console.css", "text/css; charset=utf-8", "no-cache"),
        (
            "console/console.js",
            "application/javascript; charset=utf-8",
            "no-cache",
        ),
    ];
    for (file, content_type, cache) in files {
        for prefix in ["", "/Cust12345"] {
            let path = format!("{prefix}/{file}");
            // A foreign page may load them: they are the same for everyone.
            let response = get(&app, &path, &[("origin", "https://shop.example")]).await;
            assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
            assert_eq!(header(&response, "content-type"), content_type, "{path}");
            assert_eq!(header(&response, "cache-control"), cache, "{path}");
            assert_eq!(header(&response, "x-content-type-options"), "nosniff");
            assert!(!response.body.is_empty(), "{path}");
            let html = content_type.starts_with("text/html");
            assert_eq!(
                response.headers.contains_key("content-security-policy"),
                html
            );
            if html {
                assert_eq!(header(&response, "content-security-policy"), POLICY);
                assert_eq!(header(&response, "referrer-policy"), "no-referrer");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_the_client_holds_is_not_modified_and_bodies_are_compressed() {
    let app = given!(TestApp::new(crate::KIND));
    let plain = get(&app, "/widget.js", &[]).await;
    let etag = header(&plain, ETAG.as_str()).to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = get(&app, "/Cust12345/widget.js", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(header(&again, ETAG.as_str()), etag);
    let changed = get(&app, "/widget.js", &[("if-none-match", "W/\"an old one\"")]).await;
    assert_eq!(changed.status, StatusCode::OK);

    let gzipped = get(&app, "/widget.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&gzipped, CONTENT_ENCODING.as_str()), "gzip");
    assert_eq!(gzipped.body, plain.body, "decompressed, the same script");
    assert_eq!(header(&gzipped, ETAG.as_str()), etag);
    let vary: Vec<&str> = gzipped
        .headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(vary.contains(&"Accept-Encoding"), "{vary:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_and_head_only_and_the_console_under_its_own_name() {
    let app = given!(TestApp::new(crate::KIND));
    let head = app
        .request(Method::HEAD, "/widget.css", &[], Body::Empty)
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(header(&head, "content-type"), "text/css; charset=utf-8");
    let post = app
        .request(Method::POST, "/console", &[], Body::Empty)
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&post, "allow"), "GET, HEAD");
    // The console's links are relative to /console, so /console/ sends the browser there.
    for (path, location) in [
        ("/console/", "../console"),
        ("/Cust12345/console/", "../console"),
    ] {
        let moved = get(&app, path, &[]).await;
        assert_eq!(moved.status, StatusCode::MOVED_PERMANENTLY, "{path}");
        assert_eq!(header(&moved, "location"), location);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demos_page_only_with_demo() {
    let app = given!(TestApp::new(crate::KIND));
    let without = get(&app, "/chat/demo", &[("accept", "application/json")]).await;
    assert_eq!(without.status, StatusCode::NOT_FOUND);
    assert_eq!(without.problem()["status"], 404);
    let app = app.reconfigured(|app| app.with_demo(true));
    for path in ["/chat/demo", "/Cust12345/chat/demo"] {
        let page = get(&app, path, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
        assert_eq!(header(&page, "content-security-policy"), POLICY);
        assert!(
            page.body.contains("widget.js"),
            "the demo embeds the widget"
        );
    }
    let bad_tenant = get(&app, "/not.a.tenant/widget.js", &[]).await;
    assert_eq!(bad_tenant.status, StatusCode::NOT_FOUND);
}
