//! The demo: TSAG, FG DFC with its terms of reference, DCGI with its three working groups,
//! their people, an upcoming meeting and a few contributions, all created by sending the
//! ordinary commands to the running server over HTTP, as the demo people.
//!
//! Each step is one function over [`Demo`]; [`seed`] runs them in order. A new step (comments,
//! a consensus call, a decision) is a function here and one line in [`seed`].

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate, Utc};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::people::{self, DemoToken};

/// What the steps share: where the server is, the people's tokens, and the ids created so far.
#[derive(Debug)]
pub struct Demo {
    client: reqwest::Client,
    base: String,
    tokens: BTreeMap<String, String>,
    /// The upcoming FG DFC meeting.
    pub meeting_id: Option<Uuid>,
    /// Contributions submitted to it, by number (`DFC-I-001`).
    pub contributions: BTreeMap<String, Uuid>,
    /// FG DFC's deliverables, by title.
    pub deliverables: BTreeMap<String, Uuid>,
}

impl Demo {
    pub fn new(base: &str, tokens: &[DemoToken]) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_string(),
            tokens: tokens
                .iter()
                .map(|token| (token.person.clone(), token.token.clone()))
                .collect(),
            meeting_id: None,
            contributions: BTreeMap::new(),
            deliverables: BTreeMap::new(),
        }
    }

    fn token(&self, person: &str) -> anyhow::Result<&str> {
        self.tokens
            .get(person)
            .map(String::as_str)
            .with_context(|| format!("no demo token for {person}"))
    }

    /// Sends a JSON command as `person`; fails on any answer but 2xx.
    pub async fn post(&self, person: &str, path: &str, body: Value) -> anyhow::Result<Value> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.token(person)?)
            .json(&body);
        answer(request, path).await
    }

    /// Sends a multipart upload (a `metadata` JSON part and a text `file`) as `person`.
    pub async fn upload(
        &self,
        person: &str,
        path: &str,
        metadata: Value,
        file_name: &str,
        text: String,
    ) -> anyhow::Result<Value> {
        let form = Form::new()
            .part(
                "metadata",
                Part::text(metadata.to_string()).mime_str("application/json")?,
            )
            .part(
                "file",
                Part::text(text)
                    .file_name(file_name.to_string())
                    .mime_str("text/plain")?,
            );
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.token(person)?)
            .multipart(form);
        answer(request, path).await
    }
}

async fn answer(request: reqwest::RequestBuilder, path: &str) -> anyhow::Result<Value> {
    let response = request
        .send()
        .await
        .with_context(|| format!("POST {path}"))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .with_context(|| format!("POST {path}: reading the answer"))?;
    if !status.is_success() {
        bail!("POST {path} answered {status}: {body}");
    }
    Ok(body)
}

