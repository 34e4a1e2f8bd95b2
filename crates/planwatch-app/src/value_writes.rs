//! Indicator values written by a unit's data platform (an API token): each value checked by the
//! one validator (`planwatch_quarterly::check`) on the values written, queued per report, and
//! saved into the unit's draft together with the values that arrived meanwhile.
//!
//! Values for the same report and token that arrive while an earlier one is being saved wait in
//! that report's queue and are then saved together: checked as rounds (each indicator at most
//! once per round), written as successive versions with an audit row each in one transaction — one
//! commit for all of them, so that a data platform sending a unit's figures at once neither gets
//! version conflicts nor waits for one commit per figure. If the values of a round do not pass
//! together, each is checked and saved on its own, so one bad value never blocks the others. A
//! value written this way is a draft: the unit's head still approves and sends the report.
//!
//! The HTTP adapter turns a request into [`ValueWrite`]s and each [`WriteOutcome`] into an
//! answer; persistence coordination is here.

use crate::reporting::{Context, save_drafts};
use crate::{AppError, Caller};
use chrono::{DateTime, Utc};
use planwatch_model::{IndicatorCode, Quarter, ReportState};
use planwatch_quarterly::check::{CheckContext, besides, check_report};
use planwatch_quarterly::content::{IndicatorRow, ReportContent};
use planwatch_quarterly::scope::ReportScope;
use planwatch_quarterly::workflow::ReportRecord;
use planwatch_store::{ApiToken, Store};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// One indicator value as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueWrite {
    /// The indicator's code (`doctors-per-1000`).
    pub indicator: IndicatorCode,
    pub quarter: Quarter,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// Why a value was refused before it reached a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAccepted {
    /// The quarter is outside the plan's period (the message).
    BadQuarter(String),
    /// The indicator is not reported by the token's unit (the message).
    NotTheUnits(String),
}

/// What became of one value.
#[derive(Debug, Clone)]
pub enum WriteOutcome {
    Saved(ReportRecord),
    /// The report is submitted or accepted: the message.
    Closed(String),
    /// The value does not pass the checks: the validator's messages.
    Invalid(Vec<String>),
    /// The workflow or the period refuses the save: the message.
    Refused(String),
}

/// An unexpected failure while saving (a database error), shared by every value of a batch.
pub type WriteError = Arc<anyhow::Error>;

pub use crate::error::token_user;

/// Checks that need no report: the quarter is the plan's and the indicator is the unit's.
pub fn precheck(ctx: &Context, token: &ApiToken, w: &ValueWrite) -> Result<(), NotAccepted> {
    use crate::policy::{TokenAction, token_allows, token_refusal};
    if !token_allows(token.scopes, TokenAction::WriteValues) {
        return Err(NotAccepted::NotTheUnits(token_refusal(
            token.scopes,
            TokenAction::WriteValues,
        )));
    }
    if ctx.period(w.quarter).is_err() {
        return Err(NotAccepted::BadQuarter(format!(
            "{}不在计划期内",
            w.quarter.label_zh()
        )));
    }
    if !ctx
        .inputs()
        .scope(&token.unit, w.quarter)
        .indicators
        .iter()
        .any(|d| d.code == w.indicator)
    {
        return Err(NotAccepted::NotTheUnits(format!(
            "指标“{}”不由“{}”报送，该令牌不能写入",
            w.indicator, token.unit
        )));
    }
    Ok(())
}

/// Whatever holds the server's store and can be handed to a task of its own (the web's state).
pub trait StoreHandle: Clone + Send + Sync + 'static {
    fn store(&self) -> &Store;
}

/// A report's queue key: (plan, unit, quarter, token).
type QueueKey = (Option<i64>, String, Quarter, i64);

/// The queues of API writes, one per report (plan, unit, quarter) and token.
#[derive(Default)]
pub struct ReportQueues {
    queues: Mutex<HashMap<QueueKey, Arc<ReportQueue>>>,
}

