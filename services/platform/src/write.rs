//! Carrying out commands: load a stream, fold it, `decide`, append with the revision read;
//! with `Idempotency-Key` (a retried request gets the first answer and appends nothing) and
//! `If-Match` (the revision the client last saw; 412 when the stream has moved on).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use domain::Aggregate;
use domain::codec::DomainEvent;
use domain::error::{DomainError, Rejection};
use domain::policy::Principal;
use eventlog::{
    Actor, ExpectedRevision, NewEvent, Position, ReadStream, RecordedEvent, StoreError, StreamId,
    StreamRevision,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Platform;
use crate::error::{ApiError, FieldError};

/// Answer header carrying the global position of the write's last event.
pub const POSITION_HEADER: &str = "plenary-position";
/// Present (`true`) on an answer replayed for a repeated `Idempotency-Key`.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
const IDEMPOTENCY_HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 200;
/// Attempts of decide-and-append when the stream moves on concurrently (no `If-Match`). Each
/// lost race means another writer made progress; a busy register sees one per rival.
const ATTEMPTS: u32 = 16;
const ANSWER_EVENT_TYPE: &str = "IdempotentRequestAnswered";
/// Namespace of deterministic event ids derived from idempotency keys.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6a1f_0b5e_52c4_4d8e_9f0a_8d3c_77e1_2b90);

/// Where a write left its stream, returned in every write answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// The stream written, e.g. `group-fg-dfc`.
    pub stream: String,
    /// The stream's revision after the write; send it back as `If-Match`. Also the `ETag`.
    pub revision: StreamRevision,
    /// Global position of the last event written: an opaque token to read your own write.
    pub position: String,
}

/// The write headers, for route documentation: `params(platform::write::WriteHeaders)`.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct WriteHeaders {
    /// Any unique string (a UUID): a retried request with the same key gets the first answer
    /// and appends nothing. Reusing a key for a different request is refused (422).
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
    /// The stream revision last seen (the `ETag` of an earlier answer); 412 when it moved on.
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
}

/// The write headers of a request: `Idempotency-Key` and `If-Match`. An extractor.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    pub idempotency_key: Option<String>,
    pub if_match: Option<StreamRevision>,
    /// `METHOD path`, part of what an idempotency key is bound to.
    route: String,
}

impl FromRequest for WriteRequest {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_headers(req))
    }
}

