//! The meetings context over HTTP: announce a meeting at least four weeks ahead (or with a
//! recorded waiver), answering with its contribution deadline; add agenda items.

use actix_web::{HttpResponse, post, web};
use chrono::{NaiveDate, Utc};
use domain::events::{AgendaItem, GroupId, MeetingEvent, MeetingId};
use domain::groups::Group;
use domain::meetings::{AddAgendaItem, AnnounceMeeting, Meeting, MeetingCommand};
use domain::policy::Action;
use domain::streams;
use platform::openapi::BearerAuth;
use platform::{ApiError, Authenticated, Json, Platform, Problem, Receipt, Reply, WriteRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes and OpenAPI document of this service, to mount in a server.
pub fn service() -> platform::Service {
    platform::Service::new("meetings", configure, ApiDoc::openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(announce).service(add_agenda_item);
}

#[derive(OpenApi)]
#[openapi(
    paths(announce, add_agenda_item),
    tags((name = "meetings", description = "Meetings, their notice, agenda and contribution deadline")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnnounceMeetingBody {
    #[schema(example = "fg-dfc")]
    pub group_id: GroupId,
    #[schema(example = "First meeting of FG DFC")]
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Absent for a fully remote meeting.
    #[schema(example = "IWEP/CASS, Beijing")]
    pub venue: Option<String>,
    pub remote_participation: bool,
    pub registration_deadline: Option<NaiveDate>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    /// Needed when the meeting starts in fewer than 28 days; recorded as a notice waiver.
    pub waiver_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeetingAnswer {
    pub meeting_id: Uuid,
    pub group_id: GroupId,
    /// Start minus 12 calendar days, as the domain computed it.
    pub contribution_deadline: NaiveDate,
    /// Whether the announcement gave less than four weeks' notice under a waiver.
    pub notice_waived: bool,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgendaAnswer {
    pub meeting_id: Uuid,
    pub agenda: Vec<AgendaItem>,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// Announces a meeting of a group. The answer carries the contribution deadline.
#[utoipa::path(post, path = "/api/meetings", tag = "meetings",
    params(platform::write::WriteHeaders),
    request_body = AnnounceMeetingBody,
    responses(
        (status = 201, description = "announced", body = MeetingAnswer),
        (status = "4XX", description = "refused, e.g. `meeting.notice_too_short` without a waiver",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/meetings")]
async fn announce(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<AnnounceMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    platform::authorize(
        Some(&*who),
        Action::AnnounceMeeting,
        &platform::in_group(&body.group_id),
    )?;
    let group = platform
        .load::<Group>(&streams::group(&body.group_id))
        .await?;
    if group.state.established.is_none() {
        return Err(ApiError::invalid_field(
            "groupId",
            "group.not_established",
            format!("there is no group {:?}", body.group_id),
        ));
    }
    platform
        .write(&who, &write, &*body, async |writer| {
            let meeting_id = writer.new_id("meeting");
            let done = writer
                .execute::<Meeting>(&streams::meeting(meeting_id), |_| {
                    Ok(MeetingCommand::Announce(AnnounceMeeting {
                        meeting_id,
                        group_id: body.group_id.clone(),
                        title: body.title.clone(),
                        starts_on: body.starts_on,
                        ends_on: body.ends_on,
                        venue: body.venue.clone(),
                        remote_participation: body.remote_participation,
                        registration_deadline: body.registration_deadline,
                        agenda: body.agenda.clone(),
                        waiver_reason: body.waiver_reason.clone(),
                        now: Utc::now(),
                    }))
                })
                .await?;
            let announced = done.state.announced.as_ref().ok_or_else(|| {
                ApiError::internal("an announcement recorded no MeetingAnnounced")
            })?;
            Reply::created(MeetingAnswer {
                meeting_id,
                group_id: announced.group_id.clone(),
                contribution_deadline: announced.contribution_deadline,
                notice_waived: done
                    .events
                    .iter()
                    .any(|event| matches!(event, MeetingEvent::NoticeWaived(_))),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Adds an item to an announced meeting's agenda.
#[utoipa::path(post, path = "/api/meetings/{meeting_id}/agenda-items", tag = "meetings",
    params(("meeting_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = AgendaItem,
    responses(
        (status = 201, description = "added", body = AgendaAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/meetings/{meeting_id}/agenda-items")]
async fn add_agenda_item(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    meeting_id: web::Path<MeetingId>,
    body: Json<AgendaItem>,
) -> Result<HttpResponse, ApiError> {
    let meeting_id = meeting_id.into_inner();
    let meeting = platform
        .load::<Meeting>(&streams::meeting(meeting_id))
        .await?;
    let group_id = meeting
        .state
        .announced
        .as_ref()
        .map(|announced| announced.group_id.clone())
        .ok_or_else(|| {
            ApiError::not_found("meeting.not_announced", format!("no meeting {meeting_id}"))
        })?;
    platform::authorize(
        Some(&*who),
        Action::AddAgendaItem,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Meeting>(&streams::meeting(meeting_id), |_| {
                    Ok(MeetingCommand::AddAgendaItem(AddAgendaItem {
                        item: body.0.clone(),
                        now: Utc::now(),
                    }))
                })
                .await?;
            let agenda = done
                .state
                .announced
                .as_ref()
                .map(|announced| announced.agenda.clone())
                .unwrap_or_default();
            Reply::created(AgendaAnswer {
                meeting_id,
                agenda,
                receipt: done.receipt(),
            })
        })
        .await
}
