//! The welcome message's inputs as SQLite stores them, and the string resources it may use.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

use crate::locale::{Language, Resources};
use crate::store::Agent;
use crate::store::welcome::WelcomeSource;

/// The welcome text for `session` in `topic`, resolved and filled; `None` when empty.
pub(super) fn welcome_message(
    connection: &Connection,
    topic: i64,
    session: i64,
    agent: &Agent,
) -> rusqlite::Result<Option<String>> {
    let source = connection
        .prepare_cached(
            "SELECT t.welcome_message, t.language_id, t.name, t.widget_agent_use_firstname, \
                    s.name, s.customer_alias, p.firstname \
             FROM chat_topic t JOIN chat_session s ON s.id = ?2 \
             LEFT JOIN associate a ON a.associate_id = ?3 \
             LEFT JOIN person p ON p.person_id = a.person_id \
             WHERE t.id = ?1",
        )?
        .query_row(params![topic, session, agent.associate_id], |row| {
            Ok(WelcomeSource {
                raw: row.get(0)?,
                language_id: row.get(1)?,
                topic: row.get(2)?,
                first_name_only: row.get(3)?,
                customer: row.get(4)?,
                alias: row.get(5)?,
                person_first_name: row.get(6)?,
            })
        })?;
    let resources = if source.needs_resources() {
        resources(connection, source.language())?
    } else {
        Resources::default()
    };
    Ok(source.compose(agent, resources))
}

/// The resources in `language`, with English for the keys it lacks.
pub(super) fn resources(
    connection: &Connection,
    language: Language,
) -> rusqlite::Result<Resources> {
    let mut statement = connection.prepare_cached(
        "SELECT resource_key, text FROM resource WHERE language_id IN (?1, ?2) \
         ORDER BY language_id = ?1",
    )?;
    let rows = statement.query_map(params![language.id(), Language::ENGLISH.id()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    // English first, then the language's own texts replace it.
    let texts: BTreeMap<String, String> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(Resources::new(texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_row_matches_the_language_table_in_code() {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(super::super::SCHEMA).unwrap();
        let rows: Vec<(i64, String, String)> = connection
            .prepare("SELECT id, code, iso2 FROM language ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let code: Vec<(i64, String, String)> = Language::all()
            .map(|language| {
                (
                    language.id(),
                    language.prefix().into(),
                    language.iso().into(),
                )
            })
            .collect();
        assert_eq!(rows, code);
    }

    #[test]
    fn every_shipped_resource_exists_in_every_language() {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(super::super::SCHEMA).unwrap();
        let missing: i64 = connection
            .query_row(
                "SELECT count(*) FROM (SELECT DISTINCT resource_key FROM resource) k \
                 CROSS JOIN language l WHERE NOT EXISTS (SELECT 1 FROM resource r \
                 WHERE r.resource_key = k.resource_key AND r.language_id = l.id)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(missing, 0);
        let norwegian = resources(&connection, Language::from_prefix("NO").unwrap()).unwrap();
        assert_eq!(norwegian.get("SR_TICKET_STATUS_OPEN"), Some("Åpen"));
    }
}
