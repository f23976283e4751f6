//! `redbranch import roster` and `redbranch export members`: the same code paths as the web
//! wizard and the export button, with a terminal progress bar.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::Utc;
use redbranch_db::crypto::Crypto;
use redbranch_db::import::roster::{self, CommitError};
use redbranch_db::tenants::TenantId;
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::authz::Scope;
use redbranch_domain::org::OrgPath;
use redbranch_i18n::{Locale, tr};

use crate::seed::Progress;

fn print_issues(issues: &[redbranch_domain::roster::RowIssue]) {
    for i in issues {
        let msg = redbranch_web::render::field_message(Locale::ZhCn, &i.error);
        println!(
            "  {} 第 {} 行 [{}] {}：{}",
            i.sheet,
            i.row,
            i.column.as_deref().unwrap_or("-"),
            tr(Locale::ZhCn, i.error.field),
            msg
        );
    }
}

/// All root orgs of the school: the command line acts with school-wide authority.
async fn whole_school(db: &Db, t: TenantId) -> anyhow::Result<Scope> {
    let roots = redbranch_db::org::roots(&db.conn, t).await?;
    Ok(Scope {
        roots: roots
            .into_iter()
            .map(|o| OrgPath::from_stored(o.path))
            .collect(),
    })
}

pub async fn import_roster(
    db: &Db,
    crypto: &Crypto,
    t: TenantId,
    file: &Path,
    dry_run: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("无法读取 / cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let parsed = redbranch_web::import::parse_file(&bytes, &name)
        .map_err(|code| anyhow::anyhow!("{}", tr(Locale::ZhCn, code)))?;
    println!(
        "读取 {} 行，有效 {} 行，问题 {} 处（{:.2} 秒）",
        parsed.person_rows(),
        parsed.records.len(),
        parsed.issues.len(),
        started.elapsed().as_secs_f64()
    );
    if !parsed.issues.is_empty() {
        print_issues(&parsed.issues);
        bail!("文件有问题，未写入任何数据 / the file has problems; nothing was written");
    }
    if dry_run {
        println!("检查通过（--dry-run，未写入）/ checks passed (dry run, nothing written)");
        return Ok(());
    }
    let scope = whole_school(db, t).await?;
    let actor = redbranch_db::audit::Entry {
        actor_user_id: None,
        actor_login: "cli".into(),
        ip: "local".into(),
        action: "import".into(),
        entity: "person".into(),
        entity_id: None,
        org_path: None,
        before: None,
        after: None,
    };
    let names: Vec<String> = parsed.sheets.iter().map(|s| s.name.clone()).collect();
    let bar = crate::seed::progress::IndicatifProgress::new();
    bar.start("导入 / importing", parsed.records.len() as u64);
    let mut last = 0usize;
    let mut on_progress = |done: usize| {
        bar.inc(done.saturating_sub(last) as u64);
        last = done;
    };
    let commit_started = std::time::Instant::now();
    let txn = db.conn.begin().await?;
    let result = roster::commit(
        &txn,
        roster::Roster {
            crypto,
            tenant: t,
            scope: &scope,
            actor: &actor,
            sheet_names: &names,
            records: &parsed.records,
            on: Utc::now().date_naive(),
        },
        &mut on_progress,
    )
    .await;
    bar.finish();
    match result {
        Ok(sum) => {
            let mut e = actor.clone();
            e.entity = "roster".into();
            e.after = Some(serde_json::json!({"file": name, "summary": &sum}));
            redbranch_db::audit::append(&txn, t, e).await?;
            txn.commit().await?;
            let secs = commit_started.elapsed().as_secs_f64();
            db.refresh_statistics().await?;
            println!(
                "新增 {} 人，更新 {} 人，未变化 {} 人，调整组织关系 {} 人（{:.2} 秒，{:.0} 行/秒）",
                sum.inserted,
                sum.updated,
                sum.unchanged,
                sum.moved,
                secs,
                parsed.records.len() as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Err(CommitError::Rows(rows)) => {
            print_issues(&rows);
            bail!(
                "有 {} 行不能导入，未写入任何数据 / {} rows refused; nothing was written",
                rows.len(),
                rows.len()
            )
        }
        Err(CommitError::Db(e)) => Err(e.into()),
    }
}

pub async fn export_members(
    db: &Db,
    crypto: &Crypto,
    t: TenantId,
    org_codes: &[String],
    file: &Path,
    reveal: bool,
) -> anyhow::Result<()> {
    let mut orgs = Vec::new();
    for code in org_codes {
        orgs.push(
            redbranch_db::org::by_code(&db.conn, t, code)
                .await?
                .with_context(|| format!("组织代码不存在 / no org with code {code:?}"))?,
        );
    }
    let scope = Scope {
        roots: orgs
            .iter()
            .map(|o| OrgPath::from_stored(o.path.clone()))
            .collect(),
    };
    let filter = redbranch_db::people::MemberFilter::default();
    let numbers = if reveal {
        redbranch_web::members::Numbers::Revealed(crypto)
    } else {
        redbranch_web::members::Numbers::Masked
    };
    let started = std::time::Instant::now();
    let (bytes, n) =
        redbranch_web::members::build_members_export(db, t, &scope, &filter, Locale::ZhCn, numbers)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(file, &bytes)
        .with_context(|| format!("无法写入 / cannot write {}", file.display()))?;
    let entry = redbranch_db::audit::Entry {
        actor_user_id: None,
        actor_login: "cli".into(),
        ip: "local".into(),
        action: if reveal { "export_revealed" } else { "export" }.into(),
        entity: "members".into(),
        entity_id: Some(org_codes.join(",")),
        // One subtree: its overseers see the entry; several: the school tier does.
        org_path: (orgs.len() == 1).then(|| OrgPath::from_stored(orgs[0].path.clone())),
        before: None,
        after: Some(
            serde_json::json!({"file": file.display().to_string(), "rows": n, "numbers_in_clear": reveal}),
        ),
    };
    redbranch_db::audit::append(&db.conn, t, entry).await?;
    println!(
        "已导出 {n} 人到 / exported {n} people to {}（{:.2} 秒）",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
