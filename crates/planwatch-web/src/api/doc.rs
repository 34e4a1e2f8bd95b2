//! The OpenAPI 3.1 document of the API, assembled from the route table (`Api::route` in
//! `mod.rs` gives every route its operation here). What depends on the current plan and on today
//! is filled in when the document is served, by the same functions that check it: the quarters
//! `period` may name, the quarters a value may be written for, the dates `as_of` may name. The
//! words of the monitor (lights, statuses, verdicts, stages, unit kinds, target wordings) are
//! listed from the types themselves. Every operation lists every status it answers, each error
//! with the one problem schema (`application/problem+json`), and its security as implemented
//! (a session or a token with the `read` scope for reads; a token with `write` for writes).

use super::super::AppState;
use super::super::assessment;
use super::super::pages::data::PlanData;
use super::params::{self, Params};
use super::problem::{ApiError, Kind, PROBLEM_JSON};
use super::values::MAX_BULK;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use planwatch_model::{IndicatorVerdict, Light, PlanStage, Quarter, TargetWording, UnitKind};
use planwatch_monitor::indicator::IndicatorStatus;
use planwatch_quarterly::validate::text_limits;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// What the document says about the current plan and today.
pub struct Facts {
    /// Quarters `period` may name (the plan's, up to the current one); empty before any plan.
    pub periods: Vec<Quarter>,
    /// Quarters a value may be written for (the plan's).
    pub quarters: Vec<Quarter>,
    /// The pattern of `as_of` (today, or 2000-01-01 to today).
    pub as_of_pattern: String,
    /// The session cookie's name on this server (`__Host-` prefixed with native TLS).
    pub session_cookie: &'static str,
}

impl Facts {
    pub async fn now(state: &AppState) -> Result<Facts, ApiError> {
        let today = assessment::today_in_china();
        let plan = PlanData::load(state).await?.map(|d| d.plan.period);
        let quarters = plan.map(params::plan_quarters).unwrap_or_default();
        Ok(Facts {
            periods: plan
                .map(|p| assessment::selectable_periods(p, today))
                .unwrap_or_default(),
            quarters,
            as_of_pattern: params::as_of_pattern(today),
            session_cookie: super::super::session::session_cookie(state),
        })
    }
}

/// The serialised names of every value of an enum, from the type itself.
fn names<T: Serialize>(all: &[T]) -> Vec<Value> {
    all.iter()
        .map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
        .collect()
}

/// Every light; the match fails to compile when a light is added, so the list cannot fall behind.
fn lights() -> Vec<Value> {
    const ALL: [Light; 4] = [Light::Green, Light::Yellow, Light::Red, Light::Grey];
    const fn listed(l: Light) {
        match l {
            Light::Green | Light::Yellow | Light::Red | Light::Grey => {}
        }
    }
    listed(Light::Grey);
    names(&ALL)
}

fn verdicts() -> Vec<Value> {
    use IndicatorVerdict::*;
    const ALL: [IndicatorVerdict; 4] = [Achieved, OnSchedule, Behind, NoData];
    const fn listed(v: IndicatorVerdict) {
        match v {
            Achieved | OnSchedule | Behind | NoData => {}
        }
    }
    listed(NoData);
    names(&ALL)
}

fn stages() -> Vec<Value> {
    use PlanStage::*;
    const ALL: [PlanStage; 3] = [Running, FinalYear, Closed];
    const fn listed(v: PlanStage) {
        match v {
            Running | FinalYear | Closed => {}
        }
    }
    listed(Closed);
    names(&ALL)
}

fn unit_kinds() -> Vec<Value> {
    names(&UnitKind::ALL)
}

fn statuses() -> Vec<Value> {
    use IndicatorStatus::*;
    const ALL: [IndicatorStatus; 11] = [
        TargetAchieved,
        SubstantialProgress,
        ModerateProgress,
        LimitedProgress,
        Deterioration,
        YearTargetMet,
        AheadOfSchedule,
        OnSchedule,
        BehindSchedule,
        NotAvailable,
        NotAssessable,
    ];
    const fn listed(v: IndicatorStatus) {
        match v {
            TargetAchieved | SubstantialProgress | ModerateProgress | LimitedProgress
            | Deterioration | YearTargetMet | AheadOfSchedule | OnSchedule | BehindSchedule
            | NotAvailable | NotAssessable => {}
        }
    }
    listed(NotAssessable);
    names(&ALL)
}

