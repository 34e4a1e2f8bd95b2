//! The web's plan upload (计划 → 导入新版本) takes plans as governments publish them, through the
//! same front door as `planwatch extract` (issue 19): a GBK portal page and a typst PDF are
//! previewed with each task's place in the original file; a scanned PDF and a hostile PDF are
//! refused with the reason and the server keeps serving; the form names the formats.

mod common;
#[path = "publish_formats/make.rs"]
mod make;
mod web_support;

use web_support::Server;

#[test]
fn published_plans_are_previewed_with_their_places_and_bad_ones_refused() {
    let server = Server::start();
    let mut office = server.sign_in("office");

    let form = office.get("/plan/import");
    assert_eq!(form.status, 200);
    for ext in [".pdf", ".html", ".htm", ".doc", ".wps", ".docx", ".xlsx"] {
        assert!(form.body.contains(ext), "the form accepts {ext}");
    }
    assert!(form.body.contains("PDF") && form.body.contains("网页"));

    let page = make::portal_page(&web_support::yangquan_text(), 2);
    let r = office.upload_plan("阳泉行动计划.html", "text/html", &page);
    assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(500)]);
    assert!(r.body.contains("action=\"/plan/import/confirm\""));
    assert!(r.body.contains("打造百亿级新材料产业基地"));
    assert!(
        !r.body.contains("网站标识码"),
        "the footer is not in the text"
    );

    let pdf = make::typst_pdf(&web_support::yangquan_text(), 2);
    let r = office.upload_plan("阳泉行动计划.pdf", "application/pdf", &pdf);
    assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(500)]);
    assert!(r.body.contains("打造百亿级新材料产业基地"));
    assert!(
        r.body.contains("第 2 页"),
        "the text marks where page 2 starts"
    );
    assert!(
        r.body.contains("原文第 "),
        "each task shows its page and line"
    );

    let r = office.upload_plan("扫描件.pdf", "application/pdf", &make::scanned_pdf(2));
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("OCR") && r.body.contains("扫描件.pdf"),
        "{}",
        r.body
    );

    let bomb = std::fs::read(web_support::fixture("fixtures/hostile/pdf-stream-bomb.pdf"))
        .expect("hostile fixture");
    let r = office.upload_plan("bomb.pdf", "application/pdf", &bomb);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("解压"), "the refusal says why");

    assert_eq!(office.get("/plan").status, 200, "the server keeps serving");
}
