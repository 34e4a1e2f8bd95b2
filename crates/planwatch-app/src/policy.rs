//! Who may do what: one table from permission to roles. Every handler asks here before it reads
//! or changes anything; the navigation only mirrors the same answers.

use planwatch_model::Role;

/// Something a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the plan, tasks, units and the overview (every signed-in role).
    ReadPlan,
    /// Upload a plan text or JSON and create a new revision.
    ImportPlan,
    /// See the list of users.
    ReadUsers,
    /// Create and disable users, reset passwords, end other people's sessions.
    ManageUsers,
    /// Read the audit trail.
    ReadAudit,
    /// Read quarterly reports (unit-bound roles: only their own unit's, checked by the handler).
    ReadReports,
    /// Accept, return or reopen submitted reports; grant extensions (the office).
    ReviewReports,
    /// Generate the annual evaluation report (it covers every unit).
    ReadDocuments,
    /// Create and revoke the units' API tokens.
    ManageApiTokens,
    /// Write the office's own text for sections of the annual report.
    EditReportTexts,
    /// Choose what the public page shows (the office).
    ManagePublicPage,
    /// Change the year's breakdown into work items, projects and milestones.
    EditBreakdown,
    /// Import historical indicator values and baselines.
    ImportValues,
    /// Judge the qualitative goals and choose between two targets the plan states for one year
    /// (the office, for the evaluation).
    Evaluate,
    /// Correct the indicator catalogue and the organisation proposed from the plan.
    ManageSetup,
}

impl Permission {
    /// The roles that hold the permission.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ReadPlan => &[Admin, Office, TaskForce, Reporter, UnitHead, Leader],
            Permission::ImportPlan => &[Admin, Office],
            Permission::ReadUsers => &[Admin, Office],
            Permission::ManageUsers => &[Admin],
            Permission::ReadAudit => &[Admin, Office],
            Permission::ReadReports => &[Admin, Office, TaskForce, Reporter, UnitHead, Leader],
            Permission::ReviewReports => &[Office],
            Permission::ReadDocuments => &[Admin, Office, TaskForce, Leader],
            Permission::ManageApiTokens => &[Admin, Office],
            Permission::EditReportTexts => &[Admin, Office],
            Permission::ManagePublicPage => &[Office],
            Permission::EditBreakdown => &[Office, TaskForce],
            Permission::ImportValues => &[Office],
            Permission::Evaluate => &[Office],
            Permission::ManageSetup => &[Admin, Office],
        }
    }

    fn what_zh(self) -> &'static str {
        match self {
            Permission::ReadPlan => "查看计划",
            Permission::ImportPlan => "导入计划新版本",
            Permission::ReadUsers => "查看用户",
            Permission::ManageUsers => "管理用户",
            Permission::ReadAudit => "查看审计日志",
            Permission::ReadReports => "查看季度报告",
            Permission::ReviewReports => "审核季度报告",
            Permission::ReadDocuments => "生成年度评价考核报告",
            Permission::ManageApiTokens => "管理接口令牌",
            Permission::EditReportTexts => "修改年度报告的文字",
            Permission::ManagePublicPage => "设置公开内容",
            Permission::EditBreakdown => "修改年度任务分解",
            Permission::ImportValues => "导入历史数据",
            Permission::Evaluate => "评判定性目标和选定适用目标",
            Permission::ManageSetup => "修改指标目录和组织架构",
        }
    }
}

pub fn allows(role: Role, p: Permission) -> bool {
    p.roles().contains(&role)
}

/// What an API token's scopes allow (0058): a read token reads what every signed-in role reads
/// (the plan, tasks, units, indicators, scores and values); a write token writes its unit's
/// indicator values (the library still checks the indicator is the unit's). Nothing else.
pub fn token_allows(scopes: planwatch_store::TokenScopes, p: TokenAction) -> bool {
    match p {
        TokenAction::Read => scopes.read,
        TokenAction::WriteValues => scopes.write,
    }
}

/// What an API request with a token does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAction {
    Read,
    WriteValues,
}

/// The message of a 403 for a token without the scope.
pub fn token_refusal(scopes: planwatch_store::TokenScopes, p: TokenAction) -> String {
    let what = match p {
        TokenAction::Read => "读取数据",
        TokenAction::WriteValues => "写入指标数值",
    };
    format!(
        "该接口令牌的权限为“{}”，不能{what}；请领导小组办公室在“接口令牌”页面另行生成具有该权限的令牌",
        scopes.label_zh()
    )
}

/// The message of a 403: what was refused and who may do it.
pub fn refusal(role: Role, p: Permission) -> String {
    let who: Vec<&str> = p.roles().iter().map(|r| r.label_zh()).collect();
    format!(
        "您的角色（{}）不能{}。此操作仅限：{}。如需权限请联系系统管理员。",
        role.label_zh(),
        p.what_zh(),
        who.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tokens_scopes_decide_what_it_may_do() {
        use planwatch_store::TokenScopes;
        assert!(token_allows(TokenScopes::READ, TokenAction::Read));
        assert!(!token_allows(TokenScopes::READ, TokenAction::WriteValues));
        assert!(!token_allows(TokenScopes::WRITE, TokenAction::Read));
        assert!(token_allows(TokenScopes::WRITE, TokenAction::WriteValues));
        assert!(token_allows(TokenScopes::READ_WRITE, TokenAction::Read));
        assert!(token_allows(
            TokenScopes::READ_WRITE,
            TokenAction::WriteValues
        ));
        assert!(token_refusal(TokenScopes::READ, TokenAction::WriteValues).contains("只读"));
    }

    #[test]
    fn only_admins_manage_users_and_leaders_change_nothing() {
        for r in Role::ALL {
            assert_eq!(allows(r, Permission::ManageUsers), r == Role::Admin);
            assert!(allows(r, Permission::ReadPlan));
        }
        for p in [Permission::ImportPlan, Permission::ManageUsers] {
            assert!(!allows(Role::Leader, p));
            assert!(!allows(Role::Reporter, p));
        }
    }

    #[test]
    fn a_refusal_says_who_may() {
        let m = refusal(Role::Reporter, Permission::ReadAudit);
        assert!(m.contains("填报员"));
        assert!(m.contains("系统管理员、领导小组办公室"));
    }
}
