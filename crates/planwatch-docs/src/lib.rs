//! Documents: one report model (sections, paragraphs, tables, charts, page breaks, labels such
//! as 【草稿】 and 示例数据) built from the plan and the assessment, and writers that turn it into
//! docx (Word/WPS, editable), pdf (typst, fonts embedded), html (one self-contained file) and
//! xlsx (the attachment tables). The model and its composition do no IO and read no clock; the
//! writers return bytes, and only font loading reads files.

pub mod adapter;
pub mod annual;
pub mod bulletin;
pub mod charts;
pub mod config;
pub mod docx;
pub mod drafts;
pub mod feedback;
pub mod final_report;
pub mod fonts;
pub mod html;
pub mod model;
pub mod pdf;
pub mod raster;
pub mod tables;
pub mod tasklist;
pub mod text;
pub mod view;
pub mod xlsx;

pub use config::ReportConfig;
pub use fonts::{FontError, FontRole, Fonts};
pub use model::{
    Block, Cell, Chart, Column, Document, Inline, Label, Paragraph, Row, Source, Table,
};