impl WriteRequest {
    fn from_headers(req: &HttpRequest) -> Result<Self, ApiError> {
        let text = |name: HeaderName| -> Result<Option<String>, ApiError> {
            req.headers()
                .get(&name)
                .map(|value| {
                    value
                        .to_str()
                        .map(|text| text.trim().to_string())
                        .map_err(|_| {
                            ApiError::bad_request(
                                "invalid_header",
                                format!("the {name} header must be text"),
                            )
                        })
                })
                .transpose()
        };
        let idempotency_key = text(HeaderName::from_static(IDEMPOTENCY_HEADER))?;
        if let Some(key) = &idempotency_key
            && (key.is_empty() || key.len() > MAX_KEY_LEN)
        {
            return Err(header_error(
                IDEMPOTENCY_HEADER,
                "Idempotency-Key must be 1-200 characters",
            ));
        }
        let if_match = text(header::IF_MATCH)?
            .map(|value| {
                value
                    .trim_start_matches("W/")
                    .trim_matches('"')
                    .parse::<StreamRevision>()
                    .map_err(|_| {
                        header_error(
                            "if-match",
                            "If-Match must be a stream revision as returned in ETag, e.g. \"3\"",
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            idempotency_key,
            if_match,
            route: format!("{} {}", req.method(), req.path()),
        })
    }
}

fn header_error(header: &str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_header".into(),
        detail: message.into(),
        errors: vec![FieldError {
            field: format!("header:{header}"),
            code: "invalid_header".into(),
            message: message.into(),
        }],
    }
}

/// A stream folded into its aggregate's state.
#[derive(Debug, Clone)]
pub struct Loaded<A: Aggregate> {
    pub state: A::State,
    /// Last revision; `None` when the stream does not exist.
    pub revision: Option<StreamRevision>,
    pub position: Option<Position>,
}

impl<A: Aggregate> Loaded<A> {
    pub fn exists(&self) -> bool {
        self.revision.is_some()
    }
}

/// The outcome of one command on one stream.
#[derive(Debug, Clone)]
pub struct Executed<A: Aggregate> {
    pub stream: String,
    /// The events recorded (empty when the command changed nothing).
    pub events: Vec<A::Event>,
    /// The state after them.
    pub state: A::State,
    pub revision: StreamRevision,
    pub position: Position,
}

impl<A: Aggregate> Executed<A> {
    pub fn receipt(&self) -> Receipt {
        Receipt {
            stream: self.stream.clone(),
            revision: self.revision,
            position: self.position.to_string(),
        }
    }
}

/// What a write route answers: a status and a JSON body, which should embed the [`Receipt`].
#[derive(Debug, Clone)]
pub struct Reply {
    status: StatusCode,
    body: serde_json::Value,
}

impl Reply {
    pub fn new(status: StatusCode, body: impl Serialize) -> Result<Self, ApiError> {
        Ok(Self {
            status,
            body: serde_json::to_value(body).map_err(ApiError::internal)?,
        })
    }

    pub fn ok(body: impl Serialize) -> Result<Self, ApiError> {
        Self::new(StatusCode::OK, body)
    }

    pub fn created(body: impl Serialize) -> Result<Self, ApiError> {
        Self::new(StatusCode::CREATED, body)
    }
}

/// The answer recorded on `idempotency-{hash}` for a request with an `Idempotency-Key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordedAnswer {
    /// SHA-256 of the route and the request body, to spot a key reused for another request.
    request_hash: String,
    status: u16,
    body: serde_json::Value,
    receipt: Option<Receipt>,
}

/// Carries out one request's commands for one principal. Given to the closure of
/// [`Platform::write`].
pub struct Writer<'a> {
    platform: &'a Platform,
    principal: &'a Principal,
    request: &'a WriteRequest,
    correlation_id: Uuid,
    /// Events appended so far in this request, for deterministic ids.
    appended: u64,
    /// Whether `If-Match` has been applied (it applies to the first `execute`).
    if_match_used: bool,
    last: Option<Receipt>,
}

impl std::fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("request", &self.request)
            .field("last", &self.last)
            .finish()
    }
}

impl Platform {
    /// Reads a stream and folds it into `A`'s state.
    pub async fn load<A>(&self, stream: &str) -> Result<Loaded<A>, ApiError>
    where
        A: Aggregate,
    {
        let (loaded, _) = self.load_recorded::<A>(stream).await?;
        Ok(loaded)
    }

    /// A stream's events, typed, oldest first (for what the state does not keep).
    pub async fn history<A: Aggregate>(&self, stream: &str) -> Result<Vec<A::Event>, ApiError> {
        let (_, recorded) = self.load_recorded::<A>(stream).await?;
        recorded
            .iter()
            .map(|event| decode::<A>(stream, event))
            .collect()
    }

    async fn load_recorded<A: Aggregate>(
        &self,
        stream: &str,
    ) -> Result<(Loaded<A>, Vec<RecordedEvent>), ApiError> {
        // A name no stream can have (built from a malformed id) holds nothing: the domain then
        // refuses the command as it would for any missing aggregate, with its own code.
        let recorded = match StreamId::new(stream) {
            Ok(id) => {
                self.store()
                    .read_stream(&id, ReadStream::all_forwards())
                    .await?
            }
            Err(_) => Vec::new(),
        };
        let mut state = A::State::default();
        for event in &recorded {
            state = A::evolve(state, &decode::<A>(stream, event)?);
        }
        let last = recorded.last();
        let loaded = Loaded {
            state,
            revision: last.map(|e| e.revision),
            position: last.map(|e| e.position),
        };
        Ok((loaded, recorded))
    }

