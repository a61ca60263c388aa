//! The SQL of the webhooks: registering them (`admin webhook ...`) and delivering the outbox
//! to them ([`crate::chat::outbox`]) - taking due deliveries under a lease, reading what they
//! send, settling them - and sweeping delivered events.

use super::Columns;
use crate::chat::outbox::{FieldValues, Hook, Outgoing, PostedMessage};

/// A new webhook: name `$1`, URL `$2`, events `$3`, secret `$4`, at `$5`.
pub const ADD: &str = "INSERT INTO webhook (name, url, events, secret, failing, created) \
     VALUES ($1, $2, $3, $4, FALSE, $5)";

/// Every webhook by name: its URL, events, whether it is failing, the deliveries it waits
/// for and the oldest of their events' times (NULL: none).
pub const LIST: &str = "SELECT w.name, w.url, w.events, w.failing, \
       (SELECT count(*) FROM webhook_delivery d WHERE d.webhook_id = w.id), \
       (SELECT min(e.created) FROM webhook_delivery d JOIN chat_event e ON e.id = d.event_row \
          WHERE d.webhook_id = w.id) \
     FROM webhook w ORDER BY w.name";

/// Webhook `$1`, its deliveries with it (`ON DELETE CASCADE`).
pub const REMOVE: &str = "DELETE FROM webhook WHERE name = $1";
/// Webhook `$1` no longer failing ...
pub const RESUME: &str = "UPDATE webhook SET failing = FALSE WHERE name = $1";
/// ... and its deliveries due at `$2`, with their attempts anew.
pub const RESUME_DELIVERIES: &str = "UPDATE webhook_delivery SET due = $2, attempts = 0 \
     WHERE webhook_id = (SELECT id FROM webhook WHERE name = $1)";
/// Webhook `$1` as deliveries use it.
pub const HOOK: &str = "SELECT id, name, url, secret FROM webhook WHERE name = $1";

/// The deliveries due at `$1`, at most `$3`, taken until `$2` under claim `$4` (new for
/// every take, so that two takes never read back each other's rows): a session's
/// delivery is due only when none before it waits for the same webhook. (`lock` follows the
/// choice: PostgreSQL's row locks, so that senders side by side take different rows.)
pub fn take(lock: &str) -> String {
    format!(
        "UPDATE webhook_delivery SET due = $2, attempts = attempts + 1, claim = $4 \
         WHERE (webhook_id, event_row) IN ( \
           SELECT d.webhook_id, d.event_row FROM webhook_delivery d \
             JOIN webhook w ON w.id = d.webhook_id \
           WHERE NOT w.failing AND d.due <= $1 \
             AND NOT EXISTS (SELECT 1 FROM webhook_delivery p \
               WHERE p.webhook_id = d.webhook_id AND p.session_id = d.session_id \
                 AND p.event_row < d.event_row) \
           ORDER BY d.event_row LIMIT $3{lock})"
    )
}

/// What the deliveries taken under claim `$1` send, in the order the events were recorded.
pub const TAKEN: &str = "SELECT w.id, w.name, w.url, w.secret, d.event_row, d.attempts, \
       e.event_id, e.event, e.session_id, e.changes, e.associate_id, e.context, e.created, \
       e.alert_level, e.chatbot_isactive, e.consented, e.contact_id, e.customer_alias, \
       e.customer_id, e.project_id, e.rating, e.sale_id, e.status, e.ticket_id, e.topic_id, \
       e.user_id, e.transfer_to, \
       m.id, m.message, m.type, m.special_type, m.special_param, m.author, d.claim \
     FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id \
       JOIN chat_event e ON e.id = d.event_row \
       LEFT JOIN chat_message m ON m.id = e.message_id \
     WHERE d.claim = $1 ORDER BY d.event_row";

/// What [`TAKEN`] read.
pub fn outgoing<R: Columns>(row: &R) -> Result<Outgoing, R::Error> {
    let id = |at| Ok::<_, R::Error>(row.maybe_int(at)?.unwrap_or(0));
    let message = match row.maybe_int(27)? {
        Some(id) => Some(PostedMessage {
            id,
            text: row.maybe_text(28)?.unwrap_or_default(),
            kind: row.maybe_int(29)?.unwrap_or(0),
            special_type: row.maybe_int(30)?.unwrap_or(0),
            special_param: row.maybe_text(31)?.unwrap_or_default(),
            author: row.maybe_text(32)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Outgoing {
        hook: Hook {
            id: row.int(0)?,
            name: row.text(1)?,
            url: row.text(2)?,
            secret: row.text(3)?,
        },
        claim: row.text(33)?,
        row: row.int(4)?,
        attempts: row.int(5)?,
        event_id: row.text(6)?,
        event: row.text(7)?,
        session_id: row.int(8)?,
        changes: row.text(9)?,
        by: row.int(10)?,
        context: row.text(11)?,
        at: row.instant(12)?,
        fields: FieldValues {
            alert_level: row.int(13)?,
            chatbot_isactive: row.flag(14)?,
            consented: row.flag(15)?,
            contact_id: id(16)?,
            customer_alias: row.text(17)?,
            customer_id: id(18)?,
            project_id: id(19)?,
            rating: row.int(20)?,
            sale_id: id(21)?,
            status: row.int(22)?,
            ticket_id: id(23)?,
            topic_id: row.int(24)?,
            user_id: id(25)?,
            transfer_to: id(26)?,
        },
        message,
    })
}

/// Whether any delivery waits for a webhook that is not failing (due or not).
pub const WAITING: &str = "SELECT EXISTS (SELECT 1 FROM webhook_delivery d \
       JOIN webhook w ON w.id = d.webhook_id WHERE NOT w.failing)";

/// When the oldest event a webhook that is not failing waits for happened (NULL: none).
pub const OLDEST: &str = "SELECT min(e.created) FROM webhook_delivery d \
       JOIN webhook w ON w.id = d.webhook_id JOIN chat_event e ON e.id = d.event_row \
     WHERE NOT w.failing";

/// Delivery `$1`/`$2` (webhook, event row), still held under claim `$3`, done. (A sender
/// whose lease ran out while it sent changes nothing: another holds the delivery now.)
pub const DELIVERED: &str = "DELETE FROM webhook_delivery \
     WHERE webhook_id = $1 AND event_row = $2 AND claim = $3";
/// Delivery `$1`/`$2`, still held under claim `$5`, failed with `$4`: due again at `$3`.
pub const FAILED: &str = "UPDATE webhook_delivery SET due = $3, last_error = $4, claim = '' \
     WHERE webhook_id = $1 AND event_row = $2 AND claim = $5";
/// Webhook `$1` failing: nothing more is sent to it until it is resumed.
pub const GIVE_UP: &str = "UPDATE webhook SET failing = TRUE WHERE id = $1";

/// Events recorded before `$1` that no webhook waits for.
pub const SWEEP: &str = "DELETE FROM chat_event WHERE created < $1 \
     AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_row = chat_event.id)";
