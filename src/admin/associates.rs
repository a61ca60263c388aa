//! Associates: add one, replace a password, delete one, set their own time zone and
//! capacity.

use clap::Subcommand;

use super::Failure;
use crate::auth::password;
use crate::store::admin::Admin;

#[derive(Subcommand)]
pub enum Command {
    /// Add a user agent that can log in with Basic authentication.
    AddAssociate {
        /// Login name.
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        full_name: String,
        /// Stored only as an argon2id hash.
        #[arg(long, env = "CHAT_PICKUP_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Replace a user agent's password (stored as an argon2id hash).
    SetPassword {
        #[arg(long)]
        user: String,
        #[arg(long, env = "CHAT_PICKUP_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Mark a user agent deleted: none of their credentials work any more.
    DeleteAssociate {
        #[arg(long)]
        user: String,
    },
    /// Set the time zone a user agent reads times in when a request names none.
    SetTimeZone {
        #[arg(long)]
        user: String,
        /// A location code (NO, US-NY) or its id; empty to clear.
        #[arg(long)]
        zone: String,
    },
    /// Set the most chat sessions in progress a user agent may hold at once; a pickup or an
    /// accepted transfer beyond it is refused (409). Off by default.
    SetCapacity {
        #[arg(long)]
        user: String,
        /// A number (0: takes no sessions), or `none` to fall back to the topics' default.
        #[arg(long, value_parser = super::limit)]
        max: Limit,
    },
}

/// A capacity as the commands take it: a number, or none.
pub type Limit = Option<i64>;

pub fn run(store: &dyn Admin, command: &Command) -> Result<(), Failure> {
    match command {
        Command::AddAssociate {
            name,
            full_name,
            password: secret,
        } => {
            let id = store.add_associate(name, full_name, &password::hash(secret))?;
            println!("associate {id}: {name}");
        }
        Command::SetPassword {
            user,
            password: secret,
        } => {
            store.set_password(user, &password::hash(secret))?;
            println!("password of {user} replaced");
        }
        Command::DeleteAssociate { user } => {
            store.delete_associate(user)?;
            println!("{user} deleted");
        }
        Command::SetTimeZone { user, zone } => match store.set_time_zone(user, zone)? {
            Some(iana) => println!("{user} reads times in {zone} ({iana})"),
            None => println!("{user} has no time zone of their own"),
        },
        Command::SetCapacity { user, max } => {
            store.set_capacity(user, *max)?;
            match max {
                Some(limit) => println!("{user} holds at most {limit} sessions at once"),
                None => println!("{user} has no capacity of their own"),
            }
        }
    }
    Ok(())
}