fn problem(description: &str) -> Value {
    json!({ "description": description, "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } } })
}

fn too_many() -> Value {
    let mut r = problem("请求过于频繁：超过该令牌（或登录用户）每分钟的请求上限");
    r["headers"] = json!({ "Retry-After": { "required": true, "description": "多少秒后可以再试", "schema": { "type": "integer", "minimum": 1 } } });
    r
}

/// The database cannot be reached (decision 0065): 503 at once, with `Retry-After`.
fn unavailable() -> Value {
    let mut r = problem(
        "数据库暂时无法访问（维护或重启中），请求未完成，数据未作更改：请按 Retry-After 稍后重试",
    );
    r["headers"] = json!({ "Retry-After": { "required": true, "description": "多少秒后可以再试", "schema": { "type": "integer", "minimum": 1 } } });
    r
}

/// The answers of a read: 200 with its tags, 304, and the errors every read can give.
fn read_responses(description: &str, schema: Value, not_found: Option<&str>) -> Value {
    let tags = json!({
        "ETag": { "required": true, "description": "回答内容的校验值（内容的散列；因可能以 gzip 传输而标为弱校验值 W/）；再次读取时放在 If-None-Match 中，未变化则回答 304", "schema": { "type": "string" } },
        "Last-Modified": { "required": false, "description": "数据最近一次变化的时间（按当天日期评价的回答：不早于当天零时）", "schema": { "type": "string" } }
    });
    let mut r = json!({
        "200": { "description": description, "headers": tags.clone(), "content": { "application/json": { "schema": schema } } },
        "304": { "description": "未变化：If-None-Match 与当前 ETag 相同（或 If-Modified-Since 不早于 Last-Modified）", "headers": { "ETag": tags["ETag"].clone() } },
        "401": problem("未登录，或接口令牌无效、已停用"),
        "403": problem("无权读取：接口令牌没有 read 权限"),
        "422": problem("参数不符合要求（field 指出哪个参数，allowed 说明允许的取值），或带了该接口不接受的参数"),
        "429": too_many(),
        "500": problem("内部错误（reference 为参考编号）"),
        "503": unavailable()
    });
    if let Some(n) = not_found {
        r["404"] = problem(n);
    }
    r
}

fn read_security() -> Value {
    json!([ { "session": [] }, { "token": ["read"] } ])
}

fn period_param(f: &Facts) -> Value {
    let allowed = params::range_text(&f.periods);
    let schema = if f.periods.is_empty() {
        json!({ "type": "string", "pattern": "^[0-9]{4}Q[1-4]$" })
    } else {
        json!({ "type": "string", "enum": f.periods.iter().map(ToString::to_string).collect::<Vec<_>>() })
    };
    json!({
        "name": "period", "in": "query", "required": false, "schema": schema,
        "description": format!("季度：计划期内截至本季度的各季度（当前为 {allowed}）；不给出时为最近有报送的季度。范围以外或格式不对的季度回答 422，不会换成别的季度")
    })
}

fn as_of_param(f: &Facts) -> Value {
    json!({
        "name": "as_of", "in": "query", "required": false,
        "schema": { "type": "string", "pattern": f.as_of_pattern },
        "description": "评价截止日：today，或 2000-01-01 至今天之间的日期 YYYY-MM-DD（默认：该季度的下一季度末，早于今天时为今天；与 planwatch assess 和年度报告相同）。晚于今天的日期回答 422"
    })
}

fn op(summary: &str, description: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("summary".into(), json!(summary));
    m.insert("description".into(), json!(description));
    m
}

fn read_op(summary: &str, description: &str, parameters: Vec<Value>, responses: Value) -> Value {
    let mut m = op(summary, description);
    m.insert("security".into(), read_security());
    m.insert("parameters".into(), Value::Array(parameters));
    m.insert("responses".into(), responses);
    Value::Object(m)
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub fn openapi_op(_: &Facts) -> Value {
    json!({
        "summary": "本文档",
        "description": "本接口的 OpenAPI 3.1 文档，由服务器按其路由表生成；其中 period、quarter、as_of 的取值范围随当前计划和当天日期给出。无需登录。",
        "security": [],
        "responses": {
            "200": { "description": "OpenAPI 文档", "headers": { "ETag": { "required": true, "schema": { "type": "string" } } }, "content": { "application/json": { "schema": { "type": "object" } } } },
            "304": { "description": "未变化" },
            "422": problem("带了本文档不接受的查询参数"),
            "500": problem("内部错误"),
            "503": unavailable()
        }
    })
}

pub fn plan_op(_: &Facts) -> Value {
    read_op(
        "当前计划：版本、主要目标、章节、任务和单位组",
        "当前计划版本的全部内容。",
        vec![],
        read_responses("当前计划", schema_ref("Plan"), Some("尚未导入计划")),
    )
}

pub fn todo_op(_: &Facts) -> Value {
    read_op(
        "我的待办",
        "当前用户（令牌：其单位的填报员）现在要做的事：填报、报送、退回修改、逾期、待审核、延期申请、滞后任务、红灯指标、逾期节点；最紧急的在前。按当天日期判断。",
        vec![],
        read_responses(
            "待办事项",
            json!({ "type": "object", "required": ["items"], "properties": { "items": { "type": "array", "items": schema_ref("TodoItem") } } }),
            None,
        ),
    )
}

/// `GET /notifications` (decision 0061): the signed-in person's own notifications.
pub fn notifications_op(_: &Facts) -> Value {
    let item = json!({
        "type": "object",
        "required": ["id", "kind", "title", "body", "link", "created_at", "read_at"],
        "properties": {
            "id": { "type": "integer" },
            "kind": { "type": "string", "enum": ["deadline_soon", "overdue", "returned", "awaiting_approval", "accepted", "urged"] },
            "title": { "type": "string" }, "body": { "type": "string" },
            "link": { "type": "string", "description": "本系统内的路径，如 /reports/12/2024Q2" },
            "created_at": { "type": "string", "format": "date-time" },
            "read_at": { "type": ["string", "null"], "format": "date-time" }
        }
    });
    let mut responses = read_responses(
        "通知（最新的在前，至多 200 条）",
        json!({
            "type": "object", "required": ["unread", "items"],
            "properties": { "unread": { "type": "integer", "minimum": 0 }, "items": { "type": "array", "items": item } }
        }),
        None,
    );
    responses["403"] = problem("接口令牌不代表个人，没有通知");
    let mut m = op(
        "我的通知",
        "当前登录用户的通知：退回、采纳、待审核、临近截止、逾期和催办；unread 为未读条数。只能以个人账号（会话）读取。",
    );
    m.insert("security".into(), json!([ { "session": [] } ]));
    m.insert("parameters".into(), json!([]));
    m.insert("responses".into(), responses);
    Value::Object(m)
}

pub fn units_op(_: &Facts) -> Value {
    read_op(
        "全部责任单位",
        "组织中的全部单位（含单位组）。",
        vec![],
        read_responses(
            "单位列表",
            json!({ "type": "array", "items": schema_ref("Unit") }),
            None,
        ),
    )
}

pub fn tasks_op(_: &Facts) -> Value {
    read_op(
        "当前计划的全部任务",
        "当前计划版本的任务，含牵头和参与单位。",
        vec![],
        read_responses(
            "任务列表",
            json!({ "type": "array", "items": schema_ref("Task") }),
            Some("尚未导入计划"),
        ),
    )
}

pub fn task_op(_: &Facts) -> Value {
    read_op(
        "一项任务及其目标、节点和原文",
        "按任务序号读取一项任务。序号不是正整数时回答 422；当前计划没有该序号时回答 404。",
        vec![
            json!({ "name": "number", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1, "maximum": 9_007_199_254_740_991_i64 }, "description": "任务序号" }),
        ],
        read_responses(
            "任务详情",
            schema_ref("TaskDetail"),
            Some("当前计划没有该任务，或尚未导入计划"),
        ),
    )
}

pub fn indicators_op(f: &Facts) -> Value {
    read_op(
        "全部指标的监测结果：红绿灯、状态、最新值、考核目标、预测",
        "一个季度的指标监测结果，与驾驶舱、指标页和 planwatch assess 出自同一计算。",
        vec![period_param(f), as_of_param(f)],
        read_responses(
            "指标监测结果",
            schema_ref("Indicators"),
            Some("尚未导入计划"),
        ),
    )
}

pub fn indicator_op(f: &Facts) -> Value {
    read_op(
        "一项指标的监测结果及其季度数值序列",
        "一项指标在一个季度的监测结果，及截至该季度的数值序列和来源。",
        vec![
            json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 200 }, "description": "指标编号，如 rd-gdp-share" }),
            period_param(f),
            as_of_param(f),
        ],
        read_responses(
            "指标详情",
            schema_ref("Indicator"),
            Some("没有该编号的指标，或尚未导入计划"),
        ),
    )
}

