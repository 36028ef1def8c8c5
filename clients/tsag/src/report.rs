//! A pull said plainly, for the person who ran it.

use std::fmt::Write;

use crate::pull::{PullReport, Received};
use crate::verify::{DocumentCheck, TrailCheck};

/// The whole report as text, ending with the verdict.
pub fn render(report: &PullReport) -> String {
    let mut out = String::new();
    let since = report
        .since
        .as_deref()
        .map_or_else(|| "the beginning".to_string(), |s| format!("position {s}"));
    let until = report.until.as_deref().unwrap_or("(empty log)");
    if report.transmittals.is_empty() {
        let _ = writeln!(
            out,
            "Nothing new for {} at {} since {since} (log read up to position {until}).",
            report.parent_group, report.server
        );
    } else {
        let _ = writeln!(
            out,
            "{} new transmittal(s) for {} from {} (log after {since}, up to position {until}).",
            report.transmittals.len(),
            report.parent_group,
            report.server
        );
        for (index, received) in report.transmittals.iter().enumerate() {
            out.push('\n');
            transmittal(&mut out, index + 1, received);
        }
        out.push('\n');
    }
    let failed = report.transmittals.iter().filter(|t| !t.verified).count();
    // With nothing received there is nothing to vouch for: only where the next pull starts.
    if !report.transmittals.is_empty() {
        if report.verified {
            let _ = writeln!(
                out,
                "VERIFIED: every document matches its SHA-256 and every audit trail's hash chain holds."
            );
        } else {
            let total = report.transmittals.len();
            let _ = writeln!(
                out,
                "VERIFICATION FAILED for {failed} of {total} transmittal(s): do not rely on what failed."
            );
        }
    }
    if report.state_saved {
        let _ = writeln!(out, "Next pull starts after position {until}.");
    } else {
        let _ = writeln!(
            out,
            "State not moved on: the next pull fetches these again."
        );
    }
    out
}

fn transmittal(out: &mut String, index: usize, t: &Received) {
    let verdict = if t.verified {
        "VERIFIED"
    } else {
        "NOT VERIFIED"
    };
    let _ = writeln!(out, "{index}. {} — {verdict}", t.title);
    let group = t.group.as_deref().unwrap_or("(group not readable)");
    let number = t.number.as_deref().unwrap_or("(no number)");
    let _ = writeln!(out, "   from {group}: version {}, {number}", t.version);
    let _ = writeln!(
        out,
        "   transmitted {} for the parent meeting of {} (status {}, log position {})",
        t.transmitted_at, t.parent_meeting_starts_on, t.status, t.position
    );
    match &t.decision {
        Some(d) => {
            let force = if d.in_force {
                "in force"
            } else {
                "corrected since"
            };
            let _ = writeln!(
                out,
                "   approved by decision {} ({}, {force}) on {}",
                d.id, d.outcome, d.decided_at
            );
            let _ = writeln!(out, "     question: {}", d.question);
            let _ = writeln!(out, "     summary:  {}", d.summary);
            if d.objections.is_empty() {
                let _ = writeln!(out, "     objections: none");
            }
            for o in &d.objections {
                let note = o
                    .note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "     objection by {}: {} → {}{note}",
                    o.participant, o.reason, o.disposition
                );
            }
        }
        None => {
            let _ = writeln!(out, "   approving decision: none given");
        }
    }
    if t.contributions.is_empty() {
        let _ = writeln!(out, "   built on: no contributions");
    }
    for c in &t.contributions {
        let _ = writeln!(
            out,
            "   built on {} \"{}\" by {} ({})",
            c.number,
            c.title,
            c.authors.join(", "),
            c.source_organisations.join(", ")
        );
    }
    let _ = writeln!(out, "   documents:");
    for d in &t.documents {
        let line = match &d.check {
            DocumentCheck::Verified { sha256, size } => {
                let saved = d
                    .saved_to
                    .as_ref()
                    .map(|p| format!(", saved to {}", p.display()))
                    .unwrap_or_default();
                format!(
                    "OK        {} sha256 {sha256} ({size} bytes){saved}",
                    d.number
                )
            }
            DocumentCheck::Mismatch {
                expected, actual, ..
            } => {
                format!(
                    "MISMATCH  {} expected sha256 {expected}, downloaded {actual}",
                    d.number
                )
            }
            DocumentCheck::Unavailable { reason, .. } => {
                format!("MISSING   {} {} ({reason})", d.number, d.url)
            }
        };
        let _ = writeln!(out, "     {line}");
    }
    let _ = writeln!(out, "   audit trails:");
    for trail in &t.trails {
        let line = match &trail.check {
            TrailCheck::Verified {
                stream,
                events,
                head,
            } => {
                let noun = if *events == 1 { "event" } else { "events" };
                format!(
                    "OK        {} ({stream}): {events} {noun}, chain intact, last hash {head}",
                    trail.of
                )
            }
            TrailCheck::Broken {
                stream,
                revision,
                reason,
            } => {
                let at = revision
                    .map(|r| format!(" at revision {r}"))
                    .unwrap_or_default();
                format!("BROKEN    {} ({stream}){at}: {reason}", trail.of)
            }
        };
        let _ = writeln!(out, "     {line}");
    }
    for claim in t.claims.iter().filter(|c| !c.recorded) {
        let _ = writeln!(
            out,
            "     UNPROVEN  no verified event records the {}",
            claim.what
        );
    }
    for problem in &t.problems {
        let _ = writeln!(out, "     MISSING   {problem}");
    }
}
