//! The target schema's tables as its catalog describes them: columns with their types, the
//! primary key, and the foreign keys that decide the order of the copy.

use deadpool_postgres::ClientWrapper;

/// A column of the target, with what the copy needs to know of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `information_schema.columns.data_type`: `bigint`, `boolean`, `text`, ...
    pub kind: String,
    pub nullable: bool,
    /// An identity column, whose sequence must continue past the copied ids.
    pub identity: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub key: Vec<String>,
    /// (column, referenced table) for each foreign key.
    pub references: Vec<(String, String)>,
}

/// The schema on the search_path, for the filters below.
const HERE: &str = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

/// Every table of the schema on the search_path, by name.
pub async fn tables(client: &ClientWrapper) -> Result<Vec<Table>, tokio_postgres::Error> {
    let columns = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, \
                    is_nullable = 'YES', is_identity = 'YES' \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
            &[],
        )
        .await?;
    let mut tables: Vec<Table> = Vec::new();
    for row in &columns {
        let name: String = row.try_get(0)?;
        if tables.last().is_none_or(|table| table.name != name) {
            tables.push(Table {
                name,
                columns: Vec::new(),
                key: Vec::new(),
                references: Vec::new(),
            });
        }
        if let Some(table) = tables.last_mut() {
            table.columns.push(Column {
                name: row.try_get(1)?,
                kind: row.try_get(2)?,
                nullable: row.try_get(3)?,
                identity: row.try_get(4)?,
            });
        }
    }
    let keys = format!(
        "SELECT t.relname::text, a.attname::text FROM pg_index i \
         JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
         WHERE i.indisprimary AND t.relnamespace = {HERE}"
    );
    for row in client.query(&keys, &[]).await? {
        let (table, column): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        if let Some(table) = tables.iter_mut().find(|known| known.name == table) {
            table.key.push(column);
        }
    }
    let references = format!(
        "SELECT s.relname::text, a.attname::text, d.relname::text FROM pg_constraint c \
         JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class d ON d.oid = c.confrelid \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
         WHERE c.contype = 'f' AND c.connamespace = {HERE}"
    );
    for row in client.query(&references, &[]).await? {
        let (table, column, target): (String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if let Some(table) = tables.iter_mut().find(|known| known.name == table) {
            table.references.push((column, target));
        }
    }
    Ok(tables)
}
