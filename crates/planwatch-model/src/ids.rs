//! Names that identify things across the system: a responsible unit's name (市科技局), an
//! indicator's code (`R&D投入强度` or `I07`), a task's id in the monitor (`T7`). Each is its own
//! type so that a unit cannot be passed where an indicator code is expected; each reads as the
//! string it wraps (`Deref<Target = str>`), compares with strings, and serialises as a plain
//! string, so files, JSON and database rows are unchanged.

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<&$name> for $name {
            fn from(s: &$name) -> Self {
                s.clone()
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

name_type!(
    /// A responsible unit's name as the organisation knows it (市科技局).
    UnitName
);
name_type!(
    /// An indicator's code in the catalogue.
    IndicatorCode
);
name_type!(
    /// A task's id in the monitor and the documents (`T7` for the plan's task 7).
    TaskId
);

impl TaskId {
    /// The id of the plan's task with this number.
    pub fn of_number(number: u32) -> TaskId {
        TaskId(format!("T{number}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_compare_and_serialise_as_the_string_they_wrap() {
        let u = UnitName::from("市科技局");
        assert_eq!(u, "市科技局");
        assert_eq!("市科技局", u);
        assert_eq!(u.len(), "市科技局".len());
        assert_eq!(serde_json::to_string(&u).expect("json"), "\"市科技局\"");
        let back: UnitName = serde_json::from_str("\"市科技局\"").expect("json");
        assert_eq!(back, u);
        let mut m = std::collections::BTreeMap::new();
        m.insert(IndicatorCode::from("I07"), 1);
        assert_eq!(m.get("I07"), Some(&1));
        assert_eq!(TaskId::of_number(7), "T7");
    }
}
