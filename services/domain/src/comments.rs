//! Comments: threads on a contribution, a deliverable draft or an agenda item; replies, edits
//! that keep the earlier text, retraction tombstones, and resolution.

use chrono::{DateTime, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{CommentId, GroupId, PersonId, Subject, ThreadId};

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
