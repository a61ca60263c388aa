//! A session's transcript (`GetChatTranscript`): its messages as one text, a line each - the
//! time in the caller's zone, who wrote, what - in plain text or as HTML in which every text
//! from a message is escaped. On the wire it is a string: a JSON string, or the
//! DataContract `<string>` element in XML.

use crate::entity::message::{SPECIAL_CLOSED_BY_USER, TO_USER};
use crate::entity::{CHAT_MESSAGE_SPECIAL_TYPE, Object, Value};
use crate::locale::Localizer;

/// The DataContract serializer's namespace of a bare string.
pub const STRING_NAMESPACE: &str = "http://schemas.microsoft.com/2003/10/Serialization/";

/// The transcript of `messages`, in order.
pub fn transcript(messages: &[Object], html: bool, localizer: &Localizer) -> String {
    let lines = messages.iter().map(|message| Line::of(message, localizer));
    match html {
        false => lines
            .map(|line| line.plain())
            .collect::<Vec<_>>()
            .join("\n"),
        true => {
            let items: String = lines.map(|line| line.html()).collect();
            format!("<div class=\"chat-transcript\">{items}</div>")
        }
    }
}

/// One message as the transcript shows it.
struct Line {
    when: String,
    author: String,
    text: String,
    /// `to-customer`, `to-user` or `special`: which way it went, for a stylesheet.
    class: &'static str,
}

impl Line {
    fn of(message: &Object, localizer: &Localizer) -> Self {
        let text = |name| match message.get(name) {
            Some(Value::Text(text)) => text.clone(),
            _ => String::new(),
        };
        let number = |name| match message.get(name) {
            Some(Value::Enum(_, value)) => *value,
            _ => 0,
        };
        let when = match message.get("WhenPosted") {
            Some(Value::Date(Some(at))) => shown(&localizer.instant(*at)),
            _ => String::new(),
        };
        let (kind, special) = (number("Type"), number("SpecialType"));
        let words = match (special, text("Message")) {
            (SPECIAL_CLOSED_BY_USER, words) if words.is_empty() => "(ended the chat)".to_string(),
            (special, words) if words.is_empty() && special != 0 => {
                format!("({})", CHAT_MESSAGE_SPECIAL_TYPE.name_of(special))
            }
            (_, words) => words,
        };
        Self {
            when,
            author: text("Author"),
            text: words,
            class: match (special, kind) {
                (0 | 1, TO_USER) => "to-user",
                (0 | 1, _) => "to-customer",
                _ => "special",
            },
        }
    }

    /// One line, and a message's own line breaks (Unicode's line and paragraph separators
    /// too, which some viewers break at) as lines indented under it: no text can pass for a
    /// line of the transcript.
    fn plain(&self) -> String {
        let text = self
            .text
            .replace("\r\n", "\n")
            .replace(['\r', '\n', '\u{2028}', '\u{2029}'], "\n    ");
        format!("[{}] {}: {text}", self.when, self.author)
    }

    fn html(&self) -> String {
        format!(
            "<p class=\"{}\"><time>{}</time> <b>{}</b>: {}</p>",
            self.class,
            escape(&self.when),
            escape(&self.author),
            escape(&self.text).replace('\n', "<br>")
        )
    }
}

/// An instant as a person reads it: date and time to the second, no `T`, no fraction.
fn shown(instant: &str) -> String {
    instant.replacen('T', " ", 1).chars().take(19).collect()
}

/// `text` safe in HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{CHAT_MESSAGE, CHAT_MESSAGE_TYPE};
    use crate::locale::Zone;
    use crate::time::Timestamp;

    fn message(kind: i64, special: i64, text: &str, author: &str) -> Object {
        let at = Timestamp::parse_stored("2026-07-01 10:00:00.000000").unwrap();
        Object {
            shape: &CHAT_MESSAGE,
            values: vec![
                Value::Int(1),
                Value::Int(1),
                Value::Enum(&CHAT_MESSAGE_TYPE, kind),
                Value::Text(text.into()),
                Value::Text(author.into()),
                Value::Int(0),
                Value::Enum(&CHAT_MESSAGE_SPECIAL_TYPE, special),
                Value::Text(String::new()),
                Value::Date(Some(at)),
            ],
        }
    }

    #[test]
    fn lines_in_the_callers_zone_and_html_escaped() {
        let oslo = Localizer::new(Zone::from_iana("Europe/Oslo").unwrap(), false);
        let messages = [
            message(2, 0, "<script>alert(1)</script>", "Ann"),
            message(
                1,
                0,
                "Hi & welcome\n[2026-01-01 00:00:00] Ann: forged\u{2028}[x] y: z",
                "Tom",
            ),
            message(3, SPECIAL_CLOSED_BY_USER, "", "Tom"),
        ];
        assert_eq!(
            transcript(&messages, false, &oslo),
            "[2026-07-01 12:00:00] Ann: <script>alert(1)</script>\n\
             [2026-07-01 12:00:00] Tom: Hi & welcome\n    [2026-01-01 00:00:00] Ann: forged\n    [x] y: z\n\
             [2026-07-01 12:00:00] Tom: (ended the chat)"
        );
        let html = transcript(&messages, true, &oslo);
        assert!(
            html.contains("<b>Ann</b>: &lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("Hi &amp; welcome"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
