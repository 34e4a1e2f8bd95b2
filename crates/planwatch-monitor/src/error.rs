//! Input errors: what is wrong with the data handed to the monitor, and where.

/// A problem with one piece of input: `place` names it (指标“…”(id) 的目标, 单位“…”), `problem`
/// says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}：{problem}")]
pub struct InputError {
    pub place: String,
    pub problem: String,
}

impl InputError {
    pub fn new(place: impl Into<String>, problem: impl Into<String>) -> InputError {
        InputError {
            place: place.into(),
            problem: problem.into(),
        }
    }
}

/// Every problem found in one assessment input; nothing is assessed while any remains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("监测输入有{}处错误：{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
pub struct InputErrors(pub Vec<InputError>);
