//! The carriers of a ChatSessionEntity, with SuperOffice's field lists (the official
//! TypeScript client's Carriers.ts) in wire order, each mapped onto `schema.sql`.

use super::enums::{
    ACTIVITY_STATUS, ADDRESS_TYPE, CHAT_SESSION_FLAGS, CHAT_SESSION_STATUS, SALE_STATUS,
    TICKET_BASE_STATUS, TICKET_ORIGIN, TICKET_READ_STATUS, TICKET_SECURITY_LEVEL, USER_TYPE,
};
use super::model::{Field, Kind, Shape};
use Kind::{Bool, Date, Dictionary, Double, Enum, Flags, Int, Layout, Nested, Text};

const fn f(name: &'static str, kind: Kind, column: &'static str) -> Field {
    Field { name, kind, column }
}

/// "First Middle Last" of the person behind `$alias`, skipping empty parts.
macro_rules! full_name {
    ($alias:literal) => {
        concat!(
            "concat_ws(' ', nullif(",
            $alias,
            ".firstname, ''), nullif(",
            $alias,
            ".middlename, ''), nullif(",
            $alias,
            ".lastname, ''))"
        )
    };
}

/// One line of a contact's street or postal address, skipping empty parts.
macro_rules! formatted_address {
    ($prefix:literal) => {
        concat!(
            "concat_ws(', ', nullif(c.",
            $prefix,
            "_address1, ''), nullif(c.",
            $prefix,
            "_address2, ''), nullif(c.",
            $prefix,
            "_address3, ''), nullif(trim(c.",
            $prefix,
            "_zipcode || ' ' || c.",
            $prefix,
            "_city), ''))"
        )
    };
}

pub static CHAT_SESSION_ENTITY: Shape = Shape {
    name: "ChatSessionEntity",
    carrier: true,
    from: "chat_session s",
    key: "s.id",
    fields: &[
        f("ChatSessionId", Int, "s.id"),
        f("TopicId", Int, "s.topic_id"),
        f("User", Nested(&ASSOCIATE), "s.user_id"),
        f("Person", Nested(&PERSON), "s.customer_id"),
        f("CustomerAlias", Text, "s.customer_alias"),
        f("CustomerHost", Text, "s.customer_host"),
        f("CustomerName", Text, "s.name"),
        f("CustomerEmail", Text, "s.email"),
        f("CustomerPhone", Text, "s.phone"),
        f("CustomerConsented", Bool, "s.consented"),
        f("CustomerCompanyName", Text, "s.company_name"),
        f("Status", Enum(&CHAT_SESSION_STATUS), "s.status"),
        f("FirstMessage", Text, "s.first_message"),
        f("LastMessage", Text, "s.last_message"),
        f("WhenRequested", Date, "s.when_requested"),
        f("WhenStarted", Date, "s.when_started"),
        f("WhenEnded", Date, "s.when_ended"),
        f("WhenIdle", Date, "s.idle"),
        f("WhenFetched", Date, "s.customer_fetch"),
        // Stored hashed: shown only in the answer that creates the session.
        f("SessionKey", Text, "''"),
        f("InitialQueuePos", Int, "s.initial_queue_pos"),
        f("AlertLevel", Int, "s.alert_level"),
        f("Rank", Int, "s.rank"),
        f("Flags", Flags(&CHAT_SESSION_FLAGS), "s.flags"),
        f("Contact", Nested(&CONTACT), "s.contact_id"),
        f("Project", Nested(&PROJECT), "s.project_id"),
        f("Sale", Nested(&SALE), "s.sale_id"),
        f("Ticket", Nested(&TICKET), "s.ticket_id"),
        f("TransferTo", Nested(&ASSOCIATE), "s.transfer_to"),
        f("ChatbotIsActive", Bool, "s.chatbot_isactive"),
        f("Rating", Int, "s.rating"),
    ],
};