pub fn scores_op(f: &Facts) -> Value {
    read_op(
        "单位、专班、县（区）得分与排名及总体得分",
        "一个季度的考核得分，与报告和驾驶舱出自同一计算。",
        vec![period_param(f), as_of_param(f)],
        read_responses("考核得分", schema_ref("Scores"), Some("尚未导入计划")),
    )
}

pub fn values_read_op(_: &Facts) -> Value {
    let mut responses = read_responses(
        "一页指标数值（正式数据序列），按指标编号和季度排列",
        schema_ref("ValuesPage"),
        Some("尚未导入计划"),
    );
    responses["409"] = problem("分页游标来自旧的数据版本（其间数据有变化）：请从第一页重新读取");
    read_op(
        "全部指标的正式数值及来源（分页）",
        "已采纳报告和导入的历史数据构成的正式数值序列，每项带来源和计入日期。since 只列出该日期（含）以后计入的数值；每页至多 limit 项，next_cursor 给出下一页（最后一页为 null）。翻页期间数据有变化时回答 409。",
        vec![
            json!({ "name": "since", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }, "description": "只列出这一天（YYYY-MM-DD，含）以后计入正式序列的数值；不给出时列出全部（含计划开始前已知的历史数据）" }),
            json!({ "name": "cursor", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^[0-9]{1,18}\\.[0-9]{1,9}$" }, "description": "上一页的 next_cursor" }),
            json!({ "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": super::values::MAX_PAGE }, "description": format!("每页项数（1–{}，默认 {}）", super::values::MAX_PAGE, super::values::DEFAULT_PAGE) }),
        ],
        responses,
    )
}

