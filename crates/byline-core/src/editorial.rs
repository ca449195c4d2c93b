//! The editorial workflow: the steps an article goes through (create, save, submit for review,
//! schedule, publish, unpublish, trash, restore, delete for good), which status each step
//! leads to, and who may take it. The store calls these rules inside the transaction that
//! writes, with the article's current byline and status, so the admin and the API enforce
//! exactly the same thing.

use crate::article::{ArticleInput, ArticleStatus};
use crate::audit::Actor;
use crate::staff::Action;
use crate::{Invalid, slugify};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// A new article (always a draft; another step may follow in the same save).
    Create,
    /// Save the fields, keeping the status.
    Update,
    /// Ask an editor to publish it: status `review`.
    Submit,
    /// Publish at a future time.
    Schedule,
    Publish,
    /// Back to draft; the public page disappears.
    Unpublish,
    /// Soft delete.
    Trash,
    /// Out of the trash, as a draft.
    Restore,
    /// Delete a trashed article for good.
    Purge,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Update => "update",
            Step::Submit => "submit",
            Step::Schedule => "schedule",
            Step::Publish => "publish",
            Step::Unpublish => "unpublish",
            Step::Trash => "trash",
            Step::Restore => "restore",
            Step::Purge => "purge",
        }
    }

    /// The status an article in `from` has after this step, or why the step makes no sense.
    pub fn target(self, from: ArticleStatus) -> Result<ArticleStatus, String> {
        use ArticleStatus::*;
        let trashed = || Err("the article is in the trash; restore it first".to_owned());
        match (self, from) {
            (Step::Create, _) => Ok(Draft),
            (Step::Restore, Trash) => Ok(Draft),
            (Step::Restore, _) => Err("the article is not in the trash".into()),
            (Step::Purge, Trash) => Ok(Trash),
            (Step::Purge, _) => Err("only an article in the trash can be deleted for good".into()),
            (_, Trash) => trashed(),
            (Step::Update, s) => Ok(s),
            (Step::Submit, Draft | Review) => Ok(Review),
            (Step::Submit, _) => Err("the article is already published or scheduled".into()),
            (Step::Schedule, Published) => {
                Err("the article is already published; unpublish it first".into())
            }
            (Step::Schedule, _) => Ok(Scheduled),
            (Step::Publish, _) => Ok(Published),
            (Step::Unpublish, Draft) => Err("the article is not published".into()),
            (Step::Unpublish, _) => Ok(Draft),
            (Step::Trash, _) => Ok(Trash),
        }
    }

    /// May `actor` take this step on an article with this byline (author ids) and status?
    /// `own` means the byline includes the actor's author profile; "published" means
    /// published or scheduled.
    pub fn permit(self, actor: &Actor, byline: &[i64], from: ArticleStatus) -> Result<(), Refused> {
        let own = is_own(actor, byline);
        let published = from.is_live();
        let needs: &[Action] = match self {
            Step::Create => &[Action::CreateArticle],
            Step::Update => &[Action::EditArticle { own, published }],
            Step::Submit => {
                &[Action::EditArticle { own, published }, Action::SubmitForReview { own }]
            }
            Step::Schedule | Step::Publish => {
                &[Action::EditArticle { own, published }, Action::PublishArticle { own }]
            }
            Step::Unpublish if published => &[Action::PublishArticle { own }],
            Step::Unpublish => &[Action::EditArticle { own, published }],
            Step::Trash => &[Action::DeleteArticle { own, published }],
            Step::Restore => &[Action::DeleteArticle { own, published: false }],
            // Deleting for good is for editors and above, whoever wrote it.
            Step::Purge => &[Action::DeleteArticle { own: false, published: false }],
        };
        match needs.iter().find(|a| !actor.may(**a)) {
            None => Ok(()),
            Some(_) => Err(Refused(format!(
                "your role ({}) may not {} {}",
                actor.role,
                self.verb(),
                if own { "this article" } else { "another writer's article" },
            ))),
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Update => "edit",
            Step::Submit => "submit for review",
            Step::Schedule => "schedule",
            Step::Publish => "publish",
            Step::Unpublish => "unpublish",
            Step::Trash => "move to the trash",
            Step::Restore => "restore",
            Step::Purge => "delete for good",
        }
    }

    /// What the audit log calls it: `article.publish` …
    pub fn audit_action(self) -> String {
        format!("article.{}", self.as_str())
    }

    /// The words for a flash message: "Article published."
    pub fn done(self) -> &'static str {
        match self {
            Step::Create => "Draft created.",
            Step::Update => "Saved.",
            Step::Submit => "Submitted for review.",
            Step::Schedule => "Scheduled.",
            Step::Publish => "Published.",
            Step::Unpublish => "Unpublished: it is a draft again.",
            Step::Trash => "Moved to the trash.",
            Step::Restore => "Restored from the trash as a draft.",
            Step::Purge => "Deleted for good.",
        }
    }
}

