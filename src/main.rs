//! The `imprimatur` command: the server (default) and operator commands.
#![forbid(unsafe_code)]

use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use imprimatur::config::Config;
use imprimatur::db::{self, Pool};
use imprimatur::domain::roles::{Role, RoleSet};
use imprimatur::jobs::Jobs;
use imprimatur::mail::transport::Mailer;
use imprimatur::services::accounts::{self, InviteInput};
use imprimatur::services::audit::{self, Verification};
use imprimatur::services::delivery::{Courier, Policy};
use imprimatur::services::{Caller, Env, notify, webhooks};
use imprimatur::web::{self, AppState};

/// jemalloc instead of the system allocator: glibc keeps an arena per thread that ever
/// allocated, and memory freed on one blocking thread stays resident in its arena, so the
/// server's resident size crept up with every thread the pool had used (140 MB on the scale
/// bench's pages). It serves the C libraries too (the `unprefixed_malloc…` feature: SQLite's
/// page caches and FTS5 buffers, libpq), which had stayed on glibc's per-thread arenas: peak
/// 116.7 -> 93.7 MB on the SQLite scale bench. Its settings are built in from
/// `.cargo/config.toml`.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "imprimatur",
    version,
    about = "Editorial review workflow server for medical articles"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Fill an empty database with sample accounts and articles in every state; with
    /// `--articles`, an archive of that size for benchmarks instead.
    Demo {
        /// Make an archive of this many articles (written in bulk).
        #[arg(long)]
        articles: Option<i64>,
        /// Submitted revisions per article in the archive.
        #[arg(long, default_value_t = 10, requires = "articles")]
        revisions: i64,
    },
    /// Work with the mail outbox.
    #[command(subcommand)]
    Mail(MailCommand),
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send every message that is due now, then exit (what the server's worker does all day).
    SendPending,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account and print a one-time link for its owner to set a password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Shown next to the name on reviewed articles, e.g. "MD, Cardiology".
        #[arg(long, default_value = "")]
        credentials: String,
        /// A role to give; repeat for several.
        #[arg(long = "role", value_enum, required = true)]
        roles: Vec<RoleArg>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every row of the audit log against its hash chain. Exits 1 at the first bad row.
    Verify,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Editor,
    Reviewer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Editor => Role::Editor,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("imprimatur: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => migrate(&config),
        Command::User(UserCommand::Add {
            email,
            name,
            credentials,
            roles,
        }) => add_user(&config, email, name, credentials, roles),
        Command::Audit(AuditCommand::Verify) => verify_audit(&config),
        Command::Demo {
            articles,
            revisions,
        } => match articles {
            Some(articles) => scale_demo(&config, articles, revisions),
            None => demo(&config),
        },
        Command::Mail(MailCommand::SendPending) => send_pending(config),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("imprimatur: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

/// Connects and applies migrations: every command works on an up-to-date schema.
fn open(config: &Config, pool_size: u32) -> anyhow::Result<Pool> {
    let pool = db::connect(&config.database_url, pool_size)
        .with_context(|| format!("database {}", config.database_url.redacted()))?;
    let mut conn = pool.get().context("cannot open a database connection")?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    Ok(pool)
}

fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    let applied = db::run_migrations(&mut conn)?;
    println!(
        "{applied} migration(s) applied to {}",
        config.database_url.redacted()
    );
    Ok(ExitCode::SUCCESS)
}

fn add_user(
    config: &Config,
    email: String,
    name: String,
    credentials: String,
    roles: Vec<RoleArg>,
) -> anyhow::Result<ExitCode> {
    let env = Env::new(open(config, 1)?, &config.public_url);
    let input = InviteInput {
        email,
        display_name: name,
        credentials,
        roles: roles.into_iter().map(Role::from).collect::<RoleSet>(),
    };
    let link = env
        .ctx(|ctx| accounts::invite(ctx, &Caller::system(), &input))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Created {} ({}).",
        input.email.trim(),
        input.roles.describe()
    );
    println!(
        "Send them this one-time link to set a password (expires {} UTC):",
        link.expires_at.format("%Y-%m-%d %H:%M")
    );
    println!("{}", config.link(&link.path()));
    Ok(ExitCode::SUCCESS)
}

fn send_pending(config: Config) -> anyhow::Result<ExitCode> {
    let env = Env::new(open(&config, 2)?, &config.public_url);
    let mailer = Mailer::from_config(&config).map_err(|e| anyhow::anyhow!("mail: {e}"))?;
    println!("Sending due mail via {}", mailer.describe());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let courier = Courier::new(
        env.clone(),
        mailer,
        Policy::from_config(&config),
        "command line",
    );
    let pass = runtime.block_on(async move {
        env.ctx(|ctx| notify::review_reminders(ctx, db::now()))?;
        let (_keep, running) = tokio::sync::watch::channel(false);
        courier.pass(&running).await
    });
    let pass = pass.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} sent, {} to retry later, {} given up",
        pass.sent, pass.retried, pass.failed
    );
    Ok(ExitCode::SUCCESS)
}

