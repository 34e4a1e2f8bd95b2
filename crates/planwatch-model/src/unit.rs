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
        if n.starts_with('各') || n.contains("有关") {
            UnitKind::Group
        } else if n.ends_with("人民政府")
            || n.ends_with("县政府")
            || n.ends_with("区政府")
            || n.ends_with("市政府")
        {
            UnitKind::CountyGovernment
        } else if n.ends_with("高新区")
            || n.contains("开发区")
            || n.ends_with("园区")
            || n.ends_with("示范区")
        {
            UnitKind::DevelopmentZone
        } else if n.ends_with("集团") || n.ends_with("公司") || n.ends_with("有限公司") {
            UnitKind::Enterprise
        } else if n.ends_with("学院")
            || n.ends_with("大学")
            || n.ends_with("工院")
            || n.ends_with("研究院")
        {
            UnitKind::Institution
        } else if n.starts_with('市')
            || n.starts_with("县")
            || n.ends_with('局')
            || n.ends_with('委')
            || n.ends_with('办')
            || n.ends_with("中心")
            || n.ends_with('部')
        {
            UnitKind::CityDepartment
        } else {
            UnitKind::Other
        }
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
        ];
        for (name, kind) in cases {
            assert_eq!(UnitKind::classify(name), kind, "{name}");
        }
    }
}
