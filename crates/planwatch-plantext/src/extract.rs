//! The pipeline: blocks → outline → plan. Walks the blocks once to learn the outline and the
//! task level, then again to fill in goals, tasks (units, targets, milestones), guarantee
//! measures, task forces and attachments, each with its source span.

use crate::chars::{trim_punct, trim_punct_range};
use crate::clauses::year_phrases;
use crate::layout::{self, Block};
use crate::numbering::{self, Style};
use crate::outline::{self, Heading, Purpose};
use crate::parts::{find_period, find_title, read_attachment, read_mechanisms, task_forces};
use crate::source::LineIndex;
use crate::table;
use crate::targets::{self, Ctx, Found};
use crate::units::{self, Label, Named, Role};
use crate::{Diag, finish};
use planwatch_model::{
    Attachment, GuaranteeMeasure, Milestone, MilestoneKind, Plan, Section, Severity, Span, Target,
    Task,
};
use std::collections::HashMap;
use std::ops::Range;

/// What a block is, once the outline is known.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Front,
    Heading(usize),
    Units,
    Person,
    Deadline,
    Attachment,
    Table,
    Text,
}

/// A task under construction, with where each of its units was named.
pub(crate) struct Draft {
    pub(crate) task: Task,
    pub(crate) units: Vec<(String, Role, Span)>,
}

pub(crate) struct Cx<'a> {
    pub(crate) src: &'a str,
    pub(crate) idx: LineIndex<'a>,
    pub(crate) diags: Vec<Diag>,
    /// Applied to every diagnostic before it is sorted and reported: a workbook's reader turns
    /// places in the text it assembled from the cells into sheet, row and column.
    pub(crate) place: Option<&'a dyn Fn(&mut Diag)>,
}

impl Cx<'_> {
    pub(crate) fn span(&self, b: &Block, r: Range<usize>) -> Span {
        self.idx.span(b.norm.src_range(r))
    }

    pub(crate) fn span_in(&self, n: &crate::source::NormText, r: Range<usize>) -> Span {
        self.idx.span(n.src_range(r))
    }

    pub(crate) fn diag(
        &mut self,
        b: &Block,
        r: Range<usize>,
        severity: Severity,
        code: &str,
        message: String,
    ) {
        let span = self.span(b, r);
        self.diags.push(Diag {
            span,
            severity,
            code: code.to_string(),
            message,
        });
    }
}