impl std::str::FromStr for Step {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Step::Create,
            Step::Update,
            Step::Submit,
            Step::Schedule,
            Step::Publish,
            Step::Unpublish,
            Step::Trash,
            Step::Restore,
            Step::Purge,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| format!("unknown step {s:?}"))
    }
}

/// A step the actor's role does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Does the byline include the actor's author profile?
pub fn is_own(actor: &Actor, byline: &[i64]) -> bool {
    actor.author_id.is_some_and(|a| byline.contains(&a))
}

/// May the actor open the article at all? Their own, or anyone's for editors and above.
pub fn may_view(actor: &Actor, byline: &[i64]) -> bool {
    is_own(actor, byline) || actor.may(Action::EditArticle { own: false, published: false })
}

/// Does the actor see everyone's articles in lists (rather than only their own)?
pub fn sees_all(actor: &Actor) -> bool {
    actor.may(Action::EditArticle { own: false, published: false })
}

/// Writers who may edit only their own articles must stay in the byline, or they would lock
/// themselves out of what they just saved.
pub fn check_byline(actor: &Actor, byline: &[i64]) -> Result<(), Invalid> {
    if sees_all(actor) || is_own(actor, byline) {
        return Ok(());
    }
    Err(Invalid::one(
        "authors",
        match actor.author_id {
            Some(_) => "must include you: you may only edit articles you write",
            None => "cannot be saved: your account has no author profile to put in the byline",
        },
    ))
}

/// Field names as the admin form and the API name them: `authors[2]` is `authors`.
pub fn field_names(mut e: Invalid) -> Invalid {
    for f in &mut e.0 {
        if let Some(i) = f.field.find('[') {
            f.field.truncate(i);
        }
    }
    e
}

