//! Start-up: from checked settings to a running service. The stores and the app are built
//! here, then either the local server, the Lambda runtime or a one-shot command runs. What
//! the binary sets before anything else starts is here too: the allocator ([`memory`]) and
//! the structured log ([`logging`]).

mod lambda;
pub mod logging;
pub mod memory;
pub mod metrics;

use std::sync::Arc;

use crate::admin::{self, AdminCommand, Context, copy, demo};
use crate::auth::AuthConfig;
use crate::config::{Cli, Command, Database, Failure, LambdaSettings, ServeArgs, Settings};
use crate::http::{App, server};
use crate::store::Stores;
use crate::store::admin::Admin;
use crate::store::postgres::PgStores;
use crate::store::sqlite::{SqliteStore, SqliteStores};
use crate::time::Timestamp;
use crate::webhook::Sender;
use crate::webhook::client::Outbound;

/// Runs the command line's command.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let settings = &cli.settings;
    match &cli.command {
        Some(Command::Serve(args)) => serve(settings, args).await,
        Some(Command::Demo) => seed_demo(open(settings)?.as_ref()),
        Some(Command::Admin {
            command: AdminCommand::CopyFrom(args),
        }) => copy_from(settings, args),
        Some(Command::Admin {
            command: AdminCommand::Store(command),
        }) => {
            let context = Context {
                xsrf_secret: settings.xsrf_secret().map_err(|error| error.to_string()),
            };
            admin::run(open(settings)?.as_ref(), command, &context)
        }
        None => Err("no command given; try --help".into()),
    }
}

/// The local HTTP server, until the process ends; the default database's dead chats swept
/// every [`SWEEP_EVERY`].
async fn serve(settings: &Settings, args: &ServeArgs) -> Result<(), Failure> {
    let stores = stores(settings, args, false)?;
    let sender = Arc::new(Sender::new(stores.clone(), Outbound::new()?));
    tokio::spawn(sender.clone().run(SEND_ALL_EVERY));
    let auth = args.local_auth_config(settings)?;
    let app = Arc::new(app(settings, args, stores.clone(), auth)?.with_sender(sender));
    if let Some(addr) = args.metrics_addr {
        serve_metrics(addr, args, stores.clone()).await?;
    }
    tokio::spawn(sweeping(stores));
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, db = %settings.db, "serving");
    server::serve(listener, app).await?;
    Ok(())
}

/// Serves the metrics on `addr` from now on; the chat's own address is refused.
async fn serve_metrics(
    addr: std::net::SocketAddr,
    args: &ServeArgs,
    stores: Arc<dyn Stores>,
) -> Result<(), Failure> {
    if addr == args.addr {
        return Err(
            "--metrics-addr must differ from --addr: the metrics are the operator's".into(),
        );
    }
    let handle = metrics::prometheus::install()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "metrics at GET /metrics");
    tokio::spawn(metrics::prometheus::serve(listener, handle, stores));
    Ok(())
}

/// How often the local server looks for webhook deliveries in every store (besides at once
/// in a store a change was committed in).
const SEND_ALL_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How often the local server closes dead chats.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Closes every tenant's dead chats every [`SWEEP_EVERY`], for as long as the server runs.
async fn sweeping(stores: Arc<dyn Stores>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    loop {
        ticks.tick().await;
        let stores = stores.clone();
        let swept = tokio::task::spawn_blocking(move || stores.sweep_all(Timestamp::now())).await;
        match swept {
            Ok(Ok(0)) => {}
            Ok(Ok(closed)) => tracing::info!(closed, "closed dead chats"),
            Ok(Err(error)) => tracing::warn!(%error, "sweeping dead chats failed"),
            Err(error) => tracing::warn!(%error, "sweeping dead chats failed"),
        }
    }
}