pub fn values_write_op(_: &Facts) -> Value {
    let mut m = op(
        "写入本单位指标数值",
        &format!(
            "一项，或以 {{\"values\": […]}} 一次写入多项（1–{MAX_BULK} 项，逐项检查、逐项答复）；保存为本单位季度报告草稿，仍由单位负责人审核报送。检查与网页填报、Excel 报送表相同（百分比范围、与上季度相比变动较大须写说明等），未通过时回答 422 并逐条列出原因。需要具有 write 权限的接口令牌；登录会话不能写入。"
        ),
    );
    m.insert("security".into(), json!([ { "token": ["write"] } ]));
    m.insert(
        "requestBody".into(),
        json!({ "required": true, "content": { "application/json": { "schema": { "oneOf": [ schema_ref("ValueInput"), schema_ref("ValueBatch") ] } } } }),
    );
    m.insert(
        "responses".into(),
        json!({
            "200": { "description": "已保存（一项）；或多项的逐项结果", "content": { "application/json": { "schema": { "oneOf": [ schema_ref("ValueSaved"), schema_ref("ValuesSaved") ] } } } },
            "400": problem("请求内容不是有效的 JSON"),
            "401": problem("缺少接口令牌，或令牌无效、已停用"),
            "403": problem("登录会话不能写入；令牌没有 write 权限；或该指标不由令牌所属单位报送"),
            "404": problem("尚未导入计划"),
            "409": problem("报告已报送或已采纳，或报送期已锁定；或报告在保存时被他人改动"),
            "413": problem("请求内容过大"),
            "415": problem("请求内容类型不是 application/json"),
            "422": problem("请求内容不符合要求（field 指出哪一项），或数值未通过检查（problems 逐条列出原因）；均未保存"),
            "429": too_many(),
            "500": problem("内部错误"),
            "503": unavailable()
        }),
    );
    Value::Object(m)
}

/// The path of a unit's report: the unit's id, a quarter of the plan (the same enum as the
/// values' `quarter`), and a file's id.
fn report_params(f: &Facts, with_id: bool) -> Vec<Value> {
    let id = json!({ "type": "integer", "minimum": 1, "maximum": 9_007_199_254_740_991_i64 });
    let quarter = if f.quarters.is_empty() {
        json!({ "type": "string", "pattern": "^[0-9]{4}Q[1-4]$" })
    } else {
        json!({ "type": "string", "enum": f.quarters.iter().map(ToString::to_string).collect::<Vec<_>>() })
    };
    let mut v = vec![
        json!({ "name": "unit", "in": "path", "required": true, "schema": id, "description": "单位编号（见 /api/v1/units）" }),
        json!({ "name": "quarter", "in": "path", "required": true, "schema": quarter, "description": "季度，如 2024Q2" }),
    ];
    if with_id {
        v.push(json!({ "name": "id", "in": "path", "required": true, "schema": id, "description": "佐证材料编号（见列表的 id）" }));
    }
    v
}

const EVIDENCE_WHO: &str = "本单位（登录的填报员、单位负责人，或本单位的接口令牌）以及不属于某一单位的角色（领导小组办公室、领导、专班）可以查看和下载；其他单位回答 403。";

pub fn evidence_list_op(f: &Facts) -> Value {
    let mut r = read_responses(
        "该单位该季度报告的佐证材料（按上传先后）",
        json!({ "type": "array", "items": schema_ref("Evidence") }),
        Some("没有该编号的单位"),
    );
    r["403"] = problem("无权读取：接口令牌没有 read 权限，或不是本单位");
    read_op(
        "单位季度报告的佐证材料",
        &format!(
            "列出附在任务行（row=task，key 为行标识，如 T:13）或指标数值（row=indicator，key 为指标编号）上的佐证材料及下载地址。{EVIDENCE_WHO}"
        ),
        report_params(f, false),
        r,
    )
}

pub fn evidence_download_op(f: &Facts) -> Value {
    let kinds = [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/msword",
        "application/vnd.ms-excel",
        "application/ofd",
    ];
    let mut content = Map::new();
    for k in kinds {
        content.insert(
            k.into(),
            json!({ "schema": { "type": "string", "format": "binary" } }),
        );
    }
    let mut r = read_responses(
        "文件内容（以上传时的文件名下载）",
        json!({}),
        Some("没有该单位，或该报告没有这份佐证材料"),
    );
    r["200"]["content"] = Value::Object(content);
    r["403"] = problem("无权读取：接口令牌没有 read 权限，或不是本单位");
    read_op(
        "下载一份佐证材料",
        &format!("按上传时的文件名下载（Content-Disposition: attachment）。{EVIDENCE_WHO}"),
        report_params(f, true),
        r,
    )
}

