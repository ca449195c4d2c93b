//! The contact desk: what a reader may send the publication from `/contact/`, the checks on
//! it, and which of the publication's addresses a message goes to.

use crate::error::{FieldError, Invalid};
use crate::members::check_member_email;
use crate::publication::Publication;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 10_000;
/// The longest name, in characters.
pub const MAX_NAME: usize = 191;

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSubject {
    General,
    MediaInquiry,
    Correction,
    Republishing,
}

impl ContactSubject {
    pub const ALL: [ContactSubject; 4] = [
        ContactSubject::General,
        ContactSubject::MediaInquiry,
        ContactSubject::Correction,
        ContactSubject::Republishing,
    ];

    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactSubject::General => "general",
            ContactSubject::MediaInquiry => "media_inquiry",
            ContactSubject::Correction => "correction",
            ContactSubject::Republishing => "republishing",
        }
    }

    /// The words a reader sees.
    pub fn label(self) -> &'static str {
        match self {
            ContactSubject::General => "General",
            ContactSubject::MediaInquiry => "Media inquiry",
            ContactSubject::Correction => "Correction",
            ContactSubject::Republishing => "Republishing permission",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Where a message about this goes: media inquiries to the media address, the rest to
    /// the contact address, each falling back to the other. `None`: the publication has
    /// neither, so the message waits in the admin's inbox alone.
    pub fn recipient(self, p: &Publication) -> Option<String> {
        let (first, second) = match self {
            ContactSubject::MediaInquiry => (&p.media_email, &p.contact_email),
            _ => (&p.contact_email, &p.media_email),
        };
        first.clone().or_else(|| second.clone())
    }
}

/// A message as a reader typed it.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
}

/// A checked message, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFields {
    pub name: String,
    /// Lower-cased.
    pub email: String,
    pub subject: ContactSubject,
    pub message: String,
}

impl ContactInput {
    /// Checks every field, naming each that is wrong.
    pub fn validate(&self) -> Result<ContactFields, Invalid> {
        let mut errs = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errs.push(FieldError::new("name", "is required"));
        } else if name.chars().count() > MAX_NAME {
            errs.push(FieldError::new("name", format!("is longer than {MAX_NAME} characters")));
        } else if name.chars().any(char::is_control) {
            errs.push(FieldError::new("name", "holds a control character"));
        }
        let email = check_member_email(&self.email)
            .map_err(|why| errs.push(FieldError::new("email", why)))
            .unwrap_or_default();
        let subject = ContactSubject::parse(&self.subject);
        if subject.is_none() {
            errs.push(FieldError::new(
                "subject",
                "choose one: general, media inquiry, correction or republishing permission",
            ));
        }
        let message = self.message.trim();
        let len = message.chars().count();
        if message.is_empty() {
            errs.push(FieldError::new("message", "is required"));
        } else if len > MAX_MESSAGE {
            errs.push(FieldError::new(
                "message",
                format!("is {len} characters long; the most is {MAX_MESSAGE}"),
            ));
        }
        if !errs.is_empty() {
            return Err(Invalid(errs));
        }
        Ok(ContactFields {
            name: name.to_owned(),
            email,
            subject: subject.unwrap_or(ContactSubject::General),
            message: message.replace("\r\n", "\n"),
        })
    }
}

/// A message in the admin's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactMessage {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: ContactSubject,
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// When it was mailed on to the publication's address.
    pub sent_at: Option<DateTime<Utc>>,
    /// The address it was mailed to.
    pub sent_to: Option<String>,
    /// When a staff member marked it handled.
    pub handled_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_field_is_named() {
        let input = ContactInput {
            name: " ".into(),
            email: "nobody".into(),
            subject: "gossip".into(),
            message: "x".repeat(MAX_MESSAGE + 1),
        };
        let err = input.validate().unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "subject", "message"]);
        assert!(err.0[3].message.contains("10001"), "{}", err.0[3].message);
    }

    #[test]
    fn a_good_message_is_trimmed_and_routed() {
        let f = ContactInput {
            name: " Ana ".into(),
            email: "Ana@Example.org".into(),
            subject: "media_inquiry".into(),
            message: " Hello\r\nthere ".into(),
        }
        .validate()
        .unwrap();
        assert_eq!((f.name.as_str(), f.email.as_str()), ("Ana", "ana@example.org"));
        assert_eq!(f.message, "Hello\nthere");
        let mut p = Publication { contact_email: Some("desk@x.org".into()), ..Default::default() };
        assert_eq!(f.subject.recipient(&p).as_deref(), Some("desk@x.org"));
        p.media_email = Some("press@x.org".into());
        assert_eq!(f.subject.recipient(&p).as_deref(), Some("press@x.org"));
        assert_eq!(ContactSubject::General.recipient(&p).as_deref(), Some("desk@x.org"));
        assert_eq!(ContactSubject::General.recipient(&Publication::default()), None);
    }
}
