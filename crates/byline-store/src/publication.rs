//! The publication's settings row: reading it, saving it (import, first start), and the
//! newsroom's change with an audit line naming the fields that changed.

use crate::entity::publication as row;
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::{License, Publication};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};

impl Store {
    /// The publication's settings.
    pub async fn publication(&self) -> Result<Publication, StoreError> {
        Self::publication_in(self.db()).await
    }

    /// Validates and saves the publication's settings; returns them as stored.
    pub async fn save_publication(&self, p: Publication) -> Result<Publication, StoreError> {
        let txn = self.write().await?;
        let saved = Self::save_publication_in(&txn, p).await?;
        txn.commit().await?;
        Ok(saved)
    }

    async fn publication_in(db: &impl ConnectionTrait) -> Result<Publication, StoreError> {
        let m = row::Entity::find_by_id(1)
            .one(db)
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

    /// Saves in `db` (a transaction from `write()`); logs `site` when anything changed.
    async fn save_publication_in(
        db: &impl ConnectionTrait,
        p: Publication,
    ) -> Result<Publication, StoreError> {
        let p = p.validate()?;
        let current = row::Entity::find_by_id(1).one(db).await?;
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
            am.save(db).await?;
            crate::changes::log(db, &[crate::changes::SITE.to_owned()]).await?;
        }
        Ok(p)
    }
}

impl Store {
    /// Validates and saves every publication field; logs `site` when anything changed, with
    /// the audit line in the same transaction.
    pub async fn update_publication(
        &self,
        actor: &Actor,
        p: Publication,
    ) -> Result<Publication, StoreError> {
        let txn = self.write().await?;
        let before = Self::publication_in(&txn).await?;
        let saved = Self::save_publication_in(&txn, p).await?;
        let changed = changed_fields(&before, &saved);
        if !changed.is_empty() {
            let rec = AuditRecord::new("settings.update", "publication settings")
                .detail(format!("changed {}", changed.join(", ")));
            audit::write(&txn, actor, &rec).await?;
        }
        txn.commit().await?;
        Ok(saved)
    }
}

fn changed_fields(a: &Publication, b: &Publication) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 13] = [
        ("title", a.title != b.title),
        ("tagline", a.tagline != b.tagline),
        ("description", a.description != b.description),
        ("language", a.language != b.language),
        ("base_url", a.base_url != b.base_url),
        ("logo", a.logo != b.logo),
        ("contact_email", a.contact_email != b.contact_email),
        ("media_email", a.media_email != b.media_email),
        ("copyright", a.copyright != b.copyright),
        ("disclaimer", a.disclaimer != b.disclaimer),
        ("republish_policy", a.republish_policy != b.republish_policy),
        ("default_license", a.default_license != b.default_license),
        ("allow_republishing", a.allow_republishing != b.allow_republishing),
    ];
    pairs.into_iter().filter(|(_, c)| *c).map(|(f, _)| f).collect()
}
