//! An agent's message as a body sends it: a ChatMessage - the body itself on the REST route
//! (`{"Message": "Hello", "Type": "ToCustomer"}`), the body's `Message` on the RPC route
//! (`{"chatSessionId": 5, "message": {"message": "Hello"}}`). Only `Message`, `Type`,
//! `SpecialType` and `SpecialParam` are read; the rest is the service's to set.

use serde_json::Value;

use super::values::{member, text_member};
use super::{BodyError, Document};
use crate::chat::customer::Words;
use crate::chat::post::{Invalid, MAX_MESSAGE, MAX_PARAM, NewMessage};
use crate::entity::{CHAT_MESSAGE_SPECIAL_TYPE, CHAT_MESSAGE_TYPE, EnumDef};

/// The message of an RPC body (`Message`, an object) or, `whole`, of a REST body.
pub fn new_message(body: &Document, whole: bool) -> Result<NewMessage, BodyError> {
    if whole {
        return read(body);
    }
    match body.get("Message") {
        Some(Value::Object(message)) => read(&Document::of(message.clone())),
        Some(_) => Err(BodyError::new(
            "Message must be a ChatMessage object, as {\"ChatSessionId\": 5, \"Message\": {\"Message\": \"Hello\"}}",
        )),
        None => Err(BodyError::new(
            "name the message to post: {\"ChatSessionId\": 5, \"Message\": {\"Message\": \"Hello\"}}",
        )),
    }
}

fn read(message: &Document) -> Result<NewMessage, BodyError> {
    let words = text_member(message, "Message")?;
    let kind = enumerated(message, "Type", &CHAT_MESSAGE_TYPE)?;
    let special = enumerated(message, "SpecialType", &CHAT_MESSAGE_SPECIAL_TYPE)?;
    let param = text_member(message, "SpecialParam")?;
    NewMessage::new(&words, kind, special, &param)
        .map_err(|invalid| BodyError::new(explain(invalid)))
}

/// What a customer writes: `Message`, checked as an agent's message is.
pub fn words(body: &Document) -> Result<Words, BodyError> {
    let text = text_member(body, "Message")?;
    Words::new(&text).map_err(|invalid| match invalid {
        Invalid::ControlCharacters => {
            BodyError::new("Message may hold line breaks and tabs, no other control characters")
        }
        invalid => BodyError::new(explain(invalid)),
    })
}

fn enumerated(message: &Document, name: &str, def: &EnumDef) -> Result<Option<i64>, BodyError> {
    message
        .get(name)
        .map(|value| {
            member(def, value).ok_or_else(|| {
                BodyError::new(format!(
                    "{name} must be a {} name, such as {}",
                    def.name, def.members[1].0
                ))
            })
        })
        .transpose()
}

fn explain(invalid: Invalid) -> String {
    match invalid {
        Invalid::Empty => "Message is empty: write the text to post".into(),
        Invalid::TooLong => format!("Message is too long: at most {MAX_MESSAGE} characters"),
        Invalid::ControlCharacters => {
            "Message and SpecialParam may hold line breaks and tabs, no other control characters".into()
        }
        Invalid::Type => "Type must be ToCustomer (the default) or Special: an agent writes to the customer".into(),
        Invalid::SpecialType => {
            "SpecialType must be None, Url, Block, FaqSuccessQuestion, BotMessage or Options: the others are events the service records itself".into()
        }
        Invalid::ParamTooLong => format!("SpecialParam is too long: at most {MAX_PARAM} characters"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Document {
        Document::parse(None, json.as_bytes()).unwrap()
    }

    #[test]
    fn the_rest_body_is_the_message_and_the_rpc_body_holds_it() {
        let rest = new_message(&body(r#"{"message": "Hi", "type": "ToCustomer"}"#), true);
        let rpc = new_message(
            &body(r#"{"chatSessionId": 5, "message": {"message": "Hi"}}"#),
            false,
        );
        assert_eq!(rest, rpc);
        assert!(rest.is_ok());
        for (json, whole) in [
            (r#"{"Message": ""}"#, true),
            (r#"{"Message": "Hi", "Type": "ToUser"}"#, true),
            (r#"{"Message": "Hi", "Type": "Sideways"}"#, true),
            (r#"{"ChatSessionId": 5, "Message": "Hi"}"#, false),
            (r#"{"ChatSessionId": 5}"#, false),
            (r#"{"Message": "Hi", "SpecialParam": ["x"]}"#, true),
        ] {
            assert!(new_message(&body(json), whole).is_err(), "{json}");
        }
    }
}
