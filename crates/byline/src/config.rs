//! Typed settings, loaded and checked once. Precedence, lowest first: defaults, `byline.toml`
//! (or `--config`/`BYLINE_CONFIG`), `BYLINE_*` environment variables, command-line flags.
//! Errors name the key and where its value came from.

use crate::cli::{PublicationArgs, ServeArgs};
use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub data: PathBuf,
    /// `None`: the embedded SQLite database in `data`.
    pub database_url: Option<String>,
    pub bind: SocketAddr,
    pub base_url: Option<String>,
    pub theme: Option<PathBuf>,
    /// Load the demo publication into a new, empty one.
    pub demo: bool,
    /// Log filter, e.g. `info` or `byline=debug,tower_http=debug`.
    pub log: String,
    /// Articles per page on the home page and archives.
    pub per_page: u64,
    /// Memory for rendered pages, in MiB; 0 renders every request.
    pub cache_mb: u64,
    /// The SMTP server for staff email (password resets, invitations). None: every email
    /// is written to the log at WARN instead, link and all.
    pub smtp_host: Option<String>,
    /// 587 by default (STARTTLS); 465 is usual with `smtp_tls = "tls"`.
    pub smtp_port: u16,
    pub smtp_username: Option<String>,
    /// Redacted in Debug output.
    pub smtp_password: Option<String>,
    /// The sender of staff email.
    pub smtp_from: String,
    /// `none`, `starttls` (the default) or `tls`.
    pub smtp_tls: byline_web::mail::SmtpTls,
    /// The largest image upload, in MiB.
    pub media_max_mb: u64,
    /// The most pixels an uploaded image may have, in megapixels (checked before decoding).
    pub media_max_megapixels: u64,
    /// Where media files are kept; `None`: `<data>/media`.
    pub media_dir: Option<PathBuf>,
    /// Job workers in `byline serve` (and `byline work`); 0 runs none.
    pub workers: usize,
    /// Seconds a worker holds a job before another may take it up, unless it renews.
    pub job_lease_secs: u64,
    /// Reverse proxies (addresses or CIDR ranges) whose `Forwarded`/`X-Forwarded-For`
    /// headers name the client for rate limits and the request log. Empty: the connection's
    /// address is the client, and those headers are ignored. A list, or one string with
    /// commas (`BYLINE_TRUSTED_PROXIES="10.0.0.0/8, ::1"`).
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// Stripe's secret API key (`sk_…` or a restricted `rk_…`); with
    /// `stripe_webhook_secret`, paid tiers are sold through Stripe Checkout. Redacted in Debug.
    pub stripe_secret_key: Option<String>,
    /// The webhook endpoint's signing secret (`whsec_…`). Redacted in Debug.
    pub stripe_webhook_secret: Option<String>,
    /// Where Stripe's API is (tests point it at a stand-in).
    pub stripe_api_base: String,
    /// Seconds a client has to send a request's head (HTTP/1), counted from the connection
    /// opening or the previous response; also how long an idle keep-alive connection stays.
    pub header_timeout_secs: u64,
    /// Seconds without a byte in either direction before a connection is closed.
    pub idle_timeout_secs: u64,
    /// Open connections at most; more wait to be accepted. Lowered at start to fit the
    /// open-file limit (which is raised to its hard limit first).
    pub max_connections: usize,
    /// Where this node keeps its search index; `None`: `<data>/search`.
    pub search_dir: Option<PathBuf>,
    /// Searches one address may make per minute (page and JSON API together); 0: no limit.
    pub search_per_minute: u32,
    /// Let webhooks reach private, loopback and link-local addresses (off: such targets are
    /// refused, so an integration cannot probe the internal network).
    pub webhooks_allow_private: bool,
    /// Newsletter messages on the wire at once (and SMTP connections kept).
    pub newsletter_concurrency: usize,
    /// Newsletter messages a second at most; 0: as fast as the SMTP server takes them.
    pub newsletter_rate: u32,
    /// DKIM: the selector, and the private key (PEM text, or the path of a PEM file;
    /// redacted in Debug). Newsletters are signed when both are set.
    pub dkim_selector: Option<String>,
    pub dkim_private_key: Option<String>,
    /// The publication's postal address, at the foot of every newsletter.
    pub postal_address: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data: PathBuf::from("byline-data"),
            database_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            theme: None,
            demo: true,
            log: "info".into(),
            per_page: 10,
            cache_mb: byline_web::DEFAULT_CACHE_MB,
            smtp_host: None,
            smtp_port: 587,
            smtp_username: None,
            smtp_password: None,
            smtp_from: "Byline <byline@localhost>".into(),
            smtp_tls: byline_web::mail::SmtpTls::Starttls,
            media_max_mb: byline_media::process::DEFAULT_MAX_MB,
            media_max_megapixels: byline_media::process::DEFAULT_MAX_MEGAPIXELS,
            media_dir: None,
            workers: 2,
            job_lease_secs: 60,
            trusted_proxies: Vec::new(),
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: "https://api.stripe.com".into(),
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 10_000,
            search_dir: None,
            search_per_minute: byline_web::search_limit::DEFAULT_SEARCHES_PER_MINUTE,
            webhooks_allow_private: false,
            newsletter_concurrency: 4,
            newsletter_rate: 0,
            dkim_selector: None,
            dkim_private_key: None,
            postal_address: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data", &self.data)
            .field("database_url", &self.database_url.as_deref().map(redact))
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("theme", &self.theme)
            .field("demo", &self.demo)
            .field("log", &self.log)
            .field("per_page", &self.per_page)
            .field("cache_mb", &self.cache_mb)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &self.smtp_password.as_ref().map(|_| "***"))
            .field("smtp_from", &self.smtp_from)
            .field("smtp_tls", &self.smtp_tls)
            .field("media_max_mb", &self.media_max_mb)
            .field("media_max_megapixels", &self.media_max_megapixels)
            .field("media_dir", &self.media_dir)
            .field("workers", &self.workers)
            .field("job_lease_secs", &self.job_lease_secs)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("stripe_secret_key", &self.stripe_secret_key.as_ref().map(|_| "***"))
            .field("stripe_webhook_secret", &self.stripe_webhook_secret.as_ref().map(|_| "***"))
            .field("stripe_api_base", &self.stripe_api_base)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("search_dir", &self.search_dir)
            .field("search_per_minute", &self.search_per_minute)
            .field("webhooks_allow_private", &self.webhooks_allow_private)
            .field("newsletter_concurrency", &self.newsletter_concurrency)
            .field("newsletter_rate", &self.newsletter_rate)
            .field("dkim_selector", &self.dkim_selector)
            .field("dkim_private_key", &self.dkim_private_key.as_ref().map(|_| "***"))
            .field("postal_address", &self.postal_address)
            .finish()
    }
}

