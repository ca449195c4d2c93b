//! The publication's comment settings: one row, the defaults while there is none.

use crate::entity::comment_settings as row;
use crate::{Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::comments::{CommentMode, CommentSettings};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

pub(crate) async fn settings_in(db: &impl ConnectionTrait) -> Result<CommentSettings, StoreError> {
    let Some(m) = row::Entity::find_by_id(1).one(db).await? else {
        return Ok(CommentSettings::default());
    };
    let lines = |s: &str| s.lines().map(str::to_owned).filter(|l| !l.is_empty()).collect();
    Ok(CommentSettings {
        mode: CommentMode::parse(&m.mode).unwrap_or_default(),
        depth: m.depth.max(1) as u32,
        close_after_days: m.close_after_days.filter(|d| *d > 0).map(|d| d as u32),
        hold_first: m.hold_first,
        max_links: m.max_links.max(0) as u32,
        hold_words: lines(&m.hold_words),
        blocked_words: lines(&m.blocked_words),
        per_page: m.per_page.max(1) as u32,
    })
}

impl Store {
    /// The publication's comment settings.
    pub async fn comment_settings(&self) -> Result<CommentSettings, StoreError> {
        settings_in(self.db()).await
    }

    /// Validates and saves the comment settings. Every article page shows them (the form,
    /// closed or open), so the whole site's pages are dropped from caches.
    pub async fn save_comment_settings(
        &self,
        s: CommentSettings,
        actor: &Actor,
    ) -> Result<CommentSettings, StoreError> {
        let s = s.validate()?;
        let txn = self.write().await?;
        row::Entity::insert(row::ActiveModel {
            id: Set(1),
            mode: Set(s.mode.as_str().to_owned()),
            depth: Set(s.depth as i32),
            close_after_days: Set(s.close_after_days.map(|d| d as i32)),
            hold_first: Set(s.hold_first),
            max_links: Set(s.max_links as i32),
            hold_words: Set(s.hold_words.join("\n")),
            blocked_words: Set(s.blocked_words.join("\n")),
            per_page: Set(s.per_page as i32),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(row::Column::Id)
                .update_columns([
                    row::Column::Mode,
                    row::Column::Depth,
                    row::Column::CloseAfterDays,
                    row::Column::HoldFirst,
                    row::Column::MaxLinks,
                    row::Column::HoldWords,
                    row::Column::BlockedWords,
                    row::Column::PerPage,
                    row::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let detail = format!("who may comment: {}; depth {}", s.mode.as_str(), s.depth);
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("comments.settings", "comment settings").detail(detail),
        )
        .await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        txn.commit().await?;
        Ok(s)
    }
}
