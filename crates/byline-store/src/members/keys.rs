//! Keys the site keeps for itself in `site_key`, made once by the migration.

use crate::entity::site_key as row;
use crate::{Store, StoreError};
use sea_orm::EntityTrait;

impl Store {
    /// The key that signs member passes (the member session cookie). Every node reads the
    /// same one, so a pass issued by one node opens on another.
    pub async fn member_pass_key(&self) -> Result<Vec<u8>, StoreError> {
        let m = row::Entity::find_by_id("member_pass".to_owned())
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("site key", "member_pass"))?;
        Ok(m.value.into_bytes())
    }
}
