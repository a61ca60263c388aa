//! Which sessions an agent sees, and in what order (spec section 9: "all chat sessions which
//! this user is a member of"), decided once for both backends: the query's filter and order.
//! Placeholders: `$1` is the agent, `$2` a session's id.
//!
//! Listed: the sessions waiting (`InQueue`) or in progress (`CustomerLast`, `UserLast`) in
//! a topic where the agent has any right - respond, listen, manage or be notified - and,
//! wherever they are, the sessions the agent holds or is offered by a transfer, so a session
//! is never out of sight of the agent it waits on. Ended sessions are left out.
//!
//! One session by id is seen where it would be listed, whatever its status (an ended one
//! too).
//!
//! Order: the agent's own sessions first, in Rank order (the order the agent's front end
//! shows them in), then the rest as the queue serves them - oldest request first, then
//! lowest id.

use std::sync::LazyLock;

use crate::entity::status::{CUSTOMER_LAST, IN_QUEUE, USER_LAST};

/// What follows `SELECT ... FROM chat_session s` for agent `$1`'s list.
pub static LIST: LazyLock<String> = LazyLock::new(|| {
    let agent = "$1";
    let own = format!("s.user_id = {agent} AND s.status <> {IN_QUEUE}");
    format!(
        "WHERE s.status IN ({IN_QUEUE}, {CUSTOMER_LAST}, {USER_LAST}) AND {} \
         ORDER BY CASE WHEN {own} THEN 0 ELSE 1 END, CASE WHEN {own} THEN s.rank ELSE 0 END, \
           s.when_requested, s.id",
        visible(agent)
    )
});

/// What follows `SELECT ... FROM chat_session s` for session `$2`, whatever its status, for
/// agent `$1`: the agent sees it where it would be listed (a session of another topic is
/// "not found", so its id tells nothing).
pub static ONE: LazyLock<String> =
    LazyLock::new(|| format!("WHERE s.id = $2 AND {}", visible("$1")));

/// Whether membership `m` gives any right in its topic: respond, listen, manage or be
/// notified (SuperOffice's "member").
pub const ANY_RIGHT: &str = "(m.can_respond OR m.can_listen OR m.manager OR m.notifications)";

/// Whether associate `user` has `right` (a condition on membership `m`, such as
/// [`ANY_RIGHT`]) in the topic of session `s`.
pub fn member(user: &str, right: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
           AND m.user_id = {user} AND {right})"
    )
}

/// Whether the agent sees session `s`: in a topic where they have any right, or theirs, or
/// offered to them.
pub fn visible(agent: &str) -> String {
    format!(
        "(s.user_id = {agent} OR s.transfer_to = {agent} OR s.topic_id IN \
           (SELECT m.topic_id FROM chat_topic_user m WHERE m.user_id = {agent} AND {ANY_RIGHT}))"
    )
}

/// The fingerprint of session `$1`'s key.
pub const KEY: &str = "SELECT session_key FROM chat_session WHERE id = $1";