pub fn evidence_attach_op(f: &Facts) -> Value {
    let mut m = op(
        "上传佐证材料",
        "把一份佐证材料附在本单位季度报告的一行上：任务行（row=task，key 为行标识，如 T:13、C:3、I:2024-T13-W01）或指标数值（row=indicator，key 为指标编号）。可上传 PDF、PNG/JPEG 图片、Word（docx/doc）、Excel（xlsx/xls）、PowerPoint（pptx）和 OFD；类型按文件内容判断（扩展名与内容不符的文件不接受）；大小上限由报送设置 max_evidence_bytes 决定（默认 20 MB）。同样的文件只保存一份（按 SHA-256）。报告已报送、已采纳或报送期已锁定时回答 409。需要本单位具有 write 权限的接口令牌；登录会话不能上传（请在网页上上传）。",
    );
    m.insert("security".into(), json!([ { "token": ["write"] } ]));
    m.insert("parameters".into(), Value::Array(report_params(f, false)));
    m.insert(
        "requestBody".into(),
        json!({ "required": true, "content": { "multipart/form-data": { "schema": {
            "type": "object", "required": ["row", "key", "file"],
            "properties": {
                "row": { "type": "string", "enum": ["task", "indicator"] },
                "key": { "type": "string", "minLength": 1, "maxLength": 200 },
                "file": { "type": "string", "format": "binary" }
            }
        } } } }),
    );
    m.insert(
        "responses".into(),
        json!({
            "200": { "description": "已附上", "content": { "application/json": { "schema": schema_ref("Evidence") } } },
            "400": problem("请求内容无法读取"),
            "401": problem("缺少接口令牌，或令牌无效、已停用"),
            "403": problem("登录会话不能上传；令牌没有 write 权限；或不是令牌所属单位的报告"),
            "404": problem("没有该编号的单位"),
            "409": problem("报告已报送或已采纳，或报送期已锁定：现在不能更改佐证材料"),
            "413": problem("文件超过大小上限（detail 写明上限）"),
            "415": problem("请求内容不是 multipart/form-data"),
            "422": problem("参数不符合要求；表单的各部分无法读取；报告中没有这一行；或文件未通过检查（空文件、类型不允许、扩展名与内容不符），均未保存"),
            "429": too_many(),
            "500": problem("内部错误"),
            "503": unavailable()
        }),
    );
    Value::Object(m)
}

