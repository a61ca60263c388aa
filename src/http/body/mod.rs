//! What a request body says, read once as a [`Document`] whatever its encoding - JSON
//! (`{"ChatSessionId": 5}`; member names in any case, as ASP.NET binds them - the official
//! client sends `chatSessionId`), XML (`<ChatSessionId>5</ChatSessionId>` in any root) or
//! form encoding (`ChatSessionId=5`); the `Content-Type` says which, JSON without one. Here:
//! the session an RPC route acts on and whom a transfer goes to; beside it, the message
//! (`message`), the changes (`patch`), the entity saved (`entity`) and a page's sign-in
//! (`sign_in`).

mod document;
mod entity;
mod message;
mod patch;
mod sign_in;
mod values;

pub use document::{Document, media};
pub use entity::{Saved, draft, saved, start};
pub use message::{new_message, words};
pub use patch::{from_entity, from_patch};
pub use sign_in::{SignInError, sign_in};
pub use values::{boolean, whole};

/// The largest body accepted: room for a whole ChatSessionEntity as a save sends back what
/// it read - every linked carrier, every text at its longest in four-byte characters (some
/// 36 KB) - and for the longest message.
pub const MAX_BODY: usize = 128 * 1024;

/// The name of the session's id in a body.
pub const CHAT_SESSION_ID: &str = "ChatSessionId";
/// The name of the associate a transfer goes to, in a body.
pub const TO_ASSOCIATE: &str = "ToAssociate";

/// What is wrong with what a request names - in its body, its query or its path - as a
/// sentence that says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyError(pub String);

impl BodyError {
    pub fn new(what: impl Into<String>) -> Self {
        Self(what.into())
    }
}

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// The request does not name one.
    Missing,
    /// It names one that is not what it must be, or cannot be read at all.
    Malformed(&'static str),
}

/// A session id as a path segment names it.
pub fn from_path(segment: &str) -> Result<i64, FieldError> {
    positive(segment.trim())
}

/// The session id `body` names, read as `content_type` says.
pub fn from_body(content_type: Option<&str>, body: &[u8]) -> Result<i64, FieldError> {
    positive(&member(content_type, body, CHAT_SESSION_ID)?)
}

/// The associate `body` names for a transfer - a login name or an id - read as
/// `content_type` says.
pub fn associate_from_body(content_type: Option<&str>, body: &[u8]) -> Result<String, FieldError> {
    associate(&member(content_type, body, TO_ASSOCIATE)?)
}

/// An associate as a path segment (percent-decoded) names it: a login name or an id, with
/// no control characters (no login name has them, and PostgreSQL refuses a NUL in text).
pub fn associate(text: &str) -> Result<String, FieldError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(FieldError::Missing);
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::Malformed("a name has no control characters"));
    }
    Ok(name.to_string())
}

/// The text of member `name` (matched in any case) of `body`.
fn member(content_type: Option<&str>, body: &[u8], name: &str) -> Result<String, FieldError> {
    Document::parse(content_type, body)?
        .text(name)?
        .ok_or(FieldError::Missing)
}

fn positive(text: &str) -> Result<i64, FieldError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(FieldError::Malformed("not a positive whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_encoding_names_the_session() {
        let cases = [
            (None, r#"{"chatSessionId": 5}"#),
            (
                Some("application/json; charset=utf-8"),
                r#"{"ChatSessionId": "5"}"#,
            ),
            (
                Some("application/xml"),
                "<PickUp><ChatSessionId>5</ChatSessionId></PickUp>",
            ),
            (Some("text/xml"), "<ChatSessionId> 5 </ChatSessionId>"),
            (
                Some("application/x-www-form-urlencoded"),
                "x=1&chatsessionid=5",
            ),
        ];
        for (content_type, body) in cases {
            assert_eq!(from_body(content_type, body.as_bytes()), Ok(5), "{body}");
        }
        assert_eq!(from_path("42"), Ok(42));
    }

    #[test]
    fn every_encoding_names_the_associate_offered() {
        let cases = [
            (
                None,
                r#"{"chatSessionId": 5, "toAssociate": "tje0"}"#,
                "tje0",
            ),
            (None, r#"{"ToAssociate": 12}"#, "12"),
            (
                Some("application/xml"),
                "<T><ToAssociate>tje0</ToAssociate></T>",
                "tje0",
            ),
            (
                Some("application/x-www-form-urlencoded"),
                "toassociate=kari%40example.no",
                "kari@example.no",
            ),
        ];
        for (content_type, body, name) in cases {
            assert_eq!(
                associate_from_body(content_type, body.as_bytes()),
                Ok(name.to_string()),
                "{body}"
            );
        }
        assert_eq!(
            associate_from_body(None, br#"{"ToAssociate": " "}"#),
            Err(FieldError::Missing)
        );
        assert_eq!(
            associate_from_body(None, br#"{"ChatSessionId": 5}"#),
            Err(FieldError::Missing)
        );
        assert!(matches!(
            associate_from_body(None, br#"{"ToAssociate": "a\u0000b"}"#),
            Err(FieldError::Malformed(_))
        ));
        assert!(matches!(associate("a\nb"), Err(FieldError::Malformed(_))));
    }

    #[test]
    fn a_body_without_a_valid_id_says_why() {
        assert_eq!(from_body(None, b""), Err(FieldError::Missing));
        assert_eq!(from_body(None, b"{}"), Err(FieldError::Missing));
        assert!(matches!(
            from_body(None, b"[5]"),
            Err(FieldError::Malformed(_))
        ));
        assert!(matches!(
            from_body(None, br#"{"ChatSessionId": -1}"#),
            Err(FieldError::Malformed(_))
        ));
        assert!(matches!(
            from_body(Some("text/xml"), b"<a><b>"),
            Err(FieldError::Missing | FieldError::Malformed(_))
        ));
        assert!(matches!(from_path("abc"), Err(FieldError::Malformed(_))));
        assert!(matches!(from_path("0"), Err(FieldError::Malformed(_))));
    }

    proptest! {
        #[test]
        fn any_body_is_an_id_or_a_reason_never_a_panic(
            content_type in prop::option::of("[a-z/+;= -]{0,40}"),
            body in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let _ = from_body(content_type.as_deref(), &body);
            let _ = associate_from_body(content_type.as_deref(), &body);
        }

        #[test]
        fn a_positive_id_survives_every_encoding(id in 1..i64::MAX) {
            prop_assert_eq!(from_body(None, format!(r#"{{"ChatSessionId":{id}}}"#).as_bytes()), Ok(id));
            prop_assert_eq!(
                from_body(Some("application/xml"), format!("<r><ChatSessionId>{id}</ChatSessionId></r>").as_bytes()),
                Ok(id)
            );
            prop_assert_eq!(
                from_body(Some("application/x-www-form-urlencoded"), format!("ChatSessionId={id}").as_bytes()),
                Ok(id)
            );
        }
    }
}
