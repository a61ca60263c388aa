//! What a page's sign-in sends: the login name and password, as JSON (`{"Username": "tje0",
//! "Password": "..."}`, names in any case) or as an HTML form's fields (`username=tje0&
//! password=...`).
//!
//! Each only where no other site's page can send it in a visitor's name (a login CSRF, which
//! would sign the visitor in as the attacker): JSON only with a JSON `Content-Type`, which a
//! page of another origin cannot send without a CORS preflight - answered for the configured
//! origins alone; a form only from the service's own pages, or from no page at all.

use super::{BodyError, Document, associate, media};
use crate::auth::credentials::BasicCredentials;
use crate::http::cors::Verdict;

/// Why a sign-in's body is refused.
#[derive(Debug)]
pub enum SignInError {
    /// Neither JSON nor - from where a form may come - a form.
    Media,
    /// The right type, without a name and a password.
    Body(BodyError),
}

/// The credentials a sign-in's body sends with `content_type`, from a page at `origin`.
pub fn sign_in(
    content_type: Option<&str>,
    body: &[u8],
    origin: &Verdict,
) -> Result<BasicCredentials, SignInError> {
    let media = media(content_type);
    let json = media == "application/json" || media == "text/json" || media.ends_with("+json");
    let own_form = media == "application/x-www-form-urlencoded"
        && matches!(origin, Verdict::SameOrigin | Verdict::NoOrigin);
    if !json && !own_form {
        return Err(SignInError::Media);
    }
    let bad = |what: &str| SignInError::Body(BodyError::new(what));
    let document = Document::parse(content_type, body).map_err(|_| {
        bad("the body is not a JSON object such as {\"Username\": \"tje0\", \"Password\": \"...\"}")
    })?;
    let text = |name| document.text(name).ok().flatten();
    let (Some(login), Some(password)) = (text("Username"), text("Password")) else {
        return Err(bad(
            "name the user and their password: {\"Username\": \"tje0\", \"Password\": \"...\"}, or the form fields username and password",
        ));
    };
    let login = associate(&login).map_err(|_| bad("Username is a login name, such as tje0"))?;
    Ok(BasicCredentials::new(&login, &password))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(content_type: &str, body: &str, origin: &Verdict) -> Result<(String, String), String> {
        sign_in(Some(content_type), body.as_bytes(), origin)
            .map(|credentials| (credentials.login, credentials.password))
            .map_err(|error| format!("{error:?}"))
    }

    fn ok(login: &str, password: &str) -> Result<(String, String), String> {
        Ok((login.into(), password.into()))
    }

    #[test]
    fn json_in_any_case_and_a_form_from_the_services_own_pages() {
        let same = Verdict::SameOrigin;
        let json = r#"{"username": "tje0", "PASSWORD": "Tje0:x"}"#;
        assert_eq!(
            read("application/json; charset=utf-8", json, &same),
            ok("tje0", "Tje0:x")
        );
        assert_eq!(
            read("application/problem+json", json, &same),
            ok("tje0", "Tje0:x")
        );
        let form = "username=tje0&password=T%26je0";
        let form_type = "application/x-www-form-urlencoded";
        assert_eq!(read(form_type, form, &same), ok("tje0", "T&je0"));
        assert_eq!(
            read(form_type, form, &Verdict::NoOrigin),
            ok("tje0", "T&je0")
        );
    }

    #[test]
    fn what_another_site_can_send_without_asking_is_refused() {
        let listed = Verdict::Listed("https://agents.example.com".parse().unwrap());
        let form = "username=tje0&password=Tje0";
        let form_type = "application/x-www-form-urlencoded";
        assert!(matches!(
            sign_in(Some(form_type), form.as_bytes(), &listed),
            Err(SignInError::Media)
        ));
        let json = br#"{"Username": "tje0", "Password": "Tje0"}"#;
        for content_type in [Some("text/plain"), Some("multipart/form-data"), None] {
            assert!(
                matches!(
                    sign_in(content_type, json, &Verdict::SameOrigin),
                    Err(SignInError::Media)
                ),
                "{content_type:?}"
            );
        }
        assert!(sign_in(Some("application/json"), json, &listed).is_ok());
    }

    #[test]
    fn a_body_without_a_name_and_a_password_says_what_to_send() {
        let same = Verdict::SameOrigin;
        for body in [
            "",
            "{}",
            "[1]",
            "{",
            r#"{"Username": "tje0"}"#,
            r#"{"Username": " ", "Password": "x"}"#,
            r#"{"Username": "a\u0000b", "Password": "x"}"#,
            r#"{"Username": {"a": 1}, "Password": "x"}"#,
        ] {
            assert!(
                matches!(read("application/json", body, &same), Err(error) if error.starts_with("Body")),
                "{body}"
            );
        }
    }
}
