//! The Byline binary: runs a publication (`serve`), works its job queue (`work`), and loads
//! content into it (`import`).
//! It parses the command line, loads the configuration once, and wires the crates together;
//! the work itself lives in the library crates.

#[macro_use]
mod out;
mod cli;
mod config;
mod connections;
mod export;
mod ghost;
mod import;
mod integration;
mod jobs;
mod member_pass;
mod members;
mod newsletter;
mod node;
mod progress;
mod republications;
mod search;
mod serve;
mod token;
mod user;
mod work;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One line a person can act on, not a backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        cli::Command::Serve(args) => {
            let settings = config::Settings::load(&args.publication, Some(&args))?;
            serve::run(settings).await?;
            Ok(ExitCode::SUCCESS)
        }
        cli::Command::Import(cli::Import::Markdown(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            import::markdown(settings, &args.dir, args.dry_run).await
        }
        cli::Command::Import(cli::Import::Json(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            import::json(settings, &args.file, args.dry_run).await
        }
        cli::Command::Import(cli::Import::Wordpress(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            import::wordpress(settings, &args).await
        }
        cli::Command::Import(cli::Import::Ghost(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            ghost::import(settings, &args).await
        }
        cli::Command::User(cli::User::Add(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            user::add(settings, &args).await
        }
        cli::Command::User(cli::User::TwoFactorOff(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            user::two_factor_off(settings, &args.email).await
        }
        cli::Command::User(cli::User::List(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            user::list(settings).await
        }
        cli::Command::Token(cli::Token::Create(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            token::create(settings, &args).await
        }
        cli::Command::Token(cli::Token::List(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            token::list(settings).await
        }
        cli::Command::Token(cli::Token::Revoke(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            token::revoke(settings, args.id).await
        }
        cli::Command::Integration(cli::Integration::Create(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            integration::create(settings, &args.name).await
        }
        cli::Command::Integration(cli::Integration::List(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            integration::list(settings).await
        }
        cli::Command::Integration(cli::Integration::Revoke(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            integration::revoke(settings, args.id).await
        }
        cli::Command::Export(cli::Export::Static(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            export::static_site(settings, &args).await
        }
        cli::Command::Export(cli::Export::Json(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            export::json(settings, &args).await
        }
        cli::Command::Export(cli::Export::Ghost(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            ghost::export(settings, &args).await
        }
        cli::Command::Republications(cli::Republications::List(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            republications::list(settings, args.article.as_deref()).await
        }
        cli::Command::Republications(cli::Republications::Mark(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            republications::mark(settings, args.id, &args.status).await
        }
        cli::Command::Work(args) => {
            let serve = cli::ServeArgs { workers: args.workers, ..Default::default() };
            let settings = config::Settings::load(&args.publication, Some(&serve))?;
            work::run(settings).await
        }
        cli::Command::Jobs(cli::Jobs::List(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            jobs::list(settings, args.state.as_deref(), args.limit).await
        }
        cli::Command::Search(cli::Search::Reindex(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            search::reindex(settings).await
        }
        cli::Command::Jobs(cli::Jobs::Retry(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            jobs::retry(settings, args.id).await
        }
        cli::Command::Jobs(cli::Jobs::Cancel(args)) => {
            let settings = config::Settings::load(&args.publication, None)?;
            jobs::cancel(settings, args.id).await
        }
        cli::Command::MemberPass(args) => {
            let settings = config::Settings::load(&args.publication, None)?;
            member_pass::print(settings, &args).await
        }
        cli::Command::Members(m) => members::run(m).await,
        cli::Command::Newsletter(n) => newsletter::run(n).await,
    }
}
