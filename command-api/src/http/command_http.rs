use crate::http::forward::Forwarder;

/// What the command routes of every mounted aggregate share.
pub struct CommandHttp {
    pub forwarder: Forwarder,
    /// Larger bodies get 413.
    pub max_body_bytes: usize,
}
