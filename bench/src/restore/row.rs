//! One row of the restore benchmark: `S`x`E`, S streams of E events each.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub streams: usize,
    pub events_per_stream: usize,
}

impl Row {
    pub fn events(&self) -> usize {
        self.streams * self.events_per_stream
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.streams, self.events_per_stream)
    }
}

impl FromStr for Row {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("STREAMSxEVENTS (e.g. 100000x10) is expected; got {text:?}");
        let (streams, events) = text.split_once(['x', 'X', '×']).ok_or_else(expected)?;
        let streams: usize = streams.trim().parse().map_err(|_| expected())?;
        let events_per_stream: usize = events.trim().parse().map_err(|_| expected())?;
        // The checks rename sampled streams and reuse the key of stream 9.
        if streams < 10 || events_per_stream < 1 {
            return Err(format!(
                "at least 10 streams of at least 1 event are expected; got {text:?}"
            ));
        }
        Ok(Self {
            streams,
            events_per_stream,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_and_print() {
        let row: Row = "100000x10".parse().unwrap();
        assert_eq!((row.streams, row.events_per_stream), (100_000, 10));
        assert_eq!(row.events(), 1_000_000);
        assert_eq!(row.to_string(), "100000x10");
        assert_eq!("20×1".parse::<Row>().unwrap().to_string(), "20x1");
        for wrong in ["", "100000", "x10", "100000x", "5x1", "100x0", "ax1"] {
            assert!(wrong.parse::<Row>().is_err(), "{wrong}");
        }
    }
}
