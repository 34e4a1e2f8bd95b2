//! Font resolution against the fonts scripts/test.sh installs (fonts-noto-cjk,
//! fonts-wqy-microhei): configured files, configured families, stand-ins and their notes.

use planwatch_docs::config::FontConfig;
use planwatch_docs::{FontRole, Fonts};

const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

fn only(family: &str) -> Vec<String> {
    vec![family.to_string()]
}

#[test]
fn a_configured_font_file_serves_the_roles_that_name_its_family() {
    let cfg = FontConfig {
        paths: vec![WQY.into()],
        system: false,
        title: only("WenQuanYi Micro Hei"),
        body: only("文泉驿微米黑"),
        heading1: only("WenQuanYi Micro Hei"),
        heading2: only("WenQuanYi Micro Hei"),
        table: only("WenQuanYi Micro Hei"),
        page_number: only("WenQuanYi Micro Hei"),
        chart: only("WenQuanYi Micro Hei"),
    };
    let fonts = Fonts::load(&cfg).expect("the configured file loads");
    for role in FontRole::ALL {
        let r = fonts.role(role);
        assert!(!r.substitute, "{role:?}");
        assert_eq!(r.path.to_str(), Some(WQY));
    }
    // A Chinese family name matches the font's localised name.
    assert_eq!(fonts.role(FontRole::Body).wanted, "文泉驿微米黑");
    assert!(fonts.notes().is_empty(), "{:?}", fonts.notes());
}

#[test]
fn a_missing_office_font_is_replaced_by_an_installed_cjk_font_of_the_same_style() {
    let cfg = FontConfig {
        body: only("仿宋_GB2312"),
        heading1: only("黑体"),
        ..FontConfig::default()
    };
    let fonts = Fonts::load(&cfg).expect("system CJK fonts are installed");
    let body = fonts.role(FontRole::Body);
    assert!(body.substitute);
    assert_eq!(body.wanted, "仿宋_GB2312");
    assert!(
        body.family.contains("Serif") || body.family.contains("Song"),
        "a serif stands in for 仿宋: {}",
        body.family
    );
    let h1 = fonts.role(FontRole::Heading1);
    assert!(
        h1.family.contains("Sans") || h1.family.contains("Hei"),
        "{}",
        h1.family
    );
    assert!(
        fonts
            .notes()
            .iter()
            .any(|n| n.contains("仿宋_GB2312") && n.contains(&body.family)),
        "{:?}",
        fonts.notes()
    );
}

#[test]
fn the_defaults_name_the_office_fonts_first_and_fall_back_to_noto() {
    let fonts = Fonts::load(&FontConfig::default()).expect("loads");
    let title = fonts.role(FontRole::Title);
    assert_eq!(title.wanted, "方正小标宋简体");
    assert_eq!(title.family, "Noto Serif CJK SC");
    assert_eq!(fonts.role(FontRole::Heading1).family, "Noto Sans CJK SC");
    assert!(fonts.notes().iter().any(|n| n.contains("方正小标宋简体")));
}
