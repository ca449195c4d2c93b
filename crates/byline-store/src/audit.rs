//! The audit log: who did what and when. Written beside the change it records; read newest
//! first by administrators.

use crate::entity::audit_log as row;
use crate::{Paged, Store, StoreError};
use byline_core::audit::{Actor, AuditEntry, AuditRecord};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
};

/// Writes one line of the log (in the caller's transaction, when it has one).
pub(crate) async fn write(
    db: &impl ConnectionTrait,
    actor: &Actor,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    row::Entity::insert(row::ActiveModel {
        at: Set(Utc::now()),
        staff_id: Set(actor.staff_id),
        actor: Set(actor.name.clone()),
        action: Set(record.action.clone()),
        subject: Set(record.subject.clone()),
        detail: Set(record.detail.clone()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// Records that `actor` did something.
    pub async fn audit(&self, actor: &Actor, record: AuditRecord) -> Result<(), StoreError> {
        write(self.db(), actor, &record).await
    }

    /// One page (1-based) of the log, newest first.
    pub async fn audit_log(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        let page = Ord::max(page, 1);
        let total = row::Entity::find().count(self.db()).await?;
        let rows = row::Entity::find()
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        let items = rows
            .into_iter()
            .map(|m| AuditEntry {
                id: m.id,
                at: m.at,
                staff_id: m.staff_id,
                actor: m.actor,
                action: m.action,
                subject: m.subject,
                detail: m.detail,
            })
            .collect();
        Ok(Paged { items, page, per_page, total })
    }
}
