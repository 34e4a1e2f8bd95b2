//! Plans with revisions: importing a plan (checked, diffed against the previous revision, stored
//! both as the revision's interchange JSON and in normalised tables), and reading it back.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Tx, args};
use crate::error::{Result, StoreError};
use crate::plan_diff::{PlanDiff, diff_plans};
use crate::units::{UnitRef, ensure_unit, group_members, unit_ref};
use chrono::{DateTime, Utc};
use planwatch_model::{MilestoneKind, Plan, Severity, Target, TargetWording, UnitKind, YearBasis};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Where a plan revision came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanSource {
    /// The plan text embedded in the binary (the Yangquan default).
    Embedded { name: String },
    /// A plan text file run through the extractor.
    Text { file_name: String },
    /// An interchange JSON file (for example a hand-corrected extraction).
    Json { file_name: String },
}

impl PlanSource {
    fn kind(&self) -> &'static str {
        match self {
            PlanSource::Embedded { .. } => "embedded",
            PlanSource::Text { .. } => "text",
            PlanSource::Json { .. } => "json",
        }
    }

    fn name(&self) -> &str {
        match self {
            PlanSource::Embedded { name } => name,
            PlanSource::Text { file_name } | PlanSource::Json { file_name } => file_name,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct PlanImport {
    pub plan_id: i64,
    pub revision_id: i64,
    /// 1 for the first import, then 2, 3, …
    pub revision: i64,
    /// The changes against the previous revision (`None` for the first revision).
    pub diff: Option<PlanDiff>,
    /// Units that did not exist before this import.
    pub units_created: Vec<String>,
}

/// One revision of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionInfo {
    pub id: i64,
    pub plan_id: i64,
    pub number: i64,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
    pub source_kind: String,
    pub source_name: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub task_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionView {
    pub number: String,
    pub title: String,
}

/// A task as a revision states it, with its units resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskView {
    /// Stable across revisions: later records (reports, breakdowns) refer to this id.
    pub id: i64,
    pub number: i64,
    pub label: String,
    pub title: String,
    pub section: String,
    pub lead_units: Vec<UnitRef>,
    pub participating_units: Vec<UnitRef>,
    /// The task force (专班) that steers the task, if the organisation assigns one.
    pub task_force: Option<String>,
    pub target_count: i64,
    pub milestone_count: i64,
}

/// A revision with its sections and tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanView {
    pub revision: RevisionInfo,
    pub sections: Vec<SectionView>,
    pub tasks: Vec<TaskView>,
    /// Each group name the tasks use (各县（区）人民政府) with the units it stands for.
    pub groups: Vec<(String, Vec<String>)>,
}

/// Reads interchange JSON, reporting where it is wrong (line, column, field).
pub fn parse_plan_json(text: &str, source_name: &str) -> Result<Plan> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| StoreError::PlanJson {
        source_name: source_name.to_string(),
        line: e.line(),
        column: e.column(),
        detail: json_error_zh(&e),
    })
}

fn json_error_zh(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde's message ends with " at line L column C", which the caller already says in Chinese.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        format!("缺少字段 {field}（{msg}）")
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        format!("字段取值类型不对（{msg}）")
    } else if msg.starts_with("unknown variant") {
        format!("取值不在允许范围内（{msg}）")
    } else {
        msg
    }
}