/// Flags given on the command line; absent ones leave lower layers alone.
#[derive(Serialize, Default)]
struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theme: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    demo: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_mb: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workers: Option<usize>,
}

impl Settings {
    pub fn load(p: &PublicationArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Self> {
        let config_file =
            p.config.clone().or_else(|| std::env::var_os("BYLINE_CONFIG").map(PathBuf::from));
        if let Some(f) = &config_file
            && !f.is_file()
        {
            bail!("the configuration file {} does not exist", f.display());
        }
        let file = config_file.unwrap_or_else(|| PathBuf::from("byline.toml"));
        let flags = Flags {
            data: p.data.clone(),
            database_url: p.database_url.clone(),
            bind: serve.and_then(|s| s.bind),
            base_url: serve.and_then(|s| s.base_url.clone()),
            theme: serve.and_then(|s| s.theme.clone()),
            demo: serve.and_then(|s| s.no_demo.then_some(false)),
            cache_mb: serve.and_then(|s| s.cache_mb),
            workers: serve.and_then(|s| s.workers),
        };
        let settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&file))
            // BYLINE_CONFIG is read above; the others belong to the test suite and CI.
            .merge(Env::prefixed("BYLINE_").ignore(&[
                "config",
                "test_postgres_url",
                "test_jobs",
                "feed_validator",
                "sitemap_xsd_dir",
                "test_smtp_python",
                "test_ghost_dir",
                "test_crash_seed",
                "ghost_content_api",
                "stripe_signer",
            ]))
            .merge(Serialized::globals(flags))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {}", one_line(e)))?;
        settings.check()
    }

    fn check(self) -> anyhow::Result<Self> {
        if let Some(u) = &self.base_url {
            let parsed = url::Url::parse(u)
                .with_context(|| format!("invalid configuration: base_url {u:?} is not a URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("invalid configuration: base_url {u:?} must start with http:// or https://");
            }
        }
        if let Some(db) = &self.database_url
            && !(db.starts_with("sqlite:")
                || db.starts_with("postgres:")
                || db.starts_with("postgresql:"))
        {
            bail!(
                "invalid configuration: database_url {} must start with postgres:// or sqlite://",
                redact(db)
            );
        }
        if self.cache_mb > 16 * 1024 {
            bail!(
                "invalid configuration: cache_mb {} is more than 16 GiB; give MiB",
                self.cache_mb
            );
        }
        if self.media_max_mb == 0 || self.media_max_mb > 1024 {
            bail!(
                "invalid configuration: media_max_mb must be between 1 and 1024 (MiB), not {}",
                self.media_max_mb
            );
        }
        if self.media_max_megapixels == 0 || self.media_max_megapixels > 1000 {
            bail!(
                "invalid configuration: media_max_megapixels must be between 1 and 1000, not {}",
                self.media_max_megapixels
            );
        }
        if self.workers > 64 {
            bail!("invalid configuration: workers must be between 0 and 64, not {}", self.workers);
        }
        if self.newsletter_concurrency == 0 || self.newsletter_concurrency > 256 {
            bail!(
                "invalid configuration: newsletter_concurrency must be between 1 and 256, not {}",
                self.newsletter_concurrency
            );
        }
        if self.job_lease_secs == 0 || self.job_lease_secs > 3600 {
            bail!(
                "invalid configuration: job_lease_secs must be between 1 and 3600, not {}",
                self.job_lease_secs
            );
        }
        if self.per_page == 0 || self.per_page > 100 {
            bail!(
                "invalid configuration: per_page must be between 1 and 100, not {}",
                self.per_page
            );
        }
        for (key, secs) in [
            ("header_timeout_secs", self.header_timeout_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
        ] {
            if secs == 0 || secs > 3600 {
                bail!("invalid configuration: {key} must be between 1 and 3600, not {secs}");
            }
        }
        if self.max_connections == 0 || self.max_connections > 1_000_000 {
            bail!(
                "invalid configuration: max_connections must be between 1 and 1000000, not {}",
                self.max_connections
            );
        }
        self.trusted_proxies()?;
        self.stripe()?;
        Ok(self)
    }

    /// Stripe's settings, when both keys are set (neither: paid tiers are only granted).
    pub fn stripe(&self) -> anyhow::Result<Option<byline_stripe::StripeConfig>> {
        let key = self.stripe_secret_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
        let hook = self.stripe_webhook_secret.as_deref().map(str::trim).filter(|k| !k.is_empty());
        let (key, hook) = match (key, hook) {
            (None, None) => return Ok(None),
            (Some(k), Some(h)) => (k, h),
            (Some(_), None) => bail!(
                "invalid configuration: stripe_secret_key is set but stripe_webhook_secret is not; \
                 set both (from Stripe's dashboard: API keys, and the webhook endpoint)"
            ),
            (None, Some(_)) => bail!(
                "invalid configuration: stripe_webhook_secret is set but stripe_secret_key is not; \
                 set both"
            ),
        };
        if !(key.starts_with("sk_") || key.starts_with("rk_")) {
            bail!("invalid configuration: stripe_secret_key must start with sk_ or rk_");
        }
        if !hook.starts_with("whsec_") {
            bail!("invalid configuration: stripe_webhook_secret must start with whsec_");
        }
        let base = &self.stripe_api_base;
        let ok = url::Url::parse(base)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            bail!(
                "invalid configuration: stripe_api_base {base:?} must be an http(s) URL such as \
                 https://api.stripe.com"
            );
        }
        Ok(Some(byline_stripe::StripeConfig {
            secret_key: key.to_owned(),
            webhook_secret: hook.to_owned(),
            api_base: base.trim_end_matches('/').to_owned(),
        }))
    }

    /// The limits on connections `byline serve` holds open.
    pub fn connection_limits(&self) -> crate::connections::Limits {
        crate::connections::Limits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_secs),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout_secs),
            max_connections: self.max_connections,
        }
    }

    /// The proxies whose forwarding headers are believed.
    pub fn trusted_proxies(&self) -> anyhow::Result<byline_web::client::TrustedProxies> {
        byline_web::client::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("invalid configuration: trusted_proxies: {e}"))
    }

    /// The database to open: the configured URL, or the embedded SQLite file in `data`
    /// (the folder is created when missing).
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data)
            .with_context(|| format!("cannot create the data folder {}", self.data.display()))?;
        Ok(format!("sqlite://{}?mode=rwc", self.data.join("byline.db").display()))
    }

    /// Where the site says it lives: `base_url`, or the listening address.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None if self.bind.ip().is_unspecified() => {
                format!("http://localhost:{}", self.bind.port())
            }
            None => format!("http://{}", self.bind),
        }
    }

    /// The mailer for staff email: SMTP when `smtp_host` is set, else the log.
    pub fn mailer(&self) -> anyhow::Result<byline_web::mail::Mailer> {
        use byline_web::mail::{Mailer, SmtpSettings};
        let Some(host) = &self.smtp_host else { return Ok(Mailer::Log) };
        Mailer::smtp(&SmtpSettings {
            host: host.clone(),
            port: self.smtp_port,
            username: self.smtp_username.clone(),
            password: self.smtp_password.clone(),
            from: self.smtp_from.clone(),
            tls: self.smtp_tls,
        })
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
    }

    /// Where the search index is kept: `search_dir`, or `search` in the data folder.
    pub fn search_dir(&self) -> PathBuf {
        self.search_dir.clone().unwrap_or_else(|| self.data.join("search"))
    }

    /// Where media files are kept: `media_dir`, or `media` in the data folder.
    pub fn media_dir(&self) -> PathBuf {
        self.media_dir.clone().unwrap_or_else(|| self.data.join("media"))
    }

    /// The media storage and upload limits these settings describe.
    pub fn media(&self) -> anyhow::Result<(byline_media::MediaStorage, byline_media::Limits)> {
        let dir = self.media_dir();
        let storage = byline_media::MediaStorage::local(&dir)
            .with_context(|| format!("cannot use the media folder {}", dir.display()))?;
        let limits = byline_media::Limits {
            max_bytes: self.media_max_mb << 20,
            max_pixels: self.media_max_megapixels * 1_000_000,
        };
        Ok((storage, limits))
    }

    /// How this node works the job queue.
    pub fn jobs(&self) -> byline_jobs::Settings {
        byline_jobs::Settings {
            workers: self.workers,
            lease: std::time::Duration::from_secs(self.job_lease_secs),
            ..Default::default()
        }
    }

    pub fn theme_dir(&self) -> Option<&Path> {
        self.theme.as_deref()
    }
}

