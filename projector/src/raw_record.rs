//! A Kafka record as it was read: kept for every record of a batch so that
//! one that cannot be decoded or applied can be parked with its exact bytes.

use rdkafka::Message;
use rdkafka::message::Headers;
use read_model::parked::RawRecord;

/// The key, value and headers of `message`, copied.
pub fn of(message: &impl Message) -> RawRecord {
    let headers = message
        .headers()
        .map(|headers| {
            headers
                .iter()
                .map(|header| (header.key.to_owned(), header.value.map(<[u8]>::to_vec)))
                .collect()
        })
        .unwrap_or_default();
    RawRecord {
        key: message.key().map(<[u8]>::to_vec),
        value: message.payload().map(<[u8]>::to_vec),
        headers,
    }
}
