//! Per-unit API tokens: created and revoked by the office (audited), looked up by the hash of the
//! token a client presents. The token itself is shown once when it is created and never stored.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a token may do, chosen by the office when it creates it (0058): read the plan, tasks,
/// units, indicators, scores and values; write the unit's indicator values; or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TokenScopes {
    pub read: bool,
    pub write: bool,
}

impl TokenScopes {
    pub const READ: TokenScopes = TokenScopes {
        read: true,
        write: false,
    };
    pub const WRITE: TokenScopes = TokenScopes {
        read: false,
        write: true,
    };
    pub const READ_WRITE: TokenScopes = TokenScopes {
        read: true,
        write: true,
    };

    /// As stored: `read`, `write` or `read write` (`None` for a token that may do nothing).
    pub fn as_str(self) -> Option<&'static str> {
        match (self.read, self.write) {
            (true, true) => Some("read write"),
            (true, false) => Some("read"),
            (false, true) => Some("write"),
            (false, false) => None,
        }
    }

    /// The stored form back.
    pub fn parse(s: &str) -> Option<TokenScopes> {
        match s {
            "read write" => Some(Self::READ_WRITE),
            "read" => Some(Self::READ),
            "write" => Some(Self::WRITE),
            _ => None,
        }
    }

    /// In the interface's words: 只读, 只写, 读写.
    pub fn label_zh(self) -> &'static str {
        match (self.read, self.write) {
            (true, true) => "读写",
            (true, false) => "只读",
            (false, true) => "只写（写入指标数值）",
            (false, false) => "无",
        }
    }
}

/// A token as listed (without its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub unit: planwatch_model::UnitName,
    pub name: String,
    pub scopes: TokenScopes,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub revoked_at: Option<DateTime<Utc>>,
}

fn token(r: &Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.i64("id")?,
        unit: r.text("unit")?.into(),
        name: r.text("name")?,
        scopes: {
            let s = r.text("scopes")?;
            TokenScopes::parse(&s).ok_or_else(|| {
                StoreError::InvalidInput(format!("接口令牌的权限范围“{s}”无法识别"))
            })?
        },
        created_at: r.time("created_at")?,
        created_by: r.text("created_by")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

impl Store {
    /// Records a new token for `unit`, named `name` (who uses it: 城市大脑数据平台).
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        unit: &str,
        name: &str,
        scopes: TokenScopes,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<ApiToken> {
        let Some(scope_text) = scopes.as_str() else {
            return Err(StoreError::InvalidInput(
                "请至少选择一项权限：读取，或写入指标数值".to_string(),
            ));
        };
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::InvalidInput(
                "令牌名称不能为空，且不超过 100 个字符（写明谁在使用，例如：城市大脑数据平台）"
                    .to_string(),
            ));
        }
        let mut tx = self.pools.write().await?;
        let unit_row = tx
            .fetch_optional(
                "SELECT id, name FROM units WHERE name = $1",
                args![unit.trim()],
            )
            .await?
            .ok_or_else(|| StoreError::UnknownUnit(unit.to_string()))?;
        let id = tx
            .insert_returning_id(
                "INSERT INTO api_tokens (unit_id, name, scopes, token_hash, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![unit_row.i64("id")?, name, scope_text, token_hash, now, &actor.name],
            )
            .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "api_token.create",
                entity: "api_token",
                entity_id: id.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({ "unit": unit_row.text("name")?, "name": name, "scopes": scope_text }),
                ),
            },
            now,
        )
        .await?;
        let created = tx
            .fetch_one(
                "SELECT t.id, u.name AS unit, t.name, t.scopes, t.created_at, t.created_by, t.revoked_at \
                 FROM api_tokens t JOIN units u ON u.id = t.unit_id WHERE t.id = $1",
                args![id],
            )
            .await?;
        let created = token(&created)?;
        tx.commit().await?;
        Ok(created)
    }

    /// Every token, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_all(
            "SELECT t.id, u.name AS unit, t.name, t.scopes, t.created_at, t.created_by, t.revoked_at \
             FROM api_tokens t JOIN units u ON u.id = t.unit_id ORDER BY t.id DESC",
            args![],
        )
        .await?
        .iter()
        .map(token)
        .collect()
    }

    /// The active token with this hash, if any.
    pub async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let mut tx = self.pools.read().await?;
        tx.fetch_optional(
            "SELECT t.id, u.name AS unit, t.name, t.scopes, t.created_at, t.created_by, t.revoked_at \
             FROM api_tokens t JOIN units u ON u.id = t.unit_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            args![token_hash],
        )
        .await?
        .as_ref()
        .map(token)
        .transpose()
    }

    /// Revokes a token; revoking a revoked token changes nothing. Returns whether it existed.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pools.write().await?;
        let Some(row) = tx
            .fetch_optional("SELECT revoked_at FROM api_tokens WHERE id = $1", args![id])
            .await?
        else {
            return Ok(false);
        };
        if row.opt_time("revoked_at")?.is_some() {
            return Ok(true);
        }
        tx.execute(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2",
            args![now, id],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "api_token.revoke",
                entity: "api_token",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "revoked": true })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
