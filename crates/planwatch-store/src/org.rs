//! The organisation: the leading group (领导小组) and its office, the five task forces (专班) with
//! their member units and the tasks each one steers, unit kinds, and group names such as
//! 各县（区）人民政府 with the units they stand for. Read from an editable TOML file
//! (`config/yangquan-org.toml` is the Yangquan default) and imported as a whole.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Tx, args};
use crate::error::{Result, StoreError};
use crate::units::{create_unit, find_unit, kind_to_str};
use chrono::{DateTime, Utc};
use planwatch_model::UnitKind;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The organisation file, as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    /// The plan this organisation is written for; importing it over another plan is refused.
    #[serde(default)]
    pub plan_title: Option<String>,
    pub leading_group: LeadingGroupDecl,
    pub office: OfficeDecl,
    #[serde(default, rename = "unit")]
    pub units: Vec<UnitDecl>,
    #[serde(default, rename = "group")]
    pub groups: Vec<GroupDecl>,
    #[serde(default, rename = "task_force")]
    pub task_forces: Vec<TaskForceDecl>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LeadingGroupDecl {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Every unit (other than group names) is a member, as the plan says for Yangquan.
    #[serde(default)]
    pub all_units_are_members: bool,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeDecl {
    pub name: String,
    /// The unit that hosts the office (领导小组办公室设在市科技局).
    pub seat: String,
    #[serde(default)]
    pub description: String,
}

/// A unit to create, or whose kind to set.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitDecl {
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub short_name: Option<String>,
}

/// A group name and the units it stands for.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDecl {
    pub name: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaskForceDecl {
    pub name: String,
    /// The unit that leads the task force.
    pub lead: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// Numbers of the plan's tasks this task force steers.
    #[serde(default)]
    pub tasks: Vec<u32>,
}

impl OrgConfig {
    /// Parses the TOML text and checks what can be checked without a database. Errors name the
    /// file, the line and the column.
    pub fn parse(text: &str, source_name: &str) -> Result<OrgConfig> {
        let config: OrgConfig = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    format!("第 {line} 行第 {column} 列：")
                })
                .unwrap_or_default();
            StoreError::OrgConfig {
                source_name: source_name.to_string(),
                problems: vec![format!("{at}{}", e.message().trim())],
            }
        })?;
        let problems = config.static_problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(StoreError::OrgConfig {
                source_name: source_name.to_string(),
                problems,
            })
        }
    }

    fn static_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let mut body_names = BTreeSet::new();
        for name in [&self.leading_group.name, &self.office.name]
            .into_iter()
            .chain(self.task_forces.iter().map(|t| &t.name))
        {
            if name.trim().is_empty() {
                p.push("领导小组、办公室和专班都必须有名称（字段 name）".to_string());
            } else if !body_names.insert(name.trim()) {
                p.push(format!("名称“{name}”重复"));
            }
        }
        let mut steered: BTreeMap<u32, &str> = BTreeMap::new();
        for tf in &self.task_forces {
            for &n in &tf.tasks {
                if let Some(other) = steered.insert(n, &tf.name) {
                    p.push(format!(
                        "任务 {n} 同时分配给了“{other}”和“{}”：每项任务只由一个专班统筹",
                        tf.name
                    ));
                }
            }
        }
        let mut unit_names = BTreeSet::new();
        for u in &self.units {
            if !unit_names.insert(u.name.trim()) {
                p.push(format!("[[unit]] 中单位“{}”重复", u.name));
            }
        }
        for g in &self.groups {
            if g.members.iter().any(|m| m.trim() == g.name.trim()) {
                p.push(format!("单位组“{}”不能包含它自己", g.name));
            }
            if g.members.is_empty() {
                p.push(format!("单位组“{}”没有成员（字段 members）", g.name));
            }
        }
        p
    }
}