/// The API writes waiting for one report under one token.
#[derive(Default)]
pub struct ReportQueue {
    pending: Mutex<Vec<Pending>>,
    /// Held while a batch is taken and saved.
    turn: tokio::sync::Mutex<()>,
}

struct Pending {
    write: ValueWrite,
    reply: tokio::sync::oneshot::Sender<Result<WriteOutcome, WriteError>>,
}

fn not_answered() -> WriteError {
    Arc::new(anyhow::anyhow!("a queued API value was not answered"))
}

impl ReportQueues {
    fn queue(&self, unit: &str, q: Quarter, token: i64) -> Arc<ReportQueue> {
        self.queues
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((planwatch_store::plan_in_scope(), unit.to_string(), q, token))
            .or_default()
            .clone()
    }

    /// Writes values (each already prechecked) of the token's unit, and answers each in the
    /// order given. `now` gives the time of each save.
    pub async fn write<H: StoreHandle>(
        &self,
        handle: &H,
        ctx: Arc<Context>,
        token: &ApiToken,
        writes: Vec<ValueWrite>,
        now: fn() -> DateTime<Utc>,
    ) -> Vec<Result<WriteOutcome, WriteError>> {
        let mut waiting = Vec::with_capacity(writes.len());
        let mut queues: Vec<(Quarter, Arc<ReportQueue>)> = Vec::new();
        for w in writes {
            let q = w.quarter;
            let queue = self.queue(&token.unit, q, token.id);
            let (reply, answer) = tokio::sync::oneshot::channel();
            queue
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(Pending { write: w, reply });
            if !queues.iter().any(|(x, _)| *x == q) {
                queues.push((q, queue));
            }
            waiting.push(answer);
        }
        if let [(q, queue)] = queues.as_slice()
            && waiting.len() == 1
        {
            // One value: it may be saved by the batch of a caller ahead in the queue, with no
            // need to wait for a turn of its own.
            let mut answer = waiting.pop().expect("one");
            tokio::select! {
                biased;
                done = &mut answer => return vec![done.unwrap_or_else(|_| Err(not_answered()))],
                _turn = queue.turn.lock() => {
                    if let Err(e) = save_waiting(handle, &ctx, token, *q, queue, now).await {
                        return vec![Err(e)];
                    }
                }
            }
            return vec![answer.await.unwrap_or_else(|_| Err(not_answered()))];
        }
        for (q, queue) in &queues {
            let _turn = queue.turn.lock().await;
            if let Err(e) = save_waiting(handle, &ctx, token, *q, queue, now).await {
                return waiting.iter().map(|_| Err(e.clone())).collect();
            }
        }
        let mut out = Vec::with_capacity(waiting.len());
        for answer in waiting {
            out.push(answer.await.unwrap_or_else(|_| Err(not_answered())));
        }
        out
    }
}

/// Takes the queue's turn and saves everything waiting in it (in a task of its own, so that a
/// caller who hangs up cannot leave the others of the batch without an answer).
async fn save_waiting<H: StoreHandle>(
    handle: &H,
    ctx: &Arc<Context>,
    token: &ApiToken,
    q: Quarter,
    queue: &ReportQueue,
    now: fn() -> DateTime<Utc>,
) -> Result<(), WriteError> {
    let batch: Vec<Pending> =
        std::mem::take(&mut *queue.pending.lock().unwrap_or_else(|p| p.into_inner()));
    // Empty when an earlier batch, already finished, took ours.
    if !batch.is_empty() {
        let save = save_batch(handle.clone(), ctx.clone(), token.clone(), q, batch, now);
        // The task of its own works on the caller's plan (the request scope does not cross
        // `spawn` by itself).
        let task = match planwatch_store::plan_in_scope() {
            Some(plan) => tokio::spawn(planwatch_store::in_plan(plan, save)),
            None => tokio::spawn(save),
        };
        if task.await.is_err() {
            return Err(Arc::new(anyhow::anyhow!(
                "saving queued API values stopped unexpectedly"
            )));
        }
    }
    Ok(())
}

