//! The 发展党员 pipeline (RULES §1): its 5 stages and 25 steps, the rules each step must obey
//! with their citations, a school's settings, and pure checks that refuse with a reason.
//!
//! Nothing here does I/O. A check returns `Err(Refusal)` carrying a [`RuleId`] and named values;
//! the catalogue key `pipeline.rule.<code>` turns it into a sentence that names the rule and the
//! article it comes from, so the UI shows the citation when it refuses (CONVENTIONS §3).
//!
//! Numbers live in [`PipelineSettings`], whose `Default` is the national value: RULES asks that
//! local practice be configurable per school, and the national rule be the default.

/// Declares an enum whose variants each carry a stable code, with `ALL`, `code`, `key` and
/// `from_code`, so a variant, its code and its catalogue key are written once, side by side.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $n:literal {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in pipeline order.
            pub const ALL: [$name; $n] = [$($name::$variant,)+];

            /// Stable snake_case code (database value and catalogue key suffix).
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Catalogue key of the official name.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($prefix, $code),)+
                }
            }

            pub fn from_code(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.code() == s)
            }
        }

        /// Serialised as its code, so JSON and the database agree.
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

mod checks;
mod due;
pub mod import;
pub mod materials;
mod record;
mod rules;
mod settings;
mod steps;

#[cfg(test)]
mod tests;

pub use checks::{Introducer, age_at, check_branch_vote, check_cultivators, check_introducers};
pub use due::{DueItem, DueKind};
pub use materials::{Material, Required, checklist, required_for};
pub use record::{Checked, DateField, Fact, History, Milestone, StepFacts, Vote};
pub use rules::{CULTIVATORS, Citation, INTRODUCERS, Refusal, RuleId};
pub use settings::PipelineSettings;
pub(crate) use settings::months_after;
pub use steps::{Stage, Step};
