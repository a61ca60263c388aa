//! [`Admin`] on a PostgreSQL schema: each operation is one transaction.

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::{PgStore, execute, row, rows, secrets};
use crate::account::secret::SecretKind;
use crate::chat::customer;
use crate::chat::events::{ADMIN, Event, Happened, SWEEP};
use crate::chat::message::Message;
use crate::chat::outbox::{self, Hook};
use crate::chat::queue::queue_position;
use crate::entity::status;
use crate::store::StoreError;
use crate::store::admin::{
    Admin, AdminError, NewSecret, NewTopic, NewWebhook, Queued, Rights, TopicSetting, Waiting,
    WebhookInfo, secret_holder,
};
use crate::store::sql::{customer as sql_customer, keys, topics};
use crate::time::Timestamp;

impl Admin for PgStore {
    fn add_associate(
        &self,
        name: &str,
        full_name: &str,
        password_hash: &str,
    ) -> Result<i64, AdminError> {
        Ok(self.write(async |client| {
            let exists = "SELECT associate_id FROM associate WHERE lower(name) = lower($1)";
            if row(client, exists, &[&name]).await?.is_some() {
                return Err(exists_already("associate", name));
            }
            let added =
                "INSERT INTO associate (name, full_name) VALUES ($1, $2) RETURNING associate_id";
            let id: i64 = one(client, added, &[&name, &full_name]).await?;
            let password =
                "INSERT INTO credentials (associate_id, type, value) VALUES ($1, 'password', $2)";
            execute(client, password, &[&id, &password_hash]).await?;
            Ok(id)
        })?)
    }

    fn add_topic(&self, topic: &NewTopic) -> Result<i64, AdminError> {
        Ok(self.write(async |client| {
            let language_id: Option<i64> = match &topic.language {
                None => None,
                Some(code) => {
                    let sql = "SELECT id FROM language WHERE lower(code) = lower($1)";
                    let found = row(client, sql, &[code]).await?;
                    Some(found.ok_or_else(|| unknown("language", code))?.try_get(0)?)
                }
            };
            let exists = "SELECT id FROM chat_topic WHERE lower(name) = lower($1)";
            if row(client, exists, &[&topic.name]).await?.is_some() {
                return Err(exists_already("topic", &topic.name));
            }
            let sql = "INSERT INTO chat_topic (name, welcome_message, language_id, widget_agent_use_firstname) \
                       VALUES ($1, $2, $3, $4) RETURNING id";
            let params: [&(dyn ToSql + Sync); 4] = [
                &topic.name,
                &topic.welcome,
                &language_id,
                &topic.agent_first_name,
            ];
            one(client, sql, &params).await
        })?)
    }

    fn place_in_zone(
        &self,
        user: &str,
        location: Option<&str>,
    ) -> Result<Option<String>, AdminError> {
        Ok(self.write(async |client| {
            let user_id = associate_id(client, user).await?;
            let location: Option<(i64, String)> = match location {
                None => None,
                Some(code) => {
                    let sql = "SELECT tzlocation_id, iana_zone FROM tzlocation \
                               WHERE location_code = $1 OR tzlocation_id::text = $1";
                    let found = row(client, sql, &[&code]).await?;
                    let found = found.ok_or_else(|| unknown("time-zone location", code))?;
                    Some((found.try_get(0)?, found.try_get(1)?))
                }
            };
            let sql = "UPDATE associate SET tzlocation_id = $2 WHERE associate_id = $1";
            let location_id = location.as_ref().map(|(id, _)| *id);
            execute(client, sql, &[&user_id, &location_id]).await?;
            Ok(location.map(|(_, iana)| iana))
        })?)
    }

