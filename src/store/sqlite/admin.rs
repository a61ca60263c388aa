//! [`Admin`] on a SQLite database: each operation is one transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::messages::insert_message;
use super::secrets;
use crate::account::secret::SecretKind;
use crate::chat::customer;
use crate::chat::events::{ADMIN, Event, Happened, SWEEP};
use crate::chat::message::Message;
use crate::chat::outbox::{self, Hook};
use crate::chat::queue::queue_position;
use crate::entity::status;
use crate::store::admin::{
    Admin, AdminError, NewSecret, NewTopic, NewWebhook, Queued, Rights, TopicSetting, Waiting,
    WebhookInfo, secret_holder,
};
use crate::store::sql::{self, customer as sql_customer, keys, topics};
use crate::time::Timestamp;

impl From<rusqlite::Error> for AdminError {
    fn from(error: rusqlite::Error) -> Self {
        AdminError::Store(error.into())
    }
}

impl Admin for SqliteStore {
    fn add_associate(
        &self,
        name: &str,
        full_name: &str,
        password_hash: &str,
    ) -> Result<i64, AdminError> {
        self.write(|transaction| {
            if id_of(transaction, ASSOCIATE_BY_NAME, name)?.is_some() {
                return Err(AdminError::exists("associate", name));
            }
            transaction.execute(
                "INSERT INTO associate (name, full_name) VALUES (?1, ?2)",
                [name, full_name],
            )?;
            let id = transaction.last_insert_rowid();
            transaction.execute(
                "INSERT INTO credentials (associate_id, type, value) VALUES (?1, 'password', ?2)",
                params![id, password_hash],
            )?;
            Ok(id)
        })
    }

    fn add_topic(&self, topic: &NewTopic) -> Result<i64, AdminError> {
        self.write(|transaction| {
            let language_id = match &topic.language {
                None => None,
                Some(code) => Some(
                    id_of(transaction, LANGUAGE_BY_CODE, code)?
                        .ok_or_else(|| AdminError::unknown("language", code))?,
                ),
            };
            if id_of(transaction, TOPIC_BY_NAME, &topic.name)?.is_some() {
                return Err(AdminError::exists("topic", &topic.name));
            }
            transaction.execute(
                "INSERT INTO chat_topic (name, welcome_message, language_id, widget_agent_use_firstname) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![topic.name, topic.welcome, language_id, topic.agent_first_name],
            )?;
            Ok(transaction.last_insert_rowid())
        })
    }

    fn place_in_zone(
        &self,
        user: &str,
        location: Option<&str>,
    ) -> Result<Option<String>, AdminError> {
        self.write(|transaction| {
            let user_id = associate_id(transaction, user)?;
            let found: Option<(i64, String)> = match location {
                None => None,
                Some(code) => Some(
                    transaction
                        .query_row(
                            "SELECT tzlocation_id, iana_zone FROM tzlocation \
                             WHERE location_code = ?1 OR CAST(tzlocation_id AS TEXT) = ?1",
                            [code],
                            |row| Ok((row.get(0)?, row.get(1)?)),
                        )
                        .optional()?
                        .ok_or_else(|| AdminError::unknown("time-zone location", code))?,
                ),
            };
            transaction.execute(
                "UPDATE associate SET tzlocation_id = ?2 WHERE associate_id = ?1",
                params![user_id, found.as_ref().map(|(id, _)| *id)],
            )?;
            Ok(found.map(|(_, iana)| iana))
        })
    }

    fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError> {
        self.write(|transaction| {
            let user_id = associate_id(transaction, user)?;
            let topic_id = topic_id(transaction, topic)?;
            transaction.execute(
                "INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond, manager, notifications) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_id, topic_id) DO UPDATE SET \
                 can_listen = excluded.can_listen, can_respond = excluded.can_respond, \
                 manager = excluded.manager, notifications = excluded.notifications",
                params![user_id, topic_id, rights.listen, rights.respond, rights.manage, rights.notify],
            )?;
            Ok(())
        })
    }