/// The Lambda runtime, until the instance is shut down. With `AWS_LAMBDA_MAX_CONCURRENCY`
/// above 1 (Lambda Managed Instances) it serves that many invocations at once, whose
/// pickups then share commits ([`crate::store::sqlite`]'s writer); otherwise one at a time.
/// The schedule's invocations sweep dead chats ([`lambda`]).
pub async fn lambda(lambda: LambdaSettings) -> Result<(), Failure> {
    let stores = stores(&lambda.settings, &lambda.serve, true)?;
    let sender = Arc::new(Sender::new(stores.clone(), Outbound::new()?));
    tokio::spawn(sender.clone().run(SEND_ALL_EVERY));
    let auth = lambda.serve.auth_config(&lambda.settings)?;
    let app = app(&lambda.settings, &lambda.serve, stores.clone(), auth)?;
    let app = Arc::new(app.with_sender(sender.clone()));
    let collector = metrics::emf::install()?;
    lambda::run(app, stores, sender, collector).await
}

/// The handler, over the configured stores, authenticating as `auth` says.
fn app(
    settings: &Settings,
    args: &ServeArgs,
    stores: Arc<dyn Stores>,
    auth: AuthConfig,
) -> Result<App, Failure> {
    if args.demo {
        seed_demo(open(settings)?.as_ref())?;
    }
    // Open the default database now, so a bad configuration shows at start-up.
    if let Err(error) = stores.store(None) {
        tracing::warn!(%error, "the default database is not available yet");
    }
    Ok(App::new(stores)
        .with_cors(args.cors_origins.clone())
        .with_default_zone(args.default_tz.clone())
        .with_forwarded(args.forwarded())
        .with_key_lifetime(args.key_lifetime())
        .with_customer_idle(args.customer_idle())
        .with_max_queue(args.max_queue)
        .with_customer_limits(args.customer_limits())
        .with_demo(args.demo)
        .with_auth(auth))
}

/// The stores behind the handler.
fn stores(
    settings: &Settings,
    args: &ServeArgs,
    on_lambda: bool,
) -> Result<Arc<dyn Stores>, Failure> {
    Ok(match &settings.db {
        Database::Sqlite(path) => Arc::new(SqliteStores::new(
            path.clone(),
            args.tenants_dir.clone(),
            settings.sqlite_options(),
        )),
        Database::Postgres(target) => {
            Arc::new(PgStores::new(target, settings.pg_options(on_lambda))?)
        }
    })
}

/// The database the `demo` and `admin` commands change.
fn open(settings: &Settings) -> Result<Arc<dyn Admin>, Failure> {
    match &settings.db {
        Database::Sqlite(_) if settings.tenant.is_some() => Err(
            "with SQLite a tenant is a file: name it with --db {tenants dir}/{tenant}.db".into(),
        ),
        Database::Sqlite(path) => Ok(Arc::new(SqliteStore::create(
            path,
            &settings.sqlite_options(),
        )?)),
        Database::Postgres(target) => {
            let stores = PgStores::new(target, settings.pg_options(false))?;
            Ok(stores.open(settings.tenant.as_ref(), true)?)
        }
    }
}

/// `admin copy-from`: the SQLite database named into the PostgreSQL schema (created, or
/// migrated, as for any admin command) that `--db` and `--tenant` name.
fn copy_from(settings: &Settings, args: &copy::Args) -> Result<(), Failure> {
    let Database::Postgres(target) = &settings.db else {
        return Err(
            "copy-from copies into PostgreSQL: name the target with --db postgres://...".into(),
        );
    };
    let source = SqliteStore::open_existing(&args.sqlite, &settings.sqlite_options())?;
    let stores = PgStores::new(target, settings.pg_options(false))?;
    let target = stores.open(settings.tenant.as_ref(), true)?;
    copy::run(&source, &target)
}

fn seed_demo(store: &dyn Admin) -> Result<(), Failure> {
    if demo::seed(store)? {
        tracing::info!("seeded demo data: log in as tje0 / Tje0");
    } else {
        tracing::info!("the database has associates already; demo data not added");
    }
    Ok(())
}
