//! The queue: put a customer in it, list who waits, close the chats whose customer left.

use clap::Subcommand;

use super::Failure;
use crate::store::admin::{Admin, NewSession};
use crate::time::Timestamp;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Put a customer in a topic's queue.
    Enqueue {
        #[arg(long)]
        topic: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        message: String,
    },
    /// List the sessions waiting in the queue, in pickup order.
    Queue,
    /// Close the customers' chats that went quiet (no fetch within the idle allowance):
    /// what the local server does every 30 seconds, for a cron job or a schedule.
    Sweep,
}

pub fn run(store: &dyn Admin, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Enqueue {
            topic,
            name,
            email,
            message,
        } => {
            let new = NewSession {
                topic: topic.clone(),
                customer_name: name.clone(),
                email: email.clone(),
                first_message: message.clone(),
                ..NewSession::default()
            };
            let id = store.enqueue(&new, Timestamp::now())?;
            println!("session {id} queued in {topic}");
        }
        Command::Queue => print_queue(store)?,
        Command::Sweep => {
            let closed = store.sweep(Timestamp::now())?;
            println!("{closed} dead chats closed");
        }
    }
    Ok(())
}

fn print_queue(store: &dyn Admin) -> Result<(), Failure> {
    println!(
        "{:>6}  {:<12}  {:<24}  {:<27}  {:>4}  bot",
        "id", "topic", "customer", "requested (UTC)", "pos"
    );
    for waiting in store.queue()? {
        println!(
            "{:>6}  {:<12}  {:<24}  {:<27}  {:>4}  {}",
            waiting.session_id,
            waiting.topic,
            waiting.customer_name,
            waiting.when_requested.to_dotnet(),
            waiting.initial_queue_pos,
            if waiting.chatbot_active { "yes" } else { "" }
        );
    }
    Ok(())
}
