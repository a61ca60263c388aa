//! One test database on either backend: a SQLite file in a temporary directory, or a fresh
//! database on the shared throwaway PostgreSQL cluster - with the stores the handler uses,
//! the admin operations, and plain SQL to look at what happened.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chat_pickup::account::tenant::Tenant;
use chat_pickup::http::App;
use chat_pickup::store::Stores;
use chat_pickup::store::admin::{Admin, NewTopic};
use chat_pickup::store::postgres::{PgOptions, PgStores, PgTarget};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};
use tempfile::TempDir;

use crate::cluster::Cluster;
use crate::credentials::{PASSWORD_HASH, RESPOND};

pub struct Backend {
    pub name: &'static str,
    pub stores: Arc<dyn Stores>,
    pub admin: Arc<dyn Admin>,
    look: Look,
    dir: TempDir,
    _cluster: Option<Arc<Cluster>>,
}

/// How the test reads the database behind the handler's back.
enum Look {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backend {
    pub fn sqlite() -> Backend {
        Self::sqlite_with(SqliteOptions::default())
    }

    /// SQLite, the handler's stores opened with `options` (the admin's keep the defaults).
    pub fn sqlite_with(options: SqliteOptions) -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("default.db");
        let tenants = dir.path().join("tenants");
        std::fs::create_dir(&tenants).unwrap();
        let admin = Arc::new(SqliteStore::create(&db, &SqliteOptions::default()).unwrap());
        let stores = SqliteStores::new(db.clone(), Some(tenants), options);
        Backend {
            name: "sqlite",
            stores: Arc::new(stores),
            admin,
            look: Look::Sqlite(db),
            dir,
            _cluster: None,
        }
    }

    /// `None` (said loudly) where PostgreSQL is not installed.
    pub fn postgres() -> Option<Backend> {
        let cluster = Cluster::shared()?;
        let url = cluster.database();
        let stores = Arc::new(PgStores::new(&target(&url), options()).unwrap());
        let admin = stores.open(None, true).unwrap();
        Some(Backend {
            name: "postgres",
            stores,
            admin,
            look: Look::Postgres(url),
            dir: tempfile::tempdir().unwrap(),
            _cluster: Some(cluster),
        })
    }

    /// Closes the backend's connections and keeps only its temporary directory, for a test
    /// that goes on with the files.
    pub fn into_dir(self) -> TempDir {
        self.dir
    }

    /// Whether this is the PostgreSQL backend.
    pub fn is_postgres(&self) -> bool {
        matches!(self.look, Look::Postgres(_))
    }

    /// A temporary directory that lives as long as the backend.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite database file.
    pub fn db(&self) -> &Path {
        match &self.look {
            Look::Sqlite(db) => db,
            Look::Postgres(_) => panic!("a PostgreSQL backend has no file"),
        }
    }

    /// The PostgreSQL database's URL.
    pub fn url(&self) -> &str {
        match &self.look {
            Look::Postgres(url) => url,
            Look::Sqlite(_) => panic!("a SQLite backend has no URL"),
        }
    }

    /// A handler over these stores, changed by `configure` (a clock, auth settings).
    pub fn app(&self, configure: impl FnOnce(App) -> App) -> Arc<App> {
        Arc::new(configure(App::new(self.stores.clone())))
    }

    /// A tenant's database (SQLite: a file in the tenants directory; PostgreSQL: a schema).
    pub fn tenant(&self, name: &str) -> Arc<dyn Admin> {
        let tenant = Tenant::parse(name).unwrap();
        match &self.look {
            Look::Sqlite(db) => {
                let path = db.with_file_name("tenants").join(format!("{tenant}.db"));
                Arc::new(SqliteStore::create(&path, &SqliteOptions::default()).unwrap())
            }
            Look::Postgres(url) => {
                let stores = PgStores::new(&target(url), options()).unwrap();
                stores.open(Some(&tenant), true).unwrap()
            }
        }
    }

    pub fn agent(&self, name: &str) -> i64 {
        self.admin
            .add_associate(name, &format!("{name} Fullname"), &PASSWORD_HASH)
            .unwrap()
    }

    /// A topic with `welcome`, and `members` responding in it.
    pub fn topic(&self, name: &str, welcome: &str, members: &[&str]) -> i64 {
        let id = self.admin.add_topic(&NewTopic::new(name, welcome)).unwrap();
        for member in members {
            self.admin.add_member(member, name, RESPOND).unwrap();
        }
        id
    }

    /// Runs statements written for both backends.
    pub fn exec(&self, sql: &str) {
        match &self.look {
            Look::Sqlite(db) => rusqlite::Connection::open(db)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Look::Postgres(url) => on_postgres(url, async |client| {
                client.batch_execute(sql).await.unwrap();
            }),
        }
    }

    /// Every row of `table`, each as one text: equal lists mean equal contents.
    pub fn rows_as_text(&self, table: &str) -> Vec<String> {
        match &self.look {
            Look::Sqlite(db) => {
                let connection = rusqlite::Connection::open(db).unwrap();
                let mut statement = connection
                    .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
                    .unwrap();
                let columns = statement.column_count();
                statement
                    .query_map([], |row| {
                        Ok((0..columns)
                            .map(|index| format!("{:?}", row.get_ref(index).unwrap()))
                            .collect::<Vec<_>>()
                            .join("|"))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Look::Postgres(_) => {
                self.texts(&format!("SELECT CAST(t AS text) FROM {table} t ORDER BY 1"))
            }
        }
    }

    /// The one text `sql` returns.
    pub fn text(&self, sql: &str) -> String {
        self.texts(sql).remove(0)
    }

    /// The one integer `sql` returns.
    pub fn int(&self, sql: &str) -> i64 {
        self.ints(sql)[0]
    }

    /// The first column of each row `sql` returns, as integers.
    pub fn ints(&self, sql: &str) -> Vec<i64> {
        self.column(sql)
    }

    /// The first column of each row `sql` returns, as text.
    pub fn texts(&self, sql: &str) -> Vec<String> {
        self.column(sql)
    }

    fn column<T>(&self, sql: &str) -> Vec<T>
    where
        T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>,
    {
        match &self.look {
            Look::Sqlite(db) => rusqlite::Connection::open(db)
                .unwrap()
                .prepare(sql)
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect(),
            Look::Postgres(url) => on_postgres(url, async |client| {
                let rows = client.query(sql, &[]).await.unwrap();
                rows.iter().map(|row| row.get::<_, T>(0)).collect()
            }),
        }
    }
}

pub fn target(url: &str) -> PgTarget {
    url.parse().unwrap()
}

fn options() -> PgOptions {
    PgOptions {
        connections: 4,
        ..PgOptions::default()
    }
}

/// Runs `work` on a connection of its own, from a test's synchronous code.
fn on_postgres<T>(url: &str, work: impl AsyncFnOnce(&tokio_postgres::Client) -> T) -> T {
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        handle.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            work(&client).await
        })
    })
}

/// Runs each named `async fn(Backend)` against SQLite and against PostgreSQL, as
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $test() {
                    super::$test($crate::Backend::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $test() {
                    if let Some(backend) = $crate::Backend::postgres() {
                        super::$test(backend).await
                    }
                }
            )*
        }
    };
}
