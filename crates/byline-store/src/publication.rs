//! The publication's settings row.

use crate::entity::publication as row;
use crate::{Store, StoreError};
use byline_core::{License, Publication};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

impl Store {
    /// The publication's settings.
    pub async fn publication(&self) -> Result<Publication, StoreError> {
        let m = row::Entity::find_by_id(1)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("publication settings", "1"))?;
        Ok(Publication {
            title: m.title,
            tagline: m.tagline,
            description: m.description,
            language: m.language,
            base_url: m.base_url,
            logo: m.logo,
            favicon: m.favicon,
            contact_email: m.contact_email,
            media_email: m.media_email,
            copyright: m.copyright,
            disclaimer: m.disclaimer,
            disclaimer_html: m.disclaimer_html,
            republish_policy: m.republish_policy,
            republish_policy_html: m.republish_policy_html,
            default_license: m.default_license.parse().unwrap_or(License::AllRightsReserved),
            allow_republishing: m.allow_republishing,
        })
    }

    /// Validates and saves the publication's settings; returns them as stored.
    pub async fn save_publication(&self, p: Publication) -> Result<Publication, StoreError> {
        let p = p.validate()?;
        let current = row::Entity::find_by_id(1).one(self.db()).await?;
        let mut am = match current {
            Some(m) => m.into_active_model(),
            None => row::ActiveModel { id: Set(1), ..Default::default() },
        };
        am.title = Set(p.title.clone());
        am.tagline = Set(p.tagline.clone());
        am.description = Set(p.description.clone());
        am.language = Set(p.language.clone());
        am.base_url = Set(p.base_url.clone());
        am.logo = Set(p.logo.clone());
        am.favicon = Set(p.favicon.clone());
        am.contact_email = Set(p.contact_email.clone());
        am.media_email = Set(p.media_email.clone());
        am.copyright = Set(p.copyright.clone());
        am.disclaimer = Set(p.disclaimer.clone());
        am.disclaimer_html = Set(p.disclaimer_html.clone());
        am.republish_policy = Set(p.republish_policy.clone());
        am.republish_policy_html = Set(p.republish_policy_html.clone());
        am.default_license = Set(p.default_license.code().to_owned());
        am.allow_republishing = Set(p.allow_republishing);
        if am.is_changed() {
            am.updated_at = Set(chrono::Utc::now());
            am.save(self.db()).await?;
            crate::changes::log(self.db(), &[crate::changes::SITE.to_owned()]).await?;
        }
        Ok(p)
    }
}
