//! Schema migrations: one list, applied in order on either backend, each recorded once.
//! Add a migration as a new module and a new line in [`Migrator::migrations`]; never edit one
//! that has shipped.

use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_republishing;
mod m0003_change_log;
mod m0004_staff;
mod m0005_newsroom_auth;
mod m0006_api_tokens;
mod m0007_editorial;
mod m0008_term_redirects;
mod m0009_media;
mod m0010_accounts;
mod m0011_one_owner;
mod m0012_jobs;
mod m0013_slug_redirects;
mod m0014_favicon;
mod m0015_members;
mod m0016_member_link_client;
mod m0017_article_preview;
mod m0018_stripe;
mod m0021_integrations;
mod m0022_newsletters;
mod m0025_comments;
mod m0028_contact_desk;
mod m0029_corrections;
mod m0030_webhooks;
mod m0031_old_addresses;
mod m0033_article_labels;
mod m0034_comment_import_key;
mod m0036_newsletter_tracking;
mod m0038_article_comment_days;
mod m0039_guest_comments;
mod m0040_featured;
mod m0041_taxonomy_exposed;
mod m0042_guest_reply_stop;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_republishing::Migration),
            Box::new(m0003_change_log::Migration),
            Box::new(m0004_staff::Migration),
            Box::new(m0005_newsroom_auth::Migration),
            Box::new(m0006_api_tokens::Migration),
            Box::new(m0007_editorial::Migration),
            Box::new(m0008_term_redirects::Migration),
            Box::new(m0009_media::Migration),
            Box::new(m0010_accounts::Migration),
            Box::new(m0011_one_owner::Migration),
            Box::new(m0012_jobs::Migration),
            Box::new(m0013_slug_redirects::Migration),
            Box::new(m0014_favicon::Migration),
            Box::new(m0015_members::Migration),
            Box::new(m0016_member_link_client::Migration),
            Box::new(m0017_article_preview::Migration),
            Box::new(m0018_stripe::Migration),
            Box::new(m0021_integrations::Migration),
            Box::new(m0022_newsletters::Migration),
            Box::new(m0025_comments::Migration),
            Box::new(m0028_contact_desk::Migration),
            Box::new(m0029_corrections::Migration),
            Box::new(m0030_webhooks::Migration),
            Box::new(m0031_old_addresses::Migration),
            Box::new(m0033_article_labels::Migration),
            Box::new(m0034_comment_import_key::Migration),
            Box::new(m0036_newsletter_tracking::Migration),
            Box::new(m0038_article_comment_days::Migration),
            Box::new(m0039_guest_comments::Migration),
            Box::new(m0040_featured::Migration),
            Box::new(m0041_taxonomy_exposed::Migration),
            Box::new(m0042_guest_reply_stop::Migration),
        ]
    }
}