pub static ASSOCIATE: Shape = Shape {
    name: "Associate",
    carrier: true,
    from: "associate a",
    key: "a.associate_id",
    fields: &[
        f("AssociateId", Int, "a.associate_id"),
        f("Name", Text, "a.name"),
        f("PersonId", Int, "a.person_id"),
        f("Rank", Int, "a.rank"),
        f("Tooltip", Text, "a.tooltip"),
        f("Type", Enum(&USER_TYPE), "a.type"),
        f("GroupIdx", Int, "a.group_idx"),
        f("FullName", Text, "a.full_name"),
        f("FormalName", Text, "a.formal_name"),
        f("Deleted", Bool, "a.deleted"),
        f("EjUserId", Int, "a.ejuser_id"),
        f("UserName", Text, "a.name"),
        f("ExtraFields", Dictionary, "NULL"),
        f("CustomFields", Dictionary, "NULL"),
    ],
};

pub static PERSON: Shape = Shape {
    name: "Person",
    carrier: true,
    from: "person p LEFT JOIN contact c ON c.contact_id = p.contact_id \
           LEFT JOIN associate pa ON pa.associate_id = p.associate_id",
    key: "p.person_id",
    fields: &[
        f("Position", Text, "p.position"),
        f("PersonId", Int, "p.person_id"),
        f("Mrmrs", Text, "p.mrmrs"),
        f("Firstname", Text, "p.firstname"),
        f("Lastname", Text, "p.lastname"),
        f("MiddleName", Text, "p.middlename"),
        f("Title", Text, "p.title"),
        f("Description", Text, "p.description"),
        f("Email", Text, "p.email"),
        f("FullName", Text, full_name!("p")),
        f("DirectPhone", Text, "p.direct_phone"),
        f(
            "FormalName",
            Text,
            concat!(
                "concat_ws(' ', nullif(p.mrmrs, ''), nullif(",
                full_name!("p"),
                ", ''))"
            ),
        ),
        f("CountryId", Int, "p.country_id"),
        f("ContactId", Int, "p.contact_id"),
        f("ContactName", Text, "c.name"),
        f("Retired", Int, "p.retired"),
        f("Rank", Int, "p.rank"),
        f("ActiveInterests", Int, "0"),
        f("ContactDepartment", Text, "c.department"),
        f("ContactCountryId", Int, "c.country_id"),
        f("ContactOrgNr", Text, "c.orgnr"),
        f("FaxPhone", Text, "p.fax_phone"),
        f("MobilePhone", Text, "p.mobile_phone"),
        f("ContactPhone", Text, "c.phone"),
        f("AssociateName", Text, "pa.name"),
        f("AssociateId", Int, "p.associate_id"),
        f("UsePersonAddress", Bool, "p.use_person_address"),
        f("ContactFax", Text, "c.fax"),
        f("Kanafname", Text, "p.kanafname"),
        f("Kanalname", Text, "p.kanalname"),
        // Postal address lines of the person's own address, not stored here.
        f("Post1", Text, "''"),
        f("Post2", Text, "''"),
        f("Post3", Text, "''"),
        f("EmailName", Text, "p.email_name"),
        f(
            "ContactFullName",
            Text,
            "concat_ws(' ', nullif(c.name, ''), nullif(c.department, ''))",
        ),
        f("ActiveErpLinks", Int, "0"),
        f("TicketPriorityId", Int, "p.ticket_priority_id"),
        f("SupportLanguageId", Int, "p.support_language_id"),
        f("SupportAssociateId", Int, "p.support_associate_id"),
        f("CategoryName", Text, "c.category_name"),
        f("PersonNumber", Text, "p.person_number"),
    ],
};