/// What an organisation import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgImport {
    pub units_created: Vec<String>,
    pub units_changed: Vec<String>,
    pub task_forces: usize,
    /// Tasks of the current plan that no task force steers.
    pub unassigned_tasks: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyView {
    pub name: String,
    /// The office's host unit or the task force's lead unit.
    pub seat: Option<String>,
    pub description: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskForceView {
    pub body: BodyView,
    /// (task number, title in the current revision).
    pub tasks: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgView {
    pub leading_group: Option<BodyView>,
    pub office: Option<BodyView>,
    pub task_forces: Vec<TaskForceView>,
    pub groups: Vec<(String, Vec<String>)>,
    /// Group names with no member yet (the reporting scope treats such a name as a unit).
    pub empty_groups: Vec<String>,
    /// Units by kind label (市直部门, 县（区）, …) → names.
    pub units_by_kind: Vec<(String, Vec<String>)>,
    pub unassigned_tasks: Vec<(i64, String)>,
}

/// The current revision's tasks: number → (task id, title).
async fn current_tasks(tx: &mut Tx, plan: i64) -> Result<BTreeMap<i64, (i64, String)>> {
    let rows = tx
        .fetch_all(
            "SELECT t.id, t.number, v.title FROM task_versions v JOIN tasks t ON t.id = v.task_id \
             WHERE v.revision_id = (SELECT id FROM plan_revisions WHERE plan_id = $1 \
             ORDER BY number DESC LIMIT 1) ORDER BY t.number",
            args![plan],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.i64("number")?, (r.i64("id")?, r.text("title")?))))
        .collect()
}

async fn load_view(tx: &mut Tx, plan: Option<i64>) -> Result<OrgView> {
    let bodies = tx
        .fetch_all(
            "SELECT b.id, b.kind, b.name, b.description, u.name AS seat FROM org_bodies b \
             LEFT JOIN units u ON u.id = b.seat_unit_id ORDER BY b.position, b.id",
            args![],
        )
        .await?;
    let members = tx
        .fetch_all(
            "SELECT m.body_id, u.name FROM org_body_units m JOIN units u ON u.id = m.unit_id \
             ORDER BY m.body_id, m.position",
            args![],
        )
        .await?;
    let mut by_body: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in &members {
        by_body
            .entry(r.i64("body_id")?)
            .or_default()
            .push(r.text("name")?);
    }
    let tasks = match plan {
        Some(plan) => current_tasks(tx, plan).await?,
        None => BTreeMap::new(),
    };
    let steer = tx
        .fetch_all(
            "SELECT f.body_id, t.number FROM task_force_tasks f JOIN tasks t ON t.id = f.task_id \
             WHERE t.plan_id = $1 ORDER BY t.number",
            args![plan.unwrap_or(0)],
        )
        .await?;
    let mut steered: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    let mut assigned = BTreeSet::new();
    for r in &steer {
        let n = r.i64("number")?;
        assigned.insert(n);
        let title = tasks.get(&n).map(|t| t.1.clone()).unwrap_or_default();
        steered
            .entry(r.i64("body_id")?)
            .or_default()
            .push((n, title));
    }
    let mut view = OrgView::default();
    for r in &bodies {
        let id = r.i64("id")?;
        let body = BodyView {
            name: r.text("name")?,
            seat: r.opt_text("seat")?,
            description: r.text("description")?,
            members: by_body.remove(&id).unwrap_or_default(),
        };
        match r.text("kind")?.as_str() {
            "leading_group" => view.leading_group = Some(body),
            "office" => view.office = Some(body),
            _ => view.task_forces.push(TaskForceView {
                body,
                tasks: steered.remove(&id).unwrap_or_default(),
            }),
        }
    }
    let groups = tx
        .fetch_all(
            "SELECT g.name AS group_name, u.name FROM unit_group_members m \
             JOIN units g ON g.id = m.group_id JOIN units u ON u.id = m.member_id \
             ORDER BY g.name, m.position",
            args![],
        )
        .await?;
    let mut gmap: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &groups {
        gmap.entry(r.text("group_name")?)
            .or_default()
            .push(r.text("name")?);
    }
    view.empty_groups = tx
        .fetch_all(
            "SELECT name FROM units WHERE kind = 'group' ORDER BY name",
            args![],
        )
        .await?
        .iter()
        .map(|r| r.text("name"))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|g| !gmap.contains_key(g))
        .collect();
    view.groups = gmap.into_iter().collect();
    let units = tx
        .fetch_all("SELECT name, kind FROM units ORDER BY name", args![])
        .await?;
    let mut kinds: BTreeMap<&'static str, (String, Vec<String>)> = BTreeMap::new();
    for r in &units {
        let kind = crate::units::kind_from_str(&r.text("kind")?);
        kinds
            .entry(kind_to_str(kind))
            .or_insert_with(|| (kind.label_zh().to_string(), Vec::new()))
            .1
            .push(r.text("name")?);
    }
    view.units_by_kind = kinds.into_values().collect();
    view.unassigned_tasks = tasks
        .into_iter()
        .filter(|(n, _)| !assigned.contains(n))
        .map(|(n, (_, title))| (n, title))
        .collect();
    Ok(view)
}

