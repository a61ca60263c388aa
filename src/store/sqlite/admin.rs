//! Administration of a SQLite database, for the `admin` and `demo` commands: associates,
//! topics, memberships, and customers entering the queue.

use std::fmt;

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::entity::{message, status};
use crate::store::StoreError;
use crate::time::Timestamp;

#[derive(Debug)]
pub enum AdminError {
    /// A name that does not exist (`what` is "associate", "topic", "language"...).
    Unknown {
        what: &'static str,
        name: String,
    },
    /// A name that is taken.
    Exists {
        what: &'static str,
        name: String,
    },
    Store(StoreError),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::Unknown { what, name } => write!(f, "there is no {what} named {name:?}"),
            AdminError::Exists { what, name } => {
                write!(f, "an {what} named {name:?} exists already")
            }
            AdminError::Store(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AdminError {}

impl From<rusqlite::Error> for AdminError {
    fn from(error: rusqlite::Error) -> Self {
        AdminError::Store(error.into())
    }
}

/// A user agent's rights in a topic (chat_topic_user).
#[derive(Clone, Copy, Debug, Default)]
pub struct Rights {
    pub listen: bool,
    pub respond: bool,
    pub manage: bool,
    pub notify: bool,
}

/// A customer asking for a chat.
#[derive(Clone, Debug, Default)]
pub struct NewSession {
    pub topic: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub first_message: String,
    pub chatbot_active: bool,
    pub links: Links,
}

/// CRM records the session is connected to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Links {
    pub person: Option<i64>,
    pub contact: Option<i64>,
    pub project: Option<i64>,
    pub sale: Option<i64>,
    pub ticket: Option<i64>,
}

/// One line of `admin queue`.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    pub session_id: i64,
    pub topic: String,
    pub customer_name: String,
    pub when_requested: Timestamp,
    pub initial_queue_pos: i64,
    pub chatbot_active: bool,
}

impl SqliteStore {
    /// Adds an associate with an argon2id `password_hash` (a PHC string, never a password).
    pub fn add_associate(
        &self,
        name: &str,
        full_name: &str,
        password_hash: &str,
    ) -> Result<i64, AdminError> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        let exists = id_of(
            &transaction,
            "SELECT associate_id FROM associate WHERE name = ?1 COLLATE NOCASE",
            name,
        )?;
        if exists.is_some() {
            return Err(AdminError::Exists {
                what: "associate",
                name: name.to_string(),
            });
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
        transaction.commit()?;
        Ok(id)
    }

    /// Adds a topic. `language` is a SuperOffice prefix (`US`, `NO`): the customers' language,
    /// which picks the variant of a multi-language welcome message.
    pub fn add_topic(
        &self,
        name: &str,
        welcome_message: &str,
        language: Option<&str>,
    ) -> Result<i64, AdminError> {
        let connection = self.connection();
        let language_id = match language {
            None => None,
            Some(code) => Some(
                id_of(
                    &connection,
                    "SELECT id FROM language WHERE code = ?1 COLLATE NOCASE",
                    code,
                )?
                .ok_or_else(|| AdminError::Unknown {
                    what: "language",
                    name: code.to_string(),
                })?,
            ),
        };
        if id_of(
            &connection,
            "SELECT id FROM chat_topic WHERE name = ?1 COLLATE NOCASE",
            name,
        )?
        .is_some()
        {
            return Err(AdminError::Exists {
                what: "topic",
                name: name.to_string(),
            });
        }
        connection.execute(
            "INSERT INTO chat_topic (name, welcome_message, language_id) VALUES (?1, ?2, ?3)",
            params![name, welcome_message, language_id],
        )?;
        Ok(connection.last_insert_rowid())
    }