pub static CONTACT: Shape = Shape {
    name: "Contact",
    carrier: true,
    from: "contact c LEFT JOIN associate ca ON ca.associate_id = c.associate_id",
    key: "c.contact_id",
    fields: &[
        f("ContactId", Int, "c.contact_id"),
        f("Name", Text, "c.name"),
        f("OrgNr", Text, "c.orgnr"),
        f("Department", Text, "c.department"),
        f("URL", Text, "c.url"),
        f(
            "City",
            Text,
            "coalesce(nullif(c.postal_city, ''), c.street_city)",
        ),
        f("DirectPhone", Text, "c.phone"),
        f("AssociateId", Int, "c.associate_id"),
        f("CountryId", Int, "c.country_id"),
        f("EmailAddress", Text, "c.email"),
        f("Kananame", Text, "c.kananame"),
        f("EmailAddressName", Text, "c.email_name"),
        f("URLName", Text, "c.url_name"),
        f("AssociateFullName", Text, "ca.full_name"),
        f("BusinessName", Text, "c.business_name"),
        f("CategoryName", Text, "c.category_name"),
        f("CountryName", Text, "c.country_name"),
        f("Address", Nested(&ADDRESS), "c.contact_id"),
        f("FormattedAddress", Text, formatted_address!("postal")),
        f(
            "FullName",
            Text,
            "concat_ws(' ', nullif(c.name, ''), nullif(c.department, ''))",
        ),
        f("IsOwnerContact", Bool, "c.is_owner"),
        f("ActiveErpLinks", Int, "0"),
        f("Number1", Text, "c.number1"),
        f("Number2", Text, "''"),
    ],
};

pub static ADDRESS: Shape = Shape {
    name: "Address",
    carrier: true,
    from: "contact c",
    key: "c.contact_id",
    fields: &[
        // Coordinates are not stored: 0, as SuperOffice reports an address without them.
        f("Wgs84Latitude", Double, "0.0"),
        f("Wgs84Longitude", Double, "0.0"),
        f("LocalizedAddress", Layout, "NULL"),
        f("Street", Nested(&STREET_ADDRESS), "c.contact_id"),
        f("Postal", Nested(&POSTAL_ADDRESS), "c.contact_id"),
        f("Formatted", Text, formatted_address!("postal")),
    ],
};

macro_rules! structured_address {
    ($name:ident, $type:literal, $prefix:literal) => {
        pub static $name: Shape = Shape {
            name: "StructuredAddress",
            carrier: false,
            from: "contact c",
            key: "c.contact_id",
            fields: &[
                f("AtypeIdx", Enum(&ADDRESS_TYPE), $type),
                f("Address1", Text, concat!("c.", $prefix, "_address1")),
                f("Address2", Text, concat!("c.", $prefix, "_address2")),
                f("Address3", Text, concat!("c.", $prefix, "_address3")),
                f("City", Text, concat!("c.", $prefix, "_city")),
                f("County", Text, concat!("c.", $prefix, "_county")),
                f("State", Text, concat!("c.", $prefix, "_state")),
                f("Zipcode", Text, concat!("c.", $prefix, "_zipcode")),
                f("Formatted", Text, formatted_address!($prefix)),
            ],
        };
    };
}

structured_address!(STREET_ADDRESS, "2", "street");
structured_address!(POSTAL_ADDRESS, "1", "postal");

pub static PROJECT: Shape = Shape {
    name: "Project",
    carrier: true,
    from: "project j LEFT JOIN associate ja ON ja.associate_id = j.associate_id",
    key: "j.project_id",
    fields: &[
        f("ProjectId", Int, "j.project_id"),
        f("Name", Text, "j.name"),
        f("Description", Text, "j.description"),
        f("URL", Text, "j.url"),
        f("Type", Text, "j.type_name"),
        f("AssociateId", Int, "j.associate_id"),
        f("AssociateFullName", Text, "ja.full_name"),
        f("TypeId", Int, "j.type_idx"),
        f("Updated", Date, "j.updated"),
        f("StatusId", Int, "j.status_idx"),
        f("Status", Text, "j.status_name"),
        f("TextId", Int, "j.text_id"),
        f("PublishTo", Date, "j.publish_to"),
        f("PublishFrom", Date, "j.publish_from"),
        f("IsPublished", Bool, "j.is_published"),
        f("URLName", Text, "j.url_name"),
        f("ProjectNumber", Text, "j.project_number"),
        f("ActiveErpLinks", Int, "0"),
        f("EventId", Int, "j.event_id"),
        f("StartDate", Date, "j.start_date"),
    ],
};

