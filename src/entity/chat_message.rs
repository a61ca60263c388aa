//! The ChatMessage carrier and its two enums, as SuperOffice's official client declares
//! them (a plain structure: no `TableRight`, no `FieldProperties`), mapped onto
//! `chat_message`. The values the service itself writes are named in [`message`].

use super::enums::EnumDef;
use super::model::{Field, Kind, Shape};

pub static CHAT_MESSAGE_TYPE: EnumDef = EnumDef {
    name: "ChatMessageType",
    members: &[
        ("Invalid", 0),
        ("ToCustomer", 1),
        ("ToUser", 2),
        ("Special", 3),
    ],
};

/// SuperOffice's spelling kept ("TransferedSession").
pub static CHAT_MESSAGE_SPECIAL_TYPE: EnumDef = EnumDef {
    name: "ChatMessageSpecialType",
    members: &[
        ("None", 0),
        ("Welcome", 1),
        ("Url", 2),
        ("Block", 3),
        ("NewSession", 5),
        ("TransferedSession", 6),
        ("Error", 7),
        ("SessionDeleted", 8),
        ("FaqSuccessQuestion", 9),
        ("ClosedByUser", 10),
        ("ClosedByCustomer", 11),
        ("ClosedByIdle", 12),
        ("TransferRejected", 13),
        ("ReopenedByCustomer", 14),
        ("ClickedOption", 15),
        ("BotMessage", 16),
        ("Options", 17),
        ("IllegalFileType", 18),
    ],
};

const fn f(name: &'static str, kind: Kind, column: &'static str) -> Field {
    Field { name, kind, column }
}

pub static CHAT_MESSAGE: Shape = Shape {
    name: "ChatMessage",
    carrier: false,
    from: "chat_message m",
    key: "m.id",
    fields: &[
        f("ChatMessageId", Kind::Int, "m.id"),
        f("ChatSessionId", Kind::Int, "m.session_id"),
        f("Type", Kind::Enum(&CHAT_MESSAGE_TYPE), "m.type"),
        f("Message", Kind::Text, "m.message"),
        f("Author", Kind::Text, "m.author"),
        // A bit in the database; a number on the wire.
        f(
            "ReadByCustomer",
            Kind::Int,
            "CASE WHEN m.read_by_customer THEN 1 ELSE 0 END",
        ),
        f(
            "SpecialType",
            Kind::Enum(&CHAT_MESSAGE_SPECIAL_TYPE),
            "m.special_type",
        ),
        f("SpecialParam", Kind::Text, "m.special_param"),
        f("WhenPosted", Kind::Date, "m.when_posted"),
    ],
};

/// SuperOffice's ChatMessageType and ChatMessageSpecialType values the service writes.
pub mod message {
    pub const TO_CUSTOMER: i64 = 1;
    pub const TO_USER: i64 = 2;
    pub const SPECIAL: i64 = 3;
    pub const SPECIAL_NONE: i64 = 0;
    pub const SPECIAL_WELCOME: i64 = 1;
    pub const SPECIAL_CLOSED_BY_USER: i64 = 10;
    pub const SPECIAL_CLOSED_BY_CUSTOMER: i64 = 11;
    pub const SPECIAL_CLOSED_BY_IDLE: i64 = 12;
    /// `created_by` of a message the customer wrote.
    pub const BY_CUSTOMER: i64 = -1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_has_the_clients_nine_properties_in_order() {
        let names: Vec<_> = CHAT_MESSAGE.property_names().collect();
        assert_eq!(
            names,
            [
                "ChatMessageId",
                "ChatSessionId",
                "Type",
                "Message",
                "Author",
                "ReadByCustomer",
                "SpecialType",
                "SpecialParam",
                "WhenPosted"
            ]
        );
        assert_eq!(CHAT_MESSAGE_SPECIAL_TYPE.name_of(10), "ClosedByUser");
        assert_eq!(
            CHAT_MESSAGE_TYPE.name_of(message::TO_CUSTOMER),
            "ToCustomer"
        );
    }
}