async fn save_batch<H: StoreHandle>(
    handle: H,
    ctx: Arc<Context>,
    token: ApiToken,
    q: Quarter,
    batch: Vec<Pending>,
    now: fn() -> DateTime<Utc>,
) {
    let (writes, replies): (Vec<ValueWrite>, Vec<_>) =
        batch.into_iter().map(|p| (p.write, p.reply)).unzip();
    // Rounds in arrival order with each indicator at most once, so that every value is checked
    // and answered for itself (a later value never hides an earlier bad one).
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (i, w) in writes.iter().enumerate() {
        match rounds.last_mut() {
            Some(r) if !r.iter().any(|&j| writes[j].indicator == w.indicator) => r.push(i),
            _ => rounds.push(vec![i]),
        }
    }
    let mut answers: Vec<Option<Result<WriteOutcome, WriteError>>> =
        (0..writes.len()).map(|_| None).collect();
    let settle = |result: Result<Settled, WriteError>,
                  which: &[usize],
                  answers: &mut Vec<Option<Result<WriteOutcome, WriteError>>>|
     -> Vec<usize> {
        match result {
            Ok((settled, alone)) => {
                for (i, outcome) in settled {
                    answers[i] = Some(Ok(outcome));
                }
                alone
            }
            Err(e) => {
                for &i in which {
                    answers[i] = Some(Err(e.clone()));
                }
                Vec::new()
            }
        }
    };
    let store = handle.store();
    let all: Vec<usize> = (0..writes.len()).collect();
    let result = save_rounds(store, &ctx, &token, q, &writes, &rounds, now).await;
    let alone = settle(result, &all, &mut answers);
    for i in alone {
        let result = save_rounds(store, &ctx, &token, q, &writes, &[vec![i]], now).await;
        settle(result, &[i], &mut answers);
    }
    for (reply, answer) in replies.into_iter().zip(answers) {
        // A caller who hung up no longer needs the answer; the value is saved all the same.
        if let Some(answer) = answer {
            let _ = reply.send(answer);
        }
    }
}

/// What `save_rounds` settled (value index and outcome), and the values to try one by one.
type Settled = (Vec<(usize, WriteOutcome)>, Vec<usize>);

/// Checks the values of one round with the one validator, on the values written alone (the rest
/// of the draft is the unit's to complete and is checked in full when the unit approves and
/// sends), and gives their rows as kept, or the messages.
fn check_round(
    ctx: &Context,
    scope: &ReportScope<'_>,
    values: &[&ValueWrite],
    history: &BTreeMap<String, Vec<(Quarter, f64)>>,
) -> Result<Vec<IndicatorRow>, Vec<String>> {
    let narrow = ReportScope {
        unit: scope.unit.clone(),
        period: scope.period,
        rows: Vec::new(),
        indicators: scope
            .indicators
            .iter()
            .copied()
            .filter(|d| values.iter().any(|x| x.indicator == d.code))
            .collect(),
    };
    let mut part = ReportContent::new(&scope.unit, scope.period);
    part.indicators = values
        .iter()
        .map(|w| IndicatorRow {
            code: w.indicator.clone(),
            value: Some(w.value),
            source: w.source.trim().to_string(),
            note: w.note.trim().to_string(),
        })
        .collect();
    check_report(
        &part,
        &CheckContext {
            scope: &narrow,
            history,
            settings: &ctx.settings,
            require_complete: false,
        },
    )
    .map(|c| c.indicators)
    .map_err(|issues| {
        besides(issues, &[])
            .into_iter()
            .map(|i| i.message)
            .collect()
    })
}

/// How often API values are applied again when the report changed under them.
const MAX_ATTEMPTS: u32 = 5;

