//! Changing the publication's settings, with an audit line naming the fields that changed.

use crate::{Store, StoreError, audit};
use byline_core::Publication;
use byline_core::audit::{Actor, AuditRecord};

impl Store {
    /// Validates and saves every publication field; logs `site` when anything changed.
    pub async fn update_publication(
        &self,
        actor: &Actor,
        p: Publication,
    ) -> Result<Publication, StoreError> {
        let before = self.publication().await?;
        let saved = self.save_publication(p).await?;
        let changed = changed_fields(&before, &saved);
        if !changed.is_empty() {
            let rec = AuditRecord::new("settings.update", "publication settings")
                .detail(format!("changed {}", changed.join(", ")));
            audit::write(self.db(), actor, &rec).await?;
        }
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
