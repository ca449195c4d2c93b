//! Open and click counts: the publication's choice (off until staff turn it on), and the
//! counting itself, one number per send and kind. Nothing about the reader is written: the
//! count goes up, and that is all (no address, no member, no time, no IP).

use crate::entity::{newsletter_send as send, newsletter_settings as row};
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::newsletters::Tracking;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The publication's choice, in the caller's transaction (a new send records it).
pub(crate) async fn tracking_in(db: &impl ConnectionTrait) -> Result<Tracking, StoreError> {
    Ok(row::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|m| Tracking { opens: m.track_opens, clicks: m.track_clicks })
        .unwrap_or_default())
}

/// What a tracked event counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracked {
    Open,
    Click,
}

impl Store {
    /// Does the publication count opens and clicks?
    pub async fn newsletter_tracking(&self) -> Result<Tracking, StoreError> {
        tracking_in(self.db()).await
    }

    /// Turns open and click counting on or off for sends from now on (sends already made
    /// keep what they had), with an audit line.
    pub async fn set_newsletter_tracking(
        &self,
        t: Tracking,
        actor: &Actor,
    ) -> Result<Tracking, StoreError> {
        let txn = self.write().await?;
        row::Entity::insert(row::ActiveModel {
            id: Set(1),
            track_opens: Set(t.opens),
            track_clicks: Set(t.clicks),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(row::Column::Id)
                .update_columns([
                    row::Column::TrackOpens,
                    row::Column::TrackClicks,
                    row::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let on = |b: bool| if b { "on" } else { "off" };
        let detail = format!("opens {}, clicks {}", on(t.opens), on(t.clicks));
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("newsletter.tracking", "newsletter tracking").detail(detail),
        )
        .await?;
        txn.commit().await?;
        Ok(t)
    }

    /// Counts one open or click of send `send_id`, if that send counts them; says whether
    /// it did. A send that does not (or none at all) counts nothing.
    pub async fn count_tracked(&self, send_id: i64, what: Tracked) -> Result<bool, StoreError> {
        let (column, on) = match what {
            Tracked::Open => (send::Column::Opens, send::Column::TrackOpens),
            Tracked::Click => (send::Column::Clicks, send::Column::TrackClicks),
        };
        let txn = self.write().await?;
        let res = send::Entity::update_many()
            .col_expr(column, Expr::col(column).add(1))
            .filter(send::Column::Id.eq(send_id))
            .filter(on.eq(true))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(res.rows_affected > 0)
    }

    /// Does send `send_id` count clicks (so its signed links redirect)?
    pub async fn send_counts_clicks(&self, send_id: i64) -> Result<bool, StoreError> {
        Ok(send::Entity::find_by_id(send_id).one(self.db()).await?.is_some_and(|s| s.track_clicks))
    }
}
