//! `planwatch init [--file FILE] [--plan CODE]`: create the data folder and database and load the
//! plan (the embedded Yangquan plan by default) with its default organisation. The plan gets the
//! code given with the global `--plan` (default `plan1`). `init --plan FILE` (an existing file)
//! is still read as `--file FILE`.

use planwatch_app as app;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan file (text, .docx, .pdf, .html, a task table or interchange JSON) to load instead
    /// of the embedded Yangquan plan. 计划文件（默认使用内置的阳泉市计划）
    #[arg(long)]
    pub file: Option<PathBuf>,
}

pub fn run(
    data_dir: &Path,
    a: Args,
    legacy_file: Option<PathBuf>,
    code: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let file = a.file.or(legacy_file);
    let code = if file.is_some() && code.is_some_and(|c| Path::new(c).is_file()) {
        None
    } else {
        code
    };
    app::block_on(async {
        let out = app::init(data_dir, file.as_deref(), code).await?;
        println!("数据库：{}", out.store.location());
        match &out.import {
            None => {
                for p in out.store.plans().await? {
                    println!(
                        "已初始化过：数据库中已有计划《{}》（代码 {}，第 {} 版），未作更改。",
                        p.title, p.code, p.revision
                    );
                }
            }
            Some(imp) => {
                let view = out.store.plan_view(None).await?;
                println!(
                    "已导入计划《{}》第 {} 版：重点任务 {} 项，新建责任单位 {} 个。",
                    view.revision.title,
                    imp.revision,
                    view.tasks.len(),
                    imp.units_created.len()
                );
                super::plan::print_warnings(&out.warnings);
                match (&out.org, &out.proposed) {
                    (Ok(_), Some(p)) => {
                        println!(
                            "已按计划推定组织架构：{}，办公室设在{}，单位组 {} 个；指标目录：{} 项指标，另有 {} 项数字不像指标，暂不报送。",
                            p.leading_group, p.office_seat, p.groups, p.indicators, p.set_aside
                        );
                        println!(
                            "请由办公室在网页“组织架构”和“指标目录”页核对（也可用 planwatch org export / planwatch catalogue export 导出后批量修改）："
                        );
                        for n in &p.notes {
                            println!("  · {n}");
                        }
                    }
                    (Ok(org), None) => println!(
                        "已导入默认组织架构：领导小组、办公室和 {} 个专班{}。",
                        org.task_forces,
                        if org.unassigned_tasks.is_empty() {
                            "，每项任务都有负责统筹的专班".to_string()
                        } else {
                            format!("；{} 项任务尚未分配专班", org.unassigned_tasks.len())
                        }
                    ),
                    (Err(why), _) => println!("{why}"),
                }
                println!(
                    "下一步：planwatch plan show 查看任务；planwatch user add 用户名 --role admin 创建管理员。"
                );
            }
        }
        out.store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