pub static SALE: Shape = Shape {
    name: "Sale",
    carrier: true,
    from: "sale sa LEFT JOIN contact sc ON sc.contact_id = sa.contact_id \
           LEFT JOIN project sj ON sj.project_id = sa.project_id \
           LEFT JOIN associate saa ON saa.associate_id = sa.associate_id \
           LEFT JOIN person sp ON sp.person_id = sa.person_id",
    key: "sa.sale_id",
    fields: &[
        f("ContactName", Text, "sc.name"),
        f("SaleDate", Date, "sa.saledate"),
        f("SaleId", Int, "sa.sale_id"),
        f("Probability", Int, "sa.probability"),
        f("Title", Text, "sa.heading"),
        f("Amount", Double, "sa.amount"),
        f("Currency", Text, "sa.currency"),
        f("ProjectName", Text, "sj.name"),
        f("AssociateFullName", Text, "saa.full_name"),
        f("Description", Text, "sa.description"),
        f("Status", Enum(&SALE_STATUS), "sa.status"),
        f(
            "WeightedAmount",
            Double,
            "sa.amount * sa.probability / 100.0",
        ),
        f("ProjectId", Int, "sa.project_id"),
        f(
            "EarningPercent",
            Double,
            "CASE WHEN sa.amount = 0 THEN 0.0 ELSE sa.earning * 100.0 / sa.amount END",
        ),
        f("Earning", Double, "sa.earning"),
        f("ContactId", Int, "sa.contact_id"),
        f("AssociateId", Int, "sa.associate_id"),
        f("PersonId", Int, "sa.person_id"),
        f("SaleTypeId", Int, "sa.sale_type_id"),
        f("SaleTypeName", Text, "sa.sale_type_name"),
        f("PersonFullName", Text, full_name!("sp")),
        f("Completed", Enum(&ACTIVITY_STATUS), "sa.completed"),
        f("ActiveErpLinks", Int, "0"),
        f("NextDueDate", Date, "sa.next_due_date"),
        f("Number", Text, "sa.number1"),
    ],
};

