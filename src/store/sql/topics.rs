//! A topic's settings as `admin` changes them: `$1` the topic's id, `$2` the value.

use crate::store::admin::TopicSetting;

/// The statement that stores `setting`.
pub fn update(setting: &TopicSetting) -> &'static str {
    match setting {
        TopicSetting::Capacity(_) => {
            "UPDATE chat_topic SET agent_max_active_sessions = $2 WHERE id = $1"
        }
        TopicSetting::Origins(_) => "UPDATE chat_topic SET allowed_origins = $2 WHERE id = $1",
        TopicSetting::IdleSeconds(_) => {
            "UPDATE chat_topic SET customer_idle_seconds = $2 WHERE id = $1"
        }
    }
}