    fn set_capacity(&self, user: &str, limit: Option<i64>) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            let user_id = associate_id(client, user).await?;
            let sql = "UPDATE associate SET max_active_sessions = $2 WHERE associate_id = $1";
            execute(client, sql, &[&user_id, &limit]).await?;
            Ok(())
        })?)
    }

    fn set_topic(&self, topic: &str, setting: &TopicSetting) -> Result<(), AdminError> {
        let value: &(dyn ToSql + Sync) = match setting {
            TopicSetting::Capacity(value) | TopicSetting::IdleSeconds(value) => value,
            TopicSetting::Origins(value) => value,
        };
        Ok(self.write(async |client| {
            let topic_id = topic_id(client, topic).await?;
            execute(client, topics::update(setting), &[&topic_id, value]).await?;
            Ok(())
        })?)
    }

    fn add_member(&self, user: &str, topic: &str, rights: Rights) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            let user_id = associate_id(client, user).await?;
            let topic_id = topic_id(client, topic).await?;
            let sql = "INSERT INTO chat_topic_user (user_id, topic_id, can_listen, can_respond, manager, notifications) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, topic_id) DO UPDATE SET \
                 can_listen = excluded.can_listen, can_respond = excluded.can_respond, \
                 manager = excluded.manager, notifications = excluded.notifications";
            let params: [&(dyn ToSql + Sync); 6] = [
                &user_id,
                &topic_id,
                &rights.listen,
                &rights.respond,
                &rights.manage,
                &rights.notify,
            ];
            execute(client, sql, &params).await?;
            Ok(())
        })?)
    }

    fn insert_session(&self, queued: &Queued) -> Result<i64, AdminError> {
        Ok(self.write(async |client| insert_session(client, queued).await)?)
    }

    fn queue(&self) -> Result<Vec<Waiting>, AdminError> {
        Ok(self.write(async |client| {
            let sql = "SELECT s.id, t.name, s.name, s.when_requested, s.initial_queue_pos, s.chatbot_isactive \
                 FROM chat_session s JOIN chat_topic t ON t.id = s.topic_id \
                 WHERE s.status = $1 ORDER BY s.when_requested, s.id";
            rows(client, sql, &[&status::IN_QUEUE])
                .await?
                .iter()
                .map(|row| {
                    Ok(Waiting {
                        session_id: row.try_get(0)?,
                        topic: row.try_get(1)?,
                        customer_name: row.try_get(2)?,
                        when_requested: Timestamp::from_utc(row.try_get(3)?),
                        initial_queue_pos: row.try_get(4)?,
                        chatbot_active: row.try_get(5)?,
                    })
                })
                .collect()
        })?)
    }

    fn sweep(&self, now: Timestamp) -> Result<usize, AdminError> {
        Ok(self.write(async |client| {
            let at = now.utc();
            let dead: Vec<i64> = rows(client, &sql_customer::DEAD, &[&at])
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?;
            let mut closed = 0;
            for session in &dead {
                if execute(client, &sql_customer::END_DEAD, &[session, &at]).await? == 0 {
                    continue;
                }
                super::messages::insert(client, *session, &Message::closed_by_idle(), now).await?;
                let ended = Happened::by_the_service(Event::ENDED, *session, SWEEP, now);
                super::events::record(client, &ended).await?;
                closed += 1;
            }
            let expired = now.before(customer::KEYS_KEPT).utc();
            execute(client, keys::CUSTOMER_EXPIRED, &[&expired]).await?;
            let delivered = now.before(outbox::KEPT).utc();
            execute(client, crate::store::sql::webhooks::SWEEP, &[&delivered]).await?;
            execute(client, crate::store::sql::accounts::ENDED_TICKETS, &[&at]).await?;
            Ok(closed)
        })?)
    }

    fn add_webhook(&self, webhook: &NewWebhook, now: Timestamp) -> Result<(), AdminError> {
        Ok(self.write(async |client| super::webhooks::add(client, webhook, now).await)?)
    }

    fn webhooks(&self) -> Result<Vec<WebhookInfo>, AdminError> {
        Ok(self.write(async |client| super::webhooks::list(client).await)?)
    }

    fn remove_webhook(&self, name: &str) -> Result<(), AdminError> {
        Ok(self.write(async |client| super::webhooks::remove(client, name).await)?)
    }

    fn resume_webhook(&self, name: &str, now: Timestamp) -> Result<(), AdminError> {
        Ok(self.write(async |client| super::webhooks::resume(client, name, now).await)?)
    }

    fn hook(&self, name: &str) -> Result<Hook, AdminError> {
        Ok(self.write(async |client| super::webhooks::hook(client, name).await)?)
    }

    fn has_no_associates(&self) -> Result<bool, AdminError> {
        Ok(self.write(async |client| {
            let sql = "SELECT NOT EXISTS (SELECT 1 FROM associate)";
            one(client, sql, &[]).await
        })?)
    }

    fn run_script(&self, sql: &str) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            // The script's date-times are UTC text.
            client.batch_execute("SET LOCAL TIME ZONE 'UTC'").await?;
            client.batch_execute(sql).await?;
            // Rows inserted with their ids leave the identity sequences behind: move each past
            // its table's largest id, so rows added later do not collide.
            client.batch_execute(RESYNC_IDENTITIES).await?;
            Ok(())
        })?)
    }

    fn add_secret(&self, user: &str, secret: &NewSecret) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            let sql = "SELECT associate_id, deleted FROM associate WHERE lower(name) = lower($1)";
            let found = row(client, sql, &[&user]).await?;
            let found = found.ok_or_else(|| unknown("associate", user))?;
            let holder = secret_holder(user, found.try_get(0)?, found.try_get(1)?)?;
            secrets::add(client, holder, secret).await?;
            Ok(())
        })?)
    }

    fn revoke_fingerprint(&self, kind: SecretKind, fingerprint: &str) -> Result<bool, AdminError> {
        Ok(self.write(async |client| Ok(secrets::revoke(client, kind, fingerprint).await?))?)
    }

    fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<u64, AdminError> {
        Ok(self.write(async |client| {
            let associate = associate_id(client, user).await?;
            let sql = "UPDATE auth_secret SET revoked = true \
                       WHERE associate_id = $1 AND kind = $2 AND NOT revoked";
            Ok(execute(client, sql, &[&associate, &kind.column()]).await?)
        })?)
    }

    fn register_app(
        &self,
        name: &str,
        fingerprint: &str,
        now: Timestamp,
    ) -> Result<bool, AdminError> {
        Ok(self.write(async |client| {
            let sql = "INSERT INTO partner_app (name, fingerprint, created) VALUES ($1, $2, $3) \
                       ON CONFLICT DO NOTHING";
            Ok(execute(client, sql, &[&name, &fingerprint, &now.utc()]).await? > 0)
        })?)
    }

    fn revoke_apps_named(&self, name: &str) -> Result<u64, AdminError> {
        Ok(self.write(async |client| {
            let sql = "UPDATE partner_app SET revoked = true WHERE lower(name) = lower($1)";
            Ok(execute(client, sql, &[&name]).await?)
        })?)
    }

    fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            let associate = associate_id(client, user).await?;
            let sql = "INSERT INTO credentials (associate_id, type, value) VALUES ($1, 'password', $2) \
                 ON CONFLICT (associate_id, type) DO UPDATE SET value = excluded.value";
            execute(client, sql, &[&associate, &password_hash]).await?;
            Ok(())
        })?)
    }

    fn delete_associate(&self, user: &str) -> Result<(), AdminError> {
        Ok(self.write(async |client| {
            let associate = associate_id(client, user).await?;
            let sql = "UPDATE associate SET deleted = true WHERE associate_id = $1";
            execute(client, sql, &[&associate]).await?;
            Ok(())
        })?)
    }
}

