//! Which records of a batch are applied and which are parked. A stream with
//! a parked event waits: its later records are parked behind it, so it is
//! applied in log order once the operator has resolved it; every other
//! stream keeps flowing.

use std::collections::HashMap;

use crate::projection::{Decoded, Failure};

/// A record to park, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedRecord {
    pub partition: i32,
    pub offset: i64,
    pub stream_id: Option<String>,
    pub error: String,
}

/// The parking decisions of one batch.
#[derive(Debug, Default)]
pub struct Parking {
    /// Per (partition, stream), the offset of its earliest parked event.
    waiting: HashMap<(i32, String), i64>,
    /// Records that failed themselves.
    pub failed: Vec<ParkedRecord>,
    /// Records waiting behind an earlier parked event of their stream.
    pub behind: Vec<ParkedRecord>,
}

impl Parking {
    /// `waiting`: the streams already parked, as stored.
    pub fn new(waiting: HashMap<(i32, String), i64>) -> Self {
        Self {
            waiting,
            failed: Vec::new(),
            behind: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.failed.is_empty() && self.behind.is_empty()
    }

    /// The offset of the parked event the stream's record at `offset` waits behind.
    fn waits_behind(&self, partition: i32, stream: &str, offset: i64) -> Option<i64> {
        self.waiting
            .get(&(partition, stream.to_owned()))
            .copied()
            .filter(|first| *first <= offset)
    }

    fn fail(&mut self, partition: i32, offset: i64, stream_id: Option<String>, error: String) {
        if let Some(stream) = &stream_id {
            let first = self
                .waiting
                .entry((partition, stream.clone()))
                .or_insert(offset);
            *first = (*first).min(offset);
        }
        self.failed.push(ParkedRecord {
            partition,
            offset,
            stream_id,
            error,
        });
    }

    fn wait(&mut self, partition: i32, offset: i64, stream: String, first: i64) {
        self.behind.push(ParkedRecord {
            partition,
            offset,
            error: format!(
                "waits behind the parked event at offset {first} of stream {stream} (partition {partition})"
            ),
            stream_id: Some(stream),
        });
    }

    /// Sorts the batch: returns the records to apply, in log order per
    /// partition, and parks the undecodable records and every record of a
    /// waiting stream. `stream_of` names a decoded record's stream;
    /// `key_of` an undecodable one's (its record key, when it has one).
    pub fn route<'a, E>(
        &mut self,
        records: &[&'a Decoded<E>],
        undecodable: &[&Failure],
        stream_of: impl Fn(&E) -> String,
        key_of: impl Fn(i32, i64) -> Option<String>,
    ) -> Vec<&'a Decoded<E>> {
        enum Item<'a, 'b, E> {
            Decoded(&'a Decoded<E>),
            Undecodable(&'b Failure),
        }
        let mut items: Vec<(i32, i64, Item<'a, '_, E>)> = records
            .iter()
            .map(|record| (record.partition, record.offset, Item::Decoded(*record)))
            .chain(undecodable.iter().map(|failure| {
                (
                    failure.partition,
                    failure.offset,
                    Item::Undecodable(failure),
                )
            }))
            .collect();
        items.sort_by_key(|(partition, offset, _)| (*partition, *offset));

        let mut to_apply = Vec::with_capacity(records.len());
        for (partition, offset, item) in items {
            let stream = match &item {
                Item::Decoded(record) => Some(stream_of(&record.event)),
                Item::Undecodable(_) => key_of(partition, offset),
            };
            if let Some(known) = &stream
                && let Some(first) = self.waits_behind(partition, known, offset)
            {
                self.wait(partition, offset, known.clone(), first);
                continue;
            }
            match item {
                Item::Decoded(record) => to_apply.push(record),
                Item::Undecodable(failure) => {
                    self.fail(partition, offset, stream, failure.reason.clone())
                }
            }
        }
        to_apply
    }

    /// Parks the records the projection could not apply and, behind each,
    /// the later records of its stream that it therefore left out.
    pub fn after_apply<E>(
        &mut self,
        applied: &[&Decoded<E>],
        failures: &[Failure],
        stream_of: impl Fn(&E) -> String,
    ) {
        if failures.is_empty() {
            return;
        }
        let mut failed_at: HashMap<(i32, String), i64> = HashMap::new();
        for failure in failures {
            let stream = applied
                .iter()
                .find(|r| r.partition == failure.partition && r.offset == failure.offset)
                .map(|record| stream_of(&record.event));
            if let Some(stream) = &stream {
                failed_at.insert((failure.partition, stream.clone()), failure.offset);
            }
            self.fail(
                failure.partition,
                failure.offset,
                stream,
                failure.reason.clone(),
            );
        }
        for record in applied {
            let stream = stream_of(&record.event);
            let Some(&first) = failed_at.get(&(record.partition, stream.clone())) else {
                continue;
            };
            if record.offset > first {
                self.wait(record.partition, record.offset, stream, first);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(offset: i64, stream: &str) -> Decoded<String> {
        Decoded {
            partition: 0,
            offset,
            event: stream.to_owned(),
        }
    }

    fn offsets(records: &[ParkedRecord]) -> Vec<i64> {
        records.iter().map(|record| record.offset).collect()
    }

    #[test]
    fn an_undecodable_record_parks_its_stream_behind_it_and_others_flow() {
        let records = [
            record(0, "a"),
            record(2, "a"),
            record(3, "b"),
            record(4, "a"),
        ];
        let garbage = Failure {
            partition: 0,
            offset: 1,
            reason: "cannot be decoded".into(),
        };
        let mut parking = Parking::default();
        let refs: Vec<&Decoded<String>> = records.iter().collect();
        let to_apply = parking.route(
            &refs,
            &[&garbage],
            |stream| stream.clone(),
            |_, _| Some("a".to_owned()),
        );
        assert_eq!(
            to_apply.iter().map(|r| r.offset).collect::<Vec<_>>(),
            [0, 3]
        );
        assert_eq!(offsets(&parking.failed), [1]);
        assert_eq!(offsets(&parking.behind), [2, 4]);
        assert!(parking.behind[0].error.contains("offset 1"));
    }

    #[test]
    fn an_undecodable_record_without_a_key_parks_alone() {
        let records = [record(1, "a")];
        let garbage = Failure {
            partition: 0,
            offset: 0,
            reason: "garbage".into(),
        };
        let mut parking = Parking::default();
        let refs: Vec<&Decoded<String>> = records.iter().collect();
        let to_apply = parking.route(&refs, &[&garbage], |s| s.clone(), |_, _| None);
        assert_eq!(to_apply.len(), 1);
        assert_eq!(parking.failed[0].stream_id, None);
        assert!(parking.behind.is_empty());
    }

    #[test]
    fn a_stream_parked_before_waits_from_its_first_parked_offset_on() {
        let records = [record(5, "a"), record(9, "a"), record(10, "b")];
        let mut parking = Parking::new(HashMap::from([((0, "a".to_owned()), 7)]));
        let refs: Vec<&Decoded<String>> = records.iter().collect();
        let to_apply = parking.route(&refs, &[], |s| s.clone(), |_, _| None);
        // Offset 5 comes before the parked event (a reset re-reads it): applied again.
        assert_eq!(
            to_apply.iter().map(|r| r.offset).collect::<Vec<_>>(),
            [5, 10]
        );
        assert_eq!(offsets(&parking.behind), [9]);
    }

    #[test]
    fn a_failure_to_apply_parks_the_later_records_of_its_stream() {
        let records = [
            record(0, "a"),
            record(1, "a"),
            record(2, "b"),
            record(3, "a"),
        ];
        let refs: Vec<&Decoded<String>> = records.iter().collect();
        let mut parking = Parking::default();
        let failures = [Failure {
            partition: 0,
            offset: 1,
            reason: "gap".into(),
        }];
        parking.after_apply(&refs, &failures, |s| s.clone());
        assert_eq!(offsets(&parking.failed), [1]);
        assert_eq!(parking.failed[0].stream_id.as_deref(), Some("a"));
        assert_eq!(offsets(&parking.behind), [3]);
    }
}
