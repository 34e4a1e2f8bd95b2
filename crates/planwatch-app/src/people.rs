//! People's names where a person is meant. The store records who acted by a stable handle —
//! a username, `cli:<os user>` for the command line, `api:<token>` for an API token, and
//! `demo-reporter:<unit>` / `demo-head:<unit>` / `demo-office` for the demo's generated history.
//! Pages and documents show the person instead: the user's own name (李市长), or what the handle
//! stands for in words; never an internal identifier.

use planwatch_store::User;
use std::collections::HashMap;

/// Who is who: usernames and user ids to people's names.
#[derive(Debug, Clone, Default)]
pub struct People {
    by_username: HashMap<String, String>,
    by_id: HashMap<i64, String>,
}

impl People {
    pub fn new(users: &[User]) -> People {
        let name = |u: &User| {
            if u.display_name.trim().is_empty() {
                u.username.clone()
            } else {
                u.display_name.trim().to_string()
            }
        };
        People {
            by_username: users
                .iter()
                .map(|u| (u.username.clone(), name(u)))
                .collect(),
            by_id: users.iter().map(|u| (u.id, name(u))).collect(),
        }
    }

    pub async fn load(store: &planwatch_store::Store) -> anyhow::Result<People> {
        Ok(People::new(&store.users().await?))
    }

    /// The person behind an actor handle, in words.
    pub fn name(&self, actor: &str) -> String {
        let actor = actor.trim();
        if let Some(n) = self.by_username.get(actor) {
            return n.clone();
        }
        if let Some(unit) = actor.strip_prefix("demo-reporter:") {
            return format!("{unit}填报员（示例）");
        }
        if let Some(unit) = actor.strip_prefix("demo-head:") {
            return format!("{unit}负责人（示例）");
        }
        if actor == "demo-office" {
            return "领导小组办公室（示例）".to_string();
        }
        if actor.starts_with("cli:") {
            return "系统管理员（命令行）".to_string();
        }
        if let Some(token) = actor.strip_prefix("api:") {
            return format!("接口令牌“{token}”");
        }
        if actor.is_empty() {
            return "—".to_string();
        }
        actor.to_string()
    }

    /// The person with the role they acted in: a user's own name gets the role after it
    /// (张三（填报员）); a handle's words already say it (市科技局填报员（示例）).
    pub fn name_with_role(&self, actor: &str, role: &str) -> String {
        match self.by_username.get(actor.trim()) {
            Some(n) if !n.contains(role) => format!("{n}（{role}）"),
            Some(n) => n.clone(),
            None => self.name(actor),
        }
    }

    /// The name of the user with id `id` (as the audit trail records a user), if known.
    pub fn user_by_id(&self, id: &str) -> Option<&str> {
        let id: i64 = id.trim().parse().ok()?;
        self.by_id.get(&id).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_become_peoples_names_and_nothing_internal_is_left() {
        let p = People::default();
        assert_eq!(p.name("demo-reporter:市科技局"), "市科技局填报员（示例）");
        assert_eq!(p.name("demo-head:市科技局"), "市科技局负责人（示例）");
        assert_eq!(p.name("demo-office"), "领导小组办公室（示例）");
        assert_eq!(p.name("cli:root"), "系统管理员（命令行）");
        assert_eq!(p.name("api:市科技局数据接口"), "接口令牌“市科技局数据接口”");
        for h in ["demo-reporter:市科技局", "cli:root", "api:x"] {
            let n = p.name(h);
            assert!(!n.contains(':') && !n.contains("demo"), "{n}");
        }
    }
}