fn schemas(f: &Facts) -> Value {
    let unit_ref = schema_ref("UnitRef");
    let nullable_string = json!({ "type": ["string", "null"] });
    let mut wordings = names(&TargetWording::ALL);
    wordings.push(Value::Null);
    let quarter = if f.quarters.is_empty() {
        json!({ "type": "string", "pattern": "^[0-9]{4}Q[1-4]$", "description": "季度，如 2024Q3" })
    } else {
        json!({ "type": "string", "enum": f.quarters.iter().map(ToString::to_string).collect::<Vec<_>>(), "description": format!("季度：计划期内的季度（{}）", params::range_text(&f.quarters)) })
    };
    let kinds: Vec<Value> = Kind::ALL.iter().map(|k| json!(k.type_uri())).collect();
    json!({
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "detail"],
            "description": "RFC 9457 问题详情（application/problem+json）",
            "properties": {
                "type": { "type": "string", "enum": kinds, "description": "错误种类，稳定不变" },
                "title": { "type": "string", "description": "错误种类的中文名称" },
                "status": { "type": "integer", "minimum": 400, "maximum": 599 },
                "detail": { "type": "string", "description": "中文说明：哪里不对、允许什么" },
                "field": { "type": "string", "description": "出错的参数或字段，如 period、as_of、values[2].quarter" },
                "allowed": { "type": "string", "description": "该参数允许的取值" },
                "problems": { "type": "array", "items": { "type": "string" }, "description": "数值未通过的各项检查，与网页填报、Excel 报送表的提示相同" },
                "reference": { "type": "string", "description": "内部错误的参考编号（同时记录在服务器日志中）" },
                "retry_after": { "type": "integer", "minimum": 1, "description": "多少秒后可以再试（同 Retry-After）" }
            }
        },
        "Evidence": {
            "type": "object",
            "required": ["id", "unit", "quarter", "row", "key", "name", "kind", "size", "sha256", "attached_at", "attached_by", "download"],
            "properties": {
                "id": { "type": "integer" }, "unit": { "type": "string" }, "quarter": { "type": "string" },
                "row": { "type": "string", "enum": ["task", "indicator"] },
                "key": { "type": "string", "description": "任务行标识（T:13 等）或指标编号" },
                "name": { "type": "string", "description": "上传时的文件名" },
                "kind": { "type": "string", "enum": planwatch_quarterly::settings::KNOWN_EVIDENCE_TYPES, "description": "按内容判断的类型" },
                "size": { "type": "integer", "minimum": 1 },
                "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                "attached_at": { "type": "string", "format": "date-time" },
                "attached_by": { "type": "string" },
                "download": { "type": "string", "description": "下载地址" }
            }
        },
        "ValueInput": {
            "type": "object", "required": ["indicator", "quarter", "value"], "additionalProperties": false,
            "properties": {
                "indicator": { "type": "string", "minLength": 1, "maxLength": 200, "description": "指标编号" },
                "quarter": quarter,
                "value": { "type": "number", "description": "截至本季度末完成值" },
                "source": { "type": "string", "maxLength": text_limits::SOURCE, "description": "数据来源" },
                "note": { "type": "string", "maxLength": text_limits::NOTE, "description": "说明（变动较大时必填）" }
            }
        },
        "ValueBatch": {
            "type": "object", "required": ["values"], "additionalProperties": false,
            "properties": { "values": { "type": "array", "minItems": 1, "maxItems": MAX_BULK, "items": schema_ref("ValueInput") } }
        },
        "ValuesSaved": {
            "type": "object", "required": ["unit", "saved", "refused", "results"],
            "properties": {
                "unit": { "type": "string" }, "saved": { "type": "integer" }, "refused": { "type": "integer" },
                "results": { "type": "array", "description": "按提交顺序逐项答复", "items": { "type": "object", "required": ["indicator", "quarter", "status"], "properties": {
                    "indicator": { "type": "string" }, "quarter": { "type": "string" },
                    "status": { "type": "integer", "enum": [200, 403, 409, 422], "description": "200 已保存；403 非本单位指标；409 报告已报送或已锁定；422 未通过检查" },
                    "version": { "type": "integer" }, "report_state": { "type": "string" },
                    "error": schema_ref("Problem")
                } } }
            }
        },
        "ValueSaved": {
            "type": "object", "required": ["unit", "quarter", "indicator", "value", "report_state", "version"],
            "properties": { "unit": { "type": "string" }, "quarter": { "type": "string" }, "indicator": { "type": "string" }, "value": { "type": "number" }, "report_state": { "type": "string" }, "version": { "type": "integer" } }
        },
        "ValuesPage": {
            "type": "object", "required": ["data_version", "values", "next_cursor"],
            "properties": {
                "data_version": { "type": "integer", "description": "数据版本（每次变更递增）" },
                "since": { "type": ["string", "null"], "format": "date" },
                "values": { "type": "array", "items": { "type": "object", "required": ["indicator", "quarter", "value", "source", "recorded_on"], "properties": {
                    "indicator": { "type": "string" }, "name": { "type": ["string", "null"] }, "quarter": { "type": "string" },
                    "value": { "type": "number" }, "source": { "type": "string", "description": "数据来源" },
                    "recorded_on": { "type": ["string", "null"], "format": "date", "description": "计入正式序列的日期；计划开始前已知的历史数据为 null" }
                } } },
                "next_cursor": { "type": ["string", "null"], "description": "下一页的 cursor；最后一页为 null" }
            }
        },
        "Indicator": {
            "type": "object", "required": ["id", "name", "light", "status", "status_label", "verdict", "verdict_label", "explanation"],
            "properties": {
                "id": { "type": "string" }, "name": { "type": "string" }, "unit": nullable_string,
                "reporter": { "type": "string" },
                "light": { "type": "string", "enum": lights() },
                "status": { "type": "string", "enum": statuses() }, "status_label": { "type": "string" },
                "verdict": { "type": "string", "enum": verdicts() }, "verdict_label": { "type": "string" },
                "latest": { "type": ["object", "null"], "properties": { "at": { "type": "string" }, "value": { "type": "number" }, "text": { "type": "string" } } },
                "target": { "type": ["object", "null"], "properties": { "comparator": { "type": "string" }, "value": { "type": "number" }, "at": { "type": "string" } } },
                "forecast": nullable_string,
                "explanation": { "type": "string" },
                "series": { "type": "array", "items": { "type": "object", "properties": { "quarter": { "type": "string" }, "value": { "type": "number" }, "source": { "type": "string" } } } }
            }
        },
        "Indicators": {
            "type": "object", "required": ["period", "as_of", "stage", "demo", "indicators"],
            "properties": { "period": { "type": "string" }, "as_of": { "type": "string", "format": "date" }, "stage": { "type": "string", "enum": stages() }, "demo": { "type": "boolean" }, "indicators": { "type": "array", "items": schema_ref("Indicator") } }
        },
        "Score": {
            "type": "object", "required": ["name", "score"],
            "properties": { "name": { "type": "string" }, "class": nullable_string, "rank": { "type": ["integer", "null"] }, "class_size": { "type": ["integer", "null"] }, "score": { "type": "number" } }
        },
        "Scores": {
            "type": "object", "required": ["period", "as_of", "demo", "units", "task_forces", "areas"],
            "properties": {
                "period": { "type": "string" }, "as_of": { "type": "string", "format": "date" }, "demo": { "type": "boolean" },
                "overall": { "type": ["number", "null"] }, "indicator_index": { "type": ["number", "null"] },
                "units": { "type": "array", "items": schema_ref("Score") },
                "task_forces": { "type": "array", "items": schema_ref("Score") },
                "areas": { "type": "array", "items": schema_ref("Score") }
            }
        },
        "UnitRef": {
            "type": "object", "required": ["id", "name", "kind"],
            "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "kind": schema_ref("UnitKind") }
        },
        "UnitKind": { "type": "string", "enum": unit_kinds() },
        "TodoItem": {
            "type": "object", "required": ["kind", "label", "title", "link", "urgent"],
            "properties": {
                "kind": { "type": "string", "enum": names(&planwatch_app::todo::TodoKind::ALL) },
                "label": { "type": "string", "description": "种类的中文说法，如 待审核、退回修改" },
                "title": { "type": "string" }, "detail": { "type": "string" },
                "link": { "type": "string", "description": "网页中办理此事的路径" },
                "due": { "type": "string", "format": "date" },
                "period": { "type": "string", "pattern": "^[0-9]{4}Q[1-4]$" },
                "unit": { "type": "string" }, "urgent": { "type": "boolean" },
                "plan": { "type": "string", "description": "所属计划的代码（本人承担多项计划时）" },
                "plan_title": { "type": "string", "description": "所属计划的标题" }
            }
        },
        "Unit": {
            "type": "object", "required": ["id", "name", "kind", "kind_label"],
            "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "kind": schema_ref("UnitKind"), "kind_label": { "type": "string", "description": "市直部门、县（区）等" } }
        },
        "Target": {
            "type": "object", "required": ["text", "indicator"],
            "properties": {
                "text": { "type": "string" }, "indicator": { "type": "string" },
                "value": { "type": ["number", "null"] }, "value_max": { "type": ["number", "null"] },
                "value_text": { "type": "string" }, "unit": nullable_string,
                "year": { "type": ["integer", "null"] },
                "comparator": { "type": ["string", "null"], "enum": wordings },
                "recurrence": { "type": "string" }, "note": { "type": "string" }
            }
        },
        "Milestone": {
            "type": "object", "required": ["text", "what"],
            "properties": { "text": { "type": "string" }, "what": { "type": "string" }, "year": { "type": ["integer", "null"] } }
        },
        "Task": {
            "type": "object",
            "required": ["id", "number", "label", "title", "section", "lead_units", "participating_units", "target_count", "milestone_count"],
            "properties": {
                "id": { "type": "integer", "description": "跨版本不变的任务编号" },
                "number": { "type": "integer" }, "label": { "type": "string" }, "title": { "type": "string" },
                "section": { "type": "string" },
                "lead_units": { "type": "array", "items": unit_ref },
                "participating_units": { "type": "array", "items": unit_ref },
                "task_force": nullable_string,
                "target_count": { "type": "integer" }, "milestone_count": { "type": "integer" }
            }
        },
        "TaskDetail": {
            "allOf": [ schema_ref("Task"), {
                "type": "object", "required": ["targets", "milestones", "body"],
                "properties": {
                    "targets": { "type": "array", "items": schema_ref("Target") },
                    "milestones": { "type": "array", "items": schema_ref("Milestone") },
                    "body": { "type": "string" }
                }
            } ]
        },
        "Plan": {
            "type": "object", "required": ["revision", "title", "period", "goals", "sections", "tasks", "groups"],
            "properties": {
                "revision": { "type": "object", "required": ["id", "number", "title"], "properties": {
                    "id": { "type": "integer" }, "plan_id": { "type": "integer" }, "number": { "type": "integer" }, "title": { "type": "string" },
                    "period_start": { "type": "integer" }, "period_end": { "type": "integer" },
                    "source_kind": { "type": "string" }, "source_name": { "type": "string" },
                    "created_at": { "type": "string", "format": "date-time" }, "created_by": { "type": "string" },
                    "task_count": { "type": "integer" }
                } },
                "title": { "type": "string" },
                "period": { "type": "object", "required": ["start", "end"], "properties": { "start": { "type": "integer" }, "end": { "type": "integer" } } },
                "goals": { "type": "array", "items": schema_ref("Target") },
                "sections": { "type": "array", "items": { "type": "object", "properties": { "number": { "type": "string" }, "title": { "type": "string" } } } },
                "tasks": { "type": "array", "items": schema_ref("Task") },
                "groups": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "members": { "type": "array", "items": { "type": "string" } } } } }
            }
        }
    })
}

