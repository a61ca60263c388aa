//! Topics and who answers in them.

use clap::{Subcommand, ValueEnum};

use super::Failure;
use crate::http::cors::Cors;
use crate::store::admin::{Admin, NewTopic, Rights, TopicSetting};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a chat topic.
    AddTopic {
        #[arg(long)]
        name: String,
        /// Plain text or multi-language: US:"Welcome!";NO:"Velkommen!". Empty: no welcome.
        #[arg(long, default_value = "")]
        welcome: String,
        /// The customers' language, a SuperOffice prefix: US, NO, GE, SW, DA, NL, FR, FI,
        /// SP, IT, CZ, PL.
        #[arg(long)]
        language: Option<String>,
        /// {agent} in the welcome message is the agent's first name, not the full name.
        #[arg(long)]
        agent_first_name: bool,
    },
    /// Set the capacity of the agents who respond in a topic and have none of their own (an
    /// agent in several such topics gets the lowest).
    SetTopicCapacity {
        #[arg(long)]
        topic: String,
        /// A number, or `none` for no default.
        #[arg(long, value_parser = super::limit)]
        max: super::associates::Limit,
    },
    /// Allow web pages of these origins to call the customer routes of a topic (the chat
    /// widget embedded on a site): comma-separated, such as https://www.example.com; empty:
    /// none but the service's own pages.
    SetTopicOrigins {
        /// The topic's name.
        #[arg(long)]
        topic: String,
        /// Comma-separated origins (scheme, host and a port other than the default), or ""
        /// for none.
        #[arg(long)]
        origins: Cors,
    },
    /// Set how long a customer's chat in a topic stays alive without a fetch (past it the
    /// chat is dead: no pickup hands it out, the sweep closes it).
    SetTopicIdle {
        /// The topic's name.
        #[arg(long)]
        topic: String,
        /// Seconds, 60 to 86400 (a day), or `none` for the service's --customer-idle-seconds.
        #[arg(long, value_parser = idle_seconds)]
        seconds: super::associates::Limit,
    },
    /// Give a user agent rights in a topic.
    AddMember {
        #[arg(long)]
        user: String,
        #[arg(long)]
        topic: String,
        /// Comma-separated: listen, respond, manage, notify.
        #[arg(long, value_delimiter = ',', default_value = "listen,respond")]
        rights: Vec<RightName>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RightName {
    Listen,
    Respond,
    Manage,
    Notify,
}

pub fn run(store: &dyn Admin, command: &Command) -> Result<(), Failure> {
    match command {
        Command::AddTopic {
            name,
            welcome,
            language,
            agent_first_name,
        } => {
            let topic = NewTopic {
                name: name.clone(),
                welcome: welcome.clone(),
                language: language.clone(),
                agent_first_name: *agent_first_name,
            };
            let id = store.add_topic(&topic)?;
            println!("topic {id}: {name}");
        }
        Command::SetTopicCapacity { topic, max } => {
            store.set_topic(topic, &TopicSetting::Capacity(*max))?;
            match max {
                Some(limit) => {
                    println!("agents in {topic} hold at most {limit} sessions by default")
                }
                None => println!("{topic} sets no capacity"),
            }
        }
        Command::SetTopicOrigins { topic, origins } => {
            store.set_topic(topic, &TopicSetting::Origins(origins.to_string()))?;
            match origins.to_string().as_str() {
                "" => println!("{topic}: the customer routes serve no other site's pages"),
                listed => println!("{topic}: the customer routes serve pages of {listed}"),
            }
        }
        Command::SetTopicIdle { topic, seconds } => {
            store.set_topic(topic, &TopicSetting::IdleSeconds(*seconds))?;
            match seconds {
                Some(seconds) => {
                    println!("{topic}: a customer's chat is dead after {seconds} s without a fetch")
                }
                None => println!("{topic}: customers' chats follow the service's idle allowance"),
            }
        }
        Command::AddMember {
            user,
            topic,
            rights,
        } => {
            store.add_member(user, topic, rights_from(rights))?;
            println!("{user} in {topic}: {rights:?}");
        }
    }
    Ok(())
}

/// `--seconds`: 60 to 86400, or `none`. At least a minute, so that a long poll (at most
/// 25 s) always reads again before the chat would die.
fn idle_seconds(text: &str) -> Result<Option<i64>, String> {
    match super::limit(text)? {
        Some(seconds) if !(60..=86_400).contains(&seconds) => {
            Err(format!("{seconds} is not from 60 to 86400 seconds"))
        }
        seconds => Ok(seconds),
    }
}

fn rights_from(names: &[RightName]) -> Rights {
    Rights {
        listen: names.contains(&RightName::Listen),
        respond: names.contains(&RightName::Respond),
        manage: names.contains(&RightName::Manage),
        notify: names.contains(&RightName::Notify),
    }
}