/// Every identity column of the schema on the search_path, its sequence moved past the
/// column's largest value.
const RESYNC_IDENTITIES: &str = "DO $$ DECLARE c record; BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), greatest(1, (SELECT max(%I) FROM %I)), (SELECT max(%I) FROM %I) IS NOT NULL)',
                       c.table_name, c.column_name, c.column_name, c.table_name, c.column_name, c.table_name);
    END LOOP;
END $$";

async fn insert_session(client: &ClientWrapper, queued: &Queued<'_>) -> Result<i64, Failure> {
    let session = queued.session;
    let topic_id = topic_id(client, &session.topic).await?;
    // Customers entering one topic's queue take turns, so each counts the others right.
    execute(
        client,
        "SELECT 1 FROM chat_topic WHERE id = $1 FOR UPDATE",
        &[&topic_id],
    )
    .await?;
    let waiting: i64 = one(
        client,
        "SELECT count(*) FROM chat_session WHERE topic_id = $1 AND status = $2",
        &[&topic_id, &status::IN_QUEUE],
    )
    .await?;
    let links = &session.links;
    let sql = "INSERT INTO chat_session (topic_id, customer_id, contact_id, project_id, sale_id, ticket_id, \
         customer_alias, name, email, phone, company_name, status, first_message, last_message, \
         when_requested, idle, session_key, initial_queue_pos, chatbot_isactive) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
         RETURNING id";
    let params: [&(dyn ToSql + Sync); 19] = [
        &topic_id,
        &links.person,
        &links.contact,
        &links.project,
        &links.sale,
        &links.ticket,
        &queued.alias,
        &session.customer_name,
        &session.email,
        &session.phone,
        &session.company,
        &status::IN_QUEUE,
        &session.first_message,
        &queued.last_message,
        &queued.requested.utc(),
        &queued.idle.utc(),
        &queued.key,
        &queue_position(waiting),
        &session.chatbot_active,
    ];
    let session_id: i64 = one(client, sql, &params).await?;
    if let Some(message) = &queued.message {
        let sql = "INSERT INTO chat_message (session_id, message, when_posted, type, special_type, author, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let params: [&(dyn ToSql + Sync); 7] = [
            &session_id,
            &message.text,
            &queued.requested.utc(),
            &message.kind,
            &message.special,
            &message.author,
            &message.created_by,
        ];
        execute(client, sql, &params).await?;
    }
    let created = Happened::by_the_service(Event::CREATED, session_id, ADMIN, queued.requested);
    super::events::record(client, &created).await?;
    Ok(session_id)
}

/// The first column of the one row `sql` returns.
async fn one<T: for<'a> tokio_postgres::types::FromSql<'a>>(
    client: &ClientWrapper,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<T, Failure> {
    let found = row(client, sql, params).await?;
    let found =
        found.ok_or_else(|| Failure::Store(StoreError::Internal(format!("no row from {sql}"))))?;
    Ok(found.try_get(0)?)
}

async fn associate_id(client: &ClientWrapper, name: &str) -> Result<i64, Failure> {
    let sql = "SELECT associate_id FROM associate WHERE lower(name) = lower($1)";
    let found = row(client, sql, &[&name]).await?;
    Ok(found
        .ok_or_else(|| unknown("associate", name))?
        .try_get(0)?)
}

async fn topic_id(client: &ClientWrapper, name: &str) -> Result<i64, Failure> {
    let sql = "SELECT id FROM chat_topic WHERE lower(name) = lower($1)";
    let found = row(client, sql, &[&name]).await?;
    Ok(found.ok_or_else(|| unknown("topic", name))?.try_get(0)?)
}

fn unknown(what: &'static str, name: &str) -> Failure {
    Failure::Admin(AdminError::unknown(what, name))
}

fn exists_already(what: &'static str, name: &str) -> Failure {
    Failure::Admin(AdminError::exists(what, name))
}
