//! Responsible units (责任单位): lookup, creation, and the expansion of group names such as
//! 各县（区）人民政府 into their member units.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, Tx, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use planwatch_model::UnitKind;
use serde::Serialize;

/// A unit as other records refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub id: i64,
    pub name: planwatch_model::UnitName,
    pub kind: UnitKind,
}

pub(crate) fn kind_to_str(kind: UnitKind) -> &'static str {
    kind.as_str()
}

pub(crate) fn kind_from_str(s: &str) -> UnitKind {
    // The schema's CHECK constraint admits nothing else.
    UnitKind::parse(s).unwrap_or(UnitKind::Other)
}

pub(crate) fn unit_ref(r: &Row) -> Result<UnitRef> {
    Ok(UnitRef {
        id: r.i64("id")?,
        name: r.text("name")?.into(),
        kind: kind_from_str(&r.text("kind")?),
    })
}

pub(crate) async fn find_unit(tx: &mut Tx, name: &str) -> Result<Option<UnitRef>> {
    tx.fetch_optional(
        "SELECT id, name, kind FROM units WHERE name = $1",
        args![name.trim()],
    )
    .await?
    .as_ref()
    .map(unit_ref)
    .transpose()
}

/// Creates a unit and its audit row.
pub(crate) async fn create_unit(
    tx: &mut Tx,
    actor: &Actor,
    name: &str,
    kind: UnitKind,
    short_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UnitRef> {
    let name = name.trim();
    let id = tx
        .insert_returning_id(
            "INSERT INTO units (name, kind, short_name, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
            args![name, kind_to_str(kind), short_name, now],
        )
        .await?;
    audit::record(
        tx,
        actor,
        Change {
            action: "unit.create",
            entity: "unit",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "name": name, "kind": kind_to_str(kind), "short_name": short_name
            })),
        },
        now,
    )
    .await?;
    Ok(UnitRef {
        id,
        name: name.into(),
        kind,
    })
}

/// Finds a unit by name or creates it with the given kind (default: the kind its name suggests).
pub(crate) async fn ensure_unit(
    tx: &mut Tx,
    actor: &Actor,
    name: &str,
    kind: Option<UnitKind>,
    now: DateTime<Utc>,
) -> Result<(UnitRef, bool)> {
    if let Some(u) = find_unit(tx, name).await? {
        return Ok((u, false));
    }
    let kind = kind.unwrap_or_else(|| UnitKind::classify(name));
    Ok((create_unit(tx, actor, name, kind, None, now).await?, true))
}

impl Store {
    /// Adds one unit (a single-row write plus its audit row).
    pub async fn add_unit(
        &self,
        actor: &Actor,
        name: &str,
        kind: UnitKind,
        now: DateTime<Utc>,
    ) -> Result<UnitRef> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::InvalidInput(
                "单位名称不能为空 (empty unit name)".to_string(),
            ));
        }
        let mut tx = self.pools.write().await?;
        if find_unit(&mut tx, name).await?.is_some() {
            return Err(StoreError::UnitExists(name.to_string()));
        }
        let unit = create_unit(&mut tx, actor, name, kind, None, now).await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Every unit, by name.
    pub async fn units(&self) -> Result<Vec<UnitRef>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all("SELECT id, name, kind FROM units ORDER BY name", args![])
            .await?
            .iter()
            .map(unit_ref)
            .collect()
    }

    pub async fn unit_by_name(&self, name: &str) -> Result<Option<UnitRef>> {
        let mut tx = self.pools.read().await?;
        find_unit(&mut tx, name).await
    }

    /// The units a name stands for: a group's members (in configured order), or the unit itself.
    pub async fn expand_unit(&self, name: &str) -> Result<Vec<UnitRef>> {
        let mut tx = self.pools.read().await?;
        let unit = find_unit(&mut tx, name)
            .await?
            .ok_or_else(|| StoreError::UnknownUnit(name.to_string()))?;
        let members = group_members(&mut tx, unit.id).await?;
        Ok(if members.is_empty() {
            vec![unit]
        } else {
            members
        })
    }
}

pub(crate) async fn group_members(tx: &mut Tx, group_id: i64) -> Result<Vec<UnitRef>> {
    tx.fetch_all(
        "SELECT u.id, u.name, u.kind FROM unit_group_members m JOIN units u ON u.id = m.member_id \
         WHERE m.group_id = $1 ORDER BY m.position",
        args![group_id],
    )
    .await?
    .iter()
    .map(unit_ref)
    .collect()
}
