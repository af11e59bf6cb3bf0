//! The log against the clients' outcomes: every acknowledged command exactly
//! once, at the version it was answered with; no command (retried or not)
//! twice; every stream's versions contiguous in log order.

use std::collections::{BTreeMap, HashMap};

use tests::kafka::ReadRecord;
use uuid::Uuid;

use crate::load::Outcome;

#[derive(Debug, Default)]
pub struct Ledger {
    /// Events of this run's commands (title = marker), by marker.
    by_marker: HashMap<String, Vec<(Uuid, u64)>>,
    pub events: usize,
    pub streams: usize,
}

/// Reads `records` (one topic, partition then offset order). A stream's
/// first version here must follow `base_version(stream)` (0 for a stream
/// the records start, the length of its history for an older one).
pub fn check_log(records: &[ReadRecord], base_version: impl Fn(Uuid) -> u64) -> Ledger {
    let mut ledger = Ledger::default();
    let mut streams: BTreeMap<Uuid, Vec<u64>> = BTreeMap::new();
    let mut event_ids = std::collections::HashSet::new();
    for record in records {
        let envelope = record.envelope();
        assert!(
            event_ids.insert(envelope.event_id),
            "event {} is in the log twice",
            envelope.event_id
        );
        streams
            .entry(envelope.stream_id)
            .or_default()
            .push(envelope.version);
        if let Some(title) = envelope.data["title"].as_str() {
            ledger
                .by_marker
                .entry(title.to_owned())
                .or_default()
                .push((envelope.stream_id, envelope.version));
        }
        ledger.events += 1;
    }
    let mut broken = Vec::new();
    for (stream, versions) in &streams {
        let base = base_version(*stream);
        let expected: Vec<u64> = (base + 1..=base + versions.len() as u64).collect();
        if *versions != expected {
            broken.push(format!(
                "{stream}: {versions:?}, want {base}+1..={}",
                base + versions.len() as u64
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "{} streams' versions are not contiguous in log order, e.g. {:?}",
        broken.len(),
        &broken[..broken.len().min(3)]
    );
    ledger.streams = streams.len();
    ledger
}

/// What the clients' outcomes say about the log, counted.
#[derive(Debug, Default)]
pub struct Reconciliation {
    pub acknowledged: usize,
    /// Commands without an answer (or answered 5xx) whose event is in the
    /// log anyway (written, answer lost): allowed, once.
    pub unanswered_but_written: usize,
    pub unanswered_not_written: usize,
}

/// Every acknowledged command's event is in the log exactly once, on its
/// task at the answered version; an unanswered one at most once; a refused
/// one not at all.
pub fn reconcile(ledger: &Ledger, outcomes: &[Outcome]) -> Reconciliation {
    let mut counts = Reconciliation::default();
    let mut problems = Vec::new();
    for outcome in outcomes {
        let found = ledger
            .by_marker
            .get(&outcome.marker)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match (outcome.acknowledged, found) {
            (_, found) if found.len() > 1 => problems.push(format!(
                "in the log {} times: {outcome:?} {found:?}",
                found.len()
            )),
            (Some(version), [(stream, stored)]) => {
                if (*stream, *stored) != (outcome.task, version) {
                    problems.push(format!(
                        "{outcome:?} answered v{version} but the log has {stream} v{stored}"
                    ));
                }
                counts.acknowledged += 1;
            }
            (Some(_), _) => problems.push(format!("acknowledged but not in the log: {outcome:?}")),
            (None, []) => counts.unanswered_not_written += 1,
            // No answer, a timeout or an unavailable partition leaves the
            // outcome open; a refusal (4xx) says nothing was appended.
            (None, _) if outcome.last_status == 0 || outcome.last_status >= 500 => {
                counts.unanswered_but_written += 1
            }
            (None, found) => problems.push(format!(
                "refused with {} {:?} but in the log: {outcome:?} {found:?}",
                outcome.last_status, outcome.last_error
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "{} commands disagree with the log, e.g. {:#?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    counts
}
