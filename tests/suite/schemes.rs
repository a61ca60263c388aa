//! Every authentication scheme (spec section 5) through the handler: a ticket, an API token,
//! a JWT and the cookie + XSRF pair each pick up a session, and a matrix of failures - each
//! with its status, never a 500, nothing changed. JWT keys are generated here.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chat_pickup::account::secret::{self, SecretKind};
use chat_pickup::auth::{AuthConfig, Scheme, jwt::JwtConfig};
use chat_pickup::time::Timestamp;
use chrono::{Duration, Utc};
use http::StatusCode;
use http::header::WWW_AUTHENTICATE;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;
use test_support::http::fresh_source;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";
const ISSUER: &str = "https://login.example.test";
const AUDIENCE: &str = "chat-pickup";
pub const XSRF_SECRET: &[u8] = b"a server secret of at least 32 bytes!";

/// Test keys: the trusted RSA and P-256 keys, an untrusted RSA key, and the trusted RSA
/// public key as PEM (what an HS256 key-confusion attack signs with).
struct Keys {
    rsa: EncodingKey,
    ec: EncodingKey,
    stranger: EncodingKey,
    rsa_public_pem: String,
    jwks: String,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let mut rng = rand::thread_rng();
    let rsa = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let stranger = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let ec = p256::SecretKey::random(&mut rng);
    let point = ec.public_key().to_encoded_point(false);
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let jwks = json!({"keys": [
        {"kty": "RSA", "kid": "r1", "use": "sig", "alg": "RS256",
         "n": b64(&rsa.n().to_bytes_be()), "e": b64(&rsa.e().to_bytes_be())},
        {"kty": "EC", "kid": "e1", "crv": "P-256", "alg": "ES256",
         "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())},
    ]});
    Keys {
        rsa: EncodingKey::from_rsa_der(rsa.to_pkcs1_der().unwrap().as_bytes()),
        ec: EncodingKey::from_ec_der(ec.to_pkcs8_der().unwrap().as_bytes()),
        stranger: EncodingKey::from_rsa_der(stranger.to_pkcs1_der().unwrap().as_bytes()),
        rsa_public_pem: rsa
            .to_public_key()
            .to_pkcs1_pem(Default::default())
            .unwrap(),
        jwks: jwks.to_string(),
    }
});

pub fn auth_config() -> AuthConfig {
    let jwt = JwtConfig::from_jwks(
        &KEYS.jwks,
        Some(ISSUER.into()),
        Some(AUDIENCE.into()),
        "sub".into(),
    )
    .unwrap();
    AuthConfig {
        jwt: Some(jwt),
        xsrf_secret: Some(XSRF_SECRET.to_vec()),
        ..AuthConfig::default()
    }
}

/// The secrets the matrix uses.
struct Secrets {
    ticket: String,
    token: String,
    app: String,
    expired_ticket: String,
    revoked_ticket: String,
    gone_ticket: String,
    resource_ticket: String,
    expired_token: String,
    revoked_token: String,
    gone_token: String,
    revoked_app: String,
}

fn at(minutes: i64) -> Timestamp {
    Timestamp::from_utc(Utc::now() + Duration::minutes(minutes))
}

fn world() -> Option<(TestApp, Secrets)> {
    let app = TestApp::new(crate::KIND)?.reconfigured(|app| app.with_auth(auth_config()));
    app.topic("Sales", "Hi!");
    for name in ["tje0", "gone", "resource0"] {
        app.agent(name);
        app.member(name, "Sales");
    }
    let issue = |user: &str, kind, expires| {
        app.admin
            .issue_secret(user, kind, at(-120), Some(expires))
            .unwrap()
    };
    let secrets = Secrets {
        ticket: issue("tje0", SecretKind::Ticket, at(60)),
        token: issue("tje0", SecretKind::ApiToken, at(60)),
        app: app.admin.add_app("partner", at(0)).unwrap(),
        expired_ticket: issue("tje0", SecretKind::Ticket, at(-60)),
        revoked_ticket: issue("tje0", SecretKind::Ticket, at(60)),
        gone_ticket: issue("gone", SecretKind::Ticket, at(60)),
        resource_ticket: issue("resource0", SecretKind::Ticket, at(60)),
        expired_token: issue("tje0", SecretKind::ApiToken, at(-60)),
        revoked_token: issue("tje0", SecretKind::ApiToken, at(60)),
        gone_token: issue("gone", SecretKind::ApiToken, at(60)),
        revoked_app: app.admin.add_app("old", at(0)).unwrap(),
    };
    assert!(
        app.admin
            .revoke_secret(SecretKind::Ticket, &secrets.revoked_ticket)
            .unwrap()
    );
    assert!(
        app.admin
            .revoke_secret(SecretKind::ApiToken, &secrets.revoked_token)
            .unwrap()
    );
    app.admin.revoke_app("old").unwrap();
    app.admin.delete_associate("gone").unwrap();
    app.exec("UPDATE associate SET type = 2 WHERE name = 'resource0'");
    for minutes in 0..8 {
        app.enqueue("Sales", "customer", minutes);
    }
    Some((app, secrets))
}

