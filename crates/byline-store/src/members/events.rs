//! A member's history: sign-ups, sign-ins, tier changes, payments, emails. Lines are written
//! in the transaction of the change they record and outlive the member without anything
//! personal (their `member_id` is cleared on deletion).

use crate::entity::member_event as row;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// One line of a member's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEvent {
    pub kind: String,
    /// Words for staff; never an address or a name.
    pub detail: String,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub at: DateTime<Utc>,
}

/// Writes one line (in the caller's transaction). `kind` is a short word such as
/// `signup`, `signin`, `tier`, `payment`, `email`.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    member_id: i64,
    kind: &str,
    detail: &str,
    money: Option<(i64, &str)>,
) -> Result<(), StoreError> {
    row::Entity::insert(row::ActiveModel {
        member_id: Set(Some(member_id)),
        kind: Set(kind.to_owned()),
        detail: Set(detail.to_owned()),
        amount: Set(money.map(|m| m.0)),
        currency: Set(money.map(|m| m.1.to_owned())),
        at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// A member's history, newest first.
    pub async fn member_events(&self, member_id: i64) -> Result<Vec<MemberEvent>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::MemberId.eq(member_id))
            .order_by_desc(row::Column::At)
            .order_by_desc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| MemberEvent {
                kind: m.kind,
                detail: m.detail,
                amount: m.amount,
                currency: m.currency,
                at: m.at,
            })
            .collect())
    }
}