pub(crate) fn extract(src: &str) -> Plan {
    let mut cx = Cx {
        src,
        idx: LineIndex::new(src),
        diags: Vec::new(),
        place: None,
    };
    let blocks = layout::blocks(src);
    let mut plan = Plan::default();

    let title_blocks = find_title(&blocks);
    if let Some((first, last)) = title_blocks {
        plan.title = (first..=last)
            .map(|t| trim_punct(&blocks[t].norm.text))
            .collect();
    }
    let title_block = title_blocks.map(|(_, last)| last);
    let (period, stated) = find_period(&plan.title, &blocks);
    plan.period = period;
    // Only a stated period dates the targets that name no year; one inferred from the targets
    // themselves (到2025年… 到2030年…) does not.
    let default_year = (stated && plan.period.end != 0).then_some(plan.period.end);

    // Pass 1: kinds, headings and inline annotations.
    let mut kinds = Vec::with_capacity(blocks.len());
    let mut headings: Vec<Heading> = Vec::new();
    let mut inline: Vec<Vec<units::Inline>> = Vec::with_capacity(blocks.len());
    // Attachments (附件) follow the body: their list, then perhaps their contents.
    let mut attach_from: Option<usize> = None;
    let mut attachment_list = false;
    let mut seen_heading = false;
    for (i, b) in blocks.iter().enumerate() {
        let text = b.norm.text.as_str();
        let front = title_block.is_some_and(|t| i <= t);
        if !(text.starts_with("附件") || attachment_list && numbering::parse(text).is_some()) {
            attachment_list = false;
        }
        let kind = if front {
            Kind::Front
        } else if b.cells.is_some() {
            Kind::Table
        } else if text.starts_with("附件") {
            if seen_heading {
                attach_from.get_or_insert(i);
                attachment_list = true;
                Kind::Attachment
            } else {
                Kind::Front
            }
        } else if attachment_list
            && text.chars().count() < 60
            && numbering::parse(text).is_some_and(|n| {
                matches!(
                    n.style,
                    Style::ArabicDot | Style::ArabicParen | Style::CnComma
                )
            })
        {
            Kind::Attachment
        } else if let Some((label, _)) = units::label_at_start(text) {
            match label {
                Label::Units(_) => Kind::Units,
                Label::Person | Label::Other => Kind::Person,
                Label::Deadline => Kind::Deadline,
            }
        } else if let Some(num) = numbering::parse(text) {
            seen_heading = true;
            let found = units::find_inline(text);
            let (title, body) = outline::title_range(
                text,
                num.rest,
                &found.iter().map(|f| f.range.clone()).collect::<Vec<_>>(),
            );
            let own = outline::purpose_of(&text[title.clone()]);
            headings.push(Heading {
                block: i,
                num,
                depth: 0,
                parent: None,
                title,
                body,
                purpose: own,
                own,
            });
            inline.push(found);
            kinds.push(Kind::Heading(headings.len() - 1));
            continue;
        } else {
            Kind::Text
        };
        inline.push(if kind == Kind::Text {
            units::find_inline(text)
        } else {
            Vec::new()
        });
        kinds.push(kind);
    }
    outline::nest(&mut headings);

    // Which numbering level are the tasks? Count unit assignments under each heading: in the
    // body if it has any, else in the attachments too (a task list given only as an attachment).
    let in_attachment = |i: usize| attach_from.is_some_and(|a| i >= a);
    let mut votes = count_votes(&kinds, &inline, |i| !in_attachment(i));
    let attachments_hold_tasks = votes.is_empty();
    if attachments_hold_tasks {
        votes = count_votes(&kinds, &inline, |_| true);
    }
    let task_style = outline::task_style(&headings, &votes);
    // In a plan that names units, a part where no unit is named holds no tasks (三、推进机制).
    let part_of = |mut h: usize| {
        while let Some(p) = headings[h].parent {
            h = p;
        }
        h
    };
    let parts_with_units: std::collections::HashSet<usize> =
        votes.keys().map(|&h| part_of(h)).collect();
    let by_style = |h: &Heading| {
        Some(h.num.style) == task_style
            && h.purpose == Purpose::Open
            && (votes.is_empty()
                || h.depth == 0
                || h.parent
                    .is_some_and(|p| parts_with_units.contains(&part_of(p))))
    };
    // Structure from layout: a heading under which units are assigned is a task unless headings
    // below it are (then it is a group, and the units it names are its tasks' leads); this holds
    // at whatever level the assignments sit and whatever the part's heading says (预期目标).
    let mark_above = |h: usize, marks: &mut Vec<bool>| {
        let mut p = headings[h].parent;
        while let Some(x) = p {
            if marks[x] {
                break;
            }
            marks[x] = true;
            p = headings[x].parent;
        }
    };
    let mut owner_below = vec![false; headings.len()];
    for &h in votes.keys() {
        mark_above(h, &mut owner_below);
    }
    let mut task_below = vec![false; headings.len()];
    for (h, hd) in headings.iter().enumerate() {
        if by_style(hd) && !owner_below[h] {
            mark_above(h, &mut task_below);
        }
    }
    let task_flags: Vec<bool> = headings
        .iter()
        .enumerate()
        .map(|(h, hd)| {
            !owner_below[h] && (by_style(hd) || (votes.contains_key(&h) && !task_below[h]))
        })
        .collect();
    let is_task = |h: usize| task_flags.get(h).copied().unwrap_or(false);
    // Units a group heading names (（十）… (牵头单位：市园林绿化局)): its tasks' leads.
    let mut group_units: HashMap<usize, Vec<(String, Role, Span)>> = HashMap::new();

    // Pass 2: fill the plan.
    let mut drafts: Vec<Draft> = Vec::new();
    let mut open_task: Option<(usize, usize)> = None; // (draft index, heading depth)
    let mut current: Option<usize> = None;
    let mut section_of: HashMap<usize, String> = HashMap::new();
    let mut measure: Option<usize> = None;
    let mut table_run: Vec<usize> = Vec::new();
    let mut table_purpose = Purpose::Open;
    let mut pending_attachment: Option<u32> = None;
    for (i, b) in blocks.iter().enumerate() {
        let text = b.norm.text.as_str();
        if !matches!(kinds[i], Kind::Table) && !table_run.is_empty() {
            let run = std::mem::take(&mut table_run);
            table::read(
                &mut cx,
                &blocks,
                &run,
                table_purpose,
                default_year,
                &mut plan,
                &mut drafts,
            );
        }
        if in_attachment(i) && !matches!(kinds[i], Kind::Table | Kind::Attachment) {
            if let Some(n) = pending_attachment.take() {
                let title = trim_punct(text);
                // The list named it already (附件：1. X … 附件1 / X).
                if !plan.attachments.iter().any(|a| a.title == title) {
                    plan.attachments.push(Attachment {
                        number: n,
                        title: title.to_string(),
                    });
                }
                continue;
            }
            if !attachments_hold_tasks {
                open_task = None;
                continue;
            }
        }
        match &kinds[i] {
            Kind::Front | Kind::Person => {}
            Kind::Table => {
                if table_run.is_empty() {
                    table_purpose = current.map_or(Purpose::Open, |h| headings[h].purpose);
                }
                table_run.push(i);
            }
            Kind::Attachment => read_attachment(text, &mut plan, &mut pending_attachment),
            Kind::Heading(h) => {
                let hd = &headings[*h];
                current = Some(*h);
                if is_task(*h) {
                    open_task = Some((drafts.len(), hd.depth));
                    let section = hd.parent.map(|p| {
                        section_of
                            .entry(p)
                            .or_insert_with(|| {
                                let ph = &headings[p];
                                let pb = &blocks[ph.block];
                                let number = outline::bare_number(&ph.num.label);
                                plan.sections.push(Section {
                                    number: number.clone(),
                                    title: pb.norm.text[ph.title.clone()].to_string(),
                                    span: Some(cx.span(pb, 0..ph.title.end)),
                                });
                                number
                            })
                            .clone()
                    });
                    drafts.push(Draft {
                        task: Task {
                            number: u32::try_from(drafts.len() + 1).unwrap_or(u32::MAX),
                            label: hd.num.label.clone(),
                            title: text[hd.title.clone()].to_string(),
                            section: section.unwrap_or_default(),
                            lead_units: Vec::new(),
                            participating_units: Vec::new(),
                            targets: Vec::new(),
                            milestones: Vec::new(),
                            body: text.to_string(),
                            span: Some(cx.span(b, 0..hd.title.end)),
                        },
                        units: Vec::new(),
                    });
                    // The lead named by the nearest group above the task.
                    let mut up = hd.parent;
                    while let Some(p) = up {
                        if let Some(g) = group_units.get(&p) {
                            if let Some(d) = drafts.last_mut() {
                                d.units.extend(group_leads(g));
                            }
                            break;
                        }
                        up = headings[p].parent;
                    }
                    let subject = text[hd.title.clone()].to_string();
                    add_inline(&mut cx, b, &inline[i], drafts.last_mut());
                    let mut regions = regions(hd.body..text.len(), &inline[i]);
                    // A one-line task (加快建设平台，到2024年建成10个): its later clauses hold targets.
                    if regions
                        .iter()
                        .all(|r| trim_punct(&text[r.clone()]).is_empty())
                    {
                        // A single-sentence item (地区生产总值增长6%。(牵头单位:…)): the title is
                        // the commitment itself. A title with a body is a headline (打造百亿级…).
                        regions.insert(0, hd.title.clone());
                    } else if let Some(rest) = title_tail(text, hd.title.clone()) {
                        regions.insert(0, rest);
                    }
                    read_targets(
                        &mut cx,
                        b,
                        &regions,
                        Ctx {
                            default_year,
                            goals: false,
                            subject: &subject,
                            year: None,
                        },
                        drafts.last_mut(),
                        None,
                    );
                    continue;
                }
                if let Some((_, depth)) = open_task
                    && hd.depth <= depth
                {
                    open_task = None;
                }
                if let Some((d, _)) = open_task {
                    // A sub-item of a task: all of it is task text.
                    let draft = drafts.get_mut(d);
                    let subject = draft
                        .as_ref()
                        .map(|d| d.task.title.clone())
                        .unwrap_or_default();
                    let mut draft = draft;
                    if let Some(dr) = draft.as_deref_mut() {
                        dr.task.body.push('\n');
                        dr.task.body.push_str(text);
                    }
                    add_inline(&mut cx, b, &inline[i], draft.as_deref_mut());
                    let regions = regions(hd.num.rest..text.len(), &inline[i]);
                    read_targets(
                        &mut cx,
                        b,
                        &regions,
                        Ctx {
                            default_year,
                            goals: false,
                            subject: &subject,
                            year: None,
                        },
                        draft,
                        None,
                    );
                    continue;
                }
                measure = None;
                if votes.contains_key(h) {
                    let mut named = Vec::new();
                    for f in &inline[i] {
                        for n in &f.units {
                            named.push((n.name.clone(), n.role, cx.span(b, n.range.clone())));
                        }
                    }
                    group_units.insert(*h, named);
                }
                match hd.purpose {
                    Purpose::Goals => {
                        let regions = regions(hd.body..text.len(), &inline[i]);
                        read_targets(
                            &mut cx,
                            b,
                            &regions,
                            Ctx {
                                default_year,
                                goals: true,
                                subject: "",
                                year: None,
                            },
                            None,
                            Some(&mut plan.goals),
                        );
                    }
                    Purpose::Guarantee
                        if hd
                            .parent
                            .is_some_and(|p| headings[p].own == Purpose::Guarantee) =>
                    {
                        measure = Some(plan.guarantee_measures.len());
                        plan.guarantee_measures.push(GuaranteeMeasure {
                            number: hd.num.label.clone(),
                            title: text[hd.title.clone()].to_string(),
                            mechanisms: Vec::new(),
                            span: Some(cx.span(b, 0..hd.title.end)),
                        });
                        read_mechanisms(text, hd.body..text.len(), &mut plan);
                    }
                    _ => {}
                }
            }
            Kind::Units => {
                let named = unit_line(text, open_task.and_then(|(d, _)| drafts.get(d)));
                match open_task.and_then(|(d, _)| drafts.get_mut(d)) {
                    Some(d) => {
                        for n in named {
                            let span = cx.span(b, n.range.clone());
                            d.units.push((n.name, n.role, span));
                        }
                    }
                    None if !named.is_empty()
                        && let Some(g) = current.and_then(|h| group_units.get_mut(&h)) =>
                    {
                        for n in named {
                            let span = cx.span(b, n.range.clone());
                            g.push((n.name, n.role, span));
                        }
                    }
                    None if !named.is_empty() => cx.diag(
                        b,
                        0..text.len(),
                        Severity::Warning,
                        "unit-outside-task",
                        "这一行的责任单位不属于任何任务，已忽略；请把它放到对应任务之后 (unit line outside any task)".to_string(),
                    ),
                    None => {}
                }
            }
            Kind::Deadline => {
                if let Some(d) = open_task.and_then(|(d, _)| drafts.get_mut(d))
                    && let Some(y) = year_phrases(text).into_iter().find(|y| !y.baseline)
                {
                    let span = cx.span(b, trim_punct_range(text, 0..text.len()));
                    d.task.milestones.push(Milestone {
                        text: trim_punct(text).to_string(),
                        year: Some(y.end),
                        year_start: (y.start != y.end).then_some(y.start),
                        what: d.task.title.clone(),
                        kind: Some(MilestoneKind::Deliverable),
                        span: Some(span),
                    });
                }
            }
            Kind::Text => {
                if let Some((d, _)) = open_task {
                    let draft = drafts.get_mut(d);
                    let subject = draft
                        .as_ref()
                        .map(|d| d.task.title.clone())
                        .unwrap_or_default();
                    let mut draft = draft;
                    if let Some(dr) = draft.as_deref_mut() {
                        dr.task.body.push('\n');
                        dr.task.body.push_str(text);
                    }
                    add_inline(&mut cx, b, &inline[i], draft.as_deref_mut());
                    let regions = regions(0..text.len(), &inline[i]);
                    read_targets(
                        &mut cx,
                        b,
                        &regions,
                        Ctx {
                            default_year,
                            goals: false,
                            subject: &subject,
                            year: None,
                        },
                        draft,
                        None,
                    );
                    continue;
                }
                let goal_title = current.is_some_and(|h| {
                    let hd = &headings[h];
                    blocks[hd.block].norm.text[hd.title.clone()].contains("目标")
                });
                let goals_here = match current.map(|h| headings[h].purpose) {
                    Some(Purpose::Goals) => true,
                    Some(Purpose::Open) => goal_title,
                    Some(Purpose::Guarantee) if measure.is_some() => {
                        read_mechanisms(text, 0..text.len(), &mut plan);
                        false
                    }
                    _ => false,
                };
                if goals_here {
                    let regions = regions(0..text.len(), &inline[i]);
                    read_targets(
                        &mut cx,
                        b,
                        &regions,
                        Ctx {
                            default_year,
                            goals: true,
                            subject: "",
                            year: None,
                        },
                        None,
                        Some(&mut plan.goals),
                    );
                }
            }
        }
    }
    if !table_run.is_empty() {
        table::read(
            &mut cx,
            &blocks,
            &table_run,
            table_purpose,
            default_year,
            &mut plan,
            &mut drafts,
        );
    }

    // Task forces (专班) named in the guarantee measures or anywhere in the text.
    for (i, b) in blocks.iter().enumerate() {
        if matches!(kinds[i], Kind::Text | Kind::Heading(_)) && b.norm.text.contains("专班") {
            task_forces(&b.norm.text, &mut plan.task_forces);
        }
    }

    finish::finish(&mut cx, plan, drafts)
}

