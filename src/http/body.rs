//! The one thing a request body says: which session an RPC route acts on, `ChatSessionId`,
//! in JSON (`{"ChatSessionId": 5}`; any case, as ASP.NET binds it - the official client
//! sends `chatSessionId`), XML (`<ChatSessionId>5</ChatSessionId>` in any root) or form
//! encoding (`ChatSessionId=5`). The `Content-Type` says which; without one, JSON.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// The name of the session's id in a body.
pub const CHAT_SESSION_ID: &str = "ChatSessionId";

/// Why no session id could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionIdError {
    /// The body does not name one.
    Missing,
    /// It names one that is not a positive whole number, or cannot be read at all.
    Malformed(&'static str),
}

/// A session id as a path segment names it.
pub fn from_path(segment: &str) -> Result<i64, SessionIdError> {
    positive(segment.trim())
}

/// The session id `body` names, read as `content_type` says.
pub fn from_body(content_type: Option<&str>, body: &[u8]) -> Result<i64, SessionIdError> {
    let media = content_type
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(body).map_err(|_| SessionIdError::Malformed("not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(SessionIdError::Missing);
    }
    match media.as_str() {
        "application/x-www-form-urlencoded" => form(text),
        media if media.ends_with("xml") => xml(text),
        _ => json(text),
    }
}

fn json(text: &str) -> Result<i64, SessionIdError> {
    let value: Value =
        serde_json::from_str(text).map_err(|_| SessionIdError::Malformed("not valid JSON"))?;
    let Value::Object(members) = value else {
        return Err(SessionIdError::Malformed("not a JSON object"));
    };
    let found = members
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(CHAT_SESSION_ID))
        .map(|(_, value)| value)
        .ok_or(SessionIdError::Missing)?;
    match found {
        Value::Number(number) => number
            .as_i64()
            .filter(|id| *id > 0)
            .ok_or(SessionIdError::Malformed("not a positive whole number")),
        Value::String(text) => positive(text),
        _ => Err(SessionIdError::Malformed("not a positive whole number")),
    }
}

fn form(text: &str) -> Result<i64, SessionIdError> {
    let value = text
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.eq_ignore_ascii_case(CHAT_SESSION_ID))
        .map(|(_, value)| value)
        .ok_or(SessionIdError::Missing)?;
    positive(value)
}

fn xml(text: &str) -> Result<i64, SessionIdError> {
    let malformed = || SessionIdError::Malformed("not well-formed XML");
    let mut reader = Reader::from_str(text);
    let mut inside = false;
    loop {
        match reader.read_event().map_err(|_| malformed())? {
            Event::Start(start) => {
                let name = start.local_name();
                inside = name
                    .as_ref()
                    .eq_ignore_ascii_case(CHAT_SESSION_ID.as_bytes());
            }
            Event::Text(value) if inside => {
                let value = value.decode().map_err(|_| malformed())?;
                return positive(&value);
            }
            Event::End(_) => inside = false,
            Event::Eof => return Err(SessionIdError::Missing),
            _ => {}
        }
    }
}

fn positive(text: &str) -> Result<i64, SessionIdError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(SessionIdError::Malformed("not a positive whole number"))
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
    fn a_body_without_a_valid_id_says_why() {
        assert_eq!(from_body(None, b""), Err(SessionIdError::Missing));
        assert_eq!(from_body(None, b"{}"), Err(SessionIdError::Missing));
        assert!(matches!(
            from_body(None, b"[5]"),
            Err(SessionIdError::Malformed(_))
        ));
        assert!(matches!(
            from_body(None, br#"{"ChatSessionId": -1}"#),
            Err(SessionIdError::Malformed(_))
        ));
        assert!(matches!(
            from_body(Some("text/xml"), b"<a><b>"),
            Err(SessionIdError::Missing | SessionIdError::Malformed(_))
        ));
        assert!(matches!(
            from_path("abc"),
            Err(SessionIdError::Malformed(_))
        ));
        assert!(matches!(from_path("0"), Err(SessionIdError::Malformed(_))));
    }

    proptest! {
        #[test]
        fn any_body_is_an_id_or_a_reason_never_a_panic(
            content_type in prop::option::of("[a-z/+;= -]{0,40}"),
            body in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let _ = from_body(content_type.as_deref(), &body);
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