    /// Runs a write: replays the recorded answer when the `Idempotency-Key` was seen before
    /// (422 `idempotency_key_reused` when it came with another request), else runs `work`,
    /// records its answer under the key, and answers with `ETag` and `Plenary-Position`.
    ///
    /// `request_body` is what identifies the request besides its route (the parsed JSON body,
    /// or the metadata and document of an upload).
    pub async fn write<B>(
        &self,
        principal: &Principal,
        request: &WriteRequest,
        request_body: &B,
        work: impl AsyncFnOnce(&mut Writer<'_>) -> Result<Reply, ApiError>,
    ) -> Result<HttpResponse, ApiError>
    where
        B: Serialize + ?Sized,
    {
        let request_hash = {
            let body = serde_json::to_vec(request_body).map_err(ApiError::internal)?;
            let mut hasher = Sha256::new();
            hasher.update(request.route.as_bytes());
            hasher.update([0]);
            hasher.update(&body);
            hex::encode(hasher.finalize())
        };
        let answer_stream = match &request.idempotency_key {
            Some(key) => {
                let digest = Sha256::digest(format!("{}:{key}", principal.person).as_bytes());
                let stream = stream_id(&format!("idempotency-{}", hex::encode(digest)))?;
                if let Some(answer) = self.recorded_answer(&stream).await? {
                    return replay(answer, &request_hash);
                }
                Some(stream)
            }
            None => None,
        };

        let mut writer = Writer {
            platform: self,
            principal,
            request,
            correlation_id: Uuid::now_v7(),
            appended: 0,
            if_match_used: false,
            last: None,
        };
        let reply = work(&mut writer).await?;
        let answer = RecordedAnswer {
            request_hash,
            status: reply.status.as_u16(),
            body: reply.body,
            receipt: writer.last.clone(),
        };
        if let Some(stream) = answer_stream {
            let event = NewEvent {
                id: writer.derived_id(stream.as_str(), u64::MAX),
                event_type: ANSWER_EVENT_TYPE.into(),
                schema_version: 1,
                actor: actor_of(principal),
                correlation_id: writer.correlation_id,
                causation_id: None,
                payload: serde_json::value::to_raw_value(&answer).map_err(ApiError::internal)?,
            };
            match self
                .store()
                .append(&stream, ExpectedRevision::NoStream, vec![event])
                .await
            {
                Ok(_) => {}
                // A concurrent twin recorded first; its answer is the one to give.
                Err(StoreError::Conflict { .. }) => {
                    if let Some(first) = self.recorded_answer(&stream).await? {
                        return replay(first, &answer.request_hash);
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(respond(&answer, false))
    }

    async fn recorded_answer(&self, stream: &StreamId) -> Result<Option<RecordedAnswer>, ApiError> {
        let events = self
            .store()
            .read_stream(stream, ReadStream::all_forwards())
            .await?;
        events
            .first()
            .map(|event| serde_json::from_str(event.payload.get()).map_err(ApiError::internal))
            .transpose()
    }
}

/// A stored event of an aggregate's stream that does not decode is corrupt data, not input.
fn decode<A: Aggregate>(stream: &str, event: &RecordedEvent) -> Result<A::Event, ApiError> {
    A::Event::decode(&event.event_type, event.schema_version, event.payload.get())
        .map_err(|error| ApiError::internal(format!("{stream}@{}: {error}", event.revision)))
}

fn replay(answer: RecordedAnswer, request_hash: &str) -> Result<HttpResponse, ApiError> {
    if answer.request_hash != request_hash {
        return Err(ApiError::Unprocessable {
            code: "idempotency_key_reused".into(),
            detail: "this Idempotency-Key was already used for a different request".into(),
            errors: vec![FieldError {
                field: format!("header:{IDEMPOTENCY_HEADER}"),
                code: "idempotency_key_reused".into(),
                message: "use a new key for a new request".into(),
            }],
        });
    }
    Ok(respond(&answer, true))
}

fn respond(answer: &RecordedAnswer, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(receipt) = &answer.receipt {
        response.insert_header((header::ETAG, format!("\"{}\"", receipt.revision)));
        if let Ok(position) = HeaderValue::from_str(&receipt.position) {
            response.insert_header((HeaderName::from_static(POSITION_HEADER), position));
        }
    }
    if replayed {
        response.insert_header((
            HeaderName::from_static(REPLAYED_HEADER),
            HeaderValue::from_static("true"),
        ));
    }
    response.json(&answer.body)
}

impl Writer<'_> {
    pub fn principal(&self) -> &Principal {
        self.principal
    }

    pub fn platform(&self) -> &Platform {
        self.platform
    }

    /// A new entity id (a contribution's, a meeting's). Derived from the idempotency key when
    /// there is one, so a retried request names the same entity.
    pub fn new_id(&self, purpose: &str) -> Uuid {
        match &self.request.idempotency_key {
            Some(key) => Uuid::new_v5(
                &ID_NAMESPACE,
                format!("{}:{key}:new:{purpose}", self.principal.person).as_bytes(),
            ),
            None => Uuid::now_v7(),
        }
    }

    fn derived_id(&self, stream: &str, index: u64) -> Uuid {
        match &self.request.idempotency_key {
            Some(key) => Uuid::new_v5(
                &ID_NAMESPACE,
                format!("{}:{key}:{stream}:{index}", self.principal.person).as_bytes(),
            ),
            None => Uuid::now_v7(),
        }
    }

    /// Runs `command` against `stream`: load, fold, decide, append. The command is built from
    /// the current state (so it can use it) and rebuilt when the stream moved on concurrently.
    /// `If-Match`, when sent, applies to the first stream a request executes on.
    pub async fn execute<A>(
        &mut self,
        stream: &str,
        command: impl FnMut(&A::State) -> Result<A::Command, ApiError>,
    ) -> Result<Executed<A>, ApiError>
    where
        A: Aggregate,
    {
        let if_match = if self.if_match_used {
            None
        } else {
            self.request.if_match
        };
        self.if_match_used = true;
        self.run::<A>(stream, if_match, command).await
    }

    /// Like [`Writer::execute`], for a further stream the request also writes (a document
    /// register, say): `If-Match` never applies to it.
    pub async fn execute_also<A>(
        &mut self,
        stream: &str,
        command: impl FnMut(&A::State) -> Result<A::Command, ApiError>,
    ) -> Result<Executed<A>, ApiError>
    where
        A: Aggregate,
    {
        self.run::<A>(stream, None, command).await
    }

    async fn run<A: Aggregate>(
        &mut self,
        stream: &str,
        if_match: Option<StreamRevision>,
        mut command: impl FnMut(&A::State) -> Result<A::Command, ApiError>,
    ) -> Result<Executed<A>, ApiError> {
        let first_index = self.appended;
        for attempt in 1..=ATTEMPTS {
            let (loaded, recorded) = self.platform.load_recorded::<A>(stream).await?;
            if let Some(expected) = if_match
                && loaded.revision != Some(expected)
            {
                return Err(precondition_failed(stream, expected, loaded.revision));
            }
            if let Some(done) =
                self.already_applied::<A>(stream, first_index, &loaded, &recorded)?
            {
                return Ok(done);
            }
            let events = A::decide(&loaded.state, command(&loaded.state)?).map_err(rejection)?;
            let state = events.iter().fold(loaded.state.clone(), A::evolve);
            if events.is_empty() {
                let (Some(revision), Some(position)) = (loaded.revision, loaded.position) else {
                    return Err(ApiError::internal(format!(
                        "a command on {stream} recorded nothing on an empty stream"
                    )));
                };
                return Ok(self.finish(Executed {
                    stream: stream.into(),
                    events,
                    state,
                    revision,
                    position,
                }));
            }
            let new_events = events
                .iter()
                .enumerate()
                .map(|(offset, event)| {
                    envelope(
                        event,
                        self.derived_id(stream, first_index + offset as u64),
                        actor_of(self.principal),
                        self.correlation_id,
                    )
                })
                .collect();
            let expected = loaded
                .revision
                .map_or(ExpectedRevision::NoStream, ExpectedRevision::Exact);
            match self
                .platform
                .store()
                .append(&stream_id(stream)?, expected, new_events)
                .await
            {
                Ok(result) => {
                    self.appended += events.len() as u64;
                    let last = result.last();
                    tracing::info!(
                        stream,
                        events = events.len(),
                        revision = last.revision,
                        position = %last.position,
                        actor = %self.principal.person,
                        "recorded"
                    );
                    return Ok(self.finish(Executed {
                        stream: stream.into(),
                        events,
                        state,
                        revision: last.revision,
                        position: last.position,
                    }));
                }
                Err(StoreError::Conflict { current, .. }) => {
                    if let Some(expected) = if_match {
                        return Err(precondition_failed(stream, expected, current));
                    }
                    tracing::debug!(stream, attempt, "stream moved on while deciding; retrying");
                    // Jitter spreads rivals apart so that they do not collide again in step.
                    let pause = rand::random_range(0..=attempt.min(8)) * 2;
                    tokio::time::sleep(std::time::Duration::from_millis(pause.into())).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(ApiError::Conflict(format!(
            "{stream} kept changing while the request ran; retry it"
        )))
    }

    /// With an idempotency key, a stream already holding this request's first derived event id
    /// means an earlier attempt appended but did not get to record its answer: its events are
    /// the outcome, and nothing is decided again.
    fn already_applied<A: Aggregate>(
        &mut self,
        stream: &str,
        first_index: u64,
        loaded: &Loaded<A>,
        recorded: &[RecordedEvent],
    ) -> Result<Option<Executed<A>>, ApiError> {
        if self.request.idempotency_key.is_none() {
            return Ok(None);
        }
        let Some(start) = recorded
            .iter()
            .position(|e| e.id == self.derived_id(stream, first_index))
        else {
            return Ok(None);
        };
        let mut events = Vec::new();
        let mut last = &recorded[start];
        for (offset, event) in recorded[start..].iter().enumerate() {
            if event.id != self.derived_id(stream, first_index + offset as u64) {
                break;
            }
            events.push(decode::<A>(stream, event)?);
            last = event;
        }
        self.appended += events.len() as u64;
        let executed = Executed {
            stream: stream.into(),
            events,
            state: loaded.state.clone(),
            revision: last.revision,
            position: last.position,
        };
        Ok(Some(self.finish(executed)))
    }

    fn finish<A: Aggregate>(&mut self, executed: Executed<A>) -> Executed<A> {
        self.last = Some(executed.receipt());
        executed
    }
}

fn precondition_failed(
    stream: &str,
    expected: StreamRevision,
    current: Option<StreamRevision>,
) -> ApiError {
    ApiError::PreconditionFailed(match current {
        Some(current) => {
            format!("{stream} is at revision {current}, not {expected} as If-Match says")
        }
        None => format!("{stream} does not exist; If-Match names revision {expected}"),
    })
}

/// Every refusal by the domain, in one place. A refusal saying the thing acted on does not
/// exist is 404; every other is 422 with the domain's code and field.
pub fn rejection(error: impl Rejection) -> ApiError {
    domain_error(DomainError::from(error))
}

pub fn domain_error(error: DomainError) -> ApiError {
    const MISSING: [&str; 4] = [
        ".not_found",
        ".not_established",
        ".not_announced",
        ".not_submitted",
    ];
    if MISSING.iter().any(|suffix| error.code.ends_with(suffix)) {
        return ApiError::not_found(error.code, error.message);
    }
    match error.field {
        Some(field) => ApiError::invalid_field(field, error.code, error.message),
        None => ApiError::rejected(error.code, error.message),
    }
}

/// The actor recorded on events: the person and their roles as `role@group`.
pub fn actor_of(principal: &Principal) -> Actor {
    Actor {
        subject: principal.person.clone(),
        display_name: principal.display_name.clone(),
        roles: principal.role_labels(),
    }
}

/// The log's envelope of a domain event: its type name, schema version and payload.
pub(crate) fn envelope(
    event: &impl DomainEvent,
    id: Uuid,
    actor: Actor,
    correlation_id: Uuid,
) -> NewEvent {
    NewEvent {
        id,
        event_type: event.event_type().into(),
        schema_version: event.schema_version(),
        actor,
        correlation_id,
        causation_id: None,
        payload: event.to_payload(),
    }
}

fn stream_id(stream: &str) -> Result<StreamId, ApiError> {
    StreamId::new(stream).map_err(|error| ApiError::rejected("invalid_stream", error.to_string()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use domain::events::{GroupKind, Visibility};
    use domain::groups::{EstablishGroup, Group, GroupCommand};

    use super::*;
    use crate::Settings;

    fn establish() -> GroupCommand {
        GroupCommand::Establish(EstablishGroup {
            group_id: "tsag".into(),
            name: "TSAG".into(),
            acronym: "TSAG".into(),
            document_prefix: "TSAG".into(),
            kind: GroupKind::ParentGroup,
            parent: None,
            visibility: Visibility::Public,
            established_on: NaiveDate::from_ymd_opt(2017, 5, 1).unwrap(),
            terms_of_reference: None,
        })
    }

    fn secretariat() -> Principal {
        Principal {
            person: "elena.rossi".into(),
            secretariat: true,
            ..Principal::default()
        }
    }

    fn with_key(key: &str) -> WriteRequest {
        WriteRequest {
            idempotency_key: Some(key.into()),
            if_match: None,
            route: "POST /api/groups".into(),
        }
    }

    /// A first attempt appended its events but failed before recording its answer (a crash,
    /// a lost connection): the retry finds its events by their derived ids and answers with
    /// them instead of deciding again (which would now refuse: already established).
    #[tokio::test]
    async fn a_retry_after_an_unrecorded_answer_reports_the_events_already_appended() {
        let dir = tempfile::tempdir().unwrap();
        let platform = Platform::open(Settings::for_tests(dir.path()))
            .await
            .unwrap();
        let who = secretariat();
        let request = with_key("establish-tsag");
        let failed = platform
            .write(&who, &request, "body", async |writer| {
                writer
                    .execute::<Group>("group-tsag", |_| Ok(establish()))
                    .await?;
                Err(ApiError::Unavailable(
                    "connection lost before the answer was recorded".into(),
                ))
            })
            .await;
        assert!(failed.is_err());
        let head = platform.store().head().await.unwrap();
        assert!(head.is_some());

        let retried = platform
            .write(&who, &request, "body", async |writer| {
                let done = writer
                    .execute::<Group>("group-tsag", |_| Ok(establish()))
                    .await?;
                assert_eq!(done.events.len(), 1, "the events of the first attempt");
                Reply::created(done.receipt())
            })
            .await
            .unwrap();
        assert_eq!(retried.status(), StatusCode::CREATED);
        let group_events = platform
            .store()
            .read_stream(
                &StreamId::new("group-tsag").unwrap(),
                ReadStream::all_forwards(),
            )
            .await
            .unwrap();
        assert_eq!(group_events.len(), 1, "nothing decided or appended again");
    }

    #[tokio::test]
    async fn the_same_key_from_another_person_is_another_request() {
        let dir = tempfile::tempdir().unwrap();
        let platform = Platform::open(Settings::for_tests(dir.path()))
            .await
            .unwrap();
        let request = with_key("k");
        let first = platform
            .write(&secretariat(), &request, "body", async |writer| {
                Reply::created(
                    writer
                        .execute::<Group>("group-tsag", |_| Ok(establish()))
                        .await?
                        .receipt(),
                )
            })
            .await
            .unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let someone_else = Principal {
            person: "kwame.mensah".into(),
            ..secretariat()
        };
        let second = platform
            .write(&someone_else, &request, "body", async |writer| {
                Reply::created(
                    writer
                        .execute::<Group>("group-tsag", |_| Ok(establish()))
                        .await?
                        .receipt(),
                )
            })
            .await
            .unwrap_err();
        assert_eq!(second.code(), "group.already_established");
    }
}