    fn insert_session(&self, queued: &Queued) -> Result<i64, AdminError> {
        let session = queued.session;
        self.write(|transaction| {
            let topic_id = topic_id(transaction, &session.topic)?;
            let waiting: i64 = transaction.query_row(
                "SELECT count(*) FROM chat_session WHERE topic_id = ?1 AND status = ?2",
                params![topic_id, status::IN_QUEUE],
                |row| row.get(0),
            )?;
            let links = &session.links;
            transaction.execute(
                "INSERT INTO chat_session (topic_id, customer_id, contact_id, project_id, sale_id, ticket_id, \
                 customer_alias, name, email, phone, company_name, status, first_message, last_message, \
                 when_requested, idle, session_key, initial_queue_pos, chatbot_isactive) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                params![
                    topic_id,
                    links.person,
                    links.contact,
                    links.project,
                    links.sale,
                    links.ticket,
                    queued.alias,
                    session.customer_name,
                    session.email,
                    session.phone,
                    session.company,
                    status::IN_QUEUE,
                    session.first_message,
                    queued.last_message,
                    queued.requested,
                    queued.idle,
                    queued.key,
                    queue_position(waiting),
                    session.chatbot_active,
                ],
            )?;
            let session_id = transaction.last_insert_rowid();
            if let Some(message) = &queued.message {
                insert_message(transaction, session_id, message, queued.requested)?;
            }
            let created = Happened::by_the_service(Event::CREATED, session_id, ADMIN, queued.requested);
            super::events::record(transaction, &created)?;
            Ok(session_id)
        })
    }

    fn queue(&self) -> Result<Vec<Waiting>, AdminError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT s.id, t.name, s.name, s.when_requested, s.initial_queue_pos, s.chatbot_isactive \
             FROM chat_session s JOIN chat_topic t ON t.id = s.topic_id \
             WHERE s.status = ?1 ORDER BY s.when_requested, s.id",
        )?;
        let rows = statement.query_map([status::IN_QUEUE], |row| {
            Ok(Waiting {
                session_id: row.get(0)?,
                topic: row.get(1)?,
                customer_name: row.get(2)?,
                when_requested: row.get(3)?,
                initial_queue_pos: row.get(4)?,
                chatbot_active: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn sweep(&self, now: Timestamp) -> Result<usize, AdminError> {
        self.write(|transaction| {
            let dead: Vec<i64> = transaction
                .prepare(&sql::sqlite(&sql_customer::DEAD))?
                .query_map([now], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let end = sql::sqlite(&sql_customer::END_DEAD);
            let mut closed = 0;
            for session in &dead {
                if transaction.execute(&end, params![session, now])? == 0 {
                    continue;
                }
                insert_message(transaction, *session, &Message::closed_by_idle(), now)?;
                let ended = Happened::by_the_service(Event::ENDED, *session, SWEEP, now);
                super::events::record(transaction, &ended)?;
                closed += 1;
            }
            let expired = now.before(customer::KEYS_KEPT);
            transaction.execute(&sql::sqlite(keys::CUSTOMER_EXPIRED), [expired])?;
            let delivered = now.before(outbox::KEPT);
            transaction.execute(&sql::sqlite(sql::webhooks::SWEEP), [delivered])?;
            transaction.execute(&sql::sqlite(sql::accounts::ENDED_TICKETS), [now])?;
            Ok(closed)
        })
    }

    fn add_webhook(&self, webhook: &NewWebhook, now: Timestamp) -> Result<(), AdminError> {
        self.write(|transaction| super::webhooks::add(transaction, webhook, now))
    }

    fn webhooks(&self) -> Result<Vec<WebhookInfo>, AdminError> {
        super::webhooks::list(&self.connection())
    }

    fn remove_webhook(&self, name: &str) -> Result<(), AdminError> {
        self.write(|transaction| super::webhooks::remove(transaction, name))
    }

    fn resume_webhook(&self, name: &str, now: Timestamp) -> Result<(), AdminError> {
        self.write(|transaction| super::webhooks::resume(transaction, name, now))
    }

    fn hook(&self, name: &str) -> Result<Hook, AdminError> {
        super::webhooks::hook(&self.connection(), name)
    }

    fn has_no_associates(&self) -> Result<bool, AdminError> {
        let connection = self.connection();
        let count: i64 =
            connection.query_row("SELECT count(*) FROM associate", [], |row| row.get(0))?;
        Ok(count == 0)
    }

    fn run_script(&self, sql: &str) -> Result<(), AdminError> {
        self.write(|transaction| Ok(transaction.execute_batch(sql)?))
    }

    fn add_secret(&self, user: &str, secret: &NewSecret) -> Result<(), AdminError> {
        self.write(|transaction| {
            let (id, deleted): (i64, bool) = transaction
                .query_row(
                    "SELECT associate_id, deleted FROM associate WHERE name = ?1 COLLATE NOCASE",
                    [user],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| AdminError::unknown("associate", user))?;
            secrets::add(transaction, secret_holder(user, id, deleted)?, secret)?;
            Ok(())
        })
    }

    fn revoke_fingerprint(&self, kind: SecretKind, fingerprint: &str) -> Result<bool, AdminError> {
        Ok(secrets::revoke(&self.connection(), kind, fingerprint)?)
    }

    fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<u64, AdminError> {
        self.write(|transaction| {
            let associate = associate_id(transaction, user)?;
            let revoked = transaction.execute(
                "UPDATE auth_secret SET revoked = 1 WHERE associate_id = ?1 AND kind = ?2 AND revoked = 0",
                params![associate, kind.column()],
            )?;
            Ok(revoked as u64)
        })
    }

    fn register_app(
        &self,
        name: &str,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<bool, AdminError> {
        let inserted = self.connection().execute(
            "INSERT OR IGNORE INTO partner_app (name, fingerprint, created) VALUES (?1, ?2, ?3)",
            params![name, fingerprint, now],
        )?;
        Ok(inserted > 0)
    }

    fn revoke_apps_named(&self, name: &str) -> Result<u64, AdminError> {
        let changed = self.connection().execute(
            "UPDATE partner_app SET revoked = 1 WHERE name = ?1 COLLATE NOCASE",
            [name],
        )?;
        Ok(changed as u64)
    }

    fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError> {
        self.write(|transaction| {
            let associate = associate_id(transaction, user)?;
            transaction.execute(
                "INSERT INTO credentials (associate_id, type, value) VALUES (?1, 'password', ?2) \
                 ON CONFLICT (associate_id, type) DO UPDATE SET value = excluded.value",
                params![associate, password_hash],
            )?;
            Ok(())
        })
    }

    fn set_capacity(&self, user: &str, limit: Option<i64>) -> Result<(), AdminError> {
        self.write(|transaction| {
            let user_id = associate_id(transaction, user)?;
            transaction.execute(
                "UPDATE associate SET max_active_sessions = ?2 WHERE associate_id = ?1",
                params![user_id, limit],
            )?;
            Ok(())
        })
    }

    fn set_topic(&self, topic: &str, setting: &TopicSetting) -> Result<(), AdminError> {
        let value: &dyn rusqlite::ToSql = match setting {
            TopicSetting::Capacity(value) | TopicSetting::IdleSeconds(value) => value,
            TopicSetting::Origins(value) => value,
        };
        self.write(|transaction| {
            let topic_id = topic_id(transaction, topic)?;
            let update = sql::sqlite(topics::update(setting));
            transaction.execute(&update, params![topic_id, value])?;
            Ok(())
        })
    }

    fn delete_associate(&self, user: &str) -> Result<(), AdminError> {
        self.write(|transaction| {
            let associate = associate_id(transaction, user)?;
            transaction.execute(
                "UPDATE associate SET deleted = 1 WHERE associate_id = ?1",
                [associate],
            )?;
            Ok(())
        })
    }
}

const ASSOCIATE_BY_NAME: &str = "SELECT associate_id FROM associate WHERE name = ?1 COLLATE NOCASE";
const TOPIC_BY_NAME: &str = "SELECT id FROM chat_topic WHERE name = ?1 COLLATE NOCASE";
const LANGUAGE_BY_CODE: &str = "SELECT id FROM language WHERE code = ?1 COLLATE NOCASE";

fn id_of(connection: &Connection, sql: &str, name: &str) -> rusqlite::Result<Option<i64>> {
    connection
        .query_row(sql, [name], |row| row.get(0))
        .optional()
}

fn associate_id(connection: &Connection, name: &str) -> Result<i64, AdminError> {
    id_of(connection, ASSOCIATE_BY_NAME, name)?
        .ok_or_else(|| AdminError::unknown("associate", name))
}

fn topic_id(connection: &Connection, name: &str) -> Result<i64, AdminError> {
    id_of(connection, TOPIC_BY_NAME, name)?.ok_or_else(|| AdminError::unknown("topic", name))
}