/// Checks every round and saves the rounds that pass as successive versions of the report in
/// one transaction — each with its own audit row, one commit for all — applied again to the
/// newer report if someone saved it in between. Returns the outcome of each value it settled,
/// and the values of rounds of several values that did not pass together (to be tried one by
/// one, so that each gets its own verdict).
async fn save_rounds(
    store: &Store,
    ctx: &Context,
    token: &ApiToken,
    q: Quarter,
    writes: &[ValueWrite],
    rounds: &[Vec<usize>],
    now: fn() -> DateTime<Utc>,
) -> Result<Settled, WriteError> {
    let now = now();
    let scope = ctx.inputs().scope(&token.unit, q);
    // The series of the indicators written, other quarters' values only: writes to this quarter
    // do not change it.
    let codes: BTreeSet<&str> = rounds
        .iter()
        .flatten()
        .map(|&i| writes[i].indicator.as_str())
        .collect();
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut history = store
        .indicator_history_of(&codes)
        .await
        .map_err(|e| Arc::new(e.into()))?;
    for v in history.values_mut() {
        v.retain(|(p, _)| *p != q);
    }
    let mut settled = Vec::new();
    let mut retry_alone = Vec::new();
    let mut passed: Vec<(&Vec<usize>, Vec<IndicatorRow>)> = Vec::new();
    for round in rounds {
        let values: Vec<&ValueWrite> = round.iter().map(|&i| &writes[i]).collect();
        match check_round(ctx, &scope, &values, &history) {
            Ok(rows) => passed.push((round, rows)),
            Err(found) if round.len() == 1 => {
                settled.push((round[0], WriteOutcome::Invalid(found)))
            }
            Err(_) => retry_alone.extend(round.iter().copied()),
        }
    }
    if passed.is_empty() {
        return Ok((settled, retry_alone));
    }
    let every = |o: &dyn Fn() -> WriteOutcome, settled: &mut Vec<(usize, WriteOutcome)>| {
        for (round, _) in &passed {
            settled.extend(round.iter().map(|&i| (i, o())));
        }
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let stored = store
            .report_current(&token.unit, q)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        if let Some(r) = &stored
            && matches!(
                r.record.state,
                ReportState::Submitted | ReportState::Accepted
            )
        {
            let m = format!(
                "“{}”{}的报告已{}，不能再写入；如需更正请联系领导小组办公室退回或重新开放",
                token.unit,
                q.label_zh(),
                r.record.state.label_zh()
            );
            every(&|| WriteOutcome::Closed(m.clone()), &mut settled);
            return Ok((settled, retry_alone));
        }
        let mut content = stored
            .as_ref()
            .map(|r| ReportContent::clone(&r.content))
            .unwrap_or_else(|| ReportContent::new(&token.unit, q));
        content.demo = false;
        let mut contents = Vec::with_capacity(passed.len());
        for (_, rows) in &passed {
            for row in rows {
                match content.indicators.iter_mut().find(|r| r.code == row.code) {
                    Some(r) => *r = row.clone(),
                    None => content.indicators.push(row.clone()),
                }
            }
            contents.push(content.clone());
        }
        match save_drafts(
            store,
            ctx,
            Caller::Token(token),
            &token.unit,
            q,
            stored.as_ref(),
            &contents,
            now,
        )
        .await
        {
            Ok(records) => {
                tracing::info!(token = %token.name, unit = %token.unit, quarter = %q, values = passed.iter().map(|(r, _)| r.len()).sum::<usize>(), versions = records.len(), "indicator values written over the API");
                for ((round, _), record) in passed.iter().zip(records) {
                    settled.extend(
                        round
                            .iter()
                            .map(|&i| (i, WriteOutcome::Saved(record.clone()))),
                    );
                }
                return Ok((settled, retry_alone));
            }
            Err(AppError::Stale(_)) if attempt < MAX_ATTEMPTS => continue,
            Err(AppError::Internal(e)) => return Err(Arc::new(e)),
            Err(e) => {
                let m = e.user_message().unwrap_or_default();
                every(&|| WriteOutcome::Refused(m.clone()), &mut settled);
                return Ok((settled, retry_alone));
            }
        }
    }
}
