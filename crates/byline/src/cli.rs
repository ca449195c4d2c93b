//! The command line. Every subcommand that opens a publication takes the same
//! [`PublicationArgs`]; each flag also has a `BYLINE_*` variable and a `byline.toml` key
//! (see `config`).

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "byline",
    version,
    about = "Byline: a publishing platform for independent publications, in one binary.",
    long_about = "Byline: a publishing platform for independent publications, in one binary.\n\n\
        Settings come from, lowest to highest precedence: built-in defaults, the byline.toml \
        file (./byline.toml or --config), BYLINE_* environment variables, then flags."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the publication's website.
    Serve(ServeArgs),
    /// Load content into the publication.
    #[command(subcommand)]
    Import(Import),
    /// Manage staff accounts (who may sign in to the admin).
    #[command(subcommand)]
    User(User),
    /// Manage Admin API tokens.
    #[command(subcommand)]
    Token(Token),
    /// Manage integrations: Ghost Content API keys (with an Admin API token each).
    #[command(subcommand)]
    Integration(Integration),
    /// Write the public site out as files.
    #[command(subcommand)]
    Export(Export),
    /// See where articles were republished (counted by their tracking image) and mark copies.
    #[command(subcommand)]
    Republications(Republications),
    /// Work the job queue only (no website): a node for background work such as image copies.
    Work(WorkArgs),
    /// See the job queue; retry or cancel jobs.
    #[command(subcommand)]
    Jobs(Jobs),
    /// Members: import and export CSV (Ghost's columns), list, grant tiers.
    #[command(subcommand)]
    Members(crate::members::Members),
    /// Newsletters: send an article, see sends, retry failures, the suppression list.
    #[command(subcommand)]
    Newsletter(crate::newsletter::Newsletter),
    /// For the benchmark harness and tests: print a member pass cookie for an email
    /// (adding the member, and granting `--tier` for free, when needed).
    #[command(hide = true)]
    MemberPass(MemberPassArgs),
    /// The site search's index.
    #[command(subcommand)]
    Search(Search),
}

