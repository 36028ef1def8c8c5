//! The comments context over HTTP: open a thread on a contribution, a deliverable (draft) or
//! an agenda item; reply in it; edit a comment (the earlier text stays in the log); retract
//! one (a tombstone keeps its place); resolve the thread (its author or the chair).

use actix_web::{HttpResponse, delete, post, put, web};
use chrono::Utc;
use domain::comments::{
    CommentCommand, EditComment, PostComment, ResolveThread, RetractComment, Thread, ThreadState,
};
use domain::events::{CommentId, GroupId, Subject, ThreadId};
use domain::policy::{Action, PolicyFacts, Principal};
use domain::streams;
use platform::openapi::BearerAuth;
use platform::{ApiError, Authenticated, Json, Platform, Problem, Receipt, Reply, WriteRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes and OpenAPI document of this service, to mount in a server.
pub fn service() -> platform::Service {
    platform::Service::new("comments", configure, ApiDoc::openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(open_thread)
        .service(reply)
        .service(edit)
        .service(retract)
        .service(resolve);
}

#[derive(OpenApi)]
#[openapi(
    paths(open_thread, reply, edit, retract, resolve),
    tags((name = "comments", description = "Comment threads on contributions, deliverable drafts and agenda items")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenThreadBody {
    /// The group whose participants discuss the subject.
    #[schema(example = "fg-dfc")]
    pub group_id: GroupId,
    /// What the thread is about; it must exist in that group.
    pub subject: Subject,
    #[schema(example = "Section 3 should cite the central bank survey.")]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyBody {
    /// The comment of the thread this one answers.
    pub in_reply_to: Uuid,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditBody {
    /// The new text; the earlier one stays in the history.
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResolveBody {
    /// How the thread was settled.
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentAnswer {
    pub thread_id: Uuid,
    pub comment_id: Uuid,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThreadAnswer {
    pub thread_id: Uuid,
    pub resolved: bool,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// Opens a thread with its first comment on a subject of the group.
#[utoipa::path(post, path = "/api/threads", tag = "comments",
    params(platform::write::WriteHeaders),
    request_body = OpenThreadBody,
    responses(
        (status = 201, description = "the thread is open", body = CommentAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/threads")]
#[tracing::instrument(skip_all, fields(group = %body.group_id))]
async fn open_thread(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<OpenThreadBody>,
) -> Result<HttpResponse, ApiError> {
    platform::authorize(
        Some(&*who),
        Action::PostComment,
        &platform::in_group(&body.group_id),
    )?;
    platform::subjects::check(&platform, &body.group_id, &body.subject).await?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let thread_id = writer.new_id("thread");
            let comment_id = writer.new_id("comment");
            let now = Utc::now();
            let done = writer
                .execute::<Thread>(&streams::thread(thread_id), |_| {
                    Ok(CommentCommand::Post(PostComment {
                        thread_id,
                        comment_id,
                        group_id: body.group_id.clone(),
                        subject: body.subject.clone(),
                        in_reply_to: None,
                        text: body.text.clone(),
                        by: who.person.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::created(CommentAnswer {
                thread_id,
                comment_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Replies to a comment of the thread.
#[utoipa::path(post, path = "/api/threads/{thread_id}/replies", tag = "comments",
    params(("thread_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = ReplyBody,
    responses(
        (status = 201, description = "posted", body = CommentAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/threads/{thread_id}/replies")]
#[tracing::instrument(skip_all, fields(thread = %thread_id))]
async fn reply(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    thread_id: web::Path<ThreadId>,
    body: Json<ReplyBody>,
) -> Result<HttpResponse, ApiError> {
    let thread_id = thread_id.into_inner();
    let (_, group_id, subject) = load_thread(&platform, thread_id).await?;
    platform::authorize(
        Some(&*who),
        Action::PostComment,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let comment_id = writer.new_id("comment");
            let now = Utc::now();
            let done = writer
                .execute::<Thread>(&streams::thread(thread_id), |_| {
                    Ok(CommentCommand::Post(PostComment {
                        thread_id,
                        comment_id,
                        group_id: group_id.clone(),
                        subject: subject.clone(),
                        in_reply_to: Some(body.in_reply_to),
                        text: body.text.clone(),
                        by: who.person.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::created(CommentAnswer {
                thread_id,
                comment_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Edits one's own comment. The earlier text stays in the log and the comment's history.
#[utoipa::path(put, path = "/api/threads/{thread_id}/comments/{comment_id}", tag = "comments",
    params(("thread_id" = uuid::Uuid, Path), ("comment_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = EditBody,
    responses(
        (status = 200, description = "edited", body = CommentAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[put("/api/threads/{thread_id}/comments/{comment_id}")]
#[tracing::instrument(skip_all, fields(thread = %path.0, comment = %path.1))]
async fn edit(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(ThreadId, CommentId)>,
    body: Json<EditBody>,
) -> Result<HttpResponse, ApiError> {
    let (thread_id, comment_id) = path.into_inner();
    let (thread, group_id, _) = load_thread(&platform, thread_id).await?;
    let facts = comment_facts(&thread, &group_id, comment_id, &who)?;
    platform::authorize(Some(&*who), Action::EditComment, &facts)?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let now = Utc::now();
            let done = writer
                .execute::<Thread>(&streams::thread(thread_id), |_| {
                    Ok(CommentCommand::Edit(EditComment {
                        comment_id,
                        text: body.text.clone(),
                        by: who.person.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::ok(CommentAnswer {
                thread_id,
                comment_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Retracts a comment (its author, or the chair): a tombstone keeps its place in the thread.
#[utoipa::path(delete, path = "/api/threads/{thread_id}/comments/{comment_id}", tag = "comments",
    params(("thread_id" = uuid::Uuid, Path), ("comment_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    responses(
        (status = 200, description = "retracted", body = CommentAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[delete("/api/threads/{thread_id}/comments/{comment_id}")]
#[tracing::instrument(skip_all, fields(thread = %path.0, comment = %path.1))]
async fn retract(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(ThreadId, CommentId)>,
) -> Result<HttpResponse, ApiError> {
    let (thread_id, comment_id) = path.into_inner();
    let (thread, group_id, _) = load_thread(&platform, thread_id).await?;
    let facts = comment_facts(&thread, &group_id, comment_id, &who)?;
    platform::authorize(Some(&*who), Action::RetractComment, &facts)?;
    let by_chair = who.chairs(&group_id);
    platform
        .write(&who, &write, &(thread_id, comment_id), async |writer| {
            let now = Utc::now();
            let done = writer
                .execute::<Thread>(&streams::thread(thread_id), |_| {
                    Ok(CommentCommand::Retract(RetractComment {
                        comment_id,
                        by: who.person.clone(),
                        by_chair,
                        now,
                    }))
                })
                .await?;
            Reply::ok(CommentAnswer {
                thread_id,
                comment_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Resolves the thread (the person who opened it, or the chair).
#[utoipa::path(post, path = "/api/threads/{thread_id}/resolution", tag = "comments",
    params(("thread_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = ResolveBody,
    responses(
        (status = 200, description = "resolved", body = ThreadAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/threads/{thread_id}/resolution")]
#[tracing::instrument(skip_all, fields(thread = %thread_id))]
async fn resolve(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    thread_id: web::Path<ThreadId>,
    body: Json<ResolveBody>,
) -> Result<HttpResponse, ApiError> {
    let thread_id = thread_id.into_inner();
    let (thread, group_id, _) = load_thread(&platform, thread_id).await?;
    let facts = PolicyFacts {
        is_author: thread.is_thread_author(&who.person),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&*who), Action::ResolveThread, &facts)?;
    let by_chair = who.chairs(&group_id);
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Thread>(&streams::thread(thread_id), |_| {
                    Ok(CommentCommand::Resolve(ResolveThread {
                        resolution: body.resolution.clone(),
                        by: who.person.clone(),
                        by_chair,
                    }))
                })
                .await?;
            Reply::ok(ThreadAnswer {
                thread_id,
                resolved: done.state.resolved,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Loads a thread with its group and subject, 404 when there is none.
async fn load_thread(
    platform: &Platform,
    thread_id: ThreadId,
) -> Result<(ThreadState, GroupId, Subject), ApiError> {
    let loaded = platform.load::<Thread>(&streams::thread(thread_id)).await?;
    let opened = loaded.state.opened.as_ref().ok_or_else(|| {
        ApiError::not_found("comment.thread_not_found", format!("no thread {thread_id}"))
    })?;
    let (group_id, subject) = (opened.group_id.clone(), opened.subject.clone());
    Ok((loaded.state, group_id, subject))
}

/// The policy facts of acting on one comment; 404 when the thread has no such comment.
fn comment_facts(
    thread: &ThreadState,
    group_id: &str,
    comment_id: CommentId,
    who: &Principal,
) -> Result<PolicyFacts, ApiError> {
    if !thread.comments.contains_key(&comment_id) {
        return Err(ApiError::not_found(
            "comment.not_found",
            format!("no comment {comment_id} in this thread"),
        ));
    }
    Ok(PolicyFacts {
        is_author: thread.is_author_of(comment_id, &who.person),
        ..platform::in_group(group_id)
    })
}
