//! The shape every aggregate has: decide what happens, then evolve the state by what happened.

use crate::codec::DomainEvent;
use crate::error::Rejection;
use crate::events::Event;

/// A consistency boundary, stored as one stream. Implementations are pure: the time, new ids
/// and any facts from other aggregates arrive inside the command.
pub trait Aggregate {
    type State: Default + Clone;
    type Command;
    type Event: Clone + DomainEvent + Into<Event>;
    type Error: Rejection;

    /// The events that carrying out `command` on `state` records, or why it is refused.
    fn decide(state: &Self::State, command: Self::Command)
    -> Result<Vec<Self::Event>, Self::Error>;

    /// The state after `event`.
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Folds a stream's history into its state.
    fn replay<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self::State
    where
        Self::Event: 'a,
    {
        events
            .into_iter()
            .fold(Self::State::default(), Self::evolve)
    }
}
