//! Decoding a member's assignment from a group description (Kafka's
//! ConsumerProtocolAssignment: version, then [topic, [partition]]; the
//! trailing user data is not needed).

pub fn partitions_of(assignment: &[u8], topic: &str) -> Vec<i32> {
    let mut reader = Reader { bytes: assignment };
    let mut partitions = Vec::new();
    let parse = |reader: &mut Reader, partitions: &mut Vec<i32>| -> Option<()> {
        let _version = reader.i16()?;
        let topics = reader.i32()?;
        for _ in 0..topics.max(0) {
            let name = reader.string()?;
            let count = reader.i32()?;
            for _ in 0..count.max(0) {
                let partition = reader.i32()?;
                if name == topic {
                    partitions.push(partition);
                }
            }
        }
        Some(())
    };
    let _ = parse(&mut reader, &mut partitions);
    partitions
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.bytes.split_first_chunk::<N>()?;
        self.bytes = rest;
        Some(*head)
    }

    fn i16(&mut self) -> Option<i16> {
        self.take::<2>().map(i16::from_be_bytes)
    }

    fn i32(&mut self) -> Option<i32> {
        self.take::<4>().map(i32::from_be_bytes)
    }

    fn string(&mut self) -> Option<String> {
        let length = usize::try_from(self.i16()?).ok()?;
        if self.bytes.len() < length {
            return None;
        }
        let (text, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Some(String::from_utf8_lossy(text).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(topics: &[(&str, &[i32])]) -> Vec<u8> {
        let mut bytes = 1i16.to_be_bytes().to_vec();
        bytes.extend((topics.len() as i32).to_be_bytes());
        for (name, partitions) in topics {
            bytes.extend((name.len() as i16).to_be_bytes());
            bytes.extend(name.as_bytes());
            bytes.extend((partitions.len() as i32).to_be_bytes());
            for p in *partitions {
                bytes.extend(p.to_be_bytes());
            }
        }
        bytes.extend((-1i32).to_be_bytes());
        bytes
    }

    #[test]
    fn reads_the_partitions_of_one_topic() {
        let bytes = encode(&[("other", &[9]), ("events.tasks", &[0, 3, 5])]);
        assert_eq!(partitions_of(&bytes, "events.tasks"), vec![0, 3, 5]);
        assert!(partitions_of(&bytes, "missing").is_empty());
    }

    #[test]
    fn tolerates_truncated_bytes() {
        let bytes = encode(&[("events.tasks", &[0, 3, 5])]);
        assert!(partitions_of(&bytes[..bytes.len() - 9], "events.tasks").len() < 3);
        assert!(partitions_of(&[], "events.tasks").is_empty());
    }
}
