//! Who did what and when: the newsroom's audit log, and the actor every use case acts as.

use crate::staff::{Action, Role, StaffUser};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Someone acting on the publication: a signed-in staff member, an API token, or the
/// command line (which acts as the owner would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The staff account, when a person (or a token made by one) acts.
    pub staff_id: Option<i64>,
    /// The author profile whose articles count as this actor's own.
    pub author_id: Option<i64>,
    /// As the audit log shows it: "Anna Kowalska", "API token “CMS sync”", "command line".
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// The command line: trusted like the owner, with no articles of its own.
    pub fn command_line() -> Self {
        Self { staff_id: None, author_id: None, name: "command line".into(), role: Role::Owner }
    }

    /// Someone not signed in (asking for a password reset link, say): no account, no
    /// rights beyond a contributor's.
    pub fn visitor() -> Self {
        Self {
            staff_id: None,
            author_id: None,
            name: "a visitor (not signed in)".into(),
            role: Role::Contributor,
        }
    }

    /// Does this actor's role allow `action`?
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }
}

// Written here rather than in `staff`, so that `staff` (roles and accounts) knows nothing
// of the audit log and the two modules do not import each other.
impl StaffUser {
    /// This account as the actor of a use case.
    pub fn actor(&self) -> Actor {
        Actor {
            staff_id: Some(self.id),
            author_id: self.author_id,
            name: self.name.clone(),
            role: self.role,
        }
    }
}

/// One line of the audit log as someone writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// A dotted verb, e.g. `article.publish`, `staff.invite`, `session.sign_in`.
    pub action: String,
    /// What it was done to, as people read it: `article 12 “Gas and grids”`.
    pub subject: String,
    /// Anything else worth keeping (a changed role, an address); may be empty.
    pub detail: String,
}

impl AuditRecord {
    pub fn new(action: impl Into<String>, subject: impl Into<String>) -> Self {
        Self { action: action.into(), subject: subject.into(), detail: String::new() }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// One line of the audit log as it was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub staff_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}
