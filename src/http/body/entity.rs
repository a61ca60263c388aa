//! A ChatSessionEntity as a save sends it (`POST /api/v1/ChatSession`,
//! `SaveChatSessionEntity`): with ChatSessionId 0 (or none) a new session in its TopicId's
//! queue, for the customer it names, with their FirstMessage; with an existing id, the
//! changes a `PUT` makes ([`super::patch::from_entity`]).

use super::patch::from_entity;
use super::values::{boolean_member, text_member, whole};
use super::{BodyError, Document};
use crate::chat::create::{Customer, Draft, Invalid};
use crate::chat::edit::{Edits, MAX_TEXT};
use crate::chat::post::MAX_MESSAGE;

/// What a saved entity asks for.
#[derive(Debug, PartialEq)]
pub enum Saved {
    /// A new session in this topic.
    New { topic_id: i64, draft: Draft },
    /// Changes to an existing session.
    Existing { session_id: i64, edits: Edits },
}

/// What `entity` asks to save.
pub fn saved(entity: &Document) -> Result<Saved, BodyError> {
    let id = match entity.get("ChatSessionId") {
        None => 0,
        Some(value) => whole(value).filter(|id| *id >= 0).ok_or_else(|| {
            BodyError::new("ChatSessionId must be 0 for a new session, or an existing session's id")
        })?,
    };
    if id > 0 {
        let edits = from_entity(entity)?;
        return Ok(Saved::Existing {
            session_id: id,
            edits,
        });
    }
    let topic_id = entity
        .get("TopicId")
        .and_then(whole)
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            BodyError::new("a new session names its topic: TopicId, a positive whole number")
        })?;
    Ok(Saved::New {
        topic_id,
        draft: draft(entity)?,
    })
}

/// The customer and first message a new session's entity names.
pub fn draft(entity: &Document) -> Result<Draft, BodyError> {
    draft_of(entity, "FirstMessage")
}

/// What a customer starting a chat sends: their details and their first words, `Message`.
pub fn start(body: &Document) -> Result<Draft, BodyError> {
    draft_of(body, "Message")
}

/// A new session's customer, and their first message as member `first` names it.
fn draft_of(entity: &Document, first: &str) -> Result<Draft, BodyError> {
    let field = |name| text_member(entity, name);
    let customer = Customer {
        name: field("CustomerName")?,
        email: field("CustomerEmail")?,
        phone: field("CustomerPhone")?,
        company: field("CustomerCompanyName")?,
        consented: boolean_member(entity, "CustomerConsented")?,
    };
    Draft::new(customer, &field(first)?).map_err(|invalid| {
        BodyError::new(match invalid {
            Invalid::Text(name) => {
                format!("{name} must be at most {MAX_TEXT} characters, without control characters")
            }
            Invalid::MessageControlCharacters => {
                format!("{first} may hold line breaks and tabs, no other control characters")
            }
            Invalid::MessageTooLong => {
                format!("{first} is too long: at most {MAX_MESSAGE} characters")
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(json: &str) -> Document {
        Document::parse(None, json.as_bytes()).unwrap()
    }

    #[test]
    fn id_zero_creates_in_its_topic_and_an_id_changes_that_session() {
        let Saved::New { topic_id, draft } = saved(&entity(
            r#"{"chatSessionId": 0, "topicId": 2, "customerName": "Ann", "customerConsented": true, "firstMessage": "Hi"}"#,
        ))
        .unwrap() else {
            panic!("a new session");
        };
        assert_eq!(topic_id, 2);
        assert_eq!(
            (draft.customer.name.as_str(), draft.customer.consented),
            ("Ann", true)
        );
        assert_eq!(draft.first_message, "Hi");
        assert!(matches!(
            saved(&entity(r#"{"ChatSessionId": 4, "Rating": 2}"#)),
            Ok(Saved::Existing { session_id: 4, .. })
        ));
        assert!(saved(&entity(r#"{"ChatSessionId": 0}"#)).is_err());
        assert!(saved(&entity(r#"{"ChatSessionId": -1}"#)).is_err());
        assert!(saved(&entity(r#"{"TopicId": 1, "CustomerName": true}"#)).is_err());
        assert!(saved(&entity(r#"{"TopicId": 1, "CustomerConsented": "yes"}"#)).is_err());
    }
}
