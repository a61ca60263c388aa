//! The welcome message as the customer reads it (spec section 2), whichever backend stores
//! it.
//!
//! A topic's `welcome_message` may be multi-language (`US:"Hi!";NO:"Hei!"`), refer to string
//! resources (`[SR_CHAT_WELCOME]`) and hold encoded values; all are resolved in the topic's
//! customer language before the message is stored. Then the placeholders are filled in:
//! `{agent}` (the agent's full name, or first name when the topic says so), `{customer}`
//! (the customer's name, else alias) and `{topic}`; any other `{...}` stays as written.

use crate::account::Agent;
use crate::locale::{Culture, Language, Localizer, Resources};

/// What the backend reads for a welcome: the topic's side and the session's.
pub struct WelcomeSource {
    /// The topic's `welcome_message`, as stored.
    pub raw: String,
    pub language_id: Option<i64>,
    pub topic: String,
    /// `widget_agent_use_firstname`.
    pub first_name_only: bool,
    pub customer: String,
    pub alias: String,
    /// The first name of the person behind the agent's associate, if any.
    pub person_first_name: Option<String>,
}

impl WelcomeSource {
    /// The topic's customer language: English when it has none.
    pub fn language(&self) -> Language {
        self.language_id
            .and_then(Language::from_id)
            .unwrap_or(Language::ENGLISH)
    }

    /// Whether the text refers to string resources, which the backend must then read.
    pub fn needs_resources(&self) -> bool {
        self.raw.contains("[SR_")
    }

    /// The welcome text, resolved and filled; `None` when it is empty.
    pub fn compose(&self, agent: &Agent, resources: Resources) -> Option<String> {
        let language = self.language();
        let localizer =
            Localizer::RAW.translating(language, Culture::default_for(language), resources);
        let names = Names {
            agent: if self.first_name_only {
                first_name(agent, self.person_first_name.as_deref())
            } else {
                agent.display_name.clone()
            },
            customer: if self.customer.trim().is_empty() {
                self.alias.clone()
            } else {
                self.customer.clone()
            },
            topic: self.topic.clone(),
        };
        let text = fill(&localizer.text(&self.raw), &names);
        (!text.trim().is_empty()).then_some(text)
    }
}

/// What the placeholders stand for.
struct Names {
    agent: String,
    customer: String,
    topic: String,
}

/// The person's first name, else the first word of the full name.
fn first_name(agent: &Agent, person_first_name: Option<&str>) -> String {
    person_first_name
        .filter(|name| !name.trim().is_empty())
        .map(str::to_string)
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
        assert_eq!(first_name(&agent, Some("Tom")), "Tom");
        assert_eq!(first_name(&agent, Some(" ")), "Thomas");
        assert_eq!(first_name(&agent, None), "Thomas");
    }
}
