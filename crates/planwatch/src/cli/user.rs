//! `planwatch user add|list|disable|reset-password`. Passwords are read from the terminal
//! without echo or from standard input (`--password-stdin`); they are never printed or logged.

use anyhow::bail;
use planwatch_app as app;
use planwatch_app::accounts;
use planwatch_model::Role;
use planwatch_store::{NewUser, OpenMode, Password};
use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user. 新建用户
    Add {
        username: String,
        /// admin, office, task_force, reporter, unit_head or leader.
        #[arg(long)]
        role: Role,
        /// The unit (reporter and unit_head only). 所属单位
        #[arg(long)]
        unit: Option<String>,
        /// The task force (task_force only). 所属专班
        #[arg(long)]
        task_force: Option<String>,
        /// The person's name as shown in the app. 姓名
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// E-mail address for notifications. 电子邮箱
        #[arg(long)]
        email: Option<String>,
        /// Mobile number (11 digits). 手机号码
        #[arg(long)]
        mobile: Option<String>,
    },
    /// Set (or, with an empty value, clear) a user's e-mail address and mobile number.
    /// 设置联系方式
    Contact {
        username: String,
        /// E-mail address; "" clears it. 电子邮箱
        #[arg(long)]
        email: Option<String>,
        /// Mobile number; "" clears it. 手机号码
        #[arg(long)]
        mobile: Option<String>,
    },
    /// List users. 用户列表
    List,
    /// Disable a user and end their sessions. 停用用户
    Disable { username: String },
    /// Set a new password and end the user's sessions. 重置密码
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(Password::new(line.trim_end_matches(['\r', '\n']))?);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "没有终端可以输入密码：请用 --password-stdin 从标准输入提供密码（密码不会被显示或记录）"
        );
    }
    let first = rpassword::prompt_password("新密码（不回显）：")?;
    let second = rpassword::prompt_password("再输入一次：")?;
    if first != second {
        bail!("两次输入的密码不一致，未作任何更改");
    }
    Ok(Password::new(&first)?)
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    // Read the password before opening the store, so nothing waits on a person typing.
    let password = match &a.command {
        UserCommand::Add { password_stdin, .. }
        | UserCommand::ResetPassword { password_stdin, .. } => {
            Some(read_password(*password_stdin)?)
        }
        _ => None,
    };
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let caller = app::Caller::CommandLine { as_user: None };
        let result: anyhow::Result<()> = async {
            match a.command {
                UserCommand::Add {
                    username,
                    role,
                    unit,
                    task_force,
                    name,
                    email,
                    mobile,
                    ..
                } => {
                    let pw = password.as_ref().expect("read above for add");
                    let new = NewUser {
                        username,
                        display_name: name,
                        role,
                        unit: unit.map(Into::into),
                        task_force,
                    };
                    // Contact details are checked before the account is created.
                    if let Some(e) = &email {
                        planwatch_store::check_email(e)?;
                    }
                    if let Some(m) = &mobile {
                        planwatch_store::check_mobile(m)?;
                    }
                    let mut u = accounts::add_user(&store, caller, &new, pw, app::now()).await?;
                    if email.is_some() || mobile.is_some() {
                        u = accounts::set_contact(
                            &store,
                            caller,
                            &u.username,
                            email.as_deref(),
                            mobile.as_deref(),
                            app::now(),
                        )
                        .await?;
                    }
                    println!(
                        "已创建用户 {}（{}，{}）。",
                        u.username,
                        u.role.label_zh(),
                        scope(&u)
                    );
                }
                UserCommand::Contact {
                    username,
                    email,
                    mobile,
                } => {
                    let before = store
                        .user(&username)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("用户“{username}”不存在"))?;
                    let email = email.or(before.email.clone());
                    let mobile = mobile.or(before.mobile.clone());
                    let u = accounts::set_contact(
                        &store,
                        caller,
                        &username,
                        email.as_deref(),
                        mobile.as_deref(),
                        app::now(),
                    )
                    .await?;
                    println!(
                        "用户 {} 的联系方式：电子邮箱 {}，手机 {}。",
                        u.username,
                        u.email.as_deref().unwrap_or("（无）"),
                        u.mobile.as_deref().unwrap_or("（无）")
                    );
                }
                UserCommand::List => {
                    let users = accounts::users(&store, caller).await?;
                    if users.is_empty() {
                        println!("还没有用户：planwatch user add 用户名 --role admin");
                    }
                    for u in users {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            u.username,
                            u.display_name,
                            u.role.label_zh(),
                            scope(&u),
                            if u.is_active() { "启用" } else { "已停用" },
                            u.email.as_deref().unwrap_or("-"),
                            u.mobile.as_deref().unwrap_or("-")
                        );
                    }
                }
                UserCommand::Disable { username } => {
                    let u = accounts::disable_user(&store, caller, &username, app::now()).await?;
                    println!("用户 {} 已停用，其登录会话已失效。", u.username);
                }
                UserCommand::ResetPassword { username, .. } => {
                    let pw = password.as_ref().expect("read above for reset-password");
                    let u =
                        accounts::reset_password(&store, caller, &username, pw, app::now()).await?;
                    println!("用户 {} 的密码已重置，其登录会话已失效。", u.username);
                }
            }
            Ok(())
        }
        .await;
        store.close().await;
        result.map(|()| ExitCode::SUCCESS)
    })
}

fn scope(u: &planwatch_store::User) -> String {
    match (&u.unit, &u.task_force) {
        (Some(unit), _) => unit.to_string(),
        (None, Some(tf)) => tf.clone(),
        (None, None) if u.role == Role::Leader => "只读".to_string(),
        _ => "全市".to_string(),
    }
}
