//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "redbranch",
    version,
    about = "红枝·智慧党团建一站式平台 / RedBranch"
)]
pub struct Args {
    /// Configuration file (default: ./redbranch.toml if present).
    #[arg(long, global = true, env = "REDBRANCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// Overrides `bind` (address:port).
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// Overrides `database_url`.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web UI and the JSON API.
    Serve,
    /// Create (once) the demo school, print its logins, and serve it.
    Demo {
        /// Create the demo data and print the logins, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export data to a file.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Administration of accounts.
    Admin {
        #[command(subcommand)]
        what: AdminWhat,
    },
    /// Copy the SQLite database to FILE while the server runs (PostgreSQL: use pg_dump).
    Backup { file: PathBuf },
    /// Generate synthetic data at scale, for benchmarks.
    Generate {
        #[arg(long)]
        members: u64,
        #[arg(long)]
        orgs: u64,
        /// Code of the school (tenant) to create.
        #[arg(long, default_value = "bench")]
        tenant: String,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Run a daily job now (the server runs them once a day by itself).
    Jobs {
        #[command(subcommand)]
        what: JobsWhat,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsWhat {
    /// 发展党员 deadlines: recompute what is due and overdue, and send the notifications.
    Due {
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// The day to compute for (YYYY-MM-DD); today in Beijing time by default.
        #[arg(long)]
        date: Option<String>,
    },
    /// Notices: remind those who have not read a notice published `auto_remind_after_days` ago
    /// (once per notice; e-mail too when `[smtp]` is set).
    Reminders {
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// The day to run for (YYYY-MM-DD); today in Beijing time by default.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// A roster (.xlsx, .xls, .csv): all rows or none.
    Roster {
        file: PathBuf,
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    /// Members of an org subtree to .xlsx (identity numbers masked).
    Members {
        /// Org code (see the org page); repeat for several subtrees, e.g. `--org P --org L`.
        #[arg(long, required = true)]
        org: Vec<String>,
        file: PathBuf,
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// Put identity and phone numbers in clear (for a re-importable file); audited.
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminWhat {
    /// Create an account with a role on an org; prints a one-time initial password.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// member | branch_committee | branch_secretary | organiser | college_admin | school_admin | system_admin
        #[arg(long)]
        role: String,
        /// Org code the role is held on.
        #[arg(long)]
        org: String,
        #[arg(long, default_value = "demo")]
        tenant: String,
        /// Create the school (tenant) and its two root orgs if it does not exist, with this name.
        #[arg(long)]
        create_school: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditWhat {
    /// Recompute the hash chain and report the first broken entry, if any.
    Verify {
        #[arg(long, default_value = "demo")]
        tenant: String,
    },
}
