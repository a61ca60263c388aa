//! The body of a webhook delivery, as SuperOffice documents its chat events: `EventId`,
//! `Timestamp`, `Changes`, `Event`, `PrimaryKey` (the session), `Entity` (`chatsession`),
//! `ContextIdentifier` (the request that made the change), `ChangedByAssociateId`,
//! `WebhookName` and `FieldValues` - the session's fields as the change left them and, for
//! `chatsession.message`, the message's. SuperOffice's own sample is not valid JSON and mixes
//! types; here every id is a number (0 for none), every flag a boolean.

use serde_json::{Map, Value, json};

use crate::chat::outbox::{FieldValues, Outgoing, PostedMessage};

/// The JSON body of `outgoing`.
pub fn body(outgoing: &Outgoing) -> Vec<u8> {
    let changes: Vec<&str> = outgoing
        .changes
        .split(',')
        .filter(|change| !change.is_empty())
        .collect();
    let mut fields = field_values(&outgoing.fields);
    if let Some(message) = &outgoing.message {
        fields.extend(message_values(message));
    }
    let payload = json!({
        "EventId": outgoing.event_id,
        "Timestamp": format!("{}Z", outgoing.at.to_dotnet()),
        "Changes": changes,
        "Event": outgoing.event,
        "PrimaryKey": outgoing.session_id,
        "Entity": "chatsession",
        "ContextIdentifier": outgoing.context,
        "ChangedByAssociateId": outgoing.by,
        "WebhookName": outgoing.hook.name,
        "FieldValues": fields,
    });
    serde_json::to_vec(&payload).expect("a JSON value serializes")
}

fn field_values(fields: &FieldValues) -> Map<String, Value> {
    let values = json!({
        "AlertLevel": fields.alert_level,
        "ChatbotIsactive": fields.chatbot_isactive,
        "Consented": fields.consented,
        "ContactId": fields.contact_id,
        "CustomerAlias": fields.customer_alias,
        "CustomerId": fields.customer_id,
        "ProjectId": fields.project_id,
        "Rating": fields.rating,
        "SaleId": fields.sale_id,
        "Status": fields.status,
        "TicketId": fields.ticket_id,
        "TopicId": fields.topic_id,
        "UserId": fields.user_id,
        "TransferTo": fields.transfer_to,
    });
    match values {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object is an object"),
    }
}

fn message_values(message: &PostedMessage) -> Map<String, Value> {
    let values = json!({
        "ChatMessageId": message.id,
        "Message": message.text,
        "Type": message.kind,
        "SpecialType": message.special_type,
        "SpecialParam": message.special_param,
        "Author": message.author,
    });
    match values {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object is an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::outbox::Hook;
    use crate::time::Timestamp;

    fn outgoing(message: Option<PostedMessage>) -> Outgoing {
        Outgoing {
            hook: Hook {
                id: 1,
                name: "crm".into(),
                url: "https://crm.example.com/hook".into(),
                secret: "s3cret-s3cret-s3cret".into(),
            },
            claim: String::new(),
            row: 9,
            attempts: 1,
            event_id: "e87ac619-c864-4881-89eb-07ca5521ee2c".into(),
            event: "chatsession.message".into(),
            session_id: 178_105,
            changes: "ChatMessageId,Message".into(),
            by: 316,
            context: "local-0011223344556677".into(),
            at: Timestamp::parse_stored("2018-04-24 08:18:42.089000").unwrap(),
            fields: FieldValues {
                status: 6,
                topic_id: 2,
                user_id: 316,
                consented: true,
                ..FieldValues::default()
            },
            message,
        }
    }

    #[test]
    fn the_payload_has_superoffices_members_with_consistent_types() {
        let body: Value = serde_json::from_slice(&body(&outgoing(None))).unwrap();
        assert_eq!(body["EventId"], "e87ac619-c864-4881-89eb-07ca5521ee2c");
        assert_eq!(body["Timestamp"], "2018-04-24T08:18:42.089Z");
        assert_eq!(body["Changes"], json!(["ChatMessageId", "Message"]));
        assert_eq!(body["PrimaryKey"], 178_105);
        assert_eq!(body["Entity"], "chatsession");
        assert_eq!(body["ChangedByAssociateId"], 316);
        assert_eq!(body["WebhookName"], "crm");
        assert_eq!(body["FieldValues"]["Status"], 6);
        assert_eq!(body["FieldValues"]["Consented"], true);
        assert_eq!(body["FieldValues"]["ContactId"], 0);
        assert_eq!(body["FieldValues"].get("Message"), None);
    }

    #[test]
    fn a_message_event_carries_the_messages_fields() {
        let posted = PostedMessage {
            id: 41,
            text: "Hello".into(),
            kind: 1,
            author: "Tje".into(),
            ..PostedMessage::default()
        };
        let body: Value = serde_json::from_slice(&body(&outgoing(Some(posted)))).unwrap();
        assert_eq!(body["FieldValues"]["ChatMessageId"], 41);
        assert_eq!(body["FieldValues"]["Message"], "Hello");
        assert_eq!(body["FieldValues"]["Type"], 1);
        assert_eq!(body["FieldValues"]["Author"], "Tje");
        assert_eq!(body["FieldValues"]["UserId"], 316);
    }
}