/// Checks every name and task number in the configuration against the database.
async fn db_problems(tx: &mut Tx, plan: Option<i64>, c: &OrgConfig) -> Result<Vec<String>> {
    let mut p = Vec::new();
    let declared: BTreeSet<&str> = c
        .units
        .iter()
        .map(|u| u.name.trim())
        .chain(c.groups.iter().map(|g| g.name.trim()))
        .collect();
    let mut refs: Vec<(String, &str)> = Vec::new();
    refs.push((
        format!("办公室“{}”的所在单位（seat）", c.office.name),
        &c.office.seat,
    ));
    for m in &c.leading_group.members {
        refs.push(("领导小组的成员单位".to_string(), m));
    }
    for g in &c.groups {
        for m in &g.members {
            refs.push((format!("单位组“{}”的成员", g.name), m));
        }
    }
    for tf in &c.task_forces {
        refs.push((format!("专班“{}”的牵头单位（lead）", tf.name), &tf.lead));
        for m in &tf.members {
            refs.push((format!("专班“{}”的成员单位", tf.name), m));
        }
    }
    for (place, name) in refs {
        if !declared.contains(name.trim()) && find_unit(tx, name).await?.is_none() {
            p.push(format!(
                "{place}“{name}”不是已知单位：请检查拼写，或在 [[unit]] 中声明它"
            ));
        }
    }
    let tasks = match plan {
        Some(plan) => current_tasks(tx, plan).await?,
        None => BTreeMap::new(),
    };
    let any_tasks = c.task_forces.iter().any(|t| !t.tasks.is_empty());
    if any_tasks && tasks.is_empty() {
        p.push("数据库中还没有计划，无法分配任务：请先导入计划".to_string());
    } else {
        let range = match (tasks.keys().next(), tasks.keys().last()) {
            (Some(a), Some(b)) => format!("当前计划有任务 {a}–{b}"),
            _ => String::new(),
        };
        for tf in &c.task_forces {
            for n in &tf.tasks {
                if !tasks.contains_key(&i64::from(*n)) {
                    p.push(format!(
                        "专班“{}”的任务 {n} 不在当前计划中（{range}）",
                        tf.name
                    ));
                }
            }
        }
    }
    if let Some(expected) = &c.plan_title {
        let current = tx
            .fetch_optional(
                "SELECT title FROM plan_revisions WHERE plan_id = $1 ORDER BY number DESC LIMIT 1",
                args![plan.unwrap_or(0)],
            )
            .await?;
        if let Some(r) = current {
            let title = r.text("title")?;
            if title.trim() != expected.trim() {
                p.push(format!(
                    "该组织配置是为《{expected}》编写的（plan_title），当前计划是《{title}》"
                ));
            }
        }
    }
    Ok(p)
}

async fn unit_id(tx: &mut Tx, name: &str) -> Result<i64> {
    Ok(find_unit(tx, name)
        .await?
        .ok_or_else(|| StoreError::UnknownUnit(name.to_string()))?
        .id)
}

