//! Which stream each `Idempotency-Key` belongs to, decided by one writer per
//! key: the writer of the partition the key hashes to (see [`partition_of_key`]).
//! A keyed command first claims its key there, then goes to its own stream's
//! writer. Two first uses of a key on two tasks, on any instances at the same
//! instant, reach that one writer, which decides them one after the other:
//! the first claims the key, the second gets 422. A command that claimed a
//! key and was then refused (a stale `If-Match`, a domain rule, another
//! tenant's stream) releases it, so only keys with an effect stay bound.
//!
//! Claims are records of the compacted `<events topic>.keys` topic, written
//! in the claiming writer's transaction, so a new owner of the partition
//! reads them back. That topic also deletes claims older than the retention
//! window (`IDEMPOTENCY_KEY_RETENTION`), so it holds the keys of the window,
//! not of the whole history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use platform::partitioner::partition_for_key;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::rejection::Rejection;

/// A request to bind a tenant's key to a stream (or to undo a binding this
/// request's command made), on its way to the key's writer.
pub struct ClaimRequest {
    pub tenant_id: String,
    pub key: String,
    pub stream_id: Uuid,
    pub action: ClaimAction,
    /// `true` when this request bound the key, `false` when it already was.
    pub reply: oneshot::Sender<Result<bool, Rejection>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimAction {
    Claim,
    /// Unbinds the key if it is the stream's; a tombstone in the keys topic.
    Release,
}

/// The record key of a claim, which also picks its partition.
pub fn claim_key(tenant_id: &str, key: &str) -> String {
    serde_json::to_string(&(tenant_id, key)).expect("two strings serialize")
}

/// The partition whose writer decides the claims of a tenant's key.
pub fn partition_of_key(tenant_id: &str, key: &str, partitions: i32) -> i32 {
    partition_for_key(claim_key(tenant_id, key).as_bytes(), partitions)
}

/// A claim as the keys topic holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub tenant_id: String,
    pub key: String,
    pub stream_id: Uuid,
    pub claimed_at: DateTime<Utc>,
}

/// What deciding a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimDecision {
    /// The key is already this stream's: nothing to write.
    AlreadyClaimed,
    /// The key is new (or its claim expired): write the claim.
    Claim,
    /// Another stream has the key.
    Taken,
    /// The stream's claim is undone: write a tombstone.
    Release,
    /// Nothing to undo.
    NotClaimed,
}

/// Committed claims, or the claims and releases (`None`) of a batch in flight.
#[derive(Default)]
pub struct KeyClaims {
    claims: HashMap<String, Option<(Uuid, DateTime<Utc>)>>,
}

impl KeyClaims {
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Decides against the committed claims and those of the batch in flight.
    pub fn decide(
        &self,
        pending: &KeyClaims,
        record_key: &str,
        stream_id: Uuid,
        action: ClaimAction,
        since: Option<DateTime<Utc>>,
    ) -> ClaimDecision {
        let current = pending
            .claims
            .get(record_key)
            .or_else(|| self.claims.get(record_key))
            .copied()
            .flatten()
            .filter(|(_, claimed_at)| since.is_none_or(|since| *claimed_at >= since));
        let owned = current.is_some_and(|(owner, _)| owner == stream_id);
        match (action, current) {
            (ClaimAction::Claim, None) => ClaimDecision::Claim,
            (ClaimAction::Claim, Some(_)) if owned => ClaimDecision::AlreadyClaimed,
            (ClaimAction::Claim, Some(_)) => ClaimDecision::Taken,
            (ClaimAction::Release, _) if owned => ClaimDecision::Release,
            (ClaimAction::Release, _) => ClaimDecision::NotClaimed,
        }
    }

    pub fn insert(&mut self, record_key: String, stream_id: Uuid, claimed_at: DateTime<Utc>) {
        self.claims
            .insert(record_key, Some((stream_id, claimed_at)));
    }

    pub fn remove(&mut self, record_key: String) {
        self.claims.insert(record_key, None);
    }

    /// Applies the claims and releases of a committed batch.
    pub fn merge(&mut self, pending: KeyClaims) {
        for (record_key, claim) in pending.claims {
            match claim {
                Some(claim) => self.claims.insert(record_key, Some(claim)),
                None => self.claims.remove(&record_key),
            };
        }
    }

    /// Forgets claims recorded before `since`, and releases.
    pub fn expire(&mut self, since: Option<DateTime<Utc>>) {
        self.claims.retain(|_, claim| {
            claim.is_some_and(|(_, claimed_at)| since.is_none_or(|since| claimed_at >= since))
        });
    }
}