fn demo(config: &Config) -> anyhow::Result<ExitCode> {
    let env = Env::new(open(config, 2)?, &config.public_url);
    let summary = imprimatur::demo::run(&env).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Created {} sample articles and these accounts:",
        summary.articles
    );
    print_accounts(config, &summary.accounts);
    Ok(ExitCode::SUCCESS)
}

fn print_accounts(config: &Config, accounts: &[imprimatur::demo::DemoAccount]) {
    println!();
    for account in accounts {
        println!(
            "  {:<30} {:<9} {}",
            account.email, account.roles, account.password
        );
    }
    println!();
    println!("Sign in at {}/login", config.public_url);
}

fn scale_demo(config: &Config, articles: i64, revisions: i64) -> anyhow::Result<ExitCode> {
    let env = Env::new(open(config, 2)?, &config.public_url);
    let spec = imprimatur::demo::scale::ScaleSpec {
        articles,
        revisions,
    };
    let summary = imprimatur::demo::scale::run(&env, spec).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Created {} articles, {} revisions, {} reviews and {} audit rows in {:.1} s, and these accounts:",
        summary.articles, summary.revisions, summary.reviews, summary.audit_rows, summary.seconds
    );
    print_accounts(config, &summary.accounts);
    Ok(ExitCode::SUCCESS)
}

fn verify_audit(config: &Config) -> anyhow::Result<ExitCode> {
    let env = Env::new(open(config, 1)?, &config.public_url);
    let started = std::time::Instant::now();
    let verified = env.ctx(|ctx| audit::verify(ctx, &Caller::system()));
    let seconds = started.elapsed().as_secs_f64();
    match verified.map_err(|e| anyhow::anyhow!("{e}"))? {
        Verification::Intact { rows, head } => {
            println!("audit log intact: {rows} rows, head hash {head}");
            println!(
                "checked in {seconds:.1} s ({:.0} rows/s){}",
                rows as f64 / seconds.max(1e-9),
                peak_memory()
                    .map(|mb| format!(", peak resident memory {mb:.1} MB"))
                    .unwrap_or_default()
            );
            println!("(keep the head hash somewhere else to detect a later truncation)");
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken(broken) => {
            println!("audit log BROKEN at row {}: {broken}", broken.row_id());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// This process's peak resident memory in MB, where `/proc` tells it (Linux).
fn peak_memory() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let pool_size = match config.database_url {
        imprimatur::config::DatabaseUrl::Postgres(_) => 16,
        imprimatur::config::DatabaseUrl::Sqlite(_) => 8,
    };
    let pool = open(&config, pool_size)?;
    let state = AppState::new(pool, config);
    let config = state.config.clone();
    if let Some(link) = state
        .env
        .ctx(accounts::first_admin_link)
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        println!();
        println!("No admin account exists yet. Create the first one here (valid 24 hours):");
        println!("    {}", config.link(&link.path()));
        println!();
    }
    let mailer = Mailer::from_config(&config).map_err(|e| anyhow::anyhow!("mail: {e}"))?;
    match &mailer {
        Mailer::Files { dir, .. } => println!(
            "Mail: IMPRIMATUR_SMTP_URL is not set, so messages are written as .eml files in {}",
            dir.display()
        ),
        Mailer::Smtp { .. } => println!("Mail: {}", mailer.describe()),
    }
    let listener = TcpListener::bind(config.bind)
        .with_context(|| format!("cannot listen on {} (IMPRIMATUR_BIND)", config.bind))?;
    println!(
        "Imprimatur is listening on {} (database: {})",
        config.public_url,
        config.database_url.redacted()
    );
    actix_web::rt::System::new().block_on(async move {
        let courier = Courier::new(
            state.env.clone(),
            mailer,
            Policy::from_config(&config),
            &config.bind.to_string(),
        );
        let dispatcher = webhooks::Dispatcher::new(
            state.env.clone(),
            webhooks::client().map_err(std::io::Error::other)?,
            webhooks::Policy::from_config(&config),
            &config.bind.to_string(),
        );
        let jobs = Jobs::start(&state.env, courier, state.timeouts(), config.mail_poll())
            .deliver_webhooks(dispatcher);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let served = web::server(state, listener, workers)?.await;
        // The server stopped (Ctrl-C, SIGTERM): let mail delivery finish the message in
        // hand and hand back the rest.
        jobs.stop().await;
        served
    })?;
    Ok(ExitCode::SUCCESS)
}
