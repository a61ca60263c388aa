//! The long poll: a customer's read that names a `wait` listens on its session's bell and
//! reads again on each ring until it finds news or its time is up; and the ring after a
//! change the handler made.

use std::sync::Arc;

use lambda_http::Request;

use super::{App, Asked};
use crate::entity::Value;
use crate::http::bind::bind;
use crate::http::delivery::{Connection, Receipt};
use crate::http::error::ApiError;
use crate::http::exchange::Exchange;
use crate::http::long_poll::{self, Poll};
use crate::http::ops::{Answer, Content};
use crate::http::routes::Route;
use crate::locale::{LocaleRequest, Localizer};
use crate::store::bells;

impl App {
    /// The long poll `request` asks for, if its operation waits and it names a `wait`;
    /// listening on the session's bell from here on.
    pub(super) fn poll(&self, request: &Request, route: &Route) -> Result<Option<Poll>, ApiError> {
        let session = route.id.as_deref().and_then(|id| id.parse().ok());
        let wait = match (route.operation.waits, session) {
            (true, Some(session)) => long_poll::asked(request)?.map(|wait| (wait, session)),
            _ => None,
        };
        let Some((wait, session)) = wait.filter(|(wait, _)| !wait.is_zero()) else {
            return Ok(None);
        };
        self.watching
            .call_once(|| self.stores.clone().watch(Arc::downgrade(&self.bells)));
        let bell = self
            .bells
            .listen(&bells::scope(route.tenant.as_ref()), session);
        Ok(Some(Poll::new(request, wait, self.customer_idle, bell)))
    }

    /// Reads as `asked` until the read finds news ([`long_poll::news`]) or the poll's time is
    /// up; between reads it waits on the session's bell, on no thread.
    pub(super) async fn wait(
        &self,
        poll: &Poll,
        read: &Read<'_>,
        asked: Asked,
    ) -> Result<(Localizer, Answer), ApiError> {
        let mut asked = Some(asked);
        let mut first_standing = None;
        loop {
            // Listening before the read: a change committed after it still wakes the wait.
            let woken = poll.bell.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let asked = match asked.take() {
                Some(asked) => asked,
                None => Asked {
                    bound: bind(read.request, read.route)?,
                    key: None,
                    password: None,
                },
            };
            let (localizer, answer) = Box::pin(self.perform(
                read.route.clone(),
                read.request,
                asked,
                read.locale.clone(),
                read.exchange,
                read.receipt.clone(),
            ))
            .await?;
            let first = *first_standing.get_or_insert(answer.standing);
            if long_poll::news(&answer, first) {
                return Ok((localizer, answer));
            }
            // Held boxed while waiting: a waiting customer's future stays small.
            let last = Box::new((localizer, answer));
            if tokio::time::timeout(poll.left(), woken).await.is_err() || hung_up(read.request) {
                return Ok(*last);
            }
        }
    }

    /// Wakes the long polls on the session a change acted on.
    pub(super) fn ring(&self, route: &Route, answer: &Answer) {
        let session = match &answer.content {
            Content::One(Some(entity)) => entity.get("ChatSessionId"),
            _ => None,
        };
        if let Some(Value::Int(session)) = session {
            self.bells
                .ring(&bells::scope(route.tenant.as_ref()), *session);
        }
    }
}

/// What a long poll reads again after each wake.
pub(super) struct Read<'a> {
    pub(super) route: &'a Route,
    pub(super) request: &'a Request,
    pub(super) locale: LocaleRequest,
    pub(super) exchange: &'a Exchange,
    pub(super) receipt: &'a Receipt,
}

/// Whether the client of `request` is gone: a customer who left is not read for - the read
/// would note a fetch and mark messages read that nobody saw.
fn hung_up(request: &Request) -> bool {
    request
        .extensions()
        .get::<Connection>()
        .is_some_and(Connection::hung_up)
}
