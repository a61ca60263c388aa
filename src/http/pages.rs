//! The pages and scripts the service serves itself, compiled into the binary so that the
//! Lambda function serves them as the local server does: the chat widget that customers'
//! sites embed, the agents' console, and - when started with `--demo` - a demo shop
//! embedding the widget. Each at its path, with or without a tenant's segment before it
//! (the pages call the API relative to where they were loaded); GET and HEAD only, answered
//! before anything else the handler does, the same for everyone.
//!
//! Every file has a weak `ETag` (compression may change its bytes, not what it says) that
//! `If-None-Match` is answered `304` for; the handler compresses the rest as it does every
//! answer ([`super::encoding`]).

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, Method, Response, StatusCode};
use lambda_http::Body;
use sha2::{Digest, Sha256};

use super::error::{ApiError, RouteError};
use crate::account::tenant::Tenant;

/// Every file served: its path (without a tenant's segment), what it is, how long a cache
/// may keep it, and its bytes.
static FILES: [File; 6] = [
    File::new(
        "widget.js",
        SCRIPT,
        EMBEDDED,
        include_bytes!("../../web/widget/widget.js"),
    ),
    File::new(
        "widget.css",
        STYLE,
        EMBEDDED,
        include_bytes!("../../web/widget/widget.css"),
    ),
    File::new(
        "console",
        PAGE,
        FRESH,
        include_bytes!("../../web/console/index.html"),
    ),
    File::new(
        "console/console.css",
        STYLE,
        FRESH,
        include_bytes!("../../web/console/console.css"),
    ),
    File::new(
        "console/console.js",
        SCRIPT,
        FRESH,
        include_bytes!("../../web/dist/console.js"),
    ),
    File::for_demo(
        "chat/demo",
        PAGE,
        FRESH,
        include_bytes!("../../web/demo/index.html"),
    ),
];

const SCRIPT: Kind = Kind::Script;
const STYLE: Kind = Kind::Style;
const PAGE: Kind = Kind::Page;

/// Embedded on customers' sites, under names that stay: cached a while, yet a fix reaches
/// every site within minutes.
const EMBEDDED: &str = "public, max-age=300";
/// The console's files are asked again every time (a `304` where nothing changed): their
/// names carry no version, so a page and its script never come from two releases.
const FRESH: &str = "no-cache";

/// The pages' policy: their own scripts, styles and API, nothing inline, framed by nobody.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// The methods a page answers.
const METHODS: &str = "GET, HEAD";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Script,
    Style,
    Page,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::Script => "application/javascript; charset=utf-8",
            Kind::Style => "text/css; charset=utf-8",
            Kind::Page => "text/html; charset=utf-8",
        }
    }
}

/// One file served.
pub struct File {
    path: &'static str,
    kind: Kind,
    cache: &'static str,
    bytes: &'static [u8],
    /// Served only when the server was started with `--demo`.
    demo: bool,
    etag: OnceLock<String>,
}

impl File {
    const fn new(
        path: &'static str,
        kind: Kind,
        cache: &'static str,
        bytes: &'static [u8],
    ) -> Self {
        Self {
            path,
            kind,
            cache,
            bytes,
            demo: false,
            etag: OnceLock::new(),
        }
    }

    /// A file served only with `--demo`.
    const fn for_demo(
        path: &'static str,
        kind: Kind,
        cache: &'static str,
        bytes: &'static [u8],
    ) -> Self {
        let mut file = Self::new(path, kind, cache, bytes);
        file.demo = true;
        file
    }

    /// A hash of the bytes, computed once.
    fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            let digest = Sha256::digest(self.bytes);
            format!("W/\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..16]))
        })
    }
}

/// The answer to `method` on `path` if the path is a page's; `demo`: whether the demo's are
/// served.
pub fn answer(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    demo: bool,
) -> Option<Result<Response<Body>, ApiError>> {
    answer_from(&FILES, method, path, headers, demo)
}

fn answer_from(
    files: &'static [File],
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    demo: bool,
) -> Option<Result<Response<Body>, ApiError>> {
    let (file, slash) = find(files, path, demo)?;
    if method != Method::GET && method != Method::HEAD {
        let allowed = RouteError::MethodNotAllowed(METHODS.into());
        return Some(Err(ApiError::Route(allowed)));
    }
    // The console's links are relative to `/console`; under `/console/` they would miss.
    if slash && file.kind == Kind::Page {
        let last = file.path.rsplit('/').next().unwrap_or(file.path);
        return Some(Ok(moved(&format!("../{last}"))));
    }
    Some(Ok(serve(file, method == Method::HEAD, headers)))
}

/// The file at `path` - after a tenant's segment or not - and whether the path ends in `/`.
fn find(files: &'static [File], path: &str, demo: bool) -> Option<(&'static File, bool)> {
    let trimmed = path.trim_end_matches('/');
    let slash = trimmed.len() < path.len();
    let wanted = trimmed.strip_prefix('/')?;
    let at = |wanted: &str| {
        files
            .iter()
            .find(|file| file.path == wanted && (demo || !file.demo))
    };
    let file = at(wanted).or_else(|| {
        let (tenant, rest) = wanted.split_once('/')?;
        Tenant::parse(tenant)?;
        at(rest)
    })?;
    // One trailing slash, on a page only (it is sent on to the page): a script or style
    // sheet under `.../widget.js/` would take that path for the service's base.
    let extra = path.len() - trimmed.len();
    match extra == 0 || (extra == 1 && file.kind == Kind::Page) {
        true => Some((file, slash)),
        false => None,
    }
}