/// The whole document for these facts.
pub fn spec(f: &Facts) -> Value {
    let mut paths = Map::new();
    for (method, path, build) in super::operations() {
        let full = format!("/api/v1{path}");
        let entry = paths.entry(full).or_insert_with(|| json!({}));
        let m = if method == Method::POST {
            "post"
        } else {
            "get"
        };
        entry[m] = build(f);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "PlanWatch 行动计划监测评价系统 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "读取当前计划、任务、责任单位、指标监测结果、考核得分和指标正式数值；用单位的接口令牌写入该单位的指标数值。读取可用登录后的浏览器会话，或具有 read 权限的接口令牌；写入只接受具有 write 权限的接口令牌。检查规则与网页填报、Excel 报送表相同。错误一律以 application/problem+json（RFC 9457）回答，detail 为中文说明，field 指出出错的参数。每次读取都带 ETag 和 Last-Modified，重复读取可用 If-None-Match 得到 304。每个令牌（或登录用户）每分钟的请求数有上限，超过时回答 429 并给出 Retry-After。一个系统可同时管理多项计划：每个接口都可在路径前加 /p/{计划代码}（例如 /p/szjj/api/v1/tasks）读写该计划；不加时为最近一次在路径中指定的计划（浏览器），或最早的进行中计划。计划代码见 planwatch plan list；未知的代码回答 404。"
        },
        "servers": [ { "url": "/" } ],
        "security": read_security(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": f.session_cookie, "description": "登录后浏览器持有的会话 Cookie（只能读取）" },
                "token": { "type": "http", "scheme": "bearer", "description": "单位的接口令牌，由领导小组办公室在“接口令牌”页面生成，生成时选定权限：read（读取计划、任务、单位、指标、得分、数值）、write（写入本单位指标数值），或两者" }
            },
            "schemas": schemas(f)
        }
    })
}

