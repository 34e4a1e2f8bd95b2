//! 待办: everything the signed-in person has to do now (`planwatch_app::todo`), the same list
//! the home page starts with and `GET /api/v1/todo` returns.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use planwatch_app::todo::TodoItem;

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    c: Chrome,
    who: String,
    todo: Vec<TodoItem>,
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let todo = super::super::todo::items(&state, &user.user).await?;
    let u = &user.user;
    let who = match (&u.unit, &u.task_force) {
        (Some(unit), _) => format!("{unit}{}", u.role.label_zh()),
        (None, Some(tf)) => tf.clone(),
        _ => u.role.label_zh().to_string(),
    };
    render(&TodoPage {
        c: Chrome::new(&state, &user, "todo", "待办").await?,
        who,
        todo,
    })
}
