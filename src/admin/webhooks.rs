//! Webhooks: where the chat's events go (SuperOffice's `chatsession.created`, `.changed`,
//! `.message`), signed with each webhook's secret.

use clap::Subcommand;

use super::Failure;
use crate::account::random;
use crate::chat::events::Kind;
use crate::chat::outbox::{FieldValues, Hook, Outgoing};
use crate::store::admin::{Admin, NewWebhook};
use crate::time::Timestamp;
use crate::webhook::client::Outbound;
use crate::webhook::sender;

/// The shortest secret accepted: it is the only proof a delivery is ours.
const SHORTEST_SECRET: usize = 16;

#[derive(Subcommand)]
pub enum Command {
    /// Register a webhook: the events it names are sent to its URL, signed with its secret
    /// (X-SuperOffice-Signature), from the next change on.
    Add {
        #[arg(long)]
        name: String,
        /// Where deliveries are POSTed: an https:// URL (http:// only to this machine).
        #[arg(long)]
        url: String,
        /// Comma-separated: chatsession.created, chatsession.changed, chatsession.message.
        #[arg(
            long,
            default_value = "chatsession.created,chatsession.changed,chatsession.message"
        )]
        events: String,
        /// At least 16 characters; kept to sign with, never shown again. (Better from
        /// CHAT_PICKUP_WEBHOOK_SECRET, which keeps it out of the process list.)
        #[arg(long, env = "CHAT_PICKUP_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
    },
    /// List the webhooks: URL, events, whether failing, deliveries waiting (never secrets).
    List,
    /// Remove a webhook and what it was still to receive.
    Remove {
        #[arg(long)]
        name: String,
    },
    /// Resume a webhook marked failing: what it missed is sent again, in order.
    Resume {
        #[arg(long)]
        name: String,
    },
    /// Send a webhook a signed test event (`test`) now, and say how it answered.
    Test {
        #[arg(long)]
        name: String,
    },
}

pub fn run(store: &dyn Admin, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Add {
            name,
            url,
            events,
            secret,
        } => {
            let webhook = checked(name, url, events, secret)?;
            store.add_webhook(&webhook, Timestamp::now())?;
            println!("webhook {name:?} sends {} to {url}", webhook.events);
        }
        Command::List => {
            for webhook in store.webhooks()? {
                let state = if webhook.failing { "failing" } else { "active" };
                let oldest = webhook
                    .oldest
                    .map(|at| format!(", oldest from {}Z", at.to_dotnet()))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{state}\t{} waiting{oldest}",
                    webhook.name, webhook.url, webhook.events, webhook.waiting
                );
            }
        }
        Command::Remove { name } => {
            store.remove_webhook(name)?;
            println!("webhook {name:?} removed");
        }
        Command::Resume { name } => {
            store.resume_webhook(name, Timestamp::now())?;
            println!("webhook {name:?} resumed");
        }
        Command::Test { name } => {
            let hook = store.hook(name)?;
            test(hook)?;
            println!("webhook {name:?} took the test event");
        }
    }
    Ok(())
}

/// The webhook asked for, or what to fix.
fn checked(name: &str, url: &str, events: &str, secret: &str) -> Result<NewWebhook, String> {
    if name.trim().is_empty() {
        return Err("--name must not be empty".into());
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|_| format!("--url {url:?} is not a URL"))?;
    let host = uri.host().unwrap_or_default();
    let this_machine = matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1");
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => {}
        Some("http") if this_machine => {}
        _ => {
            return Err(format!(
                "--url {url:?} must be an https:// URL (http:// only to this machine: the \
                 deliveries carry the customers' messages)"
            ));
        }
    }
    if uri
        .authority()
        .is_some_and(|authority| authority.as_str().contains('@'))
    {
        return Err("--url must not carry a user name or password (it would be listed)".into());
    }
    let kinds = events
        .split(',')
        .map(|event| {
            Kind::named(event.trim())
                .map(Kind::name)
                .ok_or_else(|| format!("--events: {event:?} is not chatsession.created, chatsession.changed or chatsession.message"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if secret.chars().count() < SHORTEST_SECRET {
        return Err(format!(
            "--secret must have at least {SHORTEST_SECRET} characters"
        ));
    }
    Ok(NewWebhook {
        name: name.trim().to_string(),
        url: url.to_string(),
        events: kinds.join(","),
        secret: secret.to_string(),
    })
}

/// Sends `hook` a signed `test` event and waits for its answer.
fn test(hook: Hook) -> Result<(), String> {
    let outgoing = Outgoing {
        hook,
        claim: String::new(),
        row: 0,
        attempts: 1,
        event_id: random::uuid(),
        event: "test".into(),
        session_id: 0,
        changes: String::new(),
        by: 0,
        context: "admin".into(),
        at: Timestamp::now(),
        fields: FieldValues::default(),
        message: None,
    };
    let delivery = sender::delivery(&outgoing);
    let outbound = Outbound::new().map_err(|error| format!("no TLS roots: {error}"))?;
    let sent = async { outbound.send(delivery).await };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => tokio::task::block_in_place(|| handle.block_on(sent)),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?
            .block_on(sent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_is_checked_before_it_is_stored() {
        let secret = "0123456789abcdef";
        let ok = checked(
            "crm",
            "https://crm.example.com/hook",
            "chatsession.CREATED, chatsession.message",
            secret,
        )
        .unwrap();
        assert_eq!(ok.events, "chatsession.created,chatsession.message");
        assert!(
            checked("crm", "ftp://x", "chatsession.created", secret)
                .unwrap_err()
                .contains("https://")
        );
        let refused = |url| checked("crm", url, "chatsession.created", secret).unwrap_err();
        assert!(refused("http://crm.example.com/").contains("this machine"));
        assert!(refused("https://u:p@crm.example.com/").contains("password"));
        assert!(
            checked(
                "crm",
                "http://127.0.0.1:8080/hook",
                "chatsession.created",
                secret
            )
            .is_ok()
        );
        assert!(
            checked("crm", "https://x/", "chatsession.deleted", secret)
                .unwrap_err()
                .contains("deleted")
        );
        assert!(
            checked("crm", "https://x/", "chatsession.created", "short")
                .unwrap_err()
                .contains("16")
        );
        assert!(checked(" ", "https://x/", "chatsession.created", secret).is_err());
    }
}
