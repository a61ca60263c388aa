//! The SQL of the outbox ([`crate::chat::events`]): an event recorded beside its change, with
//! the session's `FieldValues` as the change left them, and queued for each webhook that
//! asks for it - both inside the change's transaction.

/// The event `$2` of session `$3` (EventId `$1`), the message it posted `$4` (or NULL), its
/// Changes `$5`, by associate `$6` for request `$7` at `$8`, with the session's fields as
/// they are now. Yields its row.
pub const RECORD: &str = "INSERT INTO chat_event (event_id, event, session_id, message_id, \
       changes, associate_id, context, created, alert_level, chatbot_isactive, consented, \
       contact_id, customer_alias, customer_id, project_id, rating, sale_id, status, ticket_id, \
       topic_id, user_id, transfer_to) \
     SELECT $1, $2, id, $4, $5, $6, $7, $8, alert_level, chatbot_isactive, consented, \
       contact_id, customer_alias, customer_id, project_id, rating, sale_id, status, ticket_id, \
       topic_id, user_id, transfer_to \
     FROM chat_session WHERE id = $3 RETURNING id";

/// The event row `row` (event `$2` of session `$3`) queued, due at `due`, for every webhook
/// whose events name it; `lock` follows the webhooks' rows (PostgreSQL: kept from being
/// removed until the change commits, so a removal waits rather than failing either side).
pub fn fan_out(row: &str, due: &str, lock: &str) -> String {
    format!(
        "INSERT INTO webhook_delivery (webhook_id, event_row, session_id, due) \
         SELECT id, {row}, $3, {due} FROM webhook \
         WHERE ',' || events || ',' LIKE '%,' || $2 || ',%'{lock}"
    )
}
