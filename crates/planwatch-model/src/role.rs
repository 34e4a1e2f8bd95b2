//! User roles. The server enforces them on every request; pages only mirror them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and settings.
    Admin,
    /// The leading group's office (领导小组办公室): loads the plan, reviews, assesses, reports.
    Office,
    /// A task force (专班) lead: sees and reviews the tasks of its task force.
    TaskForce,
    /// A unit's reporter (填报员): fills in the unit's reports.
    Reporter,
    /// A unit's head (单位负责人): approves the unit's reports before submission.
    UnitHead,
    /// A city leader (领导): reads everything, changes nothing.
    Leader,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Office,
        Role::TaskForce,
        Role::Reporter,
        Role::UnitHead,
        Role::Leader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::TaskForce => "task_force",
            Role::Reporter => "reporter",
            Role::UnitHead => "unit_head",
            Role::Leader => "leader",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Office => "领导小组办公室",
            Role::TaskForce => "专班",
            Role::Reporter => "填报员",
            Role::UnitHead => "单位负责人",
            Role::Leader => "领导",
        }
    }

    /// Whether users with this role belong to one unit (and see only that unit's reports).
    pub fn is_unit_bound(self) -> bool {
        matches!(self, Role::Reporter | Role::UnitHead)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知角色“{0}”，可选：admin、office、task_force、reporter、unit_head、leader (unknown role)"
)]
pub struct RoleParseError(pub String);

impl FromStr for Role {
    type Err = RoleParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| RoleParseError(s.to_string()))
    }
}
