//! The suppression list (addresses that bounced, complained or asked for nothing more) and
//! unsubscribing through the personal link every newsletter carries.

use super::catalogue::find_in;
use crate::entity::{email_suppression as row, member, member_newsletter as sub, newsletter_send};
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::newsletters::{Suppression, SuppressionReason, looks_like_email};
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

fn from_row(m: row::Model) -> Suppression {
    Suppression {
        email: m.email,
        reason: SuppressionReason::parse(&m.reason).unwrap_or(SuppressionReason::Bounced),
        detail: m.detail,
        created_at: m.created_at,
    }
}

impl Store {
    /// The suppression list, newest first.
    pub async fn suppressions(&self) -> Result<Vec<Suppression>, StoreError> {
        Ok(row::Entity::find()
            .order_by_desc(row::Column::CreatedAt)
            .all(self.db())
            .await?
            .into_iter()
            .map(from_row)
            .collect())
    }

    /// Puts an address on the suppression list (staff, e.g. after a complaint).
    pub async fn suppress(
        &self,
        email: &str,
        reason: SuppressionReason,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let email = email.trim().to_lowercase();
        if !looks_like_email(&email) {
            return Err(byline_core::Invalid::one(
                "email",
                format!("{email:?} is not an email address"),
            )
            .into());
        }
        let txn = self.write().await?;
        row::Entity::insert(row::ActiveModel {
            email: Set(email.clone()),
            reason: Set(reason.as_str().into()),
            detail: Set(Some("added by staff".into())),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(row::Column::Email)
                .update_columns([row::Column::Reason, row::Column::Detail])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("suppression.add", "an address").detail(reason.as_str()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Takes an address off the suppression list (it may be sent newsletters again).
    pub async fn unsuppress(&self, email: &str, actor: &Actor) -> Result<(), StoreError> {
        let email = email.trim().to_lowercase();
        let txn = self.write().await?;
        let res = row::Entity::delete_by_id(email.clone()).exec(&txn).await?;
        if res.rows_affected == 0 {
            return Err(StoreError::not_found("suppressed address", email));
        }
        audit::write(&txn, actor, &AuditRecord::new("suppression.remove", "an address")).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Unsubscribes the member with public id `member_uuid` from newsletter `slug` (from
    /// every newsletter when `None`), counting it against send `send_id` when given. The
    /// caller has checked the member's token. Returns the member's address; unsubscribing
    /// twice is not an error.
    pub async fn unsubscribe(
        &self,
        member_uuid: &str,
        slug: Option<&str>,
        send_id: Option<i64>,
    ) -> Result<String, StoreError> {
        let txn = self.write().await?;
        let m = member::Entity::find()
            .filter(member::Column::Uuid.eq(member_uuid))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", member_uuid))?;
        let mut del = sub::Entity::delete_many().filter(sub::Column::MemberId.eq(m.id));
        let what = match slug {
            Some(slug) => {
                let n = find_in(&txn, slug).await?;
                del = del.filter(sub::Column::NewsletterId.eq(n.id));
                n.slug
            }
            None => "every newsletter".into(),
        };
        let res = del.exec(&txn).await?;
        if res.rows_affected > 0 {
            if let Some(send_id) = send_id {
                newsletter_send::Entity::update_many()
                    .col_expr(
                        newsletter_send::Column::Unsubscribed,
                        sea_orm::sea_query::ExprTrait::add(
                            Expr::col(newsletter_send::Column::Unsubscribed),
                            1,
                        ),
                    )
                    .filter(newsletter_send::Column::Id.eq(send_id))
                    .exec(&txn)
                    .await?;
            }
            crate::members::record_event(
                &txn,
                m.id,
                "newsletters",
                &format!("unsubscribed from {what} by the email's link"),
                None,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(m.email)
    }
}