/// The status and publication time an article gets from a step, checked: a schedule must
/// name a future time; publishing now keeps a past (backdated) time and replaces a future one.
pub fn timing(
    step: Step,
    target: ArticleStatus,
    asked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, Invalid> {
    match step {
        Step::Schedule => match asked {
            Some(t) if t > now => Ok(Some(t)),
            Some(_) => Err(Invalid::one("published_at", "must be in the future to schedule")),
            None => Err(Invalid::one("published_at", "is required to schedule an article")),
        },
        Step::Publish => Ok(Some(asked.filter(|t| *t <= now).unwrap_or(now))),
        _ if target == ArticleStatus::Published => Ok(asked.or(Some(now))),
        _ => Ok(asked),
    }
}

/// The author slugs of an input, as written (trimmed, slugified, blank ones dropped).
pub fn author_slugs(input: &ArticleInput) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in &input.authors {
        let s = slugify(a);
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::Role;
    use ArticleStatus::*;

    fn actor(role: Role) -> Actor {
        Actor { staff_id: Some(1), author_id: Some(7), name: "A".into(), role }
    }

    #[test]
    fn contributors_submit_but_never_publish() {
        let c = actor(Role::Contributor);
        assert!(Step::Submit.permit(&c, &[7], Draft).is_ok());
        assert!(Step::Publish.permit(&c, &[7], Review).is_err());
        assert!(Step::Schedule.permit(&c, &[7], Draft).is_err());
        assert!(Step::Update.permit(&c, &[7], Published).is_err());
        assert!(Step::Update.permit(&c, &[8], Draft).is_err());
        assert!(Step::Trash.permit(&c, &[7], Draft).is_ok());
        assert!(Step::Purge.permit(&c, &[7], Trash).is_err());
    }

    #[test]
    fn authors_publish_their_own_and_editors_anyones() {
        let a = actor(Role::Author);
        assert!(Step::Publish.permit(&a, &[7, 9], Review).is_ok());
        assert!(Step::Publish.permit(&a, &[9], Review).is_err());
        assert!(Step::Unpublish.permit(&a, &[7], Published).is_ok());
        let e = actor(Role::Editor);
        assert!(Step::Publish.permit(&e, &[9], Review).is_ok());
        assert!(Step::Purge.permit(&e, &[9], Trash).is_ok());
    }

    #[test]
    fn steps_lead_to_statuses() {
        assert_eq!(Step::Submit.target(Draft), Ok(Review));
        assert_eq!(Step::Unpublish.target(Published), Ok(Draft));
        assert_eq!(Step::Restore.target(Trash), Ok(Draft));
        assert!(Step::Update.target(Trash).is_err());
        assert!(Step::Schedule.target(Published).is_err());
        assert!(Step::Purge.target(Draft).is_err());
    }

    #[test]
    fn schedules_need_a_future_time() {
        let now = Utc::now();
        let past = now - chrono::Duration::hours(1);
        let future = now + chrono::Duration::hours(1);
        assert!(timing(Step::Schedule, Scheduled, Some(past), now).is_err());
        assert_eq!(timing(Step::Schedule, Scheduled, Some(future), now), Ok(Some(future)));
        assert_eq!(timing(Step::Publish, Published, Some(future), now), Ok(Some(now)));
        assert_eq!(timing(Step::Publish, Published, Some(past), now), Ok(Some(past)));
    }

    #[test]
    fn writers_stay_in_their_byline() {
        assert!(check_byline(&actor(Role::Author), &[9]).is_err());
        assert!(check_byline(&actor(Role::Author), &[9, 7]).is_ok());
        assert!(check_byline(&actor(Role::Editor), &[9]).is_ok());
    }
}

/// An article as the editor opens it: every field as written, plus what the workflow needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditableArticle {
    pub id: i64,
    /// A save must state this version; it rises with every change.
    pub version: i64,
    pub status: ArticleStatus,
    /// Every field, as the form shows it (`authors` as slugs, `terms` as (taxonomy, term) slugs).
    pub input: ArticleInput,
    /// The byline's author ids, in order.
    pub author_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub modified_by: Option<String>,
    pub trashed_at: Option<DateTime<Utc>>,
}

/// An article as the admin's lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: ArticleStatus,
    pub version: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: DateTime<Utc>,
    pub modified_by: Option<String>,
    pub authors: Vec<crate::AuthorRef>,
    pub terms: Vec<crate::TermRef>,
}

/// What the admin's article list asks for. Everything is optional; no status means every
/// status but the trash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleQuery {
    /// Words to find in the title, subtitle, excerpt or body (case-insensitive).
    pub text: Option<String>,
    pub status: Option<ArticleStatus>,
    /// An author's slug: articles with them in the byline.
    pub author: Option<String>,
    /// Articles filed under any of these terms (a term and its descendants, usually).
    pub terms: Vec<i64>,
    /// Published (or, when unpublished, last changed) on or after this time.
    pub from: Option<DateTime<Utc>>,
    /// … and before this time.
    pub until: Option<DateTime<Utc>>,
    /// Articles a search engine found for `text`, best first: when set, they stand for the
    /// text match and give the list its order.
    pub matching: Option<Vec<i64>>,
}