/// Runs every step against the server at `base`.
pub async fn seed(base: &str, tokens: &[DemoToken]) -> anyhow::Result<Demo> {
    let mut demo = Demo::new(base, tokens);
    establish_tsag(&mut demo).await?;
    establish_fg_dfc(&mut demo).await?;
    register_fg_dfc_people(&mut demo).await?;
    establish_dcgi(&mut demo).await?;
    announce_fg_dfc_meeting(&mut demo).await?;
    submit_contributions(&mut demo).await?;
    comment_on_terms_contribution(&mut demo).await?;
    define_fg_dfc_deliverables(&mut demo).await?;
    publish_terminology_draft(&mut demo).await?;
    agree_terminology_by_consensus(&mut demo).await?;
    Ok(demo)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub async fn establish_tsag(demo: &mut Demo) -> anyhow::Result<()> {
    demo.post(
        people::SECRETARIAT,
        "/api/groups",
        json!({
            "groupId": "tsag",
            "name": "Telecommunication Standardization Advisory Group",
            "acronym": "TSAG",
            "documentPrefix": "TSAG",
            "kind": "parentGroup",
            "visibility": "public",
            "establishedOn": "2017-05-01",
        }),
    )
    .await?;
    register(demo, "tsag", people::TSAG_MEMBER).await
}

/// FG DFC's terms of reference, condensed from its circular (see DOMAIN.md).
pub fn fg_dfc_terms_of_reference() -> Value {
    json!({
        "objectives": [
            "Study the ecosystem of digital fiat currency and its use for financial inclusion",
            "Identify the standardization gaps and the areas for ITU-T to address",
        ],
        "tasks": [
            "Survey existing work on digital currency in standards bodies, central banks and industry",
            "Describe the reference architecture, security and interoperability of digital fiat currency",
            "Report its progress to TSAG",
        ],
        "deliverables": [
            "Governance reference documentation from the central bank and regulator perspective",
            "Report on sovereign security, transparency and verifiability of critical technology components",
            "Report on the economic benefit and impact of DFC on mobile payments",
            "Terminology and taxonomy",
            "Report on the DFC ecosystem, stakeholders and use cases for financial inclusion",
            "Report on interoperability scenarios",
            "Security architecture and reference model",
            "Use cases and integration framework with existing payment systems",
            "Use cases for big data analytics",
            "ICT security and governance reference model with an assurance framework",
            "New areas for standardization",
        ],
        "lifetimeMonths": 24,
    })
}

pub async fn establish_fg_dfc(demo: &mut Demo) -> anyhow::Result<()> {
    demo.post(
        people::SECRETARIAT,
        "/api/groups",
        json!({
            "groupId": "fg-dfc",
            "name": "ITU-T Focus Group on Digital Currency including Digital Fiat Currency",
            "acronym": "FG DFC",
            "documentPrefix": "DFC",
            "kind": "focusGroup",
            "parentId": "tsag",
            "visibility": "public",
            "establishedOn": "2017-05-04",
            "termsOfReference": fg_dfc_terms_of_reference(),
        }),
    )
    .await?;
    Ok(())
}

/// Registers `person` in `group` with their organisation and category, as the secretariat.
async fn register(demo: &Demo, group: &str, person: &str) -> anyhow::Result<()> {
    let entry = people::demo_people()
        .into_iter()
        .find(|candidate| candidate.identity.sub == person)
        .with_context(|| format!("{person} is not a demo person"))?;
    demo.post(
        people::SECRETARIAT,
        &format!("/api/groups/{group}/participants"),
        json!({
            "person": entry.identity.sub,
            "displayName": entry.identity.name,
            "organisation": entry.identity.org,
            "category": entry.category,
            "country": entry.country,
        }),
    )
    .await?;
    Ok(())
}

pub async fn register_fg_dfc_people(demo: &mut Demo) -> anyhow::Result<()> {
    for person in people::FG_DFC_PARTICIPANTS {
        register(demo, "fg-dfc", person).await?;
    }
    for (person, role) in [(people::CHAIR, "chair"), (people::VICE_CHAIR, "viceChair")] {
        demo.post(
            people::SECRETARIAT,
            "/api/groups/fg-dfc/officers",
            json!({ "person": person, "role": role }),
        )
        .await?;
    }
    Ok(())
}

pub async fn establish_dcgi(demo: &mut Demo) -> anyhow::Result<()> {
    demo.post(
        people::SECRETARIAT,
        "/api/groups",
        json!({
            "groupId": "dcgi",
            "name": "Digital Currency Global Initiative",
            "acronym": "DCGI",
            "documentPrefix": "DCGI",
            "kind": "initiative",
            "parentId": "tsag",
            "visibility": "public",
            "establishedOn": "2020-07-01",
            "termsOfReference": {
                "objectives": ["Highly trusted, repeatable evaluation of digital currency systems"],
                "tasks": ["Organise the work in three working groups", "Report progress to TSAG"],
                "deliverables": ["Reference architecture", "Policy and governance framework", "Security assurance framework"],
                "lifetimeMonths": 24,
            },
        }),
    )
    .await?;
    let working_groups = [
        (
            "dcgi-airu",
            "Architecture, Interoperability Requirements and Use Cases",
            "AIRU",
        ),
        ("dcgi-pg", "Policy and Governance", "PG"),
        ("dcgi-sa", "Security Assurance", "SA"),
    ];
    for (group_id, name, acronym) in working_groups {
        demo.post(
            people::SECRETARIAT,
            "/api/groups",
            json!({
                "groupId": group_id,
                "name": name,
                "acronym": format!("DCGI {acronym}"),
                "documentPrefix": acronym,
                "kind": "workingGroup",
                "parentId": "dcgi",
                "visibility": "public",
                "establishedOn": "2020-07-01",
            }),
        )
        .await?;
    }
    register(demo, "dcgi-airu", people::DCGI_DELEGATE).await
}

pub async fn announce_fg_dfc_meeting(demo: &mut Demo) -> anyhow::Result<()> {
    let starts_on = today() + Days::new(42);
    let answer = demo
        .post(
            people::CHAIR,
            "/api/meetings",
            json!({
                "groupId": "fg-dfc",
                "title": "FG DFC meeting",
                "startsOn": starts_on,
                "endsOn": starts_on + Days::new(2),
                "venue": "ITU headquarters, Geneva",
                "remoteParticipation": true,
                "registrationDeadline": starts_on - Days::new(14),
                "agenda": [
                    { "id": "1", "title": "Opening of the meeting" },
                    { "id": "2", "title": "Approval of the agenda" },
                    { "id": "3", "title": "Terminology and taxonomy" },
                    { "id": "4", "title": "DFC ecosystem and use cases for financial inclusion" },
                    { "id": "5", "title": "Security architecture and reference model" },
                    { "id": "6", "title": "Any other business" },
                ],
            }),
        )
        .await?;
    let meeting_id = answer["meetingId"]
        .as_str()
        .context("the announcement answer names the meeting")?;
    demo.meeting_id = Some(meeting_id.parse()?);
    Ok(())
}

pub async fn submit_contributions(demo: &mut Demo) -> anyhow::Result<()> {
    let meeting_id = demo.meeting_id.context("announce the meeting first")?;
    let submissions = [
        (
            people::CENTRAL_BANK_DELEGATE,
            "3",
            "Proposed terms and definitions for digital fiat currency",
            "People's Bank of China",
        ),
        (
            people::FINTECH_DELEGATE,
            "4",
            "Mobile money agents as an on-ramp to digital fiat currency",
            "MobiPay Ltd",
        ),
        (
            people::EDITOR,
            "5",
            "Skeleton of the security architecture and reference model",
            "Banco Central do Brasil",
        ),
    ];
    for (person, item, title, organisation) in submissions {
        let text = format!(
            "{title}\n\nSource: {organisation}\nFor: FG DFC, agenda item {item}\n\nThis contribution proposes text for discussion at the meeting.\n"
        );
        let answer = demo
            .upload(
                person,
                "/api/contributions",
                json!({
                    "meetingId": meeting_id,
                    "agendaItem": item,
                    "title": title,
                    "sourceOrganisations": [organisation],
                }),
                &format!("{}.txt", title.to_lowercase().replace(' ', "-")),
                text,
            )
            .await?;
        let number = answer["number"]
            .as_str()
            .context("a submission answer carries its number")?
            .to_string();
        let id = answer["contributionId"]
            .as_str()
            .context("a submission answer carries its id")?
            .parse()?;
        demo.contributions.insert(number, id);
    }
    Ok(())
}

/// The title of the deliverable the demo drafts and agrees.
pub const TERMINOLOGY: &str = "Terminology and taxonomy";

/// A thread on the central bank's terms (`DFC-I-001`) with a reply from its author.
pub async fn comment_on_terms_contribution(demo: &mut Demo) -> anyhow::Result<()> {
    let contribution_id = *demo
        .contributions
        .get("DFC-I-001")
        .context("submit the contributions first")?;
    let opened = demo
        .post(
            people::FINTECH_DELEGATE,
            "/api/threads",
            json!({
                "groupId": "fg-dfc",
                "subject": { "kind": "contribution", "id": contribution_id },
                "text": "Section 2 defines \"token\" only for account-based designs. Could it cover bearer instruments held by mobile money agents?",
            }),
        )
        .await?;
    let thread_id = opened["threadId"]
        .as_str()
        .context("an opened thread has an id")?;
    let comment_id = opened["commentId"]
        .as_str()
        .context("an opened thread has its first comment")?;
    demo.post(
        people::CENTRAL_BANK_DELEGATE,
        &format!("/api/threads/{thread_id}/replies"),
        json!({
            "inReplyTo": comment_id,
            "text": "Yes: a revision will add a definition of token-based DFC that covers agent-held value.",
        }),
    )
    .await?;
    Ok(())
}

/// Every deliverable of FG DFC's terms of reference, defined by the chair; editors assigned
/// to the terminology and the security architecture.
pub async fn define_fg_dfc_deliverables(demo: &mut Demo) -> anyhow::Result<()> {
    let terms = fg_dfc_terms_of_reference();
    let titles = terms["deliverables"]
        .as_array()
        .context("the terms of reference list deliverables")?;
    for title in titles.iter().filter_map(Value::as_str) {
        let answer = demo
            .post(
                people::CHAIR,
                "/api/deliverables",
                json!({ "groupId": "fg-dfc", "title": title, "fromTermsOfReference": true }),
            )
            .await?;
        let id = answer["deliverableId"]
            .as_str()
            .context("a defined deliverable has an id")?
            .parse()?;
        demo.deliverables.insert(title.to_string(), id);
    }
    let editors = [
        (TERMINOLOGY, people::SECOND_EDITOR),
        ("Security architecture and reference model", people::EDITOR),
    ];
    for (title, editor) in editors {
        let id = demo
            .deliverables
            .get(title)
            .with_context(|| format!("no deliverable {title:?}"))?;
        demo.post(
            people::CHAIR,
            &format!("/api/deliverables/{id}/editors"),
            json!({ "person": editor }),
        )
        .await?;
    }
    Ok(())
}

/// The terminology editor publishes the first draft (`DFC-O-001`), building on `DFC-I-001`.
pub async fn publish_terminology_draft(demo: &mut Demo) -> anyhow::Result<()> {
    let id = *demo
        .deliverables
        .get(TERMINOLOGY)
        .context("define the deliverables first")?;
    let builds_on: Vec<Uuid> = demo
        .contributions
        .get("DFC-I-001")
        .copied()
        .into_iter()
        .collect();
    let text = "Terminology and taxonomy for digital fiat currency\n\nDraft 1\n\n\
        1 Scope\n2 Terms defined elsewhere\n3 Terms defined in this report: digital fiat currency, \
        token-based DFC, account-based DFC, wallet, agent\n";
    demo.upload(
        people::SECOND_EDITOR,
        &format!("/api/deliverables/{id}/drafts"),
        json!({ "buildsOn": builds_on, "note": "First draft, taking up DFC-I-001" }),
        "dfc-terminology-draft-1.txt",
        text.to_string(),
    )
    .await?;
    Ok(())
}

/// A consensus call on the terminology draft: support, one objection, a stand-aside; the chair
/// records agreement with modifications, the objection resolved. The deliverables service's
/// routing reactor then approves the deliverable from that decision on the log.
pub async fn agree_terminology_by_consensus(demo: &mut Demo) -> anyhow::Result<()> {
    let id = *demo
        .deliverables
        .get(TERMINOLOGY)
        .context("define the deliverables first")?;
    let opened = demo
        .post(
            people::CHAIR,
            "/api/consensus-calls",
            json!({
                "groupId": "fg-dfc",
                "subject": { "kind": "deliverable", "id": id, "version": 1 },
                "question": "Can FG DFC agree draft 1 of the terminology and taxonomy report as its deliverable?",
                "closesAt": Utc::now() + chrono::Duration::days(7),
            }),
        )
        .await?;
    let call_id = opened["callId"]
        .as_str()
        .context("an opened call has an id")?;
    let objection = "\"Token\" must also cover bearer value held by mobile money agents";
    let positions = [
        (
            people::CENTRAL_BANK_DELEGATE,
            json!({ "stance": "support" }),
        ),
        (
            people::FINTECH_DELEGATE,
            json!({ "stance": "object", "reason": objection }),
        ),
        (people::VICE_CHAIR, json!({ "stance": "standAside" })),
    ];
    for (person, position) in positions {
        demo.post(
            person,
            &format!("/api/consensus-calls/{call_id}/positions"),
            position,
        )
        .await?;
    }
    demo.post(
        people::CHAIR,
        &format!("/api/consensus-calls/{call_id}/decision"),
        json!({
            "outcome": "agreedWithModifications",
            "summary": "Draft 1 agreed, with the definition of token widened to agent-held value.",
            "objections": [{
                "participant": people::FINTECH_DELEGATE,
                "reason": objection,
                "disposition": "resolved",
                "note": "The editor widens the definition in the agreed text.",
            }],
        }),
    )
    .await?;
    Ok(())
}
