//! Routes served beside the platform's: a team's own read model, registered
//! with one `mount` call (`Application::builder(config).mount(...)`).

use actix_web::web;

/// The query routes of one more read model.
#[derive(Clone, Copy)]
pub struct QueryMount {
    /// The topic names (within `EVENTS_TOPIC_PREFIX`) its projection reads:
    /// position tokens on their topics are accepted, by every route.
    pub topic_names: &'static [&'static str],
    /// Its routes. Handlers take `web::Data<crate::http::AppState>` for the
    /// pool, the request's consistency and the wait (see `http::tasks`),
    /// and `crate::read_model::Projection` names their tables and topics.
    pub routes: fn(&mut web::ServiceConfig),
}