/// The problems that block importing a plan: the extractor's blocking diagnostics plus the
/// structural rules a hand-edited JSON might break. Empty means the plan may be imported.
pub fn check_plan(plan: &Plan) -> Vec<String> {
    let mut problems: Vec<String> = plan
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let code = if d.code.is_empty() {
                String::new()
            } else {
                format!(" [{}]", d.code)
            };
            format!("第 {} 行第 {} 列：{}{code}", d.line, d.column, d.message)
        })
        .collect();
    if plan.title.trim().is_empty() {
        problems.push("计划没有标题（字段 title）".to_string());
    }
    if plan.period.start > plan.period.end || plan.period.start < 1900 {
        problems.push(format!(
            "计划期限不合理：{}—{}（字段 period）",
            plan.period.start, plan.period.end
        ));
    }
    if plan.tasks.is_empty() {
        problems.push("计划中没有任何任务（字段 tasks）".to_string());
    }
    let mut keys = BTreeSet::new();
    for (i, ind) in plan.indicators.iter().enumerate() {
        if ind.id.trim().is_empty() || !keys.insert(ind.id.as_str()) {
            problems.push(format!(
                "indicators[{i}]：指标编号“{}”为空或重复（字段 id）",
                ind.id
            ));
        }
    }
    let dangling = |place: String, t: &Target| {
        t.indicator_id
            .as_deref()
            .filter(|k| !keys.contains(k))
            .map(|k| format!("{place}：指标编号“{k}”不在 indicators 中（字段 indicator_id）"))
    };
    for (i, g) in plan.goals.iter().enumerate() {
        problems.extend(dangling(format!("goals[{i}]"), g));
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        for (j, x) in t.targets.iter().enumerate() {
            problems.extend(dangling(format!("tasks[{i}].targets[{j}]"), x));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let at = format!("tasks[{i}]（任务 {}）", t.number);
        if t.number == 0 {
            problems.push(format!("{at}：任务序号必须从 1 开始（字段 number）"));
        }
        if !seen.insert(t.number) {
            problems.push(format!("{at}：任务序号 {} 重复（字段 number）", t.number));
        }
        if t.title.trim().is_empty() {
            problems.push(format!("{at}：任务没有标题（字段 title）"));
        }
        if t.lead_units.iter().all(|u| u.trim().is_empty()) {
            problems.push(format!("{at}：任务没有牵头单位（字段 lead_units）"));
        }
        for (field, units) in [
            ("lead_units", &t.lead_units),
            ("participating_units", &t.participating_units),
        ] {
            if units.iter().any(|u| u.trim().is_empty()) {
                problems.push(format!("{at}：单位名称为空（字段 {field}）"));
            }
        }
    }
    problems
}

fn year_basis_str(y: YearBasis) -> &'static str {
    match y {
        YearBasis::Explicit => "explicit",
        YearBasis::Context => "context",
        YearBasis::Default => "default",
        YearBasis::Recurring => "recurring",
    }
}

fn milestone_kind_str(k: MilestoneKind) -> &'static str {
    match k {
        MilestoneKind::Deliverable => "deliverable",
        MilestoneKind::Qualitative => "qualitative",
    }
}

async fn insert_target(
    tx: &mut Tx,
    revision_id: i64,
    task_id: Option<i64>,
    position: usize,
    t: &Target,
) -> Result<()> {
    tx.execute(
        "INSERT INTO targets (revision_id, task_id, position, indicator, indicator_key, text, \
         value, value_max, value_text, unit, year, comparator, year_basis, recurrence, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        args![
            revision_id,
            task_id,
            position as i64,
            &t.indicator,
            t.indicator_id.clone(),
            &t.text,
            t.value,
            t.value_max,
            t.value_text.clone(),
            t.unit.clone(),
            t.year.map(i64::from),
            t.comparator.map(TargetWording::as_str),
            t.year_basis.map(year_basis_str),
            t.recurrence.clone(),
            t.note.clone()
        ],
    )
    .await?;
    Ok(())
}

/// The unit names a plan mentions: every task's units and the plan's own unit list.
fn plan_unit_names(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    let all = plan
        .tasks
        .iter()
        .flat_map(|t| t.lead_units.iter().chain(&t.participating_units))
        .chain(&plan.units);
    for n in all {
        let n = n.trim();
        if !n.is_empty() && seen.insert(n.to_string()) {
            names.push(n.to_string());
        }
    }
    names
}

async fn latest_revision(tx: &mut Tx, plan: i64) -> Result<Option<(i64, i64, i64, String)>> {
    let row = tx
        .fetch_optional(
            "SELECT r.id, r.plan_id, r.number, r.plan_json FROM plan_revisions r \
             WHERE r.plan_id = $1 ORDER BY r.number DESC LIMIT 1",
            args![plan],
        )
        .await?;
    row.map(|r| {
        Ok((
            r.i64("id")?,
            r.i64("plan_id")?,
            r.i64("number")?,
            r.text("plan_json")?,
        ))
    })
    .transpose()
}

fn revision_summary(number: i64, plan: &Plan, source: &str) -> serde_json::Value {
    serde_json::json!({
        "revision": number,
        "title": plan.title,
        "period": [plan.period.start, plan.period.end],
        "tasks": plan.tasks.len(),
        "targets": plan.all_targets().count(),
        "milestones": plan.tasks.iter().map(|t| t.milestones.len()).sum::<usize>(),
        "source": source,
    })
}

impl Store {
    /// Imports a plan as the next revision (the first import creates the plan). A plan with
    /// blocking problems ([`check_plan`]) is refused and nothing is changed.
    pub async fn import_plan(
        &self,
        actor: &Actor,
        plan: &Plan,
        source: &PlanSource,
        now: DateTime<Utc>,
    ) -> Result<PlanImport> {
        self.import_into(actor, None, plan, source, now).await
    }

