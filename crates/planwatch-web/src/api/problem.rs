//! Errors of the API as RFC 9457 problem details (`application/problem+json`): a stable `type`
//! per kind of error, a Chinese `title` and `detail`, the HTTP `status`, and where it applies
//! the parameter or body field in error (`field`), what it allows (`allowed`), the checks a value
//! failed (`problems`) or the reference number of an unexpected error (`reference`). The
//! OpenAPI document describes this one shape (`Problem`) for every error of every operation.

use super::super::error::{UNAVAILABLE_RETRY_AFTER_SECS, WebError, new_reference, unavailable_in};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of every API error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every kind of API error, each with its stable `type` and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NotSignedIn,
    Forbidden,
    NotFound,
    /// A request body that is not JSON at all.
    MalformedBody,
    /// A body that is not sent as `application/json`.
    UnsupportedMediaType,
    /// A parameter or body field that breaks its rule (pattern, range, the plan's quarters).
    InvalidParameter,
    /// A value the quarterly checks refused (the form's and the Excel reader's checks).
    InvalidValue,
    /// The report is submitted, accepted or its period locked.
    ReportClosed,
    /// The report changed while the value was being saved.
    NotSaved,
    /// A page cursor of an older data version.
    StaleCursor,
    TooManyRequests,
    TooLarge,
    /// The database cannot be reached now (503 with `Retry-After`).
    Unavailable,
    Internal,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::NotSignedIn,
        Kind::Forbidden,
        Kind::NotFound,
        Kind::MalformedBody,
        Kind::UnsupportedMediaType,
        Kind::InvalidParameter,
        Kind::InvalidValue,
        Kind::ReportClosed,
        Kind::NotSaved,
        Kind::StaleCursor,
        Kind::TooManyRequests,
        Kind::TooLarge,
        Kind::Unavailable,
        Kind::Internal,
    ];

    /// The stable slug of the `type` URI.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::NotSignedIn => "not-signed-in",
            Kind::Forbidden => "forbidden",
            Kind::NotFound => "not-found",
            Kind::MalformedBody => "malformed-body",
            Kind::UnsupportedMediaType => "unsupported-media-type",
            Kind::InvalidParameter => "invalid-parameter",
            Kind::InvalidValue => "invalid-value",
            Kind::ReportClosed => "report-closed",
            Kind::NotSaved => "not-saved",
            Kind::StaleCursor => "stale-cursor",
            Kind::TooManyRequests => "too-many-requests",
            Kind::TooLarge => "too-large",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }

    /// The `type` URI: a URN, stable across servers and versions (not a page to fetch).
    pub fn type_uri(self) -> String {
        format!("urn:planwatch:problem:{}", self.slug())
    }

    pub fn status(self) -> StatusCode {
        match self {
            Kind::NotSignedIn => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MalformedBody => StatusCode::BAD_REQUEST,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::InvalidParameter | Kind::InvalidValue => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::ReportClosed | Kind::NotSaved | Kind::StaleCursor => StatusCode::CONFLICT,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short Chinese summary of the kind (RFC 9457 `title`).
    pub fn title(self) -> &'static str {
        match self {
            Kind::NotSignedIn => "未登录或令牌无效",
            Kind::Forbidden => "无权执行此操作",
            Kind::NotFound => "资源不存在",
            Kind::MalformedBody => "请求内容不是有效的 JSON",
            Kind::UnsupportedMediaType => "请求内容类型不受支持",
            Kind::InvalidParameter => "参数不符合要求",
            Kind::InvalidValue => "数值未通过检查",
            Kind::ReportClosed => "报告已报送或已锁定",
            Kind::NotSaved => "未能保存",
            Kind::StaleCursor => "数据已更新",
            Kind::TooManyRequests => "请求过于频繁",
            Kind::TooLarge => "请求内容过大",
            Kind::Unavailable => "服务暂时不可用",
            Kind::Internal => "内部错误",
        }
    }
}

