//! One error type for every page handler, turned into a response here. What the person sees
//! (a Chinese message, or a reference number for an unexpected error) is kept apart from what is
//! logged (the error itself, under the same reference number).

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use planwatch_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No valid session: pages redirect to the sign-in page, the API answers 401.
    #[error("未登录或登录已过期")]
    NotSignedIn { next: String },
    /// Signed in, but the role (or unit) does not allow this.
    #[error("{0}")]
    Forbidden(String),
    #[error("页面不存在")]
    NotFound,
    /// A request that cannot be understood (not a form error: those re-render the form).
    #[error("{0}")]
    BadRequest(String),
    /// A form was posted without the right CSRF token (usually an old tab after signing out).
    #[error("表单已失效")]
    Csrf,
    /// Too many failed sign-ins.
    #[error("登录失败次数过多，请 {minutes} 分钟后再试")]
    TooManyAttempts { minutes: i64 },
    /// The request body is larger than the server accepts.
    #[error("上传内容过大：上限为 {limit_mb} MB")]
    TooLarge { limit_mb: usize },
    /// The database cannot be reached now (PostgreSQL stopped or restarting): 503 with
    /// `Retry-After`, at once, so that people and load balancers see it (decision 0065).
    #[error("数据库暂时无法访问：{0}")]
    Unavailable(String),
    /// Anything unexpected: logged with a reference number that the page shows.
    #[error("内部错误：{0:#}")]
    Internal(anyhow::Error),
}

/// Seconds a client is asked to wait (`Retry-After`) while the database cannot be reached.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 10;

/// What a person reads while the database cannot be reached.
pub const UNAVAILABLE_MESSAGE: &str = "数据库暂时无法访问（可能正在维护或重启），本次操作未完成，数据未作更改。请稍等片刻后刷新页面重试。";

/// The store's "cannot reach the database" anywhere in an error's chain (use cases wrap store
/// errors in `anyhow`), as its detail for the log.
pub fn unavailable_in(e: &anyhow::Error) -> Option<String> {
    e.chain()
        .filter_map(|c| c.downcast_ref::<StoreError>())
        .find(|s| s.is_unavailable())
        .map(ToString::to_string)
}

/// An unexpected error, unless the database simply cannot be reached.
fn internal(e: anyhow::Error) -> WebError {
    match unavailable_in(&e) {
        Some(detail) => WebError::Unavailable(detail),
        None => WebError::Internal(e),
    }
}

impl WebError {
    /// The same error for another caller (one failed save answers every value it carried).
    pub fn duplicate(&self) -> WebError {
        match self {
            WebError::NotSignedIn { next } => WebError::NotSignedIn { next: next.clone() },
            WebError::Forbidden(m) => WebError::Forbidden(m.clone()),
            WebError::NotFound => WebError::NotFound,
            WebError::BadRequest(m) => WebError::BadRequest(m.clone()),
            WebError::Csrf => WebError::Csrf,
            WebError::TooManyAttempts { minutes } => {
                WebError::TooManyAttempts { minutes: *minutes }
            }
            WebError::TooLarge { limit_mb } => WebError::TooLarge {
                limit_mb: *limit_mb,
            },
            WebError::Unavailable(d) => WebError::Unavailable(d.clone()),
            WebError::Internal(e) => match unavailable_in(e) {
                Some(d) => WebError::Unavailable(d),
                None => WebError::Internal(anyhow::anyhow!("{e:#}")),
            },
        }
    }
}

/// A multipart upload that could not be read: too large (the body limit) or malformed.
pub fn multipart_error(e: &axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge {
            limit_mb: super::MAX_BODY_BYTES / (1024 * 1024),
        }
    } else {
        WebError::BadRequest(format!("上传的内容无法读取：{e}"))
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoPlan => WebError::BadRequest(
                "数据库中还没有计划：请先导入计划（计划 → 导入新版本，或命令 planwatch init）"
                    .to_string(),
            ),
            StoreError::NoSuchRevision(_) | StoreError::UnknownUnit(_) => WebError::NotFound,
            e @ StoreError::PlanClosed { .. } => WebError::Forbidden(e.to_string()),
            e @ (StoreError::AmbiguousPlan(_)
            | StoreError::UnknownPlan { .. }
            | StoreError::PlanCodeTaken(_)) => WebError::BadRequest(e.to_string()),
            e @ StoreError::Unavailable { .. } => WebError::Unavailable(e.to_string()),
            other => WebError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(anyhow::anyhow!("template: {e}"))
    }
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        internal(e)
    }
}

pub type WebResult<T> = Result<T, WebError>;

/// A short random reference such as `PW-7F3A2C91`, shown to the person and written to the log.
pub fn new_reference() -> String {
    let mut b = [0u8; 4];
    // Without randomness the reference still has to be unique enough to find in the log.
    if getrandom::fill(&mut b).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        b = nanos.to_be_bytes();
    }
    format!("PW-{:02X}{:02X}{:02X}{:02X}", b[0], b[1], b[2], b[3])
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: &'a str,
    reference: Option<&'a str>,
    asset_version: &'static str,
}

