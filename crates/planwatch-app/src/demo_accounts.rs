//! The demo's accounts (示例账号): one per role, with the demo password, for the units and the
//! task force the plan has. `planwatch demo` creates them; tests sign in with them.

use planwatch_model::Role;
use planwatch_store::{NewUser, Password, Store};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "planwatch-demo";

/// (username, display name, role, unit or task force).
const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 8] = [
    ("admin", "系统管理员（示例）", Role::Admin, None),
    ("office", "办公室王主任（示例）", Role::Office, None),
    ("leader", "李市长（示例）", Role::Leader, None),
    (
        "zb.kjcx",
        "科技创新专班（示例）",
        Role::TaskForce,
        Some("科技创新专班"),
    ),
    (
        "kjj",
        "市科技局填报员（示例）",
        Role::Reporter,
        Some("市科技局"),
    ),
    (
        "kjj.head",
        "市科技局负责人（示例）",
        Role::UnitHead,
        Some("市科技局"),
    ),
    (
        "wjw",
        "市卫健委填报员（示例）",
        Role::Reporter,
        Some("市卫健委"),
    ),
    (
        "wjw.head",
        "市卫健委负责人（示例）",
        Role::UnitHead,
        Some("市卫健委"),
    ),
];

/// The e-mail address of a demo account: at example.org, a domain reserved for examples.
pub fn demo_email(username: &str) -> String {
    format!("{username}@example.org")
}

/// Creates the demo accounts that do not exist yet; returns the lines to print.
pub async fn ensure_demo_accounts(store: &Store) -> anyhow::Result<Vec<String>> {
    let password = Password::new(DEMO_PASSWORD)?;
    let actor = crate::cli_actor();
    let mut lines = Vec::new();
    for (username, name, role, affiliation) in DEMO_ACCOUNTS {
        let (unit, task_force) = match (role, affiliation) {
            (Role::TaskForce, Some(tf)) => (None, Some(tf.to_string())),
            (_, Some(u)) => (Some(u.to_string()), None),
            _ => (None, None),
        };
        // A unit or task force this plan does not have gets no account.
        if let Some(u) = &unit
            && store.unit_by_name(u).await?.is_none()
        {
            continue;
        }
        if store.user(username).await?.is_none() {
            let new = NewUser {
                username: username.to_string(),
                display_name: name.to_string(),
                role,
                unit: unit.clone().map(Into::into),
                task_force: task_force.clone(),
            };
            if store
                .add_user(&actor, &new, &password, crate::now())
                .await
                .is_err()
            {
                continue;
            }
            // Notifications need an address: one at example.org, reserved for examples
            // (RFC 2606), so that no mail of the demo reaches anyone (decision 0061).
            let email = demo_email(username);
            store
                .set_user_contact(&actor, username, Some(&email), None, crate::now())
                .await?;
        }
        lines.push(format!(
            "  {username:<10} {}{}",
            role.label_zh(),
            unit.or(task_force)
                .map(|x| format!("（{x}）"))
                .unwrap_or_default()
        ));
    }
    Ok(lines)
}