/// A record of the keys topic a batch writes: a claim, or a release's tombstone.
pub type ClaimWrite = (String, Option<ClaimRecord>);

/// Decides one request against the committed claims and the batch's own
/// (`pending`). Answers at once what needs no write; a claim or release to
/// write goes to `writes`, its request to `waiting` with its answer, both
/// sent after the commit.
pub fn decide_claim(
    committed: &KeyClaims,
    pending: &mut KeyClaims,
    request: ClaimRequest,
    since: Option<DateTime<Utc>>,
    writes: &mut Vec<ClaimWrite>,
    waiting: &mut Vec<(ClaimRequest, bool)>,
) {
    let record_key = claim_key(&request.tenant_id, &request.key);
    let decision = committed.decide(
        pending,
        &record_key,
        request.stream_id,
        request.action,
        since,
    );
    match decision {
        ClaimDecision::AlreadyClaimed | ClaimDecision::NotClaimed => {
            let _ = request.reply.send(Ok(false));
        }
        ClaimDecision::Taken => {
            let key = request.key.clone();
            let _ = request
                .reply
                .send(Err(Rejection::IdempotencyKeyReused { key }));
        }
        ClaimDecision::Claim => {
            let claimed_at = Utc::now();
            pending.insert(record_key.clone(), request.stream_id, claimed_at);
            let record = ClaimRecord {
                tenant_id: request.tenant_id.clone(),
                key: request.key.clone(),
                stream_id: request.stream_id,
                claimed_at,
            };
            writes.push((record_key, Some(record)));
            waiting.push((request, true));
        }
        ClaimDecision::Release => {
            pending.remove(record_key.clone());
            writes.push((record_key, None));
            waiting.push((request, false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_claim_of_a_key_wins_and_its_stream_may_claim_again() {
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let key = claim_key("acme", "k-1");
        let mut claims = KeyClaims::default();
        let pending = KeyClaims::default();
        assert_eq!(
            claims.decide(&pending, &key, first, ClaimAction::Claim, None),
            ClaimDecision::Claim
        );
        claims.insert(key.clone(), first, Utc::now());
        assert_eq!(
            claims.decide(&pending, &key, first, ClaimAction::Claim, None),
            ClaimDecision::AlreadyClaimed
        );
        assert_eq!(
            claims.decide(&pending, &key, second, ClaimAction::Claim, None),
            ClaimDecision::Taken
        );
    }

    #[test]
    fn a_claim_in_the_same_batch_counts() {
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let key = claim_key("acme", "k-1");
        let claims = KeyClaims::default();
        let mut pending = KeyClaims::default();
        pending.insert(key.clone(), first, Utc::now());
        assert_eq!(
            claims.decide(&pending, &key, second, ClaimAction::Claim, None),
            ClaimDecision::Taken
        );
    }

    #[test]
    fn an_expired_claim_no_longer_binds_its_key() {
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let key = claim_key("acme", "k-1");
        let mut claims = KeyClaims::default();
        let long_ago = Utc::now() - chrono::Duration::days(8);
        claims.insert(key.clone(), first, long_ago);
        let since = Some(Utc::now() - chrono::Duration::days(7));
        let pending = KeyClaims::default();
        assert_eq!(
            claims.decide(&pending, &key, second, ClaimAction::Claim, since),
            ClaimDecision::Claim
        );
        claims.expire(since);
        assert_eq!(claims.len(), 0);
    }

    #[test]
    fn only_the_claiming_stream_releases_a_key() {
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let key = claim_key("acme", "k-1");
        let mut claims = KeyClaims::default();
        claims.insert(key.clone(), first, Utc::now());
        let mut pending = KeyClaims::default();
        let release = |claims: &KeyClaims, pending: &KeyClaims, stream| {
            claims.decide(pending, &key, stream, ClaimAction::Release, None)
        };
        assert_eq!(
            release(&claims, &pending, second),
            ClaimDecision::NotClaimed
        );
        assert_eq!(release(&claims, &pending, first), ClaimDecision::Release);
        pending.remove(key.clone());
        assert_eq!(
            claims.decide(&pending, &key, second, ClaimAction::Claim, None),
            ClaimDecision::Claim
        );
        claims.merge(pending);
        assert_eq!(claims.len(), 0);
    }

    #[test]
    fn tenants_do_not_share_keys() {
        assert_ne!(claim_key("a", "b/c"), claim_key("a/b", "c"));
    }
}
