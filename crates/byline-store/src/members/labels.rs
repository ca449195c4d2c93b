//! Member labels: the list with how many members carry each, renaming, deleting.

use crate::entity::{member_label as row, member_labelling};
use crate::{Store, StoreError, audit};
use byline_core::Invalid;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::member_list::LabelUse;
use byline_core::slugify;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

impl Store {
    /// Every label, by name, with its number of members (two queries).
    pub async fn member_labels(&self) -> Result<Vec<LabelUse>, StoreError> {
        let counts: HashMap<i64, i64> = member_labelling::Entity::find()
            .select_only()
            .column(member_labelling::Column::LabelId)
            .column_as(member_labelling::Column::MemberId.count(), "n")
            .group_by(member_labelling::Column::LabelId)
            .into_tuple::<(i64, i64)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows
            .into_iter()
            .map(|l| LabelUse {
                members: counts.get(&l.id).copied().unwrap_or(0).max(0) as u64,
                slug: l.slug,
                name: l.name,
            })
            .collect())
    }

    /// Renames a label (its slug follows the name). A name whose slug another label has is
    /// a `Conflict` naming the field.
    pub async fn rename_label(
        &self,
        slug: &str,
        name: &str,
        actor: &Actor,
    ) -> Result<LabelUse, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Invalid::one("name", "is required").into());
        }
        if name.chars().count() > 191 {
            return Err(Invalid::one("name", "is longer than 191 characters").into());
        }
        let new_slug = slugify(name);
        let txn = self.write().await?;
        let l = row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("label", slug))?;
        if let Some(other) =
            row::Entity::find().filter(row::Column::Slug.eq(new_slug.as_str())).one(&txn).await?
            && other.id != l.id
        {
            return Err(StoreError::Conflict(format!(
                "name: a label called {} exists already",
                other.name
            )));
        }
        let id = l.id;
        let mut a: row::ActiveModel = l.into();
        a.slug = Set(new_slug.clone());
        a.name = Set(name.to_owned());
        a.update(&txn).await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("label.rename", format!("label {slug}")).detail(name),
        )
        .await?;
        let members = member_labelling::Entity::find()
            .filter(member_labelling::Column::LabelId.eq(id))
            .count(&txn)
            .await?;
        txn.commit().await?;
        Ok(LabelUse { slug: new_slug, name: name.to_owned(), members })
    }

    /// Deletes a label; the members who carried it keep everything else.
    pub async fn delete_label(&self, slug: &str, actor: &Actor) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let l = row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("label", slug))?;
        member_labelling::Entity::delete_many()
            .filter(member_labelling::Column::LabelId.eq(l.id))
            .exec(&txn)
            .await?;
        row::Entity::delete_by_id(l.id).exec(&txn).await?;
        audit::write(&txn, actor, &AuditRecord::new("label.delete", format!("label {slug}")))
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
