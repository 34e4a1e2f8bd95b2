//! Responsible units (责任单位) and their kinds.

use serde::{Deserialize, Serialize};

/// What sort of body a unit is; assessment ranks units within their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A city department or party organ: 市科技局, 市委组织部.
    CityDepartment,
    /// A county or district government: 平定县人民政府, 郊区人民政府.
    CountyGovernment,
    /// A development zone: 阳泉高新区, 平定经济技术开发区.
    DevelopmentZone,
    /// An enterprise: 华阳集团.
    Enterprise,
    /// A school, institute or other public institution: 山西工院.
    Institution,
    /// A group name that stands for several units: 各县（区）人民政府.
    Group,
    /// Anything the classifier could not place.
    Other,
}

impl UnitKind {
    /// Classifies a unit name by its shape. Callers may override the result from configuration.
    pub fn classify(name: &str) -> Self {
        let n = name.trim();
        let ends = |suffixes: &[&str]| suffixes.iter().any(|s| n.ends_with(s));
        if n.starts_with('各') || n.contains("有关") || n.contains("相关") || n.starts_with("全体")
        {
            UnitKind::Group
        } else if n.contains("高新区")
            || n.contains("开发区")
            || n.contains("园区")
            || n.contains("示范区")
            || n.contains("综改区")
            || n.contains("新区管委会")
        {
            UnitKind::DevelopmentZone
        } else if ends(&["人民政府", "县政府", "区政府", "市政府", "镇政府", "乡政府"])
        {
            UnitKind::CountyGovernment
        } else if ends(&["集团", "公司", "银行", "电网", "供电局"]) {
            UnitKind::Enterprise
        } else if ends(&[
            "学院",
            "大学",
            "工院",
            "研究院",
            "研究所",
            "学校",
            "中学",
            "医院",
            "实验室",
        ]) {
            UnitKind::Institution
        } else if n.starts_with('市')
            || n.starts_with('县')
            || n.starts_with('区')
            || n.starts_with('省')
            || n.starts_with("团市委")
            || ends(&[
                "局", "委", "办", "中心", "部", "厅", "署", "院", "会", "联", "协", "处", "站",
            ])
        {
            UnitKind::CityDepartment
        } else {
            UnitKind::Other
        }
    }

    /// Every kind, in the order pages list them (the match in `as_str` keeps the list whole:
    /// a new kind that is not added here fails the test below).
    pub const ALL: [UnitKind; 7] = [
        UnitKind::CityDepartment,
        UnitKind::CountyGovernment,
        UnitKind::DevelopmentZone,
        UnitKind::Enterprise,
        UnitKind::Institution,
        UnitKind::Other,
        UnitKind::Group,
    ];

    /// The name on the wire (JSON, TOML, the store's column).
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::CityDepartment => "city_department",
            UnitKind::CountyGovernment => "county_government",
            UnitKind::DevelopmentZone => "development_zone",
            UnitKind::Enterprise => "enterprise",
            UnitKind::Institution => "institution",
            UnitKind::Group => "group",
            UnitKind::Other => "other",
        }
    }

    /// The kind named `s` on the wire.
    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::CityDepartment => "市直部门",
            UnitKind::CountyGovernment => "县（区）",
            UnitKind::DevelopmentZone => "开发区",
            UnitKind::Enterprise => "企业",
            UnitKind::Institution => "事业单位",
            UnitKind::Group => "单位组",
            UnitKind::Other => "其他",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_reads_back() {
        let names: std::collections::BTreeSet<&str> =
            UnitKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), UnitKind::ALL.len());
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
            // Exhaustive: a new kind must be placed here and in ALL.
            match k {
                UnitKind::CityDepartment
                | UnitKind::CountyGovernment
                | UnitKind::DevelopmentZone
                | UnitKind::Enterprise
                | UnitKind::Institution
                | UnitKind::Group
                | UnitKind::Other => {}
            }
        }
    }

    #[test]
    fn yangquan_unit_names_get_the_expected_kinds() {
        let cases = [
            ("市科技局", UnitKind::CityDepartment),
            ("市委组织部", UnitKind::CityDepartment),
            ("市中小企业发展中心", UnitKind::CityDepartment),
            ("平定县人民政府", UnitKind::CountyGovernment),
            ("郊区人民政府", UnitKind::CountyGovernment),
            ("各县（区）人民政府", UnitKind::Group),
            ("阳泉高新区", UnitKind::DevelopmentZone),
            ("华阳集团", UnitKind::Enterprise),
            ("山西工院", UnitKind::Institution),
            ("各县（市、区）人民政府", UnitKind::Group),
            ("市直各有关单位", UnitKind::Group),
            ("平定经济技术开发区管委会", UnitKind::DevelopmentZone),
            ("阳泉高新区管委会", UnitKind::DevelopmentZone),
            ("盂县人民政府", UnitKind::CountyGovernment),
            ("国网阳泉供电公司", UnitKind::Enterprise),
            ("市科协", UnitKind::CityDepartment),
            ("团市委", UnitKind::CityDepartment),
            ("省科技厅", UnitKind::CityDepartment),
            ("阳泉职业技术学院", UnitKind::Institution),
        ];
        for (name, kind) in cases {
            assert_eq!(UnitKind::classify(name), kind, "{name}");
        }
    }
}
