use std::borrow::Borrow;

use crate::Aggregate;

/// Rebuilds an aggregate's state from its events, starting from "not created".
///
/// Accepts owned events or references: `fold::<Task>(&events)`.
pub fn fold<A: Aggregate>(events: impl IntoIterator<Item = impl Borrow<A::Event>>) -> A {
    events
        .into_iter()
        .fold(A::default(), |state, event| state.evolve(event.borrow()))
}