/// Request headers, owned.
type Headers = Vec<(&'static str, String)>;

fn claims(sub: &str) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "exp": now + 600, "nbf": now - 10})
}

fn jwt(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn with(mut claims: Value, change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    change(claims.as_object_mut().unwrap());
    claims
}

/// An unsigned token: `alg: none`.
fn unsigned(claims: &Value) -> String {
    let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.",
        part(&json!({"alg": "none", "typ": "JWT"})),
        part(claims)
    )
}

fn bearer(token: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {token}"))
}

fn cookies(ticket: &str, xsrf: &str) -> (&'static str, String) {
    ("cookie", format!("SoTicket={ticket}; XSRF-TOKEN={xsrf}"))
}

fn xsrf_for(ticket: &str) -> String {
    chat_pickup::auth::xsrf_token(XSRF_SECRET, ticket)
}

/// Each call from an address of its own: these tests are about what one attempt gets; many
/// failures from one place are `throttling.rs`'s.
async fn call(app: &TestApp, headers: &[(&'static str, String)]) -> TestResponse {
    let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    app.post_from(PICKUP, &borrowed, fresh_source()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn each_scheme_picks_up_a_session() {
    let (app, s) = given!(world());
    let rs256 = jwt(Algorithm::RS256, Some("r1"), &KEYS.rsa, &claims("tje0"));
    let es256 = jwt(Algorithm::ES256, Some("e1"), &KEYS.ec, &claims("tje0"));
    let cases: Vec<(&str, Headers)> = vec![
        (
            "SOTicket",
            vec![("authorization", format!("SOTicket {}", s.ticket))],
        ),
        (
            "soticket",
            vec![("authorization", format!("soticket {}", s.ticket))],
        ),
        ("API token", vec![bearer(&s.token)]),
        ("JWT RS256", vec![bearer(&rs256)]),
        ("JWT ES256", vec![bearer(&es256)]),
        (
            "cookie + XSRF",
            vec![
                cookies(&s.ticket, &xsrf_for(&s.ticket)),
                ("x-xsrf-token", xsrf_for(&s.ticket)),
            ],
        ),
        (
            "Basic + app token",
            vec![
                ("authorization", basic("tje0", PASSWORD)),
                ("so-apptoken", s.app.clone()),
            ],
        ),
    ];
    for (name, headers) in cases {
        let response = call(&app, &headers).await;
        assert_eq!(response.status, StatusCode::OK, "{name}: {}", response.body);
        assert_eq!(response.json()["User"]["Name"], "tje0", "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_failure_matrix() {
    let (app, s) = given!(world());
    let good = claims("tje0");
    let rs = |claims: &Value| jwt(Algorithm::RS256, Some("r1"), &KEYS.rsa, claims);
    let now = Utc::now().timestamp();
    let ticket_header = |ticket: &str| vec![("authorization", format!("SOTicket {ticket}"))];
    let other_xsrf = xsrf_for(&s.expired_ticket);
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    use StatusCode as S;
    let cases: Vec<(&str, Headers, StatusCode)> = vec![
        // Basic
        ("no credentials", vec![], S::UNAUTHORIZED),
        (
            "malformed base64",
            vec![("authorization", "Basic %%%".into())],
            S::UNAUTHORIZED,
        ),
        (
            "missing colon",
            vec![("authorization", format!("Basic {}", b64("tje0")))],
            S::UNAUTHORIZED,
        ),
        (
            "empty user",
            vec![("authorization", format!("Basic {}", b64(":pw")))],
            S::UNAUTHORIZED,
        ),
        (
            "wrong password",
            vec![("authorization", basic("tje0", "wrong"))],
            S::UNAUTHORIZED,
        ),
        (
            "unknown user",
            vec![("authorization", basic("nobody", PASSWORD))],
            S::UNAUTHORIZED,
        ),
        (
            "deleted associate, Basic",
            vec![("authorization", basic("gone", PASSWORD))],
            S::UNAUTHORIZED,
        ),
        (
            "resource associate, Basic",
            vec![("authorization", basic("resource0", PASSWORD))],
            S::FORBIDDEN,
        ),
        (
            "wrong scheme",
            vec![("authorization", "Digest username=tje0".into())],
            S::UNAUTHORIZED,
        ),
        (
            "scheme without credentials",
            vec![("authorization", "Basic".into())],
            S::UNAUTHORIZED,
        ),
        (
            "two Authorization headers",
            vec![
                ("authorization", basic("tje0", PASSWORD)),
                ("authorization", basic("tje0", PASSWORD)),
            ],
            S::UNAUTHORIZED,
        ),
        // Tickets
        (
            "expired ticket",
            ticket_header(&s.expired_ticket),
            S::UNAUTHORIZED,
        ),
        (
            "revoked ticket",
            ticket_header(&s.revoked_ticket),
            S::UNAUTHORIZED,
        ),
        (
            "unknown ticket",
            ticket_header(&secret::issue(SecretKind::Ticket)),
            S::UNAUTHORIZED,
        ),
        (
            "ticket without 7T:",
            ticket_header(&s.ticket[3..]),
            S::UNAUTHORIZED,
        ),
        (
            "deleted associate's ticket",
            ticket_header(&s.gone_ticket),
            S::UNAUTHORIZED,
        ),
        (
            "resource associate's ticket",
            ticket_header(&s.resource_ticket),
            S::FORBIDDEN,
        ),
        (
            "an API token as a ticket",
            ticket_header(&s.token),
            S::UNAUTHORIZED,
        ),
        (
            "a ticket as a Bearer token",
            vec![bearer(&s.ticket)],
            S::UNAUTHORIZED,
        ),
        // API tokens
        (
            "expired API token",
            vec![bearer(&s.expired_token)],
            S::UNAUTHORIZED,
        ),
        (
            "revoked API token",
            vec![bearer(&s.revoked_token)],
            S::UNAUTHORIZED,
        ),
        (
            "unknown API token",
            vec![bearer(&secret::issue(SecretKind::ApiToken))],
            S::UNAUTHORIZED,
        ),
        (
            "deleted associate's API token",
            vec![bearer(&s.gone_token)],
            S::UNAUTHORIZED,
        ),
        (
            "empty Bearer",
            vec![("authorization", "Bearer ".into())],
            S::UNAUTHORIZED,
        ),
        (
            "garbage Bearer",
            vec![bearer("not-a-token")],
            S::UNAUTHORIZED,
        ),
        // JWTs
        (
            "JWT with a wrong signature",
            vec![bearer(&jwt(
                Algorithm::RS256,
                Some("r1"),
                &KEYS.stranger,
                &good,
            ))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT alg none",
            vec![bearer(&unsigned(&good))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT from another issuer",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.insert("iss".into(), json!("https://evil.test"));
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT for another audience",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.insert("aud".into(), json!("other-api"));
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "expired JWT",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.insert("exp".into(), json!(now - 3600));
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT not yet valid",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.insert("nbf".into(), json!(now + 3600));
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT without exp",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.remove("exp");
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT with an unknown key id",
            vec![bearer(&jwt(Algorithm::RS256, Some("r9"), &KEYS.rsa, &good))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT whose alg is not its key's",
            vec![bearer(&jwt(Algorithm::RS256, Some("e1"), &KEYS.rsa, &good))],
            S::UNAUTHORIZED,
        ),
        (
            "HS256 JWT signed with the public key",
            vec![bearer(&jwt(
                Algorithm::HS256,
                Some("r1"),
                &EncodingKey::from_secret(KEYS.rsa_public_pem.as_bytes()),
                &good,
            ))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT naming no associate",
            vec![bearer(&rs(&claims("nobody")))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT without the claim",
            vec![bearer(&rs(&with(good.clone(), |c| {
                c.remove("sub");
            })))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT for a deleted associate",
            vec![bearer(&rs(&claims("gone")))],
            S::UNAUTHORIZED,
        ),
        (
            "JWT for a resource associate",
            vec![bearer(&rs(&claims("resource0")))],
            S::FORBIDDEN,
        ),
        // Cookie + XSRF
        (
            "XSRF header missing",
            vec![cookies(&s.ticket, &xsrf_for(&s.ticket))],
            S::UNAUTHORIZED,
        ),
        (
            "XSRF header differs from the cookie",
            vec![
                cookies(&s.ticket, &xsrf_for(&s.ticket)),
                ("x-xsrf-token", "different".into()),
            ],
            S::UNAUTHORIZED,
        ),
        (
            "XSRF pair bound to another ticket",
            vec![
                cookies(&s.ticket, &other_xsrf),
                ("x-xsrf-token", other_xsrf.clone()),
            ],
            S::UNAUTHORIZED,
        ),
        (
            "expired ticket in the cookie",
            vec![
                cookies(&s.expired_ticket, &other_xsrf),
                ("x-xsrf-token", other_xsrf.clone()),
            ],
            S::UNAUTHORIZED,
        ),
        (
            "two SoTicket cookies",
            vec![
                (
                    "cookie",
                    format!(
                        "SoTicket={}; SoTicket={}; XSRF-TOKEN={}",
                        s.ticket,
                        s.revoked_ticket,
                        xsrf_for(&s.ticket)
                    ),
                ),
                ("x-xsrf-token", xsrf_for(&s.ticket)),
            ],
            S::UNAUTHORIZED,
        ),
        // Partner apps
        (
            "unknown app token",
            vec![
                ("authorization", basic("tje0", PASSWORD)),
                ("so-apptoken", "made-up".into()),
            ],
            S::UNAUTHORIZED,
        ),
        (
            "revoked app token",
            vec![
                ("authorization", basic("tje0", PASSWORD)),
                ("so-apptoken", s.revoked_app.clone()),
            ],
            S::UNAUTHORIZED,
        ),
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let before = app.snapshot();
    let mut rejected_bodies = Vec::new();
    for (name, headers, expected) in cases {
        let response = call(&app, &headers).await;
        assert_eq!(response.status, expected, "{name}: {}", response.body);
        let mut problem = response.problem();
        problem.as_object_mut().unwrap().remove("instance");
        if expected == S::UNAUTHORIZED {
            let challenge = response.headers[WWW_AUTHENTICATE].to_str().unwrap();
            for scheme in ["Basic realm=", "SOTicket realm=", "Bearer realm="] {
                assert!(challenge.contains(scheme), "{name}: {challenge}");
            }
            if problem["detail"]
                .as_str()
                .unwrap()
                .starts_with("The credentials are not valid")
            {
                rejected_bodies.push((name, problem));
            }
        } else {
            assert!(!response.headers.contains_key(WWW_AUTHENTICATE), "{name}");
        }
    }
    assert_eq!(app.snapshot(), before, "no failure changed anything");
    // Unknown, wrong, expired, revoked and deleted read exactly alike.
    assert!(rejected_bodies.len() > 20, "{}", rejected_bodies.len());
    for (name, body) in &rejected_bodies {
        assert_eq!(body, &rejected_bodies[0].1, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_required_app_token_and_disabled_schemes_are_configuration() {
    let (app, s) = given!(world());
    let app = app.reconfigured(|app| {
        app.with_auth(AuthConfig {
            require_app_token: true,
            schemes: vec![Scheme::Basic, Scheme::Bearer],
            ..auth_config()
        })
    });
    let credentials = ("authorization", basic("tje0", PASSWORD));
    let without = call(&app, std::slice::from_ref(&credentials)).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED, "{}", without.body);
    assert!(
        without.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("SO-AppToken")
    );
    let challenge = without.headers[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        challenge.contains("Basic") && challenge.contains("Bearer"),
        "{challenge}"
    );
    assert!(!challenge.contains("SOTicket"), "{challenge}");

    let with_app = call(&app, &[credentials, ("so-apptoken", s.app.clone())]).await;
    assert_eq!(with_app.status, StatusCode::OK, "{}", with_app.body);

    let ticket = call(
        &app,
        &[
            ("authorization", format!("SOTicket {}", s.ticket)),
            ("so-apptoken", s.app.clone()),
        ],
    )
    .await;
    assert_eq!(ticket.status, StatusCode::UNAUTHORIZED, "a disabled scheme");
    assert_eq!(
        ticket.problem()["detail"],
        "This Authorization scheme is not accepted here; use one of Basic, Bearer.",
        "the answer names the schemes that are on"
    );

    let bearer_only = app.reconfigured(|app| {
        app.with_auth(AuthConfig {
            schemes: vec![Scheme::Bearer],
            ..auth_config()
        })
    });
    let basic_refused = call(&bearer_only, &[("authorization", basic("tje0", PASSWORD))]).await;
    assert_eq!(basic_refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        basic_refused.problem()["detail"],
        "This Authorization scheme is not accepted here; use Bearer."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_password_is_not_served_from_the_cache() {
    let (app, _) = given!(world());
    let old = ("authorization", basic("tje0", PASSWORD));
    assert_eq!(
        call(&app, std::slice::from_ref(&old)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, std::slice::from_ref(&old)).await.status,
        StatusCode::OK,
        "cached"
    );
    app.admin
        .set_password("tje0", &chat_pickup::auth::password::hash("new password"))
        .unwrap();
    assert_eq!(call(&app, &[old]).await.status, StatusCode::UNAUTHORIZED);
    let new = ("authorization", basic("tje0", "new password"));
    assert_eq!(call(&app, &[new]).await.status, StatusCode::OK);
    app.admin.delete_associate("tje0").unwrap();
    let new = ("authorization", basic("tje0", "new password"));
    assert_eq!(
        call(&app, &[new]).await.status,
        StatusCode::UNAUTHORIZED,
        "deleted"
    );
}
