//! Given/when/then for aggregate tests: `given::<A>(history).when(command).then(events)`.

use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::aggregate::Aggregate;
use crate::error::Rejection;

pub struct Given<A: Aggregate> {
    state: A::State,
}

/// The state after `history`.
pub fn given<A: Aggregate>(history: impl IntoIterator<Item = A::Event>) -> Given<A> {
    let history: Vec<A::Event> = history.into_iter().collect();
    Given {
        state: A::replay(&history),
    }
}

impl<A: Aggregate> Given<A> {
    pub fn when(self, command: A::Command) -> When<A> {
        When {
            result: A::decide(&self.state, command),
        }
    }
}

pub struct When<A: Aggregate> {
    result: Result<Vec<A::Event>, A::Error>,
}

impl<A: Aggregate> When<A>
where
    A::Event: PartialEq + Debug,
{
    /// Asserts the command records exactly `expected`.
    pub fn then(self, expected: impl IntoIterator<Item = A::Event>) {
        let expected: Vec<A::Event> = expected.into_iter().collect();
        match self.result {
            Ok(events) => assert_eq!(events, expected),
            Err(error) => panic!("expected events, got refusal {}: {error}", error.code()),
        }
    }

    /// Asserts the command is refused with `code`.
    pub fn then_err(self, code: &str) {
        match self.result {
            Ok(events) => panic!("expected refusal {code}, got events {events:?}"),
            Err(error) => assert_eq!(error.code(), code, "refused, but with: {error}"),
        }
    }

    /// The recorded events, for assertions on part of them.
    pub fn events(self) -> Vec<A::Event> {
        match self.result {
            Ok(events) => events,
            Err(error) => panic!("expected events, got refusal {}: {error}", error.code()),
        }
    }
}

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, 0, 0).unwrap()
}
