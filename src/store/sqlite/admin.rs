//! [`Admin`] on a SQLite database.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::auth::secret::{self, SecretKind};
use crate::entity::{message, status};
use crate::store::admin::{Admin, AdminError, NewSession, Rights, Waiting};
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

    fn add_topic(
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

    fn use_agent_first_name(&self, topic: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let id = topic_id(&connection, topic)?;
        connection.execute(
            "UPDATE chat_topic SET widget_agent_use_firstname = 1 WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    fn set_time_zone(&self, user: &str, zone: &str) -> Result<Option<String>, AdminError> {
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

    fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError> {
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

    fn enqueue(&self, session: &NewSession, now: Timestamp) -> Result<i64, AdminError> {
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

    fn has_no_associates(&self) -> Result<bool, AdminError> {
        let connection = self.connection();
        let count: i64 =
            connection.query_row("SELECT count(*) FROM associate", [], |row| row.get(0))?;
        Ok(count == 0)
    }

    fn issue_secret(
        &self,
        user: &str,
        kind: SecretKind,
        now: Timestamp,
        expires: Option<Timestamp>,
    ) -> Result<String, AdminError> {
        let connection = self.connection();
        let associate = live_associate(&connection, user)?;
        let issued = secret::issue(kind);
        connection.execute(
            "INSERT INTO auth_secret (associate_id, kind, fingerprint, created, expires) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                associate,
                kind.column(),
                secret::fingerprint(&issued),
                now,
                expires
            ],
        )?;
        Ok(issued)
    }

    fn revoke_secret(&self, kind: SecretKind, value: &str) -> Result<bool, AdminError> {
        let changed = self.connection().execute(
            "UPDATE auth_secret SET revoked = 1 WHERE fingerprint = ?1 AND kind = ?2 AND revoked = 0",
            params![secret::fingerprint(value.trim()), kind.column()],
        )?;
        Ok(changed > 0)
    }

    fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<u64, AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        let revoked = connection.execute(
            "UPDATE auth_secret SET revoked = 1 WHERE associate_id = ?1 AND kind = ?2 AND revoked = 0",
            params![associate, kind.column()],
        )?;
        Ok(revoked as u64)
    }

    fn add_app(&self, name: &str, now: Timestamp) -> Result<String, AdminError> {
        let token = secret::issue_app_token();
        let inserted = self.connection().execute(
            "INSERT OR IGNORE INTO partner_app (name, fingerprint, created) VALUES (?1, ?2, ?3)",
            params![name, secret::fingerprint(&token), now],
        )?;
        if inserted == 0 {
            return Err(AdminError::Exists {
                what: "app",
                name: name.to_string(),
            });
        }
        Ok(token)
    }

    fn revoke_app(&self, name: &str) -> Result<(), AdminError> {
        let changed = self.connection().execute(
            "UPDATE partner_app SET revoked = 1 WHERE name = ?1 COLLATE NOCASE",
            [name],
        )?;
        if changed == 0 {
            return Err(AdminError::Unknown {
                what: "app",
                name: name.to_string(),
            });
        }
        Ok(())
    }

    fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        connection.execute(
            "INSERT INTO credentials (associate_id, type, value) VALUES (?1, 'password', ?2) \
             ON CONFLICT (associate_id, type) DO UPDATE SET value = excluded.value",
            params![associate, password_hash],
        )?;
        Ok(())
    }

    fn delete_associate(&self, user: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        connection.execute(
            "UPDATE associate SET deleted = 1 WHERE associate_id = ?1",
            [associate],
        )?;
        Ok(())
    }

    fn run_script(&self, sql: &str) -> Result<(), AdminError> {
        Ok(self.connection().execute_batch(sql)?)
    }
}

fn id_of(connection: &Connection, sql: &str, name: &str) -> rusqlite::Result<Option<i64>> {
    connection
        .query_row(sql, [name], |row| row.get(0))
        .optional()
}

fn associate_id(connection: &Connection, name: &str) -> Result<i64, AdminError> {
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

/// The id of `user`, who must not be deleted: secrets are not issued to the departed.
fn live_associate(connection: &Connection, user: &str) -> Result<i64, AdminError> {
    let id = associate_id(connection, user)?;
    let deleted: bool = connection.query_row(
        "SELECT deleted FROM associate WHERE associate_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if deleted {
        return Err(AdminError::Unknown {
            what: "active associate",
            name: user.to_string(),
        });
    }
    Ok(id)
}
