//! The welcome message as the customer reads it, and the string resources it may use.
//!
//! A topic's `welcome_message` may be multi-language (`US:"Hi!";NO:"Hei!"`), refer to string
//! resources (`[SR_CHAT_WELCOME]`) and hold encoded values; all are resolved in the topic's
//! customer language before the message is stored. Then the placeholders are filled in:
//! `{agent}` (the agent's full name, or first name when the topic says so), `{customer}`
//! (the customer's name, else alias) and `{topic}`; any other `{...}` stays as written.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

use crate::locale::{Culture, Language, Localizer, Resources};
use crate::store::Agent;

/// What the placeholders stand for.
struct Names {
    agent: String,
    customer: String,
    topic: String,
}

/// The welcome text for `session` in `topic`, resolved and filled; `None` when empty.
pub(super) fn welcome_message(
    connection: &Connection,
    topic: i64,
    session: i64,
    agent: &Agent,
) -> rusqlite::Result<Option<String>> {
    let (raw, language_id, names) = connection
        .prepare_cached(
            "SELECT t.welcome_message, t.language_id, t.name, t.widget_agent_use_firstname, \
                    s.name, s.customer_alias, p.firstname \
             FROM chat_topic t JOIN chat_session s ON s.id = ?2 \
             LEFT JOIN associate a ON a.associate_id = ?3 \
             LEFT JOIN person p ON p.person_id = a.person_id \
             WHERE t.id = ?1",
        )?
        .query_row(params![topic, session, agent.associate_id], |row| {
            let first_name_only: bool = row.get(3)?;
            let customer: String = row.get(4)?;
            let alias: String = row.get(5)?;
            let person_first_name: Option<String> = row.get(6)?;
            let agent = if first_name_only {
                first_name(agent, person_first_name)
            } else {
                agent.display_name.clone()
            };
            let names = Names {
                agent,
                customer: if customer.trim().is_empty() {
                    alias
                } else {
                    customer
                },
                topic: row.get(2)?,
            };
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?,
                names,
            ))
        })?;
    let language = language_id
        .and_then(Language::from_id)
        .unwrap_or(Language::ENGLISH);
    let resources = if raw.contains("[SR_") {
        resources(connection, language)?
    } else {
        Resources::default()
    };
    let localizer = Localizer::RAW.translating(language, Culture::default_for(language), resources);
    let text = fill(&localizer.text(&raw), &names);
    Ok((!text.trim().is_empty()).then_some(text))
}

/// The person's first name, else the first word of the full name.
fn first_name(agent: &Agent, person_first_name: Option<String>) -> String {
    person_first_name
        .filter(|name| !name.trim().is_empty())
        .or_else(|| {
            agent
                .display_name
                .split_whitespace()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| agent.display_name.clone())
}

/// Replaces the known placeholders in one pass, so a name that contains `{topic}` stays
/// as it is.
fn fill(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let known = [
            ("{agent}", &names.agent),
            ("{customer}", &names.customer),
            ("{topic}", &names.topic),
        ]
        .into_iter()
        .find(|(placeholder, _)| after.starts_with(placeholder));
        match known {
            Some((placeholder, value)) => {
                out.push_str(value);
                rest = &after[placeholder.len()..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

    fn names() -> Names {
        Names {
            agent: "Thomas Jensen".into(),
            customer: "Kari {topic}".into(),
            topic: "Support".into(),
        }
    }

    #[test]
    fn fills_known_placeholders_and_leaves_the_rest() {
        let table = [
            (
                "Hi {customer}, I am {agent} from {topic}.",
                "Hi Kari {topic}, I am Thomas Jensen from Support.",
            ),
            ("{unknown} {agent", "{unknown} {agent"),
            ("{{agent}}", "{Thomas Jensen}"),
            ("no placeholders", "no placeholders"),
            ("{", "{"),
            ("ÆØÅ {topic}", "ÆØÅ Support"),
        ];
        for (text, expected) in table {
            assert_eq!(fill(text, &names()), expected, "{text}");
        }
    }

    #[test]
    fn the_first_name_comes_from_the_person_else_the_full_name() {
        let agent = Agent {
            associate_id: 1,
            name: "tje0".into(),
            display_name: "Thomas Jensen".into(),
        };
        assert_eq!(first_name(&agent, Some("Tom".into())), "Tom");
        assert_eq!(first_name(&agent, Some(" ".into())), "Thomas");
        assert_eq!(first_name(&agent, None), "Thomas");
    }

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
