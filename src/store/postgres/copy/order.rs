//! Foreign-key order: a table is copied after the tables it references, so every row's
//! references exist when it is inserted (PostgreSQL checks them at once: the schema's keys are
//! not deferrable). The schema has a cycle - an associate names her person, a person his
//! associate - which is broken at a nullable column: its values are inserted as NULL and
//! filled in once every table is copied ([`super::rows::fill_deferred`]).

use super::catalog::Table;

/// A table in its place, with the columns filled in after the copy.
#[derive(Debug, PartialEq, Eq)]
pub struct Planned {
    pub table: Table,
    pub deferred: Vec<String>,
}

/// `tables` in an order in which each one's references are copied before it, as far as the
/// cycles allow; ties, and the table whose references are deferred, go by name.
pub fn order(mut tables: Vec<Table>) -> Vec<Planned> {
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let copied: Vec<String> = tables.iter().map(|table| table.name.clone()).collect();
    let mut placed: Vec<Planned> = Vec::new();
    while !tables.is_empty() {
        // The references not yet satisfied: to another table of the copy, not placed yet.
        let waiting = |table: &Table, placed: &[Planned]| -> Vec<String> {
            table
                .references
                .iter()
                .filter(|(_, target)| {
                    target != &table.name
                        && copied.contains(target)
                        && !placed.iter().any(|done| &done.table.name == target)
                })
                .map(|(column, _)| column.clone())
                .collect()
        };
        let ready = tables
            .iter()
            .position(|table| waiting(table, &placed).is_empty());
        // In a cycle: the first table whose waiting references can all be NULL for a while
        // (a NOT NULL one would fail its insert, rolling the copy back, which is still safe).
        let next = ready.unwrap_or_else(|| {
            tables
                .iter()
                .position(|table| {
                    waiting(table, &placed).iter().all(|column| {
                        table
                            .columns
                            .iter()
                            .any(|known| &known.name == column && known.nullable)
                    })
                })
                .unwrap_or(0)
        });
        let table = tables.remove(next);
        let deferred = waiting(&table, &placed);
        placed.push(Planned { table, deferred });
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::super::catalog::Column;
    use super::*;

    fn table(name: &str, references: &[(&str, &str, bool)]) -> Table {
        Table {
            name: name.into(),
            columns: references
                .iter()
                .map(|(column, _, nullable)| Column {
                    name: (*column).into(),
                    kind: "bigint".into(),
                    nullable: *nullable,
                    identity: false,
                })
                .collect(),
            key: vec![],
            references: references
                .iter()
                .map(|(column, target, _)| ((*column).into(), (*target).into()))
                .collect(),
        }
    }

    fn names(planned: &[Planned]) -> Vec<(&str, Vec<&str>)> {
        planned
            .iter()
            .map(|p| {
                let deferred = p.deferred.iter().map(String::as_str).collect();
                (p.table.name.as_str(), deferred)
            })
            .collect()
    }

    #[test]
    fn references_come_first_and_a_cycle_is_broken_at_a_nullable_column() {
        let planned = order(vec![
            table("message", &[("session_id", "session", false)]),
            table("session", &[("user_id", "associate", true)]),
            // The cycle: person's link is NOT NULL here, so associate's is deferred.
            table("person", &[("associate_id", "associate", false)]),
            table(
                "associate",
                &[("person_id", "person", true), ("zone", "zone", true)],
            ),
            table("zone", &[]),
            // A table that is not copied is no reason to wait.
            table("event", &[("webhook", "not_copied", false)]),
        ]);
        assert_eq!(
            names(&planned),
            vec![
                ("event", vec![]),
                ("zone", vec![]),
                ("associate", vec!["person_id"]),
                ("person", vec![]),
                ("session", vec![]),
                ("message", vec![]),
            ]
        );
    }
}
