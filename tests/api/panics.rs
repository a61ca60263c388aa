//! A panic anywhere in the handler is a generic 500 problem, never a dead instance.

use std::sync::Arc;

use chat_pickup::account::secret::SecretKind;
use chat_pickup::account::tenant::Tenant;
use chat_pickup::account::{Account, Agent};
use chat_pickup::auth::password;
use chat_pickup::chat::create::{Draft, Visitor};
use chat_pickup::chat::customer::{Asking, CustomerMove, Fetch};
use chat_pickup::chat::outbox::{Outgoing, Settled};
use chat_pickup::chat::queue::Which;
use chat_pickup::chat::{Actor, Change, Claim, Move, Pickup};
use chat_pickup::entity::{Object, Shape};
use chat_pickup::http::App;
use chat_pickup::locale::Location;
use chat_pickup::locale::{Language, Resources};
use chat_pickup::store::admin::NewSecret;
use chat_pickup::store::{Gauges, LoginFailures, Page, Place, Store, StoreError, Stores};
use chat_pickup::time::Timestamp;
use http::StatusCode;
use test_support::credentials::PASSWORD;

use crate::failures::post;

/// A store that fails in the one way the real ones never should: by panicking. `Broken`
/// returns a carrier whose name is not an XML name, so rendering XML panics in the async
/// part of the handler; `Panicking` panics in the blocking part.
enum Fault {
    Panicking,
    Broken,
}

static BROKEN: Shape = Shape {
    name: "not an element name",
    carrier: false,
    from: "",
    key: "",
    fields: &[],
};

impl Stores for Fault {
    fn store(&self, _: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            Fault::Panicking => panic!("secret internal detail"),
            Fault::Broken => Ok(Arc::new(Fault::Broken)),
        }
    }

    fn open_tenants(&self) -> usize {
        0
    }

    fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        Ok(Vec::new())
    }

    fn sweep_all(&self, _: Timestamp) -> Result<usize, StoreError> {
        Ok(0)
    }
}

impl Store for Fault {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        Ok(Some(Account {
            agent: Agent {
                associate_id: 1,
                name: login.into(),
                display_name: login.into(),
            },
            password_hash: Some(password::hash(PASSWORD)),
            deleted: false,
            time_zone: None,
            user_type: 1,
        }))
    }

    fn account_by_secret(
        &self,
        _: SecretKind,
        _: &str,
        _: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        Ok(None)
    }

    fn partner_app(&self, _: &str) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn store_secret(&self, _: i64, _: &NewSecret) -> Result<(), StoreError> {
        Ok(())
    }

    fn revoke_ticket(&self, _: &str) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn pickup(&self, _: Actor, _: Which) -> Result<Claim, StoreError> {
        Ok(Claim::Picked(Some(Pickup {
            session_id: 1,
            topic_id: 1,
            waited_ms: 0,
            session: Object {
                shape: &BROKEN,
                values: Vec::new(),
            },
        })))
    }

    fn change(&self, _: Actor, _: i64, _: &Move) -> Result<Change, StoreError> {
        Ok(Change::Replayed(None))
    }

    fn create(&self, _: Actor, _: i64, _: &Draft) -> Result<Change, StoreError> {
        Ok(Change::Replayed(None))
    }

    fn messages(&self, _: &Agent, _: i64, _: i64) -> Result<Option<Vec<Object>>, StoreError> {
        Ok(None)
    }

    fn start(&self, _: &Visitor, _: i64, _: &Draft) -> Result<Change, StoreError> {
        Ok(Change::Replayed(None))
    }

    fn customer_change(&self, _: i64, _: Asking, _: &CustomerMove) -> Result<Change, StoreError> {
        Ok(Change::Replayed(None))
    }

    fn customer_messages(&self, _: i64, _: i64, _: Fetch) -> Result<Page, StoreError> {
        Ok(Page {
            messages: Vec::new(),
            standing: None,
        })
    }

    fn customer_origins(&self, _: Place) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn customer_session(&self, _: i64) -> Result<Option<Object>, StoreError> {
        Ok(None)
    }

    fn session_key(&self, _: i64) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn take_deliveries(&self, _: Timestamp, _: &str, _: i64) -> Result<Vec<Outgoing>, StoreError> {
        Ok(Vec::new())
    }

    fn gauges(&self) -> Result<Gauges, StoreError> {
        Ok(Gauges::default())
    }

    fn deliveries_waiting(&self) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn settle_delivery(&self, _: &Outgoing, _: &Settled, _: Timestamp) -> Result<(), StoreError> {
        Ok(())
    }

    fn agent_session(&self, _: &Agent, _: i64) -> Result<Option<Object>, StoreError> {
        Ok(None)
    }

    fn agent_sessions(&self, _: &Agent) -> Result<Vec<Object>, StoreError> {
        Ok(Vec::new())
    }

    fn location(&self, _: &Location) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn login_failures(&self, _: &str) -> Result<Option<LoginFailures>, StoreError> {
        Ok(None)
    }

    fn record_login_failure(&self, _: &str, _: Timestamp, _: Timestamp) -> Result<(), StoreError> {
        Ok(())
    }

    fn resources(&self, _: Language) -> Result<Resources, StoreError> {
        Ok(Resources::default())
    }
}

#[tokio::test]
async fn a_panic_anywhere_is_a_generic_500_problem() {
    for (fault, accept) in [
        (Fault::Panicking, "application/json"),
        (Fault::Broken, "application/xml"),
    ] {
        let app = App::new(Arc::new(fault));
        let response = post(&app, accept).await;
        assert_eq!(
            response.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            response.body
        );
        assert!(
            response.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+"),
        );
        assert!(
            response.body.contains("internal error"),
            "{}",
            response.body
        );
        assert!(!response.body.contains("secret") && !response.body.contains("element name"));
    }
}
