//! Comments: threads on a contribution, a deliverable draft or an agenda item; replies, edits
//! that keep the earlier text, retraction tombstones, and resolution.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::aggregate::Aggregate;
use crate::error::{self, InputError, MAX_TEXT, Rejection};
use crate::events::{
    CommentEdited, CommentEvent, CommentId, CommentPosted, CommentRetracted, GroupId, PersonId,
    Subject, ThreadId, ThreadResolved,
};

#[derive(Debug, Clone, PartialEq)]
pub enum CommentCommand {
    Post(PostComment),
    Edit(EditComment),
    Retract(RetractComment),
    Resolve(ResolveThread),
}

/// The first comment on a thread opens it (`in_reply_to: None`); every later one answers a
/// comment of the thread. `group_id` and `subject` are taken from the thread once it exists.
#[derive(Debug, Clone, PartialEq)]
pub struct PostComment {
    pub thread_id: ThreadId,
    pub comment_id: CommentId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub in_reply_to: Option<CommentId>,
    pub text: String,
    pub by: PersonId,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EditComment {
    pub comment_id: CommentId,
    pub text: String,
    pub by: PersonId,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetractComment {
    pub comment_id: CommentId,
    pub by: PersonId,
    /// The actor chairs or vice-chairs the group (as `policy` established).
    pub by_chair: bool,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolveThread {
    pub resolution: Option<String>,
    pub by: PersonId,
    /// The actor chairs or vice-chairs the group (as `policy` established).
    pub by_chair: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("no such thread")]
    ThreadNotFound,
    #[error("the thread exists: a new comment must reply to one of its comments")]
    ReplyTargetRequired,
    #[error("a new thread starts with a comment that replies to nothing")]
    NoThreadToReplyIn,
    #[error("comment {0} is not in this thread")]
    ReplyTargetNotFound(CommentId),
    #[error("comment {0} was retracted and cannot be answered")]
    ReplyTargetRetracted(CommentId),
    #[error("comment {0} already exists")]
    DuplicateComment(CommentId),
    #[error("no comment {0} in this thread")]
    CommentNotFound(CommentId),
    #[error("only the author may do this")]
    NotAuthor,
    #[error("only the thread's author or the chair may resolve it")]
    NotThreadAuthorOrChair,
    #[error("comment {0} was retracted")]
    Retracted(CommentId),
    #[error("the text is unchanged")]
    Unchanged,
    #[error("the thread is resolved")]
    ThreadResolved,
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for CommentError {
    fn code(&self) -> &'static str {
        match self {
            Self::ThreadNotFound => "comment.thread_not_found",
            Self::ReplyTargetRequired => "comment.reply_target_required",
            Self::NoThreadToReplyIn => "comment.no_thread_to_reply_in",
            Self::ReplyTargetNotFound(_) => "comment.reply_target_not_found",
            Self::ReplyTargetRetracted(_) => "comment.reply_target_retracted",
            Self::DuplicateComment(_) => "comment.duplicate",
            Self::CommentNotFound(_) => "comment.not_found",
            Self::NotAuthor => "comment.not_author",
            Self::NotThreadAuthorOrChair => "comment.not_thread_author_or_chair",
            Self::Retracted(_) => "comment.retracted",
            Self::Unchanged => "comment.unchanged",
            Self::ThreadResolved => "comment.thread_resolved",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::ReplyTargetRequired
            | Self::NoThreadToReplyIn
            | Self::ReplyTargetNotFound(_)
            | Self::ReplyTargetRetracted(_) => Some("inReplyTo"),
            Self::DuplicateComment(_) | Self::CommentNotFound(_) | Self::Retracted(_) => {
                Some("commentId")
            }
            Self::Unchanged => Some("text"),
            Self::Input(error) => error.field(),
            Self::ThreadNotFound
            | Self::NotAuthor
            | Self::NotThreadAuthorOrChair
            | Self::ThreadResolved => None,
        }
    }
}

/// The comment-thread aggregate, stream `thread-{uuid}`.
#[derive(Debug)]
pub struct Thread;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThreadState {
    /// The comment that opened the thread: its author, group and subject are the thread's.
    pub opened: Option<CommentPosted>,
    pub comments: BTreeMap<CommentId, CommentState>,
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentState {
    pub author: PersonId,
    pub text: String,
    /// Earlier texts, oldest first.
    pub history: Vec<String>,
    pub retracted: bool,
}

impl ThreadState {
    /// Whether `person` opened the thread (and so may resolve it).
    pub fn is_thread_author(&self, person: &str) -> bool {
        self.opened
            .as_ref()
            .is_some_and(|opened| opened.author == person)
    }

    /// Whether `person` wrote `comment_id` (and so may edit or retract it).
    pub fn is_author_of(&self, comment_id: CommentId, person: &str) -> bool {
        self.comments
            .get(&comment_id)
            .is_some_and(|comment| comment.author == person)
    }

    fn require(&self) -> Result<&CommentPosted, CommentError> {
        self.opened.as_ref().ok_or(CommentError::ThreadNotFound)
    }

    /// A comment that may still change: present and not retracted.
    fn live_comment(&self, comment_id: CommentId) -> Result<&CommentState, CommentError> {
        self.require()?;
        let comment = self
            .comments
            .get(&comment_id)
            .ok_or(CommentError::CommentNotFound(comment_id))?;
        if comment.retracted {
            return Err(CommentError::Retracted(comment_id));
        }
        Ok(comment)
    }
}

impl Aggregate for Thread {
    type State = ThreadState;
    type Command = CommentCommand;
    type Event = CommentEvent;
    type Error = CommentError;

    fn decide(
        state: &ThreadState,
        command: CommentCommand,
    ) -> Result<Vec<CommentEvent>, CommentError> {
        match command {
            CommentCommand::Post(command) => post(state, command),
            CommentCommand::Edit(command) => {
                let comment = state.live_comment(command.comment_id)?;
                if comment.author != command.by {
                    return Err(CommentError::NotAuthor);
                }
                error::required("text", &command.text, MAX_TEXT)?;
                if comment.text == command.text {
                    return Err(CommentError::Unchanged);
                }
                Ok(vec![CommentEvent::CommentEdited(CommentEdited {
                    thread_id: state.require()?.thread_id,
                    comment_id: command.comment_id,
                    text: command.text,
                    edited_at: command.now,
                })])
            }
            CommentCommand::Retract(command) => {
                let comment = state.live_comment(command.comment_id)?;
                if comment.author != command.by && !command.by_chair {
                    return Err(CommentError::NotAuthor);
                }
                Ok(vec![CommentEvent::CommentRetracted(CommentRetracted {
                    thread_id: state.require()?.thread_id,
                    comment_id: command.comment_id,
                    retracted_at: command.now,
                })])
            }
            CommentCommand::Resolve(command) => {
                let opened = state.require()?;
                if state.resolved {
                    return Err(CommentError::ThreadResolved);
                }
                if opened.author != command.by && !command.by_chair {
                    return Err(CommentError::NotThreadAuthorOrChair);
                }
                error::optional("resolution", command.resolution.as_deref(), MAX_TEXT)?;
                Ok(vec![CommentEvent::ThreadResolved(ThreadResolved {
                    thread_id: opened.thread_id,
                    resolution: command.resolution,
                })])
            }
        }
    }

    fn evolve(mut state: ThreadState, event: &CommentEvent) -> ThreadState {
        match event {
            CommentEvent::CommentPosted(posted) => {
                if state.opened.is_none() {
                    state.opened = Some(posted.clone());
                }
                state.comments.insert(
                    posted.comment_id,
                    CommentState {
                        author: posted.author.clone(),
                        text: posted.text.clone(),
                        history: Vec::new(),
                        retracted: false,
                    },
                );
            }
            CommentEvent::CommentEdited(edited) => {
                if let Some(comment) = state.comments.get_mut(&edited.comment_id) {
                    let earlier = std::mem::replace(&mut comment.text, edited.text.clone());
                    comment.history.push(earlier);
                }
            }
            CommentEvent::CommentRetracted(retracted) => {
                if let Some(comment) = state.comments.get_mut(&retracted.comment_id) {
                    comment.retracted = true;
                }
            }
            CommentEvent::ThreadResolved(_) => state.resolved = true,
        }
        state
    }
}

fn post(state: &ThreadState, command: PostComment) -> Result<Vec<CommentEvent>, CommentError> {
    error::required("text", &command.text, MAX_TEXT)?;
    let (group_id, subject) = match &state.opened {
        None => {
            if command.in_reply_to.is_some() {
                return Err(CommentError::NoThreadToReplyIn);
            }
            if let Subject::AgendaItem { item, .. } = &command.subject {
                error::required("subject.item", item, 20)?;
            }
            (command.group_id, command.subject)
        }
        Some(opened) => {
            if state.resolved {
                return Err(CommentError::ThreadResolved);
            }
            let target = command
                .in_reply_to
                .ok_or(CommentError::ReplyTargetRequired)?;
            match state.comments.get(&target) {
                None => return Err(CommentError::ReplyTargetNotFound(target)),
                Some(comment) if comment.retracted => {
                    return Err(CommentError::ReplyTargetRetracted(target));
                }
                Some(_) => {}
            }
            if state.comments.contains_key(&command.comment_id) {
                return Err(CommentError::DuplicateComment(command.comment_id));
            }
            (opened.group_id.clone(), opened.subject.clone())
        }
    };
    Ok(vec![CommentEvent::CommentPosted(CommentPosted {
        thread_id: command.thread_id,
        comment_id: command.comment_id,
        group_id,
        subject,
        in_reply_to: command.in_reply_to,
        author: command.by,
        text: command.text,
        posted_at: command.now,
    })])
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, given};

    const THREAD: Uuid = Uuid::from_u128(0x7);
    const ROOT: Uuid = Uuid::from_u128(0x71);
    const REPLY: Uuid = Uuid::from_u128(0x72);

    fn subject() -> Subject {
        Subject::Contribution {
            id: Uuid::from_u128(0xc0),
        }
    }

    fn post(comment_id: CommentId, in_reply_to: Option<CommentId>, by: &str) -> CommentCommand {
        CommentCommand::Post(PostComment {
            thread_id: THREAD,
            comment_id,
            group_id: "fg-dfc".into(),
            subject: subject(),
            in_reply_to,
            text: format!("comment by {by}"),
            by: by.into(),
            now: at(2017, 10, 5, 9),
        })
    }

    fn posted(comment_id: CommentId, in_reply_to: Option<CommentId>, by: &str) -> CommentEvent {
        CommentEvent::CommentPosted(CommentPosted {
            thread_id: THREAD,
            comment_id,
            group_id: "fg-dfc".into(),
            subject: subject(),
            in_reply_to,
            author: by.into(),
            text: format!("comment by {by}"),
            posted_at: at(2017, 10, 5, 9),
        })
    }

    fn retracted(comment_id: CommentId) -> CommentEvent {
        CommentEvent::CommentRetracted(CommentRetracted {
            thread_id: THREAD,
            comment_id,
            retracted_at: at(2017, 10, 6, 9),
        })
    }

    fn resolved() -> CommentEvent {
        CommentEvent::ThreadResolved(ThreadResolved {
            thread_id: THREAD,
            resolution: None,
        })
    }

    fn edit(comment_id: CommentId, by: &str, text: &str) -> CommentCommand {
        CommentCommand::Edit(EditComment {
            comment_id,
            text: text.into(),
            by: by.into(),
            now: at(2017, 10, 6, 9),
        })
    }

    fn retract(comment_id: CommentId, by: &str, by_chair: bool) -> CommentCommand {
        CommentCommand::Retract(RetractComment {
            comment_id,
            by: by.into(),
            by_chair,
            now: at(2017, 10, 6, 9),
        })
    }

    fn resolve(by: &str, by_chair: bool) -> CommentCommand {
        CommentCommand::Resolve(ResolveThread {
            resolution: None,
            by: by.into(),
            by_chair,
        })
    }

    #[test]
    fn the_first_comment_opens_the_thread() {
        given::<Thread>([])
            .when(post(ROOT, None, "ada"))
            .then([posted(ROOT, None, "ada")]);
    }

    #[test]
    fn a_new_thread_cannot_start_with_a_reply() {
        given::<Thread>([])
            .when(post(ROOT, Some(REPLY), "ada"))
            .then_err("comment.no_thread_to_reply_in");
    }

    #[test]
    fn a_reply_answers_an_existing_comment_and_keeps_the_threads_subject() {
        let mut command = post(REPLY, Some(ROOT), "li.wei");
        if let CommentCommand::Post(reply) = &mut command {
            reply.subject = Subject::Contribution {
                id: Uuid::from_u128(0xbad),
            };
            reply.group_id = "dcgi".into();
        }
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(command)
            .then([posted(REPLY, Some(ROOT), "li.wei")]);
    }

    #[test]
    fn a_comment_in_an_existing_thread_must_name_what_it_answers() {
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(post(REPLY, None, "li.wei"))
            .then_err("comment.reply_target_required");
    }

    #[test]
    fn a_reply_to_a_missing_or_retracted_comment_is_refused() {
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(post(REPLY, Some(Uuid::from_u128(99)), "li.wei"))
            .then_err("comment.reply_target_not_found");
        given::<Thread>([posted(ROOT, None, "ada"), retracted(ROOT)])
            .when(post(REPLY, Some(ROOT), "li.wei"))
            .then_err("comment.reply_target_retracted");
    }

    #[test]
    fn comment_ids_are_unique_in_a_thread() {
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(post(ROOT, Some(ROOT), "li.wei"))
            .then_err("comment.duplicate");
    }

    #[test]
    fn a_resolved_thread_takes_no_more_replies() {
        given::<Thread>([posted(ROOT, None, "ada"), resolved()])
            .when(post(REPLY, Some(ROOT), "li.wei"))
            .then_err("comment.thread_resolved");
    }

    #[test]
    fn an_empty_comment_is_refused() {
        let mut command = post(ROOT, None, "ada");
        if let CommentCommand::Post(post) = &mut command {
            post.text = " \n ".into();
        }
        given::<Thread>([]).when(command).then_err("input.blank");
    }

    #[test]
    fn the_author_edits_and_the_earlier_text_is_kept() {
        let edited = CommentEvent::CommentEdited(CommentEdited {
            thread_id: THREAD,
            comment_id: ROOT,
            text: "better wording".into(),
            edited_at: at(2017, 10, 6, 9),
        });
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(edit(ROOT, "ada", "better wording"))
            .then([edited.clone()]);
        let state = Thread::replay(&[posted(ROOT, None, "ada"), edited]);
        let comment = &state.comments[&ROOT];
        assert_eq!(comment.text, "better wording");
        assert_eq!(comment.history, ["comment by ada"]);
    }

    #[test]
    fn only_the_author_edits_and_only_with_new_text() {
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(edit(ROOT, "li.wei", "mine now"))
            .then_err("comment.not_author");
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(edit(ROOT, "ada", "comment by ada"))
            .then_err("comment.unchanged");
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(edit(REPLY, "ada", "x"))
            .then_err("comment.not_found");
    }

    #[test]
    fn no_edit_after_retraction() {
        given::<Thread>([posted(ROOT, None, "ada"), retracted(ROOT)])
            .when(edit(ROOT, "ada", "second thoughts"))
            .then_err("comment.retracted");
    }

    #[test]
    fn the_author_or_the_chair_retracts_leaving_a_tombstone() {
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(retract(ROOT, "ada", false))
            .then([retracted(ROOT)]);
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(retract(ROOT, "david.wen", true))
            .then([retracted(ROOT)]);
        given::<Thread>([posted(ROOT, None, "ada")])
            .when(retract(ROOT, "li.wei", false))
            .then_err("comment.not_author");
        let state = Thread::replay(&[posted(ROOT, None, "ada"), retracted(ROOT)]);
        assert!(
            state.comments[&ROOT].retracted,
            "the comment keeps its place in the thread"
        );
    }

    #[test]
    fn a_comment_is_retracted_once() {
        given::<Thread>([posted(ROOT, None, "ada"), retracted(ROOT)])
            .when(retract(ROOT, "ada", false))
            .then_err("comment.retracted");
    }

    #[test]
    fn the_thread_author_or_the_chair_resolves() {
        let history = || {
            [
                posted(ROOT, None, "ada"),
                posted(REPLY, Some(ROOT), "li.wei"),
            ]
        };
        given::<Thread>(history())
            .when(resolve("ada", false))
            .then([resolved()]);
        given::<Thread>(history())
            .when(resolve("david.wen", true))
            .then([resolved()]);
        given::<Thread>(history())
            .when(resolve("li.wei", false))
            .then_err("comment.not_thread_author_or_chair");
    }

    #[test]
    fn a_thread_is_resolved_once_and_must_exist() {
        given::<Thread>([posted(ROOT, None, "ada"), resolved()])
            .when(resolve("ada", false))
            .then_err("comment.thread_resolved");
        given::<Thread>([])
            .when(resolve("ada", false))
            .then_err("comment.thread_not_found");
    }
}
