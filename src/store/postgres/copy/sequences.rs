//! The identity sequences moved past the copied ids: the copy gives every row its id, so
//! the sequences have not moved, and the next session or message would get an id taken.

use deadpool_postgres::ClientWrapper;

use super::catalog::Table;
use crate::store::postgres::quote;

/// Sets each identity column's sequence of `table` to its largest id (none if it is empty).
pub async fn advance(client: &ClientWrapper, table: &Table) -> Result<(), tokio_postgres::Error> {
    for column in table.columns.iter().filter(|column| column.identity) {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), largest) \
             FROM (SELECT max({}) AS largest FROM {}) ids WHERE largest IS NOT NULL",
            quote(&column.name),
            quote(&table.name)
        );
        client
            .execute(&sql, &[&quote(&table.name), &column.name])
            .await?;
    }
    Ok(())
}