#[derive(Debug, Args)]
pub struct MemberPassArgs {
    /// The member's email address
    pub email: String,
    /// Grant this tier (complimentary) first, unless the member holds it
    #[arg(long)]
    pub tier: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Search {
    /// Rebuild this node's search index from the database (stop `byline serve` on this
    /// node first: it holds the index open).
    Reindex(SearchReindexArgs),
}

#[derive(Debug, Args)]
pub struct SearchReindexArgs {
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct WorkArgs {
    /// Job workers [default: 2] [env: BYLINE_WORKERS]
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Jobs {
    /// List jobs, newest first.
    List(JobsListArgs),
    /// Try a failed or dead job again now.
    Retry(JobIdArgs),
    /// Remove a job that is not running.
    Cancel(JobIdArgs),
}

#[derive(Debug, Args)]
pub struct JobsListArgs {
    /// Only jobs in this state: queued, running, failed, dead or done
    #[arg(long)]
    pub state: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 100)]
    pub limit: u64,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct JobIdArgs {
    /// The job's number, as `byline jobs list` shows it
    pub id: i64,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum User {
    /// Add a staff account. The password is read from standard input (one line), so it
    /// never appears in the shell history or the process list.
    Add(UserAddArgs),
    /// List staff accounts.
    List(UserListArgs),
    /// Switch off someone's two-factor sign-in (a lost phone and lost recovery codes), so
    /// they can sign in with their password and enrol again.
    TwoFactorOff(UserEmailArgs),
}

#[derive(Debug, Args)]
pub struct UserEmailArgs {
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// owner, administrator, editor, author or contributor
    #[arg(long, default_value = "contributor")]
    pub role: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Token {
    /// Make an Admin API token. Its secret is printed once; only its hash is kept.
    Create(TokenCreateArgs),
    /// List tokens (never their secrets).
    List(UserListArgs),
    /// Revoke a token by its id (from `byline token list`).
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// What the token is for, e.g. "CMS sync"
    #[arg(long)]
    pub name: String,
    /// The role it acts in: administrator, editor, author or contributor
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Integration {
    /// Make an integration; prints its Content API key and its Admin API token (once).
    Create(IntegrationCreateArgs),
    /// List integrations and their Content API keys.
    List(UserListArgs),
    /// Revoke an integration (its key and its token) by its id.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct IntegrationCreateArgs {
    /// What it is for, e.g. "Next.js front end"
    pub name: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    pub id: i64,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// The whole public site (articles, pages, archives, feeds, sitemaps, assets) as static
    /// files for any static host or CDN.
    Static(ExportStaticArgs),
    /// The whole publication (settings, authors, taxonomies, articles with their revisions,
    /// pages, redirects, members, tiers, media records) as one versioned JSON file, the
    /// format of docs/export-format.md. Staff accounts and secrets are left out.
    Json(ExportJsonArgs),
    /// A file Ghost's "Import content" takes: posts (with drafts), pages, tags, authors and
    /// tiers, bodies as Markdown cards.
    Ghost(ExportGhostArgs),
}

#[derive(Debug, Args)]
pub struct ExportJsonArgs {
    /// The file to write (replaced if it exists)
    pub file: PathBuf,
    /// Write a tar archive holding the JSON (as byline.json) and the media files (media/)
    #[arg(long)]
    pub with_media: bool,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ExportGhostArgs {
    /// The JSON file to write
    pub file: PathBuf,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ExportStaticArgs {
    /// An empty or new folder to write into
    pub dir: PathBuf,
    /// The address the files will be served from (for canonical links and feeds)
    /// [default: the publication's base_url, else the configured one]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Worker threads [default: one per core]
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Subcommand)]
pub enum Republications {
    /// List copies on other sites with their views, per article and in total.
    List(ListRepublicationsArgs),
    /// Mark a copy as verified, ignored, or new again.
    Mark(MarkRepublicationArgs),
}

#[derive(Debug, Args)]
pub struct ListRepublicationsArgs {
    /// Only this article (its slug)
    #[arg(long, value_name = "SLUG")]
    pub article: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct MarkRepublicationArgs {
    /// The copy's number, as `list` shows it
    pub id: i64,
    /// verified, ignored or new
    pub status: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

/// Which publication to open: the same flags for every subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct PublicationArgs {
    /// Folder for the embedded database and the publication's files [default: ./byline-data]
    /// [env: BYLINE_DATA]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Use this database instead of the embedded one: postgres://USER:PASS@HOST/DB or
    /// sqlite://PATH [env: BYLINE_DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Read settings from this file instead of ./byline.toml [env: BYLINE_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub publication: PublicationArgs,
    /// Address to listen on [default: 127.0.0.1:8080] [env: BYLINE_BIND]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// The site's public address, for canonical links (e.g. https://example.org)
    /// [default: derived from --bind] [env: BYLINE_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A theme folder (templates/ and assets/) whose files override the default theme's
    /// [env: BYLINE_THEME]
    #[arg(long, value_name = "DIR")]
    pub theme: Option<PathBuf>,
    /// Start an empty publication instead of loading the demo content into a new one
    /// [env: BYLINE_DEMO=false]
    #[arg(long)]
    pub no_demo: bool,
    /// Memory for rendered pages in MiB; 0 renders every request [default: 16]
    /// [env: BYLINE_CACHE_MB]
    #[arg(long, value_name = "MIB")]
    pub cache_mb: Option<u64>,
    /// Job workers running in this server; 0 runs none (leave the queue to `byline work`)
    /// [default: 2] [env: BYLINE_WORKERS]
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Import a folder of Markdown files (Hugo, Jekyll, Zola or Byline layout). Importing the
    /// same folder again updates what changed.
    /// A Hugo, Jekyll or Zola site's root folder is read with its configuration.
    Markdown(ImportMarkdownArgs),
    /// Import a WordPress export (WXR 1.0 to 1.2, from Tools → Export): authors, categories,
    /// tags and custom taxonomies, posts, pages, attachments and every old address (as 301
    /// redirects). Importing the same file again updates instead of duplicating.
    Wordpress(ImportWordPressArgs),
    /// Restore a `byline export json` file (or its --with-media archive) into an empty
    /// publication.
    Json(ImportJsonArgs),
    /// Import a Ghost export (JSON from Ghost 1 to 6: Settings → Labs → Export): posts,
    /// pages, tags, authors, tiers, members and settings. Importing the same file again
    /// updates instead of duplicating.
    Ghost(ImportGhostArgs),
}

#[derive(Debug, Args)]
pub struct ImportWordPressArgs {
    /// The WXR file
    pub file: PathBuf,
    /// The site's `wp-content/uploads` folder: attachments are read from it into the media
    /// library and bodies link to them there
    #[arg(long, value_name = "DIR")]
    pub uploads: Option<PathBuf>,
    /// Fetch attachments the uploads folder does not have from their old URLs
    #[arg(long)]
    pub fetch_media: bool,
    /// File a WordPress taxonomy under an existing Byline one, as `category=themes`
    /// (repeatable)
    #[arg(long = "map", value_name = "WP=BYLINE", value_parser = taxonomy_mapping)]
    pub map: Vec<(String, String)>,
    /// Read and check everything and print the report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

fn taxonomy_mapping(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
            Ok((from.trim().to_owned(), to.trim().to_owned()))
        }
        _ => Err(format!("{s:?} is not WORDPRESS_TAXONOMY=BYLINE_TAXONOMY (e.g. category=themes)")),
    }
}

#[derive(Debug, Args)]
pub struct ImportJsonArgs {
    /// The export file
    pub file: PathBuf,
    /// Check everything (inside a transaction that is rolled back) and write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ImportGhostArgs {
    /// The export (`*.ghost.*.json`)
    pub file: PathBuf,
    /// Check everything and report what would be imported, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The Ghost site's address: links Ghost wrote as `__GHOST_URL__/…` (its images) point
    /// there [default: paths on this site]
    #[arg(long, value_name = "URL")]
    pub ghost_url: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ImportMarkdownArgs {
    /// The folder to import
    pub dir: PathBuf,
    /// Read and check every file, write nothing, and report what would be imported
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub publication: PublicationArgs,
}