/// The document as served: it names today's last `as_of` date, so it is judged by today.
pub async fn document(
    State(state): State<AppState>,
    q: Params,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    q.only(&[])?;
    let mut r = Json(spec(&Facts::now(&state).await?)).into_response();
    r.extensions_mut().insert(super::conditional::JudgedToday);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        let q = |s: &str| Quarter::parse(s).expect("quarter");
        Facts {
            periods: Quarter::range(q("2022Q1"), q("2024Q2")).collect(),
            quarters: Quarter::range(q("2022Q1"), q("2024Q4")).collect(),
            as_of_pattern: params::as_of_pattern(
                chrono::NaiveDate::from_ymd_opt(2024, 5, 1).expect("date"),
            ),
            session_cookie: "pw_session",
        }
    }

    #[test]
    fn every_route_is_in_the_document_once_with_its_method() {
        let doc = spec(&facts());
        let mut listed = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                listed.push(format!("{} {path}", method.to_uppercase()));
            }
        }
        listed.sort();
        let mut routes: Vec<String> = super::super::operations()
            .into_iter()
            .map(|(m, p, _)| format!("{m} /api/v1{p}"))
            .collect();
        routes.sort();
        assert_eq!(listed, routes);
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc = spec(&facts());
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        for piece in text.split("#/components/schemas/").skip(1) {
            let name: String = piece.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(
                schemas.contains_key(&name),
                "{name} is referenced but not defined"
            );
        }
    }

    #[test]
    fn every_error_of_every_operation_is_a_problem_and_every_read_says_304_422_429() {
        let doc = spec(&facts());
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                let responses = op["responses"].as_object().expect("responses");
                for (status, r) in responses {
                    let code: u16 = status.parse().expect("numeric status");
                    if code >= 400 {
                        assert_eq!(
                            r["content"][PROBLEM_JSON]["schema"]["$ref"],
                            "#/components/schemas/Problem",
                            "{method} {path} {status}"
                        );
                        assert!(
                            r["description"].as_str().is_some_and(|d| !d.is_empty()),
                            "{method} {path} {status}"
                        );
                    }
                }
                for must in ["200", "422", "500", "503"] {
                    assert!(responses.contains_key(must), "{method} {path} {must}");
                }
                if method == "get" {
                    assert!(responses.contains_key("304"), "{method} {path} 304");
                }
                if path != "/api/v1/openapi.json" {
                    assert!(responses.contains_key("429"), "{method} {path} 429");
                    assert!(responses.contains_key("401"), "{method} {path} 401");
                    assert!(op["security"].is_array(), "{method} {path} security");
                }
            }
        }
    }

    #[test]
    fn the_period_enum_is_the_plans_quarters_up_to_now_and_writes_take_the_plans() {
        let doc = spec(&facts());
        let period = &doc["paths"]["/api/v1/indicators"]["get"]["parameters"][0];
        assert_eq!(period["name"], "period");
        let e = period["schema"]["enum"].as_array().expect("enum");
        assert_eq!(
            (e.first(), e.last()),
            (Some(&json!("2022Q1")), Some(&json!("2024Q2")))
        );
        let q = &doc["components"]["schemas"]["ValueInput"]["properties"]["quarter"]["enum"];
        assert_eq!(q.as_array().map(Vec::len), Some(12));
    }

    #[test]
    fn the_words_of_the_monitor_are_listed_from_their_types() {
        assert!(lights().contains(&json!("grey")));
        assert!(verdicts().contains(&json!("no_data")));
        assert!(stages().contains(&json!("final_year")));
        assert!(unit_kinds().contains(&json!("county_government")));
        assert!(statuses().contains(&json!("behind_schedule")));
    }
}