/// One problem details object (RFC 9457).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The parameter or body field in error (`period`, `as_of`, `values[2].quarter`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the field allows, in words (`2022Q1—2024Q2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
    /// Each check a value failed, in the words of the form and the Excel reader.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The reference number of an unexpected error (also in the server log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Seconds until the caller may try again (with 429; also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Problem {
        Problem {
            type_uri: kind.type_uri(),
            title: kind.title(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            field: None,
            allowed: None,
            problems: Vec::new(),
            reference: None,
            retry_after: None,
        }
    }

    /// A parameter (or body field) that breaks its rule: 422 naming the field.
    pub fn invalid(field: &str, detail: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.to_string()),
            ..Problem::new(Kind::InvalidParameter, detail)
        }
    }

    pub fn allowing(mut self, allowed: impl Into<String>) -> Problem {
        self.allowed = Some(allowed.into());
        self
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut r = (self.status(), body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// An API error: a problem, answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(Box::new(p))
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError::from(match e {
            WebError::NotSignedIn { .. } => Problem::new(
                Kind::NotSignedIn,
                "未登录或登录已过期，或接口令牌无效（Authorization: Bearer …）",
            ),
            WebError::Forbidden(m) => Problem::new(Kind::Forbidden, m),
            WebError::NotFound => Problem::new(Kind::NotFound, "资源不存在"),
            // The API parses its own parameters; a bad request from below is the plan missing.
            WebError::BadRequest(m) => Problem::new(Kind::NotFound, m),
            WebError::Csrf => Problem::new(Kind::Forbidden, "表单已失效"),
            WebError::TooManyAttempts { minutes } => Problem {
                retry_after: Some(u64::try_from(minutes.max(1) * 60).unwrap_or(60)),
                ..Problem::new(
                    Kind::TooManyRequests,
                    format!("请求过多，请 {minutes} 分钟后再试"),
                )
            },
            WebError::TooLarge { limit_mb } => Problem::new(
                Kind::TooLarge,
                format!("请求内容过大：上限为 {limit_mb} MB"),
            ),
            WebError::Unavailable(detail) => unavailable(&detail),
            WebError::Internal(e) => match unavailable_in(&e) {
                Some(detail) => unavailable(&detail),
                None => internal(&e),
            },
        })
    }
}

/// An unexpected error: logged under a reference number that the problem gives.
fn internal(e: &anyhow::Error) -> Problem {
    let reference = new_reference();
    tracing::error!(reference = %reference, error = %format!("{e:#}"), "unexpected API error");
    Problem {
        reference: Some(reference),
        ..Problem::new(
            Kind::Internal,
            "内部错误，数据未作更改；请把参考编号告知系统管理员",
        )
    }
}

/// The database cannot be reached: 503, `Retry-After`, and the same words as the page.
fn unavailable(detail: &str) -> Problem {
    tracing::debug!(error = %detail, "database unavailable: API answered 503");
    Problem {
        retry_after: Some(UNAVAILABLE_RETRY_AFTER_SECS),
        ..Problem::new(
            Kind::Unavailable,
            "数据库暂时无法访问（可能正在维护或重启），请求未完成，数据未作更改；请稍后重试",
        )
    }
}

impl From<planwatch_store::StoreError> for ApiError {
    fn from(e: planwatch_store::StoreError) -> Self {
        ApiError::from(WebError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (*self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_type_and_a_chinese_title() {
        let mut seen = std::collections::BTreeSet::new();
        for k in Kind::ALL {
            assert!(seen.insert(k.type_uri()), "{k:?}");
            assert!(
                k.title()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            );
            assert!(k.status().is_client_error() || k.status().is_server_error());
        }
    }

    #[test]
    fn a_problem_is_problem_json_with_its_field() {
        let p = Problem::invalid("period", "季度“3890Q3”不在计划期内").allowing("2022Q1—2024Q2");
        let v = p.to_json();
        assert_eq!(v["type"], "urn:planwatch:problem:invalid-parameter");
        assert_eq!(v["status"], 422);
        assert_eq!(v["field"], "period");
        assert_eq!(v["allowed"], "2022Q1—2024Q2");
        assert!(v.get("problems").is_none());
        let r = p.into_response();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
