//! Staff roles and what each may do, with Ghost's semantics: contributors write drafts and
//! submit them; authors publish and edit their own articles; editors publish and edit
//! everyone's and manage authors, taxonomies and pages; administrators also manage
//! settings, staff, themes and API tokens; the one owner also hands ownership on.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Contributor,
    Author,
    Editor,
    Administrator,
    Owner,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Contributor, Role::Author, Role::Editor, Role::Administrator, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Administrator => "administrator",
            Role::Owner => "owner",
        }
    }

    /// May someone in this role do `action`?
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        let at_least = |r: Role| self >= r;
        match action {
            CreateArticle | UploadMedia => true,
            EditArticle { own: true, published: false }
            | DeleteArticle { own: true, published: false } => true,
            SubmitForReview { own } => own || at_least(Role::Editor),
            EditArticle { own: true, published: true }
            | DeleteArticle { own: true, published: true }
            | PublishArticle { own: true } => at_least(Role::Author),
            EditArticle { own: false, .. }
            | DeleteArticle { own: false, .. }
            | PublishArticle { own: false } => at_least(Role::Editor),
            ManageAuthors | ManageTaxonomies | ManagePages => at_least(Role::Editor),
            ManageSettings | ManageStaff | ManageThemes | ManageTokens | ManageJobs
            | ViewAuditLog => at_least(Role::Administrator),
            ViewMembers | ModerateComments => at_least(Role::Editor),
            ManageMembers | ManageTiers => at_least(Role::Administrator),
            TransferOwnership => self == Role::Owner,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            format!(
                "unknown role {s:?}; expected owner, administrator, editor, author or contributor"
            )
        })
    }
}

/// Something a staff member may or may not do. `own` means the article's byline includes
/// them; `published` means it is published or scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    CreateArticle,
    EditArticle {
        own: bool,
        published: bool,
    },
    DeleteArticle {
        own: bool,
        published: bool,
    },
    SubmitForReview {
        own: bool,
    },
    PublishArticle {
        own: bool,
    },
    UploadMedia,
    ManageAuthors,
    ManageTaxonomies,
    ManagePages,
    ManageSettings,
    ManageStaff,
    ManageThemes,
    ManageTokens,
    ManageJobs,
    ViewAuditLog,
    /// See members, their history, tiers and labels (editors and up).
    ViewMembers,
    /// Add, edit, delete, import and grant tiers to members.
    ManageMembers,
    /// Create, change and archive tiers.
    ManageTiers,
    /// Approve, hide, pin and reply to comments; ban commenters (editors and up).
    ModerateComments,
    TransferOwnership,
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::*;

    /// Every action for every role: C, A, E, Ad, O.
    #[test]
    fn the_permission_matrix() {
        let rows: &[(Action, [bool; 5])] = &[
            (CreateArticle, [true, true, true, true, true]),
            (UploadMedia, [true, true, true, true, true]),
            (EditArticle { own: true, published: false }, [true, true, true, true, true]),
            (EditArticle { own: true, published: true }, [false, true, true, true, true]),
            (EditArticle { own: false, published: false }, [false, false, true, true, true]),
            (EditArticle { own: false, published: true }, [false, false, true, true, true]),
            (DeleteArticle { own: true, published: false }, [true, true, true, true, true]),
            (DeleteArticle { own: true, published: true }, [false, true, true, true, true]),
            (DeleteArticle { own: false, published: false }, [false, false, true, true, true]),
            (SubmitForReview { own: true }, [true, true, true, true, true]),
            (SubmitForReview { own: false }, [false, false, true, true, true]),
            (PublishArticle { own: true }, [false, true, true, true, true]),
            (PublishArticle { own: false }, [false, false, true, true, true]),
            (ManageAuthors, [false, false, true, true, true]),
            (ManageTaxonomies, [false, false, true, true, true]),
            (ManagePages, [false, false, true, true, true]),
            (ManageSettings, [false, false, false, true, true]),
            (ModerateComments, [false, false, true, true, true]),
            (ManageStaff, [false, false, false, true, true]),
            (ManageThemes, [false, false, false, true, true]),
            (ManageTokens, [false, false, false, true, true]),
            (ManageJobs, [false, false, false, true, true]),
            (ViewAuditLog, [false, false, false, true, true]),
            (ViewMembers, [false, false, true, true, true]),
            (ManageMembers, [false, false, false, true, true]),
            (ManageTiers, [false, false, false, true, true]),
            (TransferOwnership, [false, false, false, false, true]),
        ];
        for (action, expected) in rows {
            for (role, want) in Role::ALL.iter().zip(expected) {
                assert_eq!(role.may(*action), *want, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn roles_parse_by_name() {
        assert_eq!("Editor".parse(), Ok(Role::Editor));
        assert!("chief".parse::<Role>().unwrap_err().contains("administrator"));
    }
}

/// The shortest password Byline accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A staff account as someone creates it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StaffInput {
    pub email: String,
    pub name: String,
    pub role: Option<Role>,
    pub password: String,
}

impl fmt::Debug for StaffInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffInput")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password", &"***")
            .finish()
    }
}

/// A staff account, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    /// The author profile this account writes under (its articles are its "own").
    pub author_id: Option<i64>,
}

/// A checked account, ready to store: the email normalised, the password hashed.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

impl StaffInput {
    pub fn validate(&self) -> Result<NewStaff, crate::Invalid> {
        let mut c = crate::error::Checker::default();
        let email = c.email("email", Some(&self.email)).map(|e| e.to_lowercase());
        if email.is_none() && self.email.trim().is_empty() {
            c.fail("email", "is required");
        }
        let name = c.required("name", &self.name);
        let role = self.role.unwrap_or(Role::Contributor);
        if self.password.chars().count() < MIN_PASSWORD_CHARS {
            c.fail("password", format!("must be at least {MIN_PASSWORD_CHARS} characters"));
        }
        c.finish(())?;
        Ok(NewStaff {
            email: email.unwrap_or_default(),
            name,
            role,
            password_hash: hash_password(&self.password),
        })
    }
}

/// An argon2id hash of a password, with a random salt, in the PHC string format.
pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with default parameters")
        .to_string()
}

/// Does `password` match a hash from [`hash_password`]? A malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .is_ok_and(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_and_verifies() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(h, hash_password("correct horse battery"), "salted");
    }

    #[test]
    fn short_passwords_and_bad_emails_are_named() {
        let err = StaffInput {
            email: "x".into(),
            name: "N".into(),
            password: "short".into(),
            role: None,
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password"]);
        assert!(
            !format!("{:?}", StaffInput { password: "secret-pass".into(), ..Default::default() })
                .contains("secret-pass")
        );
    }
}

/// An Admin API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Who made it: its articles are the token's own. `None`: made on the command line.
    pub staff_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked: bool,
}