fn serve(file: &File, head: bool, headers: &HeaderMap) -> Response<Body> {
    let fresh = not_modified(headers, file.etag());
    let status = if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = Response::builder()
        .status(status)
        .header(ETAG, file.etag())
        .header(CACHE_CONTROL, file.cache)
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff");
    if !fresh {
        response = response.header(CONTENT_TYPE, file.kind.content_type());
    }
    if file.kind == Kind::Page {
        response = response
            .header("content-security-policy", CONTENT_SECURITY_POLICY)
            .header(REFERRER_POLICY, "no-referrer");
    }
    let body = match fresh || head {
        true => Body::Empty,
        false => Body::Binary(file.bytes.to_vec()),
    };
    response.body(body).expect("static headers are valid")
}

/// Whether `If-None-Match` names `etag` (weakly, as RFC 9110 compares it), or any.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

fn moved(location: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::MOVED_PERMANENTLY)
        .header(LOCATION, location)
        .body(Body::Empty)
        .expect("static headers are valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    static TEST_FILES: [File; 3] = [
        File::new("widget.js", SCRIPT, EMBEDDED, b"console.log('widget');"),
        File::new(
            "console",
            PAGE,
            FRESH,
            b"<!doctype html><title>console</title>",
        ),
        File::for_demo(
            "chat/demo",
            PAGE,
            FRESH,
            b"<!doctype html><title>demo</title>",
        ),
    ];

    fn get(path: &str, headers: &[(&str, &str)], demo: bool) -> Option<Response<Body>> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
            map.append(name, HeaderValue::from_str(value).unwrap());
        }
        answer_from(&TEST_FILES, &Method::GET, path, &map, demo).map(|answer| answer.unwrap())
    }

    fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
        response.headers()[name].to_str().unwrap()
    }

    #[test]
    fn a_script_with_its_type_tag_and_cache_with_or_without_a_tenant() {
        for path in ["/widget.js", "/Cust12345/widget.js"] {
            let response = get(path, &[], false).unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                header(&response, "content-type"),
                "application/javascript; charset=utf-8"
            );
            assert_eq!(header(&response, "cache-control"), "public, max-age=300");
            assert_eq!(header(&response, "x-content-type-options"), "nosniff");
            assert!(header(&response, "etag").starts_with("W/\""));
            assert!(!response.headers().contains_key("content-security-policy"));
            assert_eq!(response.body().as_ref(), b"console.log('widget');");
        }
    }

    #[test]
    fn a_page_carries_its_policy_and_no_referrer() {
        let response = get("/console", &[], false).unwrap();
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache");
        assert_eq!(
            header(&response, "content-security-policy"),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(header(&response, "referrer-policy"), "no-referrer");
        let slash = get("/t1/console/", &[], false).unwrap();
        assert_eq!(slash.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(header(&slash, "location"), "../console");
        for missed in ["/console//", "/widget.js/", "/t1/widget.css/"] {
            assert!(get(missed, &[], false).is_none(), "{missed}");
        }
    }

    #[test]
    fn the_same_tag_again_is_not_modified() {
        let etag = header(&get("/widget.js", &[], false).unwrap(), "etag").to_string();
        let strong = etag.trim_start_matches("W/");
        for sent in [etag.as_str(), strong, "\"other\", ", "*"] {
            let sent = if sent.ends_with(", ") {
                format!("{sent}{etag}")
            } else {
                sent.to_string()
            };
            let response = get("/widget.js", &[("if-none-match", &sent)], false).unwrap();
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{sent}");
            assert!(response.body().is_empty());
            assert_eq!(header(&response, "etag"), etag);
        }
        let other = get("/widget.js", &[("if-none-match", "\"other\"")], false).unwrap();
        assert_eq!(other.status(), StatusCode::OK);
    }

    #[test]
    fn the_demo_only_with_demo_and_nothing_else_at_all() {
        assert!(get("/chat/demo", &[], false).is_none());
        assert_eq!(
            get("/chat/demo", &[], true).unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            get("/t1/chat/demo", &[], true).unwrap().status(),
            StatusCode::OK
        );
        for path in [
            "/",
            "/widget",
            "/a/b/widget.js",
            "/a.b/widget.js",
            "/Widget.js",
            "widget.js",
        ] {
            assert!(get(path, &[], true).is_none(), "{path}");
        }
    }

    #[test]
    fn get_and_head_only() {
        let head = answer_from(
            &TEST_FILES,
            &Method::HEAD,
            "/console",
            &HeaderMap::new(),
            false,
        );
        let head = head.unwrap().unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        assert!(head.body().is_empty());
        assert_eq!(head.headers()["content-type"], "text/html; charset=utf-8");
        let post = answer_from(
            &TEST_FILES,
            &Method::POST,
            "/console",
            &HeaderMap::new(),
            false,
        );
        assert!(matches!(
            post,
            Some(Err(ApiError::Route(RouteError::MethodNotAllowed(allowed)))) if allowed == "GET, HEAD"
        ));
    }

    #[test]
    fn every_file_is_there() {
        for file in &FILES {
            assert!(!file.bytes.is_empty(), "{}", file.path);
        }
    }
}