/// The clauses of a heading's title after the first one, if any.
fn title_tail(text: &str, title: Range<usize>) -> Option<Range<usize>> {
    let mut depth = 0usize;
    for (i, c) in text[title.clone()].char_indices() {
        if crate::chars::opens(c) {
            depth += 1;
        } else if crate::chars::closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '，' | ',' | '；' | ';') {
            let start = title.start + i + c.len_utf8();
            return (start < title.end).then_some(start..title.end);
        }
    }
    None
}

/// The leads a group passes to its tasks: those it names lead, else the first of its list.
fn group_leads(g: &[(String, Role, Span)]) -> Vec<(String, Role, Span)> {
    let explicit = g.iter().any(|u| u.1 == Role::Lead);
    g.iter()
        .filter(|u| u.1 == Role::Lead || (!explicit && u.1 == Role::Responsible))
        .map(|u| (u.0.clone(), Role::Inherited, u.2))
        .collect()
}

/// Unit assignments under each heading (index into the headings), over the blocks `keep` allows.
fn count_votes(
    kinds: &[Kind],
    inline: &[Vec<units::Inline>],
    keep: impl Fn(usize) -> bool,
) -> HashMap<usize, usize> {
    let mut votes: HashMap<usize, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    for (i, k) in kinds.iter().enumerate() {
        if let Kind::Heading(h) = k {
            current = Some(*h);
        }
        if !keep(i) {
            continue;
        }
        let assigns = match k {
            Kind::Units => true,
            Kind::Heading(_) | Kind::Text => !inline[i].is_empty(),
            _ => false,
        };
        if assigns && let Some(h) = current {
            *votes.entry(h).or_default() += 1;
        }
    }
    votes
}