    /// Makes `{agent}` in the topic's welcome message the agent's first name.
    pub fn use_agent_first_name(&self, topic: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let id = topic_id(&connection, topic)?;
        connection.execute(
            "UPDATE chat_topic SET widget_agent_use_firstname = 1 WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Sets `user`'s own time zone to the location `zone` (a code or id); empty clears it.
    /// Returns the IANA zone it keeps time by.
    pub fn set_time_zone(&self, user: &str, zone: &str) -> Result<Option<String>, AdminError> {
        let connection = self.connection();
        let user_id = associate_id(&connection, user)?;
        let location: Option<(i64, String)> = if zone.trim().is_empty() {
            None
        } else {
            let found = connection
                .query_row(
                    "SELECT tzlocation_id, iana_zone FROM tzlocation \
                     WHERE location_code = ?1 OR CAST(tzlocation_id AS TEXT) = ?1",
                    [zone.trim()],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            Some(found.ok_or_else(|| AdminError::Unknown {
                what: "time-zone location",
                name: zone.to_string(),
            })?)
        };
        connection.execute(
            "UPDATE associate SET tzlocation_id = ?2 WHERE associate_id = ?1",
            params![user_id, location.as_ref().map(|(id, _)| *id)],
        )?;
        Ok(location.map(|(_, iana)| iana))
    }

    /// Makes `user` a member of `topic` with `rights`, replacing earlier rights.
    pub fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError> {
        let connection = self.connection();
        let user_id = associate_id(&connection, user)?;
        let topic_id = topic_id(&connection, topic)?;
        connection.execute(
            "INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond, manager, notifications) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_id, topic_id) DO UPDATE SET \
             can_listen = excluded.can_listen, can_respond = excluded.can_respond, \
             manager = excluded.manager, notifications = excluded.notifications",
            params![user_id, topic_id, rights.listen, rights.respond, rights.manage, rights.notify],
        )?;
        Ok(())
    }

    /// Puts a customer in the queue of a topic, with their first message, at `now`.
    pub fn enqueue(&self, session: &NewSession, now: Timestamp) -> Result<i64, AdminError> {
        let mut connection = self.connection();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let topic_id = topic_id(&transaction, &session.topic)?;
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?13, ?14, ?15, ?16)",
            params![
                topic_id,
                links.person,
                links.contact,
                links.project,
                links.sale,
                links.ticket,
                session.customer_name,
                session.email,
                session.phone,
                session.company,
                status::IN_QUEUE,
                session.first_message,
                now,
                session_key(),
                waiting + 1,
                session.chatbot_active,
            ],
        )?;
        let session_id = transaction.last_insert_rowid();
        if !session.first_message.is_empty() {
            transaction.execute(
                "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, author, created_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    session_id,
                    session.first_message,
                    now,
                    message::TO_USER,
                    message::SPECIAL_NONE,
                    session.customer_name,
                    message::BY_CUSTOMER
                ],
            )?;
        }
        transaction.commit()?;
        Ok(session_id)
    }

    /// The sessions waiting in the queue, in pickup order (bot-active ones included).
    pub fn queue(&self) -> Result<Vec<Waiting>, AdminError> {
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

    /// Whether the database has no associates yet (a fresh database for `--demo`).
    pub fn has_no_associates(&self) -> Result<bool, AdminError> {
        let connection = self.connection();
        let count: i64 =
            connection.query_row("SELECT count(*) FROM associate", [], |row| row.get(0))?;
        Ok(count == 0)
    }
}

fn id_of(connection: &Connection, sql: &str, name: &str) -> rusqlite::Result<Option<i64>> {
    connection
        .query_row(sql, [name], |row| row.get(0))
        .optional()
}

pub(super) fn associate_id(connection: &Connection, name: &str) -> Result<i64, AdminError> {
    id_of(
        connection,
        "SELECT associate_id FROM associate WHERE name = ?1 COLLATE NOCASE",
        name,
    )?
    .ok_or_else(|| AdminError::Unknown {
        what: "associate",
        name: name.to_string(),
    })
}

fn topic_id(connection: &Connection, name: &str) -> Result<i64, AdminError> {
    id_of(
        connection,
        "SELECT id FROM chat_topic WHERE name = ?1 COLLATE NOCASE",
        name,
    )?
    .ok_or_else(|| AdminError::Unknown {
        what: "topic",
        name: name.to_string(),
    })
}

/// A random key for the customer's side of the session (128 bits, hex).
fn session_key() -> String {
    crate::random::hex::<16>()
}
