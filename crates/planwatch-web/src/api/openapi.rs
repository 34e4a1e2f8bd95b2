//! The OpenAPI 3.1 document of the JSON API, written by hand next to the handlers it describes
//! (a test checks that every API route is in it and nothing else is).

use axum::Json;
use serde_json::{Value, json};

/// Every path the document describes, for the tests that compare it with the router.
#[cfg(test)]
pub const PATHS: [&str; 9] = [
    "/api/v1/openapi.json",
    "/api/v1/plan",
    "/api/v1/units",
    "/api/v1/tasks",
    "/api/v1/tasks/{number}",
    "/api/v1/indicators",
    "/api/v1/indicators/{id}",
    "/api/v1/scores",
    "/api/v1/values",
];

fn error_responses() -> Value {
    json!({
        "401": { "description": "未登录或登录已过期", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "403": { "description": "无权访问", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "404": { "description": "不存在（或尚未导入计划）", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

fn ok(description: &str, schema: Value) -> Value {
    let mut r = error_responses();
    r["200"] = json!({ "description": description, "content": { "application/json": { "schema": schema } } });
    r
}

fn period_param() -> Value {
    json!({ "name": "period", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^[0-9]{4}Q[1-4]$" }, "description": "季度（默认：最近有报送的季度）" })
}

fn as_of_param() -> Value {
    json!({ "name": "as_of", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^(today|[0-9]{4}-[0-9]{2}-[0-9]{2})$" }, "description": "评价截止日：today 或 YYYY-MM-DD（默认：该季度的下一季度末，早于今天时为今天；与 planwatch assess 和年度报告相同）" })
}

pub fn spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "PlanWatch 行动计划监测评价系统 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "读取当前计划、任务、责任单位、指标监测结果和考核得分；用单位的接口令牌写入该单位的指标数值。读取可用登录后的浏览器会话或接口令牌；写入只接受接口令牌。检查规则与网页填报、Excel 报送表相同。"
        },
        "servers": [ { "url": "/" } ],
        "security": [ { "session": [] }, { "token": [] } ],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "pw_session", "description": "登录后浏览器持有的会话 Cookie（只读）" },
                "token": { "type": "http", "scheme": "bearer", "description": "单位的接口令牌，由领导小组办公室在“接口令牌”页面生成" }
            },
            "schemas": schemas()
        }
    })
}

fn paths() -> Value {
    json!({
        "/api/v1/openapi.json": {
            "get": {
                "summary": "本文档",
                "security": [],
                "responses": { "200": { "description": "OpenAPI 文档", "content": { "application/json": {} } } }
            }
        },
        "/api/v1/plan": {
            "get": {
                "summary": "当前计划：版本、主要目标、章节、任务和单位组",
                "responses": ok("当前计划", json!({ "$ref": "#/components/schemas/Plan" }))
            }
        },
        "/api/v1/units": {
            "get": {
                "summary": "全部责任单位",
                "responses": ok("单位列表", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Unit" } }))
            }
        },
        "/api/v1/tasks": {
            "get": {
                "summary": "当前计划的全部任务",
                "responses": ok("任务列表", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Task" } }))
            }
        },
        "/api/v1/indicators": {
            "get": {
                "summary": "全部指标的监测结果：红绿灯、状态、最新值、考核目标、预测",
                "parameters": [ period_param(), as_of_param() ],
                "responses": ok("指标监测结果", json!({ "$ref": "#/components/schemas/Indicators" }))
            }
        },
        "/api/v1/indicators/{id}": {
            "get": {
                "summary": "一项指标的监测结果及其季度数值序列",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "指标编号，如 doctors-per-1000" }, period_param(), as_of_param() ],
                "responses": ok("指标详情", json!({ "$ref": "#/components/schemas/Indicator" }))
            }
        },
        "/api/v1/scores": {
            "get": {
                "summary": "单位、专班、县（区）得分与排名及总体得分",
                "parameters": [ period_param(), as_of_param() ],
                "responses": ok("考核得分", json!({ "$ref": "#/components/schemas/Scores" }))
            }
        },
        "/api/v1/values": {
            "post": {
                "summary": "写入本单位指标数值：一项，或以 {\"values\": […]} 一次写入多项（1–500 项，逐项检查、逐项答复）；保存为本单位季度报告草稿，仍由单位负责人审核报送",
                "security": [ { "token": [] } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "oneOf": [
                    { "$ref": "#/components/schemas/ValueInput" },
                    { "$ref": "#/components/schemas/ValueBatch" }
                ] } } } },
                "responses": {
                    "200": { "description": "已保存（一项）；或多项的逐项结果", "content": { "application/json": { "schema": { "oneOf": [
                        { "$ref": "#/components/schemas/ValueSaved" },
                        { "$ref": "#/components/schemas/ValuesSaved" }
                    ] } } } },
                    "401": { "description": "缺少或无效的接口令牌", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                    "403": { "description": "该指标不由令牌所属单位报送", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                    "409": { "description": "报告已报送或已采纳，或报送期已锁定", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problems" } } } },
                    "422": { "description": "数值未通过检查（原因逐条列出），未保存", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problems" } } } }
                }
            }
        },
        "/api/v1/tasks/{number}": {
            "get": {
                "summary": "一项任务及其目标、节点和原文",
                "parameters": [ { "name": "number", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 }, "description": "任务序号" } ],
                "responses": ok("任务详情", json!({ "$ref": "#/components/schemas/TaskDetail" }))
            }
        }
    })
}

fn schemas() -> Value {
    let unit_ref = json!({ "$ref": "#/components/schemas/UnitRef" });
    json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                "code": { "type": "string", "enum": ["not_signed_in", "forbidden", "not_found", "bad_request", "csrf", "too_many_attempts", "internal"] },
                "message": { "type": "string", "description": "中文说明" },
                "reference": { "type": "string", "description": "内部错误的参考编号（同时记录在服务器日志中）" }
            } } }
        },
        "Problems": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message", "problems"], "properties": {
                "code": { "type": "string" }, "message": { "type": "string" },
                "problems": { "type": "array", "items": { "type": "string" }, "description": "与网页填报、Excel 报送表相同的中文提示" }
            } } }
        },
        "ValueInput": {
            "type": "object", "required": ["indicator", "quarter", "value"],
            "properties": {
                "indicator": { "type": "string", "description": "指标编号" },
                "quarter": { "type": "string", "pattern": "^[0-9]{4}Q[1-4]$", "description": "季度，如 2024Q3" },
                "value": { "type": "number", "description": "截至本季度末完成值" },
                "source": { "type": "string", "description": "数据来源" },
                "note": { "type": "string", "description": "说明（变动较大时必填）" }
            }
        },
        "ValueBatch": {
            "type": "object", "required": ["values"],
            "properties": { "values": { "type": "array", "minItems": 1, "maxItems": 500, "items": { "$ref": "#/components/schemas/ValueInput" } } }
        },
        "ValuesSaved": {
            "type": "object", "required": ["unit", "saved", "refused", "results"],
            "properties": {
                "unit": { "type": "string" }, "saved": { "type": "integer" }, "refused": { "type": "integer" },
                "results": { "type": "array", "description": "按提交顺序逐项答复", "items": { "type": "object", "required": ["indicator", "quarter", "status"], "properties": {
                    "indicator": { "type": "string" }, "quarter": { "type": "string" },
                    "status": { "type": "integer", "description": "200 已保存；403 非本单位指标；409 报告已报送或已锁定；422 未通过检查" },
                    "version": { "type": "integer" }, "report_state": { "type": "string" },
                    "error": { "type": "object", "properties": { "code": { "type": "string" }, "message": { "type": "string" }, "problems": { "type": "array", "items": { "type": "string" } } } }
                } } }
            }
        },
        "ValueSaved": {
            "type": "object",
            "properties": { "unit": { "type": "string" }, "quarter": { "type": "string" }, "indicator": { "type": "string" }, "value": { "type": "number" }, "report_state": { "type": "string" }, "version": { "type": "integer" } }
        },
        "Indicator": {
            "type": "object", "required": ["id", "name", "light", "status", "status_label", "verdict", "verdict_label", "explanation"],
            "properties": {
                "id": { "type": "string" }, "name": { "type": "string" }, "unit": { "type": ["string", "null"] },
                "reporter": { "type": "string" },
                "light": { "type": "string", "enum": ["green", "yellow", "red", "grey"] },
                "status": { "type": "string" }, "status_label": { "type": "string" },
                "verdict": { "type": "string", "enum": ["achieved", "on_schedule", "behind", "no_data"] }, "verdict_label": { "type": "string" },
                "latest": { "type": ["object", "null"], "properties": { "at": { "type": "string" }, "value": { "type": "number" }, "text": { "type": "string" } } },
                "target": { "type": ["object", "null"], "properties": { "comparator": { "type": "string" }, "value": { "type": "number" }, "at": { "type": "string" } } },
                "forecast": { "type": ["string", "null"] },
                "explanation": { "type": "string" },
                "series": { "type": "array", "items": { "type": "object", "properties": { "quarter": { "type": "string" }, "value": { "type": "number" }, "source": { "type": "string" } } } }
            }
        },
        "Indicators": {
            "type": "object",
            "properties": { "period": { "type": "string" }, "as_of": { "type": "string", "format": "date" }, "stage": { "type": "string", "enum": ["running", "final_year", "closed"] }, "demo": { "type": "boolean" }, "indicators": { "type": "array", "items": { "$ref": "#/components/schemas/Indicator" } } }
        },
        "Score": {
            "type": "object",
            "properties": { "name": { "type": "string" }, "class": { "type": ["string", "null"] }, "rank": { "type": ["integer", "null"] }, "class_size": { "type": ["integer", "null"] }, "score": { "type": "number" } }
        },
        "Scores": {
            "type": "object",
            "properties": {
                "period": { "type": "string" }, "as_of": { "type": "string", "format": "date" }, "demo": { "type": "boolean" },
                "overall": { "type": ["number", "null"] }, "indicator_index": { "type": ["number", "null"] },
                "units": { "type": "array", "items": { "$ref": "#/components/schemas/Score" } },
                "task_forces": { "type": "array", "items": { "$ref": "#/components/schemas/Score" } },
                "areas": { "type": "array", "items": { "$ref": "#/components/schemas/Score" } }
            }
        },
        "UnitRef": {
            "type": "object", "required": ["id", "name", "kind"],
            "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "kind": { "$ref": "#/components/schemas/UnitKind" } }
        },
        "UnitKind": { "type": "string", "enum": ["city_department", "county_government", "development_zone", "enterprise", "institution", "group", "other"] },
        "Unit": {
            "type": "object", "required": ["id", "name", "kind", "kind_label"],
            "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "kind": { "$ref": "#/components/schemas/UnitKind" }, "kind_label": { "type": "string", "description": "市直部门、县（区）等" } }
        },
        "Target": {
            "type": "object", "required": ["text", "indicator"],
            "properties": {
                "text": { "type": "string" }, "indicator": { "type": "string" },
                "value": { "type": ["number", "null"] }, "value_max": { "type": ["number", "null"] },
                "value_text": { "type": "string" }, "unit": { "type": ["string", "null"] },
                "year": { "type": ["integer", "null"] },
                "comparator": { "type": ["string", "null"], "enum": ["at_least", "at_most", "equal", "about", "double", "qualitative", null] },
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
                "task_force": { "type": ["string", "null"] },
                "target_count": { "type": "integer" }, "milestone_count": { "type": "integer" }
            }
        },
        "TaskDetail": {
            "allOf": [ { "$ref": "#/components/schemas/Task" }, {
                "type": "object", "required": ["targets", "milestones", "body"],
                "properties": {
                    "targets": { "type": "array", "items": { "$ref": "#/components/schemas/Target" } },
                    "milestones": { "type": "array", "items": { "$ref": "#/components/schemas/Milestone" } },
                    "body": { "type": "string" }
                }
            } ]
        },
        "Plan": {
            "type": "object", "required": ["revision", "title", "period", "goals", "sections", "tasks", "groups"],
            "properties": {
                "revision": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "number": { "type": "integer" }, "title": { "type": "string" },
                    "source_kind": { "type": "string" }, "source_name": { "type": "string" },
                    "created_at": { "type": "string", "format": "date-time" }, "created_by": { "type": "string" },
                    "task_count": { "type": "integer" }
                } },
                "title": { "type": "string" },
                "period": { "type": "object", "properties": { "start": { "type": "integer" }, "end": { "type": "integer" } } },
                "goals": { "type": "array", "items": { "$ref": "#/components/schemas/Target" } },
                "sections": { "type": "array", "items": { "type": "object", "properties": { "number": { "type": "string" }, "title": { "type": "string" } } } },
                "tasks": { "type": "array", "items": { "$ref": "#/components/schemas/Task" } },
                "groups": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "members": { "type": "array", "items": { "type": "string" } } } } }
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_exactly_the_api_paths() {
        let doc = spec();
        let mut listed: Vec<&str> = doc["paths"]
            .as_object()
            .expect("paths is an object")
            .keys()
            .map(String::as_str)
            .collect();
        listed.sort_unstable();
        let mut expected = PATHS.to_vec();
        expected.sort_unstable();
        assert_eq!(listed, expected);
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc = spec();
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
}
