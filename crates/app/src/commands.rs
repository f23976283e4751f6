//! What each subcommand does.

use anyhow::{Context, bail};
use redbranch_db::crypto::Crypto;
use redbranch_db::tenants::{self, TenantId};
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgKind, OrgPath};
use redbranch_web::{AppState, WebSettings};

use crate::cli::{AdminWhat, Args, AuditWhat, Command, ExportWhat, ImportWhat, JobsWhat};
use crate::config::Settings;
use crate::seed;

fn init_logging(s: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if s.log_format == "json" {
        b.json().try_init()
    } else {
        b.try_init()
    };
}

async fn open(s: &Settings) -> anyhow::Result<(Db, Crypto)> {
    if s.database_url().starts_with("sqlite:") {
        std::fs::create_dir_all(&s.data_dir).with_context(|| {
            format!("无法创建数据目录 / cannot create {}", s.data_dir.display())
        })?;
    }
    let db = Db::connect(&s.database_url(), s.max_connections)
        .await
        .context("无法连接数据库 / cannot connect to the database")?;
    db.migrate()
        .await
        .context("数据库迁移失败 / migration failed")?;
    let crypto = Crypto::new(&s.master_key()?);
    Ok((db, crypto))
}

fn web_settings(s: &Settings) -> WebSettings {
    WebSettings {
        security: s.security.clone(),
        cookie_secure: s.cookie_secure,
        max_upload_bytes: s.max_upload_mb.saturating_mul(1024 * 1024),
        default_tenant: s.default_tenant.clone(),
        smtp: (!s.smtp.host.is_empty()).then(|| redbranch_web::notices::send::SmtpSettings {
            host: s.smtp.host.clone(),
            port: s.smtp.port,
            username: s.smtp.username.clone(),
            password: s.smtp.password.0.clone(),
            from: s.smtp.from.clone(),
        }),
    }
}

async fn tenant(db: &Db, code: &str) -> anyhow::Result<TenantId> {
    let t = tenants::by_code(&db.conn, code)
        .await?
        .with_context(|| format!("学校不存在 / no school with code {code:?}"))?;
    Ok(TenantId(t.id))
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let mut s = Settings::load(args.config.as_deref())?;
    if let Some(b) = args.bind {
        s.bind = b;
    }
    if let Some(u) = args.database_url {
        s.database_url = u;
    }
    init_logging(&s);
    match args.command {
        Command::Serve => {
            let (db, crypto) = open(&s).await?;
            crate::serve::serve(AppState::new(db, crypto, web_settings(&s)), &s.bind).await
        }
        Command::Demo { no_serve } => {
            let (db, crypto) = open(&s).await?;
            let progress = seed::progress::IndicatifProgress::new();
            let logins = seed::ensure_demo_school(&db, &crypto, &progress).await?;
            print_logins(&logins, &s.bind);
            if no_serve {
                return Ok(());
            }
            // The demo's administrator logins skip the second factor so people can look around;
            // `redbranch serve` enforces it.
            let mut ws = web_settings(&s);
            ws.security.admin_totp_required = false;
            crate::serve::serve(AppState::new(db, crypto, ws), &s.bind).await
        }
        Command::Migrate => {
            open(&s).await?;
            println!("数据库已是最新 / database is up to date");
            Ok(())
        }
        Command::Backup { file } => {
            let (db, _) = open(&s).await?;
            if db.backend() != sea_orm::DbBackend::Sqlite {
                bail!(
                    "PostgreSQL 请使用 pg_dump，例如 / for PostgreSQL use pg_dump, e.g.: pg_dump --format=custom --file=redbranch.dump \"$REDBRANCH_DATABASE_URL\""
                );
            }
            if file.exists() {
                bail!("目标文件已存在 / {} already exists", file.display());
            }
            db.backup_sqlite(&file.to_string_lossy()).await?;
            println!("已备份到 / backed up to {}", file.display());
            Ok(())
        }
        Command::Generate {
            members,
            orgs,
            tenant,
        } => {
            let (db, crypto) = open(&s).await?;
            let progress = seed::progress::IndicatifProgress::new();
            let report = seed::generate(&db, &crypto, &tenant, members, orgs, &progress).await?;
            println!("{report}");
            Ok(())
        }
        Command::Jobs {
            what: JobsWhat::Due { tenant: code, date },
        } => {
            let (db, _) = open(&s).await?;
            let t = tenant(&db, &code).await?;
            let day = job_day(date)?;
            let started = std::time::Instant::now();
            let smtp = web_settings(&s).smtp;
            let run = redbranch_web::pipeline::due::run_due(&db, smtp.as_ref(), t, day, true)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .unwrap_or_default();
            println!(
                "{day}：{} 人在发展流程中，{} 项期限（逾期 {}），{} 条通知，站外发送 {} 条，用时 {:.2} 秒 / {} people, {} deadlines ({} overdue), {} notifications, {} sent outside the app, in {:.2}s",
                run.people,
                run.items,
                run.overdue,
                run.notifications,
                run.sent,
                started.elapsed().as_secs_f64(),
                run.people,
                run.items,
                run.overdue,
                run.notifications,
                run.sent,
                started.elapsed().as_secs_f64(),
            );
            Ok(())
        }
        Command::Jobs {
            what: JobsWhat::Reminders { tenant: code, date },
        } => {
            let (db, crypto) = open(&s).await?;
            let t = tenant(&db, &code).await?;
            let day = job_day(date)?;
            let st = AppState::new(db, crypto, web_settings(&s));
            let run = redbranch_web::notices::remind::run_reminders(&st, t, day, true)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .unwrap_or_default();
            println!(
                "{day}：提醒了 {} 条通知的 {} 人 / reminded {} people of {} notices",
                run.notices, run.reminded, run.reminded, run.notices
            );
            // E-mail is sent by background tasks after each commit. Wait a little before the
            // process ends them; the in-app reminders are stored whatever the mail server does.
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            Ok(())
        }
        Command::Audit {
            what: AuditWhat::Verify { tenant: code },
        } => {
            let (db, _) = open(&s).await?;
            let t = tenant(&db, &code).await?;
            let v = redbranch_db::audit::verify(&db.conn, t).await?;
            match v.first_bad_seq {
                None => {
                    println!("审计链完整 / audit chain intact: {} entries", v.entries);
                    Ok(())
                }
                Some(seq) => bail!(
                    "审计链在第 {seq} 条处断开 / audit chain broken at entry {seq}: {}",
                    v.reason.unwrap_or_default()
                ),
            }
        }
        Command::Admin {
            what:
                AdminWhat::Create {
                    login,
                    name,
                    role,
                    org,
                    tenant: code,
                    create_school,
                },
        } => {
            let (db, _) = open(&s).await?;
            admin_create(
                &db,
                &login,
                &name,
                &role,
                &org,
                &code,
                create_school.as_deref(),
            )
            .await
        }
        Command::Import {
            what:
                ImportWhat::Roster {
                    file,
                    tenant: code,
                    dry_run,
                },
        } => {
            let (db, crypto) = open(&s).await?;
            let t = tenant(&db, &code).await?;
            crate::commands_io::import_roster(&db, &crypto, t, &file, dry_run).await
        }
        Command::Export {
            what:
                ExportWhat::Members {
                    org,
                    file,
                    tenant: code,
                    reveal,
                },
        } => {
            let (db, crypto) = open(&s).await?;
            let t = tenant(&db, &code).await?;
            crate::commands_io::export_members(&db, &crypto, t, &org, &file, reveal).await
        }
    }
}

