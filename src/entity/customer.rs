//! The customer's view of a session: ours, as SuperOffice publishes no customer API. What a
//! customer may know - where they stand in the queue, how long the wait may be, the name of
//! the agent who answers - and nothing about the agent beyond that name. In XML its root is
//! `CustomerChatSession`; a null is `i:nil="true"`.

use super::enums::CHAT_SESSION_STATUS;
use super::model::{Field, Kind, Shape};
use super::status::IN_QUEUE;

const fn f(name: &'static str, kind: Kind, column: &'static str) -> Field {
    Field { name, kind, column }
}

/// Builds the queue-position expression from the waiting status, so the status stays one
/// number.
macro_rules! waiting {
    ($then:literal) => {
        concat!("CASE WHEN s.status = 4 THEN ", $then, " END")
    };
}

pub static CUSTOMER_SESSION: Shape = Shape {
    name: "CustomerChatSession",
    carrier: false,
    from: "chat_session s JOIN chat_topic t ON t.id = s.topic_id",
    key: "s.id",
    fields: &[
        f("ChatSessionId", Kind::Int, "s.id"),
        f("TopicId", Kind::Int, "s.topic_id"),
        f("Status", Kind::Enum(&CHAT_SESSION_STATUS), "s.status"),
        // Those waiting in the topic who asked before, and this one: served by the queue
        // index (status, when_requested, id).
        f(
            "QueuePosition",
            Kind::Optional(&Kind::Int),
            waiting!(
                "(SELECT count(*) FROM chat_session w WHERE w.status = 4 \
                 AND w.topic_id = s.topic_id AND (w.when_requested < s.when_requested \
                 OR (w.when_requested = s.when_requested AND w.id <= s.id)))"
            ),
        ),
        // The topic's running average wait; what the customer waited already is taken off
        // when the view is answered (`crate::chat::customer`).
        f(
            "EstimatedWaitSeconds",
            Kind::Optional(&Kind::Int),
            waiting!("CASE WHEN t.accept_count > 0 THEN t.seconds_pr_accept END"),
        ),
        // The agent's full name once one holds the session; never their login name.
        f(
            "AgentName",
            Kind::Optional(&Kind::Text),
            "CASE WHEN s.status <> 4 THEN (SELECT nullif(a.full_name, '') FROM associate a \
             WHERE a.associate_id = s.user_id) END",
        ),
        f("WhenRequested", Kind::Date, "s.when_requested"),
        f("WhenStarted", Kind::Date, "s.when_started"),
        f("WhenEnded", Kind::Date, "s.when_ended"),
        // Shown only in the answer that starts the chat.
        f("SessionKey", Kind::Text, "''"),
    ],
};

const _: () = assert!(IN_QUEUE == 4, "the view's SQL spells InQueue as 4");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_names_what_a_customer_may_know() {
        let names: Vec<_> = CUSTOMER_SESSION.property_names().collect();
        assert_eq!(
            names,
            [
                "ChatSessionId",
                "TopicId",
                "Status",
                "QueuePosition",
                "EstimatedWaitSeconds",
                "AgentName",
                "WhenRequested",
                "WhenStarted",
                "WhenEnded",
                "SessionKey"
            ]
        );
    }
}
