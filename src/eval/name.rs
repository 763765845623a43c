//! A name that many results show, shared rather than copied: a check's input (`5n`, `meets:xa-ntm`)
//! is the same text in every result that explains the check, so each result holds a reference to
//! one copy ([`Name`]), and cloning it copies no text. It reads, compares, prints and serializes as
//! the text itself.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Text shared by the results that show it (see the module's notes).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Arc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Arc::from(s))
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_reads_compares_and_serializes_as_its_text() {
        let n = Name::from("5n");
        let m = n.clone();
        // One copy of the text, shared.
        assert!(std::ptr::eq(n.as_str(), m.as_str()));
        assert_eq!(n, "5n");
        assert_eq!("5n", n);
        assert_eq!(n, String::from("5n"));
        assert_eq!(String::from("5n"), n);
        assert_eq!(Name::from(String::from("5n")), n);
        assert_ne!(n, Name::from("5"));
        assert_eq!(format!("{n} {n:?}"), "5n \"5n\"");
        assert_eq!(serde_json::to_string(&n).ok().as_deref(), Some("\"5n\""));
    }
}