async fn upsert_body(
    tx: &mut Tx,
    kind: &str,
    name: &str,
    seat: Option<&str>,
    description: &str,
    position: i64,
) -> Result<i64> {
    let seat_id = match seat {
        Some(s) => Some(unit_id(tx, s).await?),
        None => None,
    };
    tx.execute(
        "INSERT INTO org_bodies (kind, name, seat_unit_id, description, position) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, \
         seat_unit_id = excluded.seat_unit_id, description = excluded.description, \
         position = excluded.position",
        args![kind, name.trim(), seat_id, description.trim(), position],
    )
    .await?;
    tx.fetch_one(
        "SELECT id FROM org_bodies WHERE name = $1",
        args![name.trim()],
    )
    .await?
    .i64("id")
}

async fn set_members(tx: &mut Tx, body_id: i64, names: &[String]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for name in names {
        let id = unit_id(tx, name).await?;
        if seen.insert(id) {
            tx.execute(
                "INSERT INTO org_body_units (body_id, unit_id, position) VALUES ($1, $2, $3)",
                args![body_id, id, seen.len() as i64 - 1],
            )
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Replaces the organisation with the one in `config`. Every name and task number is
    /// checked first; if anything is wrong, all problems are returned and nothing is changed.
    pub async fn import_org(
        &self,
        actor: &Actor,
        config: &OrgConfig,
        source_name: &str,
        now: DateTime<Utc>,
    ) -> Result<OrgImport> {
        let mut tx = self.pools.write().await?;
        let plan = self.org_plan(&mut tx).await?;
        let problems = db_problems(&mut tx, plan, config).await?;
        if !problems.is_empty() {
            return Err(StoreError::OrgConfig {
                source_name: source_name.to_string(),
                problems,
            });
        }
        let before = load_view(&mut tx, plan).await?;
        let mut units_created = Vec::new();
        let mut units_changed = Vec::new();
        for u in &config.units {
            match find_unit(&mut tx, &u.name).await? {
                None => {
                    create_unit(
                        &mut tx,
                        actor,
                        &u.name,
                        u.kind,
                        u.short_name.as_deref(),
                        now,
                    )
                    .await?;
                    units_created.push(u.name.trim().to_string());
                }
                Some(existing) => {
                    let row = tx
                        .fetch_one(
                            "SELECT kind, short_name FROM units WHERE id = $1",
                            args![existing.id],
                        )
                        .await?;
                    let (old_kind, old_short) = (row.text("kind")?, row.opt_text("short_name")?);
                    if old_kind != kind_to_str(u.kind) || old_short != u.short_name {
                        tx.execute(
                            "UPDATE units SET kind = $1, short_name = $2 WHERE id = $3",
                            args![kind_to_str(u.kind), u.short_name.clone(), existing.id],
                        )
                        .await?;
                        audit::record(
                            &mut tx,
                            actor,
                            Change {
                                action: "unit.update",
                                entity: "unit",
                                entity_id: existing.id.to_string(),
                                before: Some(serde_json::json!({
                                    "name": existing.name, "kind": old_kind, "short_name": old_short
                                })),
                                after: Some(serde_json::json!({
                                    "name": existing.name, "kind": kind_to_str(u.kind),
                                    "short_name": u.short_name
                                })),
                            },
                            now,
                        )
                        .await?;
                        units_changed.push(existing.name.to_string());
                    }
                }
            }
        }
        // Group names not yet known (not in the plan, not declared) are created as groups.
        for g in &config.groups {
            if find_unit(&mut tx, &g.name).await?.is_none() {
                create_unit(&mut tx, actor, &g.name, UnitKind::Group, None, now).await?;
                units_created.push(g.name.trim().to_string());
            }
        }
        tx.execute("DELETE FROM unit_group_members", args![])
            .await?;
        for g in &config.groups {
            let gid = unit_id(&mut tx, &g.name).await?;
            let mut seen = BTreeSet::new();
            for m in &g.members {
                let mid = unit_id(&mut tx, m).await?;
                if seen.insert(mid) {
                    tx.execute(
                        "INSERT INTO unit_group_members (group_id, member_id, position) \
                         VALUES ($1, $2, $3)",
                        args![gid, mid, seen.len() as i64 - 1],
                    )
                    .await?;
                }
            }
        }
        // Task forces steer tasks of this plan; other plans' assignments stay.
        tx.execute(
            "DELETE FROM task_force_tasks WHERE task_id IN \
             (SELECT id FROM tasks WHERE plan_id = $1)",
            args![plan.unwrap_or(0)],
        )
        .await?;
        tx.execute("DELETE FROM org_body_units", args![]).await?;
        let mut keep = Vec::new();
        let lg = &config.leading_group;
        let lg_id =
            upsert_body(&mut tx, "leading_group", &lg.name, None, &lg.description, 0).await?;
        keep.push(lg_id);
        let mut lg_members = lg.members.clone();
        if lg.all_units_are_members {
            for r in tx
                .fetch_all(
                    "SELECT name FROM units WHERE kind <> 'group' ORDER BY name",
                    args![],
                )
                .await?
            {
                lg_members.push(r.text("name")?);
            }
        }
        set_members(&mut tx, lg_id, &lg_members).await?;
        let of = &config.office;
        let of_id = upsert_body(
            &mut tx,
            "office",
            &of.name,
            Some(&of.seat),
            &of.description,
            1,
        )
        .await?;
        keep.push(of_id);
        set_members(&mut tx, of_id, std::slice::from_ref(&of.seat)).await?;
        let tasks = match plan {
            Some(plan) => current_tasks(&mut tx, plan).await?,
            None => BTreeMap::new(),
        };
        for (i, tf) in config.task_forces.iter().enumerate() {
            let id = upsert_body(
                &mut tx,
                "task_force",
                &tf.name,
                Some(&tf.lead),
                &tf.description,
                2 + i as i64,
            )
            .await?;
            keep.push(id);
            let mut members = vec![tf.lead.clone()];
            members.extend(tf.members.iter().cloned());
            set_members(&mut tx, id, &members).await?;
            for n in &tf.tasks {
                let Some((task_id, _)) = tasks.get(&i64::from(*n)) else {
                    continue;
                };
                tx.execute(
                    "INSERT INTO task_force_tasks (task_id, body_id) VALUES ($1, $2)",
                    args![*task_id, id],
                )
                .await?;
            }
        }
        // Bodies no longer in the configuration go, unless a user still belongs to one.
        let existing = tx
            .fetch_all("SELECT id, name FROM org_bodies ORDER BY id", args![])
            .await?;
        for r in &existing {
            let id = r.i64("id")?;
            if keep.contains(&id) {
                continue;
            }
            // A task force that still steers another plan's tasks stays.
            let steering = tx
                .fetch_one(
                    "SELECT COUNT(*) AS n FROM task_force_tasks WHERE body_id = $1",
                    args![id],
                )
                .await?
                .i64("n")?;
            if steering > 0 {
                continue;
            }
            let users = tx
                .fetch_one(
                    "SELECT COUNT(*) AS n FROM users WHERE task_force_id = $1",
                    args![id],
                )
                .await?
                .i64("n")?;
            if users > 0 {
                return Err(StoreError::OrgConfig {
                    source_name: source_name.to_string(),
                    problems: vec![format!(
                        "专班“{}”不在新配置中，但还有 {users} 个用户属于它：请先调整这些用户",
                        r.text("name")?
                    )],
                });
            }
            tx.execute("DELETE FROM org_bodies WHERE id = $1", args![id])
                .await?;
        }
        let after = load_view(&mut tx, plan).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "org.import",
                entity: "organisation",
                entity_id: "organisation".to_string(),
                before: Some(serde_json::json!({ "organisation": before })),
                after: Some(serde_json::json!({ "source": source_name, "organisation": after })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(OrgImport {
            units_created,
            units_changed,
            task_forces: config.task_forces.len(),
            unassigned_tasks: after.unassigned_tasks,
        })
    }

    /// The organisation as stored.
    pub async fn org_view(&self) -> Result<OrgView> {
        let mut tx = self.pools.read().await?;
        let plan = self.org_plan(&mut tx).await?;
        load_view(&mut tx, plan).await
    }

    /// The plan whose tasks the organisation's task forces are shown with (none before the
    /// first plan).
    async fn org_plan(&self, tx: &mut Tx) -> Result<Option<i64>> {
        match self.plan_id(tx).await {
            Ok(id) => Ok(Some(id)),
            Err(StoreError::NoPlan) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