    /// Adds another plan beside those already held, under `code` (its first revision). The
    /// code must be new; units are shared with the other plans.
    pub async fn add_plan(
        &self,
        actor: &Actor,
        code: &str,
        plan: &Plan,
        source: &PlanSource,
        now: DateTime<Utc>,
    ) -> Result<PlanImport> {
        let code = crate::scope::check_plan_code(code)?;
        self.import_into(actor, Some(&code), plan, source, now)
            .await
    }

    /// Imports `plan` as a new plan under `new_code`, or (`None`) as the next revision of the
    /// plan this store works on (the first plan when there is none yet).
    async fn import_into(
        &self,
        actor: &Actor,
        new_code: Option<&str>,
        plan: &Plan,
        source: &PlanSource,
        now: DateTime<Utc>,
    ) -> Result<PlanImport> {
        let problems = check_plan(plan);
        if !problems.is_empty() {
            return Err(StoreError::BlockingDiagnostics(problems));
        }
        let plan_json = serde_json::to_string(plan)
            .map_err(|e| StoreError::InvalidInput(format!("计划无法序列化为 JSON：{e}")))?;
        let mut tx = self.pools.write().await?;
        let target = match new_code {
            Some(code) => {
                let taken = tx
                    .fetch_optional("SELECT id FROM plans WHERE code = $1", args![code])
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::PlanCodeTaken(code.to_string()));
                }
                None
            }
            None => match self.plan_id(&mut tx).await {
                Ok(id) => {
                    crate::scope::writable(&mut tx, id).await?;
                    Some(id)
                }
                Err(StoreError::NoPlan) => None,
                Err(e) => return Err(e),
            },
        };
        let previous = match target {
            Some(id) => latest_revision(&mut tx, id).await?,
            None => None,
        };
        let (plan_id, number, old_plan) = match &previous {
            Some((_, plan_id, number, json)) => {
                let old: Plan = serde_json::from_str(json).map_err(|e| {
                    StoreError::InvalidInput(format!("上一版计划的 JSON 无法读取：{e}"))
                })?;
                (*plan_id, number + 1, Some(old))
            }
            None => {
                let id = tx
                    .insert_returning_id(
                        "INSERT INTO plans (created_at, created_by, code, state) \
                         VALUES ($1, $2, $3, 'active') RETURNING id",
                        args![now, &actor.name, new_code.map(str::to_string)],
                    )
                    .await?;
                if new_code.is_none() {
                    tx.execute(
                        "UPDATE plans SET code = $1 WHERE id = $2",
                        args![format!("plan{id}"), id],
                    )
                    .await?;
                }
                (id, 1, None)
            }
        };
        let revision_id = tx
            .insert_returning_id(
                "INSERT INTO plan_revisions (plan_id, number, title, period_start, period_end, \
                 source_kind, source_name, plan_json, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                args![
                    plan_id,
                    number,
                    plan.title.trim(),
                    i64::from(plan.period.start),
                    i64::from(plan.period.end),
                    source.kind(),
                    source.name(),
                    plan_json,
                    now,
                    &actor.name
                ],
            )
            .await?;
        for (i, s) in plan.sections.iter().enumerate() {
            tx.execute(
                "INSERT INTO plan_sections (revision_id, position, number, title) \
                 VALUES ($1, $2, $3, $4)",
                args![revision_id, i as i64, &s.number, &s.title],
            )
            .await?;
        }
        let mut unit_ids = BTreeMap::new();
        let mut units_created = Vec::new();
        let kinds: BTreeMap<&str, UnitKind> = plan
            .unit_details
            .iter()
            .map(|u| (u.name.trim(), u.kind))
            .collect();
        for name in plan_unit_names(plan) {
            let kind = kinds.get(name.as_str()).copied();
            let (unit, created) = ensure_unit(&mut tx, actor, &name, kind, now).await?;
            if created {
                units_created.push(name.clone());
            }
            unit_ids.insert(name, unit.id);
        }
        for ind in &plan.indicators {
            tx.execute(
                "INSERT INTO plan_indicators (revision_id, key, name, unit, direction) \
                 VALUES ($1, $2, $3, $4, $5)",
                args![
                    revision_id,
                    &ind.id,
                    &ind.name,
                    ind.unit.clone(),
                    ind.direction.as_str()
                ],
            )
            .await?;
        }
        for (i, g) in plan.goals.iter().enumerate() {
            insert_target(&mut tx, revision_id, None, i, g).await?;
        }
        for task in &plan.tasks {
            let number = i64::from(task.number);
            tx.execute(
                "INSERT INTO tasks (plan_id, number) VALUES ($1, $2) \
                 ON CONFLICT (plan_id, number) DO NOTHING",
                args![plan_id, number],
            )
            .await?;
            let task_id = tx
                .fetch_one(
                    "SELECT id FROM tasks WHERE plan_id = $1 AND number = $2",
                    args![plan_id, number],
                )
                .await?
                .i64("id")?;
            tx.execute(
                "INSERT INTO task_versions (revision_id, task_id, label, title, section, body) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![
                    revision_id,
                    task_id,
                    &task.label,
                    task.title.trim(),
                    &task.section,
                    &task.body
                ],
            )
            .await?;
            for (role, names) in [
                ("lead", &task.lead_units),
                ("participating", &task.participating_units),
            ] {
                let mut done = BTreeSet::new();
                for (pos, name) in names.iter().enumerate() {
                    let Some(&unit_id) = unit_ids.get(name.trim()) else {
                        continue;
                    };
                    // A unit written twice in one list is one responsibility.
                    if !done.insert(unit_id) {
                        continue;
                    }
                    tx.execute(
                        "INSERT INTO task_units (revision_id, task_id, role, unit_id, position) \
                         VALUES ($1, $2, $3, $4, $5)",
                        args![revision_id, task_id, role, unit_id, pos as i64],
                    )
                    .await?;
                }
            }
            for (i, t) in task.targets.iter().enumerate() {
                insert_target(&mut tx, revision_id, Some(task_id), i, t).await?;
            }
            for (i, m) in task.milestones.iter().enumerate() {
                tx.execute(
                    "INSERT INTO milestones (revision_id, task_id, position, text, what, \
                     year_start, year, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    args![
                        revision_id,
                        task_id,
                        i as i64,
                        &m.text,
                        &m.what,
                        m.year_start.map(i64::from),
                        m.year.map(i64::from),
                        m.kind.map(milestone_kind_str)
                    ],
                )
                .await?;
            }
        }
        let diff = old_plan.as_ref().map(|old| diff_plans(old, plan));
        let mut after = revision_summary(number, plan, source.name());
        if let Some(d) = &diff {
            after["changes"] = serde_json::json!(d.lines_zh());
        }
        let before = match (&previous, &old_plan) {
            (Some((_, _, n, _)), Some(old)) => Some(revision_summary(*n, old, "")),
            _ => None,
        };
        audit::record(
            &mut tx,
            actor,
            Change {
                action: if previous.is_some() {
                    "plan.revise"
                } else {
                    "plan.create"
                },
                entity: "plan_revision",
                entity_id: revision_id.to_string(),
                before,
                after: Some(after),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PlanImport {
            plan_id,
            revision_id,
            revision: number,
            diff,
            units_created,
        })
    }

    /// Every revision, oldest first.
    pub async fn revisions(&self) -> Result<Vec<RevisionInfo>> {
        let mut tx = self.pools.read().await?;
        let plan = match self.plan_id(&mut tx).await {
            Ok(id) => id,
            Err(StoreError::NoPlan) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        revision_rows(&mut tx, plan, None).await
    }

    /// The current (newest) revision, if a plan has been imported.
    pub async fn current_revision(&self) -> Result<Option<RevisionInfo>> {
        Ok(self.revisions().await?.pop())
    }

    /// The plan of a revision (default: the current one) as interchange JSON would give it.
    pub async fn plan(&self, revision: Option<i64>) -> Result<Plan> {
        let mut tx = self.pools.read().await?;
        let plan_id = self.plan_id(&mut tx).await?;
        let info = pick_revision(&mut tx, plan_id, revision).await?;
        let json = tx
            .fetch_one(
                "SELECT plan_json FROM plan_revisions WHERE id = $1",
                args![info.id],
            )
            .await?
            .text("plan_json")?;
        serde_json::from_str(&json).map_err(|e| {
            StoreError::InvalidInput(format!("第 {} 版计划的 JSON 无法读取：{e}", info.number))
        })
    }

    /// A revision (default: the current one) with its sections, tasks and units.
    pub async fn plan_view(&self, revision: Option<i64>) -> Result<PlanView> {
        let mut tx = self.pools.read().await?;
        let plan_id = self.plan_id(&mut tx).await?;
        let info = pick_revision(&mut tx, plan_id, revision).await?;
        let sections = tx
            .fetch_all(
                "SELECT number, title FROM plan_sections WHERE revision_id = $1 ORDER BY position",
                args![info.id],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(SectionView {
                    number: r.text("number")?,
                    title: r.text("title")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let task_rows = tx
            .fetch_all(
                "SELECT t.id, t.number, v.label, v.title, v.section, b.name AS task_force, \
                 (SELECT COUNT(*) FROM targets x WHERE x.revision_id = v.revision_id \
                    AND x.task_id = t.id) AS target_count, \
                 (SELECT COUNT(*) FROM milestones m WHERE m.revision_id = v.revision_id \
                    AND m.task_id = t.id) AS milestone_count \
                 FROM task_versions v JOIN tasks t ON t.id = v.task_id \
                 LEFT JOIN task_force_tasks f ON f.task_id = t.id \
                 LEFT JOIN org_bodies b ON b.id = f.body_id \
                 WHERE v.revision_id = $1 ORDER BY t.number",
                args![info.id],
            )
            .await?;
        let unit_rows = tx
            .fetch_all(
                "SELECT tu.task_id, tu.role, u.id, u.name, u.kind FROM task_units tu \
                 JOIN units u ON u.id = tu.unit_id WHERE tu.revision_id = $1 \
                 ORDER BY tu.task_id, tu.role, tu.position",
                args![info.id],
            )
            .await?;
        let mut lead: BTreeMap<i64, Vec<UnitRef>> = BTreeMap::new();
        let mut part: BTreeMap<i64, Vec<UnitRef>> = BTreeMap::new();
        let mut group_ids = BTreeMap::new();
        for r in &unit_rows {
            let unit = unit_ref(r)?;
            if unit.kind == planwatch_model::UnitKind::Group {
                group_ids.insert(unit.name.clone(), unit.id);
            }
            let map = if r.text("role")? == "lead" {
                &mut lead
            } else {
                &mut part
            };
            map.entry(r.i64("task_id")?).or_default().push(unit);
        }
        let mut tasks = Vec::new();
        for r in &task_rows {
            let id = r.i64("id")?;
            tasks.push(TaskView {
                id,
                number: r.i64("number")?,
                label: r.text("label")?,
                title: r.text("title")?,
                section: r.text("section")?,
                lead_units: lead.remove(&id).unwrap_or_default(),
                participating_units: part.remove(&id).unwrap_or_default(),
                task_force: r.opt_text("task_force")?,
                target_count: r.i64("target_count")?,
                milestone_count: r.i64("milestone_count")?,
            });
        }
        let mut groups = Vec::new();
        for (name, id) in group_ids {
            let members = group_members(&mut tx, id).await?;
            groups.push((
                name.into_string(),
                members.into_iter().map(|u| u.name.into_string()).collect(),
            ));
        }
        Ok(PlanView {
            revision: info,
            sections,
            tasks,
            groups,
        })
    }
}

async fn revision_rows(tx: &mut Tx, plan: i64, id: Option<i64>) -> Result<Vec<RevisionInfo>> {
    tx.fetch_all(
        "SELECT r.id, r.plan_id, r.number, r.title, r.period_start, r.period_end, r.source_kind, \
         r.source_name, r.created_at, r.created_by, \
         (SELECT COUNT(*) FROM task_versions v WHERE v.revision_id = r.id) AS task_count \
         FROM plan_revisions r WHERE r.plan_id = $1 AND ($2 IS NULL OR r.number = $2) \
         ORDER BY r.number",
        args![plan, id],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(RevisionInfo {
            id: r.i64("id")?,
            plan_id: r.i64("plan_id")?,
            number: r.i64("number")?,
            title: r.text("title")?,
            period_start: r.i64("period_start")?,
            period_end: r.i64("period_end")?,
            source_kind: r.text("source_kind")?,
            source_name: r.text("source_name")?,
            created_at: r.time("created_at")?,
            created_by: r.text("created_by")?,
            task_count: r.i64("task_count")?,
        })
    })
    .collect()
}

async fn pick_revision(tx: &mut Tx, plan: i64, number: Option<i64>) -> Result<RevisionInfo> {
    let mut rows = revision_rows(tx, plan, number).await?;
    match (rows.pop(), number) {
        (Some(r), _) => Ok(r),
        (None, Some(n)) => Err(StoreError::NoSuchRevision(n)),
        (None, None) => Err(StoreError::NoPlan),
    }
}