fn error_page(
    status: StatusCode,
    heading: &str,
    message: &str,
    reference: Option<&str>,
) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        heading,
        message,
        reference,
        asset_version: super::assets::version(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: plain text still tells the person what happened.
        Err(_) => (status, format!("{heading}：{message}")).into_response(),
    }
}

/// The sign-in URL that comes back to `next` afterwards.
pub fn login_url(next: &str) -> String {
    if next.is_empty() || next == "/" {
        "/login".to_string()
    } else {
        format!("/login?next={}", percent_encode(next))
    }
}

/// Percent-encodes everything but unreserved characters (for a query value).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotSignedIn { next } => Redirect::to(&login_url(&next)).into_response(),
            WebError::Forbidden(why) => error_page(StatusCode::FORBIDDEN, "无权访问", &why, None),
            WebError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "页面不存在",
                "您访问的页面不存在，可能已被删除或地址有误。",
                None,
            ),
            WebError::BadRequest(why) => {
                error_page(StatusCode::BAD_REQUEST, "请求无法处理", &why, None)
            }
            WebError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "表单已失效",
                "该表单已过期或不是从本系统页面提交的（例如登录已失效）。请返回刷新页面后重新提交。",
                None,
            ),
            WebError::TooManyAttempts { minutes } => {
                let mut r = error_page(
                    StatusCode::TOO_MANY_REQUESTS,
                    "登录尝试过多",
                    &format!("登录失败次数过多，请 {minutes} 分钟后再试。"),
                    None,
                );
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(u64::try_from(minutes * 60).unwrap_or(900)),
                );
                r
            }
            WebError::TooLarge { limit_mb } => error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "上传内容过大",
                &format!(
                    "提交的内容超过了 {limit_mb} MB 的上限，未作任何更改。请删除多余的工作表、图片或空行后再上传。"
                ),
                None,
            ),
            WebError::Unavailable(detail) => {
                // Not a warning per request: /healthz logs the outage (twice a second under a
                // load balancer), and every request during it would drown that out.
                tracing::debug!(error = %detail, "database unavailable: answered 503");
                let mut r = error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "服务暂时不可用",
                    UNAVAILABLE_MESSAGE,
                    None,
                );
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS),
                );
                r
            }
            WebError::Internal(e) if unavailable_in(&e).is_some() => internal(e).into_response(),
            WebError::Internal(e) => {
                let reference = new_reference();
                tracing::error!(reference = %reference, error = %format!("{e:#}"), "unexpected error");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统错误",
                    "处理请求时发生了意外错误，操作未完成，数据未作更改。请把下面的参考编号告知系统管理员。",
                    Some(&reference),
                )
            }
        }
    }
}

/// A use case's failure where the handler has no form to show it beside: internal failures stay
/// internal, a role that may not is a 403, any other refusal a 400 with its message.
impl From<planwatch_app::AppError> for WebError {
    fn from(e: planwatch_app::AppError) -> Self {
        match e {
            planwatch_app::AppError::Internal(e) => internal(e),
            planwatch_app::AppError::Forbidden(m) => WebError::Forbidden(m),
            other => WebError::BadRequest(other.user_message().unwrap_or_default()),
        }
    }
}

/// A use case's answer as a page needs it: an internal failure becomes the page's error (logged,
/// shown under a reference), a role that may not becomes a 403; a refusal, a stale version or a refused file becomes the message
/// the page shows beside what the person entered.
pub fn shown<T>(r: Result<T, planwatch_app::AppError>) -> WebResult<Result<T, String>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(planwatch_app::AppError::Internal(e)) => Err(internal(e)),
        Err(planwatch_app::AppError::Forbidden(m)) => Err(WebError::Forbidden(m)),
        Err(e) => Ok(Err(e.user_message().unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_look_alike_and_differ() {
        let a = new_reference();
        let b = new_reference();
        assert_eq!(a.len(), 11);
        assert!(a.starts_with("PW-"));
        assert_ne!(a, b);
    }

    #[test]
    fn an_unreachable_database_is_503_with_retry_after_wherever_it_is_wrapped() {
        let store = || StoreError::Unavailable {
            detail: "等待数据库连接超时".to_string(),
        };
        let wrapped = anyhow::Error::from(store()).context("读取计划");
        for e in [
            WebError::from(store()),
            WebError::from(anyhow::Error::from(store())),
            WebError::from(planwatch_app::AppError::Internal(wrapped)),
            WebError::Internal(anyhow::Error::from(store())),
        ] {
            let r = e.into_response();
            assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(r.headers()[header::RETRY_AFTER], "10");
        }
        let other = WebError::from(anyhow::anyhow!("something else")).into_response();
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn the_sign_in_url_keeps_where_the_person_was_going() {
        assert_eq!(login_url("/"), "/login");
        assert_eq!(
            login_url("/tasks?by=专班"),
            "/login?next=/tasks%3Fby%3D%E4%B8%93%E7%8F%AD"
        );
    }
}
