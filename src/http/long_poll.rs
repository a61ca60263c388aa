//! A customer's long poll (`GET .../Customer/ChatSession/{id}/Messages?after=N&wait=S`): how
//! long it may wait, and when what it read is worth answering.
//!
//! The wait itself is the handler's: it listens on the session's bell
//! ([`crate::store::bells`]) before each read, so a change committed between the read and the
//! wait still wakes it, and waits on no thread - ten thousand waiting customers are ten
//! thousand small futures.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use lambda_http::{Request, RequestExt};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::body::BodyError;
use super::ops::{Answer, Content};
use super::request::query;
use crate::store::Standing;

/// The longest a poll waits: under the 29 s an API Gateway allows an integration, and under
/// the minute proxies commonly allow an idle response.
pub const MAX_WAIT: Duration = Duration::from_secs(25);

/// What a Lambda invocation keeps for answering after a poll gives up waiting.
const DEADLINE_MARGIN: Duration = Duration::from_secs(2);

/// The `wait` the request asks for: whole seconds from 0 to 25; none when absent.
pub fn asked(request: &Request) -> Result<Option<Duration>, BodyError> {
    let Some(text) = query(request, "wait") else {
        return Ok(None);
    };
    text.trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
        .filter(|wait| *wait <= MAX_WAIT)
        .map(Some)
        .ok_or_else(|| BodyError::new("wait must be whole seconds from 0 to 25"))
}

/// A poll under way: the bell it listens on, and when it stops waiting.
pub struct Poll {
    pub bell: Arc<Notify>,
    until: Instant,
}

impl Poll {
    /// A poll of `wait` on `bell`, no longer than half the customer's idle allowance (a poll
    /// keeps the chat alive only as it reads) nor, on Lambda, past the invocation's deadline.
    pub fn new(request: &Request, wait: Duration, idle: Duration, bell: Arc<Notify>) -> Self {
        let deadline = request
            .lambda_context_ref()
            .map(|context| left_before(context.deadline()));
        let wait = [Some(wait), Some(idle / 2), deadline]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(wait);
        Self {
            bell,
            until: Instant::now() + wait,
        }
    }

    /// How long the poll may still wait.
    pub fn left(&self) -> Duration {
        self.until.saturating_duration_since(Instant::now())
    }
}

/// The time left before `deadline`, less the margin for answering.
fn left_before(deadline: SystemTime) -> Duration {
    deadline
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .saturating_sub(DEADLINE_MARGIN)
}

/// Whether a read is worth answering at once: it found messages, or the session no longer
/// stands where the poll first read it (another status, another agent).
pub fn news(answer: &Answer, first: Option<Standing>) -> bool {
    let messages = matches!(&answer.content, Content::List(found) if !found.is_empty());
    messages || answer.standing != first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str) -> Request {
        let request: Request = http::Request::builder()
            .uri(uri)
            .body(lambda_http::Body::Empty)
            .unwrap();
        let query: std::collections::HashMap<String, String> = request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        request.with_query_string_parameters(query)
    }

    #[test]
    fn wait_is_whole_seconds_up_to_twenty_five() {
        assert_eq!(asked(&request("/x")).unwrap(), None);
        assert_eq!(
            asked(&request("/x?wait=25")).unwrap(),
            Some(Duration::from_secs(25))
        );
        assert_eq!(asked(&request("/x?wait=0")).unwrap(), Some(Duration::ZERO));
        for bad in ["26", "-1", "1.5", "soon", ""] {
            let error = asked(&request(&format!("/x?wait={bad}"))).unwrap_err();
            assert!(error.0.contains("wait must be"), "{bad}: {}", error.0);
        }
    }

    #[test]
    fn a_poll_waits_at_most_half_the_idle_allowance() {
        let bell = Arc::new(Notify::new());
        let poll = Poll::new(
            &request("/x"),
            Duration::from_secs(25),
            Duration::from_secs(10),
            bell,
        );
        assert!(poll.left() <= Duration::from_secs(5));
    }

    #[test]
    fn an_invocation_near_its_deadline_leaves_no_time_to_wait() {
        let soon = SystemTime::now() + Duration::from_secs(1);
        assert_eq!(left_before(soon), Duration::ZERO);
        let later = SystemTime::now() + Duration::from_secs(60);
        assert!(left_before(later) > Duration::from_secs(50));
    }

    #[test]
    fn news_is_a_message_another_status_or_another_agent() {
        let standing = |status, agent| Some(Standing { status, agent });
        let mut answer = Answer::of(Content::List(Vec::new()));
        answer.standing = standing(4, 1);
        assert!(!news(&answer, standing(4, 1)));
        assert!(news(&answer, standing(5, 1)));
        assert!(news(&answer, standing(4, 2)), "a transfer accepted");
        answer.content = Content::List(vec![crate::entity::Object::empty(
            &crate::entity::CHAT_MESSAGE,
        )]);
        assert!(news(&answer, standing(4, 1)));
    }
}
