//! The events the benchmarks write: comments posted on a contribution, as in a busy meeting.
//! Built through the domain's codec so that replay decodes exactly what services write.

use chrono::{DateTime, Utc};
use domain::DomainEvent;
use domain::events::{CommentEvent, CommentPosted, Event, Subject};
use eventlog::{Actor, NewEvent};
use uuid::Uuid;

/// A comment as an event, `n` making each one's text and ids distinct.
pub fn comment(n: u64, posted_at: DateTime<Utc>) -> NewEvent {
    let event = Event::Comment(CommentEvent::CommentPosted(CommentPosted {
        thread_id: Uuid::now_v7(),
        comment_id: Uuid::now_v7(),
        group_id: "fg-dfc".into(),
        subject: Subject::Contribution { id: Uuid::now_v7() },
        in_reply_to: (!n.is_multiple_of(3)).then(Uuid::now_v7),
        author: format!("delegate.{}", n % 97),
        text: format!(
            "Comment {n}: we support the proposed text of clause 7.2 but suggest aligning the \
             definition of \"digital finance\" with Recommendation ITU-T Y.4900."
        ),
        posted_at,
    }));
    NewEvent {
        id: Uuid::now_v7(),
        event_type: event.event_type().to_owned(),
        schema_version: event.schema_version(),
        actor: Actor {
            subject: format!("delegate.{}", n % 97),
            display_name: "A. Delegate".into(),
            roles: vec!["participant@fg-dfc".into()],
        },
        correlation_id: Uuid::now_v7(),
        causation_id: None,
        payload: event.to_payload(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_comment_is_a_valid_event_the_codec_reads_back() {
        let event = comment(7, Utc::now());
        eventlog::validate_new_event(&event).unwrap();
        let decoded =
            Event::decode(&event.event_type, event.schema_version, event.payload.get()).unwrap();
        assert!(
            matches!(decoded, Event::Comment(CommentEvent::CommentPosted(ref c)) if c.text.starts_with("Comment 7:"))
        );
    }
}