pub static TICKET: Shape = Shape {
    name: "Ticket",
    carrier: true,
    from: "ticket t LEFT JOIN associate tc ON tc.associate_id = t.created_by \
           LEFT JOIN associate tw ON tw.associate_id = t.owned_by \
           LEFT JOIN person tp ON tp.person_id = t.cust_id \
           LEFT JOIN contact tco ON tco.contact_id = tp.contact_id \
           LEFT JOIN sale ts ON ts.sale_id = t.sale_id \
           LEFT JOIN project tj ON tj.project_id = t.project_id",
    key: "t.id",
    fields: &[
        f("TicketId", Int, "t.id"),
        f("Title", Text, "t.title"),
        f("CreatedAt", Date, "t.created_at"),
        f("LastChanged", Date, "t.last_changed"),
        f("ReadByOwner", Date, "t.read_by_owner"),
        f("ReadByCustomer", Date, "t.read_by_customer"),
        f("FirstReadByUser", Date, "t.first_read_by_user"),
        f("Activate", Date, "t.activate"),
        f("ClosedAt", Date, "t.closed_at"),
        f("RepliedAt", Date, "t.replied_at"),
        f("AlertTimeout", Date, "t.alert_timeout"),
        f("Deadline", Date, "t.deadline"),
        f("CreatedBy", Int, "t.created_by"),
        f("CreatedByName", Text, "tc.name"),
        f("Author", Text, "t.author"),
        f("OwnedBy", Int, "t.owned_by"),
        f("OwnedByName", Text, "tw.name"),
        f("Category", Int, "t.category"),
        f("CategoryName", Text, "t.category_name"),
        f("CategoryFullname", Text, "t.category_name"),
        f("Slevel", Enum(&TICKET_SECURITY_LEVEL), "t.slevel"),
        f("Priority", Int, "t.priority"),
        f("PriorityName", Text, "t.priority_name"),
        f("BaseStatus", Enum(&TICKET_BASE_STATUS), "t.base_status"),
        f("TicketStatus", Int, "t.ticket_status"),
        f("TicketStatusDisplayValue", Text, "t.ticket_status_name"),
        f("Origin", Enum(&TICKET_ORIGIN), "t.origin"),
        f("CustId", Int, "t.cust_id"),
        f("PersonFirstname", Text, "tp.firstname"),
        f("PersonMiddleName", Text, "tp.middlename"),
        f("PersonLastname", Text, "tp.lastname"),
        f("PersonFullname", Text, full_name!("tp")),
        f("AlertLevel", Int, "t.alert_level"),
        f("ConnectId", Int, "t.connect_id"),
        f("ReadStatus", Enum(&TICKET_READ_STATUS), "t.read_status"),
        f("TimeToReply", Int, "t.time_to_reply"),
        f("RealTimeToReply", Int, "t.real_time_to_reply"),
        f("TimeToClose", Int, "t.time_to_close"),
        f("RealTimeToClose", Int, "t.real_time_to_close"),
        f("TimeSpentInternally", Int, "t.time_spent_internally"),
        f("TimeSpentExternally", Int, "t.time_spent_externally"),
        f("TimeSpentQueue", Int, "t.time_spent_queue"),
        f(
            "RealTimeSpentInternally",
            Int,
            "t.real_time_spent_internally",
        ),
        f(
            "RealTimeSpentExternally",
            Int,
            "t.real_time_spent_externally",
        ),
        f("RealTimeSpentQueue", Int, "t.real_time_spent_queue"),
        f(
            "TimeSpent",
            Int,
            "t.time_spent_internally + t.time_spent_externally + t.time_spent_queue",
        ),
        f("HasAttachment", Bool, "t.has_attachment"),
        f("NumReplies", Int, "t.num_replies"),
        f("NumMessages", Int, "t.num_messages"),
        f("FromAddress", Text, "t.from_address"),
        f("ContactId", Int, "tp.contact_id"),
        f("ContactName", Text, "tco.name"),
        f("OwnedByAssociateId", Int, "t.owned_by"),
        f("Language", Text, "t.language"),
        f("Sentiment", Int, "t.sentiment"),
        f("SentimentConfidence", Int, "t.sentiment_confidence"),
        f("SaleId", Int, "t.sale_id"),
        f("ProjectId", Int, "t.project_id"),
        f("SaleHeading", Text, "ts.heading"),
        f("ProjectName", Text, "tj.name"),
        f("FormSubmissionId", Int, "t.form_submission_id"),
        f("TicketTypeId", Int, "t.ticket_type_id"),
        f("TicketTypeName", Text, "t.ticket_type_name"),
    ],
};

/// Every shape, for checks that must cover them all.
pub static ALL: [&Shape; 12] = [
    &CHAT_SESSION_ENTITY,
    &super::chat_message::CHAT_MESSAGE,
    &super::customer::CUSTOMER_SESSION,
    &ASSOCIATE,
    &PERSON,
    &CONTACT,
    &ADDRESS,
    &STREET_ADDRESS,
    &POSTAL_ADDRESS,
    &PROJECT,
    &SALE,
    &TICKET,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_session_entity_has_the_specs_31_own_properties_in_order() {
        let names: Vec<_> = CHAT_SESSION_ENTITY
            .fields
            .iter()
            .map(|field| field.name)
            .collect();
        assert_eq!(
            names.join(","),
            "ChatSessionId,TopicId,User,Person,CustomerAlias,CustomerHost,CustomerName,CustomerEmail,\
             CustomerPhone,CustomerConsented,CustomerCompanyName,Status,FirstMessage,LastMessage,\
             WhenRequested,WhenStarted,WhenEnded,WhenIdle,WhenFetched,SessionKey,InitialQueuePos,\
             AlertLevel,Rank,Flags,Contact,Project,Sale,Ticket,TransferTo,ChatbotIsActive,Rating"
        );
    }

    #[test]
    fn no_shape_repeats_a_property_name() {
        for shape in ALL {
            let mut names: Vec<_> = shape
                .fields
                .iter()
                .map(|field| field.name.to_ascii_lowercase())
                .collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), shape.fields.len(), "{}", shape.name);
        }
    }
}