/// A list of strings, given as a list or as one string with commas between its entries.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Given::deserialize(d)? {
        Given::One(s) => {
            s.split(',').map(str::trim).filter(|e| !e.is_empty()).map(Into::into).collect()
        }
        Given::Many(v) => v,
    })
}

/// figment's errors, one line each, naming the key and where its value came from
/// (`BYLINE_BIND`, `byline.toml`, a flag).
fn one_line(e: figment::Error) -> String {
    e.into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let origin = match &e.metadata {
                Some(md) if md.name.contains("environment") => {
                    format!("the environment variable BYLINE_{}", key.to_uppercase())
                }
                Some(md) => match &md.source {
                    Some(source) => format!("{} ({source})", md.name),
                    None => md.name.to_string(),
                },
                None => "the settings".to_owned(),
            };
            if key.is_empty() {
                format!("{} in {origin}", e.kind)
            } else {
                format!("{} for key `{key}` in {origin}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A database URL without its password.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load() -> anyhow::Result<Settings> {
        Settings::load(&PublicationArgs::default(), None)
    }

    #[test]
    // figment's Jail takes a closure returning its own (large) error type.
    #[allow(clippy::result_large_err)]
    fn trusted_proxies_come_as_a_list_or_commas_and_bad_entries_are_named() {
        figment::Jail::expect_with(|jail| {
            // Only what this test sets: not the BYLINE_ variables of whoever runs it.
            jail.clear_env();
            jail.create_file("byline.toml", "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n")?;
            let s = load().map_err(|e| e.to_string())?;
            assert_eq!(s.trusted_proxies, ["10.0.0.0/8", "::1"]);
            assert!(s.trusted_proxies().unwrap().trusts("10.1.2.3".parse().unwrap()));

            jail.set_env("BYLINE_TRUSTED_PROXIES", "192.0.2.1, 2001:db8::/32");
            let s = load().map_err(|e| e.to_string())?;
            assert_eq!(s.trusted_proxies, ["192.0.2.1", "2001:db8::/32"]);

            jail.set_env("BYLINE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example");
            let err = load().unwrap_err().to_string();
            assert!(err.contains("trusted_proxies") && err.contains("proxy.example"), "{err}");
            jail.set_env("BYLINE_TRUSTED_PROXIES", "10.0.0.0/40");
            let err = load().unwrap_err().to_string();
            assert!(err.contains("trusted_proxies") && err.contains("prefix"), "{err}");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn stripe_needs_both_keys_checks_them_and_hides_them_in_debug() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            let s = load().map_err(|e| e.to_string())?;
            assert!(s.stripe().unwrap().is_none());
            assert_eq!(s.stripe_api_base, "https://api.stripe.com");

            jail.set_env("BYLINE_STRIPE_SECRET_KEY", "sk_test_secret123");
            let err = load().unwrap_err().to_string();
            assert!(err.contains("stripe_webhook_secret is not"), "{err}");

            jail.set_env("BYLINE_STRIPE_WEBHOOK_SECRET", "whsec_hook456");
            jail.set_env("BYLINE_STRIPE_API_BASE", "http://127.0.0.1:9/");
            let s = load().map_err(|e| e.to_string())?;
            let c = s.stripe().unwrap().expect("both keys set");
            assert_eq!(c.api_base, "http://127.0.0.1:9");
            let shown = format!("{s:?} {c:?}");
            assert!(!shown.contains("secret123") && !shown.contains("hook456"), "{shown}");

            jail.set_env("BYLINE_STRIPE_WEBHOOK_SECRET", "hook456");
            let err = load().unwrap_err().to_string();
            assert!(err.contains("stripe_webhook_secret must start with whsec_"), "{err}");
            jail.set_env("BYLINE_STRIPE_WEBHOOK_SECRET", "whsec_hook456");
            jail.set_env("BYLINE_STRIPE_API_BASE", "ftp://stripe");
            let err = load().unwrap_err().to_string();
            assert!(err.contains("stripe_api_base"), "{err}");
            Ok(())
        });
    }
}