/// Parts of a block that are not unit annotations.
fn regions(r: Range<usize>, cut: &[units::Inline]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = r.start;
    let mut cuts: Vec<&Range<usize>> = cut
        .iter()
        .map(|c| &c.range)
        .filter(|c| c.end > r.start)
        .collect();
    cuts.sort_by_key(|c| c.start);
    for c in cuts {
        if c.start > at {
            out.push(at..c.start.min(r.end));
        }
        at = at.max(c.end);
    }
    if at < r.end {
        out.push(at..r.end);
    }
    out
}

pub(crate) fn add_inline(
    cx: &mut Cx<'_>,
    b: &Block,
    found: &[units::Inline],
    draft: Option<&mut Draft>,
) {
    let Some(d) = draft else { return };
    for f in found {
        for n in &f.units {
            let span = cx.span(b, n.range.clone());
            d.units.push((n.name.clone(), n.role, span));
        }
        if let Some(r) = &f.deadline
            && let Some(y) = year_phrases(&b.norm.text[r.clone()]).into_iter().next()
        {
            d.task.milestones.push(Milestone {
                text: trim_punct(&b.norm.text[r.clone()]).to_string(),
                year: Some(y.end),
                year_start: (y.start != y.end).then_some(y.start),
                what: d.task.title.clone(),
                kind: Some(MilestoneKind::Deliverable),
                span: Some(cx.span(b, r.clone())),
            });
        }
    }
}

