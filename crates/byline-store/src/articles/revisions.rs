//! Revisions: every save keeps a snapshot of every field; the editor lists them, diffs one
//! against the current article, and restores one (which is itself a new, version-checked save).

use super::shared::{EditError, editable, load, status};
use crate::entity::article_revision as row;
use crate::{Store, StoreError};
use byline_core::ArticleInput;
use byline_core::audit::Actor;
use byline_core::editorial::{self, EditableArticle, Refused, Step};
use byline_core::revision::Revision;
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Keeps the article as it is at `version`.
pub(crate) async fn keep(
    db: &impl ConnectionTrait,
    article_id: i64,
    version: i64,
    actor: &Actor,
    action: &str,
    snapshot: &ArticleInput,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(snapshot)
        .map_err(|e| StoreError::Conflict(format!("could not keep a revision: {e}")))?;
    row::Entity::insert(row::ActiveModel {
        article_id: Set(article_id),
        version: Set(version),
        at: Set(Utc::now()),
        staff_id: Set(actor.staff_id),
        actor: Set(actor.name.clone()),
        action: Set(action.to_owned()),
        snapshot: Set(json),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn from_row(m: row::Model) -> Revision {
    Revision {
        id: m.id,
        article_id: m.article_id,
        version: m.version,
        at: m.at,
        staff_id: m.staff_id,
        actor: m.actor,
        action: m.action,
        // A snapshot this version cannot read shows as empty rather than failing the page.
        snapshot: serde_json::from_str(&m.snapshot).unwrap_or_default(),
    }
}

impl Store {
    /// An article's revisions, newest first (if the actor may open the article).
    pub async fn article_revisions(
        &self,
        actor: &Actor,
        article_id: i64,
    ) -> Result<Vec<Revision>, EditError> {
        self.editable_article(actor, article_id).await?;
        let rows = row::Entity::find()
            .filter(row::Column::ArticleId.eq(article_id))
            .order_by_desc(row::Column::Version)
            .order_by_desc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// One revision of an article.
    pub async fn article_revision(
        &self,
        actor: &Actor,
        article_id: i64,
        revision_id: i64,
    ) -> Result<Revision, EditError> {
        self.editable_article(actor, article_id).await?;
        row::Entity::find_by_id(revision_id)
            .filter(row::Column::ArticleId.eq(article_id))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("revision", revision_id.to_string()).into())
    }

    /// The article as it was at `version` (the newest revision of that version), if kept.
    pub async fn article_at_version(
        &self,
        article_id: i64,
        version: i64,
    ) -> Result<Option<Revision>, StoreError> {
        Ok(row::Entity::find()
            .filter(row::Column::ArticleId.eq(article_id))
            .filter(row::Column::Version.eq(version))
            .order_by_desc(row::Column::Id)
            .one(self.db())
            .await?
            .map(from_row))
    }

    /// Brings back a revision's fields (keeping the article's current status) as a new save
    /// that states the version the restorer started from.
    pub async fn restore_revision(
        &self,
        actor: &Actor,
        article_id: i64,
        revision_id: i64,
        version: i64,
    ) -> Result<EditableArticle, EditError> {
        let rev = self.article_revision(actor, article_id, revision_id).await?;
        let (row, byline) = load(self.db(), article_id).await?;
        Step::Update.permit(actor, &byline, status(&row.status))?;
        if row.version != version {
            return Err(EditError::Stale(Box::new(editable(self.db(), article_id).await?)));
        }
        let current = editable(self.db(), article_id).await?;
        let input = ArticleInput {
            status: current.status,
            published_at: if current.status.is_live() {
                current.input.published_at
            } else {
                rev.snapshot.published_at
            },
            ..rev.snapshot
        };
        if !editorial::may_view(actor, &current.author_ids) {
            return Err(Refused("you may not restore this article".into()).into());
        }
        self.save_restored(actor, article_id, version, &input, rev.version).await
    }
}
