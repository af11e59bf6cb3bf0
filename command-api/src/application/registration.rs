//! What mounting an aggregate needs besides its `events::Aggregate` impl.

use std::marker::PhantomData;

use events::Aggregate;
use events::project::Project;
use events::task::Task;
use schemas::EventSchema;

use crate::http::openapi::{self, AggregateOpenApi};

/// How one aggregate is mounted: its part of the OpenAPI document and the
/// event schemas registered for its topic. [`Registration::derived`] takes
/// both from what the aggregate is, so any `Aggregate` can be mounted as it is.
pub struct Registration<A: Aggregate> {
    openapi: fn() -> AggregateOpenApi,
    event_schemas: fn() -> Vec<&'static EventSchema>,
    aggregate: PhantomData<fn() -> A>,
}

impl<A: Aggregate> Registration<A> {
    /// The generic OpenAPI part (one path for create, one for every other
    /// command) and the schemas of `schemas::all()` of the aggregate's stream type.
    pub fn derived() -> Self {
        Self {
            openapi: openapi::generic_openapi::<A>,
            event_schemas: schemas_of_stream_type::<A>,
            aggregate: PhantomData,
        }
    }

    /// A hand-written part of the document instead of the generic one.
    pub fn with_openapi(mut self, openapi: fn() -> AggregateOpenApi) -> Self {
        self.openapi = openapi;
        self
    }

    /// Other event schemas than the catalog's for the stream type.
    pub fn with_event_schemas(mut self, event_schemas: fn() -> Vec<&'static EventSchema>) -> Self {
        self.event_schemas = event_schemas;
        self
    }

    pub fn openapi(&self) -> AggregateOpenApi {
        (self.openapi)()
    }

    pub fn event_schemas(&self) -> Vec<&'static EventSchema> {
        (self.event_schemas)()
    }
}

impl<A: Aggregate> Default for Registration<A> {
    fn default() -> Self {
        Self::derived()
    }
}

/// The task aggregate, with its hand-written OpenAPI part.
pub fn task() -> Registration<Task> {
    Registration::derived().with_openapi(openapi::task_openapi)
}

/// The project aggregate, with its hand-written OpenAPI part.
pub fn project() -> Registration<Project> {
    Registration::derived().with_openapi(openapi::project_openapi)
}

fn schemas_of_stream_type<A: Aggregate>() -> Vec<&'static EventSchema> {
    schemas::all()
        .iter()
        .filter(|schema| schema.stream_type == A::STREAM_TYPE)
        .collect()
}