/// A unit line: the units it names with their roles. A 责任单位 line after a 牵头单位 line
/// names participants.
fn unit_line(text: &str, draft: Option<&Draft>) -> Vec<Named> {
    let (mut named, _) = units::spec_units(text, 0);
    let start = units::label_at_start(text);
    if named.is_empty()
        && let Some((Label::Units(role), after)) = start
    {
        named = units::parse_spec(&text[after..], after, Some(role));
    }
    let first = start.map(|(l, _)| l);
    let has_lead = draft.is_some_and(|d| d.units.iter().any(|u| u.1 == Role::Lead));
    if first == Some(Label::Units(Role::Responsible)) && has_lead {
        named.iter_mut().for_each(|n| n.role = Role::Participate);
    }
    named
}

pub(crate) fn read_targets(
    cx: &mut Cx<'_>,
    b: &Block,
    regions: &[Range<usize>],
    ctx: Ctx<'_>,
    draft: Option<&mut Draft>,
    goals: Option<&mut Vec<Target>>,
) {
    let mut found = Found::default();
    let mut context = None;
    for r in regions {
        targets::extract(&b.norm.text, r.clone(), ctx, &mut context, &mut found);
    }
    for r in &found.unreadable {
        let t = b.norm.text[r.clone()].to_string();
        cx.diag(
            b,
            r.clone(),
            Severity::Warning,
            "unreadable-number",
            format!("无法识别的数字“{t}”，请核对原文 (could not read this number)"),
        );
    }
    let with_spans = |found: Vec<(Target, Range<usize>)>| -> Vec<Target> {
        found
            .into_iter()
            .map(|(mut t, r)| {
                t.span = Some(cx.span(b, r));
                t
            })
            .collect()
    };
    let ts = with_spans(found.targets);
    if let Some(g) = goals {
        g.extend(ts);
    } else if let Some(d) = draft {
        d.task.targets.extend(ts);
        for (mut m, r) in found.milestones {
            m.span = Some(cx.span(b, r));
            d.task.milestones.push(m);
        }
    }
}
