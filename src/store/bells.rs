//! Who waits on which session, and the bell that wakes them: a customer's long poll
//! listens on its session's bell; whatever learns of a change to the session rings it - the
//! handler after a change it made, a backend's watcher after a change another process or
//! instance committed ([`super::Stores::watch`]).
//!
//! A bell exists while someone listens: the registry holds it weakly, so a poll that ends
//! (answered, timed out or dropped with its connection) leaves nothing behind but an entry
//! the next ring or [`Bells::scopes`] clears.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::sync::Notify;

use crate::account::tenant::Tenant;

/// A tenant's name, or `""` for the default store: where a session id is unique.
pub type Scope = String;

/// The scope of `tenant`.
pub fn scope(tenant: Option<&Tenant>) -> Scope {
    tenant.map_or_else(String::new, |tenant| tenant.as_str().to_owned())
}

#[derive(Default)]
pub struct Bells {
    listening: Mutex<HashMap<(Scope, i64), Weak<Notify>>>,
}

impl Bells {
    /// The bell of session `session` in `scope`, rung on its next change; the caller enables
    /// a `notified()` of it before reading, so that no ring falls between read and wait.
    pub fn listen(&self, scope: &str, session: i64) -> Arc<Notify> {
        let mut listening = self.lock();
        let key = (scope.to_owned(), session);
        if let Some(bell) = listening.get(&key).and_then(Weak::upgrade) {
            return bell;
        }
        let bell = Arc::new(Notify::new());
        listening.insert(key, Arc::downgrade(&bell));
        bell
    }

    /// Wakes everyone listening on session `session` in `scope`. Every committed change
    /// rings: with nobody listening at all it returns at once, building no key.
    pub fn ring(&self, scope: &str, session: i64) {
        let mut listening = self.lock();
        if listening.is_empty() {
            return;
        }
        let key = (scope.to_owned(), session);
        match listening.get(&key).map(Weak::upgrade) {
            Some(Some(bell)) => bell.notify_waiters(),
            Some(None) => {
                listening.remove(&key);
            }
            None => {}
        }
    }

    /// Wakes everyone listening in `scope`.
    pub fn ring_all(&self, scope: &str) {
        let listening = self.lock();
        let bells = listening
            .iter()
            .filter(|((bell_scope, _), _)| bell_scope == scope);
        bells
            .filter_map(|(_, bell)| bell.upgrade())
            .for_each(|bell| bell.notify_waiters());
    }

    /// The scopes someone listens in now, for a watcher to look at; forgets bells nobody
    /// holds any more.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut listening = self.lock();
        listening.retain(|_, bell| bell.strong_count() > 0);
        let mut scopes: Vec<Scope> = listening.keys().map(|(scope, _)| scope.clone()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        scopes
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(Scope, i64), Weak<Notify>>> {
        self.listening
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_ring_wakes_the_sessions_listeners_only() {
        let bells = Bells::default();
        let bell = bells.listen("", 7);
        let other = bells.listen("", 8);
        let woken = bell.notified();
        let not_woken = other.notified();
        tokio::pin!(woken, not_woken);
        woken.as_mut().enable();
        not_woken.as_mut().enable();
        bells.ring("", 7);
        bells.ring("acme", 8);
        tokio::time::timeout(Duration::from_secs(1), woken)
            .await
            .expect("the session's listener is woken");
        let slept = tokio::time::timeout(Duration::from_millis(20), not_woken).await;
        assert!(slept.is_err(), "another session's listener sleeps on");
    }

    #[tokio::test]
    async fn a_ring_with_nobody_listening_does_nothing_and_the_next_listener_is_still_woken() {
        let bells = Bells::default();
        bells.ring("", 7);
        assert!(bells.scopes().is_empty());
        let bell = bells.listen("", 7);
        let woken = bell.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        bells.ring("", 7);
        tokio::time::timeout(Duration::from_secs(1), woken)
            .await
            .expect("a listener after an unheard ring is woken by the next");
    }

    #[test]
    fn listeners_share_a_bell_and_a_bell_nobody_holds_is_forgotten() {
        let bells = Bells::default();
        let first = bells.listen("acme", 1);
        let second = bells.listen("acme", 1);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(bells.scopes(), vec!["acme".to_owned()]);
        drop((first, second));
        assert!(bells.scopes().is_empty());
        bells.ring("acme", 1);
    }
}