fn print_logins(logins: &[seed::DemoLogin], bind: &str) {
    println!();
    println!("演示学校已就绪 / demo school ready — http://{bind}");
    println!(
        "{:<22} {:<14} {:<12} 范围 scope",
        "角色 role", "账号 login", "密码 password"
    );
    for l in logins {
        println!(
            "{:<22} {:<14} {:<12} {}",
            l.role.code(),
            l.login,
            l.password,
            l.scope
        );
    }
    println!();
}

async fn admin_create(
    db: &Db,
    login: &str,
    name: &str,
    role: &str,
    org_code: &str,
    code: &str,
    create_school: Option<&str>,
) -> anyhow::Result<()> {
    let role =
        Role::from_code(role).with_context(|| format!("未知角色 / unknown role {role:?}"))?;
    let txn = db.conn.begin().await?;
    let t = match tenants::by_code(&txn, code).await? {
        Some(t) => TenantId(t.id),
        None => {
            let Some(school) = create_school else {
                bail!("学校不存在 / no school {code:?}; add --create-school NAME")
            };
            let t = TenantId(tenants::create(&txn, code, school).await?.id);
            for (kind, suffix, label) in [
                (OrgKind::PartyCommittee, "P", "党委"),
                (OrgKind::LeagueCommittee, "L", "团委"),
            ] {
                let new = redbranch_db::org::NewOrg {
                    kind,
                    code: suffix.into(),
                    name: format!("{school}{label}"),
                    parent: None,
                    founded_on: None,
                    sort_order: 0,
                };
                redbranch_db::org::create(&txn, t, new, None).await?;
            }
            t
        }
    };
    let org = redbranch_db::org::by_code(&txn, t, org_code)
        .await?
        .with_context(|| format!("组织代码不存在 / no org with code {org_code:?}"))?;
    let password = initial_password();
    let hash =
        redbranch_web::auth::password::hash(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = redbranch_db::auth::create_user(
        &txn,
        t,
        redbranch_db::auth::NewUser {
            login,
            display_name: name,
            password_hash: hash,
            person_id: None,
            must_change_password: true,
        },
    )
    .await?;
    redbranch_db::auth::grant(
        &txn,
        t,
        redbranch_db::auth::UserId(user.id),
        role,
        org.org_id(),
        None,
    )
    .await?;
    let entry = redbranch_db::audit::Entry {
        actor_user_id: None,
        actor_login: "cli".into(),
        ip: "local".into(),
        action: "grant".into(),
        entity: "user".into(),
        entity_id: Some(user.id.to_string()),
        org_path: Some(OrgPath::from_stored(org.path.clone())),
        before: None,
        after: Some(serde_json::json!({"login": login, "role": role.code(), "org": org.name})),
    };
    redbranch_db::audit::append(&txn, t, entry).await?;
    txn.commit().await?;
    println!(
        "已创建账号 / account created: {login}  初始密码 / initial password: {password}  （首次登录须修改 / must be changed at first sign-in）"
    );
    Ok(())
}

/// A random initial password that meets the 等保 complexity rule.
fn initial_password() -> String {
    use rand::Rng;
    const LOWER: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    let mut r = rand::thread_rng();
    let mut pick = |set: &[u8]| set[r.gen_range(0..set.len())] as char;
    let mut p = String::new();
    for _ in 0..4 {
        p.push(pick(LOWER));
        p.push(pick(UPPER));
        p.push(pick(DIGIT));
    }
    p.push('!');
    p
}

/// The day a job runs for: `--date` (YYYY-MM-DD), or today in Beijing time.
fn job_day(date: Option<String>) -> anyhow::Result<chrono::NaiveDate> {
    Ok(match date {
        Some(d) => redbranch_domain::dates::parse_date(&d)
            .with_context(|| format!("日期格式应为 YYYY-MM-DD / bad date: {d}"))?,
        None => redbranch_web::clock::Clock::default().today(),
    })
}
